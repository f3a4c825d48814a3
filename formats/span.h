/* Bounded, read-only view of bytes.
 *
 * Every read of file bytes in optrom goes through these accessors: each one
 * returns false (and leaves *out zeroed) when the requested bytes do not lie
 * entirely inside the span, so a lying offset in a ROM can never make us read
 * outside the buffer. Offsets are size_t and every "offset + width" sum is
 * checked for overflow before it is compared with the length.
 */
#ifndef OPTROM_SPAN_H
#define OPTROM_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
	const uint8_t *data;
	size_t len;
};

static inline struct span span_make(const void *data, size_t len)
{
	struct span s = {(const uint8_t *)data, data ? len : 0};
	return s;
}

/* a + b without wrap-around; false when the sum would overflow size_t. */
static inline bool size_add(size_t a, size_t b, size_t *out)
{
	if (a > SIZE_MAX - b)
		return false;
	*out = a + b;
	return true;
}

/* a * b without wrap-around. */
static inline bool size_mul(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

/* True when [off, off + n) lies inside the span (n may be 0). */
static inline bool span_has(const struct span *s, size_t off, size_t n)
{
	size_t end;
	return size_add(off, n, &end) && end <= s->len;
}

static inline bool span_u8(const struct span *s, size_t off, uint8_t *out)
{
	*out = 0;
	if (!span_has(s, off, 1))
		return false;
	*out = s->data[off];
	return true;
}

static inline bool span_u16le(const struct span *s, size_t off, uint16_t *out)
{
	*out = 0;
	if (!span_has(s, off, 2))
		return false;
	*out = (uint16_t)(s->data[off] | (s->data[off + 1] << 8));
	return true;
}

static inline bool span_u32le(const struct span *s, size_t off, uint32_t *out)
{
	*out = 0;
	if (!span_has(s, off, 4))
		return false;
	*out = (uint32_t)s->data[off] | ((uint32_t)s->data[off + 1] << 8) |
	       ((uint32_t)s->data[off + 2] << 16) | ((uint32_t)s->data[off + 3] << 24);
	return true;
}

static inline bool span_u64le(const struct span *s, size_t off, uint64_t *out)
{
	uint32_t lo, hi;
	*out = 0;
	if (!span_u32le(s, off, &lo) || !span_u32le(s, off + 4, &hi) || off + 4 < off)
		return false;
	*out = ((uint64_t)hi << 32) | lo;
	return true;
}

/* Sub-view [off, off + n); false (and an empty *out) when it does not fit. */
static inline bool span_sub(const struct span *s, size_t off, size_t n, struct span *out)
{
	out->data = NULL;
	out->len = 0;
	if (!span_has(s, off, n))
		return false;
	/* An empty span may have no data at all: NULL + 0 is still UB in C. */
	out->data = s->data ? s->data + off : NULL;
	out->len = n;
	return true;
}

/* Sub-view from off to the end of the span (empty when off is past the end). */
static inline struct span span_tail(const struct span *s, size_t off)
{
	struct span t = {NULL, 0};
	if (off <= s->len && s->data) {
		t.data = s->data + off;
		t.len = s->len - off;
	}
	return t;
}

/* True when the n bytes at off equal want. */
static inline bool span_eq(const struct span *s, size_t off, const void *want, size_t n)
{
	return span_has(s, off, n) && (n == 0 || memcmp(s->data + off, want, n) == 0);
}

/* 8-bit sum of [off, off + n); false when the range does not fit. */
static inline bool span_sum8(const struct span *s, size_t off, size_t n, uint8_t *out)
{
	uint8_t sum = 0;
	*out = 0;
	if (!span_has(s, off, n))
		return false;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + s->data[off + i]);
	*out = sum;
	return true;
}

#endif
