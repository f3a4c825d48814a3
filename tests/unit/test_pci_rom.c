/* formats/pci_rom.[ch]: the 55AA header, the PCI data structure (PCIR and
 * NVIDIA's NPDS/RGIS), the $PnP header and the string helper, on bytes
 * built by hand. Boundary loops copy each prefix into a buffer of exactly
 * that length so that the sanitizer build catches any read past it. */
#include "formats/pci_rom.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define IMG_LEN 0x100

/* Legacy header (size byte 8, JMP at 3, PCIR at pcir_ptr, PnP at 0x60) and
 * a PCIR of the given revision and length. Bytes 0x16..0x1B of the PCIR are
 * non-zero whatever the length, like the code bytes of NVIDIA rev-0 PCIRs. */
static void build(uint8_t *p, uint16_t pcir_ptr, uint8_t rev, uint16_t plen, const char *sig)
{
	memset(p, 0xCC, IMG_LEN);
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = 0x08;
	p[3] = 0xE9;
	tb_put16(p, 0x18, pcir_ptr);
	tb_put16(p, 0x1A, 0x0060);
	memcpy(p + pcir_ptr, sig, 4);
	tb_put16(p, pcir_ptr + 0x04, 0x1002);
	tb_put16(p, pcir_ptr + 0x06, 0x67DF);
	tb_put16(p, pcir_ptr + 0x08, 0x0000);
	tb_put16(p, pcir_ptr + 0x0A, plen);
	p[pcir_ptr + 0x0C] = rev;
	p[pcir_ptr + 0x0D] = 0x01; /* prog-if */
	p[pcir_ptr + 0x0E] = 0x80; /* sub-class */
	p[pcir_ptr + 0x0F] = 0x03; /* base class */
	tb_put16(p, pcir_ptr + 0x10, 0x0008);
	tb_put16(p, pcir_ptr + 0x12, 0x0F32);
	p[pcir_ptr + 0x14] = 0x00;
	p[pcir_ptr + 0x15] = 0x80;
	tb_put16(p, pcir_ptr + 0x16, 0x1111);
	tb_put16(p, pcir_ptr + 0x18, 0x2222);
	tb_put16(p, pcir_ptr + 0x1A, 0x3333);
}

/* ---- header ---- */

Test(pci_rom, header_legacy_form)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	cr_assert_eq(pci_rom_header_decode(&s, 0, false, &h), PCI_OK);
	cr_assert_eq(h.signature, PCI_ROM_SIG);
	cr_assert_eq(h.size_blocks, 8);
	cr_assert_eq(h.pcir_offset, 0x1C);
	cr_assert(h.has_pnp_field);
	cr_assert_eq(h.pnp_offset, 0x60);
}

Test(pci_rom, header_efi_form_reads_low_byte_of_init_size)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	tb_put16(p, 2, 0x0134); /* EFI InitializationSize of 0x134 blocks */
	tb_put16(p, 4, 0x0EF1);
	cr_assert_eq(pci_rom_header_decode(&s, 0, false, &h), PCI_OK);
	cr_assert_eq(h.size_blocks, 0x34);
	cr_assert_eq(h.pcir_offset, 0x1C);
}

Test(pci_rom, header_truncation_boundary)
{
	uint8_t full[IMG_LEN] = {0};
	build(full, 0x1C, 3, 0x1C, "PCIR");
	for (size_t n = 0; n <= 0x1C; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct pci_rom_header h;
		enum pci_status st = pci_rom_header_decode(&s, 0, false, &h);
		if (n < PCI_ROM_HDR_MIN_LEN) {
			cr_assert_eq(st, PCI_TRUNCATED, "length %zu: %s", n, pci_status_str(st));
			cr_assert_eq(h.pcir_offset, 0);
		} else {
			cr_assert_eq(st, PCI_OK, "length %zu", n);
			cr_assert_eq(h.pcir_offset, 0x1C);
			/* 0x1A..0x1B (the PnP pointer) needs 0x1C bytes. */
			cr_assert_eq(h.has_pnp_field, n >= 0x1C, "length %zu", n);
			cr_assert_eq(h.pnp_offset, n >= 0x1C ? 0x60 : 0);
		}
		free(p);
	}
}

