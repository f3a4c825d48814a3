#include "input/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum load_status fail(enum load_status st, char *err, size_t cap, const char *path,
                             const char *why)
{
	(void)snprintf(err, cap, "%s: %s", path, why);
	return st;
}

const char *load_strerror(int e, char *buf, size_t cap)
{
	if (!cap)
		return buf;
	/* XSI strerror_r (_POSIX_C_SOURCE without _GNU_SOURCE): 0 on success. */
	if (strerror_r(e, buf, cap) != 0)
		(void)snprintf(buf, cap, "error %d", e);
	return buf;
}

enum load_status rom_load_file(const char *path, uint8_t **data, size_t *len, char *err,
                               size_t errcap)
{
	struct stat st;
	uint8_t *buf;
	size_t want, got = 0;
	char ebuf[128];
	int fd;
	*data = NULL;
	*len = 0;
	/* O_NONBLOCK so that opening a FIFO does not wait for a writer; the
	 * type check below rejects it before any read. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			return fail(LOAD_NOT_FOUND, err, errcap, path, "no such file");
		if (e == EACCES || e == EPERM)
			return fail(LOAD_PERMISSION, err, errcap, path, "permission denied");
		return fail(LOAD_READ_ERROR, err, errcap, path,
		            load_strerror(e, ebuf, sizeof(ebuf)));
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return fail(LOAD_READ_ERROR, err, errcap, path,
		            load_strerror(errno, ebuf, sizeof(ebuf)));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(LOAD_IS_DIRECTORY, err, errcap, path, "is a directory, not a ROM file");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(LOAD_NOT_REGULAR, err, errcap, path,
		            "not a regular file (FIFO, device or socket); save the ROM to a file "
		            "first");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(LOAD_EMPTY, err, errcap, path, "empty file (0 bytes)");
	}
	if ((uint64_t)st.st_size > ROM_LOAD_MAX) {
		char why[128];
		(void)snprintf(why, sizeof(why),
		               "%lld bytes: expected at most %zu (64 MiB) for an option ROM",
		               (long long)st.st_size, ROM_LOAD_MAX);
		close(fd);
		return fail(LOAD_TOO_LARGE, err, errcap, path, why);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	want = (size_t)st.st_size;
	/* One spare byte tells a file that grew since fstat. */
	buf = malloc(want + 1);
	if (!buf) {
		close(fd);
		return fail(LOAD_NO_MEMORY, err, errcap, path, "out of memory");
	}
	while (got < want + 1) {
		ssize_t n = read(fd, buf + got, want + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return fail(LOAD_READ_ERROR, err, errcap, path,
			            load_strerror(e, ebuf, sizeof(ebuf)));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != want) {
		char why[160];
		(void)snprintf(why, sizeof(why),
		               "the file changed size while it was read: expected %zu bytes, read "
		               "%s%zu",
		               want, got > want ? "more than " : "", got > want ? want : got);
		free(buf);
		return fail(LOAD_CHANGED, err, errcap, path, why);
	}
	*data = buf;
	*len = want;
	return LOAD_OK;
}

enum load_status rom_load_stream(int fd, const char *name, uint8_t **data, size_t *len, char *err,
                                 size_t errcap)
{
	size_t cap = 64 * 1024, got = 0;
	uint8_t *buf;
	char ebuf[128];
	*data = NULL;
	*len = 0;
	if (isatty(fd))
		return fail(LOAD_NOT_REGULAR, err, errcap, name,
		            "standard input is a terminal: pipe a ROM into it (optrom info - < "
		            "card.rom)");
	buf = malloc(cap);
	if (!buf)
		return fail(LOAD_NO_MEMORY, err, errcap, name, "out of memory");
	/* One byte past the cap tells a stream that is too large. */
	for (;;) {
		ssize_t n;
		if (got == cap) {
			size_t ncap = cap * 2 > ROM_LOAD_MAX + 1 ? ROM_LOAD_MAX + 1 : cap * 2;
			uint8_t *p;
			if (ncap == cap)
				break;
			p = realloc(buf, ncap);
			if (!p) {
				free(buf);
				return fail(LOAD_NO_MEMORY, err, errcap, name, "out of memory");
			}
			buf = p;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return fail(LOAD_READ_ERROR, err, errcap, name,
			            load_strerror(e, ebuf, sizeof(ebuf)));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > ROM_LOAD_MAX) {
		char why[128];
		(void)snprintf(
		    why, sizeof(why),
		    "standard input holds more than %zu bytes (64 MiB): expected at most "
		    "that for an option ROM",
		    ROM_LOAD_MAX);
		free(buf);
		return fail(LOAD_TOO_LARGE, err, errcap, name, why);
	}
	if (got == 0) {
		free(buf);
		return fail(LOAD_EMPTY, err, errcap, name, "empty standard input (0 bytes)");
	}
	*data = buf;
	*len = got;
	return LOAD_OK;
}
