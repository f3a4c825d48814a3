#include "cli/scan_run.h"

#include "analyzer/analyze.h"
#include "analyzer/crypto_init.h"
#include "analyzer/driver_cache.h"
#include "analyzer/emit_scan.h"
#include "cli/cli.h"
#include "input/input.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_TODO = 0, SLOT_DONE };
enum { GROUP_PENDING = 0, GROUP_READY, GROUP_FAILED };

/* Inputs with the same bytes: analyzed once. Kept to the end of the scan
 * (a repeat may come at any time), so it is small and allocated from the
 * run's pool (no malloc header, no holes in the workers' heaps): the hash,
 * the line's facts packed (scan_info_pack: ~30-200 bytes, not ~900), and
 * the first input's name, the walk list's unless it is a zip member. */
struct group {
	uint8_t key[32];
	const uint8_t *info;    /* scan_info_pack of the analyzed bytes' facts (pool) */
	struct rom_analysis *a; /* YAML: the report, until its holders are printed */
	const char *first;      /* the first input printed with these bytes (writer only) */
	unsigned refs;          /* items holding a */
	uint16_t info_len;
	uint8_t state;
	bool repeated; /* counted in duplicate_groups (writer only) */
};

/* Records kept to the end of the scan, in 64 KiB chunks freed together. */
struct pool_chunk {
	struct pool_chunk *next;
	size_t used;
	_Alignas(max_align_t) uint8_t bytes[65536 - 64];
};

struct item {
	char *name;
	bool member; /* a zip member (name is not the walk list's path) */
	char *error; /* unreadable: why */
	struct scan_info info;
	uint64_t size;
	bool hashed;
	char sha[65];
	struct group *group;
	struct rom_analysis *a; /* a reference to group->a (YAML) */
};

/* The results of one list entry; slots are a ring of SCAN_WINDOW(jobs):
 * entry i uses slots[i % window], free again once entry i - window is
 * printed, which a worker waits for before it takes i. */
struct slot {
	int state;
	struct item *items;
	size_t n, cap;
};

struct run {
	const struct walk_list *l;
	const struct scan_run_opts *o;
	struct driver_cache *drivers;
	uint64_t *sizes; /* sorted sizes of the plain files, for size_repeats */
	size_t n_sizes;
	bool archives; /* a name in the list ends in .gz or .zip: hash every input */
	struct slot *slots;
	size_t window;

	pthread_mutex_t lock;
	pthread_cond_t can_take, slot_done, group_ready;
	size_t next, printed;
	size_t done;
	uint64_t bytes_done;
	const char *current;
	struct group **groups; /* open addressing by key */
	size_t groups_n, groups_cap;
	struct pool_chunk *pool; /* groups and their records (under lock) */
	bool oom;
};

/* n bytes (8-aligned, n <= a chunk) that live until the end of the scan,
 * or NULL. Lock held. */
static void *pool_alloc(struct run *r, size_t n)
{
	struct pool_chunk *c = r->pool;
	void *p;
	n = (n + 7) & ~(size_t)7;
	if (n > sizeof(c->bytes))
		return NULL;
	if (!c || sizeof(c->bytes) - c->used < n) {
		if (!(c = malloc(sizeof(*c))))
			return NULL;
		c->next = r->pool;
		c->used = 0;
		r->pool = c;
	}
	p = c->bytes + c->used;
	c->used += n;
	return p;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Another plain file has this size (so the bytes may repeat). */
static bool size_repeats(const struct run *r, uint64_t size)
{
	size_t lo = 0, hi = r->n_sizes, count = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->sizes[mid] < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < r->n_sizes && r->sizes[i] == size && count < 2; i++)
		count++;
	return count > 1;
}

static struct item *new_item(struct slot *s, const char *name)
{
	struct item *it;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1;
		struct item *v = realloc(s->items, ncap * sizeof(*v));
		if (!v)
			return NULL;
		s->items = v;
		s->cap = ncap;
	}
	it = &s->items[s->n];
	memset(it, 0, sizeof(*it));
	if (!(it->name = dup_str(name)))
		return NULL;
	s->n++;
	return it;
}

static void item_error(struct run *r, struct slot *s, const char *name, const char *why)
{
	struct item *it = new_item(s, name);
	if (!it || !(it->error = dup_str(why))) {
		pthread_mutex_lock(&r->lock);
		r->oom = true;
		pthread_mutex_unlock(&r->lock);
	}
}

