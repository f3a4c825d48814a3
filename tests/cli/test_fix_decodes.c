/* `optrom fix` decodes the bytes the fewest times it can (issue 17): the
 * input is analyzed once, the fixed output once (not at all when it is the
 * input's very bytes), the EFI driver the output shares with the input is
 * decompressed and its signature checked once, and the written file is
 * compared with the output byte for byte, not analyzed again.
 *
 * Counted on the built binary: a test build (OPTROM_DECODE_COUNT) writes
 * every formats/ decoder's calls to $OPTROM_DECODE_COUNT_REPORT at exit
 * (cli/main.c). The yardstick is `optrom check`, one analysis of one file:
 * fix must cost check(IN) + check(OUT) with the driver's decoders counted
 * once, and no structure of any buffer may be decoded twice. Skipped
 * visibly in a build without the counter. */
#include "tests/support/efi_encode.h"
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-fixcount");
}

TestSuite(fix_decodes, .init = make_tmp, .fini = tmp_remove);

#define MAX_KINDS 32

struct counts {
	size_t n;
	char name[MAX_KINDS][32];
	unsigned long total[MAX_KINDS], max_per_key[MAX_KINDS];
};

/* Decoders that read the decompressed driver (or decompress it): run once
 * per distinct driver stream, not once per buffer. */
static bool driver_kind(const char *name)
{
	return strcmp(name, "efi_decompress") == 0 || strcmp(name, "pe_parse") == 0 ||
	       strcmp(name, "pe_gop_version") == 0 || strcmp(name, "authenticode") == 0;
}

static bool read_counts(const char *path, struct counts *c)
{
	FILE *f = fopen(path, "r");
	char name[32];
	unsigned long t, m;
	memset(c, 0, sizeof(*c));
	if (!f)
		return false;
	while (c->n < MAX_KINDS && fscanf(f, "%31s %lu %lu", name, &t, &m) == 3) {
		(void)snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
		c->total[c->n] = t;
		c->max_per_key[c->n] = m;
		c->n++;
	}
	(void)fclose(f);
	return c->n > 0;
}

/* optrom with up to 6 arguments under the counter; the counts in *c,
 * the exit status returned. */
static int counted(struct counts *c, const char *a0, const char *a1, const char *a2, const char *a3,
                   const char *a4, const char *a5)
{
	struct run_result r;
	int st;
	const char *report = tmp_path("counts.txt");
	(void)unlink(report);
	cr_assert_eq(setenv("OPTROM_DECODE_COUNT_REPORT", report, 1), 0);
	cr_assert(run_optrom(&r, a0, a1, a2, a3, a4, a5, NULL));
	st = r.status;
	cr_assert(read_counts(report, c), "no count report: %s%s", r.out, r.err);
	run_free(&r);
	cr_assert_eq(unsetenv("OPTROM_DECODE_COUNT_REPORT"), 0);
	return st;
}

static bool counter_built(void)
{
	struct counts c;
	struct run_result r;
	const char *report = tmp_path("probe.txt");
	bool ok;
	cr_assert_eq(setenv("OPTROM_DECODE_COUNT_REPORT", report, 1), 0);
	cr_assert(run_optrom(&r, "--version", NULL));
	run_free(&r);
	cr_assert_eq(unsetenv("OPTROM_DECODE_COUNT_REPORT"), 0);
	ok = read_counts(report, &c);
	if (!ok)
		expect_note_skip("[SKIP] optrom built without OPTROM_DECODE_COUNT: fix's decodes "
		                 "are not counted");
	return ok;
}

static unsigned long total_of(const struct counts *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return c->total[i];
	cr_assert_fail("no count for %s", name);
	return 0;
}

/* An x86 image and an EFI image whose driver (a PE32+ boot-service driver)
 * is EFI-compressed; with prefix, behind a 0xA00-byte NVGI container
 * (what fix strips). */
