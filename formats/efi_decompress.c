/* EFI 1.1 / Tiano decompression, written from the format description in
 * docs/formats-pci-amd-efi.md section 3 (facts from the UEFI compression
 * specification and EDK2 BaseUefiDecompressLib / BaseTools Decompress.c).
 *
 * Shape of the stream, per block:
 *   16 bits  number of C symbols in the block
 *   T table  code lengths of the 19-symbol alphabet that codes the C lengths
 *   C table  code lengths of the 510-symbol char+length alphabet
 *   P table  code lengths of the position-bit-length alphabet
 *   symbols  C symbol; for a match also a P symbol and its extra bits
 *
 * Differences from EDK2, all on the strict side and all only for streams
 * EDK2's compressor never writes:
 *   - codes are decoded canonically (counts + sorted symbols, with a direct
 *     lookup for short codes) instead of EDK2's left/right node trees, so
 *     there are no node ids to go out of range;
 *   - the Kraft sum must be exactly 1 without 16-bit wrap (EDK2 accepts an
 *     over-subscribed code whose sum wraps to 0 mod 2^16);
 *   - counts above the alphabet size, single-symbol values outside the
 *     alphabet and zero runs past NC are errors, not silently clamped;
 *   - the P alphabet is NP (14 or 20 symbols, what the compressor writes),
 *     not MAXNP (31), so a P symbol can never ask for a distance beyond the
 *     variant's window.
 */
#include "formats/efi_decompress.h"

#include "formats/decode_count.h"

#include <stdlib.h>
#include <string.h>

#include "formats/span.h"

/* Constants of the format (docs section 3, table). */
enum {
	EFI_NC = 510,           /* 256 literals + match lengths 3..256 */
	EFI_CBIT = 9,           /* bits of the C-length count */
	EFI_NT = 19,            /* alphabet coding the C lengths */
	EFI_TBIT = 5,           /* bits of the T-length count */
	EFI_NPT = 31,           /* largest PT alphabet a count field can name */
	EFI_NP_EFI = 14,        /* EFI 1.1: WNDBIT 13 + 1 */
	EFI_NP_TIANO = 20,      /* Tiano: WNDBIT 19 + 1 */
	EFI_THRESHOLD = 3,      /* shortest match */
	EFI_MAXLEN = 16,        /* longest code length the format allows */
	EFI_C_FAST = 12,        /* direct-lookup bits for the C table (EDK2 uses 12) */
	EFI_PT_FAST = 8,        /* direct-lookup bits for the T and P tables */
	EFI_T_SPECIAL = 3,      /* after the 3rd T length comes a 2-bit zero count */
	EFI_BLOCK_WRAP = 65536, /* block size 0 wraps to 65536 symbols (EDK2 UINT16) */
};

/* ---------------------------------------------------------------------- */
/* Bit reader: MSB first, zero bits past the end (EDK2 FillBuf).          */

/* Where the time goes (issue 17): the decoder spends its time in three
 * places, the bit reader, the Huffman lookup and the match copy. The reader
 * keeps the next bits left-aligned in a 64-bit word and, while 8 bytes of the
 * stream are left, refills with one bounded 8-byte load (span_has checks it)
 * instead of 7 byte reads; only the last 7 bytes and the zero fill past the
 * end go byte by byte. The main loop copies the reader into locals (the
 * helpers are inline, so the compiler keeps it in registers) and writes it
 * back around the cold block-header code. */
struct efi_bits {
	struct span src; /* the CompSize bytes after the header */
	size_t pos;      /* next byte of src to load */
	uint64_t acc;    /* next bits of the stream, left-aligned; below them 0 */
	unsigned have;   /* valid bits in acc (<= 64) */
	uint64_t zfill;  /* zero bytes fed past the end of src */
};

/* Bits consumed so far: loaded (real and zero-fill bytes) minus buffered. */
static inline uint64_t bits_used(const struct efi_bits *b)
{
	return ((uint64_t)b->pos + b->zfill) * 8u - b->have;
}

