#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/secure_boot.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void check_usage(FILE *out)
{
	fprintf(out, "usage: optrom check FILE... [--format text|yaml] [--secure-boot-vars VARS]\n"
	             "\n"
	             "Can each file be used as QEMU's romfile= as it is? One line per file:\n"
	             "verdict, ROM offset, images, first problem. With --format yaml, the full\n"
	             "reports as a YAML stream (one document per file). A FILE may be - (standard\n"
	             "input), a .gz, a .zip (each file in it) or ARCHIVE.zip!MEMBER.\n"
	             "Exit status, the worst over all files: 0 all ready, 1 the worst is fixable,\n"
	             "3 the worst is broken, 2 usage error or a file that could not be read.\n"
	             "\n"
	             "  -f, --format FMT  text (default) or yaml\n"
	             "      --secure-boot-vars VARS  add \"secure-boot accepted|refused|blocked\"\n"
	             "                    to each line: the answer of the db and dbx of that\n"
	             "                    OVMF variable store for the chain's EFI drivers\n"
	             "  -h, --help        this help\n");
}

struct check_ctx {
	enum out_format fmt;
	struct cli_sb sb;
};

static int check_one(const struct rom_analysis *r, void *ctx)
{
	const struct check_ctx *cc = ctx;
	const enum out_format *fmt = &cc->fmt;
	if (*fmt == FORMAT_YAML) {
		const struct rom_analysis *one = r;
		/* One document per file, streamed, so memory stays flat
		 * over thousands of files. */
		if (!emit_yaml(stdout, &one, 1)) {
			fprintf(stderr, "optrom: writing the YAML report failed\n");
			return cli_worse(EXIT_USAGE, cli_exit_for(r->verdict));
		}
	} else if (cc->sb.store) {
		struct sb_answer ans;
		char extra[64];
		(void)snprintf(extra, sizeof(extra), "secure-boot %s",
		               sb_verdict_name(sb_answer_rom(cc->sb.store, r, &ans)));
		emit_check_line_with(stdout, r, extra);
	} else {
		emit_check_line(stdout, r);
	}
	return cli_exit_for(r->verdict);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {"secure-boot-vars", required_argument, NULL, 'S'},
	                                     {NULL, 0, NULL, 0}};
	struct check_ctx cc = {FORMAT_TEXT, {0}};
	enum out_format fmt = FORMAT_TEXT;
	const char *vars = NULL;
	int c, worst = EXIT_READY;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &fmt))
				return EXIT_USAGE;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_READY;
		case 'S':
			vars = optarg;
			break;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "optrom check: expected at least one FILE\n");
		check_usage(stderr);
		return EXIT_USAGE;
	}
	cc.fmt = fmt;
	if (cli_sb_open(vars, false, &cc.sb) != EXIT_READY)
		return EXIT_USAGE;
	/* The text line shows no file sha256: the file is not hashed. */
	for (int i = optind; i < argc; i++)
		worst = cli_worse(
		    worst, cli_each_rom_flags(argv[i], check_one, &cc,
		                              fmt == FORMAT_TEXT ? ROM_ANALYZE_NO_SHA256 : 0u));
	cli_sb_close(&cc.sb);
	return worst;
}
