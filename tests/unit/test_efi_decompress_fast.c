/* The decoder's fast paths (issue 17): the 8-byte match copy, the literal
 * chain and the 8-byte bit refill, at every boundary they have. The expected
 * bytes come from the format's definition of a match (byte i of a match of
 * distance d is the byte d + 1 before it), computed here byte by byte. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "formats/efi_decompress.h"
#include "tests/support/efi_encode.h"

static const unsigned pbits[] = {EFI_DECOMP_EFI11, EFI_DECOMP_TIANO};

enum { LEAD = 24 };

/* LEAD literals, then one match of len at dist; OrigSize = orig (which may
 * cut the match). Checks every output byte and the byte after OrigSize. */
static void one_match(unsigned pbit, unsigned len, uint32_t dist, uint32_t orig)
{
	struct efi_token t[LEAD + 1];
	uint8_t want[LEAD + 256], out[LEAD + 256 + 1], buf[1024];
	size_t n = 0, clen, out_len;

	for (unsigned i = 0; i < LEAD; i++) {
		t[i].len = 0;
		t[i].lit = (uint8_t)(i * 37 + 11);
		t[i].dist = 0;
		want[n++] = t[i].lit;
	}
	t[LEAD].len = len;
	t[LEAD].lit = 0;
	t[LEAD].dist = dist;
	for (unsigned i = 0; i < len; i++, n++)
		want[n] = want[n - dist - 1];
	clen = efi_encode_tokens(t, LEAD + 1, pbit, orig, buf, sizeof(buf));
	cr_assert_gt(clen, 0);
	memset(out, 0xEE, sizeof(out));
	cr_assert_eq(efi_decompress(buf, clen, (enum efi_decomp_variant)pbit, out, orig, &out_len),
	             EFI_DECOMP_OK, "pbit %u len %u dist %u orig %u", pbit, len, dist, orig);
	cr_assert_eq(out_len, orig);
	cr_assert_arr_eq(out, want, orig, "pbit %u len %u dist %u orig %u", pbit, len, dist, orig);
	cr_assert_eq(out[orig], 0xEE, "wrote past OrigSize: len %u dist %u orig %u", len, dist,
	             orig);
}

Test(efi_decompress_fast, every_short_distance_and_length_up_to_the_end)
{
	static const unsigned lens[] = {3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 64, 255, 256};
	for (size_t p = 0; p < 2; p++)
		for (uint32_t dist = 0; dist < LEAD; dist++)
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				unsigned len = lens[l];
				/* The whole match, and OrigSize 1..9 bytes into it. */
				one_match(pbits[p], len, dist, LEAD + len);
				for (unsigned cut = 1; cut <= 9 && cut < len; cut++)
					one_match(pbits[p], len, dist, LEAD + len - cut);
			}
}

/* Literal-only streams of every length up to 40 bytes: the reader's fast
 * 8-byte refill hands over to the byte-wise tail, and the literal chain
 * stops at OrigSize, at every offset. */
Test(efi_decompress_fast, literal_streams_of_every_short_length)
{
	uint8_t in[40], c[256], out[41];
	for (size_t p = 0; p < 2; p++)
		for (size_t n = 1; n <= sizeof(in); n++) {
			size_t clen, out_len;
			for (size_t i = 0; i < n; i++)
				in[i] = (uint8_t)(i * 73 + n);
			clen = efi_encode_literal(in, n, pbits[p], c, sizeof(c));
			cr_assert_gt(clen, 0);
			memset(out, 0xEE, sizeof(out));
			cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)pbits[p], out,
			                            n, &out_len),
			             EFI_DECOMP_OK, "n %zu", n);
			cr_assert_arr_eq(out, in, n);
			cr_assert_eq(out[n], 0xEE);
		}
}

/* A stream of n bytes (LZ-coded) cut at every byte never succeeds after
 * reading past the cut, never writes past OrigSize; when it read no bit
 * past the cut, its out_len bytes are the uncut stream's (the symbol that
 * reads past the cut decodes from zero bits and may differ). */
