#include "analyzer/structs.h"

#include "analyzer/vendor.h"
#include "formats/atom.h"
#include "formats/atom_tables.h"
#include "formats/efi_rom.h"
#include "formats/intel_vbt.h"
#include "formats/nv_bit.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* A structure at node offset + rel of len bytes; 0 on overflow, else 1. */
static size_t at(const struct rom_node *n, size_t rel, size_t len, size_t nf, const void *dec,
                 struct rom_struct *out)
{
	if (!size_add(n->offset, rel, &out->offset))
		return 0;
	out->length = len;
	out->n_fields = nf;
	out->decoded = dec;
	out->inst[0] = '\0';
	return 1;
}

/* A structure at file offset off (vendor tables keep file offsets). */
static size_t at_file(size_t off, size_t len, size_t nf, const void *dec, struct rom_struct *out)
{
	out->offset = off;
	out->length = len;
	out->n_fields = nf;
	out->decoded = dec;
	out->inst[0] = '\0';
	return 1;
}

static size_t loc_efi(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	(void)a;
	(void)cap;
	return n->status == PCI_OK && n->has_efi
	           ? at(n, 0, EFI_ROM_HDR_LEN, EFI_ROM_F_COUNT, &n->efi, o)
	           : 0;
}

static size_t loc_rom(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	size_t nf = n->hdr.has_pnp_field ? PCI_ROM_HDR_F_COUNT : PCI_ROM_HDR_F_PNP_PTR;
	(void)a;
	(void)cap;
	return at(n, 0, fmt_extent(pci_rom_header_fields, nf), nf, &n->hdr, o);
}

static size_t loc_pcir(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                       size_t cap)
{
	size_t nf = n->pcir.has_rev3_fields ? PCIR_F_COUNT : PCIR_F_REV3;
	size_t len = n->pcir.length >= PCIR_MIN_LEN && n->pcir.length <= 0x100
	                 ? n->pcir.length
	                 : fmt_extent(pci_pcir_fields, nf);
	(void)a;
	(void)cap;
	return n->status == PCI_OK ? at(n, n->hdr.pcir_offset, len, nf, &n->pcir, o) : 0;
}

static size_t loc_npde(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                       size_t cap)
{
	size_t nf = n->npde.has_gop_version ? NPDE_F_COUNT
	            : n->npde.has_flags     ? NPDE_F_GOP_VERSION
	            : n->npde.has_last      ? NPDE_F_FLAGS
	                                    : NPDE_F_PRIV_LAST;
	size_t len = n->npde.length ? n->npde.length : fmt_extent(npde_fields, nf);
	(void)a;
	(void)cap;
	return n->status == PCI_OK && n->has_npde ? at(n, n->npde.offset, len, nf, &n->npde, o) : 0;
}

static size_t loc_pnp(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	(void)a;
	(void)cap;
	if (n->status != PCI_OK || n->pnp.status != PCI_OK || n->pnp.offset < n->offset)
		return 0;
	return at(n, n->pnp.offset - n->offset, (size_t)n->pnp.hdr.length_units * 16u, PNP_F_COUNT,
	          &n->pnp.hdr, o);
}

static size_t loc_atom(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                       size_t cap)
{
	(void)a;
	(void)cap;
	return n->status == PCI_OK && n->producer == PCI_PRODUCER_ATOMBIOS
	           ? at(n, 0, fmt_extent(atom_fields, ATOM_F_COUNT), ATOM_F_COUNT, &n->atom, o)
	           : 0;
}

static size_t loc_devlist(const struct rom_analysis *a, const struct rom_node *n,
                          struct rom_struct *o, size_t cap)
{
	(void)a;
	(void)cap;
	/* A list of ids, not one structure: named as bytes, like the driver. */
	return n->status == PCI_OK && n->devlist.length != 0
	           ? at(n, n->devlist.offset, n->devlist.length, 0, NULL, o)
	           : 0;
}

static size_t loc_checksum(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	(void)a;
	(void)cap;
	if (n->status != PCI_OK || !n->checksum.present || n->checksum.fix_offset < n->offset)
		return 0;
	/* The byte's value is not kept by the node: bytes, not a field value. */
	return at(n, n->checksum.fix_offset - n->offset, 1, PCI_CHECKSUM_F_COUNT, NULL, o);
}

static size_t loc_driver(const struct rom_analysis *a, const struct rom_node *n,
                         struct rom_struct *o, size_t cap)
{
	(void)a;
	(void)cap;
	if (!n->driver || n->driver->payload_length == 0 || n->driver->payload_offset < n->offset)
		return 0;
	return at(n, n->driver->payload_offset - n->offset, n->driver->payload_length, 0, NULL, o);
}

