/* What optrom scan quotes of each ROM (its line, its YAML entry and the
 * summary's devices) over the corpus folders, against
 * tools/vendor_oracle.py: an independent Python reading of the same bytes
 * and its own reader of pci.ids. Skips visibly without the corpus or
 * python3. */
#include "tests/support/expect.h"
#include "tests/support/oracle.h"
#include "tests/support/run.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 256

static const char *const dirs[] = {"amd", "nvidia", "other"};

struct corpus {
	char (*paths)[1024];
	struct oracle *o;
	size_t n;
};

/* Every file of the three folders, and the oracle's reading of each. */
static bool corpus_read(struct corpus *c)
{
	struct stat st;
	const char *root = expect_corpus_dir();
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		expect_note_skip("[SKIP] scan vendor test: no corpus folder at %s", root);
		return false;
	}
	if (!oracle_available()) {
		expect_note_skip(
		    "[SKIP] scan vendor test: python3 not found (tools/vendor_oracle.py)");
		return false;
	}
	c->paths = calloc(MAX_FILES, sizeof(*c->paths));
	c->o = calloc(MAX_FILES, sizeof(*c->o));
	c->n = 0;
	cr_assert(c->paths && c->o);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[1024];
		DIR *h;
		struct dirent *e;
		(void)snprintf(dir, sizeof(dir), "%s/%s", root, dirs[d]);
		if (!(h = opendir(dir)))
			continue;
		while ((e = readdir(h)) != NULL && c->n < MAX_FILES)
			if (e->d_name[0] != '.' &&
			    snprintf(c->paths[c->n], sizeof(c->paths[0]), "%s/%s", dir, e->d_name) <
			        (int)sizeof(c->paths[0]) &&
			    stat(c->paths[c->n], &st) == 0 && S_ISREG(st.st_mode))
				c->n++;
		closedir(h);
	}
	cr_assert_gt(c->n, 0);
	cr_assert(oracle_run((const char(*)[1024])c->paths, c->n, c->o),
	          "tools/vendor_oracle.py failed");
	return true;
}

static void corpus_free(struct corpus *c)
{
	free(c->paths);
	free(c->o);
}

static const struct oracle *oracle_of(const struct corpus *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->o[i].path, path) == 0)
			return &c->o[i];
	return NULL;
}

