/* EFI images (code type 3): the driver payload, its decompression, its PE
 * headers and the GOP version, and the findings about them. */
#ifndef OPTROM_EFI_IMAGE_H
#define OPTROM_EFI_IMAGE_H

#include "analyzer/report.h"
#include "formats/span.h"

/* Inspects r->images[index] (an EFI image) and adds findings. */
void efi_image_inspect(const struct span *s, struct rom_report *r, size_t index);

/* The driver of an EFI image as a PE file: the payload itself when
 * uncompressed, else a new decompressed buffer (free() it). Returns false
 * (and *out NULL) when there is none. Used by `optrom extract`. */
bool efi_image_driver(const struct span *s, const struct rom_image *img, uint8_t **out,
                      size_t *len);

#endif
