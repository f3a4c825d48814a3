#include "analyzer/emit_diff.h"

#include "analyzer/emit_yaml_writer.h"
#include "analyzer/signature.h"
#include "analyzer/vendor.h"
#include "formats/pci_rom.h"

#include <string.h>

static const struct rom_node *node_a(const struct rom_diff *d, const struct diff_image *im)
{
	return im->in_a && im->node_a < d->a->n_nodes ? &d->a->nodes[im->node_a] : NULL;
}

static const struct rom_node *node_b(const struct rom_diff *d, const struct diff_image *im)
{
	return im->in_b && im->node_b < d->b->n_nodes ? &d->b->nodes[im->node_b] : NULL;
}

/* What the file is, in one line: size, where the ROM is, card, version. */
static void file_line(FILE *out, const char *tag, const struct rom_analysis *a)
{
	const struct rom_node *n0 = rom_chain_node(a, 0);
	fprintf(out, "%s  %s  %llu bytes  %s", tag, a->file, (unsigned long long)a->size,
	        report_verdict_name(a->verdict));
	if (!a->has_rom) {
		fprintf(out, "  no ROM\n");
		return;
	}
	fprintf(out, "  ROM at 0x%zx", a->rom_offset);
	if (a->container != CONTAINER_NONE)
		fprintf(out, " after %s prefix", report_container_name(a->container));
	if (n0)
		fprintf(out, "  %04x:%04x", n0->pcir.vendor_id, n0->pcir.device_id);
	/* what people quote (the vendor data's roles), else the producer's */
	for (int r = FMT_ROLE_VERSION; r < FMT_ROLE_COUNT; r++) {
		const char *v = vendor_quote(a, (enum fmt_role)r);
		if (r == FMT_ROLE_VERSION && !v[0] && n0)
			v = n0->version;
		if (v[0])
			fprintf(out, "  %s %s", fmt_role_key((enum fmt_role)r), v);
	}
	fprintf(out, "  %zu image(s)\n", a->chain.n);
}

/* Ends the verdict line: the ids when image 0's differ (an id edit). */
static void ids_line(FILE *out, const struct rom_node *a0, const struct rom_node *b0)
{
	if (a0 && b0 &&
	    (a0->pcir.vendor_id != b0->pcir.vendor_id || a0->pcir.device_id != b0->pcir.device_id))
		fprintf(out, "; image 0 ids %04x:%04x vs %04x:%04x", a0->pcir.vendor_id,
		        a0->pcir.device_id, b0->pcir.vendor_id, b0->pcir.device_id);
	fprintf(out, "\n");
}

static void verdict_line(FILE *out, const struct rom_diff *d)
{
	const struct rom_node *a0 = rom_chain_node(d->a, 0), *b0 = rom_chain_node(d->b, 0);
	switch (d->verdict) {
	case DIFF_IDENTICAL:
		fprintf(out, "same ROM: identical files\n");
		break;
	case DIFF_SAME_ROM:
		fprintf(out, "same ROM%s%s%s%s%s\n", d->prefix_equal ? "" : " in another container",
		        !d->prefix_equal && !d->padding_equal ? "," : "",
		        d->padding_equal ? "" : " with other padding",
		        d->n_extra ? ", images after the chain on one side only" : "",
		        d->strict ? " (--strict: counts as different)" : "");
		break;
	case DIFF_MODIFIED:
		fprintf(out, "different: same build modified, %zu of %zu image(s) differ",
		        d->n_differ, d->n_images);
		ids_line(out, a0, b0);
		break;
	case DIFF_OTHER_BUILD:
		fprintf(out, "different builds: version %s vs %s",
		        a0 && a0->version[0] ? a0->version : "none",
		        b0 && b0->version[0] ? b0->version : "none");
		ids_line(out, a0, b0);
		break;
	case DIFF_UNRELATED:
		if (a0 && b0)
			fprintf(out, "unrelated ROMs: %04x:%04x vs %04x:%04x\n", a0->pcir.vendor_id,
			        a0->pcir.device_id, b0->pcir.vendor_id, b0->pcir.device_id);
		else
			fprintf(out, "different: %s\n",
			        !d->a->has_rom && !d->b->has_rom ? "no ROM in either file"
			        : !d->a->has_rom                 ? "no ROM in A"
			                                         : "no ROM in B");
		break;
	}
}

/* "chain[1]", or "chain[2/1]" when the pair sits at other positions. */
static void image_tag(const struct diff_image *im, char *buf, size_t cap)
{
	if (im->in_a && im->in_b && im->index != im->index_b)
		(void)snprintf(buf, cap, "%s[%zu/%zu]", diff_list_name(im->list), im->index,
		               im->index_b);
	else
		(void)snprintf(buf, cap, "%s[%zu]", diff_list_name(im->list), im->index);
}

