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
 *     variant's window;
 *   - a stream that needs bits past CompSize is cut (EDK2 reads zero bits
 *     there).
 *
 * After the last symbol the decoder does what EDK2 does (edk2_block_header):
 * the bits there are ignored, except after a literal that fills the output
 * at the end of its block, where EDK2 reads one more block header (zero
 * bits past CompSize) and refuses the stream when that header is bad.
 */
#include "formats/efi_decompress.h"

#include "formats/decode_count.h"

#include <stdlib.h>
#include <string.h>

#include "formats/span.h"

/* Where the compiler allows it: decode_token is written once and forced
 * into both loops (fast and careful), and the fast loop and the slow
 * Huffman walk are kept out of line, so the hot loop is a function of its
 * own that calls nothing on its common path and whose state fits in
 * registers (issue 17: inlined into its caller, gcc kept the output
 * position and the block count on the stack). */
#if defined(__GNUC__)
#define EFI_ALWAYS_INLINE inline __attribute__((always_inline))
#define EFI_NOINLINE      __attribute__((noinline))
#else
#define EFI_ALWAYS_INLINE inline
#define EFI_NOINLINE
#endif

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
 * end go byte by byte. The hot loop (decode_fast) copies the reader into
 * locals (the helpers are inline, so the compiler keeps it in registers)
 * and refills without a branch right after each table lookup
 * (decode_token); block headers and the end of the stream use the struct
 * and the careful refill. */
