#include "formats/field.h"

static uint64_t field_mask(const struct fmt_field *f)
{
	return f->bits == 0 || f->bits >= 64 ? UINT64_MAX : (UINT64_C(1) << f->bits) - 1u;
}

static void member_store(void *out, const struct fmt_field *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)out + f->member;
	switch (f->size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	case 8:
		memcpy(p, &v, 8);
		break;
	default:
		break;
	}
}

static uint64_t member_load(const void *in, const struct fmt_field *f)
{
	const uint8_t *p = (const uint8_t *)in + f->member;
	switch (f->size) {
	case 1:
		return *p;
	case 2: {
		uint16_t x;
		memcpy(&x, p, 2);
		return x;
	}
	case 4: {
		uint32_t x;
		memcpy(&x, p, 4);
		return x;
	}
	case 8: {
		uint64_t x;
		memcpy(&x, p, 8);
		return x;
	}
	default:
		return 0;
	}
}

/* The width-byte little-endian word at base + f->offset. */
static bool word_read(const struct span *s, size_t base, const struct fmt_field *f, uint64_t *out)
{
	size_t off;
	*out = 0;
	if (f->width == 0 || f->width > 8 || !size_add(base, f->offset, &off) ||
	    !span_has(s, off, f->width))
		return false;
	for (unsigned i = 0; i < f->width; i++) {
		uint8_t b;
		(void)span_u8(s, off + i, &b);
		*out |= (uint64_t)b << (8 * i);
	}
	return true;
}

bool fmt_decode(const struct span *s, size_t base, const struct fmt_field *table, size_t n,
                void *out)
{
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		const struct fmt_field *f = &table[i];
		uint64_t v;
		if (word_read(s, base, f, &v))
			v = (v >> f->shift) & field_mask(f);
		else
			all = false;
		member_store(out, f, v);
	}
	return all;
}

bool fmt_encode(uint8_t *buf, size_t cap, size_t base, const struct fmt_field *table, size_t n,
                const void *in)
{
	size_t end;
	if (!size_add(base, fmt_extent(table, n), &end) || end > cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct fmt_field *f = &table[i];
		struct span s = span_make(buf, cap);
		uint64_t word, mask = field_mask(f) << f->shift;
		(void)word_read(&s, base, f, &word);
		word = (word & ~mask) | ((member_load(in, f) << f->shift) & mask);
		for (unsigned b = 0; b < f->width; b++)
			buf[base + f->offset + b] = (uint8_t)(word >> (8 * b));
	}
	return true;
}

size_t fmt_extent(const struct fmt_field *table, size_t n)
{
	size_t end = 0;
	for (size_t i = 0; i < n; i++)
		if ((size_t)table[i].offset + table[i].width > end)
			end = (size_t)table[i].offset + table[i].width;
	return end;
}

uint64_t fmt_value(const void *decoded, const struct fmt_field *f)
{
	return member_load(decoded, f);
}

/* prefix "." name into out[cap], name lowercased when lower. */
static void join(const char *prefix, const char *name, bool lower, char *out, size_t cap)
{
	size_t k = 0;
	if (cap == 0)
		return;
	for (const char *p = prefix; *p && k + 1 < cap; p++)
		out[k++] = *p;
	if (k + 1 < cap)
		out[k++] = '.';
	for (const char *p = name; *p && k + 1 < cap; p++)
		out[k++] = lower && *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
	out[k] = '\0';
}

void fmt_qualified_name(const char *prefix, const struct fmt_field *f, char *out, size_t cap)
{
	join(prefix, f->name ? f->name : "?", true, out, cap);
}

const char *fmt_text_value(const void *decoded, const struct fmt_text *t)
{
	const char *p = (const char *)decoded + t->member;
	return memchr(p, '\0', t->size) ? p : "";
}

void fmt_text_qualified_name(const char *prefix, const struct fmt_text *t, char *out, size_t cap)
{
	join(prefix, t->key, false, out, cap);
}

const char *fmt_role_key(enum fmt_role r)
{
	static const char *const keys[FMT_ROLE_COUNT] = {
	    [FMT_ROLE_NONE] = "",
	    [FMT_ROLE_VERSION] = "version",
	    [FMT_ROLE_PART] = "part_number",
	    [FMT_ROLE_BUILD_DATE] = "build_date",
	    [FMT_ROLE_BOARD] = "board",
	};
	return (unsigned)r < FMT_ROLE_COUNT ? keys[r] : "";
}
