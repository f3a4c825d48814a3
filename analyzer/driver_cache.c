/* The scan-wide cache of decoded EFI drivers (analyzer/driver_cache.h). */
#include "analyzer/driver_cache_impl.h"

#include "analyzer/crypto_init.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum entry_state { ENTRY_ABSENT = 0, ENTRY_PENDING, ENTRY_READY };

/* One distinct stream; allocated when its key is first looked up while the
 * cache has room (a struct rom_driver is ~6.5 KiB: the table holds
 * pointers, and an entry's own size counts toward the cap). */
struct entry {
	uint8_t key[32];
	enum entry_state state;
	struct rom_driver d; /* stream part; d.bytes owned by the cache */
	size_t need, cost;
	bool pe_gop_done;
};

struct driver_cache {
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct entry **entries; /* open addressing over the key's first bytes */
	size_t cap, used;
	size_t bytes; /* entries and driver bytes held */
	struct driver_cache_stats stats;
};

struct driver_cache *driver_cache_new(void)
{
	struct driver_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	/* Small at first (an entry holds a whole struct rom_driver, 6.6 KB):
	 * fix and diff put one or two drivers in a cache of their own; find()
	 * doubles the table as a scan fills it. */
	c->cap = 8;
	c->entries = calloc(c->cap, sizeof(*c->entries));
	if (!c->entries || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->entries);
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->done, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		free(c->entries);
		free(c);
		return NULL;
	}
	return c;
}

void driver_cache_free(struct driver_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		struct entry *e = c->entries[i];
		if (!e)
			continue;
		free(e->d.bytes);
		signature_free(&e->d.signature);
		free(e);
	}
	free(c->entries);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void driver_cache_get_stats(struct driver_cache *c, struct driver_cache_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

void dcache_key(uint16_t compression, const uint8_t *payload, size_t len, uint8_t key[32])
{
	uint8_t tag[2] = {(uint8_t)compression, (uint8_t)(compression >> 8)};
	unsigned int n = 0;
	EVP_MD_CTX *ctx;
	optrom_crypto_init();
	ctx = EVP_MD_CTX_new();
	memset(key, 0, 32);
	if (!ctx)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, tag, sizeof(tag)) &&
	    EVP_DigestUpdate(ctx, len ? payload : tag, len) && EVP_DigestFinal_ex(ctx, key, &n) &&
	    n == 32) {
		EVP_MD_CTX_free(ctx);
		return;
	}
	EVP_MD_CTX_free(ctx);
	memset(key, 0, 32);
}

static size_t slot_of(const uint8_t key[32], size_t cap)
{
	size_t h = 0;
	memcpy(&h, key, sizeof(h));
	return h & (cap - 1);
}

/* The entry for key, or NULL: absent and not inserted (insert false, the
 * cache full, or out of memory). A new entry is ENTRY_ABSENT. Entries do
 * not move. Called with the lock held. */
