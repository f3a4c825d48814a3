/* EFI PCI expansion ROM header (code type 3 images).
 *
 * Source: EFI 1.10 spec table 12-17 via EDK2 Pci22.h
 * EFI_PCI_EXPANSION_ROM_HEADER; ../shared/docs/formats-pci-amd-efi.md 2.1.
 * Offsets are relative to the image start.
 */
#ifndef OPTROM_EFI_ROM_H
#define OPTROM_EFI_ROM_H

#include "formats/field.h"
#include "formats/pci_rom.h"
#include "formats/span.h"

#define EFI_ROM_SIGNATURE    0x0EF1u
#define EFI_ROM_HDR_LEN      0x1Au
#define EFI_COMPRESSION_NONE 0u
#define EFI_COMPRESSION_EFI  1u /* EFI 1.1 / UEFI algorithm (pbit 4) */

struct efi_rom_header {
	uint16_t init_blocks; /* InitializationSize, 512-byte units */
	uint32_t efi_signature;
	uint16_t subsystem;
	uint16_t machine;
	uint16_t compression;
	uint16_t image_offset; /* EfiImageHeaderOffset, from the image start */
	uint16_t pcir_offset;
};

/* EFI_PCI_EXPANSION_ROM_HEADER from the image start. The 55AA signature is
 * the ROM header's (pci_rom.h); InitializationSize covers the legacy size
 * byte and the PCIR pointer is the same bytes as the ROM header's, so both
 * take its offsets. */
#define EFI_ROM_FIELDS(X)                                                                          \
	X(INIT_SIZE, init_blocks, PCI_ROM_HDR_OFF_SIZE, 2, "init_size")                            \
	X(SIGNATURE, efi_signature, 0x04, 4, "signature")                                          \
	X(SUBSYSTEM, subsystem, 0x08, 2, "subsystem")                                              \
	X(MACHINE, machine, 0x0A, 2, "machine")                                                    \
	X(COMPRESSION, compression, 0x0C, 2, "compression")                                        \
	X(IMAGE_OFFSET, image_offset, 0x16, 2, "image_offset")                                     \
	X(PCIR_PTR, pcir_offset, PCI_ROM_HDR_OFF_PCIR_PTR, 2, "pcir_offset")

#define FMT_PREFIX EFI_ROM
FMT_DECLARE(EFI_ROM_FIELDS, efi_rom_fields);
#undef FMT_PREFIX
#define EFI_ROM_KEY(NAME) (efi_rom_fields[EFI_ROM_F_##NAME].key)

/* False when the 0x1A header bytes are not all inside s. */
bool efi_rom_header_decode(const struct span *s, size_t img, struct efi_rom_header *out);

/* The driver payload of the EFI image at img whose PCIR says image_len
 * bytes: [img + image_offset, img + InitializationSize), as EDK2 PciBus
 * LocalLoadFile2 takes it, clipped to the bytes. An InitializationSize of 0
 * or past the image length is read as the image length (lenient, see
 * formats-pci-amd-efi.md 2.2; the analyzer reports it). False when the
 * image offset is not inside that range or the bytes. */
bool efi_rom_payload(const struct span *s, size_t img, size_t image_len,
                     const struct efi_rom_header *h, size_t *off, size_t *len);

/* "none", "efi" or "unknown". */
const char *efi_compression_name(uint16_t compression);

#endif
