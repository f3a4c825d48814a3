/* The fix planner and applier on synthetic ROMs: what is stripped, which
 * byte balances a checksum, and that nothing else changes. */
#include "analyzer/analyze.h"
#include "formats/pci_rom.h"
#include "patcher/patch.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

struct fixed {
	struct rom_analysis *in;
	struct rom_analysis *out;
	struct patch_plan *plan;
	uint8_t *bytes;
	size_t len;
};

/* Analyzes, plans, applies and re-analyzes b. */
static void fix(const struct rb *b, const struct patch_options *opt, struct fixed *f)
{
	struct patch_options none = {0};
	char err[256];
	f->out = NULL;
	f->plan = malloc(sizeof(*f->plan));
	cr_assert(f->plan);
	f->bytes = NULL;
	f->len = 0;
	f->in = rom_analyze(b->data, b->len, "synthetic");
	cr_assert(f->in);
	patch_plan_make(f->in, b->data, b->len, opt ? opt : &none, f->plan);
	if (f->plan->status != PATCH_PLAN_OK)
		return;
	cr_assert_eq(patch_apply(f->plan, b->data, b->len, &f->bytes, &f->len, err, sizeof(err)),
	             PATCH_APPLY_OK, "%s", err);
	f->out = rom_analyze(f->bytes, f->len, "fixed");
	cr_assert(f->out);
}

static void fixed_free(struct fixed *f)
{
	rom_analysis_free(f->in);
	rom_analysis_free(f->out);
	free(f->plan);
	free(f->bytes);
}

static void two_image(struct rb *b, uint16_t vendor, uint16_t device)
{
	rb_init(b);
	rb_add_x86(b, vendor, device, 8, false);
	rb_add_efi(b, vendor, device, 4, true);
}

/* Positions where a and b (same length) differ; at most cap reported. */
static size_t diff(const uint8_t *a, const uint8_t *b, size_t n, size_t *at, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i]) {
			if (k < cap)
				at[k] = i;
			k++;
		}
	return k;
}

Test(patcher_plan, clean_rom_needs_nothing_and_comes_out_identical)
{
	struct rb b;
	struct fixed f;
	two_image(&b, 0x10de, 0x1c02);
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK);
	cr_assert(patch_plan_is_empty(f.plan));
	cr_assert_eq(f.len, b.len);
	cr_assert_eq(memcmp(f.bytes, b.data, b.len), 0);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, nvgi_container_of_each_version_is_stripped)
{
	static const size_t lens[] = {0x400, 0xA00, 0x4600};
	for (unsigned v = 1; v <= 3; v++) {
		struct rb b, rom;
		struct fixed f;
		two_image(&rom, 0x10de, 0x1c02);
		rb_init(&b);
		rb_append(&b, rom.data, rom.len);
		rb_append_fill(&b, 1024, 0xFF);
		rb_prepend_nvgi(&b, v, lens[v - 1]);
		fix(&b, NULL, &f);
		cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "v%u: %s", v, f.plan->error);
		cr_assert_eq(f.plan->strip.length, lens[v - 1]);
		cr_assert_eq(f.plan->n_edits, 0);
		cr_assert_eq(f.len, rom.len + 1024);
		cr_assert_eq(memcmp(f.bytes, rom.data, rom.len), 0, "v%u", v);
		cr_assert_eq(f.out->verdict, VERDICT_READY);
		fixed_free(&f);

		/* --trim: exactly the standard chain. */
		struct patch_options t = {.trim = true};
		fix(&b, &t, &f);
		cr_assert_eq(f.plan->trim.length, 1024);
		cr_assert_eq(f.len, rom.len);
		cr_assert_eq(memcmp(f.bytes, rom.data, rom.len), 0);
		fixed_free(&f);
		rb_free(&b);
		rb_free(&rom);
	}
}

