/* EFI 1.1 / Tiano decompression: round trips through the test encoders,
 * hand-made corrupt streams for each class of docs 6.4 (CVE-2017-5731..5735),
 * and the compressed EFI drivers of the real ROMs in $OPTROM_CORPUS. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/efi_decompress.h"
#include "formats/pe.h"
#include "formats/span.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/expect.h"

static const unsigned pbits[] = {EFI_DECOMP_EFI11, EFI_DECOMP_TIANO};

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		/* Mix runs and noise so the LZ encoder finds matches. */
		p[i] = (i / 97) % 3 == 0 ? (uint8_t)(i / 13) : (uint8_t)(x >> 24);
	}
}

typedef size_t (*encoder_fn)(const uint8_t *, size_t, unsigned, uint8_t *, size_t);

static void round_trip(encoder_fn enc, size_t n, unsigned pbit)
{
	size_t cap = efi_encode_bound(n), clen, out_len = 12345;
	uint8_t *in = malloc(n + 1), *c = malloc(cap), *out = malloc(n + 1);
	enum efi_decomp_status st;
	uint32_t cs, os;

	cr_assert(in && c && out);
	fill_pattern(in, n, (uint32_t)n);
	clen = enc(in, n, pbit, c, cap);
	cr_assert_gt(clen, 8, "encoder failed for n=%zu", n);
	cr_assert_eq(efi_decomp_info(c, clen, &cs, &os), EFI_DECOMP_OK);
	cr_assert_eq(os, n);
	cr_assert_eq((size_t)cs + 8, clen);
	st = efi_decompress(c, clen, (enum efi_decomp_variant)pbit, out, n, &out_len);
	cr_assert_eq(st, EFI_DECOMP_OK, "n=%zu pbit=%u: %s", n, pbit, efi_decomp_status_str(st));
	cr_assert_eq(out_len, n);
	cr_assert(n == 0 || memcmp(in, out, n) == 0, "n=%zu pbit=%u: output differs", n, pbit);
	free(in);
	free(c);
	free(out);
}

static const size_t sizes[] = {0,     1,      2,      3,      8,      255,   256,   257,
                               1000,  4096,   16384,  16385,  65534,  65535, 65536, 65537,
                               70000, 131070, 131071, 131072, 131073, 200000};

Test(efi_decompress, literal_round_trip)
{
	for (size_t p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			round_trip(efi_encode_literal, sizes[i], pbits[p]);
}

Test(efi_decompress, lz_round_trip)
{
	for (size_t p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			round_trip(efi_encode_lz, sizes[i], pbits[p]);
}

/* Many more blocks than the others: > 65535 tokens forces block splits. */
Test(efi_decompress, lz_round_trip_large)
{
	round_trip(efi_encode_lz, 700000, EFI_DECOMP_EFI11);
	round_trip(efi_encode_lz, 700000, EFI_DECOMP_TIANO);
}

/* Decodes a token stream and returns the status; *out receives the bytes. */
static enum efi_decomp_status run_tokens(const struct efi_token *t, size_t nt, unsigned pbit,
                                         uint32_t orig, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t buf[4096];
	size_t clen = efi_encode_tokens(t, nt, pbit, orig, buf, sizeof(buf));
	cr_assert_gt(clen, 0);
	return efi_decompress(buf, clen, (enum efi_decomp_variant)pbit, out, cap, out_len);
}

Test(efi_decompress, matches_overlap_long_and_short_distances)
{
	/* "ab", then dist 0 (repeat last byte), dist 1 (repeat "ab" pairs),
	 * a 256-byte overlapping match, and a match stopped by OrigSize. */
	struct efi_token t[] = {
	    {0, 'a', 0}, {0, 'b', 0}, {3, 0, 0}, {4, 0, 1}, {256, 0, 0}, {256, 0, 5},
	};
	uint8_t out[600];
	uint8_t want[600];
	size_t n = 0, out_len;

	want[n++] = 'a';
	want[n++] = 'b';
	for (int i = 0; i < 3; i++, n++)
		want[n] = want[n - 1]; /* dist 0 */
	for (int i = 0; i < 4; i++, n++)
		want[n] = want[n - 2]; /* dist 1 */
	for (int i = 0; i < 256; i++, n++)
		want[n] = want[n - 1];
	for (int i = 0; i < 100; i++, n++)
		want[n] = want[n - 6]; /* cut at OrigSize */
	for (size_t p = 0; p < 2; p++) {
		memset(out, 0xEE, sizeof(out));
		cr_assert_eq(run_tokens(t, 6, pbits[p], (uint32_t)n, out, n, &out_len),
		             EFI_DECOMP_OK);
		cr_assert_eq(out_len, n);
		cr_assert_arr_eq(out, want, n);
		cr_assert_eq(out[n], 0xEE, "wrote past OrigSize");
	}
}

/* The largest distance each variant can code: 2^13 - 1 and 2^19 - 1. */
static void max_distance(unsigned pbit, uint32_t dist)
{
	size_t n = (size_t)dist + 1 + 10;
	uint8_t *in = malloc(n), *out = malloc(n), *c;
	struct efi_token *t = calloc(dist + 2, sizeof(*t));
	size_t cap = efi_encode_bound(n), clen, out_len;

	cr_assert(in && out && t);
	c = malloc(cap);
	fill_pattern(in, dist + 1, 7);
	for (uint32_t i = 0; i <= dist; i++)
		t[i].lit = in[i];
	t[dist + 1].len = 10;
	t[dist + 1].dist = dist; /* copy from position 0 */
	memcpy(in + dist + 1, in, 10);
	clen = efi_encode_tokens(t, dist + 2, pbit, (uint32_t)n, c, cap);
	cr_assert_gt(clen, 0);
	cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)pbit, out, n, &out_len),
	             EFI_DECOMP_OK);
	cr_assert_arr_eq(out, in, n);
	free(in);
	free(out);
	free(c);
	free(t);
}

Test(efi_decompress, maximal_distance)
{
	max_distance(EFI_DECOMP_EFI11, (1u << 13) - 1);
	max_distance(EFI_DECOMP_TIANO, (1u << 19) - 1);
}

/* ------------------------------------------------------------------ */
/* Header checks.                                                     */

