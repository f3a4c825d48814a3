/* PE32 / PE32+ headers of an EFI driver, read by hand with bounded reads.
 *
 * Field offsets: Microsoft PE/COFF specification, as summarised in
 * docs/formats-pci-amd-efi.md section 2.3 (EDK2 PeImage.h, iPXE efirom,
 * EfiRom CheckPE32File). A TE image ("VZ", PI spec volume 1, EDK2
 * EFI_TE_IMAGE_HEADER) is recognised and reported as such, with the few
 * fields of its fixed header, but not parsed as a PE.
 */
#ifndef OPTROM_PE_H
#define OPTROM_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/field.h"
#include "formats/span.h"

/* The PE/COFF specification limits the loader to 96 sections; more is a
 * corrupt or hostile header, and it bounds struct pe_info. */
#define PE_MAX_SECTIONS 96

#define PE_MAGIC_PE32     0x10B
#define PE_MAGIC_PE32PLUS 0x20B

/* Machine types (PE/COFF spec; EDK2 PeImage.h; EFI option ROM header
 * EfiMachineType mirrors them, docs 2.1). */
#define PE_MACHINE_IA32        0x014C
#define PE_MACHINE_ARM         0x01C2
#define PE_MACHINE_IA64        0x0200
#define PE_MACHINE_EBC         0x0EBC
#define PE_MACHINE_RISCV32     0x5032
#define PE_MACHINE_RISCV64     0x5064
#define PE_MACHINE_RISCV128    0x5128
#define PE_MACHINE_LOONGARCH32 0x6232
#define PE_MACHINE_LOONGARCH64 0x6264
#define PE_MACHINE_X64         0x8664
#define PE_MACHINE_AARCH64     0xAA64

/* EFI subsystems (PE/COFF spec "Windows Subsystem"; EFI 1.10 12.4.2). */
#define PE_SUBSYSTEM_EFI_APPLICATION         10
#define PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER 11
#define PE_SUBSYSTEM_EFI_RUNTIME_DRIVER      12
#define PE_SUBSYSTEM_EFI_ROM                 13

/* Header layouts, each declared once (formats/field.h): the parser, the
 * reports' keys and the tests' PE builders all come from these lists.
 * Offsets: Microsoft PE/COFF specification (sections 2 to 4), EDK2
 * IndustryStandard/PeImage.h; the tests pin them to the specification's
 * numbers. Text fields (section names) keep their own constants. */

/* MS-DOS stub header: only e_lfanew matters to a PE loader. */
#define PE_DOS_FIELDS(X) X(LFANEW, lfanew, 0x3C, 4, "e_lfanew")

/* COFF file header, PE_COFF_SIZE bytes at e_lfanew + PE_SIG_SIZE. */
#define PE_COFF_FIELDS(X)                                                                          \
	X(MACHINE, machine, 0, 2, "machine")                                                       \
	X(NUM_SECTIONS, num_sections, 2, 2, "sections")                                            \
	X(TIMESTAMP, timestamp, 4, 4, "timestamp")                                                 \
	X(SIZE_OPT, size_of_optional_header, 16, 2, "size_of_optional_header")                     \
	X(CHARACTERISTICS, characteristics, 18, 2, "characteristics")

/* Optional header, from its start: the fields PE32 and PE32+ share... */
#define PE_OPT_FIELDS(X)                                                                           \
	X(MAGIC, magic, 0, 2, "magic")                                                             \
	X(ENTRY, entry_point, 16, 4, "entry_point")                                                \
	X(SECTION_ALIGN, section_alignment, 32, 4, "section_alignment")                            \
	X(FILE_ALIGN, file_alignment, 36, 4, "file_alignment")                                     \
	X(SIZE_OF_IMAGE, size_of_image, 56, 4, "size_of_image")                                    \
	X(SIZE_OF_HEADERS, size_of_headers, 60, 4, "size_of_headers")                              \
	X(CHECKSUM, checksum, 64, 4, "checksum")                                                   \
	X(SUBSYSTEM, subsystem, 68, 2, "subsystem")

