/* Reading a ROM file into memory, safely: regular files only, bounded size,
 * read-only, and a file that changes size while read is an error. Standard
 * input is read the same way, up to the same cap. */
#ifndef OPTROM_LOAD_H
#define OPTROM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define ROM_LOAD_MAX ((size_t)64 * 1024 * 1024) /* larger files are not option ROMs */

enum load_status {
	LOAD_OK = 0,
	LOAD_NOT_FOUND,
	LOAD_IS_DIRECTORY,
	LOAD_NOT_REGULAR, /* FIFO, device, socket */
	LOAD_EMPTY,
	LOAD_TOO_LARGE,
	LOAD_PERMISSION,
	LOAD_READ_ERROR,
	LOAD_CHANGED, /* the file grew or shrank while it was read */
	LOAD_NO_MEMORY,
};

/* Reads path into a new buffer (*data, free() it). On failure *data is NULL
 * and err holds one line naming the file and the reason. */
enum load_status rom_load_file(const char *path, uint8_t **data, size_t *len, char *err,
                               size_t errcap);

/* Reads a stream (standard input: fd 0) to its end, at most ROM_LOAD_MAX
 * bytes: more is LOAD_TOO_LARGE, nothing is LOAD_EMPTY, a terminal is
 * LOAD_NOT_REGULAR (it would wait for typing). name is the input as the user
 * wrote it ("-"), for err. */
/* The system's text for errno value e in buf (strerror_r: strerror's buffer
 * is shared between threads, and scan reads files from several). Returns buf. */
const char *load_strerror(int e, char *buf, size_t cap);

enum load_status rom_load_stream(int fd, const char *name, uint8_t **data, size_t *len, char *err,
                                 size_t errcap);

#endif
