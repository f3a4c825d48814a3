/* struct rom_report: the one model of a ROM file that every emitter, the
 * diff, the scanner and the patcher read. Filled by rom_analyze(); holds no
 * pointers into the file's bytes, so it outlives them.
 */
#ifndef OPTROM_REPORT_H
#define OPTROM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_MAX_IMAGES   32 /* per list; real ROMs have at most a handful */
#define REPORT_MAX_FINDINGS 64
#define REPORT_MSG_LEN      240
#define REPORT_SCHEMA       1 /* the `optrom:` key of the YAML report */

enum rom_verdict { VERDICT_READY = 0, VERDICT_FIXABLE = 1, VERDICT_BROKEN = 3 };
enum finding_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_ERROR };

struct finding {
	const char *id; /* stable kebab-case id, documented in docs/findings.md */
	enum finding_severity severity;
	bool has_offset;
	uint64_t offset; /* file offset */
	int image;       /* index in images[], or -1 */
	bool fixable;    /* `optrom fix` repairs it */
	char message[REPORT_MSG_LEN];
};

struct rom_checksum {
	bool present;      /* x86 images only: EFI images carry none by spec */
	bool ok;           /* sum over `length` bytes is 0 mod 256 */
	uint8_t sum;       /* the 8-bit sum found */
	size_t length;     /* bytes summed: size byte x 512, as SeaBIOS and iPXE check */
	bool complete;     /* the summed range lies inside the file */
	size_t fix_offset; /* file offset of the byte the image's producer balances */
};

struct rom_pe {
	bool valid;     /* the driver parsed as PE32/PE32+ (or TE) */
	char error[48]; /* why not, when !valid */
	char kind[8];   /* "pe32", "pe32+", "te" */
	uint16_t machine;
	uint16_t subsystem;
	uint32_t entry_point;
	uint32_t size_of_image;
	uint32_t timestamp;
	uint16_t sections;
};

struct rom_efi {
	uint16_t init_blocks;
	uint32_t signature;
	uint16_t subsystem;
	uint16_t machine;
	uint16_t compression;
	uint16_t image_offset;
	/* the driver payload, [image + image_offset, image + init size) */
	bool inspected;
	size_t payload_offset; /* file offset */
	size_t payload_length;
	uint32_t compressed_size; /* compression 1: the stream header's sizes */
	uint32_t decompressed_size;
	bool decompress_ok;
	char decompress_error[64];
	char variant[12]; /* "efi", "tiano", "ambiguous" or "none" (diagnostic) */
	struct rom_pe pe;
	char gop_version[96]; /* AMD: PE string; NVIDIA: NPDE+0x0C as 0x-hex */
};

struct rom_npde {
	bool present;
	size_t offset; /* relative to the image */
	uint16_t revision;
	uint16_t length;
	uint16_t subimage_blocks;
	bool last;
	uint8_t flags;
};

struct rom_image {
	size_t offset;        /* file offset of the image */
	size_t length;        /* PCIR image length x 512 */
	bool truncated;       /* the file ends before offset + length */
	uint16_t signature;   /* 0xAA55, or NVIDIA's 0x4E56 / 0xBB77 */
	uint16_t pcir_offset; /* relative to the image */
	uint32_t pcir_signature;
	uint8_t pcir_revision;
	uint16_t pcir_length;
	uint16_t vendor_id;
	uint16_t device_id;
	uint32_t class_code;
	uint16_t code_revision;
	uint8_t code_type;
	uint8_t indicator;
	bool last;
	uint8_t size_byte; /* legacy byte 0x02 */
	int producer;      /* enum pci_producer */
	char version[48];  /* NVIDIA BIT version or AMD part number, when known */
	struct rom_checksum checksum;
	bool is_efi;
	struct rom_efi efi;
	struct rom_npde npde;
};

enum trailing_kind {
	TRAILING_NONE = 0, /* the chain ends at the end of the file */
	TRAILING_FF,       /* only 0xFF */
	TRAILING_ZERO,     /* only 0x00 */
	TRAILING_PADDING,  /* only 0xFF and 0x00 */
	TRAILING_DATA,     /* anything else */
};

struct rom_container {
	bool present;
	const char *kind; /* "nvgi", "amd-efs" or "unknown" */
	size_t length;    /* bytes before the ROM */
	/* NVGI fields (kind "nvgi") */
	bool nvgi_decoded;
	int nvgi_status; /* enum nvgi_status */
	uint8_t nvgi_version;
	uint32_t nvgi_fixed_data_size;
	uint32_t nvgi_total_data_size;
	uint16_t nvgi_subsystem_vendor;
	uint16_t nvgi_subsystem_device;
	uint32_t nvgi_rom_offset;
	uint32_t nvgi_rfrd_offset;
};

struct rom_report {
	char file[1024];
	uint64_t size;
	char sha256[65];
	enum rom_verdict verdict;

	bool has_rom;
	size_t rom_offset;
	char locate_reason[REPORT_MSG_LEN]; /* why this offset (structure that supports it) */
	unsigned candidates;                /* places that held a valid first image */
	bool isa_rom;                       /* 55AA at 0 with a valid checksum, no PCIR */
	size_t isa_length;

	struct rom_container container;

	struct rom_image images[REPORT_MAX_IMAGES]; /* the standard chain */
	size_t n_images;
	bool chain_complete; /* ended on a last-image flag, nothing truncated */
	size_t chain_end;    /* file offset just past the last image (clamped to size) */

	struct rom_image nvidia[REPORT_MAX_IMAGES]; /* NVIDIA's NPDE view of the chain */
	size_t n_nvidia;

	struct rom_image other_images[REPORT_MAX_IMAGES]; /* valid images after the chain */
	size_t n_other;

	enum trailing_kind trailing;
	size_t trailing_length;

	struct finding findings[REPORT_MAX_FINDINGS];
	size_t n_findings;
	bool findings_overflow;
};

const char *report_verdict_name(enum rom_verdict v);
const char *report_severity_name(enum finding_severity s);
const char *report_trailing_name(enum trailing_kind t);

/* Adds a finding (printf-style message); silently counts overflow. */
void report_add(struct rom_report *r, const char *id, enum finding_severity sev, bool fixable,
                int image, bool has_offset, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* The first finding with this id, or NULL. */
const struct finding *report_find(const struct rom_report *r, const char *id);

/* Sets r->verdict from the findings: broken when an error is not fixable,
 * fixable when anything fixable remains, ready otherwise. */
void report_set_verdict(struct rom_report *r);

#endif
