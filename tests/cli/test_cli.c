/* The built binary end to end: exit codes, one-line errors, and the YAML
 * report read back and compared with the independent corpus reading. */
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-cli");
}

TestSuite(cli, .init = make_tmp, .fini = tmp_remove, .timeout = 600);

/* A ready two-image ROM, the same behind an NVGI container (fixable), and
 * a truncated one (broken). */
static void write_fixtures(void)
{
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
	cr_assert(rb_write_file(&b, tmp_path("ready.rom")));
	rb_prepend_nvgi(&b, 2, 0xA00);
	cr_assert(rb_write_file(&b, tmp_path("nvgi.rom")));
	rb_free(&b);
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
	b.len = 8 * 512 + 1000; /* the EFI image is cut */
	cr_assert(rb_write_file(&b, tmp_path("truncated.rom")));
	rb_free(&b);
}

static void expect_run(int want, const char *what, struct run_result *res)
{
	cr_expect_eq(res->status, want, "%s: exit %d, expected %d; stderr: %s", what, res->status,
	             want, res->err ? res->err : "");
}

Test(cli, version_and_help)
{
	struct run_result res;
	cr_assert(run_optrom(&res, "--version", NULL));
	expect_run(0, "--version", &res);
	cr_expect_not_null(strstr(res.out, "optrom "));
	run_free(&res);
	static const char *cmds[] = {"info", "check"};
	for (size_t i = 0; i < 2; i++) {
		cr_assert(run_optrom(&res, cmds[i], "--help", NULL));
		expect_run(0, cmds[i], &res);
		cr_expect_not_null(strstr(res.out, "Usage: optrom"), "%s --help", cmds[i]);
		cr_expect_not_null(strstr(res.out, "Exit status"), "%s --help has no exit codes",
		                   cmds[i]);
		run_free(&res);
	}
	cr_assert(run_optrom(&res, "--help", NULL));
	expect_run(0, "--help", &res);
	run_free(&res);
}

Test(cli, usage_errors_exit_2)
{
	struct run_result res;
	write_fixtures();
	cr_assert(run_optrom(&res, NULL));
	expect_run(2, "no command", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "frobnicate", NULL));
	expect_run(2, "unknown command", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "info", NULL));
	expect_run(2, "info without file", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "info", tmp_path("ready.rom"), tmp_path("ready.rom"), NULL));
	expect_run(0, "info with two files (one report each)", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "check", NULL));
	expect_run(2, "check without file", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "check", "--format", "xml", tmp_path("ready.rom"), NULL));
	expect_run(2, "bad --format", &res);
	cr_expect_not_null(strstr(res.err, "xml"));
	run_free(&res);
	cr_assert(run_optrom(&res, "info", "--bogus", tmp_path("ready.rom"), NULL));
	expect_run(2, "unknown option", &res);
	run_free(&res);
}

/* Unreadable inputs: exactly one line on stderr that names the file. */
Test(cli, io_errors_are_one_line_and_exit_2)
{
	struct run_result res;
	const char *missing = tmp_path("missing.rom");
	const char *empty = tmp_path("empty.rom");
	const char *big = tmp_path("big.rom");
	const char *inputs[3];
	int fd = open(empty, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	fd = open(big, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 64L * 1024 * 1024 + 1), 0);
	close(fd);
	inputs[0] = missing;
	inputs[1] = empty;
	inputs[2] = big;
	for (size_t i = 0; i < 3; i++) {
		cr_assert(run_optrom(&res, "info", inputs[i], NULL));
		expect_run(2, inputs[i], &res);
		cr_expect_eq(run_count_lines(res.err), 1, "stderr: %s", res.err);
		cr_expect_not_null(strstr(res.err, inputs[i]), "stderr does not name the file: %s",
		                   res.err);
		cr_expect_eq(res.out_len, 0);
		run_free(&res);
	}
	cr_assert(run_optrom(&res, "check", tmp_dir(), NULL));
	expect_run(2, "directory", &res);
	cr_expect_not_null(strstr(res.err, "directory"));
	run_free(&res);
}

