#include "analyzer/emit.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"

#include <string.h>

static void text_image(FILE *out, const struct rom_image *img, size_t i)
{
	fprintf(out, "  [%zu] 0x%06zx  %-14s %04x:%04x  class %06x  length 0x%zx%s%s\n", i,
	        img->offset, pci_code_type_name(img->code_type), img->vendor_id, img->device_id,
	        img->class_code & 0xFFFFFFu, img->length, img->last ? "  last" : "",
	        img->truncated ? "  TRUNCATED" : "");
	fprintf(out, "        %s %s at +0x%x rev %u len 0x%x, code type 0x%02x, indicator 0x%02x",
	        img->signature == PCI_ROM_SIG ? "55AA" : "VN",
	        img->pcir_signature == PCIR_SIG_NPDS ? "NPDS" : "PCIR", img->pcir_offset,
	        img->pcir_revision, img->pcir_length, img->code_type, img->indicator);
	if (img->code_type == PCI_CODE_X86)
		fprintf(out, ", size byte 0x%02x (0x%zx bytes)", img->size_byte,
		        (size_t)img->size_byte * PCI_ROM_BLOCK);
	fputc('\n', out);
	if (img->checksum.present)
		fprintf(out,
		        "        checksum %s: sum 0x%02x over 0x%zx bytes; %s image, balanced at "
		        "0x%zx\n",
		        img->checksum.ok ? "ok" : (img->checksum.complete ? "BAD" : "incomplete"),
		        img->checksum.sum, img->checksum.length,
		        pci_producer_name((enum pci_producer)img->producer),
		        img->checksum.fix_offset);
	if (img->version[0])
		fprintf(out, "        version %s\n", img->version);
	if (img->code_type == PCI_CODE_EFI) {
		const char *sub = pe_subsystem_name(img->efi.subsystem);
		fprintf(out, "        %s, %s, compression %s, driver at +0x%x, init size 0x%zx%s\n",
		        sub ? sub : "unknown subsystem", emit_machine_name(img->efi.machine),
		        efi_compression_name(img->efi.compression), img->efi.image_offset,
		        (size_t)img->efi.init_blocks * PCI_ROM_BLOCK,
		        img->efi.signature == EFI_ROM_SIGNATURE ? "" : "  (bad EFI signature)");
		if (img->efi.inspected) {
			const struct rom_efi *e = &img->efi;
			fprintf(out, "        driver 0x%zx bytes at 0x%zx", e->payload_length,
			        e->payload_offset);
			if (e->compression == EFI_COMPRESSION_EFI)
				fprintf(out, ", %s-compressed 0x%x -> 0x%x (%s)", e->variant,
				        e->compressed_size, e->decompressed_size,
				        e->decompress_ok ? "ok" : e->decompress_error);
			fputc('\n', out);
			if (e->pe.kind[0])
				fprintf(out,
				        "        PE %s %s, %s, entry 0x%x, image size 0x%x, %u "
				        "sections, timestamp 0x%08x%s%s\n",
				        e->pe.kind, e->pe.valid ? "ok" : "INVALID",
				        emit_machine_name(e->pe.machine), e->pe.entry_point,
				        e->pe.size_of_image, e->pe.sections, e->pe.timestamp,
				        e->pe.valid ? "" : ": ", e->pe.valid ? "" : e->pe.error);
			if (e->gop_version[0])
				fprintf(out, "        GOP version %s\n", e->gop_version);
		}
	}
	if (img->npde.present)
		fprintf(out, "        NPDE rev 0x%x len 0x%x: sub-image 0x%zx%s, flags 0x%02x\n",
		        img->npde.revision, img->npde.length,
		        (size_t)img->npde.subimage_blocks * PCI_ROM_BLOCK,
		        img->npde.last ? ", last" : "", img->npde.flags);
}

