#include "tests/support/diffs.h"

#include <string.h>

const struct diff_field *diff_field_named(const struct diff_image *im, const char *name)
{
	for (size_t i = 0; i < im->n_fields; i++)
		if (strcmp(im->fields[i].name, name) == 0)
			return &im->fields[i];
	return NULL;
}

const struct diff_range *diff_range_named(const struct diff_image *im, const char *name)
{
	for (size_t i = 0; i < im->n_ranges; i++)
		if (strstr(im->ranges[i].name, name))
			return &im->ranges[i];
	return NULL;
}
