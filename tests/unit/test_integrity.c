/* The tree's integrity record on synthetic bytes (analyzer/integrity.c):
 * how runs of bytes are filled, the damaged-header search and its restore
 * rule at every boundary, the ids' plausibility, and the rules that read
 * them (no-gop, efi-unreachable, file-incomplete, id-implausible). */
#include "analyzer/analyze.h"
#include "analyzer/integrity_build.h"
#include "patcher/patch.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static bool has(const struct rom_analysis *a, enum finding_id id)
{
	return report_find(a, id) != NULL;
}

Test(integrity, fill_of_a_range)
{
	static const uint8_t ff[4] = {0xFF, 0xFF, 0xFF, 0xFF}, zero[4] = {0};
	static const uint8_t mixed[4] = {0xFF, 0, 0xFF, 0}, data[4] = {0xFF, 0, 1, 0};
	struct span s = span_make(ff, 4);
	cr_expect_eq(integrity_fill(&s, 0, 4), FILL_FF);
	cr_expect_eq(integrity_fill(&s, 0, 0), FILL_EMPTY);
	cr_expect_eq(integrity_fill(&s, 1, 4), FILL_EMPTY, "a range past the end is no range");
	cr_expect_eq(integrity_fill(&s, SIZE_MAX, 2), FILL_EMPTY, "offset + length overflows");
	s = span_make(zero, 4);
	cr_expect_eq(integrity_fill(&s, 0, 4), FILL_ZERO);
	s = span_make(mixed, 4);
	cr_expect_eq(integrity_fill(&s, 0, 4), FILL_PADDING);
	s = span_make(data, 4);
	cr_expect_eq(integrity_fill(&s, 0, 4), FILL_DATA);
	cr_expect_eq(integrity_fill(&s, 3, 1), FILL_ZERO);
}

/* EFI image (not last) then x86 image (last): image 0 is the damaged one. */
static void efi_then_x86(struct rb *b)
{
	rb_init(b);
	rb_add_efi(b, 0x8086, 0x100E, 4, false);
	rb_add_x86(b, 0x8086, 0x100E, 4, true);
}

Test(integrity, damaged_efi_header_restored_when_pointer_and_0ef1_survive)
{
	struct rb b;
	struct rom_analysis *a;
	efi_then_x86(&b);
	rb_put16(&b, 0, 0x0000);
	a = rom_analyze(b.data, b.len, "efi 55aa zeroed");
	cr_assert(a->integ.damaged.present);
	cr_expect_eq(a->integ.damaged.offset, 0);
	cr_expect(a->integ.damaged.pointer_ok && a->integ.damaged.efi_signature_ok);
	cr_expect(a->integ.damaged.restorable);
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	cr_expect_not(has(a, FINDING_DATA_BEFORE_ROM));
	rom_analysis_free(a);
	/* both the 55AA and the pointer gone: nothing pins the start */
	rb_put16(&b, 0x18, 0x0000);
	a = rom_analyze(b.data, b.len, "efi header zeroed");
	cr_assert(a->integ.damaged.present);
	cr_expect_not(a->integ.damaged.restorable);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, damaged_header_needs_ids_class_and_length_to_agree)
{
	struct rb b;
	struct rom_analysis *a;
	/* other ids: not the same card's image */
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x1234, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	rb_put16(&b, 0, 0);
	a = rom_analyze(b.data, b.len, "other ids");
	cr_expect_not(a->integ.damaged.present);
	cr_expect(has(a, FINDING_DATA_BEFORE_ROM));
	rom_analysis_free(a);
	rb_free(&b);
	/* a length that does not end where the ROM starts */
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	rb_put16(&b, 0, 0);
	rb_put16(&b, 0x1C + 0x10, 3); /* PCIR image length 3 blocks, not 4 */
	a = rom_analyze(b.data, b.len, "short length");
	cr_expect_not(a->integ.damaged.present);
	rom_analysis_free(a);
	rb_free(&b);
	/* marked last: it would not have led to the next image */
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	rb_put16(&b, 0, 0);
	rb_put8(&b, 0x1C + 0x15, 0x80);
	a = rom_analyze(b.data, b.len, "last bit");
	cr_expect_not(a->integ.damaged.present);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, restore_plan_writes_the_header_back_and_keeps_every_image)
{
	struct rb b;
	struct rom_analysis *a;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	uint8_t *orig, *out = NULL;
	size_t out_len = 0;
	char err[128];
	cr_assert_not_null(p);
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	orig = malloc(b.len);
	cr_assert_not_null(orig);
	memcpy(orig, b.data, b.len);
	rb_put16(&b, 0, 0x1234);
	rb_put16(&b, 0x18, 0x0000);
	a = rom_analyze(b.data, b.len, "x86 header gone");
	/* the sum over the size byte proves both restored fields */
	cr_assert(a->integ.damaged.present && a->integ.damaged.restorable);
	patch_plan_make(a, b.data, b.len, &o, p);
	cr_assert_eq(p->status, PATCH_PLAN_OK, "%s", p->error);
	cr_expect_eq(p->keep_start, 0);
	cr_expect_eq(p->n_edits, 2);
	cr_assert_eq(patch_apply(p, b.data, b.len, &out, &out_len, err, sizeof(err)),
	             PATCH_APPLY_OK);
	cr_expect_eq(out_len, b.len);
	cr_expect(memcmp(out, orig, b.len) == 0);
	free(out);
	free(orig);
	free(p);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, ids_that_are_signature_bytes_or_no_vendor)
{
	struct pci_pcir p = {.vendor_id = 0x5249, .device_id = 0x1002}; /* "IR" of PCIR */
	char why[160];
	cr_expect_not_null(rom_id_implausible(&p, 0, why, sizeof(why)));
	cr_expect(strstr(why, "PCIR") != NULL, "%s", why);
	p.vendor_id = 0x4350; /* "PC" */
	cr_expect_not_null(rom_id_implausible(&p, 0, why, sizeof(why)));
	p.vendor_id = 0x0000;
	cr_expect_not_null(rom_id_implausible(&p, 0, why, sizeof(why)));
	p.vendor_id = 0xFFFF;
	cr_expect_not_null(rom_id_implausible(&p, 0, why, sizeof(why)));
	p.vendor_id = 0x1002;
	p.device_id = 0x67DF;
	cr_expect_null(rom_id_implausible(&p, 0, why, sizeof(why)));
	cr_expect_null(rom_id_implausible(&p, 0x1002, why, sizeof(why)));
	cr_expect_not_null(rom_id_implausible(&p, 0x10DE, why, sizeof(why)),
	                   "a vendor that is not the producer's");
}

