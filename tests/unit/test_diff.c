/* analyzer/diff on synthetic pairs: one change in each named structure is
 * found, named by its qualified field and its byte range; a prefix, padding
 * or NVIDIA's private images on one side leave the same ROM; a damaged or
 * unrelated copy is different and says what could not be compared.
 * Offsets come from the specs' numbers (PCI 2.2 6.3.1, EFI 1.10 table
 * 12-17, OpenRM NPDE, PnP BIOS A.3), not from the diff's own output. */
#include "analyzer/analyze.h"
#include "analyzer/diff.h"
#include "analyzer/emit_diff.h"
#include "formats/pe.h"
#include "tests/support/diffs.h"
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pairing {
	struct rom_analysis *a, *b;
	struct rom_diff *d;
};

static void diff_of(struct pairing *p, const struct rb *a, const struct rb *b, bool strict)
{
	p->a = rom_analyze(a->data, a->len, "a.rom");
	p->b = rom_analyze(b->data, b->len, "b.rom");
	cr_assert(p->a && p->b);
	p->d = rom_diff_make(p->a, a->data, a->len, p->b, b->data, b->len, strict);
	cr_assert_not_null(p->d);
	/* Both emitters run on every pair (to /dev/null): no crash, YAML ok. */
	{
		FILE *null = fopen("/dev/null", "w");
		cr_assert_not_null(null);
		emit_diff_text(null, p->d);
		cr_expect(emit_diff_yaml(null, p->d));
		fclose(null);
	}
}

static void pairing_free(struct pairing *p)
{
	rom_diff_free(p->d);
	rom_analysis_free(p->a);
	rom_analysis_free(p->b);
}

static void copy(struct rb *dst, const struct rb *src)
{
	rb_init(dst);
	rb_append(dst, src->data, src->len);
}

/* x86 (2 blocks, with a NPDE) + EFI (2 blocks, last). */
static void base_rom(struct rb *b)
{
	struct rb_image_opts o = rb_x86_opts(0x10DE, 0x1C02, 2, false);
	rb_init(b);
	o.npde = true;
	rb_add_image(b, &o);
	rb_add_efi(b, 0x10DE, 0x1C02, 2, true);
}

