/* optrom's EFI decoder against EDK2's reference decoder on the same streams,
 * in the same process, alternating. Built by bench_efi_vs_edk2.sh with the
 * reference from ../shared/reference/edk2-decompress (never copied here),
 * not by CMake.
 *
 * First every stream is decoded by both and the outputs compared byte for
 * byte (exit 1 on any difference). Then ROUNDS rounds, each one pass of
 * optrom over every stream and one pass of EDK2, in alternating order (odd
 * rounds EDK2 first), so drift in the machine's load hits both alike.
 * Output: one line per decoder with the median and the best pass (thread
 * CPU time) and output MB/s at the median, and "ratio R (best B)" = EDK2's
 * median pass time / optrom's (> 1: optrom faster), and the same for the
 * best passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "Tiano/EfiTianoDecompress.h"
#include "formats/efi_decompress.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_payloads.h"

enum { MAXP = 4096, MAX_ROUNDS = 1000 };

/* CPU time of this thread: on a shared machine, time spent descheduled
 * would otherwise land on whichever decoder was running. */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static bool edk2_one(const struct payload *p, uint8_t *out, uint8_t *scratch, uint32_t scap)
{
	UINT32 dsize = 0, ssize = 0;
	if (EfiTianoGetInfo(p->data, (UINT32)p->len, &dsize, &ssize) != EFI_SUCCESS || ssize > scap)
		return false;
	return EfiDecompress(p->data, (UINT32)p->len, out, dsize, scratch, ssize) == EFI_SUCCESS;
}

static bool optrom_one(const struct payload *p, uint8_t *out)
{
	size_t n;
	return efi_decompress(p->data, p->len, EFI_DECOMP_EFI11, out, EFI_DECOMP_MAX_ORIG, &n) ==
	           EFI_DECOMP_OK &&
	       n == p->orig;
}

int main(int argc, char **argv)
{
	static struct payload p[MAXP];
	static double t_opt[MAX_ROUNDS], t_edk[MAX_ROUNDS];
	const char *env = getenv("ROUNDS");
	int rounds = env ? atoi(env) : 20;
	size_t np = 0, out_bytes = 0;
	const uint32_t scap = 1u << 20;
	uint8_t *a = malloc(EFI_DECOMP_MAX_ORIG), *b = malloc(EFI_DECOMP_MAX_ORIG);
	uint8_t *scratch = malloc(scap);

	if (!a || !b || !scratch || rounds < 1 || rounds > MAX_ROUNDS)
		return 2;
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		uint8_t *buf = tb_read_file(argv[i], &len);
		struct span f;
		if (!buf)
			continue;
		f = span_make(buf, len);
		np += find_payloads(&f, p + np, MAXP - np); /* files stay loaded */
	}
	for (size_t i = 0; i < np; i++) {
		if (!optrom_one(&p[i], a) || !edk2_one(&p[i], b, scratch, scap)) {
			fprintf(stderr, "stream %zu: a decoder failed\n", i);
			return 1;
		}
		if (memcmp(a, b, p[i].orig) != 0) {
			fprintf(stderr, "stream %zu: outputs differ\n", i);
			return 1;
		}
		out_bytes += p[i].orig;
	}
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++) {
			bool edk = (k == 0) == (r % 2 == 1);
			double t0 = now();
			for (size_t i = 0; i < np; i++) {
				if (edk ? !edk2_one(&p[i], b, scratch, scap)
				        : !optrom_one(&p[i], a))
					return 1;
			}
			(edk ? t_edk : t_opt)[r] = now() - t0;
		}
	}
	qsort(t_opt, (size_t)rounds, sizeof(double), cmp_double);
	qsort(t_edk, (size_t)rounds, sizeof(double), cmp_double);
	{
		double mo = t_opt[rounds / 2], me = t_edk[rounds / 2];
		printf("streams %zu output_bytes %zu rounds %d identical yes\n", np, out_bytes,
		       rounds);
		printf("optrom median_pass_ms %.3f best_ms %.3f MB/s %.1f\n", mo * 1e3,
		       t_opt[0] * 1e3, out_bytes / mo / 1e6);
		printf("edk2   median_pass_ms %.3f best_ms %.3f MB/s %.1f\n", me * 1e3,
		       t_edk[0] * 1e3, out_bytes / me / 1e6);
		printf("ratio %.2f (best %.2f)\n", me / mo, t_edk[0] / t_opt[0]);
	}
	free(a);
	free(b);
	free(scratch);
	return 0;
}
