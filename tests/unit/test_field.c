/* formats/field.[ch]: the declared structures, fmt_decode and fmt_encode.
 * For each structure: the generated offsets match the specifications,
 * encode then decode gives the same struct back, and decoding the structure
 * from every shorter prefix fails cleanly (the prefix is copied into a
 * buffer of exactly that length so the sanitizer build catches any read past
 * it). */
#include "formats/atom.h"
#include "formats/efi_rom.h"
#include "formats/field.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

struct decl {
	const char *name;
	const struct fmt_field *table;
	size_t n;
	size_t size; /* of the decoded struct */
};

#define DECL(table, count, type)                                                                   \
	{                                                                                          \
#table, table, count, sizeof(type)                                                 \
	}

static const struct decl decls[] = {
    DECL(pci_rom_header_fields, PCI_ROM_HDR_F_COUNT, struct pci_rom_header),
    DECL(pci_pcir_fields, PCIR_F_COUNT, struct pci_pcir),
    DECL(pci_pnp_fields, PNP_F_COUNT, struct pci_pnp),
    DECL(npde_fields, NPDE_F_COUNT, struct npde),
    DECL(efi_rom_fields, EFI_ROM_F_COUNT, struct efi_rom_header),
    DECL(nvgi_fields, NVGI_F_COUNT, struct nvgi_header),
    DECL(nvgi_ext_fields, NVGI_EXT_F_COUNT, struct nvgi_header),
    DECL(nvgi_v3_fields, NVGI_V3_F_COUNT, struct nvgi_header),
    DECL(nvgi_rfrd_fields, RFRD_F_COUNT, struct nvgi_header),
    DECL(atom_fields, ATOM_F_COUNT, struct atom_info),
    DECL(atom_hdr_fields, ATOM_HDR_F_COUNT, struct atom_hdr),
};
#define NDECLS (sizeof(decls) / sizeof(decls[0]))

/* Deterministic non-zero bytes. */
static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)((seed >> 16) | 1u);
	}
}

Test(field, generated_offsets_match_the_specs)
{
	cr_assert_eq(PCI_ROM_HDR_OFF_SIGNATURE, 0x00);
	cr_assert_eq(PCI_ROM_HDR_OFF_SIZE, 0x02);
	cr_assert_eq(PCI_ROM_HDR_OFF_PCIR_PTR, 0x18);
	cr_assert_eq(PCI_ROM_HDR_OFF_PNP_PTR, 0x1A);
	cr_assert_eq(PCI_ROM_HDR_MIN_LEN, 0x1A);
	cr_assert_eq(PCIR_OFF_VENDOR_ID, 0x04);
	cr_assert_eq(PCIR_OFF_DEVICE_ID, 0x06);
	cr_assert_eq(PCIR_OFF_DEVICE_LIST, 0x08);
	cr_assert_eq(PCIR_OFF_LENGTH, 0x0A);
	cr_assert_eq(PCIR_OFF_REVISION, 0x0C);
	cr_assert_eq(PCIR_OFF_CLASS_CODE, 0x0D);
	cr_assert_eq(PCIR_OFF_IMAGE_LENGTH, 0x10);
	cr_assert_eq(PCIR_OFF_CODE_REVISION, 0x12);
	cr_assert_eq(PCIR_OFF_CODE_TYPE, 0x14);
	cr_assert_eq(PCIR_OFF_INDICATOR, 0x15);
	cr_assert_eq(PCIR_OFF_MAX_RUNTIME, 0x16);
	cr_assert_eq(PCIR_OFF_CONFIG_UTILITY, 0x18);
	cr_assert_eq(PCIR_OFF_DMTF_CLP, 0x1A);
	cr_assert_eq(fmt_extent(pci_pcir_fields, PCIR_F_REV3), 0x16);
	cr_assert_eq(fmt_extent(pci_pcir_fields, PCIR_F_COUNT), PCIR_REV3_LEN);
	cr_assert_eq(EFI_ROM_OFF_INIT_SIZE, 0x02);
	cr_assert_eq(EFI_ROM_OFF_SIGNATURE, 0x04);
	cr_assert_eq(EFI_ROM_OFF_SUBSYSTEM, 0x08);
	cr_assert_eq(EFI_ROM_OFF_MACHINE, 0x0A);
	cr_assert_eq(EFI_ROM_OFF_COMPRESSION, 0x0C);
	cr_assert_eq(EFI_ROM_OFF_IMAGE_OFFSET, 0x16);
	cr_assert_eq(EFI_ROM_OFF_PCIR_PTR, 0x18);
	cr_assert_eq(fmt_extent(efi_rom_fields, EFI_ROM_F_COUNT), EFI_ROM_HDR_LEN);
	cr_assert_eq(NPDE_OFF_REVISION, 0x04);
	cr_assert_eq(NPDE_OFF_LENGTH, 0x06);
	cr_assert_eq(NPDE_OFF_SUBIMAGE_LENGTH, 0x08);
	cr_assert_eq(NPDE_OFF_PRIV_LAST, 0x0A);
	cr_assert_eq(NPDE_OFF_FLAGS, 0x0B);
	cr_assert_eq(NPDE_OFF_GOP_VERSION, 0x0C);
	cr_assert_eq(PNP_OFF_CHECKSUM, 0x09);
	cr_assert_eq(PNP_OFF_PRODUCT, 0x10);
	cr_assert_eq(NVGI_OFF_SUBSYSTEM_VENDOR, 0x0C);
	cr_assert_eq(RFRD_OFF_ROM_OFFSET, 0x08);
	cr_assert_eq(ATOM_OFF_CHECKSUM, 0x21);
	cr_assert_eq(ATOM_OFF_ROM_HEADER, 0x48);
	cr_assert_eq(ATOM_HDR_OFF_SUBSYSTEM_ID, 0x1A);
}

