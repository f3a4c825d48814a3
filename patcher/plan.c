#include "patcher/plan.h"

#include "formats/pci_rom.h"
#include "formats/signing.h"
#include "formats/span.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *patch_edit_kind_name(enum patch_edit_kind k)
{
	switch (k) {
	case PATCH_EDIT_VENDOR_ID:
		return "vendor-id";
	case PATCH_EDIT_DEVICE_ID:
		return "device-id";
	case PATCH_EDIT_LAST_FLAG:
		return "last-image-flag";
	case PATCH_EDIT_CHECKSUM:
		return "checksum";
	case PATCH_EDIT_PNP_CHECKSUM:
		return "pnp-checksum";
	case PATCH_EDIT_ROM_SIGNATURE:
		return "rom-signature";
	case PATCH_EDIT_PCIR_POINTER:
		return "pcir-pointer";
	}
	return "unknown";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex16(const char *s, size_t n, uint16_t *out)
{
	unsigned v = 0;
	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return false;
		v = v * 16u + (unsigned)d;
	}
	*out = (uint16_t)v;
	return true;
}

bool patch_parse_id(const char *s, uint16_t *vendor, uint16_t *device)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!colon)
		return false;
	return parse_hex16(s, (size_t)(colon - s), vendor) &&
	       parse_hex16(colon + 1, strlen(colon + 1), device);
}

bool patch_plan_is_empty(const struct patch_plan *p)
{
	return p->status == PATCH_PLAN_OK && p->strip.length == 0 && p->trim.length == 0 &&
	       p->n_edits == 0;
}