Test(cli, check_exit_code_is_the_worst)
{
	struct run_result res;
	write_fixtures();
	cr_assert(run_optrom(&res, "check", tmp_path("ready.rom"), NULL));
	expect_run(0, "ready", &res);
	cr_expect_eq(strncmp(res.out, "ready", 5), 0, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "check", tmp_path("ready.rom"), tmp_path("nvgi.rom"), NULL));
	expect_run(1, "ready+fixable", &res);
	cr_expect_eq(run_count_lines(res.out), 2);
	cr_expect_not_null(strstr(res.out, "data-before-rom"));
	run_free(&res);
	cr_assert(run_optrom(&res, "check", tmp_path("nvgi.rom"), tmp_path("missing.rom"), NULL));
	expect_run(2, "fixable+missing", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "check", tmp_path("missing.rom"), tmp_path("truncated.rom"),
	                     tmp_path("ready.rom"), NULL));
	expect_run(3, "missing+broken+ready", &res);
	cr_expect_not_null(strstr(res.out, "image-truncated"), "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "info", tmp_path("truncated.rom"), NULL));
	expect_run(3, "info broken", &res);
	run_free(&res);
	cr_assert(run_optrom(&res, "info", tmp_path("nvgi.rom"), NULL));
	expect_run(1, "info fixable", &res);
	cr_expect_not_null(strstr(res.out, "nvgi"));
	run_free(&res);
}

Test(cli, check_yaml_is_one_document_per_file)
{
	struct run_result res;
	struct ydocs d;
	write_fixtures();
	cr_assert(run_optrom(&res, "check", "--format", "yaml", tmp_path("ready.rom"),
	                     tmp_path("nvgi.rom"), tmp_path("truncated.rom"), NULL));
	expect_run(3, "check yaml", &res);
	cr_assert(ydocs_parse(res.out, res.out_len, &d), "YAML does not parse:\n%s", res.out);
	cr_assert_eq(d.n, 3);
	static const char *verdicts[] = {"ready", "fixable", "broken"};
	for (size_t i = 0; i < 3; i++) {
		yaml_node_t *root = ydoc_root(&d.docs[i]);
		uint64_t v;
		cr_expect(ydoc_uint(ydoc_get(&d.docs[i], root, "optrom"), &v) && v == 1);
		cr_expect_str_eq(ydoc_str(ydoc_get(&d.docs[i], root, "verdict")), verdicts[i]);
	}
	/* the NVGI document names the container and its fields */
	{
		yaml_document_t *doc = &d.docs[1];
		yaml_node_t *c = ydoc_get(doc, ydoc_root(doc), "container");
		yaml_node_t *nv = ydoc_get(doc, c, "nvgi");
		uint64_t v;
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, c, "kind")), "nvgi");
		cr_expect(ydoc_uint(ydoc_get(doc, c, "length"), &v) && v == 0xA00);
		cr_expect(ydoc_uint(ydoc_get(doc, nv, "version"), &v) && v == 2);
		cr_expect(ydoc_uint(ydoc_get(doc, ydoc_root(doc), "rom_offset"), &v) && v == 0xA00);
	}
	ydocs_free(&d);
	run_free(&res);
}

