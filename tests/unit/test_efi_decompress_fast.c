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

/* A stream cut at every byte never succeeds after reading past the cut,
 * never writes past OrigSize; when it read no bit past the cut, its
 * out_len bytes are the uncut stream's (the symbol that reads past the cut
 * decodes from zero bits and may differ). */
Test(efi_decompress_fast, cut_at_every_byte)
{
	uint8_t in[300], c[1024], t[1024], full[300], out[301];
	size_t clen, n;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)((i / 7) * 3 + (i % 5));
	for (size_t p = 0; p < 2; p++) {
		clen = efi_encode_lz(in, sizeof(in), pbits[p], c, sizeof(c));
		cr_assert_gt(clen, 8);
		cr_assert_eq(efi_decompress(c, clen, (enum efi_decomp_variant)pbits[p], full,
		                            sizeof(full), &n),
		             EFI_DECOMP_OK);
		for (size_t cut = 8; cut < clen; cut++) {
			struct efi_decomp_result r;
			enum efi_decomp_status st;
			memcpy(t, c, cut);
			t[0] = (uint8_t)(cut - 8); /* CompSize, little-endian */
			t[1] = (uint8_t)((cut - 8) >> 8);
			t[2] = t[3] = 0;
			memset(out, 0xEE, sizeof(out));
			st = efi_decompress_ex(t, cut, (enum efi_decomp_variant)pbits[p], out,
			                       sizeof(in), &r);
			cr_assert_leq(r.out_len, sizeof(in));
			cr_assert_eq(out[sizeof(in)], 0xEE);
			if (!r.overrun)
				cr_assert_arr_eq(out, full, r.out_len, "cut %zu", cut);
			if (st == EFI_DECOMP_OK)
				cr_assert(!r.overrun);
			if (r.overrun) /* or a table made of the zero bits failed first */
				cr_assert_neq(st, EFI_DECOMP_OK, "cut %zu", cut);
		}
	}
}
