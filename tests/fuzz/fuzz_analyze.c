/* libFuzzer harness: the whole analyzer on a file's bytes, then every
 * emitter on the report (their strings come from hostile bytes too). */
#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rom_analysis *r = rom_analyze(size ? data : NULL, size, "fuzz.rom");
	const struct rom_analysis *list[1] = {r};
	FILE *sink;
	if (!r)
		return 0; /* out of memory: not a finding of the bytes */
	fuzz_check_report(r, size);
	sink = fopen("/dev/null", "w");
	if (sink) {
		emit_text(sink, r);
		emit_check_line(sink, r);
		(void)emit_yaml(sink, list, 1);
		fclose(sink);
	}
	rom_analysis_free(r);
	return 0;
}