struct efi_bits {
	struct span src; /* the CompSize bytes after the header */
	size_t pos;      /* next byte of src to load */
	/* The next bits of the stream, left-aligned. Below them: zeros, or
	 * the next bits of the byte at pos (an 8-byte load brings whole
	 * bytes in but counts only what fits), which the next load ORs in
	 * again at the same place. */
	uint64_t acc;
	unsigned have;  /* valid bits in acc (<= 64) */
	uint64_t zfill; /* zero bytes fed past the end of src */
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

/* The hot loop's refill, only where span_has(pos, 8) holds (bits_refill,
 * decode_fast): one 8-byte load and no branch, to 56..63 bits. have <= 63
 * here (only the careful byte path below reaches 64, and only within 8
 * bytes of the end, where the hot loop does not run), so the shift is
 * defined. */
static inline void bits_refill_fast(struct efi_bits *b)
{
	b->acc |= load_be64(b->src.data + b->pos) >> b->have;
	b->pos += (63u - b->have) >> 3;
	b->have |= 56u;
}

/* Refills to at least 56 bits, wherever the reader is. */
static inline void bits_refill(struct efi_bits *b)
{
	if (span_has(&b->src, b->pos, 8)) {
		bits_refill_fast(b);
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
		uint16_t entry;
		if (l == 0)
			continue;
		h->sorted[offs[l]++] = (uint16_t)s;
		c = next[l]++;
		if (l > fast_bits)
			continue;
		/* Every fast_bits-wide prefix that starts with this code: n
		 * slots from first, n a power of two and first a multiple of
		 * n, so four at a time (one 8-byte store) when n >= 4. A
		 * block's C table fills up to 4096 slots; this was most of
		 * the time of a table build. */
		first = c << (fast_bits - l);
		n = 1u << (fast_bits - l);
		entry = (uint16_t)(FAST_HIT | s << 6 | l);
		if (n >= 4) {
			uint64_t four = entry * UINT64_C(0x0001000100010001);
			for (uint32_t i = 0; i < n; i += 4)
				memcpy(&h->fast[first + i], &four, sizeof(four));
		} else {
			for (uint32_t i = 0; i < n; i++)
				h->fast[first + i] = entry;
		}
	}
	return EFI_DECOMP_OK;
}

/* Slow path for codes longer than the direct lookup: walk the lengths,
 * keeping the first code of each length (canonical decoding). Returns the
 * code as a direct-lookup entry (FAST_HIT | symbol << 6 | length), or 0
 * when no code matches (an empty table). */
static EFI_NOINLINE uint32_t huff_walk(const struct efi_huff *h, uint32_t bits16)
{
	uint32_t first = 0, index = 0;
	for (unsigned l = 1; l <= EFI_MAXLEN; l++) {
		uint32_t code = bits16 >> (EFI_MAXLEN - l);
		uint32_t cnt = h->count[l];
		if (code >= first && code - first < cnt)
			return FAST_HIT | (uint32_t)h->sorted[index + (code - first)] << 6 | l;
		index += cnt;
		first = (first + cnt) << 1;
	}
	return 0;
}

/* Decoding one symbol is a lookup of the next fast_bits bits (huff_peek,
 * at least 16 bits in the reader) and then taking the code (huff_take).
 * Only a code longer than fast_bits (rare: the compressor gives them to
 * rare symbols) takes the walk. The hot loop refills between the two: the
 * lookup needs only bits the reader already holds, so it does not wait for
 * the load. fast_bits is a constant at every call site. */
static inline uint32_t huff_peek(const struct efi_huff *h, unsigned fast_bits,
                                 const struct efi_bits *b)
{
	return h->fast[b->acc >> (64u - fast_bits)];
}

static inline bool huff_take(const struct efi_huff *h, struct efi_bits *b, uint32_t e,
                             unsigned *sym)
{
	if (e == 0) {
		e = huff_walk(h, (uint32_t)(b->acc >> 48));
		if (e == 0)
			return false; /* an empty table (unreachable for a complete code) */
	}
	*sym = (e >> 6) & 0x1FFu;
	bits_skip(b, e & 63u);
	return true;
}

static enum efi_decomp_status huff_decode(const struct efi_huff *h, unsigned fast_bits,
                                          struct efi_bits *b, unsigned *sym)
{
	if (b->have < EFI_MAXLEN)
		bits_refill(b);
	return huff_take(h, b, huff_peek(h, fast_bits, b), sym) ? EFI_DECOMP_OK
	                                                        : EFI_DECOMP_BAD_SYMBOL;
}

/* ---------------------------------------------------------------------- */
/* Block header: T, C and P tables.                                       */

struct efi_decoder {
	struct efi_bits bits;
	struct efi_huff t, c, p;
	unsigned pbit; /* 4 or 5 */
	unsigned np;   /* 14 or 20 */
	/* Where decode_all stopped: symbols left in the block, and whether the
	 * last token was a literal (edk2_block_header). */
	uint32_t block_left;
	bool last_literal;
	/* A T or P table had a code longer than 8 bits: EDK2 then built tree
	 * nodes from 19 or 31 up (MakeTable allocates from NumOfChar, C's from
	 * 510), which edk2_block_header may read again. */
	bool pt_long;
};

/* One PT length: 3 bits, and 7 extends in unary ("1110" = 7, "11110" = 8).
 * With edk2 set, EDK2's ReadPTLen: the ones are counted in the 29 bits after
 * the first 3 (at most 36, 33 bits read) and no length is refused here
 * (MakeTable refuses one above 16 among the lengths it uses). */
static enum efi_decomp_status read_pt_len(struct efi_bits *b, uint8_t *out, const bool edk2)
{
	uint32_t k;