static struct entry *find(struct driver_cache *c, const uint8_t key[32], bool insert)
{
	size_t i;
	struct entry *e;
	for (i = slot_of(key, c->cap); c->entries[i]; i = (i + 1) & (c->cap - 1))
		if (memcmp(c->entries[i]->key, key, 32) == 0)
			return c->entries[i];
	if (!insert || c->bytes >= DRIVER_CACHE_MAX_BYTES)
		return NULL;
	if ((c->used + 1) * 2 > c->cap) {
		size_t ncap = c->cap * 2;
		struct entry **n = calloc(ncap, sizeof(*n));
		if (!n)
			return NULL;
		for (size_t k = 0; k < c->cap; k++) {
			size_t j;
			if (!c->entries[k])
				continue;
			for (j = slot_of(c->entries[k]->key, ncap); n[j]; j = (j + 1) & (ncap - 1))
				;
			n[j] = c->entries[k];
		}
		free(c->entries);
		c->entries = n;
		c->cap = ncap;
		for (i = slot_of(key, c->cap); c->entries[i]; i = (i + 1) & (c->cap - 1))
			;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	memcpy(e->key, key, 32);
	c->entries[i] = e;
	c->used++;
	c->bytes += sizeof(*e);
	return e;
}

enum dcache_answer dcache_get(struct driver_cache *c, const uint8_t key[32], size_t budget,
                              struct rom_driver *out, size_t *cost, bool *pe_gop_done)
{
	struct entry *e;
	pthread_mutex_lock(&c->lock);
	c->stats.lookups++;
	/* An all-zero key is a failed hash. */
	if (memcmp(key, (uint8_t[32]){0}, 32) == 0 || !(e = find(c, key, true))) {
		c->stats.uncached++;
		pthread_mutex_unlock(&c->lock);
		return DCACHE_LOCAL;
	}
	while (e->state == ENTRY_PENDING)
		pthread_cond_wait(&c->done, &c->lock);
	if (e->state == ENTRY_READY) {
		uint8_t *copy = NULL;
		if (budget < e->need) {
			c->stats.uncached++;
			pthread_mutex_unlock(&c->lock);
			return DCACHE_LOCAL;
		}
		if (e->d.bytes) {
			copy = malloc(e->d.length ? e->d.length : 1);
			if (!copy) {
				c->stats.uncached++;
				pthread_mutex_unlock(&c->lock);
				return DCACHE_LOCAL;
			}
			memcpy(copy, e->d.bytes, e->d.length);
		}
		*out = e->d;
		out->bytes = copy;
		if (!signature_copy(&out->signature, &e->d.signature)) {
			free(copy);
			memset(out, 0, sizeof(*out));
			c->stats.uncached++;
			pthread_mutex_unlock(&c->lock);
			return DCACHE_LOCAL;
		}
		*cost = e->cost;
		*pe_gop_done = e->pe_gop_done;
		c->stats.hits++;
		pthread_mutex_unlock(&c->lock);
		return DCACHE_HIT;
	}
	if (c->bytes >= DRIVER_CACHE_MAX_BYTES) {
		c->stats.uncached++;
		pthread_mutex_unlock(&c->lock);
		return DCACHE_LOCAL;
	}
	e->state = ENTRY_PENDING;
	pthread_mutex_unlock(&c->lock);
	return DCACHE_CLAIMED;
}

bool dcache_publish(struct driver_cache *c, const uint8_t key[32], const struct rom_driver *d,
                    size_t need, size_t cost, bool pe_gop_done)
{
	uint8_t *copy = NULL;
	struct entry *e;
	bool ok = true;
	if (d->bytes) {
		copy = malloc(d->length ? d->length : 1);
		if (copy)
			memcpy(copy, d->bytes, d->length);
		else
			ok = false;
	}
	{
		struct rom_signature sig;
		if (ok && signature_copy(&sig, &d->signature)) {
			pthread_mutex_lock(&c->lock);
			e = find(c, key, false);
			if (e) {
				e->d = *d;
				e->d.bytes = copy;
				e->d.signature = sig;
			} else {
				signature_free(&sig);
			}
		} else {
			ok = false;
			pthread_mutex_lock(&c->lock);
			e = find(c, key, false);
		}
	}
	if (e && ok) {
		e->need = need;
		e->cost = cost;
		e->pe_gop_done = pe_gop_done;
		e->state = ENTRY_READY;
		c->bytes += d->length;
		c->stats.decoded++;
	} else {
		free(copy);
		if (e)
			e->state = ENTRY_ABSENT;
		c->stats.uncached++;
		ok = false;
	}
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
	return ok;
}

void dcache_abandon(struct driver_cache *c, const uint8_t key[32])
{
	struct entry *e;
	pthread_mutex_lock(&c->lock);
	e = find(c, key, false);
	if (e)
		e->state = ENTRY_ABSENT;
	c->stats.uncached++;
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
}
