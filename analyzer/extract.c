#include "analyzer/extract.h"

#include "analyzer/efi_image.h"
#include "formats/pci_rom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct extract_item *next(struct extract_item *items, size_t *n, size_t cap)
{
	if (*n >= cap)
		return NULL;
	memset(&items[*n], 0, sizeof(items[*n]));
	items[*n].image = -1;
	return &items[(*n)++];
}

size_t extract_items(const struct span *s, const struct rom_report *r, struct extract_item *items,
                     size_t cap)
{
	size_t n = 0;
	struct extract_item *it;
	if (r->container.present && r->container.length <= s->len &&
	    (it = next(items, &n, cap)) != NULL) {
		snprintf(it->name, sizeof(it->name), "prefix-%s.bin", r->container.kind);
		it->kind = "prefix";
		it->offset = 0;
		it->length = r->container.length;
		it->data = s->data;
		it->data_len = r->container.length;
	}
	for (size_t i = 0; i < r->n_images; i++) {
		const struct rom_image *img = &r->images[i];
		size_t len = img->length;
		if (img->offset >= s->len)
			break;
		if (len > s->len - img->offset)
			len = s->len - img->offset; /* a truncated image: what there is */
		if ((it = next(items, &n, cap)) == NULL)
			break;
		snprintf(it->name, sizeof(it->name), "image%02zu-%s-%04x-%04x.rom", i,
		         pci_code_type_name(img->code_type), img->vendor_id, img->device_id);
		it->kind = "image";
		it->image = (int)i;
		it->offset = img->offset;
		it->length = len;
		it->data = s->data + img->offset;
		it->data_len = len;
		if (img->code_type != PCI_CODE_EFI || (it = next(items, &n, cap)) == NULL)
			continue;
		snprintf(it->name, sizeof(it->name), "image%02zu-efi-%04x-%04x.efi", i,
		         img->vendor_id, img->device_id);
		it->kind = "efi-driver";
		it->image = (int)i;
		it->offset = img->efi.payload_offset;
		it->length = img->efi.payload_length;
		if (efi_image_driver(s, img, &it->owned, &it->data_len) && it->data_len > 0) {
			it->data = it->owned;
		} else {
			free(it->owned);
			it->owned = NULL;
			/* keep the entry so the index says why there is no file */
			snprintf(it->note, sizeof(it->note), "%s",
			         img->efi.decompress_error[0]
			             ? img->efi.decompress_error
			             : "no driver payload (or an empty one)");
			it->data = NULL;
			it->data_len = 0;
		}
	}
	return n;
}

void extract_free(struct extract_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].owned);
		items[i].owned = NULL;
	}
}