/* What the oracle says scan must quote, by scan's key ("" when absent). */
struct want {
	const char *id, *vendor_name, *device_name, *version, *part_number, *build_date, *board;
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static struct want want_of(const struct oracle *o)
{
	struct want w;
	bool nv = oracle_get(o, "nv_version") || oracle_get(o, "nv_tokens");
	w.id = or_empty(oracle_get(o, "id"));
	w.vendor_name = or_empty(oracle_get(o, "vendor_name"));
	w.device_name = or_empty(oracle_get(o, "device_name"));
	w.version = or_empty(nv                             ? oracle_get(o, "nv_version")
	                     : oracle_get(o, "amd_version") ? oracle_get(o, "amd_version")
	                                                    : oracle_get(o, "intel_version"));
	w.part_number = nv ? "" : or_empty(oracle_get(o, "amd_string0"));
	w.build_date = or_empty(nv ? oracle_get(o, "nv_date") : oracle_get(o, "amd_date"));
	w.board = nv ? or_empty(oracle_get(o, "nv_board")) : "";
	return w;
}

/* key of map: its string, "" when null. */
static const char *str_of(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_t *v = ydoc_get(doc, map, key);
	cr_assert_not_null(v, "no key %s", key);
	return ydoc_is_null(v) ? "" : ydoc_str(v);
}

Test(scan_vendor, yaml_entries_and_devices_equal_the_independent_reading, .timeout = 600)
{
	struct corpus c;
	struct run_result r;
	struct ydocs d;
	yaml_node_t *root, *files, *devices;
	yaml_document_t *doc;
	size_t checked = 0, with_version = 0, with_part = 0, with_date = 0, with_board = 0;
	char a0[1100], a1[1100], a2[1100];
	if (!corpus_read(&c))
		return;
	(void)snprintf(a0, sizeof(a0), "%s/%s", expect_corpus_dir(), dirs[0]);
	(void)snprintf(a1, sizeof(a1), "%s/%s", expect_corpus_dir(), dirs[1]);
	(void)snprintf(a2, sizeof(a2), "%s/%s", expect_corpus_dir(), dirs[2]);
	cr_assert(run_optrom(&r, "scan", "--format", "yaml", a0, a1, a2, NULL));
	cr_assert(ydocs_parse(r.out, r.out_len, &d), "YAML does not parse");
	doc = &d.docs[0];
	root = ydoc_root(doc);
	files = ydoc_get(doc, root, "files");
	cr_assert_not_null(files);
	cr_assert_eq(ydoc_len(files), c.n);
	for (size_t i = 0; i < ydoc_len(files); i++) {
		yaml_node_t *f = ydoc_item(doc, files, i);
		const char *path = ydoc_str(ydoc_get(doc, f, "file"));
		const struct oracle *o = oracle_of(&c, path);
		struct want w;
		cr_assert_not_null(o, "%s: not read by the oracle", path);
		w = want_of(o);
		cr_expect_str_eq(str_of(doc, f, "id"), w.id, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "vendor_name"), w.vendor_name, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "device_name"), w.device_name, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "version"), w.version, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "part_number"), w.part_number, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "build_date"), w.build_date, "%s", path);
		cr_expect_str_eq(str_of(doc, f, "board"), w.board, "%s", path);
		checked++;
		with_version += w.version[0] != '\0';
		with_part += w.part_number[0] != '\0';
		with_date += w.build_date[0] != '\0';
		with_board += w.board[0] != '\0';
	}
	/* The summary's devices: each id the oracle reads, counted, named. */
	devices = ydoc_get(doc, ydoc_get(doc, root, "summary"), "devices");
	cr_assert_not_null(devices);
	for (size_t i = 0; i < c.n; i++) {
		struct want w = want_of(&c.o[i]);
		yaml_node_t *dev;
		uint64_t count = 0, want_count = 0;
		if (!w.id[0])
			continue;
		dev = ydoc_get(doc, devices, w.id);
		cr_assert_not_null(dev, "%s: no device %s in the summary", c.o[i].path, w.id);
		for (size_t j = 0; j < c.n; j++)
			want_count += strcmp(or_empty(oracle_get(&c.o[j], "id")), w.id) == 0;
		cr_expect(ydoc_uint(ydoc_get(doc, dev, "count"), &count) && count == want_count,
		          "%s: %lu, the oracle reads %lu", w.id, (unsigned long)count,
		          (unsigned long)want_count);
		cr_expect_str_eq(str_of(doc, dev, "device_name"), w.device_name, "%s", w.id);
		cr_expect_str_eq(str_of(doc, dev, "vendor_name"), w.vendor_name, "%s", w.id);
	}
	fprintf(stderr,
	        "scan vendor: %zu entries, %zu versions, %zu part numbers, %zu build dates, %zu "
	        "boards\n",
	        checked, with_version, with_part, with_date, with_board);
	cr_expect_geq(with_version, 60);
	cr_expect_geq(with_part, 20);
	cr_expect_geq(with_date, 60);
	cr_expect_geq(with_board, 30);
	ydocs_free(&d);
	run_free(&r);
	corpus_free(&c);
}

/* The text line: VERDICT PATH rom@OFF VVVV:DDDD "NAME" VERSION PART DATE
 * gop STATE, '-' for what the ROM lacks. */
Test(scan_vendor, text_lines_quote_the_same_values, .timeout = 600)
{
	struct corpus c;
	struct run_result r;
	size_t lines = 0;
	char dir[1100];
	if (!corpus_read(&c))
		return;
	(void)snprintf(dir, sizeof(dir), "%s/%s", expect_corpus_dir(), "amd");
	cr_assert(run_optrom(&r, "scan", dir, NULL));
	for (size_t i = 0; i < c.n; i++) {
		struct want w = want_of(&c.o[i]);
		char line[2048], *at;
		if (strncmp(c.o[i].path, dir, strlen(dir)) != 0 || !w.id[0])
			continue;
		(void)snprintf(line, sizeof(line), "  %s  %s%s%s  %s  %s  %s  gop ", w.id,
		               w.device_name[0] ? "\"" : "", w.device_name[0] ? w.device_name : "-",
		               w.device_name[0] ? "\"" : "", w.version[0] ? w.version : "-",
		               w.part_number[0] ? w.part_number : "-",
		               w.build_date[0] ? w.build_date : "-");
		at = strstr(r.out, c.o[i].path);
		cr_assert_not_null(at, "no line for %s", c.o[i].path);
		cr_expect(strncmp(strstr(at, "  ") + strlen("  rom@0x0"), line, strlen(line)) == 0,
		          "%s:\n  got  %.200s\n  want%s", c.o[i].path, at, line);
		lines++;
	}
	cr_expect_geq(lines, 25);
	run_free(&r);
	corpus_free(&c);
}
