/* The real ACPI VFCT tables of ../shared/corpus/acpi (MANIFEST.tsv: an AMI
 * desktop board with a Navi 23 dGPU and an iGPU, a RedmiBook 16 with a
 * Renoir iGPU). Expected values come from the manifest's notes and from the
 * bytes read here at the offsets of the spec (ACPI header, amdgpu's
 * VFCT_IMAGE_HEADER), not from optrom's output. Skipped visibly when the
 * corpus is absent. */
#include "analyzer/analyze.h"
#include "formats/vfct.h"
#include "input/input.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *load(const char *rel, size_t *n)
{
	char path[4096];
	(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), rel);
	return tb_read_file(path, n);
}

static uint32_t raw32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

static uint16_t raw16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

#define ALASKA "acpi/alaska_dgpu_igpu_VFCT.aml"
#define REDMI  "acpi/redmibook16_renoir_VFCT.dat"

Test(vfct_corpus, alaska_two_gpus)
{
	size_t n;
	uint8_t *p = load(ALASKA, &n);
	struct vfct_table t;
	struct span s;
	uint8_t sum = 0;
	size_t h1;
	if (!p) {
		expect_note_skip("%s/%s absent", expect_corpus_dir(), ALASKA);
		cr_skip_test("corpus file %s absent", ALASKA);
	}
	s = span_make(p, n);
	cr_assert_eq(vfct_decode(&s, &t, NULL, 0), VFCT_OK);
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	cr_assert_eq(t.checksum_ok, sum == 0);
	cr_assert_eq(t.length, raw32(p, 4));
	cr_assert_str_eq(t.oem_id, "ALASKA");
	/* The manifest: images for a Navi 23 dGPU (1002:73df, 43,520 bytes) and
	 * the iGPU; the second header follows the first image. */
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.images[0].hdr.vendor, 0x1002);
	cr_assert_eq(t.images[0].hdr.device, 0x73df);
	cr_assert_eq(t.images[0].hdr.image_length, 43520);
	cr_assert_eq(t.images[0].hdr.pci_bus, raw32(p, 0x4c));
	h1 = 0x4c + 28 + 43520;
	cr_assert_eq(t.images[1].header_offset, h1);
	cr_assert_eq(t.images[1].hdr.pci_bus, raw32(p, h1));
	cr_assert_eq(t.images[1].hdr.device, raw16(p, h1 + 14));
	cr_assert_eq(t.images[1].hdr.image_length, raw32(p, h1 + 24));
	cr_assert_eq(t.images[0].hdr.subsystem_vendor, 0); /* notes: SSVID/SSID zero */
	free(p);
}

/* Each image is analyzed as a ROM; the dGPU's lacks the last-image bit
 * (notes 8.1), which the whole-ROM analysis calls fixable; neither holds an
 * EFI image (the GOP lives in the board's firmware). */
Test(vfct_corpus, images_analyze_as_roms)
{
	static const char *const tables[] = {ALASKA, REDMI};
	unsigned seen = 0;
	for (size_t k = 0; k < 2; k++) {
		size_t n;
		uint8_t *p = load(tables[k], &n);
		char err[1024];
		struct input *in;
		struct input_item it;
		if (!p) {
			expect_note_skip("%s/%s absent", expect_corpus_dir(), tables[k]);
			continue;
		}
		seen++;
		in = input_open_bytes(tables[k], p, n, NULL, err, sizeof(err));
		cr_assert_not_null(in, "%s", err);
		while (input_next(in, &it, err, sizeof(err)) == INPUT_ITEM) {
			struct rom_analysis *r = rom_analyze_whole(it.data, it.len, it.name);
			const struct rom_node *first = rom_chain_node(r, 0);
			cr_assert_not_null(first, "%s", it.name);
			cr_assert_eq(first->pcir.vendor_id, it.vfct.vendor, "%s", it.name);
			cr_assert_eq(first->pcir.device_id, it.vfct.device, "%s", it.name);
			cr_assert_eq(r->chain.n, 1, "%s", it.name);
			cr_assert_eq(first->pcir.code_type, PCI_CODE_X86, "%s", it.name);
			if (it.vfct.device == 0x73df) {
				cr_assert_eq(r->verdict, VERDICT_FIXABLE);
				cr_assert_not_null(report_find(r, FINDING_LAST_IMAGE_MISSING));
			} else {
				cr_assert_eq(r->verdict, VERDICT_READY, "%s", it.name);
			}
			rom_analysis_free(r);
			input_item_free(&it);
		}
		input_close(in);
		free(p);
	}
	if (!seen)
		cr_skip_test("corpus folder %s is absent", expect_corpus_dir());
}

