/* libFuzzer harness: the whole analyzer on a file's bytes, then every
 * emitter on the report (their strings come from hostile bytes too), YAML
 * and JSON. */
#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
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
	bool yaml_ok;
	if (!r)
		return 0; /* out of memory: not a finding of the bytes */
	fuzz_check_report(r, size);
	sink = fopen("/dev/null", "w");
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
		fclose(sink);
	}
	rom_analysis_free(r);
	return 0;
}
