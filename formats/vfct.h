/* ACPI VFCT table: the video BIOS images a board's firmware hands the OS for
 * AMD GPUs and APUs (Linux reads it in amdgpu_acpi_vfct_bios,
 * drivers/gpu/drm/amd/amdgpu/amdgpu_bios.c; the layout is AMD's
 * UEFI_ACPI_VFCT and VFCT_IMAGE_HEADER structures, which Linux declares in
 * amdgpu_bios.c / atombios.h). See ../shared/docs/formats-pci-amd-efi.md
 * section 8.1. A pure, bounded decoder: no I/O.
 *
 *   0x00  ACPI header (36 bytes): "VFCT", u32 length, u8 revision, u8
 *         checksum (all bytes of the table sum to 0 mod 256), OEM ids
 *   0x24  TableUUID (16 bytes)
 *   0x34  u32 VBIOSImageOffset: the first image header, from the table start
 *   0x38  u32 Lib1ImageOffset, then 4 reserved u32
 *   at VBIOSImageOffset: image headers of 28 bytes, each followed by its
 *         image; the next header follows the image. The list ends at an
 *         all-zero header or where no whole header fits in the table.
 */
#ifndef OPTROM_VFCT_H
#define OPTROM_VFCT_H

#include "formats/field.h"
#include "formats/span.h"

#define VFCT_SIG             "VFCT"
#define ACPI_SIG_LEN         4u
#define ACPI_OEM_ID_OFF      10u /* 6 bytes of text */
#define ACPI_OEM_ID_LEN      6u
#define ACPI_OEM_TABLE_OFF   16u /* 8 bytes of text */
#define ACPI_OEM_TABLE_LEN   8u
#define ACPI_HEADER_LEN      36u
#define VFCT_UUID_OFF        0x24u
#define VFCT_UUID_LEN        16u
#define VFCT_HEADER_LEN      0x4Cu /* ACPI header + UUID + 2 offsets + 4 reserved u32 */
#define VFCT_IMAGE_HDR_LEN   28u
#define VFCT_MAX_IMAGES      64u /* real tables hold one or two */
#define VFCT_MAX_TABLE_BYTES ((size_t)64 * 1024 * 1024)

/* The ACPI table header (ACPI 6.5 section 5.2.6); signature and OEM ids are
 * text and keep the offset constants above. */
