/* One vocabulary across commands, checked for every command the binary
 * lists (`optrom help --commands`, the table in cli/main.c), so a command
 * added later is held to it too: `optrom help CMD` is `optrom CMD --help`;
 * a usage error is one line "optrom CMD: ...; see optrom CMD --help";
 * -f is --format, -o is --output, -q is --quiet wherever they exist, and
 * --force has no short form. Then what the words do: info takes several
 * files, -o DIR puts fix's file into DIR, extract writes beside its input,
 * the fix report's status says what happened. */
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-vocab");
}

TestSuite(vocabulary, .init = make_tmp, .fini = tmp_remove);

/* The command names, from the binary. */
static size_t commands(char names[][32], size_t cap)
{
	struct run_result res;
	size_t n = 0;
	cr_assert(run_optrom(&res, "help", "--commands", NULL));
	cr_assert_eq(res.status, 0);
	for (char *line = strtok(res.out, "\n"); line && n < cap; line = strtok(NULL, "\n")) {
		char *tab = strchr(line, '\t');
		cr_assert_not_null(tab, "no summary: %s", line);
		*tab = '\0';
		(void)snprintf(names[n++], 32, "%s", line);
	}
	run_free(&res);
	return n;
}

Test(vocabulary, help_usage_errors_and_option_letters_of_every_command)
{
	char names[64][32], prefix[64], hint[64];
	size_t n = commands(names, 64);
	cr_assert_geq(n, 4);
	for (size_t i = 0; i < n; i++) {
		struct run_result a, b;
		cr_assert(run_optrom(&a, "help", names[i], NULL));
		cr_assert(run_optrom(&b, names[i], "--help", NULL));
		cr_expect_eq(a.status, 0, "help %s", names[i]);
		cr_expect_str_eq(a.out, b.out, "optrom help %s differs from optrom %s --help",
		                 names[i], names[i]);
		/* the letters */
		if (strstr(b.out, "--format"))
			cr_expect_not_null(strstr(b.out, "-f, --format"), "%s: -f is not --format",
			                   names[i]);
		if (strstr(b.out, "--output"))
			cr_expect_not_null(strstr(b.out, "-o, --output"), "%s", names[i]);
		if (strstr(b.out, "--quiet"))
			cr_expect_not_null(strstr(b.out, "-q, --quiet"), "%s", names[i]);
		if (strstr(b.out, "--verbose"))
			cr_expect_not_null(strstr(b.out, "-v, --verbose"), "%s", names[i]);
		if (strstr(b.out, "--force"))
			cr_expect_not_null(strstr(b.out, "      --force"),
			                   "%s: --force has a short form", names[i]);
		cr_expect_not_null(strstr(b.out, "Exit status"), "%s --help: no exit status",
		                   names[i]);
		run_free(&a);
		run_free(&b);
		/* usage errors: one line, the prefix and the hint */
		(void)snprintf(prefix, sizeof(prefix), "optrom %s: ", names[i]);
		(void)snprintf(hint, sizeof(hint), "; see optrom %s --help\n", names[i]);
		{
			static const char *const bad[][2] = {{"--no-such-option", NULL},
			                                     {"-Z", NULL}};
			for (size_t k = 0; k < 2; k++) {
				cr_assert(
				    run_optrom(&a, names[i], bad[k][0], tmp_path("x.rom"), NULL));
				cr_expect_eq(a.status, 2, "%s %s", names[i], bad[k][0]);
				cr_expect_eq(run_count_lines(a.err), 1, "%s %s: %s", names[i],
				             bad[k][0], a.err);
				cr_expect_eq(strncmp(a.err, prefix, strlen(prefix)), 0, "%s",
				             a.err);
				cr_expect(strlen(a.err) > strlen(hint) &&
				              !strcmp(a.err + strlen(a.err) - strlen(hint), hint),
				          "%s", a.err);
				cr_expect_eq(a.out_len, 0, "%s %s printed on stdout", names[i],
				             bad[k][0]);
				run_free(&a);
			}
		}
	}
	/* help for what does not exist */
	{
		struct run_result a;
		cr_assert(run_optrom(&a, "help", "frobnicate", NULL));
		cr_expect_eq(a.status, 2);
		cr_expect_eq(run_count_lines(a.err), 1, "%s", a.err);
		run_free(&a);
	}
}

Test(vocabulary, io_error_prefix_names_command_and_file)
{
	static const char *const cmds[] = {"info", "check", "fix", "extract"};
	for (size_t i = 0; i < 4; i++) {
		struct run_result r;
		char want[128];
		cr_assert(run_optrom(&r, cmds[i], tmp_path("missing.rom"), NULL));
		cr_expect_eq(r.status, 2);
		cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
		(void)snprintf(want, sizeof(want), "optrom %s: ", cmds[i]);
		cr_expect_eq(strncmp(r.err, want, strlen(want)), 0, "%s", r.err);
		cr_expect_not_null(strstr(r.err, "missing.rom"), "%s", r.err);
		run_free(&r);
	}
}

