/* The built binary on inputs that are not plain ROM files: a .gz of a real
 * ROM, zip archives of ROMs (built here with zlib), ARCHIVE!MEMBER, standard
 * input as "-". Names in reports are the input as typed; I/O and archive
 * errors exit 2 with one line. Also the two old bugs: a .gz was called
 * broken ("no 55AA image anywhere"), and a stored zip of two ROMs was called
 * fixable and `fix` wrote ROM 1 + zip headers + ROM 2. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "tests/support/bytes.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-inputs");
}

TestSuite(inputs, .init = make_tmp, .fini = tmp_remove, .timeout = 600);

#define E1000  "/usr/lib/ipxe/qemu/efi-e1000.rom"
#define VIRTIO "/usr/lib/ipxe/qemu/efi-virtio.rom"
#define ISAVGA "/usr/share/seabios/vgabios-isavga.bin"
#define NEED(p)                                                                                    \
	if (access(p, R_OK) != 0)                                                                  \
	cr_skip_test("%s absent (Debian ipxe-qemu / seabios not installed)", p)

static uint8_t *must_read(const char *path, size_t *len)
{
	uint8_t *p = tb_read_file(path, len);
	cr_assert_not_null(p, "cannot read %s", path);
	return p;
}

static void write_gz(const char *src, const char *dst)
{
	size_t n, g;
	uint8_t *p = must_read(src, &n), *gz = zb_deflate(p, n, 0, 31, &g);
	cr_assert(zb_write_file(dst, gz, g));
	free(p);
	free(gz);
}

/* A zip of the files srcs[i] as names[i], method 0 or 8. */
static void write_zip(const char *dst, const char *const *srcs, const char *const *names, size_t n,
                      uint16_t method)
{
	struct zb z;
	zb_init(&z);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		uint8_t *p = must_read(srcs[i], &len);
		zb_add(&z, names[i], p, len, method);
		free(p);
	}
	zb_finish(&z, NULL);
	cr_assert(zb_write_file(dst, z.data, z.len));
	zb_free(&z);
}

static void expect_run(int want, const char *what, const struct run_result *res)
{
	cr_expect_eq(res->status, want, "%s: exit %d, expected %d; stderr: %s", what, res->status,
	             want, res->err ? res->err : "");
}

/* One stderr line, holding each given word. */
static void expect_one_line(const struct run_result *res, const char *w1, const char *w2)
{
	cr_expect_eq(run_count_lines(res->err), 1, "expected one stderr line: %s", res->err);
	cr_expect(strstr(res->err, w1) != NULL, "no '%s' in: %s", w1, res->err);
	if (w2)
		cr_expect(strstr(res->err, w2) != NULL, "no '%s' in: %s", w2, res->err);
}

/* The YAML report without its file: line. */
static char *yaml_without_file(const char *yaml, const char *want_file)
{
	char *copy = strdup(yaml), *line, *out = calloc(1, strlen(yaml) + 1);
	char key[600];
	bool seen = false;
	cr_assert(copy && out);
	snprintf(key, sizeof(key), "file: \"%s\"", want_file);
	for (line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "file:", 5) == 0) {
			cr_expect_str_eq(line, key);
			seen = true;
			continue;
		}
		strcat(out, line);
		strcat(out, "\n");
	}
	cr_expect(seen, "no file: line");
	free(copy);
	return out;
}