/* The group of key, created (pending) when new: *fresh. Lock held. */
static struct group *group_get(struct run *r, const uint8_t key[32], bool *fresh)
{
	size_t i, h;
	*fresh = false;
	if ((r->groups_n + 1) * 2 > r->groups_cap) {
		size_t ncap = r->groups_cap ? r->groups_cap * 2 : 1024;
		struct group **n = calloc(ncap, sizeof(*n));
		if (!n)
			return NULL;
		for (size_t k = 0; k < r->groups_cap; k++) {
			struct group *g = r->groups[k];
			if (!g)
				continue;
			memcpy(&h, g->key, sizeof(h));
			for (i = h & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = g;
		}
		free(r->groups);
		r->groups = n;
		r->groups_cap = ncap;
	}
	memcpy(&h, key, sizeof(h));
	for (i = h & (r->groups_cap - 1); r->groups[i]; i = (i + 1) & (r->groups_cap - 1))
		if (memcmp(r->groups[i]->key, key, 32) == 0)
			return r->groups[i];
	r->groups[i] = pool_alloc(r, sizeof(struct group));
	if (!r->groups[i])
		return NULL;
	memset(r->groups[i], 0, sizeof(struct group));
	memcpy(r->groups[i]->key, key, 32);
	r->groups_n++;
	*fresh = true;
	return r->groups[i];
}

static void hex32(const uint8_t md[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xF];
	}
	out[64] = '\0';
}

/* Analyzes one ROM input (a file or member) into a new item of s. The
 * bytes are hashed when the output shows the hash (YAML) or when a repeat
 * is possible; a group (the record kept to the end) is made only then. */
static void one_rom(struct run *r, struct slot *s, const char *name, const uint8_t *data,
                    size_t len, bool member)
{
	/* Text lines show no hash: no image or driver is hashed for them. */
	struct rom_analyze_opts ao = {.drivers = r->drivers, .skip_sha256 = !r->o->yaml};
	struct item *it = new_item(s, name);
	struct rom_analysis *a;
	uint8_t key[32];
	unsigned int mdlen = 0;
	struct group *g;
	bool fresh;
	bool may_repeat = member || r->archives || size_repeats(r, len);
	if (!it) {
		item_error(r, s, name, "out of memory");
		return;
	}
	it->size = len;
	it->member = member;
	if (!r->o->yaml && !may_repeat) {
		a = rom_analyze_with(data, len, name, &ao);
		if (!a) {
			it->error = dup_str("out of memory while analyzing");
			return;
		}
		scan_info_from(&it->info, a, data, len, name);
		rom_analysis_free(a);
		return;
	}
	optrom_crypto_init(); /* analyzer/crypto_init.h: before any libcrypto call */
	if (!EVP_Digest(len ? data : (const uint8_t *)"", len, key, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32) {
		it->error = dup_str("SHA-256 failed");
		return;
	}
	it->hashed = true;
	hex32(key, it->sha);
	ao.sha256 = it->sha;
	if (!may_repeat) {
		/* No other input has this size: no repeat, no record. */
		a = rom_analyze_with(data, len, name, &ao);
		if (!a) {
			it->error = dup_str("out of memory while analyzing");
			return;
		}
		scan_info_from(&it->info, a, data, len, name);
		if (r->o->yaml)
			it->a = a;
		else
			rom_analysis_free(a);
		return;
	}
	pthread_mutex_lock(&r->lock);
	g = group_get(r, key, &fresh);
	if (!g) {
		r->oom = true;
		pthread_mutex_unlock(&r->lock);
		it->error = dup_str("out of memory");
		return;
	}
	if (fresh) {
		uint8_t packed[SCAN_INFO_PACK_MAX], *kept = NULL;
		size_t plen = 0;
		pthread_mutex_unlock(&r->lock);
		a = rom_analyze_with(data, len, name, &ao);
		if (a) {
			scan_info_from(&it->info, a, data, len, name);
			plen = scan_info_pack(&it->info, packed);
		}
		pthread_mutex_lock(&r->lock);
		if (a && (kept = pool_alloc(r, plen)) != NULL) {
			memcpy(kept, packed, plen);
			g->info = kept;
			g->info_len = (uint16_t)plen;
			if (r->o->yaml)
				g->a = a;
			else
				rom_analysis_free(a);
			g->state = GROUP_READY;
		} else {
			rom_analysis_free(a);
			g->state = GROUP_FAILED;
		}
		pthread_cond_broadcast(&r->group_ready);
	}
	while (g->state == GROUP_PENDING)
		pthread_cond_wait(&r->group_ready, &r->lock);
	if (g->state == GROUP_FAILED ||
	    (!fresh && !scan_info_unpack(g->info, g->info_len, &it->info))) {
		if (g->state != GROUP_FAILED)
			r->oom = true;
		pthread_mutex_unlock(&r->lock);
		it->error = dup_str("out of memory while analyzing");
		return;
	}
	it->group = g;
	if (g->a) {
		it->a = g->a;
		g->refs++;
	}
	pthread_mutex_unlock(&r->lock);
	if (!fresh)
		scan_info_rename(&it->info, name);
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

static void one_input(struct run *r, size_t i)
{
	const struct walk_entry *e = &r->l->v[i];
	struct slot *s = &r->slots[i % r->window];
	char err[1024];
	struct input *in;
	if (e->error) {
		item_error(r, s, e->path, e->error);
		return;
	}
	in = input_open(e->path, err, sizeof(err));
	if (!in) {
		item_error(r, s, e->path, err);
		return;
	}
	for (;;) {
		struct input_item it;
		enum input_next nx = input_next(in, &it, err, sizeof(err));
		if (nx == INPUT_END)
			break;
		if (nx == INPUT_ERROR) {
			item_error(r, s, e->path, err);
			continue;
		}
		one_rom(r, s, it.name, it.data, it.len, it.member != NULL);
		input_item_free(&it);
	}
	input_close(in);
	if (s->n > 1)
		qsort(s->items, s->n, sizeof(*s->items), cmp_item);
}

static void *worker(void *arg)
{
	struct run *r = arg;
	size_t window = r->window;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&r->lock);
		while (r->next < r->l->n && r->next >= r->printed + window)
			pthread_cond_wait(&r->can_take, &r->lock);
		if (r->next >= r->l->n) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		i = r->next++;
		r->current = r->l->v[i].path;
		pthread_mutex_unlock(&r->lock);
		one_input(r, i);
		pthread_mutex_lock(&r->lock);
		r->slots[i % window].state = SLOT_DONE;
		r->done++;
		r->bytes_done += r->l->v[i].size;
		pthread_cond_broadcast(&r->slot_done);
		pthread_mutex_unlock(&r->lock);
	}
}

