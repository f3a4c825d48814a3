/* optrom scan end to end, on a collection made in the test from real
 * corpus dumps: nested folders, a .gz, a zip with a stored and a deflated
 * ROM and a text member, a symbolic link looping back to the collection,
 * four inputs that cannot be read, a README and a picture, an all-0xFF
 * .rom, and repeated contents. The expected verdicts of the dumps come from
 * corpus/expected.tsv (the independent reader), the others from how the
 * fixture is built; every entry is checked against `optrom check` on the
 * same input, and --jobs 1 against --jobs 8.
 *
 * The unreadable inputs: a FIFO (not a regular file), a dangling symbolic
 * link (its target does not exist), a zip cut short, and a file that cannot
 * be opened: mode 000, or, as root (whom no mode bits stop), a link to a
 * write-only sysfs attribute, which the kernel refuses to open for reading
 * (EACCES) whoever asks.
 *
 * Without the corpus: synthetic ROMs that share one EFI driver and repeat
 * contents (the driver cache and the repeats from 8 workers, tests/run_tsan.sh
 * runs them against the ThreadSanitizer build), the progress line on a
 * terminal (a pty), the host's ROM folders when no PATH is given, and the
 * exit statuses. */
#define _DEFAULT_SOURCE     /* symlink, mkfifo */
#define _XOPEN_SOURCE   700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include "formats/efi_decompress.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void make_tmp(void)
{
	tmp_make("optrom-scan");
}

TestSuite(scan, .init = make_tmp, .fini = tmp_remove, .timeout = 600);

/* The corpus dumps the collection is made of, with the verdict
 * corpus/expected.tsv gives each. */
static const struct {
	const char *name, *verdict;
} dumps[] = {
    {"nvidia/pascal_gtx1060_GP106_nvgi.rom", "fixable"},
    {"nvidia/pascal_gtx1060_GP106_patched.rom", "ready"},
    {"nvidia/tesla_gt220_GT216.rom", "ready"},
    {"amd/polaris_rx580_sapphire_pulse_default.rom", "ready"},
    {"nvidia/ampere_rtx3060ti_GA104_patched.rom", "ready"},
};
#define N_DUMPS (sizeof(dumps) / sizeof(dumps[0]))

static uint8_t *dump_bytes[N_DUMPS];
static size_t dump_len[N_DUMPS];

/* Loads the dumps; false (the test skips visibly) when the corpus is not
 * here. Asserts expected.tsv's verdict so the table above cannot drift. */
static bool load_dumps(void)
{
	size_t n;
	struct expect_row *rows = expect_load(&n);
	cr_assert_not_null(rows, "corpus/expected.tsv");
	for (size_t d = 0; d < N_DUMPS; d++) {
		bool found = false;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(rows[i].name, dumps[d].name) != 0)
				continue;
			found = true;
			if (!rows[i].present) {
				free(rows);
				expect_note_skip("%s/%s absent: scan fixture skipped",
				                 expect_corpus_dir(), dumps[d].name);
				return false;
			}
			cr_assert_str_eq(rows[i].verdict, dumps[d].verdict, "%s", dumps[d].name);
			dump_bytes[d] = tb_read_file(rows[i].path, &dump_len[d]);
			cr_assert_not_null(dump_bytes[d], "%s", rows[i].path);
		}
		cr_assert(found, "%s not in expected.tsv", dumps[d].name);
	}
	free(rows);
	return true;
}

static void put(const char *rel, const uint8_t *p, size_t n);

