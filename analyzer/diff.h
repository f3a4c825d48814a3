/* Structure-aware comparison of two ROM files (`optrom diff A B`).
 *
 * Reads two analysis trees and the two files' bytes; decodes nothing again.
 * Aligned by structure, not file offset: the ROMs are compared after their
 * prefixes, images paired by position in the standard chain, then the
 * NVIDIA chain's images that the standard chain does not hold, then the
 * images after the chain (each kind by position). For each pair: which
 * declared fields differ (qualified names, analyzer/structs.h), whether the
 * bytes are equal (and their SHA-256), the differing byte ranges merged,
 * counted and named by structure and field, the decompressed EFI drivers
 * compared by PE section, and a strip of where in the image the
 * differences lie. The prefix (container) and the padding after the ROM
 * are summarised, not listed.
 */
#ifndef OPTROM_DIFF_H
#define OPTROM_DIFF_H

#include "analyzer/structs.h"
#include "analyzer/tree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIFF_SCHEMA       1  /* the `optrom:` key of the diff's YAML */
#define DIFF_MAX_RANGES   40 /* listed per image; the rest are counted */
#define DIFF_MAX_FIELDS   48 /* listed per image */
#define DIFF_MAX_SECTIONS 24 /* PE sections compared per driver */
#define DIFF_STRIP        64 /* characters of an image's strip */
#define DIFF_MERGE_GAP    8  /* differing runs closer than this are one range */
/* Bytes of PE sections compared per pair of drivers (two 16 MiB drivers
 * whose sections all span everything would cost 96 x 16 MiB). */
#define DIFF_SECTION_BUDGET (32u * 1024u * 1024u)
#define DIFF_MAX_IMAGES     (3 * REPORT_MAX_IMAGES)
#define DIFF_VALUE_LEN      72
#define DIFF_NAME_LEN       (2 * ROM_QNAME_LEN + 24)

/* Where a paired image comes from. Within a list, images pair by code
 * type and position among that type. */
enum diff_list { DIFF_LIST_CHAIN, DIFF_LIST_NVIDIA, DIFF_LIST_OTHER };

/* What the two files are to each other. */
enum diff_verdict {
	DIFF_IDENTICAL = 0, /* the same bytes */
	DIFF_SAME_ROM,      /* the same images; container and/or padding differ */
	DIFF_MODIFIED,      /* same card and version, some image bytes differ */
	DIFF_OTHER_BUILD,   /* same card (image 0's vendor:device), another version */
	DIFF_UNRELATED,     /* other card, or a file without a ROM */
};

/* A run of differing bytes, offsets relative to the image start in A
 * (the same relative offset in B). */
struct diff_range {
	size_t rel;
	size_t len;
	char name[DIFF_NAME_LEN]; /* structure and field of the first (.. last) byte */
};

/* A field (or derived value) that differs. */
struct diff_field {
	char name[ROM_QNAME_LEN];
	char a[DIFF_VALUE_LEN]; /* "absent" when only B has it */
	char b[DIFF_VALUE_LEN];
};

/* A PE section of the decompressed drivers. */
struct diff_section {
	char name[12];
	bool in_a, in_b;
	bool compared;           /* in both, and within DIFF_SECTION_BUDGET */
	uint32_t size_a, size_b; /* raw sizes */
	size_t differing;        /* bytes that differ, size difference included */
};

struct diff_image {
	enum diff_list list;
	size_t index;   /* position in A's list (B's when only B has it) */
	size_t index_b; /* position in B's list */
	bool in_a, in_b;
	size_t node_a, node_b; /* indexes in nodes (valid when in_a / in_b) */
	size_t off_a, off_b;   /* file offsets */
	size_t len_a, len_b;   /* this view's length, cut at the end of the file */
	bool bytes_equal;
	size_t differing;    /* differing bytes in the common length + length difference */
	size_t n_ranges_all; /* ranges found; ranges[0 .. n_ranges) listed */
	size_t n_ranges;
	struct diff_range ranges[DIFF_MAX_RANGES];
	size_t n_fields_all;
	size_t n_fields;
	struct diff_field fields[DIFF_MAX_FIELDS];
	bool drivers_compared; /* both EFI drivers decoded with a valid PE */
	bool drivers_equal;
	size_t n_sections;
	struct diff_section sections[DIFF_MAX_SECTIONS];
	char strip[DIFF_STRIP + 1]; /* '.' same, '#' differs, '+' one side only */
};

struct rom_diff {
	const struct rom_analysis *a, *b;
	bool strict;
	enum diff_verdict verdict;
	bool same;               /* the exit status: 0 when same */
	bool prefix_equal;       /* the bytes before the ROMs */
	bool padding_equal;      /* the bytes after the last image */
	size_t after_a, after_b; /* where the bytes after the last image start */
	size_t n_images, cap_images;
	size_t n_differ;           /* pairs that differ, chain images on one side only */
	size_t n_extra;            /* images after the chain on one side only (not a difference) */
	struct diff_image *images; /* n_images, allocated to the pairs found */
	/* The container headers' declared fields (NVGI: version, subsystem...)
	 * that differ; fields[0 .. n_fields) of this entry only. */
	struct diff_image prefix;
	char note[256]; /* what could not be compared, or "" */
};

/* Compares a (over bytes da/la) with b (db/lb). strict: the container and
 * padding count too. NULL only when memory runs out (rom_diff_free). */
struct rom_diff *rom_diff_make(const struct rom_analysis *a, const uint8_t *da, size_t la,
                               const struct rom_analysis *b, const uint8_t *db, size_t lb,
                               bool strict);
void rom_diff_free(struct rom_diff *d);

const char *diff_verdict_name(enum diff_verdict v); /* "identical", "same-rom", ... */
const char *diff_list_name(enum diff_list l);       /* "chain", "nvidia", "other" */

#endif
