#include "analyzer/diff.h"

#include "analyzer/signature.h"
#include "analyzer/vendor.h"

#include "formats/pci_rom.h"
#include "formats/pe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One side's images, each list kind in order, a node listed once. */
struct side_entry {
	enum diff_list list;
	const struct rom_image *img;
};

struct side {
	const struct rom_analysis *a;
	const uint8_t *data;
	size_t len;
	struct side_entry e[DIFF_MAX_IMAGES];
	size_t n;
	size_t end; /* just past the last listed image (the ROM's content) */
};

static bool listed(const struct side *s, size_t node)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].img->node == node)
			return true;
	return false;
}

static void side_add(struct side *s, enum diff_list l, const struct rom_image *imgs, size_t n)
{
	for (size_t i = 0; i < n && s->n < DIFF_MAX_IMAGES; i++) {
		size_t end;
		if (listed(s, imgs[i].node))
			continue;
		s->e[s->n].list = l;
		s->e[s->n].img = &imgs[i];
		s->n++;
		if (size_add(imgs[i].offset, imgs[i].length, &end)) {
			if (end > s->len)
				end = s->len;
			if (end > s->end)
				s->end = end;
		}
	}
}

static void side_make(struct side *s, const struct rom_analysis *a, const uint8_t *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->data = data;
	s->len = len;
	s->end = a->has_rom ? a->rom_offset : 0;
	side_add(s, DIFF_LIST_CHAIN, a->chain.images, a->chain.n);
	side_add(s, DIFF_LIST_NVIDIA, a->nvidia.images, a->nvidia.n);
	side_add(s, DIFF_LIST_OTHER, a->other_images, a->n_other);
	if (s->end < a->chain.end && a->chain.end <= len)
		s->end = a->chain.end;
}

/* The k-th entry of list kind l, or NULL. */
static const struct rom_image *side_nth(const struct side *s, enum diff_list l, size_t k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].list == l && k-- == 0)
			return s->e[i].img;
	return NULL;
}

static size_t side_count(const struct side *s, enum diff_list l)
{
	size_t c = 0;
	for (size_t i = 0; i < s->n; i++)
		c += s->e[i].list == l;
	return c;
}

/* ---- fields ---- */

/* Copies src into dst[cap], cut to fit: a value longer than the report's
 * field is shown cut (snprintf "%s" would say the same, but gcc warns on
 * the cut it cannot rule out). */
