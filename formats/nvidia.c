#include "formats/nvidia.h"

#include "formats/decode_count.h"
#include "formats/nv_bit.h"

#include <stdio.h>

const char *nvgi_status_str(enum nvgi_status st)
{
	switch (st) {
	case NVGI_OK:
		return "ok";
	case NVGI_NOT_PRESENT:
		return "no NVGI signature";
	case NVGI_TRUNCATED:
		return "header or its pointer past the end of the file";
	case NVGI_UNSUPPORTED_VERSION:
		return "unsupported IFR version";
	case NVGI_NO_RFRD:
		return "ROM directory (RFRD) not found";
	case NVGI_BAD_ROM_OFFSET:
		return "ROM offset is zero, misaligned or past the end";
	}
	return "unknown";
}

#define FMT_PREFIX NVGI
#define FMT_TYPE   struct nvgi_header
FMT_DEFINE(NVGI_FIELDS, nvgi_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NVGI_EXT
FMT_DEFINE(NVGI_EXT_FIELDS, nvgi_ext_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NVGI_V3
FMT_DEFINE(NVGI_V3_FIELDS, nvgi_v3_fields);
#undef FMT_PREFIX
#define FMT_PREFIX RFRD
FMT_DEFINE(RFRD_FIELDS, nvgi_rfrd_fields);
#undef FMT_PREFIX
#undef FMT_TYPE

#define FMT_PREFIX NPDE
#define FMT_TYPE   struct npde
FMT_DEFINE(NPDE_FIELDS, npde_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

enum nvgi_status nvgi_decode(const struct span *s, struct nvgi_header *out)
{
	const struct fmt_field *t = nvgi_fields;
	FMT_COUNT(FMT_DEC_NVGI, s->data, 0);
	memset(out, 0, sizeof(*out));
	if (!fmt_decode(s, 0, &t[NVGI_F_SIGNATURE], 1, out))
		return span_has(s, 0, 1) && s->data[0] == 'N' ? NVGI_TRUNCATED : NVGI_NOT_PRESENT;
	if (out->signature != NVGI_SIG)
		return NVGI_NOT_PRESENT;
	/* FIXED1, FIXED2 and their bit-fields */
	if (!fmt_decode(s, 0, &t[NVGI_F_FIXED1], NVGI_F_SUBSYSTEM_VENDOR - NVGI_F_FIXED1, out))
		return NVGI_TRUNCATED;
	(void)fmt_decode(s, 0, &t[NVGI_F_SUBSYSTEM_VENDOR], NVGI_F_COUNT - NVGI_F_SUBSYSTEM_VENDOR,
	                 out);

	switch (out->version) {
	case 1:
	case 2:
		if (!fmt_decode(s, out->fixed_data_size, nvgi_ext_fields, NVGI_EXT_F_COUNT, out))
			return NVGI_TRUNCATED;
		break;
	case 3: {
		size_t dir;
		const struct fmt_field *r = nvgi_rfrd_fields;
		if (!fmt_decode(s, out->total_data_size, nvgi_v3_fields, NVGI_V3_F_COUNT, out))
			return NVGI_TRUNCATED;
		if (!size_add(out->flash_status_offset, NVGI_RFRD_DISTANCE, &dir) ||
		    !fmt_decode(s, dir, &r[RFRD_F_SIGNATURE], 1, out))
			return NVGI_TRUNCATED;
		if (out->rfrd_signature != NVGI_RFRD_SIG)
			return NVGI_NO_RFRD;
		out->rfrd_offset = (uint32_t)dir;
		(void)fmt_decode(s, dir, &r[RFRD_F_VERSION], 2, out); /* VERSION, SIZE */
		if (!fmt_decode(s, dir, &r[RFRD_F_ROM_OFFSET], 1, out))
			return NVGI_TRUNCATED;
		break;
	}
	default:
		return NVGI_UNSUPPORTED_VERSION;
	}
	/* OpenRM asserts 4-byte alignment of the image offset. */
	if (out->rom_offset == 0 || (out->rom_offset & 3u) != 0 || !span_has(s, out->rom_offset, 2))
		return NVGI_BAD_ROM_OFFSET;
	return NVGI_OK;
}

bool npde_decode(const struct span *s, size_t img, uint16_t pcir_offset, uint16_t pcir_length,
                 struct npde *out)
{
	const struct fmt_field *t = npde_fields;
	size_t rel = ((size_t)pcir_offset + pcir_length + 0xFu) & ~(size_t)0xFu;
	size_t abs;
	FMT_COUNT(FMT_DEC_NPDE, s->data, (size_t)img + rel);
	memset(out, 0, sizeof(*out));
	if (!size_add(img, rel, &abs) || !fmt_decode(s, abs, &t[NPDE_F_SIGNATURE], 1, out) ||
	    out->signature != NPDE_SIG)
		return false;
	if (!fmt_decode(s, abs, &t[NPDE_F_REVISION], 3, out)) /* up to SUBIMAGE_LENGTH */
		return false;
	out->offset = rel;
	/* OpenRM reads the last flag only when the extension's own length
	 * covers it; nouveau reads it regardless. Keep both facts. */
	out->has_last = fmt_decode(s, abs, &t[NPDE_F_PRIV_LAST], 1, out) && out->length >= 0x0B;
	out->has_flags = out->length >= 0x0C && fmt_decode(s, abs, &t[NPDE_F_FLAGS], 1, out);
	out->has_gop_version =
	    out->length >= 0x10 && fmt_decode(s, abs, &t[NPDE_F_GOP_VERSION], 1, out);
	return true;
}

bool nv_bios_version(const struct span *s, size_t img, size_t len, char *out, size_t cap)
{
	struct nv_bit bit;
	struct nv_bit_map map = {img, 0, 0};
	FMT_COUNT(FMT_DEC_NV_BIOS_VERSION, s->data, img);
	if (cap)
		out[0] = '\0';
	if (!span_has(s, img, len) || !nv_bit_decode(s, img, len, &map, &bit) || !bit.has_version)
		return false;
	(void)snprintf(out, cap, "%s", bit.version);
	return true;
}
