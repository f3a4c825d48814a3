#include "analyzer/emit.h"
#include "analyzer/emit_vendor.h"
#include "analyzer/emit_yaml_writer.h"
#include "formats/atom.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"

#include <string.h>

const char *emit_machine_name(uint16_t machine)
{
	const char *n = pe_machine_name(machine);
	return n ? n : "unknown";
}

static void driver_yaml(struct yw *w, const struct rom_node *n)
{
	const struct rom_driver *d = n->driver;
	yw_khex(w, "payload_offset", d->payload_offset);
	yw_khex(w, "payload_length", d->payload_length);
	if (n->efi.compression == EFI_COMPRESSION_EFI) {
		yw_khex(w, "compressed_size", d->compressed_size);
		yw_kstr(w, "variant", d->variant);
		yw_kbool(w, "decompress_ok", d->state == DRIVER_OK);
		if (d->state != DRIVER_OK)
			yw_kstr(w, "decompress_error", d->decompress_error);
	}
	yw_khex(w, "decompressed_size", d->decompressed_size);
	yw_key(w, "pe");
	if (!d->has_pe) {
		yw_null(w);
	} else {
		bool ok = rom_driver_pe_valid(d);
		yw_map_start(w);
		yw_kbool(w, "valid", ok);
		if (!ok)
			yw_kstr(w, "error", pe_status_str(d->pe_status));
		yw_kstr(w, "kind", pe_kind_name(d->pe.kind));
		yw_khex(w, PE_COFF_KEY(MACHINE), d->pe.machine);
		yw_kstr(w, "machine_name", emit_machine_name(d->pe.machine));
		yw_kuint(w, PE_OPT_KEY(SUBSYSTEM), d->pe.subsystem);
		yw_khex(w, PE_OPT_KEY(ENTRY), d->pe.entry_point);
		yw_khex(w, PE_OPT_KEY(SIZE_OF_IMAGE), d->pe.size_of_image);
		yw_khex(w, PE_COFF_KEY(TIMESTAMP), d->pe.timestamp);
		yw_kuint(w, PE_COFF_KEY(NUM_SECTIONS), d->pe.num_sections);
		yw_map_end(w);
	}
	if (d->gop_version[0])
		yw_kstr(w, "gop_version", d->gop_version);
	else
		yw_knull(w, "gop_version");
	emit_yaml_signature(w, d);
	if (d->sha256[0])
		yw_kstr(w, "sha256", d->sha256);
	else
		yw_knull(w, "sha256");
}

static void image_efi(struct yw *w, const struct rom_node *n, bool full)
{
	const struct efi_rom_header *e = &n->efi;
	const char *sub = pe_subsystem_name(e->subsystem);
	yw_key(w, "efi");
	yw_map_start(w);
	yw_kuint(w, EFI_ROM_KEY(SUBSYSTEM), e->subsystem);
	yw_kstr(w, "subsystem_name", sub ? sub : "unknown");
	yw_khex(w, EFI_ROM_KEY(MACHINE), e->machine);
	yw_kstr(w, "machine_name", emit_machine_name(e->machine));
	yw_kuint(w, EFI_ROM_KEY(COMPRESSION), e->compression);
	yw_kstr(w, "compression_name", efi_compression_name(e->compression));
	yw_khex(w, EFI_ROM_KEY(SIGNATURE), e->efi_signature);
	yw_khex(w, EFI_ROM_KEY(INIT_SIZE), (uint64_t)e->init_blocks * PCI_ROM_BLOCK);
	yw_khex(w, EFI_ROM_KEY(IMAGE_OFFSET), e->image_offset);
	if (full && n->driver)
		driver_yaml(w, n);
	yw_map_end(w);
}

static void image_npde(struct yw *w, const struct rom_node *n)
{
	yw_key(w, "npde");
	if (!n->has_npde) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_khex(w, "offset", n->npde.offset);
	yw_khex(w, NPDE_KEY(REVISION), n->npde.revision);
	yw_khex(w, NPDE_KEY(LENGTH), n->npde.length);
	yw_khex(w, NPDE_KEY(SUBIMAGE_LENGTH), (uint64_t)n->npde.subimage_blocks * PCI_ROM_BLOCK);
	yw_kbool(w, NPDE_KEY(PRIV_LAST), (n->npde.priv_last & NPDE_LAST_IMAGE) != 0);
	yw_khex(w, NPDE_KEY(FLAGS), n->npde.flags);
	yw_map_end(w);
}

