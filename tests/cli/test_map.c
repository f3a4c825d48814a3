/* info's map of the file: one line to scale (64 marks), regions marked by
 * what they are, a legend of the marks used; the NVIDIA view gets its own
 * strip. Colour only when asked or on a terminal, never with NO_COLOR under
 * auto, never in YAML/JSON. Expected strips come from how the test builds
 * each file (offsets / 64), not from optrom's output. */
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void make_tmp(void)
{
	tmp_make("optrom-map");
}

TestSuite(map, .init = make_tmp, .fini = tmp_remove);

static char *strip_of(const char *out, int nth)
{
	const char *p = out;
	for (int i = 0; p && i <= nth; i++) {
		p = strstr(p, "  map      |");
		if (p && i < nth)
			p++;
	}
	if (!p)
		return NULL;
	p += strlen("  map      ");
	return strndup(p, 66);
}

static char *repeat(const char *parts)
{
	/* "P4x16" -> "PPPPxxxx...": mark, count, ... */
	static char buf[128];
	size_t o = 0;
	buf[o++] = '|';
	while (*parts) {
		char m = *parts++;
		int n = (int)strtol(parts, (char **)&parts, 10);
		while (n-- > 0)
			buf[o++] = m;
	}
	buf[o++] = '|';
	buf[o] = '\0';
	return buf;
}

/* 0x1000 prefix, x86 0x4000, EFI 0x4000 (last), 0x7000 of 0xFF: 0x10000
 * bytes, 0x400 a mark. */
static struct rb layout(void)
{
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x1234, 32, false);
	rb_add_efi(&b, 0x8086, 0x1234, 32, true);
	rb_append_fill(&b, 0x7000, 0xFF);
	rb_prepend_pattern(&b, 0x1000, 11);
	return b;
}

Test(map, regions_to_scale_with_a_legend)
{
	struct rb b = layout();
	struct run_result res;
	char *s;
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "info", tmp_path("card.rom"), NULL));
	s = strip_of(res.out, 0);
	cr_assert_not_null(s, "%s", res.out);
	cr_expect_str_eq(s, repeat("P4x16e16.28"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "0x10000 bytes, 1 mark = 0x400 bytes"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, " P prefix x x86 e EFI . padding"), "%s", res.out);
	cr_expect_null(strstr(res.out, "\033["), "colour when piped");
	free(s);
	run_free(&res);
	rb_free(&b);
}

/* The file ends 0x2000 bytes into the EFI image: the missing part is drawn
 * past the end of the file; a bad x86 checksum marks the image damaged. */
Test(map, damaged_and_missing_parts)
{
	struct rb b;
	struct run_result res;
	char *s;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x1234, 32, false);
	rb_add_efi(&b, 0x8086, 0x1234, 32, true);
	b.data[0x100] ^= 0x5A; /* the x86 checksum no longer balances */
	b.len = 0x6000;        /* the strip spans 0x8000: 0x200 a mark */
	cr_assert(rb_write_file(&b, tmp_path("cut.rom")));
	cr_assert(run_optrom(&res, "info", tmp_path("cut.rom"), NULL));
	s = strip_of(res.out, 0);
	cr_assert_not_null(s, "%s", res.out);
	cr_expect_str_eq(s, repeat("!32e16~16"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "! damaged"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "~ missing"), "%s", res.out);
	cr_expect_not_null(strstr(res.out, "runs past the end of the file"), "%s", res.out);
	free(s);
	run_free(&res);
	rb_free(&b);
}

/* NVIDIA's view gets its own strip: the Pascal-style builder ROM (0x4800
 * bytes: x86 0x0-0x2000 whose NPDE covers 0x2000, private images at 0x2000
 * and 0x3000). */
Test(map, nvidia_view_has_its_strip)
{
	struct rb b;
	struct run_result res;
	char *s;
	rb_nvidia_pascal(&b, false);
	cr_assert(rb_write_file(&b, tmp_path("nv.rom")));
	cr_assert(run_optrom(&res, "info", tmp_path("nv.rom"), NULL));
	cr_assert_not_null(strstr(res.out, "NVIDIA chain (NPDE view):"), "%s", res.out);
	s = strip_of(strstr(res.out, "NVIDIA chain (NPDE view):"), 0);
	cr_assert_not_null(s, "no strip after the NVIDIA chain: %s", res.out);
	cr_expect_eq(s[1], 'x', "%s", s);
	cr_expect_not_null(strchr(s, 'n'), "no NVIDIA private image in %s", s);
	free(s);
	run_free(&res);
	rb_free(&b);
}

Test(map, colour_only_when_asked_or_on_a_terminal)
{
	struct rb b = layout();
	struct run_result res;
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	cr_assert(run_optrom(&res, "info", "--color=always", tmp_path("card.rom"), NULL));
	cr_expect_not_null(strstr(res.out, "\033["), "--color=always gave no colour");
	run_free(&res);
	cr_assert(run_optrom(&res, "check", "--color", "always", tmp_path("card.rom"), NULL));
	cr_expect_not_null(strstr(res.out, "\033["), "check --color always gave no colour");
	run_free(&res);
	cr_assert(
	    run_optrom(&res, "info", "--color=always", "-f", "json", tmp_path("card.rom"), NULL));
	cr_expect_null(strstr(res.out, "\033["), "colour in JSON");
	run_free(&res);
	cr_assert(
	    run_optrom(&res, "info", "--color=always", "-f", "yaml", tmp_path("card.rom"), NULL));
	cr_expect_null(strstr(res.out, "\033["), "colour in YAML");
	run_free(&res);
	setenv("NO_COLOR", "1", 1);
	cr_assert(run_optrom(&res, "info", "--color=auto", tmp_path("card.rom"), NULL));
	cr_expect_null(strstr(res.out, "\033["), "colour with NO_COLOR");
	run_free(&res);
	unsetenv("NO_COLOR");
	cr_assert(run_optrom(&res, "info", "--color=sometimes", tmp_path("card.rom"), NULL));
	cr_expect_eq(res.status, 2);
	cr_expect_eq(run_count_lines(res.err), 1, "%s", res.err);
	run_free(&res);
	rb_free(&b);
}
