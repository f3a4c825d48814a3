#include "tests/support/vfct_builder.h"

#include "formats/field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct vb *v, size_t n)
{
	uint8_t *p = realloc(v->data, v->len + n);
	if (!p) {
		fprintf(stderr, "vfct_builder: out of memory\n");
		abort();
	}
	memset(p + v->len, 0, n);
	v->data = p;
	v->len += n;
}

void vb_init(struct vb *v)
{
	struct acpi_header a = {0, 1, 0, 1, 0x204d5241u /* "ARM " */, 1};
	struct vfct_header h = {VFCT_HEADER_LEN, 0};
	v->data = NULL;
	v->len = 0;
	grow(v, VFCT_HEADER_LEN);
	memcpy(v->data, VFCT_SIG, ACPI_SIG_LEN);
	memcpy(v->data + ACPI_OEM_ID_OFF, "OPTROM", ACPI_OEM_ID_LEN);
	memcpy(v->data + ACPI_OEM_TABLE_OFF, "TESTVFCT", ACPI_OEM_TABLE_LEN);
	(void)fmt_encode(v->data, v->len, 0, acpi_header_fields, ACPI_HDR_F_COUNT, &a);
	(void)fmt_encode(v->data, v->len, 0, vfct_header_fields, VFCT_HDR_F_COUNT, &h);
}

void vb_free(struct vb *v)
{
	free(v->data);
	v->data = NULL;
	v->len = 0;
}

void vb_add(struct vb *v, const struct vfct_image_header *h, const uint8_t *img, size_t n)
{
	size_t at = v->len;
	grow(v, VFCT_IMAGE_HDR_LEN + n);
	(void)fmt_encode(v->data, v->len, at, vfct_image_header_fields, VFCT_IMG_F_COUNT, h);
	if (n)
		memcpy(v->data + at + VFCT_IMAGE_HDR_LEN, img, n);
}

void vb_pad(struct vb *v, size_t n)
{
	grow(v, n);
}

void vb_finish(struct vb *v)
{
	uint8_t sum = 0;
	struct acpi_header a;
	struct span s = span_make(v->data, v->len);
	(void)fmt_decode(&s, 0, acpi_header_fields, ACPI_HDR_F_COUNT, &a);
	a.length = (uint32_t)v->len;
	a.checksum = 0;
	(void)fmt_encode(v->data, v->len, 0, acpi_header_fields, ACPI_HDR_F_COUNT, &a);
	for (size_t i = 0; i < v->len; i++)
		sum = (uint8_t)(sum + v->data[i]);
	v->data[ACPI_HDR_OFF_CHECKSUM] = (uint8_t)(0x100 - sum);
}

struct vfct_image_header vb_header(uint32_t bus, uint32_t dev, uint32_t fn, uint16_t vendor,
                                   uint16_t device, size_t n)
{
	struct vfct_image_header h;
	memset(&h, 0, sizeof(h));
	h.pci_bus = bus;
	h.pci_device = dev;
	h.pci_function = fn;
	h.vendor = vendor;
	h.device = device;
	h.revision = 1;
	h.image_length = (uint32_t)n;
	return h;
}
