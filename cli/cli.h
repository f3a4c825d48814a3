/* Shared by the command front ends: exit codes, output formats, loading a
 * file and analyzing it with one clear error line on failure. */
#ifndef OPTROM_CLI_H
#define OPTROM_CLI_H

#include "analyzer/tree.h"

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

/* Loads and analyzes path (rom_analysis_free() the result). On an I/O
 * problem prints one line ("optrom: FILE: why") to stderr and returns NULL.
 * When data is not NULL the caller gets the bytes (free() them). */
struct rom_analysis *cli_analyze_file(const char *path, uint8_t **data, size_t *len);

/* Exit code for one verdict. */
int cli_exit_for(enum rom_verdict v);

/* The worse of two exit codes (2 ranks between 1 and 3: an unreadable file
 * is worse than a fixable one, better than a broken one). */
int cli_worse(int a, int b);

int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_fix(int argc, char **argv);

#endif
