/* Where a ROM's bytes come from: one command-line argument becomes one or
 * more named ROMs.
 *
 *   path            a file (input/load.h: regular files only, 64 MiB cap)
 *   -               standard input, read to its end (same cap)
 *   a gzip file     detected by its magic 1f 8b 08, not its name; inflated
 *                   with zlib, at most ROM_LOAD_MAX bytes
 *   a zip archive   detected by PK\3\4, or by an end record (formats/zip.h);
 *                   each non-directory member is one ROM, stored or deflated,
 *                   CRC-32 checked, at most ROM_LOAD_MAX bytes each and
 *                   INPUT_TOTAL_MAX together
 *   ARCHIVE!MEMBER  one member, by its exact stored name; used only when the
 *                   whole argument is not itself an existing file
 *
 * One level of archive only: a .gz inside a zip, a zip inside a .gz, a .gz
 * inside a .gz are errors that say so. Names of the ROMs are the input as the
 * user wrote it: "card.rom", "-", "card.rom.gz", "roms.zip!gp106/card.rom".
 * Errors are one line (no newline) that starts with that name.
 *
 *   an ACPI VFCT    detected by its "VFCT" signature (formats/vfct.h): each
 *   table           image is one ROM, named TABLE!BB:DD.F by its PCI address
 *                   ("vfct.dat!03:00.0"); TABLE!VVVV:DDDD (the image's
 *                   vendor:device) and TABLE!0000:BB:DD.F name one too.
 */
#ifndef OPTROM_INPUT_H
#define OPTROM_INPUT_H

#include "formats/vfct.h"
#include "input/load.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INPUT_TOTAL_MAX ((size_t)16 * ROM_LOAD_MAX) /* all members of one archive */

enum input_kind {
	INPUT_FILE,  /* a plain file */
	INPUT_STDIN, /* "-" (the bytes may be a .gz or a zip: see input_archive) */
	INPUT_GZIP,
	INPUT_ZIP,
	INPUT_VFCT, /* an ACPI VFCT table (formats/vfct.h): each image is one ROM */
};

struct input; /* opaque */

struct input_item {
	char *name;         /* "-", "card.rom.gz", "a.zip!x.rom" */
	const char *member; /* the member's name inside name, or NULL */
	uint8_t *data;      /* the ROM's bytes */
	size_t len;
	/* A VFCT table's image: its header (PCI address, ids); else zeroed. */
	bool from_vfct;
	struct vfct_image_header vfct;
};

/* Opens one argument. On failure returns NULL with one line in err (the
 * argument, then why: the loader's reason, a bad archive, a missing member). */
struct input *input_open(const char *arg, char *err, size_t cap);

/* The same over bytes in memory (copied), named name; member selects one zip
 * member (NULL: all). For tests and the fuzz harness. */
struct input *input_open_bytes(const char *name, const uint8_t *data, size_t len,
                               const char *member, char *err, size_t cap);

/* Where the bytes came from (INPUT_STDIN for "-" even when they are a .gz). */
enum input_kind input_source(const struct input *in);

/* The archive format, INPUT_FILE when the bytes are not an archive. */
enum input_kind input_archive(const struct input *in);

/* How many ROMs input_next will give: 1, or the number of non-directory
 * members of a zip when no member is named. */
size_t input_count(const struct input *in);

/* For commands that take one ROM: false with one line in err when the input
 * is a zip of several members (the line lists their names and says how to
 * name one: ARCHIVE!NAME) or has none. */
bool input_require_one(const struct input *in, char *err, size_t cap);

enum input_next {
	INPUT_ITEM,  /* *it holds the next ROM: input_item_free() it */
	INPUT_END,   /* no more */
	INPUT_ERROR, /* this member cannot be read (err says why); call again for the next */
};

enum input_next input_next(struct input *in, struct input_item *it, char *err, size_t cap);

void input_item_free(struct input_item *it);

/* The plain file a ROM stands for, to derive output names: the path of a
 * file; the path without ".gz" for a gzip file whose name ends so; the
 * member's base name in the archive's folder for a zip member. False (no
 * name to derive) for standard input and a gzip file not named *.gz. */
bool input_stem(const struct input *in, const struct input_item *it, char *out, size_t cap);

/* The file on disk that was read, NULL for standard input. */
const char *input_path(const struct input *in);

/* The decoded VFCT table when the input is one (INPUT_VFCT), else NULL. */
const struct vfct_table *input_vfct(const struct input *in);

void input_close(struct input *in);

/* Inflates a gzip stream (one or more members) into a new buffer of at most
 * max bytes; false with one line in err (prefixed by name) otherwise. */
bool input_gunzip(const char *name, const uint8_t *gz, size_t len, size_t max, uint8_t **out,
                  size_t *out_len, char *err, size_t cap);

/* Inflates a raw deflate stream (zip method 8) that must produce exactly
 * size bytes (size <= ROM_LOAD_MAX): output past size stops the inflate. */
bool input_inflate_raw(const char *name, const uint8_t *in, size_t len, size_t size, uint8_t **out,
                       char *err, size_t cap);

#endif