Test(efi_decompress, truncated_header)
{
	uint8_t b[8] = {0};
	uint8_t out[4];
	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(efi_decompress(b, n, EFI_DECOMP_EFI11, out, 4, NULL),
		             EFI_DECOMP_TRUNCATED_HEADER);
	cr_assert_eq(efi_decomp_info(NULL, 0, NULL, NULL), EFI_DECOMP_TRUNCATED_HEADER);
}

Test(efi_decompress, comp_size_beyond_input)
{
	uint8_t b[32] = {0};
	uint8_t out[16];
	uint32_t cs = 0, os = 0;

	tb_put32(b, 0, 25); /* 25 + 8 = 33 > 32 */
	tb_put32(b, 4, 16);
	cr_assert_eq(efi_decomp_info(b, sizeof(b), &cs, &os), EFI_DECOMP_SIZE_OVERFLOW);
	cr_assert_eq(cs, 25);
	cr_assert_eq(os, 16);
	/* 0xFFFFFFF9 + 8 wraps to 1 in 32 bits (the CVE-2017-573x class). */
	tb_put32(b, 0, 0xFFFFFFF9u);
	cr_assert_eq(efi_decompress(b, sizeof(b), EFI_DECOMP_EFI11, out, 16, NULL),
	             EFI_DECOMP_SIZE_OVERFLOW);
	tb_put32(b, 0, 0xFFFFFFFFu);
	cr_assert_eq(efi_decompress(b, sizeof(b), EFI_DECOMP_TIANO, out, 16, NULL),
	             EFI_DECOMP_SIZE_OVERFLOW);
	tb_put32(b, 0, 24); /* exactly fits */
	cr_assert_eq(efi_decomp_info(b, sizeof(b), NULL, NULL), EFI_DECOMP_OK);
}

Test(efi_decompress, orig_size_zero_and_huge)
{
	uint8_t b[16] = {0};
	uint8_t out[4] = {0xEE, 0xEE, 0xEE, 0xEE};
	size_t out_len = 99;

	tb_put32(b, 0, 8);
	tb_put32(b, 4, 0);
	cr_assert_eq(efi_decompress(b, sizeof(b), EFI_DECOMP_EFI11, out, 0, &out_len),
	             EFI_DECOMP_OK);
	cr_assert_eq(out_len, 0);
	cr_assert_eq(out[0], 0xEE);
	tb_put32(b, 4, EFI_DECOMP_MAX_ORIG + 1);
	cr_assert_eq(efi_decompress(b, sizeof(b), EFI_DECOMP_EFI11, out, 4, NULL),
	             EFI_DECOMP_TOO_LARGE);
	tb_put32(b, 4, 0xFFFFFFFFu);
	cr_assert_eq(efi_decomp_info(b, sizeof(b), NULL, NULL), EFI_DECOMP_TOO_LARGE);
	tb_put32(b, 4, EFI_DECOMP_MAX_ORIG);
	cr_assert_eq(efi_decomp_info(b, sizeof(b), NULL, NULL), EFI_DECOMP_OK);
}

Test(efi_decompress, dst_too_small_and_bad_variant)
{
	uint8_t in[100], c[256], out[101];
	size_t clen;
	fill_pattern(in, sizeof(in), 3);
	clen = efi_encode_literal(in, sizeof(in), 4, c, sizeof(c));
	memset(out, 0xEE, sizeof(out));
	cr_assert_eq(efi_decompress(c, clen, EFI_DECOMP_EFI11, out, 99, NULL),
	             EFI_DECOMP_DST_TOO_SMALL);
	cr_assert_eq(out[0], 0xEE);
	cr_assert_eq(efi_decompress(c, clen, EFI_DECOMP_EFI11, NULL, 0, NULL),
	             EFI_DECOMP_DST_TOO_SMALL);
	cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)3, out, 100, NULL),
	             EFI_DECOMP_BAD_VARIANT);
}

/* ------------------------------------------------------------------ */
/* Hand-made corrupt streams: one per failure class of docs 6.4.      */

static enum efi_decomp_status finish_and_decode(struct efi_bw *w, unsigned pbit, uint32_t orig,
                                                size_t *out_len)
{
	static uint8_t out[1024];
	size_t clen;
	/* Some zero bytes so that table reads do not rely on the zero fill. */
	efi_bw_put(w, 32, 0);
	clen = efi_bw_finish(w, orig);
	cr_assert_gt(clen, 0);
	cr_assert_leq(orig, sizeof(out));
	return efi_decompress(w->buf, clen, (enum efi_decomp_variant)pbit, out, sizeof(out),
	                      out_len);
}

Test(efi_decompress, pt_length_over_16)
{
	uint8_t buf[64];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 1);      /* one T length ... */
	efi_bw_put(&w, 3, 7);      /* ... 7, extended in unary ... */
	efi_bw_put(&w, 10, 0x3FF); /* ... by ten more 1 bits: 17 */
	efi_bw_put(&w, 1, 0);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, pt_length_unbounded_unary)
{
	uint8_t buf[64];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 1);
	for (int i = 0; i < 8; i++)
		efi_bw_put(&w, 32, 0xFFFFFFFFu); /* 256 one bits: EDK2 read 28 */
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, over_subscribed_code)
{
	uint8_t buf[64];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 3); /* T lengths 1, 1, 1: Kraft sum 3/2 */
	efi_bw_put(&w, 3, 1);
	efi_bw_put(&w, 3, 1);
	efi_bw_put(&w, 3, 1);
	efi_bw_put(&w, 2, 0);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, over_subscribed_code_wrapping_mod_2_16)
{
	/* Four P lengths of 1: Kraft sum 2, which EDK2's 16-bit Start[17]
	 * sees as 4 << 15 = 0 mod 2^16 and accepts. */
	uint8_t buf[128];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 5, 10); /* T: single symbol, C length 8 */
	efi_bw_put(&w, 9, 256);
	efi_bw_put(&w, 4, 4);
	for (int i = 0; i < 3; i++)
		efi_bw_put(&w, 3, 1);
	efi_bw_put(&w, 3, 1);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, incomplete_code)
{
	uint8_t buf[64];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 2); /* T lengths 1, 2: Kraft sum 3/4 */
	efi_bw_put(&w, 3, 1);
	efi_bw_put(&w, 3, 2);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, table_counts_too_large)
{
	uint8_t buf[128];
	struct efi_bw w;

	/* T count 20 > NT = 19. */
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 20);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);

	/* C count 511 > NC = 510 (9 bits can say it). */
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 5, 10);
	efi_bw_put(&w, 9, 511);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);

	/* P count 15 > NP = 14 for EFI; 21 > 20 for Tiano. */
	for (size_t p = 0; p < 2; p++) {
		efi_bw_init(&w, buf, sizeof(buf));
		efi_put_literal_block(&w, pbits[p], 1);
		w.bits -= 2 * pbits[p]; /* rewrite the P part */
		memset(buf + w.bits / 8 + 1, 0, sizeof(buf) - w.bits / 8 - 1);
		buf[w.bits / 8] &= (uint8_t)(0xFF00u >> (w.bits % 8));
		efi_bw_put(&w, pbits[p], pbits[p] == 4 ? 15 : 21);
		cr_assert_eq(finish_and_decode(&w, pbits[p], 10, NULL), EFI_DECOMP_BAD_TABLE);
	}
}

