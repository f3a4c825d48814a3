/* analyzer/tree: one node per probed offset, shared by every list that
 * reaches it, decoded once; the standard view derived from the NVIDIA-view
 * probe; the caps that bound a crafted file; a zeroed analysis is no
 * verdict. Synthetic bytes, each input in a heap buffer of its own length. */
#include "analyzer/analyze.h"
#include "formats/decode_count.h"
#include "formats/efi_decompress.h"
#include "tests/support/efi_encode.h"
#include "tests/support/findings.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static struct rom_analysis *analyze_bytes(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct rom_analysis *a;
	cr_assert_not_null(copy);
	if (len)
		memcpy(copy, data, len);
	a = rom_analyze(copy, len, "synthetic");
	free(copy);
	cr_assert_not_null(a);
	return a;
}

/* The builder's Pascal ROM (an x86 umbrella holding two NVIDIA private
 * images, then an EFI image) and a backup copy of the EFI image after the
 * chain: the standard chain, NVIDIA's chain and the scan after the chain
 * all reach some of the same offsets. */
static void nvidia_rom(struct rb *b)
{
	struct rb_image_opts o = rb_efi_opts(0x10DE, 0x1BA1, 4, true);
	rb_nvidia_pascal(b, false);
	o.npde = true;
	rb_add_image(b, &o);
}

Test(tree, lists_share_the_nodes_of_their_offsets)
{
	struct rb b;
	struct rom_analysis *a;
	nvidia_rom(&b);
	a = analyze_bytes(b.data, b.len);
	cr_assert_eq(a->chain.n, 2);
	cr_assert_geq(a->nvidia.n, 3);
	cr_assert_eq(a->n_other, 1);
	/* Image 0 is in both chains: one node, two views of its length. */
	cr_expect_eq(a->chain.images[0].node, a->nvidia.images[0].node);
	cr_expect_eq(a->chain.images[0].length, 0x4000);
	cr_expect_eq(a->nvidia.images[0].length, 0x2000);
	for (size_t i = 0; i < a->nvidia.n; i++)
		cr_expect_eq(rom_node_of(a, &a->nvidia.images[i]),
		             rom_node_at(a, a->nvidia.images[i].offset));
	cr_expect_eq(rom_node_of(a, &a->other_images[0]), rom_node_at(a, 0x4800));
	/* Every node has its own offset. */
	for (size_t i = 0; i < a->n_nodes; i++)
		for (size_t j = i + 1; j < a->n_nodes; j++)
			cr_expect_neq(a->nodes[i].offset, a->nodes[j].offset, "nodes %zu and %zu",
			              i, j);
	cr_expect_null(rom_node_at(a, 0x10), "an offset nothing probed has no node");
	rom_analysis_free(a);
	rb_free(&b);
}

