/* optrom extract end to end: the files, their names and bytes, the index,
 * and the refusal to overwrite. */
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-extract");
}

TestSuite(extract, .init = make_tmp, .fini = tmp_remove);

/* NVGI v2 container (0xA00) + x86 10de:1c02 (8 blocks) + EFI (4 blocks,
 * compressed driver). */
static struct rb fixture(void)
{
	struct rb b;
	struct rb_image_opts o = rb_efi_opts(0x10de, 0x1c02, 4, true);
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	o.efi_compression = 1;
	rb_add_image(&b, &o);
	rb_prepend_nvgi(&b, 2, 0xA00);
	return b;
}

Test(extract, writes_images_driver_prefix_and_index)
{
	struct rb b = fixture();
	struct run_result res;
	struct ydocs d;
	uint8_t pe[0x200], *got;
	size_t pe_len = rb_make_pe(pe, sizeof(pe), 0x8664, 11), len;
	char out[512];
	snprintf(out, sizeof(out), "%s/out", tmp_dir());
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, NULL));
	cr_assert_eq(res.status, 0, "stderr: %s", res.err);
	run_free(&res);

	got = tmp_read_file(tmp_path("out/prefix-nvgi.bin"), &len);
	cr_assert_not_null(got);
	cr_expect_eq(len, 0xA00);
	cr_expect_arr_eq(got, b.data, 0xA00);
	free(got);
	got = tmp_read_file(tmp_path("out/image00-x86-10de-1c02.rom"), &len);
	cr_assert_not_null(got);
	cr_expect_eq(len, 8 * 512);
	cr_expect_arr_eq(got, b.data + 0xA00, 8 * 512);
	free(got);
	got = tmp_read_file(tmp_path("out/image01-efi-10de-1c02.rom"), &len);
	cr_assert_not_null(got);
	cr_expect_eq(len, 4 * 512);
	cr_expect_arr_eq(got, b.data + 0xA00 + 8 * 512, 4 * 512);
	free(got);
	got = tmp_read_file(tmp_path("out/image01-efi-10de-1c02.efi"), &len);
	cr_assert_not_null(got, "the decompressed driver was not written");
	cr_expect_eq(len, pe_len);
	cr_expect_arr_eq(got, pe, pe_len);
	free(got);

	got = tmp_read_file(tmp_path("out/index.yaml"), &len);
	cr_assert_not_null(got);
	cr_assert(ydocs_parse((char *)got, len, &d));
	{
		yaml_document_t *doc = &d.docs[0];
		yaml_node_t *files = ydoc_get(doc, ydoc_root(doc), "files");
		uint64_t v;
		cr_assert_eq(ydoc_len(files), 4);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, ydoc_item(doc, files, 3), "kind")),
		                 "efi-driver");
		cr_expect(ydoc_uint(ydoc_get(doc, ydoc_item(doc, files, 3), "size"), &v) &&
		          v == pe_len);
		cr_expect(ydoc_uint(ydoc_get(doc, ydoc_root(doc), "rom_offset"), &v) && v == 0xA00);
	}
	ydocs_free(&d);
	free(got);
	rb_free(&b);
}

Test(extract, existing_files_are_kept_without_force)
{
	struct rb b = fixture();
	struct run_result res;
	struct stat st1, st2;
	char out[512];
	snprintf(out, sizeof(out), "%s/out", tmp_dir());
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, NULL));
	cr_assert_eq(res.status, 0);
	run_free(&res);
	/* make one existing file different, then extract again */
	{
		FILE *f = fopen(tmp_path("out/image00-x86-10de-1c02.rom"), "wb");
		cr_assert_not_null(f);
		fputs("mine", f);
		fclose(f);
	}
	cr_assert_eq(stat(tmp_path("out/image00-x86-10de-1c02.rom"), &st1), 0);
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, NULL));
	cr_expect_eq(res.status, 2);
	cr_expect_not_null(strstr(res.err, "already exists"), "%s", res.err);
	cr_expect_eq(run_count_lines(res.err), 1);
	run_free(&res);
	cr_assert_eq(stat(tmp_path("out/image00-x86-10de-1c02.rom"), &st2), 0);
	cr_expect_eq(st2.st_size, 4, "the existing file was overwritten");
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, "--force", NULL));
	cr_expect_eq(res.status, 0, "%s", res.err);
	run_free(&res);
	cr_assert_eq(stat(tmp_path("out/image00-x86-10de-1c02.rom"), &st2), 0);
	cr_expect_eq(st2.st_size, 8 * 512);
	rb_free(&b);
}

