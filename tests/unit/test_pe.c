/* PE/COFF header reader: synthetic headers for every failure site, a TE
 * image, text search, and the uncompressed EFI drivers of Debian's
 * ipxe-qemu ROMs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pe.h"
#include "formats/span.h"
#include "tests/support/bytes.h"
#include "tests/support/rom_builder.h"

enum { LFANEW = 0x80, IMG_SIZE = 0x400 };

/* A minimal image: MZ, PE header at 0x80, optional header of the standard
 * size (0xF0 for PE32+, 0xE0 for PE32) and two sections. Returns the offset
 * of the section table. */
static size_t build_pe(uint8_t *b, bool plus)
{
	size_t coff = LFANEW + 4, opt = coff + 20;
	uint16_t soh = plus ? 0xF0 : 0xE0;
	static const char *const names[] = {".text", ".data"};

	memset(b, 0, IMG_SIZE);
	b[0] = 'M';
	b[1] = 'Z';
	tb_put32(b, 0x3C, LFANEW);
	memcpy(b + LFANEW, "PE\0\0", 4);
	tb_put16(b, coff, 0x8664);
	tb_put16(b, coff + 2, 2);
	tb_put32(b, coff + 4, 0x5F000000);
	tb_put16(b, coff + 16, soh);
	tb_put16(b, coff + 18, 0x2022);
	tb_put16(b, opt, plus ? 0x20B : 0x10B);
	tb_put32(b, opt + 16, 0x1234);
	if (plus)
		tb_put64(b, opt + 24, 0x180000000ull);
	else
		tb_put32(b, opt + 28, 0x10000);
	tb_put32(b, opt + 32, 0x1000);
	tb_put32(b, opt + 36, 0x200);
	tb_put32(b, opt + 56, 0x3000);
	tb_put32(b, opt + 60, 0x200);
	tb_put16(b, opt + 68, 11);
	tb_put32(b, opt + (plus ? 108 : 92), 16);
	for (size_t i = 0; i < 2; i++) {
		uint8_t *s = b + opt + soh + 40 * i;
		memcpy(s, names[i], strlen(names[i]));
		tb_put32(s, 8, 0x100 * (uint32_t)(i + 1));
		tb_put32(s, 12, 0x1000 * (uint32_t)(i + 1));
		tb_put32(s, 16, 0x200);
		tb_put32(s, 20, 0x200 * (uint32_t)(i + 1));
		tb_put32(s, 36, i ? 0xC0000040u : 0x60000020u);
	}
	return opt + soh;
}

Test(pe, pe32plus_fields)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	build_pe(b, true);
	cr_assert_eq(pe_parse(&s, &info), PE_OK);
	cr_assert_eq(info.kind, PE_KIND_PE32PLUS);
	cr_assert_eq(info.lfanew, LFANEW);
	cr_assert_eq(info.machine, 0x8664);
	cr_assert_eq(info.num_sections, 2);
	cr_assert_eq(info.timestamp, 0x5F000000);
	cr_assert_eq(info.size_of_optional_header, 0xF0);
	cr_assert_eq(info.characteristics, 0x2022);
	cr_assert_eq(info.magic, 0x20B);
	cr_assert_eq(info.entry_point, 0x1234);
	cr_assert_eq(info.image_base, 0x180000000ull);
	cr_assert_eq(info.section_alignment, 0x1000);
	cr_assert_eq(info.file_alignment, 0x200);
	cr_assert_eq(info.size_of_image, 0x3000);
	cr_assert_eq(info.size_of_headers, 0x200);
	cr_assert_eq(info.subsystem, 11);
	cr_assert_eq(info.num_rva_and_sizes, 16);
	cr_assert_eq(info.section_count, 2);
	cr_assert_str_eq(info.sections[0].name, ".text");
	cr_assert_str_eq(info.sections[1].name, ".data");
	cr_assert_eq(info.sections[1].virtual_size, 0x200);
	cr_assert_eq(info.sections[1].virtual_address, 0x2000);
	cr_assert_eq(info.sections[1].raw_size, 0x200);
	cr_assert_eq(info.sections[1].raw_pointer, 0x400);
	cr_assert_eq(info.sections[1].characteristics, 0xC0000040u);
	cr_assert_eq(info.raw_end, 0x600);
}

Test(pe, pe32_fields)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	build_pe(b, false);
	cr_assert_eq(pe_parse(&s, &info), PE_OK);
	cr_assert_eq(info.kind, PE_KIND_PE32);
	cr_assert_eq(info.image_base, 0x10000);
	cr_assert_eq(info.subsystem, 11);
	cr_assert_eq(info.num_rva_and_sizes, 16);
	cr_assert_eq(info.section_count, 2);
}

Test(pe, section_name_of_eight_chars)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	size_t sec = build_pe(b, true);
	memcpy(b + sec, "ABCDEFGH", 8);
	cr_assert_eq(pe_parse(&s, &info), PE_OK);
	cr_assert_str_eq(info.sections[0].name, "ABCDEFGH");
}

