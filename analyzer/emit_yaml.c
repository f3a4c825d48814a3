#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
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

static void hex4(struct yw *w, const char *k, uint16_t v)
{
	char buf[8];
	(void)snprintf(buf, sizeof(buf), "%04x", v);
	yw_kstr(w, k, buf);
}

static void image_efi(struct yw *w, const struct rom_image *img)
{
	const char *sub = pe_subsystem_name(img->efi.subsystem);
	yw_key(w, "efi");
	yw_map_start(w);
	yw_kuint(w, "subsystem", img->efi.subsystem);
	yw_kstr(w, "subsystem_name", sub ? sub : "unknown");
	yw_khex(w, "machine", img->efi.machine);
	yw_kstr(w, "machine_name", emit_machine_name(img->efi.machine));
	yw_kuint(w, "compression", img->efi.compression);
	yw_kstr(w, "compression_name", efi_compression_name(img->efi.compression));
	yw_khex(w, "signature", img->efi.signature);
	yw_khex(w, "init_size", (uint64_t)img->efi.init_blocks * PCI_ROM_BLOCK);
	yw_khex(w, "image_offset", img->efi.image_offset);
	if (img->efi.inspected) {
		const struct rom_efi *e = &img->efi;
		yw_khex(w, "payload_offset", e->payload_offset);
		yw_khex(w, "payload_length", e->payload_length);
		if (e->compression == EFI_COMPRESSION_EFI) {
			yw_khex(w, "compressed_size", e->compressed_size);
			yw_kstr(w, "variant", e->variant);
			yw_kbool(w, "decompress_ok", e->decompress_ok);
			if (!e->decompress_ok)
				yw_kstr(w, "decompress_error", e->decompress_error);
		}
		yw_khex(w, "decompressed_size", e->decompressed_size);
		yw_key(w, "pe");
		if (e->pe.kind[0] == '\0') {
			yw_null(w);
		} else {
			yw_map_start(w);
			yw_kbool(w, "valid", e->pe.valid);
			if (!e->pe.valid)
				yw_kstr(w, "error", e->pe.error);
			yw_kstr(w, "kind", e->pe.kind);
			yw_khex(w, "machine", e->pe.machine);
			yw_kstr(w, "machine_name", emit_machine_name(e->pe.machine));
			yw_kuint(w, "subsystem", e->pe.subsystem);
			yw_khex(w, "entry_point", e->pe.entry_point);
			yw_khex(w, "size_of_image", e->pe.size_of_image);
			yw_khex(w, "timestamp", e->pe.timestamp);
			yw_kuint(w, "sections", e->pe.sections);
			yw_map_end(w);
		}
		if (e->gop_version[0])
			yw_kstr(w, "gop_version", e->gop_version);
		else
			yw_knull(w, "gop_version");
	}
	yw_map_end(w);
}

static void image_npde(struct yw *w, const struct rom_npde *n)
{
	yw_key(w, "npde");
	if (!n->present) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_khex(w, "offset", n->offset);
	yw_khex(w, "revision", n->revision);
	yw_khex(w, "length", n->length);
	yw_khex(w, "subimage_length", (uint64_t)n->subimage_blocks * PCI_ROM_BLOCK);
	yw_kbool(w, "last", n->last);
	yw_khex(w, "flags", n->flags);
	yw_map_end(w);
}

static void image(struct yw *w, const struct rom_image *img, size_t index, bool full)
{
	char cls[8];
	yw_map_start(w);
	yw_kuint(w, "index", index);
	yw_khex(w, "offset", img->offset);
	yw_khex(w, "length", img->length);
	yw_kuint(w, "code_type", img->code_type);
	yw_kstr(w, "type", pci_code_type_name(img->code_type));
	hex4(w, "vendor", img->vendor_id);
	hex4(w, "device", img->device_id);
	(void)snprintf(cls, sizeof(cls), "%06x", img->class_code & 0xFFFFFFu);
	yw_kstr(w, "class", cls);
	yw_kbool(w, "last", img->last);
	yw_kbool(w, "truncated", img->truncated);
	yw_kstr(w, "signature", img->signature == PCI_ROM_SIG ? "55aa" : "nvidia");
	yw_kstr(w, "pcir_signature",
	        img->pcir_signature == PCIR_SIG_PCIR   ? "PCIR"
	        : img->pcir_signature == PCIR_SIG_NPDS ? "NPDS"
	                                               : "RGIS");
	if (full) {
		yw_khex(w, "indicator", img->indicator);
		yw_key(w, "pcir");
		yw_map_start(w);
		yw_khex(w, "offset", img->pcir_offset);
		yw_kuint(w, "revision", img->pcir_revision);
		yw_khex(w, "length", img->pcir_length);
		yw_khex(w, "code_revision", img->code_revision);
		yw_map_end(w);
		yw_khex(w, "size_byte", img->size_byte);
		if (img->code_type == PCI_CODE_X86) {
			yw_kstr(w, "producer", pci_producer_name((enum pci_producer)img->producer));
			if (img->version[0])
				yw_kstr(w, "version", img->version);
			else
				yw_knull(w, "version");
		}
	}
	if (img->checksum.present) {
		yw_key(w, "checksum");
		yw_map_start(w);
		yw_kbool(w, "ok", img->checksum.ok);
		yw_khex(w, "sum", img->checksum.sum);
		yw_khex(w, "length", img->checksum.length);
		yw_kbool(w, "complete", img->checksum.complete);
		yw_khex(w, "fix_offset", img->checksum.fix_offset);
		yw_map_end(w);
	}
	if (img->code_type == PCI_CODE_EFI)
		image_efi(w, img);
	if (full)
		image_npde(w, &img->npde);
	yw_map_end(w);
}

