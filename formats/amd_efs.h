/* AMD's embedded-firmware structure: Navi3x full-flash dumps begin with it
 * (bytes AA 55 AA 55) before the PCI ROM (formats-pci-amd-efi.md 4.6). */
#ifndef OPTROM_AMD_EFS_H
#define OPTROM_AMD_EFS_H

#include "formats/span.h"

#define AMD_EFS_SIG     "\xAA\x55\xAA\x55"
#define AMD_EFS_SIG_LEN 4u

/* True when the bytes start with the embedded-firmware signature. */
static inline bool amd_efs_present(const struct span *s)
{
	return span_eq(s, 0, AMD_EFS_SIG, AMD_EFS_SIG_LEN);
}

#endif
