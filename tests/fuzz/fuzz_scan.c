/* libFuzzer harness: scan's per-file policy on a file's bytes. The file
 * kind sniffer and the not-a-rom rule under four names (ROM-like or not,
 * plain or zip member), the scan line and YAML entry, and the scan-wide
 * driver cache: an analysis through a cache (cold, then warm) must equal
 * the analysis without one (verdict, findings, every driver's state and
 * bytes); the packed record scan keeps for repeats must give the same line
 * back, under the same name and under another.
 *
 * Speed (issue 17): the three analyses hash nothing and decompress at most
 * 256 KiB of drivers (fuzz_analyze_opts); the scan entry shows a fixed
 * SHA-256 (its format is not the bytes' doing); the emitters write to a
 * null sink made once (fuzz_sink.h), not a /dev/null opened per input; the
 * scan line is written for each of the four names, the YAML entry for one,
 * picked by the input's bytes (fuzz_pick). */
#define _GNU_SOURCE 1 /* fopencookie */

#include "analyzer/analyze.h"
#include "analyzer/driver_cache.h"
#include "analyzer/emit_scan.h"
#include "analyzer/scan.h"
#include "formats/filekind.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct rom_analysis *a, const struct rom_analysis *b)
{
	if (a->verdict != b->verdict || a->findings.n != b->findings.n || a->chain.n != b->chain.n)
		fuzz_fail("analysis through the driver cache differs", b);
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.items[i].id != b->findings.items[i].id ||
		    strcmp(a->findings.items[i].message, b->findings.items[i].message) != 0)
			fuzz_fail("a finding differs through the driver cache", b);
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_driver *x = rom_chain_node(a, i)->driver;
		const struct rom_driver *y = rom_chain_node(b, i)->driver;
		if (!x != !y)
			fuzz_fail("a driver is decoded on one side only", b);
		if (!x)
			continue;
		if (x->state != y->state || x->length != y->length ||
		    strcmp(x->variant, y->variant) != 0 ||
		    strcmp(x->gop_version, y->gop_version) != 0 || x->pe_status != y->pe_status ||
		    (x->bytes && y->bytes && memcmp(x->bytes, y->bytes, x->length) != 0))
			fuzz_fail("a driver differs through the cache", b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"README", "card.rom", "a.zip!x/notes.txt",
	                                    "a.zip!x/y.BIN.gz"};
	struct span s = span_make(size ? data : NULL, size);
	enum file_kind k = file_kind_sniff(&s);
	static const char sha[] =
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	struct driver_cache *c = driver_cache_new();
	struct rom_analyze_opts o = fuzz_analyze_opts;
	struct rom_analysis *plain =
	    rom_analyze_with(size ? data : NULL, size, "fuzz", &fuzz_analyze_opts);
	struct rom_analysis *cold, *warm;
	FILE *sink = fuzz_sink();
	size_t yaml_name = fuzz_pick(data, size, 4); /* one name's YAML entry per input */
	if ((unsigned)k >= FILE_KIND_COUNT)
		abort();
	if (!plain || !c) {
		rom_analysis_free(plain);
		driver_cache_free(c);
		return 0;
	}
	fuzz_check_report(plain, size);
	o.drivers = c;
	cold = rom_analyze_with(size ? data : NULL, size, "fuzz", &o);
	warm = rom_analyze_with(size ? data : NULL, size, "fuzz", &o);
	if (cold)
		same(plain, cold);
	if (warm)
		same(plain, warm);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct scan_info info;
		struct scan_entry_view v = {names[i], &info, NULL, sha, NULL, plain, size};
		scan_info_from(&info, plain, size ? data : NULL, size, names[i]);
		if (info.verdict == SCAN_NOT_A_ROM && (plain->has_rom || plain->isa_rom))
			fuzz_fail("not-a-rom for bytes that hold a ROM", plain);
		if (info.verdict == SCAN_NOT_A_ROM && scan_name_rom_like(names[i]))
			fuzz_fail("not-a-rom for a ROM-like name", plain);
		{
			/* The record scan keeps for repeats: packed, unpacked and
			 * renamed (under the next name too), the same line. */
			uint8_t packed[SCAN_INFO_PACK_MAX];
			struct scan_info back, other;
			size_t plen = scan_info_pack(&info, packed);
			const char *next = names[(i + 1) % (sizeof(names) / sizeof(names[0]))];
			if (plen > SCAN_INFO_PACK_MAX || !scan_info_unpack(packed, plen, &back))
				fuzz_fail("a packed scan_info does not unpack", plain);
			scan_info_rename(&back, names[i]);
			if (memcmp(&back, &info, sizeof(info)) != 0)
				fuzz_fail("a packed scan_info comes back different", plain);
			scan_info_from(&other, plain, size ? data : NULL, size, next);
			scan_info_rename(&back, next);
			if (back.verdict != other.verdict ||
			    strcmp(back.problem, other.problem) != 0)
				fuzz_fail("a repeat under another name differs from its analysis",
				          plain);
		}
		if (sink) {
			struct yw w;
			emit_scan_line(sink, &v);
			if (i == yaml_name && yw_open(&w, sink)) {
				emit_scan_yaml_begin(&w);
				emit_scan_yaml_entry(&w, &v);
				(void)yw_close(&w);
			}
		}
	}
	if (sink)
		fflush(sink);
	rom_analysis_free(plain);
	rom_analysis_free(cold);
	rom_analysis_free(warm);
	driver_cache_free(c);
	return 0;
}
