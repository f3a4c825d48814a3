/* libFuzzer harness, differential: optrom's decoder against EDK2's
 * reference decoder (../shared/reference/edk2-decompress, compiled from
 * there; built only when it is present, see tests/fuzz/CMakeLists.txt), in
 * both variants: EFI 1.1 (pbit 4, EfiDecompress) and Tiano (pbit 5,
 * TianoDecompress).
 *
 * The rule is both ways: optrom's decoder succeeds exactly when EDK2's
 * does, and then with the same bytes. In particular after the last symbol
 * optrom does what EDK2 does (edk2_block_header in formats/efi_decompress.c;
 * docs/fuzzing.md, "Settled"). The exceptions are the documented strict
 * rules of formats/efi_decompress.c, on streams EDK2's compressor never
 * writes, where optrom refuses and EDK2 decodes anyway (strict_refusal);
 * every other refusal must be EDK2's too. */
#include "formats/efi_decompress.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Tiano/EfiTianoDecompress.h"

#define FUZZ_DST_MAX (1024u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Refusals of optrom's strict rules, where EDK2 goes on: bits needed past
 * CompSize (EDK2 reads zeros), a table EDK2 builds anyway (an incomplete,
 * over-subscribed or empty code, a count or symbol beyond the alphabet,
 * whose symbols EDK2 then decodes from what its table holds), and a block
 * header after the last symbol that EDK2 reads with tables of older blocks
 * (EFI_DECOMP_TRAILING_UNDECIDED). */
static bool strict_refusal(enum efi_decomp_status st)
{
	return st == EFI_DECOMP_TRUNCATED_STREAM || st == EFI_DECOMP_BAD_TABLE ||
	       st == EFI_DECOMP_BAD_SYMBOL || st == EFI_DECOMP_TRAILING_UNDECIDED;
}

static void compare(const uint8_t *data, size_t size, enum efi_decomp_variant v, uint32_t orig,
                    uint8_t *a, uint8_t *b)
{
	UINT32 dsize = 0, ssize = 0;
	uint8_t *scratch;
	size_t n = 0;
	enum efi_decomp_status st = efi_decompress(data, size, v, a, orig, &n);
	EFI_STATUS es;

	if (EfiTianoGetInfo(data, (UINT32)size, &dsize, &ssize) != EFI_SUCCESS || dsize != orig ||
	    (scratch = malloc(ssize ? ssize : 1)) == NULL)
		abort();
	es = v == EFI_DECOMP_EFI11 ? EfiDecompress(data, (UINT32)size, b, dsize, scratch, ssize)
	                           : TianoDecompress(data, (UINT32)size, b, dsize, scratch, ssize);
	free(scratch);
	if (st == EFI_DECOMP_OK && es != EFI_SUCCESS) {
		fprintf(stderr, "pbit %d: optrom decodes, EDK2 refuses (status %llu)\n", (int)v,
		        (unsigned long long)es);
		abort();
	}
	if (st != EFI_DECOMP_OK && es == EFI_SUCCESS && !strict_refusal(st)) {
		fprintf(stderr, "pbit %d: EDK2 decodes, optrom refuses (%s)\n", (int)v,
		        efi_decomp_status_str(st));
		abort();
	}
	if (st == EFI_DECOMP_OK && memcmp(a, b, orig) != 0) {
		fprintf(stderr, "pbit %d: optrom and EDK2 decode to different bytes\n", (int)v);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t orig = 0;
	uint8_t *a, *b;

	if (size > UINT32_MAX || efi_decomp_info(data, size, NULL, &orig) != EFI_DECOMP_OK ||
	    orig == 0 || orig > FUZZ_DST_MAX)
		return 0;
	a = malloc(orig);
	b = malloc(orig);
	if (a && b) {
		compare(data, size, EFI_DECOMP_EFI11, orig, a, b);
		compare(data, size, EFI_DECOMP_TIANO, orig, a, b);
	}
	free(a);
	free(b);
	return 0;
}
