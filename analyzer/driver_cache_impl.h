/* analyzer/ internal: what driver.c asks of the driver cache. */
#ifndef OPTROM_DRIVER_CACHE_IMPL_H
#define OPTROM_DRIVER_CACHE_IMPL_H

#include "analyzer/driver_cache.h"
#include "analyzer/tree.h"

enum dcache_answer {
	DCACHE_HIT,     /* *out holds a copy of the stream part; spend *cost of the budget */
	DCACHE_CLAIMED, /* decode it, then dcache_publish or dcache_abandon the key */
	DCACHE_LOCAL,   /* decode it without the cache (budget too small, cache full) */
};

/* The key of a driver stream: SHA-256 over the compression type and the
 * payload bytes. */
void dcache_key(uint16_t compression, const uint8_t *payload, size_t len, uint8_t key[32]);

/* Looks key up with budget left; copies the stream part into *out on a hit
 * (out's bytes are the caller's to free; *pe_gop_done says whether the PE's
 * GOP version was searched for). Waits while another thread decodes key. */
enum dcache_answer dcache_get(struct driver_cache *c, const uint8_t key[32], size_t budget,
                              struct rom_driver *out, size_t *cost, bool *pe_gop_done);

/* Stores a copy of d's stream part (d keeps its bytes) for the claimed key;
 * need and cost are the budget its decode required and spent. Returns false
 * (nothing stored, key released) when memory ran out. */
bool dcache_publish(struct driver_cache *c, const uint8_t key[32], const struct rom_driver *d,
                    size_t need, size_t cost, bool pe_gop_done);

/* Releases a claimed key without a result (the waiters decode themselves). */
void dcache_abandon(struct driver_cache *c, const uint8_t key[32]);

#endif
