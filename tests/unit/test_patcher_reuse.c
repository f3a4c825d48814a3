/* fix analyzes its output once (issue 17): patch_write_file_ready
 * re-reads the file and compares the bytes, and decodes nothing; without it,
 * the written file is analyzed again. Counted with the decode counter. */
#include "formats/decode_count.h"
#include "patcher/patch.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
	tmp_make("optrom-reuse");
}

static void teardown(void)
{
	tmp_remove();
}

TestSuite(patcher_reuse, .init = setup, .fini = teardown);

static unsigned long write_and_count(bool known_ready, const char *name)
{
	struct rb b;
	char err[512];
	struct patch_write_opts o = {false, true};
	unsigned long n;
	FILE *f;
	uint8_t back[1 << 16];
	size_t got;

	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
	fmt_count_start();
	if (known_ready)
		cr_assert_eq(
		    patch_write_file_ready(tmp_path(name), b.data, b.len, false, err, sizeof(err)),
		    PATCH_WRITE_OK, "%s", err);
	else
		cr_assert_eq(patch_write_file(tmp_path(name), b.data, b.len, &o, err, sizeof(err)),
		             PATCH_WRITE_OK, "%s", err);
	fmt_count_stop();
	n = fmt_count_total(FMT_DEC_PCIR);
	f = fopen(tmp_path(name), "rb");
	cr_assert_not_null(f);
	got = fread(back, 1, sizeof(back), f);
	fclose(f);
	cr_assert_eq(got, b.len);
	cr_assert_arr_eq(back, b.data, b.len);
	rb_free(&b);
	return n;
}

Test(patcher_reuse, known_ready_bytes_are_not_analyzed_again)
{
	if (!fmt_count_available()) {
		cr_log_warn("decode counter not compiled in (OPTROM_DECODE_COUNT is off): skipped");
		cr_skip_test("decode counter not compiled in");
	}
	cr_assert_gt(write_and_count(false, "a.rom"), 0, "patch_write_file: re-analyzed");
	cr_assert_eq(write_and_count(true, "b.rom"), 0,
	             "patch_write_file_ready: bytes compared only");
}
