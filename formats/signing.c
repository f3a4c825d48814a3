#include "formats/signing.h"

#include <stddef.h>

/* The ROM carries no generation field, so the PCI device id ranges decide.
 * NVIDIA: "at least since Turing, verifying digital signatures has become
 * mandatory" (formats-nvidia.md 7); Turing starts at 0x1E00 (TU102; Volta
 * GV100 is 0x1DBx). AMD: Navi boards check an RSA signature at flash time
 * (formats-pci-amd-efi.md 4.6); Navi10 starts at 0x7310 (0x71xx-0x72xx are
 * R5xx). */
const char *rom_signed_family(uint16_t vendor, uint16_t device)
{
	if (vendor == 0x10DE && device >= 0x1E00)
		return "NVIDIA Turing or later";
	if (vendor == 0x1002 && device >= 0x7310 && device <= 0x7FFF)
		return "AMD Navi (RDNA) or later";
	return NULL;
}
