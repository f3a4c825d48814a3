/* Storing a fixed ROM safely (docs/design.md "Writes are safe"):
 *
 *   1. a temporary file is created with mkstemp in the destination's own
 *      folder (so the final rename never crosses a file system),
 *   2. the bytes are written, fsynced and the file closed,
 *   3. the file is re-read and compared byte for byte, and re-analyzed with
 *      rom_analyze: unless it is VERDICT_READY nothing is published,
 *   4. it is published: rename() over the destination with force, else
 *      link() (which fails atomically when the destination exists), and the
 *      folder is fsynced.
 * On any failure the temporary file is removed and the destination is left
 * exactly as it was.
 */
#ifndef OPTROM_PATCH_WRITE_H
#define OPTROM_PATCH_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum patch_write_status {
	PATCH_WRITE_OK = 0,
	PATCH_WRITE_EXISTS,    /* the destination exists and force is off */
	PATCH_WRITE_DIR,       /* the destination folder is missing or not writable */
	PATCH_WRITE_IO,        /* write, fsync, close or rename failed */
	PATCH_WRITE_VERIFY,    /* the re-read bytes differ from the bytes written */
	PATCH_WRITE_NOT_READY, /* the written ROM does not re-analyze as ready */
};

struct patch_write_opts {
	bool force;         /* replace an existing destination */
	bool require_ready; /* publish only a ROM that re-analyzes as ready */
};

/* Writes len bytes to path the safe way above. err (one line naming the
 * file and the reason) is set on failure. */
enum patch_write_status patch_write_file(const char *path, const uint8_t *data, size_t len,
                                         const struct patch_write_opts *o, char *err,
                                         size_t errcap);

/* patch_write_file with require_ready, for bytes the caller has analyzed
 * and found ready (fix's output, issue 17): the re-read proves that the
 * file holds them byte for byte, and they are not analyzed a third time. */
enum patch_write_status patch_write_file_ready(const char *path, const uint8_t *data, size_t len,
                                               bool force, char *err, size_t errcap);

/* --in-place: first stores the original bytes as PATH.bak (the same safe
 * way; an existing .bak is replaced only with force), then replaces path
 * with data (required to be ready). When the backup fails, path is not
 * touched. */
enum patch_write_status patch_write_in_place(const char *path, const uint8_t *orig, size_t orig_len,
                                             const uint8_t *data, size_t len, bool force, char *err,
                                             size_t errcap);

/* True when path and the temporary name patch_write_file makes beside it
 * ("dir/.name.tmp-XXXXXX") fit in PATH_MAX. A caller that writes several
 * files checks each first, so that a name too long is refused before
 * anything is written. */
bool patch_write_path_fits(const char *path);

/* The default output name beside the input: "dir/card.rom" ->
 * "dir/card.fixed.rom", "card" -> "card.fixed". False when it does not fit. */
bool patch_default_output(const char *in, char *out, size_t cap);

/* Test hooks. The writer calls the system through this table so that a
 * test can make fsync, rename or link fail and check that the destination
 * is untouched. Pass NULL to restore the real calls. A field left NULL uses
 * the real call. Not thread-safe: tests only. */
struct patch_io_hooks {
	int (*fsync_fn)(int fd);
	int (*rename_fn)(const char *from, const char *to);
	int (*link_fn)(const char *from, const char *to);
};
void patch_set_io_hooks(const struct patch_io_hooks *h);

#endif