Test(vfct_corpus, redmibook_renoir)
{
	size_t n;
	uint8_t *p = load(REDMI, &n);
	struct vfct_table t;
	struct span s;
	if (!p) {
		expect_note_skip("%s/%s absent", expect_corpus_dir(), REDMI);
		cr_skip_test("corpus file %s absent", REDMI);
	}
	s = span_make(p, n);
	cr_assert_eq(vfct_decode(&s, &t, NULL, 0), VFCT_OK);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.images[0].hdr.vendor, 0x1002); /* manifest: Renoir iGPU 1002:1636 */
	cr_assert_eq(t.images[0].hdr.device, 0x1636);
	cr_assert_eq(t.images[0].data_offset, raw32(p, 0x34) + 28);
	cr_assert_eq(t.images[0].hdr.image_length, raw32(p, raw32(p, 0x34) + 24));
	free(p);
}

/* ---- info --format yaml: the table's own document ---- */

static uint64_t yu(yaml_document_t *d, yaml_node_t *map, const char *k)
{
	uint64_t v = 0;
	cr_assert(ydoc_uint(ydoc_get(d, map, k), &v), "key %s", k);
	return v;
}

static void yid(yaml_document_t *d, yaml_node_t *map, const char *k, uint16_t want)
{
	char buf[8];
	(void)snprintf(buf, sizeof(buf), "%04x", want);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, map, k)), buf, "key %s", k);
}

