/* The analysis tree: the one model of a ROM file that every command reads.
 *
 * Each image offset the analysis probes becomes one node, decoded once: its
 * 55AA header, PCI data structure (PCIR/NPDS), NPDE, EFI ROM header, $PnP
 * header, producer and checksum, and for EFI images of the standard chain
 * the driver (decompressed, owned by the node) with its PE view. The
 * standard chain, NVIDIA's NPDE view and the images after the chain are
 * lists of references to nodes, each with what that view says of the image
 * (its length and last flag). Rules, emitters, extract and the patcher read
 * the nodes; none decodes the file's bytes again. The analysis holds no
 * pointer into the bytes it was made from, so it outlives them.
 *
 * UEFITool's model: each node decoded once into one tree that every view
 * reads (../shared/docs/design.md, "The analysis tree").
 */
#ifndef OPTROM_TREE_H
#define OPTROM_TREE_H

#include "analyzer/consumers.h"
#include "analyzer/findings.h"
#include "analyzer/integrity.h"
#include "analyzer/signature.h"
#include "formats/atom.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_MAX_IMAGES 32 /* per list; real ROMs have at most a handful */
#define REPORT_MSG_LEN    FINDING_MSG_LEN
#define REPORT_SCHEMA     1 /* the `optrom:` key of the YAML report */
/* Nodes per analysis: one per probed offset. The ROM search stops at
 * TREE_MAX_SCAN_PROBES places holding 55AA (a crafted file full of 55AA),
 * which leaves room for the chains and the scan after them; it makes a node
 * only where a structure signature lies behind the pointer
 * (pci_image_may_start_at), so a file of bare 55AA makes none. */
#define TREE_MAX_NODES       65536u
#define TREE_MAX_SCAN_PROBES 32768u
/* Output bytes that decompressing the chain's EFI drivers may cost one
 * analysis, the diagnostic tries of both variants included: one driver of
 * the largest size the decoder accepts (EFI_DECOMP_MAX_ORIG), 84 times the
 * largest in the corpus and Debian's ROMs (191 KiB). A stream of 22 bytes
 * may legally declare 16 MiB (single-symbol codes that repeat 256-byte
 * copies in 0 bits) and a chain holds 32 images, so without a limit a
 * 16 KiB file costs half a GiB and seconds (tests/bench/bench_locate.sh). */
#define TREE_DRIVER_BUDGET (16u * 1024u * 1024u)

/* 0 is no verdict at all: a zeroed analysis never reads as ready. */
enum rom_verdict { VERDICT_UNSET = 0, VERDICT_READY, VERDICT_FIXABLE, VERDICT_BROKEN };

struct rom_checksum {
	bool present;      /* x86 images only: EFI images carry none by spec */
	bool ok;           /* sum over `length` bytes is 0 mod 256 */
	uint8_t sum;       /* the 8-bit sum found */
	size_t length;     /* bytes summed: size byte x 512, as SeaBIOS and iPXE check */
	bool complete;     /* the summed range lies inside the file */
	size_t fix_offset; /* file offset of the byte the image's producer balances */
};

struct rom_pnp {
	enum pci_status status; /* PCI_OK when a $PnP header is where +0x1A points */
	size_t offset;          /* file offset of the header */
	struct pci_pnp hdr;
	char manufacturer[48]; /* strings the header points to, when present */
	char product[64];
};

enum driver_state {
	DRIVER_NONE = 0,        /* not an EFI image of the standard chain */
	DRIVER_BAD_OFFSET,      /* the image offset is outside the initialization bytes */
	DRIVER_BAD_COMPRESSION, /* compression type neither 0 nor 1 */
	DRIVER_DECOMPRESS_FAILED,
	DRIVER_NOT_DECODED, /* TREE_DRIVER_BUDGET spent by the drivers before it */
	DRIVER_OK,          /* bytes hold the PE driver */
};

