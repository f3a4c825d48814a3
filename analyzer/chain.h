/* Image chains: the standard one that firmware, Linux and QEMU follow (PCIR
 * image length and last-image bit), NVIDIA's view of the same bytes (NPDE
 * sub-image length and last bit, VN/NPDS private images), and the valid
 * images that lie after the chain. */
#ifndef OPTROM_CHAIN_H
#define OPTROM_CHAIN_H

#include "analyzer/report.h"
#include "formats/span.h"

enum chain_stop {
	CHAIN_STOP_LAST = 0,    /* an image carried the last-image bit */
	CHAIN_STOP_EOF,         /* a non-last image ends exactly at the end of the file */
	CHAIN_STOP_TRUNCATED,   /* the file ends inside an image */
	CHAIN_STOP_NOT_IMAGE,   /* the next offset holds no 55AA (chain ends without last bit) */
	CHAIN_STOP_BAD_PCIR,    /* 55AA at the next offset but its PCIR is unusable */
	CHAIN_STOP_ZERO_LENGTH, /* PCIR image length 0 (would loop forever) */
	CHAIN_STOP_CAP,         /* more than REPORT_MAX_IMAGES images */
	CHAIN_STOP_NO_FIRST,    /* no valid image at the start offset */
};

struct chain_walk {
	struct rom_image images[REPORT_MAX_IMAGES];
	size_t n;
	enum chain_stop stop;
	size_t stop_offset; /* file offset where the walk stopped */
	int bad_pcir;       /* enum pci_status at stop_offset for CHAIN_STOP_BAD_PCIR */
	size_t end;         /* file offset just past the last recorded image, clamped */
};

/* Fills one image record from the image at off (already probed valid). */
void chain_fill_image(const struct span *s, size_t off, bool nvidia_view, struct rom_image *img);

/* The standard chain from start (PCIR signature only, PCIR length steps). */
void chain_walk_standard(const struct span *s, size_t start, struct chain_walk *w);

/* NVIDIA's chain from start: VN/NPDS images too, NPDE length and last bit
 * preferred, type 0x70 (NBSI) ends the walk as in nouveau. */
void chain_walk_nvidia(const struct span *s, size_t start, struct chain_walk *w);

/* Valid images at 512-byte steps (relative to rom_offset) from `from` to
 * the end of the file, skipping over each image found. */
size_t chain_scan_after(const struct span *s, size_t rom_offset, size_t from, struct rom_image *out,
                        size_t cap);

#endif
