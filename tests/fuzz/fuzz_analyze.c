/* libFuzzer harness: the whole analyzer on a file's bytes and the tree's
 * invariants, then the emitters on the report (their strings come from
 * hostile bytes too): text, text with colours and the map, the check line,
 * YAML, and JSON with YAML (an emitter that fails in JSON but not in YAML
 * is a bug).
 *
 * Speed (issue 17): no SHA-256 and a 256 KiB driver budget
 * (fuzz_analyze_opts, fuzz_check.h); the emitters write to a null stream
 * made once (fuzz_sink.h); and each input runs one emitter set of four,
 * picked by its bytes (fuzz_pick): every emitter formats every field, most
 * of an input's cost under ASan (libyaml and json-c allocate per value)
 * and most of its coverage features, which libFuzzer's bookkeeping pays for
 * per input; one input in four per set still reaches every emitter line
 * for every report shape. */
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

static void emit_one_set(FILE *sink, const struct rom_analysis *r, unsigned set)
{
	const struct rom_analysis *list[1] = {r};
	struct emit_text_opts colour = {.color = true};
	bool yaml_ok;
	switch (set) {
	case 0:
		emit_text(sink, r);
		break;
	case 1:
		emit_text_with(sink, r, &colour); /* the map and colours */
		emit_check_line(sink, r);
		break;
	case 2:
		(void)emit_yaml(sink, list, 1);
		break;
	default:
		yaml_ok = emit_yaml(sink, list, 1);
		yw_set_syntax(YW_JSON);
		if (!emit_yaml(sink, list, 1) && yaml_ok)
			abort();
		yw_set_syntax(YW_YAML);
		break;
	}
	fflush(sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rom_analysis *r =
	    rom_analyze_with(size ? data : NULL, size, "fuzz.rom", &fuzz_analyze_opts);
	FILE *sink = fuzz_sink();
	if (!r)
		return 0; /* out of memory: not a finding of the bytes */
	fuzz_check_report(r, size);
	if (sink)
		emit_one_set(sink, r, fuzz_pick(data, size, 4));
	rom_analysis_free(r);
	return 0;
}
