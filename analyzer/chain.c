#include "analyzer/chain.h"

#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/producer.h"

#include <string.h>

static void fill_checksum(const struct span *s, struct rom_image *img)
{
	struct rom_checksum *c = &img->checksum;
	size_t len = (size_t)img->size_byte * PCI_ROM_BLOCK;
	size_t avail = img->offset < s->len ? s->len - img->offset : 0;
	size_t own = len, sub = (size_t)img->npde.subimage_blocks * PCI_ROM_BLOCK;
	memset(c, 0, sizeof(*c));
	if (img->code_type != PCI_CODE_X86 || img->signature != PCI_ROM_SIG)
		return;
	/* SeaBIOS is_valid_rom and iPXE sum size_byte x 512 bytes. */
	c->present = true;
	c->length = len;
	c->complete = len <= avail;
	(void)span_sum8(s, img->offset, len < avail ? len : avail, &c->sum);
	c->ok = c->complete && len != 0 && c->sum == 0;
	/* On NVIDIA Pascal the size byte also covers private images: keep the
	 * edit inside the x86 sub-image that NPDE delimits. */
	if (img->npde.present && sub != 0 && sub < own)
		own = sub;
	c->fix_offset = img->offset + pci_checksum_byte((enum pci_producer)img->producer, own);
}

void chain_fill_image(const struct span *s, size_t off, bool nvidia_view, struct rom_image *img)
{
	struct pci_rom_header hdr;
	struct pci_pcir pcir;
	struct npde npde;
	size_t end;
	memset(img, 0, sizeof(*img));
	(void)pci_image_probe(s, off, nvidia_view, &hdr, &pcir);
	img->offset = off;
	img->signature = hdr.signature;
	img->size_byte = hdr.size_blocks;
	img->pcir_offset = hdr.pcir_offset;
	img->pcir_signature = pcir.signature;
	img->pcir_revision = pcir.revision;
	img->pcir_length = pcir.length;
	img->vendor_id = pcir.vendor_id;
	img->device_id = pcir.device_id;
	img->class_code = pcir.class_code;
	img->code_revision = pcir.code_revision;
	img->code_type = pcir.code_type;
	img->indicator = pcir.indicator;
	img->last = (pcir.indicator & PCIR_LAST_IMAGE) != 0;
	img->length = (size_t)pcir.image_blocks * PCI_ROM_BLOCK;
	if (npde_decode(s, off, hdr.pcir_offset, pcir.length, &npde)) {
		img->npde.present = true;
		img->npde.offset = npde.offset;
		img->npde.revision = npde.revision;
		img->npde.length = npde.length;
		img->npde.subimage_blocks = npde.subimage_blocks;
		img->npde.last = (npde.priv_last & NPDE_LAST_IMAGE) != 0;
		img->npde.flags = npde.flags;
	}
	img->truncated = !size_add(off, img->length, &end) || end > s->len;
	if (img->code_type == PCI_CODE_EFI) {
		struct efi_rom_header efi;
		img->is_efi = efi_rom_header_decode(s, off, &efi);
		img->efi.init_blocks = efi.init_blocks;
		img->efi.signature = efi.efi_signature;
		img->efi.subsystem = efi.subsystem;
		img->efi.machine = efi.machine;
		img->efi.compression = efi.compression;
		img->efi.image_offset = efi.image_offset;
	}
	if (img->code_type == PCI_CODE_X86 && img->signature == PCI_ROM_SIG) {
		size_t len = img->length ? img->length : (size_t)img->size_byte * PCI_ROM_BLOCK;
		img->producer = (int)pci_detect_producer(s, off, len, img->vendor_id, img->version,
		                                         sizeof(img->version));
	}
	fill_checksum(s, img);
}

