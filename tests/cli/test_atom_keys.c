/* `optrom info --format yaml` and `--format json` on every ATOMBIOS ROM of
 * the corpus: the image's `atom:` map carries the ATOM ROM header's
 * revisions under the declaration's keys (format_revision,
 * content_revision) and under their schema-1 names (table_format_rev,
 * table_content_rev), all equal to the bytes, and vendor.amd.rom_header says
 * the same. The bytes are read here, from the file, without optrom: an image
 * at offset 0 (55 AA) with the ATI magic " 761295520" at +0x30; the u16 at
 * +0x48 points to ATOM_ROM_HEADER, whose bytes +2 and +3 are its format and
 * content revision (Linux atombios.h ATOM_COMMON_TABLE_HEADER). Skips
 * visibly without the corpus. */
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct revs {
	unsigned format, content;
};

/* The revisions from the bytes, or false when the file does not start with
 * an ATOMBIOS image whose header pointer leads inside the file. */
static bool revs_from_bytes(const char *path, struct revs *out)
{
	size_t len = 0, hdr;
	uint8_t *p = tb_read_file(path, &len);
	bool ok = false;
	if (!p)
		return false;
	if (len >= 0x4A && p[0] == 0x55 && p[1] == 0xAA &&
	    memcmp(p + 0x30, " 761295520", 10) == 0) {
		hdr = (size_t)p[0x48] | (size_t)p[0x49] << 8;
		if (hdr != 0 && hdr + 8 <= len && memcmp(p + hdr + 4, "ATOM", 4) == 0) {
			out->format = p[hdr + 2];
			out->content = p[hdr + 3];
			ok = true;
		}
	}
	free(p);
	return ok;
}

static uint64_t yaml_uint(yaml_document_t *doc, yaml_node_t *map, const char *key, const char *name)
{
	uint64_t v = UINT64_MAX;
	cr_expect(ydoc_uint(ydoc_get(doc, map, key), &v), "%s: no %s", name, key);
	return v;
}

static void check_yaml(const char *path, const char *name, const struct revs *want)
{
	struct run_result r;
	struct ydocs d;
	yaml_document_t *doc;
	yaml_node_t *img, *atom, *hdr;
	cr_assert(run_optrom(&r, "info", "--format", "yaml", path, NULL));
	cr_assert_eq(r.status, 0, "%s: %s", name, r.err);
	cr_assert(ydocs_parse(r.out, r.out_len, &d), "%s", name);
	doc = &d.docs[0];
	img = ydoc_item(doc, ydoc_get(doc, ydoc_root(doc), "images"), 0);
	cr_assert_not_null(img, "%s: no image 0", name);
	cr_expect_eq(yaml_uint(doc, img, "offset", name), 0, "%s", name);
	atom = ydoc_get(doc, img, "atom");
	cr_assert_not_null(atom, "%s: image 0 has no atom map", name);
	cr_expect_eq(yaml_uint(doc, atom, "format_revision", name), want->format, "%s", name);
	cr_expect_eq(yaml_uint(doc, atom, "table_format_rev", name), want->format, "%s", name);
	cr_expect_eq(yaml_uint(doc, atom, "content_revision", name), want->content, "%s", name);
	cr_expect_eq(yaml_uint(doc, atom, "table_content_rev", name), want->content, "%s", name);
	hdr = ydoc_get(doc, ydoc_get(doc, ydoc_get(doc, ydoc_root(doc), "vendor"), "amd"),
	               "rom_header");
	cr_assert_not_null(hdr, "%s: no vendor.amd.rom_header", name);
	cr_expect_eq(yaml_uint(doc, hdr, "format_revision", name), want->format, "%s", name);
	cr_expect_eq(yaml_uint(doc, hdr, "content_revision", name), want->content, "%s", name);
	ydocs_free(&d);
	run_free(&r);
}

static int64_t json_int(struct json_object *map, const char *key, const char *name)
{
	struct json_object *v = NULL;
	cr_expect(json_object_object_get_ex(map, key, &v) && json_object_is_type(v, json_type_int),
	          "%s: no %s", name, key);
	return v ? json_object_get_int64(v) : -1;
}

static void check_json(const char *path, const char *name, const struct revs *want)
{
	struct run_result r;
	struct json_object *doc, *images, *atom = NULL;
	cr_assert(run_optrom(&r, "info", "--format", "json", path, NULL));
	cr_assert_eq(r.status, 0, "%s: %s", name, r.err);
	doc = json_tokener_parse(r.out);
	cr_assert_not_null(doc, "%s: not JSON", name);
	cr_assert(json_object_object_get_ex(doc, "images", &images));
	cr_assert(json_object_object_get_ex(json_object_array_get_idx(images, 0), "atom", &atom),
	          "%s: image 0 has no atom map", name);
	cr_expect_eq(json_int(atom, "format_revision", name), want->format, "%s", name);
	cr_expect_eq(json_int(atom, "table_format_rev", name), want->format, "%s", name);
	cr_expect_eq(json_int(atom, "content_revision", name), want->content, "%s", name);
	cr_expect_eq(json_int(atom, "table_content_rev", name), want->content, "%s", name);
	json_object_put(doc);
	run_free(&r);
}

Test(atom_keys, declaration_keys_and_schema1_aliases_equal_the_bytes, .timeout = 600)
{
	char dir[1024], path[2048];
	struct stat st;
	struct dirent *e;
	DIR *h;
	unsigned checked = 0, distinct = 0;
	(void)snprintf(dir, sizeof(dir), "%s/amd", expect_corpus_dir());
	h = opendir(dir);
	if (!h) {
		expect_note_skip("atom keys: no corpus folder at %s", dir);
		return;
	}
	while ((e = readdir(h)) != NULL) {
		struct revs want;
		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !revs_from_bytes(path, &want))
			continue;
		check_yaml(path, e->d_name, &want);
		check_json(path, e->d_name, &want);
		checked++;
		distinct += want.format != want.content;
	}
	closedir(h);
	fprintf(stderr, "atom keys: %u ATOMBIOS ROMs, %u with format != content revision\n",
	        checked, distinct);
	/* 27 files of corpus/amd start with an ATOMBIOS image; two APU
	 * VBIOSes (6800H, 7840HS) have header revision 2.3, the rest 1.1/2.2 */
	cr_expect_geq(checked, 20);
	cr_expect_geq(distinct, 1);
}