	if (edk2) {
		uint32_t w;
		if (b->have < 33)
			bits_refill(b);
		w = (uint32_t)(b->acc >> 32);
		k = w >> 29;
		if (k == 7)
			for (uint32_t m = 1u << 28; (m & w) != 0; m >>= 1)
				k++;
		bits_skip(b, k < 7 ? 3 : k - 3);
		*out = (uint8_t)k;
		return EFI_DECOMP_OK;
	}
	k = bits_get(b, 3);
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

/* The n (1..31) T (special = 3) or P (no special) lengths into len[] (zero
 * on entry, EFI_NPT entries). Strict: at most nn lengths. With edk2 set,
 * EDK2's ReadPTLen: up to EFI_NPT lengths whatever nn (MakeTable then uses
 * the first nn) and a zero run cut at EFI_NPT. */
static enum efi_decomp_status read_pt_lens(struct efi_bits *b, uint8_t *len, uint32_t n,
                                           unsigned nn, unsigned special, const bool edk2)
{
	unsigned i = 0;

	if (n > (edk2 ? (unsigned)EFI_NPT : nn))
		return EFI_DECOMP_BAD_TABLE;
	while (i < n) {
		enum efi_decomp_status st = read_pt_len(b, &len[i], edk2);
		if (st != EFI_DECOMP_OK)
			return st;
		i++;
		if (i == special) {
			/* 2 bits: how many of positions 3..5 are zero. */
			uint32_t z = bits_get(b, 2);
			if (edk2 && z > EFI_NPT - i)
				z = EFI_NPT - i;
			if (i + z > (edk2 ? (unsigned)EFI_NPT : nn))
				return EFI_DECOMP_BAD_TABLE;
			i += z; /* len[] is already zero there */
		}
	}
	return EFI_DECOMP_OK;
}

/* T (nn = NT, special = 3) or P (nn = NP, no special) lengths. */
static enum efi_decomp_status read_pt_table(struct efi_bits *b, struct efi_huff *h, unsigned nn,
                                            unsigned nbit, unsigned special)
{
	uint8_t len[EFI_NPT] = {0};
	uint32_t n = bits_get(b, nbit);
	enum efi_decomp_status st;

	if (n == 0)
		return huff_set_single(h, bits_get(b, nbit), nn, EFI_PT_FAST);
	st = read_pt_lens(b, len, n, nn, special, false);
	return st == EFI_DECOMP_OK ? huff_build(h, len, nn, EFI_PT_FAST) : st;
}

/* The zeros a T symbol t <= 2 stands for among the C lengths: T 0 = one
 * zero, T 1 = 3..18 zeros, T 2 = 20..531 zeros. */
static uint32_t c_zero_run(struct efi_bits *b, unsigned t)
{
	if (t == 0)
		return 1;
	if (t == 1)
		return bits_get(b, 4) + 3;
	return bits_get(b, EFI_CBIT) + 20;
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
		run = c_zero_run(b, t);
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
	/* A single-symbol table leaves count[] zero. */
	for (unsigned l = EFI_PT_FAST + 1; l <= EFI_MAXLEN; l++)
		d->pt_long |= d->t.count[l] != 0 || d->p.count[l] != 0;
	return st;
}

/* ---------------------------------------------------------------------- */
/* After the last symbol: the block header EDK2 reads there.              */

/* EDK2's 8-bit T/P table (mPTTable) and its tree nodes (mLeft, mRight), as
 * far as optrom knows them after the last block: EDK2_UNSET where they hold
 * what older tables left and optrom did not keep. */
enum { EDK2_NODES = 2 * EFI_NC - 1, EDK2_UNSET = 0xFFFFu, EDK2_TABLE = 1u << EFI_PT_FAST };

struct edk2_pt {
	uint16_t table[EDK2_TABLE];
	uint16_t left[EDK2_NODES], right[EDK2_NODES];
};

/* What EDK2's table and nodes hold before the new T table is built: the
 * table the last P table (complete or single-symbol codes: d->p's lookup;
 * slots of longer codes hold tree nodes not kept here); the nodes below
 * NT are 0 (MakeTable of a complete code never writes them), and so are
 * those below NC unless a T or P table had codes over 8 bits (MakeTable
 * allocates nodes from NumOfChar: 19, 31, and 510 for C). */
static void edk2_pt_init(struct edk2_pt *pt, const struct efi_decoder *d)
{
	for (unsigned i = 0; i < EDK2_TABLE; i++)
		pt->table[i] = d->p.fast[i] != 0 ? (uint16_t)((d->p.fast[i] >> 6) & 0x1FFu)
		                                 : (uint16_t)EDK2_UNSET;
	for (unsigned i = 0; i < EDK2_NODES; i++)
		pt->left[i] = pt->right[i] =
		    i < EFI_NT || (i < EFI_NC && !d->pt_long) ? 0 : (uint16_t)EDK2_UNSET;
}

/* EDK2's MakeTable with an 8-bit table (T and P) on n lengths: refused
 * (EFI_DECOMP_TRAILING_DATA) for a length above 16, a sum of 2^(16 -
 * length) that is not a multiple of 2^16 (its UINT16 Start[17]), or a code
 * of 8 bits or fewer past slot 255; so an empty code, and an over-
 * subscribed one whose sum wraps, pass, and fill the table in symbol order,
 * a later code overwriting an earlier one. With pt, the table and the
 * nodes are built as EDK2 builds them (EFI_DECOMP_TRAILING_UNDECIDED when
 * that reads a slot optrom does not know). */
static enum efi_decomp_status edk2_make_table(const uint8_t *len, unsigned n, struct edk2_pt *pt)
{
	uint32_t count[EFI_MAXLEN + 1] = {0}, start[EFI_MAXLEN + 2], sum = 0;
	unsigned avail = n;

