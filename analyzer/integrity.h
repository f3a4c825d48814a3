/* What the tree records about the bytes no structure describes, and about
 * an image whose header is damaged: the facts the rules need, gathered
 * once while the bytes are at hand (analyzer/integrity.c), so that the
 * rules read nodes and these fields and never the bytes.
 */
#ifndef OPTROM_INTEGRITY_H
#define OPTROM_INTEGRITY_H

#include "formats/pci_rom.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a run of bytes is filled. */
enum fill_kind {
	FILL_EMPTY = 0, /* no bytes */
	FILL_FF,        /* only 0xFF */
	FILL_ZERO,      /* only 0x00 */
	FILL_PADDING,   /* only 0xFF and 0x00 */
	FILL_DATA,      /* anything else */
};

/* An image before the chosen ROM whose PCI data structure survives where
 * its 55AA or its PCIR pointer does not (issue 11 point 3). */
struct rom_damaged_header {
	bool present;
	size_t offset;      /* where the image starts: the ROM start minus its length */
	size_t pcir_offset; /* file offset of the surviving PCIR */
	struct pci_pcir pcir;
	uint16_t signature; /* found at offset (0xAA55 when it survives) */
	bool signature_ok;
	uint16_t pointer;      /* found at offset + 0x18 */
	bool pointer_ok;       /* equals pcir_offset - offset */
	bool efi_signature_ok; /* EFI images: 0x0EF1 at +4 */
	bool has_sum;          /* x86: the sum after the restore could be computed */
	uint8_t size_blocks;   /* x86: the size byte */
	uint8_t sum_restored;  /* x86: 8-bit sum over size byte x 512 after the restore */
	/* The evidence is exact (analyzer/integrity.c says the rule): fix may
	 * write the 55AA and the pointer back. */
	bool restorable;
};

/* What the file says a device's ids are, apart from each image's own. */
struct rom_id_evidence {
	bool known;
	uint16_t vendor, device;
	size_t votes;             /* plausible chain images that carry them (0: the producer's) */
	uint16_t producer_vendor; /* an ATOMBIOS image is AMD's, NVIDIA's BIT image 10de; else 0 */
};

struct rom_integrity {
	enum fill_kind fill;   /* the whole file */
	bool nv_then_ff;       /* 'VN' at 0 followed only by 0xFF (a failed flash) */
	enum fill_kind prefix; /* the bytes before the ROM (or before the damaged image) */
	struct rom_damaged_header damaged;
	struct rom_id_evidence ids;
};

struct rom_analysis;
struct rom_node;

/* Why an image's ids are implausible (buf, one phrase), or NULL: vendor
 * 0000 or FFFF, device FFFF, an id that is two bytes of a PCI data
 * structure signature, a vendor other than pv (the producer's, 0: none). */
const char *rom_id_implausible(const struct pci_pcir *p, uint16_t pv, char *buf, size_t cap);

/* An NVIDIA Turing and later GOP image: EFI with 0000:0000 in an NVIDIA
 * ROM (formats-nvidia.md 3.2); its ids are no finding beyond info. */
bool rom_id_nv_zero(const struct rom_analysis *a, const struct rom_node *n);

#endif
