/* formats/atom.[ch]: the ATI magic, the ATOM ROM header at u16[0x48], the
 * part-number string and the build date, on bytes built by hand from
 * formats-pci-amd-efi.md section 4. */
#include "formats/atom.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define IMG  0x400
#define HDR  0x100
#define STRS 0x200
#define PN   "113-D0090100-101"
#define DATE "07/11/16 14:07"

static void build(uint8_t *p)
{
	memset(p, 0xFF, IMG);
	memset(p, 0, 0x80);
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = 0x02;
	memcpy(p + ATOM_MAGIC_OFF, " 761295520", 10);
	p[ATOM_OFF_STRING_COUNT] = 4;
	tb_put16(p, ATOM_OFF_STRING_PTR, STRS);
	memcpy(p + 0x50, DATE, sizeof(DATE)); /* with its NUL */
	tb_put16(p, ATOM_OFF_ROM_HEADER, HDR);
	tb_put16(p, HDR, 0x26);
	p[HDR + 2] = 1;
	p[HDR + 3] = 1;
	memcpy(p + HDR + 4, "ATOM", 4);
	tb_put16(p, HDR + 0x18, 0x1DA2);
	tb_put16(p, HDR + 0x1A, 0xE366);
	memcpy(p + STRS, PN, sizeof(PN)); /* with its NUL */
}

Test(atom, detects_a_full_image)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert(a.magic_ok);
	cr_assert_eq(a.rom_header, HDR);
	cr_assert(a.rom_header_ok);
	cr_assert_eq(a.hdr.format_rev, 1);
	cr_assert_eq(a.hdr.content_rev, 1);
	cr_assert_eq(a.hdr.subsystem_vendor, 0x1DA2);
	cr_assert_eq(a.hdr.subsystem_id, 0xE366);
	cr_assert_str_eq(a.part_number, PN);
	cr_assert_str_eq(a.build_date, DATE);
}

Test(atom, magic_must_match_exactly)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	p[ATOM_MAGIC_OFF] = '7'; /* no leading space */
	cr_assert_not(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_not(a.magic_ok);
	cr_assert_str_eq(a.part_number, "");
	build(p);
	p[ATOM_MAGIC_OFF + 9] = '1';
	cr_assert_not(atom_detect(&s, 0, sizeof(p), &a));
}

/* The magic ends at 0x3A: an image (or a file) one byte shorter is not
 * ATOMBIOS, and never read past. */
Test(atom, magic_truncation_boundary)
{
	uint8_t full[IMG] = {0};
	build(full);
	for (size_t n = 0; n <= 0x3B; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct atom_info a;
		bool ok = atom_detect(&s, 0, n, &a);
		cr_assert_eq(ok, n >= 0x3A, "length 0x%zx", n);
		cr_assert_eq(a.magic_ok, n >= 0x3A, "length 0x%zx", n);
		cr_assert_not(a.rom_header_ok);
		free(p);
	}
	/* the len argument bounds the image even when the file is longer */
	{
		struct span s = span_make(full, sizeof(full));
		struct atom_info a;
		cr_assert_not(atom_detect(&s, 0, 0x39, &a));
		cr_assert(atom_detect(&s, 0, 0x3A, &a));
	}
}

Test(atom, mota_is_accepted_other_signatures_not)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	memcpy(p + HDR + 4, "MOTA", 4);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert(a.rom_header_ok);
	memcpy(p + HDR + 4, "ATOX", 4);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_not(a.rom_header_ok);
	memcpy(p + HDR, "ATOM", 4); /* at H, not H + 4 */
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_not(a.rom_header_ok);
}

Test(atom, header_pointer_zero_or_past_the_end)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	memcpy(p + 4, "ATOM", 4); /* pointer 0 must not find this */
	tb_put16(p, ATOM_OFF_ROM_HEADER, 0);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_eq(a.rom_header, 0);
	cr_assert_not(a.rom_header_ok);
	cr_assert_eq(a.hdr.subsystem_vendor, 0);
	tb_put16(p, ATOM_OFF_ROM_HEADER, IMG);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_not(a.rom_header_ok);
	tb_put16(p, ATOM_OFF_ROM_HEADER, 0xFFFF);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_not(a.rom_header_ok);
}

