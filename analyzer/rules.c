#include "analyzer/rules.h"

#include "analyzer/tree_build.h"
#include "formats/amd_efs.h"
#include "formats/producer.h"

#include <stdio.h>
#include <string.h>

/* The first image (at offset 0) failed the probe: say why. */
static void report_bad_first_image(struct rom_analysis *a, const struct rom_node *n)
{
	struct finding_list *l = &a->findings;
	const struct pci_rom_header *hdr = &n->hdr;
	size_t size = (size_t)a->size;
	switch (rom_node_status(n, false)) {
	case PCI_BAD_POINTER:
		/* "Past the end" means the 4 signature bytes do not all fit. */
		if (hdr->pcir_offset != 0 && (size_t)hdr->pcir_offset + PCIR_SIG_LEN > size &&
		    (size_t)hdr->size_blocks * PCI_ROM_BLOCK > size) {
			/* The pointer is plausible for the image the size byte
			 * promises: the dump was cut short (rom-parser #3). */
			finding_add(
			    l, FINDING_IMAGE_TRUNCATED, -1, true, 0,
			    "the file ends at 0x%zx, before the PCIR at 0x%04x and the image "
			    "end at 0x%zx that the size byte promises",
			    size, hdr->pcir_offset, (size_t)hdr->size_blocks * PCI_ROM_BLOCK);
			break;
		}
		finding_add(l, FINDING_PCIR_OUT_OF_RANGE, -1, true, PCI_ROM_HDR_OFF_PCIR_PTR,
		            "PCIR pointer at 0x%x is 0x%04x: expected a non-zero offset inside the "
		            "%zu-byte file",
		            (unsigned)PCI_ROM_HDR_OFF_PCIR_PTR, hdr->pcir_offset, size);
		break;
	case PCI_MISALIGNED:
		finding_add(l, FINDING_PCIR_MISALIGNED, -1, true, PCI_ROM_HDR_OFF_PCIR_PTR,
		            "PCIR pointer at 0x%x is 0x%04x: expected a multiple of 4 (PCI 2.2; "
		            "EDK2 rejects the image)",
		            (unsigned)PCI_ROM_HDR_OFF_PCIR_PTR, hdr->pcir_offset);
		break;
	case PCI_BAD_SIGNATURE:
		finding_add(l, FINDING_PCIR_BAD_SIGNATURE, -1, true, hdr->pcir_offset,
		            "no PCI data structure at 0x%04x: expected signature \"PCIR\", found "
		            "0x%08x",
		            hdr->pcir_offset, n->pcir.signature);
		break;
	case PCI_TRUNCATED:
		finding_add(l, FINDING_IMAGE_TRUNCATED, -1, true, 0,
		            "the file ends inside the ROM header or PCI data structure (%zu bytes)",
		            size);
		break;
	default:
		break;
	}
}

void rules_no_rom(struct rom_analysis *a)
{
	struct finding_list *l = &a->findings;
	const struct rom_node *n0 = rom_node_at(a, 0);
	if (a->size == 0) {
		finding_add(l, FINDING_NO_ROM, -1, false, 0, "the file is empty");
		return;
	}
	if (n0 && n0->hdr.signature == PCI_ROM_SIG) {
		if (a->isa_rom) {
			finding_add(
			    l, FINDING_ISA_ROM_NO_PCIR, -1, true, 0,
			    "ISA-style option ROM (%zu bytes, checksum ok) without a PCI data "
			    "structure: firmware will not use it as a PCI device's romfile",
			    a->isa_length);
			return;
		}
		report_bad_first_image(a, n0);
	}
	if (a->integ.fill == FILL_FF)
		finding_add(l, FINDING_NO_ROM, -1, true, 0,
		            "all %llu bytes are 0xFF: an erased or unread flash chip, not a ROM",
		            (unsigned long long)a->size);
	else if (a->integ.fill == FILL_ZERO)
		finding_add(l, FINDING_NO_ROM, -1, true, 0,
		            "all %llu bytes are 0x00: the dump read nothing",
		            (unsigned long long)a->size);
	else if (a->nvgi_status != NVGI_NOT_PRESENT)
		finding_add(l, FINDING_NO_ROM, -1, true, 0,
		            "NVGI container (IFR v%u) but no PCI ROM: %s; no 55AA image with a PCI "
		            "data structure anywhere in %llu bytes",
		            a->nvgi.version, nvgi_status_str(a->nvgi_status),
		            (unsigned long long)a->size);
	else if (a->integ.nv_then_ff)
		finding_add(l, FINDING_NO_ROM, -1, true, 0,
		            "only an NVIDIA 'VN' signature followed by 0xFF: a failed or erased "
		            "flash");
	else
		finding_add(l, FINDING_NO_ROM, -1, true, 0,
		            "no 55AA image with a valid PCI data structure anywhere in %llu bytes",
		            (unsigned long long)a->size);
	if (a->scan_capped)
		finding_add(
		    l, FINDING_LOCATE_SCAN_CAPPED, -1, false, 0,
		    "the search for the ROM start probed %u places holding 55AA and stopped "
		    "there: a ROM after them was not looked for",
		    TREE_MAX_SCAN_PROBES);
}