	for (unsigned s = 0; s < n; s++) {
		if (len[s] > EFI_MAXLEN)
			return EFI_DECOMP_TRAILING_DATA;
		count[len[s]]++;
	}
	for (unsigned l = 1; l <= EFI_MAXLEN + 1; l++) {
		start[l] = sum & 0xFFFFu;
		if (l <= EFI_MAXLEN)
			sum += count[l] << (EFI_MAXLEN - l);
	}
	if (start[EFI_MAXLEN + 1] != 0)
		return EFI_DECOMP_TRAILING_DATA;
	for (unsigned l = 1; l <= EFI_PT_FAST; l++)
		start[l] >>= EFI_MAXLEN - EFI_PT_FAST;
	if (pt && (start[EFI_PT_FAST + 1] >> 8) != 0)
		for (unsigned i = start[EFI_PT_FAST + 1] >> 8; i < EDK2_TABLE; i++)
			pt->table[i] = 0;
	for (unsigned s = 0; s < n; s++) {
		unsigned l = len[s];
		uint16_t *slot;
		uint32_t code;
		if (l == 0)
			continue;
		if (l <= EFI_PT_FAST) {
			uint32_t next = start[l] + (1u << (EFI_PT_FAST - l));
			if (next > EDK2_TABLE)
				return EFI_DECOMP_TRAILING_DATA;
			for (uint32_t i = start[l]; pt && i < next; i++)
				pt->table[i] = (uint16_t)s;
			start[l] = next;
			continue;
		}
		code = start[l];
		start[l] = (start[l] + (1u << (EFI_MAXLEN - l))) & 0xFFFFu;
		if (!pt)
			continue;
		slot = &pt->table[code >> 8];
		for (unsigned k = l - EFI_PT_FAST; k != 0; k--) {
			if (*slot == EDK2_UNSET)
				return EFI_DECOMP_TRAILING_UNDECIDED;
			if (*slot == 0 && avail < EDK2_NODES) {
				pt->left[avail] = pt->right[avail] = 0;
				*slot = (uint16_t)avail++;
			}
			if (*slot < EDK2_NODES)
				slot = (code & 0x80u) != 0 ? &pt->right[*slot] : &pt->left[*slot];
			code = (code << 1) & 0xFFFFu;
		}
		*slot = (uint16_t)s;
	}
	return EFI_DECOMP_OK;
}

/* One T symbol as EDK2's ReadCLen decodes it: the slot of the next 8 bits,
 * then, while the value is not a T symbol, a tree node (left or right by
 * the next bits), then the symbol's length read. */
static enum efi_decomp_status edk2_t_symbol(const struct edk2_pt *pt, const uint8_t *tlen,
                                            struct efi_bits *b, unsigned *sym)
{
	uint32_t w, v;

	if (b->have < 32)
		bits_refill(b);
	w = (uint32_t)(b->acc >> 32);
	v = pt->table[w >> 24];
	for (uint32_t mask = 1u << 23, steps = 0; v >= EFI_NT; mask >>= 1, steps++) {
		if (v == EDK2_UNSET || v >= EDK2_NODES || steps >= EDK2_NODES)
			return EFI_DECOMP_TRAILING_UNDECIDED;
		v = (w & mask) != 0 ? pt->right[v] : pt->left[v];
	}
	bits_skip(b, tlen[v]);
	*sym = v;
	return EFI_DECOMP_OK;
}

/* EDK2's Decode checks the output bound of a literal only before writing
 * it, so after a literal that fills the output it calls DecodeC once more;
 * after a match that fills it, it stops. That symbol cannot fail in its
 * block, but when the literal ended its block DecodeC first reads a block
 * header from the bits after it (zero bits past CompSize), with EDK2's
 * rules: ReadPTLen for T (NT, any count up to 31, single symbol any of
 * 0..31), ReadCLen (a bad C table is not refused, but its lengths are read
 * through the T code, which places the P table), ReadPTLen for P (MAXNP =
 * 31 symbols). The stream is refused when MakeTable refuses the T or the P
 * table. Called once per stream, after the output is made: returns OK,
 * EFI_DECOMP_TRAILING_DATA (EDK2 refuses) or EFI_DECOMP_TRAILING_UNDECIDED
 * (EDK2 would read tables of older blocks optrom did not keep). */
static enum efi_decomp_status edk2_block_header(struct efi_decoder *d)
{
	struct efi_bits *b = &d->bits;
	struct edk2_pt pt;
	uint8_t len[EFI_NPT] = {0};
	enum efi_decomp_status st;
	uint32_t n;
	unsigned i = 0;

