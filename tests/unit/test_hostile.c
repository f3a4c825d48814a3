/* The hostile-input matrix (issue #5, point 3): truncations, bit flips and
 * lying fields, through rom_analyze. Every result must be a coherent report
 * (verdict set, findings when not ready, offsets inside the file) and the
 * specific mutations must give their specific findings.
 *
 * Inputs: synthetic ROMs from tests/support/rom_builder (the whole matrix,
 * every byte), and real files read at run time, never copied into the repo:
 * $OPTROM_CORPUS (default OPTROM_DEFAULT_CORPUS), the .rom files of
 * /usr/lib/ipxe/qemu and the vgabios-*.bin files of /usr/share/seabios. Real files get a sampled
 * matrix (see real_truncations and real_flips) so the suite stays fast under ASan.
 *
 * Every mutated buffer is placed so that its last byte is followed by a
 * PROT_NONE page: a read past the end faults even in a build without ASan.
 */
/* nftw (XSI) and MAP_ANONYMOUS (not in POSIX 2008). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include "tests/support/findings.h"
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "analyzer/analyze.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"

#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OPTROM_DEFAULT_CORPUS
#define OPTROM_DEFAULT_CORPUS ""
#endif

/* ------------------------------------------------------------------ */
/* Guarded buffers and the coherence check                            */

struct guarded {
	uint8_t *map;
	size_t maplen;
	uint8_t *data; /* len bytes, ending right before a PROT_NONE page */
};

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

static void guard_alloc(struct guarded *g, const uint8_t *src, size_t len)
{
	size_t pg = page_size();
	size_t body = (len + pg - 1) / pg * pg;
	g->maplen = body + pg;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(g->map != MAP_FAILED, "mmap: %s", strerror(errno));
	cr_assert(mprotect(g->map + body, pg, PROT_NONE) == 0, "mprotect: %s", strerror(errno));
	g->data = g->map + body - len;
	if (len)
		memcpy(g->data, src, len);
}

static void guard_free(struct guarded *g)
{
	munmap(g->map, g->maplen);
}

/* The report is large (three image lists): one, off the stack. */
static struct rom_analysis *rep; /* the last analysis analyze() made */

static bool valid_verdict(enum rom_verdict v)
{
	/* README "Exit codes": the verdict's value is `optrom check`'s exit
	 * status (0 ready, 1 fixable, 3 broken). */
	return v == VERDICT_READY || v == VERDICT_FIXABLE || v == VERDICT_BROKEN;
}

static void check_coherent(const struct rom_analysis *r, size_t len, const char *what)
{
	cr_assert(valid_verdict(r->verdict), "%s: verdict %d is not 0, 1 or 3", what,
	          (int)r->verdict);
	cr_assert_eq(r->size, len, "%s: report size %llu, file %zu", what,
	             (unsigned long long)r->size, len);
	cr_assert(r->verdict == VERDICT_READY || r->findings.n > 0,
	          "%s: verdict %s without a finding", what, report_verdict_name(r->verdict));
	cr_assert(r->findings.n <= FINDINGS_MAX && r->chain.n <= REPORT_MAX_IMAGES &&
	              r->nvidia.n <= REPORT_MAX_IMAGES && r->n_other <= REPORT_MAX_IMAGES,
	          "%s: a count exceeds its array", what);
	cr_assert(!r->has_rom || r->rom_offset < len, "%s: ROM offset 0x%zx outside %zu bytes",
	          what, r->rom_offset, len);
	cr_assert(r->chain.end <= len, "%s: chain end 0x%zx past the end (%zu)", what, r->chain.end,
	          len);
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct finding *f = &r->findings.items[i];
		cr_assert((unsigned)f->id < FINDING_COUNT, "%s: finding %zu has no id", what, i);
		cr_assert(f->message[0], "%s: finding %s has no message", what,
		          finding_name(f->id));
		/* An offset equal to the size names the end of the file. */
		cr_assert(!f->has_offset || f->offset <= len,
		          "%s: finding %s at 0x%llx is outside the %zu-byte file", what,
		          finding_name(f->id), (unsigned long long)f->offset, len);
		cr_assert(f->image >= -1 && f->image < REPORT_MAX_IMAGES,
		          "%s: finding %s names image %d", what, finding_name(f->id), f->image);
	}
	for (size_t i = 0; i < r->chain.n; i++)
		cr_assert(r->chain.images[i].offset < len,
		          "%s: image %zu at 0x%zx outside the file", what, i,
		          r->chain.images[i].offset);
}

