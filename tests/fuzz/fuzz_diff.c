/* libFuzzer harness: `optrom diff` in memory. The input is two files: a
 * u32le length n, then A (n bytes, cut to what follows), then B (the rest).
 * Both are analyzed, diffed normally and with --strict, and both emitters
 * run to /dev/null. Beyond "no crash" it checks what diff promises: a file
 * against itself is identical and same; counts stay inside their arrays;
 * each range lies inside its image; identical bytes are never "different". */
#include "analyzer/analyze.h"
#include "analyzer/diff.h"
#include "analyzer/emit_diff.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void check(const struct rom_diff *d)
{
	if (d->n_images > DIFF_MAX_IMAGES)
		abort();
	for (size_t i = 0; i < d->n_images; i++) {
		const struct diff_image *im = &d->images[i];
		size_t longest = im->len_a > im->len_b ? im->len_a : im->len_b;
		if (im->n_ranges > DIFF_MAX_RANGES || im->n_ranges > im->n_ranges_all ||
		    im->n_fields > DIFF_MAX_FIELDS || im->n_sections > DIFF_MAX_SECTIONS ||
		    strlen(im->strip) != DIFF_STRIP)
			abort();
		if (im->differing > longest)
			abort();
		for (size_t r = 0; r < im->n_ranges; r++)
			if (im->ranges[r].len == 0 ||
			    im->ranges[r].rel + im->ranges[r].len > im->len_a)
				abort();
	}
	if (d->verdict == DIFF_IDENTICAL && !d->same)
		abort();
}

static void one(const struct rom_analysis *a, const uint8_t *da, size_t la,
                const struct rom_analysis *b, const uint8_t *db, size_t lb, bool strict)
{
	struct rom_diff *d = rom_diff_make(a, da, la, b, db, lb, strict);
	if (!d)
		return;
	check(d);
	emit_diff_text(sink, d);
	(void)emit_diff_yaml(sink, d);
	rom_diff_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t n = 0;
	const uint8_t *pa, *pb;
	size_t la, lb;
	struct rom_analysis *a, *b;
	struct rom_diff *self;
	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink || size < 4)
		return 0;
	memcpy(&n, data, 4);
	la = n <= size - 4 ? n : size - 4;
	pa = la ? data + 4 : NULL;
	lb = size - 4 - la;
	pb = lb ? data + 4 + la : NULL;
	a = rom_analyze(pa, la, "a.rom");
	b = rom_analyze(pb, lb, "b.rom");
	if (a && b) {
		fuzz_check_report(a, la);
		fuzz_check_report(b, lb);
		one(a, pa, la, b, pb, lb, false);
		one(a, pa, la, b, pb, lb, true);
		self = rom_diff_make(a, pa, la, a, pa, la, true);
		if (self) {
			check(self);
			if (self->verdict != DIFF_IDENTICAL || !self->same || self->n_differ != 0)
				abort(); /* a file against itself */
			rom_diff_free(self);
		}
	}
	rom_analysis_free(a);
	rom_analysis_free(b);
	return 0;
}