	(void)bits_get(b, 16); /* the block size */
	edk2_pt_init(&pt, d);
	n = bits_get(b, EFI_TBIT);
	if (n == 0) {
		/* Every slot names one value (a symbol >= NT names a node). */
		uint16_t sym = (uint16_t)bits_get(b, EFI_TBIT);
		for (unsigned k = 0; k < EDK2_TABLE; k++)
			pt.table[k] = sym;
	} else {
		if (read_pt_lens(b, len, n, EFI_NT, EFI_T_SPECIAL, true) != EFI_DECOMP_OK)
			return EFI_DECOMP_TRAILING_DATA; /* not reached: n <= 31 */
		st = edk2_make_table(len, EFI_NT, &pt);
		if (st != EFI_DECOMP_OK)
			return st;
	}
	n = bits_get(b, EFI_CBIT);
	if (n == 0)
		(void)bits_get(b, EFI_CBIT);
	while (i < n && i < EFI_NC) {
		unsigned t;
		uint32_t run;
		st = edk2_t_symbol(&pt, len, b, &t);
		if (st != EFI_DECOMP_OK)
			return st;
		if (t > 2) {
			i++;
			continue;
		}
		run = c_zero_run(b, t);
		i += run < EFI_NC - i ? run : EFI_NC - i;
	}
	n = bits_get(b, d->pbit);
	if (n == 0) {
		(void)bits_get(b, d->pbit);
		return EFI_DECOMP_OK;
	}
	memset(len, 0, sizeof(len));
	if (read_pt_lens(b, len, n, EFI_NPT, 0, true) != EFI_DECOMP_OK)
		return EFI_DECOMP_TRAILING_DATA; /* not reached: n <= 31 */
	return edk2_make_table(len, EFI_NPT, NULL);
}

/* ---------------------------------------------------------------------- */
/* Main loop.                                                             */

enum {
	EFI_MAXMATCH = 256,  /* longest match (C symbol 509) */
	EFI_COPY_CHUNK = 16, /* the fast copy's unit; EFI_MAXMATCH is a multiple */
	EFI_FAST_IN = 16,    /* stream bytes for a token's two 8-byte refills */
};

/* A match of mlen bytes starting off (= distance + 1) bytes back, in the
 * fast loop, where at least EFI_MAXMATCH bytes of output are left. A match
 * may overlap its own output (off < mlen), and the format defines the copy
 * byte by byte (docs 3.1), so a chunk may only read bytes already final:
 * with off >= 16 every 16-byte chunk does, and most matches (3..16 bytes,
 * 97% on the corpus) are one chunk, one load and one store. Chunks round the
 * copy up to a multiple of their size, writing at most 256 bytes (the room
 * the fast loop keeps); the bytes past mlen are overwritten by what follows.
 * off < 8 (2% of matches: runs) goes byte by byte. */
static EFI_ALWAYS_INLINE void copy_match_fast(uint8_t *out, size_t off, unsigned mlen)
{
	const uint8_t *from = out - off;
	unsigned i = 0;

	if (off >= EFI_COPY_CHUNK) {
		do {
			memcpy(out + i, from + i, EFI_COPY_CHUNK);
			i += EFI_COPY_CHUNK;
		} while (i < mlen);
	} else if (off >= 8) {
		do {
			memcpy(out + i, from + i, 8);
			i += 8;
		} while (i < mlen);
	} else {
		for (; i < mlen; i++)
			out[i] = from[i];
	}
}

/* The same copy near the end of the output: exactly mlen bytes, which the
 * caller has already cut to what is left before OrigSize. */
static inline void copy_match_exact(uint8_t *out, size_t off, unsigned mlen)
{
	const uint8_t *from = out - off;
	for (unsigned i = 0; i < mlen; i++)
		out[i] = from[i];
}

/* One symbol of table h, in either loop (decode_token): the careful loop
 * refills first when the reader holds fewer than 16 bits; the hot one
 * refills right after the lookup, which the bits held already serve. */
static EFI_ALWAYS_INLINE bool decode_sym(const struct efi_huff *h, unsigned fast_bits,
                                         struct efi_bits *b, const bool fast, unsigned *sym)
{
	uint32_t e;

