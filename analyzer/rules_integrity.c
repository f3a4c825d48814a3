/* Damage the structure hides (issue 11 points 3 and 4): a damaged image
 * header taken for a prefix, ids that are implausible or disagree, a file
 * cut inside the images after the chain, a boot GPU's shadow copy, EFI
 * images the standard chain does not reach, a display ROM without GOP.
 * Each rule reads the tree (nodes, chains, a->integ), never the bytes.
 */
#include "analyzer/rules.h"

#include "formats/producer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EFI_MACHINE_X64     0x8664u
#define PCI_CLASS_DISPLAY   0x03u
#define SHADOW_WINDOW       0x20000u /* Linux pci_map_rom: the 128 KiB at 0xC0000 */
#define MAX_UNREACHABLE_EFI 4u

/* A finding whose catalog entry is fixable, but not this instance (the
 * evidence for the repair is missing). */
static void add_unfixable(struct finding_list *l, enum finding_id id, int image, uint64_t off,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_unfixable(struct finding_list *l, enum finding_id id, int image, uint64_t off,
                          const char *fmt, ...)
{
	char msg[FINDING_MSG_LEN];
	size_t before = l->n;
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	finding_add(l, id, image, true, off, "%s", msg);
	if (l->n > before)
		l->items[l->n - 1].fixable = false;
}

void rules_damaged_header(struct rom_analysis *a)
{
	const struct rom_damaged_header *d = &a->integ.damaged;
	char survives[160], how[128];
	if (!d->present)
		return;
	(void)snprintf(survives, sizeof(survives),
	               "PCIR at 0x%zx intact, 55AA %s (%02x %02x), pointer at 0x%zx %s (0x%04x)",
	               d->pcir_offset, d->signature_ok ? "intact" : "damaged", d->signature & 0xFFu,
	               d->signature >> 8, d->offset + PCI_ROM_HDR_OFF_PCIR_PTR,
	               d->pointer_ok ? "intact" : "damaged", d->pointer);
	if (d->restorable && d->pcir.code_type == PCI_CODE_X86)
		(void)snprintf(how, sizeof(how),
		               "fix restores it: the sum over 0x%zx bytes is then 0",
		               (size_t)d->size_blocks * PCI_ROM_BLOCK);
	else if (d->restorable)
		(void)snprintf(how, sizeof(how), "fix writes the damaged one back");
	else if (d->has_sum)
		(void)snprintf(how, sizeof(how),
		               "not exact (the sum with it restored is 0x%02x): fix refuses",
		               d->sum_restored);
	else
		(void)snprintf(how, sizeof(how), "the evidence is not exact: fix refuses");
	if (d->restorable)
		finding_add(&a->findings, FINDING_IMAGE_HEADER_DAMAGED, -1, true, d->offset,
		            "image at 0x%zx (%s %04x:%04x, class %06x, 0x%zx bytes up to the ROM "
		            "at 0x%zx): %s; %s",
		            d->offset, pci_code_type_name(d->pcir.code_type), d->pcir.vendor_id,
		            d->pcir.device_id, d->pcir.class_code, a->rom_offset - d->offset,
		            a->rom_offset, survives, how);
	else
		add_unfixable(&a->findings, FINDING_IMAGE_HEADER_DAMAGED, -1, d->offset,
		              "image at 0x%zx (%s %04x:%04x, class %06x, 0x%zx bytes up to the ROM "
		              "at 0x%zx): %s; %s",
		              d->offset, pci_code_type_name(d->pcir.code_type), d->pcir.vendor_id,
		              d->pcir.device_id, d->pcir.class_code, a->rom_offset - d->offset,
		              a->rom_offset, survives, how);
}

/* ---- ids ---- */

void rules_ids(struct rom_analysis *a)
{
	const struct rom_id_evidence *ev = &a->integ.ids;
	uint16_t pv = ev->producer_vendor, want_v = ev->vendor, want_d = ev->device;
	bool have = ev->known;
	size_t best = ev->votes;
	char why[160];
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_image *img = &a->chain.images[i];
		const struct rom_node *n = rom_node_of(a, img);
		const struct pci_pcir *p = &n->pcir;
		size_t at = img->offset + n->hdr.pcir_offset + PCIR_OFF_VENDOR_ID;
		const struct rom_node *first = rom_chain_node(a, 0);
		if (rom_id_nv_zero(a, n)) {
			if (i > 0)
				finding_add_sev(
				    &a->findings, FINDING_ID_MISMATCH, SEVERITY_INFO, (int)i, true,
				    at,
				    "image %zu has vendor:device %04x:%04x, image 0 has "
				    "%04x:%04x (NVIDIA Turing and later GOP images carry "
				    "0000:0000)",
				    i, p->vendor_id, p->device_id, first->pcir.vendor_id,
				    first->pcir.device_id);
			continue;
		}
		if (rom_id_implausible(p, pv, why, sizeof(why))) {
			if (have)
				finding_add(
				    &a->findings, FINDING_ID_IMPLAUSIBLE, (int)i, true, at,
				    "image %zu (%s) has vendor:device %04x:%04x: %s; the other "
				    "evidence says %04x:%04x (fix --set-id %04x:%04x)",
				    i, pci_code_type_name(p->code_type), p->vendor_id, p->device_id,
				    why, want_v, want_d, want_v, want_d);
			else
				add_unfixable(
				    &a->findings, FINDING_ID_IMPLAUSIBLE, (int)i, at,
				    "image %zu (%s) has vendor:device %04x:%04x: %s; nothing "
				    "else in the file gives the ids",
				    i, pci_code_type_name(p->code_type), p->vendor_id, p->device_id,
				    why);
			continue;
		}
		if (have && (p->vendor_id != want_v || p->device_id != want_d))
			finding_add(
			    &a->findings, FINDING_ID_MISMATCH, (int)i, true, at,
			    "image %zu (%s) has vendor:device %04x:%04x, the other evidence "
			    "(%zu image(s)%s) says %04x:%04x",
			    i, pci_code_type_name(p->code_type), p->vendor_id, p->device_id, best,
			    pv ? " and the producer" : "", want_v, want_d);
	}
}

