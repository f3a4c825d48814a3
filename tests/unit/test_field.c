/* formats/field.[ch]: reading a structure's fields through its table. */
#include "formats/efi_rom.h"
#include "formats/field.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const struct fmt_field table[] = {
    {"byte", 0x00, 1},
    {"word", 0x01, 2},
    {"dword", 0x03, 4},
    {"bad_width", 0x00, 3},
};

static const uint8_t bytes[] = {0xA1, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12};

Test(field, reads_each_width_little_endian)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint32_t v = 0;
	cr_assert(fmt_field_read(&s, 0, &table[0], &v));
	cr_assert_eq(v, 0xA1);
	cr_assert(fmt_field_read(&s, 0, &table[1], &v));
	cr_assert_eq(v, 0x1234);
	cr_assert(fmt_field_read(&s, 0, &table[2], &v));
	cr_assert_eq(v, 0x12345678u);
}

Test(field, base_is_added_to_the_offset)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint32_t v = 0;
	cr_assert(fmt_field_read(&s, 2, &table[1], &v)); /* bytes 3..4 */
	cr_assert_eq(v, 0x5678);
	v = 0xEE;
	cr_assert_not(fmt_field_read(&s, 3, &table[2], &v)); /* bytes 6..9: past the end */
	cr_assert_eq(v, 0);
}

/* Each field succeeds exactly when its last byte is inside the bytes. */
Test(field, each_field_fails_one_byte_short)
{
	for (size_t f = 0; f < 3; f++) {
		size_t need = table[f].offset + table[f].width;
		for (size_t n = 0; n <= sizeof(bytes); n++) {
			uint8_t *p = tb_exact_copy(bytes, n);
			struct span s;
			uint32_t v = 0xEEEEEEEE;
			bool ok;
			s = span_make(p, n);
			ok = fmt_field_read(&s, 0, &table[f], &v);
			cr_assert_eq(ok, n >= need, "field %s, %zu bytes", table[f].name, n);
			if (!ok)
				cr_assert_eq(v, 0);
			free(p);
		}
	}
}

Test(field, unsupported_width_and_overflowing_base_fail)
{
	struct span s = span_make(bytes, sizeof(bytes));
	uint32_t v = 0xEE;
	cr_assert_not(fmt_field_read(&s, 0, &table[3], &v));
	cr_assert_eq(v, 0);
	v = 0xEE;
	cr_assert_not(fmt_field_read(&s, SIZE_MAX, &table[1], &v));
	cr_assert_eq(v, 0);
}

Test(field, find_by_name)
{
	cr_assert_eq(fmt_field_find(table, 4, "byte"), 0);
	cr_assert_eq(fmt_field_find(table, 4, "dword"), 2);
	cr_assert_eq(fmt_field_find(table, 4, "missing"), -1);
	cr_assert_eq(fmt_field_find(table, 2, "dword"), -1); /* only the first n */
}

/* The structure tables carry the offsets of the specifications. */
Test(field, pcir_npde_efi_tables_match_the_specs)
{
	int i = fmt_field_find(pci_pcir_fields, pci_pcir_field_count, "image_length");
	cr_assert_geq(i, 0);
	cr_assert_eq(pci_pcir_fields[i].offset, 0x10);
	cr_assert_eq(pci_pcir_fields[i].width, 2);
	i = fmt_field_find(pci_pcir_fields, pci_pcir_field_count, "indicator");
	cr_assert_eq(pci_pcir_fields[i].offset, 0x15);
	i = fmt_field_find(pci_pcir_fields, pci_pcir_field_count, "dmtf_clp");
	cr_assert_eq(pci_pcir_fields[i].offset, 0x1A);
	cr_assert_eq(pci_pcir_field_count, 16);
	i = fmt_field_find(npde_fields, npde_field_count, "subimage_length");
	cr_assert_eq(npde_fields[i].offset, 0x08);
	i = fmt_field_find(npde_fields, npde_field_count, "flags");
	cr_assert_eq(npde_fields[i].offset, 0x0B);
	i = fmt_field_find(efi_rom_fields, efi_rom_field_count, "image_offset");
	cr_assert_eq(efi_rom_fields[i].offset, 0x16);
	i = fmt_field_find(efi_rom_fields, efi_rom_field_count, "efi_signature");
	cr_assert_eq(efi_rom_fields[i].width, 4);
}
