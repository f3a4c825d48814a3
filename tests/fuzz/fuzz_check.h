/* Invariants every fuzz harness checks on a report: a crash is not the only
 * bug; an incoherent report (no verdict, no finding for a non-ready file, an
 * offset outside the file) is one too. A violation aborts, so libFuzzer
 * keeps the input as a crash artifact. */
#ifndef OPTROM_FUZZ_CHECK_H
#define OPTROM_FUZZ_CHECK_H

#include "analyzer/analyze.h"
#include "analyzer/tree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the harnesses analyze with (issue 17: harness speed):
 *   - no hashing: only diff reads hashes (its own analyses hash);
 *   - at most FUZZ_DRIVER_BUDGET bytes of EFI drivers decompressed per
 *     analysis instead of 16 MiB: the largest real GOP driver is about
 *     200 KiB, and a hostile OrigSize past the budget is refused before
 *     any allocation (the limit's own path, efi-driver-not-decoded, is
 *     reached sooner, not skipped). Under ASan a 16 MiB decode took 0.8 s;
 *     the decoder's outputs are fuzz_efi_decompress's (up to 256 KiB). */
#define FUZZ_DRIVER_BUDGET ((size_t)256 * 1024)

static const struct rom_analyze_opts fuzz_analyze_opts = {.skip_sha256 = true,
                                                          .driver_budget = FUZZ_DRIVER_BUDGET};

/* One of n ways for an input to go, fixed by its bytes (a run of the same
 * input takes the same way, as libFuzzer needs): for work that one input in
 * n is enough to cover, such as the emitters, which each format every string
 * of the report. */
static inline unsigned fuzz_pick(const uint8_t *data, size_t size, unsigned n)
{
	uint32_t h = (uint32_t)size * 0x9E3779B1u;
	if (size)
		h ^= (uint32_t)data[0] << 8 ^ data[size - 1] ^ (uint32_t)data[size / 2] << 16;
	h ^= h >> 15;
	return n ? (unsigned)(h * 0x85EBCA6Bu >> 16) % n : 0;
}

static inline void fuzz_fail(const char *what, const struct rom_analysis *r)
{
	fprintf(stderr, "fuzz invariant violated: %s (size %llu, verdict %d, %zu findings)\n", what,
	        (unsigned long long)r->size, (int)r->verdict, r->findings.n);
	for (size_t i = 0; i < r->findings.n; i++)
		fprintf(stderr, "  %s @%s0x%llx: %s\n", finding_name(r->findings.items[i].id),
		        r->findings.items[i].has_offset ? "" : "(none)",
		        (unsigned long long)r->findings.items[i].offset,
		        r->findings.items[i].message);
	abort();
}

static inline void fuzz_check_report(const struct rom_analysis *r, size_t size)
{
	if (r->size != size)
		fuzz_fail("report size differs from input size", r);
	if (r->verdict != VERDICT_READY && r->verdict != VERDICT_FIXABLE &&
	    r->verdict != VERDICT_BROKEN)
		fuzz_fail("verdict not set", r);
	if (r->verdict != VERDICT_READY && r->findings.n == 0)
		fuzz_fail("not ready but no finding", r);
	if (r->findings.n > FINDINGS_MAX || r->chain.n > REPORT_MAX_IMAGES ||
	    r->nvidia.n > REPORT_MAX_IMAGES || r->n_other > REPORT_MAX_IMAGES)
		fuzz_fail("a count exceeds its array", r);
	/* The harnesses analyze with skip_sha256 (hashing is work
	 * no harness checks): empty, or 64 hex digits when hashed. */
	if (r->sha256[0] != '\0' && strlen(r->sha256) != 64)
		fuzz_fail("sha256 set but not 64 digits", r);
	if (r->has_rom && r->rom_offset >= size)
		fuzz_fail("rom offset outside the file", r);
	if (r->chain.end > size)
		fuzz_fail("chain end outside the file", r);
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.items[i];
		if ((unsigned)f->id >= FINDING_COUNT)
			fuzz_fail("finding without id", r);
		if (f->has_offset && f->offset > size)
			fuzz_fail("finding offset outside the file", r);
		if (f->image < -1 || f->image >= REPORT_MAX_IMAGES)
			fuzz_fail("finding image index out of range", r);
		if (memchr(f->message, '\0', sizeof(f->message)) == NULL)
			fuzz_fail("finding message not terminated", r);
	}
	for (size_t i = 0; i < r->chain.n; i++)
		if (r->chain.images[i].offset >= size)
			fuzz_fail("image offset outside the file", r);
	/* The tree: every list entry names the node of its own offset, and no
	 * offset has two nodes (decoded once). */
	{
		const struct rom_image *lists[3] = {r->chain.images, r->nvidia.images,
		                                    r->other_images};
		size_t counts[3] = {r->chain.n, r->nvidia.n, r->n_other};
		for (int l = 0; l < 3; l++)
			for (size_t i = 0; i < counts[l]; i++) {
				const struct rom_node *n = rom_node_of(r, &lists[l][i]);
				if (!n || n->offset != lists[l][i].offset ||
				    rom_node_at(r, n->offset) != n)
					fuzz_fail("a list entry does not name its node", r);
			}
		if (r->n_nodes > TREE_MAX_NODES)
			fuzz_fail("more nodes than the cap", r);
	}
	/* A damaged image lies before the ROM and ends where it starts; the
	 * consumers always say something. */
	if (r->integ.damaged.present && (!r->has_rom || r->integ.damaged.offset >= r->rom_offset ||
	                                 r->integ.damaged.pcir_offset >= r->rom_offset))
		fuzz_fail("damaged image header not before the ROM", r);
	if (!r->consumers.ovmf.reason[0] || !r->consumers.seabios.reason[0])
		fuzz_fail("a consumer without a reason", r);
}

#endif
