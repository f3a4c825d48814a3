/* Image chains over the tree: the standard one that firmware, Linux and
 * QEMU follow (PCIR image length and last-image bit), NVIDIA's view of the
 * same bytes (NPDE sub-image length and last bit, VN/NPDS private images),
 * and the valid images that lie after the chain. Each step asks the tree
 * for the node at an offset, so an offset that two walks reach is decoded
 * once. */
#ifndef OPTROM_CHAIN_H
#define OPTROM_CHAIN_H

#include "analyzer/tree.h"
#include "formats/span.h"

/* The standard chain from start (55AA and PCIR only, PCIR length steps). */
void chain_walk_standard(struct rom_analysis *a, const struct span *s, size_t start,
                         struct rom_chain *w);

/* NVIDIA's chain from start: VN/NPDS images too, NPDE length and last bit
 * preferred, type 0x70 (NBSI) ends the walk as in nouveau. */
void chain_walk_nvidia(struct rom_analysis *a, const struct span *s, size_t start,
                       struct rom_chain *w);

/* Valid images at 512-byte steps (relative to rom_offset) from `from` to
 * the end of the file, skipping over each image found. */
size_t chain_scan_after(struct rom_analysis *a, const struct span *s, size_t rom_offset,
                        size_t from, struct rom_image *out, size_t cap);

#endif
