/* Nothing left behind (patcher/cleanup.h, patcher/write.c): a write that
 * fails for lack of space leaves no temporary file and, for --in-place, no
 * .bak (so a retry is not refused on it); a process killed by SIGTERM or
 * SIGINT while it writes or fsyncs removes its temporary file; registered
 * folders go after the files in them. */
#include "patcher/cleanup.h"
#include "patcher/write.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-cleanup");
}

TestSuite(cleanup, .init = make_tmp, .fini = tmp_remove);

static void ready_rom(struct rb *b, size_t blocks)
{
	rb_init(b);
	rb_add_x86(b, 0x1af4, 0x1000, blocks, true);
}

/* A disk that fills after `room` bytes, as write(2) reports it. */
static size_t room;
static ssize_t full_write(int fd, const void *buf, size_t n)
{
	if (room == 0) {
		errno = ENOSPC;
		return -1;
	}
	if (n > room)
		n = room;
	room -= n;
	return write(fd, buf, n);
}

static bool file_is(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(len + 1);
	size_t got = f ? fread(buf, 1, len + 1, f) : 0;
	bool same = f && got == len && memcmp(buf, data, len) == 0;
	if (f)
		fclose(f);
	free(buf);
	return same;
}

Test(cleanup, full_disk_in_place_leaves_no_bak_and_no_temp_and_the_retry_works)
{
	struct rb orig, fixed;
	char err[1024], in[4096], bak[4200];
	struct patch_io_hooks h = {.write_fn = full_write};
	ready_rom(&fixed, 16);
	rb_init(&orig);
	rb_append(&orig, fixed.data, fixed.len);
	rb_prepend_pattern(&orig, 0x400, 3);
	(void)snprintf(in, sizeof(in), "%s", tmp_path("card.rom"));
	(void)snprintf(bak, sizeof(bak), "%s.bak", in);
	cr_assert(rb_write_file(&orig, in));
	patch_set_io_hooks(&h);
	/* the disk fills while the new content is written, then while the
	 * .bak is (after the new file was staged) */
	for (size_t r = 0; r < 2; r++) {
		room = r == 0 ? 1000 : fixed.len + 100;
		cr_assert_eq(patch_write_in_place(in, orig.data, orig.len, fixed.data, fixed.len,
		                                  false, false, err, sizeof(err)),
		             PATCH_WRITE_IO, "%s", err);
		cr_expect_not_null(strstr(err, "No space left"), "%s", err);
		cr_expect_neq(access(bak, F_OK), 0, "round %zu: a .bak was left behind", r);
		cr_expect_eq(tmp_count_entries(tmp_dir()), 1, "round %zu: a temporary file is left",
		             r);
		cr_expect(file_is(in, orig.data, orig.len), "round %zu: the input changed", r);
	}
	/* space again: the retry is not refused on a stale .bak */
	patch_set_io_hooks(NULL);
	cr_assert_eq(patch_write_in_place(in, orig.data, orig.len, fixed.data, fixed.len, false,
	                                  false, err, sizeof(err)),
	             PATCH_WRITE_OK, "%s", err);
	cr_expect(file_is(bak, orig.data, orig.len));
	cr_expect(file_is(in, fixed.data, fixed.len));
	rb_free(&orig);
	rb_free(&fixed);
}

/* In a child: the cleanup handlers on, then a write whose write(2) or
 * fsync(2) is interrupted by sig. The child must die of sig with nothing of
 * its write left in the folder. */
static int kill_sig;
static ssize_t write_then_die(int fd, const void *buf, size_t n)
{
	ssize_t w = write(fd, buf, n / 2 ? n / 2 : n);
	(void)raise(kill_sig);
	return w;
}
static int fsync_then_die(int fd)
{
	(void)fd;
	(void)raise(kill_sig);
	return 0;
}

static void killed_during(bool in_fsync, int sig)
{
	struct rb b;
	pid_t pid;
	int status;
	ready_rom(&b, 8);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char err[1024];
		struct patch_io_hooks h = {0};
		struct patch_write_opts o = {false, true};
		if (in_fsync)
			h.fsync_fn = fsync_then_die;
		else
			h.write_fn = write_then_die;
		kill_sig = sig;
		patch_cleanup_install();
		patch_set_io_hooks(&h);
		(void)patch_write_file(tmp_path("out.rom"), b.data, b.len, &o, err, sizeof(err));
		_exit(0); /* not reached: the signal ends the child */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == sig,
	          "the child was not ended by signal %d (status 0x%x)", sig, status);
	cr_expect_eq(tmp_count_entries(tmp_dir()), 0, "a temporary file was left behind");
	rb_free(&b);
}

Test(cleanup, sigterm_during_write_removes_the_temporary_file)
{
	killed_during(false, SIGTERM);
}

Test(cleanup, sigint_during_fsync_removes_the_temporary_file)
{
	killed_during(true, SIGINT);
}

Test(cleanup, registered_folder_goes_after_its_files)
{
	pid_t pid;
	int status;
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char d[4096], f[4200];
		FILE *fp;
		(void)snprintf(d, sizeof(d), "%s", tmp_path(".x.tmp-folder"));
		(void)snprintf(f, sizeof(f), "%s/index.yaml", d);
		patch_cleanup_install();
		if (mkdir(d, 0755) != 0)
			_exit(10);
		(void)patch_cleanup_add(d, true);
		fp = fopen(f, "w");
		if (!fp)
			_exit(11);
		fclose(fp);
		(void)patch_cleanup_add(f, false);
		(void)raise(SIGTERM);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status 0x%x", status);
	cr_expect_eq(tmp_count_entries(tmp_dir()), 0, "the folder or its file is left");
}

Test(cleanup, forgotten_paths_are_not_removed)
{
	int id;
	FILE *fp = fopen(tmp_path("keep.rom"), "w");
	cr_assert_not_null(fp);
	fclose(fp);
	id = patch_cleanup_add(tmp_path("keep.rom"), false);
	cr_assert_geq(id, 0);
	patch_cleanup_forget(id);
	/* every slot can be taken and given back */
	for (int i = 0; i < PATCH_CLEANUP_SLOTS; i++)
		cr_assert_geq(patch_cleanup_add("/nonexistent/x", false), 0);
	cr_expect_eq(patch_cleanup_add("/nonexistent/x", false), -1);
	for (int i = 0; i < PATCH_CLEANUP_SLOTS; i++)
		patch_cleanup_forget(i);
	cr_expect_eq(access(tmp_path("keep.rom"), F_OK), 0);
}
