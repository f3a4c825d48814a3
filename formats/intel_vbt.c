#include "formats/intel_vbt.h"

#include "formats/decode_count.h"

#define FMT_PREFIX INTEL_VBT
#define FMT_TYPE   struct intel_vbt
FMT_DEFINE(INTEL_VBT_FIELDS, intel_vbt_fields);
#undef FMT_PREFIX
#define FMT_PREFIX INTEL_BDB
FMT_DEFINE(INTEL_BDB_FIELDS, intel_bdb_fields);
#undef FMT_PREFIX
#define FMT_PREFIX INTEL_VBT
FMT_TEXT_DEFINE(INTEL_VBT_TEXT_FIELDS, intel_vbt_text_fields);
#undef FMT_PREFIX
#undef FMT_TYPE

static void copy_text(const struct span *s, size_t off, size_t max, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < max && n + 1 < cap; i++) {
		uint8_t c;
		if (!span_u8(s, off + i, &c) || c < 0x20 || c > 0x7E)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

bool intel_vbt_find(const struct span *s, size_t img, size_t len, struct intel_vbt *out)
{
	struct span image, vbt;
	size_t at = SIZE_MAX, tag = sizeof(INTEL_BUILD_TAG) - 1;
	FMT_COUNT(FMT_DEC_INTEL_VBT, s->data, img);
	memset(out, 0, sizeof(*out));
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	for (size_t i = 0; i + INTEL_VBT_SIG_LEN <= image.len; i++)
		if (image.data[i] == '$' && span_eq(&image, i, INTEL_VBT_SIG, INTEL_VBT_SIG_LEN)) {
			at = i;
			break;
		}
	if (at == SIZE_MAX || !fmt_decode(&image, at, intel_vbt_fields, INTEL_VBT_F_COUNT, out))
		return false;
	out->offset = img + at;
	copy_text(&image, at, INTEL_VBT_ID_LEN, out->id, sizeof(out->id));
	/* The VBT's own extent, clipped to the image. */
	if (!span_sub(&image, at, out->vbt_size, &vbt))
		vbt = span_tail(&image, at);
	out->has_bdb = out->bdb_offset < vbt.len &&
	               span_eq(&vbt, out->bdb_offset, INTEL_BDB_SIG, INTEL_BDB_SIG_LEN) &&
	               fmt_decode(&vbt, out->bdb_offset, intel_bdb_fields, INTEL_BDB_F_COUNT, out);
	for (size_t i = 0; i + tag <= vbt.len; i++)
		if (vbt.data[i] == 'B' && span_eq(&vbt, i, INTEL_BUILD_TAG, tag)) {
			size_t n = 0;
			copy_text(&vbt, i + tag, sizeof(out->build) - 1, out->build,
			          sizeof(out->build));
			while (n + 1 < sizeof(out->build_number) && out->build[n] >= '0' &&
			       out->build[n] <= '9') {
				out->build_number[n] = out->build[n];
				n++;
			}
			out->build_number[n] = '\0';
			break;
		}
	return true;
}
