#include "analyzer/emit.h"
#include "analyzer/secure_boot.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void info_usage(FILE *out)
{
	fprintf(out, "usage: optrom info FILE [--format text|yaml] [--secure-boot-vars VARS]\n"
	             "\n"
	             "Explain an option ROM file: where the ROM starts, what precedes it, every\n"
	             "image of the chain (x86, EFI, NVIDIA private), checksums, and every problem\n"
	             "with its offset. Exit status: 0 ready, 1 fixable, 3 broken, 2 usage or I/O.\n"
	             "FILE is a ROM file, - (standard input), a .gz, a .zip (one report per\n"
	             "file in it, exit status the worst) or ARCHIVE.zip!MEMBER.\n"
	             "\n"
	             "  -f, --format FMT  text (default) or yaml (schema: docs/yaml-schema.md)\n"
	             "      --secure-boot-vars VARS  an OVMF variable store (OVMF_VARS*.fd, a\n"
	             "                    VM's efidisk): would its db and dbx let firmware that\n"
	             "                    enforces signatures run each EFI driver? Default: the\n"
	             "                    first store found on this host (text output only)\n"
	             "  -h, --help        this help\n");
}

/* One report; a zip archive of several files gives one after the other. */
struct info_ctx {
	enum out_format fmt;
	struct cli_sb sb;
};

static int info_one(const struct rom_analysis *r, void *ctx)
{
	const struct info_ctx *ic = ctx;
	const enum out_format *fmt = &ic->fmt;
	if (*fmt == FORMAT_YAML) {
		const struct rom_analysis *one = r;
		if (!emit_yaml(stdout, &one, 1)) {
			fprintf(stderr, "optrom: writing the YAML report failed\n");
			return EXIT_USAGE;
		}
	} else {
		emit_text(stdout, r);
		emit_text_secure_boot(stdout, r, ic->sb.store,
		                      ic->sb.origin[0] ? ic->sb.origin : NULL);
	}
	return cli_exit_for(r->verdict);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {"secure-boot-vars", required_argument, NULL, 'S'},
	                                     {NULL, 0, NULL, 0}};
	struct info_ctx ic = {FORMAT_TEXT, {0}};
	enum out_format fmt = FORMAT_TEXT;
	const char *vars = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &fmt))
				return EXIT_USAGE;
			break;
		case 'h':
			info_usage(stdout);
			return EXIT_READY;
		case 'S':
			vars = optarg;
			break;
		default:
			info_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "optrom info: expected exactly one FILE, found %d\n",
		        argc - optind);
		info_usage(stderr);
		return EXIT_USAGE;
	}
	ic.fmt = fmt;
	if (cli_sb_open(vars, fmt == FORMAT_TEXT, &ic.sb) != EXIT_READY)
		return EXIT_USAGE;
	rc = cli_each_rom(argv[optind], info_one, &ic);
	cli_sb_close(&ic.sb);
	return rc;
}
