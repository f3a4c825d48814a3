/* libFuzzer harness, differential: optrom's decoder against EDK2's
 * reference decoder (../shared/reference/edk2-decompress, compiled from
 * there; built only when it is present, see tests/fuzz/CMakeLists.txt), in
 * both variants: EFI 1.1 (pbit 4, EfiDecompress) and Tiano (pbit 5,
 * TianoDecompress).
 *
 * optrom's decoder is stricter than EDK2's on streams EDK2's compressor
 * never writes (formats/efi_decompress.c lists how), so the rule is one
 * way: whenever optrom's decoder succeeds, EDK2's must succeed too and
 * produce the same bytes. Among the streams optrom refuses and EDK2
 * decodes: bits needed past CompSize (EDK2 reads zeros there), bits after
 * the last symbol that are not zero (EDK2 ignores them unless it reads a
 * block header from them: docs/fuzzing.md, "Settled"), tables EDK2 builds
 * and optrom refuses. */
#include "formats/efi_decompress.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Tiano/EfiTianoDecompress.h"

#define FUZZ_DST_MAX (1024u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compare(const uint8_t *data, size_t size, enum efi_decomp_variant v, uint32_t orig,
                    uint8_t *a, uint8_t *b)
{
	UINT32 dsize = 0, ssize = 0;
	uint8_t *scratch;
	size_t n = 0;
	EFI_STATUS es;

	if (efi_decompress(data, size, v, a, orig, &n) != EFI_DECOMP_OK)
		return;
	if (EfiTianoGetInfo(data, (UINT32)size, &dsize, &ssize) != EFI_SUCCESS || dsize != orig ||
	    (scratch = malloc(ssize ? ssize : 1)) == NULL)
		abort();
	es = v == EFI_DECOMP_EFI11 ? EfiDecompress(data, (UINT32)size, b, dsize, scratch, ssize)
	                           : TianoDecompress(data, (UINT32)size, b, dsize, scratch, ssize);
	free(scratch);
	if (es != EFI_SUCCESS) {
		fprintf(stderr, "pbit %d: optrom decodes, EDK2 refuses (status %llu)\n", (int)v,
		        (unsigned long long)es);
		abort();
	}
	if (memcmp(a, b, orig) != 0) {
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
