#include "formats/vfct.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FMT_PREFIX ACPI_HDR
#define FMT_TYPE   struct acpi_header
FMT_DEFINE(ACPI_HDR_FIELDS, acpi_header_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX VFCT_HDR
#define FMT_TYPE   struct vfct_header
FMT_DEFINE(VFCT_HDR_FIELDS, vfct_header_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX VFCT_IMG
#define FMT_TYPE   struct vfct_image_header
FMT_DEFINE(VFCT_IMG_FIELDS, vfct_image_header_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

const char *vfct_status_str(enum vfct_status st)
{
	switch (st) {
	case VFCT_OK:
		return "ok";
	case VFCT_NOT_VFCT:
		return "not-vfct";
	case VFCT_BAD_LENGTH:
		return "bad-length";
	case VFCT_TRUNCATED:
		return "truncated";
	case VFCT_BAD_OFFSET:
		return "bad-image-offset";
	}
	return "unknown";
}

const char *vfct_stop_str(enum vfct_stop st)
{
	switch (st) {
	case VFCT_STOP_ZERO:
		return "zero-header";
	case VFCT_STOP_END:
		return "table-end";
	case VFCT_STOP_TRUNCATED:
		return "image-truncated";
	case VFCT_STOP_CAP:
		return "cap";
	}
	return "unknown";
}

static void say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!why || cap == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

bool vfct_is_table(const struct span *s)
{
	return span_has(s, 0, ACPI_HEADER_LEN) && span_eq(s, 0, VFCT_SIG, ACPI_SIG_LEN);
}

static void text(const struct span *s, size_t off, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = 0;
		(void)span_u8(s, off + i, &c);
		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : (c == 0 ? ' ' : '?');
	}
	out[n] = '\0';
	/* ACPI pads the ids with spaces or NULs: trim them. */
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

static bool all_zero(const struct span *s, size_t off, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c;
		if (!span_u8(s, off + i, &c) || c != 0)
			return false;
	}
	return true;
}

static void walk_images(const struct span *tbl, struct vfct_table *t)
{
	size_t off = t->vfct.vbios_image_offset;
	t->stop = VFCT_STOP_END;
	t->stop_offset = off;
	/* Each step advances by at least the header's 28 bytes: the walk ends. */
	while (t->n < VFCT_MAX_IMAGES) {
		struct vfct_image *img = &t->images[t->n];
		size_t data, end;
		t->stop_offset = off;
		if (!span_has(tbl, off, VFCT_IMAGE_HDR_LEN)) {
			t->stop = VFCT_STOP_END;
			return;
		}
		if (all_zero(tbl, off, VFCT_IMAGE_HDR_LEN)) {
			t->stop = VFCT_STOP_ZERO;
			return;
		}
		memset(img, 0, sizeof(*img));
		(void)fmt_decode(tbl, off, vfct_image_header_fields, VFCT_IMG_F_COUNT, &img->hdr);
		data = off + VFCT_IMAGE_HDR_LEN; /* cannot wrap: span_has held */
		img->header_offset = off;
		img->data_offset = data;
		t->n++;
		if (!size_add(data, img->hdr.image_length, &end) || end > tbl->len) {
			img->truncated = true;
			img->data_length = tbl->len - data;
			t->stop = VFCT_STOP_TRUNCATED;
			return;
		}
		img->data_length = img->hdr.image_length;
		off = end;
	}
	t->stop = VFCT_STOP_CAP;
	t->stop_offset = off;
}

enum vfct_status vfct_decode(const struct span *s, struct vfct_table *t, char *why, size_t cap)
{
	struct span tbl;
	uint8_t sum = 0;
	memset(t, 0, sizeof(*t));
	if (!span_has(s, 0, ACPI_HEADER_LEN)) {
		say(why, cap, "%zu bytes: expected at least the %u-byte ACPI header", s->len,
		    ACPI_HEADER_LEN);
		return VFCT_NOT_VFCT;
	}
	if (!span_eq(s, 0, VFCT_SIG, ACPI_SIG_LEN)) {
		say(why, cap, "signature at 0x0: expected \"VFCT\", found %02x %02x %02x %02x",
		    s->data[0], s->data[1], s->data[2], s->data[3]);
		return VFCT_NOT_VFCT;
	}
	(void)fmt_decode(s, 0, acpi_header_fields, ACPI_HDR_F_COUNT, &t->acpi);
	text(s, ACPI_OEM_ID_OFF, ACPI_OEM_ID_LEN, t->oem_id);
	text(s, ACPI_OEM_TABLE_OFF, ACPI_OEM_TABLE_LEN, t->oem_table_id);
	if (t->acpi.length < VFCT_HEADER_LEN) {
		say(why, cap,
		    "table length at 0x4: expected at least 0x%x (the VFCT header), found 0x%x",
		    VFCT_HEADER_LEN, t->acpi.length);
		return VFCT_BAD_LENGTH;
	}
	if (t->acpi.length > s->len) {
		say(why, cap,
		    "table length at 0x4: expected at most the 0x%zx bytes present, found 0x%x: "
		    "the table is truncated",
		    s->len, t->acpi.length);
		return VFCT_TRUNCATED;
	}
	t->length = t->acpi.length;
	t->trailing = s->len - t->length;
	tbl = span_make(s->data, t->length);
	for (size_t i = 0; i < t->length; i++)
		sum = (uint8_t)(sum + tbl.data[i]);
	t->sum = sum;
	t->checksum_ok = sum == 0;
	(void)fmt_decode(&tbl, 0, vfct_header_fields, VFCT_HDR_F_COUNT, &t->vfct);
	if (t->vfct.vbios_image_offset < VFCT_HEADER_LEN ||
	    t->vfct.vbios_image_offset > t->length) {
		say(why, cap,
		    "VBIOSImageOffset at 0x%x: expected 0x%x to 0x%zx (inside the table, after its "
		    "header), found 0x%x",
		    VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, VFCT_HEADER_LEN, t->length,
		    t->vfct.vbios_image_offset);
		return VFCT_BAD_OFFSET;
	}
	walk_images(&tbl, t);
	return VFCT_OK;
}

bool vfct_image_bdf(const struct vfct_image_header *h, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%02x:%02x.%x", h->pci_bus, h->pci_device, h->pci_function);
	return n > 0 && (size_t)n < cap;
}