/* Analyzes a guarded copy of len bytes of src and checks the report; the
 * caller frees it. */
static struct rom_analysis *analyze_owned(const uint8_t *src, size_t len, const char *what)
{
	struct guarded g;
	struct rom_analysis *a;
	guard_alloc(&g, src, len);
	a = rom_analyze(len ? g.data : NULL, len, what);
	guard_free(&g);
	cr_assert_not_null(a, "%s: out of memory", what);
	check_coherent(a, len, what);
	return a;
}

/* The same, kept until the next call. */
static const struct rom_analysis *analyze(const uint8_t *src, size_t len, const char *what)
{
	rom_analysis_free(rep);
	rep = analyze_owned(src, len, what);
	return rep;
}

static bool has(const struct rom_analysis *r, const char *id)
{
	return find_named(r, id) != NULL;
}

static const char *ids(const struct rom_analysis *r)
{
	static char buf[1024];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->findings.n && n + 1 < sizeof(buf); i++) {
		int k = snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
		                 finding_name(r->findings.items[i].id));
		if (k < 0)
			break;
		n += (size_t)k;
	}
	return buf;
}

#define expect_id(r, id, what)                                                                     \
	cr_expect(has((r), (id)), "%s: expected finding %s, found [%s] (verdict %s)", (what),      \
	          (id), ids(r), report_verdict_name((r)->verdict))

#define expect_verdict(r, v, what)                                                                 \
	cr_expect_eq((r)->verdict, (v), "%s: verdict %s, expected %s [%s]", (what),                \
	             report_verdict_name((r)->verdict), report_verdict_name(v), ids(r))

/* ------------------------------------------------------------------ */
/* Synthetic fixtures                                                 */

/* x86 (4 blocks) + EFI (4 blocks, last): the iPXE efi-*.rom shape. */
static void two_image(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x8086, 0x100E, 4, false);
	rb_add_efi(b, 0x8086, 0x100E, 4, true);
}

/* NVIDIA-like: x86 with NPDE, a 'VN' private image with NPDE, an EFI image
 * whose NPDE says last. */
static void nvidia_rom(struct rb *b)
{
	struct rb_image_opts o = rb_x86_opts(0x10DE, 0x1B80, 4, false);
	rb_init(b);
	o.npde = true;
	rb_add_image(b, &o);
	rb_add_nv_private(b, 0x1B80, 2);
	o = rb_efi_opts(0x10DE, 0x1B80, 2, true);
	o.npde = true;
	o.npde_last = true;
	rb_add_image(b, &o);
}

/* x86 + EFI whose payload at 0x50 is an EFI 1.1-compressed stream. */
static void compressed_efi_rom(struct rb *b, size_t *efi_off)
{
	uint8_t pe[0x400], z[0x800];
	struct rb_image_opts o = rb_efi_opts(0x1002, 0x67DF, 3, true);
	size_t m;
	rb_make_pe_driver(pe, true);
	m = efi_encode_lz(pe, sizeof(pe), 4, z, sizeof(z));
	cr_assert(m > 0 && m + 0x50 <= 0x600);
	rb_init(b);
	rb_add_x86(b, 0x1002, 0x67DF, 2, false);
	o.efi_compression = 1;
	*efi_off = rb_add_image(b, &o);
	memcpy(b->data + *efi_off + 0x50, z, m);
}

/* 55AA, size byte, checksum, PCIR pointer 0: SeaBIOS vgabios-isavga. */
static void isa_rom(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x1234, 0x1111, 2, true);
	rb_put16(b, 0x18, 0);
	rb_balance(b, 0, 6);
}

struct fixture {
	const char *name;
	struct rb b;
	size_t rom_offset; /* where the ROM starts (after a container) */
	size_t end;        /* end of the ROM's images */
};

enum { N_FIXTURES = 7 };

