#include "patcher/write.h"

#include "analyzer/analyze.h"
#include "input/load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct patch_io_hooks hooks;

void patch_set_io_hooks(const struct patch_io_hooks *h)
{
	if (h)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof(hooks));
}

static int do_fsync(int fd)
{
	return hooks.fsync_fn ? hooks.fsync_fn(fd) : fsync(fd);
}

static int do_rename(const char *from, const char *to)
{
	return hooks.rename_fn ? hooks.rename_fn(from, to) : rename(from, to);
}

static int do_link(const char *from, const char *to)
{
	return hooks.link_fn ? hooks.link_fn(from, to) : link(from, to);
}

/* err is one line for the user. Callers size it for the longest message,
 * which names two paths (2 * PATH_MAX); with a smaller buffer the message,
 * never a path that is used, is cut. */
static void say(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!err || !cap)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

/* Splits path into its folder ("." when none) and its last component. */
static bool split_path(const char *path, char *dir, size_t dcap, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	if (!slash) {
		*base = path;
		return snprintf(dir, dcap, ".") < (int)dcap;
	}
	*base = slash + 1;
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1; /* "/name": the root folder */
	if (n >= dcap)
		return false;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return true;
}

bool patch_write_path_fits(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dlen = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	/* dir + "/." + base + ".tmp-XXXXXX", as patch_write_file makes it */
	return strlen(path) < PATH_MAX && dlen + 2 + strlen(base) + 11 < PATH_MAX;
}

bool patch_default_output(const char *in, char *out, size_t cap)
{
	const char *slash = strrchr(in, '/');
	const char *base = slash ? slash + 1 : in;
	const char *dot = strrchr(base, '.');
	int n;
	if (*base == '\0')
		return false;
	if (!dot || dot == base) /* no extension, or a dot file such as ".rom" */
		n = snprintf(out, cap, "%s.fixed", in);
	else
		n = snprintf(out, cap, "%.*s.fixed%s", (int)(dot - in), in, dot);
	return n > 0 && (size_t)n < cap;
}

static bool write_all(int fd, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		data += w;
		len -= (size_t)w;
	}
	return true;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY);
	if (fd < 0)
		return;
	(void)do_fsync(fd); /* best effort: some file systems refuse it */
	(void)close(fd);
}

/* Re-reads tmp and checks it against what was meant to be written. */
static enum patch_write_status verify(const char *path, const char *tmp, const uint8_t *data,
                                      size_t len, bool require_ready, char *err, size_t cap)
{
	uint8_t *back = NULL;
	size_t blen = 0;
	char lerr[512];
	struct rom_analysis *r;
	enum patch_write_status st = PATCH_WRITE_OK;
	if (rom_load_file(tmp, &back, &blen, lerr, sizeof(lerr)) != LOAD_OK) {
		say(err, cap, "%s: re-reading the temporary file failed: %s", path, lerr);
		return PATCH_WRITE_VERIFY;
	}
	if (blen != len || memcmp(back, data, len) != 0) {
		say(err, cap,
		    "%s: the temporary file reads back %zu bytes that differ from the %zu "
		    "written",
		    path, blen, len);
		free(back);
		return PATCH_WRITE_VERIFY;
	}
	if (require_ready) {
		r = rom_analyze(back, blen, path);
		if (!r) {
			free(back);
			say(err, cap, "%s: out of memory while re-analyzing", path);
			return PATCH_WRITE_IO;
		}
		if (r->verdict != VERDICT_READY) {
			const struct finding *f =
			    finding_first_at_least(&r->findings, SEVERITY_WARNING);
			say(err, cap, "%s: the written ROM re-analyzes as %s, not ready%s%s", path,
			    report_verdict_name(r->verdict), f ? ": " : "", f ? f->message : "");
			st = PATCH_WRITE_NOT_READY;
		}
		rom_analysis_free(r);
	}
	free(back);
	return st;
}

static mode_t file_mode(void)
{
	mode_t m = umask(0);
	(void)umask(m);
	return (mode_t)(0666 & ~m);
}