Test(diff, identical_files)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	copy(&b, &a);
	diff_of(&p, &a, &b, true);
	cr_expect_eq(p.d->verdict, DIFF_IDENTICAL);
	cr_expect(p.d->same);
	cr_expect_eq(p.d->n_images, 2);
	for (size_t i = 0; i < p.d->n_images; i++) {
		cr_expect(p.d->images[i].bytes_equal);
		cr_expect_str_eq(
		    p.d->images[i].strip,
		    "................................................................");
	}
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, a_prefix_is_another_container)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	copy(&b, &a);
	rb_prepend_nvgi(&b, 2, 0x400);
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_SAME_ROM);
	cr_expect(p.d->same);
	cr_expect_not(p.d->prefix_equal);
	cr_expect(p.d->padding_equal);
	cr_expect_eq(p.d->images[0].off_b, 0x400);
	pairing_free(&p);
	diff_of(&p, &a, &b, true); /* --strict: the container counts */
	cr_expect_not(p.d->same);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, padding_is_summarised)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	copy(&b, &a);
	rb_append_fill(&b, 0x40000 - b.len, 0xFF); /* padded to 256 KiB */
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_SAME_ROM);
	cr_expect(p.d->same);
	cr_expect(p.d->prefix_equal);
	cr_expect_not(p.d->padding_equal);
	cr_expect_eq(p.d->after_b, 0x800);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, pcir_device_id_and_checksum_byte)
{
	struct rb a, b;
	struct pairing p;
	const struct diff_image *im;
	const struct diff_field *f;
	size_t pcir;
	base_rom(&a);
	copy(&b, &a);
	pcir = (size_t)b.data[0x18] | (size_t)b.data[0x19] << 8;
	rb_put16(&b, pcir + 6, 0x1C03); /* PCIR +6: device id */
	rb_balance(&b, 0, 0x3FF);       /* NVIDIA's convention: the image's last byte */
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_MODIFIED);
	cr_expect_not(p.d->same);
	im = &p.d->images[0];
	cr_expect_not(im->bytes_equal);
	f = diff_field_named(im, "pcir.device_id");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "0x1c02");
	cr_expect_str_eq(f->b, "0x1c03");
	cr_expect_not_null(diff_range_named(im, "pcir.device_id"));
	cr_expect_not_null(diff_range_named(im, "checksum.byte"));
	cr_expect_eq(im->differing, 2); /* 0x1c02 -> 0x1c03 is one byte; and the balance */
	cr_expect_eq(im->strip[(pcir + 6) * DIFF_STRIP / 0x400], '#');
	cr_expect_eq(im->strip[1 + (pcir + 6) * DIFF_STRIP / 0x400], '.');
	cr_expect_eq(im->strip[DIFF_STRIP - 1], '#');
	cr_expect(p.d->images[1].bytes_equal);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, efi_header_field)
{
	struct rb a, b;
	struct pairing p;
	const struct diff_image *im;
	base_rom(&a);
	copy(&b, &a);
	rb_put16(&b, 0x400 + 0x08, 12); /* EFI 1.10 table 12-17: subsystem at +8 */
	diff_of(&p, &a, &b, false);
	im = &p.d->images[1];
	cr_assert_not_null(diff_field_named(im, "efi.subsystem"));
	cr_expect_not_null(diff_range_named(im, "efi.subsystem"));
	cr_expect_eq(im->n_ranges_all, 1);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, npde_field)
{
	struct rb a, b;
	struct pairing p;
	struct rom_analysis *ra;
	const struct rom_node *n;
	size_t npde;
	base_rom(&a);
	ra = rom_analyze(a.data, a.len, "a");
	n = rom_chain_node(ra, 0);
	cr_assert(n && n->has_npde);
	npde = n->npde.offset;
	rom_analysis_free(ra);
	copy(&b, &a);
	b.data[npde + 0x0B] ^= 0x02; /* OpenRM PCI_EXP_ROM_NPDE: flags at +0x0B */
	rb_balance(&b, 0, 0x3FF);
	diff_of(&p, &a, &b, false);
	cr_expect_not_null(diff_field_named(&p.d->images[0], "npde.flags"));
	cr_expect_not_null(diff_range_named(&p.d->images[0], "npde.flags"));
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

/* An x86 image with a $PnP header at +0x60 (PnP BIOS spec A.3: "$PnP",
 * revision at +4, length in 16-byte units at +5, checksum at +9). */
static void pnp_rom(struct rb *b, uint8_t revision)
{
	rb_init(b);
	rb_add_x86(b, 0x8086, 0x1234, 2, true);
	memcpy(b->data + 0x60, "$PnP", 4);
	memset(b->data + 0x64, 0, 0x1C);
	b->data[0x64] = revision;
	b->data[0x65] = 2;
	rb_put16(b, 0x1A, 0x60);
	b->data[0x69] = (uint8_t)(0x100 - rb_sum(b, 0x60, 0x20));
	rb_balance(b, 0, 0x3FF);
}

Test(diff, pnp_field)
{
	struct rb a, b;
	struct pairing p;
	pnp_rom(&a, 1);
	pnp_rom(&b, 2);
	diff_of(&p, &a, &b, false);
	cr_assert_eq(p.a->nodes[p.d->images[0].node_a].pnp.status, PCI_OK);
	cr_expect_not_null(diff_field_named(&p.d->images[0], "pnp.revision"));
	cr_expect_not_null(diff_range_named(&p.d->images[0], "pnp.revision"));
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

/* One EFI image whose compressed driver is the builder's PE32+ driver with
 * byte 0x300 (in .text, raw 0x200..0x400) set to v. */
static void driver_rom(struct rb *b, uint8_t v)
{
	uint8_t pe[RB_PE_DRIVER_LEN], stream[0x1000];
	size_t n;
	rb_make_pe_driver(pe, true);
	pe[0x300] = v;
	n = efi_encode_lz(pe, sizeof(pe), 4, stream, sizeof(stream));
	cr_assert_gt(n, 0);
	rb_efi_chain(b, 1, 0x1002, 0x67DF, stream, n);
}

Test(diff, driver_by_pe_section)
{
	struct rb a, b;
	struct pairing p;
	const struct diff_image *im;
	driver_rom(&a, 0x00);
	driver_rom(&b, 0xC3);
	diff_of(&p, &a, &b, false);
	im = &p.d->images[0];
	cr_assert_not(im->bytes_equal);
	cr_assert(im->drivers_compared, "driver states %d/%d",
	          p.a->nodes[im->node_a].driver ? (int)p.a->nodes[im->node_a].driver->state : -1,
	          p.b->nodes[im->node_b].driver ? (int)p.b->nodes[im->node_b].driver->state : -1);
	cr_expect_not(im->drivers_equal);
	cr_assert_eq(im->n_sections, 1);
	cr_expect_str_eq(im->sections[0].name, ".text");
	cr_expect_eq(im->sections[0].differing, 1);
	cr_expect_not_null(diff_field_named(im, "driver.sha256"));
	cr_expect_not_null(diff_range_named(im, "driver"));
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, nvidia_private_images_on_one_side)
{
	struct rb a, b;
	struct pairing p;
	rb_nvidia_pascal(&a, true);
	copy(&b, &a);
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_IDENTICAL);
	cr_expect_gt(p.d->n_images, 2);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, damaged_copy)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	rb_init(&b);
	rb_append(&b, a.data, 0x600); /* cut inside the EFI image */
	diff_of(&p, &a, &b, false);
	cr_expect_not(p.d->same);
	cr_expect_neq(p.d->verdict, DIFF_SAME_ROM);
	cr_expect(p.d->images[0].bytes_equal);
	cr_expect(p.d->n_differ >= 1);
	pairing_free(&p);
	/* No ROM at all in B: said, not crashed. */
	rb_free(&b);
	rb_init(&b);
	rb_append_pattern(&b, 0x800, 7);
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_UNRELATED);
	cr_expect_not(p.d->same);
	cr_expect_not_null(strstr(p.d->note, "no ROM in B"));
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

