/* optrom's EFI decoder against EDK2's reference decoder, the independent
 * reading, on every compressed EFI stream of the corpus (the 70 streams of
 * tests/bench/bench_efi_vs_edk2.sh, found by the same rule: efi_payloads.h):
 * both must succeed and make the same bytes, and optrom must read no bit
 * past CompSize. The reference (../shared/reference/edk2-decompress, README
 * there) is compiled from where it lies by tests/edk2_reference.cmake and
 * never copied into the project; without it, or without the corpus, the
 * test is skipped with a message. The benchmark prints speed; this test is
 * what checks the bytes on every ctest run. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "formats/efi_decompress.h"
#include "tests/support/expect.h"

#ifdef OPTROM_EDK2_REFERENCE_DIR
#include "Tiano/EfiTianoDecompress.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/efi_payloads.h"

/* One stream through both decoders; the outputs compared byte for byte.
 * The stream is copied to a heap block of its exact size: the sanitized
 * build then catches a read past it, and EDK2's GetInfo, which reads
 * CompSize through a UINT32 pointer, gets an aligned one. */
static void compare_stream(const char *name, const struct payload *p)
{
	UINT32 dsize = 0, ssize = 0;
	uint8_t *in = tb_exact_copy(p->data, p->len);
	uint8_t *a = malloc((size_t)p->orig + 1), *b = malloc((size_t)p->orig + 1), *scratch;
	struct efi_decomp_result r;
	enum efi_decomp_status st;

	cr_assert(a && b);
	cr_assert_eq(EfiTianoGetInfo(in, (UINT32)p->len, &dsize, &ssize), EFI_SUCCESS, "%s", name);
	cr_assert_eq(dsize, p->orig, "%s", name);
	scratch = malloc(ssize);
	cr_assert(scratch);
	cr_assert_eq(EfiDecompress(in, (UINT32)p->len, b, dsize, scratch, ssize), EFI_SUCCESS,
	             "%s: EDK2 refuses the stream", name);
	a[p->orig] = 0xEE;
	st = efi_decompress_ex(in, p->len, EFI_DECOMP_EFI11, a, p->orig, &r);
	cr_assert_eq(st, EFI_DECOMP_OK, "%s: %s", name, efi_decomp_status_str(st));
	cr_assert_eq(r.out_len, p->orig, "%s", name);
	cr_assert_not(r.overrun, "%s: read past CompSize", name);
	cr_assert_eq(a[p->orig], 0xEE, "%s: wrote past OrigSize", name);
	cr_assert(memcmp(a, b, p->orig) == 0, "%s: optrom and EDK2 decode to different bytes",
	          name);
	free(scratch);
	free(in);
	free(a);
	free(b);
}
#endif

Test(efi_vs_edk2, every_corpus_stream_decodes_to_edk2s_bytes, .timeout = 600)
{
#ifndef OPTROM_EDK2_REFERENCE_DIR
	cr_skip_test("no EDK2 reference decoder at configure time (../shared/reference/"
	             "edk2-decompress, or -DOPTROM_EDK2_REFERENCE=DIR): nothing to compare with");
#else
	size_t n = 0, streams = 0, files = 0, out_bytes = 0;
	struct expect_row *rows = expect_load(&n);

	cr_assert_not_null(rows, "corpus/expected.tsv unreadable");
	for (size_t i = 0; i < n; i++) {
		struct payload p[64];
		size_t len = 0, np;
		uint8_t *buf;
		struct span f;
		if (!rows[i].present)
			continue;
		buf = tb_read_file(rows[i].path, &len);
		cr_assert_not_null(buf, "%s", rows[i].path);
		files++;
		f = span_make(buf, len);
		np = find_payloads(&f, p, sizeof(p) / sizeof(p[0]));
		for (size_t k = 0; k < np; k++) {
			compare_stream(rows[i].name, &p[k]);
			out_bytes += p[k].orig;
		}
		streams += np;
		free(buf);
	}
	free(rows);
	if (files == 0)
		cr_skip_test("no corpus file present in %s: nothing to compare",
		             expect_corpus_dir());
	cr_assert_gt(streams, 0, "%zu corpus files, no compressed EFI stream", files);
	cr_log_info("%zu corpus files, %zu compressed EFI streams, %zu output bytes: identical "
	            "to EDK2 (reference %s)",
	            files, streams, out_bytes, OPTROM_EDK2_REFERENCE_DIR);
#endif
}

#ifdef OPTROM_EDK2_REFERENCE_DIR
/* The reference's verdict and bytes on one synthetic stream. */
static bool edk2_decodes(const uint8_t *c, size_t clen, unsigned pbit, uint8_t *out, uint32_t orig)
{
	UINT32 dsize = 0, ssize = 0;
	uint8_t *in = tb_exact_copy(c, clen), *scratch;
	EFI_STATUS es;

	cr_assert_eq(EfiTianoGetInfo(in, (UINT32)clen, &dsize, &ssize), EFI_SUCCESS);
	cr_assert_eq(dsize, orig);
	scratch = malloc(ssize);
	cr_assert(scratch);
	es = pbit == 4 ? EfiDecompress(in, (UINT32)clen, out, dsize, scratch, ssize)
	               : TianoDecompress(in, (UINT32)clen, out, dsize, scratch, ssize);
	free(scratch);
	free(in);
	return es == EFI_SUCCESS;
}

