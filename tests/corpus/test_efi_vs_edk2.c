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
