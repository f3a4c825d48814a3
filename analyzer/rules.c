#include "analyzer/rules.h"

#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/producer.h"

#include <stdio.h>
#include <string.h>

/* A byte value that fills [off, len), or -1 when the bytes differ. */
static int uniform_byte(const struct span *s, size_t off)
{
	uint8_t first;
	if (!span_u8(s, off, &first))
		return -1;
	for (size_t i = off + 1; i < s->len; i++)
		if (s->data[i] != first)
			return -1;
	return first;
}

/* 55AA at 0, no usable PCIR, and a checksum that balances over the size
 * byte: an ISA-style option ROM such as SeaBIOS's vgabios-isavga.bin. */
static bool isa_rom(const struct span *s, struct rom_report *r)
{
	struct pci_rom_header hdr;
	uint8_t sum;
	size_t len;
	uint32_t pcir_sig;
	if (pci_rom_header_decode(s, 0, false, &hdr) != PCI_OK || hdr.size_blocks == 0)
		return false;
	/* A "PCIR" where the pointer leads (misaligned, say) makes it a PCI
	 * ROM with a bad pointer, not one without a PCI data structure. */
	if (hdr.pcir_offset != 0 && span_u32le(s, hdr.pcir_offset, &pcir_sig) &&
	    pcir_sig == PCIR_SIG_PCIR)
		return false;
	len = (size_t)hdr.size_blocks * PCI_ROM_BLOCK;
	if (!span_sum8(s, 0, len, &sum) || sum != 0)
		return false;
	r->isa_rom = true;
	r->isa_length = len;
	r->rom_offset = 0;
	return true;
}

static void report_bad_first_image(const struct span *s, struct rom_report *r)
{
	struct pci_rom_header hdr;
	struct pci_pcir pcir;
	enum pci_status st = pci_image_probe(s, 0, false, &hdr, &pcir);
	switch (st) {
	case PCI_BAD_POINTER:
		/* "Past the end" means the 4 signature bytes do not all fit. */
		if (hdr.pcir_offset != 0 && (size_t)hdr.pcir_offset + 4 > s->len &&
		    (size_t)hdr.size_blocks * PCI_ROM_BLOCK > s->len) {
			/* The pointer is plausible for the image the size byte
			 * promises: the dump was cut short (rom-parser #3). */
			report_add(r, "image-truncated", SEVERITY_ERROR, false, -1, true, 0,
			           "the file ends at 0x%zx, before the PCIR at 0x%04x and the "
			           "image end at 0x%zx that the size byte promises",
			           s->len, hdr.pcir_offset,
			           (size_t)hdr.size_blocks * PCI_ROM_BLOCK);
			break;
		}
		report_add(r, "pcir-out-of-range", SEVERITY_ERROR, false, -1, true,
		           PCI_ROM_HDR_PCIR_PTR,
		           "PCIR pointer at 0x18 is 0x%04x: expected a non-zero offset inside the "
		           "%zu-byte file",
		           hdr.pcir_offset, s->len);
		break;
	case PCI_MISALIGNED:
		report_add(r, "pcir-misaligned", SEVERITY_ERROR, false, -1, true,
		           PCI_ROM_HDR_PCIR_PTR,
		           "PCIR pointer at 0x18 is 0x%04x: expected a multiple of 4 (PCI 2.2; "
		           "EDK2 rejects the image)",
		           hdr.pcir_offset);
		break;
	case PCI_BAD_SIGNATURE:
		report_add(r, "pcir-bad-signature", SEVERITY_ERROR, false, -1, true,
		           hdr.pcir_offset,
		           "no PCI data structure at 0x%04x: expected signature \"PCIR\", found "
		           "0x%08x",
		           hdr.pcir_offset, pcir.signature);
		break;
	case PCI_TRUNCATED:
		report_add(r, "image-truncated", SEVERITY_ERROR, false, -1, true, 0,
		           "the file ends inside the ROM header or PCI data structure (%zu bytes)",
		           s->len);
		break;
	default:
		break;
	}
}