Test(patcher_plan, unknown_prefixes_of_many_lengths_are_stripped)
{
	static const size_t lens[] = {1,    2,    3,    4,    5,     7,       16,     17,
	                              100,  511,  512,  513,  1000,  1536,    2048,   4095,
	                              4096, 4097, 6000, 8192, 12345, 0x10000, 0x10001};
	struct rb rom;
	two_image(&rom, 0x8086, 0x100e);
	rb_append_fill(&rom, 512, 0xFF);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rb b;
		struct fixed f;
		rb_init(&b);
		rb_append(&b, rom.data, rom.len);
		rb_prepend_pattern(&b, lens[i], 0xABCDu + (uint32_t)i);
		fix(&b, NULL, &f);
		cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "prefix %zu: %s", lens[i],
		             f.plan->error);
		cr_assert_eq(f.plan->strip.length, lens[i], "prefix %zu: stripped %zu", lens[i],
		             f.plan->strip.length);
		cr_assert_eq(f.plan->n_edits, 0);
		cr_assert_eq(f.len, rom.len);
		cr_assert_eq(memcmp(f.bytes, rom.data, rom.len), 0, "prefix %zu", lens[i]);
		cr_assert_eq(f.out->verdict, VERDICT_READY);
		cr_assert_neq(f.plan->strip.reason[0], '\0');
		fixed_free(&f);
		rb_free(&b);
	}
	rb_free(&rom);
}

Test(patcher_plan, flipped_byte_in_x86_image_is_balanced_at_its_last_byte)
{
	struct rb b, orig;
	struct fixed f;
	size_t at[4];
	two_image(&b, 0x10de, 0x1c02);
	rb_init(&orig);
	rb_append(&orig, b.data, b.len);
	b.data[0x300] ^= 0x5A;
	fix(&b, NULL, &f);
	cr_assert_eq(f.in->verdict, VERDICT_FIXABLE);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].kind, PATCH_EDIT_CHECKSUM);
	cr_assert_eq(f.plan->edits[0].offset, 8 * 512 - 1);
	cr_assert_eq(f.plan->edits[0].old_bytes[0], orig.data[8 * 512 - 1]);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	/* Only the flipped byte and the balancing byte differ from the original. */
	cr_assert_eq(diff(f.bytes, orig.data, b.len, at, 4), 2);
	cr_assert_eq(at[0], 0x300);
	cr_assert_eq(at[1], 8 * 512 - 1);
	cr_assert_eq(rb_sum(&(struct rb){f.bytes, f.len}, 0, 8 * 512), 0);
	fixed_free(&f);
	rb_free(&b);
	rb_free(&orig);
}

Test(patcher_plan, flipped_byte_in_efi_image_changes_nothing)
{
	/* EFI images carry no checksum (formats-pci-amd-efi.md 1.5); rom-fixer
	 * "repaired" the legacy image's byte 6 here and broke it. */
	struct rb b;
	struct fixed f;
	two_image(&b, 0x8086, 0x100e);
	b.data[8 * 512 + 0x400] ^= 0x01;
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK);
	cr_assert(patch_plan_is_empty(f.plan));
	cr_assert_eq(memcmp(f.bytes, b.data, b.len), 0);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, flipped_byte_behind_a_prefix_is_fixed_inside_the_rom)
{
	struct rb b;
	struct fixed f;
	two_image(&b, 0x1234, 0x5678);
	b.data[0x200] ^= 0xFF;
	rb_prepend_pattern(&b, 0x333, 7);
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].offset, 0x333 + 8 * 512 - 1);
	cr_assert_eq(f.plan->edits[0].out_offset, 8 * 512 - 1);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	fixed_free(&f);
	rb_free(&b);
}

/* Moves the PCIR of the x86 image at off from +0x1C to +rel so that the
 * low header bytes are free for a producer's own fields. */
static void move_pcir(struct rb *b, size_t off, size_t rel)
{
	memmove(b->data + off + rel, b->data + off + 0x1C, 0x1C);
	memset(b->data + off + 0x1C, 0, 0x1C);
	rb_put16(b, off + 0x18, (uint16_t)rel);
}