/* ... and the ones that differ: PE32 has BaseOfData at 24 and a 4-byte
 * ImageBase, PE32+ an 8-byte ImageBase, so the tail moves by 16. The data
 * directories follow NumberOfRvaAndSizes. */
#define PE_OPT32_FIELDS(X)                                                                         \
	X(IMAGE_BASE, image_base, 28, 4, "image_base")                                             \
	X(NUM_RVA, num_rva_and_sizes, 92, 4, "number_of_rva_and_sizes")
#define PE_OPT64_FIELDS(X)                                                                         \
	X(IMAGE_BASE, image_base, 24, 8, "image_base")                                             \
	X(NUM_RVA, num_rva_and_sizes, 108, 4, "number_of_rva_and_sizes")

/* One data directory entry (PE/COFF 3.4.3). */
#define PE_DIR_FIELDS(X)                                                                           \
	X(RVA, rva, 0, 4, "rva")                                                                   \
	X(SIZE, size, 4, 4, "size")

/* Section header, PE_SEC_SIZE bytes each, after the optional header; the
 * name is PE_SEC_NAME_LEN bytes at 0. */
#define PE_SEC_FIELDS(X)                                                                           \
	X(VSIZE, virtual_size, 8, 4, "virtual_size")                                               \
	X(VADDR, virtual_address, 12, 4, "virtual_address")                                        \
	X(RAW_SIZE, raw_size, 16, 4, "raw_size")                                                   \
	X(RAW_PTR, raw_pointer, 20, 4, "raw_pointer")                                              \
	X(CHARACTERISTICS, characteristics, 36, 4, "characteristics")

/* EDK2 EFI_TE_IMAGE_HEADER (PI spec vol. 1 "TE image"), PE_TE_HEADER_SIZE
 * bytes; "VZ" at 0. */
#define PE_TE_FIELDS(X)                                                                            \
	X(MACHINE, machine, 2, 2, "machine")                                                       \
	X(NUM_SECTIONS, num_sections, 4, 1, "sections")                                            \
	X(SUBSYSTEM, subsystem, 5, 1, "subsystem")                                                 \
	X(STRIPPED, te_stripped_size, 6, 2, "stripped_size")                                       \
	X(ENTRY, entry_point, 8, 4, "entry_point")                                                 \
	X(IMAGE_BASE, image_base, 16, 8, "image_base")

#define PE_DOS_MAGIC       0x5A4D /* "MZ" at 0 */
#define PE_TE_MAGIC        0x5A56 /* "VZ" at 0 */
#define PE_SIG_SIZE        4      /* "PE\0\0" at e_lfanew */
#define PE_COFF_SIZE       20
#define PE_SEC_SIZE        40
#define PE_SEC_NAME_LEN    8
#define PE_TE_HEADER_SIZE  40
#define PE_DIR_SIZE        8
#define PE_MAX_DIRS        16 /* the specification's directory count */
#define PE_DIR_CERTIFICATE 4  /* Certificate Table: a file offset, not an RVA */

/* One status per failure site, so a report can say where the header broke. */
enum pe_status {
	PE_OK = 0,
	PE_TE_IMAGE,               /* "VZ" TE image: kind = PE_KIND_TE, not an error */
	PE_ERR_EMPTY,              /* fewer than 2 bytes */
	PE_ERR_NO_MZ,              /* neither "MZ" nor "VZ" at offset 0 */
	PE_ERR_TE_TRUNCATED,       /* "VZ" but the 40-byte TE header does not fit */
	PE_ERR_DOS_TRUNCATED,      /* e_lfanew at 0x3C does not fit */
	PE_ERR_LFANEW_RANGE,       /* e_lfanew + 24 beyond the image */
	PE_ERR_NO_PE_SIG,          /* no "PE\0\0" at e_lfanew */
	PE_ERR_OPT_TOO_SMALL,      /* SizeOfOptionalHeader too small for its magic */
	PE_ERR_OPT_TRUNCATED,      /* optional header runs past the image */
	PE_ERR_BAD_MAGIC,          /* optional header magic not 0x10B / 0x20B */
	PE_ERR_TOO_MANY_SECTIONS,  /* NumberOfSections > PE_MAX_SECTIONS */
	PE_ERR_SECTIONS_TRUNCATED, /* section table runs past the image */
};