Test(efi_decompress, zero_run_past_nc)
{
	uint8_t buf[128];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_bw_put(&w, 16, 1);
	/* T lengths: symbol 2 (long zero run) and 10 (C length 8), 1 bit each. */
	efi_bw_put(&w, 5, 11);
	efi_bw_put(&w, 3, 0);
	efi_bw_put(&w, 3, 0);
	efi_bw_put(&w, 3, 1); /* symbol 2 */
	efi_bw_put(&w, 2, 3); /* symbols 3..5 zero */
	for (int i = 6; i < 10; i++)
		efi_bw_put(&w, 3, 0);
	efi_bw_put(&w, 3, 1); /* symbol 10 */
	efi_bw_put(&w, 9, 510);
	efi_bw_put(&w, 1, 0);   /* T symbol 2: run of ... */
	efi_bw_put(&w, 9, 511); /* ... 511 + 20 = 531 zeros > 510 */
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, single_symbol_out_of_range)
{
	uint8_t buf[64];
	struct efi_bw w;

	efi_bw_init(&w, buf, sizeof(buf)); /* T: 19 >= NT */
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 5, 19);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);

	efi_bw_init(&w, buf, sizeof(buf)); /* C: 510 >= NC */
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 9, 0);
	efi_bw_put(&w, 9, 510);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);

	efi_bw_init(&w, buf, sizeof(buf)); /* P: 14 >= NP (EFI) */
	efi_bw_put(&w, 16, 1);
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 5, 10);
	efi_bw_put(&w, 9, 256);
	efi_bw_put(&w, 4, 0);
	efi_bw_put(&w, 4, 14);
	cr_assert_eq(finish_and_decode(&w, 4, 10, NULL), EFI_DECOMP_BAD_TABLE);
}

Test(efi_decompress, distance_before_output_start)
{
	struct efi_token first[] = {{3, 0, 0}};
	struct efi_token later[] = {{0, 'x', 0}, {0, 'y', 0}, {5, 0, 2}};
	struct efi_token far[] = {{0, 'x', 0}, {3, 0, 8191}};
	uint8_t out[64];
	size_t out_len;

	for (size_t p = 0; p < 2; p++) {
		cr_assert_eq(run_tokens(first, 1, pbits[p], 3, out, 64, &out_len),
		             EFI_DECOMP_BAD_DISTANCE);
		cr_assert_eq(out_len, 0);
		cr_assert_eq(run_tokens(later, 3, pbits[p], 7, out, 64, &out_len),
		             EFI_DECOMP_BAD_DISTANCE);
		cr_assert_eq(out_len, 2);
		cr_assert_eq(run_tokens(far, 2, pbits[p], 4, out, 64, &out_len),
		             EFI_DECOMP_BAD_DISTANCE);
	}
}

Test(efi_decompress, empty_table_used)
{
	/* P with lengths all 0 (count 1, length 0) is valid to read, but a
	 * match then has no distance code. */
	uint8_t buf[4096];
	struct efi_bw w;
	efi_bw_init(&w, buf, sizeof(buf));
	efi_put_fixed_block(&w, 4, 2);
	w.bits -= 4 + 14 * 3; /* drop the fixed P table: count + 14 3-bit lengths */
	memset(buf + w.bits / 8 + 1, 0, sizeof(buf) - w.bits / 8 - 1);
	buf[w.bits / 8] &= (uint8_t)(0xFF00u >> (w.bits % 8));
	efi_bw_put(&w, 4, 1);
	efi_bw_put(&w, 3, 0);
	efi_put_fixed_c(&w, 'a');
	efi_put_fixed_c(&w, 256); /* match of 3 */
	cr_assert_eq(finish_and_decode(&w, 4, 4, NULL), EFI_DECOMP_BAD_SYMBOL);
}

Test(efi_decompress, block_size_zero_means_65536)
{
	/* EDK2 keeps the block count in a UINT16 and decrements it: 0 reads
	 * 65536 symbols. The literal stream fits in one such block. */
	size_t n = 65536, cap = efi_encode_bound(n), clen, out_len;
	uint8_t *in = malloc(n), *c = malloc(cap), *out = malloc(n);
	struct efi_bw w;
	fill_pattern(in, n, 11);
	efi_bw_init(&w, c, cap);
	efi_put_literal_block(&w, 4, 0);
	for (size_t i = 0; i < n; i++)
		efi_bw_put(&w, 8, in[i]);
	clen = efi_bw_finish(&w, (uint32_t)n);
	cr_assert_eq(efi_decompress(c, clen, EFI_DECOMP_EFI11, out, n, &out_len), EFI_DECOMP_OK);
	cr_assert_arr_eq(out, in, n);
	free(in);
	free(c);
	free(out);
}

/* 22 bytes may legally say 16 MiB: the decoder makes them, every one, and
 * reads no bit past CompSize. */
