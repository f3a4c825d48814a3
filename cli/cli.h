/* Shared by the command front ends: exit codes, output formats, loading a
 * file and analyzing it with one clear error line on failure. */
#ifndef OPTROM_CLI_H
#define OPTROM_CLI_H

#include "analyzer/tree.h"
#include "input/input.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (README "Exit codes"): the worst over all files. */
enum {
	EXIT_READY = 0,   /* every file is usable as it is */
	EXIT_FIXABLE = 1, /* the worst file is one `optrom fix` repairs */
	EXIT_USAGE = 2,   /* bad arguments, or a file could not be read or written */
	EXIT_BROKEN = 3,  /* the worst file cannot be made usable */
};

enum out_format { FORMAT_TEXT, FORMAT_YAML, FORMAT_JSON };

/* Parses "text", "yaml" or "json" and makes the writer layer (YAML or JSON,
 * analyzer/emit_yaml_writer.h) write that syntax; prints a usage error and
 * returns false otherwise. text_ok false: "text" is refused (extract's
 * index has no text form). */
bool cli_parse_format(const char *arg, enum out_format *out, bool text_ok);

/* The vocabulary every command shares (cli/cli_opts.c). Options mean the
 * same in each command that takes them: -o/--output, -f/--format,
 * --force (no short form), -q/--quiet, -v/--verbose, --color=WHEN,
 * -h/--help. */

/* "optrom CMD", the prefix of every message; main() sets it. */
extern const char *cli_command;

/* One line on stderr: "optrom CMD: " + the message. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error: one line, "optrom CMD: message; see optrom CMD --help".
 * Returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After getopt_long() returned '?' or ':' (option strings start with ':',
 * opterr is 0): the usage error for the option at argv. Returns
 * EXIT_USAGE. */
int cli_bad_option(int c, char **argv);

/* Resets getopt for a command's argv (optind 1, silent). */
void cli_getopt_reset(void);

/* --color=WHEN: auto (default: when stdout is a terminal and NO_COLOR is
 * unset or empty), always, never. */
enum cli_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
bool cli_parse_color(const char *arg, enum cli_color *out);
/* Whether text on stdout gets colour: never for YAML/JSON, else by when. */
bool cli_use_color(enum cli_color when, enum out_format fmt);

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
struct rom_analyze_opts; /* analyzer/analyze.h */
/* The same with analysis options (o may be NULL; an image of a VFCT table
 * is analyzed as a whole ROM whatever o->whole says). */
struct rom_analysis *cli_analyze_file_with(const char *arg, uint8_t **data, size_t *len,
                                           struct cli_source *src,
                                           const struct rom_analyze_opts *o);

/* For info and check: analyzes each ROM that arg names (each file of a zip
 * archive; a file, "-", a .gz, ARCHIVE!MEMBER are one) and calls fn(a, ctx)
 * on it; one analysis at a time, freed before the next. An argument or
 * member that cannot be read prints one line and counts as EXIT_USAGE;
 * returns the worst of those and of fn's codes. */
int cli_each_rom(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx), void *ctx);
/* The same without hashing (an output that shows no hash: check's text
 * line; analyzer/analyze.h skip_sha256). */
int cli_each_rom_unhashed(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                          void *ctx);

/* Exit code for one verdict. */
int cli_exit_for(enum rom_verdict v);

/* The worse of two exit codes (2 ranks between 1 and 3: an unreadable file
 * is worse than a fixable one, better than a broken one). */
int cli_worse(int a, int b);

/* cli_each_rom, and when arg is an ACPI VFCT table, on_table(name, table,
 * ctx) first (may be NULL). */
int cli_each_rom_table(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                       void (*on_table)(const char *name, const struct vfct_table *t, void *ctx),
                       void *ctx);

/* cli/vfct_view.c: the table's header and image list; whether a ROM's chain
 * holds an EFI image; the note on what a VFCT image without one lacks. */
void cli_print_vfct(FILE *out, const char *name, const struct vfct_table *t);
bool cli_rom_has_efi(const struct rom_analysis *a);
void cli_print_vfct_lack(FILE *out, const struct rom_analysis *a);

/* check's options, for its own files and for check --device. */
struct sb_store;
struct cli_check_opts {
	enum out_format fmt;
	bool quiet, verbose, color;
	const struct sb_store *sb; /* --secure-boot-vars, or NULL */
};
/* check's text for one ROM (cli/cmd_check.c): the line, with the Secure
 * Boot answer when o->sb; every finding under it with o->verbose. */
void cli_check_text(const struct rom_analysis *r, const struct cli_check_opts *o);

/* cli/cmd_host.c: the host's commands, and check --device. */
int cmd_dump(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cli_check_device(const char *root, const char *bdf, char **files, int n,
                     const struct cli_check_opts *o);

/* One command of the table in main.c: a new command is one entry there (its
 * name, run function, one-line summary); its --help text is the source of
 * `optrom help CMD`, its man page and its shell completion. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

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
int cmd_scan(int argc, char **argv);

#endif
