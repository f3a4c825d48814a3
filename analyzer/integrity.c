/* The tree's record of what no node describes: how runs of bytes are
 * filled (the file, the prefix, the tail after the chain), the ISA-style
 * ROM at offset 0, and a damaged image header before the chosen ROM. Each
 * is read once here, while the bytes are at hand; the rules read the
 * result (analyzer/rules.c, analyzer/rules_integrity.c).
 */
#include "analyzer/integrity_build.h"

#include "formats/efi_rom.h"
#include "formats/producer.h"

#include <stdio.h>
#include <string.h>

enum fill_kind integrity_fill(const struct span *s, size_t off, size_t len)
{
	bool zero = false, ff = false;
	size_t end;
	if (len == 0 || !size_add(off, len, &end) || end > s->len)
		return FILL_EMPTY;
	for (size_t i = off; i < end; i++) {
		if (s->data[i] == 0xFF)
			ff = true;
		else if (s->data[i] == 0x00)
			zero = true;
		else
			return FILL_DATA;
	}
	if (zero && ff)
		return FILL_PADDING;
	return ff ? FILL_FF : FILL_ZERO;
}

/* 55AA at 0, no usable PCIR, and a checksum that balances over the size
 * byte: an ISA-style option ROM such as SeaBIOS's vgabios-isavga.bin. */
static void isa_rom(struct rom_analysis *a, const struct span *s)
{
	const struct rom_node *n0 = rom_node_at(a, 0);
	uint8_t sum;
	size_t len;
	uint32_t pcir_sig;
	if (!n0 || n0->hdr.signature != PCI_ROM_SIG || n0->status == PCI_TRUNCATED ||
	    n0->hdr.size_blocks == 0)
		return;
	/* A "PCIR" where the pointer leads (misaligned, say) makes it a PCI
	 * ROM with a bad pointer, not one without a PCI data structure. */
	if (n0->hdr.pcir_offset != 0 && span_u32le(s, n0->hdr.pcir_offset, &pcir_sig) &&
	    pcir_sig == PCIR_SIG_PCIR)
		return;
	len = (size_t)n0->hdr.size_blocks * PCI_ROM_BLOCK;
	if (!span_sum8(s, 0, len, &sum) || sum != 0)
		return;
	a->isa_rom = true;
	a->isa_length = len;
	a->rom_offset = 0;
}

void integrity_no_rom(struct rom_analysis *a, const struct span *s)
{
	uint16_t sig;
	a->integ.fill = integrity_fill(s, 0, s->len);
	a->integ.nv_then_ff = span_u16le(s, 0, &sig) && sig == PCI_ROM_SIG_NV && s->len > 2 &&
	                      integrity_fill(s, 2, s->len - 2) == FILL_FF;
	isa_rom(a, s);
}

/* The ids and class of a damaged image agree with the ROM found after it:
 * equal, or that ROM's first image is an NVIDIA GOP image, which carries
 * 0000:0000 and class 000000 on Turing and later (formats-nvidia 3.2). */
static bool agrees(const struct pci_pcir *d, const struct rom_node *first)
{
	const struct pci_pcir *f = &first->pcir;
	bool nv_gop = f->code_type == PCI_CODE_EFI && d->vendor_id == PCI_VENDOR_NVIDIA;
	bool ids = (d->vendor_id == f->vendor_id && d->device_id == f->device_id) ||
	           (nv_gop && f->vendor_id == 0 && f->device_id == 0);
	bool cls = d->class_code == f->class_code || (nv_gop && f->class_code == 0);
	return ids && cls;
}

/* The 8-bit sum over the x86 image's size byte x 512 with its 55AA and
 * PCIR pointer written back. */
static void sum_restored(struct rom_damaged_header *d, const struct span *s)
{
	uint8_t sum, lo, hi;
	size_t len = (size_t)d->size_blocks * PCI_ROM_BLOCK;
	size_t ptr = d->pcir_offset - d->offset;
	if (len < PCI_ROM_HDR_MIN_LEN || !span_sum8(s, d->offset, len, &sum) ||
	    !span_u8(s, d->offset, &lo) || !span_u8(s, d->offset + 1, &hi))
		return;
	sum = (uint8_t)(sum - lo - hi + (PCI_ROM_SIG & 0xFFu) + (PCI_ROM_SIG >> 8));
	sum = (uint8_t)(sum - (d->pointer & 0xFFu) - (d->pointer >> 8) + (ptr & 0xFFu) +
	                ((ptr >> 8) & 0xFFu));
	d->sum_restored = sum;
	d->has_sum = true;
}

/* The rule for writing a header back (docs/findings.md, image-header-
 * damaged): the PCIR survives, its image length ends exactly where the
 * ROM found after it starts, it is not marked last, and its ids and class
 * agree with that ROM's; and then either
 *   - x86 images: with 55AA and the pointer written back, the 8-bit sum
 *     over the size byte x 512 is 0 (the bytes the producer balanced are
 *     exactly the restored ones), or
 *   - other images: one of the 55AA and the pointer survived, and (EFI)
 *     the 0x0EF1 signature at +4 too.
 * Anything less is reported but not restored: fix refuses. */