void rules_no_rom(const struct span *s, struct rom_report *r)
{
	int fill = uniform_byte(s, 0);
	struct nvgi_header nv;
	enum nvgi_status nst = nvgi_decode(s, &nv);
	if (s->len == 0) {
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, false, 0, "the file is empty");
		return;
	}
	if (span_eq(s, 0, "\x55\xAA", 2)) {
		if (isa_rom(s, r)) {
			report_add(
			    r, "isa-rom-no-pcir", SEVERITY_ERROR, false, -1, true, 0,
			    "ISA-style option ROM (%zu bytes, checksum ok) without a PCI data "
			    "structure: firmware will not use it as a PCI device's romfile",
			    r->isa_length);
			return;
		}
		report_bad_first_image(s, r);
	}
	if (fill == 0xFF)
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, true, 0,
		           "all %zu bytes are 0xFF: an erased or unread flash chip, not a ROM",
		           s->len);
	else if (fill == 0x00)
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, true, 0,
		           "all %zu bytes are 0x00: the dump read nothing", s->len);
	else if (nst != NVGI_NOT_PRESENT)
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, true, 0,
		           "NVGI container (IFR v%u) but no PCI ROM: %s; no 55AA image with a PCI "
		           "data structure anywhere in %zu bytes",
		           nv.version, nvgi_status_str(nst), s->len);
	else if (span_eq(s, 0, "VN", 2) && uniform_byte(s, 2) == 0xFF)
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, true, 0,
		           "only an NVIDIA 'VN' signature followed by 0xFF: a failed or erased "
		           "flash");
	else
		report_add(r, "no-rom", SEVERITY_ERROR, false, -1, true, 0,
		           "no 55AA image with a valid PCI data structure anywhere in %zu bytes",
		           s->len);
}

void rules_prefix(const struct span *s, struct rom_report *r)
{
	const struct rom_container *c = &r->container;
	(void)s;
	if (!c->present)
		return;
	if (strcmp(c->kind, "nvgi") == 0) {
		report_add(r, "data-before-rom", SEVERITY_WARNING, true, -1, true, 0,
		           "NVIDIA NVGI (IFR v%u) container of 0x%zx bytes before the ROM at 0x%zx "
		           "(nvflash/GPU-Z/TechPowerUp save): firmware expects 55AA at offset 0",
		           c->nvgi_version, c->length, r->rom_offset);
		if (c->nvgi_decoded && c->nvgi_rom_offset != r->rom_offset)
			report_add(r, "nvgi-offset-mismatch", SEVERITY_WARNING, false, -1, true, 0,
			           "NVGI header says the ROM is at 0x%x, the structure says 0x%zx",
			           c->nvgi_rom_offset, r->rom_offset);
		else if (!c->nvgi_decoded)
			report_add(r, "nvgi-offset-mismatch", SEVERITY_WARNING, false, -1, true, 0,
			           "NVGI header could not be followed (%s); ROM found by scan",
			           nvgi_status_str((enum nvgi_status)c->nvgi_status));
	} else if (strcmp(c->kind, "amd-efs") == 0) {
		report_add(r, "data-before-rom", SEVERITY_WARNING, true, -1, true, 0,
		           "AMD embedded-firmware header (AA 55 AA 55) and 0x%zx bytes before the "
		           "ROM at 0x%zx: a full-flash dump",
		           c->length, r->rom_offset);
	} else {
		/* 55AA at offset 0 that failed validation is a damaged first
		 * image, not a prefix: stripping it would silently drop it. */
		if (span_eq(s, 0, "\x55\xAA", 2))
			report_bad_first_image(s, r);
		report_add(r, "data-before-rom", SEVERITY_WARNING, true, -1, true, 0,
		           "0x%zx bytes of unrecognised data before the ROM at 0x%zx (%s)",
		           c->length, r->rom_offset, r->locate_reason);
	}
}

static void bad_pcir_finding(struct rom_report *r, const struct span *s, size_t off,
                             enum pci_status st)
{
	struct pci_rom_header hdr;
	struct pci_pcir pcir;
	(void)pci_image_probe(s, off, false, &hdr, &pcir);
	switch (st) {
	case PCI_MISALIGNED:
		report_add(r, "pcir-misaligned", SEVERITY_ERROR, false, (int)r->n_images, true,
		           off + PCI_ROM_HDR_PCIR_PTR,
		           "image at 0x%zx: PCIR pointer 0x%04x is not a multiple of 4", off,
		           hdr.pcir_offset);
		break;
	case PCI_BAD_SIGNATURE:
		report_add(r, "pcir-bad-signature", SEVERITY_ERROR, false, (int)r->n_images, true,
		           off + hdr.pcir_offset,
		           "image at 0x%zx: expected \"PCIR\" at 0x%zx, found 0x%08x", off,
		           off + hdr.pcir_offset, pcir.signature);
		break;
	case PCI_TRUNCATED:
		report_add(r, "image-truncated", SEVERITY_ERROR, false, (int)r->n_images, true, off,
		           "image at 0x%zx: the file ends inside its header (%zu bytes)", off,
		           s->len);
		break;
	default:
		if (st == PCI_BAD_POINTER && hdr.pcir_offset != 0 &&
		    off + hdr.pcir_offset + 4u > s->len &&
		    off + (size_t)hdr.size_blocks * PCI_ROM_BLOCK > s->len) {
			/* As for image 0: the file was cut before this PCIR. */
			report_add(r, "image-truncated", SEVERITY_ERROR, false, (int)r->n_images,
			           true, off,
			           "image at 0x%zx: the file ends at 0x%zx, before its PCIR at "
			           "0x%zx",
			           off, s->len, off + hdr.pcir_offset);
			break;
		}
		report_add(r, "pcir-out-of-range", SEVERITY_ERROR, false, (int)r->n_images, true,
		           off + PCI_ROM_HDR_PCIR_PTR,
		           "image at 0x%zx: PCIR pointer 0x%04x is 0 or points past the end of the "
		           "file (%zu bytes)",
		           off, hdr.pcir_offset, s->len);
		break;
	}
}

