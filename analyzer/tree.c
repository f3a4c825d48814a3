#include "analyzer/tree_build.h"

#include "formats/producer.h"

#include <stdlib.h>
#include <string.h>

/* ---- the node cache ---- */

static size_t slot_of(size_t off, size_t cap)
{
	/* Fibonacci hashing: offsets of images are multiples of 512 or of 2. */
	uint64_t h = (uint64_t)off * UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 32) & (cap - 1);
}

static bool index_insert(uint32_t *index, size_t cap, const struct rom_node *nodes, size_t i)
{
	size_t slot = slot_of(nodes[i].offset, cap);
	for (size_t probes = 0; probes < cap; probes++) {
		if (index[slot] == 0) {
			index[slot] = (uint32_t)(i + 1);
			return true;
		}
		slot = (slot + 1) & (cap - 1);
	}
	return false;
}

static struct rom_node *index_find(const struct rom_analysis *a, size_t off)
{
	size_t slot;
	if (a->index_cap == 0)
		return NULL;
	slot = slot_of(off, a->index_cap);
	for (size_t probes = 0; probes < a->index_cap; probes++) {
		uint32_t v = a->index[slot];
		if (v == 0)
			return NULL;
		if (a->nodes[v - 1].offset == off)
			return &a->nodes[v - 1];
		slot = (slot + 1) & (a->index_cap - 1);
	}
	return NULL;
}

/* Room for one more node; false when the table is full or memory ran out. */
static bool grow(struct rom_analysis *a)
{
	size_t cap, icap;
	struct rom_node *nodes;
	uint32_t *index;
	if (a->n_nodes < a->cap_nodes)
		return true;
	if (a->cap_nodes >= TREE_MAX_NODES) {
		a->nodes_full = true;
		return false;
	}
	cap = a->cap_nodes ? a->cap_nodes * 2 : 64;
	if (cap > TREE_MAX_NODES)
		cap = TREE_MAX_NODES;
	nodes = realloc(a->nodes, cap * sizeof(*nodes));
	if (!nodes) {
		a->nodes_full = true;
		return false;
	}
	a->nodes = nodes;
	a->cap_nodes = cap;
	icap = cap * 2; /* load factor at most 1/2 */
	index = calloc(icap, sizeof(*index));
	if (!index) {
		a->nodes_full = true;
		return false;
	}
	for (size_t i = 0; i < a->n_nodes; i++)
		(void)index_insert(index, icap, a->nodes, i);
	free(a->index);
	a->index = index;
	a->index_cap = icap;
	return true;
}

/* ---- decoding one node ---- */

