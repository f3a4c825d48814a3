/* TEMPORARY until formats/ declares each structure once: remove at merge. */
#ifndef OPTROM_OFFSETS_SHIM_H
#define OPTROM_OFFSETS_SHIM_H
#include "formats/pci_rom.h"
#ifndef PCIR_OFF_LENGTH
#define PCIR_OFF_LENGTH          0x0Au
#define PCIR_OFF_INDICATOR       0x15u
#define PCIR_OFF_IMAGE_LENGTH    0x10u
#define PCIR_OFF_VENDOR_ID       0x04u
#define PCIR_OFF_DEVICE_ID       0x06u
#define PCI_ROM_HDR_OFF_SIZE     0x02u
#define PCI_ROM_HDR_OFF_PCIR_PTR 0x18u
#define EFI_ROM_OFF_SIGNATURE    0x04u
#define EFI_ROM_OFF_INIT_SIZE    0x02u
#define EFI_ROM_OFF_IMAGE_OFFSET 0x16u
#define EFI_ROM_OFF_COMPRESSION  0x0Cu
#define EFI_ROM_OFF_MACHINE      0x0Au
#define EFI_ROM_OFF_SUBSYSTEM    0x08u
#define PNP_OFF_CHECKSUM         0x09u
#endif
#endif