static const char *gop_of(const struct rom_node *n)
{
	return n && n->driver && n->driver->gop_version[0] ? n->driver->gop_version : NULL;
}

static const char *sig_of(const struct rom_node *n)
{
	return n && n->driver ? signature_state_name(n->driver->signature.state) : NULL;
}

/* "label v", or "label a -> b" when the two differ. */
static void pair_text(FILE *out, const char *label, bool both, const char *va, const char *vb)
{
	if (!va && !vb)
		return;
	if (both && (!va || !vb || strcmp(va, vb) != 0))
		fprintf(out, "  %s %s -> %s", label, va ? va : "none", vb ? vb : "none");
	else
		fprintf(out, "  %s %s", label, va ? va : vb);
}

/* The GOP version and signature state of an EFI pair. */
static void gop_text(FILE *out, const struct rom_node *na, const struct rom_node *nb)
{
	pair_text(out, "GOP", na && nb, gop_of(na), gop_of(nb));
	pair_text(out, "signature", na && nb, sig_of(na), sig_of(nb));
}

/* One summary line per pair: type, ids, length, equal or how much differs. */
static void image_line(FILE *out, const struct rom_diff *d, const struct diff_image *im)
{
	const struct rom_node *na = node_a(d, im), *nb = node_b(d, im);
	const struct rom_node *n = na ? na : nb;
	char tag[24];
	image_tag(im, tag, sizeof(tag));
	fprintf(out, "  %-10s %-14s %04x:%04x  0x%-7zx ", tag,
	        n ? pci_code_type_name(n->pcir.code_type) : "?", n ? n->pcir.vendor_id : 0,
	        n ? n->pcir.device_id : 0, na ? im->len_a : im->len_b);
	if (!na || !nb)
		fprintf(out, "only in %s", na ? "A" : "B");
	else if (im->bytes_equal)
		fprintf(out, "equal      sha256 %.12s", na->sha256);
	else
		fprintf(out, "differs    %zu byte(s) in %zu range(s), %zu field(s)", im->differing,
		        im->n_ranges_all, im->n_fields_all);
	gop_text(out, na, nb);
	fprintf(out, "\n");
}

static void image_details(FILE *out, const struct diff_image *im)
{
	char tag[24];
	image_tag(im, tag, sizeof(tag));
	fprintf(out, "%s at A 0x%zx, B 0x%zx:\n", tag, im->off_a, im->off_b);
	for (size_t i = 0; i < im->n_fields; i++)
		fprintf(out, "  %-34s %s -> %s\n", im->fields[i].name, im->fields[i].a,
		        im->fields[i].b);
	if (im->n_fields_all > im->n_fields)
		fprintf(out, "  ... %zu more field(s)\n", im->n_fields_all - im->n_fields);
	for (size_t i = 0; i < im->n_ranges; i++) {
		const struct diff_range *r = &im->ranges[i];
		fprintf(out, "  +0x%06zx..+0x%06zx %6zu byte(s)  %s\n", r->rel, r->rel + r->len - 1,
		        r->len, r->name);
	}
	if (im->n_ranges_all > im->n_ranges)
		fprintf(out, "  ... %zu more range(s)\n", im->n_ranges_all - im->n_ranges);
	if (im->drivers_compared && !im->drivers_equal) {
		fprintf(out, "  driver (decompressed) by PE section:");
		for (size_t i = 0; i < im->n_sections; i++) {
			const struct diff_section *s = &im->sections[i];
			if (!s->in_a || !s->in_b)
				fprintf(out, " %s only in %s;", s->name, s->in_a ? "A" : "B");
			else if (!s->compared)
				fprintf(out, " %s not compared (limit);", s->name);
			else if (s->differing == 0)
				fprintf(out, " %s equal;", s->name);
			else
				fprintf(out, " %s %zu byte(s) differ;", s->name, s->differing);
		}
		fprintf(out, "\n");
	} else if (im->drivers_compared) {
		fprintf(out, "  driver (decompressed): equal\n");
	}
}

/* Finding ids that x reports and y does not (a damaged copy's problems). */
static void findings_text(FILE *out, const char *tag, const struct rom_analysis *x,
                          const struct rom_analysis *y)
{
	bool any = false;
	for (size_t i = 0; i < x->findings.n; i++) {
		enum finding_id id = x->findings.items[i].id;
		bool dup = false;
		if (report_find(y, id))
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = x->findings.items[j].id == id;
		if (dup)
			continue;
		if (any)
			fprintf(out, ", %s", finding_name(id));
		else
			fprintf(out, "findings only in %s: %s", tag, finding_name(id));
		any = true;
	}
	if (any)
		fprintf(out, "\n");
}

