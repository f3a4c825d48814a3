/* formats/nvidia.[ch]: the NVGI/IFR container (v1, v2, v3 with RFRD), the
 * NPDE extension and the BIT 'B' version, on bytes built by hand from the
 * layouts in formats-nvidia.md sections 2, 3.3 and 6. Boundary loops copy
 * each prefix into a buffer of exactly that length so that the sanitizer
 * build catches any read past it. */
#include "formats/nvidia.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* ---- NVGI ---- */

#define V12_ROM  0x400u
#define V3_FSO   0x3000u
#define V3_DIR   (V3_FSO + 0x1000u)
#define V3_ROM   0x4600u
#define NVGI_BUF (V3_ROM + 0x20u)

/* Version 1 or 2: fixed data size 0x10, so the extended section's +4 (file
 * offset 0x14) holds the ROM offset. */
static size_t build_v12(uint8_t *p, unsigned version, uint32_t rom)
{
	memset(p, 0xA5, NVGI_BUF);
	memcpy(p, "NVGI", 4);
	tb_put32(p, 4, (0x10u << 16) | (version << 8) | 0x42u);
	tb_put32(p, 8, 0x354u);
	tb_put32(p, 0x0C, 0x06D91028u);
	tb_put32(p, 0x10, 0);
	tb_put32(p, 0x14, rom);
	p[V12_ROM] = 0x55;
	p[V12_ROM + 1] = 0xAA;
	return V12_ROM + 0x20;
}

/* Version 3: total data size 0x40 -> u32 at 0x40 is the flash status offset;
 * the RFRD directory is 4 KiB after it and holds the ROM offset at +8. */
static size_t build_v3(uint8_t *p, uint32_t rom)
{
	memset(p, 0xA5, NVGI_BUF);
	memcpy(p, "NVGI", 4);
	tb_put32(p, 4, (0x24u << 16) | (3u << 8) | 0x65u);
	tb_put32(p, 8, 0x40u);
	tb_put32(p, 0x0C, 0x1F9910DEu);
	tb_put32(p, 0x40, V3_FSO);
	memcpy(p + V3_DIR, "RFRD", 4);
	tb_put16(p, V3_DIR + 4, 2);
	tb_put16(p, V3_DIR + 6, 0x20);
	tb_put32(p, V3_DIR + 8, rom);
	p[V3_ROM] = 0x55;
	p[V3_ROM + 1] = 0xAA;
	return NVGI_BUF;
}

Test(nvgi, version_1_and_2)
{
	for (unsigned v = 1; v <= 2; v++) {
		static uint8_t p[NVGI_BUF];
		size_t n = build_v12(p, v, V12_ROM);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		cr_assert_eq(nvgi_decode(&s, &h), NVGI_OK, "v%u", v);
		cr_assert_eq(h.version, v);
		cr_assert_eq(h.fixed_data_size, 0x10);
		cr_assert_eq(h.total_data_size, 0x354);
		cr_assert_eq(h.subsystem_vendor, 0x1028);
		cr_assert_eq(h.subsystem_device, 0x06D9);
		cr_assert_eq(h.rom_offset, V12_ROM);
		cr_assert_eq(h.rfrd_offset, 0);
	}
}

Test(nvgi, version_3_with_rfrd)
{
	static uint8_t p[NVGI_BUF];
	size_t n = build_v3(p, V3_ROM);
	struct span s = span_make(p, n);
	struct nvgi_header h;
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_OK);
	cr_assert_eq(h.version, 3);
	cr_assert_eq(h.fixed_data_size, 0x24);
	cr_assert_eq(h.total_data_size, 0x40);
	cr_assert_eq(h.flash_status_offset, V3_FSO);
	cr_assert_eq(h.rfrd_offset, V3_DIR);
	cr_assert_eq(h.rfrd_version, 2);
	cr_assert_eq(h.rfrd_size, 0x20);
	cr_assert_eq(h.rom_offset, V3_ROM);
	cr_assert_eq(h.subsystem_vendor, 0x10DE);
	cr_assert_eq(h.subsystem_device, 0x1F99);
}