struct acpi_header {
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

#define ACPI_HDR_FIELDS(X)                                                                         \
	X(LENGTH, length, 4, 4, "length")                                                          \
	X(REVISION, revision, 8, 1, "revision")                                                    \
	X(CHECKSUM, checksum, 9, 1, "checksum")                                                    \
	X(OEM_REVISION, oem_revision, 24, 4, "oem_revision")                                       \
	X(CREATOR_ID, creator_id, 28, 4, "creator_id")                                             \
	X(CREATOR_REVISION, creator_revision, 32, 4, "creator_revision")

#define FMT_PREFIX ACPI_HDR
FMT_DECLARE(ACPI_HDR_FIELDS, acpi_header_fields);
#undef FMT_PREFIX
#define ACPI_HDR_KEY(NAME) (acpi_header_fields[ACPI_HDR_F_##NAME].key)

/* VFCT's own fields after the ACPI header, offsets from the table start. */
struct vfct_header {
	uint32_t vbios_image_offset;
	uint32_t lib1_image_offset;
};

#define VFCT_HDR_FIELDS(X)                                                                         \
	X(VBIOS_IMAGE_OFFSET, vbios_image_offset, 0x34, 4, "vbios_image_offset")                   \
	X(LIB1_IMAGE_OFFSET, lib1_image_offset, 0x38, 4, "lib1_image_offset")

#define FMT_PREFIX VFCT_HDR
FMT_DECLARE(VFCT_HDR_FIELDS, vfct_header_fields);
#undef FMT_PREFIX
#define VFCT_HDR_KEY(NAME) (vfct_header_fields[VFCT_HDR_F_##NAME].key)

/* VFCT_IMAGE_HEADER: where the image's GPU sits and what it is. amdgpu uses
 * the image whose bus, device, function, vendor and device match the GPU
 * (the PCI domain is not recorded). */
struct vfct_image_header {
	uint32_t pci_bus;
	uint32_t pci_device;
	uint32_t pci_function;
	uint16_t vendor;
	uint16_t device;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;
	uint32_t revision;
	uint32_t image_length;
};

#define VFCT_IMG_FIELDS(X)                                                                         \
	X(PCI_BUS, pci_bus, 0, 4, "pci_bus")                                                       \
	X(PCI_DEVICE, pci_device, 4, 4, "pci_device")                                              \
	X(PCI_FUNCTION, pci_function, 8, 4, "pci_function")                                        \
	X(VENDOR, vendor, 12, 2, "vendor_id")                                                      \
	X(DEVICE, device, 14, 2, "device_id")                                                      \
	X(SUBSYSTEM_VENDOR, subsystem_vendor, 16, 2, "subsystem_vendor_id")                        \
	X(SUBSYSTEM_DEVICE, subsystem_device, 18, 2, "subsystem_id")                               \
	X(REVISION, revision, 20, 4, "revision")                                                   \
	X(IMAGE_LENGTH, image_length, 24, 4, "image_length")

#define FMT_PREFIX VFCT_IMG
FMT_DECLARE(VFCT_IMG_FIELDS, vfct_image_header_fields);
#undef FMT_PREFIX
#define VFCT_IMG_KEY(NAME) (vfct_image_header_fields[VFCT_IMG_F_##NAME].key)

enum vfct_status {
	VFCT_OK = 0,
	VFCT_NOT_VFCT,   /* no "VFCT" signature, or fewer bytes than the ACPI header */
	VFCT_BAD_LENGTH, /* the header's length is below the VFCT header's 0x4C bytes */
	VFCT_TRUNCATED,  /* the bytes end before the header's length */
	VFCT_BAD_OFFSET, /* VBIOSImageOffset before the header's end or past the table */
};

/* Why the image list ended. */
enum vfct_stop {
	VFCT_STOP_ZERO = 0,  /* an all-zero header */
	VFCT_STOP_END,       /* no whole header fits before the table's end */
	VFCT_STOP_TRUNCATED, /* an image runs past the table's end (amdgpu refuses it) */
	VFCT_STOP_CAP,       /* VFCT_MAX_IMAGES images */
};

struct vfct_image {
	struct vfct_image_header hdr;
	size_t header_offset; /* of the image header, in the table */
	size_t data_offset;   /* of the image bytes */
	size_t data_length;   /* bytes present (image_length unless truncated) */
	bool truncated;
};

struct vfct_table {
	struct acpi_header acpi;
	struct vfct_header vfct;
	char oem_id[ACPI_OEM_ID_LEN + 1]; /* printable: other bytes as '?' */
	char oem_table_id[ACPI_OEM_TABLE_LEN + 1];
	size_t length; /* bytes of the table walked: the header's length */
	uint8_t sum;   /* sum of those bytes mod 256: 0 when the checksum is right */
	bool checksum_ok;
	size_t trailing; /* bytes after the declared length (an acpidump file may pad) */
	struct vfct_image images[VFCT_MAX_IMAGES];
	size_t n;
	enum vfct_stop stop;
	size_t stop_offset;
};

/* True when s starts with "VFCT" and holds a whole ACPI header: the cheap
 * look input/ uses to recognise a table. */
bool vfct_is_table(const struct span *s);

/* Decodes the table and its image list. On a status other than VFCT_OK,
 * why (may be NULL) holds one line with the offset, expected and found
 * values, and t->n is 0. */
enum vfct_status vfct_decode(const struct span *s, struct vfct_table *t, char *why, size_t cap);

/* "ok", "not-vfct", ... for tests and the fuzz harness. */
const char *vfct_status_str(enum vfct_status st);
const char *vfct_stop_str(enum vfct_stop st);

/* "03:00.0" for an image's PCI address (bus:device.function as lspci
 * writes it without the domain); false when it does not fit. */
bool vfct_image_bdf(const struct vfct_image_header *h, char *out, size_t cap);

#endif
