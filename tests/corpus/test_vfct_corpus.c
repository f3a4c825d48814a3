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