void rules_chain(const struct span *s, const struct chain_walk *w, struct rom_report *r)
{
	const struct rom_image *lastimg = w->n ? &w->images[w->n - 1] : NULL;
	int li = (int)w->n - 1;
	if (!lastimg)
		return; /* no image at all: locate and rules_no_rom speak for it */
	switch (w->stop) {
	case CHAIN_STOP_LAST:
	case CHAIN_STOP_NO_FIRST:
		break;
	case CHAIN_STOP_TRUNCATED:
		report_add(r, "image-truncated", SEVERITY_ERROR, false, li, true, lastimg->offset,
		           "image %d at 0x%zx says it is 0x%zx bytes, but the file ends at 0x%zx "
		           "(0x%zx bytes missing)",
		           li, lastimg->offset, lastimg->length, s->len,
		           lastimg->offset + lastimg->length - s->len);
		break;
	case CHAIN_STOP_EOF:
		report_add(r, "image-truncated", SEVERITY_ERROR, false, li, true, w->stop_offset,
		           "image %d at 0x%zx is not marked last, but the file ends right after it "
		           "at 0x%zx: the following image(s) are missing",
		           li, lastimg->offset, w->stop_offset);
		break;
	case CHAIN_STOP_NOT_IMAGE:
		report_add(r, "last-image-missing", SEVERITY_WARNING, true, li, true,
		           lastimg->offset + lastimg->pcir_offset + PCIR_INDICATOR_OFF,
		           "image %d at 0x%zx is the end of the chain (no 55AA at 0x%zx) but its "
		           "indicator is 0x%02x: expected bit 7 (last image) set",
		           li, lastimg->offset, w->stop_offset, lastimg->indicator);
		break;
	case CHAIN_STOP_BAD_PCIR:
		bad_pcir_finding(r, s, w->stop_offset, (enum pci_status)w->bad_pcir);
		break;
	case CHAIN_STOP_ZERO_LENGTH:
		report_add(r, "image-length-zero", SEVERITY_ERROR, false, li, true,
		           lastimg->offset + lastimg->pcir_offset + 0x10u,
		           "image %d at 0x%zx: PCIR image length is 0; the chain cannot continue",
		           li, lastimg->offset);
		break;
	case CHAIN_STOP_CAP:
		report_add(r, "too-many-images", SEVERITY_ERROR, false, -1, true, w->stop_offset,
		           "more than %d images in the chain; stopped at 0x%zx", REPORT_MAX_IMAGES,
		           w->stop_offset);
		break;
	}
}