static void decode_checksum(struct rom_node *n, const struct span *s)
{
	struct rom_checksum *c = &n->checksum;
	size_t len = (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
	size_t avail = n->offset < s->len ? s->len - n->offset : 0;
	size_t own = len, sub = (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK;
	memset(c, 0, sizeof(*c));
	if (n->pcir.code_type != PCI_CODE_X86 || n->hdr.signature != PCI_ROM_SIG)
		return;
	/* SeaBIOS is_valid_rom and iPXE sum size_byte x 512 bytes. */
	c->present = true;
	c->length = len;
	c->complete = len <= avail;
	(void)span_sum8(s, n->offset, len < avail ? len : avail, &c->sum);
	c->ok = c->complete && len != 0 && c->sum == 0;
	/* On NVIDIA Pascal the size byte also covers private images: keep the
	 * edit inside the x86 sub-image that NPDE delimits. */
	if (n->has_npde && sub != 0 && sub < own)
		own = sub;
	c->fix_offset = n->offset + pci_checksum_byte(n->producer, own);
}

/* The legacy $PnP expansion header of an x86 image (PnP BIOS spec appendix
 * A): iPXE and SeaBIOS ROMs carry one; vendor VGA BIOSes keep other bytes
 * at +0x1A, so a missing signature is no finding. A header is the image's
 * only when all of it lies in the image's own bytes (size byte x 512, the
 * bytes firmware copies and sums): one outside is not looked at, so fix
 * never edits a byte that belongs to something else. */
static void decode_pnp(struct rom_node *n, const struct span *s)
{
	struct rom_pnp *p = &n->pnp;
	struct span own;
	size_t own_len = (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
	p->status = PCI_BAD_POINTER;
	if (!n->hdr.has_pnp_field || n->hdr.pnp_offset == 0 ||
	    !span_sub(s, n->offset, own_len, &own))
		return;
	/* Decoded within own: its fields and its summed length must fit. */
	p->status = pci_pnp_decode(&own, 0, n->hdr.pnp_offset, &p->hdr);
	p->offset = n->offset + n->hdr.pnp_offset;
	if (p->status != PCI_OK)
		return;
	(void)pci_rom_string(s, n->offset, p->hdr.manufacturer_ptr, p->manufacturer,
	                     sizeof(p->manufacturer));
	(void)pci_rom_string(s, n->offset, p->hdr.product_ptr, p->product, sizeof(p->product));
}

/* The PCIR's device list, within the image's bytes (its PCIR length, or
 * the size byte's when that is 0, clipped to the file), decoded once; the
 * ids are copied out: the analysis keeps no pointer into the bytes. */
static void decode_device_list(struct rom_node *n, const struct span *s)
{
	uint16_t ids[PCI_DEVLIST_MAX];
	size_t avail = n->offset < s->len ? s->len - n->offset : 0;
	size_t len = n->length ? n->length : (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
	struct span img;
	if (!span_sub(s, n->offset, len < avail ? len : avail, &img))
		return;
	if (pci_device_list_decode(&img, n->hdr.pcir_offset, &n->pcir, ids, PCI_DEVLIST_MAX,
	                           &n->devlist) == PCI_DEVLIST_NONE ||
	    n->devlist.n == 0)
		return;
	n->device_ids = malloc(n->devlist.n * sizeof(*ids));
	if (n->device_ids)
		memcpy(n->device_ids, ids, n->devlist.n * sizeof(*ids));
	else
		n->device_ids_lost = true;
}

static void decode_node(struct rom_node *n, const struct span *s)
{
	size_t off = n->offset, end;
	n->status = pci_image_probe(s, off, true, &n->hdr, &n->pcir);
	n->pnp.status = PCI_BAD_POINTER;
	if (n->status != PCI_OK)
		return;
	n->length = (size_t)n->pcir.image_blocks * PCI_ROM_BLOCK;
	n->truncated = !size_add(off, n->length, &end) || end > s->len;
	n->has_npde = npde_decode(s, off, n->hdr.pcir_offset, n->pcir.length, &n->npde);
	if (n->pcir.code_type == PCI_CODE_EFI)
		n->has_efi = efi_rom_header_decode(s, off, &n->efi);
	if (n->pcir.code_type == PCI_CODE_X86 && n->hdr.signature == PCI_ROM_SIG) {
		size_t len = n->length ? n->length : (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
		n->producer = pci_detect_producer(s, off, len, n->pcir.vendor_id, n->version,
		                                  sizeof(n->version), &n->atom);
		decode_pnp(n, s);
	}
	decode_device_list(n, s);
	decode_checksum(n, s);
}

struct rom_node *tree_probe(struct rom_analysis *a, const struct span *s, size_t off)
{
	struct rom_node *n = index_find(a, off);
	if (n)
		return n;
	if (off >= s->len || !grow(a))
		return NULL;
	n = &a->nodes[a->n_nodes];
	memset(n, 0, sizeof(*n));
	n->offset = off;
	decode_node(n, s);
	if (!index_insert(a->index, a->index_cap, a->nodes, a->n_nodes))
		return NULL; /* cannot happen: the index is never more than half full */
	a->n_nodes++;
	return n;
}

size_t tree_index(const struct rom_analysis *a, const struct rom_node *n)
{
	return (size_t)(n - a->nodes);
}

/* ---- reading the tree ---- */

enum pci_status rom_node_status(const struct rom_node *n, bool nvidia_view)
{
	/* pci_image_probe without NVIDIA signatures stops at the first
	 * signature that is not 55AA or "PCIR"; the node was probed with them
	 * allowed, and the standard answer follows from what it found. */
	if (nvidia_view)
		return n->status;
	if (n->hdr.signature != PCI_ROM_SIG)
		return n->status == PCI_TRUNCATED && n->hdr.signature == 0 ? PCI_TRUNCATED
		                                                           : PCI_BAD_SIGNATURE;
	if ((n->status == PCI_OK || n->status == PCI_BAD_SIGNATURE) &&
	    n->pcir.signature != PCIR_SIG_PCIR)
		return PCI_BAD_SIGNATURE;
	return n->status;
}

const struct rom_node *rom_node_of(const struct rom_analysis *a, const struct rom_image *img)
{
	return img->node < a->n_nodes ? &a->nodes[img->node] : NULL;
}

const struct rom_node *rom_node_at(const struct rom_analysis *a, size_t offset)
{
	return index_find(a, offset);
}

const struct rom_node *rom_chain_node(const struct rom_analysis *a, size_t i)
{
	return i < a->chain.n ? rom_node_of(a, &a->chain.images[i]) : NULL;
}

void rom_analysis_free(struct rom_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_nodes; i++) {
		if (a->nodes[i].driver) {
			free(a->nodes[i].driver->bytes);
			signature_free(&a->nodes[i].driver->signature);
		}
		free(a->nodes[i].driver);
		free(a->nodes[i].vendor);
		free(a->nodes[i].device_ids);
	}
	free(a->nodes);
	free(a->index);
	free(a);
}

const struct finding *report_find(const struct rom_analysis *a, enum finding_id id)
{
	return finding_find(&a->findings, id);
}

const char *report_verdict_name(enum rom_verdict v)
{
	switch (v) {
	case VERDICT_READY:
		return "ready";
	case VERDICT_FIXABLE:
		return "fixable";
	case VERDICT_BROKEN:
		return "broken";
	case VERDICT_UNSET:
		break;
	}
	return "unset";
}

const char *report_trailing_name(enum trailing_kind t)
{
	switch (t) {
	case TRAILING_NONE:
		return "none";
	case TRAILING_FF:
		return "ff";
	case TRAILING_ZERO:
		return "zero";
	case TRAILING_PADDING:
		return "padding";
	case TRAILING_DATA:
		return "data";
	}
	return "data";
}

const char *report_container_name(enum container_kind k)
{
	switch (k) {
	case CONTAINER_NVGI:
		return "nvgi";
	case CONTAINER_AMD_EFS:
		return "amd-efs";
	case CONTAINER_UNKNOWN:
		return "unknown";
	case CONTAINER_NONE:
		break;
	}
	return "none";
}
