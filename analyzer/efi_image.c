#include "analyzer/efi_image.h"

#include "formats/efi_decompress.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"
#include "formats/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The driver bytes of an EFI image (formats/efi_rom.h efi_rom_payload). */
static bool payload_range(const struct span *s, const struct rom_image *img, size_t *off,
                          size_t *len)
{
	struct efi_rom_header h;
	memset(&h, 0, sizeof(h));
	h.init_blocks = img->efi.init_blocks;
	h.image_offset = img->efi.image_offset;
	return efi_rom_payload(s, img->offset, img->length, &h, off, len);
}

bool efi_image_driver(const struct span *s, const struct rom_image *img, uint8_t **out, size_t *len)
{
	size_t off, n, got = 0;
	uint32_t comp, orig;
	uint8_t *buf;
	*out = NULL;
	*len = 0;
	if (img->code_type != PCI_CODE_EFI || !payload_range(s, img, &off, &n))
		return false;
	if (img->efi.compression == EFI_COMPRESSION_NONE) {
		buf = malloc(n ? n : 1);
		if (!buf)
			return false;
		memcpy(buf, s->data + off, n);
		*out = buf;
		*len = n;
		return true;
	}
	if (img->efi.compression != EFI_COMPRESSION_EFI ||
	    efi_decomp_info(s->data + off, n, &comp, &orig) != EFI_DECOMP_OK)
		return false;
	buf = malloc(orig ? orig : 1);
	if (!buf)
		return false;
	/* Option ROMs use the EFI 1.1 algorithm (EDK2 PciBus calls the UEFI
	 * decompress protocol, pbit 4). */
	if (efi_decompress(s->data + off, n, EFI_DECOMP_EFI11, buf, orig, &got) != EFI_DECOMP_OK) {
		free(buf);
		return false;
	}
	*out = buf;
	*len = got;
	return true;
}

static void fill_pe(struct rom_pe *pe, const uint8_t *data, size_t len)
{
	struct span d = span_make(data, len);
	struct pe_info *info = malloc(sizeof(*info));
	enum pe_status st;
	memset(pe, 0, sizeof(*pe));
	if (!info) {
		snprintf(pe->error, sizeof(pe->error), "out of memory");
		return;
	}
	st = pe_parse(&d, info);
	pe->valid = st == PE_OK || st == PE_TE_IMAGE;
	if (!pe->valid)
		snprintf(pe->error, sizeof(pe->error), "%s", pe_status_str(st));
	snprintf(pe->kind, sizeof(pe->kind), "%s",
	         info->kind == PE_KIND_PE32       ? "pe32"
	         : info->kind == PE_KIND_PE32PLUS ? "pe32+"
	         : info->kind == PE_KIND_TE       ? "te"
	                                          : "none");
	pe->machine = info->machine;
	pe->subsystem = info->subsystem;
	pe->entry_point = info->entry_point;
	pe->size_of_image = info->size_of_image;
	pe->timestamp = info->timestamp;
	pe->sections = info->num_sections;
	free(info);
}

static void check_payload(struct rom_report *r, size_t index, const uint8_t *data, size_t len)
{
	struct rom_image *img = &r->images[index];
	struct rom_efi *e = &img->efi;
	struct span d = span_make(data, len);
	int i = (int)index;
	fill_pe(&e->pe, data, len);
	if (!e->pe.valid) {
		report_add(r, "pe-invalid", SEVERITY_ERROR, false, i, true, e->payload_offset,
		           "image %d: the EFI driver at 0x%zx is not a valid PE image: %s", i,
		           e->payload_offset, e->pe.error);
		return;
	}
	if (e->pe.machine != e->machine)
		report_add(r, "efi-machine-mismatch", SEVERITY_WARNING, false, i, true,
		           img->offset + 0x0A,
		           "image %d: ROM header machine 0x%04x, the PE driver says 0x%04x", i,
		           e->machine, e->pe.machine);
	if (e->pe.subsystem != e->subsystem)
		report_add(r, "efi-subsystem-mismatch", SEVERITY_WARNING, false, i, true,
		           img->offset + 0x08,
		           "image %d: ROM header subsystem %u, the PE driver says %u", i,
		           e->subsystem, e->pe.subsystem);
	if (!e->gop_version[0])
		(void)pe_find_gop_version(&d, e->gop_version, sizeof(e->gop_version));
}

