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

#include "formats/field.h"

#define ATOM_MAGIC_OFF      0x30u       /* " 761295520", leading space included */
#define ATOM_BUILD_DATE_OFF 0x50u       /* "MM/DD/YY HH:MM" */
#define ATOM_PART_NUMBER    0x80u       /* part number when the string count is 0 */
#define ATOM_SIG_ATOM       0x4D4F5441u /* "ATOM" */
#define ATOM_SIG_MOTA       0x41544F4Du /* "MOTA" */

struct atom_info {
	bool magic_ok;        /* " 761295520" at 0x30 */
	uint8_t checksum;     /* the byte AMD's tools balance the image with */
	uint8_t string_count; /* ATOMBIOS string table entries */
	uint16_t string_ptr;  /* the string table */
	uint16_t rom_header;  /* u16 at 0x48 */
	uint32_t rom_header_signature;
	bool rom_header_ok;       /* "ATOM" or "MOTA" at rom_header + 4 */
	uint8_t table_format_rev; /* ATOM_COMMON_TABLE_HEADER */
	uint8_t table_content_rev;
	uint16_t subsystem_vendor;
	uint16_t subsystem_id;
	char part_number[44]; /* first ATOMBIOS string (amdgpu atom_get_vbios_pn) */
	char build_date[20];  /* "MM/DD/YY HH:MM" at 0x50 */
};

/* The strings atom_detect reads (the image's `atom:` report): the part
 * number as amdgpu reads it (atom_get_vbios_pn: the first ATOMBIOS string,
 * one leading NUL skipped, so an empty first string gives the next one)
 * and the build date at 0x50. */
#define ATOM_TEXT_FIELDS(X)                                                                        \
	X(PART_NUMBER, part_number, "part_number", FMT_ROLE_NONE)                                  \
	X(BUILD_DATE, build_date, "build_date", FMT_ROLE_BUILD_DATE)

/* The fixed fields of an ATOMBIOS image, from the image start (Linux
 * atombios.h ATOM_BIOS_*, amdgpu atom_get_vbios_pn). */
#define ATOM_FIELDS(X)                                                                             \
	X(CHECKSUM, checksum, 0x21, 1, "checksum")                                                 \
	X(STRING_COUNT, string_count, 0x2F, 1, "string_count")                                     \
	X(ROM_HEADER, rom_header, 0x48, 2, "rom_header")                                           \
	X(STRING_PTR, string_ptr, 0x6E, 2, "string_table")

/* ATOM_ROM_HEADER, from its start (ATOM_COMMON_TABLE_HEADER, then the
 * signature and, at 0x18, the board's subsystem ids). */
#define ATOM_ROM_HDR_FIELDS(X)                                                                     \
	X(FORMAT_REV, table_format_rev, 0x02, 1, "table_format_rev")                               \
	X(CONTENT_REV, table_content_rev, 0x03, 1, "table_content_rev")                            \
	X(SIGNATURE, rom_header_signature, 0x04, 4, "signature")                                   \
	X(SUBSYSTEM_VENDOR, subsystem_vendor, 0x18, 2, "subsystem_vendor")                         \
	X(SUBSYSTEM_ID, subsystem_id, 0x1A, 2, "subsystem_id")

#define FMT_PREFIX ATOM
FMT_DECLARE(ATOM_FIELDS, atom_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_ROM_HDR
FMT_DECLARE(ATOM_ROM_HDR_FIELDS, atom_rom_header_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM
FMT_TEXT_DECLARE(ATOM_TEXT_FIELDS, atom_text_fields);
#undef FMT_PREFIX
#define ATOM_KEY(NAME)         (atom_fields[ATOM_F_##NAME].key)
#define ATOM_ROM_HDR_KEY(NAME) (atom_rom_header_fields[ATOM_ROM_HDR_F_##NAME].key)

/* True when the image at img (of len bytes) is an ATOMBIOS image: the ATI
 * magic is present. Every read is bounded by [img, img + len). */
bool atom_detect(const struct span *s, size_t img, size_t len, struct atom_info *out);

#endif