enum pe_kind {
	PE_KIND_NONE = 0,
	PE_KIND_PE32,
	PE_KIND_PE32PLUS,
	PE_KIND_TE,
};

struct pe_data_dir {
	uint32_t rva; /* for the Certificate Table a file offset */
	uint32_t size;
};

struct pe_section {
	char name[PE_SEC_NAME_LEN + 1]; /* NUL-terminated copy of the name */
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t raw_size;
	uint32_t raw_pointer;
	uint32_t characteristics;
};

struct pe_info {
	enum pe_kind kind;
	uint32_t lfanew; /* PE header offset (0 for TE) */
	/* COFF file header (for TE: machine, section count, subsystem and
	 * stripped size come from the TE header). */
	uint16_t machine;
	uint16_t num_sections; /* as declared */
	uint32_t timestamp;
	uint16_t size_of_optional_header;
	uint16_t characteristics;
	/* Optional header. */
	uint16_t magic;
	uint32_t entry_point;
	uint64_t image_base;
	uint32_t section_alignment;
	uint32_t file_alignment;
	uint32_t size_of_image;
	uint32_t size_of_headers;
	uint32_t checksum;
	uint16_t subsystem;
	uint32_t num_rva_and_sizes; /* as declared */
	/* Data directories: dirs[0 .. dir_count), dir_count =
	 * min(num_rva_and_sizes, PE_MAX_DIRS, what the optional header holds). */
	size_t dir_count;
	struct pe_data_dir dirs[PE_MAX_DIRS];
	uint16_t te_stripped_size; /* TE only */
	/* Section table: sections[0 .. section_count). */
	size_t section_count;
	struct pe_section sections[PE_MAX_SECTIONS];
	/* max(raw_pointer + raw_size) over the sections: compare with the
	 * decompressed size (docs 2.3 cross-check). */
	uint64_t raw_end;
};

#define FMT_PREFIX PE_DOS
FMT_DECLARE(PE_DOS_FIELDS, pe_dos_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_COFF
FMT_DECLARE(PE_COFF_FIELDS, pe_coff_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT
FMT_DECLARE(PE_OPT_FIELDS, pe_opt_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT32
FMT_DECLARE(PE_OPT32_FIELDS, pe_opt32_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT64
FMT_DECLARE(PE_OPT64_FIELDS, pe_opt64_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_DIR
FMT_DECLARE(PE_DIR_FIELDS, pe_dir_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_SEC
FMT_DECLARE(PE_SEC_FIELDS, pe_sec_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_TE
FMT_DECLARE(PE_TE_FIELDS, pe_te_fields);
#undef FMT_PREFIX
#define PE_COFF_KEY(NAME) (pe_coff_fields[PE_COFF_F_##NAME].key)
#define PE_OPT_KEY(NAME)  (pe_opt_fields[PE_OPT_F_##NAME].key)

/* Parses the headers at the start of s. Fields read before a failure stay
 * filled; the rest are zero. Returns PE_OK, PE_TE_IMAGE or an error. */
enum pe_status pe_parse(const struct span *s, struct pe_info *out);

/* Short lowercase message for a status. */
const char *pe_status_str(enum pe_status st);

/* "pe32", "pe32+", "te" or "none". */
const char *pe_kind_name(enum pe_kind kind);

/* "X64", "IA32", "AArch64", ... or NULL for an unknown machine. */
const char *pe_machine_name(uint16_t machine);

/* "EFI application", "EFI boot service driver", ... or NULL. */
const char *pe_subsystem_name(uint16_t subsystem);

/* Finds the first text in image that starts with prefix, stored either as
 * ASCII or as UTF-16LE, and copies it (up to its NUL or the first
 * non-printable character, at most cap - 1 characters) into out as ASCII.
 * Returns false when absent or cap is 0. */
bool pe_find_text(const struct span *image, const char *prefix, char *out, size_t cap);

/* GOP driver version string of a decompressed driver (see pe.c for what the
 * corpus shows per vendor). Returns false when none is known. */
bool pe_find_gop_version(const struct span *image, char *out, size_t cap);

#endif