/* Schema-1 names of ATOM ROM header fields in the `atom:` map
 * (docs/yaml-schema.md). Until the header was declared once
 * (ATOM_HDR_FIELDS, formats/atom.h) this map called its revisions
 * table_format_rev and table_content_rev, where the declaration (and
 * vendor.amd.rom_header) says format_revision and content_revision. A key is
 * never renamed or removed without raising `optrom:`, so schema 1 writes
 * the old name too, with the same value, after the declaration's key.
 * Names only: the field and its value are the declaration's. Goes with
 * schema 2. */
static const struct {
	unsigned field; /* ATOM_HDR_F_* */
	const char *key;
} atom_schema1_aliases[] = {
    {ATOM_HDR_F_FORMAT_REV, "table_format_rev"},
    {ATOM_HDR_F_CONTENT_REV, "table_content_rev"},
};

/* AMD's ATOMBIOS header and ATOM ROM header, as the producer check
 * decoded them. */
static void image_atom(struct yw *w, const struct rom_node *n)
{
	const struct atom_info *a = &n->atom;
	char ssid[16];
	if (n->producer != PCI_PRODUCER_ATOMBIOS)
		return;
	yw_key(w, "atom");
	yw_map_start(w);
	yw_khex(w, ATOM_KEY(ROM_HEADER), a->rom_header);
	yw_kbool(w, "rom_header_ok", a->rom_header_ok);
	yw_kuint(w, ATOM_HDR_KEY(FORMAT_REV), a->hdr.format_rev);
	yw_kuint(w, ATOM_HDR_KEY(CONTENT_REV), a->hdr.content_rev);
	for (size_t i = 0; i < sizeof(atom_schema1_aliases) / sizeof(atom_schema1_aliases[0]); i++)
		yw_kuint(w, atom_schema1_aliases[i].key,
		         fmt_value(&a->hdr, &atom_hdr_fields[atom_schema1_aliases[i].field]));
	(void)snprintf(ssid, sizeof(ssid), "%04x:%04x", a->hdr.subsystem_vendor,
	               a->hdr.subsystem_id);
	yw_kstr(w, "subsystem", ssid);
	yw_kstr(w, "part_number", a->part_number);
	if (a->build_date[0])
		yw_kstr(w, "build_date", a->build_date);
	else
		yw_knull(w, "build_date");
	yw_map_end(w);
}

static void image_pnp(struct yw *w, const struct rom_node *n)
{
	const struct rom_pnp *p = &n->pnp;
	if (p->status != PCI_OK)
		return;
	yw_key(w, "pnp");
	yw_map_start(w);
	yw_khex(w, "offset", n->hdr.pnp_offset);
	yw_kuint(w, PNP_KEY(REVISION), p->hdr.revision);
	yw_khex(w, PNP_KEY(LENGTH), (uint64_t)p->hdr.length_units * 16u);
	yw_khex(w, "sum", p->hdr.sum);
	yw_kbool(w, "checksum_ok", p->hdr.sum == 0);
	if (p->manufacturer[0])
		yw_kstr(w, "manufacturer", p->manufacturer);
	else
		yw_knull(w, "manufacturer");
	if (p->product[0])
		yw_kstr(w, "product", p->product);
	else
		yw_knull(w, "product");
	yw_map_end(w);
}

/* The PCI 3.0 device list (null when the PCIR has none). */
static void image_device_list(struct yw *w, const struct rom_node *n)
{
	const struct pci_device_list *d = &n->devlist;
	yw_key(w, PCIR_KEY(DEVICE_LIST));
	if (d->status == PCI_DEVLIST_NONE) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_khex(w, "pointer", d->pointer);
	yw_khex(w, "offset", n->offset + d->offset);
	yw_kstr(w, "status", pci_devlist_status_str(d->status));
	yw_key(w, "ids");
	yw_seq_start(w);
	for (size_t k = 0; k < d->n && n->device_ids; k++) {
		char id[8];
		(void)snprintf(id, sizeof(id), "%04x", n->device_ids[k]);
		yw_str(w, id);
	}
	yw_seq_end(w);
	yw_map_end(w);
}