static struct rb fixable(void)
{
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, 8, false);
	rb_add_efi(&b, 0x1002, 0x67df, 4, true);
	rb_prepend_nvgi(&b, 2, 0xA00);
	return b;
}

Test(vocabulary, info_takes_several_files_quiet_and_verbose)
{
	struct rb b = fixable();
	struct run_result r;
	cr_assert(rb_write_file(&b, tmp_path("a.rom")));
	cr_assert(rb_write_file(&b, tmp_path("b.rom")));
	cr_assert(run_optrom(&r, "info", tmp_path("a.rom"), tmp_path("b.rom"), NULL));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect_not_null(strstr(r.out, "a.rom\n"));
	cr_expect_not_null(strstr(r.out, "b.rom\n"));
	run_free(&r);
	cr_assert(run_optrom(&r, "info", "-f", "json", tmp_path("a.rom"), tmp_path("b.rom"), NULL));
	cr_expect_eq(run_count_lines(r.out), 2, "JSON Lines: one document per file: %s", r.out);
	run_free(&r);
	cr_assert(run_optrom(&r, "check", "-q", tmp_path("a.rom"), NULL));
	cr_expect_eq(r.status, 1);
	cr_expect_eq(r.out_len, 0);
	run_free(&r);
	cr_assert(run_optrom(&r, "check", "-v", tmp_path("a.rom"), NULL));
	cr_expect_not_null(strstr(r.out, "\n  warning data-before-rom"), "%s", r.out);
	run_free(&r);
	rb_free(&b);
}

Test(vocabulary, fix_o_dir_and_extract_beside_the_input)
{
	struct rb b = fixable();
	struct run_result r;
	struct stat st;
	char here[4096];
	cr_assert_eq(mkdir(tmp_path("in"), 0755), 0);
	cr_assert_eq(mkdir(tmp_path("out"), 0755), 0);
	cr_assert(rb_write_file(&b, tmp_path("in/card.rom")));
	cr_assert(run_optrom(&r, "fix", tmp_path("in/card.rom"), "-o", tmp_path("out"), NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(stat(tmp_path("out/card.fixed.rom"), &st), 0, "-o DIR: not in DIR");
	run_free(&r);
	/* again: exists, refused without --force (one line), replaced with it */
	cr_assert(run_optrom(&r, "fix", tmp_path("in/card.rom"), "-o", tmp_path("out/"), NULL));
	cr_expect_eq(r.status, 2);
	cr_expect_eq(run_count_lines(r.err), 1, "%s", r.err);
	run_free(&r);
	cr_assert(
	    run_optrom(&r, "fix", "--force", tmp_path("in/card.rom"), "-o", tmp_path("out"), NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	/* extract from another folder: the folder goes beside the input */
	cr_assert_not_null(getcwd(here, sizeof(here)));
	cr_assert_eq(chdir(tmp_path("out")), 0);
	cr_assert(run_optrom(&r, "extract", "-q", tmp_path("in/card.rom"), NULL));
	cr_assert_eq(chdir(here), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(r.out_len, 0, "-q printed: %s", r.out);
	cr_expect_eq(stat(tmp_path("in/card.extracted/index.yaml"), &st), 0);
	cr_expect_neq(stat(tmp_path("out/card.extracted"), &st), 0);
	run_free(&r);
	/* -f json: the index in JSON */
	cr_assert(run_optrom(&r, "extract", "-f", "json", tmp_path("in/card.rom"), "-o",
	                     tmp_path("j"), NULL));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(stat(tmp_path("j/index.json"), &st), 0);
	run_free(&r);
	rb_free(&b);
}

static void expect_status(const char *want, int code, const char *a1, const char *a2,
                          const char *a3)
{
	struct run_result r;
	char key[64];
	cr_assert(run_optrom(&r, "fix", "-f", "json", a1, a2, a3, NULL));
	cr_expect_eq(r.status, code, "%s: %s", want, r.err);
	(void)snprintf(key, sizeof(key), "\"status\":\"%s\"", want);
	cr_expect_not_null(strstr(r.out, key), "expected %s in %s", key, r.out);
	run_free(&r);
}

Test(vocabulary, fix_status_says_what_happened)
{
	struct rb b = fixable();
	cr_assert(rb_write_file(&b, tmp_path("card.rom")));
	expect_status("dry-run", 0, "--dry-run", tmp_path("card.rom"), NULL);
	expect_status("written", 0, tmp_path("card.rom"), NULL, NULL);
	expect_status("failed", 2, tmp_path("card.rom"), NULL, NULL); /* exists */
	expect_status("unchanged", 0, "--in-place", tmp_path("card.fixed.rom"), NULL);
	b.len = 0x1000; /* the x86 image cut: cannot be made ready */
	cr_assert(rb_write_file(&b, tmp_path("cut.rom")));
	expect_status("refused", 3, tmp_path("cut.rom"), NULL, NULL);
	rb_free(&b);
}