static void fixtures(struct fixture *f)
{
	size_t efi_off;
	two_image(&f[0].b);
	f[0].name = "two-image";
	nvidia_rom(&f[1].b);
	f[1].name = "nvidia-like";
	for (unsigned v = 1; v <= 3; v++) {
		struct fixture *x = &f[1 + v];
		static const char *const names[] = {"nvgi-v1", "nvgi-v2", "nvgi-v3"};
		two_image(&x->b);
		x->name = names[v - 1];
		x->rom_offset = v == 3 ? 0x1200 : 0x400;
		rb_prepend_nvgi(&x->b, v, x->rom_offset);
	}
	isa_rom(&f[5].b);
	f[5].name = "isa";
	compressed_efi_rom(&f[6].b, &efi_off);
	f[6].name = "efi-compressed";
	for (int i = 0; i < N_FIXTURES; i++) {
		if (i < 2 || i > 4)
			f[i].rom_offset = 0;
		f[i].end = f[i].b.len;
	}
}

static void free_fixtures(struct fixture *f)
{
	for (int i = 0; i < N_FIXTURES; i++)
		rb_free(&f[i].b);
}

/* ------------------------------------------------------------------ */
/* Synthetic: truncation at every byte                                */

Test(hostile, synthetic_fixtures_are_as_built)
{
	struct fixture f[N_FIXTURES];
	fixtures(f);
	for (int i = 0; i < N_FIXTURES; i++) {
		const struct rom_analysis *r = analyze(f[i].b.data, f[i].b.len, f[i].name);
		if (i == 5) {
			expect_id(r, "isa-rom-no-pcir", f[i].name);
			continue;
		}
		cr_expect(r->has_rom && r->rom_offset == f[i].rom_offset,
		          "%s: ROM at 0x%zx, expected 0x%zx", f[i].name, r->rom_offset,
		          f[i].rom_offset);
		cr_expect(r->verdict != VERDICT_BROKEN, "%s: intact fixture is broken [%s]",
		          f[i].name, ids(r));
	}
	free_fixtures(f);
}

Test(hostile, synthetic_truncation_every_byte)
{
	struct fixture f[N_FIXTURES];
	char what[128];
	fixtures(f);
	for (int i = 0; i < N_FIXTURES; i++) {
		size_t end = analyze(f[i].b.data, f[i].b.len, f[i].name)->chain.end;
		if (i == 5)
			end = f[i].b.len; /* ISA: no chain, the checksum covers all */
		for (size_t len = 0; len < f[i].b.len; len++) {
			const struct rom_analysis *r;
			(void)snprintf(what, sizeof(what), "%s cut at 0x%zx", f[i].name, len);
			r = analyze(f[i].b.data, len, what);
			/* Past the standard chain's end (the NVIDIA-like fixture's
			 * private images) only coherence is required. */
			if (len >= end)
				continue;
			/* Nothing cut short is usable as is. */
			cr_expect(r->verdict == VERDICT_BROKEN, "%s: verdict %s [%s]", what,
			          report_verdict_name(r->verdict), ids(r));
			if (len < 2 + f[i].rom_offset) {
				if (len < 2)
					expect_id(r, "no-rom", what);
				continue;
			}
			if (i == 5) /* ISA: the checksum no longer covers */
				continue;
			/* A ROM at offset 0 cut anywhere after its signature, or
			 * a contained ROM cut after its first PCIR: the report
			 * says the image is truncated. */
			if (f[i].rom_offset == 0 || len >= f[i].rom_offset + 0x1C + 0x18)
				expect_id(r, "image-truncated", what);
			else
				cr_expect(has(r, "image-truncated") || has(r, "no-rom"),
				          "%s: expected image-truncated or no-rom [%s]", what,
				          ids(r));
		}
	}
	free_fixtures(f);
}

/* ------------------------------------------------------------------ */
/* Synthetic: every bit of the first 0x200 bytes of every image       */