Test(tree, each_offset_is_decoded_once)
{
	struct rb b;
	struct rom_analysis *a;
	if (!fmt_count_available())
		cr_skip_test("built without OPTROM_DECODE_COUNT");
	nvidia_rom(&b);
	fmt_count_start();
	a = rom_analyze(b.data, b.len, "synthetic");
	fmt_count_stop();
	cr_assert_not_null(a);
	cr_expect_eq(fmt_count_total(FMT_DEC_IMAGE_PROBE), a->n_nodes);
	for (int k = 0; k < FMT_DEC_COUNT; k++)
		cr_expect_leq(fmt_count_max_per_key((enum fmt_decoder)k), 1, "%s",
		              fmt_count_kind_name((enum fmt_decoder)k));
	cr_expect_eq(fmt_count_total(FMT_DEC_NVGI), 1);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(tree, standard_view_is_derived_from_the_nvidia_probe)
{
	struct rb b;
	struct rom_analysis *a;
	const struct rom_node *vn;
	nvidia_rom(&b);
	a = analyze_bytes(b.data, b.len);
	vn = rom_node_at(a, 0x2000); /* the 'VN' + NPDS private image */
	cr_assert_not_null(vn);
	cr_expect_eq(rom_node_status(vn, true), PCI_OK);
	cr_expect_eq(rom_node_status(vn, false), PCI_BAD_SIGNATURE);
	cr_expect_eq(rom_node_status(rom_chain_node(a, 0), false), PCI_OK);
	rom_analysis_free(a);
	rb_free(&b);
	/* 55AA whose structure says NPDS: an image to NVIDIA, not to firmware */
	{
		struct rb_image_opts o = rb_x86_opts(0x10DE, 0x1BA1, 2, true);
		const struct rom_node *n;
		rb_init(&b);
		rb_add_image(&b, &o);
		memcpy(b.data + b.data[0x18], "NPDS", 4);
		a = analyze_bytes(b.data, b.len);
		n = rom_node_at(a, 0);
		cr_assert_not_null(n);
		cr_expect_eq(rom_node_status(n, true), PCI_OK);
		cr_expect_eq(rom_node_status(n, false), PCI_BAD_SIGNATURE);
		cr_expect_not(a->has_rom);
		rom_analysis_free(a);
		rb_free(&b);
	}
}

/* 511 valid one-block x86 images from offset 1, none last: every candidate
 * the search may take (64) has a chain that runs to the 32-image cap. Each
 * chain is walked through the node cache: as many nodes as offsets probed,
 * and far fewer than the 64 x 32 a walk per candidate would probe. */
Test(tree, the_most_candidates_cost_one_node_per_offset)
{
	struct rb b;
	struct rom_analysis *a;
	rb_init(&b);
	for (int i = 0; i < 511; i++)
		rb_add_x86(&b, 0x10de, 0x1c02, 1, false);
	rb_prepend(&b, "\x00", 1);
	a = analyze_bytes(b.data, b.len);
	cr_expect_eq(a->candidates, 64);
	cr_expect_eq(a->rom_offset, 1);
	cr_expect_not_null(find_named(a, "too-many-images"));
	/* 64 candidates + the 32 images past the last one's start + 1 stop */
	cr_expect_leq(a->n_nodes, 64 + 33 + 1, "%zu nodes", a->n_nodes);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	rom_analysis_free(a);
	rb_free(&b);
}

/* More places holding 55 AA than the search probes: it stops, says so,
 * and the node table stays within its cap. */
Test(tree, a_flood_of_55aa_stops_at_the_scan_cap)
{
	size_t len = 2 * (size_t)TREE_MAX_SCAN_PROBES + 0x1000;
	uint8_t *d = malloc(len);
	struct rom_analysis *a;
	cr_assert_not_null(d);
	d[0] = 0;
	for (size_t i = 1; i + 1 < len; i += 2) {
		d[i] = 0x55;
		d[i + 1] = 0xAA;
	}
	d[len - 1] = 0;
	a = analyze_bytes(d, len);
	cr_expect_not(a->has_rom);
	cr_expect(a->scan_capped);
	cr_expect_not_null(find_named(a, "locate-scan-capped"));
	cr_expect_not_null(find_named(a, "no-rom"));
	cr_expect_leq(a->n_nodes, TREE_MAX_SCAN_PROBES);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	rom_analysis_free(a);
	free(d);
}

/* 1 MiB dense in 55 AA (what a fuzzer grows toward -max_len): no 55 AA has
 * a structure signature behind its pointer, so the search makes no node for
 * any of them (it made one per 55 AA up to the cap, 32,768 nodes of 544
 * bytes, 0.18 s per input under ASan) and says the same things. One 55 AA
 * with a valid image among them is still found, with its chain. */
Test(tree, a_flood_of_55aa_makes_no_nodes)
{
	size_t len = (size_t)1 << 20;
	uint8_t *d = malloc(len);
	struct rom_analysis *a;
	cr_assert_not_null(d);
	for (size_t i = 0; i + 1 < len; i += 2) {
		d[i] = 0x55;
		d[i + 1] = 0xAA;
	}
	d[0] = 0; /* no image at 0: the search runs */
	if (fmt_count_available())
		fmt_count_start();
	a = analyze_bytes(d, len);
	if (fmt_count_available()) {
		fmt_count_stop();
		cr_expect_leq(fmt_count_total(FMT_DEC_IMAGE_PROBE), 2, "%zu probes",
		              (size_t)fmt_count_total(FMT_DEC_IMAGE_PROBE));
	}
	cr_expect_leq(a->n_nodes, 2, "%zu nodes", a->n_nodes);
	cr_expect(a->scan_capped);
	cr_expect_not_null(find_named(a, "locate-scan-capped"));
	cr_expect_not_null(find_named(a, "no-rom"));
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	rom_analysis_free(a);

	/* a real two-image ROM at 0x8000, inside the flood, before the cap */
	{
		struct rb b;
		rb_init(&b);
		rb_add_x86(&b, 0x1002, 0x67df, 2, false);
		rb_add_efi(&b, 0x1002, 0x67df, 4, true);
		cr_assert_lt(0x8000 + b.len, len);
		memcpy(d + 0x8000, b.data, b.len);
		a = analyze_bytes(d, len);
		cr_expect(a->has_rom);
		cr_expect_eq(a->rom_offset, 0x8000);
		cr_expect_eq(a->chain.n, 2);
		cr_expect_leq(a->n_nodes, 8, "%zu nodes", a->n_nodes);
		rom_analysis_free(a);
		rb_free(&b);
	}
	free(d);
}

Test(tree, a_zeroed_analysis_has_no_verdict)
{
	struct rom_analysis *a = calloc(1, sizeof(*a));
	cr_assert_not_null(a);
	cr_expect_eq(a->verdict, VERDICT_UNSET);
	cr_expect_neq(a->verdict, VERDICT_READY);
	cr_expect_str_eq(report_verdict_name(a->verdict), "unset");
	cr_expect_not(rom_chain_complete(a), "an empty chain is not complete");
	rom_analysis_free(a);
}

Test(tree, the_driver_belongs_to_its_node)
{
	struct rb b;
	struct rom_analysis *a;
	const struct rom_node *efi;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, 8, false);
	rb_add_efi(&b, 0x1002, 0x67df, 4, true);
	a = analyze_bytes(b.data, b.len);
	efi = rom_chain_node(a, 1);
	cr_assert_not_null(efi->driver);
	cr_expect_eq(efi->driver->state, DRIVER_OK);
	cr_expect_not_null(efi->driver->bytes);
	/* a copy: the analysis outlives the input bytes */
	{
		uintptr_t p = (uintptr_t)efi->driver->bytes, lo = (uintptr_t)b.data;
		cr_expect(p < lo || p >= lo + b.len);
	}
	cr_expect_null(rom_chain_node(a, 0)->driver, "x86 images have no driver");
	rom_analysis_free(a);
	rb_free(&b);
}

