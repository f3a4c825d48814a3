/* libFuzzer harness: the whole analyzer on a file's bytes, then every
 * emitter on the report (their strings come from hostile bytes too), YAML
 * and JSON.
 *
 * Speed (issue 17): no SHA-256 of the input (skip_sha256: no
 * output is read), and the emitters write to a null stream made once
 * (fopencookie: no write system call, no file opened per input). */
#define _GNU_SOURCE 1 /* fopencookie */

#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct rom_analyze_opts no_hash = {.skip_sha256 = true};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rom_analysis *r = rom_analyze_with(size ? data : NULL, size, "fuzz.rom", &no_hash);
	const struct rom_analysis *list[1] = {r};
	FILE *sink = fuzz_sink();
	bool yaml_ok;
	if (!r)
		return 0; /* out of memory: not a finding of the bytes */
	fuzz_check_report(r, size);
	if (sink) {
		struct emit_text_opts colour = {.color = true};
		emit_text(sink, r);
		emit_text_with(sink, r, &colour); /* the map and colours */
		emit_check_line(sink, r);
		yaml_ok = emit_yaml(sink, list, 1);
		/* the JSON backend on the same calls: an emitter that fails in
		 * JSON but not in YAML is a bug */
		yw_set_syntax(YW_JSON);
		if (!emit_yaml(sink, list, 1) && yaml_ok)
			abort();
		yw_set_syntax(YW_YAML);
		fflush(sink);
	}
	rom_analysis_free(r);
	return 0;
}
