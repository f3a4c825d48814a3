/* optrom: read and repair PCI option ROM files offline. A git-style front
 * end: the first argument names the command, each command parses the rest. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"info", cmd_info, "explain a ROM file: image chain, NVIDIA/AMD/EFI details, problems"},
    {"check", cmd_check, "one verdict line per file: can it be used as romfile= ?"},
    {"extract", cmd_extract, "write each image, each EFI driver (.efi) and the prefix to a folder"},
    {"fix", cmd_fix, "strip prefixes, repair checksums and last-image flag, write a new file"},
    {"boot-test", cmd_boot_test, "boot the ROM in QEMU + OVMF: which EFI drivers load from it"},
    {"diff", cmd_diff,
     "compare two ROM files by structure; exit 0 same ROM, 1 different, 2 trouble"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: optrom COMMAND [ARGS]   (optrom COMMAND --help for more)\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nExit status: 0 ready, 1 fixable, 3 broken, 2 usage or I/O error.\n"
	             "  --version  print the version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_READY;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("optrom %s\n", OPTROM_VERSION);
		return EXIT_READY;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "optrom: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