/* The stream's bytes as a big-endian word; only after span_has(pos, 8). */
static inline uint64_t load_be64(const uint8_t *p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, sizeof(v)); /* one unaligned load; gcc 12 does not fuse the loop below */
	return __builtin_bswap64(v);
#else
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
#endif
}

/* Refills to at least 57 bits. */
static inline void bits_refill(struct efi_bits *b)
{
	if (span_has(&b->src, b->pos, 8)) {
		b->acc |= load_be64(b->src.data + b->pos) >> b->have;
		b->pos += (63u - b->have) >> 3;
		b->have |= 56u;
		return;
	}
	while (b->have <= 56) {
		uint8_t byte;
		/* span_u8 yields 0 past the end: exactly the format's zero fill. */
		if (span_u8(&b->src, b->pos, &byte))
			b->pos++;
		else
			b->zfill++;
		b->acc |= (uint64_t)byte << (56u - b->have);
		b->have += 8;
	}
}

/* Next k bits (1 <= k <= 32) without consuming them. */
static inline uint32_t bits_peek(struct efi_bits *b, unsigned k)
{
	if (b->have < k)
		bits_refill(b);
	return (uint32_t)(b->acc >> (64u - k));
}

/* Consumes k bits (k <= have, so after a bits_peek of at least k bits). */
static inline void bits_skip(struct efi_bits *b, unsigned k)
{
	b->acc <<= k;
	b->have -= k;
}

static inline uint32_t bits_get(struct efi_bits *b, unsigned k)
{
	uint32_t v;
	if (k == 0)
		return 0;
	v = bits_peek(b, k);
	bits_skip(b, k);
	return v;
}

/* ---------------------------------------------------------------------- */
/* Canonical Huffman tables.                                              */

/* Every table is decoded through its direct lookup: fast[next fast_bits
 * bits] = FAST_HIT | symbol << 6 | length (6 bits, so a shift by the
 * entry needs no mask on x86). A single-symbol table (count field 0) fills
 * every slot with its symbol and length 0; an empty table (every length 0)
 * and codes longer than fast_bits leave 0, and the slow canonical walk
 * decides (it finds nothing in an empty table: an error).
 */
enum { FAST_HIT = 0x8000u };

struct efi_huff {
	uint16_t count[EFI_MAXLEN + 1];
	uint16_t sorted[EFI_NC]; /* symbols ordered by (length, symbol) */
	uint16_t fast[1u << EFI_C_FAST];
};

static enum efi_decomp_status huff_set_single(struct efi_huff *h, uint32_t sym, unsigned nsym,
                                              unsigned fast_bits)
{
	/* The compressor writes a single-symbol tree as "count 0, root"; a root
	 * outside the alphabet is a corrupt stream (docs 3.1, "validate v < nn"). */
	if (sym >= nsym)
		return EFI_DECOMP_BAD_TABLE;
	memset(h->count, 0, sizeof(h->count));
	for (uint32_t i = 0; i < (1u << fast_bits); i++)
		h->fast[i] = (uint16_t)(FAST_HIT | sym << 6); /* a 0-bit code */
	return EFI_DECOMP_OK;
}

/* Counts lengths and checks that they form a complete code (Kraft sum == 1).
 * Returns false on a length > 16 or an incomplete / over-subscribed code;
 * sets *empty when every length is 0. */
static bool huff_count(struct efi_huff *h, const uint8_t *len, unsigned nsym, bool *empty)
{
	int32_t left = 1;
	memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < nsym; s++) {
		if (len[s] > EFI_MAXLEN)
			return false;
		h->count[len[s]]++;
	}
	*empty = h->count[0] == nsym;
	if (*empty)
		return true;
	for (unsigned l = 1; l <= EFI_MAXLEN; l++) {
		left = left * 2 - h->count[l];
		if (left < 0)
			return false; /* over-subscribed */
	}
	return left == 0; /* else incomplete (EDK2: Start[17] != 0) */
}