/* The EFI driver of an EFI image: decoded once, the bytes owned. */
struct rom_driver {
	enum driver_state state;
	size_t payload_offset; /* file offset of the driver bytes in the ROM */
	size_t payload_length;
	uint32_t compressed_size; /* compression 1: the stream header's sizes */
	uint32_t decompressed_size;
	char variant[12]; /* "efi", "tiano", "ambiguous", "none" or "untried" (diagnostic) */
	char decompress_error[64];
	uint8_t *bytes; /* the PE driver (decompressed when compressed); NULL unless DRIVER_OK */
	size_t length;
	/* The PE view of bytes, decoded once when state is DRIVER_OK. */
	bool has_pe;
	enum pe_status pe_status; /* PE_OK, PE_TE_IMAGE or where the header broke */
	struct pe_info pe;
	char gop_version[96]; /* AMD: PE string; NVIDIA: NPDE+0x0C as 0x-hex */
	/* The Authenticode signature of bytes, checked once with the PE view
	 * (analyzer/signature.h); SIG_NONE unless the PE is PE32/PE32+. */
	struct rom_signature signature;
	char sha256[65]; /* of bytes[0 .. length) when DRIVER_OK, else "" */
};

/* The driver parsed as PE32/PE32+ (or is a TE image). */
static inline bool rom_driver_pe_valid(const struct rom_driver *d)
{
	return d->has_pe && (d->pe_status == PE_OK || d->pe_status == PE_TE_IMAGE);
}

struct rom_vendor;

/* One probed image offset. */
struct rom_node {
	size_t offset;
	/* The probe, NVIDIA signatures allowed; the standard view's answer is
	 * derived from it (tree_node_status). */
	enum pci_status status;
	struct pci_rom_header hdr;
	struct pci_pcir pcir;
	/* The rest only when status is PCI_OK. */
	size_t length;  /* PCIR image length x 512 */
	bool truncated; /* the file ends before offset + length */
	bool has_npde;
	struct npde npde;
	bool has_efi; /* code type 3 and the 0x1A header bytes exist */
	struct efi_rom_header efi;
	struct rom_pnp pnp; /* x86 55AA images with a $PnP pointer */
	/* PCI Firmware 3.0 device list (PCIR revision 3+, pointer not 0):
	 * devlist.n ids in device_ids (owned; NULL when n is 0, or when memory
	 * for them could not be had: then device_ids_lost). */
	struct pci_device_list devlist;
	uint16_t *device_ids;
	bool device_ids_lost;
	enum pci_producer producer; /* x86 55AA images */
	char version[48];           /* NVIDIA BIT version or AMD part number, when known */
	struct atom_info atom;      /* ATOMBIOS images (producer PCI_PRODUCER_ATOMBIOS) */
	struct rom_checksum checksum;
	struct rom_driver *driver; /* EFI images of the standard chain */
	/* SHA-256 of [offset, offset + length) clipped to the file, for the
	 * nodes the image lists name (others: ""). */
	char sha256[65];
	struct rom_vendor
	    *vendor; /* x86 images of the standard chain with vendor data (vendor.h) */
};

/* An image as one list sees it: a node, and this view's length and last
 * flag (NVIDIA's view takes them from the NPDE). */
struct rom_image {
	size_t node;    /* index in rom_analysis.nodes */
	size_t offset;  /* the node's offset: the key the lists are ordered by */
	size_t length;  /* this view's length */
	bool last;      /* this view's last-image flag */
	bool truncated; /* the file ends before offset + length */
};

enum trailing_kind {
	TRAILING_NONE = 0, /* the chain ends at the end of the file */
	TRAILING_FF,       /* only 0xFF */
	TRAILING_ZERO,     /* only 0x00 */
	TRAILING_PADDING,  /* only 0xFF and 0x00 */
	TRAILING_DATA,     /* anything else */
};

enum container_kind {
	CONTAINER_NONE = 0,
	CONTAINER_NVGI,    /* NVIDIA IFR: nvflash, GPU-Z, TechPowerUp */
	CONTAINER_AMD_EFS, /* AMD embedded-firmware structure: full-flash dump */
	CONTAINER_UNKNOWN,
};

enum chain_stop {
	CHAIN_STOP_LAST = 0,    /* an image carried the last-image bit */
	CHAIN_STOP_EOF,         /* a non-last image ends exactly at the end of the file */
	CHAIN_STOP_TRUNCATED,   /* the file ends inside an image */
	CHAIN_STOP_NOT_IMAGE,   /* the next offset holds no 55AA (chain ends without last bit) */
	CHAIN_STOP_BAD_PCIR,    /* 55AA at the next offset but its PCIR is unusable */
	CHAIN_STOP_ZERO_LENGTH, /* PCIR image length 0 (would loop forever) */
	CHAIN_STOP_CAP,         /* more than REPORT_MAX_IMAGES images */
	CHAIN_STOP_NO_FIRST,    /* no valid image at the start offset */
	CHAIN_STOP_NO_NODE,     /* the node table is full (crafted input) */
};