static uint32_t rnd(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* PT lengths as ReadPTLen reads them: n lengths (n >= 1), small ones
 * mostly, so that some codes are complete, some wrap, some are empty. */
static void put_random_pt(struct efi_bw *w, unsigned nbit, bool special, uint32_t *x)
{
	unsigned n = 1 + rnd(x) % (rnd(x) % 4 ? 5 : (1u << nbit) - 1);
	bool empty = rnd(x) % 6 == 0;
	efi_bw_put(w, nbit, n);
	for (unsigned i = 0; i < n; i++) {
		unsigned k = empty ? 0 : rnd(x) % (rnd(x) % 8 ? 4 : 20);
		if (k <= 6)
			efi_bw_put(w, 3, k);
		else
			efi_bw_put(w, k - 3, (1u << (k - 3)) - 2);
		if (special && i == 2)
			efi_bw_put(w, 2, empty ? 0 : rnd(x) % 4);
	}
}

/* After a literal that fills the output at the end of its block, EDK2
 * reads one more block header from the bits after it and refuses the
 * stream when its T or P table is bad; optrom must give the same verdict,
 * and the same bytes when both accept. The block before is the literal one
 * (T and P single-symbol) or the fixed-code one (complete T and P codes,
 * whose P table EDK2 reads again when the new T code is empty); the header
 * after it is built from random parts (single-symbol, short, empty, over-
 * subscribed and random codes, random bits), and sometimes cut by CompSize
 * so that its end is read as zero bits. */
Test(efi_vs_edk2, the_block_header_after_the_last_literal)
{
	static const unsigned pbits[] = {4, 5};
	uint8_t c[512], a[8], b[8];
	const uint8_t want[5] = {0x41, 0x00, 0x7F, 0xFF, 0x10};
	size_t agree_ok = 0, agree_bad = 0, undecided = 0;
	uint32_t x = 20261207;

	for (int iter = 0; iter < 40000; iter++) {
		unsigned pbit = pbits[iter & 1];
		struct efi_bw w;
		size_t clen, lits_end;
		enum efi_decomp_status st;
		bool fixed = (iter >> 1) & 1, ok;

		efi_bw_init(&w, c, sizeof(c));
		if (fixed)
			efi_put_fixed_block(&w, pbit, 5);
		else
			efi_put_literal_block(&w, pbit, 5);
		for (size_t i = 0; i < sizeof(want); i++)
			if (fixed)
				efi_put_fixed_c(&w, want[i]);
			else
				efi_bw_put(&w, 8, want[i]);
		lits_end = (w.bits - 64 + 7) / 8; /* stream bytes holding the literals */
		/* The header EDK2 reads after the last literal. */
		efi_bw_put(&w, 16, rnd(&x) & 0xFFFF);
		if (rnd(&x) % 3 == 0) {
			efi_bw_put(&w, 5, 0);
			efi_bw_put(&w, 5, rnd(&x) % 32);
		} else {
			put_random_pt(&w, 5, true, &x);
		}
		if (rnd(&x) % 3 == 0) {
			efi_bw_put(&w, 9, 0);
			efi_bw_put(&w, 9, rnd(&x) % 512);
		} else {
			efi_bw_put(&w, 9, rnd(&x) % 512);
			for (unsigned i = rnd(&x) % 40; i > 0; i--)
				efi_bw_put(&w, 16, rnd(&x) & (rnd(&x) % 2 ? 0xFFFF : 0x0F0F));
		}
		if (rnd(&x) % 3 == 0) {
			efi_bw_put(&w, pbit, 0);
			efi_bw_put(&w, pbit, rnd(&x) % (1u << pbit));
		} else {
			put_random_pt(&w, pbit, false, &x);
		}
		for (unsigned i = rnd(&x) % 4; i > 0; i--)
			efi_bw_put(&w, 16, rnd(&x) & 0xFFFF);
		clen = efi_bw_finish(&w, sizeof(want));
		cr_assert_gt(clen, 0);
		if (rnd(&x) % 4 == 0) /* CompSize ends after the literals, in the header */
			tb_put32(c, 0, (uint32_t)(lits_end + rnd(&x) % (clen - 8 - lits_end)));
		ok = edk2_decodes(c, clen, pbit, b, sizeof(want));
		memset(a, 0xEE, sizeof(a));
		st = efi_decompress(c, clen, (enum efi_decomp_variant)pbit, a, sizeof(want), NULL);
		if (st == EFI_DECOMP_TRAILING_UNDECIDED) {
			undecided++;
			continue;
		}
		cr_assert_eq(st == EFI_DECOMP_OK, ok, "iter %d pbit %u: optrom %s, EDK2 %s", iter,
		             pbit, efi_decomp_status_str(st), ok ? "decodes" : "refuses");
		if (ok) {
			cr_assert_arr_eq(a, want, sizeof(want));
			cr_assert_arr_eq(b, want, sizeof(want));
			cr_assert_eq(a[sizeof(want)], 0xEE);
			agree_ok++;
		} else {
			cr_assert_eq(st, EFI_DECOMP_TRAILING_DATA, "iter %d: %s", iter,
			             efi_decomp_status_str(st));
			agree_bad++;
		}
	}
	/* The encoder's T codes are at most 5 bits: no header needs older
	 * tables. Both verdicts must have been reached many times. */
	cr_expect_eq(undecided, 0);
	cr_expect_gt(agree_ok, 1000, "%zu accepted", agree_ok);
	cr_expect_gt(agree_bad, 1000, "%zu refused", agree_bad);
	cr_log_info("%zu headers after the last literal accepted by both, %zu refused by both",
	            agree_ok, agree_bad);
}
#endif