static void copy_cut(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void field_add(struct diff_image *im, const char *name, const char *fa, const char *fb)
{
	struct diff_field *f;
	im->n_fields_all++;
	if (im->n_fields >= DIFF_MAX_FIELDS)
		return;
	f = &im->fields[im->n_fields++];
	copy_cut(f->name, sizeof(f->name), name);
	copy_cut(f->a, sizeof(f->a), fa);
	copy_cut(f->b, sizeof(f->b), fb);
}

static void field_str(struct diff_image *im, const char *name, const char *va, const char *vb)
{
	if (strcmp(va, vb) != 0)
		field_add(im, name, va, vb);
}

static void field_hex(struct diff_image *im, const char *name, uint64_t va, uint64_t vb)
{
	char sa[24], sb[24];
	if (va == vb)
		return;
	(void)snprintf(sa, sizeof(sa), "0x%llx", (unsigned long long)va);
	(void)snprintf(sb, sizeof(sb), "0x%llx", (unsigned long long)vb);
	field_add(im, name, sa, sb);
}

/* The structure of st[0 .. n) of the same declaration and instance as x
 * (a BIT token by id, an ATOM table by its entry's name), or NULL. */
static const struct rom_struct *find_def(const struct rom_struct *st, size_t n,
                                         const struct rom_struct *x)
{
	for (size_t i = 0; i < n; i++)
		if (st[i].def == x->def && strcmp(st[i].inst, x->inst) == 0)
			return &st[i];
	return NULL;
}

/* Every declared field of the structures both nodes decoded; a structure
 * on one side only is one line. */
static void compare_structs(struct diff_image *im, const struct rom_analysis *a,
                            const struct rom_node *na, const struct rom_analysis *b,
                            const struct rom_node *nb)
{
	/* a few hundred entries each (BIT tokens, ATOM tables): not on the stack */
	struct rom_struct *sa = malloc(2 * ROM_STRUCTS_MAX * sizeof(*sa)), *sb;
	size_t ka, kb;
	char q[ROM_QNAME_LEN];
	if (!sa)
		return;
	sb = sa + ROM_STRUCTS_MAX;
	ka = rom_node_structs(a, na, sa, ROM_STRUCTS_MAX);
	kb = rom_node_structs(b, nb, sb, ROM_STRUCTS_MAX);
	for (size_t i = 0; i < ka; i++) {
		const struct rom_struct *x = &sa[i], *y = find_def(sb, kb, x);
		size_t nf;
		if (!y) {
			rom_struct_prefix(x, q, sizeof(q));
			field_add(im, q, "present", "absent");
			continue;
		}
		if (!x->decoded || !y->decoded)
			continue;
		nf = x->n_fields < y->n_fields ? x->n_fields : y->n_fields;
		for (size_t f = 0; f < nf; f++) {
			rom_struct_field_name(x, f, q, sizeof(q));
			field_hex(im, q, fmt_value(x->decoded, &x->def->fields[f]),
			          fmt_value(y->decoded, &x->def->fields[f]));
		}
	}
	for (size_t i = 0; i < kb; i++)
		if (!find_def(sa, ka, &sb[i])) {
			rom_struct_prefix(&sb[i], q, sizeof(q));
			field_add(im, q, "absent", "present");
		}
	free(sa);
}

/* The vendor data's declared text fields (analyzer/vendor.h): the version,
 * part number, build date, board and strings, by their report names
 * ("nvidia.build_date", "amd.part_number"); "none" for an empty one. */
static void compare_texts(struct diff_image *im, const struct rom_node *na,
                          const struct rom_node *nb)
{
	struct vendor_text ga[VENDOR_TEXT_MAX], gb[VENDOR_TEXT_MAX];
	size_t ka = vendor_texts(na, ga, VENDOR_TEXT_MAX),
	       kb = vendor_texts(nb, gb, VENDOR_TEXT_MAX);
	for (size_t i = 0; i < ka; i++)
		for (size_t j = 0; j < kb; j++) {
			if (strcmp(ga[i].prefix, gb[j].prefix) != 0)
				continue;
			for (size_t f = 0; f < ga[i].n; f++) {
				const char *va = fmt_text_value(ga[i].decoded, &ga[i].fields[f]);
				const char *vb = fmt_text_value(gb[j].decoded, &gb[j].fields[f]);
				char q[ROM_QNAME_LEN];
				fmt_text_qualified_name(ga[i].prefix, &ga[i].fields[f], q,
				                        sizeof(q));
				field_str(im, q, va[0] ? va : "none", vb[0] ? vb : "none");
			}
		}
}

static const char *driver_state_name(const struct rom_driver *d)
{
	if (!d)
		return "none";
	switch (d->state) {
	case DRIVER_OK:
		return "ok";
	case DRIVER_BAD_OFFSET:
		return "bad-offset";
	case DRIVER_BAD_COMPRESSION:
		return "bad-compression";
	case DRIVER_DECOMPRESS_FAILED:
		return "decompress-failed";
	case DRIVER_NOT_DECODED:
		return "not-decoded";
	case DRIVER_NONE:
		break;
	}
	return "none";
}

static void compare_pe(struct diff_image *im, const struct pe_info *pa, const struct pe_info *pb)
{
	char q[ROM_QNAME_LEN];
	for (size_t f = 0; f < PE_COFF_F_COUNT; f++) {
		fmt_qualified_name("pe_coff", &pe_coff_fields[f], q, sizeof(q));
		field_hex(im, q, fmt_value(pa, &pe_coff_fields[f]),
		          fmt_value(pb, &pe_coff_fields[f]));
	}
	for (size_t f = 0; f < PE_OPT_F_COUNT; f++) {
		fmt_qualified_name("pe_opt", &pe_opt_fields[f], q, sizeof(q));
		field_hex(im, q, fmt_value(pa, &pe_opt_fields[f]),
		          fmt_value(pb, &pe_opt_fields[f]));
	}
}

/* The raw bytes of a section, cut to the driver (an empty span when it
 * starts past the end). */
static struct span section_bytes(const struct rom_driver *d, const struct pe_section *sec)
{
	struct span drv = span_make(d->bytes, d->length), out = span_make(NULL, 0);
	size_t len = sec->raw_size;
	if (sec->raw_pointer >= d->length)
		return out;
	if (len > d->length - sec->raw_pointer)
		len = d->length - sec->raw_pointer;
	(void)span_sub(&drv, sec->raw_pointer, len, &out);
	return out;
}

/* Bytes at which two spans differ over their common length, and the
 * length difference (every read through the spans). */
static size_t span_differing(const struct span *x, const struct span *y)
{
	size_t common = x->len < y->len ? x->len : y->len, n = 0;
	for (size_t k = 0; k < common; k++) {
		uint8_t a = 0, b = 0;
		(void)span_u8(x, k, &a);
		(void)span_u8(y, k, &b);
		n += a != b;
	}
	return n + (x->len > y->len ? x->len - y->len : y->len - x->len);
}

static void compare_sections(struct diff_image *im, const struct rom_driver *da,
                             const struct rom_driver *db, size_t *budget)
{
	bool used[PE_MAX_SECTIONS] = {false};
	for (size_t i = 0; i < da->pe.section_count && i < PE_MAX_SECTIONS; i++) {
		const struct pe_section *x = &da->pe.sections[i];
		struct diff_section *o;
		if (im->n_sections >= DIFF_MAX_SECTIONS)
			return;
		o = &im->sections[im->n_sections++];
		memset(o, 0, sizeof(*o));
		(void)snprintf(o->name, sizeof(o->name), "%s", x->name[0] ? x->name : "(no name)");
		o->in_a = true;
		o->size_a = x->raw_size;
		for (size_t j = 0; j < db->pe.section_count && j < PE_MAX_SECTIONS; j++) {
			const struct pe_section *y = &db->pe.sections[j];
			struct span xa, yb;
			size_t common;
			if (used[j] || strcmp(x->name, y->name) != 0)
				continue;
			used[j] = true;
			o->in_b = true;
			o->size_b = y->raw_size;
			xa = section_bytes(da, x);
			yb = section_bytes(db, y);
			common = xa.len < yb.len ? xa.len : yb.len;
			/* Crafted headers can make 96 sections each span a 16 MiB
			 * driver: a budget per pair bounds the work. */
			if (common > *budget)
				break;
			*budget -= common;
			o->compared = true;
			o->differing = span_differing(&xa, &yb);
			break;
		}
	}
	for (size_t j = 0; j < db->pe.section_count && j < PE_MAX_SECTIONS; j++) {
		struct diff_section *o;
		if (used[j])
			continue;
		if (im->n_sections >= DIFF_MAX_SECTIONS)
			return;
		o = &im->sections[im->n_sections++];
		memset(o, 0, sizeof(*o));
		(void)snprintf(o->name, sizeof(o->name), "%s",
		               db->pe.sections[j].name[0] ? db->pe.sections[j].name : "(no name)");
		o->in_b = true;
		o->size_b = db->pe.sections[j].raw_size;
	}
}

static void compare_drivers(struct diff_image *im, const struct rom_node *na,
                            const struct rom_node *nb)
{
	const struct rom_driver *da = na->driver, *db = nb->driver;
	if (!da && !db)
		return;
	field_str(im, "driver.state", driver_state_name(da), driver_state_name(db));
	if (!da || !db)
		return;
	field_str(im, "driver.sha256", da->sha256[0] ? da->sha256 : "none",
	          db->sha256[0] ? db->sha256 : "none");
	field_hex(im, "driver.decompressed_size", da->decompressed_size, db->decompressed_size);
	field_str(im, "driver.gop_version", da->gop_version[0] ? da->gop_version : "none",
	          db->gop_version[0] ? db->gop_version : "none");
	field_str(im, "driver.signature", signature_state_name(da->signature.state),
	          signature_state_name(db->signature.state));
	field_str(im, "driver.signer", da->signature.signer[0] ? da->signature.signer : "none",
	          db->signature.signer[0] ? db->signature.signer : "none");
	if (!rom_driver_pe_valid(da) || !rom_driver_pe_valid(db))
		return;
	im->drivers_compared = true;
	im->drivers_equal = da->length == db->length && strcmp(da->sha256, db->sha256) == 0;
	compare_pe(im, &da->pe, &db->pe);
	if (!im->drivers_equal) {
		size_t budget = DIFF_SECTION_BUDGET;
		compare_sections(im, da, db, &budget);
	}
}

/* What the tree says of the image beyond its declared fields. */
static void compare_node(struct diff_image *im, const struct rom_analysis *a,
                         const struct rom_node *na, const struct rom_analysis *b,
                         const struct rom_node *nb)
{
	field_str(im, "type", pci_code_type_name(na->pcir.code_type),
	          pci_code_type_name(nb->pcir.code_type));
	field_hex(im, "length", im->len_a, im->len_b);
	compare_structs(im, a, na, b, nb);
	if (na->checksum.present && nb->checksum.present) {
		field_str(im, "checksum.ok", na->checksum.ok ? "true" : "false",
		          nb->checksum.ok ? "true" : "false");
		field_hex(im, "checksum.sum", na->checksum.sum, nb->checksum.sum);
	}
	field_str(im, "version", na->version[0] ? na->version : "none",
	          nb->version[0] ? nb->version : "none");
	compare_texts(im, na, nb);
	if (na->pnp.status == PCI_OK && nb->pnp.status == PCI_OK) {
		field_str(im, "pnp.manufacturer_text", na->pnp.manufacturer, nb->pnp.manufacturer);
		field_str(im, "pnp.product_text", na->pnp.product, nb->pnp.product);
	}
	compare_drivers(im, na, nb);
}

/* ---- bytes ---- */

static void name_range(const struct rom_analysis *a, const struct rom_node *own, size_t off,
                       char *out, size_t cap)
{
	const struct rom_node *holder = rom_node_holding(a, off);
	char n[ROM_QNAME_LEN];
	rom_name_offset(a, off, n, sizeof(n));
	if (holder && holder != own && holder->offset > own->offset)
		(void)snprintf(out, cap, "%s (image at +0x%zx)", n, holder->offset - own->offset);
	else
		(void)snprintf(out, cap, "%s", n);
}

static void range_add(struct diff_image *im, const struct rom_analysis *a,
                      const struct rom_node *own, size_t rel, size_t len)
{
	struct diff_range *r;
	char first[DIFF_NAME_LEN], last[DIFF_NAME_LEN];
	im->n_ranges_all++;
	if (im->n_ranges >= DIFF_MAX_RANGES)
		return;
	r = &im->ranges[im->n_ranges++];
	r->rel = rel;
	r->len = len;
	name_range(a, own, im->off_a + rel, first, sizeof(first));
	name_range(a, own, im->off_a + rel + len - 1, last, sizeof(last));
	if (strcmp(first, last) == 0)
		(void)snprintf(r->name, sizeof(r->name), "%s", first);
	else
		(void)snprintf(r->name, sizeof(r->name), "%.*s .. %.*s", ROM_QNAME_LEN + 8, first,
		               ROM_QNAME_LEN + 8, last);
}

static void compare_bytes(struct diff_image *im, const struct side *sa, const struct side *sb,
                          const struct rom_node *own)
{
	struct span fa = span_make(sa->data, sa->len), fb = span_make(sb->data, sb->len);
	struct span ia = span_make(NULL, 0), ib = span_make(NULL, 0);
	size_t common = im->len_a < im->len_b ? im->len_a : im->len_b;
	size_t longest = im->len_a > im->len_b ? im->len_a : im->len_b;
	size_t run_start = 0, run_end = 0; /* [start, end) of the open range */
	bool open = false;
	memset(im->strip, '.', DIFF_STRIP);
	im->strip[DIFF_STRIP] = '\0';
	/* Lengths are cut to each file (clip_len); a span that cannot be had
	 * compares as empty. */
	if (!span_sub(&fa, im->off_a, im->len_a, &ia) || !span_sub(&fb, im->off_b, im->len_b, &ib))
		common = 0;
	for (size_t i = 0; i < common; i++) {
		uint8_t x = 0, y = 0;
		(void)span_u8(&ia, i, &x);
		(void)span_u8(&ib, i, &y);
		if (x == y)
			continue;
		im->differing++;
		im->strip[longest ? (size_t)((uint64_t)i * DIFF_STRIP / longest) : 0] = '#';
		if (open && i - run_end < DIFF_MERGE_GAP) {
			run_end = i + 1;
			continue;
		}
		if (open)
			range_add(im, sa->a, own, run_start, run_end - run_start);
		open = true;
		run_start = i;
		run_end = i + 1;
	}
	if (open)
		range_add(im, sa->a, own, run_start, run_end - run_start);
	if (longest > common) {
		im->differing += longest - common;
		for (size_t c = (size_t)((uint64_t)common * DIFF_STRIP / longest); c < DIFF_STRIP;
		     c++)
			im->strip[c] = '+';
		if (im->len_a > common)
			range_add(im, sa->a, own, common, im->len_a - common);
	}
	im->bytes_equal = im->differing == 0;
}

/* An image on one side only. */
static void one_side(struct diff_image *im)
{
	memset(im->strip, '+', DIFF_STRIP);
	im->strip[DIFF_STRIP] = '\0';
	im->differing = im->in_a ? im->len_a : im->len_b;
	im->bytes_equal = false;
}

static size_t clip_len(const struct rom_image *img, size_t file_len)
{
	if (img->offset >= file_len)
		return 0;
	return img->length < file_len - img->offset ? img->length : file_len - img->offset;
}

static void pair(struct rom_diff *d, const struct side *sa, const struct side *sb, enum diff_list l,
                 const struct rom_image *ia, size_t ka, const struct rom_image *ib, size_t kb)
{
	struct diff_image *im;
	if (d->n_images >= d->cap_images)
		return;
	im = &d->images[d->n_images++];
	im->list = l;
	im->index = ia ? ka : kb;
	im->index_b = kb;
	im->in_a = ia != NULL;
	im->in_b = ib != NULL;
	if (ia) {
		im->node_a = ia->node;
		im->off_a = ia->offset;
		im->len_a = clip_len(ia, sa->len);
	}
	if (ib) {
		im->node_b = ib->node;
		im->off_b = ib->offset;
		im->len_b = clip_len(ib, sb->len);
	}
	if (!ia || !ib) {
		one_side(im);
		/* What firmware uses is the standard chain: NVIDIA's private
		 * images that a stripped copy drops are summarised, not a
		 * difference of the ROM (--strict counts them). */
		if (l == DIFF_LIST_CHAIN)
			d->n_differ++;
		else
			d->n_extra++;
		return;
	}
	compare_bytes(im, sa, sb, rom_node_of(sa->a, ia));
	compare_node(im, sa->a, rom_node_of(sa->a, ia), sb->a, rom_node_of(sb->a, ib));
	if (!im->bytes_equal)
		d->n_differ++;
}

/* The declared fields of the structures before each ROM (the NVGI
 * header carries the board's subsystem ids: vendor identity). */
static void compare_prefix(struct rom_diff *d)
{
	struct rom_struct sa[4], sb[4];
	size_t ka = rom_prefix_structs(d->a, sa, 4), kb = rom_prefix_structs(d->b, sb, 4);
	for (size_t i = 0; i < ka; i++) {
		const struct rom_struct *y = find_def(sb, kb, &sa[i]);
		size_t nf;
		if (!y)
			continue;
		nf = sa[i].n_fields < y->n_fields ? sa[i].n_fields : y->n_fields;
		for (size_t f = 0; f < nf; f++) {
			char q[ROM_QNAME_LEN];
			fmt_qualified_name(sa[i].def->prefix, &sa[i].def->fields[f], q, sizeof(q));
			field_hex(&d->prefix, q, fmt_value(sa[i].decoded, &sa[i].def->fields[f]),
			          fmt_value(y->decoded, &sa[i].def->fields[f]));
		}
	}
}

/* [xo, xo + xn) of file x equals [yo, yo + yn) of file y. */
static bool range_eq(const struct side *x, size_t xo, size_t xn, const struct side *y, size_t yo,
                     size_t yn)
{
	struct span fx = span_make(x->data, x->len), fy = span_make(y->data, y->len), rx, ry;
	if (xn != yn || !span_sub(&fx, xo, xn, &rx) || !span_sub(&fy, yo, yn, &ry))
		return false;
	for (size_t k = 0; k < rx.len; k++) {
		uint8_t a = 0, b = 0;
		(void)span_u8(&rx, k, &a);
		(void)span_u8(&ry, k, &b);
		if (a != b)
			return false; /* equality only: stop at the first difference */
	}
	return true;
}

static void note(struct rom_diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rom_diff *d, const char *fmt, ...)
{
	size_t used = strlen(d->note);
	va_list ap;
	if (used + 3 >= sizeof(d->note))
		return;
	if (used) {
		d->note[used++] = ';';
		d->note[used++] = ' ';
		d->note[used] = '\0';
	}
	va_start(ap, fmt);
	(void)vsnprintf(d->note + used, sizeof(d->note) - used, fmt, ap);
	va_end(ap);
}

static enum diff_verdict classify(const struct rom_diff *d, bool content_same)
{
	const struct rom_node *a0 = rom_chain_node(d->a, 0), *b0 = rom_chain_node(d->b, 0);
	if (strcmp(d->a->sha256, d->b->sha256) == 0 && d->a->size == d->b->size)
		return DIFF_IDENTICAL;
	if (content_same && d->a->has_rom)
		return DIFF_SAME_ROM;
	if (!a0 || !b0)
		return DIFF_UNRELATED;
	/* Other ids and most of image 0 different: another card's ROM. An id
	 * edit (fix --set-id, a flashed cross-ROM) keeps most bytes. */
	if (a0->pcir.vendor_id != b0->pcir.vendor_id || a0->pcir.device_id != b0->pcir.device_id) {
		const struct diff_image *im = &d->images[0];
		size_t longest = im->len_a > im->len_b ? im->len_a : im->len_b;
		if (d->n_images == 0 || !im->in_a || !im->in_b || im->differing * 2 >= longest)
			return DIFF_UNRELATED;
	}
	if (strcmp(a0->version, b0->version) != 0 ||
	    strcmp(a0->atom.part_number, b0->atom.part_number) != 0)
		return DIFF_OTHER_BUILD;
	return DIFF_MODIFIED;
}

static uint8_t type_of(const struct side *s, const struct rom_image *img)
{
	const struct rom_node *n = rom_node_of(s->a, img);
	return n ? n->pcir.code_type : 0xFF;
}

/* Pairs list l's images by type and position among that type: A's k-th
 * EFI image with B's k-th EFI image, wherever other types sit between
 * (a ROM with two GOPs against one with one). */
static void pair_list(struct rom_diff *d, const struct side *sa, const struct side *sb,
                      enum diff_list l)
{
	bool used[DIFF_MAX_IMAGES] = {false};
	size_t ca = side_count(sa, l), cb = side_count(sb, l);
	for (size_t ka = 0; ka < ca; ka++) {
		const struct rom_image *ia = side_nth(sa, l, ka), *ib = NULL;
		uint8_t t = type_of(sa, ia);
		size_t ord = 0, kb = 0;
		for (size_t j = 0; j < ka; j++)
			ord += type_of(sa, side_nth(sa, l, j)) == t;
		for (size_t j = 0; j < cb && j < DIFF_MAX_IMAGES; j++) {
			const struct rom_image *c = side_nth(sb, l, j);
			if (type_of(sb, c) != t)
				continue;
			if (ord-- == 0) {
				ib = c;
				kb = j;
				break;
			}
		}
		if (ib)
			used[kb] = true;
		pair(d, sa, sb, l, ia, ka, ib, kb);
	}
	for (size_t kb = 0; kb < cb && kb < DIFF_MAX_IMAGES; kb++)
		if (!used[kb])
			pair(d, sa, sb, l, NULL, 0, side_nth(sb, l, kb), kb);
}

struct rom_diff *rom_diff_make(const struct rom_analysis *a, const uint8_t *da, size_t la,
                               const struct rom_analysis *b, const uint8_t *db, size_t lb,
                               bool strict)
{
	struct rom_diff *d = calloc(1, sizeof(*d));
	struct side *sa = malloc(sizeof(*sa)), *sb = malloc(sizeof(*sb));
	static const enum diff_list lists[] = {DIFF_LIST_CHAIN, DIFF_LIST_NVIDIA, DIFF_LIST_OTHER};
	size_t pa, pb, n_pairs = 0;
	bool content_same;
	if (!d || !sa || !sb) {
		free(d);
		free(sa);
		free(sb);
		return NULL;
	}
	d->a = a;
	d->b = b;
	d->strict = strict;
	side_make(sa, a, da, la);
	side_make(sb, b, db, lb);
	/* Each pair's entry is large (ranges, fields): as many as needed. */
	for (size_t l = 0; l < 3; l++) {
		n_pairs += side_count(sa, lists[l]) + side_count(sb, lists[l]);
	}
	d->images = calloc(n_pairs ? n_pairs : 1, sizeof(*d->images));
	if (!d->images) {
		free(d);
		free(sa);
		free(sb);
		return NULL;
	}
	d->cap_images = n_pairs;
	for (size_t l = 0; l < 3; l++)
		pair_list(d, sa, sb, lists[l]);
	/* The container before each ROM, and what follows the last image. */
	pa = a->has_rom ? a->rom_offset : 0;
	pb = b->has_rom ? b->rom_offset : 0;
	d->prefix_equal = range_eq(sa, 0, pa, sb, 0, pb);
	compare_prefix(d);
	d->after_a = sa->end;
	d->after_b = sb->end;
	d->padding_equal = range_eq(sa, sa->end, la - sa->end, sb, sb->end, lb - sb->end);
	if (!a->has_rom)
		note(d, "no ROM in A: its images could not be compared");
	if (!b->has_rom)
		note(d, "no ROM in B: its images could not be compared");
	for (size_t i = 0; i < d->n_images; i++) {
		const struct diff_image *im = &d->images[i];
		if (im->in_a && im->in_b && im->len_a != im->len_b)
			note(
			    d,
			    "%s image %zu: 0x%zx bytes in A, 0x%zx in B (compared the first 0x%zx)",
			    diff_list_name(im->list), im->index, im->len_a, im->len_b,
			    im->len_a < im->len_b ? im->len_a : im->len_b);
	}
	content_same =
	    d->n_differ == 0 &&
	    (a->has_rom || b->has_rom ? a->has_rom == b->has_rom : range_eq(sa, 0, la, sb, 0, lb));
	d->verdict = classify(d, content_same);
	d->same = strict ? d->verdict == DIFF_IDENTICAL
	                 : d->verdict == DIFF_IDENTICAL || d->verdict == DIFF_SAME_ROM;
	free(sa);
	free(sb);
	return d;
}

void rom_diff_free(struct rom_diff *d)
{
	if (d)
		free(d->images);
	free(d);
}

const char *diff_verdict_name(enum diff_verdict v)
{
	switch (v) {
	case DIFF_IDENTICAL:
		return "identical";
	case DIFF_SAME_ROM:
		return "same-rom";
	case DIFF_MODIFIED:
		return "modified";
	case DIFF_OTHER_BUILD:
		return "other-build";
	case DIFF_UNRELATED:
		break;
	}
	return "unrelated";
}

const char *diff_list_name(enum diff_list l)
{
	switch (l) {
	case DIFF_LIST_CHAIN:
		return "chain";
	case DIFF_LIST_NVIDIA:
		return "nvidia";
	case DIFF_LIST_OTHER:
		break;
	}
	return "other";
}
