/* optrom: read and repair PCI option ROM files offline. A git-style front
 * end: the first argument names the command, each command parses the rest.
 *
 * The table below is the only list of commands: `optrom help`, `optrom help
 * CMD`, the man pages (help2man over each `optrom CMD --help`, see
 * man/CMakeLists.txt) and the shell completions (which ask `optrom help
 * --commands` and parse `optrom CMD --help`) all come from it. */
#include "cli/cli.h"
#include "formats/decode_count.h"
#include "patcher/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_command commands[] = {
    {"info", cmd_info, "explain ROM files: image chain, NVIDIA/AMD/EFI details, problems"},
    {"check", cmd_check, "one verdict line per file: can it be used as romfile= ?"},
    {"extract", cmd_extract, "write each image, each EFI driver (.efi) and the prefix to a folder"},
    {"fix", cmd_fix, "strip prefixes, repair checksums and last-image flag, write a new file"},
    {"boot-test", cmd_boot_test, "boot the ROM in QEMU + OVMF: which EFI drivers load from it"},
    {"diff", cmd_diff,
     "compare two ROM files by structure (exit 0 same ROM, 1 different, 2 trouble)"},
    {"dump", cmd_dump, "read a device's ROM through sysfs (or ACPI VFCT) safely, and analyze it"},
    {"match", cmd_match, "which ROMs (files, folders, archives) are for this PCI device?"},
    {"devices", cmd_devices, "the host's GPUs and devices with a ROM: driver, IOMMU group"},
    {"scan", cmd_scan, "validate a collection: folders, archives, worker threads, a summary"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: optrom COMMAND [OPTION]... [FILE]...\n"
	             "\n"
	             "Read and repair PCI option ROM files (GPU video BIOS dumps) offline.\n"
	             "\n"
	             "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(
	    out,
	    "\n"
	    "  -h, --help     this help (optrom help CMD, or optrom CMD --help, for a command)\n"
	    "  -V, --version  print the version\n"
	    "\n"
	    "Options mean the same in every command that takes them: -o/--output,\n"
	    "-f/--format text|yaml|json, --force, -q/--quiet, -v/--verbose, --color=WHEN.\n"
	    "\n"
	    "Exit status: 0 ready, 1 fixable, 3 broken, 2 usage or I/O error.\n"
	    "Report schema: docs/yaml-schema.md (installed with the documentation).\n");
}

static const struct cli_command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static char command_name[64];

static int run(const struct cli_command *c, int argc, char **argv)
{
	(void)snprintf(command_name, sizeof(command_name), "optrom %s", c->name);
	cli_command = command_name;
	return c->run(argc, argv);
}

/* optrom help [CMD | --commands] */
static int help(int argc, char **argv)
{
	const struct cli_command *c;
	if (argc < 2) {
		usage(stdout);
		return EXIT_READY;
	}
	if (strcmp(argv[1], "--commands") == 0) {
		/* For the completions and the man page build: name TAB summary. */
		for (size_t i = 0; i < N_COMMANDS; i++)
			printf("%s\t%s\n", commands[i].name, commands[i].summary);
		return EXIT_READY;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "optrom help: unknown command '%s'; see optrom --help\n", argv[1]);
		return EXIT_USAGE;
	}
	{
		char *hargv[] = {argv[1], "--help", NULL};
		return run(c, 2, hargv);
	}
}

#ifdef OPTROM_DECODE_COUNT
/* Test builds only (CMake OPTROM_DECODE_COUNT): with
 * $OPTROM_DECODE_COUNT_REPORT set, the process counts every formats/
 * decoder call and writes "decoder total max-per-key" lines to that file at
 * exit, so that the CLI tests can check how often a whole command decodes
 * the same bytes (tests/cli/test_fix_decodes.c). */
static const char *count_report;

static void write_count_report(void)
{
	FILE *f = fopen(count_report, "w");
	fmt_count_stop();
	if (!f)
		return;
	for (int k = 0; k < FMT_DEC_COUNT; k++)
		fprintf(f, "%s %lu %lu\n", fmt_count_kind_name((enum fmt_decoder)k),
		        fmt_count_total((enum fmt_decoder)k),
		        fmt_count_max_per_key((enum fmt_decoder)k));
	fprintf(f, "overflow %lu 0\n", fmt_count_overflow());
	(void)fclose(f);
}

static void start_count_report(void)
{
	count_report = getenv("OPTROM_DECODE_COUNT_REPORT");
	if (count_report && count_report[0] && atexit(write_count_report) == 0)
		fmt_count_start();
}
#else
static void start_count_report(void)
{
}
#endif

int main(int argc, char **argv)
{
	const struct cli_command *c;
	start_count_report();
	/* Temporary files and folders go away on SIGINT/SIGTERM too. */
	patch_cleanup_install();
	if (argc < 2) {
		fprintf(stderr, "optrom: no command given; see optrom --help\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help(1, argv + 1);
	if (strcmp(argv[1], "help") == 0)
		return help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("optrom %s\n", OPTROM_VERSION);
		return EXIT_READY;
	}
	c = find(argv[1]);
	if (c)
		return run(c, argc - 1, argv + 1);
	fprintf(stderr, "optrom: unknown command '%s'; see optrom --help\n", argv[1]);
	return EXIT_USAGE;
}
