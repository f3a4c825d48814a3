/* Who built an x86 image, as far as the image says, and which byte that
 * producer balances the image's 8-bit checksum with
 * (formats-pci-amd-efi.md sections 1.5 and 5; formats-nvidia.md 8). */
#ifndef OPTROM_PRODUCER_H
#define OPTROM_PRODUCER_H

#include "formats/atom.h"
#include "formats/pci_rom.h"
#include "formats/span.h"

#define PCI_VENDOR_NVIDIA 0x10DEu
#define PCI_VENDOR_AMD    0x1002u

/* Looks at the x86 image of len bytes at img (reads bounded to it). When
 * the producer names a version (AMD part number, NVIDIA BIT version), it is
 * copied to version. atom (may be NULL) receives what atom_detect read, so
 * that an ATOMBIOS image's fields are decoded once. */
enum pci_producer pci_detect_producer(const struct span *s, size_t img, size_t len,
                                      uint16_t vendor_id, char *version, size_t cap,
                                      struct atom_info *atom);

/* Offset, relative to the image, of the byte the producer balances:
 * ATOMBIOS 0x21, iPXE and SeaBIOS 0x06, anyone else the last byte of the
 * image's own bytes (own_len: the size byte's region, or NVIDIA's shorter
 * NPDE x86 sub-image). 0 when own_len is 0. */
size_t pci_checksum_byte(enum pci_producer p, size_t own_len);

#endif