static void cut_every_byte(size_t n)
{
	uint8_t *in = malloc(n), *c = malloc(2 * n + 1024), *t = malloc(2 * n + 1024),
	        *full = malloc(n), *out = malloc(n + 1);
	size_t clen, got;
	cr_assert(in && c && t && full && out);
	for (size_t i = 0; i < n; i++)
		in[i] = (uint8_t)((i / 7) * 3 + (i % 5));
	for (size_t p = 0; p < 2; p++) {
		clen = efi_encode_lz(in, n, pbits[p], c, 2 * n + 1024);
		cr_assert_gt(clen, 8);
		cr_assert_eq(
		    efi_decompress(c, clen, (enum efi_decomp_variant)pbits[p], full, n, &got),
		    EFI_DECOMP_OK);
		for (size_t cut = 8; cut < clen; cut++) {
			struct efi_decomp_result r;
			enum efi_decomp_status st;
			memcpy(t, c, cut);
			t[0] = (uint8_t)(cut - 8); /* CompSize, little-endian */
			t[1] = (uint8_t)((cut - 8) >> 8);
			t[2] = t[3] = 0;
			out[n] = 0xEE;
			st = efi_decompress_ex(t, cut, (enum efi_decomp_variant)pbits[p], out, n,
			                       &r);
			cr_assert_leq(r.out_len, n);
			cr_assert_eq(out[n], 0xEE);
			if (!r.overrun)
				cr_assert_arr_eq(out, full, r.out_len, "cut %zu", cut);
			if (st == EFI_DECOMP_OK)
				cr_assert(!r.overrun);
			if (r.overrun) /* or a table made of the zero bits failed first */
				cr_assert_neq(st, EFI_DECOMP_OK, "cut %zu", cut);
		}
	}
	free(in);
	free(c);
	free(t);
	free(full);
	free(out);
}

Test(efi_decompress_fast, cut_at_every_byte)
{
	cut_every_byte(300);
}

/* ------------------------------------------------------------------ */
/* The hand-over between the hot loop and the careful one (issue 17). */
/*                                                                    */
/* The hot loop runs while 16 stream bytes and 256 output bytes are   */
/* left; the expected bytes below come from the format's definition   */
/* of the tokens (model()), never from the decoder.                   */

/* The tokens' output, byte by byte: a literal is itself, byte i of a
 * match of distance d is the byte d + 1 before it. Returns the length. */
static size_t model(const struct efi_token *t, size_t nt, uint8_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < nt; i++) {
		if (t[i].len == 0) {
			out[n++] = t[i].lit;
			continue;
		}
		for (unsigned k = 0; k < t[i].len; k++, n++)
			out[n] = out[n - t[i].dist - 1];
	}
	return n;
}

static struct efi_token lit(uint8_t b)
{
	struct efi_token t = {0, b, 0};
	return t;
}

static struct efi_token match(unsigned len, uint32_t dist)
{
	struct efi_token t = {len, 0, dist};
	return t;
}

/* Encodes the tokens (fixed codes), decodes them into exactly orig bytes
 * followed by a guard byte, and checks the bytes against the model, the
 * guard, and the status: OK, also when orig ends before the last token
 * (the tokens past orig are ignored, as EDK2 ignores them: after a literal
 * in the middle of a block it decodes one more symbol of the block, after
 * one at its end it reads the encoder's next, valid, block header). */
static void check_tokens(const struct efi_token *t, size_t nt, unsigned pbit, size_t orig,
                         const char *what)
{
	size_t cap = nt * 8 + 1024, clen, total, out_len = 0;
	uint8_t *c = malloc(cap), *want = malloc(nt * 256 + 1), *out = malloc(orig + 1);
	enum efi_decomp_status st;

	cr_assert(c && want && out);
	total = model(t, nt, want);
	cr_assert_leq(orig, total);
	clen = efi_encode_tokens(t, nt, pbit, (uint32_t)orig, c, cap);
	cr_assert_gt(clen, 0);
	out[orig] = 0xEE;
	st = efi_decompress(c, clen, (enum efi_decomp_variant)pbit, out, orig, &out_len);
	cr_assert_eq(st, EFI_DECOMP_OK, "%s: pbit %u orig %zu: %s", what, pbit, orig,
	             efi_decomp_status_str(st));
	cr_assert_eq(out_len, orig, "%s: pbit %u orig %zu: %zu bytes, %s", what, pbit, orig,
	             out_len, efi_decomp_status_str(st));
	cr_assert_arr_eq(out, want, orig, "%s: pbit %u orig %zu", what, pbit, orig);
	cr_assert_eq(out[orig], 0xEE, "%s: wrote past OrigSize %zu", what, orig);
	free(c);
	free(want);
	free(out);
}

