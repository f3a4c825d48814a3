#include "patcher/write.h"

#include "analyzer/analyze.h"
#include "input/load.h"
#include "patcher/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Per thread: a test's hooks never reach another thread's writes. */
static _Thread_local struct patch_io_hooks hooks;

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

static ssize_t do_write(int fd, const void *buf, size_t n)
{
	return hooks.write_fn ? hooks.write_fn(fd, buf, n) : write(fd, buf, n);
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
		ssize_t w = do_write(fd, data, len);
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

/* Creates "dir/.base.tmp-XXXXXX" with O_EXCL and mode 0666, which the
 * kernel masks with the process umask: the file gets the mode any new file
 * gets, without reading the umask (umask(0) then back would change it for
 * every thread for a moment). The suffix mixes the time, the process, a
 * counter and the stack address; an existing name is retried. */
static int create_temp(char *tmp)
{
	static _Atomic unsigned long counter;
	static const char letters[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(tmp);
	char *x = tmp + len - 6;
	for (int attempt = 0; attempt < 1000; attempt++) {
		struct timespec ts;
		uint64_t v;
		int fd;
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		    ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)&ts ^
		    (uint64_t)++counter * 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 6; i++) {
			x[i] = letters[v % (sizeof(letters) - 1)];
			v /= sizeof(letters) - 1;
		}
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* A written, fsynced and verified temporary file beside a destination. */
struct staged {
	char dir[PATH_MAX], tmp[PATH_MAX];
	int cleanup; /* its slot in patcher/cleanup.c */
};

static void unstage(struct staged *sg)
{
	(void)unlink(sg->tmp);
	patch_cleanup_forget(sg->cleanup);
	sg->cleanup = -1;
}

/* Steps 1-3 of write.h: tmp holds the bytes, fsynced, read back and (with
 * require_ready) re-analyzed; on failure it is gone and err says why. */
static enum patch_write_status stage(const char *path, const uint8_t *data, size_t len,
                                     const struct patch_write_opts *o, bool known_ready,
                                     struct staged *sg, char *err, size_t errcap)
{
	const char *base;
	struct stat st;
	enum patch_write_status ws;
	int fd, e, n;
	char ebuf[128];
	sg->cleanup = -1;
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
	if (!split_path(path, sg->dir, sizeof(sg->dir), &base) || *base == '\0') {
		say(err, errcap, "%s: not a file name", path);
		return PATCH_WRITE_DIR;
	}
	if (stat(sg->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		say(err, errcap, "%s: the folder %s does not exist", path, sg->dir);
		return PATCH_WRITE_DIR;
	}
	if (!o->force && lstat(path, &st) == 0) {
		say(err, errcap, "%s: already exists; use --force to replace it", path);
		return PATCH_WRITE_EXISTS;
	}
	n = snprintf(sg->tmp, sizeof(sg->tmp), "%s/.%s.tmp-XXXXXX", sg->dir, base);
	if (n < 0 || (size_t)n >= sizeof(sg->tmp)) {
		say(err, errcap,
		    "%s: path too long: its temporary file name would be over %d bytes; nothing "
		    "written",
		    path, PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	fd = create_temp(sg->tmp);
	if (fd < 0) {
		e = errno;
		say(err, errcap, "%s: cannot create a file in the folder %s: %s", path, sg->dir,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_DIR;
	}
	/* From here until it is published or removed, a signal removes it. */
	sg->cleanup = patch_cleanup_add(sg->tmp, false);
	if (!write_all(fd, data, len)) {
		e = errno;
		(void)close(fd);
		unstage(sg);
		say(err, errcap, "%s: writing %zu bytes failed: %s; nothing was replaced", path,
		    len, load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	if (do_fsync(fd) != 0) {
		e = errno;
		(void)close(fd);
		unstage(sg);
		say(err, errcap, "%s: fsync failed: %s; nothing was replaced", path,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	if (close(fd) != 0) {
		e = errno;
		unstage(sg);
		say(err, errcap, "%s: close failed: %s; nothing was replaced", path,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	/* Bytes equal to ones already found ready need no second analysis. */
	ws = verify(path, sg->tmp, data, len, o->require_ready && !known_ready, err, errcap);
	if (ws != PATCH_WRITE_OK)
		unstage(sg);
	return ws;
}

/* Step 4: the staged file becomes path (replacing it with force, else only
 * when path does not exist); the staged name is gone either way. */
static enum patch_write_status publish(struct staged *sg, const char *path, bool force, char *err,
                                       size_t errcap)
{
	struct stat st;
	char ebuf[128];
	int e;
	if (force) {
		if (do_rename(sg->tmp, path) != 0) {
			e = errno;
			unstage(sg);
			say(err, errcap,
			    "%s: rename from the temporary file failed: %s; nothing "
			    "was replaced",
			    path, load_strerror(e, ebuf, sizeof(ebuf)));
			return PATCH_WRITE_IO;
		}
	} else if (do_link(sg->tmp, path) != 0) {
		e = errno;
		if (e == EEXIST) {
			unstage(sg);
			say(err, errcap, "%s: already exists; use --force to replace it", path);
			return PATCH_WRITE_EXISTS;
		}
		/* No hard links on this file system (vfat, some FUSE): the
		 * existence check above has to do; rename publishes. */
		if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == EMLINK) {
			if (lstat(path, &st) == 0) {
				unstage(sg);
				say(err, errcap, "%s: already exists; use --force to replace it",
				    path);
				return PATCH_WRITE_EXISTS;
			}
			if (do_rename(sg->tmp, path) == 0)
				goto published;
			e = errno;
		}
		unstage(sg);
		say(err, errcap,
		    "%s: publishing the temporary file failed: %s; nothing was "
		    "written",
		    path, load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	} else {
		unstage(sg);
	}
published:
	patch_cleanup_forget(sg->cleanup);
	sg->cleanup = -1;
	sync_dir(sg->dir);
	return PATCH_WRITE_OK;
}

enum patch_write_status patch_write_file(const char *path, const uint8_t *data, size_t len,
                                         const struct patch_write_opts *o, char *err, size_t errcap)
{
	struct staged sg;
	enum patch_write_status ws;
	if (err && errcap)
		err[0] = '\0';
	ws = stage(path, data, len, o, false, &sg, err, errcap);
	if (ws != PATCH_WRITE_OK)
		return ws;
	return publish(&sg, path, o->force, err, errcap);
}

enum patch_write_status patch_write_file_ready(const char *path, const uint8_t *data, size_t len,
                                               bool force, char *err, size_t errcap)
{
	struct patch_write_opts o = {force, true};
	struct staged sg;
	enum patch_write_status ws;
	if (err && errcap)
		err[0] = '\0';
	ws = stage(path, data, len, &o, true, &sg, err, errcap);
	if (ws != PATCH_WRITE_OK)
		return ws;
	return publish(&sg, path, o.force, err, errcap);
}

enum patch_write_status patch_write_in_place(const char *path, const uint8_t *orig, size_t orig_len,
                                             const uint8_t *data, size_t len, bool known_ready,
                                             bool force, char *err, size_t errcap)
{
	char bak[PATH_MAX];
	struct patch_write_opts bo = {force, false};
	struct patch_write_opts fo = {true, true};
	struct staged sg;
	enum patch_write_status st;
	int n = snprintf(bak, sizeof(bak), "%s.bak", path);
	if (err && errcap)
		err[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof(bak)) {
		say(err, errcap,
		    "%s: path too long: %s.bak would be over %d bytes; nothing written", path, path,
		    PATH_MAX - 1);
		return PATCH_WRITE_DIR;
	}
	/* An existing .bak is refused before anything is written. */
	if (!force && access(bak, F_OK) == 0) {
		say(err, errcap, "%s: already exists; use --force to replace it", bak);
		return PATCH_WRITE_EXISTS;
	}
	/* 1. the new content, safely on disk (not yet in place): a full disk
	 *    fails here, before any .bak exists; */
	st = stage(path, data, len, &fo, known_ready, &sg, err, errcap);
	if (st != PATCH_WRITE_OK)
		return st;
	/* 2. the original as .bak (the safe way); */
	st = patch_write_file(bak, orig, orig_len, &bo, err, errcap);
	if (st != PATCH_WRITE_OK) {
		unstage(&sg);
		return st;
	}
	/* 3. the new content over IN. If that fails, IN is the original still
	 *    and the .bak this call made is removed, so a retry starts clean. */
	st = publish(&sg, path, true, err, errcap);
	if (st != PATCH_WRITE_OK)
		(void)unlink(bak);
	return st;
}

void *patch_stream_open(struct patch_stream *ps, const char *path, bool force, char *err,
                        size_t errcap)
{
	const char *base;
	struct stat st;
	char ebuf[128];
	int fd, n;
	FILE *f;
	memset(ps, 0, sizeof(*ps));
	ps->force = force;
	if (strlen(path) >= sizeof(ps->path) || !patch_write_path_fits(path) ||
	    !split_path(path, ps->dir, sizeof(ps->dir), &base) || *base == '\0') {
		say(err, errcap, "%s: not a usable file name (too long, or a folder)", path);
		return NULL;
	}
	memcpy(ps->path, path, strlen(path) + 1);
	if (stat(ps->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		say(err, errcap, "%s: the folder %s does not exist", path, ps->dir);
		return NULL;
	}
	if (!force && lstat(path, &st) == 0) {
		say(err, errcap, "%s: already exists; use --force to replace it", path);
		return NULL;
	}
	n = snprintf(ps->tmp, sizeof(ps->tmp), "%s/.%s.tmp-XXXXXX", ps->dir, base);
	if (n < 0 || (size_t)n >= sizeof(ps->tmp)) {
		say(err, errcap, "%s: path too long for its temporary file", path);
		return NULL;
	}
	fd = create_temp(ps->tmp);
	if (fd < 0) {
		say(err, errcap, "%s: cannot create a file in the folder %s: %s", path, ps->dir,
		    load_strerror(errno, ebuf, sizeof(ebuf)));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		say(err, errcap, "%s: %s", path, load_strerror(errno, ebuf, sizeof(ebuf)));
		(void)close(fd);
		(void)unlink(ps->tmp);
		return NULL;
	}
	ps->file = f;
	return f;
}

void patch_stream_abort(struct patch_stream *ps)
{
	if (!ps->file)
		return;
	(void)fclose(ps->file);
	(void)unlink(ps->tmp);
	ps->file = NULL;
}

enum patch_write_status patch_stream_commit(struct patch_stream *ps, char *err, size_t errcap)
{
	FILE *f = ps->file;
	char ebuf[128];
	int e;
	if (!f) {
		say(err, errcap, "%s: nothing to publish", ps->path);
		return PATCH_WRITE_IO;
	}
	if (fflush(f) != 0 || ferror(f) || do_fsync(fileno(f)) != 0) {
		e = errno;
		patch_stream_abort(ps);
		say(err, errcap, "%s: writing failed: %s; nothing was replaced", ps->path,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	ps->file = NULL;
	if (fclose(f) != 0) {
		e = errno;
		(void)unlink(ps->tmp);
		say(err, errcap, "%s: close failed: %s; nothing was replaced", ps->path,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	if (ps->force ? do_rename(ps->tmp, ps->path) != 0 : do_link(ps->tmp, ps->path) != 0) {
		e = errno;
		(void)unlink(ps->tmp);
		if (e == EEXIST) {
			say(err, errcap, "%s: already exists; use --force to replace it", ps->path);
			return PATCH_WRITE_EXISTS;
		}
		say(err, errcap,
		    "%s: publishing the temporary file failed: %s; nothing was written", ps->path,
		    load_strerror(e, ebuf, sizeof(ebuf)));
		return PATCH_WRITE_IO;
	}
	if (!ps->force)
		(void)unlink(ps->tmp);
	sync_dir(ps->dir);
	return PATCH_WRITE_OK;
}
