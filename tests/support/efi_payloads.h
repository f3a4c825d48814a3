/* The compressed EFI payloads of a file, for the decompression benchmarks
 * (tests/bench/bench_efi_decompress.c, bench_efi_vs_edk2.c, built by their
 * scripts) and the corpus test against EDK2's decoder
 * (tests/corpus/test_efi_vs_edk2.c): the same streams in all three. Same
 * rule as test_efi_decompress.c's corpus test: 55AA at a 512-byte
 * boundary, PCIR/NPDS code type 3, EfiSignature 0xEF1, compression type 1. */
#ifndef OPTROM_TEST_EFI_PAYLOADS_H
#define OPTROM_TEST_EFI_PAYLOADS_H

#include "formats/efi_decompress.h"
#include "formats/span.h"

struct payload {
	const uint8_t *data;
	size_t len;
	uint32_t orig;
};

static size_t find_payloads(const struct span *f, struct payload *out, size_t cap)
{
	size_t n = 0;
	for (size_t off = 0; off + 0x1A <= f->len && n < cap; off += 512) {
		uint16_t sig, pcir, init, comp, hdr;
		uint32_t efisig, os;
		uint8_t type;
		size_t end;
		if (!span_u16le(f, off, &sig) || sig != 0xAA55 || !span_u16le(f, off + 0x18, &pcir))
			continue;
		if (!span_eq(f, off + pcir, "PCIR", 4) && !span_eq(f, off + pcir, "NPDS", 4))
			continue;
		if (!span_u8(f, off + pcir + 0x14, &type) || type != 3 ||
		    !span_u32le(f, off + 4, &efisig) || efisig != 0xEF1 ||
		    !span_u16le(f, off + 0x0C, &comp) || comp != 1)
			continue;
		span_u16le(f, off + 2, &init);
		span_u16le(f, off + 0x16, &hdr);
		end = off + (size_t)init * 512;
		if (end > f->len)
			end = f->len;
		if (off + hdr >= end)
			continue;
		out[n].data = f->data + off + hdr;
		out[n].len = end - off - hdr;
		if (efi_decomp_info(out[n].data, out[n].len, NULL, &os) != EFI_DECOMP_OK)
			continue;
		out[n].orig = os;
		n++;
	}
	return n;
}

#endif
