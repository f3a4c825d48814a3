/* Shared by the command front ends: exit codes, output formats, loading a
 * file and analyzing it with one clear error line on failure. */
#ifndef OPTROM_CLI_H
#define OPTROM_CLI_H

#include "analyzer/tree.h"
#include "input/input.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes (README "Exit codes"): the worst over all files. */
enum {
	EXIT_READY = 0,   /* every file is usable as it is */
	EXIT_FIXABLE = 1, /* the worst file is one `optrom fix` repairs */
	EXIT_USAGE = 2,   /* bad arguments, or a file could not be read or written */
	EXIT_BROKEN = 3,  /* the worst file cannot be made usable */
};

enum out_format { FORMAT_TEXT, FORMAT_YAML };

/* Parses "text" or "yaml"; prints one line to stderr and returns false
 * otherwise. */
bool cli_parse_format(const char *arg, enum out_format *out);

/* Where the one ROM of fix and extract came from (input/input.h). */
struct cli_source {
	enum input_kind kind; /* INPUT_FILE only for a plain file on disk */
	bool has_stem;        /* stem holds the plain file the ROM stands for */
	char stem[4096];      /* card.rom for card.rom, card.rom.gz, a.zip!card.rom */
	char path[4096];      /* the file read ("" for standard input) */
};

/* Loads the one ROM that arg names (a file, "-", a .gz, ARCHIVE!MEMBER, a
 * zip of one file) and analyzes it, named as typed (rom_analysis_free() the
 * result). On an I/O or archive problem, or a zip of several files, prints
 * one line ("optrom: NAME: why") to stderr and returns NULL. When data is
 * not NULL the caller gets the bytes (free() them); src (may be NULL) says
 * where they came from. */
struct rom_analysis *cli_analyze_file(const char *arg, uint8_t **data, size_t *len,
                                      struct cli_source *src);

/* For info and check: analyzes each ROM that arg names (each file of a zip
 * archive; a file, "-", a .gz, ARCHIVE!MEMBER are one) and calls fn(a, ctx)
 * on it; one analysis at a time, freed before the next. An argument or
 * member that cannot be read prints one line and counts as EXIT_USAGE;
 * returns the worst of those and of fn's codes. */
int cli_each_rom(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx), void *ctx);
/* The same, with rom_analyze_flags' flags (analyzer/analyze.h). */
int cli_each_rom_flags(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                       void *ctx, unsigned flags);

/* Exit code for one verdict. */
int cli_exit_for(enum rom_verdict v);

/* The worse of two exit codes (2 ranks between 1 and 3: an unreadable file
 * is worse than a fixable one, better than a broken one). */
int cli_worse(int a, int b);

int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_boot_test(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/* --secure-boot-vars (cli/secure_boot_opt.c): the variable store named,
 * or with use_default the first one found on the host. */
struct sb_store;
struct cli_sb {
	bool active;            /* a store is loaded */
	struct sb_store *store; /* NULL when none */
	char origin[1280];      /* "found on this host", or why there is none */
};
/* EXIT_READY, or EXIT_USAGE after one line on stderr when the named file
 * cannot be read or is no variable store (a default that fails is only
 * noted in origin). */
int cli_sb_open(const char *path, bool use_default, struct cli_sb *out);
void cli_sb_close(struct cli_sb *sb);

#endif
