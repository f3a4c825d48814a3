#include "analyzer/emit.h"
#include "analyzer/secure_boot.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void info_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: optrom info [OPTION]... FILE...\n"
	    "\n"
	    "Explain option ROM files: where the ROM starts, what precedes it, every\n"
	    "image of the chain (x86, EFI, NVIDIA private), checksums, and every problem\n"
	    "with its offset; the text report opens with a map of the file to scale.\n"
	    "FILE is a ROM file, - (standard input), a .gz, a .zip (one report per\n"
	    "file in it) or ARCHIVE.zip!MEMBER, or an ACPI VFCT table\n"
	    "(/sys/firmware/acpi/tables/VFCT, acpidump -b): its images, then one report\n"
	    "per image (TABLE!BB:DD.F names one). Several FILEs give one report each.\n"
	    "\n"
	    "  -f, --format FMT   text (default), yaml or json (schema: docs/yaml-schema.md;\n"
	    "                     json: one document per line, the same keys)\n"
	    "      --secure-boot-vars VARS  an OVMF variable store (OVMF_VARS*.fd, a\n"
	    "                     VM's efidisk): would its db and dbx let firmware that\n"
	    "                     enforces signatures run each EFI driver? Default: the\n"
	    "                     first store found on this host (text output only)\n"
	    "      --color WHEN   colour the text report: auto (default: when standard\n"
	    "                     output is a terminal and NO_COLOR is not set), always, never\n"
	    "  -q, --quiet        print nothing; the exit status says the worst verdict\n"
	    "  -h, --help         this help\n"
	    "\n"
	    "Exit status, the worst over all files: 0 ready, 1 fixable, 3 broken,\n"
	    "2 usage error or a file that could not be read.\n");
}

struct info_ctx {
	enum out_format fmt;
	bool quiet, color;
	struct cli_sb sb;
	bool vfct;         /* the input is an ACPI VFCT table */
	bool write_failed; /* the table's document could not be written */
};

static void info_table(const char *name, const struct vfct_table *t, void *ctx)
{
	struct info_ctx *c = ctx;
	c->vfct = true;
	if (c->quiet)
		return;
	if (c->fmt == FORMAT_TEXT)
		cli_print_vfct(stdout, name, t);
	else if (!emit_yaml_vfct(stdout, name, t))
		c->write_failed = true;
}

static int info_one(const struct rom_analysis *r, void *ctx)
{
	const struct info_ctx *ic = ctx;
	if (ic->quiet)
		return cli_exit_for(r->verdict);
	if (ic->fmt != FORMAT_TEXT) {
		const struct rom_analysis *one = r;
		/* --secure-boot-vars adds the store's answer (docs/yaml-schema.md). */
		struct emit_yaml_opts yo = {.secure_boot = ic->sb.store != NULL,
		                            .sb = ic->sb.store};
		if (!emit_yaml_with(stdout, &one, 1, &yo)) {
			cli_err("%s: writing the report failed", r->file);
			return EXIT_USAGE;
		}
	} else {
		struct emit_text_opts o = {.color = ic->color};
		emit_text_with(stdout, r, &o);
		emit_text_secure_boot(stdout, r, ic->sb.store,
		                      ic->sb.origin[0] ? ic->sb.origin : NULL);
		if (ic->vfct)
			cli_print_vfct_lack(stdout, r);
	}
	return cli_exit_for(r->verdict);
}

int cmd_info(int argc, char **argv)
{
	enum { OPT_COLOR = 256, OPT_SB_VARS };
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"color", required_argument, NULL, OPT_COLOR},
	    {"help", no_argument, NULL, 'h'},
	    {"secure-boot-vars", required_argument, NULL, OPT_SB_VARS},
	    {NULL, 0, NULL, 0}};
	struct info_ctx ic = {FORMAT_TEXT, false, false, {0}, false, false};
	enum cli_color when = COLOR_AUTO;
	const char *vars = NULL;
	int c, worst = EXIT_READY;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &ic.fmt, true))
				return EXIT_USAGE;
			break;
		case 'q':
			ic.quiet = true;
			break;
		case OPT_COLOR:
			if (!cli_parse_color(optarg, &when))
				return EXIT_USAGE;
			break;
		case OPT_SB_VARS:
			vars = optarg;
			break;
		case 'h':
			info_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("expected at least one FILE");
	ic.color = cli_use_color(when, ic.fmt);
	if (cli_sb_open(vars, ic.fmt == FORMAT_TEXT && !ic.quiet, &ic.sb) != EXIT_READY)
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		if (i > optind && ic.fmt == FORMAT_TEXT && !ic.quiet)
			putchar('\n');
		worst = cli_worse(worst, cli_each_rom_table(argv[i], info_one, info_table, &ic));
		if (ic.write_failed) {
			cli_err("%s: writing the table's document failed", argv[i]);
			worst = cli_worse(worst, EXIT_USAGE);
			ic.write_failed = false;
		}
	}
	cli_sb_close(&ic.sb);
	return worst;
}