/* Bit 31 of FIXED1 and FIXED2 is reserved and seen set on real files: left
 * unmasked it would move the extended section to 0x8010 and the v3 flash
 * status offset to 0x80000040, both past the end. */
Test(nvgi, bit31_of_fixed1_and_fixed2_is_masked)
{
	static uint8_t p[NVGI_BUF];
	struct nvgi_header h;
	size_t n = build_v12(p, 1, V12_ROM);
	struct span s = span_make(p, n);
	tb_put32(p, 4, 0x80000000u | (0x10u << 16) | (1u << 8) | 0x42u);
	tb_put32(p, 8, 0x80000000u | 0x354u);
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_OK);
	cr_assert_eq(h.fixed_data_size, 0x10);
	cr_assert_eq(h.total_data_size, 0x354);
	cr_assert_eq(h.rom_offset, V12_ROM);

	n = build_v3(p, V3_ROM);
	s = span_make(p, n);
	tb_put32(p, 4, 0x80000000u | (0x24u << 16) | (3u << 8) | 0x65u);
	tb_put32(p, 8, 0x80000000u | 0x40u);
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_OK);
	cr_assert_eq(h.version, 3);
	cr_assert_eq(h.fixed_data_size, 0x24);
	cr_assert_eq(h.total_data_size, 0x40);
	cr_assert_eq(h.rom_offset, V3_ROM);
}

Test(nvgi, unknown_versions)
{
	static const unsigned versions[] = {0, 4, 0xFF};
	for (int i = 0; i < 3; i++) {
		static uint8_t p[NVGI_BUF];
		size_t n = build_v12(p, 1, V12_ROM);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		tb_put32(p, 4, (0x10u << 16) | (versions[i] << 8) | 0x42u);
		cr_assert_eq(nvgi_decode(&s, &h), NVGI_UNSUPPORTED_VERSION, "v%u", versions[i]);
		cr_assert_eq(h.version, versions[i]);
		cr_assert_eq(h.rom_offset, 0);
	}
}

Test(nvgi, not_present)
{
	static uint8_t p[NVGI_BUF];
	size_t n = build_v12(p, 1, V12_ROM);
	struct span s = span_make(p, n);
	struct nvgi_header h;
	p[3] = 'X';
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_NOT_PRESENT);
	s = span_make(p + V12_ROM, 0x20); /* 55AA: a plain ROM */
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_NOT_PRESENT);
	s = span_make(NULL, 0);
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_NOT_PRESENT);
}

Test(nvgi, v3_rfrd_missing_or_out_of_reach)
{
	static uint8_t p[NVGI_BUF];
	struct nvgi_header h;
	size_t n = build_v3(p, V3_ROM);
	struct span s = span_make(p, n);
	memcpy(p + V3_DIR, "RFRX", 4);
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_NO_RFRD);
	cr_assert_eq(h.flash_status_offset, V3_FSO);
	cr_assert_eq(h.rom_offset, 0);

	build_v3(p, V3_ROM);
	tb_put32(p, 0x40, (uint32_t)n); /* flash status offset: the directory is past the end */
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_TRUNCATED);
	tb_put32(p, 0x40, 0xFFFFFFFFu); /* + 4 KiB must not wrap (on 32-bit size_t) */
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_TRUNCATED);
	build_v3(p, V3_ROM);
	tb_put32(p, 8, (uint32_t)n - 2); /* the flash status offset itself straddles the end */
	cr_assert_eq(nvgi_decode(&s, &h), NVGI_TRUNCATED);
}

