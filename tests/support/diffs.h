/* Lookups in a diff's image pair for tests: a field by its qualified name,
 * a byte range by (part of) its name. */
#ifndef OPTROM_TEST_DIFFS_H
#define OPTROM_TEST_DIFFS_H

#include "analyzer/diff.h"

/* The listed field named exactly name, or NULL. */
const struct diff_field *diff_field_named(const struct diff_image *im, const char *name);

/* The first listed range whose name contains name, or NULL. */
const struct diff_range *diff_range_named(const struct diff_image *im, const char *name);

#endif