/* Codes are assigned in order of increasing length, then symbol, MSB first:
 * the canonical rule of EDK2 MakeTable (start[l+1] = start[l] + count[l] <<
 * (16 - l)). */
static enum efi_decomp_status huff_build(struct efi_huff *h, const uint8_t *len, unsigned nsym,
                                         unsigned fast_bits)
{
	uint16_t offs[EFI_MAXLEN + 2];
	uint32_t next[EFI_MAXLEN + 1];
	uint32_t code = 0;
	bool empty;

	if (!huff_count(h, len, nsym, &empty))
		return EFI_DECOMP_BAD_TABLE;
	memset(h->fast, 0, sizeof(h->fast[0]) << fast_bits);
	if (empty) {
		h->count[0] = 0; /* the walk finds no code: decoding is an error */
		return EFI_DECOMP_OK;
	}
	offs[1] = 0;
	next[0] = 0;
	for (unsigned l = 1; l <= EFI_MAXLEN; l++) {
		offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
		code = (code + (l > 1 ? h->count[l - 1] : 0u)) << 1;
		next[l] = code;
	}
	for (unsigned s = 0; s < nsym; s++) {
		unsigned l = len[s];
		uint32_t c, first, n;
		if (l == 0)
			continue;
		h->sorted[offs[l]++] = (uint16_t)s;
		c = next[l]++;
		if (l > fast_bits)
			continue;
		/* Every fast_bits-wide prefix that starts with this code. */
		first = c << (fast_bits - l);
		n = 1u << (fast_bits - l);
		for (uint32_t i = 0; i < n; i++)
			h->fast[first + i] = (uint16_t)(FAST_HIT | s << 6 | l);
	}
	return EFI_DECOMP_OK;
}

/* Slow path for codes longer than the direct lookup: walk the lengths,
 * keeping the first code of each length (canonical decoding). */
static bool huff_walk(const struct efi_huff *h, uint32_t bits16, unsigned *sym, unsigned *l_out)
{
	uint32_t first = 0, index = 0;
	for (unsigned l = 1; l <= EFI_MAXLEN; l++) {
		uint32_t code = bits16 >> (EFI_MAXLEN - l);
		uint32_t cnt = h->count[l];
		if (code >= first && code - first < cnt) {
			*sym = h->sorted[index + (code - first)];
			*l_out = l;
			return true;
		}
		index += cnt;
		first = (first + cnt) << 1;
	}
	return false;
}

/* Decodes one symbol; needs at least 16 bits in the reader (the caller
 * refills). fast_bits is a constant at every call site. */
static inline bool huff_decode_have16(const struct efi_huff *h, unsigned fast_bits,
                                      struct efi_bits *b, unsigned *sym)
{
	uint32_t bits16 = (uint32_t)(b->acc >> 48);
	uint32_t e = h->fast[bits16 >> (EFI_MAXLEN - fast_bits)];
	unsigned l;

	if (e != 0) {
		*sym = (e >> 6) & 0x1FFu;
		bits_skip(b, e & 63u);
		return true;
	}
	if (!huff_walk(h, bits16, sym, &l))
		return false; /* an empty table (unreachable for a complete code) */
	bits_skip(b, l);
	return true;
}

static enum efi_decomp_status huff_decode(const struct efi_huff *h, unsigned fast_bits,
                                          struct efi_bits *b, unsigned *sym)
{
	if (b->have < EFI_MAXLEN)
		bits_refill(b);
	return huff_decode_have16(h, fast_bits, b, sym) ? EFI_DECOMP_OK : EFI_DECOMP_BAD_SYMBOL;
}

/* ---------------------------------------------------------------------- */
/* Block header: T, C and P tables.                                       */