/* ---- vendor structures (analyzer/vendor.h): BIT, ATOM, VBT ---- */

static const struct vendor_nvidia *nvidia_of(const struct rom_node *n)
{
	return n->vendor && n->vendor->kind == VENDOR_NVIDIA ? &n->vendor->u.nvidia : NULL;
}

static const struct atom_ext *amd_of(const struct rom_node *n)
{
	return n->vendor && n->vendor->kind == VENDOR_AMD ? &n->vendor->u.amd : NULL;
}

static size_t loc_bit(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	const struct vendor_nvidia *v = nvidia_of(n);
	size_t ext = fmt_extent(nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT);
	(void)a;
	(void)cap;
	if (!v || !(v->has_bit || v->bit.status == NV_BIT_BAD_HEADER))
		return 0;
	return at_file(v->bit.offset, v->bit.hdr.header_size > ext ? v->bit.hdr.header_size : ext,
	               NV_BIT_HDR_F_COUNT, &v->bit.hdr, o);
}

/* A token's instance name: its id as a character, or 0x-hex; "#2" on the
 * second token with the same id. */
static void token_inst(const struct nv_bit *b, size_t i, char *out, size_t cap)
{
	uint8_t id = b->tokens[i].id;
	unsigned seen = 1;
	for (size_t j = 0; j < i; j++)
		seen += b->tokens[j].id == id;
	if (id >= 0x21 && id < 0x7F && id != '[' && id != ']')
		(void)snprintf(out, cap, seen > 1 ? "%c#%u" : "%c", id, seen);
	else
		(void)snprintf(out, cap, seen > 1 ? "0x%02x#%u" : "0x%02x", id, seen);
}

static size_t loc_bit_tokens(const struct rom_analysis *a, const struct rom_node *n,
                             struct rom_struct *o, size_t cap)
{
	const struct vendor_nvidia *v = nvidia_of(n);
	size_t k = 0;
	(void)a;
	if (!v || !v->has_bit)
		return 0;
	for (size_t i = 0; i < v->bit.n_tokens && k < cap; i++) {
		size_t off = v->bit.offset + v->bit.hdr.header_size + i * v->bit.hdr.token_size;
		k += at_file(off, v->bit.hdr.token_size, NV_BIT_TOKEN_F_COUNT, &v->bit.tokens[i],
		             &o[k]);
		token_inst(&v->bit, i, o[k - 1].inst, sizeof(o[k - 1].inst));
	}
	return k;
}

/* Where the version's five bytes are ('B' data, or 'i''s). */
static size_t loc_bit_biosdata(const struct rom_analysis *a, const struct rom_node *n,
                               struct rom_struct *o, size_t cap)
{
	const struct vendor_nvidia *v = nvidia_of(n);
	(void)a;
	(void)cap;
	if (!v || !v->bit.has_version)
		return 0;
	return at_file(v->bit.biosdata_offset,
	               fmt_extent(nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT),
	               NV_BIT_BIOSDATA_F_COUNT, &v->bit.biosdata, o);
}

/* The BIT of the chain's NVIDIA image, whose pointers reach other nodes
 * (the private image past image 0), or NULL. */
static const struct nv_bit *chain_bit(const struct rom_analysis *a)
{
	const struct rom_node *vn = vendor_node(a, NULL);
	const struct vendor_nvidia *v = vn ? nvidia_of(vn) : NULL;
	return v && v->has_bit ? &v->bit : NULL;
}

static bool inside(const struct rom_node *n, size_t off)
{
	return off >= n->offset && off - n->offset < n->length;
}

/* Each string token 'S' points at, named by its report key, in the node
 * that holds it. */
static size_t loc_bit_strings(const struct rom_analysis *a, const struct rom_node *n,
                              struct rom_struct *o, size_t cap)
{
	const struct nv_bit *b = chain_bit(a);
	size_t k = 0;
	for (size_t i = 0; b && i < NV_BIT_STR_T_COUNT && k < cap; i++) {
		size_t off = b->string_offset[i];
		if (b->string_max[i] == 0 || !inside(n, off))
			continue;
		k += at_file(off, b->string_max[i], 0, NULL, &o[k]);
		(void)snprintf(o[k - 1].inst, sizeof(o[k - 1].inst), "%s",
		               nv_bit_string_fields[i].key);
	}
	return k;
}