static void image(struct yw *w, const struct rom_image *img, const struct rom_node *n, size_t index,
                  bool full)
{
	const struct pci_pcir *p = &n->pcir;
	char cls[8];
	yw_map_start(w);
	yw_kuint(w, "index", index);
	yw_khex(w, "offset", img->offset);
	yw_khex(w, "length", img->length);
	yw_kuint(w, PCIR_KEY(CODE_TYPE), p->code_type);
	yw_kstr(w, "type", pci_code_type_name(p->code_type));
	yw_kid4(w, PCIR_KEY(VENDOR_ID), p->vendor_id);
	yw_kid4(w, PCIR_KEY(DEVICE_ID), p->device_id);
	(void)snprintf(cls, sizeof(cls), "%06x", p->class_code & 0xFFFFFFu);
	yw_kstr(w, PCIR_KEY(CLASS_CODE), cls);
	yw_kbool(w, "last", img->last);
	yw_kbool(w, "truncated", img->truncated);
	yw_kstr(w, "signature", n->hdr.signature == PCI_ROM_SIG ? "55aa" : "nvidia");
	yw_kstr(w, PCIR_KEY(SIGNATURE),
	        p->signature == PCIR_SIG_PCIR   ? "PCIR"
	        : p->signature == PCIR_SIG_NPDS ? "NPDS"
	                                        : "RGIS");
	if (full) {
		yw_khex(w, PCIR_KEY(INDICATOR), p->indicator);
		yw_key(w, "pcir");
		yw_map_start(w);
		yw_khex(w, PCI_ROM_HDR_KEY(PCIR_PTR), n->hdr.pcir_offset);
		yw_kuint(w, PCIR_KEY(REVISION), p->revision);
		yw_khex(w, PCIR_KEY(LENGTH), p->length);
		yw_khex(w, PCIR_KEY(CODE_REVISION), p->code_revision);
		yw_map_end(w);
		yw_khex(w, PCI_ROM_HDR_KEY(SIZE), n->hdr.size_blocks);
		if (p->code_type == PCI_CODE_X86) {
			yw_kstr(w, "producer", pci_producer_name(n->producer));
			if (n->version[0])
				yw_kstr(w, "version", n->version);
			else
				yw_knull(w, "version");
		}
	}
	if (n->checksum.present) {
		yw_key(w, "checksum");
		yw_map_start(w);
		yw_kbool(w, "ok", n->checksum.ok);
		yw_khex(w, "sum", n->checksum.sum);
		yw_khex(w, "length", n->checksum.length);
		yw_kbool(w, "complete", n->checksum.complete);
		yw_khex(w, "fix_offset", n->checksum.fix_offset);
		yw_map_end(w);
	}
	if (full) {
		image_atom(w, n);
		image_pnp(w, n);
		image_device_list(w, n);
	}
	if (p->code_type == PCI_CODE_EFI)
		image_efi(w, n, full);
	if (full)
		image_npde(w, n);
	if (n->sha256[0])
		yw_kstr(w, "sha256", n->sha256);
	else
		yw_knull(w, "sha256");
	yw_map_end(w);
}

static void image_list(struct yw *w, const struct rom_analysis *a, const char *key,
                       const struct rom_image *imgs, size_t n, bool full)
{
	yw_key(w, key);
	yw_seq_start(w);
	for (size_t i = 0; i < n; i++)
		image(w, &imgs[i], rom_node_of(a, &imgs[i]), i, full);
	yw_seq_end(w);
}

static void container(struct yw *w, const struct rom_analysis *a)
{
	yw_key(w, "container");
	if (a->container == CONTAINER_NONE) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kstr(w, "kind", report_container_name(a->container));
	yw_khex(w, "length", a->container_length);
	if (a->container == CONTAINER_NVGI) {
		const struct nvgi_header *nv = &a->nvgi;
		char ssid[16];
		yw_key(w, "nvgi");
		yw_map_start(w);
		yw_kstr(w, "status", nvgi_status_str(a->nvgi_status));
		yw_kuint(w, NVGI_KEY(VERSION), nv->version);
		yw_khex(w, NVGI_KEY(FIXED_DATA_SIZE), nv->fixed_data_size);
		yw_khex(w, NVGI_KEY(TOTAL_DATA_SIZE), nv->total_data_size);
		(void)snprintf(ssid, sizeof(ssid), "%04x:%04x", nv->subsystem_vendor,
		               nv->subsystem_device);
		yw_kstr(w, NVGI_KEY(SUBSYSTEM_VENDOR), ssid);
		yw_khex(w, NVGI_EXT_KEY(ROM_OFFSET), nv->rom_offset);
		if (nv->version == 3)
			yw_khex(w, NVGI_KEY_RFRD_OFFSET, nv->rfrd_offset);
		yw_map_end(w);
	}
	yw_map_end(w);
}

