/* Findings from the vendor data on the nodes (analyzer/vendor.h). */
#include "analyzer/vendor.h"

#include "formats/nv_bit.h"
#include "formats/pci_rom.h"
#include "formats/producer.h"

#include <stdio.h>

static void rules_nvidia(struct rom_analysis *a, const struct rom_node *n, int img,
                         const struct vendor_nvidia *v)
{
	const struct nv_bit *b = &v->bit;
	if (b->status == NV_BIT_TRUNCATED || b->status == NV_BIT_BAD_HEADER)
		finding_add(&a->findings, FINDING_NV_BIT_TRUNCATED, img, true, b->offset,
		            "BIT table at 0x%zx: %s (header size %u, token size %u, %u tokens, "
		            "%zu kept)",
		            b->offset, nv_bit_status_str(b->status), b->hdr.header_size,
		            b->hdr.token_size, b->hdr.token_count, b->n_tokens);
	if (v->has_hwinfo && a->container == CONTAINER_NVGI &&
	    (v->subsystem_vendor != a->nvgi.subsystem_vendor ||
	     v->subsystem_device != a->nvgi.subsystem_device))
		finding_add(&a->findings, FINDING_VENDOR_ID_MISMATCH, img, true,
		            n->offset + NV_X86_SUBSYSTEM_OFF,
		            "x86 image subsystem %04x:%04x at 0x%zx, but the NVGI header says "
		            "%04x:%04x",
		            v->subsystem_vendor, v->subsystem_device,
		            n->offset + NV_X86_SUBSYSTEM_OFF, a->nvgi.subsystem_vendor,
		            a->nvgi.subsystem_device);
	if (!v->has_bit)
		return;
	if (!b->checksum_ok)
		finding_add(&a->findings, FINDING_NV_BIT_CHECKSUM, img, true, b->offset,
		            "BIT header at 0x%zx: its 0x%x bytes sum to 0x%02x, expected 0x00",
		            b->offset, b->hdr.header_size, b->sum);
	for (size_t i = 0; i < b->n_tokens; i++) {
		const struct nv_bit_token *t = &b->tokens[i];
		if (t->data_ptr != 0 && !t->data_ok)
			finding_add(
			    &a->findings, FINDING_NV_BIT_TOKEN_RANGE, img, true,
			    b->offset + b->hdr.header_size + i * b->hdr.token_size,
			    "BIT token '%c' (0x%02x): 0x%x data bytes at 0x%zx (pointer 0x%x%s) "
			    "pass the end of the file at 0x%llx",
			    t->id >= 0x20 && t->id < 0x7F ? t->id : '?', t->id, t->data_size,
			    t->data_offset, t->data_ptr, t->adjusted ? ", adjusted" : "",
			    (unsigned long long)a->size);
	}
	if (b->n_unknown) {
		char ids[96] = "";
		size_t used = 0;
		for (size_t i = 0; i < b->n_tokens && used + 16 < sizeof(ids); i++) {
			const struct nv_bit_token *t = &b->tokens[i];
			int w;
			if (t->kind != NV_BIT_UNKNOWN)
				continue;
			w = snprintf(ids + used, sizeof(ids) - used, "%s0x%02x", used ? ", " : "",
			             t->id);
			if (w > 0)
				used += (size_t)w;
		}
		finding_add(&a->findings, FINDING_NV_BIT_UNKNOWN_TOKEN, img, true, b->offset,
		            "BIT table at 0x%zx: %zu token id(s) the BIT specification does not "
		            "name: %s",
		            b->offset, b->n_unknown, ids);
	}
}

static void master_range(struct rom_analysis *a, const struct rom_node *n, int img,
                         enum atom_master_kind kind, const struct atom_master *m, const char *what)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct atom_table *t = &m->tables[i];
		const char *name = atom_table_name(kind, m->hdr.format_rev, t->index);
		size_t off = n->offset + m->offset + 4u + 2u * t->index;
		if (t->ok)
			continue;
		/* AMD's own APU images carry a table whose header starts
		 * inside and declares more bytes than remain (Cezanne's
		 * powerplayinfo): say which. */
		if (t->offset + 4u <= n->length && t->offset + (size_t)t->size > n->length)
			finding_add(
			    &a->findings, FINDING_ATOM_TABLE_RANGE, img, true, off,
			    "%s table %u (%s) at image+0x%x declares 0x%x bytes, 0x%zx past "
			    "the end of the image of 0x%zx bytes",
			    what, t->index, name ? name : "unnamed", t->offset, t->size,
			    t->offset + (size_t)t->size - n->length, n->length);
		else
			finding_add(&a->findings, FINDING_ATOM_TABLE_RANGE, img, true, off,
			            "%s table %u (%s) at image+0x%x (size 0x%x) is not inside the "
			            "image of 0x%zx bytes",
			            what, t->index, name ? name : "unnamed", t->offset, t->size,
			            n->length);
	}
}

