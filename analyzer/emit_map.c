/* A picture of the file: one line to scale, each character a slice of the
 * file, marked by what the analysis found there (prefix, each image by
 * type, padding, data, damaged and missing parts), with a legend naming
 * the marks it uses. Reads the tree only. */
#include "analyzer/emit.h"
#include "formats/pci_rom.h"

#include <string.h>

#define MAP_CELLS 64

/* Marks, from least to most important: in a slice that several regions
 * touch, the most important wins (so one damaged block, or the prefix that
 * fix strips, still shows in a large file), and among regions of the same
 * rank the one covering more bytes. */
enum mark {
	MARK_NONE = 0,
	MARK_PADDING, /* . 0xFF/0x00 after the chain */
	MARK_DATA,    /* d bytes no image explains (outranked by padding) */
	MARK_PREFIX,  /* P container or unknown bytes before the ROM */
	MARK_ISA,     /* i ISA-style ROM (no PCI data structure) */
	MARK_X86,     /* x */
	MARK_EFI,     /* e */
	MARK_NVIDIA,  /* n NVIDIA private image */
	MARK_OTHER,   /* o another code type */
	MARK_DAMAGED, /* ! bad checksum, driver or PE that does not decode */
	MARK_MISSING, /* ~ past the end of the file: an image's missing part */
	MARK_COUNT
};

static const struct {
	char c;
	int rank;
	const char *name;
	const char *color;
} marks[MARK_COUNT] = {
    [MARK_NONE] = {' ', 0, "", ""},
    [MARK_PADDING] = {'.', 2, "padding", "\033[2m"},
    [MARK_DATA] = {'d', 1, "data", ""},
    [MARK_PREFIX] = {'P', 5, "prefix", "\033[33m"},
    [MARK_ISA] = {'i', 4, "ISA ROM", "\033[32m"},
    [MARK_X86] = {'x', 4, "x86", "\033[32m"},
    [MARK_EFI] = {'e', 4, "EFI", "\033[34m"},
    [MARK_NVIDIA] = {'n', 4, "NVIDIA private", "\033[35m"},
    [MARK_OTHER] = {'o', 4, "other code", "\033[36m"},
    [MARK_DAMAGED] = {'!', 6, "damaged", "\033[1;31m"},
    [MARK_MISSING] = {'~', 7, "missing (past the end of the file)", "\033[1;31m"},
};

struct strip {
	uint64_t total;            /* bytes the strip spans */
	enum mark cell[MAP_CELLS]; /* winner so far */
	uint64_t cover[MAP_CELLS]; /* bytes of the winner in the cell */
	bool used[MARK_COUNT];
};

static void paint(struct strip *s, uint64_t from, uint64_t to, enum mark m)
{
	if (to > s->total)
		to = s->total;
	if (from >= to || s->total == 0)
		return;
	for (size_t i = 0; i < MAP_CELLS; i++) {
		/* Cell i covers [total*i/N, total*(i+1)/N): no overflow, total is a
		 * file size (at most a few GiB) times 64. */
		uint64_t lo = s->total * i / MAP_CELLS, hi = s->total * (i + 1) / MAP_CELLS;
		uint64_t a = from > lo ? from : lo, b = to < hi ? to : hi, n;
		if (hi <= lo)
			hi = lo + 1; /* a file of fewer bytes than cells */
		if (a >= b)
			continue;
		n = b - a;
		if (marks[m].rank > marks[s->cell[i]].rank ||
		    (marks[m].rank == marks[s->cell[i]].rank && n > s->cover[i])) {
			s->cell[i] = m;
			s->cover[i] = n;
		}
	}
}

static enum mark type_mark(uint8_t code_type)
{
	switch (code_type) {
	case PCI_CODE_X86:
		return MARK_X86;
	case PCI_CODE_EFI:
		return MARK_EFI;
	case PCI_CODE_NV_NBSI:
	case PCI_CODE_NV_EXT:
		return MARK_NVIDIA;
	default:
		return MARK_OTHER;
	}
}