Test(extract, no_rom_writes_nothing_and_exits_3)
{
	struct rb b;
	struct run_result res;
	struct stat st;
	rb_init(&b);
	rb_append_fill(&b, 4096, 0xFF);
	cr_assert(rb_write_file(&b, tmp_path("erased.rom")));
	cr_assert(run_optrom(&res, "extract", tmp_path("erased.rom"), "-d", tmp_path("x"), NULL));
	cr_expect_eq(res.status, 3);
	cr_expect_neq(stat(tmp_path("x"), &st), 0, "a folder was created");
	run_free(&res);
	rb_free(&b);
}

static void assert_dir_refused(const char *in, const char *out, const char *what)
{
	struct run_result res;
	size_t before = tmp_count_entries(tmp_dir());
	cr_assert(run_optrom(&res, "extract", in, "-d", out, NULL));
	cr_expect_eq(res.status, 2, "%s: %.300s", what, res.err);
	cr_expect_eq(run_count_lines(res.err), 1, "%s: %.300s", what, res.err);
	cr_expect_not_null(strstr(res.err, "too long"), "%s: %.300s", what, res.err);
	cr_expect_not_null(strstr(res.err, out), "%s: the path is not named: %.300s", what,
	                   res.err);
	cr_expect_eq(res.out_len, 0, "%s: %.300s", what, res.out);
	cr_expect_eq(tmp_count_entries(tmp_dir()), before, "%s: a file or folder was written",
	             what);
	run_free(&res);
}

/* "tmp_dir()/././.../out", len or len - 1 bytes. */
static void long_dir(char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len + 1, "%s", tmp_dir());
	while (n + 2 + strlen("/out") <= len) {
		memcpy(out + n, "/.", 2);
		n += 2;
	}
	(void)snprintf(out + n, len + 1 - n, "/out");
}

/* A path that does not fit is one line naming it (exit 2), never a shorter
 * path, and nothing is written, the folder included: -d DIR over PATH_MAX,
 * and a DIR that fits while DIR/index.yaml, or a temporary name, would not. */
Test(extract, over_long_paths_are_refused_and_write_nothing)
{
	struct rb b = fixture();
	char *out = malloc(PATH_MAX + 200);
	size_t n;
	cr_assert_not_null(out);
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	n = (size_t)snprintf(out, PATH_MAX + 200, "%s/", tmp_dir());
	memset(out + n, 'd', PATH_MAX + 100 - n);
	out[PATH_MAX + 100] = '\0';
	assert_dir_refused(tmp_path("card.rom"), out, "-d over PATH_MAX");
	/* "tmp_dir()/././.../out", a folder that does not exist yet, 4086 or 4087
	 * bytes: DIR/index.yaml is over PATH_MAX */
	long_dir(out, PATH_MAX - 9);
	assert_dir_refused(tmp_path("card.rom"), out, "DIR/index.yaml over PATH_MAX");
	/* 4063 or 4064 bytes: every DIR/NAME fits, but the temporary name
	 * DIR/.image00-x86-10de-1c02.rom.tmp-XXXXXX does not */
	long_dir(out, PATH_MAX - 32);
	assert_dir_refused(tmp_path("card.rom"), out, "a temporary name over PATH_MAX");
	free(out);
	rb_free(&b);
}

Test(extract, help)
{
	struct run_result res;
	cr_assert(run_optrom(&res, "extract", "--help", NULL));
	cr_expect_eq(res.status, 0);
	cr_expect_not_null(strstr(res.out, "Exit status"));
	run_free(&res);
}

/* A compressed driver whose OrigSize is 0 decompresses to nothing: the
 * index says why there is no .efi, and the images are still written. */
Test(extract, empty_driver_is_listed_not_written)
{
	struct rb b = fixture();
	struct run_result res;
	struct stat st;
	char out[512];
	/* the EFI image starts after the 0xA00 container and 8 x86 blocks;
	 * its stream header is at +0x50: CompSize, OrigSize */
	rb_put32(&b, 0xA00 + 8 * 512 + 0x54, 0);
	snprintf(out, sizeof(out), "%s/out", tmp_dir());
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, NULL));
	/* Broken (the report says pe-invalid): exit 3, what there is written. */
	cr_expect_eq(res.status, 3, "%s", res.err);
	cr_expect_not_null(strstr(res.err, "not extracted"), "%s", res.err);
	run_free(&res);
	cr_expect_eq(stat(tmp_path("out/image01-efi-10de-1c02.rom"), &st), 0);
	cr_expect_neq(stat(tmp_path("out/image01-efi-10de-1c02.efi"), &st), 0);
	cr_expect_eq(stat(tmp_path("out/index.yaml"), &st), 0);
	rb_free(&b);
}

/* A compressed driver whose stream is cut (its CompSize says 0x10 bytes
 * fewer than the decoder needs): `info` calls the ROM broken
 * (efi-decompress-failed), and extract, reading the same analysis, writes
 * no .efi, says why in index.yaml and on stderr, and exits 3. Before the
 * analysis tree, extract decompressed again on its own, without the
 * overrun check, wrote the damaged driver and exited 0. */