static void image_list(struct yw *w, const char *key, const struct rom_image *imgs, size_t n,
                       bool full)
{
	yw_key(w, key);
	yw_seq_start(w);
	for (size_t i = 0; i < n; i++)
		image(w, &imgs[i], i, full);
	yw_seq_end(w);
}

static void container(struct yw *w, const struct rom_container *c)
{
	yw_key(w, "container");
	if (!c->present) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kstr(w, "kind", c->kind);
	yw_khex(w, "length", c->length);
	if (strcmp(c->kind, "nvgi") == 0) {
		char ssid[16];
		yw_key(w, "nvgi");
		yw_map_start(w);
		yw_kstr(w, "status", nvgi_status_str((enum nvgi_status)c->nvgi_status));
		yw_kuint(w, "version", c->nvgi_version);
		yw_khex(w, "fixed_data_size", c->nvgi_fixed_data_size);
		yw_khex(w, "total_data_size", c->nvgi_total_data_size);
		(void)snprintf(ssid, sizeof(ssid), "%04x:%04x", c->nvgi_subsystem_vendor,
		               c->nvgi_subsystem_device);
		yw_kstr(w, "subsystem", ssid);
		yw_khex(w, "rom_offset", c->nvgi_rom_offset);
		if (c->nvgi_version == 3)
			yw_khex(w, "rfrd_offset", c->nvgi_rfrd_offset);
		yw_map_end(w);
	}
	yw_map_end(w);
}

static void findings(struct yw *w, const struct rom_report *r)
{
	yw_key(w, "findings");
	yw_seq_start(w);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *f = &r->findings[i];
		yw_map_start(w);
		yw_kstr(w, "id", f->id);
		yw_kstr(w, "severity", report_severity_name(f->severity));
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
		yw_map_end(w);
	}
	yw_seq_end(w);
}

static void report(struct yw *w, const struct rom_report *r)
{
	yw_doc_start(w);
	yw_map_start(w);
	yw_kuint(w, "optrom", REPORT_SCHEMA);
	yw_kstr(w, "file", r->file);
	yw_kuint(w, "size", r->size);
	yw_kstr(w, "sha256", r->sha256);
	yw_kstr(w, "verdict", report_verdict_name(r->verdict));
	if (r->has_rom)
		yw_khex(w, "rom_offset", r->rom_offset);
	else
		yw_knull(w, "rom_offset");
	yw_key(w, "locate");
	yw_map_start(w);
	yw_kstr(w, "reason", r->has_rom ? r->locate_reason : "no valid image found");
	yw_kuint(w, "candidates", r->candidates);
	yw_map_end(w);
	container(w, &r->container);
	image_list(w, "images", r->images, r->n_images, true);
	yw_kbool(w, "chain_complete", r->chain_complete);
	if (r->has_rom)
		yw_khex(w, "chain_end", r->chain_end);
	else
		yw_knull(w, "chain_end");
	image_list(w, "nvidia_chain", r->nvidia, r->n_nvidia, false);
	image_list(w, "other_images", r->other_images, r->n_other, false);
	yw_key(w, "trailing");
	yw_map_start(w);
	yw_kstr(w, "kind", report_trailing_name(r->trailing));
	yw_khex(w, "length", r->trailing_length);
	yw_map_end(w);
	if (r->isa_rom) {
		yw_key(w, "isa_rom");
		yw_map_start(w);
		yw_khex(w, "length", r->isa_length);
		yw_map_end(w);
	}
	findings(w, r);
	yw_map_end(w);
	yw_doc_end(w);
}

bool emit_yaml(FILE *out, const struct rom_report *const *reports, size_t n)
{
	struct yw w;
	if (!yw_open(&w, out))
		return false;
	for (size_t i = 0; i < n; i++)
		report(&w, reports[i]);
	return yw_close(&w) && !ferror(out);
}