static double now_s(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	double t0, last; /* the scan's start, the line's last update */
	bool shown;
};

/* The progress line on stderr (a terminal: o->progress) once the scan has
 * run for a second, at most 5 times a second. Writer thread, lock held. */
static void show_progress(struct run *r, struct progress *p)
{
	double t;
	char head[128];
	const char *path = r->current ? r->current : "";
	size_t room, plen = strlen(path);
	int n;
	if (!r->o->progress)
		return;
	t = now_s();
	if (t - p->t0 <= 1.0 || t - p->last <= 0.2)
		return;
	n = snprintf(head, sizeof(head), "scan: %zu/%zu files, %.1f MB/s, reading ", r->done,
	             r->l->n, (double)r->bytes_done / 1e6 / (t - p->t0));
	if (n < 0)
		return;
	/* On one line of the terminal (a wrapped line is not erased by \r):
	 * the path's end, after "...". */
	room = r->o->progress_cols > (unsigned)n + 8 ? r->o->progress_cols - 1 - (unsigned)n : 0;
	if (r->o->progress_cols && plen > room)
		fprintf(stderr, "\r%s...%s\033[K", head, room > 3 ? path + plen - (room - 3) : "");
	else
		fprintf(stderr, "\r%s%s\033[K", head, path);
	p->last = t;
	p->shown = true;
}

/* Prints entry i (in slot s) and frees what it held. Writer thread. */
static int print_slot(struct run *r, size_t i, struct slot *s, struct yw *w,
                      struct scan_summary *sum)
{
	int worst = EXIT_READY;
	for (size_t k = 0; k < s->n; k++) {
		struct item *it = &s->items[k];
		struct group *g = it->group;
		struct scan_entry_view v = {it->name,  it->error ? NULL : &it->info,
		                            it->error, it->hashed && r->o->yaml ? it->sha : NULL,
		                            NULL,      NULL,
		                            it->size};
		if (g && !it->error) {
			if (g->first) {
				v.same_as = g->first;
				sum->duplicates++;
				if (!g->repeated) {
					g->repeated = true;
					sum->duplicate_groups++;
				}
			} else if (!it->member) {
				g->first = r->l->v[i].path; /* the walk list lives as long */
			} else {
				char *copy;
				pthread_mutex_lock(&r->lock);
				copy = pool_alloc(r, strlen(it->name) + 1);
				if (copy)
					g->first = strcpy(copy, it->name);
				else
					r->oom = true;
				pthread_mutex_unlock(&r->lock);
			}
		}
		if (!v.same_as)
			v.report = it->a;
		if (it->hashed)
			sum->hashed++;
		scan_summary_add(sum, v.info, it->size);
		worst =
		    cli_worse(worst, scan_verdict_exit(v.info ? v.info->verdict : SCAN_UNREADABLE));
		if (r->o->yaml)
			emit_scan_yaml_entry(w, &v);
		else
			emit_scan_line(r->o->out, &v);
		if (it->a && g) {
			pthread_mutex_lock(&r->lock);
			if (--g->refs == 0) {
				rom_analysis_free(g->a);
				g->a = NULL;
			}
			pthread_mutex_unlock(&r->lock);
		} else if (it->a) {
			rom_analysis_free(it->a); /* no group: the item's own */
		}
		free(it->name);
		free(it->error);
	}
	free(s->items);
	s->items = NULL;
	s->n = s->cap = 0;
	s->state = SLOT_TODO;
	return worst;
}

