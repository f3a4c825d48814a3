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
#include "tests/support/efi_payloads.h"

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
