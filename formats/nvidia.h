/* NVIDIA-specific structures: the NVGI/IFR (Init-From-ROM) container that
 * nvflash, GPU-Z and TechPowerUp files carry in front of the PCI ROM, the
 * RFRD ROM directory of IFR version 3, the NPDE PCI data extension, and the
 * BIT table's BIOS version.
 *
 * Sources (../shared/docs/formats-nvidia.md): OpenRM dev_bus.h
 * NV_PBUS_IFR_FMT_FIXED* and kernel_gsp_vbios_tu102.c (section 2.2/2.3),
 * OpenRM pci_exp_table.h and nouveau npde.c (3.3), BIT spec (6.2, 6.3).
 * Offsets in nvgi_* are file offsets: the container starts the file.
 */
#ifndef OPTROM_NVIDIA_H
#define OPTROM_NVIDIA_H

#include "formats/field.h"
#include "formats/span.h"

#define NVGI_SIG           0x4947564Eu /* "NVGI" */
#define NVGI_RFRD_SIG      0x44524652u /* "RFRD" */
#define NVGI_RFRD_DISTANCE 4096u       /* directory = flash status offset + 4 KiB */
#define NPDE_SIG           0x4544504Eu /* "NPDE" */
#define NPDE_LAST_IMAGE    0x80u

enum nvgi_status {
	NVGI_OK = 0,
	NVGI_NOT_PRESENT,         /* the bytes do not start with "NVGI" */
	NVGI_TRUNCATED,           /* a header field or the pointer it needs is past the end */
	NVGI_UNSUPPORTED_VERSION, /* VERSIONSW other than 1, 2 or 3 */
	NVGI_NO_RFRD,             /* v3: no "RFRD" directory where the header says */
	NVGI_BAD_ROM_OFFSET,      /* the ROM offset is 0, misaligned or past the end */
};

const char *nvgi_status_str(enum nvgi_status st);

struct nvgi_header {
	uint32_t signature; /* "NVGI" */
	uint32_t fixed1;
	uint32_t fixed2;
	uint8_t version;           /* FIXED1 bits 15:8 */
	uint16_t fixed_data_size;  /* FIXED1 bits 30:16: start of the extended section */
	uint32_t total_data_size;  /* FIXED2 bits 19:0 */
	uint16_t subsystem_vendor; /* +0x0C, observed to be the board's SSID */
	uint16_t subsystem_device;
	uint32_t rom_offset; /* file offset of the PCI ROM, 0 when unknown */
	/* version 3 only */
	uint32_t flash_status_offset;
	uint32_t rfrd_offset;
	uint32_t rfrd_signature; /* "RFRD" */
	uint16_t rfrd_version;
	uint16_t rfrd_size;
};

/* The fixed header at the start of the file (OpenRM dev_bus.h
 * NV_PBUS_IFR_FMT_FIXED0..2). Bit 31 of FIXED1 and FIXED2 is reserved and
 * seen both ways, so the bit-fields leave it out. The report prints the
 * subsystem as one "vendor:device" under the vendor's key. */
#define NVGI_FIELDS(X)                                                                             \
	X(SIGNATURE, signature, 0x00, 4, "signature")                                              \
	X(FIXED1, fixed1, 0x04, 4, "fixed1")                                                       \
	X(FIXED2, fixed2, 0x08, 4, "fixed2")                                                       \
	X(VERSION, version, 0x04, FMT_BITS(4, 8, 8), "version")                                    \
	X(FIXED_DATA_SIZE, fixed_data_size, 0x04, FMT_BITS(4, 16, 15), "fixed_data_size")          \
	X(TOTAL_DATA_SIZE, total_data_size, 0x08, FMT_BITS(4, 0, 20), "total_data_size")           \
	X(SUBSYSTEM_VENDOR, subsystem_vendor, 0x0C, 2, "subsystem")                                \
	X(SUBSYSTEM_DEVICE, subsystem_device, 0x0E, 2, "subsystem_device")

/* Versions 1 and 2: the extended section at FIXED_DATA_SIZE, whose +4 is
 * the PCI ROM offset (OpenRM s_romImgFindPciHeader_TU102). */
#define NVGI_EXT_FIELDS(X) X(ROM_OFFSET, rom_offset, 0x04, 4, "rom_offset")

/* Version 3: the u32 at TOTAL_DATA_SIZE is the flash status offset; the
 * RFRD directory sits NVGI_RFRD_DISTANCE after it (kernel_gsp_vbios). */