Test(nvgi, rom_offset_misaligned_zero_past_end)
{
	static const uint32_t bad[] = {
	    0, V12_ROM + 2, V12_ROM + 1, V12_ROM + 0x20, V12_ROM + 0x1F, 0xFFFFFFFCu};
	for (int i = 0; i < 6; i++) {
		static uint8_t p[NVGI_BUF];
		size_t n = build_v12(p, 2, bad[i]);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		cr_assert_eq(nvgi_decode(&s, &h), NVGI_BAD_ROM_OFFSET, "rom 0x%x", bad[i]);
		cr_assert_eq(h.rom_offset, bad[i]);
	}
	for (int i = 0; i < 3; i++) {
		static uint8_t p[NVGI_BUF];
		static const uint32_t bad3[] = {0, V3_ROM + 2, NVGI_BUF};
		size_t n = build_v3(p, bad3[i]);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		cr_assert_eq(nvgi_decode(&s, &h), NVGI_BAD_ROM_OFFSET, "v3 rom 0x%x", bad3[i]);
	}
}

/* v1 cut at every length: the signature, FIXED1/FIXED2 and the ROM pointer
 * at 0x14 each fail one byte short; then the ROM offset is past the end
 * until its two signature bytes are inside. */
Test(nvgi, v1_truncation_boundary)
{
	static uint8_t full[NVGI_BUF];
	build_v12(full, 1, V12_ROM);
	for (size_t n = 0; n <= V12_ROM + 2; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		enum nvgi_status st = nvgi_decode(&s, &h), want;
		if (n == 0)
			want = NVGI_NOT_PRESENT;
		else if (n < 0x18)
			want = NVGI_TRUNCATED;
		else if (n < V12_ROM + 2)
			want = NVGI_BAD_ROM_OFFSET;
		else
			want = NVGI_OK;
		cr_assert_eq(st, want, "length 0x%zx: %s", n, nvgi_status_str(st));
		if (n >= 0x0C)
			cr_assert_eq(h.version, 1);
		free(p);
	}
}

Test(nvgi, v3_truncation_boundary)
{
	static uint8_t full[NVGI_BUF];
	static const size_t cuts[] = {0x0B,       0x0C,       0x43,          0x44,
	                              V3_DIR + 3, V3_DIR + 4, V3_DIR + 0x0B, V3_DIR + 0x0C,
	                              V3_ROM + 1, V3_ROM + 2};
	static const enum nvgi_status want[] = {
	    NVGI_TRUNCATED,      NVGI_TRUNCATED, NVGI_TRUNCATED, NVGI_TRUNCATED,
	    NVGI_TRUNCATED,      NVGI_TRUNCATED, NVGI_TRUNCATED, NVGI_BAD_ROM_OFFSET,
	    NVGI_BAD_ROM_OFFSET, NVGI_OK};
	build_v3(full, V3_ROM);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		uint8_t *p = tb_exact_copy(full, cuts[i]);
		struct span s = span_make(p, cuts[i]);
		struct nvgi_header h;
		enum nvgi_status st = nvgi_decode(&s, &h);
		cr_assert_eq(st, want[i], "length 0x%zx: %s", cuts[i], nvgi_status_str(st));
		free(p);
	}
	/* and every length in between gives a monotone switch to OK at the end */
	for (size_t n = 0x44; n < V3_ROM + 2; n += 0x3F) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct nvgi_header h;
		cr_assert_neq(nvgi_decode(&s, &h), NVGI_OK, "length 0x%zx", n);
		free(p);
	}
}

Test(nvgi, status_strings)
{
	cr_assert_str_eq(nvgi_status_str(NVGI_OK), "ok");
	cr_assert_str_eq(nvgi_status_str(NVGI_NO_RFRD), "ROM directory (RFRD) not found");
	cr_assert_str_eq(nvgi_status_str((enum nvgi_status)42), "unknown");
}

/* ---- NPDE ---- */

#define NPDE_IMG 0x200

/* An image whose PCIR sits at pcir with length plen, and an NPDE at
 * align16(pcir + plen). */