/* info and check of a .gz give the plain file's report under the typed name. */
static void expect_same_as_plain(const char *plain, const char *other)
{
	struct run_result a, b;
	char *ya, *yb, first[600];
	cr_assert(run_optrom(&a, "info", "--format", "yaml", plain, NULL));
	cr_assert(run_optrom(&b, "info", "--format", "yaml", other, NULL));
	cr_expect_eq(a.status, b.status, "%s: exit %d, plain %d; %s", other, b.status, a.status,
	             b.err);
	ya = yaml_without_file(a.out, plain);
	yb = yaml_without_file(b.out, other);
	cr_expect_str_eq(yb, ya, "%s: the report differs from the plain file's", other);
	free(ya);
	free(yb);
	run_free(&a);
	run_free(&b);
	/* Text: the first line names the input as typed. */
	cr_assert(run_optrom(&b, "info", other, NULL));
	snprintf(first, sizeof(first), "%s\n", other);
	cr_expect(strncmp(b.out, first, strlen(first)) == 0, "first line: %.80s", b.out);
	run_free(&b);
	cr_assert(run_optrom(&a, "check", plain, NULL));
	cr_assert(run_optrom(&b, "check", other, NULL));
	cr_expect_eq(a.status, b.status);
	/* Same line but for the name. */
	cr_assert(strstr(a.out, plain) && strstr(b.out, other), "%s / %s", a.out, b.out);
	cr_expect_str_eq(strstr(b.out, other) + strlen(other),
	                 strstr(a.out, plain) + strlen(plain));
	cr_expect_eq(strstr(b.out, other) - b.out, strstr(a.out, plain) - a.out);
	run_free(&a);
	run_free(&b);
}

Test(inputs, gz_of_a_real_rom_reports_like_the_plain_file)
{
	NEED(E1000);
	NEED(ISAVGA);
	write_gz(E1000, tmp_path("e1000.rom.gz"));
	expect_same_as_plain(E1000, tmp_path("e1000.rom.gz"));
	/* A broken ROM stays broken for the same reason; the name does not matter. */
	write_gz(ISAVGA, tmp_path("isavga.bin"));
	expect_same_as_plain(ISAVGA, tmp_path("isavga.bin"));
}

Test(inputs, gz_of_a_fixable_corpus_rom)
{
	const char *env = getenv("OPTROM_CORPUS");
	char src[1024];
	snprintf(src, sizeof(src), "%s/nvidia/pascal_gtx1060_GP106_nvgi.rom",
	         env && *env ? env : OPTROM_DEFAULT_CORPUS);
	if (access(src, R_OK) != 0)
		cr_skip_test("%s absent (corpus not here)", src);
	write_gz(src, tmp_path("gtx1060.rom.gz"));
	expect_same_as_plain(src, tmp_path("gtx1060.rom.gz"));
}

/* Old bug 1: a .gz was called broken ("no 55AA image anywhere"). */
Test(inputs, gz_is_not_rom_data)
{
	struct run_result res;
	NEED(E1000);
	write_gz(E1000, tmp_path("card.rom.gz"));
	cr_assert(run_optrom(&res, "check", tmp_path("card.rom.gz"), NULL));
	expect_run(0, "check .gz", &res);
	cr_expect(strncmp(res.out, "ready", 5) == 0, "%s", res.out);
	cr_expect(strstr(res.out, "no-rom") == NULL);
	run_free(&res);
}

/* Old bug 2: a stored zip of two ROMs was fixable, and fix wrote ROM 1 +
 * zip headers + ROM 2 and called it ready. */
Test(inputs, stored_zip_of_two_roms_is_two_reports_and_fix_refuses)
{
	static const char *const names[] = {"e1000.rom", "roms/virtio.rom"};
	const char *srcs[] = {E1000, VIRTIO};
	const char *zip = tmp_path("two.zip");
	char line[1200];
	struct run_result res;
	struct stat st;
	NEED(E1000);
	NEED(VIRTIO);
	write_zip(zip, srcs, names, 2, 0);
	cr_assert(run_optrom(&res, "check", zip, NULL));
	expect_run(0, "check two.zip", &res);
	cr_expect_eq(run_count_lines(res.out), 2, "%s", res.out);
	snprintf(line, sizeof(line), "ready   %s!e1000.rom  ", zip);
	cr_expect(strstr(res.out, line) != NULL, "%s", res.out);
	snprintf(line, sizeof(line), "ready   %s!roms/virtio.rom  ", zip);
	cr_expect(strstr(res.out, line) != NULL, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "fix", zip, "-o", tmp_path("out.rom"), NULL));
	expect_run(2, "fix two.zip", &res);
	snprintf(line, sizeof(line), "%s!NAME", zip);
	expect_one_line(&res, line, "e1000.rom, roms/virtio.rom");
	cr_expect(stat(tmp_path("out.rom"), &st) != 0, "fix wrote something");
	run_free(&res);
	cr_assert(run_optrom(&res, "extract", zip, "-d", tmp_path("x"), NULL));
	expect_run(2, "extract two.zip", &res);
	expect_one_line(&res, line, NULL);
	run_free(&res);
}

