/* AMD ATOMBIOS identity and tables beyond what atom_detect reads: the whole
 * ATOM_ROM_HEADER, the master command and data tables (each entry's common
 * header: size, format and content revision, as AtomDis and upp list them),
 * the string table (part number, ASIC, bus and memory type, board name),
 * the "ATOMBIOSBK-AMD VER" version string, the build number after the
 * config file name, and the $PSP directory that RDNA boards sign.
 *
 * Sources: Linux atombios.h / atomfirmware.h, amdgpu atom.c
 * (atom_get_vbios_name/_version/_build), AtomDis get_table_offset, yaabe
 * psp.h; ../shared/docs/formats-pci-amd-efi.md sections 4.2, 4.3, 4.6.
 * Offsets are relative to the ATOM (x86) image start.
 */
#ifndef OPTROM_ATOM_TABLES_H
#define OPTROM_ATOM_TABLES_H

#include "formats/field.h"
#include "formats/span.h"

#define ATOM_MAX_CMD_TABLES  128u /* 81 entries in atombios.h; 0x1E8 bytes would be 242 */
#define ATOM_MAX_DATA_TABLES 64u  /* 34-35 entries */
#define ATOM_MAX_STRINGS     8u   /* byte 0x2F: 4 seen, yaabe notes up to 16 */
#define ATOM_STRING_LEN      64u
#define ATOM_PSP_SIG         0x50535024u /* "$PSP" */
#define ATOM_VERSION_TAG     "ATOMBIOSBK-AMD VER"

/* ATOM_ROM_HEADER (v1.1, 0x24 bytes) / atom_rom_header_v2_2 (0x28), from
 * its start; PSP_DIR only when structure_size covers it. */
#define ATOM_HDR_FIELDS(X)                                                                         \
	X(STRUCTURE_SIZE, structure_size, 0x00, 2, "structure_size")                               \
	X(FORMAT_REV, format_rev, 0x02, 1, "format_revision")                                      \
	X(CONTENT_REV, content_rev, 0x03, 1, "content_revision")                                   \
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

/* ATOM_COMMON_TABLE_HEADER: every table (and master table) starts with it. */
#define ATOM_TABLE_FIELDS(X)                                                                       \
	X(SIZE, size, 0x00, 2, "size")                                                             \
	X(FORMAT_REV, format_rev, 0x02, 1, "format_revision")                                      \
	X(CONTENT_REV, content_rev, 0x03, 1, "content_revision")

/* The $PSP directory header (yaabe psp.h). */
#define ATOM_PSP_FIELDS(X)                                                                         \
	X(COOKIE, cookie, 0x00, 4, "cookie")                                                       \
	X(CHECKSUM, checksum, 0x04, 4, "checksum")                                                 \
	X(ENTRIES, entries, 0x08, 4, "total_entries")

struct atom_hdr {
	uint16_t structure_size;
	uint8_t format_rev, content_rev;
	uint32_t signature;
	uint16_t config_filename, crc_block, boot_message;
	uint16_t subsystem_vendor, subsystem_id;
	uint16_t pci_info, master_command, master_data;
	uint32_t psp_dir;
};

struct atom_table {
	uint16_t size;
	uint8_t format_rev, content_rev;
	/* not fields */
	uint8_t index;   /* position in its master table */
	uint32_t offset; /* from the image start, after AtomDis' 64 KiB wrap */
	bool ok;         /* the header and size bytes lie inside the image */
};

struct atom_master {
	bool present; /* the master table's offset is non-zero and its header readable */
	uint32_t offset;
	struct atom_table hdr; /* the master table's own common header */
	unsigned n_slots;      /* u16 entries the master table's size holds */
	struct atom_table tables[ATOM_MAX_CMD_TABLES];
	size_t n;       /* non-zero entries kept */
	unsigned n_bad; /* entries whose table lies outside the image */
};

struct atom_psp {
	uint32_t cookie, checksum, entries;
	bool present; /* "$PSP" where the ROM header points */
	uint32_t offset;
	bool checksum_ok;    /* Fletcher-32 over totalentries.. end of the entries */
	bool checksum_known; /* the entries lie inside the image */
};

struct atom_ext {
	bool hdr_ok; /* the ROM header's fields lie in the image */
	struct atom_hdr hdr;
	struct atom_master command, data;
	unsigned n_strings;
	char strings[ATOM_MAX_STRINGS]
	            [ATOM_STRING_LEN]; /* [0] part number, [1] ASIC, [2] bus, [3] memory */
	char name[ATOM_STRING_LEN];    /* board name after the strings and 0D 0A */
	char version[40];              /* after "ATOMBIOSBK-AMD VER" */
	char build[32];                /* third string from the config file name */
	char config_filename[ATOM_STRING_LEN];
	struct atom_psp psp;
	uint8_t checksum_sum; /* sum8 over the legacy image (byte 2 x 512): 0 when balanced */
	uint32_t checksum_length;
	bool checksum_complete;
};

#define FMT_PREFIX ATOM_HDR
FMT_DECLARE(ATOM_HDR_FIELDS, atom_hdr_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_TABLE
FMT_DECLARE(ATOM_TABLE_FIELDS, atom_table_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_PSP
FMT_DECLARE(ATOM_PSP_FIELDS, atom_psp_fields);
#undef FMT_PREFIX
#define ATOM_HDR_KEY(NAME)   (atom_hdr_fields[ATOM_HDR_F_##NAME].key)
#define ATOM_TABLE_KEY(NAME) (atom_table_fields[ATOM_TABLE_F_##NAME].key)
#define ATOM_PSP_KEY(NAME)   (atom_psp_fields[ATOM_PSP_F_##NAME].key)

/* Report keys of the string table entries ("part_number", "asic", ...). */
const char *atom_string_key(unsigned i);

/* Decodes the ATOM image at [img, img + len) (already found by
 * atom_detect): ROM header at rom_header, master tables, strings, version,
 * build, $PSP directory, legacy checksum. Every read bounded by the image.
 * False when the ROM header is unreadable. */
bool atom_tables_decode(const struct span *s, size_t img, size_t len, uint16_t rom_header,
                        struct atom_ext *out);

/* Splits the AMD GOP driver's version text ("AMD GOP X64 Release Driver
 * Rev.2.10.0.0.0.Jan 21 2020.17:42:40"; APU drivers say "Rel Driver") into
 * the version ("2.10.0.0.0") and the build date ("Jan 21 2020 17:42:40").
 * False when the text has no "Rev." followed by a digit. */
bool amd_gop_version_split(const char *text, char *version, size_t vcap, char *date, size_t dcap);

#endif
