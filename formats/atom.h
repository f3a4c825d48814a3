/* AMD ATOMBIOS legacy image facts: the ATI magic, the ATOM ROM header and
 * the part-number string, and the checksum byte at 0x21.
 *
 * Sources: Linux atom.h / atomfirmware.h, amdgpu_bios.c check_atom_bios,
 * fwupd FuStructAtomImage; ../shared/docs/formats-pci-amd-efi.md section 4.
 * Offsets are relative to the start of the ATOM (x86) image.
 */
#ifndef OPTROM_ATOM_H
#define OPTROM_ATOM_H

#include "formats/span.h"

#define ATOM_MAGIC_OFF      0x30u /* " 761295520", leading space included */
#define ATOM_CHECKSUM_OFF   0x21u
#define ATOM_ROM_HEADER_PTR 0x48u
#define ATOM_STRING_COUNT   0x2Fu
#define ATOM_STRING_PTR     0x6Eu

struct atom_info {
	bool magic_ok;            /* " 761295520" at 0x30 */
	uint16_t rom_header;      /* u16 at 0x48 */
	bool rom_header_ok;       /* "ATOM" or "MOTA" at rom_header + 4 */
	uint8_t table_format_rev; /* ATOM_COMMON_TABLE_HEADER */
	uint8_t table_content_rev;
	uint16_t subsystem_vendor;
	uint16_t subsystem_id;
	char part_number[44]; /* first ATOMBIOS string (amdgpu atom_get_vbios_pn) */
	char build_date[20];  /* "MM/DD/YY HH:MM" at 0x50 */
};

/* True when the image at img (of len bytes) is an ATOMBIOS image: the ATI
 * magic is present. Every read is bounded by [img, img + len). */
bool atom_detect(const struct span *s, size_t img, size_t len, struct atom_info *out);

#endif