Test(hostile, synthetic_bit_flips_in_headers)
{
	struct fixture f[N_FIXTURES];
	char what[160];
	fixtures(f);
	for (int i = 0; i < N_FIXTURES; i++) {
		struct rb *b = &f[i].b;
		struct rom_analysis *orig = analyze_owned(b->data, b->len, f[i].name);
		/* The container header too, for the NVGI fixtures. */
		for (size_t k = 0; k <= orig->chain.n; k++) {
			size_t start = k < orig->chain.n ? orig->chain.images[k].offset : 0;
			bool x86 = k < orig->chain.n &&
			           rom_node_of(orig, &orig->chain.images[k])->pcir.code_type == 0 &&
			           rom_node_of(orig, &orig->chain.images[k])->checksum.present;
			if (k == orig->chain.n && orig->rom_offset == 0)
				break;
			size_t pcir =
			    k < orig->chain.n
			        ? start + rom_node_of(orig, &orig->chain.images[k])->hdr.pcir_offset
			        : 0;
			for (size_t off = start; off < start + 0x200 && off < b->len; off++) {
				/* Every bit of the 55AA header, the PCIR and the
				 * NPDE after it; one bit (rotating) elsewhere. */
				bool all = off < start + 0x1C || (off >= pcir && off < pcir + 0x30);
				for (unsigned bit = all ? 0 : off % 8;
				     bit < (all ? 8 : off % 8 + 1); bit++) {
					const struct rom_analysis *r;
					/* A code type that makes the image
					 * something other than x86 leaves nothing
					 * to checksum (docs/fuzzing.md). */
					bool exempt = k < orig->chain.n && off == pcir + 0x14;
					b->data[off] ^= (uint8_t)(1u << bit);
					(void)snprintf(what, sizeof(what),
					               "%s: bit %u of 0x%zx flipped", f[i].name,
					               bit, off);
					r = analyze(b->data, b->len, what);
					b->data[off] ^= (uint8_t)(1u << bit);
					/* A flip inside a checksummed x86 image
					 * can never leave it ready. */
					if (x86 && !exempt && orig->verdict == VERDICT_READY)
						cr_expect(r->verdict != VERDICT_READY,
						          "%s: still ready", what);
				}
			}
		}
		rom_analysis_free(orig);
	}
	free_fixtures(f);
}

/* ------------------------------------------------------------------ */
/* Synthetic: specific lying fields                                   */

Test(hostile, pcir_pointer_ffff_and_past_the_end)
{
	static const uint16_t ptrs[] = {0xFFFF, 0xFFFC, 0x1000, 0x0FFC, 0x0800};
	char what[128];
	for (size_t img = 0; img < 2; img++) {
		for (size_t p = 0; p < sizeof(ptrs) / sizeof(ptrs[0]); p++) {
			struct rb b;
			const struct rom_analysis *r;
			size_t off = img * 0x800;
			two_image(&b);
			rb_put16(&b, off + 0x18, ptrs[p]);
			(void)snprintf(what, sizeof(what), "image %zu PCIR pointer 0x%04x", img,
			               ptrs[p]);
			r = analyze(b.data, b.len, what);
			/* Image 0's PCIR survives and its length ends where
			 * image 1 starts: a damaged header, restored by fix
			 * since the checksum balances with the pointer back. */
			if (img == 0)
				expect_id(r, "image-header-damaged", what);
			else if (off + ptrs[p] + 4 > b.len)
				cr_expect(has(r, "pcir-out-of-range") || has(r, "image-truncated"),
				          "%s: expected pcir-out-of-range or image-truncated [%s]",
				          what, ids(r));
			if (img == 0)
				expect_verdict(r, VERDICT_FIXABLE, what);
			else
				cr_expect(r->verdict != VERDICT_READY, "%s: ready", what);
			rb_free(&b);
		}
	}
}

Test(hostile, pcir_pointer_misaligned_and_zero)
{
	struct rb b;
	const struct rom_analysis *r;
	two_image(&b);
	rb_put16(&b, 0x18, 0x1E);
	r = analyze(b.data, b.len, "PCIR pointer 0x1E");
	/* the PCIR at 0x1C survives: a damaged header, not a misaligned one */
	expect_id(r, "image-header-damaged", "PCIR pointer 0x1E");
	expect_verdict(r, VERDICT_FIXABLE, "PCIR pointer 0x1E");
	rb_put16(&b, 0x818, 0);
	rb_put16(&b, 0x18, 0x1C);
	r = analyze(b.data, b.len, "image 1 PCIR pointer 0");
	expect_id(r, "pcir-out-of-range", "image 1 PCIR pointer 0");
	rb_free(&b);
}

Test(hostile, image_length_zero_and_ffff)
{
	char what[128];
	for (size_t img = 0; img < 2; img++) {
		struct rb b;
		const struct rom_analysis *r;
		size_t pcir_len_off = img * 0x800 + 0x1C + 0x10;
		two_image(&b);
		rb_put16(&b, pcir_len_off, 0);
		(void)snprintf(what, sizeof(what), "image %zu length 0", img);
		r = analyze(b.data, b.len, what);
		expect_id(r, "image-length-zero", what);
		expect_verdict(r, VERDICT_BROKEN, what);

		rb_put16(&b, pcir_len_off, 0xFFFF);
		(void)snprintf(what, sizeof(what), "image %zu length 0xFFFF", img);
		r = analyze(b.data, b.len, what);
		expect_id(r, "image-truncated", what);
		expect_verdict(r, VERDICT_BROKEN, what);
		rb_free(&b);
	}
}