/* Every distance 0..40 against every length 3..40 and the long ones, in
 * the hot loop: 48 literals before the match, 300 after it, so the match
 * is decoded with >= 256 bytes of output and >= 16 stream bytes left. The
 * 16-byte chunk copy needs distance + 1 >= 16, the 8-byte one >= 8;
 * shorter distances overlap their own output and go byte by byte. */
Test(efi_decompress_fast, hot_loop_every_short_distance_and_length)
{
	static const unsigned longs[] = {63, 64, 65, 127, 128, 129, 240, 241, 255, 256};
	struct efi_token t[48 + 1 + 300];
	size_t nt;
	for (size_t p = 0; p < 2; p++)
		for (uint32_t dist = 0; dist <= 40; dist++)
			for (unsigned li = 0; li < 38 + sizeof(longs) / sizeof(longs[0]); li++) {
				unsigned len = li < 38 ? 3 + li : longs[li - 38];
				nt = 0;
				for (unsigned i = 0; i < 48; i++)
					t[nt++] = lit((uint8_t)(i * 29 + 7));
				t[nt++] = match(len, dist);
				for (unsigned i = 0; i < 300; i++)
					t[nt++] = lit((uint8_t)(i * 13 + 1));
				check_tokens(t, nt, pbits[p], 48 + len + 300, "hot loop match");
			}
}

/* A mixed stream (seeded: literals, and matches of every kind of length
 * and distance) with OrigSize at every byte of its last 300: the hot loop
 * hands over at a different token each time, the output may end inside a
 * match (cut there), right after one, or after a literal. */
Test(efi_decompress_fast, output_end_at_every_byte_near_the_end)
{
	enum { NT = 1500 };
	struct efi_token *t = malloc(NT * sizeof(*t));
	uint32_t x = 2024;
	size_t pos = 0, total;
	uint8_t *scratch = malloc(NT * 256);

	cr_assert(t && scratch);
	for (size_t p = 0; p < 2; p++) {
		uint32_t window = 1u << (pbits[p] == EFI_DECOMP_EFI11 ? 13 : 19);
		pos = 0;
		for (size_t i = 0; i < NT; i++) {
			x = x * 1103515245u + 12345u;
			if (pos < 64 || (x >> 28) < 6) {
				t[i] = lit((uint8_t)(x >> 20));
				pos++;
				continue;
			}
			/* Lengths 3..34 mostly, sometimes up to 256; distances
			 * 0..63 mostly (overlaps), sometimes far. */
			t[i].len = (x >> 8 & 7) == 0 ? 3 + (x >> 11) % 254 : 3 + (x >> 11) % 32;
			t[i].dist = (x >> 16 & 3) == 0 ? (x >> 4) % (uint32_t)pos : (x >> 4) % 64;
			if (t[i].dist >= pos)
				t[i].dist = (uint32_t)pos - 1;
			if (t[i].dist >= window)
				t[i].dist %= window; /* the variant's largest distance + 1 */
			t[i].lit = 0;
			pos += t[i].len;
		}
		total = model(t, NT, scratch);
		cr_assert_eq(total, pos);
		for (size_t orig = total - 300; orig <= total; orig++)
			check_tokens(t, NT, pbits[p], orig, "mixed stream");
	}
	free(t);
	free(scratch);
}

/* The stream runs out before the output: a few literals, then 256-byte
 * matches of 12 to 14 bits each, so fewer than 16 stream bytes code more
 * than 256 bytes of output and the hot loop stops for the input first.
 * Every count of leading literals shifts the stream's bit alignment. */