/* rel: a regular file that cannot be opened for reading (the header). */
static void make_locked(const char *rel)
{
	static const char *const write_only[] = {"/sys/bus/platform/uevent", "/sys/bus/pci/rescan",
	                                         "/sys/bus/cpu/uevent"};
	if (geteuid() != 0) {
		put(rel, (const uint8_t *)"\x55\xAA", 2);
		cr_assert_eq(chmod(tmp_path(rel), 0), 0);
		return;
	}
	for (size_t i = 0; i < sizeof(write_only) / sizeof(write_only[0]); i++) {
		struct stat st;
		int fd;
		if (stat(write_only[i], &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
			continue;
		fd = open(write_only[i], O_RDONLY);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		cr_assert_eq(symlink(write_only[i], tmp_path(rel)), 0);
		return;
	}
	cr_assert_fail("running as root and no write-only sysfs attribute to stand for an "
	               "unreadable file (is /sys mounted?)");
}

static void put(const char *rel, const uint8_t *p, size_t n)
{
	char dir[4096], *slash;
	snprintf(dir, sizeof(dir), "%s", tmp_path(rel));
	for (slash = strchr(dir + strlen(tmp_dir()) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
		*slash = '/';
	}
	cr_assert(zb_write_file(tmp_path(rel), p, n), "%s", rel);
}

/* The fixture, under tmp/coll; its 15 entries, their verdicts and, for the
 * unreadable ones, the reason the line gives. */
static const struct {
	const char *rel, *verdict, *why;
} entries[] = {
    {"coll/README", "not-a-rom", NULL},
    {"coll/amd/deep/er/rx580.rom", "ready", NULL},
    {"coll/archive.zip!deflated/rx580.rom", "ready", NULL}, /* amd/deep/er/rx580.rom's bytes */
    {"coll/archive.zip!notes.txt", "not-a-rom", NULL},
    {"coll/archive.zip!stored/ga104.rom", "ready", NULL},
    {"coll/blank.rom", "broken", NULL},
    {"coll/cut.zip", "unreadable", "no end of central directory record"},
    {"coll/dangling", "unreadable", "dangling symbolic link"},
    {"coll/dup/gtx1060_copy.rom", "fixable", NULL}, /* nvidia/gp106/gtx1060_nvgi.rom's bytes */
    {"coll/fifo", "unreadable", "not a regular file"},
    {"coll/locked.rom", "unreadable", "permission denied"},
    {"coll/nvidia/gp106/gtx1060_nvgi.rom", "fixable", NULL},
    {"coll/nvidia/gp106/gtx1060_patched.rom", "ready", NULL},
    {"coll/nvidia/gt220.rom.gz", "ready", NULL},
    {"coll/photo.png", "not-a-rom", NULL},
};
#define N_ENTRIES (sizeof(entries) / sizeof(entries[0]))

static const char readme[] = "ROM collection\n\nDumps from my cards, see notes.txt.\n";
static const char notes[] = "rx580: flashed 2019, works with romfile=\n";

static bool make_fixture(void)
{
	static const uint8_t png_head[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
	                                   0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	uint8_t png[64] = {0}, *ff, *gz;
	size_t gz_len;
	struct zb z;
	if (!load_dumps())
		return false;
	put("coll/nvidia/gp106/gtx1060_nvgi.rom", dump_bytes[0], dump_len[0]);
	put("coll/dup/gtx1060_copy.rom", dump_bytes[0], dump_len[0]);
	put("coll/nvidia/gp106/gtx1060_patched.rom", dump_bytes[1], dump_len[1]);
	gz = zb_deflate(dump_bytes[2], dump_len[2], 0, 31, &gz_len);
	put("coll/nvidia/gt220.rom.gz", gz, gz_len);
	free(gz);
	put("coll/amd/deep/er/rx580.rom", dump_bytes[3], dump_len[3]);
	zb_init(&z);
	zb_add(&z, "stored/ga104.rom", dump_bytes[4], dump_len[4], 0);
	zb_add(&z, "deflated/rx580.rom", dump_bytes[3], dump_len[3], 8);
	zb_add(&z, "notes.txt", (const uint8_t *)notes, strlen(notes), 8);
	zb_finish(&z, NULL);
	put("coll/archive.zip", z.data, z.len);
	/* The same archive cut in its central directory: no end record. */
	put("coll/cut.zip", z.data, z.cdir_offset + 10);
	zb_free(&z);
	put("coll/README", (const uint8_t *)readme, strlen(readme));
	memcpy(png, png_head, sizeof(png_head));
	put("coll/photo.png", png, sizeof(png));
	ff = malloc(65536);
	cr_assert_not_null(ff);
	memset(ff, 0xFF, 65536);
	put("coll/blank.rom", ff, 65536);
	free(ff);
	cr_assert_eq(symlink("..", tmp_path("coll/amd/deep/loop")), 0); /* back up: a loop */
	cr_assert_eq(symlink("nowhere.rom", tmp_path("coll/dangling")), 0);
	cr_assert_eq(mkfifo(tmp_path("coll/fifo"), 0644), 0);
	make_locked("coll/locked.rom");
	return true;
}

static const char *line_of(const char *out, const char *path, char *buf, size_t cap)
{
	const char *p = out;
	size_t plen = strlen(path);
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *sp = memchr(p, ' ', n);
		while (sp && sp < p + n && *sp == ' ')
			sp++;
		if (sp && (size_t)(p + n - sp) >= plen && strncmp(sp, path, plen) == 0 &&
		    (sp[plen] == ' ' || sp[plen] == '\n' || sp[plen] == '\0')) {
			snprintf(buf, cap, "%.*s", (int)n, p);
			return buf;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

Test(scan, fixture_entries_verdicts_summary_and_check_agree)
{
	struct run_result res, j1, chk;
	char line[4096];
	if (!make_fixture())
		cr_skip_test("corpus absent");
	cr_assert(run_optrom(&res, "scan", "--jobs", "8", tmp_path("coll"), NULL));
	cr_expect_eq(res.status, 3, "the worst entry is broken (blank.rom); stderr %s", res.err);
	/* the entries, then the summary: 6 lines and one per device (GP106, GT216,
	 * Ellesmere, GA104) */
	cr_expect_eq(run_count_lines(res.out), N_ENTRIES + 6 + 4, "%s", res.out);
	for (size_t i = 0; i < N_ENTRIES; i++) {
		const char *path = tmp_path(entries[i].rel);
		char want[64], first[16] = "";
		const char *l = line_of(res.out, path, line, sizeof(line));
		cr_assert_not_null(l, "no line for %s in\n%s", path, res.out);
		snprintf(want, sizeof(want), "%s ", entries[i].verdict);
		cr_expect(strncmp(l, want, strlen(want)) == 0, "%s: %s", entries[i].rel, l);
		if (entries[i].why)
			cr_expect(strstr(l, entries[i].why) != NULL, "%s: the reason '%s' in: %s",
			          entries[i].rel, entries[i].why, l);
		/* The same input through check. */
		cr_assert(run_optrom(&chk, "check", path, NULL));
		sscanf(chk.out ? chk.out : "", "%15s", first);
		if (!strcmp(entries[i].verdict, "unreadable"))
			cr_expect_eq(chk.status, 2, "check %s: %s", path, chk.err);
		else if (!strcmp(entries[i].verdict, "not-a-rom"))
			cr_expect(!strcmp(first, "broken") && strstr(chk.out, "no-rom"),
			          "check %s: %s", path, chk.out);
		else
			cr_expect_str_eq(first, entries[i].verdict, "check %s: %s", path, chk.out);
		run_free(&chk);
	}
	/* Entries are in path order, the loop adds nothing, repeats name the first. */
	cr_expect(strstr(res.out, "loop") == NULL, "%s", res.out);
	snprintf(line, sizeof(line), "(same bytes as %s)", tmp_path("coll/amd/deep/er/rx580.rom"));
	cr_expect(strstr(res.out, line) != NULL, "%s", res.out);
	snprintf(line, sizeof(line), "(same bytes as %s)", tmp_path("coll/dup/gtx1060_copy.rom"));
	cr_expect(strstr(res.out, line) != NULL, "%s", res.out);
	cr_expect(strstr(res.out, "summary: 15 file(s)") != NULL, "%s", res.out);
	cr_expect(strstr(res.out, "ready 5, fixable 2, broken 1, not-a-rom 3, unreadable 4") !=
	              NULL,
	          "%s", res.out);
	cr_expect(strstr(res.out, "duplicates: 2 file(s) repeat the bytes of an earlier one (2 ") !=
	              NULL,
	          "%s", res.out);
	cr_expect(strstr(res.out, "vendors: 1002 2, 10de 5") != NULL, "%s", res.out);
	cr_expect(strstr(res.out, "devices: 4\n") != NULL, "%s", res.out);
	/* --jobs 1 prints the same bytes. */
	cr_assert(run_optrom(&j1, "scan", "--jobs", "1", tmp_path("coll"), NULL));
	cr_expect_eq(j1.status, res.status);
	cr_expect_str_eq(j1.out, res.out);
	run_free(&j1);
	run_free(&res);
}

Test(scan, yaml_report_files_and_summary_same_for_1_and_8_jobs)
{
	struct run_result r8, r1;
	struct ydocs d;
	yaml_node_t *root, *files, *sum, *verdicts;
	uint64_t v;
	size_t dups = 0;
	if (!make_fixture())
		cr_skip_test("corpus absent");
	cr_assert(run_optrom(&r8, "scan", "-j", "8", "--format", "yaml", tmp_path("coll"), NULL));
	cr_assert(run_optrom(&r1, "scan", "-j", "1", "--format", "yaml", tmp_path("coll"), NULL));
	cr_expect_eq(r8.status, 3);
	cr_expect_str_eq(r1.out, r8.out);
	cr_assert(ydocs_parse(r8.out, r8.out_len, &d), "YAML does not parse");
	cr_assert_eq(d.n, 1);
	root = ydoc_root(&d.docs[0]);
	files = ydoc_get(&d.docs[0], root, "files");
	cr_assert_not_null(files);
	cr_assert_eq(ydoc_len(files), N_ENTRIES);
	for (size_t i = 0; i < N_ENTRIES; i++) {
		yaml_node_t *f = ydoc_item(&d.docs[0], files, i);
		yaml_node_t *rep = ydoc_get(&d.docs[0], f, "report");
		cr_expect_str_eq(ydoc_str(ydoc_get(&d.docs[0], f, "file")),
		                 tmp_path(entries[i].rel));
		cr_expect_str_eq(ydoc_str(ydoc_get(&d.docs[0], f, "verdict")), entries[i].verdict,
		                 "%s", entries[i].rel);
		if (ydoc_get(&d.docs[0], f, "same_as")) {
			dups++;
			cr_expect_null(rep, "a repeat carries no second report");
		} else if (strcmp(entries[i].verdict, "unreadable") != 0) {
			cr_assert_not_null(rep, "%s has no report", entries[i].rel);
			cr_expect_str_eq(ydoc_str(ydoc_get(&d.docs[0], rep, "file")),
			                 tmp_path(entries[i].rel));
			cr_expect_eq(strlen(ydoc_str(ydoc_get(&d.docs[0], f, "sha256"))), 64);
		} else {
			const char *why = ydoc_str(ydoc_get(&d.docs[0], f, "error"));
			cr_expect(why && strstr(why, entries[i].why), "%s: %s", entries[i].rel,
			          why);
		}
	}
	cr_expect_eq(dups, 2, "%s", r8.out);
	sum = ydoc_get(&d.docs[0], root, "summary");
	cr_assert_not_null(sum);
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], sum, "files"), &v) && v == N_ENTRIES);
	verdicts = ydoc_get(&d.docs[0], sum, "verdicts");
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "ready"), &v) && v == 5);
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "fixable"), &v) && v == 2);
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "broken"), &v) && v == 1);
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "not-a-rom"), &v) && v == 3);
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "unreadable"), &v) && v == 4);
	ydocs_free(&d);
	run_free(&r1);
	run_free(&r8);
}

