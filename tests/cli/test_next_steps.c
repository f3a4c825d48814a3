/* The next steps `optrom fix` prints paste and run as they are: the cp line
 * is run by sh, bash and zsh (into a temporary folder standing in for
 * /usr/share/kvm) for names with spaces, parentheses, quotes, $, backticks,
 * shell operators and non-ASCII; it copies exactly the written file under a
 * name romfile= can take, and runs nothing the name holds. The lines fit the
 * device: x-vga, OVMF and q35 for a GPU, neither x-vga nor "GPU" for a
 * network card. */
#include "formats/pci_rom.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-next");
}

TestSuite(next_steps, .init = make_tmp, .fini = tmp_remove);

/* NVGI container + x86 + EFI (compressed driver) of 10de:1c02: fix strips
 * the container. With base_class 0x02 the images say "network controller"
 * (the x86 checksum rebalanced). */
static struct rb rom(uint8_t base_class)
{
	struct rb b;
	struct rb_image_opts o = rb_efi_opts(0x10de, 0x1c02, 4, true);
	size_t efi;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	o.efi_compression = 1;
	efi = rb_add_image(&b, &o);
	if (base_class != 0x03) {
		/* PCI Firmware 3.0, 5.1.2: class code at PCIR+0x0D, base class +0x0F */
		size_t p0 = b.data[0x18] | (size_t)b.data[0x19] << 8;
		size_t p1 = efi + (b.data[efi + 0x18] | (size_t)b.data[efi + 0x19] << 8);
		rb_put8(&b, p0 + 0x0F, base_class);
		rb_put8(&b, p1 + 0x0F, base_class);
		rb_balance(&b, 0, 8 * 512 - 1);
	}
	rb_prepend_nvgi(&b, 2, 0xA00);
	return b;
}

/* The line of out that starts (after spaces) with prefix, without them. */
static char *line_with(const char *out, const char *prefix)
{
	const char *p = out;
	while (p && *p) {
		const char *s = p, *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (*s == ' ')
			s++;
		if (strncmp(s, prefix, strlen(prefix)) == 0) {
			char *r = malloc(n + 1);
			memcpy(r, s, n - (size_t)(s - p));
			r[n - (size_t)(s - p)] = '\0';
			return r;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static bool bare_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
		            *s))
			return false;
	return true;
}

static size_t entries(const char *dir)
{
	return tmp_count_entries(dir);
}

/* Runs fix on dir/name and the printed cp line in each shell; expect is
 * the name the copy must get (NULL: only check it is bare). */
static void paste_runs(const char *name, const char *expect)
{
	char in[4096], kvm[4096], roms[4096], cmd[16384], *cp, *pve, *romfile, *end;
	char fixed[4096], copied[4096];
	static const char *const shells[] = {"/bin/sh", "/bin/bash", "/usr/bin/zsh"};
	struct rb b = rom(0x03);
	struct run_result res;
	const char *dot;
	uint8_t *want, *got;
	size_t wlen, glen;
	(void)snprintf(roms, sizeof(roms), "%s/roms", tmp_dir());
	static int round;
	/* a fresh stand-in per name: it must hold the one copy only */
	(void)snprintf(kvm, sizeof(kvm), "%s/kvm%d", tmp_dir(), round++);
	(void)mkdir(roms, 0755);
	(void)mkdir(kvm, 0755);
	cr_assert_lt(snprintf(in, sizeof(in), "%s/%s", roms, name), (int)sizeof(in));
	cr_assert(rb_write_file(&b, in));
	rb_free(&b);
	cr_assert(run_optrom(&res, "fix", in, NULL));
	cr_assert_eq(res.status, 0, "%s: %s", name, res.err);
	/* card.rom -> card.fixed.rom beside it */
	dot = strrchr(name, '.');
	cr_assert_lt(
	    snprintf(fixed, sizeof(fixed), "%s/%.*s.fixed%s", roms, (int)(dot - name), name, dot),
	    (int)sizeof(fixed));
	cp = line_with(res.out, "cp -- ");
	pve = line_with(res.out, "then in /etc/pve/");
	cr_assert_not_null(cp, "%s: no cp line in: %s", name, res.out);
	cr_assert_not_null(pve, "%s: no hostpci line in: %s", name, res.out);
	romfile = strstr(pve, "romfile=");
	cr_assert_not_null(romfile);
	romfile += strlen("romfile=");
	end = romfile + strcspn(romfile, ", \n");
	*end = '\0';
	cr_expect(bare_name(romfile), "%s: romfile=%s is not a bare name", name, romfile);
	if (expect)
		cr_expect_str_eq(romfile, expect, "%s", name);
	/* /usr/share/kvm/ -> the stand-in (a path of safe characters) */
	{
		char *k = strstr(cp, " /usr/share/kvm/");
		cr_assert_not_null(k, "%s: %s", name, cp);
		*k = '\0';
		cr_assert_lt(
		    snprintf(cmd, sizeof(cmd), "%s %s/%s", cp, kvm, k + strlen(" /usr/share/kvm/")),
		    (int)sizeof(cmd));
	}
	cr_assert_lt(snprintf(copied, sizeof(copied), "%s/%s", kvm, romfile), (int)sizeof(copied));
	want = tmp_read_file(fixed, &wlen);
	cr_assert_not_null(want, "%s: %s not written", name, fixed);
	for (size_t i = 0; i < 3; i++) {
		struct run_result sh;
		char *argv[] = {(char *)shells[i], "-c", cmd, NULL};
		size_t before = entries(tmp_dir());
		(void)unlink(copied);
		cr_assert(run_argv(argv, &sh));
		cr_expect_eq(sh.status, 0, "%s: `%s` in %s: %s", name, cmd, shells[i], sh.err);
		got = tmp_read_file(copied, &glen);
		cr_expect_not_null(got, "%s: %s did not copy to %s", shells[i], cmd, copied);
		if (got)
			cr_expect(glen == wlen && memcmp(got, want, wlen) == 0,
			          "%s: the copy differs from the written file", shells[i]);
		free(got);
		cr_expect_eq(entries(kvm), 1, "%s: %s left other files", shells[i], cmd);
		/* nothing the name holds ran: no file appeared beside */
		cr_expect_eq(entries(tmp_dir()), before, "%s: `%s` created a file", shells[i], cmd);
		run_free(&sh);
	}
	free(want);
	free(cp);
	free(pve);
	run_free(&res);
}

