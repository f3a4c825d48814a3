/* PCI expansion ROM image: the 55AA header, the PCI data structure (PCIR and
 * NVIDIA's NPDS/RGIS variants) and the legacy $PnP expansion header.
 *
 * Sources: PCI Local Bus 2.2/2.3 and PCI Firmware 3.0 (via EDK2 Pci22.h and
 * Pci30.h), SeaBIOS optionroms.c, iPXE Option/ROM.pm, OpenRM pci_exp_table.h;
 * see ../shared/docs/formats-pci-amd-efi.md section 1 and formats-nvidia.md
 * section 3. All offsets below are relative to the image start unless noted.
 */
#ifndef OPTROM_PCI_ROM_H
#define OPTROM_PCI_ROM_H

#include "formats/field.h"
#include "formats/span.h"

#define PCI_ROM_BLOCK         512u        /* image lengths count 512-byte blocks */
#define PCI_ROM_SIG           0xAA55u     /* bytes 55 AA */
#define PCI_ROM_SIG_NV        0x4E56u     /* bytes 'V' 'N': NVIDIA private image */
#define PCI_ROM_SIG_NV2       0xBB77u     /* second NVIDIA private signature (OpenRM) */
#define PCIR_SIG_PCIR         0x52494350u /* "PCIR" */
#define PCIR_SIG_NPDS         0x5344504Eu /* "NPDS" (NVIDIA private images) */
#define PCIR_SIG_RGIS         0x53494752u /* "RGIS" (OpenRM, not seen in dumps) */
#define PCIR_MIN_LEN          0x18u       /* revision 0 (PCI 2.2/2.3) structure */
#define PCIR_SIG_LEN          4u          /* the signature: what must fit to find a PCIR */
#define PCIR_REV3_LEN         0x1Cu       /* revision 3 (PCI Firmware 3.0) structure */
#define PCIR_LAST_IMAGE       0x80u       /* indicator bit 7; bits 0-6 are reserved */
#define PCI_CODE_X86          0x00u
#define PCI_CODE_OPENFIRMWARE 0x01u
#define PCI_CODE_HPPA         0x02u
#define PCI_CODE_EFI          0x03u
#define PCI_CODE_NV_NBSI      0x70u /* NVIDIA NoteBook System Information */
#define PCI_CODE_NV_EXT       0xE0u /* NVIDIA VBIOS extension / FwSec */
#define PCI_CHECKSUM_IPXE_OFF 0x06u /* iPXE fixrom.pl, SeaBIOS buildrom.py */

enum pci_status {
	PCI_OK = 0,
	PCI_TRUNCATED,     /* the structure runs past the end of the bytes */
	PCI_BAD_SIGNATURE, /* 55AA / PCIR signature missing */
	PCI_BAD_POINTER,   /* PCIR pointer is 0 or points outside the bytes */
	PCI_MISALIGNED,    /* PCIR pointer is not DWORD aligned (PCI 2.2 6.3.1.2) */
	PCI_BAD_LENGTH,    /* PCIR length field below 0x18 or 0xFFFF */
};

const char *pci_status_str(enum pci_status st);

/* True when an image signature starts at off: 55 AA, and with allow_nvidia
 * also NVIDIA's 'VN' and 0xBB77 private-image signatures. A cheap look
 * before a probe (the scans use it); a probe decides. */
static inline bool pci_rom_sig_at(const struct span *s, size_t off, bool allow_nvidia)
{
	uint16_t sig;
	if (!span_u16le(s, off, &sig))
		return false;
	return sig == PCI_ROM_SIG ||
	       (allow_nvidia && (sig == PCI_ROM_SIG_NV || sig == PCI_ROM_SIG_NV2));
}

struct pci_rom_header {
	uint16_t signature;
	uint8_t
	    size_blocks; /* legacy byte 0x02; for EFI images the low byte of InitializationSize */
	uint16_t pcir_offset; /* relative to the image */
	uint16_t pnp_offset;  /* legacy $PnP pointer (0 = none or not present) */
	bool has_pnp_field;   /* the image is long enough to hold 0x1A..0x1B */
};

