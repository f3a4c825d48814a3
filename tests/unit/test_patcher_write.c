/* The safe writer: temp file, fsync, re-read, re-analyze, publish. Failing
 * system calls are simulated through patch_set_io_hooks; the destination
 * must then be exactly as before and no temporary file may be left. */
#include "patcher/patch.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/optrom-write-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	patch_set_io_hooks(NULL);
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	patch_set_io_hooks(NULL);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		(void)unlink(p);
	}
	closedir(d);
	(void)rmdir(dir);
}

static size_t count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void path_of(char *out, size_t cap, const char *name)
{
	(void)snprintf(out, cap, "%s/%s", dir, name);
}

static bool file_equals(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(len + 1);
	size_t n;
	bool ok;
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return false;
	}
	n = fread(buf, 1, len + 1, f);
	fclose(f);
	ok = n == len && memcmp(buf, data, len) == 0;
	free(buf);
	return ok;
}

static void ready_rom(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(b, 0x10de, 0x1c02, 4, true);
}

static int fail_fsync(int fd)
{
	struct stat st;
	/* fail for the file, not for the folder sync */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int fail_rename(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EIO;
	return -1;
}

static int fail_link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EIO;
	return -1;
}

TestSuite(patcher_write, .init = setup, .fini = teardown);

Test(patcher_write, writes_a_ready_rom_and_leaves_no_temp_file)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {false, true};
	ready_rom(&b);
	path_of(out, sizeof(out), "card.fixed.rom");
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_OK,
	             "%s", err);
	cr_assert(file_equals(out, b.data, b.len));
	cr_assert_eq(count_entries(), 1);
	rb_free(&b);
}

Test(patcher_write, existing_output_needs_force)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {false, true};
	ready_rom(&b);
	path_of(out, sizeof(out), "x.rom");
	cr_assert(rb_write_file(&(struct rb){(uint8_t *)"old", 3}, out));
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)),
	             PATCH_WRITE_EXISTS);
	cr_assert_not_null(strstr(err, "--force"));
	cr_assert(file_equals(out, (const uint8_t *)"old", 3));
	o.force = true;
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_OK);
	cr_assert(file_equals(out, b.data, b.len));
	cr_assert_eq(count_entries(), 1);
	rb_free(&b);
}

Test(patcher_write, failing_fsync_leaves_old_output_untouched)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {true, true};
	struct patch_io_hooks h = {.fsync_fn = fail_fsync};
	ready_rom(&b);
	path_of(out, sizeof(out), "x.rom");
	cr_assert(rb_write_file(&(struct rb){(uint8_t *)"old", 3}, out));
	patch_set_io_hooks(&h);
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_IO);
	cr_assert_not_null(strstr(err, "fsync"), "%s", err);
	cr_assert(file_equals(out, (const uint8_t *)"old", 3));
	cr_assert_eq(count_entries(), 1, "temporary file left behind");
	rb_free(&b);
}

Test(patcher_write, failing_rename_leaves_old_output_untouched)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {true, true};
	struct patch_io_hooks h = {.rename_fn = fail_rename};
	ready_rom(&b);
	path_of(out, sizeof(out), "x.rom");
	cr_assert(rb_write_file(&(struct rb){(uint8_t *)"old", 3}, out));
	patch_set_io_hooks(&h);
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_IO);
	cr_assert(file_equals(out, (const uint8_t *)"old", 3));
	cr_assert_eq(count_entries(), 1);
	rb_free(&b);
}

Test(patcher_write, failing_link_creates_nothing)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {false, true};
	struct patch_io_hooks h = {.link_fn = fail_link};
	ready_rom(&b);
	path_of(out, sizeof(out), "new.rom");
	patch_set_io_hooks(&h);
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_IO);
	cr_assert_neq(access(out, F_OK), 0);
	cr_assert_eq(count_entries(), 0);
	rb_free(&b);
}

Test(patcher_write, not_ready_rom_is_not_published)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {false, true};
	ready_rom(&b);
	b.data[0x100] ^= 1; /* bad checksum */
	path_of(out, sizeof(out), "bad.rom");
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)),
	             PATCH_WRITE_NOT_READY);
	cr_assert_not_null(strstr(err, "not ready"), "%s", err);
	cr_assert_eq(count_entries(), 0);
	rb_free(&b);
}

Test(patcher_write, missing_folder_is_one_clear_error)
{
	struct rb b;
	char out[512], err[512];
	struct patch_write_opts o = {false, true};
	ready_rom(&b);
	path_of(out, sizeof(out), "nope/x.rom");
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_DIR);
	cr_assert_not_null(strstr(err, "does not exist"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
	rb_free(&b);
}

Test(patcher_write, read_only_folder_is_one_clear_error)
{
	struct rb b;
	char sub[512], out[600], err[512];
	struct patch_write_opts o = {false, true};
	ready_rom(&b);
	if (geteuid() == 0) {
		/* root writes through mode bits; sysfs refuses new files even
		 * to root, which is the same failure path */
		(void)snprintf(sub, sizeof(sub), "/sys");
	} else {
		path_of(sub, sizeof(sub), "ro");
		cr_assert_eq(mkdir(sub, 0555), 0);
	}
	(void)snprintf(out, sizeof(out), "%s/x.rom", sub);
	cr_assert_eq(patch_write_file(out, b.data, b.len, &o, err, sizeof(err)), PATCH_WRITE_DIR);
	cr_assert_not_null(strstr(err, "cannot create"), "%s", err);
	if (geteuid() != 0)
		(void)rmdir(sub);
	rb_free(&b);
}

Test(patcher_write, in_place_keeps_a_correct_backup)
{
	struct rb orig, fixed;
	char in[512], bak[600], err[512];
	ready_rom(&fixed);
	rb_init(&orig);
	rb_append(&orig, fixed.data, fixed.len);
	rb_prepend_pattern(&orig, 0x321, 9);
	path_of(in, sizeof(in), "card.rom");
	(void)snprintf(bak, sizeof(bak), "%s.bak", in);
	cr_assert(rb_write_file(&orig, in));
	cr_assert_eq(patch_write_in_place(in, orig.data, orig.len, fixed.data, fixed.len, false,
	                                  false, err, sizeof(err)),
	             PATCH_WRITE_OK, "%s", err);
	cr_assert(file_equals(bak, orig.data, orig.len));
	cr_assert(file_equals(in, fixed.data, fixed.len));
	/* A second run without --force must not replace the backup. */
	cr_assert_eq(patch_write_in_place(in, fixed.data, fixed.len, fixed.data, fixed.len, false,
	                                  false, err, sizeof(err)),
	             PATCH_WRITE_EXISTS);
	cr_assert(file_equals(bak, orig.data, orig.len));
	rb_free(&orig);
	rb_free(&fixed);
}

Test(patcher_write, in_place_interrupted_leaves_input_untouched)
{
	struct rb orig, fixed;
	char in[512], err[512];
	struct patch_io_hooks h = {.rename_fn = fail_rename};
	ready_rom(&fixed);
	rb_init(&orig);
	rb_append(&orig, fixed.data, fixed.len);
	rb_prepend_pattern(&orig, 0x40, 9);
	path_of(in, sizeof(in), "card.rom");
	cr_assert(rb_write_file(&orig, in));
	patch_set_io_hooks(&h);
	cr_assert_eq(patch_write_in_place(in, orig.data, orig.len, fixed.data, fixed.len, false,
	                                  false, err, sizeof(err)),
	             PATCH_WRITE_IO, "%s", err);
	cr_assert(file_equals(in, orig.data, orig.len));
	rb_free(&orig);
	rb_free(&fixed);
}