/* Token data lies in the x86 image or, past image 0, in NVIDIA's private
 * image (nvbios_addr): each node lists the data blocks inside it, of the
 * BIT of the chain's NVIDIA image. */
static size_t loc_bit_data(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	const struct nv_bit *b = chain_bit(a);
	size_t k = 0;
	for (size_t i = 0; b && i < b->n_tokens && k < cap; i++) {
		const struct nv_bit_token *t = &b->tokens[i];
		if (t->data_ptr == 0 || t->data_size == 0 || !inside(n, t->data_offset))
			continue;
		k += at_file(t->data_offset, t->data_size, 0, NULL, &o[k]);
		token_inst(b, i, o[k - 1].inst, sizeof(o[k - 1].inst));
	}
	return k;
}

static size_t loc_atom_rom(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	const struct atom_hdr *h = &n->atom.hdr;
	size_t nf, ext, len;
	(void)a;
	(void)cap;
	/* Decoded with the ATOMBIOS header (atom_detect), for every such image. */
	if (n->status != PCI_OK || n->producer != PCI_PRODUCER_ATOMBIOS || !n->atom.hdr_ok)
		return 0;
	nf = h->structure_size >= fmt_extent(atom_hdr_fields, ATOM_HDR_F_COUNT)
	         ? ATOM_HDR_F_COUNT
	         : ATOM_HDR_F_PSP_DIR;
	ext = fmt_extent(atom_hdr_fields, nf);
	len = h->structure_size >= ext && h->structure_size <= 0x100 ? h->structure_size : ext;
	return at(n, n->atom.rom_header, len, nf, h, o);
}

static size_t master(const struct rom_node *n, const struct atom_master *m, struct rom_struct *o)
{
	size_t ext = fmt_extent(atom_table_fields, ATOM_TABLE_F_COUNT);
	if (!m->present)
		return 0;
	return at(n, m->offset, m->hdr.size > ext ? m->hdr.size : ext, ATOM_TABLE_F_COUNT, &m->hdr,
	          o);
}

static size_t loc_atom_cmd_master(const struct rom_analysis *a, const struct rom_node *n,
                                  struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	(void)cap;
	return x ? master(n, &x->command, o) : 0;
}

static size_t loc_atom_data_master(const struct rom_analysis *a, const struct rom_node *n,
                                   struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	(void)cap;
	return x ? master(n, &x->data, o) : 0;
}

/* Each table of a master table, named as atombios.h / atomfirmware.h
 * name its entry (atom_table_name), else by its index. */
static size_t tables(const struct rom_node *n, enum atom_master_kind kind,
                     const struct atom_master *m, struct rom_struct *o, size_t cap)
{
	size_t k = 0, ext = fmt_extent(atom_table_fields, ATOM_TABLE_F_COUNT);
	for (size_t i = 0; i < m->n && k < cap; i++) {
		const struct atom_table *t = &m->tables[i];
		const char *name = atom_table_name(kind, m->hdr.format_rev, t->index);
		if (!at(n, t->offset, t->size > ext ? t->size : ext, ATOM_TABLE_F_COUNT, t, &o[k]))
			continue;
		if (name)
			(void)snprintf(o[k].inst, sizeof(o[k].inst), "%s", name);
		else
			(void)snprintf(o[k].inst, sizeof(o[k].inst), "%u", t->index);
		k++;
	}
	return k;
}

static size_t loc_atom_cmd(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	return x ? tables(n, ATOM_MASTER_COMMAND, &x->command, o, cap) : 0;
}

static size_t loc_atom_data(const struct rom_analysis *a, const struct rom_node *n,
                            struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	return x ? tables(n, ATOM_MASTER_DATA, &x->data, o, cap) : 0;
}

static size_t loc_atom_strings(const struct rom_analysis *a, const struct rom_node *n,
                               struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	(void)cap;
	return x && x->strings_length ? at(n, x->strings_offset, x->strings_length, 0, NULL, o) : 0;
}

static size_t loc_atom_crc(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	(void)a;
	(void)cap;
	return x && n->atom.hdr_ok && n->atom.hdr.crc_block
	           ? at(n, n->atom.hdr.crc_block, ATOM_CRC_BLOCK_LEN, 0, NULL, o)
	           : 0;
}