static void findings(struct yw *w, const struct rom_analysis *a)
{
	yw_key(w, "findings");
	yw_seq_start(w);
	for (size_t i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.items[i];
		yw_map_start(w);
		yw_kstr(w, "id", finding_name(f->id));
		yw_kstr(w, "severity", finding_severity_name(f->severity));
		if (f->has_offset)
			yw_khex(w, "offset", f->offset);
		else
			yw_knull(w, "offset");
		if (f->image >= 0)
			yw_kuint(w, "image", (uint64_t)f->image);
		else
			yw_knull(w, "image");
		yw_kbool(w, "fixable", f->fixable);
		yw_kstr(w, "message", f->message);
		if (f->has_values) {
			yw_khex(w, "expected", f->expected);
			yw_khex(w, "found", f->found);
		}
		yw_map_end(w);
	}
	yw_seq_end(w);
}

static void consumer(struct yw *w, const char *key, const struct rom_consumer *c)
{
	yw_key(w, key);
	yw_map_start(w);
	yw_kbool(w, "ok", c->ok);
	if (c->image >= 0)
		yw_kuint(w, "image", (uint64_t)c->image);
	else
		yw_knull(w, "image");
	yw_kstr(w, "reason", c->reason);
	yw_map_end(w);
}

/* What each firmware does with the file (analyzer/consumers.h). */
static void consumers(struct yw *w, const struct rom_analysis *a)
{
	yw_key(w, "consumers");
	yw_map_start(w);
	consumer(w, "ovmf", &a->consumers.ovmf);
	consumer(w, "seabios", &a->consumers.seabios);
	yw_map_end(w);
}

void emit_yaml_report_map(struct yw *w, const struct rom_analysis *a, const char *file)
{
	yw_map_start(w);
	emit_yaml_report_keys(w, a, file);
	yw_map_end(w);
}

void emit_yaml_report_keys(struct yw *w, const struct rom_analysis *a, const char *file)
{
	yw_kuint(w, "optrom", REPORT_SCHEMA);
	yw_kstr(w, "file", file ? file : a->file);
	yw_kuint(w, "size", a->size);
	yw_kstr(w, "sha256", a->sha256);
	yw_kstr(w, "verdict", report_verdict_name(a->verdict));
	if (a->has_rom)
		yw_khex(w, "rom_offset", a->rom_offset);
	else
		yw_knull(w, "rom_offset");
	yw_key(w, "locate");
	yw_map_start(w);
	yw_kstr(w, "reason", a->has_rom ? a->locate_reason : "no valid image found");
	yw_kuint(w, "candidates", a->candidates);
	yw_map_end(w);
	container(w, a);
	image_list(w, a, "images", a->chain.images, a->chain.n, true);
	yw_kbool(w, "chain_complete", rom_chain_complete(a));
	if (a->has_rom)
		yw_khex(w, "chain_end", a->chain.end);
	else
		yw_knull(w, "chain_end");
	image_list(w, a, "nvidia_chain", a->nvidia.images, a->nvidia.n, false);
	image_list(w, a, "other_images", a->other_images, a->n_other, false);
	yw_key(w, "trailing");
	yw_map_start(w);
	yw_kstr(w, "kind", report_trailing_name(a->trailing));
	yw_khex(w, "length", a->trailing_length);
	yw_map_end(w);
	if (a->isa_rom) {
		yw_key(w, "isa_rom");
		yw_map_start(w);
		yw_khex(w, "length", a->isa_length);
		yw_map_end(w);
	}
	emit_yaml_vendor(w, a);
	findings(w, a);
	consumers(w, a);
}

static void report(struct yw *w, const struct rom_analysis *a, const struct emit_yaml_opts *o)
{
	yw_doc_start(w);
	yw_map_start(w);
	emit_yaml_report_keys(w, a, NULL);
	if (o && o->secure_boot)
		emit_yaml_secure_boot(w, a, o->sb, o->sb_origin);
	yw_map_end(w);
	yw_doc_end(w);
}

bool emit_yaml_with(FILE *out, const struct rom_analysis *const *reports, size_t n,
                    const struct emit_yaml_opts *o)
{
	struct yw w;
	if (!yw_open(&w, out))
		return false;
	for (size_t i = 0; i < n; i++)
		report(&w, reports[i], o);
	return yw_close(&w) && !ferror(out);
}

bool emit_yaml(FILE *out, const struct rom_analysis *const *reports, size_t n)
{
	return emit_yaml_with(out, reports, n, NULL);
}
