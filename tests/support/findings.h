/* Finding lookups by catalog id for tests: a name the catalog does not
 * know fails the test (a typo must not read as "finding absent"). */
#ifndef OPTROM_TEST_FINDINGS_H
#define OPTROM_TEST_FINDINGS_H

#include "analyzer/tree.h"

/* The first finding with catalog id `id`, or NULL; asserts that the
 * catalog has such an id. */
const struct finding *find_named(const struct rom_analysis *a, const char *id);

#endif