Test(scan, output_file_files_from_and_bad_arguments)
{
	struct run_result res;
	FILE *f;
	struct stat st;
	if (!make_fixture())
		cr_skip_test("corpus absent");
	/* -o writes the YAML report safely and prints the summary. */
	cr_assert(run_optrom(&res, "scan", "-o", tmp_path("report.yaml"), tmp_path("coll"), NULL));
	cr_expect_eq(res.status, 3, "%s", res.err);
	cr_expect(strncmp(res.out, "summary: 15 file(s)", 19) == 0, "%s", res.out);
	cr_expect(stat(tmp_path("report.yaml"), &st) == 0 && st.st_size > 0);
	run_free(&res);
	cr_assert(run_optrom(&res, "scan", "-o", tmp_path("report.yaml"), tmp_path("coll"), NULL));
	cr_expect_eq(res.status, 2, "an existing report is not replaced without --force");
	cr_expect(strstr(res.err, "--force") != NULL, "%s", res.err);
	run_free(&res);
	/* --files-from: a list of paths, from a file and from standard input. */
	f = fopen(tmp_path("list"), "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n\n%s\n", tmp_path("coll/README"), tmp_path("coll/nvidia"));
	fclose(f);
	cr_assert(run_optrom(&res, "scan", "--files-from", tmp_path("list"), NULL));
	cr_expect_eq(res.status, 1, "%s", res.out);
	cr_expect(strstr(res.out, "summary: 4 file(s)") != NULL, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom_stdin(&res, tmp_path("list"), "scan", "--files-from", "-", NULL));
	cr_expect(strstr(res.out, "summary: 4 file(s)") != NULL, "%s", res.out);
	run_free(&res);
	/* Bad arguments stop the scan with exit 2 and one line. */
	cr_assert(run_optrom(&res, "scan", "--jobs", "0", tmp_path("coll"), NULL));
	cr_expect_eq(res.status, 2);
	cr_expect_eq(run_count_lines(res.err), 1, "%s", res.err);
	run_free(&res);
	cr_assert(run_optrom(&res, "scan", "--files-from", tmp_path("no-such-list"), NULL));
	cr_expect_eq(res.status, 2);
	cr_expect(strstr(res.err, "no-such-list") != NULL, "%s", res.err);
	run_free(&res);
}

