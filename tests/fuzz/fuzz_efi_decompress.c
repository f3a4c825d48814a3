/* libFuzzer harness: the EFI 1.1 (pbit 4) and Tiano (pbit 5) decoders.
 *
 * Output is bounded: the destination is a heap block of exactly the size we
 * allow (so ASan sees any write past it), at most FUZZ_DST_MAX, and the
 * decoder is also run into a buffer smaller than OrigSize, where it must
 * stop at dst_cap.
 *
 * Speed (issue 17): FUZZ_DST_MAX is 256 KiB (it was 1 MiB). A run's cost
 * is its output, decoded three times (two variants, half the room) through
 * the coverage hooks of every comparison, and a few bytes of stream code
 * a full buffer (single-symbol tables, long matches): 52 of the 192 seeds
 * declare more than 256 KiB: 26.4 of the 30.5 MiB the seeds may write,
 * up to 1 MiB each, 4 times what the largest real GOP driver decodes to (about
 * 200 KiB; the analyzer's harnesses decode within the same 256 KiB,
 * FUZZ_DRIVER_BUDGET). The decoder has no line a larger output reaches:
 * its bounds are relative (the output position against dst_cap and
 * OrigSize, a match distance against the position, bits against
 * CompSize); an OrigSize past 256 KiB is still decoded, into a buffer
 * smaller than it, where the decoder must stop. */
#include "formats/efi_decompress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_DST_MAX   (256u * 1024u)
#define FUZZ_GUESS_MAX (64u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, enum efi_decomp_variant v, size_t cap,
                uint32_t orig)
{
	/* malloc(0) may return NULL; keep one byte so dst is a real block. */
	uint8_t *dst = malloc(cap ? cap : 1);
	struct efi_decomp_result res;
	enum efi_decomp_status st;
	if (!dst)
		return;
	memset(&res, 0, sizeof(res));
	st = efi_decompress_ex(data, size, v, dst, cap, &res);
	if (efi_decomp_status_str(st) == NULL)
		abort();
	if (res.out_len > cap || res.out_len > orig)
		abort(); /* wrote more than it may */
	if (st == EFI_DECOMP_OK && res.out_len != orig)
		abort(); /* success means exactly OrigSize bytes */
	if (st == EFI_DECOMP_OK && (res.overrun || res.bits_used > (uint64_t)res.comp_size * 8u))
		abort(); /* success reads no bit past CompSize */
	if (st == EFI_DECOMP_OK && cap < orig)
		abort(); /* cannot succeed into a buffer too small */
	free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t comp = 0, orig = 0;
	enum efi_decomp_status st = efi_decomp_info(data, size, &comp, &orig);
	size_t cap;
	if (st != EFI_DECOMP_OK) {
		/* The header is refused: both variants must refuse it too, and
		 * write nothing. */
		uint8_t dst[16];
		size_t out = 1;
		if (efi_decompress(data, size, EFI_DECOMP_EFI11, dst, sizeof(dst), &out) == 0 ||
		    out != 0)
			abort();
		return 0;
	}
	cap = orig < FUZZ_DST_MAX ? orig : FUZZ_DST_MAX;
	run(data, size, EFI_DECOMP_EFI11, cap, orig);
	run(data, size, EFI_DECOMP_TIANO, cap, orig);
	/* Half the room: must stop at dst_cap (DST_TOO_SMALL or an error). */
	if (cap > 1)
		run(data, size, size & 1 ? EFI_DECOMP_TIANO : EFI_DECOMP_EFI11, cap / 2, orig);
	/* The diagnostic guess allocates OrigSize itself and runs both variants
	 * again (work the two runs above just did): only for small outputs,
	 * which reach all of its code (issue 17: harness speed). */
	if (orig <= FUZZ_GUESS_MAX) {
		enum efi_decomp_guess g = efi_decomp_guess(data, size);
		if (efi_decomp_guess_str(g) == NULL)
			abort();
	}
	return 0;
}