/* ---- the file as a whole ---- */

static bool standard_whole(const struct rom_analysis *a)
{
	if (!rom_chain_complete(a))
		return false;
	for (size_t i = 0; i < a->chain.n; i++)
		if (a->chain.images[i].truncated)
			return false;
	return true;
}

static void file_incomplete(struct rom_analysis *a)
{
	const struct rom_image *cut = NULL;
	const char *where = "";
	for (size_t i = 0; i < a->nvidia.n && !cut; i++)
		if (a->nvidia.images[i].truncated && a->nvidia.images[i].offset >= a->chain.end) {
			cut = &a->nvidia.images[i];
			where = "NVIDIA's chain";
		}
	for (size_t i = 0; i < a->n_other && !cut; i++)
		if (a->other_images[i].truncated) {
			cut = &a->other_images[i];
			where = "the images after the chain";
		}
	if (!cut || !standard_whole(a))
		return;
	finding_add(&a->findings, FINDING_FILE_INCOMPLETE, -1, true, cut->offset,
	            "the file ends at 0x%llx inside the %s image at 0x%zx of %s (0x%zx bytes, "
	            "0x%llx missing): a cut download or dump; the standard chain "
	            "0x%zx..0x%zx is whole: usable as a VM romfile after fix --trim, never "
	            "to flash",
	            (unsigned long long)a->size,
	            pci_code_type_name(rom_node_of(a, cut)->pcir.code_type), cut->offset, where,
	            cut->length, (unsigned long long)(cut->offset + cut->length - a->size),
	            a->rom_offset, a->chain.end);
}

/* A sysfs dump of the boot GPU (formats-nvidia.md 1 kind C and 10.3;
 * formats-pci-amd-efi.md 6.1 item 12): Linux maps the 128 KiB shadow at
 * 0xC0000, which holds the x86 image only, as the init code left it. */
