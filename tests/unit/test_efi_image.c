/* EFI images through the analyzer: payload, decompression, PE checks, GOP
 * version, and the findings of issue 4, on synthetic ROMs. */
#include "analyzer/analyze.h"
#include "tests/support/efi_encode.h"
#include "tests/support/findings.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static struct rom_analysis *report;

static void teardown(void)
{
	rom_analysis_free(report);
	report = NULL;
}

TestSuite(efi_image, .fini = teardown);

/* x86 image (8 blocks) then an EFI image (4 blocks) with the given
 * compression; returns the EFI image's offset. */
static size_t build(struct rb *b, uint16_t compression)
{
	struct rb_image_opts o = rb_efi_opts(0x1002, 0x67df, 4, true);
	rb_init(b);
	rb_add_x86(b, 0x1002, 0x67df, 8, false);
	o.efi_compression = compression;
	return rb_add_image(b, &o);
}

static void analyze(struct rb *b)
{
	rom_analysis_free(report);
	report = rom_analyze(b->data, b->len, "efi");
	cr_assert_not_null(report);
}

Test(efi_image, uncompressed_driver_is_a_valid_pe)
{
	struct rb b;
	size_t efi = build(&b, 0);
	analyze(&b);
	cr_assert_eq(report->verdict, VERDICT_READY);
	cr_assert((rom_chain_node(report, 1)->driver != NULL));
	cr_expect_eq(rom_chain_node(report, 1)->driver->payload_offset, efi + 0x50);
	cr_expect_eq(rom_chain_node(report, 1)->driver->payload_length, 4 * 512 - 0x50);
	cr_expect(rom_driver_pe_valid(rom_chain_node(report, 1)->driver));
	cr_expect_eq(rom_chain_node(report, 1)->driver->pe.kind, PE_KIND_PE32PLUS);
	cr_expect_eq(rom_chain_node(report, 1)->driver->pe.machine, 0x8664);
	cr_expect_eq(rom_chain_node(report, 1)->driver->pe.subsystem, 11);
	rb_free(&b);
}

Test(efi_image, compressed_driver_decompresses_to_the_declared_size)
{
	struct rb b;
	uint8_t pe[0x200];
	size_t pe_len = rb_make_pe(pe, sizeof(pe), 0x8664, 11);
	size_t efi = build(&b, 1);
	const struct rom_driver *drv;
	analyze(&b);
	cr_assert_eq(report->verdict, VERDICT_READY, "%s",
	             report->findings.n ? report->findings.items[0].message : "");
	cr_expect((rom_chain_node(report, 1)->driver->state == DRIVER_OK));
	cr_expect_eq(rom_chain_node(report, 1)->driver->decompressed_size, pe_len);
	cr_expect(rom_driver_pe_valid(rom_chain_node(report, 1)->driver));
	/* a clean EFI 1.1 decode settles the variant */
	cr_expect_str_eq(rom_chain_node(report, 1)->driver->variant, "efi");
	/* The node keeps the decompressed driver: the bytes extract writes. */
	drv = rom_chain_node(report, 1)->driver;
	cr_assert_eq(drv->length, pe_len);
	cr_expect_arr_eq(drv->bytes, pe, pe_len);
	(void)efi;
	rb_free(&b);
}

Test(efi_image, damaged_stream_is_broken)
{
	struct rb b;
	size_t efi = build(&b, 1);
	/* CompSize larger than the image: the stream header lies */
	rb_put32(&b, efi + 0x50, 0x100000);
	analyze(&b);
	cr_expect_eq(report->verdict, VERDICT_BROKEN);
	cr_expect_not_null(find_named(report, "efi-decompress-failed"));
	cr_expect_not((rom_chain_node(report, 1)->driver->state == DRIVER_OK));
	cr_expect_neq(rom_chain_node(report, 1)->driver->decompress_error[0], '\0');
	rb_free(&b);
}

Test(efi_image, corrupted_tables_are_broken)
{
	struct rb b;
	size_t efi = build(&b, 1);
	/* the literal stream's T table: "5 bits 0, 5 bits 10"; make the
	 * single T symbol 31 (>= NT = 19) */
	b.data[efi + 0x50 + 8 + 2] = 0x07;
	b.data[efi + 0x50 + 8 + 3] = 0xFF;
	analyze(&b);
	cr_expect_eq(report->verdict, VERDICT_BROKEN);
	cr_expect_not_null(find_named(report, "efi-decompress-failed"));
	rb_free(&b);
}

Test(efi_image, garbage_driver_is_pe_invalid)
{
	struct rb b;
	size_t efi = build(&b, 0);
	b.data[efi + 0x50] = 'X'; /* no "MZ" */
	analyze(&b);
	cr_expect_eq(report->verdict, VERDICT_BROKEN);
	cr_expect_not_null(find_named(report, "pe-invalid"));
	rb_free(&b);
}

Test(efi_image, machine_and_subsystem_mismatch)
{
	struct rb b;
	size_t efi = build(&b, 0);
	rb_put16(&b, efi + 0x0A, 0xAA64); /* the ROM header says AArch64 */
	rb_put16(&b, efi + 0x08, 12);
	analyze(&b);
	cr_expect_not_null(find_named(report, "efi-machine-mismatch"));
	cr_expect_not_null(find_named(report, "efi-subsystem-mismatch"));
	rb_free(&b);
}

Test(efi_image, init_size_and_image_offset)
{
	struct rb b;
	size_t efi = build(&b, 0);
	rb_put16(&b, efi + 2, 5); /* InitializationSize 5 blocks > 4 */
	analyze(&b);
	cr_expect_eq(report->verdict, VERDICT_BROKEN);
	cr_expect_not_null(find_named(report, "init-size-exceeds-image"));
	rb_free(&b);

	efi = build(&b, 0);
	rb_put16(&b, efi + 0x16, 4 * 512); /* payload offset at InitSize */
	analyze(&b);
	cr_expect_not_null(find_named(report, "efi-image-offset-invalid"));
	rb_free(&b);

	efi = build(&b, 0);
	rb_put16(&b, efi + 0x0C, 2); /* reserved compression type */
	analyze(&b);
	cr_expect_not_null(find_named(report, "efi-compression-unknown"));
	rb_free(&b);
}

Test(efi_image, nvidia_gop_version_from_npde)
{
	struct rb b;
	struct rb_image_opts o = rb_efi_opts(0x10de, 0x1c02, 4, true);
	size_t efi;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	o.npde = true;
	efi = rb_add_image(&b, &o);
	/* NPDE at align16(0x1C + 0x1C) = 0x40; make it the 0x10-byte EFI
	 * form with the GOP version at +0x0C, as NVIDIA GOP images carry. */
	rb_put16(&b, efi + 0x40 + 4, 0x0100);
	rb_put16(&b, efi + 0x40 + 6, 0x10);
	rb_put32(&b, efi + 0x40 + 0x0C, 0x30005);
	/* the payload starts at 0x50, after the NPDE: move the PE there */
	analyze(&b);
	cr_expect_str_eq(rom_chain_node(report, 1)->driver->gop_version, "0x30005");
	rb_free(&b);
}