void rules_prefix(struct rom_analysis *a)
{
	struct finding_list *l = &a->findings;
	switch (a->container) {
	case CONTAINER_NONE:
		return;
	case CONTAINER_NVGI:
		finding_add(
		    l, FINDING_DATA_BEFORE_ROM, -1, true, 0,
		    "NVIDIA NVGI (IFR v%u) container of 0x%zx bytes before the ROM at 0x%zx "
		    "(nvflash/GPU-Z/TechPowerUp save): firmware expects 55AA at offset 0",
		    a->nvgi.version, a->container_length, a->rom_offset);
		if (a->nvgi_status == NVGI_OK && a->nvgi.rom_offset != a->rom_offset) {
			finding_add(l, FINDING_NVGI_OFFSET_MISMATCH, -1, true, 0,
			            "NVGI header says the ROM is at 0x%x, the structure says 0x%zx",
			            a->nvgi.rom_offset, a->rom_offset);
			finding_set_values(l, a->rom_offset, a->nvgi.rom_offset);
		} else if (a->nvgi_status != NVGI_OK)
			finding_add(l, FINDING_NVGI_OFFSET_MISMATCH, -1, true, 0,
			            "NVGI header could not be followed (%s); ROM found by scan",
			            nvgi_status_str(a->nvgi_status));
		if (a->integ.damaged.present)
			rules_damaged_header(a);
		break;
	case CONTAINER_AMD_EFS:
		finding_add(l, FINDING_DATA_BEFORE_ROM, -1, true, 0,
		            "AMD embedded-firmware header (AA 55 AA 55) and 0x%zx bytes before the "
		            "ROM at 0x%zx: a full-flash dump",
		            a->container_length, a->rom_offset);
		break;
	case CONTAINER_UNKNOWN: {
		/* 55AA at offset 0 that failed validation is a damaged first
		 * image, not a prefix: stripping it would silently drop it. */
		const struct rom_node *n0 = rom_node_at(a, 0);
		if (a->integ.damaged.present) {
			/* An image whose PCIR survives: not a prefix. */
			rules_damaged_header(a);
			if (a->integ.damaged.offset == 0)
				break;
		} else if (n0 && n0->hdr.signature == PCI_ROM_SIG) {
			report_bad_first_image(a, n0);
		}
		if (a->integ.damaged.present)
			finding_add(l, FINDING_DATA_BEFORE_ROM, -1, true, 0,
			            "0x%zx bytes of unrecognised data before the damaged image at "
			            "0x%zx",
			            a->integ.damaged.offset, a->integ.damaged.offset);
		else
			finding_add(l, FINDING_DATA_BEFORE_ROM, -1, true, 0,
			            "0x%zx bytes of unrecognised data before the ROM at 0x%zx (%s)",
			            a->container_length, a->rom_offset, a->locate_reason);
		break;
	}
	}
}

