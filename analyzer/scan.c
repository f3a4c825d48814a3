#include "analyzer/scan.h"

#include "analyzer/vendor.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *scan_verdict_name(enum scan_verdict v)
{
	static const char *const names[SCAN_VERDICT_COUNT] = {"ready", "fixable", "broken",
	                                                      "not-a-rom", "unreadable"};
	return (unsigned)v < SCAN_VERDICT_COUNT ? names[v] : "unknown";
}

const char *scan_gop_name(enum scan_gop g)
{
	static const enum gop_state map[SCAN_GOP_COUNT] = {GOP_NONE, GOP_SIGNED_OK, GOP_UNSIGNED,
	                                                   GOP_DAMAGED};
	return (unsigned)g < SCAN_GOP_COUNT ? gop_state_name(map[g]) : "unknown";
}

enum scan_gop scan_gop_state(const struct rom_analysis *a)
{
	switch (rom_gop_state(a)) {
	case GOP_SIGNED_OK:
		return SCAN_GOP_SIGNED_OK;
	case GOP_UNSIGNED:
		return SCAN_GOP_UNSIGNED;
	case GOP_DAMAGED:
		return SCAN_GOP_DAMAGED;
	default:
		return SCAN_GOP_NONE;
	}
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (tolower((unsigned char)s[n - k + i]) != suffix[i])
			return false;
	return true;
}

bool scan_name_rom_like(const char *name)
{
	static const char *const exts[] = {".rom", ".bin", ".vbios", ".bios", ".vga",
	                                   ".fd",  ".fw",  ".dump",  ".dmp"};
	const char *base = name ? name : "";
	const char *p;
	size_t n;
	if ((p = strrchr(base, '/')) != NULL)
		base = p + 1;
	if ((p = strrchr(base, '!')) != NULL)
		base = p + 1;
	n = strlen(base);
	if (ends_with_ci(base, n, ".gz"))
		n -= 3;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (ends_with_ci(base, n, exts[i]) && n > strlen(exts[i]))
			return true;
	return false;
}

static bool rom_shaped(const struct rom_analysis *a, const uint8_t *data, size_t len)
{
	if (a->has_rom || a->isa_rom || a->container != CONTAINER_NONE)
		return true;
	/* A cut 55AA header or NVGI container is a failed dump, whatever follows. */
	return len >= 2 &&
	       ((data[0] == 0x55 && data[1] == 0xAA) || (len >= 4 && !memcmp(data, "NVGI", 4)));
}

bool scan_not_a_rom(const struct rom_analysis *a, const uint8_t *data, size_t len, const char *name,
                    enum file_kind *kind)
{
	struct span s = span_make(data, len);
	*kind = file_kind_sniff(&s);
	return !rom_shaped(a, data, len) && !scan_name_rom_like(name) && *kind != FILE_KIND_UNKNOWN;
}

int scan_verdict_exit(enum scan_verdict v)
{
	switch (v) {
	case SCAN_READY:
	case SCAN_NOT_A_ROM:
		return 0;
	case SCAN_FIXABLE:
		return 1;
	case SCAN_UNREADABLE:
		return 2;
	default:
		return 3;
	}
}

void scan_info_rename(struct scan_info *info, const char *name)
{
	bool not_rom =
	    !info->rom_shaped && !scan_name_rom_like(name) && info->kind != FILE_KIND_UNKNOWN;
	info->verdict = not_rom ? SCAN_NOT_A_ROM : info->rom_verdict;
	if (not_rom)
		(void)snprintf(info->problem, sizeof(info->problem), "%s, no option ROM",
		               file_kind_name(info->kind));
	else
		memcpy(info->problem, info->rom_problem, sizeof(info->problem));
}