Test(pci_rom, header_signatures_and_nvidia_switch)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	p[0] = 'V';
	p[1] = 'N';
	cr_assert_eq(pci_rom_header_decode(&s, 0, false, &h), PCI_BAD_SIGNATURE);
	cr_assert_eq(h.signature, 0x4E56);
	cr_assert_eq(pci_rom_header_decode(&s, 0, true, &h), PCI_OK);
	cr_assert_eq(h.signature, PCI_ROM_SIG_NV);
	p[0] = 0x77;
	p[1] = 0xBB;
	cr_assert_eq(pci_rom_header_decode(&s, 0, false, &h), PCI_BAD_SIGNATURE);
	cr_assert_eq(pci_rom_header_decode(&s, 0, true, &h), PCI_OK);
	cr_assert_eq(h.signature, PCI_ROM_SIG_NV2);
	p[0] = 0xAA; /* byte-swapped 55AA is not a ROM */
	p[1] = 0x55;
	cr_assert_eq(pci_rom_header_decode(&s, 0, true, &h), PCI_BAD_SIGNATURE);
	cr_assert_eq(pci_rom_header_decode(&s, SIZE_MAX, true, &h), PCI_TRUNCATED);
}

/* ---- PCI data structure ---- */

Test(pci_rom, pcir_rev3_reads_all_fields)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pcir c;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_eq(c.kind, PCIR_KIND_PCIR);
	cr_assert_eq(c.signature, PCIR_SIG_PCIR);
	cr_assert_eq(c.vendor_id, 0x1002);
	cr_assert_eq(c.device_id, 0x67DF);
	cr_assert_eq(c.length, 0x1C);
	cr_assert_eq(c.revision, 3);
	cr_assert_eq(c.class_code, 0x038001u);
	cr_assert_eq(c.image_blocks, 8);
	cr_assert_eq(c.code_revision, 0x0F32);
	cr_assert_eq(c.code_type, 0);
	cr_assert_eq(c.indicator, 0x80);
	cr_assert(c.has_rev3_fields);
	cr_assert_eq(c.max_runtime_blocks, 0x1111);
	cr_assert_eq(c.config_utility, 0x2222);
	cr_assert_eq(c.dmtf_clp, 0x3333);
}

Test(pci_rom, pcir_rev0_leaves_code_bytes_alone)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pcir c;
	build(p, 0x1C, 0, 0x18, "PCIR");
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_eq(c.revision, 0);
	cr_assert_not(c.has_rev3_fields);
	cr_assert_eq(c.max_runtime_blocks, 0);
	cr_assert_eq(c.config_utility, 0);
	cr_assert_eq(c.dmtf_clp, 0);
}

/* The length field decides, not the revision byte. */
Test(pci_rom, pcir_rev3_fields_follow_the_length_not_the_revision)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pcir c;
	build(p, 0x1C, 3, 0x18, "PCIR"); /* rev 3 but only 0x18 long */
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_not(c.has_rev3_fields);
	cr_assert_eq(c.dmtf_clp, 0);
	build(p, 0x1C, 0, 0x1C, "PCIR"); /* rev 0 but 0x1C long */
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert(c.has_rev3_fields);
	cr_assert_eq(c.dmtf_clp, 0x3333);
	build(p, 0x1C, 3, 0x1B, "PCIR"); /* one byte short of the rev-3 fields */
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_not(c.has_rev3_fields);
	cr_assert_eq(c.config_utility, 0);
}

/* Fewer than 0x18 bytes: truncated. 0x18..0x1B bytes of a 0x1C-long PCIR:
 * the base fields but not the rev-3 ones. */
Test(pci_rom, pcir_truncation_boundary)
{
	uint8_t full[IMG_LEN] = {0};
	build(full, 0, 3, 0x1C, "PCIR"); /* PCIR at offset 0 of the buffer */
	for (size_t n = 0; n <= 0x1C; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct pci_pcir c;
		enum pci_status st = pci_pcir_decode(&s, 0, false, &c);
		if (n < PCIR_MIN_LEN) {
			cr_assert_eq(st, PCI_TRUNCATED, "length %zu: %s", n, pci_status_str(st));
			cr_assert_eq(c.vendor_id, 0);
			cr_assert_eq(c.image_blocks, 0);
		} else {
			cr_assert_eq(st, PCI_OK, "length %zu", n);
			cr_assert_eq(c.vendor_id, 0x1002);
			cr_assert_eq(c.has_rev3_fields, n >= PCIR_REV3_LEN, "length %zu", n);
			cr_assert_eq(c.dmtf_clp, n >= PCIR_REV3_LEN ? 0x3333 : 0);
		}
		free(p);
	}
}