/* The 55AA header, from the image start (PCI 2.2 6.3.1.1). Byte 2 is the
 * legacy size in blocks; EFI images keep the rest of their header in the
 * same bytes (formats/efi_rom.h). The PCIR pointer is reported in the
 * image's pcir: mapping, hence its key "offset". */
#define PCI_ROM_HDR_FIELDS(X)                                                                      \
	X(SIGNATURE, signature, 0x00, 2, "signature")                                              \
	X(SIZE, size_blocks, 0x02, 1, "size_byte")                                                 \
	X(PCIR_PTR, pcir_offset, 0x18, 2, "offset")                                                \
	X(PNP_PTR, pnp_offset, 0x1A, 2, "pnp_offset")

#define FMT_PREFIX PCI_ROM_HDR
FMT_DECLARE(PCI_ROM_HDR_FIELDS, pci_rom_header_fields);
#undef FMT_PREFIX
#define PCI_ROM_HDR_KEY(NAME) (pci_rom_header_fields[PCI_ROM_HDR_F_##NAME].key)
/* bytes needed to reach the end of the PCIR pointer */
#define PCI_ROM_HDR_MIN_LEN (PCI_ROM_HDR_OFF_PCIR_PTR + 2u)

/* Decodes the header of the image at img. Accepts 55AA always, and the
 * NVIDIA signatures when allow_nvidia is set. */
enum pci_status pci_rom_header_decode(const struct span *s, size_t img, bool allow_nvidia,
                                      struct pci_rom_header *out);

enum pcir_kind { PCIR_KIND_PCIR, PCIR_KIND_NPDS, PCIR_KIND_RGIS };

struct pci_pcir {
	enum pcir_kind kind;
	uint32_t signature;
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t device_list; /* rev 3: device list pointer from the PCIR; rev 0: reserved/VPD */
	uint16_t length;      /* structure length in bytes */
	uint8_t revision;
	uint32_t class_code;   /* base class << 16 | sub-class << 8 | prog-if */
	uint16_t image_blocks; /* image length in 512-byte units: the chain step */
	uint16_t code_revision;
	uint8_t code_type;
	uint8_t indicator;
	bool has_rev3_fields; /* length >= 0x1C and those bytes exist */
	uint16_t max_runtime_blocks;
	uint16_t config_utility;
	uint16_t dmtf_clp;
};

/* PCI Firmware 3.0 table 5-2 (EDK2 PCI_3_0_DATA_STRUCTURE), from the
 * structure's start. The class code is the 3 bytes 0x0D..0x0F read as one
 * little-endian number: prog-if, sub-class, base class. The last three
 * fields exist only when the structure's length is at least 0x1C: keep
 * them last, pci_pcir_decode reads them apart. */
#define PCIR_FIELDS(X)                                                                             \
	X(SIGNATURE, signature, 0x00, 4, "pcir_signature")                                         \
	X(VENDOR_ID, vendor_id, 0x04, 2, "vendor")                                                 \
	X(DEVICE_ID, device_id, 0x06, 2, "device")                                                 \
	X(DEVICE_LIST, device_list, 0x08, 2, "device_list")                                        \
	X(LENGTH, length, 0x0A, 2, "length")                                                       \
	X(REVISION, revision, 0x0C, 1, "revision")                                                 \
	X(CLASS_CODE, class_code, 0x0D, 3, "class")                                                \
	X(IMAGE_LENGTH, image_blocks, 0x10, 2, "image_length")                                     \
	X(CODE_REVISION, code_revision, 0x12, 2, "code_revision")                                  \
	X(CODE_TYPE, code_type, 0x14, 1, "code_type")                                              \
	X(INDICATOR, indicator, 0x15, 1, "indicator")                                              \
	X(MAX_RUNTIME, max_runtime_blocks, 0x16, 2, "max_runtime")                                 \
	X(CONFIG_UTILITY, config_utility, 0x18, 2, "config_utility")                               \
	X(DMTF_CLP, dmtf_clp, 0x1A, 2, "dmtf_clp")

#define FMT_PREFIX PCIR
FMT_DECLARE(PCIR_FIELDS, pci_pcir_fields);
#undef FMT_PREFIX
#define PCIR_KEY(NAME) (pci_pcir_fields[PCIR_F_##NAME].key)
#define PCIR_F_REV3    PCIR_F_MAX_RUNTIME /* first field that needs length >= 0x1C */