struct efi_decoder {
	struct efi_bits bits;
	struct efi_huff t, c, p;
	unsigned pbit; /* 4 or 5 */
	unsigned np;   /* 14 or 20 */
};

/* One PT length: 3 bits, and 7 extends in unary ("1110" = 7, "11110" = 8). */
static enum efi_decomp_status read_pt_len(struct efi_bits *b, uint8_t *out)
{
	uint32_t k = bits_get(b, 3);
	if (k == 7) {
		while (bits_get(b, 1) == 1) {
			k++;
			/* Stop at once: EDK2 scanned up to 28 more bits, and
			 * anything past 16 is rejected anyway (chipsec #430). */
			if (k > EFI_MAXLEN)
				return EFI_DECOMP_BAD_TABLE;
		}
	}
	*out = (uint8_t)k;
	return EFI_DECOMP_OK;
}

/* T (nn = NT, special = 3) or P (nn = NP, no special) lengths. */
static enum efi_decomp_status read_pt_table(struct efi_bits *b, struct efi_huff *h, unsigned nn,
                                            unsigned nbit, unsigned special)
{
	uint8_t len[EFI_NPT] = {0};
	uint32_t n = bits_get(b, nbit);
	unsigned i = 0;

	if (n == 0)
		return huff_set_single(h, bits_get(b, nbit), nn, EFI_PT_FAST);
	if (n > nn)
		return EFI_DECOMP_BAD_TABLE;
	while (i < n) {
		enum efi_decomp_status st = read_pt_len(b, &len[i]);
		if (st != EFI_DECOMP_OK)
			return st;
		i++;
		if (i == special) {
			/* 2 bits: how many of positions 3..5 are zero. */
			uint32_t z = bits_get(b, 2);
			if (i + z > nn)
				return EFI_DECOMP_BAD_TABLE;
			i += z; /* len[] is already zero there */
		}
	}
	return huff_build(h, len, nn, EFI_PT_FAST);
}

/* C lengths, coded with the T table: T 0 = one zero, T 1 = 3..18 zeros,
 * T 2 = 20..531 zeros, T k >= 3 = length k - 2. */
static enum efi_decomp_status read_c_table(struct efi_decoder *d)
{
	uint8_t len[EFI_NC] = {0};
	struct efi_bits *b = &d->bits;
	uint32_t n = bits_get(b, EFI_CBIT);
	unsigned i = 0;

	if (n == 0)
		return huff_set_single(&d->c, bits_get(b, EFI_CBIT), EFI_NC, EFI_C_FAST);
	if (n > EFI_NC)
		return EFI_DECOMP_BAD_TABLE; /* 9 bits can say 511 */
	while (i < n) {
		unsigned t;
		uint32_t run;
		enum efi_decomp_status st = huff_decode(&d->t, EFI_PT_FAST, b, &t);
		if (st != EFI_DECOMP_OK)
			return st;
		if (t > 2) {
			len[i++] = (uint8_t)(t - 2);
			continue;
		}
		if (t == 0)
			run = 1;
		else if (t == 1)
			run = bits_get(b, 4) + 3;
		else
			run = bits_get(b, EFI_CBIT) + 20;
		if (run > EFI_NC - i)
			return EFI_DECOMP_BAD_TABLE; /* zero run past NC */
		i += run;
	}
	return huff_build(&d->c, len, EFI_NC, EFI_C_FAST);
}