/* The keys of today's report (analyzer/emit_yaml.c). */
Test(field, report_keys)
{
	cr_assert_str_eq(PCIR_KEY(VENDOR_ID), "vendor");
	cr_assert_str_eq(PCIR_KEY(DEVICE_ID), "device");
	cr_assert_str_eq(PCIR_KEY(CLASS_CODE), "class");
	cr_assert_str_eq(PCIR_KEY(CODE_TYPE), "code_type");
	cr_assert_str_eq(PCIR_KEY(INDICATOR), "indicator");
	cr_assert_str_eq(PCIR_KEY(REVISION), "revision");
	cr_assert_str_eq(PCIR_KEY(LENGTH), "length");
	cr_assert_str_eq(PCIR_KEY(CODE_REVISION), "code_revision");
	cr_assert_str_eq(pci_pcir_fields[PCIR_F_SIGNATURE].key, "pcir_signature");
	cr_assert_str_eq(PCI_ROM_HDR_KEY(PCIR_PTR), "offset");
	cr_assert_str_eq(PCI_ROM_HDR_KEY(SIZE), "size_byte");
	cr_assert_str_eq(NPDE_KEY(REVISION), "revision");
	cr_assert_str_eq(NPDE_KEY(LENGTH), "length");
	cr_assert_str_eq(NPDE_KEY(SUBIMAGE_LENGTH), "subimage_length");
	cr_assert_str_eq(NPDE_KEY(FLAGS), "flags");
	cr_assert_str_eq(EFI_ROM_KEY(SUBSYSTEM), "subsystem");
	cr_assert_str_eq(EFI_ROM_KEY(MACHINE), "machine");
	cr_assert_str_eq(EFI_ROM_KEY(COMPRESSION), "compression");
	cr_assert_str_eq(EFI_ROM_KEY(SIGNATURE), "signature");
	cr_assert_str_eq(EFI_ROM_KEY(INIT_SIZE), "init_size");
	cr_assert_str_eq(EFI_ROM_KEY(IMAGE_OFFSET), "image_offset");
	cr_assert_str_eq(NVGI_KEY(VERSION), "version");
	cr_assert_str_eq(NVGI_KEY(FIXED_DATA_SIZE), "fixed_data_size");
	cr_assert_str_eq(NVGI_KEY(TOTAL_DATA_SIZE), "total_data_size");
	cr_assert_str_eq(NVGI_KEY(SUBSYSTEM_VENDOR), "subsystem");
	cr_assert_str_eq(NVGI_EXT_KEY(ROM_OFFSET), "rom_offset");
	cr_assert_str_eq(RFRD_KEY(ROM_OFFSET), "rom_offset");
}

/* Every table: keys unique, widths 1..4, members fit their struct, and the
 * member is wide enough for the field's value. */
Test(field, tables_are_well_formed)
{
	for (size_t d = 0; d < NDECLS; d++) {
		for (size_t i = 0; i < decls[d].n; i++) {
			const struct fmt_field *f = &decls[d].table[i];
			unsigned bits = f->bits ? f->bits : 8u * f->width;
			cr_assert(f->key && f->key[0], "%s[%zu]", decls[d].name, i);
			cr_assert(f->width >= 1 && f->width <= 4, "%s.%s", decls[d].name, f->key);
			cr_assert_leq((size_t)f->member + f->size, decls[d].size, "%s.%s",
			              decls[d].name, f->key);
			cr_assert_leq(bits, 8u * f->size, "%s.%s", decls[d].name, f->key);
			cr_assert_leq(f->shift + bits, 8u * f->width, "%s.%s", decls[d].name,
			              f->key);
			for (size_t j = 0; j < i; j++)
				cr_assert_str_neq(decls[d].table[j].key, f->key, "%s",
				                  decls[d].name);
		}
	}
}

/* Decode from pattern bytes, encode into zeroed bytes, decode again: the
 * same struct; and the bytes of every field come back where they were. */