Test(inputs, deflated_zip_info_is_one_report_per_member)
{
	static const char *const names[] = {"a/e1000.rom", "isavga.bin"};
	const char *srcs[] = {E1000, ISAVGA};
	const char *zip = tmp_path("two.zip");
	char want[1200];
	struct run_result res;
	size_t docs = 0;
	NEED(E1000);
	NEED(ISAVGA);
	write_zip(zip, srcs, names, 2, 8);
	cr_assert(run_optrom(&res, "info", "--format", "yaml", zip, NULL));
	expect_run(3, "info two.zip (one ready, one broken: the worst)", &res);
	for (const char *p = res.out; (p = strstr(p, "---")) != NULL; p += 3)
		docs++;
	cr_expect_eq(docs, 2, "%s", res.out);
	snprintf(want, sizeof(want), "file: \"%s!a/e1000.rom\"", zip);
	cr_expect(strstr(res.out, want) != NULL, "%s", want);
	snprintf(want, sizeof(want), "file: \"%s!isavga.bin\"", zip);
	cr_expect(strstr(res.out, want) != NULL, "%s", want);
	run_free(&res);
	/* One member, chosen by name, reports like the plain file. */
	snprintf(want, sizeof(want), "%s!a/e1000.rom", zip);
	expect_same_as_plain(E1000, want);
}

Test(inputs, missing_member_and_bad_archives_exit_2_with_one_line)
{
	static const char *const names[] = {"e1000.rom"};
	const char *srcs[] = {E1000};
	const char *zip = tmp_path("one.zip");
	char arg[1200];
	struct run_result res;
	uint8_t junk[64];
	NEED(E1000);
	write_zip(zip, srcs, names, 1, 8);
	snprintf(arg, sizeof(arg), "%s!E1000.ROM", zip);
	cr_assert(run_optrom(&res, "info", arg, NULL));
	expect_run(2, "missing member", &res);
	expect_one_line(&res, "no member named 'E1000.ROM'", "e1000.rom");
	run_free(&res);
	/* check goes on with the next argument; the worst wins. */
	cr_assert(run_optrom(&res, "check", arg, E1000, NULL));
	expect_run(2, "check missing member + ready", &res);
	cr_expect_eq(run_count_lines(res.out), 1);
	run_free(&res);
	/* A zip with a broken end record. */
	memset(junk, 0, sizeof(junk));
	memcpy(junk, "PK\x03\x04", 4);
	cr_assert(zb_write_file(tmp_path("bad.zip"), junk, sizeof(junk)));
	cr_assert(run_optrom(&res, "check", tmp_path("bad.zip"), NULL));
	expect_run(2, "bad zip", &res);
	expect_one_line(&res, tmp_path("bad.zip"), "end of central directory");
	run_free(&res);
	/* A zip inside a .gz: one level only. */
	write_gz(zip, tmp_path("one.zip.gz"));
	cr_assert(run_optrom(&res, "info", tmp_path("one.zip.gz"), NULL));
	expect_run(2, "zip in gz", &res);
	expect_one_line(&res, "zip archive inside a gzip file", "one level");
	run_free(&res);
	/* Two directory entries on one member's bytes (a zip bomb's trick). */
	{
		struct zb z;
		uint8_t small[512] = {0x55, 0xAA};
		zb_init(&z);
		zb_add(&z, "a.rom", small, sizeof(small), 8);
		zb_add(&z, "a.rom", small, sizeof(small), 8);
		z.local[1] = z.local[0];
		zb_finish(&z, NULL);
		cr_assert(zb_write_file(tmp_path("overlap.zip"), z.data, z.len));
		zb_free(&z);
	}
	cr_assert(run_optrom(&res, "check", tmp_path("overlap.zip"), NULL));
	expect_run(2, "overlapping members", &res);
	expect_one_line(&res, tmp_path("overlap.zip"), "share bytes");
	cr_expect_eq(run_count_lines(res.out), 0, "no report for a refused archive");
	run_free(&res);
	/* A member of something that is not a zip. */
	snprintf(arg, sizeof(arg), "%s!x", E1000);
	cr_assert(run_optrom(&res, "info", arg, NULL));
	expect_run(2, "member of a plain file", &res);
	expect_one_line(&res, "not a zip archive", NULL);
	run_free(&res);
}