#define NVGI_V3_FIELDS(X) X(FLASH_STATUS, flash_status_offset, 0x00, 4, "flash_status_offset")

/* The RFRD ROM directory, from its start. */
#define RFRD_FIELDS(X)                                                                             \
	X(SIGNATURE, rfrd_signature, 0x00, 4, "rfrd_signature")                                    \
	X(VERSION, rfrd_version, 0x04, 2, "rfrd_version")                                          \
	X(SIZE, rfrd_size, 0x06, 2, "rfrd_size")                                                   \
	X(ROM_OFFSET, rom_offset, 0x08, 4, "rom_offset")

#define FMT_PREFIX NVGI
FMT_DECLARE(NVGI_FIELDS, nvgi_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NVGI_EXT
FMT_DECLARE(NVGI_EXT_FIELDS, nvgi_ext_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NVGI_V3
FMT_DECLARE(NVGI_V3_FIELDS, nvgi_v3_fields);
#undef FMT_PREFIX
#define FMT_PREFIX RFRD
FMT_DECLARE(RFRD_FIELDS, nvgi_rfrd_fields);
#undef FMT_PREFIX
#define NVGI_KEY(NAME)     (nvgi_fields[NVGI_F_##NAME].key)
#define NVGI_EXT_KEY(NAME) (nvgi_ext_fields[NVGI_EXT_F_##NAME].key)
#define NVGI_V3_KEY(NAME)  (nvgi_v3_fields[NVGI_V3_F_##NAME].key)
#define RFRD_KEY(NAME)     (nvgi_rfrd_fields[RFRD_F_##NAME].key)
/* Not a field but where the RFRD was found (flash status offset + 4 KiB). */
#define NVGI_KEY_RFRD_OFFSET "rfrd_offset"

/* Decodes the container at the start of s. On NVGI_OK, rom_offset is a
 * 4-aligned offset inside s (the caller still validates the image there). */
enum nvgi_status nvgi_decode(const struct span *s, struct nvgi_header *out);

struct npde {
	size_t offset; /* relative to the image */
	uint32_t signature;
	uint16_t revision;
	uint16_t length;
	uint16_t subimage_blocks;
	uint8_t priv_last;
	uint8_t flags;
	bool has_last;  /* length covers +0x0A (OpenRM rule) */
	bool has_flags; /* length covers +0x0B */
	/* EFI images with a 0x10-byte NPDE (revision 0x100) keep the GOP
	 * driver's version at +0x0C; it equals the Version of the driver's
	 * binding protocol in every corpus GOP (stock Kepler NPDEs are 0x0C
	 * bytes and lack it). */
	bool has_gop_version;
	uint32_t gop_version;
};

/* OpenRM pci_exp_table.h PCI_EXP_ROM_NPDE, from the NPDE's start. The
 * last three fields count only when the NPDE's own length covers them
 * (npde_decode); keep them last and in this order. */
#define NPDE_FIELDS(X)                                                                             \
	X(SIGNATURE, signature, 0x00, 4, "signature")                                              \
	X(REVISION, revision, 0x04, 2, "revision")                                                 \
	X(LENGTH, length, 0x06, 2, "length")                                                       \
	X(SUBIMAGE_LENGTH, subimage_blocks, 0x08, 2, "subimage_length")                            \
	X(PRIV_LAST, priv_last, 0x0A, 1, "last")                                                   \
	X(FLAGS, flags, 0x0B, 1, "flags")                                                          \
	X(GOP_VERSION, gop_version, 0x0C, 4, "gop_version")

#define FMT_PREFIX NPDE
FMT_DECLARE(NPDE_FIELDS, npde_fields);
#undef FMT_PREFIX
#define NPDE_KEY(NAME) (npde_fields[NPDE_F_##NAME].key)

/* Looks for an NPDE after the PCI data structure of the image at img: at
 * align16(pcir_offset + pcir_length), relative to the image. Returns false
 * when there is none (or it runs past the bytes). */
bool npde_decode(const struct span *s, size_t img, uint16_t pcir_offset, uint16_t pcir_length,
                 struct npde *out);

/* The NVIDIA BIOS version from the BIT table of an x86 image: token 'B'
 * (BIOSDATA) +0 u32 and +4 OEM byte, printed "86.04.3D.00.88". Returns
 * false when there is no BIT or no such token inside [img, img + len). */
bool nv_bios_version(const struct span *s, size_t img, size_t len, char *out, size_t cap);

#endif
