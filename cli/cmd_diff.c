/* optrom diff A B: what differs between two ROM files, in ROM terms. */
#include "analyzer/diff.h"
#include "analyzer/emit_diff.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit status like diff(1). */
enum { DIFF_EXIT_SAME = 0, DIFF_EXIT_DIFFERENT = 1, DIFF_EXIT_TROUBLE = 2 };

static void diff_usage(FILE *out)
{
	fprintf(out,
	        "Usage: optrom diff [OPTION]... A B\n"
	        "\n"
	        "Compare two ROM files by structure: the ROMs after their prefixes, images\n"
	        "paired by position in the standard chain, NVIDIA's chain and the images\n"
	        "after it; for each pair the fields that differ, whether the bytes are equal,\n"
	        "the differing byte ranges named by structure and field, the EFI drivers by\n"
	        "PE section, and a strip of where the differences lie.\n"
	        "A and B are ROM files, - (standard input, once), a .gz or ARCHIVE.zip!MEMBER\n"
	        "(or a zip of one file).\n"
	        "\n"
	        "  -s, --strict       the container and padding count: 0 only for identical files\n"
	        "  -f, --format FMT   text (default), yaml or json (schema: docs/diff-schema.md)\n"
	        "  -h, --help         this help\n"
	        "\n"
	        "Exit status (like diff): 0 the same ROM content (a container before the ROM\n"
	        "and the padding after it do not count), 1 different, 2 trouble (a file that\n"
	        "cannot be read, bad usage).\n");
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"strict", no_argument, NULL, 's'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	enum out_format fmt = FORMAT_TEXT;
	bool strict = false;
	int c, rc;
	uint8_t *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	struct rom_analysis *a = NULL, *b = NULL;
	struct rom_diff *d;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":f:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &fmt, true))
				return DIFF_EXIT_TROUBLE;
			break;
		case 's':
			strict = true;
			break;
		case 'h':
			diff_usage(stdout);
			return DIFF_EXIT_SAME;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("expected two files A B, found %d", argc - optind);
	if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0)
		return cli_usage_error("standard input (-) can be only one of A and B");
	a = cli_analyze_file(argv[optind], &da, &la, NULL);
	if (a)
		b = cli_analyze_file(argv[optind + 1], &db, &lb, NULL);
	if (!a || !b) {
		rom_analysis_free(a);
		free(da);
		return DIFF_EXIT_TROUBLE;
	}
	d = rom_diff_make(a, da, la, b, db, lb, strict);
	if (!d) {
		cli_err("out of memory while comparing %s and %s", a->file, b->file);
		rc = DIFF_EXIT_TROUBLE;
	} else if (fmt != FORMAT_TEXT && !emit_diff_yaml(stdout, d)) {
		cli_err("writing the report failed");
		rc = DIFF_EXIT_TROUBLE;
	} else {
		if (fmt == FORMAT_TEXT)
			emit_diff_text(stdout, d);
		rc = d->same ? DIFF_EXIT_SAME : DIFF_EXIT_DIFFERENT;
	}
	if (fflush(stdout) != 0 && rc != DIFF_EXIT_TROUBLE) {
		cli_err("writing the report failed");
		rc = DIFF_EXIT_TROUBLE;
	}
	rom_diff_free(d);
	rom_analysis_free(a);
	rom_analysis_free(b);
	free(da);
	free(db);
	return rc;
}
