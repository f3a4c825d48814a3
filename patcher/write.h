/* Storing a fixed ROM safely (docs/design.md "Writes are safe"):
 *
 *   1. a temporary file is created exclusively (O_EXCL) in the destination's own
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
#include <sys/types.h>

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

/* --in-place: writes data (required to be ready) to a temporary file beside
 * path, fsynced and verified; only then stores the original bytes as
 * PATH.bak (the same safe way; an existing .bak is replaced only with
 * force, and refused before anything is written otherwise), and renames
 * the new file over path. On any failure path is untouched and no .bak
 * made by this call remains. known_ready: the caller analyzed data and
 * found it ready, so the re-read file is compared with data byte for byte
 * and not analyzed again (as patch_write_file_ready). */
enum patch_write_status patch_write_in_place(const char *path, const uint8_t *orig, size_t orig_len,
                                             const uint8_t *data, size_t len, bool known_ready,
                                             bool force, char *err, size_t errcap);

/* True when path and the temporary name patch_write_file makes beside it
 * ("dir/.name.tmp-XXXXXX") fit in PATH_MAX. A caller that writes several
 * files checks each first, so that a name too long is refused before
 * anything is written. */
bool patch_write_path_fits(const char *path);

/* The default output name beside the input: "dir/card.rom" ->
 * "dir/card.fixed.rom", "card" -> "card.fixed". False when it does not fit. */
bool patch_default_output(const char *in, char *out, size_t cap);

/* A report written as it is produced (scan -o FILE), the same safe way:
 * patch_stream_open creates the temporary file beside path (refusing an
 * existing path without force) and gives a stream; patch_stream_commit
 * flushes, fsyncs and publishes it; patch_stream_abort removes it. No
 * re-analysis: the file is a report, not a ROM. */
struct patch_stream {
	void *file; /* FILE *: the temporary file */
	bool force;
	char path[4096], tmp[4096], dir[4096];
};
void *patch_stream_open(struct patch_stream *ps, const char *path, bool force, char *err,
                        size_t errcap);
enum patch_write_status patch_stream_commit(struct patch_stream *ps, char *err, size_t errcap);
void patch_stream_abort(struct patch_stream *ps);

/* Test hooks. The writer calls the system through this table so that a
 * test can make fsync, rename or link fail and check that the destination
 * is untouched. Pass NULL to restore the real calls. A field left NULL uses
 * the real call. The hooks are the calling thread's own (thread-local):
 * tests only. */
struct patch_io_hooks {
	int (*fsync_fn)(int fd);
	int (*rename_fn)(const char *from, const char *to);
	int (*link_fn)(const char *from, const char *to);
	ssize_t (*write_fn)(int fd, const void *buf, size_t n); /* e.g. ENOSPC */
};
void patch_set_io_hooks(const struct patch_io_hooks *h);

#endif
