/* What Debian's OVMF does with option ROM drivers under Secure Boot, pinned.
 *
 * Debian's ovmf ships a Secure Boot build (OVMF_CODE_4M.secboot.fd) and a
 * variable store whose PK, KEK and db hold only a "snakeoil" test key
 * (OVMF_VARS_4M.snakeoil.fd, key and certificate in /usr/share/ovmf,
 * passphrase "snakeoil" per the package's README.Debian). Its built-in shell
 * is refused there, so the test builds a small UEFI application that prints
 * the shell's driver listing (tests/vm/efi/list_drivers.c, gnu-efi), signs it
 * with the snakeoil key (sbsign), and boots it with boot-test --efi-app.
 *
 * Observed and pinned: Secure Boot is enforced for boot images (the unsigned
 * application is refused), while option ROM drivers load whether or not
 * their signature chains to the db: NVIDIA's GOP, signed by Microsoft's UEFI
 * CA, which this db does not hold, loads, and so does iPXE's unsigned driver.
 * That is PcdOptionRomImageVerificationPolicy 0 (always execute) in this
 * build. Skipped visibly when gnu-efi, sbsigntool, openssl or the Secure Boot
 * files are absent. */
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"
#include "vm/vm.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char sb_code[] = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";
static const char sb_vars[] = "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd";
static const char sb_key[] = "/usr/share/ovmf/PkKek-1-snakeoil.key";
static const char sb_cert[] = "/usr/share/ovmf/PkKek-1-snakeoil.pem";
static const char efi_inc[] = "/usr/include/efi";
static const char efi_crt0[] = "/usr/lib/crt0-efi-x86_64.o";
static const char efi_lds[] = "/usr/lib/elf_x86_64_efi.lds";
static const char ipxe_rom[] = "/usr/lib/ipxe/qemu/efi-e1000.rom";

static void make_tmp(void)
{
	tmp_make("optrom-sb");
}

TestSuite(secure_boot, .init = make_tmp, .fini = tmp_remove, .timeout = 600);

/* A program on PATH. */
static bool on_path(const char *name)
{
	char cmd[256];
	(void)snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static bool have_all(void)
{
	char q[1024];
	const char *files[] = {sb_code, sb_vars, sb_key, sb_cert, efi_inc, efi_crt0, efi_lds};
	const char *tools[] = {"cc", "ld", "objcopy", "sbsign", "openssl"};
	if (!vm_find_qemu(q, sizeof(q))) {
		expect_note_skip("[SKIP] secure_boot: qemu-system-x86_64 not found");
		return false;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (access(files[i], R_OK) != 0) {
			expect_note_skip("[SKIP] secure_boot: %s absent (Debian: ovmf, gnu-efi)",
			                 files[i]);
			return false;
		}
	}
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (!on_path(tools[i])) {
			expect_note_skip("[SKIP] secure_boot: %s not found (Debian: binutils, "
			                 "sbsigntool, openssl)",
			                 tools[i]);
			return false;
		}
	}
	return true;
}

static void run_ok(char *const argv[])
{
	struct run_result r;
	cr_assert(run_argv(argv, &r), "%s could not start", argv[0]);
	cr_assert_eq(r.status, 0, "%s exited %d: %s", argv[0], r.status, r.err);
	run_free(&r);
}

/* Builds list_drivers.efi in the test folder; signs it when sign. Returns
 * its path (static storage). */
static const char *build_app(bool sign)
{
	static char efi[1024];
	char src[1024], obj[1024], so[1024], key[1024], signed_efi[1024], inc_arch[1024];
	(void)snprintf(src, sizeof(src), "%s/tests/vm/efi/list_drivers.c", OPTROM_SOURCE_DIR);
	(void)snprintf(obj, sizeof(obj), "%s", tmp_path("list_drivers.o"));
	(void)snprintf(so, sizeof(so), "%s", tmp_path("list_drivers.so"));
	(void)snprintf(efi, sizeof(efi), "%s", tmp_path("list_drivers.efi"));
	(void)snprintf(key, sizeof(key), "%s", tmp_path("snakeoil.key"));
	(void)snprintf(signed_efi, sizeof(signed_efi), "%s", tmp_path("list_drivers.signed.efi"));
	(void)snprintf(inc_arch, sizeof(inc_arch), "-I%s/x86_64", efi_inc);
	char inc[256];
	(void)snprintf(inc, sizeof(inc), "-I%s", efi_inc);
	/* gnu-efi's build flags (its Make.defaults for x86_64). */
	char *cc[] = {"/usr/bin/env",
	              "cc",
	              inc,
	              inc_arch,
	              "-fpic",
	              "-fshort-wchar",
	              "-fno-strict-aliasing",
	              "-ffreestanding",
	              "-fno-stack-protector",
	              "-fno-stack-check",
	              "-DCONFIG_x86_64",
	              "-DGNU_EFI_USE_MS_ABI",
	              "-maccumulate-outgoing-args",
	              "-mno-red-zone",
	              "-O2",
	              "-c",
	              src,
	              "-o",
	              obj,
	              NULL};
	run_ok(cc);
	char lds[256];
	(void)snprintf(lds, sizeof(lds), "%s", efi_lds);
	char *ld[] = {"/usr/bin/env",
	              "ld",
	              "-nostdlib",
	              "-znocombreloc",
	              "-T",
	              lds,
	              "-shared",
	              "-Bsymbolic",
	              "-L/usr/lib",
	              (char *)efi_crt0,
	              obj,
	              "-o",
	              so,
	              "-lefi",
	              "-lgnuefi",
	              NULL};
	run_ok(ld);
	char *oc[] = {"/usr/bin/env",
	              "objcopy",
	              "-j",
	              ".text",
	              "-j",
	              ".sdata",
	              "-j",
	              ".data",
	              "-j",
	              ".dynamic",
	              "-j",
	              ".dynsym",
	              "-j",
	              ".rel",
	              "-j",
	              ".rela",
	              "-j",
	              ".rel.*",
	              "-j",
	              ".rela.*",
	              "-j",
	              ".reloc",
	              "--target",
	              "efi-app-x86_64",
	              "--subsystem=10",
	              so,
	              efi,
	              NULL};
	run_ok(oc);
	if (!sign)
		return efi;
	char *pk[] = {"/usr/bin/env", "openssl",       "pkey", "-in", (char *)sb_key,
	              "-passin",      "pass:snakeoil", "-out", key,   NULL};
	run_ok(pk);
	char *sg[] = {"/usr/bin/env",  "sbsign",   "--key",    key, "--cert",
	              (char *)sb_cert, "--output", signed_efi, efi, NULL};
	run_ok(sg);
	(void)snprintf(efi, sizeof(efi), "%s", signed_efi);
	return efi;
}

