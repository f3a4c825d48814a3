/* Invariants every fuzz harness checks on a report: a crash is not the only
 * bug; an incoherent report (no verdict, no finding for a non-ready file, an
 * offset outside the file) is one too. A violation aborts, so libFuzzer
 * keeps the input as a crash artifact. */
#ifndef OPTROM_FUZZ_CHECK_H
#define OPTROM_FUZZ_CHECK_H

#include "analyzer/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void fuzz_fail(const char *what, const struct rom_report *r)
{
	fprintf(stderr, "fuzz invariant violated: %s (size %llu, verdict %d, %zu findings)\n", what,
	        (unsigned long long)r->size, (int)r->verdict, r->n_findings);
	for (size_t i = 0; i < r->n_findings; i++)
		fprintf(stderr, "  %s @%s0x%llx: %s\n", r->findings[i].id,
		        r->findings[i].has_offset ? "" : "(none)",
		        (unsigned long long)r->findings[i].offset, r->findings[i].message);
	abort();
}

static inline void fuzz_check_report(const struct rom_report *r, size_t size)
{
	if (r->size != size)
		fuzz_fail("report size differs from input size", r);
	if (r->verdict != VERDICT_READY && r->verdict != VERDICT_FIXABLE &&
	    r->verdict != VERDICT_BROKEN)
		fuzz_fail("verdict not set", r);
	if (r->verdict != VERDICT_READY && r->n_findings == 0)
		fuzz_fail("not ready but no finding", r);
	if (r->n_findings > REPORT_MAX_FINDINGS || r->n_images > REPORT_MAX_IMAGES ||
	    r->n_nvidia > REPORT_MAX_IMAGES || r->n_other > REPORT_MAX_IMAGES)
		fuzz_fail("a count exceeds its array", r);
	if (strlen(r->sha256) != 64)
		fuzz_fail("sha256 not set", r);
	if (r->has_rom && r->rom_offset >= size)
		fuzz_fail("rom offset outside the file", r);
	if (r->chain_end > size)
		fuzz_fail("chain end outside the file", r);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *f = &r->findings[i];
		if (!f->id || !f->id[0])
			fuzz_fail("finding without id", r);
		if (f->has_offset && f->offset > size)
			fuzz_fail("finding offset outside the file", r);
		if (f->image < -1 || f->image >= REPORT_MAX_IMAGES)
			fuzz_fail("finding image index out of range", r);
		if (memchr(f->message, '\0', sizeof(f->message)) == NULL)
			fuzz_fail("finding message not terminated", r);
	}
	for (size_t i = 0; i < r->n_images; i++)
		if (r->images[i].offset >= size)
			fuzz_fail("image offset outside the file", r);
}

#endif