static void judge(struct rom_damaged_header *d, const struct span *s)
{
	uint32_t efi_sig = 0;
	if (d->pcir.code_type == PCI_CODE_X86) {
		(void)span_u8(s, d->offset + PCI_ROM_HDR_OFF_SIZE, &d->size_blocks);
		sum_restored(d, s);
		d->restorable = d->size_blocks != 0 && d->has_sum && d->sum_restored == 0;
		return;
	}
	if (d->pcir.code_type == PCI_CODE_EFI) {
		d->efi_signature_ok = span_u32le(s, d->offset + EFI_ROM_OFF_SIGNATURE, &efi_sig) &&
		                      (efi_sig & 0xFFFFu) == EFI_ROM_SIGNATURE;
		d->restorable = (d->signature_ok || d->pointer_ok) && d->efi_signature_ok;
		return;
	}
	d->restorable = d->signature_ok || d->pointer_ok;
}

/* "PCIR" signatures the search looks at, at most: a crafted prefix full
 * of them costs no more than this many header reads and decodes. */
#define DAMAGED_MAX_HITS 4096u

/* Looks, in the bytes before the ROM, for a "PCIR" whose image would end
 * exactly at the ROM start. Each hit's image length is read first, so only
 * a PCIR whose header is really damaged is decoded (once: no node decoded
 * it, since no valid header points to it). */
static void find_damaged(struct rom_analysis *a, const struct span *s)
{
	struct rom_damaged_header *d = &a->integ.damaged;
	const struct rom_node *first = rom_chain_node(a, 0);
	size_t rom = a->rom_offset, hits = 0;
	memset(d, 0, sizeof(*d));
	if (!first || rom < PCI_ROM_BLOCK)
		return;
	/* p - start is a multiple of 4 and start = rom - a multiple of 512:
	 * only offsets congruent to rom modulo 4 can hold the PCIR. */
	for (size_t p = PCI_ROM_HDR_MIN_LEN + (rom - PCI_ROM_HDR_MIN_LEN) % 4;
	     p + PCIR_MIN_LEN <= rom; p += 4) {
		uint32_t sig;
		uint16_t blocks, found_sig = 0, found_ptr = 0;
		size_t len, start;
		struct pci_pcir pcir;
		if (!span_u32le(s, p, &sig) || sig != PCIR_SIG_PCIR)
			continue;
		if (++hits > DAMAGED_MAX_HITS)
			return;
		if (!span_u16le(s, p + PCIR_OFF_IMAGE_LENGTH, &blocks))
			continue;
		len = (size_t)blocks * PCI_ROM_BLOCK;
		if (len == 0 || len > rom)
			continue;
		start = rom - len;
		/* The pointer is a 16-bit, 4-aligned offset past the header. */
		if (p < start + PCI_ROM_HDR_MIN_LEN || p - start > 0xFFFFu || (p - start) % 4 != 0)
			continue;
		(void)span_u16le(s, start, &found_sig);
		(void)span_u16le(s, start + PCI_ROM_HDR_OFF_PCIR_PTR, &found_ptr);
		if (found_sig == PCI_ROM_SIG && found_ptr == p - start)
			continue; /* the header is whole: something else failed */
		if (pci_pcir_decode(s, p, false, &pcir) == PCI_BAD_SIGNATURE)
			continue;
		if ((pcir.indicator & PCIR_LAST_IMAGE) != 0 || !agrees(&pcir, first))
			continue;
		d->offset = start;
		d->pcir_offset = p;
		d->pcir = pcir;
		d->signature = found_sig;
		d->pointer = found_ptr;
		d->signature_ok = found_sig == PCI_ROM_SIG;
		d->pointer_ok = found_ptr == p - start;
		d->present = true;
		judge(d, s);
		return;
	}
}

/* ---- ids ---- */

/* The 16-bit words inside the PCI data structure signatures: an id equal
 * to one is the signature's bytes shifted into the id fields ("PCIRIR"). */
static const char *signature_word(uint16_t v)
{
	static const char *const sigs[] = {"PCIR", "NPDS", "RGIS", "NPDE"};
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		for (size_t j = 0; j + 1 < 4; j++)
			if (v == (uint16_t)((uint8_t)sigs[k][j] | (uint8_t)sigs[k][j + 1] << 8))
				return sigs[k];
	return NULL;
}

/* The vendor an x86 image's producer implies (0 when it implies none). */
static uint16_t producer_vendor(const struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n->producer == PCI_PRODUCER_ATOMBIOS)
			return PCI_VENDOR_AMD;
		if (n->producer == PCI_PRODUCER_NVIDIA)
			return PCI_VENDOR_NVIDIA;
	}
	return 0;
}

