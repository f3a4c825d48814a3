/* Test-only EFI 1.1 / Tiano compressors, written from the format
 * description in docs/formats-pci-amd-efi.md 3.3 (the stream layout the
 * decoder reads; the code choices here are ours, not EDK2's). */
#include "tests/support/efi_encode.h"

#include "tests/support/bytes.h"

#include <stdlib.h>
#include <string.h>

enum {
	HDR_BITS = 64,
	NC = 510,
	THRESHOLD = 3,
	MAXMATCH = 256,
	MAX_BLOCK_SYMS = 65535, /* the 16-bit block count */
	HASH_BITS = 15,
};

void efi_bw_init(struct efi_bw *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->bits = HDR_BITS;
	w->ok = cap >= 8;
	if (w->ok)
		memset(buf, 0, cap);
}

void efi_bw_put(struct efi_bw *w, unsigned nbits, uint32_t value)
{
	for (unsigned i = nbits; i-- > 0;) {
		size_t byte = w->bits / 8;
		if (byte >= w->cap) {
			w->ok = false;
			return;
		}
		if ((value >> i) & 1u)
			w->buf[byte] |= (uint8_t)(0x80u >> (w->bits % 8));
		w->bits++;
	}
}

size_t efi_bw_finish(struct efi_bw *w, uint32_t orig_size)
{
	size_t total;
	while (w->bits % 8 != 0)
		efi_bw_put(w, 1, 0);
	efi_bw_put(w, 8, 0); /* the extra byte EDK2 counts in CompSize */
	if (!w->ok)
		return 0;
	total = w->bits / 8;
	tb_put32(w->buf, 0, (uint32_t)(total - 8));
	tb_put32(w->buf, 4, orig_size);
	return total;
}

size_t efi_encode_bound(size_t n)
{
	/* 9 bits per literal at worst, about 80 bytes of tables per block. */
	return n + n / 7 + 96 * (n / MAX_BLOCK_SYMS + 2) + 64;
}

static unsigned np_of(unsigned pbit)
{
	return pbit == 4 ? 14 : 20;
}

/* One PT length as the format codes it: 3 bits up to 6, unary above. */
static void put_pt_len(struct efi_bw *w, unsigned k)
{
	if (k <= 6)
		efi_bw_put(w, 3, k);
	else
		efi_bw_put(w, k - 3, (1u << (k - 3)) - 2);
}

void efi_put_literal_block(struct efi_bw *w, unsigned pbit, uint32_t nsym)
{
	efi_bw_put(w, 16, nsym);
	efi_bw_put(w, 5, 0);    /* T: single symbol ... */
	efi_bw_put(w, 5, 10);   /* ... 10 = C length 8, 0 bits each */
	efi_bw_put(w, 9, 256);  /* 256 C lengths, all 8 */
	efi_bw_put(w, pbit, 0); /* P: single symbol 0 (never used) */
	efi_bw_put(w, pbit, 0);
}

/* T lengths: symbols 10 (C length 8) and 11 (C length 9), 1 bit each. */
static void put_fixed_t(struct efi_bw *w)
{
	efi_bw_put(w, 5, 12);
	for (unsigned i = 0; i < 3; i++)
		put_pt_len(w, 0);
	efi_bw_put(w, 2, 3); /* positions 3..5 are zero */
	for (unsigned i = 6; i < 10; i++)
		put_pt_len(w, 0);
	put_pt_len(w, 1);
	put_pt_len(w, 1);
}

/* P lengths: EFI 14 symbols = 2 x 3 bits + 12 x 4 bits; Tiano 20 symbols =
 * 12 x 4 bits + 8 x 5 bits. Both sum to a complete code. */
static unsigned fixed_p_len(unsigned pbit, unsigned sym)
{
	if (pbit == 4)
		return sym < 2 ? 3 : 4;
	return sym < 12 ? 4 : 5;
}

