/* Builds synthetic option ROMs in memory for the tests: no vendor bytes,
 * only the structures the formats documents describe, filled with a
 * deterministic pattern. Every x86 image is built with a valid checksum
 * (balanced at its last byte) unless the test breaks it on purpose. */
#ifndef OPTROM_TEST_ROM_BUILDER_H
#define OPTROM_TEST_ROM_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rb {
	uint8_t *data;
	size_t len;
};

struct rb_image_opts {
	uint8_t code_type; /* 0 x86, 3 EFI, 0xE0/0x70 NVIDIA private */
	uint16_t vendor;
	uint16_t device;
	size_t blocks;         /* image length in 512-byte units (PCIR and size byte) */
	bool last;             /* indicator bit 7 */
	uint8_t pcir_revision; /* 0 (length 0x18) or 3 (length 0x1C) */
	bool nvidia_private;   /* 'VN' + "NPDS" instead of 55AA + "PCIR" */
	bool npde;             /* add an NPDE after the PCIR */
	size_t npde_blocks;    /* NPDE sub-image length (0: same as blocks) */
	bool npde_last;
	uint16_t efi_machine;   /* EFI images: machine (0 -> 0x8664) */
	uint16_t efi_subsystem; /* EFI images: subsystem (0 -> 11) */
	uint16_t efi_compression;
	uint8_t fill; /* pattern seed */
};

void rb_init(struct rb *b);
void rb_free(struct rb *b);

/* Appends an image; returns its offset in b. */
size_t rb_add_image(struct rb *b, const struct rb_image_opts *o);

/* A fresh b of n one-block EFI images of vendor:device, the last marked
 * last, each with compression 1 and the len bytes of driver (a compressed
 * stream with its header) at its image offset: for crafted drivers. */
void rb_efi_chain(struct rb *b, size_t n, uint16_t vendor, uint16_t device, const uint8_t *driver,
                  size_t len);

/* Shorthands with sensible defaults: code type 0 (x86) or 3 (EFI), PCIR
 * revision 3, everything else zero. The _opts forms return those options
 * for a test to add to before rb_add_image. */
size_t rb_add_x86(struct rb *b, uint16_t vendor, uint16_t device, size_t blocks, bool last);
size_t rb_add_efi(struct rb *b, uint16_t vendor, uint16_t device, size_t blocks, bool last);
struct rb_image_opts rb_x86_opts(uint16_t vendor, uint16_t device, size_t blocks, bool last);
struct rb_image_opts rb_efi_opts(uint16_t vendor, uint16_t device, size_t blocks, bool last);

/* Appends an NVIDIA private image: 'VN' + "NPDS", code type 0xE0, vendor
 * 0x10DE, PCIR revision 0, with an NPDE; returns its offset in b. */
size_t rb_add_nv_private(struct rb *b, uint16_t device, size_t blocks);

/* A Pascal-style NVIDIA ROM of 0x4800 bytes: an x86 image 10de:1ba1 whose
 * size byte and PCIR length (0x20 blocks, balanced over all of them) cover
 * two NVIDIA private images at 0x2000 and 0x3000 (8 blocks each: a 0xE0
 * 'VN' + NPDS image of device 1b80, then an NBSI 0x70 image of device 0 when
 * nbsi is set, else a second 0xE0), its NPDE saying 0x10 blocks; then an EFI
 * image (4 blocks, last, with an NPDE). */
void rb_nvidia_pascal(struct rb *b, bool nbsi);

/* Appends n bytes of value v (padding) or of a pattern (seed). */
void rb_append_fill(struct rb *b, size_t n, uint8_t v);
void rb_append_pattern(struct rb *b, size_t n, uint32_t seed);
void rb_append(struct rb *b, const void *p, size_t n);

/* Inserts n bytes at the front (a prefix); image offsets move by n. */
void rb_prepend(struct rb *b, const void *p, size_t n);
void rb_prepend_pattern(struct rb *b, size_t n, uint32_t seed);

/* Prepends an NVGI container of the given version (1, 2 or 3) whose fields
 * point to the ROM that follows it; prefix_len must be a multiple of 4 and
 * large enough (>= 0x20 for v1/v2, >= 0x1100 for v3). */
void rb_prepend_nvgi(struct rb *b, unsigned version, size_t prefix_len);

/* Makes the x86 image at off sum to zero over size_byte x 512 by writing
 * the byte at off + rel. */
void rb_balance(struct rb *b, size_t off, size_t rel);

/* Gives the image at img (PCIR revision 3, as rb_add_* build it) a PCI 3.0
 * device list: the pointer ptr at PCIR+0x08 (from the PCIR) and, at PCIR +
 * ptr, the n ids then 0x0000 when terminate; re-balances an x86 image's
 * checksum at its last byte. Nothing but the pointer is written when n is
 * 0 and terminate is false. */
void rb_device_list(struct rb *b, size_t img, uint16_t ptr, const uint16_t *ids, size_t n,
                    bool terminate);

/* 8-bit sum of [off, off + n). */
uint8_t rb_sum(const struct rb *b, size_t off, size_t n);

/* Little-endian stores (bounds-checked by assert). */
void rb_put8(struct rb *b, size_t off, uint8_t v);
void rb_put16(struct rb *b, size_t off, uint16_t v);
void rb_put32(struct rb *b, size_t off, uint32_t v);

/* Writes pe's headers into out[0 .. cap) from the declarations of
 * formats/pe.h: "MZ", e_lfanew, "PE\0\0", the COFF header, the optional
 * header (the PE32 or PE32+ tail by pe->magic, dirs[0 .. dir_count)), then
 * sections[0 .. section_count) with their names; other bytes are left as
 * they are. Returns the end of the section table, 0 when it does not fit. */
struct pe_info;
size_t rb_encode_pe(uint8_t *out, size_t cap, const struct pe_info *pe);

/* Writes a minimal valid PE32+ header (no sections) into out; returns its
 * length. EFI images get one at +0x50, compressed when efi_compression is 1. */
size_t rb_make_pe(uint8_t *out, size_t cap, uint16_t machine, uint16_t subsystem);

/* Writes a minimal EFI boot-service driver of RB_PE_DRIVER_LEN bytes into out
 * (PE32+ X64 when plus, else PE32 IA32): MZ, PE header at 0x40, an optional
 * header of the standard size, one .text section (raw 0x200..0x400), zeros
 * elsewhere. Returns RB_PE_DRIVER_LEN. */
enum { RB_PE_DRIVER_LEN = 0x400 };
size_t rb_make_pe_driver(uint8_t *out, bool plus);

/* Writes the first 12 bytes of a TE header into out: "VZ", machine, number
 * of sections, subsystem, stripped size and entry point. */
void rb_make_te(uint8_t *out, uint16_t machine, uint8_t sections, uint8_t subsystem,
                uint16_t stripped, uint32_t entry);

/* Writes b to a new file path (for CLI tests). */
bool rb_write_file(const struct rb *b, const char *path);

#endif
