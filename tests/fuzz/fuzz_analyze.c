/* libFuzzer harness: the whole analyzer on a file's bytes, then every
 * emitter on the report (their strings come from hostile bytes too).
 *
 * Speed (issue 17): no SHA-256 of the input (ROM_ANALYZE_NO_SHA256: no
 * output is read), and the emitters write to a null stream made once
 * (fopencookie: no write system call, no file opened per input). */
#define _GNU_SOURCE 1 /* fopencookie */

#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rom_analysis *r =
	    rom_analyze_flags(size ? data : NULL, size, "fuzz.rom", ROM_ANALYZE_NO_SHA256);
	const struct rom_analysis *list[1] = {r};
	FILE *sink = fuzz_sink();
	if (!r)
		return 0; /* out of memory: not a finding of the bytes */
	fuzz_check_report(r, size);
	if (sink) {
		emit_text(sink, r);
		emit_check_line(sink, r);
		(void)emit_yaml(sink, list, 1);
		fflush(sink);
	}
	rom_analysis_free(r);
	return 0;
}
