/* `optrom diff` end to end on synthetic ROMs written here: exit status like
 * diff(1) (0 same ROM content, 1 different, 2 trouble), --strict, the text
 * summary and the YAML document, and every input form (files, -, .gz, a
 * zip member) compared with the plain file. */
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void make_tmp(void)
{
	tmp_make("optrom-diff");
}

TestSuite(cli_diff, .init = make_tmp, .fini = tmp_remove, .timeout = 600);

/* An x86 + EFI ROM of vendor:device 8086:1234 (2 blocks each). */
static void base(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x8086, 0x1234, 2, false);
	rb_add_efi(b, 0x8086, 0x1234, 2, true);
}

static const char *write_rb(const struct rb *b, const char *name)
{
	const char *p = tmp_path(name);
	cr_assert(rb_write_file(b, p), "cannot write %s", p);
	return p;
}

static void expect_exit(const struct run_result *r, int want, const char *what)
{
	cr_expect_eq(r->status, want, "%s: exit %d, expected %d; stderr: %s; stdout: %.300s", what,
	             r->status, want, r->err ? r->err : "", r->out ? r->out : "");
}

static void expect_out(const struct run_result *r, const char *word)
{
	cr_expect(r->out && strstr(r->out, word), "no '%s' in: %s", word, r->out ? r->out : "");
}

Test(cli_diff, exit_status_like_diff)
{
	struct rb a, b;
	struct run_result r;
	char pa[512], pb[512], pc[512], pd[512];
	size_t pcir;
	base(&a);
	snprintf(pa, sizeof(pa), "%s", write_rb(&a, "a.rom"));
	/* The same ROM behind an NVGI container, and padded to 64 KiB. */
	rb_init(&b);
	rb_append(&b, a.data, a.len);
	rb_prepend_nvgi(&b, 2, 0x400);
	snprintf(pb, sizeof(pb), "%s", write_rb(&b, "b.rom"));
	rb_free(&b);
	rb_init(&b);
	rb_append(&b, a.data, a.len);
	rb_append_fill(&b, 0x10000 - b.len, 0xFF);
	snprintf(pc, sizeof(pc), "%s", write_rb(&b, "c.rom"));
	rb_free(&b);
	/* Another device id (checksum balanced again): a modified ROM. */
	rb_init(&b);
	rb_append(&b, a.data, a.len);
	pcir = (size_t)b.data[0x18] | (size_t)b.data[0x19] << 8;
	rb_put16(&b, pcir + 6, 0x1235);
	rb_balance(&b, 0, 0x3FF);
	snprintf(pd, sizeof(pd), "%s", write_rb(&b, "d.rom"));

	cr_assert(run_optrom(&r, "diff", pa, pa, NULL));
	expect_exit(&r, 0, "a a");
	expect_out(&r, "identical");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", pa, pb, NULL));
	expect_exit(&r, 0, "a vs prefixed a");
	expect_out(&r, "same ROM in another container");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", "--strict", pa, pb, NULL));
	expect_exit(&r, 1, "--strict a vs prefixed a");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", pa, pc, NULL));
	expect_exit(&r, 0, "a vs padded a");
	expect_out(&r, "with other padding");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", pa, pd, NULL));
	expect_exit(&r, 1, "a vs d");
	expect_out(&r, "pcir.device_id");
	expect_out(&r, "0x1234 -> 0x1235");
	expect_out(&r, "checksum.byte");
	cr_expect_eq(r.err_len, 0, "stderr: %s", r.err);
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", "--format", "yaml", pa, pd, NULL));
	expect_exit(&r, 1, "yaml a vs d");
	cr_expect(strncmp(r.out, "optrom: 1\n", 10) == 0 || strstr(r.out, "\noptrom: 1\n"),
	          "%.200s", r.out);
	expect_out(&r, "kind: \"diff\"");
	expect_out(&r, "verdict: \"modified\"");
	expect_out(&r, "name: \"pcir.device_id\"");
	{
		/* Read back with libyaml: one document, the pair and its field. */
		struct ydocs y;
		yaml_document_t *doc;
		yaml_node_t *root, *im, *f;
		uint64_t v;
		cr_assert(ydocs_parse(r.out, r.out_len, &y), "not YAML: %s", r.out);
		cr_assert_eq(y.n, 1);
		doc = &y.docs[0];
		root = ydoc_root(doc);
		cr_assert(ydoc_uint(ydoc_get(doc, root, "optrom"), &v));
		cr_expect_eq(v, 1);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, root, "same")), "false");
		im = ydoc_item(doc, ydoc_get(doc, root, "images"), 0);
		cr_assert_not_null(im);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "list")), "chain");
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "bytes_equal")), "false");
		f = ydoc_item(doc, ydoc_get(doc, im, "fields"), 0);
		cr_assert_not_null(f);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, f, "name")), "pcir.device_id");
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, f, "b")), "0x1235");
		ydocs_free(&y);
	}
	run_free(&r);
	rb_free(&a);
	rb_free(&b);
}