Test(patcher_plan, atombios_image_is_balanced_at_0x21)
{
	struct rb b;
	struct fixed f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67df, 8, true);
	move_pcir(&b, 0, 0x100);
	memcpy(b.data + 0x30, " 761295520", 10); /* ATI magic (atom.h) */
	rb_balance(&b, 0, 8 * 512 - 1);
	b.data[0x500] ^= 0x10;
	fix(&b, NULL, &f);
	cr_assert_eq(rom_node_of(f.in, &f.in->chain.images[0])->producer, PCI_PRODUCER_ATOMBIOS);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].offset, 0x21);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, ipxe_image_is_balanced_at_0x06)
{
	struct rb b;
	struct fixed f;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	move_pcir(&b, 0, 0x100);
	rb_put16(&b, 0x10, 0x80); /* Option::ROM: u16 at 0x10 -> "iPXE" header */
	memcpy(b.data + 0x80, "iPXE", 4);
	rb_balance(&b, 0, 4 * 512 - 1);
	b.data[0x444] ^= 0x80;
	fix(&b, NULL, &f);
	cr_assert_eq(rom_node_of(f.in, &f.in->chain.images[0])->producer, PCI_PRODUCER_IPXE);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].offset, 0x06);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, pascal_umbrella_is_balanced_inside_the_x86_sub_image)
{
	/* x86 image whose size byte (8 blocks) covers its NPDE sub-image (4
	 * blocks) and a private 'VN' image: the byte must stay in the x86 part. */
	struct rb b, priv;
	struct rb_image_opts o = rb_x86_opts(0x10de, 0x1bb8, 8, false);
	struct fixed f;
	rb_init(&b);
	o.npde = true;
	o.npde_blocks = 4;
	rb_add_image(&b, &o);
	rb_init(&priv);
	rb_add_nv_private(&priv, 0x1b80, 4);
	memcpy(b.data + 4 * 512, priv.data, priv.len);
	rb_balance(&b, 0, 4 * 512 - 1);
	rb_add_efi(&b, 0x10de, 0x1bb8, 4, true);
	b.data[0x100] ^= 0x33;
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].offset, 4 * 512 - 1);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	cr_assert_geq(f.plan->n_notes, 1);
	fixed_free(&f);
	rb_free(&b);
	rb_free(&priv);
}