/* A missing path is an entry, not a stop; only not-a-rom inputs exit 0. */
Test(scan, missing_path_is_an_entry_and_not_a_rom_exits_0)
{
	struct run_result res;
	put("t/README.md", (const uint8_t *)readme, strlen(readme));
	cr_assert(run_optrom(&res, "scan", tmp_path("t"), NULL));
	cr_expect_eq(res.status, 0, "%s", res.out);
	cr_expect(strncmp(res.out, "not-a-rom  ", 11) == 0, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "scan", tmp_path("t"), tmp_path("absent.rom"), NULL));
	cr_expect_eq(res.status, 2, "%s", res.out);
	cr_expect(strstr(res.out, "unreadable ") != NULL, "%s", res.out);
	cr_expect(strstr(res.out, "absent.rom: no such file") != NULL, "%s", res.out);
	run_free(&res);
}

/* A ROM of two EFI images (AMD ids, so no NVIDIA view) that both carry the
 * compressed PE driver made from pe, then 0xFF padding and serial: files
 * that differ only in serial share the driver stream byte for byte. */
static void driver_rom(const char *rel, const uint8_t *z, size_t zlen, unsigned serial)
{
	struct rb b;
	char tail[16];
	rb_efi_chain(&b, 2, 0x1002, 0x67df, z, zlen);
	rb_append_fill(&b, 4096, 0xFF);
	snprintf(tail, sizeof(tail), "%08u", serial);
	rb_append(&b, tail, 8);
	put(rel, b.data, b.len);
	rb_free(&b);
}

