/* EFI PCI expansion ROM header (code type 3 images).
 *
 * Source: EFI 1.10 spec table 12-17 via EDK2 Pci22.h
 * EFI_PCI_EXPANSION_ROM_HEADER; ../shared/docs/formats-pci-amd-efi.md 2.1.
 * Offsets are relative to the image start.
 */
#ifndef OPTROM_EFI_ROM_H
#define OPTROM_EFI_ROM_H

#include "formats/field.h"
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

extern const struct fmt_field efi_rom_fields[];
extern const size_t efi_rom_field_count;

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