/* True when an image may start at off: a signature (pci_rom_sig_at), a
 * PCIR pointer that is not 0, and at off + pointer, inside s, the
 * structure's signature: "PCIR", and with allow_nvidia also NPDS or RGIS.
 * What pci_image_probe needs for PCI_OK, read without decoding: a search
 * that looks here first makes no node where no image can be (a file dense
 * in 55 AA), and every node it would find an image in is still made. */
static inline bool pci_image_may_start_at(const struct span *s, size_t off, bool allow_nvidia)
{
	uint16_t ptr;
	uint32_t sig;
	size_t at;
	if (!pci_rom_sig_at(s, off, allow_nvidia) ||
	    !size_add(off, PCI_ROM_HDR_OFF_PCIR_PTR, &at) || !span_u16le(s, at, &ptr) || ptr == 0 ||
	    !size_add(off, ptr, &at) || !size_add(at, PCIR_OFF_SIGNATURE, &at) ||
	    !span_u32le(s, at, &sig))
		return false;
	return sig == PCIR_SIG_PCIR ||
	       (allow_nvidia && (sig == PCIR_SIG_NPDS || sig == PCIR_SIG_RGIS));
}

/* Decodes the PCI data structure at absolute offset pcir_abs. Accepts "PCIR"
 * always and NPDS/RGIS when allow_nvidia is set. Fields at 0x16..0x1B are
 * only read when the structure's own length says they exist (rev 0 NVIDIA
 * x86 images keep code there). A bad length field is reported as
 * PCI_BAD_LENGTH but *out is still filled. */
enum pci_status pci_pcir_decode(const struct span *s, size_t pcir_abs, bool allow_nvidia,
                                struct pci_pcir *out);

/* The device list of PCI Firmware 3.0 (table 5-2, "Device List Pointer" at
 * PCIR+0x08, structure revision 3 and later; iPXE Option::ROM device_list):
 * from the PCIR's start, the 16-bit device ids of the PCIR's vendor that the
 * image also supports, ended by 0x0000. A pointer of 0 means no list; NVIDIA's
 * Maxwell/Pascal x86 images point to an empty one (formats-nvidia.md 3.2).
 * SeaBIOS ignores the list (it runs an x86 image only for the PCIR's own
 * vendor:device). One entry of the list, declared like any structure: */
struct pci_device_list_entry {
	uint16_t device_id;
};
#define PCI_DEVLIST_FIELDS(X) X(DEVICE_ID, device_id, 0x00, 2, "device")

#define FMT_PREFIX PCI_DEVLIST
FMT_DECLARE(PCI_DEVLIST_FIELDS, pci_device_list_fields);
#undef FMT_PREFIX
#define PCI_DEVLIST_REVISION 3u    /* the first PCIR revision with a list */
#define PCI_DEVLIST_MAX      1024u /* ids read before the walk gives up */

enum pci_devlist_status {
	PCI_DEVLIST_NONE = 0,     /* revision below 3, or the pointer is 0 */
	PCI_DEVLIST_OK,           /* ids, then 0x0000, inside the image */
	PCI_DEVLIST_OUT_OF_RANGE, /* the list starts outside the image's bytes */
	PCI_DEVLIST_UNTERMINATED, /* no 0x0000 before the image's bytes end */
	PCI_DEVLIST_TOO_LONG,     /* no 0x0000 within PCI_DEVLIST_MAX ids */
};

struct pci_device_list {
	enum pci_devlist_status status;
	uint16_t pointer; /* PCIR+0x08, from the PCIR */
	size_t offset;    /* of the list, from the image start */
	size_t length;    /* bytes read: the ids, and the terminator when found */
	size_t n;         /* ids read (before the terminator) */
};

/* Decodes the device list of the PCIR p found at pcir_off in the image
 * whose bytes are img (the image's length, clipped to the file: the list
 * must lie inside them). Stores at most cap ids into ids (may be NULL when
 * cap is 0); out->n counts what was read, at most PCI_DEVLIST_MAX. */