/* The chain stopped at a 55AA whose PCIR is unusable. */
static void bad_pcir_finding(struct rom_analysis *a, size_t off)
{
	struct finding_list *l = &a->findings;
	const struct rom_node *n = rom_node_at(a, off);
	int i = (int)a->chain.n;
	size_t pcir, size = (size_t)a->size;
	if (!n)
		return;
	pcir = off + n->hdr.pcir_offset;
	switch (rom_node_status(n, false)) {
	case PCI_MISALIGNED:
		finding_add(l, FINDING_PCIR_MISALIGNED, i, true, off + PCI_ROM_HDR_OFF_PCIR_PTR,
		            "image at 0x%zx: PCIR pointer 0x%04x is not a multiple of 4", off,
		            n->hdr.pcir_offset);
		break;
	case PCI_BAD_SIGNATURE:
		finding_add(l, FINDING_PCIR_BAD_SIGNATURE, i, true, pcir,
		            "image at 0x%zx: expected \"PCIR\" at 0x%zx, found 0x%08x", off, pcir,
		            n->pcir.signature);
		break;
	case PCI_TRUNCATED:
		finding_add(l, FINDING_IMAGE_TRUNCATED, i, true, off,
		            "image at 0x%zx: the file ends inside its header (%zu bytes)", off,
		            size);
		break;
	default:
		if (n->hdr.pcir_offset != 0 && pcir + PCIR_SIG_LEN > size &&
		    off + (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK > size) {
			/* As for image 0: the file was cut before this PCIR. */
			finding_add(
			    l, FINDING_IMAGE_TRUNCATED, i, true, off,
			    "image at 0x%zx: the file ends at 0x%zx, before its PCIR at 0x%zx", off,
			    size, pcir);
			break;
		}
		finding_add(
		    l, FINDING_PCIR_OUT_OF_RANGE, i, true, off + PCI_ROM_HDR_OFF_PCIR_PTR,
		    "image at 0x%zx: PCIR pointer 0x%04x is 0 or points past the end of the "
		    "file (%zu bytes)",
		    off, n->hdr.pcir_offset, size);
		break;
	}
}

void rules_chain(struct rom_analysis *a)
{
	struct finding_list *l = &a->findings;
	const struct rom_chain *w = &a->chain;
	const struct rom_image *lastimg = w->n ? &w->images[w->n - 1] : NULL;
	const struct rom_node *ln;
	int li = (int)w->n - 1;
	size_t size = (size_t)a->size;
	if (!lastimg)
		return; /* no image at all: locate and rules_no_rom speak for it */
	ln = rom_node_of(a, lastimg);
	switch (w->stop) {
	case CHAIN_STOP_LAST:
	case CHAIN_STOP_NO_FIRST:
		break;
	case CHAIN_STOP_TRUNCATED:
		finding_add(l, FINDING_IMAGE_TRUNCATED, li, true, lastimg->offset,
		            "image %d at 0x%zx says it is 0x%zx bytes, but the file ends at 0x%zx "
		            "(0x%zx bytes missing)",
		            li, lastimg->offset, lastimg->length, size,
		            lastimg->offset + lastimg->length - size);
		break;
	case CHAIN_STOP_EOF:
		if (a->known_whole) {
			finding_add(
			    l, FINDING_LAST_IMAGE_MISSING, li, true,
			    lastimg->offset + ln->hdr.pcir_offset + PCIR_OFF_INDICATOR,
			    "image %d at 0x%zx ends the ROM (its source declares 0x%zx bytes) "
			    "but its indicator is 0x%02x: expected bit 7 (last image) set",
			    li, lastimg->offset, w->stop_offset, ln->pcir.indicator);
			break;
		}
		finding_add(
		    l, FINDING_IMAGE_TRUNCATED, li, true, w->stop_offset,
		    "image %d at 0x%zx is not marked last, but the file ends right after it "
		    "at 0x%zx: the following image(s) are missing",
		    li, lastimg->offset, w->stop_offset);
		break;
	case CHAIN_STOP_NOT_IMAGE:
		finding_add(l, FINDING_LAST_IMAGE_MISSING, li, true,
		            lastimg->offset + ln->hdr.pcir_offset + PCIR_OFF_INDICATOR,
		            "image %d at 0x%zx is the end of the chain (no 55AA at 0x%zx) but its "
		            "indicator is 0x%02x: expected bit 7 (last image) set",
		            li, lastimg->offset, w->stop_offset, ln->pcir.indicator);
		break;
	case CHAIN_STOP_BAD_PCIR:
		bad_pcir_finding(a, w->stop_offset);
		break;
	case CHAIN_STOP_ZERO_LENGTH:
		finding_add(l, FINDING_IMAGE_LENGTH_ZERO, li, true,
		            lastimg->offset + ln->hdr.pcir_offset + PCIR_OFF_IMAGE_LENGTH,
		            "image %d at 0x%zx: PCIR image length is 0; the chain cannot continue",
		            li, lastimg->offset);
		break;
	case CHAIN_STOP_CAP:
		finding_add(l, FINDING_TOO_MANY_IMAGES, -1, true, w->stop_offset,
		            "more than %d images in the chain; stopped at 0x%zx", REPORT_MAX_IMAGES,
		            w->stop_offset);
		break;
	case CHAIN_STOP_NO_NODE:
		finding_add(l, FINDING_INTERNAL_ERROR, -1, true, w->stop_offset,
		            "the analysis holds no more than %u probed offsets; stopped at 0x%zx",
		            TREE_MAX_NODES, w->stop_offset);
		break;
	}
}

static void rules_pnp(struct rom_analysis *a, int i, const struct rom_node *n)
{
	const struct rom_pnp *p = &n->pnp;
	if (p->status != PCI_OK || p->hdr.sum == 0)
		return;
	/* iPXE's fixrom.pl balances it; SeaBIOS reads the header's BEV/BCV. */
	finding_add(&a->findings, FINDING_PNP_CHECKSUM_MISMATCH, i, true, p->offset,
	            "image %d: the $PnP header at 0x%zx sums to 0x%02x over 0x%x bytes, "
	            "expected 0x00",
	            i, p->offset, p->hdr.sum, (unsigned)p->hdr.length_units * 16u);
	finding_set_values(&a->findings, 0, p->hdr.sum);
}

/* The PCI 3.0 device list (formats/pci_rom.h): where it cannot be read
 * whole, which ids the image claims is unknown. */
static void rules_device_list(struct rom_analysis *a, int i, const struct rom_node *n)
{
	const struct pci_device_list *d = &n->devlist;
	size_t pcir = n->offset + n->hdr.pcir_offset;
	size_t end;
	if (!size_add(n->offset, n->length, &end) || end > a->size)
		end = (size_t)a->size;
	if (n->device_ids_lost)
		finding_add(&a->findings, FINDING_INTERNAL_ERROR, i, true, n->offset + d->offset,
		            "image %d: out of memory for the %zu ids of its device list", i, d->n);
	switch (d->status) {
	case PCI_DEVLIST_OUT_OF_RANGE:
		finding_add(&a->findings, FINDING_DEVICE_LIST_OUT_OF_RANGE, i, true,
		            pcir + PCIR_OFF_DEVICE_LIST,
		            "image %d: device list pointer 0x%04x at 0x%zx leads past the image's "
		            "bytes (they end at 0x%zx)",
		            i, d->pointer, pcir + PCIR_OFF_DEVICE_LIST, end);
		break;
	case PCI_DEVLIST_UNTERMINATED:
		finding_add(&a->findings, FINDING_DEVICE_LIST_UNTERMINATED, i, true,
		            n->offset + d->offset,
		            "image %d: device list at 0x%zx: %zu id(s) and no 0x0000 before the "
		            "image's bytes end at 0x%zx",
		            i, n->offset + d->offset, d->n, end);
		break;
	case PCI_DEVLIST_TOO_LONG:
		finding_add(&a->findings, FINDING_DEVICE_LIST_UNTERMINATED, i, true,
		            n->offset + d->offset,
		            "image %d: device list at 0x%zx: no 0x0000 within %u ids (optrom reads "
		            "no more)",
		            i, n->offset + d->offset, PCI_DEVLIST_MAX);
		break;
	case PCI_DEVLIST_NONE:
	case PCI_DEVLIST_OK:
		break;
	}
}

static void rules_one_image(struct rom_analysis *a, int i)
{
	struct finding_list *l = &a->findings;
	const struct rom_image *img = &a->chain.images[i];
	const struct rom_node *n = rom_node_of(a, img);
	const struct pci_pcir *p = &n->pcir;
	size_t pcir = img->offset + n->hdr.pcir_offset;
	size_t size_len = (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
	if (p->length < PCIR_MIN_LEN || p->length == 0xFFFF) {
		finding_add(
		    l, FINDING_PCIR_BAD_LENGTH, i, true, pcir + PCIR_OFF_LENGTH,
		    "image %d: PCIR length is 0x%04x: expected at least 0x18 and not 0xFFFF", i,
		    p->length);
		finding_set_values(l, PCIR_MIN_LEN, p->length);
	}
	if (p->code_type == PCI_CODE_X86 && n->hdr.size_blocks == 0)
		finding_add(l, FINDING_SIZE_BYTE_ZERO, i, true, img->offset + PCI_ROM_HDR_OFF_SIZE,
		            "image %d at 0x%zx: size byte at +2 is 0; SeaBIOS rejects the image", i,
		            img->offset);
	if (n->checksum.present && !n->checksum.complete && !img->truncated)
		/* SeaBIOS copies size byte x 512 bytes: they must all exist. */
		finding_add(l, FINDING_IMAGE_TRUNCATED, i, true, img->offset + PCI_ROM_HDR_OFF_SIZE,
		            "image %d at 0x%zx: size byte 0x%02x says 0x%zx bytes, but the file "
		            "ends at 0x%llx",
		            i, img->offset, n->hdr.size_blocks, n->checksum.length,
		            (unsigned long long)a->size);
	rules_pnp(a, i, n);
	rules_device_list(a, i, n);
	if (n->checksum.present && n->checksum.complete && n->hdr.size_blocks != 0 &&
	    !n->checksum.ok) {
		finding_add(l, FINDING_CHECKSUM_MISMATCH, i, true, img->offset,
		            "image %d at 0x%zx: 8-bit sum of 0x%zx bytes is 0x%02x, expected 0x00 "
		            "(%s image; balancing byte at 0x%zx)",
		            i, img->offset, n->checksum.length, n->checksum.sum,
		            pci_producer_name(n->producer), n->checksum.fix_offset);
		finding_set_values(l, 0, n->checksum.sum);
	}
	if (p->code_type == PCI_CODE_X86 && n->hdr.size_blocks != 0 && size_len != img->length) {
		finding_add(l, FINDING_SIZE_MISMATCH, i, true, img->offset + PCI_ROM_HDR_OFF_SIZE,
		            "image %d: size byte says 0x%zx bytes, PCIR length 0x%zx (normal on "
		            "NVIDIA, whose PCIR length covers private images)",
		            i, size_len, img->length);
		finding_set_values(l, img->length, size_len);
	}
	if (p->code_type == PCI_CODE_EFI && n->efi.efi_signature != EFI_ROM_SIGNATURE) {
		finding_add(l, FINDING_EFI_SIGNATURE_INVALID, i, true,
		            img->offset + EFI_ROM_OFF_SIGNATURE,
		            "image %d at 0x%zx: code type 3 (EFI) but EFI signature is 0x%08x, "
		            "expected 0x00000EF1",
		            i, img->offset, n->efi.efi_signature);
		finding_set_values(l, EFI_ROM_SIGNATURE, n->efi.efi_signature);
	}
}

void rules_images(struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++)
		rules_one_image(a, (int)i);
	rules_ids(a);
}

/* The EFI driver of chain image i, as its node decoded it. */
static void rules_driver(struct rom_analysis *a, int i, const struct rom_image *img,
                         const struct rom_node *n)
{
	struct finding_list *l = &a->findings;
	const struct rom_driver *d = n->driver;
	size_t init = (size_t)n->efi.init_blocks * PCI_ROM_BLOCK;
	/* EDK2 LocalLoadFile2 rejects InitSize > ImageSize and an image offset
	 * at or past InitSize. */
	if (init > img->length) {
		finding_add(l, FINDING_INIT_SIZE_EXCEEDS_IMAGE, i, true,
		            img->offset + EFI_ROM_OFF_INIT_SIZE,
		            "image %d: EFI initialization size 0x%zx exceeds the PCIR image length "
		            "0x%zx (EDK2 refuses to load it)",
		            i, init, img->length);
		finding_set_values(l, img->length, init);
	}
	switch (d->state) {
	case DRIVER_NONE:
		return;
	case DRIVER_BAD_OFFSET:
		finding_add(l, FINDING_EFI_IMAGE_OFFSET_INVALID, i, true,
		            img->offset + EFI_ROM_OFF_IMAGE_OFFSET,
		            "image %d: EFI image offset 0x%04x is not inside the image's 0x%zx "
		            "initialization bytes",
		            i, n->efi.image_offset, init ? init : img->length);
		return;
	case DRIVER_BAD_COMPRESSION:
		finding_add(l, FINDING_EFI_COMPRESSION_UNKNOWN, i, true,
		            img->offset + EFI_ROM_OFF_COMPRESSION,
		            "image %d: EFI compression type %u, expected 0 (none) or 1 (EFI)", i,
		            n->efi.compression);
		return;
	case DRIVER_DECOMPRESS_FAILED:
		finding_add(
		    l, FINDING_EFI_DECOMPRESS_FAILED, i, true, d->payload_offset,
		    "image %d: the compressed EFI driver at 0x%zx does not decompress (%s): "
		    "the image is damaged",
		    i, d->payload_offset, d->decompress_error);
		return;
	case DRIVER_NOT_DECODED:
		finding_add(l, FINDING_EFI_DRIVER_NOT_DECODED, i, true, d->payload_offset,
		            "image %d: the compressed EFI driver at 0x%zx was not decompressed: "
		            "it declares 0x%x bytes, more than the drivers before it left "
		            "of the %zu %s decode limit",
		            i, d->payload_offset, d->decompressed_size,
		            a->driver_budget % (1u << 20) ? a->driver_budget >> 10
		                                          : a->driver_budget >> 20,
		            a->driver_budget % (1u << 20) ? "KiB" : "MiB");
		return;
	case DRIVER_OK:
		break;
	}
	if (!rom_driver_pe_valid(d)) {
		finding_add(l, FINDING_PE_INVALID, i, true, d->payload_offset,
		            "image %d: the EFI driver at 0x%zx is not a valid PE image: %s", i,
		            d->payload_offset, pe_status_str(d->pe_status));
		return;
	}
	if (d->pe.machine != n->efi.machine) {
		finding_add(l, FINDING_EFI_MACHINE_MISMATCH, i, true,
		            img->offset + EFI_ROM_OFF_MACHINE,
		            "image %d: ROM header machine 0x%04x, the PE driver says 0x%04x", i,
		            n->efi.machine, d->pe.machine);
		finding_set_values(l, d->pe.machine, n->efi.machine);
	}
	if (d->pe.subsystem != n->efi.subsystem) {
		finding_add(l, FINDING_EFI_SUBSYSTEM_MISMATCH, i, true,
		            img->offset + EFI_ROM_OFF_SUBSYSTEM,
		            "image %d: ROM header subsystem %u, the PE driver says %u", i,
		            n->efi.subsystem, d->pe.subsystem);
		finding_set_values(l, d->pe.subsystem, n->efi.subsystem);
	}
}

void rules_efi(struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_image *img = &a->chain.images[i];
		const struct rom_node *n = rom_node_of(a, img);
		if (n->driver)
			rules_driver(a, (int)i, img, n);
	}
}