void efi_put_fixed_block(struct efi_bw *w, unsigned pbit, uint32_t nsym)
{
	unsigned np = np_of(pbit);
	efi_bw_put(w, 16, nsym);
	put_fixed_t(w);
	efi_bw_put(w, 9, NC);
	for (unsigned s = 0; s < NC; s++)
		efi_bw_put(w, 1, s < 2 ? 0 : 1); /* T 10 = code 0, T 11 = code 1 */
	efi_bw_put(w, pbit, np);
	for (unsigned s = 0; s < np; s++)
		put_pt_len(w, fixed_p_len(pbit, s));
}

void efi_put_code(struct efi_bw *w, const uint8_t *len, unsigned n, unsigned sym)
{
	unsigned count[17] = {0}, l = len[sym];
	uint32_t code = 0;
	for (unsigned s = 0; s < n; s++)
		count[len[s]]++;
	/* The first code of length l: every shorter code before it, each
	 * length's first code the previous one's end, shifted. */
	for (unsigned k = 1; k < l; k++)
		code = (code + count[k]) << 1;
	for (unsigned s = 0; s < sym; s++)
		code += len[s] == l;
	efi_bw_put(w, l, code);
}

/* T lengths for efi_put_block: symbols 0..12 4 bits, 13..18 5 bits
 * (13/16 + 6/32 = 1). */
static const uint8_t t_len[19] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5};

void efi_put_block(struct efi_bw *w, unsigned pbit, uint32_t nsym, const uint8_t *clen,
                   const uint8_t *plen)
{
	unsigned np = np_of(pbit);
	efi_bw_put(w, 16, nsym);
	efi_bw_put(w, 5, 19);
	for (unsigned i = 0; i < 19; i++) {
		put_pt_len(w, t_len[i]);
		if (i == 2)
			efi_bw_put(w, 2, 0); /* no zero among positions 3..5 */
	}
	efi_bw_put(w, 9, NC);
	for (unsigned s = 0; s < NC; s++) /* T 0 = one zero, T k = length k - 2 */
		efi_put_code(w, t_len, 19, clen[s] ? clen[s] + 2u : 0u);
	efi_bw_put(w, pbit, np);
	for (unsigned s = 0; s < np; s++)
		put_pt_len(w, plen[s]);
}

void efi_put_fixed_c(struct efi_bw *w, unsigned c)
{
	/* Canonical codes: symbols 0 and 1 get 00000000 and 00000001; the
	 * 9-bit codes start at (0 + 2) << 1 = 4, so symbol s >= 2 is s + 2. */
	if (c < 2)
		efi_bw_put(w, 8, c);
	else
		efi_bw_put(w, 9, c + 2);
}

