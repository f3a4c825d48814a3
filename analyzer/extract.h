/* What `optrom extract` writes: every image of the standard chain as its
 * own file, each EFI driver as a PE (.efi, decompressed), and the prefix
 * container. Names say index, type and ids. Writing is the caller's job. */
#ifndef OPTROM_EXTRACT_H
#define OPTROM_EXTRACT_H

#include "analyzer/report.h"
#include "formats/span.h"

#define EXTRACT_MAX_ITEMS (2 * REPORT_MAX_IMAGES + 1)

struct extract_item {
	char name[96];       /* file name, no folder */
	const char *kind;    /* "prefix", "image", "efi-driver" */
	int image;           /* index in the chain, or -1 */
	size_t offset;       /* file offset of the source bytes */
	size_t length;       /* bytes in the source file */
	const uint8_t *data; /* what to write */
	size_t data_len;
	uint8_t *owned; /* a decompressed driver, freed by extract_free */
	char note[96];  /* why a driver could not be extracted, when so */
};

/* Fills items from the report and the bytes it was made from; returns how
 * many. Items point into s (or own a buffer). */
size_t extract_items(const struct span *s, const struct rom_report *r, struct extract_item *items,
                     size_t cap);

void extract_free(struct extract_item *items, size_t n);

#endif