static size_t loc_atom_psp(const struct rom_analysis *a, const struct rom_node *n,
                           struct rom_struct *o, size_t cap)
{
	const struct atom_ext *x = amd_of(n);
	size_t ext = fmt_extent(atom_psp_fields, ATOM_PSP_F_COUNT);
	(void)a;
	(void)cap;
	if (!x || !x->psp.present)
		return 0;
	return at(n, x->psp.offset,
	          x->psp.entries <= ATOM_PSP_MAX_ENTRIES
	              ? ATOM_PSP_HDR_LEN + ATOM_PSP_ENTRY_LEN * (size_t)x->psp.entries
	              : ext,
	          ATOM_PSP_F_COUNT, &x->psp, o);
}

static const struct intel_vbt *intel_of(const struct rom_node *n)
{
	return n->vendor && n->vendor->kind == VENDOR_INTEL ? &n->vendor->u.intel : NULL;
}

static size_t loc_vbt(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	const struct intel_vbt *v = intel_of(n);
	size_t ext = fmt_extent(intel_vbt_fields, INTEL_VBT_F_COUNT);
	(void)a;
	(void)cap;
	if (!v)
		return 0;
	return at_file(v->offset, v->header_size > ext ? v->header_size : ext, INTEL_VBT_F_COUNT, v,
	               o);
}

static size_t loc_bdb(const struct rom_analysis *a, const struct rom_node *n, struct rom_struct *o,
                      size_t cap)
{
	const struct intel_vbt *v = intel_of(n);
	size_t ext = fmt_extent(intel_bdb_fields, INTEL_BDB_F_COUNT), off;
	(void)a;
	(void)cap;
	if (!v || !v->has_bdb || !size_add(v->offset, v->bdb_offset, &off))
		return 0;
	return at_file(off, v->bdb_header_size > ext ? v->bdb_header_size : ext, INTEL_BDB_F_COUNT,
	               v, o);
}

/* Lookup order: the EFI header before the ROM header it shares bytes with
 * (byte 2 of an EFI image is InitializationSize, not a size byte); small
 * structures before the driver body. A byte no field holds is named by the
 * smallest structure holding it (a table inside the x86 image, not the
 * image). Add a structure here, one line each (certificate table, ...). */
static const struct rom_struct_def defs[] = {
    {"EFI ROM header", "efi", efi_rom_fields, EFI_ROM_F_COUNT, loc_efi},
    {"ROM header", "rom", pci_rom_header_fields, PCI_ROM_HDR_F_COUNT, loc_rom},
    {"PCI data structure", "pcir", pci_pcir_fields, PCIR_F_COUNT, loc_pcir},
    {"NVIDIA PCI data extension", "npde", npde_fields, NPDE_F_COUNT, loc_npde},
    {"$PnP expansion header", "pnp", pci_pnp_fields, PNP_F_COUNT, loc_pnp},
    {"ATOMBIOS header", "atom", atom_fields, ATOM_F_COUNT, loc_atom},
    {"ATOM ROM header", "atom_rom", atom_hdr_fields, ATOM_HDR_F_COUNT, loc_atom_rom},
    {"checksum byte", "checksum", pci_checksum_fields, PCI_CHECKSUM_F_COUNT, loc_checksum},
    {"PCI 3.0 device list", "device_list", NULL, 0, loc_devlist},
    {"BIT header", "bit", nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT, loc_bit},
    {"BIT token", "bit_token", nv_bit_token_fields, NV_BIT_TOKEN_F_COUNT, loc_bit_tokens},
    {"BIT BIOSDATA (version)", "bit_biosdata", nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT,
     loc_bit_biosdata},
    {"BIT token data", "bit_data", NULL, 0, loc_bit_data},
    {"BIT string", "bit_string", NULL, 0, loc_bit_strings},
    {"ATOM master command table", "atom_cmd_master", atom_table_fields, ATOM_TABLE_F_COUNT,
     loc_atom_cmd_master},
    {"ATOM master data table", "atom_data_master", atom_table_fields, ATOM_TABLE_F_COUNT,
     loc_atom_data_master},
    {"ATOM command table", "atom_cmd", atom_table_fields, ATOM_TABLE_F_COUNT, loc_atom_cmd},
    {"ATOM data table", "atom_data", atom_table_fields, ATOM_TABLE_F_COUNT, loc_atom_data},
    {"ATOMBIOS string table", "atom_strings", NULL, 0, loc_atom_strings},
    {"ATOM CRC block", "atom_crc", NULL, 0, loc_atom_crc},
    {"$PSP directory", "atom_psp", atom_psp_fields, ATOM_PSP_F_COUNT, loc_atom_psp},
    {"Intel VBT header", "vbt", intel_vbt_fields, INTEL_VBT_F_COUNT, loc_vbt},
    {"Intel BDB header", "bdb", intel_bdb_fields, INTEL_BDB_F_COUNT, loc_bdb},
    {"EFI driver (as stored)", "driver", NULL, 0, loc_driver},
};

