/* OVMF and SeaBIOS, as they would take the file given as a romfile=.
 *
 * Both read the ROM at offset 0 and walk the standard chain (QEMU maps the
 * file as the device's ROM BAR). OVMF (EDK2 PciBus LoadEfiRom) loads each
 * EFI image of the chain whose machine it runs (X64), decompressing it
 * with the EFI 1.1 algorithm and loading it as a PE image; SeaBIOS
 * (map_pcirom, is_valid_rom) takes the first x86 image whose PCIR
 * vendor:device equals the device's and whose 8-bit sum over size byte x
 * 512 is 0 (formats-pci-amd-efi.md 6.1).
 */
#include "analyzer/consumers.h"

#include "analyzer/tree.h"
#include "formats/pe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EFI_MACHINE_X64 0x8664u

static void say(struct rom_consumer *c, bool ok, int image, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(struct rom_consumer *c, bool ok, int image, const char *fmt, ...)
{
	va_list ap;
	c->ok = ok;
	c->image = image;
	va_start(ap, fmt);
	(void)vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* Why neither firmware sees the chain at all, or NULL. */
static const char *no_chain(const struct rom_analysis *a, char *buf, size_t cap)
{
	if (!a->has_rom || a->chain.n == 0)
		return "no PCI ROM in the file";
	if (a->rom_offset != 0) {
		(void)snprintf(buf, cap,
		               "the ROM starts at 0x%zx, not at offset 0 where firmware looks "
		               "(fix strips what precedes it)",
		               a->rom_offset);
		return buf;
	}
	return NULL;
}

/* An EFI image outside the standard chain, for the reason text. */
static const struct rom_image *unreachable_efi(const struct rom_analysis *a)
{
	for (size_t i = 0; i < a->nvidia.n; i++) {
		const struct rom_node *n = rom_node_of(a, &a->nvidia.images[i]);
		if (n && n->pcir.code_type == PCI_CODE_EFI &&
		    a->nvidia.images[i].offset >= a->chain.end)
			return &a->nvidia.images[i];
	}
	for (size_t i = 0; i < a->n_other; i++) {
		const struct rom_node *n = rom_node_of(a, &a->other_images[i]);
		if (n && n->pcir.code_type == PCI_CODE_EFI)
			return &a->other_images[i];
	}
	return NULL;
}

static void ovmf(struct rom_analysis *a, const char *blocked)
{
	struct rom_consumer *c = &a->consumers.ovmf;
	const struct rom_image *far;
	int efi = -1;
	if (blocked) {
		say(c, false, -1, "%s", blocked);
		return;
	}
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		const struct rom_driver *d = n->driver;
		if (n->pcir.code_type != PCI_CODE_EFI)
			continue;
		if (efi < 0)
			efi = (int)i;
		if (!n->has_efi || n->efi.machine != EFI_MACHINE_X64 || !d)
			continue;
		if (d->state != DRIVER_OK) {
			say(c, false, (int)i,
			    "image %zu: the X64 driver at 0x%zx is not usable (%s)", i,
			    d->payload_offset,
			    d->decompress_error[0] ? d->decompress_error : "bad EFI header");
			return;
		}
		if (!rom_driver_pe_valid(d)) {
			say(c, false, (int)i,
			    "image %zu: the X64 driver is not a valid PE image (%s)", i,
			    pe_status_str(d->pe_status));
			return;
		}
		/* Upstream and Debian's OVMF run option ROM drivers whatever their
		 * signature (PcdOptionRomImageVerificationPolicy 0; pinned by
		 * tests/vm/test_secure_boot.c and a damaged GOP that loads in
		 * tests/vm/test_boot.c): the state is told, not a refusal. */
		say(c, true, (int)i,
		    "ok: image %zu, X64 EFI driver (PE, 0x%zx bytes)%s%s, signature %s%s", i,
		    d->length, d->gop_version[0] ? ", GOP version " : "", d->gop_version,
		    signature_state_name(d->signature.state),
		    d->signature.state == SIG_MISMATCH || d->signature.state == SIG_INVALID ||
		            d->signature.state == SIG_BAD_TABLE
		        ? " (OVMF loads it all the same; firmware that enforces signatures does "
		          "not)"
		        : "");
		return;
	}
	far = unreachable_efi(a);
	if (efi >= 0)
		say(c, false, efi,
		    "no X64 EFI driver in the standard chain (image %d is EFI for "
		    "machine 0x%04x)",
		    efi, rom_chain_node(a, (size_t)efi)->efi.machine);
	else if (far)
		say(c, false, -1,
		    "no EFI image in the standard chain: the EFI image at 0x%zx is outside it "
		    "(efi-unreachable)",
		    far->offset);
	else
		say(c, false, -1, "no EFI image in the standard chain: no GOP for a UEFI guest");
}

static bool id_implausible(const struct rom_analysis *a, int image)
{
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.items[i].id == FINDING_ID_IMPLAUSIBLE &&
		    a->findings.items[i].image == image)
			return true;
	return false;
}

static void seabios(struct rom_analysis *a, const char *blocked)
{
	struct rom_consumer *c = &a->consumers.seabios;
	if (blocked) {
		say(c, false, -1, "%s", blocked);
		return;
	}
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		const struct rom_checksum *k = &n->checksum;
		if (n->pcir.code_type != PCI_CODE_X86)
			continue;
		a->consumers.seabios_vendor = n->pcir.vendor_id;
		a->consumers.seabios_device = n->pcir.device_id;
		if (n->hdr.size_blocks == 0)
			say(c, false, (int)i, "image %zu: size byte 0: is_valid_rom rejects it", i);
		else if (!k->complete)
			say(c, false, (int)i,
			    "image %zu: the size byte's 0x%zx bytes run past the end of the file",
			    i, k->length);
		else if (!k->ok)
			say(c, false, (int)i,
			    "image %zu: 8-bit sum over size byte x 512 (0x%zx bytes) is 0x%02x, "
			    "not 0",
			    i, k->length, k->sum);
		else if (id_implausible(a, (int)i))
			say(c, false, (int)i,
			    "image %zu: its vendor:device %04x:%04x is no real device's: "
			    "map_pcirom "
			    "takes it for no device (id-implausible)",
			    i, n->pcir.vendor_id, n->pcir.device_id);
		else
			say(c, true, (int)i,
			    "ok: image %zu, x86, for device %04x:%04x only, checksum over 0x%zx "
			    "bytes "
			    "ok",
			    i, n->pcir.vendor_id, n->pcir.device_id, k->length);
		return;
	}
	say(c, false, -1,
	    "no x86 image in the standard chain: a legacy BIOS guest gets no "
	    "option ROM from it");
}

void consumers_compute(struct rom_analysis *a)
{
	char buf[CONSUMER_REASON_LEN];
	const char *blocked = no_chain(a, buf, sizeof(buf));
	memset(&a->consumers, 0, sizeof(a->consumers));
	ovmf(a, blocked);
	seabios(a, blocked);
}