void scan_info_from(struct scan_info *out, const struct rom_analysis *a, const uint8_t *data,
                    size_t len, const char *name)
{
	const struct finding *f = finding_first_problem(&a->findings);
	const struct rom_node *first = rom_chain_node(a, 0);
	struct span s = span_make(data, len);
	memset(out, 0, sizeof(*out));
	out->size = a->size;
	switch (a->verdict) {
	case VERDICT_READY:
		out->rom_verdict = SCAN_READY;
		break;
	case VERDICT_FIXABLE:
		out->rom_verdict = SCAN_FIXABLE;
		break;
	default:
		out->rom_verdict = SCAN_BROKEN;
		break;
	}
	out->rom_shaped = rom_shaped(a, data, len);
	out->kind = out->rom_shaped ? FILE_KIND_UNKNOWN : file_kind_sniff(&s);
	out->has_rom = a->has_rom;
	out->rom_offset = a->rom_offset;
	out->images = a->chain.n;
	if (first) {
		out->has_ids = true;
		out->vendor = first->pcir.vendor_id;
		out->device = first->pcir.device_id;
	}
	for (int r = FMT_ROLE_VERSION; r < FMT_ROLE_COUNT; r++)
		(void)snprintf(out->quote[r], sizeof(out->quote[r]), "%s",
		               vendor_quote(a, (enum fmt_role)r));
	for (size_t i = 0; i < a->chain.n && !out->quote[FMT_ROLE_VERSION][0]; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n && n->version[0])
			(void)snprintf(out->quote[FMT_ROLE_VERSION],
			               sizeof(out->quote[FMT_ROLE_VERSION]), "%s", n->version);
	}
	out->gop = scan_gop_state(a);
	if (f)
		(void)snprintf(out->rom_problem, sizeof(out->rom_problem), "%s: %s",
		               finding_name(f->id), f->message);
	scan_info_rename(out, name);
}

/* Counts vendor:device in the sorted table (binary search, insertion). */
static void device_add(struct scan_summary *s, uint16_t vendor, uint16_t device)
{
	uint32_t key = (uint32_t)vendor << 16 | device;
	size_t lo = 0, hi = s->n_devices;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = (uint32_t)s->devices[mid].vendor << 16 | s->devices[mid].device;
		if (k == key) {
			s->devices[mid].count++;
			return;
		}
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n_devices >= SCAN_MAX_DEVICES) {
		s->devices_other++;
		return;
	}
	memmove(&s->devices[lo + 1], &s->devices[lo], (s->n_devices - lo) * sizeof(s->devices[0]));
	s->devices[lo] = (struct scan_device){vendor, device, 1};
	s->n_devices++;
}

/* Tokens: t < 0x80 is t + 1 bytes that follow; t >= 0x80 is (t & 0x7F) + 1
 * zero bytes. */
size_t scan_info_pack(const struct scan_info *info, uint8_t *out)
{
	struct scan_info kept;
	const uint8_t *b = (const uint8_t *)&kept;
	const size_t n = sizeof(kept);
	uint8_t *o = out;
	size_t i = 0;
	memcpy(&kept, info, sizeof(kept)); /* the padding too: the same bytes back */
	/* Derived by scan_info_rename from rom_verdict, rom_problem and kind. */
	kept.verdict = SCAN_READY;
	memset(kept.problem, 0, sizeof(kept.problem));
	while (i < n) {
		size_t run = 0;
		if (b[i] == 0) {
			while (i + run < n && b[i + run] == 0 && run < 128)
				run++;
			*o++ = (uint8_t)(0x80 | (run - 1));
		} else {
			/* A literal run ends at two zero bytes (one is cheaper inline). */
			while (i + run < n && run < 128 &&
			       !(b[i + run] == 0 && (i + run + 1 >= n || b[i + run + 1] == 0)))
				run++;
			*o++ = (uint8_t)(run - 1);
			memcpy(o, b + i, run);
			o += run;
		}
		i += run;
	}
	return (size_t)(o - out);
}

bool scan_info_unpack(const uint8_t *p, size_t len, struct scan_info *info)
{
	uint8_t *b = (uint8_t *)info;
	const size_t n = sizeof(*info);
	size_t i = 0, k = 0;
	while (k < len) {
		size_t run = (size_t)(p[k] & 0x7F) + 1;
		if (run > n - i)
			return false;
		if (p[k] & 0x80) {
			memset(b + i, 0, run);
			k++;
		} else {
			if (run > len - k - 1)
				return false;
			memcpy(b + i, p + k + 1, run);
			k += 1 + run;
		}
		i += run;
	}
	return i == n;
}

void scan_summary_add(struct scan_summary *s, const struct scan_info *info, uint64_t size)
{
	s->files++;
	s->bytes += size;
	if (!info) {
		s->verdicts[SCAN_UNREADABLE]++;
		return;
	}
	s->verdicts[info->verdict]++;
	if (info->verdict == SCAN_NOT_A_ROM || !info->has_rom)
		return;
	s->gop[info->gop]++;
	if (info->has_ids) {
		s->vendors[info->vendor]++;
		device_add(s, info->vendor, info->device);
	}
}
