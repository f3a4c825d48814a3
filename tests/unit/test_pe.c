/* PE/COFF header reader: synthetic headers for every failure site, a TE
 * image, text search, and the uncompressed EFI drivers of Debian's
 * ipxe-qemu ROMs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/field.h"
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
	tb_put32(b, opt + 64, 0xC0FFEE);
	tb_put32(b, opt + (plus ? 108 : 92), 16);
	/* Certificate Table: data directory 4, after NumberOfRvaAndSizes */
	tb_put32(b, opt + (plus ? 112 : 96) + 4 * 8, 0x500);
	tb_put32(b, opt + (plus ? 112 : 96) + 4 * 8 + 4, 0x80);
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
	cr_assert_eq(info.checksum, 0xC0FFEE);
	cr_assert_eq(info.dir_count, 16);
	cr_assert_eq(info.dirs[PE_DIR_CERTIFICATE].rva, 0x500);
	cr_assert_eq(info.dirs[PE_DIR_CERTIFICATE].size, 0x80);
	cr_assert_eq(info.dirs[3].rva, 0);
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
	cr_assert_eq(info.dirs[PE_DIR_CERTIFICATE].rva, 0x500);
	cr_assert_eq(info.section_count, 2);
}

/* The declarations of formats/pe.h against the PE/COFF specification's
 * numbers (sections 3.3 COFF File Header, 3.4 Optional Header, 3.4.3 Data
 * Directories, 4 Section Table) and PI vol. 1's EFI_TE_IMAGE_HEADER. */
Test(pe, declared_offsets_are_the_specifications)
{
	cr_expect_eq(PE_DOS_OFF_LFANEW, 0x3C);
	cr_expect_eq(PE_COFF_OFF_MACHINE, 0);
	cr_expect_eq(PE_COFF_OFF_NUM_SECTIONS, 2);
	cr_expect_eq(PE_COFF_OFF_TIMESTAMP, 4);
	cr_expect_eq(PE_COFF_OFF_SIZE_OPT, 16);
	cr_expect_eq(PE_COFF_OFF_CHARACTERISTICS, 18);
	cr_expect_eq(fmt_extent(pe_coff_fields, PE_COFF_F_COUNT), PE_COFF_SIZE);
	cr_expect_eq(PE_OPT_OFF_MAGIC, 0);
	cr_expect_eq(PE_OPT_OFF_ENTRY, 16);
	cr_expect_eq(PE_OPT_OFF_SECTION_ALIGN, 32);
	cr_expect_eq(PE_OPT_OFF_FILE_ALIGN, 36);
	cr_expect_eq(PE_OPT_OFF_SIZE_OF_IMAGE, 56);
	cr_expect_eq(PE_OPT_OFF_SIZE_OF_HEADERS, 60);
	cr_expect_eq(PE_OPT_OFF_CHECKSUM, 64);
	cr_expect_eq(PE_OPT_OFF_SUBSYSTEM, 68);
	cr_expect_eq(PE_OPT32_OFF_IMAGE_BASE, 28);
	cr_expect_eq(PE_OPT32_OFF_NUM_RVA, 92);
	cr_expect_eq(PE_OPT64_OFF_IMAGE_BASE, 24);
	cr_expect_eq(pe_opt64_fields[PE_OPT64_F_IMAGE_BASE].width, 8);
	cr_expect_eq(PE_OPT64_OFF_NUM_RVA, 108);
	cr_expect_eq(PE_DIR_OFF_RVA, 0);
	cr_expect_eq(PE_DIR_OFF_SIZE, 4);
	cr_expect_eq(fmt_extent(pe_dir_fields, PE_DIR_F_COUNT), PE_DIR_SIZE);
	cr_expect_eq(PE_SEC_OFF_VSIZE, 8);
	cr_expect_eq(PE_SEC_OFF_VADDR, 12);
	cr_expect_eq(PE_SEC_OFF_RAW_SIZE, 16);
	cr_expect_eq(PE_SEC_OFF_RAW_PTR, 20);
	cr_expect_eq(PE_SEC_OFF_CHARACTERISTICS, 36);
	cr_expect_eq(fmt_extent(pe_sec_fields, PE_SEC_F_COUNT), PE_SEC_SIZE);
	cr_expect_eq(PE_TE_OFF_MACHINE, 2);
	cr_expect_eq(PE_TE_OFF_NUM_SECTIONS, 4);
	cr_expect_eq(PE_TE_OFF_SUBSYSTEM, 5);
	cr_expect_eq(PE_TE_OFF_STRIPPED, 6);
	cr_expect_eq(PE_TE_OFF_ENTRY, 8);
	cr_expect_eq(PE_TE_OFF_IMAGE_BASE, 16);
	cr_expect_str_eq(PE_COFF_KEY(NUM_SECTIONS), "sections");
	cr_expect_str_eq(PE_OPT_KEY(SIZE_OF_IMAGE), "size_of_image");
}

