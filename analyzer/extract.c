#include "analyzer/extract.h"

#include "formats/pci_rom.h"

#include <stdio.h>
#include <string.h>

static struct extract_item *next(struct extract_item *items, size_t *n, size_t cap)
{
	if (*n >= cap)
		return NULL;
	memset(&items[*n], 0, sizeof(items[*n]));
	items[*n].image = -1;
	return &items[(*n)++];
}

/* The driver file of an EFI chain image, or the reason there is none. */
static void driver_item(struct extract_item *it, const struct rom_node *n)
{
	const struct rom_driver *d = n->driver;
	it->kind = "efi-driver";
	if (d) {
		it->offset = d->payload_offset;
		it->length = d->payload_length;
	}
	if (d && d->state == DRIVER_OK && d->length > 0) {
		it->data = d->bytes;
		it->data_len = d->length;
		return;
	}
	/* keep the entry so the index says why there is no file */
	(void)snprintf(it->note, sizeof(it->note), "%s",
	               d && (d->state == DRIVER_DECOMPRESS_FAILED || d->state == DRIVER_NOT_DECODED)
	                   ? d->decompress_error
	                   : "no driver payload (or an empty one)");
}

size_t extract_items(const struct span *s, const struct rom_analysis *a, struct extract_item *items,
                     size_t cap)
{
	size_t n = 0;
	struct extract_item *it;
	if (a->container != CONTAINER_NONE && a->container_length <= s->len &&
	    (it = next(items, &n, cap)) != NULL) {
		(void)snprintf(it->name, sizeof(it->name), "prefix-%s.bin",
		               report_container_name(a->container));
		it->kind = "prefix";
		it->offset = 0;
		it->length = a->container_length;
		it->data = s->data;
		it->data_len = a->container_length;
	}
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_image *img = &a->chain.images[i];
		const struct rom_node *node = rom_node_of(a, img);
		const struct pci_pcir *p = &node->pcir;
		size_t len = img->length;
		if (img->offset >= s->len)
			break;
		if (len > s->len - img->offset)
			len = s->len - img->offset; /* a truncated image: what there is */
		if ((it = next(items, &n, cap)) == NULL)
			break;
		(void)snprintf(it->name, sizeof(it->name), "image%02zu-%s-%04x-%04x.rom", i,
		               pci_code_type_name(p->code_type), p->vendor_id, p->device_id);
		it->kind = "image";
		it->image = (int)i;
		it->offset = img->offset;
		it->length = len;
		it->data = s->data + img->offset;
		it->data_len = len;
		if (p->code_type != PCI_CODE_EFI || (it = next(items, &n, cap)) == NULL)
			continue;
		(void)snprintf(it->name, sizeof(it->name), "image%02zu-efi-%04x-%04x.efi", i,
		               p->vendor_id, p->device_id);
		it->image = (int)i;
		driver_item(it, node);
	}
	return n;
}