Test(efi_decompress, twenty_two_bytes_make_16_mib)
{
	uint8_t c[32];
	uint8_t *out = malloc(EFI_DECOMP_MAX_ORIG);
	struct efi_decomp_result r;
	size_t clen = efi_encode_run(0x5A, 4, EFI_DECOMP_MAX_ORIG, c, sizeof(c)), zeros = 0;
	cr_assert(out && clen > 0 && clen <= 22, "stream of %zu bytes", clen);
	cr_assert_eq(efi_decompress_ex(c, clen, EFI_DECOMP_EFI11, out, EFI_DECOMP_MAX_ORIG, &r),
	             EFI_DECOMP_OK);
	cr_expect_eq(r.out_len, EFI_DECOMP_MAX_ORIG);
	cr_expect_not(r.overrun);
	for (size_t i = 0; i < r.out_len; i++)
		zeros += out[i] != 0x5A;
	cr_expect_eq(zeros, 0);
	free(out);
}

/* fuzz_efi_vs_edk2's first find (docs/fuzzing.md, "Settled"), base64
 * CgAAAAUAAAAABQAAAAAAAAEQACYAAACo: CompSize 10, OrigSize 5, one block of
 * 5 symbols (bits 0..15) from single-symbol tables (T: 5 + 5 bits, C: 9 +
 * 9, P: 4 + 4), each symbol literal 0 in 0 bits. The output is complete
 * at bit 52 of 80, after a literal that ends its block. EDK2 decodes one
 * more symbol after a literal that fills the output, so it reads a block
 * header from bits 52.. (size 0 from bits 52..67, T count 2 from bits
 * 68..72, T lengths 1 and 0 from bits 73..78: an incomplete code, which
 * MakeTable refuses) and refuses the stream; so does optrom. With those bits zero the header is
 * three single-symbol tables and both decode five zero bytes. Bytes 18..23 lie past CompSize and
 * are not the stream's. */
Test(efi_decompress, edk2_divergence_refused_as_edk2_refuses)
{
	uint8_t in[24] = {0x0a, 0, 0, 0, 5, 0,    0, 0,    0x00, 0x05, 0, 0,
	                  0,    0, 0, 0, 1, 0x10, 0, 0x26, 0,    0,    0, 0xa8};
	uint8_t out[6];
	const uint8_t zeros[5] = {0};
	struct efi_decomp_result r;

	memset(out, 0xEE, sizeof(out));
	cr_assert_eq(efi_decompress_ex(in, sizeof(in), EFI_DECOMP_EFI11, out, 5, &r),
	             EFI_DECOMP_TRAILING_DATA);
	cr_expect_eq(r.bits_used, 52);
	cr_expect_not(r.overrun);
	cr_expect_eq(r.out_len, 5);
	cr_expect_arr_eq(out, zeros, 5);
	cr_expect_eq(out[5], 0xEE);
	/* Tiano reads one more bit in each P field: the same verdict. */
	cr_expect_eq(efi_decompress(in, sizeof(in), EFI_DECOMP_TIANO, out, 5, NULL),
	             EFI_DECOMP_TRAILING_DATA);
	cr_expect_str_eq(efi_decomp_status_str(EFI_DECOMP_TRAILING_DATA),
	                 "bad block header after the last symbol");
	in[16] = in[17] = 0;
	cr_assert_eq(efi_decompress_ex(in, sizeof(in), EFI_DECOMP_EFI11, out, 5, &r),
	             EFI_DECOMP_OK);
	cr_expect_arr_eq(out, zeros, 5);
	cr_expect_eq(out[5], 0xEE);
}

/* A literal block of nsym symbols coding want[0..n), then the bits given
 * (a block header EDK2 may read), closed as the compressor closes. */
static size_t literals_then(uint8_t *c, size_t cap, unsigned pbit, uint32_t nsym,
                            const uint8_t *want, size_t n, const uint32_t *bits, size_t nbits)
{
	struct efi_bw w;
	efi_bw_init(&w, c, cap);
	efi_put_literal_block(&w, pbit, nsym);
	for (size_t i = 0; i < n; i++)
		efi_bw_put(&w, 8, want[i]);
	for (size_t i = 0; i + 1 < nbits; i += 2)
		efi_bw_put(&w, bits[i], bits[i + 1]);
	return efi_bw_finish(&w, (uint32_t)n);
}

/* EDK2's rule after the last symbol, header by header (its Decode and
 * DecodeC): after a literal that fills the output at the end of its block
 * it reads a block header, and refuses the stream when its T or P table is
 * bad for MakeTable; the C table is read but never refused. Pairs of
 * (width, value). */
