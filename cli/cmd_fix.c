/* optrom fix: strip what precedes the ROM, repair checksums and the
 * last-image flag, optionally trim or re-id, and write a new file safely. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "analyzer/analyze.h"
#include "analyzer/driver_cache.h"
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
	    "Usage: optrom fix [OPTION]... IN\n"
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
	    "  -o, --output OUT   where to write (default: beside IN, card.rom -> "
	    "card.fixed.rom);\n"
	    "                     an existing folder: the default name in that folder\n"
	    "      --trim         cut right after the last image of the standard chain (drops\n"
	    "                     NVIDIA private images, backup copies and padding)\n"
	    "      --set-id V:D   rewrite vendor:device (hex) in every image's PCIR, and the\n"
	    "                     checksums\n"
	    "      --device ID    an ACPI VFCT table as IN: fix the image for ID, its PCI\n"
	    "                     address (03:00.0) or vendor:device (1002:73df); the same as\n"
	    "                     IN!ID (default output: vfct.1002-73df.fixed.rom)\n"
	    "  -n, --dry-run      print the plan, write nothing\n"
	    "      --force        replace an existing OUT (or IN.bak with --in-place)\n"
	    "      --in-place     replace IN, after saving the original as IN.bak\n"
	    "  -f, --format FMT   text (default), yaml or json; the plan's status says what\n"
	    "                     happened: written, dry-run, unchanged, refused or failed\n"
	    "  -q, --quiet        print nothing on success (errors still go to stderr)\n"
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
	const char *device; /* --device: the member of a VFCT table (IN!device) */
	char *in_member;    /* IN!device, allocated */
	bool trim, dry_run, force, in_place, quiet;
	enum out_format fmt;
	struct patch_options opt;
};

enum { OPT_TRIM = 256, OPT_FORCE, OPT_IN_PLACE, OPT_SET_ID, OPT_DEVICE };

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
	                                     {"device", required_argument, NULL, OPT_DEVICE},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;
	memset(a, 0, sizeof(*a));
	a->fmt = FORMAT_TEXT;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":o:nf:qh", opts, NULL)) != -1) {
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
			if (!cli_parse_format(optarg, &a->fmt, true))
				return EXIT_USAGE;
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case OPT_IN_PLACE:
			a->in_place = true;
			break;
		case OPT_SET_ID:
			if (!patch_parse_id(optarg, &a->opt.vendor, &a->opt.device))
				return cli_usage_error(
				    "--set-id: expected VVVV:DDDD in hex, found '%s'", optarg);
			a->opt.set_id = true;
			break;
		case OPT_DEVICE:
			a->device = optarg;
			break;
		case 'h':
			fix_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("expected exactly one input FILE, found %d", argc - optind);
	a->in = argv[optind];
	if (a->device) {
		size_t n = strlen(a->in) + 1 + strlen(a->device) + 1;
		if (!*a->device)
			return cli_usage_error("--device: expected 03:00.0 or VVVV:DDDD, found ''");
		if (!(a->in_member = malloc(n))) {
			cli_err("out of memory");
			return EXIT_USAGE;
		}
		(void)snprintf(a->in_member, n, "%s!%s", a->in, a->device);
		a->in = a->in_member;
	}
	if (a->in_place && a->out)
		return cli_usage_error("--in-place and -o exclude each other");
	return -1;
}

static void emit(const struct fix_args *a, const struct rom_analysis *r, const struct patch_plan *p,
                 const struct patch_result *res)
{
	if (a->quiet)
		return;
	if (a->fmt != FORMAT_TEXT) {
		if (!patch_emit_yaml(stdout, r, p, res))
			cli_err("%s: writing the plan failed", a->in);
	} else {
		patch_emit_text(stdout, r, p, res);
	}
	(void)fflush(stdout);
}

/* Nothing written: a YAML/JSON reader still gets a document that says so
 * (the text form has the message on stderr only). */
static void emit_refusal(const struct fix_args *a, const struct rom_analysis *r,
                         const struct patch_plan *p, struct patch_result *res, const char *status,
                         const char *why)
{
	if (a->fmt == FORMAT_TEXT || !r || !p)
		return;
	res->status = status;
	res->error = why;
	emit(a, r, p, res);
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
	/* out_r may be in_r itself: the output holds the input's very bytes */
	struct rom_analysis *in_r, *out_r;
	/* The input's EFI drivers, decoded once: the output's images carry the
	 * same streams (fix edits headers, checksums and what precedes the ROM),
	 * and its analysis takes them from here instead of decompressing and
	 * checking their signatures again (issue 17). */
	struct driver_cache *drivers;
	struct patch_plan *plan;
	uint8_t *data, *out;
	size_t len, out_len;
};

static bool is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* -o DIR: the default output name (card.rom -> card.fixed.rom) inside DIR,
 * as cp puts a file into a folder. */
