#include "analyzer/emit.h"
#include "analyzer/emit_vendor.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"

#include <string.h>

static void text_driver(FILE *out, const struct rom_node *n)
{
	const struct rom_driver *d = n->driver;
	fprintf(out, "        driver 0x%zx bytes at 0x%zx", d->payload_length, d->payload_offset);
	if (n->efi.compression == EFI_COMPRESSION_EFI)
		fprintf(out, ", %s-compressed 0x%x -> 0x%x (%s)", d->variant, d->compressed_size,
		        d->decompressed_size, d->state == DRIVER_OK ? "ok" : d->decompress_error);
	fputc('\n', out);
	if (d->has_pe) {
		bool ok = rom_driver_pe_valid(d);
		fprintf(out,
		        "        PE %s %s, %s, entry 0x%x, image size 0x%x, %u sections, timestamp "
		        "0x%08x%s%s\n",
		        pe_kind_name(d->pe.kind), ok ? "ok" : "INVALID",
		        emit_machine_name(d->pe.machine), d->pe.entry_point, d->pe.size_of_image,
		        d->pe.num_sections, d->pe.timestamp, ok ? "" : ": ",
		        ok ? "" : pe_status_str(d->pe_status));
	}
	if (d->gop_version[0])
		fprintf(out, "        GOP version %s\n", d->gop_version);
	emit_text_signature(out, d);
}

#define TEXT_DEVLIST_SHOWN 16u

/* The PCI 3.0 device list: where, and its ids (the first 16). */
static void text_device_list(FILE *out, const struct rom_node *n)
{
	const struct pci_device_list *d = &n->devlist;
	fprintf(out, "        device list at 0x%zx (PCIR+0x%x):", n->offset + d->offset,
	        d->pointer);
	if (d->status == PCI_DEVLIST_OUT_OF_RANGE) {
		fprintf(out, " outside the image\n");
		return;
	}
	for (size_t k = 0; k < d->n && k < TEXT_DEVLIST_SHOWN && n->device_ids; k++)
		fprintf(out, " %04x", n->device_ids[k]);
	if (d->n > TEXT_DEVLIST_SHOWN)
		fprintf(out, " ... (%zu ids)", d->n);
	fprintf(out, "%s%s\n", d->n == 0 ? " empty" : "",
	        d->status == PCI_DEVLIST_OK ? "" : ", no 0x0000 end");
}