static size_t build_npde(uint8_t *p, uint16_t pcir, uint16_t plen, uint16_t rev, uint16_t nlen,
                         uint16_t sub, uint8_t last, uint8_t flags)
{
	size_t at = ((size_t)pcir + plen + 15u) & ~(size_t)15u;
	memset(p, 0xA5, NPDE_IMG);
	memcpy(p + at, "NPDE", 4);
	tb_put16(p, at + 4, rev);
	tb_put16(p, at + 6, nlen);
	tb_put16(p, at + 8, sub);
	p[at + 0x0A] = last;
	p[at + 0x0B] = flags;
	return at;
}

Test(npde, found_at_align16_of_pcir_end)
{
	static const struct {
		uint16_t pcir, plen;
		size_t at;
	} cases[] = {
	    {0x1C, 0x18, 0x40}, {0x1C, 0x1C, 0x40},   {0x20, 0x20, 0x40},
	    {0x20, 0x21, 0x50}, {0x170, 0x1C, 0x190}, {0x190, 0x18, 0x1B0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t p[NPDE_IMG] = {0};
		struct span s = span_make(p, sizeof(p));
		struct npde n;
		size_t at =
		    build_npde(p, cases[i].pcir, cases[i].plen, 0x0101, 0x14, 0x79, 0x80, 0x0B);
		cr_assert_eq(at, cases[i].at);
		cr_assert(npde_decode(&s, 0, cases[i].pcir, cases[i].plen, &n), "case %zu", i);
		cr_assert_eq(n.offset, cases[i].at);
		cr_assert_eq(n.revision, 0x0101);
		cr_assert_eq(n.length, 0x14);
		cr_assert_eq(n.subimage_blocks, 0x79);
		cr_assert_eq(n.priv_last, 0x80);
		cr_assert_eq(n.flags, 0x0B);
		cr_assert(n.has_last);
		cr_assert(n.has_flags);
	}
}

Test(npde, not_found_at_the_unaligned_pcir_end)
{
	uint8_t p[NPDE_IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct npde n;
	memset(p, 0xA5, sizeof(p));
	memcpy(p + 0x34, "NPDE", 4); /* 0x1C + 0x18, not rounded up */
	cr_assert_not(npde_decode(&s, 0, 0x1C, 0x18, &n));
	cr_assert_eq(n.subimage_blocks, 0);
}

Test(npde, image_offset_is_added)
{
	static uint8_t p[0x1000 + NPDE_IMG];
	struct span s = span_make(p, sizeof(p));
	struct npde n;
	memset(p, 0xFF, 0x1000);
	build_npde(p + 0x1000, 0x1C, 0x18, 0x0100, 0x10, 0x22, 0x00, 0x00);
	cr_assert(npde_decode(&s, 0x1000, 0x1C, 0x18, &n));
	cr_assert_eq(n.offset, 0x40); /* relative to the image */
	cr_assert_eq(n.revision, 0x0100);
	cr_assert_eq(n.subimage_blocks, 0x22);
	cr_assert_not(npde_decode(&s, 0, 0x1C, 0x18, &n));
	cr_assert_not(npde_decode(&s, SIZE_MAX - 8, 0x1C, 0x18, &n));
}

/* has_last needs the extension's length to cover +0x0A, has_flags +0x0B:
 * the Maxwell 0x0C length has both; a 0x0B length has last only; 0x0A
 * neither (the last byte is still read, as nouveau does). */
Test(npde, length_field_decides_last_and_flags)
{
	static const struct {
		uint16_t len;
		bool has_last, has_flags;
	} cases[] = {
	    {0x08, false, false}, {0x0A, false, false}, {0x0B, true, false},
	    {0x0C, true, true},   {0x10, true, true},   {0x14, true, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t p[NPDE_IMG] = {0};
		struct span s = span_make(p, sizeof(p));
		struct npde n;
		build_npde(p, 0x1C, 0x18, 0x0101, cases[i].len, 0x10, 0x80, 0x03);
		cr_assert(npde_decode(&s, 0, 0x1C, 0x18, &n));
		cr_assert_eq(n.has_last, cases[i].has_last, "len 0x%x", cases[i].len);
		cr_assert_eq(n.has_flags, cases[i].has_flags, "len 0x%x", cases[i].len);
		cr_assert_eq(n.priv_last, 0x80, "len 0x%x", cases[i].len);
		cr_assert_eq(n.flags, cases[i].has_flags ? 0x03 : 0, "len 0x%x", cases[i].len);
	}
}

/* Cut the bytes at every length through the NPDE at 0x40. */
Test(npde, truncation_boundary)
{
	uint8_t full[NPDE_IMG] = {0};
	build_npde(full, 0x1C, 0x18, 0x0101, 0x14, 0x10, 0x80, 0x03);
	for (size_t n = 0x3F; n <= 0x4C; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct npde d;
		bool ok = npde_decode(&s, 0, 0x1C, 0x18, &d);
		cr_assert_eq(ok, n >= 0x4A, "length 0x%zx", n);
		if (ok) {
			cr_assert_eq(d.subimage_blocks, 0x10);
			cr_assert_eq(d.has_last, n >= 0x4B, "length 0x%zx", n);
			cr_assert_eq(d.has_flags, n >= 0x4C, "length 0x%zx", n);
			cr_assert_eq(d.priv_last, n >= 0x4B ? 0x80 : 0);
		} else {
			cr_assert_eq(d.subimage_blocks, 0);
		}
		free(p);
	}
}

/* EFI NPDEs of 0x10 bytes or more carry the GOP version at +0x0C. */
Test(npde, gop_version_needs_length_0x10_and_the_bytes)
{
	uint8_t full[NPDE_IMG] = {0};
	build_npde(full, 0x1C, 0x18, 0x0100, 0x10, 0x10, 0x00, 0x00);
	tb_put32(full, 0x4C, 0x00010203u);
	for (size_t n = 0x4C; n <= 0x50; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct npde d;
		cr_assert(npde_decode(&s, 0, 0x1C, 0x18, &d));
		cr_assert_eq(d.has_gop_version, n >= 0x50, "length 0x%zx", n);
		cr_assert_eq(d.gop_version, n >= 0x50 ? 0x00010203u : 0, "length 0x%zx", n);
		free(p);
	}
	{
		struct span s = span_make(full, sizeof(full));
		struct npde d;
		full[0x46] = 0x0C; /* Kepler-style 0x0C NPDE: no GOP version */
		cr_assert(npde_decode(&s, 0, 0x1C, 0x18, &d));
		cr_assert_not(d.has_gop_version);
	}
}

Test(npde, wrong_signature)
{
	uint8_t p[NPDE_IMG] = {0};
	struct span s = span_make(p, sizeof(p));
	struct npde n;
	build_npde(p, 0x1C, 0x18, 0x0101, 0x14, 0x10, 0x80, 0x03);
	p[0x43] = 'X';
	cr_assert_not(npde_decode(&s, 0, 0x1C, 0x18, &n));
}

/* ---- BIT and the 'B' token ---- */

#define BIT_AT  0x100
#define BIOSDAT 0x180

/* BIT header at 0x100 (hdr size 12, given token size), tokens after it; the
 * 'B' token is the second one and points to the BIOS data at 0x180. */
static void build_bit(uint8_t *p, size_t len, uint8_t tok_size, uint16_t b_ptr, uint16_t b_len)
{
	size_t t0 = BIT_AT + 12, t1 = t0 + tok_size;
	memset(p, 0xA5, len);
	p[BIT_AT] = 0xFF;
	p[BIT_AT + 1] = 0xB8;
	memcpy(p + BIT_AT + 2, "BIT", 4); /* with its NUL */
	tb_put16(p, BIT_AT + 6, 0x0100);
	p[BIT_AT + 8] = 12;
	p[BIT_AT + 9] = tok_size;
	p[BIT_AT + 10] = 3;
	p[BIT_AT + 11] = 0;
	p[t0] = 'I';
	p[t0 + 1] = 1;
	tb_put16(p, t0 + 2, 0x10);
	tb_put16(p, t0 + 4, 0x1C0);
	p[t1] = 'B';
	p[t1 + 1] = 2;
	tb_put16(p, t1 + 2, b_len);
	tb_put16(p, t1 + 4, b_ptr);
	p[t1 + tok_size] = 'p';
	p[t1 + tok_size + 1] = 1;
	tb_put16(p, t1 + tok_size + 2, 0);
	tb_put16(p, t1 + tok_size + 4, 0);
	tb_put32(p, BIOSDAT, 0x86043D00u);
	p[BIOSDAT + 4] = 0x88;
}

Test(bit, version_from_b_token)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[32];
	build_bit(p, sizeof(p), 6, BIOSDAT, 0x20);
	cr_assert(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	cr_assert_str_eq(v, "86.04.3D.00.88");
}

Test(bit, token_stride_larger_than_six)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[32];
	build_bit(p, sizeof(p), 8, BIOSDAT, 0x20);
	cr_assert(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	cr_assert_str_eq(v, "86.04.3D.00.88");
	p[BIT_AT + 9] = 5; /* a token smaller than id+ver+size+ptr */
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
}

Test(bit, pointers_are_relative_to_the_image)
{
	static uint8_t p[0x400 + 0x200];
	struct span s = span_make(p, sizeof(p));
	char v[32];
	memset(p, 0xFF, 0x400);
	build_bit(p + 0x400, 0x200, 6, BIOSDAT, 0x20);
	cr_assert(nv_bios_version(&s, 0x400, 0x200, v, sizeof(v)));
	cr_assert_str_eq(v, "86.04.3D.00.88");
}

Test(bit, absent_bit)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[32] = "stale";
	build_bit(p, sizeof(p), 6, BIOSDAT, 0x20);
	p[BIT_AT + 4] = 'X'; /* "BIX" */
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	cr_assert_str_eq(v, "");
}

/* The BIT header lies outside [img, img + len): not searched. */
Test(bit, search_is_bounded_by_len)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[32];
	build_bit(p, sizeof(p), 6, BIOSDAT, 0x20);
	cr_assert_not(nv_bios_version(&s, 0, BIT_AT + 5, v, sizeof(v)));
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p) + 1, v, sizeof(v)));
}

