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

/* Header layout (PE/COFF specification; EDK2 PeImage.h), for the parser
 * and the tests' PE builders. COFF file header, relative to e_lfanew + 4. */
enum {
	PE_COFF_MACHINE = 0,
	PE_COFF_NUM_SECTIONS = 2,
	PE_COFF_TIMESTAMP = 4,
	PE_COFF_SIZE_OPT = 16,
	PE_COFF_CHARACTERISTICS = 18,
	PE_COFF_SIZE = 20,
};

/* Optional header, relative to its start. The PE32 and PE32+ layouts agree
 * except for BaseOfData / ImageBase and the data-directory count. */
enum {
	PE_OPT_MAGIC = 0,
	PE_OPT_ENTRY = 16,
	PE_OPT_IMAGE_BASE32 = 28, /* PE32: u32 (BaseOfData sits at 24) */
	PE_OPT_IMAGE_BASE64 = 24, /* PE32+: u64 */
	PE_OPT_SECTION_ALIGN = 32,
	PE_OPT_FILE_ALIGN = 36,
	PE_OPT_SIZE_OF_IMAGE = 56,
	PE_OPT_SIZE_OF_HEADERS = 60,
	PE_OPT_SUBSYSTEM = 68,
	PE_OPT_NUM_RVA32 = 92,
	PE_OPT_NUM_RVA64 = 108,
};

/* Section header (40 bytes). */
enum {
	PE_SEC_NAME = 0,
	PE_SEC_VSIZE = 8,
	PE_SEC_VADDR = 12,
	PE_SEC_RAW_SIZE = 16,
	PE_SEC_RAW_PTR = 20,
	PE_SEC_CHARACTERISTICS = 36,
	PE_SEC_SIZE = 40,
};

/* EDK2 EFI_TE_IMAGE_HEADER (PI spec vol. 1 "TE image"): 40 bytes. */
enum {
	PE_TE_MACHINE = 2,
	PE_TE_NUM_SECTIONS = 4, /* u8 */
	PE_TE_SUBSYSTEM = 5,    /* u8 */
	PE_TE_STRIPPED = 6,
	PE_TE_ENTRY = 8,
	PE_TE_IMAGE_BASE = 16,
	PE_TE_HEADER_SIZE = 40,
};

#define PE_DOS_MAGIC  0x5A4D /* "MZ" */
#define PE_TE_MAGIC   0x5A56 /* "VZ" */
#define PE_DOS_LFANEW 0x3C
#define PE_SIG_SIZE   4

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

struct pe_section {
	char name[9]; /* NUL-terminated copy of the 8-byte name */
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
	uint16_t subsystem;
	uint32_t num_rva_and_sizes;
	uint16_t te_stripped_size; /* TE only */
	/* Section table: sections[0 .. section_count). */
	size_t section_count;
	struct pe_section sections[PE_MAX_SECTIONS];
	/* max(raw_pointer + raw_size) over the sections: compare with the
	 * decompressed size (docs 2.3 cross-check). */
	uint64_t raw_end;
};

/* Parses the headers at the start of s. Fields read before a failure stay
 * filled; the rest are zero. Returns PE_OK, PE_TE_IMAGE or an error. */
enum pe_status pe_parse(const struct span *s, struct pe_info *out);

/* Short lowercase message for a status. */
const char *pe_status_str(enum pe_status st);

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