enum pci_devlist_status pci_device_list_decode(const struct span *img, size_t pcir_off,
                                               const struct pci_pcir *p, uint16_t *ids, size_t cap,
                                               struct pci_device_list *out);
/* "none", "ok", "out-of-range", "unterminated", "too-long". */
const char *pci_devlist_status_str(enum pci_devlist_status st);

/* Candidate check for an image starting at img: signature, PCIR pointer
 * non-zero, DWORD aligned and inside the bytes, PCIR signature. On success
 * fills the header and PCIR. */
enum pci_status pci_image_probe(const struct span *s, size_t img, bool allow_nvidia,
                                struct pci_rom_header *hdr, struct pci_pcir *pcir);

/* "x86", "openfirmware", "hppa", "efi", "nvidia-private" or "other". */
const char *pci_code_type_name(uint8_t code_type);

struct pci_pnp {
	uint32_t signature;
	uint8_t revision;
	uint8_t length_units; /* in 16-byte units */
	uint16_t next;
	uint8_t checksum_byte;
	uint8_t sum; /* 8-bit sum over length_units*16 bytes; 0 when valid */
	uint32_t device_id;
	uint16_t manufacturer_ptr;
	uint16_t product_ptr;
};

#define PNP_SIG 0x506E5024u /* "$PnP" */

/* PnP BIOS spec 1.0A appendix A.3, from the header's start: the length
 * counts 16-byte units, the checksum byte balances the whole header. */
#define PNP_FIELDS(X)                                                                              \
	X(SIGNATURE, signature, 0x00, 4, "signature")                                              \
	X(REVISION, revision, 0x04, 1, "revision")                                                 \
	X(LENGTH, length_units, 0x05, 1, "length")                                                 \
	X(NEXT, next, 0x06, 2, "next")                                                             \
	X(CHECKSUM, checksum_byte, 0x09, 1, "checksum")                                            \
	X(DEVICE_ID, device_id, 0x0A, 4, "device_id")                                              \
	X(MANUFACTURER, manufacturer_ptr, 0x0E, 2, "manufacturer")                                 \
	X(PRODUCT, product_ptr, 0x10, 2, "product")

#define FMT_PREFIX PNP
FMT_DECLARE(PNP_FIELDS, pci_pnp_fields);
#undef FMT_PREFIX
#define PNP_KEY(NAME) (pci_pnp_fields[PNP_F_##NAME].key)

/* Decodes a $PnP header at img + ptr. */
enum pci_status pci_pnp_decode(const struct span *s, size_t img, uint16_t ptr, struct pci_pnp *out);

/* Copies a NUL-terminated string at img + ptr (at most cap-1 printable
 * bytes); false when ptr is 0 or outside the bytes. */
bool pci_rom_string(const struct span *s, size_t img, uint16_t ptr, char *out, size_t cap);

/* Who built an x86 image, as far as the image says, and so which byte its
 * producer uses to balance the checksum. */
enum pci_producer {
	PCI_PRODUCER_UNKNOWN = 0,
	PCI_PRODUCER_ATOMBIOS, /* AMD/ATI: byte 0x21 (PolarisBiosEditor, upp, yaabe) */
	PCI_PRODUCER_IPXE,     /* iPXE: byte 0x06 (Option::ROM checksum field) */
	PCI_PRODUCER_SEABIOS,  /* SeaBIOS VGA BIOS: byte 0x06 (scripts/buildrom.py) */
	PCI_PRODUCER_NVIDIA,   /* NVIDIA: last byte of the image (envytools vbios_mgmt) */
};

const char *pci_producer_name(enum pci_producer p);

/* The byte an image's producer balances the checksum with (where depends
 * on the producer: pci_checksum_byte in formats/producer.h), as a
 * one-field structure so that diff names it like any other field. */
struct pci_checksum_byte {
	uint8_t value;
};
#define PCI_CHECKSUM_FIELDS(X) X(BYTE, value, 0x00, 1, "byte")

#define FMT_PREFIX PCI_CHECKSUM
FMT_DECLARE(PCI_CHECKSUM_FIELDS, pci_checksum_fields);
#undef FMT_PREFIX

#endif
