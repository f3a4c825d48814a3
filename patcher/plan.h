/* From a report and the file's bytes to a list of edits: what `optrom fix`
 * would change, and why. Planning reads the bytes (bounded, through span)
 * but changes nothing; apply.h makes the edited copy, write.h stores it.
 *
 * The plan keeps one input range [keep_start, keep_end): the prefix before
 * the ROM is stripped, and with --trim everything after the standard chain.
 * Byte edits are given at input offsets and at output offsets. Within an
 * image, the checksum byte is computed last, over the bytes as they are
 * after that image's id and last-flag edits.
 */
#ifndef OPTROM_PATCH_PLAN_H
#define OPTROM_PATCH_PLAN_H

#include "analyzer/tree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* vendor, device, flag, $PnP, checksum per image; 55AA and pointer of a damaged image */
#define PATCH_MAX_EDITS  (5 * REPORT_MAX_IMAGES + 2)
#define PATCH_MAX_NOTES  8
#define PATCH_MAX_BYTES  4
#define PATCH_REASON_LEN REPORT_MSG_LEN

struct patch_options {
	bool trim;   /* cut right after the last image of the standard chain */
	bool set_id; /* rewrite vendor and device id in every image's PCIR */
	uint16_t vendor;
	uint16_t device;
};

enum patch_edit_kind {
	PATCH_EDIT_VENDOR_ID,
	PATCH_EDIT_DEVICE_ID,
	PATCH_EDIT_LAST_FLAG,
	PATCH_EDIT_CHECKSUM,
	PATCH_EDIT_PNP_CHECKSUM,
	PATCH_EDIT_ROM_SIGNATURE, /* 55AA written back (image-header-damaged) */
	PATCH_EDIT_PCIR_POINTER,  /* PCIR pointer written back (image-header-damaged) */
};

struct patch_edit {
	enum patch_edit_kind kind;
	int image;         /* index in the standard chain */
	size_t offset;     /* input file offset */
	size_t out_offset; /* offset in the output file */
	size_t length;     /* 1..PATCH_MAX_BYTES */
	uint8_t old_bytes[PATCH_MAX_BYTES];
	uint8_t new_bytes[PATCH_MAX_BYTES];
	char reason[PATCH_REASON_LEN];
};

/* A removed input range (prefix or tail); length 0 when absent. */
struct patch_range {
	size_t offset;
	size_t length;
	char reason[PATCH_REASON_LEN];
};

enum patch_status {
	PATCH_PLAN_OK = 0,     /* edits listed (possibly none) */
	PATCH_PLAN_CANNOT = 3, /* the ROM cannot be made ready: see error */
};

struct patch_plan {
	enum patch_status status;
	char error[PATCH_REASON_LEN]; /* one line: offset, expected, found */
	uint64_t in_size;
	size_t keep_start; /* the output is input [keep_start, keep_end) + edits */
	size_t keep_end;
	struct patch_range strip; /* [0, rom_offset) */
	struct patch_range trim;  /* [chain_end, size) with --trim */
	struct patch_edit edits[PATCH_MAX_EDITS];
	size_t n_edits;
	char notes[PATCH_MAX_NOTES][PATCH_REASON_LEN];
	size_t n_notes;
};

/* True when the plan changes nothing: the output would equal the input. */
bool patch_plan_is_empty(const struct patch_plan *p);

/* Plans the repair of data (len bytes) that a describes (a must come from
 * rom_analyze over the same bytes; the plan reads the tree, and the bytes
 * only for the old values of the bytes it edits). Never fails outright: a ROM that cannot
 * be made ready gives status PATCH_PLAN_CANNOT and a one-line error. */
void patch_plan_make(const struct rom_analysis *a, const uint8_t *data, size_t len,
                     const struct patch_options *opt, struct patch_plan *p);

/* "vendor-id", "device-id", "last-image-flag", "checksum", "pnp-checksum",
 * "rom-signature", "pcir-pointer". */
const char *patch_edit_kind_name(enum patch_edit_kind k);

/* Parses "VVVV:DDDD" (hex, 1-4 digits each); false when malformed. */
bool patch_parse_id(const char *s, uint16_t *vendor, uint16_t *device);

#endif