void emit_diff_text(FILE *out, const struct rom_diff *d)
{
	bool any = false;
	file_line(out, "A", d->a);
	file_line(out, "B", d->b);
	verdict_line(out, d);
	if (d->a->has_rom && d->b->has_rom) {
		fprintf(out, "prefix   %s (A 0x%zx bytes, B 0x%zx bytes)",
		        d->prefix_equal ? "same" : "differs", d->a->rom_offset, d->b->rom_offset);
		for (size_t i = 0; i < d->prefix.n_fields; i++)
			fprintf(out, "%s %s %s -> %s", i ? "," : ":", d->prefix.fields[i].name,
			        d->prefix.fields[i].a, d->prefix.fields[i].b);
		fprintf(out, "\n");
		fprintf(out, "after    %s (A 0x%llx bytes after the last image, B 0x%llx)\n",
		        d->padding_equal ? "same" : "differs",
		        (unsigned long long)(d->a->size - d->after_a),
		        (unsigned long long)(d->b->size - d->after_b));
	}
	fprintf(out, "images   %zu compared, %zu differ, %zu after the chain on one side only\n",
	        d->n_images, d->n_differ, d->n_extra);
	for (size_t i = 0; i < d->n_images; i++)
		image_line(out, d, &d->images[i]);
	findings_text(out, "A", d->a, d->b);
	findings_text(out, "B", d->b, d->a);
	if (d->note[0])
		fprintf(out, "note     %s\n", d->note);
	for (size_t i = 0; i < d->n_images; i++) {
		const struct diff_image *im = &d->images[i];
		if (im->bytes_equal || !im->in_a || !im->in_b)
			continue;
		if (!any)
			fprintf(out, "\nDetails (offsets from the image start; names from A):\n");
		any = true;
		image_details(out, im);
	}
	if (d->n_images) {
		fprintf(out, "\nWhere (%d slices per image: . same, # differs, + one side only):\n",
		        DIFF_STRIP);
		for (size_t i = 0; i < d->n_images; i++) {
			char tag[24];
			image_tag(&d->images[i], tag, sizeof(tag));
			fprintf(out, "  %-10s |%s|\n", tag, d->images[i].strip);
		}
	}
}

/* ---- YAML ---- */

static void side_yaml(struct yw *w, const char *key, const struct rom_analysis *a, size_t after)
{
	const struct rom_node *n0 = rom_chain_node(a, 0);
	char id[16];
	yw_key(w, key);
	yw_map_start(w);
	yw_kstr(w, "file", a->file);
	yw_kuint(w, "size", a->size);
	yw_kstr(w, "sha256", a->sha256);
	yw_kstr(w, "verdict", report_verdict_name(a->verdict));
	if (a->has_rom)
		yw_khex(w, "rom_offset", a->rom_offset);
	else
		yw_knull(w, "rom_offset");
	yw_kstr(w, "container", report_container_name(a->container));
	yw_khex(w, "content_end", after);
	if (n0) {
		(void)snprintf(id, sizeof(id), "%04x:%04x", n0->pcir.vendor_id, n0->pcir.device_id);
		yw_kstr(w, "id", id);
	} else {
		yw_knull(w, "id");
	}
	if (n0 && n0->version[0])
		yw_kstr(w, "version", n0->version);
	else
		yw_knull(w, "version");
	/* what people quote, from the vendor data's declared roles */
	yw_key(w, "identity");
	yw_map_start(w);
	for (int r = FMT_ROLE_VERSION; r < FMT_ROLE_COUNT; r++) {
		const char *v = vendor_quote(a, (enum fmt_role)r);
		if (v[0])
			yw_kstr(w, fmt_role_key((enum fmt_role)r), v);
		else
			yw_knull(w, fmt_role_key((enum fmt_role)r));
	}
	yw_map_end(w);
	yw_map_end(w);
}

/* What the tree says of the image beyond its bytes: driver hash, GOP. */
static void node_extra_yaml(struct yw *w, const struct rom_node *n)
{
	const struct rom_driver *dr = n->driver;
	if (!dr)
		return;
	if (dr->sha256[0])
		yw_kstr(w, "driver_sha256", dr->sha256);
	else
		yw_knull(w, "driver_sha256");
	if (dr->gop_version[0])
		yw_kstr(w, "gop_version", dr->gop_version);
	else
		yw_knull(w, "gop_version");
	yw_kstr(w, "signature", signature_state_name(dr->signature.state));
}