Test(integrity, odd_image_named_not_the_majority)
{
	struct rb b;
	struct rom_analysis *a;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	rb_add_efi(&b, 0x8086, 0x1234, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	a = rom_analyze(b.data, b.len, "three images");
	f = report_find(a, FINDING_ID_MISMATCH);
	cr_assert_not_null(f);
	cr_expect_eq(f->image, 1, "image %d named", f->image);
	cr_expect(strstr(f->message, "8086:1234") && strstr(f->message, "says 8086:100e"), "%s",
	          f->message);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, display_rom_without_x64_efi_has_no_gop)
{
	struct rb b;
	struct rom_analysis *a;
	struct rb_image_opts o = rb_efi_opts(0x8086, 0x100E, 4, true);
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, true);
	a = rom_analyze(b.data, b.len, "x86 only");
	cr_expect(has(a, FINDING_NO_GOP) == ((rom_chain_node(a, 0)->pcir.class_code >> 16) == 3));
	cr_expect_not(a->consumers.ovmf.ok);
	cr_expect(a->consumers.seabios.ok, "%s", a->consumers.seabios.reason);
	rom_analysis_free(a);
	rb_free(&b);
	/* an AArch64 EFI driver is no GOP for an x86 OVMF */
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	o.efi_machine = 0xAA64;
	rb_add_image(&b, &o);
	a = rom_analyze(b.data, b.len, "aa64 efi");
	cr_expect_not(a->consumers.ovmf.ok, "%s", a->consumers.ovmf.reason);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, efi_image_after_a_last_bit_is_unreachable)
{
	struct rb b;
	struct rom_analysis *a;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, true);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	a = rom_analyze(b.data, b.len, "efi after last");
	f = report_find(a, FINDING_EFI_UNREACHABLE);
	cr_assert_not_null(f);
	cr_expect_eq(f->offset, 0x800);
	cr_expect(strstr(f->message, "Clearing that bit") != NULL, "%s", f->message);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(integrity, image_after_the_chain_cut_by_the_end_of_file)
{
	struct rb b;
	struct rom_analysis *a;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, true);
	rb_add_x86(&b, 0x8086, 0x100E, 8, true);
	/* the second image claims 8 blocks; the file keeps 2 of them */
	a = rom_analyze(b.data, 0x800 + 0x400, "cut after the chain");
	cr_expect(has(a, FINDING_FILE_INCOMPLETE));
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	rom_analysis_free(a);
	a = rom_analyze(b.data, b.len, "whole");
	cr_expect_not(has(a, FINDING_FILE_INCOMPLETE));
	rom_analysis_free(a);
	rb_free(&b);
}
