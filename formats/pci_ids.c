#include "formats/pci_ids.h"

#include "formats/hex.h"

#include <stdio.h>
#include <string.h>

enum { LEVEL_VENDOR, LEVEL_DEVICE, LEVEL_SUBSYSTEM };

void pci_ids_walk_init(struct pci_ids_walk *w, enum pci_ids_want want, uint16_t vendor,
                       uint16_t device, uint16_t sub_vendor, uint16_t sub_device)
{
	memset(w, 0, sizeof(*w));
	w->want = want;
	w->vendor = vendor;
	w->device = device;
	w->sub_vendor = sub_vendor;
	w->sub_device = sub_device;
	w->in = PCI_IDS_IN_NONE;
	w->device_now = -1;
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* n hex digits (either case) at off; false when one is not. */
static bool hex_at(const struct span *l, size_t off, size_t n, uint16_t *out)
{
	uint16_t v = 0;
	*out = 0;
	if (!span_has(l, off, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hex_value(l->data[off + i]);
		if (d < 0)
			return false;
		v = (uint16_t)(v << 4 | (unsigned)d);
	}
	*out = v;
	return true;
}

static bool blank_at(const struct span *l, size_t off)
{
	return off < l->len && is_blank(l->data[off]);
}

/* The name that starts after the blanks at off: false when it is empty
 * (a line libpci refuses). */
static bool name_at(const struct span *l, size_t off, struct span *name)
{
	while (off < l->len && is_blank(l->data[off]))
		off++;
	*name = span_tail(l, off);
	return name->len > 0;
}

static void keep(char out[PCI_IDS_NAME_MAX], const struct span *name)
{
	size_t n = name->len < PCI_IDS_NAME_MAX - 1 ? name->len : PCI_IDS_NAME_MAX - 1;
	memcpy(out, name->data, n);
	out[n] = '\0';
}

static void update_done(struct pci_ids_walk *w)
{
	bool per_device = w->vendor > 0 && w->device > 0;
	switch (w->want) {
	case PCI_IDS_VENDOR:
		w->done = w->found[LEVEL_VENDOR];
		break;
	case PCI_IDS_DEVICE:
		w->done = w->found[LEVEL_DEVICE] || w->vendor_done;
		break;
	case PCI_IDS_SUBSYSTEM:
		/* A generic entry can come anywhere later: only the device's
		 * own entry, or the generic one once the device's block is
		 * over, settles it. */
		w->done = (per_device && w->found[LEVEL_SUBSYSTEM]) ||
		          (w->found_generic && (!per_device || w->vendor_done));
		break;
	}
}

/* A line that starts at column 0 (not a comment): it closes the block
 * before it and may open the one asked about. */
static void top_level(struct pci_ids_walk *w, const struct span *l)
{
	uint16_t id;
	struct span name;
	if (w->in == PCI_IDS_IN_VENDOR)
		w->vendor_done = true;
	w->in = PCI_IDS_IN_OTHER;
	w->device_now = -1;
	if (l->len >= 2 && l->data[1] == ' ' && l->data[0] >= 'A' && l->data[0] <= 'Z') {
		/* "S vvvv": generic subsystems of vendor vvvv; "C cc": a class;
		 * any other letter: a block for later use, skipped. */
		if (l->data[0] == 'S' && l->len == 6 && hex_at(l, 2, 4, &id) &&
		    w->want == PCI_IDS_SUBSYSTEM && id == w->sub_vendor) {
			w->in = PCI_IDS_IN_GENERIC;
			w->block_id = id;
		}
		return;
	}
	if (!hex_at(l, 0, 4, &id) || !blank_at(l, 4) || !name_at(l, 5, &name))
		return;
	if (id != w->vendor || w->vendor_done || w->found[LEVEL_VENDOR])
		return; /* another vendor, or a second block of this one */
	w->found[LEVEL_VENDOR] = true;
	keep(w->name[LEVEL_VENDOR], &name);
	w->in = PCI_IDS_IN_VENDOR;
	w->block_id = id;
}

/* "\tdddd  name" in the asked vendor's block or the generic block. */
static void level_one(struct pci_ids_walk *w, const struct span *l)
{
	uint16_t id;
	struct span name;
	if (!hex_at(l, 1, 4, &id) || !blank_at(l, 5) || !name_at(l, 6, &name)) {
		w->device_now = -1;
		return;
	}
	if (w->in == PCI_IDS_IN_GENERIC) {
		if (id == w->sub_device && !w->found_generic) {
			w->found_generic = true;
			keep(w->generic, &name);
		}
		return;
	}
	w->device_now = id;
	if (id == w->device && !w->found[LEVEL_DEVICE]) {
		w->found[LEVEL_DEVICE] = true;
		keep(w->name[LEVEL_DEVICE], &name);
	}
}

/* "\t\tssss tttt  name" under a device line of the asked vendor. */
static void level_two(struct pci_ids_walk *w, const struct span *l)
{
	uint16_t sv, sd;
	struct span name;
	if (w->in != PCI_IDS_IN_VENDOR || w->device_now < 0)
		return;
	if (!hex_at(l, 2, 4, &sv) || !blank_at(l, 6) || !hex_at(l, 7, 4, &sd) || !blank_at(l, 11) ||
	    !name_at(l, 12, &name))
		return;
	if (w->want == PCI_IDS_SUBSYSTEM && w->device_now == w->device && sv == w->sub_vendor &&
	    sd == w->sub_device && !w->found[LEVEL_SUBSYSTEM]) {
		w->found[LEVEL_SUBSYSTEM] = true;
		keep(w->name[LEVEL_SUBSYSTEM], &name);
	}
}

/* One line without its LF. */
static void line(struct pci_ids_walk *w, struct span l)
{
	const uint8_t *cr = l.len ? memchr(l.data, '\r', l.len) : NULL;
	size_t i = 0, tabs;
	if (cr)
		l.len = (size_t)(cr - l.data);
	if (l.len && is_blank(l.data[l.len - 1]))
		l.len--;
	while (i < l.len && is_blank(l.data[i]))
		i++;
	if (i == l.len || l.data[i] == '#')
		return; /* blank or comment: no block changes */
	for (tabs = 0; tabs < l.len && l.data[tabs] == '\t';)
		tabs++;
	if (tabs == 0)
		top_level(w, &l);
	else if (w->in != PCI_IDS_IN_VENDOR && w->in != PCI_IDS_IN_GENERIC)
		return; /* inside a block nobody asked about */
	else if (tabs == 1)
		level_one(w, &l);
	else if (tabs == 2 && w->in == PCI_IDS_IN_VENDOR)
		level_two(w, &l);
	update_done(w);
}

/* False for a line that cannot change w (most of the file: the blocks of
 * other vendors, subsystems nobody asked about), told from its first bytes
 * without reading it; line() would make nothing of it either. */
static bool may_matter(const struct pci_ids_walk *w, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	bool in_block = w->in == PCI_IDS_IN_VENDOR || w->in == PCI_IDS_IN_GENERIC;
	if (n == 0 || p[0] == '#')
		return false;
	if (p[0] == '\t') {
		if (!in_block)
			return false;
		/* a subsystem line counts only under the asked device */
		return n < 2 || p[1] != '\t' ||
		       (w->want == PCI_IDS_SUBSYSTEM && w->in == PCI_IDS_IN_VENDOR &&
		        w->device_now == w->device);
	}
	/* a top-level line: it closes the block the walk is in, or opens one
	 * that was asked about (the vendor's own, or generic subsystems) */
	if (in_block || (p[0] == 'S' && w->want == PCI_IDS_SUBSYSTEM))
		return true;
	if (n < 4)
		return false;
	for (int i = 0; i < 4; i++)
		if ((p[i] | 0x20) != digits[(w->vendor >> (12 - 4 * i)) & 0xF])
			return false;
	return true;
}

size_t pci_ids_feed(struct pci_ids_walk *w, const struct span *chunk, bool at_end)
{
	size_t off = 0;
	while (off < chunk->len && !w->done) {
		size_t left = chunk->len - off;
		const uint8_t *lf = memchr(chunk->data + off, '\n', left);
		size_t n = lf ? (size_t)(lf - (chunk->data + off)) : left;
		if (!lf && !at_end) {
			if (w->skipping || left > PCI_IDS_LINE_MAX) {
				w->skipping = true; /* no LF yet: more of the long line */
				return chunk->len;
			}
			break; /* the start of a line: fed again with its end */
		}
		if (w->skipping)
			w->skipping = false; /* the LF of a skipped line */
		else if (n <= PCI_IDS_LINE_MAX && may_matter(w, chunk->data + off, n))
			line(w, span_make(chunk->data + off, n)); /* n <= left */
		off += n + (lf ? 1 : 0);
	}
	if (at_end && !w->done) {
		if (w->in == PCI_IDS_IN_VENDOR)
			w->vendor_done = true;
		w->done = true;
	}
	return w->done ? chunk->len : off;
}

const char *pci_ids_answer(const struct pci_ids_walk *w)
{
	switch (w->want) {
	case PCI_IDS_VENDOR:
		return w->found[LEVEL_VENDOR] ? w->name[LEVEL_VENDOR] : NULL;
	case PCI_IDS_DEVICE:
		return w->found[LEVEL_DEVICE] ? w->name[LEVEL_DEVICE] : NULL;
	case PCI_IDS_SUBSYSTEM:
		if (w->vendor > 0 && w->device > 0 && w->found[LEVEL_SUBSYSTEM])
			return w->name[LEVEL_SUBSYSTEM];
		if (w->found_generic)
			return w->generic;
		if (w->vendor == w->sub_vendor && w->device == w->sub_device &&
		    w->found[LEVEL_DEVICE])
			return w->name[LEVEL_DEVICE];
		return NULL;
	}
	return NULL;
}
