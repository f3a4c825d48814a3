#include "analyzer/chain.h"

#include "analyzer/tree_build.h"

#include <string.h>

/* How a walk that cannot go on at off stops, from the node there. */
static void stop_at(struct rom_chain *w, const struct rom_node *n, bool nvidia, size_t off,
                    const struct span *s)
{
	enum pci_status st = rom_node_status(n, nvidia);
	w->stop_offset = off;
	if (w->n == 0)
		w->stop = CHAIN_STOP_NO_FIRST;
	else if (st == PCI_BAD_SIGNATURE && n->hdr.signature != PCI_ROM_SIG &&
	         !(nvidia && n->hdr.signature == PCI_ROM_SIG_NV))
		w->stop = CHAIN_STOP_NOT_IMAGE;
	else if (st == PCI_TRUNCATED && !span_has(s, off, 2))
		w->stop = CHAIN_STOP_EOF;
	else
		w->stop = CHAIN_STOP_BAD_PCIR;
}

static void walk(struct rom_analysis *a, const struct span *s, size_t start, bool nvidia,
                 struct rom_chain *w)
{
	size_t off = start;
	memset(w, 0, sizeof(*w));
	w->end = start;
	for (;;) {
		const struct rom_node *n;
		struct rom_image *img;
		size_t step, next;
		if (w->n >= REPORT_MAX_IMAGES) {
			w->stop = CHAIN_STOP_CAP;
			w->stop_offset = off;
			return;
		}
		if (off >= s->len) {
			/* Nothing to probe: the walk can only have got here from
			 * an image that ends at the end of the file. */
			w->stop = w->n == 0 ? CHAIN_STOP_NO_FIRST : CHAIN_STOP_EOF;
			w->stop_offset = off;
			return;
		}
		n = tree_probe(a, s, off);
		if (!n) {
			w->stop = CHAIN_STOP_NO_NODE;
			w->stop_offset = off;
			return;
		}
		if (rom_node_status(n, nvidia) != PCI_OK) {
			stop_at(w, n, nvidia, off, s);
			return;
		}
		img = &w->images[w->n++];
		img->node = tree_index(a, n);
		img->offset = off;
		img->length = n->length;
		img->last = (n->pcir.indicator & PCIR_LAST_IMAGE) != 0;
		img->truncated = n->truncated;
		step = img->length;
		if (nvidia && n->has_npde && n->npde.subimage_blocks != 0) {
			/* NPDE overrides PCIR length and last bit (nouveau, OpenRM). */
			step = (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK;
			img->length = step;
			img->truncated = !size_add(off, step, &next) || next > s->len;
			if (n->npde.has_last)
				img->last = (n->npde.priv_last & NPDE_LAST_IMAGE) != 0;
			else if (n->npde.subimage_blocks < n->pcir.image_blocks)
				img->last = false;
		}
		if (nvidia && n->pcir.code_type == PCI_CODE_NV_NBSI)
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

void chain_walk_standard(struct rom_analysis *a, const struct span *s, size_t start,
                         struct rom_chain *w)
{
	walk(a, s, start, false, w);
}

void chain_walk_nvidia(struct rom_analysis *a, const struct span *s, size_t start,
                       struct rom_chain *w)
{
	walk(a, s, start, true, w);
}

size_t chain_scan_after(struct rom_analysis *a, const struct span *s, size_t rom_offset,
                        size_t from, struct rom_image *out, size_t cap)
{
	size_t n = 0;
	size_t rel = from > rom_offset ? from - rom_offset : 0;
	size_t off;
	/* Stay on the ROM's 512-byte grid: images start on block boundaries. */
	rel = (rel + PCI_ROM_BLOCK - 1) / PCI_ROM_BLOCK * PCI_ROM_BLOCK;
	while (n < cap && size_add(rom_offset, rel, &off) && off < s->len) {
		size_t step = PCI_ROM_BLOCK;
		const struct rom_node *node =
		    pci_image_may_start_at(s, off, true) ? tree_probe(a, s, off) : NULL;
		if (node && node->status == PCI_OK) {
			struct rom_image *img = &out[n++];
			img->node = tree_index(a, node);
			img->offset = off;
			img->length = node->length;
			img->last = (node->pcir.indicator & PCIR_LAST_IMAGE) != 0;
			img->truncated = node->truncated;
			if (node->has_npde && node->npde.subimage_blocks != 0)
				img->length = (size_t)node->npde.subimage_blocks * PCI_ROM_BLOCK;
			if (img->length > step)
				step = img->length;
		}
		if (!size_add(rel, step, &rel))
			break;
	}
	return n;
}