Test(efi_decompress_fast, stream_ends_before_the_output_room)
{
	struct efi_token t[24 + 16 + 1];
	for (size_t p = 0; p < 2; p++)
		for (unsigned lead = 1; lead <= 24; lead++)
			for (unsigned m = 1; m <= 16; m++) {
				size_t nt = 0;
				for (unsigned i = 0; i < lead; i++)
					t[nt++] = lit((uint8_t)(0x30 + i));
				for (unsigned i = 0; i < m; i++)
					t[nt++] = match(256, i % 3);
				t[nt++] = lit(0x7A);
				check_tokens(t, nt, pbits[p], lead + 256u * m + 1, "long matches");
			}
}

/* Codes longer than the direct lookups (C: 12 bits, P: 8 bits) take the
 * canonical walk, in the hot loop and in the careful one. C: literals
 * 0..254 have 8-bit codes, literal 255 9 bits, match lengths 3..10 10 to
 * 16 bits. P: symbol s has s + 1 bits (the last two of the variant's
 * longest equal). */
Test(efi_decompress_fast, long_codes_in_both_loops)
{
	uint8_t clen[510] = {0}, plen[20] = {0}, c[8192], want[4096], out[4097];
	struct efi_token t[2000];
	for (size_t p = 0; p < 2; p++) {
		unsigned pbit = pbits[p], np = pbit == 4 ? 14 : 17, nt = 0;
		struct efi_bw w;
		size_t total, clen_total, out_len;
		for (unsigned s = 0; s < 255; s++)
			clen[s] = 8;
		for (unsigned s = 255; s <= 262; s++)
			clen[s] = (uint8_t)(s - 255 + 9);
		clen[263] = 16;
		for (unsigned s = 0; s < np; s++)
			plen[s] = (uint8_t)(s + 1 < np ? s + 1 : s);
		/* Matches of every coded length and distances of every P
		 * symbol the output allows so far, with literals 255 between
		 * them, twice: once with room behind (hot loop), once in the
		 * last 256 bytes. */
		for (unsigned round = 0, pos = 0; round < 2; round++) {
			for (unsigned i = 0; i < 40; i++, pos++)
				t[nt++] = lit((uint8_t)(i == 7 ? 255 : i * 5));
			for (unsigned len = 3; len <= 10; len++)
				for (unsigned pl = 0; pl < np; pl++) {
					uint32_t dist = pl <= 1 ? pl : (1u << (pl - 1)) + (pl & 1);
					if (dist >= pos)
						continue;
					t[nt++] = match(len, dist);
					t[nt++] = lit(255);
					pos += len + 1;
				}
			for (unsigned i = 0; round == 0 && i < 400; i++, pos++)
				t[nt++] = lit((uint8_t)(i & 0x7F));
		}
		cr_assert_leq(nt, sizeof(t) / sizeof(t[0]));
		total = model(t, nt, want);
		cr_assert_leq(total, sizeof(want));
		efi_bw_init(&w, c, sizeof(c));
		efi_put_block(&w, pbit, nt, clen, plen);
		for (unsigned i = 0; i < nt; i++) {
			if (t[i].len == 0) {
				efi_put_code(&w, clen, 510, t[i].lit);
				continue;
			}
			unsigned pl = 0;
			for (uint32_t v = t[i].dist; v; v >>= 1)
				pl++;
			efi_put_code(&w, clen, 510, t[i].len + 253u);
			efi_put_code(&w, plen, pbit == 4 ? 14 : 20, pl);
			if (pl > 1)
				efi_bw_put(&w, pl - 1, t[i].dist - (1u << (pl - 1)));
		}
		clen_total = efi_bw_finish(&w, (uint32_t)total);
		cr_assert_gt(clen_total, 0);
		out[total] = 0xEE;
		cr_assert_eq(efi_decompress(c, clen_total, (enum efi_decomp_variant)pbit, out,
		                            total, &out_len),
		             EFI_DECOMP_OK, "pbit %u", pbit);
		cr_assert_arr_eq(out, want, total, "pbit %u", pbit);
		cr_assert_eq(out[total], 0xEE);
	}
}

/* A stream cut at every byte, as cut_at_every_byte, long enough (4000
 * bytes of output) that the cut falls inside the hot loop's stretch. */
Test(efi_decompress_fast, long_stream_cut_at_every_byte)
{
	cut_every_byte(4000);
}