static enum patch_write_status write_file(const char *path, const uint8_t *data, size_t len,
                                          const struct patch_write_opts *o, bool known_ready,
                                          char *err, size_t errcap)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	struct stat st;
	enum patch_write_status ws;
	int fd, e, n;
	if (err && errcap)
		err[0] = '\0';
	/* A path that does not fit is an error, never a shorter path: a cut
	 * name would write somewhere else. */
	if (strlen(path) >= PATH_MAX) {
		say(err, errcap, "%s: path too long (over %d bytes); nothing written", path,
		    PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	if (!patch_write_path_fits(path)) {
		say(err, errcap,
		    "%s: path too long: its temporary file name would be over %d bytes; nothing "
		    "written",
		    path, PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	if (!split_path(path, dir, sizeof(dir), &base) || *base == '\0') {
		say(err, errcap, "%s: not a file name", path);
		return PATCH_WRITE_DIR;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		say(err, errcap, "%s: the folder %s does not exist", path, dir);
		return PATCH_WRITE_DIR;
	}
	if (!o->force && lstat(path, &st) == 0) {
		say(err, errcap, "%s: already exists; use --force to replace it", path);
		return PATCH_WRITE_EXISTS;
	}
	n = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, base);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		say(err, errcap,
		    "%s: path too long: its temporary file name would be over %d bytes; nothing "
		    "written",
		    path, PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		say(err, errcap, "%s: cannot create a file in the folder %s: %s", path, dir,
		    strerror(e));
		return PATCH_WRITE_DIR;
	}
	(void)fchmod(fd, file_mode());
	if (!write_all(fd, data, len)) {
		e = errno;
		(void)close(fd);
		(void)unlink(tmp);
		say(err, errcap, "%s: writing %zu bytes failed: %s", path, len, strerror(e));
		return PATCH_WRITE_IO;
	}
	if (do_fsync(fd) != 0) {
		e = errno;
		(void)close(fd);
		(void)unlink(tmp);
		say(err, errcap, "%s: fsync failed: %s; nothing was replaced", path, strerror(e));
		return PATCH_WRITE_IO;
	}
	if (close(fd) != 0) {
		e = errno;
		(void)unlink(tmp);
		say(err, errcap, "%s: close failed: %s; nothing was replaced", path, strerror(e));
		return PATCH_WRITE_IO;
	}
	/* Bytes equal to ones already found ready need no second analysis. */
	ws = verify(path, tmp, data, len, o->require_ready && !known_ready, err, errcap);
	if (ws != PATCH_WRITE_OK) {
		(void)unlink(tmp);
		return ws;
	}
	if (o->force) {
		if (do_rename(tmp, path) != 0) {
			e = errno;
			(void)unlink(tmp);
			say(err, errcap,
			    "%s: rename from the temporary file failed: %s; nothing "
			    "was replaced",
			    path, strerror(e));
			return PATCH_WRITE_IO;
		}
	} else if (do_link(tmp, path) != 0) {
		e = errno;
		if (e == EEXIST) {
			(void)unlink(tmp);
			say(err, errcap, "%s: already exists; use --force to replace it", path);
			return PATCH_WRITE_EXISTS;
		}
		/* No hard links on this file system (vfat, some FUSE): the
		 * existence check above has to do; rename publishes. */
		if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == EMLINK) {
			if (lstat(path, &st) == 0) {
				(void)unlink(tmp);
				say(err, errcap, "%s: already exists; use --force to replace it",
				    path);
				return PATCH_WRITE_EXISTS;
			}
			if (do_rename(tmp, path) == 0)
				goto published;
			e = errno;
		}
		(void)unlink(tmp);
		say(err, errcap,
		    "%s: publishing the temporary file failed: %s; nothing was "
		    "written",
		    path, strerror(e));
		return PATCH_WRITE_IO;
	} else {
		(void)unlink(tmp);
	}
published:
	sync_dir(dir);
	return PATCH_WRITE_OK;
}

enum patch_write_status patch_write_file(const char *path, const uint8_t *data, size_t len,
                                         const struct patch_write_opts *o, char *err, size_t errcap)
{
	return write_file(path, data, len, o, false, err, errcap);
}

enum patch_write_status patch_write_file_ready(const char *path, const uint8_t *data, size_t len,
                                               bool force, char *err, size_t errcap)
{
	struct patch_write_opts o = {force, true};
	return write_file(path, data, len, &o, true, err, errcap);
}

enum patch_write_status patch_write_in_place(const char *path, const uint8_t *orig, size_t orig_len,
                                             const uint8_t *data, size_t len, bool force, char *err,
                                             size_t errcap)
{
	char bak[PATH_MAX];
	struct patch_write_opts bo = {force, false};
	struct patch_write_opts fo = {true, true};
	enum patch_write_status st;
	int n = snprintf(bak, sizeof(bak), "%s.bak", path);
	if (n < 0 || (size_t)n >= sizeof(bak)) {
		say(err, errcap,
		    "%s: path too long: %s.bak would be over %d bytes; nothing written", path, path,
		    PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	st = patch_write_file(bak, orig, orig_len, &bo, err, errcap);
	if (st != PATCH_WRITE_OK)
		return st;
	return patch_write_file(path, data, len, &fo, err, errcap);
}