	if (!fast && b->have < EFI_MAXLEN)
		bits_refill(b);
	e = huff_peek(h, fast_bits, b);
	if (fast)
		bits_refill_fast(b);
	return huff_take(h, b, e, sym);
}

/* Decodes one token (a literal, or a match) of the current block at *pos.
 * Written once, compiled twice:
 *
 * fast = true, from decode_fast: at least EFI_MAXMATCH bytes of output are
 * left, so no write checks a bound or cuts a match, and the copy may round
 * up to its chunk; 16 stream bytes are left, room for this token's two
 * branch-free 8-byte refills. The reader holds >= 16 bits on entry (and on
 * return), enough for the lookup of a code, and is refilled (to >= 56 bits)
 * right after each lookup, before the code is taken: the C code, and for a
 * match the P code and its extra bits (<= 16 + 18 bits after the second
 * refill). A lookup thus never waits for a load.
 *
 * fast = false, near the end: refills whenever a read needs more bits (byte
 * by byte near the end of the stream, zero bits past it) and cuts a match
 * at OrigSize.
 *
 * Both decode the same tokens with the same tables and the same checks (a
 * code from an empty table, a distance before the output start), so the
 * output and the status cannot depend on where the hand-over falls. */
static EFI_ALWAYS_INLINE enum efi_decomp_status decode_token(const struct efi_decoder *d,
                                                             struct efi_bits *b, uint8_t *dst,
                                                             size_t end, size_t *pos,
                                                             const bool fast, bool *literal)
{
	unsigned c, pl, k;
	uint32_t dist, mlen;

	if (!decode_sym(&d->c, EFI_C_FAST, b, fast, &c))
		return EFI_DECOMP_BAD_SYMBOL;
	if (!fast)
		*literal = c < 256;
	if (c < 256) {
		dst[(*pos)++] = (uint8_t)c;
		return EFI_DECOMP_OK;
	}
	/* A match: length from C, distance code from P, then its extra bits. */
	if (!decode_sym(&d->p, EFI_PT_FAST, b, fast, &pl))
		return EFI_DECOMP_BAD_SYMBOL;
	/* The distance is pl for pl 0 and 1, else 2^(pl-1) plus pl - 1 more
	 * bits (docs 3.1, DecodeP). pl < np <= 20, so k <= 18 and dist < the
	 * variant's window; the shift in two steps reads no bit for k = 0. */
	k = pl > 1 ? pl - 1 : 0;
	if (!fast && b->have < k)
		bits_refill(b);
	dist = (pl > 1 ? 1u << k : pl) + (uint32_t)((b->acc >> 1) >> (63u - k));
	bits_skip(b, k);
	if (dist >= *pos)
		return EFI_DECOMP_BAD_DISTANCE; /* before the output start */
	mlen = c - (256u - EFI_THRESHOLD);
	if (fast) {
		copy_match_fast(dst + *pos, (size_t)dist + 1u, mlen);
	} else {
		if (mlen > end - *pos)
			mlen = (uint32_t)(end - *pos); /* OrigSize cuts the match */
		copy_match_exact(dst + *pos, (size_t)dist + 1u, mlen);
	}
	*pos += mlen;
	return EFI_DECOMP_OK;
}

/* The hot loop (issue 17): the tokens of the current block while a whole
 * token's bounds hold, checked once per token:
 *   - EFI_FAST_IN (16) stream bytes are left at the reader's byte position
 *     (span_has), room for the token's two branch-free 8-byte refills
 *     (each moves the position by at most 7 bytes); the zero fill past
 *     CompSize is never reached here;
 *   - EFI_MAXMATCH bytes of output are left, so neither a literal nor a
 *     longest match (rounded up to the copy chunk) writes at or past
 *     OrigSize.
 * Neither can hold again once it fails (the reader and the output only move
 * forward). A block header ends the loop, and the only call left in it is
 * the out-of-line walk for a code longer than the direct lookup, so its
 * state stays in registers. */
static EFI_NOINLINE enum efi_decomp_status decode_fast(const struct efi_decoder *d,
                                                       struct efi_bits *bits, uint8_t *dst,
                                                       size_t end, size_t *out_pos,
                                                       uint32_t *block_io)
{
	struct efi_bits b = *bits;
	size_t pos = *out_pos;
	uint32_t block_left = *block_io;
	enum efi_decomp_status st = EFI_DECOMP_OK;
	size_t in_last, out_last;

	if (end < EFI_MAXMATCH || !span_has(&b.src, 0, EFI_FAST_IN))
		return EFI_DECOMP_OK;
	/* b.pos <= in_last is span_has(&b.src, b.pos, EFI_FAST_IN), and pos <=
	 * out_last leaves EFI_MAXMATCH bytes, each one comparison. */
	in_last = b.src.len - EFI_FAST_IN;
	out_last = end - EFI_MAXMATCH;
	if (block_left == 0 || pos > out_last || b.pos > in_last)
		return EFI_DECOMP_OK;
	bits_refill_fast(&b); /* >= 16 bits for the first lookup */
	while (block_left != 0 && pos <= out_last && b.pos <= in_last) {
		block_left--;
		st = decode_token(d, &b, dst, end, &pos, true, NULL);
		if (st != EFI_DECOMP_OK)
			break;
	}
	*bits = b;
	*out_pos = pos;
	*block_io = block_left;
	return st;
}

/* Block headers, the fast loop while its bounds hold, and one careful token
 * at a time near the end. Each token emits at least one byte, so the loop
 * ends after at most `end` tokens; each block header reads at least 16
 * bits, so the number of table builds is bounded by the input size plus
 * end / 65536. Leaves in d where it stopped: the symbols left in the block
 * and whether the last token was a literal (the fast loop never fills the
 * output with one: it keeps EFI_MAXMATCH bytes). */
static enum efi_decomp_status decode_all(struct efi_decoder *d, uint8_t *dst, size_t end,
                                         size_t *out_pos)
{
	const uint64_t limit = (uint64_t)d->bits.src.len * 8u;
	uint32_t block_left = 0;
	enum efi_decomp_status st = EFI_DECOMP_OK;
	bool literal = false;

	while (*out_pos < end) {
		/* Past CompSize the format reads zero bits (EDK2 FillBuf), and a
		 * zero-bit stream can run on to OrigSize; no well-formed stream
		 * gets here, so stop now instead of making up to 16 MiB. Only a
		 * reader that has fed zero bytes can be past the end. */
		if (d->bits.zfill != 0 && bits_used(&d->bits) > limit) {
			st = EFI_DECOMP_TRUNCATED_STREAM;
			break;
		}
		if (block_left == 0) {
			st = read_block_header(d, &block_left);
			if (st != EFI_DECOMP_OK)
				break;
		}
		st = decode_fast(d, &d->bits, dst, end, out_pos, &block_left);
		if (st != EFI_DECOMP_OK)
			break;
		if (block_left == 0 || *out_pos == end) {
			literal = false; /* a new block, or done with a match */
			continue;
		}
		block_left--;
		st = decode_token(d, &d->bits, dst, end, out_pos, false, &literal);
		if (st != EFI_DECOMP_OK)
			break;
	}
	d->block_left = block_left;
	d->last_literal = literal;
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
	case EFI_DECOMP_TRAILING_DATA:
		return "bad block header after the last symbol";
	case EFI_DECOMP_TRAILING_UNDECIDED:
		return "block header after the last symbol needs older tables";
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
	d->pt_long = false;
	st = decode_all(d, dst, end, &res->out_len);
	res->bits_used = bits_used(&d->bits);
	res->overrun = res->bits_used > (uint64_t)stream->len * 8u;
	if (st == EFI_DECOMP_OK && res->overrun)
		st = EFI_DECOMP_TRUNCATED_STREAM; /* the last symbol read past the end */
	if (st == EFI_DECOMP_OK && d->last_literal && d->block_left == 0)
		st = edk2_block_header(d);
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