Test(next_steps, spaces_and_parentheses)
{
	paste_runs("ASUS RTX 5060 Ti (rev 2).rom", "ASUS_RTX_5060_Ti_rev_2.fixed.rom");
}

Test(next_steps, quotes)
{
	paste_runs("it's a \"quoted\" card.rom", "it_s_a_quoted_card.fixed.rom");
}

Test(next_steps, dollar_and_backticks_run_nothing)
{
	char here[4096];
	cr_assert_not_null(getcwd(here, sizeof(here)));
	cr_assert_eq(chdir(tmp_dir()), 0);
	paste_runs("$HOME `touch pwned` $(touch pwned2).rom",
	           "HOME_touch_pwned_touch_pwned2.fixed.rom");
	cr_expect_neq(access("pwned", F_OK), 0);
	cr_expect_neq(access("pwned2", F_OK), 0);
	cr_assert_eq(chdir(here), 0);
}

Test(next_steps, shell_operators_and_non_ascii)
{
	paste_runs("a;b&c|d <e> caf\xc3\xa9 \xc3\xbc.rom", "a_b_c_d_e_caf.fixed.rom");
	paste_runs("-x.rom", "x.fixed.rom");
	paste_runs("plain_name-1.rom", "plain_name-1.fixed.rom");
}

/* GPU: x-vga, OVMF, q35, "GPU"; a network card: none of x-vga and GPU. */
Test(next_steps, lines_fit_the_device_class)
{
	struct run_result res;
	struct rb b = rom(0x03);
	cr_assert(rb_write_file(&b, tmp_path("gpu.rom")));
	rb_free(&b);
	b = rom(0x02);
	cr_assert(rb_write_file(&b, tmp_path("nic.rom")));
	rb_free(&b);
	cr_assert(run_optrom(&res, "fix", tmp_path("gpu.rom"), NULL));
	cr_assert_eq(res.status, 0, "%s", res.err);
	cr_expect_not_null(strstr(res.out, ",x-vga=1"));
	cr_expect_not_null(strstr(res.out, "OVMF"));
	cr_expect_not_null(strstr(res.out, "q35"));
	cr_expect_not_null(strstr(res.out, "the GPU's <hostdev>"));
	run_free(&res);
	cr_assert(run_optrom(&res, "fix", tmp_path("nic.rom"), NULL));
	cr_assert_eq(res.status, 0, "%s", res.err);
	cr_assert_not_null(strstr(res.out, "Next steps:"));
	cr_expect_null(strstr(strstr(res.out, "Next steps:"), "x-vga"), "%s", res.out);
	cr_expect_null(strstr(strstr(res.out, "Next steps:"), "GPU"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "the device's <hostdev>"));
	cr_expect_not_null(strstr(res.out, "q35"));
	run_free(&res);
	/* the same in JSON: device and romfile as data */
	cr_assert(run_optrom(&res, "fix", "-f", "json", "--force", tmp_path("nic.rom"), NULL));
	cr_assert_eq(res.status, 0, "%s", res.err);
	cr_expect_not_null(strstr(res.out, "\"device\":\"device\""), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "\"romfile\":\"nic.fixed.rom\""), "%s", res.out);
	run_free(&res);
}