Test(patcher_plan, cleared_last_flag_is_set_and_checksum_follows)
{
	struct rb b;
	struct fixed f;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, false); /* single image, flag clear */
	rb_append_fill(&b, 512, 0xFF);
	fix(&b, NULL, &f);
	cr_assert_eq(f.in->verdict, VERDICT_FIXABLE);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_eq(f.plan->n_edits, 2);
	cr_assert_eq(f.plan->edits[0].kind, PATCH_EDIT_LAST_FLAG);
	cr_assert_eq(f.plan->edits[0].offset, 0x1C + 0x15);
	cr_assert_eq(f.plan->edits[0].new_bytes[0], 0x80);
	cr_assert_eq(f.plan->edits[1].kind, PATCH_EDIT_CHECKSUM);
	cr_assert_eq(f.plan->edits[1].offset, 4 * 512 - 1);
	cr_assert_eq((uint8_t)(f.plan->edits[1].old_bytes[0] - f.plan->edits[1].new_bytes[0]),
	             0x80);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	cr_assert(f.out->chain.images[0].last);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, cleared_last_flag_on_efi_image_needs_no_checksum)
{
	struct rb b;
	struct fixed f;
	two_image(&b, 0x8086, 0x100e);
	b.data[8 * 512 + 0x1C + 0x15] = 0x00;
	rb_append_fill(&b, 2048, 0x00);
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->n_edits, 1);
	cr_assert_eq(f.plan->edits[0].kind, PATCH_EDIT_LAST_FLAG);
	cr_assert_eq(f.plan->edits[0].offset, 8 * 512 + 0x1C + 0x15);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, set_id_rewrites_every_pcir_and_the_checksum)
{
	struct rb b, orig;
	struct fixed f;
	struct patch_options o = {.set_id = true, .vendor = 0x10de, .device = 0x1b81};
	size_t at[16];
	two_image(&b, 0x10de, 0x1b80);
	rb_init(&orig);
	rb_append(&orig, b.data, b.len);
	fix(&b, &o, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	/* device id in both images, then the x86 checksum (vendor unchanged) */
	cr_assert_eq(f.plan->n_edits, 3);
	cr_assert_eq(f.plan->edits[0].kind, PATCH_EDIT_DEVICE_ID);
	cr_assert_eq(f.plan->edits[1].kind, PATCH_EDIT_CHECKSUM);
	cr_assert_eq(f.plan->edits[2].kind, PATCH_EDIT_DEVICE_ID);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	for (size_t i = 0; i < f.out->chain.n; i++) {
		cr_assert_eq(rom_node_of(f.out, &f.out->chain.images[i])->pcir.vendor_id, 0x10de);
		cr_assert_eq(rom_node_of(f.out, &f.out->chain.images[i])->pcir.device_id, 0x1b81);
	}
	cr_assert_eq(diff(f.bytes, orig.data, b.len, at, 16), 3);
	cr_assert_eq(at[0], 0x1C + 6);
	cr_assert_eq(at[1], 8 * 512 - 1);
	cr_assert_eq(at[2], 8 * 512 + 0x1C + 6);
	fixed_free(&f);

	/* Same ids again: nothing to do. */
	struct rb again = {orig.data, orig.len};
	struct patch_options same = {.set_id = true, .vendor = 0x10de, .device = 0x1b80};
	fix(&again, &same, &f);
	cr_assert(patch_plan_is_empty(f.plan));
	fixed_free(&f);
	rb_free(&b);
	rb_free(&orig);
}

Test(patcher_plan, signature_warning_only_when_image_bytes_change)
{
	struct rb b;
	struct fixed f;
	bool warned = false;
	two_image(&b, 0x10de, 0x2503); /* Ampere GA106 */
	rb_prepend_nvgi(&b, 2, 0xA00);
	fix(&b, NULL, &f);
	for (size_t i = 0; i < f.plan->n_notes; i++)
		warned |= strstr(f.plan->notes[i], "signature") != NULL;
	cr_assert_not(warned, "stripping a prefix changes no image byte");
	fixed_free(&f);
	b.data[0xA00 + 0x300] ^= 1;
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->n_edits, 1);
	for (size_t i = 0; i < f.plan->n_notes; i++)
		warned |= strstr(f.plan->notes[i], "signature") != NULL;
	cr_assert(warned);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, fixing_a_fixed_rom_changes_nothing)
{
	struct rb b;
	struct fixed f, g;
	two_image(&b, 0x10de, 0x1c02);
	b.data[0x222] ^= 0x42;
	b.data[8 * 512 + 0x1C + 0x15] = 0;
	rb_append_fill(&b, 512, 0xFF);
	rb_prepend_pattern(&b, 0x777, 3);
	fix(&b, NULL, &f);
	cr_assert_eq(f.out->verdict, VERDICT_READY);
	fix(&(struct rb){f.bytes, f.len}, NULL, &g);
	cr_assert(patch_plan_is_empty(g.plan));
	cr_assert_eq(g.len, f.len);
	cr_assert_eq(memcmp(g.bytes, f.bytes, f.len), 0);
	fixed_free(&g);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, unfixable_roms_give_a_reason_and_no_edits)
{
	struct rb b;
	struct fixed f;
	/* truncated: the EFI image says 4 blocks, the file ends in its middle */
	two_image(&b, 0x10de, 0x1c02);
	b.len -= 1000;
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_CANNOT);
	cr_assert_eq(f.plan->n_edits, 0);
	cr_assert_not_null(strstr(f.plan->error, "0x1000"), "%s", f.plan->error);
	fixed_free(&f);
	rb_free(&b);
	/* no ROM at all */
	rb_init(&b);
	rb_append_fill(&b, 4096, 0xFF);
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_CANNOT);
	cr_assert_not_null(strstr(f.plan->error, "no ROM"), "%s", f.plan->error);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, apply_refuses_an_edit_whose_old_bytes_do_not_match)
{
	struct rb b;
	struct fixed f;
	uint8_t *out = NULL;
	size_t n = 0;
	two_image(&b, 0x10de, 0x1c02);
	b.data[0x300] ^= 1;
	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->n_edits, 1);
	f.plan->edits[0].old_bytes[0] ^= 0xFF;
	cr_assert_eq(patch_apply(f.plan, b.data, b.len, &out, &n, NULL, 0), PATCH_APPLY_MISMATCH);
	cr_assert_null(out);
	fixed_free(&f);
	rb_free(&b);
}