/* A fixable synthetic ROM (NVGI container before a ready chain). */
static void write_nvgi(const char *path)
{
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
	rb_prepend_nvgi(&b, 2, 0xA00);
	cr_assert(rb_write_file(&b, path));
	rb_free(&b);
}

static void expect_same_bytes(const char *a, const char *b)
{
	size_t na = 0, nb = 0;
	uint8_t *pa = must_read(a, &na), *pb = must_read(b, &nb);
	cr_expect(na == nb && memcmp(pa, pb, na) == 0, "%s (%zu bytes) differs from %s (%zu)", b,
	          nb, a, na);
	free(pa);
	free(pb);
}

Test(inputs, fix_of_a_zip_member_writes_the_plain_fix)
{
	const char *plain = tmp_path("card.rom");
	static const char *const names[] = {"card.rom", "sub/card2.rom"};
	const char *srcs[2];
	const char *zip = tmp_path("cards.zip");
	char arg[1200];
	struct run_result res;
	write_nvgi(plain);
	srcs[0] = srcs[1] = plain;
	write_zip(zip, srcs, names, 2, 8);
	cr_assert(run_optrom(&res, "fix", plain, "-o", tmp_path("plain.fixed.rom"), NULL));
	expect_run(0, "fix plain", &res);
	run_free(&res);
	snprintf(arg, sizeof(arg), "%s!card.rom", zip);
	cr_assert(run_optrom(&res, "fix", arg, "-o", tmp_path("member.fixed.rom"), NULL));
	expect_run(0, "fix member", &res);
	cr_expect(strncmp(res.out, arg, strlen(arg)) == 0, "the plan names %s: %.80s", arg,
	          res.out);
	run_free(&res);
	expect_same_bytes(tmp_path("plain.fixed.rom"), tmp_path("member.fixed.rom"));
	/* Without -o: the member's base name beside the archive. */
	snprintf(arg, sizeof(arg), "%s!sub/card2.rom", zip);
	cr_assert(run_optrom(&res, "fix", arg, NULL));
	expect_run(0, "fix member, default output", &res);
	run_free(&res);
	expect_same_bytes(tmp_path("plain.fixed.rom"), tmp_path("card2.fixed.rom"));
	/* The archive is never the output. */
	cr_assert(run_optrom(&res, "fix", arg, "-o", zip, "--force", NULL));
	expect_run(2, "fix member -o the archive", &res);
	expect_one_line(&res, "OUT is the input file (an archive)", NULL);
	run_free(&res);
	/* --in-place is for plain files only. */
	cr_assert(run_optrom(&res, "fix", "--in-place", arg, NULL));
	expect_run(2, "fix --in-place member", &res);
	expect_one_line(&res, "--in-place needs a plain ROM file", "zip member");
	run_free(&res);
}