static unsigned bit_length(uint32_t v)
{
	unsigned n = 0;
	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

void efi_put_fixed_p(struct efi_bw *w, unsigned pbit, uint32_t dist)
{
	unsigned pl = bit_length(dist), np = np_of(pbit);
	unsigned code = 0, prev = fixed_p_len(pbit, 0);
	/* Canonical code of symbol pl: the fixed lengths never decrease with
	 * the symbol, so codes are consecutive, shifted left at each longer
	 * length. */
	for (unsigned s = 0; s < np; s++) {
		unsigned l = fixed_p_len(pbit, s);
		code <<= l - prev;
		prev = l;
		if (s == pl)
			break;
		code++;
	}
	efi_bw_put(w, fixed_p_len(pbit, pl), code);
	if (pl > 1)
		efi_bw_put(w, pl - 1, dist - (1u << (pl - 1)));
}

size_t efi_encode_literal(const uint8_t *in, size_t n, unsigned pbit, uint8_t *out, size_t cap)
{
	struct efi_bw w;
	size_t i = 0;
	efi_bw_init(&w, out, cap);
	while (i < n) {
		size_t blk = n - i < MAX_BLOCK_SYMS ? n - i : MAX_BLOCK_SYMS;
		efi_put_literal_block(&w, pbit, (uint32_t)blk);
		for (size_t k = 0; k < blk; k++)
			efi_bw_put(&w, 8, in[i + k]);
		i += blk;
	}
	return efi_bw_finish(&w, (uint32_t)n);
}

size_t efi_encode_tokens(const struct efi_token *tok, size_t ntok, unsigned pbit,
                         uint32_t orig_size, uint8_t *out, size_t cap)
{
	struct efi_bw w;
	size_t i = 0;
	efi_bw_init(&w, out, cap);
	while (i < ntok) {
		size_t blk = ntok - i < MAX_BLOCK_SYMS ? ntok - i : MAX_BLOCK_SYMS;
		efi_put_fixed_block(&w, pbit, (uint32_t)blk);
		for (size_t k = 0; k < blk; k++) {
			const struct efi_token *t = &tok[i + k];
			if (t->len == 0) {
				efi_put_fixed_c(&w, t->lit);
				continue;
			}
			efi_put_fixed_c(&w, t->len + 256u - THRESHOLD);
			efi_put_fixed_p(&w, pbit, t->dist);
		}
		i += blk;
	}
	return efi_bw_finish(&w, orig_size);
}

static uint32_t hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Greedy tokenizer: one candidate per 3-byte hash, the most recent. */
static size_t tokenize(const uint8_t *in, size_t n, unsigned pbit, struct efi_token *tok)
{
	size_t *head = calloc((size_t)1 << HASH_BITS, sizeof(*head)); /* pos + 1 */
	size_t maxdist = ((size_t)1 << (np_of(pbit) - 1)) - 1, pos = 0, nt = 0;
	if (!head)
		return 0;
	while (pos < n) {
		size_t best = 0, cand = 0;
		if (pos + THRESHOLD <= n) {
			uint32_t h = hash3(in + pos);
			cand = head[h];
			head[h] = pos + 1;
		}
		if (cand != 0 && pos - (cand - 1) - 1 <= maxdist) {
			size_t from = cand - 1;
			while (best < MAXMATCH && pos + best < n &&
			       in[from + best] == in[pos + best])
				best++;
		}
		if (best >= THRESHOLD) {
			tok[nt].len = (unsigned)best;
			tok[nt].dist = (uint32_t)(pos - (cand - 1) - 1);
			nt++;
			pos += best;
		} else {
			tok[nt].len = 0;
			tok[nt].lit = in[pos];
			nt++;
			pos++;
		}
	}
	free(head);
	return nt;
}

size_t efi_encode_lz(const uint8_t *in, size_t n, unsigned pbit, uint8_t *out, size_t cap)
{
	struct efi_token *tok = malloc((n ? n : 1) * sizeof(*tok));
	size_t nt, r;
	if (!tok)
		return 0;
	nt = tokenize(in, n, pbit, tok);
	r = efi_encode_tokens(tok, nt, pbit, (uint32_t)n, out, cap);
	free(tok);
	return r;
}

size_t efi_encode_run(uint8_t first, unsigned pbit, uint32_t orig_size, uint8_t *out, size_t cap)
{
	struct efi_bw w;
	efi_bw_init(&w, out, cap);
	efi_put_literal_block(&w, pbit, 1);
	efi_bw_put(&w, 8, first);
	efi_bw_put(&w, 16, 0); /* 0 = 65536 symbols */
	efi_bw_put(&w, 5, 0);  /* T: single symbol 0 (no C lengths follow) */
	efi_bw_put(&w, 5, 0);
	efi_bw_put(&w, 9, 0); /* C: single symbol 509 = a 256-byte copy, 0 bits */
	efi_bw_put(&w, 9, 509);
	efi_bw_put(&w, pbit, 0); /* P: single symbol 0 = distance 0, 0 bits */
	efi_bw_put(&w, pbit, 0);
	return efi_bw_finish(&w, orig_size);
}