Test(hostile, size_byte_zero)
{
	struct rb b;
	const struct rom_analysis *r;
	two_image(&b);
	rb_put8(&b, 2, 0);
	r = analyze(b.data, b.len, "size byte 0");
	expect_id(r, "size-byte-zero", "size byte 0");
	expect_verdict(r, VERDICT_BROKEN, "size byte 0");
	rb_free(&b);
}

Test(hostile, more_images_than_the_cap)
{
	struct rb b;
	const struct rom_analysis *r;
	rb_init(&b);
	for (int i = 0; i < REPORT_MAX_IMAGES + 8; i++)
		rb_add_x86(&b, 0x1234, 0x1111, 1, false);
	r = analyze(b.data, b.len, "40 images");
	expect_id(r, "too-many-images", "40 images");
	expect_verdict(r, VERDICT_BROKEN, "40 images");
	cr_expect_eq(r->chain.n, REPORT_MAX_IMAGES);
	rb_free(&b);
}

/* NPDE sub-image lengths of 0, 1 (into the middle of its own image), past
 * the end, and last bits that never end the chain: the NVIDIA walk must
 * stop, inside its cap, with a coherent report. */
Test(hostile, npde_lengths_that_loop)
{
	static const uint16_t lens[] = {0, 1, 2, 3, 0x7FFF, 0xFFFF};
	char what[128];
	for (size_t img = 0; img < 3; img++) {
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			struct rb b;
			const struct rom_analysis *r;
			size_t off;
			nvidia_rom(&b);
			off = img == 0 ? 0 : img == 1 ? 0x800 : 0xC00;
			/* NPDE at align16(0x1C + 0x1C) = 0x40 (see rom_builder). */
			cr_assert(memcmp(b.data + off + 0x40, "NPDE", 4) == 0);
			rb_put16(&b, off + 0x40 + 8, lens[k]);
			for (size_t j = 0; j < 3; j++) /* no image says last */
				rb_put8(&b, (j == 0 ? 0 : j == 1 ? 0x800 : 0xC00) + 0x40 + 0x0A, 0);
			(void)snprintf(what, sizeof(what), "image %zu NPDE length 0x%04x", img,
			               lens[k]);
			r = analyze(b.data, b.len, what);
			cr_expect(r->nvidia.n <= REPORT_MAX_IMAGES, "%s", what);
			for (size_t i = 1; i < r->nvidia.n; i++)
				cr_expect(r->nvidia.images[i].offset >
				              r->nvidia.images[i - 1].offset,
				          "%s: NVIDIA walk revisits 0x%zx", what,
				          r->nvidia.images[i].offset);
			/* The NPDE structure's own length field lies too. */
			rb_put16(&b, off + 0x40 + 6, (uint16_t)(k & 1 ? 0xFFFF : 0));
			analyze(b.data, b.len, what);
			rb_free(&b);
		}
	}
}

/* NVGI fields that point past the end: the ROM is still found by the scan
 * and the report says the container could not be followed. */