/* A chain: images in order and why the walk stopped. */
struct rom_chain {
	struct rom_image images[REPORT_MAX_IMAGES];
	size_t n;
	enum chain_stop stop;
	size_t stop_offset; /* file offset where the walk stopped */
	size_t end;         /* file offset just past the last image, clamped to the size */
};

struct rom_analysis {
	char file[1024]; /* the input as the user named it */
	uint64_t size;
	char sha256[65];
	enum rom_verdict verdict;

	/* The nodes, and an index from offset to node. */
	struct rom_node *nodes;
	size_t n_nodes, cap_nodes;
	uint32_t *index; /* open addressing: node index + 1, 0 empty */
	size_t index_cap;
	bool nodes_full; /* TREE_MAX_NODES reached: further probes refused */

	/* Where the ROM starts. */
	bool has_rom;
	size_t rom_offset;
	char locate_reason[REPORT_MSG_LEN];
	unsigned candidates; /* places that held a valid first image */
	bool scan_capped;    /* the candidate search stopped at TREE_MAX_SCAN_PROBES */
	bool isa_rom;        /* 55AA at 0 with a valid checksum, no PCIR */
	size_t isa_length;

	/* What precedes it: the NVGI header is decoded once, whatever follows. */
	enum nvgi_status nvgi_status;
	struct nvgi_header nvgi;
	enum container_kind container;
	size_t container_length; /* bytes before the ROM */

	struct rom_chain chain;  /* the standard chain: what firmware, Linux and QEMU walk */
	struct rom_chain nvidia; /* NVIDIA's NPDE view of it */
	struct rom_image other_images[REPORT_MAX_IMAGES]; /* valid images after the chain */
	size_t n_other;

	enum trailing_kind trailing;
	size_t trailing_length;

	struct finding_list findings;

	/* What no node describes, recorded by the tree build. */
	struct rom_integrity integ;
	/* What each firmware does with the file (analyzer/consumers.h). */
	struct rom_consumers consumers;
	/* The bytes are known to hold the whole ROM (rom_analyze_whole). */
	bool known_whole;
	size_t driver_budget; /* the decode limit the drivers were decoded under (analyze.h) */
};

/* Analyzes len bytes at data (data may be NULL when len is 0); name is the
 * input as the user wrote it (may be NULL). Never fails on the bytes: every
 * problem becomes a finding. Returns NULL only when memory for the analysis
 * itself cannot be had. */
struct rom_analysis *rom_analyze(const uint8_t *data, size_t len, const char *name);
void rom_analysis_free(struct rom_analysis *a);
/* The same, for bytes known to hold the whole ROM: an ACPI VFCT image, whose
 * length the table declares (formats/vfct.h). A chain whose final image ends
 * at the end of the bytes without the last-image bit is then
 * last-image-missing (fixable), not image-truncated: nothing can follow. */
struct rom_analysis *rom_analyze_whole(const uint8_t *data, size_t len, const char *name);

/* The node an image entry refers to. */
const struct rom_node *rom_node_of(const struct rom_analysis *a, const struct rom_image *img);
/* The node at a file offset, when the analysis probed it; else NULL. */
const struct rom_node *rom_node_at(const struct rom_analysis *a, size_t offset);
/* Image i of the standard chain and its node (i < a->chain.n). */
const struct rom_node *rom_chain_node(const struct rom_analysis *a, size_t i);

/* The standard chain ended on a last-image bit with nothing truncated. */
static inline bool rom_chain_complete(const struct rom_analysis *a)
{
	return a->chain.stop == CHAIN_STOP_LAST && a->chain.n > 0;
}

/* The node's probe as the standard view (55AA and "PCIR" only) sees it. */
enum pci_status rom_node_status(const struct rom_node *n, bool nvidia_view);

const struct finding *report_find(const struct rom_analysis *a, enum finding_id id);
const char *report_verdict_name(enum rom_verdict v);
const char *report_trailing_name(enum trailing_kind t);
const char *report_container_name(enum container_kind k);

#endif
