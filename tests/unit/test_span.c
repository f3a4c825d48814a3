/* formats/span.h: every accessor succeeds exactly when its bytes are inside
 * the span and fails (with a zeroed output) one byte short of that. Each
 * buffer is heap-allocated to its exact length so that the sanitizer build
 * catches any read past it. */
#include "formats/span.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t bytes[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA};

Test(span, make_null_data_gives_empty_span)
{
	struct span s = span_make(NULL, 100);
	uint8_t v = 0xEE;
	cr_assert_eq(s.len, 0);
	cr_assert_not(span_u8(&s, 0, &v));
	cr_assert_eq(v, 0);
}

Test(span, u8_u16_u32_u64_little_endian)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint64_t d;
	cr_assert(span_u8(&s, 9, &a));
	cr_assert_eq(a, 0xAA);
	cr_assert(span_u16le(&s, 1, &b));
	cr_assert_eq(b, 0x3322);
	cr_assert(span_u32le(&s, 2, &c));
	cr_assert_eq(c, 0x66554433u);
	cr_assert(span_u64le(&s, 2, &d));
	cr_assert_eq(d, 0xAA99887766554433ull);
}

/* For each width w, reading at offset 0 of an n-byte buffer succeeds iff
 * n >= w, and reading the last w bytes of the full buffer works while one
 * further is refused. */
Test(span, each_width_fails_exactly_one_byte_short)
{
	static const size_t widths[] = {1, 2, 4, 8};
	for (size_t wi = 0; wi < 4; wi++) {
		size_t w = widths[wi];
		for (size_t n = 0; n <= sizeof(bytes); n++) {
			uint8_t *p = tb_exact_copy(bytes, n);
			struct span s = span_make(p, n);
			uint64_t got = 0xDEAD;
			bool ok;
			switch (w) {
			case 1: {
				uint8_t v = 0xEE;
				ok = span_u8(&s, 0, &v);
				got = v;
				break;
			}
			case 2: {
				uint16_t v = 0xEEEE;
				ok = span_u16le(&s, 0, &v);
				got = v;
				break;
			}
			case 4: {
				uint32_t v = 0xEEEEEEEE;
				ok = span_u32le(&s, 0, &v);
				got = v;
				break;
			}
			default:
				ok = span_u64le(&s, 0, &got);
				break;
			}
			cr_assert_eq(ok, n >= w, "width %zu length %zu", w, n);
			if (!ok)
				cr_assert_eq(got, 0, "output not zeroed, width %zu length %zu", w,
				             n);
			else
				cr_assert_eq(got & 0xFF, 0x11);
			free(p);
		}
	}
}

Test(span, reads_at_the_end)
{
	uint8_t *p = tb_exact_copy(bytes, sizeof(bytes));
	struct span s = span_make(p, sizeof(bytes));
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;
	cr_assert(span_u16le(&s, 8, &v16));
	cr_assert_eq(v16, 0xAA99);
	cr_assert_not(span_u16le(&s, 9, &v16));
	cr_assert(span_u32le(&s, 6, &v32));
	cr_assert_not(span_u32le(&s, 7, &v32));
	cr_assert(span_u64le(&s, 2, &v64));
	cr_assert_not(span_u64le(&s, 3, &v64));
	cr_assert_eq(v64, 0);
	free(p);
}

Test(span, huge_offsets_do_not_wrap)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint64_t d;
	struct span sub;
	cr_assert_not(span_u8(&s, SIZE_MAX, &a));
	cr_assert_not(span_u16le(&s, SIZE_MAX, &b));
	cr_assert_not(span_u16le(&s, SIZE_MAX - 1, &b));
	cr_assert_not(span_u32le(&s, SIZE_MAX - 2, &c));
	cr_assert_not(span_u64le(&s, SIZE_MAX - 4, &d));
	cr_assert_not(span_u64le(&s, SIZE_MAX - 7, &d));
	cr_assert_not(span_has(&s, 1, SIZE_MAX));
	cr_assert_not(span_sub(&s, 2, SIZE_MAX - 1, &sub));
	cr_assert_null(sub.data);
	cr_assert_eq(sub.len, 0);
}

