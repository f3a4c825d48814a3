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

/* ATOM_COMMON_TABLE_HEADER (atombios.h): the ROM header, each master table
 * and each table start with it, so their declarations start with this
 * list. The size field is named by the includer (a table's "size", the ROM
 * header's "structure_size"). */
#define ATOM_COMMON_FIELDS(X, SIZE_NAME, size_member, size_key)                                    \
	X(SIZE_NAME, size_member, 0x00, 2, size_key)                                               \
	X(FORMAT_REV, format_rev, 0x02, 1, "format_revision")                                      \
	X(CONTENT_REV, content_rev, 0x03, 1, "content_revision")

/* ATOM_ROM_HEADER (v1.1, 0x24 bytes) / atom_rom_header_v2_2 (0x28), from
 * its start: ATOM_COMMON_TABLE_HEADER, the signature, the board's
 * subsystem ids at 0x18, the master tables; PSP_DIR only when
 * structure_size covers it. The one declaration of this header: atom_detect
 * decodes it once per image (atom_rom_header_decode); vendor.amd
 * (atom_ext_decode), the image's `atom:` report and diff's `atom_rom.*`
 * names read that decode. */
#define ATOM_HDR_FIELDS(X)                                                                         \
	ATOM_COMMON_FIELDS(X, STRUCTURE_SIZE, structure_size, "structure_size")                    \
	X(SIGNATURE, signature, 0x04, 4, "signature")                                              \
	X(CONFIG_FILENAME, config_filename, 0x0C, 2, "config_filename_offset")                     \
	X(CRC_BLOCK, crc_block, 0x0E, 2, "crc_block_offset")                                       \
	X(BOOT_MESSAGE, boot_message, 0x10, 2, "bootup_message_offset")                            \
	X(SUBSYSTEM_VENDOR, subsystem_vendor, 0x18, 2, "subsystem_vendor")                         \
	X(SUBSYSTEM_ID, subsystem_id, 0x1A, 2, "subsystem_id")                                     \
	X(PCI_INFO, pci_info, 0x1C, 2, "pci_info_offset")                                          \
	X(MASTER_CMD, master_command, 0x1E, 2, "master_command_table")                             \
	X(MASTER_DATA, master_data, 0x20, 2, "master_data_table")                                  \
	X(PSP_DIR, psp_dir, 0x24, 4, "psp_dir_table_offset")

struct atom_hdr {
	uint16_t structure_size;
	uint8_t format_rev, content_rev;
	uint32_t signature;
	uint16_t config_filename, crc_block, boot_message;
	uint16_t subsystem_vendor, subsystem_id;
	uint16_t pci_info, master_command, master_data;
	uint32_t psp_dir;
};

struct atom_info {
	bool magic_ok;        /* " 761295520" at 0x30 */
	uint8_t checksum;     /* the byte AMD's tools balance the image with */
	uint8_t string_count; /* ATOMBIOS string table entries */
	uint16_t string_ptr;  /* the string table */
	uint16_t rom_header;  /* u16 at 0x48 */
	bool rom_header_ok;   /* "ATOM" or "MOTA" at rom_header + 4 */
	bool hdr_ok;          /* hdr's fields through master_data lie in the image */
	struct atom_hdr hdr;  /* ATOM_HDR_FIELDS at rom_header; a field outside the image is 0 */
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

#define FMT_PREFIX ATOM
FMT_DECLARE(ATOM_FIELDS, atom_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_HDR
FMT_DECLARE(ATOM_HDR_FIELDS, atom_hdr_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM
FMT_TEXT_DECLARE(ATOM_TEXT_FIELDS, atom_text_fields);
#undef FMT_PREFIX
#define ATOM_KEY(NAME)     (atom_fields[ATOM_F_##NAME].key)
#define ATOM_HDR_KEY(NAME) (atom_hdr_fields[ATOM_HDR_F_##NAME].key)

/* True when the image at img (of len bytes) is an ATOMBIOS image: the ATI
 * magic is present. Every read is bounded by [img, img + len). */
bool atom_detect(const struct span *s, size_t img, size_t len, struct atom_info *out);

/* The ATOM ROM header at offset at of image (a span of the ATOM image
 * alone): sets out's rom_header, hdr, hdr_ok and rom_header_ok, nothing
 * else. atom_detect calls it with the u16 at 0x48; no other decoder reads
 * these bytes. Reads bounded by image. */
void atom_rom_header_decode(const struct span *image, uint16_t at, struct atom_info *out);

#endif
