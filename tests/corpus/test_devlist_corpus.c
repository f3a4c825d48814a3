/* The PCI 3.0 device list (PCIR revision 3, pointer at PCIR+0x08) on the
 * corpus files that carry one: the ThinkPad X230t's Intel VGA BIOS
 * (8086:0106 with a list of seven Sandy/Ivy Bridge ids), an iPXE ROM (its
 * own id) and a Maxwell NVIDIA ROM (a pointer to an empty list). The
 * expected lists are read here from the bytes, at the offsets of the spec
 * (55AA+0x18 -> PCIR, PCIR+0x08 -> list of u16 until 0), by this test's own
 * reader, not taken from optrom's output; the Intel list was also read with
 * a separate script before this test was written (0106 0116 0126 0156 0166
 * 0176 0186). Then `match` and `check --device` on a fake sysfs device of
 * id 8086:0166 (the X230t's HD 4000): the ROM says 0106, its list holds
 * 0166, so it matches, via the list. Skipped visibly without the corpus. */
#include "analyzer/analyze.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/fake_sysfs.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INTEL   "other/intel_hd_8086-0106_x230t_vbios.rom"
#define IPXE    "other/ipxe_intel_82579lm_8086-1502.rom"
#define MAXWELL "nvidia/maxwell_gtx980m_GM204.rom"

static uint16_t raw16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint8_t *load(const char *rel, size_t *n, char *path, size_t cap)
{
	uint8_t *p;
	(void)snprintf(path, cap, "%s/%s", expect_corpus_dir(), rel);
	p = tb_read_file(path, n);
	if (!p) {
		expect_note_skip("%s absent", path);
		cr_skip_test("corpus file %s absent", rel);
	}
	return p;
}

/* The list of the image at img, read straight from the bytes: ids into
 * out, their count returned; *list_off its file offset. */
static size_t read_list(const uint8_t *p, size_t n, size_t img, uint16_t *out, size_t cap,
                        size_t *list_off)
{
	size_t pcir = img + raw16(p, img + 0x18), at, k = 0;
	cr_assert(pcir + 0x1C <= n);
	cr_assert(memcmp(p + pcir, "PCIR", 4) == 0);
	cr_assert_geq(p[pcir + 0x0C], 3, "a revision 3 PCIR");
	at = pcir + raw16(p, pcir + 0x08);
	*list_off = at;
	while (at + 2 <= n && raw16(p, at) != 0 && k < cap)
		out[k++] = raw16(p, at), at += 2;
	return k;
}

static void check_node(const char *rel, size_t img)
{
	char path[4096];
	size_t n, list_off, k;
	uint16_t ids[64];
	uint8_t *p = load(rel, &n, path, sizeof(path));
	struct rom_analysis *r = rom_analyze(p, n, rel);
	const struct rom_node *node = rom_node_at(r, img);
	k = read_list(p, n, img, ids, 64, &list_off);
	cr_assert_not_null(node);
	cr_assert_eq(node->devlist.status, PCI_DEVLIST_OK, "%s", rel);
	cr_assert_eq(img + node->devlist.offset, list_off, "%s", rel);
	cr_assert_eq(node->devlist.n, k, "%s", rel);
	for (size_t i = 0; i < k; i++)
		cr_assert_eq(node->device_ids[i], ids[i], "%s id %zu", rel, i);
	cr_assert_null(report_find(r, FINDING_DEVICE_LIST_OUT_OF_RANGE));
	cr_assert_null(report_find(r, FINDING_DEVICE_LIST_UNTERMINATED));
	rom_analysis_free(r);
	free(p);
}

Test(devlist_corpus, lists_in_the_nodes)
{
	static const uint16_t intel[] = {0x0106, 0x0116, 0x0126, 0x0156, 0x0166, 0x0176, 0x0186};
	char path[4096];
	size_t n, list_off;
	uint16_t ids[64];
	uint8_t *p = load(INTEL, &n, path, sizeof(path));
	cr_assert_eq(read_list(p, n, 0, ids, 64, &list_off), 7);
	cr_assert(memcmp(ids, intel, sizeof(intel)) == 0);
	free(p);
	check_node(INTEL, 0);
	check_node(IPXE, 0);
	check_node(MAXWELL, 0x400); /* after NVIDIA's 0x400-byte prefix: an empty list */
}

