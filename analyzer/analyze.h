/* From a file's bytes to the analysis tree (analyzer/tree.h). */
#ifndef OPTROM_ANALYZE_H
#define OPTROM_ANALYZE_H

#include "analyzer/tree.h"

#endif