void efi_image_inspect(const struct span *s, struct rom_report *r, size_t index)
{
	struct rom_image *img = &r->images[index];
	struct rom_efi *e = &img->efi;
	size_t init = (size_t)e->init_blocks * PCI_ROM_BLOCK;
	int i = (int)index;
	uint8_t *buf;
	if (img->code_type != PCI_CODE_EFI || !img->is_efi || e->signature != EFI_ROM_SIGNATURE)
		return;
	e->inspected = true;
	if (img->npde.present && img->npde.length >= 0x10 && img->vendor_id != PCI_VENDOR_AMD) {
		struct npde n;
		if (npde_decode(s, img->offset, img->pcir_offset, img->pcir_length, &n) &&
		    n.has_gop_version)
			snprintf(e->gop_version, sizeof(e->gop_version), "0x%x", n.gop_version);
	}
	/* EDK2 LocalLoadFile2 rejects InitSize > ImageSize and an image offset
	 * at or past InitSize. */
	if (init > img->length)
		report_add(r, "init-size-exceeds-image", SEVERITY_ERROR, false, i, true,
		           img->offset + 2,
		           "image %d: EFI initialization size 0x%zx exceeds the PCIR image length "
		           "0x%zx (EDK2 refuses to load it)",
		           i, init, img->length);
	if (!payload_range(s, img, &e->payload_offset, &e->payload_length)) {
		report_add(r, "efi-image-offset-invalid", SEVERITY_ERROR, false, i, true,
		           img->offset + 0x16,
		           "image %d: EFI image offset 0x%04x is not inside the image's 0x%zx "
		           "initialization bytes",
		           i, e->image_offset, init ? init : img->length);
		return;
	}
	if (e->compression == EFI_COMPRESSION_EFI) {
		const uint8_t *p = s->data + e->payload_offset;
		size_t got = 0;
		bool clean = false, overrun = false;
		enum efi_decomp_status st = efi_decomp_info(
		    p, e->payload_length, &e->compressed_size, &e->decompressed_size);
		buf = NULL;
		if (st == EFI_DECOMP_OK) {
			struct efi_decomp_result res = {0};
			buf = malloc(e->decompressed_size ? e->decompressed_size : 1);
			/* Option ROMs use the EFI 1.1 algorithm (pbit 4): EDK2 PciBus
			 * calls the UEFI decompress protocol. */
			st = buf ? efi_decompress_ex(p, e->payload_length, EFI_DECOMP_EFI11, buf,
			                             e->decompressed_size, &res)
			         : EFI_DECOMP_NO_MEMORY;
			got = res.out_len;
			clean = st == EFI_DECOMP_OK && !res.overrun;
		}
		/* A clean EFI 1.1 decode settles it; otherwise try both variants
		 * as a diagnostic (UEFITool's rule), so that a Tiano stream is
		 * named as such. Decoding is most of the analysis time, so the
		 * second variant is only tried when it can tell something. */
		snprintf(e->variant, sizeof(e->variant), "%s",
		         clean ? "efi"
		               : efi_decomp_guess_str(efi_decomp_guess(p, e->payload_length)));
		if (st == EFI_DECOMP_OK && !clean && strcmp(e->variant, "tiano") == 0)
			st = EFI_DECOMP_BAD_VARIANT;
		/* Reading past CompSize yields zero bits by the format, but no
		 * well-formed stream does it: the stream was cut, or its
		 * OrigSize lies. */
		overrun = st == EFI_DECOMP_OK && !clean;
		if (st != EFI_DECOMP_OK || overrun) {
			free(buf);
			snprintf(e->decompress_error, sizeof(e->decompress_error), "%s",
			         overrun ? "stream ends before its declared size"
			         : st == EFI_DECOMP_BAD_VARIANT
			             ? "Tiano (pbit 5) stream, firmware decodes EFI 1.1"
			             : efi_decomp_status_str(st));
			report_add(
			    r, "efi-decompress-failed", SEVERITY_ERROR, false, i, true,
			    e->payload_offset,
			    "image %d: the compressed EFI driver at 0x%zx does not decompress "
			    "(%s): the image is damaged",
			    i, e->payload_offset, e->decompress_error);
			return;
		}
		e->decompress_ok = true;
		check_payload(r, index, buf, got);
		free(buf);
	} else if (e->compression == EFI_COMPRESSION_NONE) {
		e->decompressed_size = (uint32_t)e->payload_length;
		check_payload(r, index, s->data + e->payload_offset, e->payload_length);
	} else {
		report_add(r, "efi-compression-unknown", SEVERITY_ERROR, false, i, true,
		           img->offset + 0x0C,
		           "image %d: EFI compression type %u, expected 0 (none) or 1 (EFI)", i,
		           e->compression);
	}
}
