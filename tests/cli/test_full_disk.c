/* Nothing left behind by the binary: on a full file system (a 64 KiB tmpfs,
 * mounted when the test runs as root; skipped visibly otherwise) fix,
 * fix --in-place and extract fail with one line, exit 2, and leave the
 * folder as it was (no temporary file, no .bak, no partial folder), and a
 * retry of --in-place fails the same way rather than on a stale .bak; on a
 * truncated ROM fix writes nothing and extract leaves no temporary folder. */
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char mnt[4096];

static void setup(void)
{
	tmp_make("optrom-full");
	(void)snprintf(mnt, sizeof(mnt), "%s/full", tmp_dir());
	cr_assert_eq(mkdir(mnt, 0755), 0);
}

static void teardown(void)
{
	(void)umount(mnt);
	tmp_remove();
}

TestSuite(full_disk, .init = setup, .fini = teardown);

static bool mount_small(void)
{
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") == 0)
		return true;
	expect_note_skip("full_disk: cannot mount a 64 KiB tmpfs (not root?): the full file "
	                 "system cases are not checked");
	return false;
}

static void fill(const char *name, size_t n)
{
	char p[4200];
	struct rb b;
	rb_init(&b);
	rb_append_pattern(&b, n, 7);
	(void)snprintf(p, sizeof(p), "%s/%s", mnt, name);
	cr_assert(rb_write_file(&b, p));
	rb_free(&b);
}

/* A fixable ROM: 0x400 bytes of unknown prefix + an x86 image of blocks
 * blocks + a small EFI image. */
static struct rb fixable(size_t blocks)
{
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, blocks, false);
	rb_add_efi(&b, 0x1002, 0x67df, 2, true);
	rb_prepend_pattern(&b, 0x400, 5);
	return b;
}

static void expect_one_line_exit2(struct run_result *res, const char *what)
{
	cr_expect_eq(res->status, 2, "%s: exit %d: %s", what, res->status, res->err);
	cr_expect_eq(run_count_lines(res->err), 1, "%s: %s", what, res->err);
	cr_expect_not_null(strstr(res->err, "No space left"), "%s: %s", what, res->err);
}

Test(full_disk, in_place_leaves_no_bak_and_the_retry_fails_the_same_way)
{
	struct rb b = fixable(80);
	struct run_result res;
	char in[4200];
	if (!mount_small())
		cr_skip_test("no tmpfs");
	(void)snprintf(in, sizeof(in), "%s/card.rom", mnt);
	cr_assert(rb_write_file(&b, in));
	for (int round = 0; round < 2; round++) {
		cr_assert(run_optrom(&res, "fix", "--in-place", in, NULL));
		expect_one_line_exit2(&res, "fix --in-place on a full disk");
		cr_expect_eq(tmp_count_entries(mnt), 1, "round %d: something was left beside",
		             round);
		run_free(&res);
	}
	rb_free(&b);
}

Test(full_disk, fix_output_leaves_nothing)
{
	struct rb b = fixable(40);
	struct run_result res;
	char out[4200];
	if (!mount_small())
		cr_skip_test("no tmpfs");
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	fill("filler", 48 * 1024);
	(void)snprintf(out, sizeof(out), "%s/card.fixed.rom", mnt);
	cr_assert(run_optrom(&res, "fix", tmp_path("card.rom"), "-o", out, NULL));
	expect_one_line_exit2(&res, "fix -o on a full disk");
	cr_expect_eq(tmp_count_entries(mnt), 1);
	run_free(&res);
	rb_free(&b);
}

Test(full_disk, extract_leaves_no_partial_folder)
{
	struct rb b = fixable(40);
	struct run_result res;
	char out[4200];
	if (!mount_small())
		cr_skip_test("no tmpfs");
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	fill("filler", 32 * 1024);
	(void)snprintf(out, sizeof(out), "%s/card.extracted", mnt);
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-o", out, NULL));
	expect_one_line_exit2(&res, "extract on a full disk");
	cr_expect_eq(tmp_count_entries(mnt), 1, "a folder or file was left");
	run_free(&res);
	rb_free(&b);
}

Test(full_disk, truncated_rom_fix_writes_nothing_extract_leaves_no_temporary_folder)
{
	struct rb b = fixable(40);
	struct run_result res;
	size_t before;
	b.len -= 0x1000; /* the file ends inside the x86 image */
	cr_assert(rb_write_file(&b, tmp_path("cut.rom")));
	before = tmp_count_entries(tmp_dir());
	cr_assert(run_optrom(&res, "fix", tmp_path("cut.rom"), NULL));
	cr_expect_eq(res.status, 3, "%s", res.err);
	cr_expect_eq(tmp_count_entries(tmp_dir()), before);
	run_free(&res);
	cr_assert(run_optrom(&res, "extract", tmp_path("cut.rom"), "-o", tmp_path("cut"), NULL));
	/* extract writes what the file holds (the cut image as it is): all of it
	 * is in cut/ (one new entry), no .cut.tmp-* folder */
	cr_expect_leq(tmp_count_entries(tmp_dir()), before + 1, "%s", res.err);
	run_free(&res);
	rb_free(&b);
}