static enum efi_decomp_status read_block_header(struct efi_decoder *d, uint32_t *nsym)
{
	enum efi_decomp_status st;
	*nsym = bits_get(&d->bits, 16);
	if (*nsym == 0)
		*nsym = EFI_BLOCK_WRAP; /* EDK2 decrements a UINT16 */
	st = read_pt_table(&d->bits, &d->t, EFI_NT, EFI_TBIT, EFI_T_SPECIAL);
	if (st == EFI_DECOMP_OK)
		st = read_c_table(d);
	if (st == EFI_DECOMP_OK)
		st = read_pt_table(&d->bits, &d->p, d->np, d->pbit, 0);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Main loop.                                                             */

/* Copies a match of mlen bytes from dist + 1 back, never past end. The
 * copy may overlap its own output (dist < mlen): with dist + 1 >= 8 every
 * 8-byte chunk reads bytes already written, so it goes 8 at a time while
 * the whole rounded-up copy stays below end; otherwise byte by byte. */
static inline void copy_match(uint8_t *dst, size_t pos, size_t from, unsigned mlen, size_t end)
{
	size_t avail = end - pos; /* >= mlen */
	if (pos - from >= 8 && avail >= ((size_t)mlen + 7u) / 8u * 8u) {
		for (unsigned i = 0; i < mlen; i += 8)
			memcpy(dst + pos + i, dst + from + i, 8);
		return;
	}
	for (unsigned i = 0; i < mlen; i++)
		dst[pos + i] = dst[from + i];
}

/* Each step emits at least one byte, so the loop ends after at most `end`
 * steps; each block header reads at least 16 bits, so the number of table
 * builds is bounded by the input size plus end / 65536.
 *
 * The reader is refilled (to >= 57 bits) only when it holds fewer bits
 * than the next read needs: a code (<= 16) or a distance's extra bits
 * (<= 18); that is about once every five symbols. */
static enum efi_decomp_status decode_all(struct efi_decoder *d, uint8_t *dst, size_t end,
                                         size_t *out_pos)
{
	uint32_t block_left = 0;
	const uint64_t limit = (uint64_t)d->bits.src.len * 8u;
	struct efi_bits b = d->bits;
	size_t pos = *out_pos;
	enum efi_decomp_status st = EFI_DECOMP_OK;

	while (pos < end) {
		unsigned c, pl;
		uint32_t dist, mlen;
		/* Past CompSize the format reads zero bits (EDK2 FillBuf), and a
		 * zero-bit stream can run on to OrigSize; no well-formed stream
		 * gets here, so stop now instead of making up to 16 MiB. Only a
		 * reader that has fed zero bytes can be past the end. */
		if (b.zfill != 0 && bits_used(&b) > limit) {
			st = EFI_DECOMP_TRUNCATED_STREAM;
			break;
		}
		if (block_left == 0) {
			d->bits = b;
			st = read_block_header(d, &block_left);
			b = d->bits;
			if (st != EFI_DECOMP_OK)
				break;
		}
		block_left--;
		if (b.have < EFI_MAXLEN)
			bits_refill(&b);
		if (!huff_decode_have16(&d->c, EFI_C_FAST, &b, &c)) {
			st = EFI_DECOMP_BAD_SYMBOL;
			break;
		}
		if (c < 256) {
			dst[pos++] = (uint8_t)c;
			/* Up to two more literals straight away, on their own
			 * branches (predicted from the first's outcome), while
			 * the reader holds a whole code; the checks at the top
			 * of the loop hold while the reader is inside the
			 * stream. */
			for (int k = 0; k < 2; k++) {
				uint16_t e;
				if (block_left == 0 || pos == end || b.zfill != 0 ||
				    b.have < EFI_MAXLEN)
					break;
				e = d->c.fast[b.acc >> (64u - EFI_C_FAST)];
				if (!(e & FAST_HIT) || (e >> 6 & 0x1FFu) >= 256)
					break;
				dst[pos++] = (uint8_t)(e >> 6);
				bits_skip(&b, e & 63u);
				block_left--;
			}
			continue;
		}
		/* A match: distance code from P, then its extra bits. */
		if (b.have < EFI_MAXLEN)
			bits_refill(&b);
		if (!huff_decode_have16(&d->p, EFI_PT_FAST, &b, &pl)) {
			st = EFI_DECOMP_BAD_SYMBOL;
			break;
		}
		/* pl < np <= 20, so the extra bits fit in 19 and dist < window. */
		dist = pl;
		if (pl > 1) {
			unsigned k = pl - 1; /* <= 18 extra bits */
			if (b.have < k)
				bits_refill(&b);
			dist = (1u << k) + (uint32_t)(b.acc >> (64u - k));
			bits_skip(&b, k);
		}
		if (dist >= pos) {
			st = EFI_DECOMP_BAD_DISTANCE; /* before the output start */
			break;
		}
		mlen = c - (256u - EFI_THRESHOLD);
		if (mlen > end - pos)
			mlen = (uint32_t)(end - pos);
		copy_match(dst, pos, pos - dist - 1, mlen, end);
		pos += mlen;
	}
	d->bits = b;
	*out_pos = pos;
	return st;
}

/* ---------------------------------------------------------------------- */
/* Public API.                                                            */

const char *efi_decomp_status_str(enum efi_decomp_status st)
{
	switch (st) {
	case EFI_DECOMP_OK:
		return "ok";
	case EFI_DECOMP_TRUNCATED_HEADER:
		return "compressed header truncated";
	case EFI_DECOMP_SIZE_OVERFLOW:
		return "compressed size beyond input";
	case EFI_DECOMP_TOO_LARGE:
		return "original size too large";
	case EFI_DECOMP_DST_TOO_SMALL:
		return "output buffer too small";
	case EFI_DECOMP_BAD_TABLE:
		return "bad huffman table";
	case EFI_DECOMP_BAD_DISTANCE:
		return "copy distance before output start";
	case EFI_DECOMP_BAD_SYMBOL:
		return "bad huffman symbol";
	case EFI_DECOMP_NO_MEMORY:
		return "out of memory";
	case EFI_DECOMP_BAD_VARIANT:
		return "unknown compression variant";
	case EFI_DECOMP_TRUNCATED_STREAM:
		return "stream ends before its declared size";
	}
	return "unknown status";
}

const char *efi_decomp_guess_str(enum efi_decomp_guess g)
{
	switch (g) {
	case EFI_DECOMP_GUESS_EFI:
		return "efi";
	case EFI_DECOMP_GUESS_TIANO:
		return "tiano";
	case EFI_DECOMP_GUESS_AMBIGUOUS:
		return "ambiguous";
	case EFI_DECOMP_GUESS_NONE:
		break;
	}
	return "none";
}

/* The 8-byte container header, as the decoder itself reads it (not counted
 * as a decode of its own: it is part of decompressing). */
static enum efi_decomp_status read_header(const uint8_t *src, size_t src_len, uint32_t *comp_size,
                                          uint32_t *orig_size)
{
	struct span s = span_make(src, src_len);
	uint32_t comp, orig;

	if (comp_size)
		*comp_size = 0;
	if (orig_size)
		*orig_size = 0;
	if (!span_u32le(&s, 0, &comp) || !span_u32le(&s, 4, &orig))
		return EFI_DECOMP_TRUNCATED_HEADER;
	if (comp_size)
		*comp_size = comp;
	if (orig_size)
		*orig_size = orig;
	/* 64-bit sum: CompSize 0xFFFFFFF9 must not wrap to 1 (CVE-2017-573x). */
	if ((uint64_t)comp + EFI_DECOMP_HEADER_SIZE > (uint64_t)s.len)
		return EFI_DECOMP_SIZE_OVERFLOW;
	if (orig > EFI_DECOMP_MAX_ORIG)
		return EFI_DECOMP_TOO_LARGE;
	return EFI_DECOMP_OK;
}

enum efi_decomp_status efi_decomp_info(const uint8_t *src, size_t src_len, uint32_t *comp_size,
                                       uint32_t *orig_size)
{
	FMT_COUNT(FMT_DEC_EFI_DECOMP_INFO, src, 0);
	return read_header(src, src_len, comp_size, orig_size);
}

static enum efi_decomp_status run_decoder(const struct span *stream, unsigned pbit, uint8_t *dst,
                                          size_t end, struct efi_decomp_result *res)
{
	enum efi_decomp_status st;
	/* Not zeroed: every table is built before its first use, and the
	 * reader's fields are set here. */
	struct efi_decoder *d = malloc(sizeof(*d));

	if (!d)
		return EFI_DECOMP_NO_MEMORY;
	memset(&d->bits, 0, sizeof(d->bits));
	d->bits.src = *stream;
	d->pbit = pbit;
	d->np = pbit == EFI_DECOMP_EFI11 ? EFI_NP_EFI : EFI_NP_TIANO;
	st = decode_all(d, dst, end, &res->out_len);
	res->bits_used = bits_used(&d->bits);
	res->overrun = res->bits_used > (uint64_t)stream->len * 8u;
	if (st == EFI_DECOMP_OK && res->overrun)
		st = EFI_DECOMP_TRUNCATED_STREAM; /* the last symbol read past the end */
	free(d);
	return st;
}

enum efi_decomp_status efi_decompress_ex(const uint8_t *src, size_t src_len,
                                         enum efi_decomp_variant v, uint8_t *dst, size_t dst_cap,
                                         struct efi_decomp_result *res)
{
	struct efi_decomp_result local;
	struct span s = span_make(src, src_len), stream;
	enum efi_decomp_status st;