Test(patcher_plan, parse_id_and_default_output)
{
	uint16_t v, d;
	char out[256];
	cr_assert(patch_parse_id("10de:1B80", &v, &d));
	cr_assert_eq(v, 0x10de);
	cr_assert_eq(d, 0x1b80);
	cr_assert(patch_parse_id("1:2", &v, &d));
	cr_assert_not(patch_parse_id("10de1b80", &v, &d));
	cr_assert_not(patch_parse_id("10de:", &v, &d));
	cr_assert_not(patch_parse_id("10de:12345", &v, &d));
	cr_assert_not(patch_parse_id("xyz:1234", &v, &d));
	cr_assert(patch_default_output("card.rom", out, sizeof(out)));
	cr_assert_str_eq(out, "card.fixed.rom");
	cr_assert(patch_default_output("/a.b/dir/card.rom", out, sizeof(out)));
	cr_assert_str_eq(out, "/a.b/dir/card.fixed.rom");
	cr_assert(patch_default_output("/a.b/card", out, sizeof(out)));
	cr_assert_str_eq(out, "/a.b/card.fixed");
	cr_assert(patch_default_output(".rom", out, sizeof(out)));
	cr_assert_str_eq(out, ".rom.fixed");
	cr_assert_not(patch_default_output("dir/", out, sizeof(out)));
}

static const struct finding *find_pnp(const struct rom_analysis *a)
{
	return report_find(a, FINDING_PNP_CHECKSUM_MISMATCH);
}

/* An x86 image with a legacy $PnP header at +0x80 (pointer at +0x1A), laid
 * out through the header's declaration (formats/pci_rom.h PNP_FIELDS). */
static void pnp_image(struct rb *b, uint8_t checksum_byte)
{
	struct pci_pnp p;
	rb_init(b);
	rb_add_x86(b, 0x8086, 0x100e, 4, true);
	memset(&p, 0, sizeof(p));
	p.signature = PNP_SIG;
	p.revision = 1;
	p.length_units = 2; /* 32 bytes, as iPXE writes it */
	p.checksum_byte = checksum_byte;
	p.manufacturer_ptr = 0x100;
	p.product_ptr = 0x110;
	cr_assert(fmt_encode(b->data, b->len, 0x80, pci_pnp_fields, PNP_F_COUNT, &p));
	memcpy(b->data + 0x100, "optrom test", 12);
	memcpy(b->data + 0x110, "PnP", 4);
	rb_put16(b, PCI_ROM_HDR_OFF_PNP_PTR, 0x80);
	rb_balance(b, 0, 4 * 512 - 1);
}

Test(patcher_plan, pnp_header_is_decoded_and_a_good_one_needs_nothing)
{
	struct rb b;
	struct fixed f;
	const struct rom_node *n;
	uint8_t sum = 0;
	pnp_image(&b, 0);
	for (size_t i = 0; i < 32; i++)
		sum = (uint8_t)(sum + b.data[0x80 + i]);
	b.data[0x80 + PNP_OFF_CHECKSUM] = (uint8_t)-sum; /* balance the header */
	rb_balance(&b, 0, 4 * 512 - 1);
	fix(&b, NULL, &f);
	n = rom_chain_node(f.in, 0);
	cr_assert_eq(n->pnp.status, PCI_OK);
	cr_expect_eq(n->pnp.offset, 0x80);
	cr_expect_eq(n->pnp.hdr.sum, 0);
	cr_expect_str_eq(n->pnp.manufacturer, "optrom test");
	cr_expect_str_eq(n->pnp.product, "PnP");
	cr_expect_eq(f.in->verdict, VERDICT_READY);
	cr_expect(patch_plan_is_empty(f.plan));
	fixed_free(&f);
	rb_free(&b);
}

/* A $PnP header that does not sum to 0 is fixable: the header's own
 * checksum byte first (+9), then the image checksum, which that edit
 * moved; the result re-analyzes ready. */