Test(pci_rom, pcir_nvidia_signatures_only_when_allowed)
{
	static const char *sigs[] = {"NPDS", "RGIS"};
	static const enum pcir_kind kinds[] = {PCIR_KIND_NPDS, PCIR_KIND_RGIS};
	for (int i = 0; i < 2; i++) {
		uint8_t p[IMG_LEN] = {0};
		struct span s = span_make(p, sizeof(p));
		struct pci_pcir c;
		build(p, 0x1C, 0, 0x18, sigs[i]);
		cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_BAD_SIGNATURE, "%s",
		             sigs[i]);
		cr_assert_eq(pci_pcir_decode(&s, 0x1C, true, &c), PCI_OK, "%s", sigs[i]);
		cr_assert_eq(c.kind, kinds[i]);
		cr_assert_eq(c.vendor_id, 0x1002);
	}
	{
		uint8_t p[IMG_LEN] = {0};
		struct span s = span_make(p, sizeof(p));
		struct pci_pcir c;
		build(p, 0x1C, 0, 0x18, "PCIX");
		cr_assert_eq(pci_pcir_decode(&s, 0x1C, true, &c), PCI_BAD_SIGNATURE);
		cr_assert_eq(c.signature, 0x58494350u);
	}
}

Test(pci_rom, pcir_bad_length_still_fills_the_fields)
{
	static const uint16_t bad[] = {0x0000, 0x0017, 0xFFFF};
	for (int i = 0; i < 3; i++) {
		uint8_t p[IMG_LEN] = {0};
		struct span s = span_make(p, sizeof(p));
		struct pci_pcir c;
		build(p, 0x1C, 3, bad[i], "PCIR");
		cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_BAD_LENGTH, "0x%x", bad[i]);
		cr_assert_eq(c.length, bad[i]);
		cr_assert_eq(c.vendor_id, 0x1002);
		cr_assert_eq(c.image_blocks, 8);
		/* 0xFFFF is not a length that covers the rev-3 fields. */
		cr_assert_not(c.has_rev3_fields, "0x%x", bad[i]);
	}
	{
		uint8_t p[IMG_LEN] = {0};
		struct span s = span_make(p, sizeof(p));
		struct pci_pcir c;
		build(p, 0x1C, 0, 0x18, "PCIR");
		cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	}
}

/* ---- whole-image probe ---- */

Test(pci_rom, probe_pointer_zero_past_end_and_misaligned)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	struct pci_pcir c;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_OK);
	cr_assert_eq(c.vendor_id, 0x1002);

	tb_put16(p, 0x18, 0);
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_POINTER);
	tb_put16(p, 0x18, IMG_LEN);
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_POINTER);
	tb_put16(p, 0x18, IMG_LEN - 3); /* signature would straddle the end */
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_POINTER);
	tb_put16(p, 0x18, 0xFFFF);
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_POINTER);

	build(p, 0x1E, 3, 0x1C, "PCIR"); /* valid PCIR, but at a misaligned place */
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_MISALIGNED);
	build(p, 0x1D, 3, 0x1C, "PCIR");
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_MISALIGNED);
}

Test(pci_rom, probe_accepts_bad_length_and_rejects_bad_signature)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	struct pci_pcir c;
	build(p, 0x1C, 3, 0x10, "PCIR");
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_OK);
	cr_assert_eq(c.length, 0x10);
	build(p, 0x1C, 0, 0x18, "NPDS");
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_SIGNATURE);
	p[0] = 'V';
	p[1] = 'N';
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_SIGNATURE);
	cr_assert_eq(pci_image_probe(&s, 0, true, &h, &c), PCI_OK);
	cr_assert_eq(c.kind, PCIR_KIND_NPDS);
}

/* Cutting an image with its PCIR at 0x1C (length 0x18) at every length:
 * header cut -> truncated; PCIR signature not inside -> bad pointer; PCIR
 * cut -> truncated; whole -> ok. */