Test(span, has_accepts_empty_ranges_up_to_the_end)
{
	struct span s = span_make(bytes, sizeof(bytes));
	cr_assert(span_has(&s, 0, 0));
	cr_assert(span_has(&s, sizeof(bytes), 0));
	cr_assert_not(span_has(&s, sizeof(bytes) + 1, 0));
	cr_assert(span_has(&s, 3, 7));
	cr_assert_not(span_has(&s, 3, 8));
}

Test(span, size_add_and_mul_detect_overflow)
{
	size_t out = 7;
	cr_assert(size_add(SIZE_MAX - 1, 1, &out));
	cr_assert_eq(out, SIZE_MAX);
	cr_assert_not(size_add(SIZE_MAX, 1, &out));
	cr_assert(size_mul(0, SIZE_MAX, &out));
	cr_assert_eq(out, 0);
	cr_assert(size_mul(SIZE_MAX / 2, 2, &out));
	cr_assert_eq(out, SIZE_MAX - 1);
	cr_assert_not(size_mul(SIZE_MAX / 2 + 1, 2, &out));
}

Test(span, sub_and_tail)
{
	struct span s = span_make(bytes, sizeof(bytes));
	struct span sub, t;
	uint8_t v;
	cr_assert(span_sub(&s, 4, 6, &sub));
	cr_assert_eq(sub.len, 6);
	cr_assert(span_u8(&sub, 0, &v));
	cr_assert_eq(v, 0x55);
	cr_assert_not(span_u8(&sub, 6, &v));
	cr_assert_not(span_sub(&s, 4, 7, &sub));
	cr_assert_eq(sub.len, 0);
	t = span_tail(&s, 7);
	cr_assert_eq(t.len, 3);
	cr_assert_eq(t.data[0], 0x88);
	t = span_tail(&s, sizeof(bytes));
	cr_assert_eq(t.len, 0);
	t = span_tail(&s, sizeof(bytes) + 1);
	cr_assert_eq(t.len, 0);
	cr_assert_null(t.data);
}

Test(span, eq_is_bounded)
{
	uint8_t *p = tb_exact_copy(bytes, sizeof(bytes));
	struct span s = span_make(p, sizeof(bytes));
	static const uint8_t tail[] = {0x99, 0xAA};
	static const uint8_t tail_plus[] = {0x99, 0xAA, 0x00};
	cr_assert(span_eq(&s, 8, tail, 2));
	cr_assert_not(span_eq(&s, 8, tail_plus, 3));
	cr_assert_not(span_eq(&s, 7, tail, 2));
	cr_assert_not(span_eq(&s, SIZE_MAX, tail, 2));
	free(p);
}

Test(span, sum8_wraps_and_is_bounded)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint8_t sum = 0x77;
	/* 0x11 x (1+...+9) + 0xAA = 0x2FD + 0xAA = 0x3A7 -> 0xA7 */
	cr_assert(span_sum8(&s, 0, sizeof(bytes), &sum));
	cr_assert_eq(sum, 0xA7);
	cr_assert(span_sum8(&s, 8, 2, &sum));
	cr_assert_eq(sum, (uint8_t)(0x99 + 0xAA));
	cr_assert(span_sum8(&s, 10, 0, &sum));
	cr_assert_eq(sum, 0);
	sum = 0x77;
	cr_assert_not(span_sum8(&s, 8, 3, &sum));
	cr_assert_eq(sum, 0);
}

/* An empty span may carry no data pointer: sub-views and tails of it are
 * empty, without arithmetic on NULL (UBSan flags NULL + 0). */
Test(span, empty_span_without_data)
{
	struct span s = span_make(NULL, 0), t;
	uint8_t v;
	cr_assert_eq(s.len, 0);
	cr_assert(span_sub(&s, 0, 0, &t));
	cr_assert_null(t.data);
	cr_assert_eq(t.len, 0);
	cr_assert_not(span_sub(&s, 0, 1, &t));
	t = span_tail(&s, 0);
	cr_assert_eq(t.len, 0);
	cr_assert_not(span_u8(&s, 0, &v));
	cr_assert_not(span_eq(&s, 0, "x", 1));
}