/* NVIDIA Turing and later GOP images carry 0000:0000 (formats-nvidia 3.2). */
bool rom_id_nv_zero(const struct rom_analysis *a, const struct rom_node *n)
{
	const struct rom_node *first = rom_chain_node(a, 0);
	return n->pcir.code_type == PCI_CODE_EFI && n->pcir.vendor_id == 0 &&
	       n->pcir.device_id == 0 && first &&
	       (first->pcir.vendor_id == PCI_VENDOR_NVIDIA ||
	        a->integ.ids.producer_vendor == PCI_VENDOR_NVIDIA);
}

/* Why an image's ids are implausible, or NULL. */
const char *rom_id_implausible(const struct pci_pcir *p, uint16_t pv, char *buf, size_t cap)
{
	const char *sig;
	if (p->vendor_id == 0x0000 || p->vendor_id == 0xFFFF) {
		(void)snprintf(buf, cap, "vendor %04x is no vendor", p->vendor_id);
		return buf;
	}
	if ((sig = signature_word(p->vendor_id)) != NULL ||
	    (sig = signature_word(p->device_id)) != NULL) {
		uint16_t v = signature_word(p->vendor_id) ? p->vendor_id : p->device_id;
		(void)snprintf(buf, cap,
		               "'%c%c' is two bytes of the signature \"%s\": the ids are shifted "
		               "(a PCIR reading \"PCIRIR\")",
		               v & 0xFF, v >> 8, sig);
		return buf;
	}
	if (p->device_id == 0xFFFF) {
		(void)snprintf(buf, cap, "device ffff is no device");
		return buf;
	}
	if (pv && p->vendor_id != pv) {
		(void)snprintf(buf, cap, "vendor %04x, but the image's code is %s's (%04x)",
		               p->vendor_id, pv == PCI_VENDOR_AMD ? "AMD ATOMBIOS" : "NVIDIA", pv);
		return buf;
	}
	return NULL;
}

/* The ids the file's other evidence gives: those most plausible images of
 * the standard chain carry (the earliest on a tie), else the producer's
 * vendor with the device every image carries. */
static void id_evidence(struct rom_analysis *a)
{
	struct rom_id_evidence *ev = &a->integ.ids;
	bool bad[REPORT_MAX_IMAGES] = {false};
	char why[160];
	memset(ev, 0, sizeof(*ev));
	ev->producer_vendor = producer_vendor(a);
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		bad[i] = rom_id_nv_zero(a, n) || rom_id_implausible(&n->pcir, ev->producer_vendor,
		                                                    why, sizeof(why)) != NULL;
	}
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct pci_pcir *p = &rom_chain_node(a, i)->pcir;
		size_t votes = 0;
		if (bad[i] || p->device_id == 0)
			continue;
		for (size_t j = 0; j < a->chain.n; j++) {
			const struct pci_pcir *q = &rom_chain_node(a, j)->pcir;
			votes +=
			    !bad[j] && q->vendor_id == p->vendor_id && q->device_id == p->device_id;
		}
		if (votes > ev->votes) {
			ev->votes = votes;
			ev->known = true;
			ev->vendor = p->vendor_id;
			ev->device = p->device_id;
		}
	}
	if (!ev->known && ev->producer_vendor && a->chain.n) {
		const struct pci_pcir *p0 = &rom_chain_node(a, 0)->pcir;
		bool same =
		    p0->device_id != 0 && p0->device_id != 0xFFFF && !signature_word(p0->device_id);
		for (size_t i = 1; i < a->chain.n && same; i++) {
			const struct rom_node *n = rom_chain_node(a, i);
			same = rom_id_nv_zero(a, n) || n->pcir.device_id == p0->device_id;
		}
		if (same) {
			ev->known = true;
			ev->vendor = ev->producer_vendor;
			ev->device = p0->device_id;
		}
	}
}

void integrity_build(struct rom_analysis *a, const struct span *s)
{
	size_t end = a->chain.end;
	a->integ.fill = integrity_fill(s, 0, s->len);
	if (a->container == CONTAINER_UNKNOWN ||
	    (a->container == CONTAINER_NVGI && a->nvgi.rom_offset != a->rom_offset))
		find_damaged(a, s);
	id_evidence(a);
	a->integ.prefix = integrity_fill(
	    s, 0, a->integ.damaged.present ? a->integ.damaged.offset : a->rom_offset);
	/* The bytes after the standard chain. */
	a->trailing = TRAILING_NONE;
	a->trailing_length = 0;
	if (end < s->len) {
		static const enum trailing_kind kind[] = {
		    [FILL_EMPTY] = TRAILING_NONE, [FILL_FF] = TRAILING_FF,
		    [FILL_ZERO] = TRAILING_ZERO,  [FILL_PADDING] = TRAILING_PADDING,
		    [FILL_DATA] = TRAILING_DATA,
		};
		a->trailing_length = s->len - end;
		a->trailing = kind[integrity_fill(s, end, s->len - end)];
	}
}
