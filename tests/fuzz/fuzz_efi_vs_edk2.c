/* libFuzzer harness, differential: optrom's EFI 1.1 decoder against EDK2's
 * reference decoder (../shared/reference/edk2-decompress, compiled from
 * there; built only when it is present, see tests/fuzz/CMakeLists.txt).
 *
 * optrom's decoder is stricter than EDK2's on streams EDK2's compressor
 * never writes (formats/efi_decompress.c lists how), so the rule is one
 * way: whenever optrom's decoder succeeds, EDK2's must succeed too and
 * produce the same bytes. The other way round only counts the cases (EDK2
 * decodes the zero bits past CompSize, where optrom stops). */
#include "formats/efi_decompress.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Tiano/EfiTianoDecompress.h"

#define FUZZ_DST_MAX (1024u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t orig = 0;
	UINT32 dsize = 0, ssize = 0;
	uint8_t *a, *b, *scratch;
	size_t n = 0;
	enum efi_decomp_status st;
	EFI_STATUS es;

	if (size > UINT32_MAX || efi_decomp_info(data, size, NULL, &orig) != EFI_DECOMP_OK ||
	    orig == 0 || orig > FUZZ_DST_MAX)
		return 0;
	a = malloc(orig);
	b = malloc(orig);
	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	st = efi_decompress(data, size, EFI_DECOMP_EFI11, a, orig, &n);
	if (st == EFI_DECOMP_OK) {
		if (EfiTianoGetInfo(data, (UINT32)size, &dsize, &ssize) != EFI_SUCCESS ||
		    dsize != orig || (scratch = malloc(ssize ? ssize : 1)) == NULL)
			abort();
		es = EfiDecompress(data, (UINT32)size, b, dsize, scratch, ssize);
		free(scratch);
		if (es != EFI_SUCCESS) {
			fprintf(stderr, "optrom decodes, EDK2 refuses (status %llu)\n",
			        (unsigned long long)es);
			abort();
		}
		if (memcmp(a, b, orig) != 0) {
			fprintf(stderr, "optrom and EDK2 decode to different bytes\n");
			abort();
		}
	}
	free(a);
	free(b);
	return 0;
}