/* The tests' PE builder writes from the declarations: what it writes, the
 * parser reads back, field for field, for both magics. */
Test(pe, the_builder_round_trips)
{
	for (int plus = 0; plus < 2; plus++) {
		uint8_t b[IMG_SIZE] = {0};
		struct pe_info in, out;
		struct span s = span_make(b, sizeof(b));
		memset(&in, 0, sizeof(in));
		in.lfanew = 0x80;
		in.machine = plus ? PE_MACHINE_X64 : PE_MACHINE_IA32;
		in.num_sections = 1;
		in.timestamp = 0x61234567;
		in.size_of_optional_header = plus ? 0xF0 : 0xE0;
		in.characteristics = 0x2022;
		in.magic = plus ? PE_MAGIC_PE32PLUS : PE_MAGIC_PE32;
		in.entry_point = 0x1234;
		in.image_base = plus ? 0x180000000ull : 0x10000;
		in.section_alignment = 0x1000;
		in.file_alignment = 0x200;
		in.size_of_image = 0x3000;
		in.size_of_headers = 0x200;
		in.checksum = 0x4321;
		in.subsystem = PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER;
		in.num_rva_and_sizes = PE_MAX_DIRS;
		in.dir_count = PE_MAX_DIRS;
		in.dirs[PE_DIR_CERTIFICATE].rva = 0x600;
		in.dirs[PE_DIR_CERTIFICATE].size = 0x48;
		in.section_count = 1;
		memcpy(in.sections[0].name, ".text", 6);
		in.sections[0].raw_pointer = 0x200;
		in.sections[0].raw_size = 0x100;
		in.raw_end = 0x300;
		in.kind = plus ? PE_KIND_PE32PLUS : PE_KIND_PE32;
		cr_assert_neq(rb_encode_pe(b, sizeof(b), &in), 0);
		cr_assert_eq(pe_parse(&s, &out), PE_OK);
		cr_expect_eq(memcmp(&in, &out, sizeof(in)), 0, "plus=%d", plus);
		cr_expect_eq(out.image_base, in.image_base);
		cr_expect_eq(out.dirs[PE_DIR_CERTIFICATE].size, 0x48);
	}
}

/* NumberOfRvaAndSizes says 16 but the optional header holds 5 entries:
 * only those are read. */
Test(pe, data_directories_stop_at_the_optional_header)
{
	uint8_t b[IMG_SIZE] = {0};
	struct pe_info info;
	struct span s = span_make(b, sizeof(b));
	build_pe(b, true);
	tb_put16(b, LFANEW + 4 + 16, 112 + 5 * 8);
	cr_assert_eq(pe_parse(&s, &info), PE_OK);
	cr_expect_eq(info.num_rva_and_sizes, 16);
	cr_expect_eq(info.dir_count, 5);
	cr_expect_eq(info.dirs[PE_DIR_CERTIFICATE].rva, 0x500);
	tb_put32(b, LFANEW + 24 + 108, 2); /* NumberOfRvaAndSizes 2 */
	cr_assert_eq(pe_parse(&s, &info), PE_OK);
	cr_expect_eq(info.dir_count, 2);
	cr_expect_eq(info.dirs[PE_DIR_CERTIFICATE].rva, 0);
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
