/* A structure's fields described once, as data.
 *
 * Each wire structure (PCIR, EFI ROM header, NVGI, NPDE, ...) has one table of
 * {name, offset, width}; the decoder reads its fields through the table, and
 * the emitters and the diff can walk the same table, so a field is called the
 * same thing in code, report and diff (idea taken from fwupd's struct
 * declarations and iPXE's Option::ROM field hashes).
 */
#ifndef OPTROM_FIELD_H
#define OPTROM_FIELD_H

#include "formats/span.h"

struct fmt_field {
	const char *name; /* stable snake_case name used in reports */
	uint16_t offset;  /* from the structure's start */
	uint8_t width;    /* 1, 2 or 4 bytes, little-endian */
};

/* Reads one field of the structure at base; false when it lies outside s. */
bool fmt_field_read(const struct span *s, size_t base, const struct fmt_field *f, uint32_t *out);

/* Index of the field called name in a table of n fields, or -1. */
int fmt_field_find(const struct fmt_field *table, size_t n, const char *name);

#endif
