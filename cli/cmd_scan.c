#include "analyzer/emit_scan.h"
#include "cli/cli.h"
#include "cli/scan_run.h"
#include "patcher/write.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where hosts keep option ROMs, scanned when no PATH is given (the ones
 * that exist): Proxmox's romfile= folder, QEMU's, SeaBIOS's, iPXE's. */
static const char *const default_paths[] = {"/usr/share/kvm", "/usr/share/qemu",
                                            "/usr/share/seabios", "/usr/lib/ipxe/qemu"};

static void scan_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: optrom scan [OPTION]... [PATH]...\n"
	    "\n"
	    "Validates a collection: every file under each PATH (folders recursively,\n"
	    "symbolic links followed, each folder once), each .gz and each member of a zip.\n"
	    "With no PATH and no --files-from: /usr/share/kvm, /usr/share/qemu,\n"
	    "/usr/share/seabios and /usr/lib/ipxe/qemu, those that exist.\n"
	    "One line per file, sorted by path then member: verdict, name, ROM offset,\n"
	    "vendor:device, device name (pci.ids), VBIOS version, part number, build date,\n"
	    "GOP driver state, first problem; then a summary (each vendor:device counted).\n"
	    "Verdicts: ready, fixable, broken (as check), not-a-rom (plainly another kind of\n"
	    "file: text, a picture, ...; see docs/scan.md) and unreadable (with the reason).\n"
	    "Identical contents are analyzed once; a repeat names the earlier file.\n"
	    "\n"
	    "  -j, --jobs N            worker threads (default: the number of CPUs)\n"
	    "      --files-from FILE   also scan the paths listed in FILE, one per line (- for\n"
	    "                          standard input)\n"
	    "  -f, --format FMT        text (default), yaml or json (files: and summary:)\n"
	    "  -o, --output REPORT     write the report to REPORT: YAML (-f json: JSON)\n"
	    "      --force             replace an existing REPORT\n"
	    "  -h, --help              this help\n"
	    "\n"
	    "Exit status, the worst over all files: 0 all ready or not-a-rom, 1 the worst\n"
	    "is fixable, 2 a file could not be read (or usage error), 3 the worst is broken.\n");
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > (long)SCAN_MAX_JOBS ? SCAN_MAX_JOBS : (unsigned)n;
}

int cmd_scan(int argc, char **argv)
{
	enum { OPT_FILES_FROM = 256, OPT_FORCE };
	static const struct option opts[] = {
	    {"jobs", required_argument, NULL, 'j'},
	    {"files-from", required_argument, NULL, OPT_FILES_FROM},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct scan_run_opts ro = {.jobs = default_jobs(), .summary = true, .out = stdout};
	enum out_format fmt = FORMAT_TEXT;
	const char *files_from = NULL, *output = NULL;
	bool force = false;
	struct walk_list l = {0};
	struct scan_summary *sum;
	struct patch_stream ps;
	char err[8192];
	int c, rc;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":j:f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 || n > (long)SCAN_MAX_JOBS)
				return cli_usage_error(
				    "--jobs '%s': expected a number from 1 to %u", optarg,
				    SCAN_MAX_JOBS);
			ro.jobs = (unsigned)n;
			break;
		}
		case OPT_FILES_FROM:
			files_from = optarg;
			break;
		case 'f':
			if (!cli_parse_format(optarg, &fmt, true))
				return EXIT_USAGE;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case 'h':
			scan_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (output && fmt == FORMAT_TEXT)
		fmt = FORMAT_YAML;    /* the report file is YAML */
	ro.yaml = fmt != FORMAT_TEXT; /* YAML, or JSON through the same writer calls */
	for (int i = optind; i < argc; i++)
		if (!walk_add(&l, argv[i])) {
			cli_err("out of memory while listing %s", argv[i]);
			walk_free(&l);
			return EXIT_USAGE;
		}
	if (files_from && !walk_add_files_from(&l, files_from, err, sizeof(err))) {
		cli_err("%s", err);
		walk_free(&l);
		return EXIT_USAGE;
	}
	if (optind >= argc && !files_from) {
		size_t found = 0;
		for (size_t i = 0; i < sizeof(default_paths) / sizeof(default_paths[0]); i++) {
			struct stat st;
			if (stat(default_paths[i], &st) != 0 || !S_ISDIR(st.st_mode))
				continue;
			found++;
			if (!walk_add(&l, default_paths[i])) {
				cli_err("out of memory");
				walk_free(&l);
				return EXIT_USAGE;
			}
		}
		if (!found) {
			cli_err("no PATH given and none of /usr/share/kvm, /usr/share/qemu, "
			        "/usr/share/seabios, /usr/lib/ipxe/qemu exists");
			return EXIT_USAGE;
		}
	}
	if (l.full)
		cli_err("more than %d files: the rest are left out", WALK_MAX_ENTRIES);
	walk_sort(&l);
	if (output) {
		FILE *f = patch_stream_open(&ps, output, force, err, sizeof(err));
		if (!f) {
			cli_err("%s", err);
			walk_free(&l);
			return EXIT_USAGE;
		}
		ro.out = f;
	}
	ro.progress = isatty(STDERR_FILENO) != 0;
	if (ro.progress) {
		struct winsize ws;
		if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0)
			ro.progress_cols = ws.ws_col;
	}
	sum = calloc(1, sizeof(*sum));
	if (!sum) {
		cli_err("out of memory");
		if (output)
			patch_stream_abort(&ps);
		walk_free(&l);
		return EXIT_USAGE;
	}
	rc = scan_run(&l, &ro, sum);
	if (output) {
		if (patch_stream_commit(&ps, err, sizeof(err)) != PATCH_WRITE_OK) {
			cli_err("%s", err);
			rc = cli_worse(rc, EXIT_USAGE);
		} else {
			emit_scan_summary(stdout, sum);
		}
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_err("writing the output failed");
		rc = cli_worse(rc, EXIT_USAGE);
	}
	free(sum);
	walk_free(&l);
	return rc;
}