static bool node_damaged(const struct rom_node *n)
{
	if (n->checksum.present && !n->checksum.ok)
		return true;
	if (n->driver && n->driver->state != DRIVER_OK)
		return true;
	return n->driver && n->driver->state == DRIVER_OK && !rom_driver_pe_valid(n->driver);
}

static uint64_t image_end(const struct rom_image *img)
{
	return (uint64_t)img->offset + img->length;
}

static void paint_images(struct strip *s, const struct rom_analysis *a,
                         const struct rom_image *imgs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rom_node *nd = rom_node_of(a, &imgs[i]);
		uint64_t end = image_end(&imgs[i]);
		enum mark m = node_damaged(nd) ? MARK_DAMAGED : type_mark(nd->pcir.code_type);
		paint(s, imgs[i].offset, end < a->size ? end : a->size, m);
		if (end > a->size)
			paint(s, a->size, end, MARK_MISSING);
	}
}

static void print_strip(FILE *out, const char *label, struct strip *s, uint64_t size,
                        const struct emit_text_opts *o)
{
	bool color = o && o->color;
	enum mark prev = MARK_NONE;
	for (size_t i = 0; i < MAP_CELLS; i++)
		s->used[s->cell[i]] = true;
	fprintf(out, "  %-8s |", label);
	for (size_t i = 0; i < MAP_CELLS; i++) {
		enum mark m = s->cell[i];
		if (color && m != prev) {
			fputs("\033[0m", out);
			fputs(marks[m].color, out);
		}
		prev = m;
		fputc(marks[m].c, out);
	}
	if (color)
		fputs("\033[0m", out);
	fprintf(out, "| 0x%llx bytes, 1 mark = 0x%llx bytes%s\n", (unsigned long long)size,
	        (unsigned long long)((s->total + MAP_CELLS - 1) / MAP_CELLS),
	        s->total > size ? " (the strip runs past the end of the file)" : "");
	/* The legend names each mark used, in the order the strip shows them. */
	fprintf(out, "  %-8s ", "");
	for (size_t i = 0; i < MAP_CELLS; i++) {
		enum mark m = s->cell[i];
		if (!s->used[m] || m == MARK_NONE)
			continue;
		s->used[m] = false;
		fprintf(out, " %s%c%s %s", color ? marks[m].color : "", marks[m].c,
		        color ? "\033[0m" : "", marks[m].name);
	}
	fputc('\n', out);
}

static uint64_t span_of(const struct rom_image *imgs, size_t n, uint64_t total)
{
	for (size_t i = 0; i < n; i++)
		if (image_end(&imgs[i]) > total)
			total = image_end(&imgs[i]);
	return total;
}

void emit_map_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o)
{
	struct strip s;
	memset(&s, 0, sizeof(s));
	s.total = span_of(a->chain.images, a->chain.n, a->size);
	s.total = span_of(a->other_images, a->n_other, s.total);
	if (s.total == 0)
		return;
	/* Bytes nothing below explains are data; padding after the chain. */
	paint(&s, 0, a->size, MARK_DATA);
	if (a->has_rom && a->rom_offset > 0)
		paint(&s, 0, a->rom_offset, MARK_PREFIX);
	if (a->isa_rom)
		paint(&s, 0, a->isa_length, MARK_ISA);
	if (a->has_rom && a->trailing != TRAILING_NONE && a->trailing != TRAILING_DATA)
		paint(&s, a->chain.end, a->size, MARK_PADDING);
	paint_images(&s, a, a->chain.images, a->chain.n);
	paint_images(&s, a, a->other_images, a->n_other);
	print_strip(out, "map", &s, a->size, o);
}

void emit_map_nvidia_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o)
{
	struct strip s;
	if (a->nvidia.n == 0)
		return;
	memset(&s, 0, sizeof(s));
	s.total = span_of(a->nvidia.images, a->nvidia.n, a->size);
	paint(&s, 0, a->size, MARK_DATA);
	if (a->has_rom && a->rom_offset > 0)
		paint(&s, 0, a->rom_offset, MARK_PREFIX);
	paint_images(&s, a, a->nvidia.images, a->nvidia.n);
	print_strip(out, "map", &s, a->size, o);
}