Test(diff, unrelated_and_empty)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 4, true);
	diff_of(&p, &a, &b, false);
	cr_expect_eq(p.d->verdict, DIFF_UNRELATED);
	pairing_free(&p);
	rb_free(&b);
	rb_init(&b);
	diff_of(&p, &b, &b, false); /* two empty files: identical */
	cr_expect(p.d->same);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}

/* Images pair by type: B holds only A's EFI image, which pairs with A's
 * image 1 (chain[1/0]) and compares equal; A's x86 image is A's only. */
Test(diff, images_pair_by_type)
{
	struct rb a, b;
	struct pairing p;
	base_rom(&a);
	rb_init(&b);
	rb_append(&b, a.data + 0x400, 0x400);
	diff_of(&p, &a, &b, false);
	cr_assert_eq(p.d->n_images, 2);
	/* In A's order: the x86 image (A's only), then the EFI pair. */
	cr_expect(p.d->images[0].in_a && !p.d->images[0].in_b);
	cr_expect(p.d->images[1].in_a && p.d->images[1].in_b);
	cr_expect_eq(p.d->images[1].index, 1);
	cr_expect_eq(p.d->images[1].index_b, 0);
	cr_expect(p.d->images[1].bytes_equal);
	cr_expect_not(p.d->same);
	pairing_free(&p);
	rb_free(&a);
	rb_free(&b);
}