static void rules_one_image(struct rom_report *r, int i)
{
	const struct rom_image *img = &r->images[i];
	const struct rom_image *first = &r->images[0];
	if (img->pcir_length < PCIR_MIN_LEN || img->pcir_length == 0xFFFF)
		report_add(r, "pcir-bad-length", SEVERITY_WARNING, false, i, true,
		           img->offset + img->pcir_offset + 0x0Au,
		           "image %d: PCIR length is 0x%04x: expected at least 0x18 and not 0xFFFF",
		           i, img->pcir_length);
	if (img->code_type == PCI_CODE_X86 && img->size_byte == 0)
		report_add(r, "size-byte-zero", SEVERITY_ERROR, false, i, true, img->offset + 2,
		           "image %d at 0x%zx: size byte at +2 is 0; SeaBIOS rejects the image", i,
		           img->offset);
	if (img->checksum.present && !img->checksum.complete && !img->truncated)
		/* SeaBIOS copies size byte x 512 bytes: they must all exist. */
		report_add(
		    r, "image-truncated", SEVERITY_ERROR, false, i, true, img->offset + 2,
		    "image %d at 0x%zx: size byte 0x%02x says 0x%zx bytes, but the file ends "
		    "at 0x%llx",
		    i, img->offset, img->size_byte, img->checksum.length,
		    (unsigned long long)r->size);
	if (img->checksum.present && img->checksum.complete && img->size_byte != 0 &&
	    !img->checksum.ok)
		report_add(r, "checksum-mismatch", SEVERITY_ERROR, true, i, true, img->offset,
		           "image %d at 0x%zx: 8-bit sum of 0x%zx bytes is 0x%02x, expected 0x00 "
		           "(%s image; balancing byte at 0x%zx)",
		           i, img->offset, img->checksum.length, img->checksum.sum,
		           pci_producer_name((enum pci_producer)img->producer),
		           img->checksum.fix_offset);
	if (img->code_type == PCI_CODE_X86 && img->size_byte != 0 &&
	    (size_t)img->size_byte * PCI_ROM_BLOCK != img->length)
		report_add(r, "size-mismatch", SEVERITY_INFO, false, i, true, img->offset + 2,
		           "image %d: size byte says 0x%zx bytes, PCIR length 0x%zx (normal on "
		           "NVIDIA, whose PCIR length covers private images)",
		           i, (size_t)img->size_byte * PCI_ROM_BLOCK, img->length);
	if (img->code_type == PCI_CODE_EFI && img->efi.signature != EFI_ROM_SIGNATURE)
		report_add(r, "efi-signature-invalid", SEVERITY_ERROR, false, i, true,
		           img->offset + 4,
		           "image %d at 0x%zx: code type 3 (EFI) but EFI signature is 0x%08x, "
		           "expected 0x00000EF1",
		           i, img->offset, img->efi.signature);
	if (i > 0 && (img->vendor_id != first->vendor_id || img->device_id != first->device_id)) {
		/* NVIDIA Turing+ GOP images carry 0000:0000 (formats-nvidia 3.2). */
		bool nv_zero = img->code_type == PCI_CODE_EFI && img->vendor_id == 0 &&
		               img->device_id == 0 && first->vendor_id == PCI_VENDOR_NVIDIA;
		report_add(r, "id-mismatch", nv_zero ? SEVERITY_INFO : SEVERITY_WARNING, false, i,
		           true, img->offset + img->pcir_offset + 4,
		           "image %d has vendor:device %04x:%04x, image 0 has %04x:%04x%s", i,
		           img->vendor_id, img->device_id, first->vendor_id, first->device_id,
		           nv_zero ? " (NVIDIA Turing and later GOP images carry 0000:0000)" : "");
	}
}

void rules_images(const struct span *s, struct rom_report *r)
{
	(void)s;
	for (size_t i = 0; i < r->n_images; i++)
		rules_one_image(r, (int)i);
}

void rules_after_chain(const struct span *s, struct rom_report *r)
{
	size_t start = r->chain_end;
	int fill;
	bool zero = false, ff = false, other = false;
	if (start >= s->len) {
		r->trailing = TRAILING_NONE;
		return;
	}
	r->trailing_length = s->len - start;
	fill = uniform_byte(s, start);
	for (size_t i = start; i < s->len && !other; i++) {
		if (s->data[i] == 0xFF)
			ff = true;
		else if (s->data[i] == 0x00)
			zero = true;
		else
			other = true;
	}
	if (other)
		r->trailing = TRAILING_DATA;
	else if (fill == 0xFF)
		r->trailing = TRAILING_FF;
	else if (fill == 0x00)
		r->trailing = TRAILING_ZERO;
	else
		r->trailing = (zero && ff) ? TRAILING_PADDING : TRAILING_DATA;
	if (r->trailing == TRAILING_DATA)
		report_add(r, "trailing-data", SEVERITY_INFO, false, -1, true, start,
		           "0x%zx bytes after the chain end at 0x%zx are data, not padding%s",
		           r->trailing_length, start,
		           r->n_other ? " (they hold further images: see other_images)" : "");
	else
		report_add(r, "trailing-padding", SEVERITY_INFO, false, -1, true, start,
		           "0x%zx bytes of %s padding after the chain end at 0x%zx",
		           r->trailing_length, report_trailing_name(r->trailing), start);
	if (r->n_other)
		report_add(r, "images-after-chain", SEVERITY_INFO, false, -1, true,
		           r->other_images[0].offset,
		           "%zu valid image(s) after the chain, first at 0x%zx (NVIDIA private "
		           "images or a backup copy)",
		           r->n_other, r->other_images[0].offset);
}
