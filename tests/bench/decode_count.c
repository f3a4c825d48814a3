/* How many times each formats/ decoder runs for one rom_analyze of each
 * file given: total hits per decoder and the largest count of one (decoder,
 * bytes, offset) key. Built by decode_count.sh with OPTROM_DECODE_COUNT. */
#include "formats/decode_count.h"
#include "analyzer/analyze.h"
#include "tests/support/bytes.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (!fmt_count_available()) {
		fprintf(stderr, "decode_count: built without OPTROM_DECODE_COUNT\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		uint8_t *data = tb_read_file(argv[i], &len);
		struct rom_analysis *r;
		if (!data) {
			fprintf(stderr, "decode_count: cannot read %s\n", argv[i]);
			return 2;
		}
		fmt_count_start();
		r = rom_analyze(data, len, argv[i]);
		fmt_count_stop();
		if (!r) {
			fprintf(stderr, "decode_count: out of memory\n");
			free(data);
			return 2;
		}
		printf("%s (%zu bytes): %zu keys, %lu overflowed\n", argv[i], len, fmt_count_keys(),
		       fmt_count_overflow());
		printf("  %-16s %8s %12s\n", "decoder", "total", "max per key");
		for (int k = 0; k < FMT_DEC_COUNT; k++)
			printf("  %-16s %8lu %12lu\n", fmt_count_kind_name((enum fmt_decoder)k),
			       fmt_count_total((enum fmt_decoder)k),
			       fmt_count_max_per_key((enum fmt_decoder)k));
		/* Keys on the file's own bytes decoded more than once (decoders
		 * given a sub-view or a decompressed driver have other bases). */
		for (int k = 0; k < FMT_DEC_COUNT; k++)
			for (size_t off = 0; off < len; off++) {
				unsigned long n = fmt_count_hits((enum fmt_decoder)k, data, off);
				if (n > 1)
					printf("  repeated: %s at 0x%zx x%lu\n",
					       fmt_count_kind_name((enum fmt_decoder)k), off, n);
			}
		free(data);
		rom_analysis_free(r);
	}
	return 0;
}