Test(efi_decompress, the_block_header_after_the_last_literal)
{
	const uint8_t want[4] = {0x10, 0x20, 0x30, 0xFF};
	/* T: 2 lengths, 1 and 0: incomplete. */
	const uint32_t bad_t[] = {16, 0xFFFF, 5, 2, 3, 1, 3, 0};
	/* T: 2 lengths, 1 and 1 (complete); C: single 7; P: 2 lengths 2, 0. */
	const uint32_t bad_p[] = {16, 0, 5, 2, 3, 1, 3, 1, 9, 0, 9, 7, 4, 2, 3, 2, 3, 0};
	/* The same P with lengths 1, 1: complete. */
	const uint32_t good[] = {16, 0, 5, 2, 3, 1, 3, 1, 9, 0, 9, 7, 4, 2, 3, 1, 3, 1};
	/* T: lengths 1, 1, 1 (sum 3/2: refused), and 1, 1, 2, 2, 2, 2 (sum 2,
	 * over-subscribed, which EDK2's UINT16 sum wraps to 0: accepted, the
	 * later codes overwriting the table); C and P single-symbol. */
	const uint32_t over_bad[] = {16, 0, 5, 3, 3, 1, 3, 1, 3, 1, 2, 0, 9, 0, 9, 0, 4, 0, 4, 0};
	const uint32_t over_ok[] = {16, 0, 5, 6, 3, 1, 3, 1, 3, 2, 2, 0, 3,
	                            2,  3, 2, 3, 2, 9, 0, 9, 0, 4, 0, 4, 0};
	/* A T count above NT: EDK2 reads 31 lengths (1, 1, then 0s; those past
	 * 19 are 20, beyond any code) and builds from the first 19. */
	uint32_t t31[2 + 2 + 31 * 2 + 2 + 8] = {16, 0, 5, 31};
	uint8_t c[256], out[5];
	size_t clen, k = 4;

	for (unsigned i = 0; i < 31; i++) {
		t31[k++] = i < 19 ? 3 : 17; /* 7 and 13 ones: 20 */
		t31[k++] = i < 2 ? 1 : i < 19 ? 0 : (1u << 17) - 2;
		if (i == 2) {
			t31[k++] = 2;
			t31[k++] = 0;
		}
	}
	t31[k++] = 9;
	t31[k++] = 0;
	t31[k++] = 9;
	t31[k++] = 3;
	t31[k++] = 4;
	t31[k++] = 0;
	t31[k++] = 4;
	t31[k++] = 0;
	{
		const enum efi_decomp_variant v = EFI_DECOMP_EFI11; /* 4-bit P fields */
		struct {
			const uint32_t *bits;
			size_t n;
			enum efi_decomp_status st;
		} cases[] = {
		    {bad_t, sizeof(bad_t) / 4, EFI_DECOMP_TRAILING_DATA},
		    {bad_p, sizeof(bad_p) / 4, EFI_DECOMP_TRAILING_DATA},
		    {good, sizeof(good) / 4, EFI_DECOMP_OK},
		    {over_bad, sizeof(over_bad) / 4, EFI_DECOMP_TRAILING_DATA},
		    {over_ok, sizeof(over_ok) / 4, EFI_DECOMP_OK},
		    {t31, k, EFI_DECOMP_OK},
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			memset(out, 0xEE, sizeof(out));
			clen =
			    literals_then(c, sizeof(c), v, 4, want, 4, cases[i].bits, cases[i].n);
			cr_assert_gt(clen, 0);
			cr_expect_eq(
			    efi_decompress(c, clen, v, out, 4, NULL), cases[i].st, "case %zu: %s",
			    i, efi_decomp_status_str(efi_decompress(c, clen, v, out, 4, NULL)));
			cr_expect_arr_eq(out, want, 4, "case %zu", i);
			cr_expect_eq(out[4], 0xEE);
			/* The block not spent: EDK2 decodes one symbol of it, which
			 * cannot fail, whatever the bits after. */
			clen =
			    literals_then(c, sizeof(c), v, 5, want, 4, cases[i].bits, cases[i].n);
			cr_expect_eq(efi_decompress(c, clen, v, out, 4, NULL), EFI_DECOMP_OK,
			             "case %zu, block not spent", i);
		}
	}
}

/* After a match that fills the output EDK2 stops: whatever follows is
 * ignored, even a block header it would refuse after a literal. */
Test(efi_decompress, nothing_is_read_after_a_match_that_fills_the_output)
{
	const uint32_t bad_t[] = {16, 0xFFFF, 5, 2, 3, 1, 3, 0};
	const uint8_t want[7] = {0x41, 0x42, 0x41, 0x42, 0x41, 0x42, 0x41};
	uint8_t c[256], out[8];

	for (size_t p = 0; p < 2; p++) {
		for (int last_match = 0; last_match < 2; last_match++) {
			struct efi_bw w;
			size_t n = last_match ? 7 : 3, clen;
			efi_bw_init(&w, c, sizeof(c));
			efi_put_fixed_block(&w, pbits[p], 3);
			efi_put_fixed_c(&w, 0x41);
			efi_put_fixed_c(&w, 0x42);
			if (last_match) {
				efi_put_fixed_c(&w, 256 + 5 - 3); /* length 5 */
				efi_put_fixed_p(&w, pbits[p], 1); /* distance 1: 2 back */
			} else {
				efi_put_fixed_c(&w, 0x41);
			}
			for (size_t i = 0; i < sizeof(bad_t) / sizeof(bad_t[0]); i += 2)
				efi_bw_put(&w, bad_t[i], bad_t[i + 1]);
			clen = efi_bw_finish(&w, (uint32_t)n);
			cr_assert_gt(clen, 8);
			memset(out, 0xEE, sizeof(out));
			cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)pbits[p], out,
			                            n, NULL),
			             last_match ? EFI_DECOMP_OK : EFI_DECOMP_TRAILING_DATA,
			             "pbit %u last %s", pbits[p], last_match ? "match" : "literal");
			cr_assert_arr_eq(out, want, n);
			cr_assert_eq(out[n], 0xEE);
		}
	}
}

/* A T symbol >= NT (19) in the header after the last literal sends EDK2
 * through tree node 19..31, which is 0 unless an older T or P table had
 * codes over 8 bits: then optrom cannot tell, and says so. */
Test(efi_decompress, a_header_that_needs_older_tables_is_undecided)
{
	uint8_t clen_c[510] = {0}, plen[14], c[1024], out[4];
	const uint8_t want[3] = {1, 2, 3};
	struct efi_bw w;
	size_t n;

	for (unsigned i = 0; i < 256; i++)
		clen_c[i] = 8;
	for (unsigned i = 0; i < 13; i++)
		plen[i] = (uint8_t)(i + 1); /* 1..13, 13: complete, with 9..13-bit codes */
	plen[13] = 13;
	for (unsigned sym = 5; sym <= 25; sym += 20) {
		enum efi_decomp_status st;
		efi_bw_init(&w, c, sizeof(c));
		efi_put_block(&w, EFI_DECOMP_EFI11, 3, clen_c, plen);
		for (size_t i = 0; i < sizeof(want); i++)
			efi_put_code(&w, clen_c, 510, want[i]);
		efi_bw_put(&w, 16, 0);
		efi_bw_put(&w, 5, 0);
		efi_bw_put(&w, 5, sym); /* T: single symbol */
		efi_bw_put(&w, 9, 1);   /* one C length, read through T */
		n = efi_bw_finish(&w, sizeof(want));
		cr_assert_gt(n, 0);
		st = efi_decompress(c, n, EFI_DECOMP_EFI11, out, sizeof(want), NULL);
		cr_expect_eq(st, sym == 25 ? EFI_DECOMP_TRAILING_UNDECIDED : EFI_DECOMP_OK,
		             "T symbol %u: %s", sym, efi_decomp_status_str(st));
		cr_expect_arr_eq(out, want, sizeof(want));
	}
	/* Without codes over 8 bits before, node 25 is 0: decided. */
	{
		const uint32_t t25[] = {16, 0, 5, 0, 5, 25, 9, 1};
		n = literals_then(c, sizeof(c), EFI_DECOMP_EFI11, 3, want, 3, t25, 8);
		cr_expect_eq(efi_decompress(c, n, EFI_DECOMP_EFI11, out, sizeof(want), NULL),
		             EFI_DECOMP_OK);
	}
}