/* The compressed driver: PE32+ (X64) when plus, else PE32 (IA32). */
static size_t compressed_driver(bool plus, uint8_t *z, size_t cap)
{
	uint8_t pe[RB_PE_DRIVER_LEN];
	size_t n = efi_encode_lz(pe, rb_make_pe_driver(pe, plus), 4, z, cap);
	cr_assert(n > 0);
	return n;
}

/* tmp/many: 24 files with driver X (x/), 8 with driver Y (y/), 8 copies of
 * x/00.rom (z/, after it in path order). */
static void make_shared_drivers(void)
{
	uint8_t zx[4096], zy[4096];
	size_t nx = compressed_driver(true, zx, sizeof(zx));
	size_t ny = compressed_driver(false, zy, sizeof(zy));
	char rel[64];
	for (unsigned i = 0; i < 24; i++) {
		snprintf(rel, sizeof(rel), "many/x/%02u.rom", i);
		driver_rom(rel, zx, nx, i);
	}
	for (unsigned i = 0; i < 8; i++) {
		snprintf(rel, sizeof(rel), "many/y/%02u.rom", i);
		driver_rom(rel, zy, ny, 100 + i);
		snprintf(rel, sizeof(rel), "many/z/%02u.rom", i);
		driver_rom(rel, zx, nx, 0); /* x/00.rom's bytes */
	}
}

static uint64_t summary_uint(yaml_document_t *doc, yaml_node_t *sum, const char *block,
                             const char *key)
{
	uint64_t v = UINT64_MAX;
	yaml_node_t *b = ydoc_get(doc, sum, block);
	cr_assert_not_null(b, "summary: no %s", block);
	cr_assert(ydoc_uint(ydoc_get(doc, b, key), &v), "summary: %s: no %s", block, key);
	return v;
}

/* Each distinct driver stream decoded once by 8 workers at a time, the
 * repeats analyzed once and named; the same report whatever --jobs. */
