/* Decompression throughput over the compressed EFI images of the files given
 * on the command line. Built by bench_efi_decompress.sh, not by CMake.
 * Output: one line "images N in_bytes I out_bytes O seconds S" per run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/efi_decompress.h"
#include "formats/span.h"
#include "tests/support/bytes.h"

struct payload {
	const uint8_t *data;
	size_t len;
	uint32_t orig;
};

/* Same rule as the corpus test: 55AA at a 512-byte boundary, PCIR/NPDS code
 * type 3, EfiSignature 0xEF1, compression type 1. */
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

int main(int argc, char **argv)
{
	enum { MAXP = 4096 };
	static struct payload p[MAXP];
	size_t np = 0, in_bytes = 0, out_bytes = 0;
	int reps = 5;
	uint8_t *out = malloc(EFI_DECOMP_MAX_ORIG);
	struct timespec t0, t1;
	double secs;

	if (!out)
		return 2;
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		uint8_t *b = tb_read_file(argv[i], &len);
		struct span f;
		if (!b)
			continue;
		f = span_make(b, len);
		np += find_payloads(&f, p + np, MAXP - np); /* files stay loaded */
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < reps; r++) {
		for (size_t i = 0; i < np; i++) {
			size_t n;
			if (efi_decompress(p[i].data, p[i].len, EFI_DECOMP_EFI11, out,
			                   EFI_DECOMP_MAX_ORIG, &n) != EFI_DECOMP_OK)
				return 1;
			in_bytes += p[i].len;
			out_bytes += n;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("images %zu reps %d in_bytes %zu out_bytes %zu seconds %.6f\n", np, reps, in_bytes,
	       out_bytes, secs);
	free(out);
	return 0;
}