Test(hostile, nvgi_sizes_past_the_end)
{
	struct mut {
		unsigned version;
		size_t off;
		uint32_t value;
	};
	static const struct mut muts[] = {
	    {1, 0x14, 0xFFFFFFF0u},                 /* ROM offset */
	    {2, 0x14, 0x00100000u},                 /* ROM offset past the end */
	    {2, 0x14, 0x00000402u},                 /* ROM offset misaligned */
	    {1, 0x04, (0x7FFFu << 16) | (1u << 8)}, /* fixed data size 0x7FFF */
	    {2, 0x08, 0x000FFFFFu},                 /* total data size */
	    {3, 0x08, 0xFFFFFF00u},                 /* flash status offset */
	    {3, 0x04, (0x7FF0u << 16) | (3u << 8)}, /* fixed data size */
	    {3, 0x1008, 0xFFFFFFFCu},               /* RFRD: ROM offset */
	    {3, 0x1006, 0xFFFFu},                   /* RFRD size */
	};
	char what[128];
	for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		struct rb b;
		const struct rom_analysis *r;
		size_t prefix = muts[i].version == 3 ? 0x1200 : 0x400;
		two_image(&b);
		rb_prepend_nvgi(&b, muts[i].version, prefix);
		rb_put32(&b, muts[i].off, muts[i].value);
		(void)snprintf(what, sizeof(what), "NVGI v%u: 0x%x at 0x%zx", muts[i].version,
		               muts[i].value, muts[i].off);
		r = analyze(b.data, b.len, what);
		cr_expect(r->has_rom && r->rom_offset == prefix, "%s: ROM at 0x%zx", what,
		          r->rom_offset);
		expect_id(r, "data-before-rom", what);
		cr_expect(r->verdict != VERDICT_READY, "%s: ready", what);
		/* Whole file the same, but cut inside the ROM: never ready. */
		r = analyze(b.data, prefix + 0x100, what);
		expect_verdict(r, VERDICT_BROKEN, what);
		rb_free(&b);
	}
}

/* EFI image headers whose offsets and sizes lie, and compressed payloads
 * whose sizes lie. */
Test(hostile, efi_offsets_that_lie)
{
	struct mut {
		size_t rel;
		unsigned width;
		uint32_t value;
	};
	static const struct mut muts[] = {
	    {0x16, 2, 0xFFFF},                         /* EfiImageHeaderOffset */
	    {0x16, 2, 0x0000},      {0x16, 2, 0x0600}, /* exactly the image length */
	    {0x16, 2, 0x05FF},      {0x02, 2, 0xFFFF}, /* InitializationSize */
	    {0x02, 2, 0x0000},      {0x0C, 2, 0x0002}, /* unknown compression */
	    {0x50, 4, 0xFFFFFFF0u},                    /* CompSize */
	    {0x54, 4, 0xFFFFFFFFu},                    /* OrigSize */
	    {0x54, 4, 0x01000000u},                    /* OrigSize 16 MiB: the decoder's cap */
	    {0x54, 4, 0x00100000u},                    /* OrigSize 1 MiB */
	    {0x54, 4, 0x00000001u},                    /* OrigSize shorter than the stream */
	    {0x58, 4, 0xFFFFFFFFu},                    /* the first Huffman table */
	};
	char what[128];
	for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		struct rb b;
		size_t efi;
		const struct rom_analysis *r;
		compressed_efi_rom(&b, &efi);
		if (muts[i].width == 2)
			rb_put16(&b, efi + muts[i].rel, (uint16_t)muts[i].value);
		else
			rb_put32(&b, efi + muts[i].rel, muts[i].value);
		(void)snprintf(what, sizeof(what), "EFI +0x%zx = 0x%x", muts[i].rel, muts[i].value);
		r = analyze(b.data, b.len, what);
		cr_expect_eq(r->chain.n, 2, "%s: %zu images", what, r->chain.n);
		/* An OrigSize larger than the stream can fill makes the decoder
		 * read past CompSize: a damaged driver, never ready. */
		if (muts[i].rel == 0x54 && muts[i].value >= 0x00100000u &&
		    muts[i].value != 0xFFFFFFFFu)
			cr_expect_not_null(find_named(r, "efi-decompress-failed"), "%s", what);
		/* The EFI image cut around its header and payload, with the lie
		 * in place (not for the 16 MiB OrigSize: each analysis of it
		 * decodes 16 MiB, see docs/fuzzing.md "Known gaps"). */
		static const size_t rel[] = {1, 0x19, 0x1A, 0x50, 0x58, 0x5C, 0x100, 0x5FF};
		for (size_t k = 0; k < sizeof(rel) / sizeof(rel[0]); k++)
			if (muts[i].value != 0x01000000u)
				analyze(b.data, efi + rel[k], what);
		rb_free(&b);
	}
}

/* ------------------------------------------------------------------ */
/* Real files, read at run time                                       */

#define MAX_REAL 256

static char *real_paths[MAX_REAL];
static size_t n_real;

static bool rom_name(const char *p)
{
	size_t n = strlen(p);
	return (n > 4 && (strcmp(p + n - 4, ".rom") == 0 || strcmp(p + n - 4, ".bin") == 0));
}

static int add_real(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode) && rom_name(path) && n_real < MAX_REAL)
		real_paths[n_real++] = strdup(path);
	return 0;
}

