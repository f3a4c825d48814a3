#include "formats/field.h"

bool fmt_field_read(const struct span *s, size_t base, const struct fmt_field *f, uint32_t *out)
{
	size_t off;
	*out = 0;
	if (!size_add(base, f->offset, &off))
		return false;
	switch (f->width) {
	case 1: {
		uint8_t v;
		bool ok = span_u8(s, off, &v);
		*out = v;
		return ok;
	}
	case 2: {
		uint16_t v;
		bool ok = span_u16le(s, off, &v);
		*out = v;
		return ok;
	}
	case 4:
		return span_u32le(s, off, out);
	default:
		return false;
	}
}

int fmt_field_find(const struct fmt_field *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}
