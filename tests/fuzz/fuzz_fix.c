/* libFuzzer harness: `optrom fix` in memory. Analyze, plan (three option
 * sets: default, --trim, --set-id), apply, re-analyze the output, and plan
 * again on it. Nothing touches the file system (patch_write_file is not
 * called: its temp-file path is tested by the CLI tests).
 *
 * Speed (issue 17): as `optrom fix` does, the input's and the outputs'
 * analyses share a driver cache (the outputs carry the input's driver
 * streams: decompressed and checked once per input, not four times), and
 * they analyze with fuzz_analyze_opts (no SHA-256, a 256 KiB driver
 * budget: fuzz_check.h).
 *
 * Beyond "no crash", it checks what the patcher promises: a plan that says
 * OK applies cleanly (its edits lie inside the input and their old bytes
 * match), the output has keep_end - keep_start bytes, every report is
 * coherent, and a ready ROM needs no edit by default. */
#include "analyzer/analyze.h"
#include "analyzer/driver_cache.h"
#include "patcher/patch.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rom_analyze_opts opts; /* fuzz_analyze_opts with this input's driver cache */
static struct rom_analysis *in_report;
static struct patch_plan plan, replan;

static void fix_once(const uint8_t *data, size_t size, const struct patch_options *opt)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char err[256];
	enum patch_apply_status ast;
	bool plain = !opt->trim && !opt->set_id;
	struct rom_analysis *out_report;

	patch_plan_make(in_report, data, size, opt, &plan);
	if (plan.status != PATCH_PLAN_OK && plan.status != PATCH_PLAN_CANNOT)
		abort();
	if (plan.n_edits > PATCH_MAX_EDITS || plan.n_notes > PATCH_MAX_NOTES)
		abort();
	if (plain && in_report->verdict == VERDICT_READY && !patch_plan_is_empty(&plan))
		abort(); /* a ready ROM must not be edited */
	ast = patch_apply(&plan, data, size, &out, &out_len, err, sizeof(err));
	if (plan.status != PATCH_PLAN_OK) {
		if (ast == PATCH_APPLY_OK || out != NULL)
			abort(); /* applying a refused plan must fail */
		return;
	}
	if (ast == PATCH_APPLY_NO_MEMORY)
		return;
	if (ast != PATCH_APPLY_OK || !out) {
		fprintf(stderr, "plan OK but apply failed: %s\n", err);
		abort();
	}
	if (plan.keep_start > plan.keep_end || plan.keep_end > size ||
	    out_len != plan.keep_end - plan.keep_start)
		abort();
	out_report = rom_analyze_with(out, out_len, "fuzz-fixed.rom", &opts);
	if (out_report) {
		fuzz_check_report(out_report, out_len);
		if (plain && out_report->verdict == VERDICT_READY) {
			/* Fixing a fixed ROM changes nothing. */
			patch_plan_make(out_report, out, out_len, opt, &replan);
			if (!patch_plan_is_empty(&replan))
				abort();
		}
	}
	rom_analysis_free(out_report);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct patch_options opt;
	opts = fuzz_analyze_opts;
	opts.drivers = driver_cache_new(); /* NULL: each analysis decodes its own */
	in_report = rom_analyze_with(size ? data : NULL, size, "fuzz.rom", &opts);
	if (!in_report) {
		driver_cache_free(opts.drivers);
		return 0; /* out of memory: not a finding of the bytes */
	}
	fuzz_check_report(in_report, size);

	memset(&opt, 0, sizeof(opt));
	fix_once(data, size, &opt);
	opt.trim = true;
	fix_once(data, size, &opt);
	opt.trim = false;
	opt.set_id = true;
	opt.vendor = 0x10DE;
	opt.device = 0x1B80;
	fix_once(data, size, &opt);
	rom_analysis_free(in_report);
	in_report = NULL;
	driver_cache_free(opts.drivers);
	return 0;
}