static const char *write_rom(const char *name, bool prefix)
{
	struct rb b;
	uint8_t drv[RB_PE_DRIVER_LEN], z[4096];
	struct rb_image_opts o = rb_efi_opts(0x10de, 0x1c02, 8, true);
	size_t zn, off;
	uint16_t image_offset;
	(void)rb_make_pe_driver(drv, true);
	zn = efi_encode_literal(drv, sizeof(drv), 4, z, sizeof(z));
	cr_assert_gt(zn, 0);
	rb_init(&b);
	(void)rb_add_x86(&b, 0x10de, 0x1c02, 4, false);
	o.efi_compression = 1;
	off = rb_add_image(&b, &o);
	image_offset = (uint16_t)(b.data[off + 0x16] | b.data[off + 0x17] << 8);
	cr_assert_leq(image_offset + zn, 8 * 512);
	memcpy(b.data + off + image_offset, z, zn);
	if (prefix)
		rb_prepend_nvgi(&b, 2, 0xa00);
	cr_assert(rb_write_file(&b, tmp_path(name)));
	rb_free(&b);
	return tmp_path(name);
}

/* fix == check(in) + check(out), driver decoders once, no key twice. */
static void expect_in_plus_out(const struct counts *fix, const struct counts *in,
                               const struct counts *out, const char *what)
{
	cr_assert_eq(fix->n, in->n);
	cr_assert_eq(fix->n, out->n);
	for (size_t i = 0; i < fix->n; i++) {
		const char *k = fix->name[i];
		unsigned long want = driver_kind(k) ? in->total[i] : in->total[i] + out->total[i];
		if (strcmp(k, "overflow") == 0) {
			cr_expect_eq(fix->total[i], 0, "%s: the counter overflowed", what);
			continue;
		}
		cr_expect_eq(fix->total[i], want,
		             "%s: %s decoded %lu times; check(IN) %lu + check(OUT) %lu%s", what, k,
		             fix->total[i], in->total[i], out->total[i],
		             driver_kind(k) ? " (the shared driver: once)" : "");
		cr_expect_leq(fix->max_per_key[i], 1, "%s: %s decoded the same bytes %lu times",
		              what, k, fix->max_per_key[i]);
	}
}

Test(fix_decodes, input_once_output_once_driver_once)
{
	struct counts in, out, fix, dry, inplace;
	const char *rom, *fixed, *copy;
	char bak[4200];
	if (!counter_built())
		cr_skip_test("no decode counter");
	rom = write_rom("card.rom", true);
	fixed = tmp_path("card.fixed.rom");
	cr_assert_eq(counted(&in, "check", rom, NULL, NULL, NULL, NULL), 1, "fixable");
	cr_assert_eq(counted(&fix, "fix", rom, "-o", fixed, "-q", NULL), 0);
	cr_assert_eq(counted(&out, "check", fixed, NULL, NULL, NULL, NULL), 0, "ready");
	cr_assert_eq(total_of(&in, "efi_decompress"), 1, "the input's driver decompresses once");
	cr_assert_gt(total_of(&in, "pe_parse"), 0);
	expect_in_plus_out(&fix, &in, &out, "fix -o");

	cr_assert_eq(counted(&dry, "fix", rom, "--dry-run", "-q", NULL, NULL), 0);
	expect_in_plus_out(&dry, &in, &out, "fix --dry-run");

	copy = write_rom("inplace.rom", true);
	(void)snprintf(bak, sizeof(bak), "%s.bak", copy);
	cr_assert_eq(counted(&inplace, "fix", copy, "--in-place", "-q", NULL, NULL), 0);
	cr_assert_eq(access(bak, F_OK), 0, "no .bak");
	expect_in_plus_out(&inplace, &in, &out, "fix --in-place");
}

/* A ROM that needs nothing: its output is its own bytes, analyzed once. */
Test(fix_decodes, ready_rom_is_analyzed_once)
{
	struct counts check, fix;
	const char *rom;
	if (!counter_built())
		cr_skip_test("no decode counter");
	rom = write_rom("ready.rom", false);
	cr_assert_eq(counted(&check, "check", rom, NULL, NULL, NULL, NULL), 0, "ready");
	cr_assert_eq(counted(&fix, "fix", rom, "-o", tmp_path("same.rom"), "-q", NULL), 0);
	cr_assert_eq(check.n, fix.n);
	for (size_t i = 0; i < fix.n; i++) {
		cr_expect_eq(fix.total[i], check.total[i], "%s: fix %lu, check %lu", fix.name[i],
		             fix.total[i], check.total[i]);
		cr_expect_leq(fix.max_per_key[i], 1, "%s decoded twice", fix.name[i]);
	}
	cr_assert_gt(total_of(&fix, "pcir"), 0);
}