Test(bit, b_token_pointer_past_the_end_or_short)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[32];
	build_bit(p, sizeof(p), 6, 0x1FD, 0x20); /* 5 bytes at 0x1FD: one past the end */
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	build_bit(p, sizeof(p), 6, 0xFFFF, 0x20);
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	build_bit(p, sizeof(p), 6, 0x1FB, 0x20); /* exactly fits */
	tb_put32(p, 0x1FB, 0x01020304u);
	p[0x1FF] = 0x05;
	cr_assert(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	cr_assert_str_eq(v, "01.02.03.04.05");
	build_bit(p, sizeof(p), 6, BIOSDAT, 4); /* 'B' data shorter than 5 bytes: skipped */
	cr_assert_not(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
}

/* Cut the image at every length from the start of the BIT to the end of
 * the version data: success only when the 5 version bytes are inside. */
Test(bit, truncation_boundary)
{
	uint8_t full[0x200] = {0};
	build_bit(full, sizeof(full), 6, BIOSDAT, 0x20);
	for (size_t n = BIT_AT; n <= BIOSDAT + 5; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		char v[32];
		bool ok = nv_bios_version(&s, 0, n, v, sizeof(v));
		cr_assert_eq(ok, n >= BIOSDAT + 5, "length 0x%zx", n);
		if (ok)
			cr_assert_str_eq(v, "86.04.3D.00.88");
		free(p);
	}
}

Test(bit, small_output_buffer_is_bounded)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	char v[6];
	build_bit(p, sizeof(p), 6, BIOSDAT, 0x20);
	cr_assert(nv_bios_version(&s, 0, sizeof(p), v, sizeof(v)));
	cr_assert_str_eq(v, "86.04");
}
