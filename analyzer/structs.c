#include "analyzer/structs.h"

#include "formats/atom.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"

#include <stdio.h>
#include <string.h>

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* A structure at node offset + rel of len bytes; false on overflow. */
static bool at(const struct rom_node *n, size_t rel, size_t len, size_t nf, const void *dec,
               struct rom_struct *out)
{
	if (!size_add(n->offset, rel, &out->offset))
		return false;
	out->length = len;
	out->n_fields = nf;
	out->decoded = dec;
	return true;
}

static bool loc_efi(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	(void)a;
	return n->status == PCI_OK && n->has_efi &&
	       at(n, 0, EFI_ROM_HDR_LEN, EFI_ROM_F_COUNT, &n->efi, o);
}

static bool loc_rom(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	(void)a;
	size_t nf = n->hdr.has_pnp_field ? PCI_ROM_HDR_F_COUNT : PCI_ROM_HDR_F_PNP_PTR;
	return at(n, 0, fmt_extent(pci_rom_header_fields, nf), nf, &n->hdr, o);
}

static bool loc_pcir(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	size_t nf = n->pcir.has_rev3_fields ? PCIR_F_COUNT : PCIR_F_REV3;
	size_t len = n->pcir.length >= PCIR_MIN_LEN && n->pcir.length <= 0x100
	                 ? n->pcir.length
	                 : fmt_extent(pci_pcir_fields, nf);
	(void)a;
	return n->status == PCI_OK && at(n, n->hdr.pcir_offset, len, nf, &n->pcir, o);
}

static bool loc_npde(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	size_t nf = n->npde.has_gop_version ? NPDE_F_COUNT
	            : n->npde.has_flags     ? NPDE_F_GOP_VERSION
	            : n->npde.has_last      ? NPDE_F_FLAGS
	                                    : NPDE_F_PRIV_LAST;
	size_t len = n->npde.length ? n->npde.length : fmt_extent(npde_fields, nf);
	(void)a;
	return n->status == PCI_OK && n->has_npde && at(n, n->npde.offset, len, nf, &n->npde, o);
}

static bool loc_pnp(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	(void)a;
	if (n->status != PCI_OK || n->pnp.status != PCI_OK || n->pnp.offset < n->offset)
		return false;
	return at(n, n->pnp.offset - n->offset, (size_t)n->pnp.hdr.length_units * 16u, PNP_F_COUNT,
	          &n->pnp.hdr, o);
}

static bool loc_atom(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	(void)a;
	return n->status == PCI_OK && n->producer == PCI_PRODUCER_ATOMBIOS &&
	       at(n, 0, fmt_extent(atom_fields, ATOM_F_COUNT), ATOM_F_COUNT, &n->atom, o);
}

static bool loc_atom_rom(const struct rom_analysis *a, const struct rom_node *n,
                         struct rom_struct *o)
{
	(void)a;
	return n->status == PCI_OK && n->producer == PCI_PRODUCER_ATOMBIOS &&
	       n->atom.rom_header_ok &&
	       at(n, n->atom.rom_header, fmt_extent(atom_rom_header_fields, ATOM_ROM_HDR_F_COUNT),
	          ATOM_ROM_HDR_F_COUNT, &n->atom, o);
}

static bool loc_devlist(const struct rom_analysis *a, const struct rom_node *n,
                        struct rom_struct *o)
{
	(void)a;
	/* A list of ids, not one structure: named as bytes, like the driver. */
	return n->status == PCI_OK && n->devlist.length != 0 &&
	       at(n, n->devlist.offset, n->devlist.length, 0, NULL, o);
}

static bool loc_checksum(const struct rom_analysis *a, const struct rom_node *n,
                         struct rom_struct *o)
{
	(void)a;
	if (n->status != PCI_OK || !n->checksum.present || n->checksum.fix_offset < n->offset)
		return false;
	/* The byte's value is not kept by the node: bytes, not a field value. */
	return at(n, n->checksum.fix_offset - n->offset, 1, PCI_CHECKSUM_F_COUNT, NULL, o);
}

static bool loc_driver(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o)
{
	(void)a;
	if (!n->driver || n->driver->payload_length == 0 || n->driver->payload_offset < n->offset)
		return false;
	return at(n, n->driver->payload_offset - n->offset, n->driver->payload_length, 0, NULL, o);
}

/* Lookup order: the EFI header before the ROM header it shares bytes with
 * (byte 2 of an EFI image is InitializationSize, not a size byte); small
 * structures before the driver body. Add a structure here, one line each
 * (certificate table, BIT tokens, ATOM tables). */
static const struct rom_struct_def defs[] = {
    {"EFI ROM header", "efi", efi_rom_fields, EFI_ROM_F_COUNT, loc_efi},
    {"ROM header", "rom", pci_rom_header_fields, PCI_ROM_HDR_F_COUNT, loc_rom},
    {"PCI data structure", "pcir", pci_pcir_fields, PCIR_F_COUNT, loc_pcir},
    {"NVIDIA PCI data extension", "npde", npde_fields, NPDE_F_COUNT, loc_npde},
    {"$PnP expansion header", "pnp", pci_pnp_fields, PNP_F_COUNT, loc_pnp},
    {"ATOMBIOS header", "atom", atom_fields, ATOM_F_COUNT, loc_atom},
    {"ATOM ROM header", "atom_rom", atom_rom_header_fields, ATOM_ROM_HDR_F_COUNT, loc_atom_rom},
    {"checksum byte", "checksum", pci_checksum_fields, PCI_CHECKSUM_F_COUNT, loc_checksum},
    {"PCI 3.0 device list", "device_list", NULL, 0, loc_devlist},
    {"EFI driver (as stored)", "driver", NULL, 0, loc_driver},
};

