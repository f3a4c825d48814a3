#include "formats/decode_count.h"

#include <stdint.h>
#include <string.h>

const char *fmt_count_kind_name(enum fmt_decoder kind)
{
#define FMT_DEC_NAME_(NAME, str) [FMT_DEC_##NAME] = str,
	static const char *const names[FMT_DEC_COUNT] = {FMT_DECODERS(FMT_DEC_NAME_)};
#undef FMT_DEC_NAME_
	return (unsigned)kind < FMT_DEC_COUNT ? names[kind] : "unknown";
}

#ifdef OPTROM_DECODE_COUNT

/* Open addressing, linear probing; a few thousand keys cover one analysis
 * of any ROM (image probes are capped by the analyzer's scans). */
#define COUNT_SLOTS 4096u

struct count_slot {
	const void *base;
	size_t offset;
	unsigned long hits;
	int kind; /* -1: empty */
};

static _Thread_local struct {
	bool on;
	size_t keys;
	unsigned long overflow;
	unsigned long total[FMT_DEC_COUNT];
	struct count_slot slot[COUNT_SLOTS];
} count;

static size_t slot_hash(enum fmt_decoder kind, const void *base, size_t offset)
{
	uint64_t h = (uint64_t)(uintptr_t)base * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)offset * 0xC2B2AE3D27D4EB4Full + (uint64_t)kind;
	h ^= h >> 29;
	return (size_t)(h % COUNT_SLOTS);
}

/* The slot of the key, or the empty slot where it would go, or NULL when
 * the table is full and the key is not in it. */
static struct count_slot *slot_find(enum fmt_decoder kind, const void *base, size_t offset)
{
	size_t i = slot_hash(kind, base, offset);
	for (size_t n = 0; n < COUNT_SLOTS; n++, i = (i + 1) % COUNT_SLOTS) {
		struct count_slot *sl = &count.slot[i];
		if (sl->kind < 0 ||
		    (sl->kind == (int)kind && sl->base == base && sl->offset == offset))
			return sl;
	}
	return NULL;
}

void fmt_count_record(enum fmt_decoder kind, const void *base, size_t offset)
{
	struct count_slot *sl;
	if (!count.on || (unsigned)kind >= FMT_DEC_COUNT)
		return;
	count.total[kind]++;
	sl = slot_find(kind, base, offset);
	if (sl && sl->kind < 0 && count.keys >= COUNT_SLOTS - COUNT_SLOTS / 4)
		sl = NULL; /* a new key: keep a quarter free so probes stay short */
	if (!sl) {
		count.overflow++;
		return;
	}
	if (sl->kind < 0) {
		sl->kind = (int)kind;
		sl->base = base;
		sl->offset = offset;
		count.keys++;
	}
	sl->hits++;
}

bool fmt_count_available(void)
{
	return true;
}

void fmt_count_start(void)
{
	memset(&count, 0, sizeof(count));
	for (size_t i = 0; i < COUNT_SLOTS; i++)
		count.slot[i].kind = -1;
	count.on = true;
}

void fmt_count_stop(void)
{
	count.on = false;
}

unsigned long fmt_count_hits(enum fmt_decoder kind, const void *base, size_t offset)
{
	struct count_slot *sl;
	if ((unsigned)kind >= FMT_DEC_COUNT || count.keys == 0)
		return 0;
	sl = slot_find(kind, base, offset);
	return sl && sl->kind >= 0 ? sl->hits : 0;
}

unsigned long fmt_count_total(enum fmt_decoder kind)
{
	return (unsigned)kind < FMT_DEC_COUNT ? count.total[kind] : 0;
}

unsigned long fmt_count_max_per_key(enum fmt_decoder kind)
{
	unsigned long max = 0;
	if (count.keys == 0)
		return 0;
	for (size_t i = 0; i < COUNT_SLOTS; i++)
		if (count.slot[i].kind == (int)kind && count.slot[i].hits > max)
			max = count.slot[i].hits;
	return max;
}

size_t fmt_count_keys(void)
{
	return count.keys;
}

unsigned long fmt_count_overflow(void)
{
	return count.overflow;
}

#else

bool fmt_count_available(void)
{
	return false;
}

void fmt_count_start(void)
{
}

void fmt_count_stop(void)
{
}

unsigned long fmt_count_hits(enum fmt_decoder kind, const void *base, size_t offset)
{
	(void)kind;
	(void)base;
	(void)offset;
	return 0;
}

unsigned long fmt_count_total(enum fmt_decoder kind)
{
	(void)kind;
	return 0;
}

unsigned long fmt_count_max_per_key(enum fmt_decoder kind)
{
	(void)kind;
	return 0;
}

size_t fmt_count_keys(void)
{
	return 0;
}

unsigned long fmt_count_overflow(void)
{
	return 0;
}

#endif