static void walk(const struct span *s, size_t start, bool nvidia, struct chain_walk *w)
{
	size_t off = start;
	memset(w, 0, sizeof(*w));
	w->end = start;
	for (;;) {
		struct pci_rom_header hdr;
		struct pci_pcir pcir;
		struct rom_image *img;
		size_t step, next;
		enum pci_status st;
		if (w->n >= REPORT_MAX_IMAGES) {
			w->stop = CHAIN_STOP_CAP;
			w->stop_offset = off;
			return;
		}
		st = pci_image_probe(s, off, nvidia, &hdr, &pcir);
		if (st != PCI_OK) {
			w->stop_offset = off;
			if (w->n == 0)
				w->stop = CHAIN_STOP_NO_FIRST;
			else if (st == PCI_BAD_SIGNATURE && hdr.signature != PCI_ROM_SIG &&
			         !(nvidia && hdr.signature == PCI_ROM_SIG_NV))
				w->stop = CHAIN_STOP_NOT_IMAGE;
			else if (st == PCI_TRUNCATED && !span_has(s, off, 2))
				w->stop = CHAIN_STOP_EOF;
			else {
				w->stop = CHAIN_STOP_BAD_PCIR;
				w->bad_pcir = (int)st;
			}
			return;
		}
		img = &w->images[w->n++];
		chain_fill_image(s, off, nvidia, img);
		step = img->length;
		if (nvidia && img->npde.present && img->npde.subimage_blocks != 0) {
			/* NPDE overrides PCIR length and last bit (nouveau, OpenRM). */
			step = (size_t)img->npde.subimage_blocks * PCI_ROM_BLOCK;
			img->length = step;
			img->truncated = !size_add(off, step, &next) || next > s->len;
			if (img->npde.length >= 0x0B)
				img->last = img->npde.last;
			else if (img->npde.subimage_blocks < pcir.image_blocks)
				img->last = false;
		}
		if (nvidia && img->code_type == PCI_CODE_NV_NBSI)
			img->last = true; /* nouveau treats NBSI as the end */
		if (step == 0) {
			w->stop = CHAIN_STOP_ZERO_LENGTH;
			w->stop_offset = off;
			w->end = off < s->len ? off : s->len;
			return;
		}
		if (!size_add(off, step, &next) || next > s->len) {
			w->stop = CHAIN_STOP_TRUNCATED;
			w->stop_offset = s->len;
			w->end = s->len;
			return;
		}
		w->end = next;
		if (img->last) {
			w->stop = CHAIN_STOP_LAST;
			w->stop_offset = next;
			return;
		}
		if (next >= s->len) {
			w->stop = CHAIN_STOP_EOF;
			w->stop_offset = next;
			return;
		}
		off = next; /* strictly increasing since step > 0: no revisits */
	}
}

void chain_walk_standard(const struct span *s, size_t start, struct chain_walk *w)
{
	walk(s, start, false, w);
}

void chain_walk_nvidia(const struct span *s, size_t start, struct chain_walk *w)
{
	walk(s, start, true, w);
}

size_t chain_scan_after(const struct span *s, size_t rom_offset, size_t from, struct rom_image *out,
                        size_t cap)
{
	size_t n = 0;
	size_t rel = from > rom_offset ? from - rom_offset : 0;
	size_t off;
	/* Stay on the ROM's 512-byte grid: images start on block boundaries. */
	rel = (rel + PCI_ROM_BLOCK - 1) / PCI_ROM_BLOCK * PCI_ROM_BLOCK;
	while (n < cap && size_add(rom_offset, rel, &off) && off < s->len) {
		struct pci_rom_header hdr;
		struct pci_pcir pcir;
		size_t step = PCI_ROM_BLOCK;
		if (pci_image_probe(s, off, true, &hdr, &pcir) == PCI_OK) {
			struct rom_image *img = &out[n++];
			chain_fill_image(s, off, true, img);
			if (img->npde.present && img->npde.subimage_blocks != 0)
				img->length = (size_t)img->npde.subimage_blocks * PCI_ROM_BLOCK;
			if (img->length > step)
				step = img->length;
		}
		if (!size_add(rel, step, &rel))
			break;
	}
	return n;
}