int scan_run(const struct walk_list *l, const struct scan_run_opts *o, struct scan_summary *sum)
{
	struct run r;
	pthread_t threads[SCAN_MAX_JOBS];
	unsigned started = 0;
	struct yw w;
	int worst = EXIT_READY;
	struct progress pg = {now_s(), 0, false};
	struct driver_cache_stats ds;
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.o = o;
	r.drivers = driver_cache_new();
	r.window = SCAN_WINDOW(o->jobs);
	r.slots = calloc(r.window, sizeof(*r.slots));
	r.sizes = malloc((l->n ? l->n : 1) * sizeof(*r.sizes));
	if (!r.drivers || !r.slots || !r.sizes) {
		fprintf(stderr, "optrom scan: out of memory\n");
		driver_cache_free(r.drivers);
		free(r.slots);
		free(r.sizes);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t pl = strlen(l->v[i].path);
		if (!l->v[i].error)
			r.sizes[r.n_sizes++] = l->v[i].size;
		if ((pl > 3 && !strcasecmp(l->v[i].path + pl - 3, ".gz")) ||
		    (pl > 4 && !strcasecmp(l->v[i].path + pl - 4, ".zip")))
			r.archives = true;
	}
	qsort(r.sizes, r.n_sizes, sizeof(*r.sizes), cmp_u64);
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.can_take, NULL);
	pthread_cond_init(&r.slot_done, NULL);
	pthread_cond_init(&r.group_ready, NULL);
	if (o->yaml) {
		if (!yw_open(&w, o->out))
			r.oom = true;
		yw_stream(&w); /* JSON: one entry in memory at a time, as YAML */
		emit_scan_yaml_begin(&w);
	}
	for (unsigned t = 0; t < o->jobs && t < SCAN_MAX_JOBS; t++) {
		if (pthread_create(&threads[t], NULL, worker, &r) != 0)
			break;
		started++;
	}
	if (!started && l->n) {
		fprintf(stderr, "optrom scan: cannot start a worker thread\n");
		worst = EXIT_USAGE;
	}
	for (size_t i = 0; started && i < l->n; i++) {
		pthread_mutex_lock(&r.lock);
		struct slot *s = &r.slots[i % r.window];
		while (s->state != SLOT_DONE) {
			struct timespec until;
			(void)clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 250 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			(void)pthread_cond_timedwait(&r.slot_done, &r.lock, &until);
			show_progress(&r, &pg);
		}
		pthread_mutex_unlock(&r.lock);
		worst = cli_worse(worst, print_slot(&r, i, s, &w, sum));
		pthread_mutex_lock(&r.lock);
		r.printed = i + 1;
		pthread_cond_broadcast(&r.can_take);
		/* Also when the writer is the slower side (never waits above). */
		show_progress(&r, &pg);
		pthread_mutex_unlock(&r.lock);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	if (pg.shown)
		fprintf(stderr, "\r\033[K");
	driver_cache_get_stats(r.drivers, &ds);
	sum->driver_lookups = ds.lookups;
	sum->driver_decoded = ds.decoded;
	sum->driver_hits = ds.hits;
	if (o->yaml) {
		emit_scan_yaml_end(&w, sum);
		if (!yw_close(&w) || ferror(o->out)) {
			fprintf(stderr, "optrom scan: writing the YAML report failed\n");
			worst = cli_worse(worst, EXIT_USAGE);
		}
	} else if (o->summary) {
		emit_scan_summary(o->out, sum);
	}
	if (r.oom) {
		fprintf(stderr,
		        "optrom scan: out of memory: some inputs are reported as unreadable\n");
		worst = cli_worse(worst, EXIT_USAGE);
	}
	for (size_t i = 0; i < r.groups_cap; i++)
		if (r.groups[i])
			rom_analysis_free(r.groups[i]->a);
	free(r.groups);
	while (r.pool) {
		struct pool_chunk *next = r.pool->next;
		free(r.pool);
		r.pool = next;
	}
	free(r.slots);
	free(r.sizes);
	driver_cache_free(r.drivers);
	pthread_cond_destroy(&r.group_ready);
	pthread_cond_destroy(&r.slot_done);
	pthread_cond_destroy(&r.can_take);
	pthread_mutex_destroy(&r.lock);
	return worst;
}
