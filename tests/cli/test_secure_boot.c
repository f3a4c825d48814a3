/* --secure-boot-vars on info and check, run through the built binary:
 * the answer for an unsigned synthetic driver and for a real signed GOP
 * against Debian's OVMF_VARS_4M.ms.fd, the default store named by info,
 * and exit 2 with one line for a store that cannot be read or is none.
 * The store's db holds Microsoft Corporation UEFI CA 2011
 * (docs/formats-pci-amd-efi.md 8.2), the CA every corpus GOP is signed
 * under (osslsigncode's "Issuer" of each signer). */
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char vars[] = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";

static void make_tmp(void)
{
	tmp_make("optrom-sb");
}

TestSuite(secure_boot, .init = make_tmp, .fini = tmp_remove);

static bool need_vars(void)
{
	if (access(vars, R_OK) == 0)
		return true;
	expect_note_skip("[SKIP] %s absent (Debian package ovmf)", vars);
	return false;
}

/* x86 + EFI: the builder's EFI driver is unsigned. */
static const char *unsigned_rom(void)
{
	struct rb b;
	rb_init(&b);
	(void)rb_add_x86(&b, 0x1234, 0x5678, 2, false);
	(void)rb_add_efi(&b, 0x1234, 0x5678, 2, true);
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	rb_free(&b);
	return tmp_path("card.rom");
}

Test(secure_boot, check_adds_the_answer_for_an_unsigned_driver)
{
	struct run_result r;
	const char *rom = unsigned_rom();
	if (!need_vars())
		cr_skip_test("ovmf absent");
	cr_assert(run_optrom(&r, "check", "--secure-boot-vars", vars, rom, NULL));
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_not_null(strstr(r.out, "  GOP unsigned  secure-boot refused"), "%s", r.out);
	cr_expect_eq(run_count_lines(r.out), 1);
	run_free(&r);
	/* without the option: the GOP state only */
	cr_assert(run_optrom(&r, "check", rom, NULL));
	cr_expect_not_null(strstr(r.out, "  GOP unsigned"), "%s", r.out);
	cr_expect_null(strstr(r.out, "secure-boot"), "%s", r.out);
	run_free(&r);
}

Test(secure_boot, a_store_that_cannot_be_read_or_is_none_exits_2)
{
	struct run_result r;
	const char *rom = unsigned_rom();
	cr_assert(run_optrom(&r, "check", "--secure-boot-vars", tmp_path("missing.fd"), rom, NULL));
	cr_expect_eq(r.status, 2);
	cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "missing.fd"), "%s", r.err);
	run_free(&r);
	cr_assert(run_optrom(&r, "info", "--secure-boot-vars", rom, rom, NULL));
	cr_expect_eq(r.status, 2);
	cr_expect_not_null(strstr(r.err, "not an OVMF variable store"), "%s", r.err);
	cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
	run_free(&r);
}