static void shadow_copy(struct rom_analysis *a)
{
	const struct rom_node *n = rom_chain_node(a, 0);
	size_t size_len;
	bool shrunk, bad_sum;
	if (a->size != SHADOW_WINDOW || a->rom_offset != 0 || a->chain.n != 1 || a->n_other ||
	    n->pcir.code_type != PCI_CODE_X86 || !n->checksum.present)
		return;
	size_len = (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
	shrunk = size_len != 0 && size_len < a->chain.images[0].length;
	bad_sum = n->checksum.complete && !n->checksum.ok;
	if (!shrunk && !bad_sum)
		return;
	finding_add(&a->findings, FINDING_SHADOW_COPY, 0, true, 0,
	            "a 0x%x-byte file (the 128 KiB window Linux maps at 0xC0000) holding one x86 "
	            "image (no EFI)%s%s, then %s: a run-time copy of the boot GPU's ROM; read "
	            "the ROM of a card that is not the boot GPU, or use the vendor's file",
	            SHADOW_WINDOW, shrunk ? ", its size byte shrunk below its PCIR length" : "",
	            bad_sum ? ", its checksum broken" : "", report_trailing_name(a->trailing));
}

static bool is_x64_efi(const struct rom_node *n)
{
	return n->pcir.code_type == PCI_CODE_EFI && n->has_efi && n->efi.machine == EFI_MACHINE_X64;
}

/* EFI images outside the standard chain, when the chain holds none: a
 * backup copy's GOP is no loss when the chain has its own. */
static void efi_unreachable(struct rom_analysis *a)
{
	const struct rom_image *lists[2] = {a->nvidia.images, a->other_images};
	size_t counts[2] = {a->nvidia.n, a->n_other};
	size_t seen[MAX_UNREACHABLE_EFI], n_seen = 0;
	const struct rom_image *last = &a->chain.images[a->chain.n - 1];
	const struct rom_node *ln = rom_node_of(a, last);
	for (size_t i = 0; i < a->chain.n; i++)
		if (rom_chain_node(a, i)->pcir.code_type == PCI_CODE_EFI)
			return;
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l] && n_seen < MAX_UNREACHABLE_EFI; i++) {
			const struct rom_image *img = &lists[l][i];
			const struct rom_node *n = rom_node_of(a, img);
			bool dup = false;
			if (n->pcir.code_type != PCI_CODE_EFI || img->offset < a->chain.end)
				continue;
			for (size_t k = 0; k < n_seen; k++)
				dup = dup || seen[k] == img->offset;
			if (dup)
				continue;
			seen[n_seen++] = img->offset;
			if (img->offset == a->chain.end && last->last)
				finding_add(
				    &a->findings, FINDING_EFI_UNREACHABLE, -1, true, img->offset,
				    "the EFI image at 0x%zx (%s) is in %s, but the standard chain "
				    "ends before it: image %zu at 0x%zx carries the last-image "
				    "bit; "
				    "OVMF will not load this GOP. Clearing that bit (indicator at "
				    "0x%zx) would make the chain reach it",
				    img->offset, is_x64_efi(n) ? "X64" : "not X64",
				    l == 0 ? "NVIDIA's chain" : "the file after the chain",
				    a->chain.n - 1, last->offset,
				    last->offset + ln->hdr.pcir_offset + PCIR_OFF_INDICATOR);
			else
				finding_add(
				    &a->findings, FINDING_EFI_UNREACHABLE, -1, true, img->offset,
				    "the EFI image at 0x%zx (%s) is in %s, not in the standard "
				    "chain (ends at 0x%zx); OVMF will not load this GOP. Only a "
				    "ROM rebuilt with it right after the chain's last image, whose "
				    "last-image bit is then clear, would reach it",
				    img->offset, is_x64_efi(n) ? "X64" : "not X64",
				    l == 0 ? "NVIDIA's chain" : "the file after the chain",
				    a->chain.end);
		}
}

static void no_gop(struct rom_analysis *a)
{
	uint32_t cls = 0;
	bool display = false;
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (is_x64_efi(n))
			return;
		if (((n->pcir.class_code >> 16) & 0xFFu) == PCI_CLASS_DISPLAY && !display) {
			display = true;
			cls = n->pcir.class_code;
		}
	}
	if (!display)
		return;
	finding_add(&a->findings, FINDING_NO_GOP, -1, false, 0,
	            "a display ROM (class %06x) whose standard chain holds no X64 EFI image: an "
	            "OVMF (UEFI) guest gets no GOP, so no display until the OS driver loads%s",
	            cls,
	            report_find(a, FINDING_EFI_UNREACHABLE)
	                ? " (see efi-unreachable for the EFI image outside the chain)"
	                : "");
}

void rules_integrity(struct rom_analysis *a)
{
	if (!a->has_rom || a->chain.n == 0)
		return;
	file_incomplete(a);
	shadow_copy(a);
	efi_unreachable(a);
	no_gop(a);
}