static void set_text(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_text(char *dst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(dst, PATCH_REASON_LEN, fmt, ap);
	va_end(ap);
}

static void cannot(struct patch_plan *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cannot(struct patch_plan *p, const char *fmt, ...)
{
	va_list ap;
	if (p->status == PATCH_PLAN_CANNOT)
		return; /* keep the first reason */
	p->status = PATCH_PLAN_CANNOT;
	va_start(ap, fmt);
	(void)vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

static void note(struct patch_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct patch_plan *p, const char *fmt, ...)
{
	va_list ap;
	if (p->n_notes >= PATCH_MAX_NOTES)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(p->notes[p->n_notes++], PATCH_REASON_LEN, fmt, ap);
	va_end(ap);
}

/* AMD's EFS container comes only with Navi3x full-flash dumps. */
static const char *signed_family(const struct rom_analysis *a)
{
	const struct pci_pcir *p = &rom_chain_node(a, 0)->pcir;
	const char *f = rom_signed_family(p->vendor_id, p->device_id);
	if (!f && a->container == CONTAINER_AMD_EFS)
		f = "AMD Navi (RDNA) or later";
	/* By structure, whatever the ids: an ATOM image with a $PSP directory. */
	if (!f && report_find(a, FINDING_AMD_SIGNED))
		f = "AMD ($PSP directory)";
	return f;
}

/* A fixable id-implausible finding: fix needs the value, which it
 * proposes from the other evidence (analyzer/integrity.h). */
static bool ids_need_set_id(const struct rom_analysis *a)
{
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.items[i].id == FINDING_ID_IMPLAUSIBLE &&
		    a->findings.items[i].fixable)
			return a->integ.ids.known;
	return false;
}

static struct patch_edit *add_edit(struct patch_plan *p, enum patch_edit_kind kind, int image,
                                   size_t off, size_t n, const uint8_t *old_bytes,
                                   const uint8_t *new_bytes)
{
	struct patch_edit *e;
	if (p->n_edits >= PATCH_MAX_EDITS || n == 0 || n > PATCH_MAX_BYTES) {
		cannot(p, "internal limit: more than %d edits", PATCH_MAX_EDITS);
		return NULL;
	}
	/* An image's PCIR may lie past the image's own length, so with --trim
	 * past the chain's end too: an edit there would be cut away with the
	 * structure it repairs (found by fuzz_fix). */
	if (off < p->keep_start || off >= p->keep_end || n > p->keep_end - off) {
		cannot(p,
		       "image %d: the %s edit at 0x%zx (0x%zx bytes) lies outside the kept bytes "
		       "[0x%zx, 0x%zx)%s",
		       image, patch_edit_kind_name(kind), off, n, p->keep_start, p->keep_end,
		       p->trim.length ? ", which --trim cuts after the chain's last image" : "");
		return NULL;
	}
	e = &p->edits[p->n_edits++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->image = image;
	e->offset = off;
	e->out_offset = off - p->keep_start;
	e->length = n;
	memcpy(e->old_bytes, old_bytes, n);
	memcpy(e->new_bytes, new_bytes, n);
	return e;
}

/* A 16-bit PCIR field edit when the value (have, as the tree decoded it)
 * differs. */
static void edit_u16(struct patch_plan *p, const struct span *s, enum patch_edit_kind kind,
                     int image, size_t off, uint16_t have, uint16_t want, const char *what)
{
	uint8_t oldb[2], newb[2];
	struct patch_edit *e;
	if (!span_has(s, off, 2)) {
		cannot(p, "image %d: %s at 0x%zx lies outside the %zu-byte file", image, what, off,
		       s->len);
		return;
	}
	if (have == want)
		return;
	oldb[0] = (uint8_t)have;
	oldb[1] = (uint8_t)(have >> 8);
	newb[0] = (uint8_t)want;
	newb[1] = (uint8_t)(want >> 8);
	e = add_edit(p, kind, image, off, 2, oldb, newb);
	if (e)
		set_text(e->reason, "image %d: PCIR %s 0x%04x -> 0x%04x (--set-id)", image, what,
		         have, want);
}

static bool in_range(size_t x, size_t off, size_t len)
{
	return x >= off && x - off < len;
}

/* Is off inside an image (of either chain view, or found after the chain)
 * other than the one starting at own? The checksum byte must never be. */
static const struct rom_image *other_image_at(const struct rom_analysis *a, size_t own, size_t off)
{
	const struct rom_image *lists[3] = {a->chain.images, a->nvidia.images, a->other_images};
	size_t counts[3] = {a->chain.n, a->nvidia.n, a->n_other};
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			const struct rom_image *o = &lists[l][i];
			if (o->offset == own)
				continue;
			/* The image that contains own (Pascal umbrella) is not
			 * "another image" for bytes of own's sub-image. */
			if (in_range(own, o->offset, o->length))
				continue;
			if (in_range(off, o->offset, o->length))
				return o;
		}
	return NULL;
}

static const char *fix_byte_name(const struct rom_node *img, size_t rel, char *buf, size_t cap)
{
	switch (img->producer) {
	case PCI_PRODUCER_ATOMBIOS:
		(void)snprintf(buf, cap, "ATOMBIOS checksum byte +0x%zx", rel);
		break;
	case PCI_PRODUCER_IPXE:
	case PCI_PRODUCER_SEABIOS:
		(void)snprintf(buf, cap, "%s checksum byte +0x%zx",
		               pci_producer_name(img->producer), rel);
		break;
	default:
		if (img->has_npde && img->npde.subimage_blocks != 0 &&
		    (size_t)img->npde.subimage_blocks * PCI_ROM_BLOCK < img->checksum.length)
			(void)snprintf(buf, cap, "last byte of the NPDE x86 sub-image, +0x%zx",
			               rel);
		else
			(void)snprintf(buf, cap, "image's last byte, +0x%zx", rel);
		break;
	}
	return buf;
}

/* The sum an image's edits so far [first_edit, n_edits) change: adds their
 * effect on the bytes of [base, base + len) to *sum. False (and the plan
 * cannot) when an edit lands on the byte at fix. */
static bool sum_after_edits(struct patch_plan *p, int i, size_t first_edit, size_t base, size_t len,
                            size_t fix, uint8_t *sum, bool *edited)
{
	for (size_t k = first_edit; k < p->n_edits; k++) {
		const struct patch_edit *pe = &p->edits[k];
		for (size_t b = 0; b < pe->length; b++) {
			if (pe->offset + b == fix) {
				cannot(p, "image %d: checksum byte 0x%zx is also the %s field", i,
				       fix, patch_edit_kind_name(pe->kind));
				return false;
			}
			if (in_range(pe->offset + b, base, len)) {
				*sum = (uint8_t)(*sum - pe->old_bytes[b] + pe->new_bytes[b]);
				*edited = true;
			}
		}
	}
	return true;
}

/* The $PnP header's own checksum (PnP BIOS spec A.3: the byte at +9
 * balances the header), as iPXE's fixrom.pl keeps it; before the image
 * checksum, which then covers this edit too. */
static void plan_pnp(struct patch_plan *p, const struct rom_analysis *a, const struct rom_node *n,
                     int i, size_t first_edit)
{
	const struct rom_image *other;
	const struct rom_pnp *pnp = &n->pnp;
	size_t len = (size_t)pnp->hdr.length_units * 16u;
	size_t fix = pnp->offset + PNP_OFF_CHECKSUM;
	uint8_t sum = pnp->hdr.sum, oldb = pnp->hdr.checksum_byte, newb;
	bool edited = false;
	struct patch_edit *e;
	if (pnp->status != PCI_OK || len == 0)
		return;
	if (!sum_after_edits(p, i, first_edit, pnp->offset, len, fix, &sum, &edited) || sum == 0)
		return;
	if (fix < p->keep_start || fix >= p->keep_end) {
		cannot(p, "image %d: the $PnP checksum byte 0x%zx lies outside the kept bytes", i,
		       fix);
		return;
	}
	other = other_image_at(a, n->offset, fix);
	if (other) {
		cannot(p,
		       "image %d: the $PnP checksum byte 0x%zx lies inside another image (at "
		       "0x%zx); refusing to change it",
		       i, fix, other->offset);
		return;
	}
	newb = (uint8_t)(oldb - sum);
	e = add_edit(p, PATCH_EDIT_PNP_CHECKSUM, i, fix, 1, &oldb, &newb);
	if (e)
		set_text(e->reason,
		         "image %d: the $PnP header at 0x%zx sums to 0x%02x over 0x%zx bytes, "
		         "expected 0x00; balanced at its checksum byte +0x%x",
		         i, pnp->offset, sum, len, (unsigned)PNP_OFF_CHECKSUM);
}

/* Plans the checksum byte of one x86 image after the edits already listed
 * for it (ids, last flag, $PnP checksum). */
static void plan_checksum(struct patch_plan *p, const struct rom_analysis *a, const struct span *s,
                          int i, size_t first_edit)
{
	const struct rom_image *img = &a->chain.images[i];
	const struct rom_node *n = rom_node_of(a, img);
	const struct rom_checksum *c = &n->checksum;
	const struct rom_image *other;
	uint8_t sum = c->sum, oldb, newb;
	bool edited = false;
	char where[96];
	struct patch_edit *e;
	if (!c->present)
		return;
	if (!c->complete || c->length == 0) {
		cannot(p,
		       "image %d at 0x%zx: checksum region of 0x%zx bytes runs past the end of "
		       "the file (0x%zx bytes)",
		       i, img->offset, c->length, s->len);
		return;
	}
	/* The sum as it will be after this image's other edits. */
	if (!sum_after_edits(p, i, first_edit, img->offset, c->length, c->fix_offset, &sum,
	                     &edited))
		return;
	if (sum == 0)
		return;
	if (!in_range(c->fix_offset, img->offset, c->length) || c->fix_offset < p->keep_start ||
	    c->fix_offset >= p->keep_end) {
		cannot(p,
		       "image %d at 0x%zx: the %s producer's checksum byte 0x%zx lies outside "
		       "the image's summed range [0x%zx, 0x%zx)",
		       i, img->offset, pci_producer_name(n->producer), c->fix_offset, img->offset,
		       img->offset + c->length);
		return;
	}
	other = other_image_at(a, img->offset, c->fix_offset);
	if (other) {
		cannot(p,
		       "image %d at 0x%zx: the checksum byte 0x%zx lies inside another image "
		       "(at 0x%zx); refusing to change it",
		       i, img->offset, c->fix_offset, other->offset);
		return;
	}
	if (!span_u8(s, c->fix_offset, &oldb))
		return;
	newb = (uint8_t)(oldb - sum);
	e = add_edit(p, PATCH_EDIT_CHECKSUM, i, c->fix_offset, 1, &oldb, &newb);
	if (!e)
		return;
	set_text(e->reason,
	         "image %d at 0x%zx (%s): 8-bit sum of 0x%zx bytes %s 0x%02x, expected 0x00; "
	         "balanced at the %s",
	         i, img->offset, pci_producer_name(n->producer), c->length,
	         edited ? (c->ok ? "would become" : "is, after the edits above,") : "is", sum,
	         fix_byte_name(n, c->fix_offset - img->offset, where, sizeof(where)));
	if (n->has_npde && n->npde.subimage_blocks != 0 &&
	    (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK < c->length)
		note(p,
		     "image %d: the size byte covers 0x%zx bytes, past its NPDE x86 sub-image of "
		     "0x%zx (NVIDIA private images inside): the balancing byte stays inside the "
		     "x86 sub-image",
		     i, c->length, (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK);
}

static void plan_image(struct patch_plan *p, const struct rom_analysis *a, const struct span *s,
                       const struct patch_options *opt, int i)
{
	const struct rom_image *img = &a->chain.images[i];
	const struct rom_node *n = rom_node_of(a, img);
	size_t pcir = img->offset + n->hdr.pcir_offset;
	size_t first = p->n_edits;
	if (opt->set_id) {
		edit_u16(p, s, PATCH_EDIT_VENDOR_ID, i, pcir + PCIR_OFF_VENDOR_ID,
		         n->pcir.vendor_id, opt->vendor, "vendor id");
		edit_u16(p, s, PATCH_EDIT_DEVICE_ID, i, pcir + PCIR_OFF_DEVICE_ID,
		         n->pcir.device_id, opt->device, "device id");
	}
	if ((size_t)i + 1 == a->chain.n && !img->last) {
		const struct finding *f = report_find(a, FINDING_LAST_IMAGE_MISSING);
		uint8_t oldb = n->pcir.indicator, newb;
		struct patch_edit *e;
		if (f && f->image == i && span_has(s, pcir + PCIR_OFF_INDICATOR, 1)) {
			newb = (uint8_t)(oldb | PCIR_LAST_IMAGE);
			e = add_edit(p, PATCH_EDIT_LAST_FLAG, i, pcir + PCIR_OFF_INDICATOR, 1,
			             &oldb, &newb);
			if (e)
				set_text(e->reason,
				         "image %d at 0x%zx ends the chain (no image at 0x%zx) but "
				         "its indicator is 0x%02x: set bit 7 (last image)",
				         i, img->offset, img->offset + img->length, oldb);
		}
	}
	plan_pnp(p, a, n, i, first);
	plan_checksum(p, a, s, i, first);
}

/* "N image(s) (2 x86, 1 efi, ...)": the valid images the tree holds in
 * [from, to), each node (offset) once, counted by type; 0 and "" when none. */
static size_t images_in(const struct rom_analysis *a, size_t from, size_t to, char *buf, size_t cap)
{
	const char *names[8];
	size_t counts[8], kinds = 0, n = 0, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct rom_node *nd = &a->nodes[i];
		const char *name;
		size_t k;
		if (nd->status != PCI_OK || nd->offset < from || nd->offset >= to)
			continue;
		name = pci_code_type_name(nd->pcir.code_type);
		for (k = 0; k < kinds && strcmp(names[k], name) != 0; k++)
			;
		if (k == kinds && kinds < 8) {
			names[kinds] = name;
			counts[kinds++] = 0;
		}
		if (k < kinds)
			counts[k]++;
		n++;
	}
	for (size_t k = 0; k < kinds; k++) {
		int w = snprintf(buf + used, cap - used, "%s%zu %s", k ? ", " : "", counts[k],
		                 names[k]);
		if (w < 0 || (size_t)w >= cap - used)
			break;
		used += (size_t)w;
	}
	return n;
}

static const char *fill_name(enum fill_kind k)
{
	switch (k) {
	case FILL_FF:
		return "0xFF padding";
	case FILL_ZERO:
		return "0x00 padding";
	case FILL_PADDING:
		return "0xFF/0x00 padding";
	case FILL_DATA:
		return "unknown data";
	case FILL_EMPTY:
		break;
	}
	return "nothing";
}

/* What the stripped bytes are: the container, padding or unknown data, and
 * any valid image among them, named with its type (never dropped silently). */
static void plan_strip(struct patch_plan *p, const struct rom_analysis *a)
{
	char imgs[160], what[128];
	size_t n;
	p->strip.offset = 0;
	p->strip.length = p->keep_start;
	if (p->keep_start == 0)
		return;
	n = images_in(a, 0, p->keep_start, imgs, sizeof(imgs));
	if (n)
		(void)snprintf(what, sizeof(what),
		               "; it holds %zu image(s) (%.60s) that are dropped", n, imgs);
	else
		what[0] = '\0';
	if (a->container == CONTAINER_NVGI)
		set_text(p->strip.reason,
		         "NVIDIA container from an nvflash/GPU-Z/TechPowerUp save: %s%s",
		         a->locate_reason, what);
	else if (a->container == CONTAINER_AMD_EFS)
		set_text(p->strip.reason,
		         "AMD embedded-firmware header (AA 55 AA 55) and data before the ROM; %s%s",
		         a->locate_reason, what);
	else if (a->integ.damaged.present)
		set_text(p->strip.reason, "%s before the damaged image at 0x%zx%s",
		         fill_name(a->integ.prefix), a->integ.damaged.offset, what);
	else
		set_text(p->strip.reason, "%s before the ROM; ROM start chosen as %s%s",
		         fill_name(a->integ.prefix), a->locate_reason, what);
	if (n)
		note(p,
		     "the stripped bytes hold %zu valid image(s) (%s) that no chain from the ROM "
		     "reaches: they are not in the output",
		     n, imgs);
	if (a->candidates > 1)
		note(p,
		     "%u places in the file hold a valid first image; the ROM is taken at 0x%zx: "
		     "%s",
		     a->candidates, a->rom_offset, a->locate_reason);
}

/* The damaged image before the ROM, when the evidence is exact: its 55AA
 * and PCIR pointer written back (analyzer/integrity.c states the rule). */
static void plan_restore(struct patch_plan *p, const struct rom_analysis *a)
{
	const struct rom_damaged_header *d = &a->integ.damaged;
	size_t ptr = d->pcir_offset - d->offset;
	uint8_t oldb[2], newb[2];
	struct patch_edit *e;
	if (!d->signature_ok) {
		oldb[0] = (uint8_t)d->signature;
		oldb[1] = (uint8_t)(d->signature >> 8);
		newb[0] = (uint8_t)PCI_ROM_SIG;
		newb[1] = (uint8_t)(PCI_ROM_SIG >> 8);
		e = add_edit(p, PATCH_EDIT_ROM_SIGNATURE, -1, d->offset, 2, oldb, newb);
		if (e)
			set_text(
			    e->reason,
			    "damaged image at 0x%zx (%s, PCIR at 0x%zx intact, length ends at the "
			    "ROM at 0x%zx): 55AA written back",
			    d->offset, pci_code_type_name(d->pcir.code_type), d->pcir_offset,
			    a->rom_offset);
	}
	if (!d->pointer_ok) {
		oldb[0] = (uint8_t)d->pointer;
		oldb[1] = (uint8_t)(d->pointer >> 8);
		newb[0] = (uint8_t)ptr;
		newb[1] = (uint8_t)(ptr >> 8);
		e = add_edit(p, PATCH_EDIT_PCIR_POINTER, -1, d->offset + PCI_ROM_HDR_OFF_PCIR_PTR,
		             2, oldb, newb);
		if (e)
			set_text(e->reason,
			         "damaged image at 0x%zx: PCIR pointer 0x%04x -> 0x%04x, where its "
			         "intact PCIR is",
			         d->offset, d->pointer, (unsigned)ptr);
	}
	if (d->pcir.code_type == PCI_CODE_X86)
		note(p,
		     "image at 0x%zx restored: with its header written back its 8-bit sum over "
		     "0x%zx "
		     "bytes is 0, so these are the bytes its producer balanced",
		     d->offset, (size_t)d->size_blocks * PCI_ROM_BLOCK);
}

/* What --trim cuts: the images after the chain (NVIDIA's private images,
 * a backup copy), each named with its type, then padding or data. */
static void plan_tail(struct patch_plan *p, const struct rom_analysis *a,
                      const struct patch_options *opt, size_t len)
{
	size_t end = a->chain.end;
	size_t tail = end < len ? len - end : 0;
	char imgs[160], what[200];
	size_t n;
	if (tail == 0)
		return;
	n = images_in(a, end, len, imgs, sizeof(imgs));
	if (n)
		(void)snprintf(what, sizeof(what), "%zu image(s) (%.100s) and %s", n, imgs,
		               report_trailing_name(a->trailing));
	else
		(void)snprintf(what, sizeof(what), "%s", report_trailing_name(a->trailing));
	if (!opt->trim) {
		note(p,
		     "kept 0x%zx bytes after the standard chain (ends at 0x%zx): %s; --trim cuts "
		     "them",
		     tail, end, what);
		return;
	}
	p->keep_end = end;
	p->trim.offset = end;
	p->trim.length = tail;
	set_text(p->trim.reason, "--trim: 0x%zx bytes after the standard chain's last image: %s",
	         tail, what);
}

void patch_plan_make(const struct rom_analysis *a, const uint8_t *data, size_t len,
                     const struct patch_options *opt, struct patch_plan *p)
{
	struct span s = span_make(data, len);
	const struct finding *f;
	const char *family;
	memset(p, 0, sizeof(*p));
	p->in_size = len;
	p->status = PATCH_PLAN_OK;
	f = finding_blocking(&a->findings);
	if (!a->has_rom || a->chain.n == 0) {
		cannot(p, "no ROM found: %s",
		       f ? f->message : "no 55AA image with a PCI data structure");
		return;
	}
	if (f) {
		if (f->has_offset)
			cannot(p, "%s at 0x%llx: %s", finding_name(f->id),
			       (unsigned long long)f->offset, f->message);
		else
			cannot(p, "%s: %s", finding_name(f->id), f->message);
		return;
	}
	if (a->size != len || a->rom_offset >= len || a->chain.end > len ||
	    a->chain.end <= a->rom_offset) {
		cannot(p,
		       "inconsistent analysis: ROM at 0x%zx, chain end 0x%zx, file 0x%zx bytes "
		       "(analysed 0x%llx)",
		       a->rom_offset, a->chain.end, len, (unsigned long long)a->size);
		return;
	}
	p->keep_start = a->rom_offset;
	p->keep_end = len;
	if (report_find(a, FINDING_FILE_INCOMPLETE) && !opt->trim) {
		cannot(p,
		       "file-incomplete at 0x%llx: the file is cut inside an image after the "
		       "standard chain, which is whole; run fix with --trim (the result is a VM "
		       "romfile, never to flash)",
		       (unsigned long long)report_find(a, FINDING_FILE_INCOMPLETE)->offset);
		return;
	}
	if (ids_need_set_id(a) && !opt->set_id) {
		const struct finding *idf = report_find(a, FINDING_ID_IMPLAUSIBLE);
		cannot(p,
		       "id-implausible at 0x%llx: image %d's vendor:device is implausible and the "
		       "other evidence says %04x:%04x; run fix with --set-id %04x:%04x",
		       (unsigned long long)idf->offset, idf->image, a->integ.ids.vendor,
		       a->integ.ids.device, a->integ.ids.vendor, a->integ.ids.device);
		return;
	}
	if (a->integ.damaged.present && a->integ.damaged.restorable)
		p->keep_start = a->integ.damaged.offset;
	plan_strip(p, a);
	if (p->keep_start != a->rom_offset)
		plan_restore(p, a);
	plan_tail(p, a, opt, len);
	for (size_t i = 0; i < a->chain.n && p->status == PATCH_PLAN_OK; i++)
		plan_image(p, a, &s, opt, (int)i);
	if (p->status != PATCH_PLAN_OK)
		return;
	family = signed_family(a);
	if (family && p->n_edits > 0)
		note(p,
		     "warning: this is an %s ROM, whose image bytes are signed; the edits "
		     "invalidate the signature (fine for a VM romfile, never flash it)",
		     family);
}
