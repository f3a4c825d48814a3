/* EFI 1.1 / UEFI ("EFI", pbit 4) and Tiano (pbit 5) decompression.
 *
 * Container (UEFI spec "Compression Algorithm Specification"; EDK2
 * BaseUefiDecompressLib): u32 CompSize (bytes of bitstream after the 8-byte
 * header), u32 OrigSize, then an MSB-first bitstream of blocks, each with its
 * own Huffman tables (LZ77 + static Huffman, "LZH"). The two variants differ
 * only in the width of the P-length count (PBIT): 4 for EFI/UEFI (8 KiB
 * window), 5 for Tiano (512 KiB window). Nothing in the stream says which.
 *
 * The decoder is written from the format description in
 * docs/formats-pci-amd-efi.md section 3 and is hardened against the
 * CVE-2017-5731..5735 classes: every table is validated before use, every
 * copy is checked against the output start and the declared size, and the
 * main loop always terminates (each step emits at least one byte).
 *
 * No global state; the decoder state lives on the heap for one call.
 */
#ifndef OPTROM_EFI_DECOMPRESS_H
#define OPTROM_EFI_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest OrigSize we agree to produce: option ROM drivers are at most a few
 * hundred KiB; a lying header must not make the caller allocate gigabytes. */
#define EFI_DECOMP_MAX_ORIG (16u * 1024u * 1024u)

/* Size of the container header (CompSize, OrigSize). */
#define EFI_DECOMP_HEADER_SIZE 8u

enum efi_decomp_status {
	EFI_DECOMP_OK = 0,
	EFI_DECOMP_TRUNCATED_HEADER, /* fewer than 8 bytes of input */
	EFI_DECOMP_SIZE_OVERFLOW,    /* CompSize + 8 beyond the input */
	EFI_DECOMP_TOO_LARGE,        /* OrigSize above EFI_DECOMP_MAX_ORIG */
	EFI_DECOMP_DST_TOO_SMALL,    /* dst_cap < OrigSize */
	EFI_DECOMP_BAD_TABLE,        /* a Huffman table fails validation */
	EFI_DECOMP_BAD_DISTANCE,     /* a copy reaches before the output start */
	EFI_DECOMP_BAD_SYMBOL,       /* a symbol decoded from an empty table */
	EFI_DECOMP_NO_MEMORY,        /* allocation of the decoder state failed */
	EFI_DECOMP_BAD_VARIANT,      /* variant is neither 4 nor 5 */
	/* The stream needs bits past CompSize. The format feeds zero bits
	 * there (EDK2 FillBuf), but no well-formed stream reads them: the
	 * stream was cut, OrigSize lies, or it is the other variant. The
	 * decoder stops at the first such symbol (out_len says how far it got)
	 * rather than zero-fill up to OrigSize as firmware would. */
	EFI_DECOMP_TRUNCATED_STREAM,
	/* The stream codes its OrigSize bytes, and EDK2 refuses it: its
	 * decoder checks the output bound of a literal only before writing
	 * it, so after a literal that fills the output it decodes one more
	 * symbol; when that literal ended its block, it first reads a block
	 * header from the bits after it (zero bits past CompSize), and this
	 * header's T or P table is one EDK2's MakeTable refuses. Other bits
	 * after the last symbol are ignored, as EDK2 ignores them (the
	 * compressor writes zeros there: docs section 3.3). docs/fuzzing.md,
	 * "Settled". */
	EFI_DECOMP_TRAILING_DATA,
	/* As above, but EDK2 would decode that header with tables it left from
	 * older blocks (an empty T code, or a T symbol >= 19, after a T code
	 * with codes over 8 bits), which optrom does not keep: whether EDK2
	 * accepts the stream is not known here, so it is not called good. */
	EFI_DECOMP_TRAILING_UNDECIDED,
};

/* The value is the PBIT of the variant (docs section 3, table). */
enum efi_decomp_variant {
	EFI_DECOMP_EFI11 = 4,
	EFI_DECOMP_TIANO = 5,
};

/* Outcome of trying both variants, the way UEFITool does. */
enum efi_decomp_guess {
	EFI_DECOMP_GUESS_NONE = 0,  /* neither variant decodes cleanly */
	EFI_DECOMP_GUESS_EFI,       /* only EFI 1.1 (pbit 4) */
	EFI_DECOMP_GUESS_TIANO,     /* only Tiano (pbit 5) */
	EFI_DECOMP_GUESS_AMBIGUOUS, /* both decode cleanly */
};

/* Details of one decompression, for diagnostics. */
struct efi_decomp_result {
	size_t out_len;     /* bytes written to dst (OrigSize on success) */
	uint32_t comp_size; /* CompSize from the header */
	uint32_t orig_size; /* OrigSize from the header */
	uint64_t bits_used; /* bits consumed from the bitstream */
	/* True when the decoder consumed bits past CompSize (the status is then
	 * EFI_DECOMP_TRUNCATED_STREAM). */
	bool overrun;
};

/* Short lowercase message for a status ("ok", "bad huffman table", ...). */
const char *efi_decomp_status_str(enum efi_decomp_status st);

/* "efi", "tiano", "ambiguous" or "none". */
const char *efi_decomp_guess_str(enum efi_decomp_guess g);

/* Reads and checks the container header: src_len >= 8, CompSize + 8 <=
 * src_len, OrigSize <= EFI_DECOMP_MAX_ORIG. comp_size and orig_size may be
 * NULL; when non-NULL they receive the header values whenever the header
 * could be read (also on SIZE_OVERFLOW / TOO_LARGE). */
enum efi_decomp_status efi_decomp_info(const uint8_t *src, size_t src_len, uint32_t *comp_size,
                                       uint32_t *orig_size);

/* Decompresses src into dst. On success exactly OrigSize bytes are written
 * and *out_len = OrigSize. Never writes more than min(dst_cap, OrigSize)
 * bytes, whatever the input; on error *out_len holds the bytes produced so
 * far. out_len may be NULL. OrigSize 0 succeeds with nothing written (EDK2). */
enum efi_decomp_status efi_decompress(const uint8_t *src, size_t src_len, enum efi_decomp_variant v,
                                      uint8_t *dst, size_t dst_cap, size_t *out_len);

/* As efi_decompress, and fills *res (may be NULL) with the details. */
enum efi_decomp_status efi_decompress_ex(const uint8_t *src, size_t src_len,
                                         enum efi_decomp_variant v, uint8_t *dst, size_t dst_cap,
                                         struct efi_decomp_result *res);

/* Tries both variants (docs section 3.2). A variant "works" when it returns
 * EFI_DECOMP_OK. For PCI option ROMs the rule is fixed:
 * CompressionType 1 means EFI 1.1 (pbit 4), which is what EDK2 PciBus uses;
 * call this only as a diagnostic. Allocates one OrigSize scratch buffer;
 * returns EFI_DECOMP_GUESS_NONE when the header is bad or memory is short. */
enum efi_decomp_guess efi_decomp_guess(const uint8_t *src, size_t src_len);

#endif