Test(secure_boot, info_names_the_store_and_the_certificate)
{
	struct run_result r;
	char rom[1200];
	if (!need_vars())
		cr_skip_test("ovmf absent");
	(void)snprintf(rom, sizeof(rom), "%s/nvidia/pascal_gtx1060_GP106_patched.rom",
	               expect_corpus_dir());
	if (access(rom, R_OK) != 0) {
		expect_note_skip("[SKIP] corpus absent: %s", expect_corpus_dir());
		cr_skip_test("corpus absent");
	}
	cr_assert(run_optrom(&r, "info", "--secure-boot-vars", vars, rom, NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_not_null(strstr(r.out, "Secure Boot (db and dbx of /usr/share/OVMF/"), "%s",
	                   r.out);
	cr_expect_not_null(
	    strstr(r.out,
	           "image 1 (0xf000): accepted, through \"Microsoft Corporation UEFI CA 2011\""),
	    "%s", r.out);
	cr_expect_not_null(strstr(r.out, "signature ok: sha256 "), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "no Microsoft Option ROM UEFI CA 2023"), "%s", r.out);
	run_free(&r);
	/* the default store is the one found on this host, named */
	cr_assert(run_optrom(&r, "info", rom, NULL));
	cr_expect_not_null(strstr(r.out, "OVMF_VARS_4M.ms.fd, found on this host):"), "%s", r.out);
	run_free(&r);
	/* check: accepted */
	cr_assert(run_optrom(&r, "check", "--secure-boot-vars", vars, rom, NULL));
	cr_expect_not_null(strstr(r.out, "  GOP signed-ok  secure-boot accepted"), "%s", r.out);
	run_free(&r);
}

Test(secure_boot, yaml_has_the_authenticode_block)
{
	struct run_result r;
	char rom[1200];
	(void)snprintf(rom, sizeof(rom), "%s/nvidia/pascal_gtx1060_GP106_patched.rom",
	               expect_corpus_dir());
	if (access(rom, R_OK) != 0) {
		expect_note_skip("[SKIP] corpus absent: %s", expect_corpus_dir());
		cr_skip_test("corpus absent");
	}
	cr_assert(run_optrom(&r, "info", "--format", "yaml", rom, NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_not_null(strstr(r.out, "    authenticode:\n      state: \"ok\"\n"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "      algorithm: \"sha256\"\n"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "      ca: \"Microsoft UEFI CA 2011\"\n"), "%s", r.out);
	cr_expect_null(strstr(r.out, "Secure Boot"), "YAML output stays YAML");
	run_free(&r);
}

/* secure_boot: in YAML only when a store is named: the db the store holds
 * and each driver's answer, as in the text. */
Test(secure_boot, yaml_carries_the_answer_when_a_store_is_named)
{
	struct run_result r;
	struct ydocs d;
	const char *rom = unsigned_rom();
	if (!need_vars())
		cr_skip_test("ovmf absent");
	cr_assert(
	    run_optrom(&r, "info", "--format", "yaml", "--secure-boot-vars", vars, rom, NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert(ydocs_parse(r.out, strlen(r.out), &d), "%s", r.out);
	cr_assert_eq(d.n, 1);
	yaml_document_t *doc = &d.docs[0];
	yaml_node_t *sb = ydoc_get(doc, ydoc_root(doc), "secure_boot");
	cr_assert_not_null(sb, "%s", r.out);
	cr_expect_str_eq(ydoc_str(ydoc_get(doc, sb, "store")), vars);
	cr_expect_str_eq(ydoc_str(ydoc_get(doc, sb, "verdict")), "refused");
	yaml_node_t *db = ydoc_get(doc, sb, "db");
	yaml_node_t *names = ydoc_get(doc, db, "certificate_names");
	bool ca2011 = false;
	for (size_t i = 0; i < ydoc_len(names); i++)
		ca2011 |= strcmp(ydoc_str(ydoc_item(doc, names, i)),
		                 "Microsoft Corporation UEFI CA 2011") == 0;
	cr_expect(ca2011, "%s", r.out);
	yaml_node_t *drivers = ydoc_get(doc, sb, "drivers");
	cr_assert_eq(ydoc_len(drivers), 1, "%s", r.out);
	yaml_node_t *drv = ydoc_item(doc, drivers, 0);
	uint64_t image = 9;
	cr_expect(ydoc_uint(ydoc_get(doc, drv, "image"), &image) && image == 1, "%s", r.out);
	cr_expect_str_eq(ydoc_str(ydoc_get(doc, drv, "verdict")), "refused");
	ydocs_free(&d);
	run_free(&r);
	/* check --format json: the same key */
	cr_assert(
	    run_optrom(&r, "check", "--format", "json", "--secure-boot-vars", vars, rom, NULL));
	cr_expect_not_null(strstr(r.out, "\"secure_boot\""), "%s", r.out);
	run_free(&r);
	/* no store named: no key (the report does not depend on the host) */
	cr_assert(run_optrom(&r, "info", "--format", "yaml", rom, NULL));
	cr_expect_null(strstr(r.out, "secure_boot:"), "%s", r.out);
	run_free(&r);
}
