/* Vendor identity of an image: NVIDIA's BIT table (or a BMP on pre-BIT
 * boards), AMD's ATOMBIOS header, tables and strings, Intel's VBT. It hangs
 * off the node behind a pointer (rom_node.vendor), so only the images that
 * carry vendor data pay for it; it is decoded once, after the chains are
 * known (BIT pointers past image 0 resolve into NVIDIA's first private
 * image), and every report reads it from there.
 */
#ifndef OPTROM_VENDOR_H
#define OPTROM_VENDOR_H

#include "analyzer/tree.h"
#include "formats/atom_tables.h"
#include "formats/intel_vbt.h"
#include "formats/nv_bit.h"
#include "formats/span.h"

#define PCI_VENDOR_INTEL 0x8086u

/* The x86 image's HWINFO block (envytools hwinfo_ext): up to Maxwell the
 * subsystem ids sit at +0x54/+0x56, and the block +0x58..+0x6B carries 0xA5
 * at +0x6A and sums to 0. On Pascal+ +0x54 is 0 or a VESA "PMID". */
#define NV_MAX_BACKUPS       4u
#define NV_X86_SUBSYSTEM_OFF 0x54u
#define NV_HWINFO_OFF        0x58u
#define NV_HWINFO_LEN        0x14u
#define NV_HWINFO_MARK_OFF   0x6Au
#define NV_HWINFO_MARK       0xA5u

enum vendor_kind { VENDOR_NONE = 0, VENDOR_NVIDIA, VENDOR_AMD, VENDOR_INTEL };

struct vendor_nvidia {
	bool has_bit;
	struct nv_bit bit;     /* status says why a table is unusable */
	struct nv_bit_map map; /* how token pointers were resolved */
	bool has_bmp;          /* pre-BIT board: "FF 7F NV 00" */
	size_t bmp_offset;
	uint8_t bmp_major, bmp_minor;
	/* Backup copies: x86 images after the chain with image 0's ids and
	 * length (TU117 flashes hold a second NVGI + chain); identical when
	 * every byte of the image equals image 0's. */
	size_t n_backups;
	struct {
		size_t offset;
		bool identical;
	} backups[NV_MAX_BACKUPS];
	bool has_hwinfo; /* the HWINFO block checks: +0x54 holds the subsystem ids */
	uint16_t subsystem_vendor, subsystem_device;
};

struct rom_vendor {
	enum vendor_kind kind;
	union {
		struct vendor_nvidia nvidia;
		struct atom_ext amd;
		struct intel_vbt intel;
	} u;
};

const char *vendor_kind_name(enum vendor_kind k);

/* A group of declared text fields (formats/field.h) of a node's vendor
 * data, under the name it has in reports: "nvidia" (the BIT identity),
 * "nvidia.strings" (token 'S'), "amd" (the ATOMBIOS strings), "atom" (the
 * image's ATOMBIOS header strings), "intel" (the VBT). The YAML keys, the
 * text, diff's field names ("nvidia.build_date": prefix, dot, key) and
 * scan's columns (through the roles) all read these. */
struct vendor_text {
	const char *prefix;
	const struct fmt_text *fields;
	size_t n;
	const void *decoded; /* what fmt_text_value reads */
};

#define VENDOR_TEXT_MAX 4

/* The text groups of node n (none without vendor data); at most cap. */
size_t vendor_texts(const struct rom_node *n, struct vendor_text *out, size_t cap);

/* The value people quote for role r (version, part number, build date,
 * board): the first non-empty field with that role in the groups of the
 * vendor node (vendor_node); "" when none. Points into the analysis. */
const char *vendor_quote(const struct rom_analysis *a, enum fmt_role r);

/* Decodes the vendor data of the standard chain's x86 images (analysis
 * pass; needs the chains). False only when memory ran out. */
bool vendor_decode(struct rom_analysis *a, const struct span *s);

/* Findings from the vendor data: BIT checksum and token ranges, ATOM table
 * ranges, $PSP checksum and signing, cross-checks against the PCI ids. */
void rules_vendor(struct rom_analysis *a);

/* The VBIOS version people quote for the ROM (NVIDIA BIT version, AMD
 * ATOMBIOS version string, Intel VBT build), "" when none:
 * vendor_quote(a, FMT_ROLE_VERSION). */
const char *vendor_version(const struct rom_analysis *a);

/* The board's subsystem ids as the vendor data gives them: NVIDIA's NVGI
 * header (else the x86 HWINFO block), AMD's ATOM ROM header. */
bool vendor_subsystem(const struct rom_analysis *a, const struct rom_node *n, uint16_t *sv,
                      uint16_t *sd);

/* The first image of the standard chain with vendor data, or NULL. */
const struct rom_node *vendor_node(const struct rom_analysis *a, size_t *index);

#endif