static void text_image(FILE *out, const struct rom_image *img, const struct rom_node *n, size_t i)
{
	const struct pci_pcir *p = &n->pcir;
	fprintf(out, "  [%zu] 0x%06zx  %-14s %04x:%04x  class %06x  length 0x%zx%s%s\n", i,
	        img->offset, pci_code_type_name(p->code_type), p->vendor_id, p->device_id,
	        p->class_code & 0xFFFFFFu, img->length, img->last ? "  last" : "",
	        img->truncated ? "  TRUNCATED" : "");
	fprintf(out, "        %s %s at +0x%x rev %u len 0x%x, code type 0x%02x, indicator 0x%02x",
	        n->hdr.signature == PCI_ROM_SIG ? "55AA" : "VN",
	        p->signature == PCIR_SIG_NPDS ? "NPDS" : "PCIR", n->hdr.pcir_offset, p->revision,
	        p->length, p->code_type, p->indicator);
	if (p->code_type == PCI_CODE_X86)
		fprintf(out, ", size byte 0x%02x (0x%zx bytes)", n->hdr.size_blocks,
		        (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK);
	fputc('\n', out);
	if (n->checksum.present)
		fprintf(out,
		        "        checksum %s: sum 0x%02x over 0x%zx bytes; %s image, balanced at "
		        "0x%zx\n",
		        n->checksum.ok ? "ok" : (n->checksum.complete ? "BAD" : "incomplete"),
		        n->checksum.sum, n->checksum.length, pci_producer_name(n->producer),
		        n->checksum.fix_offset);
	if (n->version[0])
		fprintf(out, "        version %s\n", n->version);
	if (n->pnp.status == PCI_OK)
		fprintf(out, "        $PnP at +0x%x rev %u, sum 0x%02x%s%s%s%s\n",
		        n->hdr.pnp_offset, n->pnp.hdr.revision, n->pnp.hdr.sum,
		        n->pnp.manufacturer[0] ? ", " : "", n->pnp.manufacturer,
		        n->pnp.product[0] ? ", " : "", n->pnp.product);
	if (n->devlist.status != PCI_DEVLIST_NONE)
		text_device_list(out, n);
	if (p->code_type == PCI_CODE_EFI) {
		const char *sub = pe_subsystem_name(n->efi.subsystem);
		fprintf(out, "        %s, %s, compression %s, driver at +0x%x, init size 0x%zx%s\n",
		        sub ? sub : "unknown subsystem", emit_machine_name(n->efi.machine),
		        efi_compression_name(n->efi.compression), n->efi.image_offset,
		        (size_t)n->efi.init_blocks * PCI_ROM_BLOCK,
		        n->efi.efi_signature == EFI_ROM_SIGNATURE ? "" : "  (bad EFI signature)");
		if (n->driver)
			text_driver(out, n);
	}
	if (n->has_npde)
		fprintf(out, "        NPDE rev 0x%x len 0x%x: sub-image 0x%zx%s, flags 0x%02x\n",
		        n->npde.revision, n->npde.length,
		        (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK,
		        (n->npde.priv_last & NPDE_LAST_IMAGE) ? ", last" : "", n->npde.flags);
}

static void text_short_list(FILE *out, const struct rom_analysis *a, const char *title,
                            const struct rom_image *imgs, size_t n)
{
	if (n == 0)
		return;
	fprintf(out, "%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		const struct pci_pcir *p = &rom_node_of(a, &imgs[i])->pcir;
		fprintf(out, "  [%zu] 0x%06zx  %-14s type 0x%02x  %04x:%04x  length 0x%zx%s\n", i,
		        imgs[i].offset, pci_code_type_name(p->code_type), p->code_type,
		        p->vendor_id, p->device_id, imgs[i].length, imgs[i].last ? "  last" : "");
		if (rom_node_of(a, &imgs[i])->driver)
			emit_text_signature(out, rom_node_of(a, &imgs[i])->driver);
	}
}

static void text_container(FILE *out, const struct rom_analysis *a)
{
	if (a->container == CONTAINER_NONE)
		return;
	fprintf(out, "  prefix   %s, 0x%zx bytes", report_container_name(a->container),
	        a->container_length);
	if (a->container == CONTAINER_NVGI)
		fprintf(out,
		        ": IFR v%u, fixed data 0x%x, total data 0x%x, subsystem %04x:%04x, ROM "
		        "offset 0x%x (%s)",
		        a->nvgi.version, a->nvgi.fixed_data_size, a->nvgi.total_data_size,
		        a->nvgi.subsystem_vendor, a->nvgi.subsystem_device, a->nvgi.rom_offset,
		        nvgi_status_str(a->nvgi_status));
	fputc('\n', out);
}

#define ANSI_RED    "\033[1;31m"
#define ANSI_GREEN  "\033[1;32m"
#define ANSI_YELLOW "\033[1;33m"
#define ANSI_CYAN   "\033[36m"
#define ANSI_RESET  "\033[0m"

const char *emit_verdict_color(const struct emit_text_opts *o, enum rom_verdict v)
{
	if (!o || !o->color)
		return "";
	switch (v) {
	case VERDICT_READY:
		return ANSI_GREEN;
	case VERDICT_FIXABLE:
		return ANSI_YELLOW;
	case VERDICT_UNSET:
	case VERDICT_BROKEN:
		break;
	}
	return ANSI_RED;
}

const char *emit_severity_color(const struct emit_text_opts *o, enum finding_severity s)
{
	if (!o || !o->color)
		return "";
	switch (s) {
	case SEVERITY_INFO:
		return ANSI_CYAN;
	case SEVERITY_WARNING:
		return ANSI_YELLOW;
	default:
		break;
	}
	return ANSI_RED;
}

const char *emit_color_reset(const struct emit_text_opts *o)
{
	return o && o->color ? ANSI_RESET : "";
}

void emit_findings_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o)
{
	for (size_t i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.items[i];
		fprintf(out, "  %s%-7s%s %-22s", emit_severity_color(o, f->severity),
		        finding_severity_name(f->severity), emit_color_reset(o),
		        finding_name(f->id));
		if (f->has_offset)
			fprintf(out, " @0x%llx", (unsigned long long)f->offset);
		fprintf(out, "  %s%s\n", f->message, f->fixable ? " [fixable]" : "");
	}
	if (a->findings.overflow)
		fprintf(out, "  (more findings were dropped: limit %d)\n", FINDINGS_MAX);
}

void emit_text(FILE *out, const struct rom_analysis *a)
{
	emit_text_with(out, a, NULL);
}

void emit_text_with(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o)
{
	fprintf(out, "%s\n", a->file);
	fprintf(out, "  size     %llu bytes\n", (unsigned long long)a->size);
	fprintf(out, "  sha256   %s\n", a->sha256);
	fprintf(out, "  verdict  %s%s%s\n", emit_verdict_color(o, a->verdict),
	        report_verdict_name(a->verdict), emit_color_reset(o));
	if (a->has_rom)
		fprintf(out, "  ROM at   0x%zx (%s)\n", a->rom_offset, a->locate_reason);
	else
		fprintf(out, "  ROM at   none\n");
	text_container(out, a);
	if (a->isa_rom)
		fprintf(out, "  ISA-style ROM of 0x%zx bytes (no PCI data structure)\n",
		        a->isa_length);
	emit_map_text(out, a, o);
	if (a->chain.n) {
		fprintf(out, "Images (standard chain, %s, ends at 0x%zx):\n",
		        rom_chain_complete(a) ? "complete" : "incomplete", a->chain.end);
		for (size_t i = 0; i < a->chain.n; i++)
			text_image(out, &a->chain.images[i], rom_chain_node(a, i), i);
	}
	text_short_list(out, a, "NVIDIA chain (NPDE view)", a->nvidia.images, a->nvidia.n);
	emit_map_nvidia_text(out, a, o);
	text_short_list(out, a, "Other images after the chain", a->other_images, a->n_other);
	if (a->has_rom)
		fprintf(out, "Trailing: %s, 0x%zx bytes\n", report_trailing_name(a->trailing),
		        a->trailing_length);
	emit_text_vendor(out, a);
	if (a->findings.n || a->findings.overflow) {
		fprintf(out, "Findings:\n");
		emit_findings_text(out, a, o);
	}
	fprintf(out, "Consumers:\n  OVMF     %s\n  SeaBIOS  %s\n", a->consumers.ovmf.reason,
	        a->consumers.seabios.reason);
}

void emit_check_line(FILE *out, const struct rom_analysis *a)
{
	emit_check_line_with(out, a, NULL);
}

void emit_check_line_with(FILE *out, const struct rom_analysis *a, const char *extra)
{
	emit_check_line_color(out, a, extra, NULL);
}

void emit_check_line_color(FILE *out, const struct rom_analysis *a, const char *extra,
                           const struct emit_text_opts *o)
{
	const struct finding *f = finding_first_problem(&a->findings);
	fprintf(out, "%s%-7s%s %s  rom@", emit_verdict_color(o, a->verdict),
	        report_verdict_name(a->verdict), emit_color_reset(o), a->file);
	if (a->has_rom)
		fprintf(out, "0x%zx", a->rom_offset);
	else
		fprintf(out, "none");
	fprintf(out, "  images %zu", a->chain.n);
	for (size_t i = 0; i < a->chain.n; i++)
		fprintf(out, "%s%s", i ? "+" : " (",
		        pci_code_type_name(rom_chain_node(a, i)->pcir.code_type));
	if (a->chain.n)
		fputc(')', out);
	emit_check_identity(out, a);
	fprintf(out, "  GOP %s", gop_state_name(rom_gop_state(a)));
	if (extra)
		fprintf(out, "  %s", extra);
	if (f)
		fprintf(out, "  %s: %s", finding_name(f->id), f->message);
	fputc('\n', out);
}