Test(cli_diff, trouble_is_2_with_one_line)
{
	struct rb a;
	struct run_result r;
	char pa[512];
	base(&a);
	snprintf(pa, sizeof(pa), "%s", write_rb(&a, "a.rom"));
	cr_assert(run_optrom(&r, "diff", pa, tmp_path("missing.rom"), NULL));
	expect_exit(&r, 2, "missing B");
	cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
	cr_expect(strstr(r.err, "missing.rom") != NULL, "%s", r.err);
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", pa, NULL));
	expect_exit(&r, 2, "one file");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", "-", "-", NULL));
	expect_exit(&r, 2, "- -");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", "--format", "xml", pa, pa, NULL));
	expect_exit(&r, 2, "--format xml");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", "--help", NULL));
	expect_exit(&r, 0, "--help");
	expect_out(&r, "Exit status");
	run_free(&r);
	rb_free(&a);
}

Test(cli_diff, every_input_form)
{
	struct rb a;
	struct run_result r;
	struct zb z;
	char pa[512], gz[512], zip[600];
	uint8_t *g;
	size_t glen;
	base(&a);
	snprintf(pa, sizeof(pa), "%s", write_rb(&a, "a.rom"));
	g = zb_deflate(a.data, a.len, 0, 31, &glen);
	cr_assert_not_null(g);
	snprintf(gz, sizeof(gz), "%s", tmp_path("a.rom.gz"));
	cr_assert(zb_write_file(gz, g, glen));
	free(g);
	zb_init(&z);
	zb_add(&z, "x/a.rom", a.data, a.len, 8);
	zb_add(&z, "other.rom", a.data, 0x400, 0);
	zb_finish(&z, NULL);
	cr_assert(zb_write_file(tmp_path("roms.zip"), z.data, z.len));
	zb_free(&z);
	snprintf(zip, sizeof(zip), "%s!x/a.rom", tmp_path("roms.zip"));

	cr_assert(run_optrom(&r, "diff", pa, gz, NULL));
	expect_exit(&r, 0, "plain vs .gz");
	run_free(&r);
	cr_assert(run_optrom(&r, "diff", zip, pa, NULL));
	expect_exit(&r, 0, "zip member vs plain");
	expect_out(&r, "x/a.rom");
	run_free(&r);
	cr_assert(run_optrom_stdin(&r, pa, "diff", "-", gz, NULL));
	expect_exit(&r, 0, "- vs .gz");
	run_free(&r);
	/* A zip of several files is not one ROM: trouble, one line. */
	cr_assert(run_optrom(&r, "diff", tmp_path("roms.zip"), pa, NULL));
	expect_exit(&r, 2, "zip of two");
	cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
	run_free(&r);
	rb_free(&a);
}
