/* Vendor, device and subsystem names as lspci shows them, from the PCI ID
 * database through libpci (pci_lookup_name with the system's pci.ids; no
 * network, no udev hwdb, so the answer depends on that one file). A name
 * the database lacks is absent: the calls return false and leave "".
 * $OPTROM_PCI_IDS names another pci.ids (tests). Thread-safe.
 */
#ifndef OPTROM_PCI_NAMES_H
#define OPTROM_PCI_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_NAME_LEN 256

bool pci_name_vendor(uint16_t vendor, char *out, size_t cap);
bool pci_name_device(uint16_t vendor, uint16_t device, char *out, size_t cap);
/* The subsystem's own name (pci.ids' third level), e.g. "GeForce GTX 1060 3GB". */
bool pci_name_subsystem(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
                        char *out, size_t cap);

#endif