Test(scan, eight_workers_share_one_driver_and_the_repeats)
{
	struct run_result r8, r1, rd;
	struct ydocs d;
	yaml_node_t *root, *files, *sum;
	char want[4096];
	make_shared_drivers();
	cr_assert(run_optrom(&r8, "scan", "-j", "8", "-f", "yaml", tmp_path("many"), NULL));
	cr_assert(run_optrom(&r1, "scan", "-j", "1", "-f", "yaml", tmp_path("many"), NULL));
	cr_assert(run_optrom(&rd, "scan", "-f", "yaml", tmp_path("many"), NULL));
	cr_expect_eq(r8.status, r1.status, "%s", r8.err);
	cr_expect_str_eq(r8.out, r1.out);
	cr_expect_str_eq(rd.out, r1.out, "the default --jobs");
	cr_assert(ydocs_parse(r8.out, r8.out_len, &d), "YAML does not parse: %s", r8.err);
	root = ydoc_root(&d.docs[0]);
	files = ydoc_get(&d.docs[0], root, "files");
	sum = ydoc_get(&d.docs[0], root, "summary");
	cr_assert_eq(ydoc_len(files), 40);
	/* 32 distinct contents of 2 drivers each: 64 lookups, X and Y decoded. */
	cr_expect_eq(summary_uint(&d.docs[0], sum, "efi_drivers", "lookups"), 64, "%s", r8.out);
	cr_expect_eq(summary_uint(&d.docs[0], sum, "efi_drivers", "decoded"), 2);
	cr_expect_eq(summary_uint(&d.docs[0], sum, "efi_drivers", "from_cache"), 62);
	cr_expect_eq(summary_uint(&d.docs[0], sum, "duplicates", "files"), 8);
	cr_expect_eq(summary_uint(&d.docs[0], sum, "duplicates", "contents"), 1);
	for (size_t i = 32; i < 40; i++) {
		yaml_node_t *f = ydoc_item(&d.docs[0], files, i);
		snprintf(want, sizeof(want), "%s", tmp_path("many/x/00.rom"));
		cr_expect_str_eq(ydoc_str(ydoc_get(&d.docs[0], f, "same_as")), want, "entry %zu",
		                 i);
		cr_expect_null(ydoc_get(&d.docs[0], f, "report"));
		cr_expect_str_eq(
		    ydoc_str(ydoc_get(&d.docs[0], f, "verdict")),
		    ydoc_str(ydoc_get(&d.docs[0], ydoc_item(&d.docs[0], files, 0), "verdict")));
	}
	ydocs_free(&d);
	run_free(&rd);
	/* JSON, written one entry at a time: one line, the same data (JSON is
	 * YAML's flow syntax: the same reader). */
	cr_assert(run_optrom(&rd, "scan", "-j", "8", "-f", "json", tmp_path("many"), NULL));
	cr_expect_eq(run_count_lines(rd.out), 1);
	cr_assert(ydocs_parse(rd.out, rd.out_len, &d), "JSON does not parse: %s", rd.out);
	root = ydoc_root(&d.docs[0]);
	cr_expect_eq(ydoc_len(ydoc_get(&d.docs[0], root, "files")), 40);
	sum = ydoc_get(&d.docs[0], root, "summary");
	cr_expect_eq(summary_uint(&d.docs[0], sum, "efi_drivers", "decoded"), 2);
	cr_expect_eq(summary_uint(&d.docs[0], sum, "duplicates", "files"), 8);
	ydocs_free(&d);
	run_free(&rd);
	run_free(&r1);
	run_free(&r8);
	/* The text lines: the same, and the repeats named there too. */
	cr_assert(run_optrom(&r8, "scan", "-j", "8", tmp_path("many"), NULL));
	cr_assert(run_optrom(&r1, "scan", "-j", "1", tmp_path("many"), NULL));
	cr_expect_str_eq(r8.out, r1.out);
	snprintf(want, sizeof(want), "(same bytes as %s)\n", tmp_path("many/x/00.rom"));
	{
		size_t k = 0;
		for (const char *p = r8.out; (p = strstr(p, want)) != NULL; p++)
			k++;
		cr_expect_eq(k, 8, "%s", r8.out);
	}
	cr_expect(strstr(r8.out, "efi drivers: 64 in the ROMs, 2 distinct stream(s) decoded, 62 "
	                         "taken from the scan's cache") != NULL,
	          "%s", r8.out);
	run_free(&r1);
	run_free(&r8);
}

/* Appends what fd has now to *got (*len bytes); false at its end. */
static bool take(int fd, char **got, size_t *len)
{
	char buf[4096];
	ssize_t k = read(fd, buf, sizeof(buf));
	if (k <= 0)
		return false;
	*got = realloc(*got, *len + (size_t)k + 1);
	cr_assert_not_null(*got);
	memcpy(*got + *len, buf, (size_t)k);
	*len += (size_t)k;
	(*got)[*len] = '\0';
	return true;
}

/* Runs optrom with args (NULL-terminated), stdout a pipe left unread for
 * hold_ms (a scan stops on the full pipe meanwhile, its clock running),
 * stderr a pty's terminal end (cols > 0: a terminal that wide) or a file
 * (cols 0). Returns what stderr got; *status the exit status, *out_len the
 * bytes of stdout. */
