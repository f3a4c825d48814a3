/* Test-only EFI 1.1 / Tiano compressors (docs/formats-pci-amd-efi.md 3.3).
 *
 * Not EDK2's compressor: two small encoders that write valid streams with
 * fixed (not frequency-optimised) codes, so the decoder can be tested on
 * round trips, plus the bit writer they use, so tests can hand-craft
 * corrupt streams bit by bit.
 */
#ifndef OPTROM_TESTS_EFI_ENCODE_H
#define OPTROM_TESTS_EFI_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MSB-first bit writer over buf[0..cap); the first 8 bytes are left for the
 * CompSize / OrigSize header. ok turns false on overflow. */
struct efi_bw {
	uint8_t *buf;
	size_t cap;
	size_t bits; /* bits written, including the 64 header bits */
	bool ok;
};

void efi_bw_init(struct efi_bw *w, uint8_t *buf, size_t cap);

/* Appends the low nbits (0..32) of value, high bit first. */
void efi_bw_put(struct efi_bw *w, unsigned nbits, uint32_t value);

/* Pads to a byte with zeros, appends one 0x00 byte (as EDK2's compressor
 * does), writes CompSize (bytes after the header) and orig_size into the
 * header. Returns the total size, or 0 when the buffer was too small. */
size_t efi_bw_finish(struct efi_bw *w, uint32_t orig_size);

/* Upper bound of the output size of both encoders for n input bytes. */
size_t efi_encode_bound(size_t n);

/* Block tables of the literal-only stream (docs 3.3): T single symbol 10,
 * 256 C lengths of 8, P single symbol 0. Writes the block header too. */
void efi_put_literal_block(struct efi_bw *w, unsigned pbit, uint32_t nsym);

/* Block tables of the fixed-code LZ stream: C symbols 0, 1 have 8-bit codes,
 * 2..509 9-bit codes (code = symbol + 2); P has all NP symbols with 3/4-bit
 * (EFI) or 4/5-bit (Tiano) codes. Writes the block header too. */
void efi_put_fixed_block(struct efi_bw *w, unsigned pbit, uint32_t nsym);

/* A block with the canonical codes of the lengths given (each a complete
 * code of lengths 0..16): clen[510] for C, plen[np] for P (np = 14 for pbit
 * 4, 20 for pbit 5). The C lengths go through a T code of 4- and 5-bit
 * codes, one T symbol per length (no zero runs). Writes the block header;
 * the symbols follow with efi_put_code (and a match's extra bits). Lets a
 * test use codes longer than the decoder's direct lookups. */
void efi_put_block(struct efi_bw *w, unsigned pbit, uint32_t nsym, const uint8_t *clen,
                   const uint8_t *plen);

/* The canonical code of sym among the n lengths len[] (codes assigned by
 * increasing length, then symbol; docs 3.1 make_table), MSB first. */
void efi_put_code(struct efi_bw *w, const uint8_t *len, unsigned n, unsigned sym);

/* Codes of the fixed-code LZ stream. */
void efi_put_fixed_c(struct efi_bw *w, unsigned c);
void efi_put_fixed_p(struct efi_bw *w, unsigned pbit, uint32_t dist);

/* Literal-only stream: every byte an 8-bit literal; pbit 4 or 5. Returns
 * the stream size, 0 on error. */
size_t efi_encode_literal(const uint8_t *in, size_t n, unsigned pbit, uint8_t *out, size_t cap);

/* Greedy LZ77 stream (3-byte hash, one candidate, window of the variant),
 * with the fixed codes above. Returns the stream size, 0 on error. */
size_t efi_encode_lz(const uint8_t *in, size_t n, unsigned pbit, uint8_t *out, size_t cap);

/* One token of a hand-written LZ stream: len 0 = literal byte `lit`,
 * else a match of len (3..256) bytes at distance dist (copy from
 * pos - dist - 1). */
struct efi_token {
	unsigned len;
	uint8_t lit;
	uint32_t dist;
};

/* Encodes the tokens as one or more fixed-code blocks, orig_size given by
 * the caller (so a test can lie). Returns the stream size, 0 on error. */
size_t efi_encode_tokens(const struct efi_token *tok, size_t ntok, unsigned pbit,
                         uint32_t orig_size, uint8_t *out, size_t cap);

/* The most output per input bit the format allows: a literal `first`, then
 * a block of 65536 symbols from single-symbol tables that code a 256-byte
 * copy at distance 0 in 0 bits each. 22 bytes that decode, cleanly,
 * to orig_size (at most 1 + 65536 x 256) bytes of `first`. Returns the
 * stream size, 0 on error. */
size_t efi_encode_run(uint8_t first, unsigned pbit, uint32_t orig_size, uint8_t *out, size_t cap);

#endif