Test(extract, damaged_driver_is_not_written)
{
	struct rb b = fixture();
	struct run_result res;
	struct stat st;
	struct ydocs d;
	uint8_t *got;
	size_t len, stream = 0xA00 + 8 * 512 + 0x50;
	uint32_t comp = (uint32_t)b.data[stream] | (uint32_t)b.data[stream + 1] << 8 |
	                (uint32_t)b.data[stream + 2] << 16 | (uint32_t)b.data[stream + 3] << 24;
	char out[512];
	cr_assert_gt(comp, 0x20);
	rb_put32(&b, stream, comp - 0x10);
	snprintf(out, sizeof(out), "%s/out", tmp_dir());
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "info", tmp_path("card.rom"), NULL));
	cr_expect_eq(res.status, 3, "%s", res.out);
	cr_expect_not_null(strstr(res.out, "efi-decompress-failed"), "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "extract", tmp_path("card.rom"), "-d", out, NULL));
	cr_expect_eq(res.status, 3, "%s", res.err);
	cr_expect_not_null(strstr(res.err, "EFI driver not extracted"), "%s", res.err);
	run_free(&res);
	cr_expect_neq(stat(tmp_path("out/image01-efi-10de-1c02.efi"), &st), 0,
	              "the damaged driver was written");
	cr_expect_eq(stat(tmp_path("out/image01-efi-10de-1c02.rom"), &st), 0);
	got = tmp_read_file(tmp_path("out/index.yaml"), &len);
	cr_assert_not_null(got);
	cr_assert(ydocs_parse((char *)got, len, &d));
	{
		yaml_document_t *doc = &d.docs[0];
		yaml_node_t *drv = ydoc_item(doc, ydoc_get(doc, ydoc_root(doc), "files"), 3);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, drv, "kind")), "efi-driver");
		cr_expect(ydoc_is_null(ydoc_get(doc, drv, "name")));
		cr_expect_not_null(strstr(ydoc_str(ydoc_get(doc, drv, "error")), "declared size"));
	}
	ydocs_free(&d);
	free(got);
	rb_free(&b);
}

/* Two EFI images whose 22-byte drivers each decode to 10 MiB: the analysis
 * decompresses the first and not the second (its 10 MiB do not fit what is
 * left of the 16 MiB limit). `info` calls the ROM broken
 * (efi-driver-not-decoded); extract writes the first driver, lists the
 * second as not extracted with the reason, and exits 3. */
Test(extract, a_driver_past_the_decode_limit_is_named)
{
	const uint32_t orig = 10u << 20;
	uint8_t z[32];
	size_t zn = efi_encode_run(0x5A, 4, orig, z, sizeof(z)), len;
	struct rb b;
	struct run_result res;
	struct stat st;
	struct ydocs d;
	uint8_t *got;
	char out[512];
	cr_assert_gt(zn, 0);
	rb_efi_chain(&b, 2, 0x10de, 0x1c02, z, zn);
	cr_assert(rb_write_file(&b, tmp_path("two.rom")));
	cr_assert(run_optrom(&res, "info", tmp_path("two.rom"), NULL));
	cr_expect_eq(res.status, 3, "%s", res.out);
	cr_expect_not_null(strstr(res.out, "efi-driver-not-decoded @0x250  image 1"), "%s",
	                   res.out);
	run_free(&res);
	snprintf(out, sizeof(out), "%s/lim", tmp_dir());
	cr_assert(run_optrom(&res, "extract", tmp_path("two.rom"), "-d", out, NULL));
	cr_expect_eq(res.status, 3, "%s", res.err);
	run_free(&res);
	cr_assert_eq(stat(tmp_path("lim/image00-efi-10de-1c02.efi"), &st), 0);
	cr_expect_eq((size_t)st.st_size, orig);
	cr_expect_neq(stat(tmp_path("lim/image01-efi-10de-1c02.efi"), &st), 0);
	got = tmp_read_file(tmp_path("lim/index.yaml"), &len);
	cr_assert_not_null(got);
	cr_assert(ydocs_parse((char *)got, len, &d));
	{
		yaml_document_t *doc = &d.docs[0];
		yaml_node_t *files = ydoc_get(doc, ydoc_root(doc), "files");
		yaml_node_t *drv = ydoc_item(doc, files, 3);
		cr_expect_str_eq(ydoc_str(ydoc_get(doc, drv, "kind")), "efi-driver");
		cr_expect(ydoc_is_null(ydoc_get(doc, drv, "name")));
		cr_expect_not_null(strstr(ydoc_str(ydoc_get(doc, drv, "error")), "decode limit"));
	}
	ydocs_free(&d);
	free(got);
	rb_free(&b);
}