static void compare_yaml(const struct expect_row *e, yaml_document_t *doc)
{
	yaml_node_t *root = ydoc_root(doc);
	yaml_node_t *imgs = ydoc_get(doc, root, "images");
	yaml_node_t *ro = ydoc_get(doc, root, "rom_offset");
	uint64_t v;
	cr_expect_str_eq(ydoc_str(ydoc_get(doc, root, "sha256")), e->sha256, "%s", e->name);
	cr_expect_str_eq(ydoc_str(ydoc_get(doc, root, "verdict")), e->verdict, "%s", e->name);
	if (e->has_rom)
		cr_expect(ydoc_uint(ro, &v) && v == e->rom_offset, "%s: rom_offset %s", e->name,
		          ydoc_str(ro));
	else
		cr_expect(ydoc_is_null(ro), "%s: rom_offset should be null", e->name);
	cr_expect_eq(ydoc_len(imgs), e->n_images, "%s: images", e->name);
	for (size_t i = 0; i < e->n_images && i < ydoc_len(imgs); i++) {
		yaml_node_t *im = ydoc_item(doc, imgs, i);
		const struct expect_image *x = &e->images[i];
		cr_expect(ydoc_uint(ydoc_get(doc, im, "index"), &v) && v == i);
		cr_expect(ydoc_uint(ydoc_get(doc, im, "offset"), &v) && v == x->offset,
		          "%s image %zu offset", e->name, i);
		cr_expect(ydoc_uint(ydoc_get(doc, im, "length"), &v) && v == x->length,
		          "%s image %zu length", e->name, i);
		cr_expect(ydoc_uint(ydoc_get(doc, im, "code_type"), &v) && v == x->code_type,
		          "%s image %zu code type", e->name, i);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "vendor")), x->vendor, "%s", e->name);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "device")), x->device, "%s", e->name);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "class")), x->class_code, "%s",
		                 e->name);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, im, "last")), x->last ? "true" : "false",
		                 "%s image %zu last", e->name, i);
		if (x->code_type == 0) {
			yaml_node_t *ck = ydoc_get(doc, im, "checksum");
			cr_expect_str_eq(ydoc_str(ydoc_get(doc, ck, "ok")),
			                 strcmp(x->cksum, "ok") == 0 ? "true" : "false",
			                 "%s image %zu checksum", e->name, i);
		}
		if (x->code_type == 3)
			cr_expect_not_null(ydoc_get(doc, ydoc_get(doc, im, "efi"), "machine"),
			                   "%s image %zu has no efi block", e->name, i);
	}
}

/* Done-when of issue 2: for every corpus file and every Debian ROM, `info
 * --format yaml` gives the ROM offset and chain the independent reading
 * gives. */
Test(cli, info_yaml_matches_the_independent_reading)
{
	size_t n, checked = 0;
	struct expect_row *rows = expect_load(&n);
	cr_assert_not_null(rows);
	for (size_t k = 0; k < n; k++) {
		struct run_result res;
		struct ydocs d;
		int want = strcmp(rows[k].verdict, "ready") == 0     ? 0
		           : strcmp(rows[k].verdict, "fixable") == 0 ? 1
		                                                     : 3;
		if (!rows[k].present)
			continue;
		checked++;
		cr_assert(run_optrom(&res, "info", "--format", "yaml", rows[k].path, NULL));
		expect_run(want, rows[k].name, &res);
		cr_assert(ydocs_parse(res.out, res.out_len, &d), "%s: YAML does not parse",
		          rows[k].name);
		cr_assert_eq(d.n, 1);
		compare_yaml(&rows[k], &d.docs[0]);
		ydocs_free(&d);
		run_free(&res);
	}
	free(rows);
	if (access(expect_corpus_dir(), F_OK) != 0)
		expect_note_skip("corpus folder %s is absent: its files are skipped",
		                 expect_corpus_dir());
	if (checked == 0)
		cr_skip_test("neither the corpus nor the Debian ROMs are present");
	cr_log_info("checked %zu files", checked);
}

/* libyaml takes only UTF-8: a file name in another encoding must not fail
 * the report; its stray byte becomes U+FFFD, valid UTF-8 stays as it is. */
Test(cli, yaml_survives_a_file_name_that_is_not_utf8)
{
	struct run_result res;
	struct ydocs d;
	struct rb b;
	const char *bad = tmp_path("card\xff.rom");
	const char *good = tmp_path("caf\xc3\xa9.rom");
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, true);
	cr_assert(rb_write_file(&b, bad));
	cr_assert(rb_write_file(&b, good));
	rb_free(&b);
	cr_assert(run_optrom(&res, "check", "--format", "yaml", bad, good, NULL));
	expect_run(0, "non-UTF-8 name", &res);
	cr_assert(ydocs_parse(res.out, res.out_len, &d), "YAML does not parse:\n%s", res.out);
	cr_assert_eq(d.n, 2);
	cr_expect_not_null(strstr(ydoc_str(ydoc_get(&d.docs[0], ydoc_root(&d.docs[0]), "file")),
	                          "card\xef\xbf\xbd.rom"));
	cr_expect_not_null(strstr(ydoc_str(ydoc_get(&d.docs[1], ydoc_root(&d.docs[1]), "file")),
	                          "caf\xc3\xa9.rom"));
	ydocs_free(&d);
	run_free(&res);
}