static void image_yaml(struct yw *w, const struct rom_diff *d, const struct diff_image *im)
{
	const struct rom_node *na = node_a(d, im), *nb = node_b(d, im);
	yw_map_start(w);
	yw_kstr(w, "list", diff_list_name(im->list));
	yw_kuint(w, "index", im->index);
	yw_kstr(w, "type", pci_code_type_name((na ? na : nb)->pcir.code_type));
	yw_key(w, "a");
	if (na) {
		yw_map_start(w);
		yw_kuint(w, "index", im->index);
		yw_khex(w, "offset", im->off_a);
		yw_khex(w, "length", im->len_a);
		yw_kstr(w, "sha256", na->sha256);
		node_extra_yaml(w, na);
		yw_map_end(w);
	} else {
		yw_null(w);
	}
	yw_key(w, "b");
	if (nb) {
		yw_map_start(w);
		yw_kuint(w, "index", im->index_b);
		yw_khex(w, "offset", im->off_b);
		yw_khex(w, "length", im->len_b);
		yw_kstr(w, "sha256", nb->sha256);
		node_extra_yaml(w, nb);
		yw_map_end(w);
	} else {
		yw_null(w);
	}
	yw_kbool(w, "bytes_equal", im->bytes_equal);
	yw_kuint(w, "differing_bytes", im->differing);
	yw_key(w, "fields");
	yw_seq_start(w);
	for (size_t i = 0; i < im->n_fields; i++) {
		yw_map_start(w);
		yw_kstr(w, "name", im->fields[i].name);
		yw_kstr(w, "a", im->fields[i].a);
		yw_kstr(w, "b", im->fields[i].b);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_kuint(w, "fields_total", im->n_fields_all);
	yw_key(w, "ranges");
	yw_seq_start(w);
	for (size_t i = 0; i < im->n_ranges; i++) {
		yw_map_start(w);
		yw_khex(w, "offset", im->ranges[i].rel);
		yw_khex(w, "length", im->ranges[i].len);
		yw_kstr(w, "name", im->ranges[i].name);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_kuint(w, "ranges_total", im->n_ranges_all);
	yw_key(w, "driver");
	if (!im->drivers_compared) {
		yw_null(w);
	} else {
		yw_map_start(w);
		yw_kbool(w, "equal", im->drivers_equal);
		yw_key(w, "sections");
		yw_seq_start(w);
		for (size_t i = 0; i < im->n_sections; i++) {
			const struct diff_section *s = &im->sections[i];
			yw_map_start(w);
			yw_kstr(w, "name", s->name);
			yw_kbool(w, "in_a", s->in_a);
			yw_kbool(w, "in_b", s->in_b);
			yw_kbool(w, "compared", s->compared);
			yw_kuint(w, "differing_bytes", s->differing);
			yw_map_end(w);
		}
		yw_seq_end(w);
		yw_map_end(w);
	}
	yw_kstr(w, "strip", im->strip);
	yw_map_end(w);
}

bool emit_diff_yaml(FILE *out, const struct rom_diff *d)
{
	struct yw w;
	if (!yw_open(&w, out))
		return false;
	yw_doc_start(&w);
	yw_map_start(&w);
	yw_kuint(&w, "optrom", DIFF_SCHEMA);
	yw_kstr(&w, "kind", "diff");
	side_yaml(&w, "a", d->a, d->after_a);
	side_yaml(&w, "b", d->b, d->after_b);
	yw_kstr(&w, "verdict", diff_verdict_name(d->verdict));
	yw_kbool(&w, "same", d->same);
	yw_kbool(&w, "strict", d->strict);
	yw_kbool(&w, "prefix_equal", d->prefix_equal);
	yw_key(&w, "prefix_fields");
	yw_seq_start(&w);
	for (size_t i = 0; i < d->prefix.n_fields; i++) {
		yw_map_start(&w);
		yw_kstr(&w, "name", d->prefix.fields[i].name);
		yw_kstr(&w, "a", d->prefix.fields[i].a);
		yw_kstr(&w, "b", d->prefix.fields[i].b);
		yw_map_end(&w);
	}
	yw_seq_end(&w);
	yw_kbool(&w, "padding_equal", d->padding_equal);
	yw_kuint(&w, "images_differ", d->n_differ);
	yw_kuint(&w, "images_one_side", d->n_extra);
	yw_key(&w, "images");
	yw_seq_start(&w);
	for (size_t i = 0; i < d->n_images; i++)
		image_yaml(&w, d, &d->images[i]);
	yw_seq_end(&w);
	if (d->note[0])
		yw_kstr(&w, "note", d->note);
	else
		yw_knull(&w, "note");
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w) && !ferror(out);
}
