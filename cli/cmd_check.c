#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/secure_boot.h"
#include "cli/cli.h"
#include "input/sysfs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void check_usage(FILE *out)
{
	fprintf(out, "Usage: optrom check [OPTION]... FILE...\n"
	             "\n"
	             "Can each file be used as QEMU's romfile= as it is? One line per file:\n"
	             "verdict, ROM offset, images, GOP state, first problem. With --format yaml\n"
	             "or json, the full reports, one document per file. A FILE may be -\n"
	             "(standard input), a .gz, a .zip (each file in it) or ARCHIVE.zip!MEMBER.\n"
	             "\n"
	             "  -f, --format FMT   text (default), yaml or json\n"
	             "      --secure-boot-vars VARS  add \"secure-boot accepted|refused|blocked\"\n"
	             "                     to each line: the answer of the db and dbx of that\n"
	             "                     OVMF variable store for the chain's EFI drivers\n"
	             "  -v, --verbose      list every finding under each file's line\n"
	             "  -q, --quiet        print nothing; only the exit status\n"
	             "      --color WHEN   colour the verdicts: auto (default), always, never\n"
	             "      --device BDF   also compare each ROM's ids with the PCI device BDF's\n"
	             "                     (sysfs): matches, same GPU other board, different GPU;\n"
	             "                     a different GPU counts as broken in the exit status;\n"
	             "                     yaml/json: each report gets a device_match key\n"
	             "      --sysfs-root D sysfs is at D (default $OPTROM_SYSFS_ROOT, else /sys)\n"
	             "  -h, --help         this help\n"
	             "\n"
	             "Exit status, the worst over all files: 0 all ready, 1 the worst is fixable,\n"
	             "3 the worst is broken, 2 usage error or a file that could not be read.\n");
}

static int check_one(const struct rom_analysis *r, void *ctx)
{
	const struct cli_check_opts *o = ctx;
	if (o->quiet)
		return cli_exit_for(r->verdict);
	if (o->fmt != FORMAT_TEXT) {
		const struct rom_analysis *one = r;
		/* One document per file, streamed, so memory stays flat
		 * over thousands of files. */
		/* --secure-boot-vars adds the store's answer (docs/yaml-schema.md). */
		struct emit_yaml_opts yo = {.secure_boot = o->sb != NULL, .sb = o->sb};
		if (!emit_yaml_with(stdout, &one, 1, &yo)) {
			cli_err("%s: writing the report failed", r->file);
			return cli_worse(EXIT_USAGE, cli_exit_for(r->verdict));
		}
	} else {
		cli_check_text(r, o);
	}
	return cli_exit_for(r->verdict);
}

int cmd_check(int argc, char **argv)
{
	enum { OPT_COLOR = 256, OPT_SB_VARS, OPT_DEVICE, OPT_SYSFS_ROOT };
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"color", required_argument, NULL, OPT_COLOR},
	    {"secure-boot-vars", required_argument, NULL, OPT_SB_VARS},
	    {"device", required_argument, NULL, OPT_DEVICE},
	    {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct cli_check_opts cc = {FORMAT_TEXT, false, false, false, NULL};
	struct cli_sb sb = {0};
	enum cli_color when = COLOR_AUTO;
	const char *vars = NULL;
	const char *device = NULL, *sysfs_root = NULL; /* check --device: cli/cmd_host.c */
	int c, worst = EXIT_READY;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":f:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &cc.fmt, true))
				return EXIT_USAGE;
			break;
		case 'q':
			cc.quiet = true;
			break;
		case 'v':
			cc.verbose = true;
			break;
		case OPT_COLOR:
			if (!cli_parse_color(optarg, &when))
				return EXIT_USAGE;
			break;
		case OPT_SB_VARS:
			vars = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_READY;
		case OPT_DEVICE:
			device = optarg;
			break;
		case OPT_SYSFS_ROOT:
			sysfs_root = optarg;
			break;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("expected at least one FILE");
	cc.color = cli_use_color(when, cc.fmt);
	if (cli_sb_open(vars, false, &sb) != EXIT_READY)
		return EXIT_USAGE;
	cc.sb = sb.store;
	if (device) {
		worst = cli_check_device(host_sysfs_root(sysfs_root), device, argv + optind,
		                         argc - optind, &cc);
	} else {
		/* The text line shows no hash: nothing is hashed, unless the Secure
		 * Boot answer needs each driver's Authenticode SHA-256. */
		for (int i = optind; i < argc; i++)
			worst =
			    cli_worse(worst, cc.fmt == FORMAT_TEXT && !cc.sb
			                         ? cli_each_rom_unhashed(argv[i], check_one, &cc)
			                         : cli_each_rom(argv[i], check_one, &cc));
	}
	cli_sb_close(&sb);
	return worst;
}