Test(field, encode_then_decode_round_trips)
{
	for (size_t d = 0; d < NDECLS; d++) {
		const struct decl *dc = &decls[d];
		size_t ext = fmt_extent(dc->table, dc->n);
		uint8_t src[0x80], dst[0x80];
		unsigned char a[sizeof(struct nvgi_header) + sizeof(struct atom_info) + 0x200];
		unsigned char b[sizeof(a)];
		struct span s = span_make(src, ext), t = span_make(dst, ext);
		cr_assert_leq(ext, sizeof(src));
		cr_assert_leq(dc->size, sizeof(a));
		for (uint32_t seed = 1; seed < 20; seed++) {
			pattern(src, sizeof(src), seed);
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			memset(dst, 0, sizeof(dst));
			cr_assert(fmt_decode(&s, 0, dc->table, dc->n, a), "%s", dc->name);
			cr_assert(fmt_encode(dst, ext, 0, dc->table, dc->n, a), "%s", dc->name);
			cr_assert(fmt_decode(&t, 0, dc->table, dc->n, b), "%s", dc->name);
			cr_assert_arr_eq(a, b, dc->size, "%s seed %u", dc->name, seed);
			for (size_t i = 0; i < dc->n; i++) {
				const struct fmt_field *f = &dc->table[i];
				/* Structures whose fields are all whole words
				 * come back byte for byte. */
				if (f->bits == 0)
					cr_assert_arr_eq(src + f->offset, dst + f->offset, f->width,
					                 "%s.%s", dc->name, f->key);
			}
		}
	}
}

/* At every length short of a field's end that field fails (and reads 0),
 * the call returns false, and nothing is read past the bytes. */
Test(field, every_truncation_fails_cleanly)
{
	for (size_t d = 0; d < NDECLS; d++) {
		const struct decl *dc = &decls[d];
		size_t ext = fmt_extent(dc->table, dc->n);
		uint8_t full[0x80];
		pattern(full, sizeof(full), 7);
		for (size_t n = 0; n <= ext; n++) {
			uint8_t *p = tb_exact_copy(full, n);
			struct span s = span_make(p, n), whole = span_make(full, ext);
			unsigned char
			    got[sizeof(struct nvgi_header) + sizeof(struct atom_info) + 0x200];
			unsigned char want[sizeof(got)];
			bool ok;
			memset(got, 0xEE, sizeof(got));
			memset(want, 0xEE, sizeof(want));
			ok = fmt_decode(&s, 0, dc->table, dc->n, got);
			cr_assert_eq(ok, n == ext, "%s at %zu bytes", dc->name, n);
			(void)fmt_decode(&whole, 0, dc->table, dc->n, want);
			for (size_t i = 0; i < dc->n; i++) {
				const struct fmt_field *f = &dc->table[i];
				uint64_t g = 0, w = 0;
				memcpy(&g, got + f->member, f->size);
				memcpy(&w, want + f->member, f->size);
				if ((size_t)f->offset + f->width <= n)
					cr_assert_eq(g, w, "%s.%s at %zu", dc->name, f->key, n);
				else
					cr_assert_eq(g, 0, "%s.%s at %zu", dc->name, f->key, n);
			}
			free(p);
			/* Encoding into too small a buffer writes nothing. */
			if (n < ext) {
				uint8_t buf[0x80];
				memset(buf, 0xCC, sizeof(buf));
				cr_assert_not(fmt_encode(buf, n, 0, dc->table, dc->n, want));
				for (size_t i = 0; i < sizeof(buf); i++)
					cr_assert_eq(buf[i], 0xCC);
			}
		}
	}
}

Test(field, base_is_added_and_checked_for_overflow)
{
	uint8_t p[0x80] = {0};
	struct span s = span_make(p, sizeof(p));
	struct pci_pcir c;
	tb_put16(p, 0x20 + PCIR_OFF_VENDOR_ID, 0x10DE);
	memset(&c, 0, sizeof(c));
	cr_assert(fmt_decode(&s, 0x20, &pci_pcir_fields[PCIR_F_VENDOR_ID], 1, &c));
	cr_assert_eq(c.vendor_id, 0x10DE);
	cr_assert_not(fmt_decode(&s, SIZE_MAX, &pci_pcir_fields[PCIR_F_VENDOR_ID], 1, &c));
	cr_assert_eq(c.vendor_id, 0);
	cr_assert_not(fmt_encode(p, sizeof(p), SIZE_MAX - 1, pci_pcir_fields, PCIR_F_COUNT, &c));
}

/* A bit-field is read from its word and merged into the bytes on encode. */
Test(field, bit_fields)
{
	uint8_t p[0x10] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nvgi_header h;
	tb_put32(p, NVGI_OFF_FIXED1, 0x80000000u | (0x24u << 16) | (3u << 8) | 0x65u);
	memset(&h, 0, sizeof(h));
	cr_assert(fmt_decode(&s, 0, nvgi_fields, NVGI_F_COUNT, &h));
	cr_assert_eq(h.version, 3);
	cr_assert_eq(h.fixed_data_size, 0x24);
	h.version = 2;
	h.fixed_data_size = 0x7FFF;
	cr_assert(fmt_encode(p, sizeof(p), 0, &nvgi_fields[NVGI_F_VERSION], 2, &h));
	cr_assert_eq(p[4], 0x65);
	cr_assert_eq(p[5], 0x02);
	cr_assert_eq(p[6], 0xFF);
	cr_assert_eq(p[7], 0xFF); /* bit 31 was set, bits 30:24 are the new size */
}