static char *run_stderr_tty(const char *const *args, unsigned short cols, unsigned hold_ms,
                            int *status, size_t *out_len)
{
	bool tty = cols > 0;
	char *argv[16], *got = calloc(1, 1), *sink = NULL;
	size_t n = 0, len = 0, sink_len = 0;
	int out[2], master = -1, st = 0;
	FILE *errf = NULL;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	struct timespec hold = {hold_ms / 1000, (long)(hold_ms % 1000) * 1000000L};
	cr_assert_not_null(got);
	argv[n++] = (char *)run_optrom_binary();
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	cr_assert_eq(pipe(out), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (tty) {
		struct winsize ws = {.ws_row = 24, .ws_col = cols};
		master = posix_openpt(O_RDWR | O_NOCTTY);
		cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
		cr_assert_eq(ioctl(master, TIOCSWINSZ, &ws), 0);
		posix_spawn_file_actions_addopen(&fa, 2, ptsname(master), O_RDWR | O_NOCTTY, 0);
	} else {
		errf = tmpfile();
		cr_assert_not_null(errf);
		posix_spawn_file_actions_adddup2(&fa, fileno(errf), 2);
	}
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	nanosleep(&hold, NULL);
	/* stdout to its end, the terminal meanwhile. */
	for (bool open_out = true; open_out;) {
		struct pollfd p[2] = {{out[0], POLLIN, 0}, {master, POLLIN, 0}};
		cr_assert(poll(p, master >= 0 ? 2 : 1, 60000) > 0, "optrom's stdout stalled");
		if (p[0].revents)
			open_out = take(out[0], &sink, &sink_len);
		if (master >= 0 && (p[1].revents & POLLIN))
			(void)take(master, &got, &len);
	}
	free(sink);
	*out_len = sink_len;
	close(out[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (master >= 0) {
		/* The rest: the terminal end is closed, reads end with EIO. */
		(void)fcntl(master, F_SETFL, O_NONBLOCK);
		while (take(master, &got, &len))
			;
		close(master);
	}
	if (errf) {
		rewind(errf);
		while (take(fileno(errf), &got, &len))
			;
		fclose(errf);
	}
	return got;
}

/* The progress line: on a terminal, after a second, with files done of
 * total, MB/s and the file being read, erased at the end; never on a file,
 * never for a scan that ends within the second. */
Test(scan, progress_line_on_a_terminal_after_a_second)
{
	char many[4096], one[4096], want[4096];
	const char *slow[] = {"scan", "-j", "2", "-f", "yaml", many, NULL};
	const char *quick[] = {"scan", one, NULL};
	const char *p;
	unsigned done = 0, total = 0;
	int status, status2;
	size_t out_len;
	char *err;
	make_shared_drivers();
	snprintf(many, sizeof(many), "%s", tmp_path("many"));
	snprintf(one, sizeof(one), "%s", tmp_path("many/y/00.rom"));
	/* 40 YAML reports fill the pipe long before the end: the scan waits,
	 * unread, for 1.5 s, then goes on with its clock past the second. */
	err = run_stderr_tty(slow, 200, 1500, &status, &out_len);
	/* The premise: more than a pipe (64 KiB) and stdio's buffer hold. */
	cr_assert_gt(out_len, 96 * 1024, "the YAML report is %zu bytes only", out_len);
	p = strstr(err, "\rscan: ");
	cr_assert_not_null(p, "no progress line on the terminal: '%s'", err);
	cr_expect(sscanf(p, "\rscan: %u/%u files, ", &done, &total) == 2 && total == 40 &&
	              done <= 40,
	          "%s", p);
	snprintf(want, sizeof(want), " MB/s, reading %s", tmp_path("many/"));
	cr_expect(strstr(p, want) != NULL, "%s", p);
	cr_expect(strlen(err) >= 4 && strcmp(err + strlen(err) - 4, "\r\033[K") == 0,
	          "the line is erased at the end: '%s'", err);
	free(err);
	/* Not a terminal: nothing, however long. */
	err = run_stderr_tty(slow, 0, 1500, &status2, &out_len);
	cr_expect_str_empty(err, "%s", err);
	cr_expect_eq(status2, status, "the same exit status with or without the line");
	free(err);
	/* A terminal, a scan well within the second: nothing. */
	err = run_stderr_tty(quick, 200, 0, &status, &out_len);
	cr_expect_str_empty(err, "%s", err);
	free(err);
	/* A narrow terminal: each line fits (a wrapped one would not be erased
	 * by \r), the path's end after "...". */
	err = run_stderr_tty(slow, 64, 1500, &status, &out_len);
	cr_assert_not_null(strstr(err, "\rscan: "), "'%s'", err);
	for (p = strchr(err, '\r'); p; p = strchr(p + 1, '\r')) {
		const char *end = strstr(p, "\033[K");
		cr_assert_not_null(end, "%s", p);
		if (end == p + 1)
			continue; /* the erase at the end */
		cr_expect_leq(end - p - 1, 63, "%.*s", (int)(end - p - 1), p + 1);
		cr_expect(strstr(p, "...") != NULL && strstr(p, ".rom\033[K") == end - 4, "%.*s",
		          (int)(end - p - 1), p + 1);
	}
	free(err);
}

/* No PATH: the folders where hosts keep option ROMs, those that exist (on
 * Debian with seabios, ipxe-qemu and qemu-system-data: three of the four),
 * the same report as naming them; none there: a usage error. */
Test(scan, no_path_scans_the_host_rom_folders_that_exist)
{
	static const char *const folders[] = {"/usr/share/kvm", "/usr/share/qemu",
	                                      "/usr/share/seabios", "/usr/lib/ipxe/qemu"};
	const char *named[8] = {"scan"};
	size_t n = 1;
	struct run_result none, given;
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		struct stat st;
		if (stat(folders[i], &st) == 0 && S_ISDIR(st.st_mode))
			named[n++] = folders[i];
	}
	cr_assert(run_optrom(&none, "scan", NULL));
	if (n == 1) {
		cr_expect_eq(none.status, 2);
		cr_expect(strstr(none.err, "no PATH given") != NULL, "%s", none.err);
		run_free(&none);
		return;
	}
	cr_assert(run_argv((char *const[]){(char *)run_optrom_binary(), (char *)named[0],
	                                   (char *)named[1], (char *)named[2], (char *)named[3],
	                                   (char *)named[4], NULL},
	                   &given));
	cr_expect_eq(none.status, given.status);
	cr_expect_str_eq(none.out, given.out);
	cr_expect(run_count_lines(none.out) > 5, "at least one file: %s", none.out);
	/* Every line before the summary names a file under one of them. */
	for (const char *l = none.out; l && *l && strncmp(l, "summary:", 8) != 0;) {
		const char *path = strchr(l, ' ');
		bool under = false;
		cr_assert_not_null(path);
		while (*path == ' ')
			path++;
		for (size_t i = 1; i < n; i++)
			under |= strncmp(path, named[i], strlen(named[i])) == 0 &&
			         path[strlen(named[i])] == '/';
		cr_expect(under, "%.*s", (int)(strchr(l, '\n') - l), l);
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	run_free(&given);
	run_free(&none);
}

/* The exit status is the worst entry's, ordered as check's (docs/scan.md):
 * ready and not-a-rom 0, fixable 1, unreadable 2, broken 3. */
Test(scan, exit_status_is_the_worst_entry)
{
	static const struct {
		const char *add;
		int status;
	} steps[] = {
	    {"ex/README", 0},       {"ex/a-ready.rom", 0}, {"ex/b-fixable.rom", 1},
	    {"ex/c-absent.rom", 2}, {"ex/d-blank.rom", 3},
	};
	const char *argv[8] = {"scan"};
	uint8_t ff[4096];
	struct rb b;
	struct run_result res;
	put("ex/README", (const uint8_t *)readme, strlen(readme));
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, 2, true);
	put("ex/a-ready.rom", b.data, b.len);
	rb_put8(&b, 0x100, (uint8_t)(b.data[0x100] + 1)); /* the checksum no longer sums to 0 */
	put("ex/b-fixable.rom", b.data, b.len);
	rb_free(&b);
	memset(ff, 0xFF, sizeof(ff));
	put("ex/d-blank.rom", ff, sizeof(ff));
	/* What check says of the two ROMs, as built. */
	cr_assert(run_optrom(&res, "check", tmp_path("ex/a-ready.rom"), NULL));
	cr_assert(strncmp(res.out, "ready ", 6) == 0, "%s", res.out);
	run_free(&res);
	cr_assert(run_optrom(&res, "check", tmp_path("ex/b-fixable.rom"), NULL));
	cr_assert(strncmp(res.out, "fixable ", 8) == 0, "%s", res.out);
	run_free(&res);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *paths[5];
		for (size_t k = 0; k <= i; k++)
			paths[k] = strdup(tmp_path(steps[k].add));
		for (size_t k = 0; k <= i; k++)
			argv[1 + k] = paths[k];
		argv[2 + i] = NULL;
		cr_assert(
		    run_argv((char *const[]){(char *)run_optrom_binary(), (char *)argv[0],
		                             (char *)argv[1], (char *)argv[2], (char *)argv[3],
		                             (char *)argv[4], (char *)argv[5], NULL},
		             &res));
		cr_expect_eq(res.status, steps[i].status, "with %s: %s", steps[i].add, res.out);
		run_free(&res);
		for (size_t k = 0; k <= i; k++)
			free(paths[k]);
	}
}