/* boot-test under Secure Boot with the snakeoil store; the result's exit
 * status and, when it printed one, the names of the drivers loaded. */
static int sb_boot(const char *app, const char *rom, char *names, size_t cap)
{
	struct run_result r;
	char ovmf[512];
	(void)snprintf(ovmf, sizeof(ovmf), "%s,%s", sb_code, sb_vars);
	cr_assert(run_optrom(&r, "boot-test", "--secure-boot", "--ovmf", ovmf, "--efi-app", app,
	                     "--format", "yaml", rom, NULL));
	int st = r.status;
	names[0] = '\0';
	if (st == 0 || st == 3) {
		struct ydocs d;
		cr_assert(ydocs_parse(r.out, r.out_len, &d) && d.n == 1, "%s", r.out);
		yaml_document_t *doc = &d.docs[0];
		yaml_node_t *root = ydoc_root(doc);
		const char *sb =
		    ydoc_str(ydoc_get(doc, ydoc_get(doc, root, "firmware"), "secure_boot"));
		cr_assert(sb && strcmp(sb, "true") == 0, "not a Secure Boot boot");
		yaml_node_t *loaded = ydoc_get(doc, root, "loaded");
		for (size_t i = 0; i < ydoc_len(loaded); i++) {
			const char *n = ydoc_str(ydoc_get(doc, ydoc_item(doc, loaded, i), "name"));
			(void)snprintf(names + strlen(names), cap - strlen(names), "%s;",
			               n ? n : "");
		}
		ydocs_free(&d);
	} else {
		(void)snprintf(names, cap, "%s", r.err);
	}
	run_free(&r);
	return st;
}

Test(secure_boot, an_unsigned_boot_application_is_refused)
{
	char out[1024];
	if (!have_all() || access(ipxe_rom, R_OK) != 0)
		return;
	const char *app = build_app(false);
	int st = sb_boot(app, ipxe_rom, out, sizeof(out));
	cr_assert_eq(st, 2, "Secure Boot did not refuse the unsigned application: %s", out);
	cr_assert(strstr(out, "did not run the UEFI shell's script"), "%s", out);
}

Test(secure_boot, a_gop_signed_by_a_ca_outside_db_still_loads)
{
	struct expect_row row;
	char names[1024];
	size_t n = 0;
	if (!have_all())
		return;
	struct expect_row *rows = expect_load(&n);
	bool found = false;
	for (size_t i = 0; i < n && !found; i++)
		if (strcmp(rows[i].name, "nvidia/pascal_gtx1060_GP106_nvgi.rom") == 0) {
			row = rows[i];
			found = true;
		}
	free(rows);
	if (!found || !row.present) {
		expect_note_skip("[SKIP] secure_boot: the GTX 1060 corpus file is not under %s",
		                 expect_corpus_dir());
		return;
	}
	struct run_result r;
	const char *rom = tmp_path("gtx1060.rom");
	char rom_path[1024];
	(void)snprintf(rom_path, sizeof(rom_path), "%s", rom);
	cr_assert(run_optrom(&r, "fix", row.path, "-o", rom_path, NULL));
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	const char *app = build_app(true);
	int st = sb_boot(app, rom_path, names, sizeof(names));
	cr_assert_eq(st, 0, "%s", names);
	cr_assert(strstr(names, "NVIDIA GPU UEFI Driver"), "%s", names);
}

Test(secure_boot, an_unsigned_rom_driver_still_loads)
{
	char names[1024];
	if (!have_all() || access(ipxe_rom, R_OK) != 0)
		return;
	const char *app = build_app(true);
	int st = sb_boot(app, ipxe_rom, names, sizeof(names));
	cr_assert_eq(st, 0, "%s", names);
	cr_assert_neq(names[0], '\0');
}