Test(pci_rom, probe_truncation_boundary)
{
	uint8_t full[IMG_LEN] = {0};
	build(full, 0x1C, 0, 0x18, "PCIR");
	for (size_t n = 0; n <= 0x1C + 0x18 + 1; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct pci_rom_header h;
		struct pci_pcir c;
		enum pci_status want;
		enum pci_status st = pci_image_probe(&s, 0, false, &h, &c);
		if (n < 0x1A)
			want = PCI_TRUNCATED;
		else if (n < 0x1C + 4)
			want = PCI_BAD_POINTER;
		else if (n < 0x1C + 0x18)
			want = PCI_TRUNCATED;
		else
			want = PCI_OK;
		cr_assert_eq(st, want, "length 0x%zx: got %s, want %s", n, pci_status_str(st),
		             pci_status_str(want));
		if (st != PCI_OK)
			cr_assert_eq(c.image_blocks, 0, "length 0x%zx", n);
		free(p);
	}
}

Test(pci_rom, probe_image_at_an_offset)
{
	uint8_t p[0x200 + IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_rom_header h;
	struct pci_pcir c;
	memset(p, 0xFF, 0x200);
	build(p + 0x200, 0x1C, 3, 0x1C, "PCIR");
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_BAD_SIGNATURE);
	cr_assert_eq(pci_image_probe(&s, 0x200, false, &h, &c), PCI_OK);
	cr_assert_eq(c.device_id, 0x67DF);
	cr_assert_eq(pci_image_probe(&s, SIZE_MAX - 1, false, &h, &c), PCI_TRUNCATED);
}

/* ---- $PnP ---- */

#define PNP_AT 0x60

static void build_pnp(uint8_t *p)
{
	uint8_t sum = 0;
	build(p, 0x1C, 3, 0x1C, "PCIR");
	memset(p + PNP_AT, 0, 0x20);
	memcpy(p + PNP_AT, "$PnP", 4);
	p[PNP_AT + 4] = 0x01;
	p[PNP_AT + 5] = 0x02; /* 2 x 16 bytes */
	tb_put16(p, PNP_AT + 6, 0x0000);
	p[PNP_AT + 0x0A] = 0x41;
	p[PNP_AT + 0x0B] = 0xD0;
	p[PNP_AT + 0x0C] = 0x0A;
	p[PNP_AT + 0x0D] = 0x03;
	tb_put16(p, PNP_AT + 0x0E, 0x00A0);
	tb_put16(p, PNP_AT + 0x10, 0x00B0);
	for (int i = 0; i < 0x20; i++)
		sum = (uint8_t)(sum + p[PNP_AT + i]);
	p[PNP_AT + 9] = (uint8_t)(0x100 - sum);
}

Test(pci_rom, pnp_decodes_and_checksum_balances)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pnp pnp;
	build_pnp(p);
	cr_assert_eq(pci_pnp_decode(&s, 0, PNP_AT, &pnp), PCI_OK);
	cr_assert_eq(pnp.revision, 1);
	cr_assert_eq(pnp.length_units, 2);
	cr_assert_eq(pnp.next, 0);
	cr_assert_eq(pnp.sum, 0);
	cr_assert_eq(pnp.device_id, 0x030AD041u);
	cr_assert_eq(pnp.manufacturer_ptr, 0xA0);
	cr_assert_eq(pnp.product_ptr, 0xB0);
	/* A byte inside the 32 bytes changes the sum by its delta. */
	p[PNP_AT + 0x1F] = (uint8_t)(p[PNP_AT + 0x1F] + 3);
	cr_assert_eq(pci_pnp_decode(&s, 0, PNP_AT, &pnp), PCI_OK);
	cr_assert_eq(pnp.sum, 3);
	/* A byte just past the header is not summed. */
	p[PNP_AT + 0x1F] = (uint8_t)(p[PNP_AT + 0x1F] - 3);
	p[PNP_AT + 0x20] ^= 0x5A;
	cr_assert_eq(pci_pnp_decode(&s, 0, PNP_AT, &pnp), PCI_OK);
	cr_assert_eq(pnp.sum, 0);
}

Test(pci_rom, pnp_pointer_and_signature_errors)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pnp pnp;
	build_pnp(p);
	cr_assert_eq(pci_pnp_decode(&s, 0, 0, &pnp), PCI_BAD_POINTER);
	cr_assert_eq(pci_pnp_decode(&s, SIZE_MAX, 2, &pnp), PCI_BAD_POINTER);
	cr_assert_eq(pci_pnp_decode(&s, 0, IMG_LEN, &pnp), PCI_TRUNCATED);
	cr_assert_eq(pci_pnp_decode(&s, 0, PNP_AT + 1, &pnp), PCI_BAD_SIGNATURE);
	/* A length in 16-byte units reaching past the end: truncated. */
	p[PNP_AT + 5] = 0x20; /* 512 bytes */
	cr_assert_eq(pci_pnp_decode(&s, 0, PNP_AT, &pnp), PCI_TRUNCATED);
}

