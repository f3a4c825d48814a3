#include "formats/nv_bit.h"

#include "formats/decode_count.h"

#include <stdio.h>

#define FMT_PREFIX NV_BIT_HDR
#define FMT_TYPE   struct nv_bit_hdr
FMT_DEFINE(NV_BIT_HDR_FIELDS, nv_bit_hdr_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT_TOKEN
#define FMT_TYPE   struct nv_bit_token
FMT_DEFINE(NV_BIT_TOKEN_FIELDS, nv_bit_token_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT_STR
#define FMT_TYPE   struct nv_bit
FMT_TEXT_DEFINE(NV_BIT_STRING_FIELDS, nv_bit_string_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT
FMT_TEXT_DEFINE(NV_BIT_TEXT_FIELDS, nv_bit_text_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT_BIOSDATA
#define FMT_TYPE   struct nv_bit_biosdata
FMT_DEFINE(NV_BIT_BIOSDATA_FIELDS, nv_bit_biosdata_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

/* FF B8 "BIT\0": nouveau and nova-core search these bytes. */
static const uint8_t bit_signature[] = {0xFF, 0xB8, 'B', 'I', 'T', 0x00};
static const uint8_t bmp_signature[NV_BMP_SIG_LEN] = {0xFF, 0x7F, 'N', 'V', 0x00};

const char *nv_bit_status_str(enum nv_bit_status st)
{
	switch (st) {
	case NV_BIT_OK:
		return "ok";
	case NV_BIT_ABSENT:
		return "no BIT table";
	case NV_BIT_TRUNCATED:
		return "BIT header or token table past the end of the image";
	case NV_BIT_BAD_HEADER:
		return "BIT header or token size too small";
	}
	return "unknown";
}

/* ---- token handlers, dispatched by id (envytools nvbios bit.c) ---- */

typedef void (*bit_handler)(const struct span *s, const struct nv_bit_map *map,
                            const struct nv_bit_token *t, struct nv_bit *out);

/* A pointer of the BIT (relative to image 0) as a file offset (nouveau
 * nvbios_addr); false when it overflows. */
static bool bit_addr(const struct nv_bit_map *map, size_t ptr, size_t *out, bool *adjusted)
{
	*adjusted = false;
	if (map->imaged != 0 && map->image0_size != 0 && ptr >= map->image0_size) {
		*adjusted = true;
		return size_add(map->imaged, ptr - map->image0_size, out);
	}
	return size_add(map->rom, ptr, out);
}

/* Printable ASCII at off, at most max bytes, stopping at NUL or a
 * control byte; trailing blanks and CR/LF dropped. */
static void copy_ascii(const struct span *s, size_t off, size_t max, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	/* leading CR/LF (the version string starts a line) */
	while (i < max) {
		uint8_t c;
		if (!span_u8(s, off + i, &c) || (c != '\r' && c != '\n'))
			break;
		i++;
	}
	for (; i < max && n + 1 < cap; i++) {
		uint8_t c;
		if (!span_u8(s, off + i, &c) || c < 0x20 || c > 0x7E)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

static void version_from(const struct span *s, size_t off, struct nv_bit *out)
{
	struct nv_bit_biosdata b;
	if (!fmt_decode(s, off, nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT, &b))
		return;
	out->biosdata = b;
	out->biosdata_offset = off;
	out->has_version = true;
	(void)snprintf(out->version, sizeof(out->version), "%02X.%02X.%02X.%02X.%02X",
	               (unsigned)(b.binary_version >> 24) & 0xFF,
	               (unsigned)(b.binary_version >> 16) & 0xFF,
	               (unsigned)(b.binary_version >> 8) & 0xFF, (unsigned)b.binary_version & 0xFF,
	               (unsigned)b.oem_version);
}

static void on_biosdata(const struct span *s, const struct nv_bit_map *map,
                        const struct nv_bit_token *t, struct nv_bit *out)
{
	(void)map;
	if (t->data_size >= 5)
		version_from(s, t->data_offset, out);
}

static void on_info(const struct span *s, const struct nv_bit_map *map,
                    const struct nv_bit_token *t, struct nv_bit *out)
{
	(void)map;
	/* 'B' wins when present; 'i' holds the same five bytes (OBS). */
	if (t->data_size >= 5 && !out->has_version)
		version_from(s, t->data_offset, out);
	if (t->data_size >= NV_BIT_INFO_DATE_OFF + NV_BIT_INFO_DATE_LEN)
		copy_ascii(s, t->data_offset + NV_BIT_INFO_DATE_OFF, NV_BIT_INFO_DATE_LEN,
		           out->build_date, sizeof(out->build_date));
	if (t->data_size >= NV_BIT_INFO_BOARD_OFF + NV_BIT_INFO_BOARD_LEN)
		copy_ascii(s, t->data_offset + NV_BIT_INFO_BOARD_OFF, NV_BIT_INFO_BOARD_LEN,
		           out->board, sizeof(out->board));
}

static void on_strings(const struct span *s, const struct nv_bit_map *map,
                       const struct nv_bit_token *t, struct nv_bit *out)
{
	if (t->data_version != 2)
		return; /* version 1 is a different layout (BIT spec) */
	for (unsigned i = 0; i < NV_BIT_STR_T_COUNT && (size_t)(i + 1) * 3 <= t->data_size; i++) {
		uint16_t ptr;
		uint8_t max;
		size_t at;
		bool adj;
		if (!span_u16le(s, t->data_offset + (size_t)i * 3, &ptr) ||
		    !span_u8(s, t->data_offset + (size_t)i * 3 + 2, &max) || ptr == 0 ||
		    !bit_addr(map, ptr, &at, &adj))
			continue;
		out->string_offset[i] = at;
		out->string_max[i] = max;
		copy_ascii(s, at, max, out->strings[i], sizeof(out->strings[i]));
	}
}

/* The ids of the BIT specification (and 'i', named by envytools and
 * nouveau); any other id is kept on the node and listed as unknown. */
static const struct {
	uint8_t id;
	const char *name;
	bit_handler handler;
} bit_kinds[] = {
    {'2', "i2c_ptrs", NULL},    {'A', "dac_ptrs", NULL},       {'B', "biosdata", on_biosdata},
    {'C', "clock_ptrs", NULL},  {'D', "dfp_ptrs", NULL},       {'I', "nvinit_ptrs", NULL},
    {'L', "lvds_ptrs", NULL},   {'M', "memory_ptrs", NULL},    {'N', "nop", NULL},
    {'P', "perf_ptrs", NULL},   {'R', "bridge_fw_data", NULL}, {'S', "string_ptrs", on_strings},
    {'T', "tmds_ptrs", NULL},   {'U', "display_ptrs", NULL},   {'V', "virtual_strap", NULL},
    {'c', "32bit_ptrs", NULL},  {'d', "dp_ptrs", NULL},        {'i', "info", on_info},
    {'p', "falcon_data", NULL}, {'u', "uefi_data", NULL},      {'x', "mxm_data", NULL},
};
#define BIT_KINDS (sizeof(bit_kinds) / sizeof(bit_kinds[0]))

const char *nv_bit_token_name(uint8_t kind)
{
	return kind < BIT_KINDS ? bit_kinds[kind].name : NULL;
}

static uint8_t kind_of(uint8_t id)
{
	for (size_t k = 0; k < BIT_KINDS; k++)
		if (bit_kinds[k].id == id)
			return (uint8_t)k;
	return NV_BIT_UNKNOWN;
}

bool nv_bit_decode(const struct span *s, size_t img, size_t len, const struct nv_bit_map *map,
                   struct nv_bit *out)
{
	struct span image;
	size_t at = SIZE_MAX, tokens;
	FMT_COUNT(FMT_DEC_NV_BIT, s->data, img);
	memset(out, 0, sizeof(*out));
	out->status = NV_BIT_ABSENT;
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	for (size_t i = 0; i + sizeof(bit_signature) <= image.len; i++) {
		if (image.data[i] == 0xFF &&
		    span_eq(&image, i, bit_signature, sizeof(bit_signature))) {
			at = i;
			break;
		}
	}
	if (at == SIZE_MAX)
		return false;
	out->offset = img + at;
	if (!fmt_decode(&image, at, nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT, &out->hdr)) {
		out->status = NV_BIT_TRUNCATED;
		return false;
	}
	if (out->hdr.header_size < fmt_extent(nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT) ||
	    out->hdr.token_size < NV_BIT_MIN_TOKEN) {
		out->status = NV_BIT_BAD_HEADER;
		return false;
	}
	/* envytools: the header_size bytes sum to 0 */
	if (!span_sum8(&image, at, out->hdr.header_size, &out->sum)) {
		out->status = NV_BIT_TRUNCATED;
		return false;
	}
	out->checksum_ok = out->sum == 0;
	out->status = NV_BIT_OK;
	tokens = at + out->hdr.header_size;
	/* Stride = token size, count = token count (nouveau bit_entry); a
	 * table that leaves the image is kept up to its last whole token. */
	for (unsigned i = 0; i < out->hdr.token_count && out->n_tokens < NV_BIT_MAX_TOKENS; i++) {
		struct nv_bit_token *t = &out->tokens[out->n_tokens];
		size_t off = tokens + (size_t)i * out->hdr.token_size;
		if (!fmt_decode(&image, off, nv_bit_token_fields, NV_BIT_TOKEN_F_COUNT, t)) {
			out->status = NV_BIT_TRUNCATED;
			break;
		}
		t->kind = kind_of(t->id);
		if (t->kind == NV_BIT_UNKNOWN)
			out->n_unknown++;
		if (t->data_ptr != 0 && bit_addr(map, t->data_ptr, &t->data_offset, &t->adjusted))
			t->data_ok = span_has(s, t->data_offset, t->data_size);
		out->n_tokens++;
	}
	/* Dispatch: each known token with data to its handler; handlers
	 * read through s, so data cut by the end of the file reads as absent. */
	for (size_t i = 0; i < out->n_tokens; i++) {
		const struct nv_bit_token *t = &out->tokens[i];
		if (t->kind != NV_BIT_UNKNOWN && t->data_ptr != 0 && bit_kinds[t->kind].handler)
			bit_kinds[t->kind].handler(s, map, t, out);
	}
	return true;
}

size_t nv_bmp_find(const struct span *s, size_t img, size_t len)
{
	struct span image;
	FMT_COUNT(FMT_DEC_NV_BMP, s->data, img);
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	for (size_t i = 0; i + NV_BMP_SIG_LEN <= image.len; i++)
		if (image.data[i] == 0xFF && span_eq(&image, i, bmp_signature, NV_BMP_SIG_LEN))
			return img + i;
	return SIZE_MAX;
}