/* The container before the ROM: not a node's, located by the analysis. */
static const struct rom_struct_def prefix_defs[] = {
    {"NVGI container header", "nvgi", nvgi_fields, NVGI_F_COUNT, NULL},
    {"NVGI extended section", "nvgi_ext", nvgi_ext_fields, NVGI_EXT_F_COUNT, NULL},
};

void rom_struct_prefix(const struct rom_struct *st, char *out, size_t cap)
{
	if (st->inst[0])
		(void)snprintf(out, cap, "%s[%s]", st->def->prefix, st->inst);
	else
		(void)snprintf(out, cap, "%s", st->def->prefix);
}

void rom_struct_field_name(const struct rom_struct *st, size_t f, char *out, size_t cap)
{
	char p[ROM_QNAME_LEN];
	rom_struct_prefix(st, p, sizeof(p));
	fmt_qualified_name(p, &st->def->fields[f], out, cap);
}

const struct rom_struct_def *rom_struct_defs(size_t *n)
{
	*n = COUNT(defs);
	return defs;
}

size_t rom_node_structs(const struct rom_analysis *a, const struct rom_node *n,
                        struct rom_struct *out, size_t cap)
{
	size_t k = 0;
	/* each locate fills its entries whole (at, at_file), inst included */
	for (size_t i = 0; i < COUNT(defs) && k < cap; i++) {
		size_t got = defs[i].locate(a, n, &out[k], cap - k);
		for (size_t j = k; j < k + got; j++)
			out[j].def = &defs[i];
		k += got;
	}
	return k;
}

size_t rom_prefix_structs(const struct rom_analysis *a, struct rom_struct *out, size_t cap)
{
	size_t k = 0;
	if (a->container != CONTAINER_NVGI || a->nvgi_status != NVGI_OK || cap < 2)
		return 0;
	memset(out, 0, 2 * sizeof(*out));
	out[k].def = &prefix_defs[0];
	k += at_file(0, fmt_extent(nvgi_fields, NVGI_F_COUNT), NVGI_F_COUNT, &a->nvgi, &out[k]);
	if (a->nvgi.version != 3) {
		out[k].def = &prefix_defs[1];
		k += at_file(a->nvgi.fixed_data_size, fmt_extent(nvgi_ext_fields, NVGI_EXT_F_COUNT),
		             NVGI_EXT_F_COUNT, &a->nvgi, &out[k]);
	}
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
 * else the smallest holding it at all (the innermost: a table's body, not
 * the table that overlaps it). False when none does. */
static bool name_in(const struct rom_struct *st, size_t n, size_t off, char *out, size_t cap)
{
	const struct rom_struct *any = NULL;
	for (size_t i = 0; i < n; i++) {
		int f;
		if (!holds(&st[i], off))
			continue;
		f = rom_struct_field_at(&st[i], off);
		if (f >= 0) {
			rom_struct_field_name(&st[i], (size_t)f, out, cap);
			return true;
		}
		if (!any || st[i].length < any->length)
			any = &st[i];
	}
	if (!any)
		return false;
	rom_struct_prefix(any, out, cap);
	return true;
}

void rom_name_offset(const struct rom_analysis *a, size_t off, char *out, size_t cap)
{
	struct rom_struct *st;
	const struct rom_node *n;
	size_t k;
	if (cap == 0)
		return;
	if (a->has_rom && off < a->rom_offset) {
		struct rom_struct pre[4];
		k = rom_prefix_structs(a, pre, COUNT(pre));
		if (!name_in(pre, k, off, out, cap))
			(void)snprintf(out, cap, "container");
		return;
	}
	n = rom_node_holding(a, off);
	if (n) {
		/* a few hundred entries: too many for the stack of every caller */
		st = malloc(ROM_STRUCTS_MAX * sizeof(*st));
		k = st ? rom_node_structs(a, n, st, ROM_STRUCTS_MAX) : 0;
		if (!name_in(st, k, off, out, cap))
			(void)snprintf(out, cap, "image");
		free(st);
		return;
	}
	(void)snprintf(out, cap, "%s",
	               a->has_rom && off >= a->chain.end && a->trailing != TRAILING_DATA ? "padding"
	               : a->has_rom && off >= a->chain.end ? "trailing"
	                                                   : "file");
}