/* Fields end at +0x12, the checksum range at +0x20: anything shorter fails. */
Test(pci_rom, pnp_truncation_boundary)
{
	uint8_t full[IMG_LEN] = {0};
	build_pnp(full);
	for (size_t n = PNP_AT; n <= PNP_AT + 0x20; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct pci_pnp pnp;
		enum pci_status st = pci_pnp_decode(&s, 0, PNP_AT, &pnp);
		if (n < PNP_AT + 0x20)
			cr_assert_eq(st, PCI_TRUNCATED, "length 0x%zx: %s", n, pci_status_str(st));
		else
			cr_assert_eq(st, PCI_OK, "length 0x%zx: %s", n, pci_status_str(st));
		free(p);
	}
}

/* ---- strings ---- */

Test(pci_rom, rom_string_rules)
{
	uint8_t p[IMG_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	char out[16];
	build(p, 0x1C, 3, 0x1C, "PCIR");
	memcpy(p + 0xA0, "ATI Tech\0", 9);
	cr_assert(pci_rom_string(&s, 0, 0xA0, out, sizeof(out)));
	cr_assert_str_eq(out, "ATI Tech");
	/* cap bounds the copy: cap-1 bytes and a NUL */
	cr_assert(pci_rom_string(&s, 0, 0xA0, out, 4));
	cr_assert_str_eq(out, "ATI");
	/* non-printable bytes become '?' */
	p[0xA1] = 0x07;
	cr_assert(pci_rom_string(&s, 0, 0xA0, out, sizeof(out)));
	cr_assert_str_eq(out, "A?I Tech");
	/* pointer 0, past the end, empty string, no room */
	strcpy(out, "junk");
	cr_assert_not(pci_rom_string(&s, 0, 0, out, sizeof(out)));
	cr_assert_str_eq(out, "");
	cr_assert_not(pci_rom_string(&s, 0, IMG_LEN, out, sizeof(out)));
	cr_assert_not(pci_rom_string(&s, SIZE_MAX, 1, out, sizeof(out)));
	p[0xB0] = 0;
	cr_assert_not(pci_rom_string(&s, 0, 0xB0, out, sizeof(out)));
	cr_assert_not(pci_rom_string(&s, 0, 0xA0, out, 0));
}

Test(pci_rom, rom_string_unterminated_at_the_end)
{
	static const uint8_t tail[] = {'N', 'V', 'I', 'D'};
	uint8_t *p = tb_exact_copy(tail, sizeof(tail));
	struct span s = span_make(p, sizeof(tail));
	char out[16];
	cr_assert(pci_rom_string(&s, 0, 1, out, sizeof(out)));
	cr_assert_str_eq(out, "VID");
	free(p);
}

/* ---- names ---- */

Test(pci_rom, code_type_names)
{
	cr_assert_str_eq(pci_code_type_name(0x00), "x86");
	cr_assert_str_eq(pci_code_type_name(0x01), "openfirmware");
	cr_assert_str_eq(pci_code_type_name(0x02), "hppa");
	cr_assert_str_eq(pci_code_type_name(0x03), "efi");
	cr_assert_str_eq(pci_code_type_name(0x70), "nvidia-private");
	cr_assert_str_eq(pci_code_type_name(0xE0), "nvidia-private");
	cr_assert_str_eq(pci_code_type_name(0x04), "other");
	cr_assert_str_eq(pci_code_type_name(0xFF), "other");
}

Test(pci_rom, status_and_producer_names)
{
	cr_assert_str_eq(pci_status_str(PCI_OK), "ok");
	cr_assert_str_eq(pci_status_str(PCI_TRUNCATED), "truncated");
	cr_assert_str_eq(pci_status_str(PCI_MISALIGNED), "pointer not DWORD aligned");
	cr_assert_str_eq(pci_status_str((enum pci_status)99), "unknown");
	cr_assert_str_eq(pci_producer_name(PCI_PRODUCER_ATOMBIOS), "atombios");
	cr_assert_str_eq(pci_producer_name(PCI_PRODUCER_IPXE), "ipxe");
	cr_assert_str_eq(pci_producer_name(PCI_PRODUCER_SEABIOS), "seabios");
	cr_assert_str_eq(pci_producer_name(PCI_PRODUCER_NVIDIA), "nvidia");
	cr_assert_str_eq(pci_producer_name(PCI_PRODUCER_UNKNOWN), "unknown");
}

Test(pci_rom, signature_look_is_bounded_and_views_differ)
{
	static const uint8_t b[] = {0x55, 0xAA, 'V', 'N', 0x77, 0xBB, 0x55};
	struct span s = span_make(b, sizeof(b));
	cr_expect(pci_rom_sig_at(&s, 0, false));
	cr_expect_not(pci_rom_sig_at(&s, 2, false), "'VN' is not an image to firmware");
	cr_expect(pci_rom_sig_at(&s, 2, true));
	cr_expect(pci_rom_sig_at(&s, 4, true));
	cr_expect_not(pci_rom_sig_at(&s, 1, true));
	cr_expect_not(pci_rom_sig_at(&s, 6, false), "one byte left: no signature");
	cr_expect_not(pci_rom_sig_at(&s, SIZE_MAX, true));
}

/* ---- the PCI 3.0 device list ---- */

/* A rev-3 PCIR at 0x1C whose device list pointer is ptr (from the PCIR). */
static struct pci_pcir devlist_image(uint8_t *p, uint16_t ptr, uint8_t rev)
{
	struct span s = span_make(p, IMG_LEN);
	struct pci_pcir pcir;
	build(p, 0x1C, rev, 0x1C, "PCIR");
	tb_put16(p, 0x1C + 0x08, ptr);
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &pcir), PCI_OK);
	return pcir;
}

