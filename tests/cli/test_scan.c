/* optrom scan end to end, on a collection made in the test from real
 * corpus dumps: nested folders, a .gz, a zip with a stored and a deflated
 * ROM and a text member, a symbolic link looping back to the collection,
 * two inputs that cannot be read, a README and a picture, an all-0xFF
 * .rom, and repeated contents. The expected verdicts of the dumps come from
 * corpus/expected.tsv (the independent reader), the others from how the
 * fixture is built; every entry is checked against `optrom check` on the
 * same input, and --jobs 1 against --jobs 8.
 *
 * Tests run as root, for whom no mode bits make a file unreadable; the
 * unreadable inputs are a FIFO (not a regular file) and a dangling
 * symbolic link (its target does not exist). */
#define _DEFAULT_SOURCE /* symlink, mkfifo */
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The fixture, under tmp/coll; its 13 entries and their verdicts. */
static const struct {
	const char *rel, *verdict;
} entries[] = {
    {"coll/README", "not-a-rom"},
    {"coll/amd/deep/er/rx580.rom", "ready"},
    {"coll/archive.zip!deflated/rx580.rom", "ready"}, /* the bytes of amd/deep/er/rx580.rom */
    {"coll/archive.zip!notes.txt", "not-a-rom"},
    {"coll/archive.zip!stored/ga104.rom", "ready"},
    {"coll/blank.rom", "broken"},
    {"coll/dangling", "unreadable"},
    {"coll/dup/gtx1060_copy.rom", "fixable"}, /* the bytes of nvidia/gp106/gtx1060_nvgi.rom */
    {"coll/fifo", "unreadable"},
    {"coll/nvidia/gp106/gtx1060_nvgi.rom", "fixable"},
    {"coll/nvidia/gp106/gtx1060_patched.rom", "ready"},
    {"coll/nvidia/gt220.rom.gz", "ready"},
    {"coll/photo.png", "not-a-rom"},
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
	cr_expect(strstr(res.out, "summary: 13 file(s)") != NULL, "%s", res.out);
	cr_expect(strstr(res.out, "ready 5, fixable 2, broken 1, not-a-rom 3, unreadable 2") !=
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
			cr_expect_not_null(ydoc_get(&d.docs[0], f, "error"));
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
	cr_expect(ydoc_uint(ydoc_get(&d.docs[0], verdicts, "unreadable"), &v) && v == 2);
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
	cr_expect(strncmp(res.out, "summary: 13 file(s)", 19) == 0, "%s", res.out);
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