/* Every bit after the last symbol, one at a time, set in an encoder's
 * stream (8 to 15 closing zero bits): the encoder's block ends with its
 * last symbol, and these bits are the block size of the header EDK2 reads
 * after a last literal (or ignores after a match), so EDK2 decodes it, and
 * so does optrom, with the same bytes. Zero bytes added to CompSize, and a
 * nonzero byte past the header they make, change nothing either. */
Test(efi_decompress, every_bit_after_the_last_symbol)
{
	uint8_t in[37], c[256], t[256 + 8], out[37];
	for (size_t p = 0; p < 2; p++) {
		struct efi_decomp_result r;
		size_t clen;
		uint64_t used;
		fill_pattern(in, sizeof(in), 11);
		clen = efi_encode_lz(in, sizeof(in), pbits[p], c, sizeof(c));
		cr_assert_gt(clen, 8);
		cr_assert_eq(efi_decompress_ex(c, clen, (enum efi_decomp_variant)pbits[p], out,
		                               sizeof(out), &r),
		             EFI_DECOMP_OK);
		used = r.bits_used;
		cr_assert_geq((clen - 8) * 8 - used, 8, "the encoder closes with >= 8 zero bits");
		cr_assert_leq((clen - 8) * 8 - used, 15);
		for (uint64_t bit = used; bit < (clen - 8) * 8; bit++) {
			memcpy(t, c, clen);
			t[8 + bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
			memset(out, 0, sizeof(out));
			cr_assert_eq(efi_decompress_ex(t, clen, (enum efi_decomp_variant)pbits[p],
			                               out, sizeof(out), &r),
			             EFI_DECOMP_OK, "pbit %u bit %llu", pbits[p],
			             (unsigned long long)bit);
			cr_assert_eq(r.out_len, sizeof(in));
			cr_assert_eq(r.bits_used, used);
			cr_assert_arr_eq(out, in, sizeof(in));
		}
		/* CompSize + 8 zero bytes: fine; the last one nonzero lies past
		 * the header EDK2 may read (at most 16 + 10 + 18 + 10 bits). */
		memcpy(t, c, clen);
		memset(t + clen, 0, 8);
		tb_put32(t, 0, (uint32_t)(clen - 8 + 8));
		cr_assert_eq(efi_decompress(t, clen + 8, (enum efi_decomp_variant)pbits[p], out,
		                            sizeof(out), NULL),
		             EFI_DECOMP_OK);
		t[clen + 7] = 0x01;
		cr_assert_eq(efi_decompress(t, clen + 8, (enum efi_decomp_variant)pbits[p], out,
		                            sizeof(out), NULL),
		             EFI_DECOMP_OK);
		cr_assert_arr_eq(out, in, sizeof(in));
	}
}

/* An OrigSize smaller than what the stream codes: the output is full in
 * the middle of the block, where EDK2 decodes one more symbol of the same
 * block, which cannot fail, and stops. The symbols left over are ignored. */
Test(efi_decompress, orig_size_smaller_than_the_stream)
{
	uint8_t in[40], c[256], out[40];
	size_t clen, out_len;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(0x41 + i);
	for (size_t p = 0; p < 2; p++) {
		clen = efi_encode_literal(in, sizeof(in), pbits[p], c, sizeof(c));
		cr_assert_gt(clen, 8);
		for (uint32_t orig = 1; orig < sizeof(in); orig++) {
			tb_put32(c, 4, orig);
			cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)pbits[p], out,
			                            orig, &out_len),
			             EFI_DECOMP_OK, "orig %u", orig);
			cr_assert_eq(out_len, orig);
			cr_assert_arr_eq(out, in, orig);
		}
	}
}

/* CompSize 0 and OrigSize 16 MiB: past CompSize the format reads zero
 * bits, and zero bits decode forever (a 65536-symbol block of literal 0
 * from single-symbol tables). Firmware would zero-fill 16 MiB; the decoder
 * stops at the first symbol that needs a bit past the end. */
Test(efi_decompress, a_stream_past_its_end_stops_at_once)
{
	uint8_t c[8] = {0};
	uint8_t *out = malloc(EFI_DECOMP_MAX_ORIG);
	struct efi_decomp_result r;
	cr_assert_not_null(out);
	tb_put32(c, 4, EFI_DECOMP_MAX_ORIG);
	for (size_t i = 0; i < sizeof(pbits) / sizeof(pbits[0]); i++) {
		cr_expect_eq(efi_decompress_ex(c, sizeof(c), (enum efi_decomp_variant)pbits[i], out,
		                               EFI_DECOMP_MAX_ORIG, &r),
		             EFI_DECOMP_TRUNCATED_STREAM);
		cr_expect(r.overrun);
		cr_expect_leq(r.out_len, 1, "pbit %u: %zu bytes made past the end", pbits[i],
		              r.out_len);
	}
	cr_expect_eq(efi_decomp_guess(c, sizeof(c)), EFI_DECOMP_GUESS_NONE);
	free(out);
}

/* A stream cut short: header rewritten to the cut size so only the bit
 * stream is short. The decoder must stop with an error and no more than
 * OrigSize bytes; reading past the end is TRUNCATED_STREAM. */
static void check_truncations(const uint8_t *c, size_t clen, unsigned pbit, uint32_t orig)
{
	uint8_t *t = malloc(clen), *out = malloc(orig + 16);
	cr_assert(t && out);
	for (size_t cut = 8; cut < clen; cut += 1 + cut / 3) {
		struct efi_decomp_result r;
		enum efi_decomp_status st;
		memcpy(t, c, cut);
		tb_put32(t, 0, (uint32_t)(cut - 8));
		memset(out + orig, 0xEE, 16);
		st = efi_decompress_ex(t, cut, (enum efi_decomp_variant)pbit, out, orig, &r);
		cr_assert_leq(r.out_len, orig);
		cr_assert_eq(out[orig], 0xEE);
		cr_assert_neq(st, EFI_DECOMP_OK, "cut %zu of %zu decoded", cut, clen);
		if (st == EFI_DECOMP_TRUNCATED_STREAM)
			cr_assert(r.overrun, "cut %zu of %zu", cut, clen);
		/* Without the header fix the size check fires first. */
		cr_assert_eq(efi_decompress(c, cut, (enum efi_decomp_variant)pbit, out, orig, NULL),
		             EFI_DECOMP_SIZE_OVERFLOW);
	}
	free(t);
	free(out);
}

