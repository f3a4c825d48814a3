/* How often each formats/ decoder runs, for the tests.
 *
 * The analysis tree promises that each structure is decoded once per
 * offset (design.md, "The analysis tree"); this counter lets a test check
 * it. Every public decoder records one hit per call, keyed by (decoder
 * kind, the base pointer of the bytes it reads, the offset of the structure
 * in them). A decoder that calls another (pci_image_probe, producer
 * detection, efi_decompress_ex) records its own hit and its callees record
 * theirs.
 *
 * Only builds with OPTROM_DECODE_COUNT defined (CMake option of the same
 * name, on in test builds) count: hits go to a bounded _Thread_local table
 * between fmt_count_start() and fmt_count_stop(), so threads do not mix;
 * hits past the table's capacity are counted as overflow, never stored.
 * Without it FMT_COUNT compiles to nothing, fmt_count_available() is false
 * and every query returns 0. The state is the tests' instrument, not a
 * decoder's input: no decoder reads it.
 */
#ifndef OPTROM_DECODE_COUNT_H
#define OPTROM_DECODE_COUNT_H

#include <stdbool.h>
#include <stddef.h>

#define FMT_DECODERS(X)                                                                            \
	X(ROM_HEADER, "rom_header")           /* pci_rom_header_decode */                          \
	X(PCIR, "pcir")                       /* pci_pcir_decode */                                \
	X(IMAGE_PROBE, "image_probe")         /* pci_image_probe */                                \
	X(PNP, "pnp")                         /* pci_pnp_decode */                                 \
	X(DEVICE_LIST, "device_list")         /* pci_device_list_decode */                         \
	X(NPDE, "npde")                       /* npde_decode */                                    \
	X(NVGI, "nvgi")                       /* nvgi_decode */                                    \
	X(NV_BIOS_VERSION, "nv_bios_version") /* nv_bios_version */                                \
	X(EFI_ROM_HEADER, "efi_rom_header")   /* efi_rom_header_decode */                          \
	X(EFI_PAYLOAD, "efi_payload")         /* efi_rom_payload */                                \
	X(EFI_DECOMP_INFO, "efi_decomp_info") /* efi_decomp_info */                                \
	X(EFI_DECOMPRESS, "efi_decompress")   /* efi_decompress_ex (and efi_decompress) */         \
	X(PE_PARSE, "pe_parse")               /* pe_parse */                                       \
	X(PE_GOP_VERSION, "pe_gop_version")   /* pe_find_gop_version */                            \
	X(ATOM, "atom")                       /* atom_detect */                                    \
	X(ATOM_ROM_HEADER, "atom_rom_header") /* atom_rom_header_decode */                         \
	X(PRODUCER, "producer")               /* pci_detect_producer */                            \
	X(AUTHENTICODE, "authenticode")       /* auth_parse */                                     \
	X(EFI_VARS, "efi_vars")               /* efi_vars_parse */                                 \
	X(NV_BIT, "nv_bit")                   /* nv_bit_decode */                                  \
	X(NV_BMP, "nv_bmp")                   /* nv_bmp_find */                                    \
	X(ATOM_TABLES, "atom_tables")         /* atom_ext_decode */                                \
	X(INTEL_VBT, "intel_vbt")             /* intel_vbt_find */

#define FMT_DEC_ENUM_(NAME, str) FMT_DEC_##NAME,
enum fmt_decoder { FMT_DECODERS(FMT_DEC_ENUM_) FMT_DEC_COUNT };
#undef FMT_DEC_ENUM_

#ifdef OPTROM_DECODE_COUNT
void fmt_count_record(enum fmt_decoder kind, const void *base, size_t offset);
#define FMT_COUNT(kind, base, offset) fmt_count_record((kind), (base), (offset))
#else
#define FMT_COUNT(kind, base, offset) ((void)0)
#endif

/* True when this build counts. */
bool fmt_count_available(void);

/* Clears this thread's table and starts counting; stop keeps the table for
 * the queries. */
void fmt_count_start(void);
void fmt_count_stop(void);

/* Hits for one key. */
unsigned long fmt_count_hits(enum fmt_decoder kind, const void *base, size_t offset);
/* Hits of one decoder over all keys (overflowed hits included). */
unsigned long fmt_count_total(enum fmt_decoder kind);
/* The largest count of one key of that decoder: 1 means no structure was
 * decoded twice. */
unsigned long fmt_count_max_per_key(enum fmt_decoder kind);
/* Distinct keys stored, all decoders together. */
size_t fmt_count_keys(void);
/* Hits that found the table full (not stored per key). */
unsigned long fmt_count_overflow(void);

/* "pcir", "npde", ... ; "unknown" for a value out of range. */
const char *fmt_count_kind_name(enum fmt_decoder kind);

#endif
