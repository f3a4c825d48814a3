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
	/* The report is large (three image lists): keep it off the stack. */
	static struct rom_report r;
	const struct rom_report *list[1] = {&r};
	FILE *sink;
	rom_analyze(size ? data : NULL, size, "fuzz.rom", &r);
	fuzz_check_report(&r, size);
	sink = fopen("/dev/null", "w");
	if (sink) {
		emit_text(sink, &r);
		emit_check_line(sink, &r);
		(void)emit_yaml(sink, list, 1);
		fclose(sink);
	}
	return 0;
}
