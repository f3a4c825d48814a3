/* optrom fix: strip what precedes the ROM, repair checksums and the
 * last-image flag, optionally trim or re-id, and write a new file safely. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "analyzer/analyze.h"
#include "cli/cli.h"
#include "patcher/patch.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void fix_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: optrom fix IN [-o OUT] [--trim] [--dry-run] [--format text|yaml] [--force]\n"
	    "                     [--in-place] [--set-id VVVV:DDDD]\n"
	    "\n"
	    "Make a downloaded or nvflash-saved ROM usable as a VM romfile: strip what precedes\n"
	    "the ROM (NVIDIA NVGI container v1-v3, AMD embedded-firmware header, any unknown\n"
	    "prefix), repair each x86 image's checksum at its producer's byte (0x21 ATOMBIOS,\n"
	    "0x06 iPXE/SeaBIOS, else the image's last byte), and set a missing last-image flag.\n"
	    "Every edit is listed with its offset, old and new bytes and the reason. IN is only\n"
	    "read. The output is written to a temporary file in OUT's folder, fsynced, re-read\n"
	    "and re-analyzed, and renamed into place only when it is ready.\n"
	    "IN may be - (standard input: -o needed), a .gz (card.rom.gz -> card.fixed.rom),\n"
	    "ARCHIVE.zip!MEMBER or a zip of one file (the member's name beside the archive:\n"
	    "roms.zip!x/card.rom -> card.fixed.rom); the output is always a plain ROM, and\n"
	    "--in-place takes plain files only.\n"
	    "\n"
	    "  -o, --output OUT   where to write (default: beside IN, card.rom -> card.fixed.rom)\n"
	    "      --trim         cut right after the last image of the standard chain (drops\n"
	    "                     NVIDIA private images, backup copies and padding)\n"
	    "      --set-id V:D   rewrite vendor:device (hex) in every image's PCIR, and the\n"
	    "                     checksums\n"
	    "  -n, --dry-run      print the plan, write nothing\n"
	    "      --force        replace an existing OUT (or IN.bak with --in-place)\n"
	    "      --in-place     replace IN, after saving the original as IN.bak\n"
	    "  -f, --format FMT   text (default) or yaml\n"
	    "  -h, --help         this help\n"
	    "\n"
	    "Exit status:\n"
	    "  0  the output was written and is ready; or the ROM needed nothing (the output is\n"
	    "     a byte-identical copy; with --in-place nothing is written); or --dry-run\n"
	    "     printed a plan that makes the ROM ready\n"
	    "  2  usage or I/O error: bad arguments, unreadable IN, OUT exists without --force,\n"
	    "     missing or read-only output folder, a failed write (nothing is replaced)\n"
	    "  3  the ROM cannot be made ready (no ROM found, truncated image, ...): nothing\n"
	    "     written\n");
}

struct fix_args {
	const char *in;
	const char *out;
	bool trim, dry_run, force, in_place;
	enum out_format fmt;
	struct patch_options opt;
};

enum { OPT_TRIM = 256, OPT_FORCE, OPT_IN_PLACE, OPT_SET_ID };

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct fix_args *a)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
	                                     {"trim", no_argument, NULL, OPT_TRIM},
	                                     {"dry-run", no_argument, NULL, 'n'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"force", no_argument, NULL, OPT_FORCE},
	                                     {"in-place", no_argument, NULL, OPT_IN_PLACE},
	                                     {"set-id", required_argument, NULL, OPT_SET_ID},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;
	memset(a, 0, sizeof(*a));
	a->fmt = FORMAT_TEXT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:nf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case OPT_TRIM:
			a->opt.trim = true;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'f':
			if (!cli_parse_format(optarg, &a->fmt))
				return EXIT_USAGE;
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		case OPT_IN_PLACE:
			a->in_place = true;
			break;
		case OPT_SET_ID:
			if (!patch_parse_id(optarg, &a->opt.vendor, &a->opt.device)) {
				fprintf(stderr,
				        "optrom fix: --set-id: expected VVVV:DDDD in hex, found "
				        "'%s'\n",
				        optarg);
				return EXIT_USAGE;
			}
			a->opt.set_id = true;
			break;
		case 'h':
			fix_usage(stdout);
			return EXIT_READY;
		default:
			fix_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "optrom fix: expected exactly one input FILE, found %d\n",
		        argc - optind);
		fix_usage(stderr);
		return EXIT_USAGE;
	}
	a->in = argv[optind];
	if (a->in_place && a->out) {
		fprintf(stderr, "optrom fix: --in-place and -o exclude each other\n");
		return EXIT_USAGE;
	}
	return -1;
}

static void emit(const struct fix_args *a, const struct rom_analysis *r, const struct patch_plan *p,
                 const struct patch_result *res)
{
	if (a->fmt == FORMAT_YAML) {
		if (!patch_emit_yaml(stdout, r, p, res))
			fprintf(stderr, "optrom: writing the YAML plan failed\n");
	} else {
		patch_emit_text(stdout, r, p, res);
	}
	(void)fflush(stdout);
}

/* The first finding that keeps a report from being ready. */
static const struct finding *first_problem(const struct rom_analysis *r)
{
	return finding_first_at_least(&r->findings, SEVERITY_WARNING);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

struct fix_state {
	struct fix_args a;
	struct cli_source src;
	struct rom_analysis *in_r, *out_r;
	struct patch_plan *plan;
	uint8_t *data, *out;
	size_t len, out_len;
};

static int run(struct fix_state *st)
{
	struct fix_args *a = &st->a;
	struct patch_result res;
	char err[8400], dest[PATH_MAX], abs_out[PATH_MAX], bak[PATH_MAX + 8];
	enum patch_write_status ws;
	memset(&res, 0, sizeof(res));
	res.input = a->in;
	res.dry_run = a->dry_run;

	st->in_r = cli_analyze_file(a->in, &st->data, &st->len, &st->src);
	if (!st->in_r)
		return EXIT_USAGE;
	if (a->in_place && st->src.kind != INPUT_FILE) {
		fprintf(stderr,
		        "optrom fix: %s: --in-place needs a plain ROM file, this is %s; use -o OUT "
		        "(the output is a plain ROM)\n",
		        a->in,
		        st->src.kind == INPUT_STDIN  ? "standard input"
		        : st->src.kind == INPUT_GZIP ? "a gzip file"
		                                     : "a zip member");
		return EXIT_USAGE;
	}
	patch_plan_make(st->in_r, st->data, st->len, &a->opt, st->plan);
	if (st->plan->status != PATCH_PLAN_OK) {
		if (a->fmt == FORMAT_YAML)
			emit(a, st->in_r, st->plan, &res);
		fprintf(stderr, "optrom fix: %s: cannot be made ready: %s; nothing written\n",
		        a->in, st->plan->error);
		return EXIT_BROKEN;
	}
	if (patch_apply(st->plan, st->data, st->len, &st->out, &st->out_len, err, sizeof(err)) !=
	    PATCH_APPLY_OK) {
		fprintf(stderr, "optrom fix: %s: %s; nothing written\n", a->in, err);
		return EXIT_BROKEN;
	}
	/* Check in memory first: a plan that leaves a problem writes nothing. */
	st->out_r = rom_analyze(st->out, st->out_len, a->in);
	if (!st->out_r) {
		fprintf(stderr, "optrom fix: %s: out of memory; nothing written\n", a->in);
		return EXIT_USAGE;
	}
	if (st->out_r->verdict != VERDICT_READY) {
		const struct finding *f = first_problem(st->out_r);
		fprintf(stderr,
		        "optrom fix: %s: the fixed ROM would still be %s%s%s; nothing written\n",
		        a->in, report_verdict_name(st->out_r->verdict), f ? ": " : "",
		        f ? f->message : "");
		return EXIT_BROKEN;
	}
	if (a->dry_run) {
		emit(a, st->in_r, st->plan, &res);
		return EXIT_READY;
	}

	if (a->in_place) {
		if ((size_t)snprintf(dest, sizeof(dest), "%s", a->in) >= sizeof(dest)) {
			fprintf(stderr, "optrom fix: %s: path too long (over %d bytes)\n", a->in,
			        PATH_MAX - 1);
			return EXIT_USAGE;
		}
	} else if (a->out) {
		if ((size_t)snprintf(dest, sizeof(dest), "%s", a->out) >= sizeof(dest)) {
			fprintf(stderr,
			        "optrom fix: %s: output path too long (over %d bytes); nothing "
			        "written\n",
			        a->out, PATH_MAX - 1);
			return EXIT_USAGE;
		}
		if (st->src.path[0] && same_file(st->src.path, dest)) {
			fprintf(stderr, "optrom fix: %s: OUT is the input file%s\n", dest,
			        st->src.kind == INPUT_FILE
			            ? "; use --in-place to replace it (a .bak is kept)"
			            : " (an archive): write the plain ROM elsewhere");
			return EXIT_USAGE;
		}
	} else if (!st->src.has_stem || !patch_default_output(st->src.stem, dest, sizeof(dest))) {
		fprintf(stderr,
		        "optrom fix: %s: cannot derive an output name%s (no file name, or over %d "
		        "bytes); use -o OUT\n",
		        a->in, st->src.kind == INPUT_STDIN ? " for standard input" : "",
		        PATH_MAX - 1);
		return EXIT_USAGE;
	}

	if (a->in_place && patch_plan_is_empty(st->plan)) {
		/* Nothing to change: IN stays as it is, no .bak either. */
		emit(a, st->in_r, st->plan, &res);
		return EXIT_READY;
	}
	if (a->in_place) {
		/* Cannot be cut: dest is shorter than PATH_MAX and bak has room for
		 * ".bak" more; the writer refuses a .bak name over PATH_MAX. */
		(void)snprintf(bak, sizeof(bak), "%s.bak", dest);
		ws = patch_write_in_place(dest, st->data, st->len, st->out, st->out_len, a->force,
		                          err, sizeof(err));
	} else {
		/* out_r is the analysis of these very bytes, and it is ready. */
		ws = patch_write_file_ready(dest, st->out, st->out_len, a->force, err, sizeof(err));
	}
	if (ws != PATCH_WRITE_OK) {
		fprintf(stderr, "optrom fix: %s\n", err);
		return ws == PATCH_WRITE_NOT_READY ? EXIT_BROKEN : EXIT_USAGE;
	}
	if (!realpath(dest, abs_out))
		(void)snprintf(abs_out, sizeof(abs_out), "%s", dest);
	res.output = abs_out;
	res.backup = a->in_place ? bak : NULL;
	res.written = true;
	res.out_size = st->out_len;
	memcpy(res.out_sha256, st->out_r->sha256, sizeof(res.out_sha256));
	res.out_verdict = report_verdict_name(st->out_r->verdict);
	emit(a, st->in_r, st->plan, &res);
	return EXIT_READY;
}

int cmd_fix(int argc, char **argv)
{
	struct fix_state st;
	int rc;
	memset(&st, 0, sizeof(st));
	rc = parse_args(argc, argv, &st.a);
	if (rc >= 0)
		return rc;
	st.plan = malloc(sizeof(*st.plan));
	if (!st.plan) {
		fprintf(stderr, "optrom: out of memory\n");
		rc = EXIT_USAGE;
	} else {
		rc = run(&st);
	}
	rom_analysis_free(st.in_r);
	rom_analysis_free(st.out_r);
	free(st.plan);
	free(st.data);
	free(st.out);
	return rc;
}