static void add_glob(const char *pattern)
{
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc && n_real < MAX_REAL; i++)
		real_paths[n_real++] = strdup(g.gl_pathv[i]);
	globfree(&g);
}

static void find_real(void)
{
	const char *corpus = getenv("OPTROM_CORPUS");
	if (!corpus || !corpus[0])
		corpus = OPTROM_DEFAULT_CORPUS;
	struct stat st;
	n_real = 0;
	if (corpus[0] && stat(corpus, &st) != 0)
		expect_note_skip("corpus folder %s is absent: real vendor dumps skipped", corpus);
	else if (corpus[0] && nftw(corpus, add_real, 16, FTW_PHYS) != 0)
		cr_log_warn("corpus %s not readable: real vendor dumps skipped", corpus);
	add_glob("/usr/lib/ipxe/qemu/*.rom");
	add_glob("/usr/share/seabios/vgabios-*.bin");
}

static void free_real(void)
{
	for (size_t i = 0; i < n_real; i++)
		free(real_paths[i]);
	n_real = 0;
}

/* Analysis cost grows with the file size: the number of mutations per file
 * is a budget of bytes analyzed (HOSTILE_BUDGET per file per test, at least
 * 6 mutations), so a 2 MiB dump gets a sample and a 40 KiB iPXE ROM the
 * full matrix. */
#if defined(__SANITIZE_ADDRESS__)
#define HOSTILE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTILE_ASAN 1
#endif
#endif
#ifdef HOSTILE_ASAN
/* ASan makes each analysis of a large dump several times slower (EFI
 * drivers are decompressed on every run): a smaller budget keeps the
 * sanitized suite short; the plain build runs the larger one. */
#define HOSTILE_BUDGET (1u << 20)
#else
#define HOSTILE_BUDGET (6u << 20)
#endif

static size_t budget(size_t len, size_t full)
{
	size_t n = HOSTILE_BUDGET / (len ? len : 1);
	if (n < 6)
		n = 6;
	return n < full ? n : full;
}

static void add_cut(size_t *cuts, size_t *n, size_t cap, size_t v, size_t len)
{
	if (v < len && *n < cap)
		cuts[(*n)++] = v;
}

/* Structure boundaries of every image of a report, and around them. */
static void boundaries(const struct rom_analysis *r, size_t len, size_t *cuts, size_t *n,
                       size_t cap)
{
	const struct rom_image *lists[3] = {r->chain.images, r->nvidia.images, r->other_images};
	size_t counts[3] = {r->chain.n, r->nvidia.n, r->n_other};
	if (r->has_rom && r->rom_offset) {
		add_cut(cuts, n, cap, r->rom_offset - 1, len);
		add_cut(cuts, n, cap, r->rom_offset + 1, len);
	}
	add_cut(cuts, n, cap, r->chain.end - (r->chain.end ? 1 : 0), len);
	add_cut(cuts, n, cap, len - 1, len);
#ifdef HOSTILE_ASAN
	const int n_lists = 1; /* the standard chain only */
#else
	const int n_lists = 3;
#endif
	for (int l = 0; l < n_lists; l++) {
		for (size_t i = 0; i < counts[l] && i < 4; i++) {
			const struct rom_image *im = &lists[l][i];
			size_t pcir = im->offset + rom_node_of(r, im)->hdr.pcir_offset;
			static const size_t rel[] = {0, 1, 2, 3, 0x19, 0x1A};
			for (size_t k = 0; k < sizeof(rel) / sizeof(rel[0]); k++)
				add_cut(cuts, n, cap, im->offset + rel[k], len);
			add_cut(cuts, n, cap, pcir, len);
			add_cut(cuts, n, cap, pcir + 2, len);
			add_cut(cuts, n, cap, pcir + 0x17, len);
			add_cut(cuts, n, cap, pcir + 0x18, len);
			if (im->length) {
				add_cut(cuts, n, cap, im->offset + im->length - 1, len);
				add_cut(cuts, n, cap, im->offset + im->length, len);
				add_cut(cuts, n, cap, im->offset + im->length / 2, len);
			}
		}
	}
}

