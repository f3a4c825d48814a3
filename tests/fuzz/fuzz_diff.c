/* libFuzzer harness: `optrom diff` in memory. The input is two files: a
 * u32le length n, then A (n bytes, cut to what follows), then B (the rest).
 * Both are analyzed, diffed normally and with --strict, and both emitters
 * run to /dev/null. Beyond "no crash" it checks what diff promises: a file
 * against itself is identical and same; counts stay inside their arrays;
 * each range lies inside its image; identical bytes are never "different".
 *
 * Speed (issue 17): a 256 KiB driver budget (FUZZ_DRIVER_BUDGET; diff
 * compares hashes, so these analyses hash), one driver cache for both
 * analyses (A and B mostly carry the same GOP), a null sink made once
 * (fuzz_sink.h) instead of /dev/null, and one emitter per diff, picked by
 * the input's bytes (fuzz_pick): the normal diff through one of the text
 * and YAML emitters, the strict one through the other. */
#define _GNU_SOURCE 1 /* fopencookie */

#include "analyzer/analyze.h"
#include "analyzer/diff.h"
#include "analyzer/driver_cache.h"
#include "analyzer/emit_diff.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void one(FILE *sink, const struct rom_analysis *a, const uint8_t *da, size_t la,
                const struct rom_analysis *b, const uint8_t *db, size_t lb, bool strict, bool yaml)
{
	struct rom_diff *d = rom_diff_make(a, da, la, b, db, lb, strict);
	if (!d)
		return;
	check(d);
	if (yaml)
		(void)emit_diff_yaml(sink, d);
	else
		emit_diff_text(sink, d);
	fflush(sink);
	rom_diff_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t n = 0;
	const uint8_t *pa, *pb;
	size_t la, lb;
	struct rom_analysis *a, *b;
	struct rom_diff *self;
	struct rom_analyze_opts o = {.driver_budget = FUZZ_DRIVER_BUDGET};
	FILE *sink = fuzz_sink();
	bool yaml_first;
	if (!sink || size < 4)
		return 0;
	yaml_first = fuzz_pick(data, size, 2) != 0;
	memcpy(&n, data, 4);
	la = n <= size - 4 ? n : size - 4;
	pa = la ? data + 4 : NULL;
	lb = size - 4 - la;
	pb = lb ? data + 4 + la : NULL;
	o.drivers = driver_cache_new(); /* NULL: each analysis decodes its own */
	a = rom_analyze_with(pa, la, "a.rom", &o);
	b = rom_analyze_with(pb, lb, "b.rom", &o);
	if (a && b) {
		fuzz_check_report(a, la);
		fuzz_check_report(b, lb);
		one(sink, a, pa, la, b, pb, lb, false, yaml_first);
		one(sink, a, pa, la, b, pb, lb, true, !yaml_first);
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
	driver_cache_free(o.drivers);
	return 0;
}