/* The producer check decodes an ATOMBIOS image's header into the node: the
 * AMD details are there without a second look at the bytes. */
Test(tree, atombios_details_live_in_the_node)
{
	struct rb b;
	struct rom_analysis *a;
	const struct rom_node *n;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, 8, true);
	/* the builder's PCIR sits at +0x1C, over the ATOM fields: move it */
	memmove(b.data + 0x100, b.data + 0x1C, 0x1C);
	memset(b.data + 0x1C, 0, 0x1C);
	rb_put16(&b, PCI_ROM_HDR_OFF_PCIR_PTR, 0x100);
	memcpy(b.data + ATOM_MAGIC_OFF, " 761295520", 10);
	rb_balance(&b, 0, 8 * 512 - 1);
	a = analyze_bytes(b.data, b.len);
	n = rom_chain_node(a, 0);
	cr_expect_eq(n->producer, PCI_PRODUCER_ATOMBIOS);
	cr_expect(n->atom.magic_ok);
	cr_expect_eq(n->checksum.fix_offset, ATOM_OFF_CHECKSUM);
	rom_analysis_free(a);
	rb_free(&b);
}

static size_t count_named(const struct rom_analysis *a, const char *id)
{
	const struct finding *f = find_named(a, id);
	size_t n = 0;
	for (size_t i = 0; f && i < a->findings.n; i++)
		n += a->findings.items[i].id == f->id;
	return n;
}

/* 32 images whose 22-byte drivers each decode, cleanly, to 16 MiB: the
 * analysis makes one of them (the 16 MiB limit) and says of the other 31
 * that they were not decoded, instead of making 512 MiB. */
Test(tree, drivers_decode_within_the_limit)
{
	uint8_t z[32];
	size_t len = efi_encode_run(0x5A, 4, EFI_DECOMP_MAX_ORIG, z, sizeof(z));
	struct rb b;
	struct rom_analysis *a;
	size_t decoded = 0, bytes = 0;
	cr_assert(len > 0);
	rb_efi_chain(&b, 32, 0x1002, 0x67df, z, len);
	fmt_count_start();
	a = analyze_bytes(b.data, b.len);
	fmt_count_stop();
	cr_assert_eq(a->chain.n, 32);
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_driver *d = rom_chain_node(a, i)->driver;
		cr_assert_not_null(d);
		if (d->state == DRIVER_OK) {
			decoded++;
			bytes += d->length;
		} else {
			cr_expect_eq(d->state, DRIVER_NOT_DECODED, "image %zu", i);
			cr_expect_str_eq(d->variant, "untried");
		}
	}
	cr_expect_eq(decoded, TREE_DRIVER_BUDGET / EFI_DECOMP_MAX_ORIG);
	cr_expect_leq(bytes, TREE_DRIVER_BUDGET);
	cr_expect_eq(count_named(a, "efi-driver-not-decoded"), 32 - decoded);
	if (fmt_count_available())
		cr_expect_eq(fmt_count_total(FMT_DEC_EFI_DECOMPRESS), decoded);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	rom_analysis_free(a);
	rb_free(&b);
}

/* 32 drivers of CompSize 0 and OrigSize 8 MiB: each decode stops at once
 * (past its end) and gives back what it did not write, so every one is
 * tried and called damaged; the diagnostic tries of both variants (16 MiB)
 * do not fit what is left of the limit. */
Test(tree, drivers_that_read_past_their_end_cost_nothing)
{
	uint8_t z[8] = {0};
	struct rb b;
	struct rom_analysis *a;
	z[7] = 0x00;
	z[6] = 0x80; /* OrigSize 0x00800000 */
	rb_efi_chain(&b, 32, 0x1002, 0x67df, z, sizeof(z));
	a = analyze_bytes(b.data, b.len);
	cr_assert_eq(a->chain.n, 32);
	cr_expect_eq(count_named(a, "efi-decompress-failed"), 32);
	cr_expect_null(find_named(a, "efi-driver-not-decoded"));
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_driver *d = rom_chain_node(a, i)->driver;
		cr_expect_str_eq(d->decompress_error, "stream ends before its declared size",
		                 "image %zu", i);
		cr_expect_str_eq(d->variant, "untried", "image %zu", i);
	}
	rom_analysis_free(a);
	rb_free(&b);
}