static void text_short_list(FILE *out, const char *title, const struct rom_image *imgs, size_t n)
{
	if (n == 0)
		return;
	fprintf(out, "%s:\n", title);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  [%zu] 0x%06zx  %-14s type 0x%02x  %04x:%04x  length 0x%zx%s\n", i,
		        imgs[i].offset, pci_code_type_name(imgs[i].code_type), imgs[i].code_type,
		        imgs[i].vendor_id, imgs[i].device_id, imgs[i].length,
		        imgs[i].last ? "  last" : "");
}

void emit_text(FILE *out, const struct rom_report *r)
{
	const struct rom_container *c = &r->container;
	fprintf(out, "%s\n", r->file);
	fprintf(out, "  size     %llu bytes\n", (unsigned long long)r->size);
	fprintf(out, "  sha256   %s\n", r->sha256);
	fprintf(out, "  verdict  %s\n", report_verdict_name(r->verdict));
	if (r->has_rom)
		fprintf(out, "  ROM at   0x%zx (%s)\n", r->rom_offset, r->locate_reason);
	else
		fprintf(out, "  ROM at   none\n");
	if (c->present) {
		fprintf(out, "  prefix   %s, 0x%zx bytes", c->kind, c->length);
		if (strcmp(c->kind, "nvgi") == 0)
			fprintf(out,
			        ": IFR v%u, fixed data 0x%x, total data 0x%x, subsystem "
			        "%04x:%04x, ROM offset 0x%x (%s)",
			        c->nvgi_version, c->nvgi_fixed_data_size, c->nvgi_total_data_size,
			        c->nvgi_subsystem_vendor, c->nvgi_subsystem_device,
			        c->nvgi_rom_offset,
			        nvgi_status_str((enum nvgi_status)c->nvgi_status));
		fputc('\n', out);
	}
	if (r->isa_rom)
		fprintf(out, "  ISA-style ROM of 0x%zx bytes (no PCI data structure)\n",
		        r->isa_length);
	if (r->n_images) {
		fprintf(out, "Images (standard chain, %s, ends at 0x%zx):\n",
		        r->chain_complete ? "complete" : "incomplete", r->chain_end);
		for (size_t i = 0; i < r->n_images; i++)
			text_image(out, &r->images[i], i);
	}
	text_short_list(out, "NVIDIA chain (NPDE view)", r->nvidia, r->n_nvidia);
	text_short_list(out, "Other images after the chain", r->other_images, r->n_other);
	if (r->has_rom)
		fprintf(out, "Trailing: %s, 0x%zx bytes\n", report_trailing_name(r->trailing),
		        r->trailing_length);
	if (r->n_findings) {
		fprintf(out, "Findings:\n");
		for (size_t i = 0; i < r->n_findings; i++) {
			const struct finding *f = &r->findings[i];
			fprintf(out, "  %-7s %-22s", report_severity_name(f->severity), f->id);
			if (f->has_offset)
				fprintf(out, " @0x%llx", (unsigned long long)f->offset);
			fprintf(out, "  %s%s\n", f->message, f->fixable ? " [fixable]" : "");
		}
	}
	if (r->findings_overflow)
		fprintf(out, "  (more findings were dropped: limit %d)\n", REPORT_MAX_FINDINGS);
}

static const struct finding *first_problem(const struct rom_report *r)
{
	const struct finding *best = NULL;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *f = &r->findings[i];
		if (f->severity == SEVERITY_INFO)
			continue;
		if (!best || f->severity > best->severity)
			best = f;
	}
	return best;
}

void emit_check_line(FILE *out, const struct rom_report *r)
{
	const struct finding *f = first_problem(r);
	fprintf(out, "%-7s %s  rom@", report_verdict_name(r->verdict), r->file);
	if (r->has_rom)
		fprintf(out, "0x%zx", r->rom_offset);
	else
		fprintf(out, "none");
	fprintf(out, "  images %zu", r->n_images);
	for (size_t i = 0; i < r->n_images; i++)
		fprintf(out, "%s%s", i ? "+" : " (", pci_code_type_name(r->images[i].code_type));
	if (r->n_images)
		fputc(')', out);
	if (f)
		fprintf(out, "  %s: %s", f->id, f->message);
	fputc('\n', out);
}