Test(patcher_plan, bad_pnp_checksum_is_balanced_then_the_image)
{
	struct rb b;
	struct fixed f;
	uint8_t sum = 0;
	pnp_image(&b, 0x00);
	for (size_t i = 0; i < 32; i++)
		sum = (uint8_t)(sum + b.data[0x80 + i]);
	cr_assert_neq(sum, 0, "the fixture's header must be unbalanced");
	fix(&b, NULL, &f);
	cr_assert_not_null(find_pnp(f.in));
	cr_expect_eq(f.in->verdict, VERDICT_FIXABLE);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_eq(f.plan->n_edits, 2);
	cr_expect_eq(f.plan->edits[0].kind, PATCH_EDIT_PNP_CHECKSUM);
	cr_expect_eq(f.plan->edits[0].offset, 0x80 + PNP_OFF_CHECKSUM);
	cr_expect_eq(f.plan->edits[0].new_bytes[0], (uint8_t)-sum);
	cr_expect_eq(f.plan->edits[1].kind, PATCH_EDIT_CHECKSUM);
	cr_assert_not_null(f.out);
	cr_expect_eq(f.out->verdict, VERDICT_READY);
	cr_expect_eq(rom_chain_node(f.out, 0)->pnp.hdr.sum, 0);
	cr_expect(rom_chain_node(f.out, 0)->checksum.ok);
	fixed_free(&f);
	rb_free(&b);
}

/* A $PnP header that lies past the image's own bytes (size byte x 512) is
 * not the image's: no header, no finding, and fix touches nothing there. */
Test(patcher_plan, pnp_header_outside_the_image_is_not_looked_at)
{
	struct rb b;
	struct fixed f;
	pnp_image(&b, 0x00);
	/* a second image after it; the pointer leads into that image */
	rb_put16(&b, PCI_ROM_HDR_OFF_PNP_PTR, 4 * 512 + 0x80);
	rb_put8(&b, PCI_ROM_HDR_OFF_SIZE, 4);
	rb_balance(&b, 0, 4 * 512 - 1);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	memcpy(b.data + 4 * 512 + 0x80, b.data + 0x80, 0x20); /* a $PnP there */
	rb_balance(&b, 4 * 512, 4 * 512 - 1);
	/* image 0 must not be last for the chain to reach image 1 */
	b.data[b.data[PCI_ROM_HDR_OFF_PCIR_PTR] + PCIR_OFF_INDICATOR] = 0;
	rb_balance(&b, 0, 4 * 512 - 1);
	fix(&b, NULL, &f);
	cr_expect_neq(rom_chain_node(f.in, 0)->pnp.status, PCI_OK);
	cr_expect_null(find_pnp(f.in));
	for (size_t i = 0; i < f.plan->n_edits; i++)
		cr_expect_neq(f.plan->edits[i].kind, PATCH_EDIT_PNP_CHECKSUM);
	fixed_free(&f);
	rb_free(&b);
}

/* An image whose PCIR lies past its own length (size byte x 512), in the
 * bytes after the chain: the last-image flag is set there when those bytes
 * are kept, and --trim, which would cut the PCIR with its edit, refuses
 * instead of planning an edit outside its output (found by fuzz_fix). */
Test(patcher_plan, pcir_after_the_chain_is_not_edited_when_trim_cuts_it)
{
	enum { IMG = 2 * 512, PCIR_AT = IMG + 0x100 };
	struct rb b;
	struct fixed f;
	struct patch_options t = {.trim = true};
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 2, false);
	rb_append_fill(&b, IMG, 0xC6);
	memcpy(b.data + PCIR_AT,
	       b.data +
	           (b.data[PCI_ROM_HDR_OFF_PCIR_PTR] | b.data[PCI_ROM_HDR_OFF_PCIR_PTR + 1] << 8),
	       PCIR_REV3_LEN);
	rb_put16(&b, PCI_ROM_HDR_OFF_PCIR_PTR, PCIR_AT);
	rb_balance(&b, 0, IMG - 1);

	fix(&b, NULL, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_OK, "%s", f.plan->error);
	cr_assert_geq(f.plan->n_edits, 1, "%zu edits", f.plan->n_edits);
	cr_expect_eq(f.plan->edits[0].kind, PATCH_EDIT_LAST_FLAG, "%s",
	             patch_edit_kind_name(f.plan->edits[0].kind));
	cr_expect_eq(f.plan->edits[0].offset, PCIR_AT + PCIR_OFF_INDICATOR);
	cr_expect_eq(f.out->verdict, VERDICT_READY);
	fixed_free(&f);

	fix(&b, &t, &f);
	cr_assert_eq(f.plan->status, PATCH_PLAN_CANNOT);
	cr_expect(strstr(f.plan->error, "last-image-flag edit at 0x") &&
	              strstr(f.plan->error, "outside the kept bytes [0x0, 0x400)"),
	          "%s", f.plan->error);
	fixed_free(&f);
	rb_free(&b);
}