Test(efi_decompress, truncated_streams_terminate)
{
	size_t n = 70000, cap = efi_encode_bound(n);
	uint8_t *in = malloc(n), *c = malloc(cap);
	fill_pattern(in, n, 5);
	for (size_t p = 0; p < 2; p++) {
		size_t clen = efi_encode_lz(in, n, pbits[p], c, cap);
		check_truncations(c, clen, pbits[p], (uint32_t)n);
	}
	free(in);
	free(c);
}

/* Random garbage after a valid header: every outcome allowed but a crash,
 * a hang or output past OrigSize. */
Test(efi_decompress, random_streams_are_bounded)
{
	uint8_t src[600], out[4096 + 1];
	uint32_t x = 12345;
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = 8 + (size_t)(iter % 590);
		size_t out_len;
		uint32_t orig = (uint32_t)(1 + (iter * 37) % 4096);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			src[i] = (uint8_t)(x >> 24);
		}
		tb_put32(src, 0, (uint32_t)(len - 8));
		tb_put32(src, 4, orig);
		out[orig] = 0xEE;
		(void)efi_decompress(src, len, iter & 1 ? EFI_DECOMP_TIANO : EFI_DECOMP_EFI11, out,
		                     orig, &out_len);
		cr_assert_leq(out_len, orig);
		cr_assert_eq(out[orig], 0xEE);
	}
}

Test(efi_decompress, guess_variant)
{
	size_t n = 5000, cap = efi_encode_bound(n), clen;
	uint8_t *in = malloc(n), *c = malloc(cap);
	fill_pattern(in, n, 9);
	clen = efi_encode_lz(in, n, 4, c, cap);
	cr_assert_eq(efi_decomp_guess(c, clen), EFI_DECOMP_GUESS_EFI);
	clen = efi_encode_lz(in, n, 5, c, cap);
	cr_assert_eq(efi_decomp_guess(c, clen), EFI_DECOMP_GUESS_TIANO);
	/* A one-block literal stream decodes both ways (the P header only
	 * shifts the literals by 2 bits): UEFITool's "undecided". */
	clen = efi_encode_literal(in, 100, 4, c, cap);
	cr_assert_eq(efi_decomp_guess(c, clen), EFI_DECOMP_GUESS_AMBIGUOUS);
	cr_assert_eq(efi_decomp_guess(c, 7), EFI_DECOMP_GUESS_NONE);
	cr_assert_str_eq(efi_decomp_guess_str(EFI_DECOMP_GUESS_EFI), "efi");
	cr_assert_str_eq(efi_decomp_guess_str(EFI_DECOMP_GUESS_TIANO), "tiano");
	cr_assert_str_eq(efi_decomp_guess_str(EFI_DECOMP_GUESS_AMBIGUOUS), "ambiguous");
	cr_assert_str_eq(efi_decomp_guess_str(EFI_DECOMP_GUESS_NONE), "none");
	free(in);
	free(c);
}

Test(efi_decompress, status_strings)
{
	for (int st = EFI_DECOMP_OK; st <= EFI_DECOMP_TRAILING_UNDECIDED; st++) {
		const char *s = efi_decomp_status_str((enum efi_decomp_status)st);
		cr_assert(s && *s);
		for (const char *p = s; *p; p++)
			cr_assert(!(*p >= 'A' && *p <= 'Z'), "not lowercase: %s", s);
	}
}

/* ------------------------------------------------------------------ */
/* Real ROMs: the corpus and Debian's ipxe-qemu EFI ROMs.             */

struct efi_image {
	size_t off;       /* image start in the file */
	uint16_t machine; /* ROM header EfiMachineType (image + 0x0A) */
	uint16_t subsystem;
	uint16_t compression;
	struct span payload; /* image + u16[0x16] .. min(image end, file end) */
};

/* Finds the EFI images of a file: a 55AA at a 512-byte boundary whose PCIR
 * (or NVIDIA NPDS) pointer reaches code type 3 with EfiSignature 0xEF1.
 * Scanning every 512-byte boundary, instead of following one chain, also
 * finds images behind an NVGI header and the second copies of NVIDIA
 * full-flash dumps. */
static bool efi_image_at(const struct span *f, size_t off, struct efi_image *img)
{
	uint16_t sig, pcir, init, hdr;
	uint32_t efisig;
	uint8_t type;
	size_t end;

	if (!span_u16le(f, off, &sig) || sig != 0xAA55 || !span_u16le(f, off + 0x18, &pcir))
		return false;
	if (!span_eq(f, off + pcir, "PCIR", 4) && !span_eq(f, off + pcir, "NPDS", 4))
		return false;
	if (!span_u8(f, off + pcir + 0x14, &type) || type != 3)
		return false;
	if (!span_u32le(f, off + 4, &efisig) || efisig != 0xEF1)
		return false;
	span_u16le(f, off + 2, &init);
	span_u16le(f, off + 0x08, &img->subsystem);
	span_u16le(f, off + 0x0A, &img->machine);
	span_u16le(f, off + 0x0C, &img->compression);
	span_u16le(f, off + 0x16, &hdr);
	end = off + (size_t)init * 512;
	if (end > f->len)
		end = f->len;
	if (off + hdr >= end)
		return false;
	img->off = off;
	img->payload = span_make(f->data + off + hdr, end - off - hdr);
	return true;
}

struct corpus_stats {
	int files, compressed, uncompressed, gop_amd;
};