	FMT_COUNT(FMT_DEC_EFI_DECOMPRESS, src, 0);
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (v != EFI_DECOMP_EFI11 && v != EFI_DECOMP_TIANO)
		return EFI_DECOMP_BAD_VARIANT;
	st = read_header(src, src_len, &res->comp_size, &res->orig_size);
	if (st != EFI_DECOMP_OK)
		return st;
	if (res->orig_size == 0)
		return EFI_DECOMP_OK; /* EDK2: nothing to do */
	if (!dst || dst_cap < res->orig_size)
		return EFI_DECOMP_DST_TOO_SMALL;
	if (!span_sub(&s, EFI_DECOMP_HEADER_SIZE, res->comp_size, &stream))
		return EFI_DECOMP_SIZE_OVERFLOW; /* already excluded by info */
	return run_decoder(&stream, (unsigned)v, dst, res->orig_size, res);
}

enum efi_decomp_status efi_decompress(const uint8_t *src, size_t src_len, enum efi_decomp_variant v,
                                      uint8_t *dst, size_t dst_cap, size_t *out_len)
{
	struct efi_decomp_result res;
	enum efi_decomp_status st = efi_decompress_ex(src, src_len, v, dst, dst_cap, &res);
	if (out_len)
		*out_len = res.out_len;
	return st;
}

static bool variant_works(const uint8_t *src, size_t src_len, enum efi_decomp_variant v,
                          uint8_t *buf, size_t cap)
{
	struct efi_decomp_result res;
	return efi_decompress_ex(src, src_len, v, buf, cap, &res) == EFI_DECOMP_OK;
}

enum efi_decomp_guess efi_decomp_guess(const uint8_t *src, size_t src_len)
{
	uint32_t orig;
	uint8_t *buf;
	bool efi, tiano;

	if (efi_decomp_info(src, src_len, NULL, &orig) != EFI_DECOMP_OK)
		return EFI_DECOMP_GUESS_NONE;
	/* One buffer serves both tries: they run one after the other. */
	buf = malloc(orig ? orig : 1);
	if (!buf)
		return EFI_DECOMP_GUESS_NONE;
	efi = variant_works(src, src_len, EFI_DECOMP_EFI11, buf, orig);
	tiano = variant_works(src, src_len, EFI_DECOMP_TIANO, buf, orig);
	free(buf);
	if (efi && tiano)
		return EFI_DECOMP_GUESS_AMBIGUOUS;
	if (efi)
		return EFI_DECOMP_GUESS_EFI;
	return tiano ? EFI_DECOMP_GUESS_TIANO : EFI_DECOMP_GUESS_NONE;
}
