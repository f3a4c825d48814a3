/* Building the analysis tree (analyzer/ internal): the node cache that
 * makes every probe of an offset decode it once, and the per-node decoders.
 * Only the analysis passes (locate, chain, analyze) call these, while the
 * bytes are at hand; everything after reads the finished tree.
 */
#ifndef OPTROM_TREE_BUILD_H
#define OPTROM_TREE_BUILD_H

#include "analyzer/tree.h"
#include "formats/span.h"

/* The node at off: decoded now when the analysis has not probed off yet,
 * else the node decoded before. NULL when off is outside the bytes or the
 * node table is full (a->nodes_full). Pointers stay valid only until the
 * next tree_probe; keep indexes (tree_index) across calls. */
struct rom_node *tree_probe(struct rom_analysis *a, const struct span *s, size_t off);

/* The index of a node in a->nodes. */
size_t tree_index(const struct rom_analysis *a, const struct rom_node *n);

/* Decodes the EFI driver of node n once (an EFI image with a valid EFI ROM
 * header): payload, decompression, PE view, GOP version. Each decompression
 * try takes its OrigSize from *budget (start at TREE_DRIVER_BUDGET); one
 * that does not fit is not made (DRIVER_NOT_DECODED, or variant "untried"
 * for the diagnostic). No findings: the rules read the result. False only
 * when memory ran out. */
bool tree_decode_driver(struct rom_node *n, const struct span *s, size_t *budget);

/* The same through a scan-wide cache of decoded drivers (NULL: none); the
 * result is the same as without it (analyzer/driver_cache.h). */
struct driver_cache;
bool tree_decode_driver_cached(struct rom_node *n, const struct span *s, size_t *budget,
                               struct driver_cache *cache);

#endif
