/* optrom-seam: the optrom binary built from the same objects plus this
 * file, which drives the sysfs seam (input/sysfs.h, host_set_ops) from the
 * environment, so that the CLI tests (tests/cli/test_host_seam.c) show what
 * `optrom dump` says and does on the failures a real rom attribute gives
 * and a plain file cannot: a refused open (not root: the tests run as
 * root, who passes every mode bit), EIO on a read, at once or half-way, a
 * failing disable, a signal that arrives while a read waits. Built for the
 * tests only, never installed; the optrom binary carries none of it.
 *
 * OPTROM_SEAM_LOG=FILE   every write to the rom attribute is appended to
 *                        FILE instead ("1\n", then "0\n"): the attribute
 *                        (a plain file of the fake tree) keeps the ROM's
 *                        bytes, and the test reads what was written, in
 *                        order; "open-w\n", "open-r\n" and "close\n" are
 *                        logged too, so the test sees the whole sequence
 *                        and each descriptor closed
 * OPTROM_SEAM=MODE[,MODE]
 *   refuse-write=ERRNO   opening the attribute for writing fails with that
 *                        errno number (13 EACCES: what a non-root user gets)
 *   eio-at=N             the Nth read fails with EIO (1: the kernel maps no
 *                        ROM; 2: half-way, after one 4 KiB chunk)
 *   fail-write=N         the Nth write fails with EIO (2: the disable)
 *   block-at=N           the Nth read waits until a signal arrives, then
 *                        fails with EINTR as the real read does (no
 *                        SA_RESTART); before waiting it creates the file
 *                        OPTROM_SEAM_LOG.reading for the test to see
 */
#include "input/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int refuse_write, eio_at, fail_write, block_at, reads, writes;
static const char *log_path;

static void log_bytes(const void *buf, size_t n)
{
	FILE *f = log_path ? fopen(log_path, "ab") : NULL;
	if (!f)
		return;
	(void)fwrite(buf, 1, n, f);
	(void)fclose(f);
}

static int seam_open(const char *path, int flags)
{
	bool w = (flags & O_ACCMODE) == O_WRONLY;
	log_bytes(w ? "open-w\n" : "open-r\n", 7);
	if (w && refuse_write) {
		errno = refuse_write;
		return -1;
	}
	/* Writes only go to the log: the attribute is opened for reading. */
	return open(path, O_RDONLY | O_CLOEXEC);
}

static ssize_t seam_write(int fd, const void *buf, size_t n)
{
	(void)fd;
	log_bytes(buf, n);
	if (++writes == fail_write) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

/* Waits for SIGINT, SIGTERM or SIGHUP without a window where one could be
 * missed: blocked first, then pselect unblocks and waits in one step. */
static void wait_for_signal(void)
{
	sigset_t block, old;
	char marker[4200];
	FILE *f;
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	(void)snprintf(marker, sizeof(marker), "%s.reading", log_path ? log_path : "/dev/null");
	f = fopen(marker, "w");
	if (f)
		(void)fclose(f);
	(void)pselect(0, NULL, NULL, NULL, NULL, &old);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
}

static ssize_t seam_read(int fd, void *buf, size_t n)
{
	++reads;
	if (reads == eio_at) {
		errno = EIO;
		return -1;
	}
	if (reads == block_at) {
		wait_for_signal();
		errno = EINTR;
		return -1;
	}
	return read(fd, buf, n);
}

static int seam_close(int fd)
{
	log_bytes("close\n", 6);
	return close(fd);
}

static int mode(const char *spec, const char *name)
{
	const char *p = strstr(spec ? spec : "", name);
	return p ? atoi(p + strlen(name)) : 0;
}

__attribute__((constructor)) static void seam_install(void)
{
	static const struct host_ops ops = {seam_open, seam_read, seam_write, seam_close};
	const char *spec = getenv("OPTROM_SEAM");
	log_path = getenv("OPTROM_SEAM_LOG");
	refuse_write = mode(spec, "refuse-write=");
	eio_at = mode(spec, "eio-at=");
	fail_write = mode(spec, "fail-write=");
	block_at = mode(spec, "block-at=");
	host_set_ops(&ops);
}
