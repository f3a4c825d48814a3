/* Builds synthetic ACPI VFCT tables (formats/vfct.h) for the tests and the
 * fuzz seeds: every header field is written through the formats/ field
 * tables, the images are ROMs from rom_builder (no vendor bytes). */
#ifndef OPTROM_TEST_VFCT_BUILDER_H
#define OPTROM_TEST_VFCT_BUILDER_H

#include "formats/vfct.h"

#include <stddef.h>
#include <stdint.h>

struct vb {
	uint8_t *data;
	size_t len;
};

/* An empty table: ACPI header "VFCT" (OEM "OPTROM" "TESTVFCT"), the image
 * list at VFCT_HEADER_LEN, no image yet. */
void vb_init(struct vb *v);
void vb_free(struct vb *v);

/* Appends an image header and its bytes. */
void vb_add(struct vb *v, const struct vfct_image_header *h, const uint8_t *img, size_t n);

/* Appends n bytes of zeros (an all-zero header ends the list). */
void vb_pad(struct vb *v, size_t n);

/* Sets the ACPI length to the bytes so far and balances the checksum. */
void vb_finish(struct vb *v);

/* A header for a GPU at bus:dev.fn with vendor:device and n image bytes. */
struct vfct_image_header vb_header(uint32_t bus, uint32_t dev, uint32_t fn, uint16_t vendor,
                                   uint16_t device, size_t n);

#endif