static void corrupt_real_stream(const struct span *p, uint32_t orig)
{
	static const double cuts[] = {0.01, 0.1, 0.33, 0.5, 0.9, 0.999};
	uint8_t *t = malloc(p->len), *out = malloc((size_t)orig + 1);
	uint32_t cs;
	cr_assert(t && out);
	efi_decomp_info(p->data, p->len, &cs, NULL);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		size_t cut = 8 + (size_t)(cs * cuts[i]);
		struct efi_decomp_result r;
		memcpy(t, p->data, cut);
		tb_put32(t, 0, (uint32_t)(cut - 8));
		out[orig] = 0xEE;
		(void)efi_decompress_ex(t, cut, EFI_DECOMP_EFI11, out, orig, &r);
		cr_assert_leq(r.out_len, orig);
		cr_assert_eq(out[orig], 0xEE);
	}
	for (size_t i = 0; i < 8; i++) {
		size_t at = 8 + (size_t)cs * i / 8 + 3, n;
		memcpy(t, p->data, p->len);
		t[at] ^= (uint8_t)(0x5A + i);
		out[orig] = 0xEE;
		(void)efi_decompress(t, p->len, EFI_DECOMP_EFI11, out, orig, &n);
		cr_assert_leq(n, orig);
		cr_assert_eq(out[orig], 0xEE);
	}
	free(t);
	free(out);
}

static void check_pe(const char *path, const struct efi_image *img, const uint8_t *pe, size_t n,
                     struct corpus_stats *st)
{
	struct span s = span_make(pe, n);
	struct pe_info *info = malloc(sizeof(*info));
	enum pe_status ps;
	char gop[128];

	cr_assert(info);
	ps = pe_parse(&s, info);
	cr_assert_eq(ps, PE_OK, "%s @0x%zx: %s", path, img->off, pe_status_str(ps));
	cr_assert_eq(info->machine, img->machine, "%s @0x%zx: PE machine 0x%x, ROM 0x%x", path,
	             img->off, info->machine, img->machine);
	cr_assert_not_null(pe_machine_name(info->machine));
	if (pe_find_gop_version(&s, gop, sizeof(gop))) {
		/* Discrete cards' GOPs say "Release Driver", the APU GOPs taken from
		 * board firmware "Rel Driver" (amd/apu_gop_*: "AMD GOP X64 Rel Driver
		 * Rev.3.10.0.Jun  7 2024.02:57:04"). */
		cr_assert(strncmp(gop, "AMD GOP X64 Release Driver Rev.", 31) == 0 ||
		              strncmp(gop, "AMD GOP X64 Rel Driver Rev.", 27) == 0,
		          "%s", gop);
		st->gop_amd++;
	}
	free(info);
}

static void check_image(const char *path, const struct efi_image *img, struct corpus_stats *st)
{
	uint32_t cs, os;
	uint8_t *out;
	struct efi_decomp_result r;
	enum efi_decomp_status ds;

	if (img->compression == 0) {
		check_pe(path, img, img->payload.data, img->payload.len, st);
		st->uncompressed++;
		return;
	}
	cr_assert_eq(img->compression, 1, "%s @0x%zx: compression %u", path, img->off,
	             img->compression);
	ds = efi_decomp_info(img->payload.data, img->payload.len, &cs, &os);
	cr_assert_eq(ds, EFI_DECOMP_OK, "%s: %s", path, efi_decomp_status_str(ds));
	out = malloc(os + 1);
	cr_assert(out);
	out[os] = 0xEE;
	ds = efi_decompress_ex(img->payload.data, img->payload.len, EFI_DECOMP_EFI11, out, os, &r);
	cr_assert_eq(ds, EFI_DECOMP_OK, "%s @0x%zx: %s", path, img->off, efi_decomp_status_str(ds));
	cr_assert_eq(r.out_len, os);
	cr_assert_eq(out[os], 0xEE);
	cr_assert(!r.overrun, "%s @0x%zx read past CompSize", path, img->off);
	check_pe(path, img, out, os, st);
	/* The corruption pass is costly under sanitizers: one in four. */
	if (st->compressed % 4 == 0)
		corrupt_real_stream(&img->payload, os);
	st->compressed++;
	free(out);
}

static void walk_file(const char *path, struct corpus_stats *st)
{
	size_t len = 0;
	uint8_t *buf = tb_read_file(path, &len);
	struct span f;
	if (!buf)
		return;
	f = span_make(buf, len);
	st->files++;
	for (size_t off = 0; off + 0x1A <= len; off += 512) {
		struct efi_image img;
		if (efi_image_at(&f, off, &img))
			check_image(path, &img, st);
	}
	free(buf);
}

static void walk_dir(const char *dir, struct corpus_stats *st, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		size_t nl = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (depth < 2 && S_ISDIR(sb.st_mode))
			walk_dir(path, st, depth + 1);
		else if (nl > 4 && (strcmp(e->d_name + nl - 4, ".rom") == 0 ||
		                    strcmp(e->d_name + nl - 4, ".bin") == 0))
			walk_file(path, st);
	}
	closedir(d);
}

static const char *corpus_dir(void)
{
	const char *env = getenv("OPTROM_CORPUS");
	return env && *env ? env : OPTROM_DEFAULT_CORPUS;
}

Test(efi_decompress, corpus_drivers, .timeout = 600)
{
	struct corpus_stats corpus = {0}, debian = {0};
	walk_dir(corpus_dir(), &corpus, 0);
	if (access(corpus_dir(), F_OK) != 0)
		expect_note_skip("corpus folder %s is absent: its EFI drivers are skipped",
		                 corpus_dir());
	walk_dir("/usr/lib/ipxe/qemu", &debian, 1);
	cr_log_info("corpus %s: %d files, %d compressed EFI images (%d with an AMD GOP "
	            "version), %d uncompressed",
	            corpus_dir(), corpus.files, corpus.compressed, corpus.gop_amd,
	            corpus.uncompressed);
	cr_log_info("/usr/lib/ipxe/qemu: %d files, %d uncompressed EFI images, %d compressed",
	            debian.files, debian.uncompressed, debian.compressed);
	if (corpus.files == 0 && debian.files == 0)
		cr_skip_test("no corpus at %s and no /usr/lib/ipxe/qemu: nothing to check",
		             corpus_dir());
	if (corpus.files > 0) {
		cr_expect_gt(corpus.compressed, 0, "corpus has files but no compressed EFI image");
		cr_expect_gt(corpus.gop_amd, 0, "no AMD GOP version found in the corpus");
	}
}