Test(inputs, fix_and_extract_of_a_gz)
{
	const char *plain = tmp_path("card.rom");
	struct run_result res;
	struct stat st;
	write_nvgi(plain);
	cr_assert(run_optrom(&res, "fix", plain, "-o", tmp_path("plain.fixed.rom"), NULL));
	expect_run(0, "fix plain", &res);
	run_free(&res);
	mkdir(tmp_path("gz"), 0755);
	write_gz(plain, tmp_path("gz/card.rom.gz"));
	cr_assert(run_optrom(&res, "fix", tmp_path("gz/card.rom.gz"), NULL));
	expect_run(0, "fix .gz, default output", &res);
	run_free(&res);
	expect_same_bytes(tmp_path("plain.fixed.rom"), tmp_path("gz/card.fixed.rom"));
	cr_assert(run_optrom(&res, "fix", "--in-place", tmp_path("gz/card.rom.gz"), NULL));
	expect_run(2, "fix --in-place .gz", &res);
	expect_one_line(&res, "--in-place needs a plain ROM file", "gzip file");
	run_free(&res);
	cr_assert(
	    run_optrom(&res, "extract", tmp_path("gz/card.rom.gz"), "-d", tmp_path("ex"), NULL));
	expect_run(0, "extract .gz", &res);
	run_free(&res);
	cr_expect(stat(tmp_path("ex/index.yaml"), &st) == 0);
	cr_expect(stat(tmp_path("ex/prefix-nvgi.bin"), &st) == 0);
}

Test(inputs, extract_of_a_zip_member)
{
	const char *plain = tmp_path("card.rom");
	static const char *const names[] = {"card.rom", "other.rom"};
	const char *srcs[2];
	char arg[1200];
	struct run_result res;
	struct stat st;
	write_nvgi(plain);
	srcs[0] = srcs[1] = plain;
	write_zip(tmp_path("c.zip"), srcs, names, 2, 0);
	snprintf(arg, sizeof(arg), "%s!card.rom", tmp_path("c.zip"));
	cr_assert(run_optrom(&res, "extract", arg, "-d", tmp_path("ex"), NULL));
	expect_run(0, "extract member", &res);
	run_free(&res);
	cr_expect(stat(tmp_path("ex/image00-x86-10de-1c02.rom"), &st) == 0);
}

Test(inputs, stdin_as_dash)
{
	const char *plain = tmp_path("card.rom");
	struct run_result res;
	write_nvgi(plain);
	cr_assert(run_optrom_stdin(&res, plain, "check", "-", NULL));
	expect_run(1, "check - < nvgi", &res);
	cr_expect(strncmp(res.out, "fixable -  ", 11) == 0, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom_stdin(&res, plain, "info", "--format", "yaml", "-", NULL));
	expect_run(1, "info - < nvgi", &res);
	cr_expect(strstr(res.out, "file: \"-\"") != NULL, "%s", res.out);
	run_free(&res);
	/* A .gz on standard input. */
	write_gz(plain, tmp_path("card.rom.gz"));
	cr_assert(run_optrom_stdin(&res, tmp_path("card.rom.gz"), "check", "-", NULL));
	expect_run(1, "check - < gz", &res);
	run_free(&res);
	/* fix: -o is needed, and --in-place refused. */
	cr_assert(run_optrom_stdin(&res, plain, "fix", "-", NULL));
	expect_run(2, "fix - without -o", &res);
	expect_one_line(&res, "use -o OUT", "standard input");
	run_free(&res);
	cr_assert(run_optrom_stdin(&res, plain, "fix", "--in-place", "-", NULL));
	expect_run(2, "fix --in-place -", &res);
	expect_one_line(&res, "--in-place", "standard input");
	run_free(&res);
	cr_assert(run_optrom_stdin(&res, plain, "fix", "-", "-o", tmp_path("s.rom"), NULL));
	expect_run(0, "fix - -o", &res);
	run_free(&res);
	/* More than the cap on standard input: an endless stream stops there. */
	cr_assert(run_optrom_stdin(&res, "/dev/zero", "check", "-", NULL));
	expect_run(2, "check - < /dev/zero", &res);
	expect_one_line(&res, "-: standard input holds more than 67108864 bytes", NULL);
	run_free(&res);
	/* Empty standard input (the runner's default is /dev/null). */
	cr_assert(run_optrom(&res, "check", "-", NULL));
	expect_run(2, "check - < /dev/null", &res);
	expect_one_line(&res, "-: empty standard input", NULL);
	run_free(&res);
}