Test(pe, failure_sites)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	struct span shorter;
	size_t sec;

	s.len = 1;
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_EMPTY);
	s.len = sizeof(b);

	build_pe(b, true);
	b[0] = 'X';
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_NO_MZ);

	build_pe(b, true);
	shorter = span_make(b, 0x3C + 3);
	cr_assert_eq(pe_parse(&shorter, &info), PE_ERR_DOS_TRUNCATED);

	tb_put32(b, 0x3C, IMG_SIZE - 20); /* PE sig fits, COFF does not */
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_LFANEW_RANGE);
	tb_put32(b, 0x3C, 0xFFFFFFF0u); /* would wrap in 32 bits */
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_LFANEW_RANGE);

	build_pe(b, true);
	b[LFANEW + 2] = 'X';
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_NO_PE_SIG);

	build_pe(b, true);
	tb_put16(b, LFANEW + 24, 0x107);
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_BAD_MAGIC);

	build_pe(b, true);
	tb_put16(b, LFANEW + 4 + 16, 0x60); /* too small for PE32+ (needs 112) */
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_OPT_TOO_SMALL);

	build_pe(b, true);
	shorter = span_make(b, LFANEW + 24 + 0x80);
	cr_assert_eq(pe_parse(&shorter, &info), PE_ERR_OPT_TRUNCATED);
	shorter = span_make(b, LFANEW + 24 + 1);
	cr_assert_eq(pe_parse(&shorter, &info), PE_ERR_OPT_TRUNCATED);

	sec = build_pe(b, true);
	tb_put16(b, LFANEW + 4 + 2, PE_MAX_SECTIONS + 1);
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_TOO_MANY_SECTIONS);
	tb_put16(b, LFANEW + 4 + 2, 0xFFFF);
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_TOO_MANY_SECTIONS);

	build_pe(b, true);
	shorter = span_make(b, sec + 40 + 39);
	cr_assert_eq(pe_parse(&shorter, &info), PE_ERR_SECTIONS_TRUNCATED);
	tb_put16(b, LFANEW + 4 + 2, PE_MAX_SECTIONS); /* 96 * 40 > image */
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_SECTIONS_TRUNCATED);
	/* Fields read before the failure stay filled. */
	cr_assert_eq(info.machine, 0x8664);
	cr_assert_eq(info.subsystem, 11);
}

Test(pe, every_truncation_is_clean)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	size_t sec = build_pe(b, true);
	for (size_t n = 0; n < IMG_SIZE; n++) {
		uint8_t *copy = tb_exact_copy(b, n); /* exact size so ASan sees overreads */
		struct span s = span_make(copy, n);
		enum pe_status st;
		st = pe_parse(&s, &info);
		if (n < sec + 2 * 40)
			cr_assert_neq(st, PE_OK, "n=%zu", n);
		else
			cr_assert_eq(st, PE_OK, "n=%zu", n);
		free(copy);
	}
}

Test(pe, te_image_detected)
{
	uint8_t b[64] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	rb_make_te(b, 0xAA64, 3, 11, 0x1E0, 0x400);
	tb_put64(b, 16, 0x1000);
	cr_assert_eq(pe_parse(&s, &info), PE_TE_IMAGE);
	cr_assert_eq(info.kind, PE_KIND_TE);
	cr_assert_eq(info.machine, 0xAA64);
	cr_assert_eq(info.num_sections, 3);
	cr_assert_eq(info.subsystem, 11);
	cr_assert_eq(info.te_stripped_size, 0x1E0);
	cr_assert_eq(info.entry_point, 0x400);
	cr_assert_eq(info.image_base, 0x1000);
	cr_assert_eq(info.section_count, 0, "TE sections are not parsed");
	s.len = 39;
	cr_assert_eq(pe_parse(&s, &info), PE_ERR_TE_TRUNCATED);
}

Test(pe, names)
{
	static const struct {
		uint16_t m;
		const char *name;
	} machines[] = {
	    {0x014C, "IA32"},        {0x8664, "X64"},         {0x0200, "IA64"},
	    {0x0EBC, "EBC"},         {0x01C2, "ARM"},         {0xAA64, "AArch64"},
	    {0x5032, "RISCV32"},     {0x5064, "RISCV64"},     {0x5128, "RISCV128"},
	    {0x6232, "LoongArch32"}, {0x6264, "LoongArch64"},
	};
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		cr_assert_str_eq(pe_machine_name(machines[i].m), machines[i].name);
	cr_assert_null(pe_machine_name(0x1234));
	cr_assert_str_eq(pe_subsystem_name(10), "EFI application");
	cr_assert_str_eq(pe_subsystem_name(11), "EFI boot service driver");
	cr_assert_str_eq(pe_subsystem_name(12), "EFI runtime driver");
	cr_assert_str_eq(pe_subsystem_name(13), "EFI ROM");
	cr_assert_null(pe_subsystem_name(2));
	for (int st = PE_OK; st <= PE_ERR_SECTIONS_TRUNCATED; st++) {
		const char *m = pe_status_str((enum pe_status)st);
		cr_assert(m && *m);
	}
}

