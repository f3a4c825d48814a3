/* Which GPU ROM families carry signed image bytes, by PCI ids: any edit
 * inside their images invalidates the signature (fine for a VM romfile,
 * never to be flashed). */
#ifndef OPTROM_SIGNING_H
#define OPTROM_SIGNING_H

#include <stdint.h>

/* "NVIDIA Turing or later", "AMD Navi (RDNA) or later", or NULL. */
const char *rom_signed_family(uint16_t vendor, uint16_t device);

#endif
