/* What `optrom extract` writes: every image of the standard chain as its
 * own file, each EFI driver as a PE (.efi, the decompressed bytes its node
 * holds: exactly what the report describes), and the prefix container.
 * Names say index, type and ids. Writing is the caller's job. */
#ifndef OPTROM_EXTRACT_H
#define OPTROM_EXTRACT_H

#include "analyzer/tree.h"
#include "formats/span.h"

#define EXTRACT_MAX_ITEMS (2 * REPORT_MAX_IMAGES + 1)

struct extract_item {
	char name[96];       /* file name, no folder */
	const char *kind;    /* "prefix", "image", "efi-driver" */
	int image;           /* index in the chain, or -1 */
	size_t offset;       /* file offset of the source bytes */
	size_t length;       /* bytes in the source file */
	const uint8_t *data; /* what to write: into s, or the analysis's driver bytes */
	size_t data_len;
	char note[96]; /* why a driver could not be extracted, when so */
};

/* Fills items from the analysis and the bytes it was made from; returns
 * how many. Items point into s or into a's nodes: keep both alive. */
size_t extract_items(const struct span *s, const struct rom_analysis *a, struct extract_item *items,
                     size_t cap);

#endif