/* info shows it: the text line and the YAML image's device_list. */
Test(devlist_corpus, info_shows_the_list)
{
	char path[4096];
	size_t n, list_off, k;
	uint16_t ids[64];
	uint8_t *p = load(INTEL, &n, path, sizeof(path));
	struct run_result r;
	struct ydocs y;
	yaml_document_t *doc;
	yaml_node_t *dl, *seq;
	uint64_t v;
	k = read_list(p, n, 0, ids, 64, &list_off);
	free(p);
	run_optrom(&r, "info", path, NULL);
	cr_assert(strstr(r.out, "device list at 0x5c (PCIR+0x1c): 0106 0116 0126 0156 0166 0176 "
	                        "0186\n"),
	          "%s", r.out);
	run_free(&r);
	run_optrom(&r, "info", "-f", "yaml", path, NULL);
	cr_assert(ydocs_parse(r.out, r.out_len, &y));
	doc = &y.docs[0];
	dl = ydoc_get(doc, ydoc_item(doc, ydoc_get(doc, ydoc_root(doc), "images"), 0),
	              "device_list");
	cr_assert_not_null(dl);
	cr_assert(ydoc_uint(ydoc_get(doc, dl, "offset"), &v));
	cr_assert_eq(v, list_off);
	cr_assert_str_eq(ydoc_str(ydoc_get(doc, dl, "status")), "ok");
	seq = ydoc_get(doc, dl, "ids");
	cr_assert_eq(ydoc_len(seq), k);
	for (size_t i = 0; i < k; i++) {
		char want[8];
		(void)snprintf(want, sizeof(want), "%04x", ids[i]);
		cr_assert_str_eq(ydoc_str(ydoc_item(doc, seq, i)), want);
	}
	ydocs_free(&y);
	run_free(&r);
}

static char root[4096];

static void setup(void)
{
	tmp_make("optrom-devlist");
	(void)snprintf(root, sizeof(root), "%s/sys", tmp_dir());
	/* The X230t's HD 4000, and a Sandy Bridge id the list lacks. */
	fs_device(root, "0000:00:02.0", 0x8086, 0x0166, 0x17aa, 0x21fa, 0x030000);
	fs_device(root, "0000:00:03.0", 0x8086, 0x0102, 0x17aa, 0x21fa, 0x030000);
}

static void teardown(void)
{
	tmp_remove();
}

Test(devlist_corpus, match_via_the_list, .init = setup, .fini = teardown)
{
	char path[4096];
	size_t n;
	struct run_result r;
	uint8_t *p = load(INTEL, &n, path, sizeof(path));
	struct ydocs y;
	yaml_document_t *doc;
	yaml_node_t *dm, *rom;
	free(p);
	run_optrom(&r, "match", "00:02.0", path, "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "matches (same GPU; the ROM names no board)"), "%s", r.out);
	cr_assert(strstr(r.out, "8086:0106 via its PCI 3.0 device list, which holds 0166; "
	                        "SeaBIOS ignores the list"),
	          "%s", r.out);
	run_free(&r);
	/* 0102 is no id of the list: another GPU. */
	run_optrom(&r, "match", "00:03.0", path, "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "1 ROM(s) found in 1 file(s), 0 for this GPU"), "%s", r.out);
	run_free(&r);
	run_optrom(&r, "check", "--device", "00:02.0", "--sysfs-root", root, "-f", "yaml", path,
	           NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(ydocs_parse(r.out, r.out_len, &y));
	cr_assert_eq(y.n, 1);
	doc = &y.docs[0];
	dm = ydoc_get(doc, ydoc_root(doc), "device_match");
	rom = ydoc_get(doc, dm, "rom");
	cr_assert_str_eq(ydoc_str(ydoc_get(doc, dm, "answer")), "same-gpu");
	cr_assert_str_eq(ydoc_str(ydoc_get(doc, rom, "device")), "0106");
	cr_assert_str_eq(ydoc_str(ydoc_get(doc, rom, "via_device_list")), "true");
	cr_assert_eq(ydoc_len(ydoc_get(doc, dm, "differs")), 0);
	ydocs_free(&y);
	run_free(&r);
}