/* ACPI pads the OEM ids with spaces or NULs; the rest is text here. */
static void oem_text(const uint8_t *p, size_t off, size_t n, char *out)
{
	memcpy(out, p + off, n);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		out[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
}

/* Every value of the document against the bytes, read here at the offsets
 * of the ACPI header (ACPI 6.5 5.2.6) and amdgpu's VFCT structures. */
static void check_table_document(const char *rel)
{
	char path[4096], text[64];
	size_t n, len, off, i = 0;
	uint8_t *p, sum = 0;
	struct run_result r;
	struct ydocs y;
	yaml_document_t *d;
	yaml_node_t *v, *imgs;
	(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), rel);
	p = tb_read_file(path, &n);
	if (!p) {
		expect_note_skip("%s absent", path);
		cr_skip_test("corpus file %s absent", rel);
	}
	len = raw32(p, 4);
	cr_assert_leq(len, n);
	for (size_t k = 0; k < len; k++)
		sum = (uint8_t)(sum + p[k]);
	run_optrom(&r, "info", "--format", "yaml", path, NULL);
	cr_assert(ydocs_parse(r.out, r.out_len, &y), "%s", r.err);
	d = &y.docs[0];
	cr_assert_str_eq(ydoc_str(ydoc_get(d, ydoc_root(d), "file")), path);
	v = ydoc_get(d, ydoc_root(d), "vfct");
	cr_assert_not_null(v, "the first document is the table's");
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "signature")), "VFCT");
	cr_assert_eq(yu(d, v, "length"), len);
	cr_assert_eq(yu(d, v, "revision"), p[8]);
	cr_assert_eq(yu(d, v, "checksum"), p[9]);
	cr_assert_eq(yu(d, v, "sum"), sum);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "checksum_ok")), sum == 0 ? "true" : "false");
	oem_text(p, 10, 6, text);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "oem_id")), text);
	oem_text(p, 16, 8, text);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "oem_table_id")), text);
	cr_assert_eq(yu(d, v, "oem_revision"), raw32(p, 24));
	cr_assert_eq(yu(d, v, "creator_id"), raw32(p, 28));
	cr_assert_eq(yu(d, v, "creator_revision"), raw32(p, 32));
	cr_assert_eq(yu(d, v, "vbios_image_offset"), raw32(p, 0x34));
	cr_assert_eq(yu(d, v, "lib1_image_offset"), raw32(p, 0x38));
	cr_assert_eq(yu(d, v, "trailing"), n - len);
	imgs = ydoc_get(d, v, "images");
	/* The image headers: 28 bytes, each followed by its image; the list
	 * ends at an all-zero header or where no header fits. */
	for (off = raw32(p, 0x34); off + 28 <= len; off += 28 + raw32(p, off + 24), i++) {
		static const uint8_t zero[28];
		yaml_node_t *im;
		char bdf[40];
		if (memcmp(p + off, zero, 28) == 0)
			break;
		im = ydoc_item(d, imgs, i);
		cr_assert_not_null(im, "image %zu", i);
		cr_assert_eq(yu(d, im, "index"), i);
		cr_assert_eq(yu(d, im, "header_offset"), off);
		cr_assert_eq(yu(d, im, "pci_bus"), raw32(p, off));
		cr_assert_eq(yu(d, im, "pci_device"), raw32(p, off + 4));
		cr_assert_eq(yu(d, im, "pci_function"), raw32(p, off + 8));
		(void)snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", raw32(p, off), raw32(p, off + 4),
		               raw32(p, off + 8));
		cr_assert_str_eq(ydoc_str(ydoc_get(d, im, "address")), bdf);
		yid(d, im, "vendor_id", raw16(p, off + 12));
		yid(d, im, "device_id", raw16(p, off + 14));
		yid(d, im, "subsystem_vendor_id", raw16(p, off + 16));
		yid(d, im, "subsystem_id", raw16(p, off + 18));
		cr_assert_eq(yu(d, im, "revision"), raw32(p, off + 20));
		cr_assert_eq(yu(d, im, "image_length"), raw32(p, off + 24));
		cr_assert_eq(yu(d, im, "data_offset"), off + 28);
		cr_assert_eq(yu(d, im, "data_length"), raw32(p, off + 24));
		cr_assert_str_eq(ydoc_str(ydoc_get(d, im, "truncated")), "false");
		/* The report of that image follows, named by its address. */
		cr_assert_lt(i + 1, y.n);
		(void)snprintf(text, sizeof(text), "!%s", bdf);
		cr_assert(strstr(
		    ydoc_str(ydoc_get(&y.docs[i + 1], ydoc_root(&y.docs[i + 1]), "file")), text));
	}
	cr_assert_gt(i, 0);
	cr_assert_eq(ydoc_len(imgs), i);
	cr_assert_eq(y.n, i + 1, "the table's document, then one report per image");
	cr_assert_eq(yu(d, ydoc_get(d, v, "list_end"), "offset"), off);
	ydocs_free(&y);
	run_free(&r);
	/* JSON: the same document, on the first line. */
	run_optrom(&r, "info", "--format", "json", path, NULL);
	cr_assert_eq(run_count_lines(r.out), i + 1, "%s", r.out);
	(void)snprintf(text, sizeof(text), "\"length\":%zu,", len);
	cr_assert(strstr(r.out, text), "%s", r.out);
	cr_assert_lt(strstr(r.out, "\"vfct\":") - r.out, strchr(r.out, '\n') - r.out);
	run_free(&r);
	free(p);
}

Test(vfct_corpus, table_document_alaska)
{
	check_table_document(ALASKA);
}

Test(vfct_corpus, table_document_redmibook)
{
	check_table_document(REDMI);
}