static void real_truncations(const char *path, const uint8_t *data, size_t len)
{
	struct rom_analysis *orig;
	enum { CAP = 512 };
	size_t cuts[CAP], n = 0, samples;
	char what[1200];
	orig = analyze_owned(data, len, path);
	boundaries(orig, len, cuts, &n, CAP);
	/* Every 512 bytes when affordable, else an even sample. */
	samples = budget(len, (len + 511) / 512);
	for (size_t i = 0; i < samples; i++) {
		size_t v = samples == (len + 511) / 512 ? i * 512 : (len / samples) * i + 0x123;
		add_cut(cuts, &n, CAP, v, len);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rom_analysis *r;
		size_t cut = cuts[i];
		(void)snprintf(what, sizeof(what), "%s cut at 0x%zx", path, cut);
		r = analyze(data, cut, what);
		if (!orig->has_rom || cut >= orig->chain.end)
			continue;
		/* Cut before the end of the chain: never ready. */
		cr_expect(r->verdict != VERDICT_READY, "%s: ready [%s]", what, ids(r));
		if (orig->rom_offset == 0 && cut >= 2) {
			expect_id(r, "image-truncated", what);
			expect_verdict(r, VERDICT_BROKEN, what);
		}
	}
	rom_analysis_free(orig);
}

static void real_flips(const char *path, uint8_t *data, size_t len)
{
	struct rom_analysis *orig;
	/* Header and PCIR bytes first (every bit), then the rest of the first
	 * 0x200 bytes (one bit each), as far as the budget goes. */
	enum { CAP = 8192 };
	static size_t pos[CAP];
	static uint8_t bits[CAP];
	size_t n = 0, todo, stride;
	char what[1200];
	orig = analyze_owned(data, len, path);
	for (size_t k = 0; k < orig->chain.n && k < 4; k++) {
		const struct rom_image *im = &orig->chain.images[k];
		for (size_t b = 0; b < 0x1C && n + 8 <= CAP; b++)
			for (unsigned bit = 0; bit < 8; bit++) {
				pos[n] = im->offset + b;
				bits[n++] = (uint8_t)bit;
			}
		for (size_t b = 0; b < 0x1C && n + 8 <= CAP; b++)
			for (unsigned bit = 0; bit < 8; bit++) {
				pos[n] = im->offset + rom_node_of(orig, im)->hdr.pcir_offset + b;
				bits[n++] = (uint8_t)bit;
			}
		for (size_t b = 0x1C; b < 0x200 && n < CAP; b++) {
			pos[n] = im->offset + b;
			bits[n++] = (uint8_t)(b % 8);
		}
	}
	if (orig->has_rom && orig->rom_offset > 0)
		for (size_t b = 0; b < 0x40 && b < orig->rom_offset && n + 8 <= CAP; b++)
			for (unsigned bit = 0; bit < 8; bit++) {
				pos[n] = b;
				bits[n++] = (uint8_t)bit;
			}
	todo = budget(len, n);
	/* Spread the budget over the whole list. */
	stride = todo ? (n + todo - 1) / todo : 1;
	for (size_t i = 0; i < n; i += stride) {
		size_t p = pos[i];
		if (p >= len)
			continue;
		data[p] ^= (uint8_t)(1u << bits[i]);
		(void)snprintf(what, sizeof(what), "%s: bit %u of 0x%zx flipped", path, bits[i], p);
		analyze(data, len, what);
		data[p] ^= (uint8_t)(1u << bits[i]);
	}
	rom_analysis_free(orig);
}

static void each_real(void (*fn)(const char *, uint8_t *, size_t))
{
	size_t done = 0;
	find_real();
	if (n_real == 0) {
		free_real();
		cr_skip_test("no real ROM files: set OPTROM_CORPUS (default %s) or install "
		             "ipxe-qemu / seabios",
		             OPTROM_DEFAULT_CORPUS);
	}
	for (size_t i = 0; i < n_real; i++) {
		size_t len = 0;
		uint8_t *data = tb_read_file(real_paths[i], &len);
		if (!data) {
			cr_log_warn("%s: unreadable, skipped", real_paths[i]);
			continue;
		}
		fn(real_paths[i], data, len);
		free(data);
		done++;
	}
	cr_log_info("%zu real files", done);
	free_real();
}

static void trunc_fn(const char *p, uint8_t *d, size_t n)
{
	real_truncations(p, d, n);
}

Test(hostile, real_files_truncated, .timeout = 600)
{
	each_real(trunc_fn);
}

Test(hostile, real_files_bit_flips, .timeout = 600)
{
	each_real(real_flips);
}