/* "ATOM" at H+4..H+7: with the image ending at H+7 the signature straddles
 * the end (the amdgpu off-by-one) and is refused; at H+8 it is whole. */
Test(atom, header_signature_straddling_the_end)
{
	uint8_t full[IMG] = {0};
	build(full);
	for (size_t n = HDR + 4; n <= HDR + 8; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct atom_info a;
		cr_assert(atom_detect(&s, 0, n, &a));
		cr_assert_eq(a.rom_header_ok, n >= HDR + 8, "length 0x%zx", n);
		free(p);
	}
	{
		struct span s = span_make(full, sizeof(full));
		struct atom_info a;
		cr_assert(atom_detect(&s, 0, HDR + 7, &a));
		cr_assert_not(a.rom_header_ok);
	}
}

Test(atom, part_number_leading_nul_is_skipped_once)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	p[STRS] = 0;
	memcpy(p + STRS + 1, PN, sizeof(PN));
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, PN);
	p[STRS + 1] = 0; /* two NULs: only one is skipped */
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "");
}

Test(atom, part_number_count_zero_falls_back_to_0x80)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	p[ATOM_OFF_STRING_COUNT] = 0;
	memcpy(p + 0x80, "FALLBACK-PN", 12);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "FALLBACK-PN");
	p[0x80] = 0; /* the leading-NUL skip applies there too */
	memcpy(p + 0x81, "FALLBACK-PN", 12);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "FALLBACK-PN");
}

Test(atom, part_number_stops_at_non_printable_and_trims_spaces)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	memcpy(p + STRS, "PN-1   \r\nNAME", 14);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "PN-1");
	memcpy(p + STRS, "AB{CD", 6); /* '{' (0x7B) is past the accepted range */
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "AB");
}

Test(atom, part_number_is_capped_at_43_chars)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	memset(p + STRS, 'X', 60);
	p[STRS + 60] = 0;
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_eq(strlen(a.part_number), 43);
}

/* An unterminated string that runs into the end of the image stops there. */
Test(atom, unterminated_strings_stop_at_the_end)
{
	uint8_t full[IMG] = {0};
	build(full);
	tb_put16(full, ATOM_OFF_STRING_PTR, IMG - 5);
	memcpy(full + IMG - 5, "ABCDE", 5);
	for (size_t n = IMG - 5; n <= IMG; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct atom_info a;
		cr_assert(atom_detect(&s, 0, n, &a));
		cr_assert_eq(strlen(a.part_number), n - (IMG - 5), "length 0x%zx", n);
		cr_assert_eq(strncmp(a.part_number, "ABCDE", strlen(a.part_number)), 0);
		free(p);
	}
	/* the build date cut in the middle */
	{
		uint8_t *p = tb_exact_copy(full, 0x50 + 5);
		struct span s = span_make(p, 0x50 + 5);
		struct atom_info a;
		cr_assert(atom_detect(&s, 0, 0x55, &a));
		cr_assert_str_eq(a.build_date, "07/11");
		cr_assert_not(a.rom_header_ok);
		free(p);
	}
}

Test(atom, string_pointer_past_the_end)
{
	uint8_t p[IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	tb_put16(p, ATOM_OFF_STRING_PTR, 0xFFF0);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert_str_eq(a.part_number, "");
	cr_assert(a.rom_header_ok);
}

/* An ATOM image later in a file: offsets are relative to the image. */
Test(atom, image_at_an_offset)
{
	static uint8_t p[0x40000 + IMG];
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	memset(p, 0xFF, 0x40000);
	memcpy(p, "\xAA\x55\xAA\x55", 4);
	build(p + 0x40000);
	cr_assert_not(atom_detect(&s, 0, 0x40000, &a));
	cr_assert(atom_detect(&s, 0x40000, IMG, &a));
	cr_assert(a.rom_header_ok);
	cr_assert_str_eq(a.part_number, PN);
	/* a length past the end of the file reads what is there */
	cr_assert(atom_detect(&s, 0x40000, 0x100000, &a));
	cr_assert_str_eq(a.part_number, PN);
	cr_assert_not(atom_detect(&s, sizeof(p), IMG, &a));
}