Test(pci_rom, device_list_ids_then_zero)
{
	uint8_t p[IMG_LEN] = {0};
	uint16_t ids[8];
	struct pci_device_list d;
	struct pci_pcir pcir = devlist_image(p, 0x20, 3);
	struct span s = span_make(p, sizeof(p));
	tb_put16(p, 0x3C, 0x67DF);
	tb_put16(p, 0x3E, 0x67EF);
	tb_put16(p, 0x40, 0x6FDF);
	tb_put16(p, 0x42, 0x0000);
	cr_assert_eq(pcir.device_list, 0x20);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 8, &d), PCI_DEVLIST_OK);
	cr_assert_eq(d.status, PCI_DEVLIST_OK);
	cr_assert_eq(d.pointer, 0x20);
	cr_assert_eq(d.offset, 0x3C, "from the PCIR's start: 0x1C + 0x20");
	cr_assert_eq(d.n, 3);
	cr_assert_eq(d.length, 8, "three ids and the terminator");
	cr_assert_eq(ids[0], 0x67DF);
	cr_assert_eq(ids[1], 0x67EF);
	cr_assert_eq(ids[2], 0x6FDF);
	/* Fewer slots than ids: n still counts them all, only cap are stored. */
	memset(ids, 0, sizeof(ids));
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 1, &d), PCI_DEVLIST_OK);
	cr_assert_eq(d.n, 3);
	cr_assert_eq(ids[0], 0x67DF);
	cr_assert_eq(ids[1], 0);
	cr_assert_str_eq(pci_devlist_status_str(PCI_DEVLIST_OK), "ok");
}

Test(pci_rom, device_list_empty_and_absent)
{
	uint8_t p[IMG_LEN] = {0};
	uint16_t ids[4];
	struct pci_device_list d;
	struct span s = span_make(p, sizeof(p));
	/* NVIDIA's Maxwell/Pascal x86 images: a pointer to a lone 0x0000. */
	struct pci_pcir pcir = devlist_image(p, 0x30, 3);
	tb_put16(p, 0x4C, 0);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_OK);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(d.length, 2);
	/* Pointer 0: no list. */
	pcir = devlist_image(p, 0, 3);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_NONE);
	cr_assert_eq(d.length, 0);
	/* Revision 0 (PCI 2.2/2.3): the word is reserved or a VPD pointer. */
	pcir = devlist_image(p, 0x20, 0);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_NONE);
	/* A later revision keeps the list. */
	pcir = devlist_image(p, 0x30, 4);
	tb_put16(p, 0x4C, 0);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_OK);
	/* NVIDIA's NPDS is not a PCI Firmware 3.0 structure. */
	pcir = devlist_image(p, 0x30, 3);
	pcir.kind = PCIR_KIND_NPDS;
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_NONE);
	cr_assert_str_eq(pci_devlist_status_str(PCI_DEVLIST_NONE), "none");
}