static void rules_amd(struct rom_analysis *a, const struct rom_node *n, int img,
                      const struct atom_ext *x)
{
	const struct atom_hdr *h = &n->atom.hdr;
	if (!n->atom.hdr_ok)
		return;
	master_range(a, n, img, ATOM_MASTER_COMMAND, &x->command, "master command");
	master_range(a, n, img, ATOM_MASTER_DATA, &x->data, "master data");
	if (x->psp.present && x->psp.checksum_known && !x->psp.checksum_ok)
		finding_add(&a->findings, FINDING_ATOM_PSP_CHECKSUM, img, true,
		            n->offset + x->psp.offset,
		            "$PSP directory at 0x%zx: checksum 0x%08x, the entries give another",
		            n->offset + x->psp.offset, x->psp.checksum);
	if (x->psp.present || a->container == CONTAINER_AMD_EFS)
		finding_add(&a->findings, FINDING_AMD_SIGNED, img, true, n->offset + x->psp.offset,
		            "$PSP directory at 0x%zx (%u entries): the board checks a signature "
		            "over this ROM; any edit breaks it",
		            n->offset + x->psp.offset, x->psp.entries);
	if (h->pci_info != 0 && h->pci_info != n->hdr.pcir_offset)
		finding_add(&a->findings, FINDING_VENDOR_ID_MISMATCH, img, true,
		            n->offset + n->atom.rom_header + ATOM_HDR_OFF_PCI_INFO,
		            "ATOM ROM header's PCI info offset is 0x%x, but the image's PCIR is at "
		            "+0x%x",
		            h->pci_info, n->hdr.pcir_offset);
}

/* An AMD GOP driver in an image whose PCIR names another vendor: the hand
 * wrapped APU GOPs of the corpus (amd/apu_gop_5700G, _9950x3d) carry
 * 03ea:0693 and 03ea:0668, ids no pci.ids vendor has. A ROM built for an
 * AMD driver carries AMD's vendor id: SeaBIOS takes an option ROM only for
 * the device its PCIR names, and tools match the ROM to the card by it. */
static void rules_gop_vendor(struct rom_analysis *a, const struct rom_node *n, int img)
{
	const char *text = n->driver ? n->driver->gop_version : "";
	if (!amd_gop_text(text) || n->pcir.vendor_id == PCI_VENDOR_AMD)
		return;
	/* 0x03ea is 1002 in decimal: typed in decimal where EfiRom-like
	 * tools take hex (amd/apu_gop_9950x3d's 0x0668 is 1640 in decimal,
	 * 1002:1640 the HD Audio function the guides pass it on). */
	if (n->pcir.vendor_id == 1002u)
		finding_add(
		    &a->findings, FINDING_VENDOR_ID_MISMATCH, img, true,
		    n->offset + n->hdr.pcir_offset + PCIR_OFF_VENDOR_ID,
		    "EFI image %d's driver is AMD's GOP but its PCIR names %04x:%04x, which "
		    "is 1002:%u written in decimal: AMD's vendor id is hex %04x",
		    img, n->pcir.vendor_id, n->pcir.device_id, n->pcir.device_id, PCI_VENDOR_AMD);
	else
		finding_add(&a->findings, FINDING_VENDOR_ID_MISMATCH, img, true,
		            n->offset + n->hdr.pcir_offset + PCIR_OFF_VENDOR_ID,
		            "EFI image %d's driver is AMD's GOP (\"%.60s\") but its PCIR names "
		            "vendor %04x:%04x, not AMD's %04x",
		            img, text, n->pcir.vendor_id, n->pcir.device_id, PCI_VENDOR_AMD);
	finding_set_values(&a->findings, PCI_VENDOR_AMD, n->pcir.vendor_id);
}

void rules_vendor(struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		const struct rom_vendor *v = n->vendor;
		rules_gop_vendor(a, n, (int)i);
		if (!v)
			continue;
		if (v->kind == VENDOR_NVIDIA)
			rules_nvidia(a, n, (int)i, &v->u.nvidia);
		else if (v->kind == VENDOR_AMD)
			rules_amd(a, n, (int)i, &v->u.amd);
	}
}
