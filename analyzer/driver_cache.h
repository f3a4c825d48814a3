/* A scan-wide cache of decoded EFI drivers, keyed by the SHA-256 of the
 * compressed stream (its compression type and payload bytes): real
 * collections carry the same GOP driver in many boards' ROMs, and a scan
 * decompresses (and checks) each distinct stream once.
 *
 * The tree build consults it where the driver is decoded (analyzer/driver.c,
 * tree_decode_driver_cached): a hit copies the decoded struct rom_driver
 * (stream part: state, sizes, variant, bytes, PE view, the GOP version the
 * PE holds, and whatever else is computed from the driver's bytes) into the
 * node, so the node owns its bytes as always and nothing is decoded twice.
 * The node's own part (payload offset and length, NPDE GOP version) stays
 * the node's. A result depends on the decode budget only near its end
 * (TREE_DRIVER_BUDGET): an entry records the budget its decode needed and
 * spent, and a lookup with less budget decodes as without a cache, so an
 * analysis with the cache equals one without.
 *
 * Thread-safe: one mutex; a stream being decoded by one thread is waited
 * for by the others (decoded once, not once per thread). The cache keeps at
 * most DRIVER_CACHE_MAX_BYTES of entries (~6.5 KiB each) and driver bytes;
 * streams past that are decoded each time and not even listed (bounded
 * memory on a hostile collection of distinct drivers). A hit shares the
 * signature's kept libcrypto objects (signature_copy).
 */
#ifndef OPTROM_DRIVER_CACHE_H
#define OPTROM_DRIVER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DRIVER_CACHE_MAX_BYTES ((size_t)128 * 1024 * 1024)

struct driver_cache; /* opaque */

struct driver_cache_stats {
	uint64_t lookups;  /* drivers the analyses asked for */
	uint64_t decoded;  /* streams decoded and stored (each distinct stream once) */
	uint64_t hits;     /* drivers taken from the cache */
	uint64_t uncached; /* decoded without storing (budget, cache full) */
};

struct driver_cache *driver_cache_new(void);
void driver_cache_free(struct driver_cache *c);
void driver_cache_get_stats(struct driver_cache *c, struct driver_cache_stats *out);

#endif