Test(pci_rom, device_list_outside_the_image)
{
	uint8_t p[IMG_LEN] = {0};
	uint16_t ids[4];
	struct pci_device_list d;
	struct span s = span_make(p, sizeof(p));
	/* 0x1C + 0xE3 = 0xFF: one byte left, an id needs two. */
	struct pci_pcir pcir = devlist_image(p, 0xE3, 3);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_OUT_OF_RANGE);
	cr_assert_eq(d.offset, 0xFF);
	cr_assert_eq(d.length, 0);
	pcir = devlist_image(p, 0xFFFF, 3);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_OUT_OF_RANGE);
	cr_assert_eq(d.offset, 0x1C + 0xFFFF);
	/* The last whole id: in range, then the bytes end without a 0. */
	pcir = devlist_image(p, 0xE2, 3);
	tb_put16(p, 0xFE, 0x1234);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d), PCI_DEVLIST_UNTERMINATED);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(ids[0], 0x1234);
	cr_assert_str_eq(pci_devlist_status_str(PCI_DEVLIST_OUT_OF_RANGE), "out-of-range");
	cr_assert_str_eq(pci_devlist_status_str(PCI_DEVLIST_UNTERMINATED), "unterminated");
}

/* Every prefix of an image whose list ends at its last bytes, each in a
 * buffer of exactly that length: the walk never reads past it. */
Test(pci_rom, device_list_truncation_boundary)
{
	uint8_t p[IMG_LEN] = {0};
	struct pci_pcir pcir = devlist_image(p, 0xDC, 3); /* list at 0xF8 */
	tb_put16(p, 0xF8, 0x1111);
	tb_put16(p, 0xFA, 0x2222);
	tb_put16(p, 0xFC, 0x3333);
	tb_put16(p, 0xFE, 0x0000);
	for (size_t len = 0; len <= IMG_LEN; len++) {
		uint8_t *c = tb_exact_copy(p, len);
		struct span s = span_make(c, len);
		struct pci_device_list d;
		uint16_t ids[4];
		enum pci_devlist_status st = pci_device_list_decode(&s, 0x1C, &pcir, ids, 4, &d);
		if (len == IMG_LEN) {
			cr_assert_eq(st, PCI_DEVLIST_OK);
			cr_assert_eq(d.n, 3);
		} else if (len < 0xFA) {
			cr_assert_eq(st, PCI_DEVLIST_OUT_OF_RANGE, "len 0x%zx", len);
		} else {
			cr_assert_eq(st, PCI_DEVLIST_UNTERMINATED, "len 0x%zx", len);
			cr_assert_eq(d.n, (len - 0xF8) / 2);
		}
		free(c);
	}
}

/* A list that never ends inside a large image stops at the cap. */
Test(pci_rom, device_list_capped)
{
	size_t len = 0x1C + 0x20 + 2 * (PCI_DEVLIST_MAX + 8);
	uint8_t *p = calloc(1, len);
	struct span s = span_make(p, len);
	struct pci_pcir pcir;
	struct pci_device_list d;
	uint16_t *ids = calloc(PCI_DEVLIST_MAX, sizeof(*ids));
	cr_assert(p && ids);
	build(p, 0x1C, 3, 0x1C, "PCIR");
	tb_put16(p, 0x1C + 0x08, 0x20);
	for (size_t k = 0x3C; k + 1 < len; k += 2)
		tb_put16(p, k, 0x1000);
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &pcir), PCI_OK);
	cr_assert_eq(pci_device_list_decode(&s, 0x1C, &pcir, ids, PCI_DEVLIST_MAX, &d),
	             PCI_DEVLIST_TOO_LONG);
	cr_assert_eq(d.n, PCI_DEVLIST_MAX);
	cr_assert_eq(d.length, 2 * PCI_DEVLIST_MAX);
	cr_assert_eq(ids[PCI_DEVLIST_MAX - 1], 0x1000);
	cr_assert_str_eq(pci_devlist_status_str(PCI_DEVLIST_TOO_LONG), "too-long");
	free(ids);
	free(p);
}