void rules_after_chain(struct rom_analysis *a)
{
	struct finding_list *l = &a->findings;
	size_t start = a->chain.end;
	if (a->trailing == TRAILING_NONE)
		return;
	if (a->trailing == TRAILING_DATA)
		finding_add(l, FINDING_TRAILING_DATA, -1, true, start,
		            "0x%zx bytes after the chain end at 0x%zx are data, not padding%s",
		            a->trailing_length, start,
		            a->n_other ? " (they hold further images: see other_images)" : "");
	else
		finding_add(l, FINDING_TRAILING_PADDING, -1, true, start,
		            "0x%zx bytes of %s padding after the chain end at 0x%zx",
		            a->trailing_length, report_trailing_name(a->trailing), start);
	if (a->n_other)
		finding_add(l, FINDING_IMAGES_AFTER_CHAIN, -1, true, a->other_images[0].offset,
		            "%zu valid image(s) after the chain, first at 0x%zx (NVIDIA private "
		            "images or a backup copy)",
		            a->n_other, a->other_images[0].offset);
}

void rules_verdict(struct rom_analysis *a)
{
	bool fixable = false;
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.items[i].fixable)
			fixable = true;
	if (finding_blocking(&a->findings))
		a->verdict = VERDICT_BROKEN;
	else
		a->verdict = fixable ? VERDICT_FIXABLE : VERDICT_READY;
}
