#include "patcher/next_steps.h"

#include "formats/pci_rom.h"

#include <stdio.h>
#include <string.h>

bool patch_shell_quote(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	if (cap < 3)
		return false;
	out[o++] = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			if (o + 4 >= cap)
				return false;
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			if (o + 1 >= cap)
				return false;
			out[o++] = *p;
		}
	}
	if (o + 2 > cap)
		return false;
	out[o++] = '\'';
	out[o] = '\0';
	return true;
}

static bool safe_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

const char *patch_safe_name(const char *name, const char *fallback, char *out, size_t cap)
{
	size_t o = 0;
	bool gap = false;
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 2 < cap; p++) {
		if (!safe_byte(*p)) {
			gap = true;
			continue;
		}
		if (o == 0 && (*p == '.' || *p == '-' || *p == '_')) {
			gap = false;
			continue;
		}
		/* "a (b).rom" -> "a_b.rom": no '_' right before a '.' either. */
		if (gap && o > 0 && *p != '.' && out[o - 1] != '_')
			out[o++] = '_';
		gap = false;
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	if (o == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		(void)snprintf(out, cap, "%s", fallback);
	return out;
}

/* path with the XML specials of an attribute value escaped. */
static bool xml_attr(const char *path, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = path; *p; p++) {
		const char *rep = NULL;
		char one[2] = {*p, '\0'};
		size_t n;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			rep = one;
			break;
		}
		n = strlen(rep);
		if (o + n + 1 > cap)
			return false;
		memcpy(out + o, rep, n);
		o += n;
	}
	out[o] = '\0';
	return true;
}

bool patch_next_steps(const struct rom_analysis *r, const char *output, struct next_steps *ns)
{
	return patch_next_steps_at(r, output, NEXT_EXAMPLE_BDF, ns);
}

bool patch_next_steps_at(const struct rom_analysis *r, const char *output, const char *bdf,
                         struct next_steps *ns)
{
	const char *slash = strrchr(output, '/');
	const char *base = slash ? slash + 1 : output;
	char q[NEXT_LINE_MAX - 64], esc[NEXT_LINE_MAX - 64];
	int n;
	memset(ns, 0, sizeof(*ns));
	for (size_t i = 0; i < r->chain.n; i++) {
		const struct rom_node *nd = rom_chain_node(r, i);
		if (i == 0)
			ns->gpu = ((nd->pcir.class_code >> 16) & 0xFFu) == 0x03;
		if (nd->pcir.code_type == PCI_CODE_EFI)
			ns->efi = true;
	}
	ns->device = ns->gpu ? "GPU" : "device";
	patch_safe_name(base, ns->gpu ? "gpu.rom" : "device.rom", ns->safe_name,
	                sizeof(ns->safe_name));
	if (!patch_shell_quote(output, q, sizeof(q)) || !xml_attr(output, esc, sizeof(esc)))
		return false;
	n = snprintf(ns->copy, sizeof(ns->copy), "cp -- %s " PROXMOX_ROM_DIR "%s", q,
	             ns->safe_name);
	if (n < 0 || (size_t)n >= sizeof(ns->copy))
		return false;
	n = snprintf(ns->proxmox, sizeof(ns->proxmox), "hostpci0: %s,pcie=1%s,romfile=%s", bdf,
	             ns->gpu ? ",x-vga=1" : "", ns->safe_name);
	if (n < 0 || (size_t)n >= sizeof(ns->proxmox))
		return false;
	(void)snprintf(ns->proxmox_note, sizeof(ns->proxmox_note),
	               "pcie=1 needs the q35 machine type (machine: q35)%s",
	               ns->efi ? "; for the ROM's UEFI driver the VM boots OVMF (bios: ovmf, "
	                         "with an EFI disk)"
	                       : "");
	n = snprintf(ns->libvirt, sizeof(ns->libvirt), "<rom file='%s'/>", esc);
	if (n < 0 || (size_t)n >= sizeof(ns->libvirt))
		return false;
	(void)snprintf(ns->libvirt_note, sizeof(ns->libvirt_note),
	               "a PCIe slot needs a q35 machine (<type machine='q35'>)%s",
	               ns->efi ? "; the UEFI driver runs under OVMF (<os firmware='efi'>)" : "");
	return true;
}