/* The container before the ROM: not a node's, located by the analysis. */
static const struct rom_struct_def prefix_defs[] = {
    {"NVGI container header", "nvgi", nvgi_fields, NVGI_F_COUNT, NULL},
    {"NVGI extended section", "nvgi_ext", nvgi_ext_fields, NVGI_EXT_F_COUNT, NULL},
};

const struct rom_struct_def *rom_struct_defs(size_t *n)
{
	*n = COUNT(defs);
	return defs;
}

size_t rom_node_structs(const struct rom_analysis *a, const struct rom_node *n,
                        struct rom_struct *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < COUNT(defs) && k < cap; i++) {
		memset(&out[k], 0, sizeof(out[k]));
		out[k].def = &defs[i];
		if (defs[i].locate(a, n, &out[k]))
			k++;
	}
	return k;
}

size_t rom_prefix_structs(const struct rom_analysis *a, struct rom_struct *out, size_t cap)
{
	size_t k = 0;
	if (a->container != CONTAINER_NVGI || a->nvgi_status != NVGI_OK || cap < 2)
		return 0;
	out[k++] = (struct rom_struct){&prefix_defs[0], 0, fmt_extent(nvgi_fields, NVGI_F_COUNT),
	                               NVGI_F_COUNT, &a->nvgi};
	if (a->nvgi.version != 3)
		out[k++] = (struct rom_struct){&prefix_defs[1], a->nvgi.fixed_data_size,
		                               fmt_extent(nvgi_ext_fields, NVGI_EXT_F_COUNT),
		                               NVGI_EXT_F_COUNT, &a->nvgi};
	return k;
}

int rom_struct_field_at(const struct rom_struct *st, size_t off)
{
	const struct fmt_field *f = st->def->fields;
	if (!f || off < st->offset)
		return -1;
	for (size_t i = 0; i < st->n_fields; i++) {
		size_t rel = off - st->offset;
		if (rel >= f[i].offset && rel < (size_t)f[i].offset + f[i].width)
			return (int)i;
	}
	return -1;
}

static bool holds(const struct rom_struct *st, size_t off)
{
	return off >= st->offset && off - st->offset < st->length;
}

static void list_holding(const struct rom_analysis *a, const struct rom_image *imgs, size_t n,
                         size_t off, const struct rom_node **best, size_t *best_len)
{
	for (size_t i = 0; i < n; i++) {
		const struct rom_image *img = &imgs[i];
		if (off < img->offset || off - img->offset >= img->length)
			continue;
		if (!*best || img->length < *best_len) {
			*best = rom_node_of(a, img);
			*best_len = img->length;
		}
	}
}

const struct rom_node *rom_node_holding(const struct rom_analysis *a, size_t off)
{
	const struct rom_node *best = NULL;
	size_t best_len = 0;
	list_holding(a, a->chain.images, a->chain.n, off, &best, &best_len);
	list_holding(a, a->nvidia.images, a->nvidia.n, off, &best, &best_len);
	list_holding(a, a->other_images, a->n_other, off, &best, &best_len);
	return best;
}

/* Names off from structs st[0 .. n): the first with a field holding it,
 * else the first holding it at all. False when none does. */
static bool name_in(const struct rom_struct *st, size_t n, size_t off, char *out, size_t cap)
{
	const struct rom_struct *any = NULL;
	for (size_t i = 0; i < n; i++) {
		int f;
		if (!holds(&st[i], off))
			continue;
		f = rom_struct_field_at(&st[i], off);
		if (f >= 0) {
			fmt_qualified_name(st[i].def->prefix, &st[i].def->fields[f], out, cap);
			return true;
		}
		if (!any)
			any = &st[i];
	}
	if (!any)
		return false;
	(void)snprintf(out, cap, "%s", any->def->prefix);
	return true;
}

void rom_name_offset(const struct rom_analysis *a, size_t off, char *out, size_t cap)
{
	struct rom_struct st[ROM_STRUCTS_MAX];
	const struct rom_node *n;
	size_t k;
	if (cap == 0)
		return;
	if (a->has_rom && off < a->rom_offset) {
		k = rom_prefix_structs(a, st, ROM_STRUCTS_MAX);
		if (!name_in(st, k, off, out, cap))
			(void)snprintf(out, cap, "container");
		return;
	}
	n = rom_node_holding(a, off);
	if (n) {
		k = rom_node_structs(a, n, st, ROM_STRUCTS_MAX);
		if (!name_in(st, k, off, out, cap))
			(void)snprintf(out, cap, "image");
		return;
	}
	(void)snprintf(out, cap, "%s",
	               a->has_rom && off >= a->chain.end && a->trailing != TRAILING_DATA ? "padding"
	               : a->has_rom && off >= a->chain.end ? "trailing"
	                                                   : "file");
}