/* Writes s as UTF-16LE at p; returns bytes written. */
static size_t put_utf16(uint8_t *p, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		p[n++] = (uint8_t)*s;
		p[n++] = 0;
	}
	return n;
}

Test(pe, find_text_ascii_and_utf16)
{
	uint8_t b[512] = {0};
	char out[80];
	struct span s = span_make(b, sizeof(b));
	const char *amd = "AMD GOP X64 Release Driver Rev.2.10.0.0.0.Jan 21 2020.17:42:40";

	memset(b, 0xCC, sizeof(b));
	cr_assert_not(pe_find_gop_version(&s, out, sizeof(out)));
	put_utf16(b + 101, amd); /* odd offset on purpose */
	b[101 + 2 * strlen(amd)] = 0;
	b[102 + 2 * strlen(amd)] = 0;
	cr_assert(pe_find_gop_version(&s, out, sizeof(out)));
	cr_assert_str_eq(out, amd);
	/* cap truncates */
	cr_assert(pe_find_gop_version(&s, out, 8));
	cr_assert_str_eq(out, "AMD GOP");
	cr_assert_not(pe_find_gop_version(&s, out, 0));

	memset(b, 0, sizeof(b));
	memcpy(b + 10, "nvgop-gp1xx", 11);
	cr_assert(pe_find_text(&s, "nvgop-", out, sizeof(out)));
	cr_assert_str_eq(out, "nvgop-gp1xx");
	cr_assert_not(pe_find_gop_version(&s, out, sizeof(out)));

	/* Text running into the end of the image stops there. */
	memset(b, 0, sizeof(b));
	put_utf16(b + sizeof(b) - 20, "AMD GOP X6");
	cr_assert(pe_find_gop_version(&s, out, sizeof(out)));
	cr_assert_str_eq(out, "AMD GOP X6");
	/* A prefix cut by the end of the image is not a match. */
	memset(b, 0, sizeof(b));
	put_utf16(b + sizeof(b) - 6, "AMD");
	cr_assert_not(pe_find_gop_version(&s, out, sizeof(out)));
	cr_assert_str_eq(out, "");
}

/* Debian's ipxe-qemu installs efi-*.rom: a legacy image, then an EFI image
 * with an uncompressed PE32+ X64 driver (see shared/corpus/DEBIAN.md). */
Test(pe, debian_ipxe_efi_roms)
{
	static const char *const names[] = {"e1000", "e1000e",  "eepro100", "ne2k_pci",
	                                    "pcnet", "rtl8139", "virtio",   "vmxnet3"};
	int found = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128];
		FILE *fp;
		uint8_t *buf;
		long n;
		struct span f;
		snprintf(path, sizeof(path), "/usr/lib/ipxe/qemu/efi-%s.rom", names[i]);
		fp = fopen(path, "rb");
		if (!fp)
			continue;
		cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
		n = ftell(fp);
		cr_assert_gt(n, 0);
		rewind(fp);
		buf = malloc((size_t)n);
		cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
		fclose(fp);
		f = span_make(buf, (size_t)n);
		for (size_t off = 0; off + 0x1A <= f.len; off += 512) {
			uint16_t sig, hdr, machine, subsystem, comp;
			uint32_t efisig;
			struct span pe;
			struct pe_info info;
			if (!span_u16le(&f, off, &sig) || sig != 0xAA55 ||
			    !span_u32le(&f, off + 4, &efisig) || efisig != 0xEF1)
				continue;
			span_u16le(&f, off + 0x08, &subsystem);
			span_u16le(&f, off + 0x0A, &machine);
			span_u16le(&f, off + 0x0C, &comp);
			span_u16le(&f, off + 0x16, &hdr);
			cr_assert_eq(comp, 0, "%s: ipxe-qemu EFI images are uncompressed", path);
			pe = span_tail(&f, off + hdr);
			cr_assert_eq(pe_parse(&pe, &info), PE_OK, "%s", path);
			cr_assert_eq(info.kind, PE_KIND_PE32PLUS);
			cr_assert_eq(info.machine, machine);
			cr_assert_eq(info.machine, PE_MACHINE_X64);
			cr_assert_eq(info.subsystem, subsystem);
			cr_assert_gt(info.section_count, 0);
			cr_assert_leq(info.raw_end, pe.len, "%s: sections past the payload", path);
			found++;
		}
		free(buf);
	}
	if (found == 0)
		cr_skip_test("/usr/lib/ipxe/qemu/efi-*.rom absent (Debian package ipxe-qemu)");
	cr_log_info("%d ipxe-qemu EFI drivers parsed", found);
}