static bool into_dir(const struct fix_state *st, char *dest, size_t cap)
{
	char def[PATH_MAX], dir[PATH_MAX];
	const char *base;
	size_t dl;
	if (!st->src.has_stem || !patch_default_output(st->src.stem, def, sizeof(def))) {
		cli_err("%s: %s is a folder and there is no file name to put in it; give -o "
		        "DIR/NAME",
		        st->a.in, dest);
		return false;
	}
	base = strrchr(def, '/');
	base = base ? base + 1 : def;
	(void)snprintf(dir, sizeof(dir), "%s", dest);
	dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dir[--dl] = '\0';
	if ((size_t)snprintf(dest, cap, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", base) >=
	    cap) {
		cli_err("%s/%s: output path too long (over %d bytes); nothing written", dir, base,
		        PATH_MAX - 1);
		return false;
	}
	return true;
}

static int run(struct fix_state *st)
{
	struct fix_args *a = &st->a;
	struct patch_result res;
	char err[8400], dest[PATH_MAX], abs_out[PATH_MAX], bak[PATH_MAX + 8];
	enum patch_write_status ws;
	struct rom_analyze_opts ao = {0};
	memset(&res, 0, sizeof(res));
	res.input = a->in;
	res.dry_run = a->dry_run;

	st->drivers = driver_cache_new(); /* NULL (no memory): each analysis decodes its own */
	ao.drivers = st->drivers;
	st->in_r = cli_analyze_file_with(a->in, &st->data, &st->len, &st->src, &ao);
	if (!st->in_r)
		return EXIT_USAGE;
	if (a->in_place && st->src.kind != INPUT_FILE) {
		cli_err("%s: --in-place needs a plain ROM file, this is %s; use -o OUT "
		        "(the output is a plain ROM)",
		        a->in,
		        st->src.kind == INPUT_STDIN  ? "standard input"
		        : st->src.kind == INPUT_GZIP ? "a gzip file"
		        : st->src.kind == INPUT_VFCT ? "an image of an ACPI VFCT table"
		                                     : "a zip member");
		return EXIT_USAGE;
	}
	patch_plan_make(st->in_r, st->data, st->len, &a->opt, st->plan);
	if (st->plan->status != PATCH_PLAN_OK) {
		emit_refusal(a, st->in_r, st->plan, &res, "refused", st->plan->error);
		cli_err("%s: cannot be made ready: %s; nothing written", a->in, st->plan->error);
		return EXIT_BROKEN;
	}
	if (patch_apply(st->plan, st->data, st->len, &st->out, &st->out_len, err, sizeof(err)) !=
	    PATCH_APPLY_OK) {
		cli_err("%s: %s; nothing written", a->in, err);
		return EXIT_BROKEN;
	}
	/* Check in memory first: a plan that leaves a problem writes nothing.
	 * Bytes equal to the input's (a ROM that needed nothing) have been
	 * analyzed already, unless the input was an image of a VFCT table,
	 * analyzed as a whole ROM, which the output file is not known to be. */
	if (st->out_len == st->len && memcmp(st->out, st->data, st->len) == 0 &&
	    !st->in_r->known_whole)
		st->out_r = st->in_r;
	else
		st->out_r = rom_analyze_with(st->out, st->out_len, a->in, &ao);
	if (!st->out_r) {
		cli_err("%s: out of memory; nothing written", a->in);
		return EXIT_USAGE;
	}
	if (st->out_r->verdict != VERDICT_READY) {
		const struct finding *f = first_problem(st->out_r);
		emit_refusal(a, st->in_r, st->plan, &res, "refused",
		             f ? f->message : "the fixed ROM would not be ready");
		cli_err("%s: the fixed ROM would still be %s%s%s; nothing written", a->in,
		        report_verdict_name(st->out_r->verdict), f ? ": " : "",
		        f ? f->message : "");
		return EXIT_BROKEN;
	}
	if (a->dry_run) {
		emit(a, st->in_r, st->plan, &res);
		return EXIT_READY;
	}

	if (a->in_place) {
		if ((size_t)snprintf(dest, sizeof(dest), "%s", a->in) >= sizeof(dest)) {
			cli_err("%s: path too long (over %d bytes)", a->in, PATH_MAX - 1);
			return EXIT_USAGE;
		}
	} else if (a->out) {
		if ((size_t)snprintf(dest, sizeof(dest), "%s", a->out) >= sizeof(dest)) {
			cli_err("%s: output path too long (over %d bytes); nothing "
			        "written",
			        a->out, PATH_MAX - 1);
			return EXIT_USAGE;
		}
		if (is_dir(dest) && !into_dir(st, dest, sizeof(dest)))
			return EXIT_USAGE;
		if (st->src.path[0] && same_file(st->src.path, dest)) {
			cli_err("%s: OUT is the input file%s", dest,
			        st->src.kind == INPUT_FILE
			            ? "; use --in-place to replace it (a .bak is kept)"
			            : " (an archive): write the plain ROM elsewhere");
			return EXIT_USAGE;
		}
	} else if (!st->src.has_stem || !patch_default_output(st->src.stem, dest, sizeof(dest))) {
		cli_err("%s: cannot derive an output name%s (no file name, or over %d "
		        "bytes); use -o OUT",
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
		/* out_r is the analysis of these very bytes, and it is ready: the
		 * file written is compared with them, not analyzed a third time. */
		ws = patch_write_in_place(dest, st->data, st->len, st->out, st->out_len, true,
		                          a->force, err, sizeof(err));
	} else {
		ws = patch_write_file_ready(dest, st->out, st->out_len, a->force, err, sizeof(err));
	}
	if (ws != PATCH_WRITE_OK) {
		emit_refusal(a, st->in_r, st->plan, &res,
		             ws == PATCH_WRITE_NOT_READY ? "refused" : "failed", err);
		cli_err("%s", err);
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
		cli_err("out of memory");
		rc = EXIT_USAGE;
	} else {
		rc = run(&st);
	}
	if (st.out_r != st.in_r)
		rom_analysis_free(st.out_r);
	rom_analysis_free(st.in_r);
	driver_cache_free(st.drivers);
	free(st.a.in_member);
	free(st.plan);
	free(st.data);
	free(st.out);
	return rc;
}
