#include "analyzer/emit_scan.h"

#include "analyzer/pci_names.h"

#include <inttypes.h>

/* The quoted values of the text line, in this order (the YAML entry has
 * every role). */
static const enum fmt_role line_roles[] = {FMT_ROLE_VERSION, FMT_ROLE_PART, FMT_ROLE_BUILD_DATE};

void emit_scan_line(FILE *out, const struct scan_entry_view *e)
{
	const struct scan_info *i = e->info;
	if (!i) {
		fprintf(out, "%-10s %s  %s\n", scan_verdict_name(SCAN_UNREADABLE), e->name,
		        e->error ? e->error : "cannot be read");
		return;
	}
	fprintf(out, "%-10s %s  ", scan_verdict_name(i->verdict), e->name);
	if (i->verdict == SCAN_NOT_A_ROM) {
		fprintf(out, "%s", i->problem);
		if (e->same_as)
			fprintf(out, "  (same bytes as %s)", e->same_as);
		fputc('\n', out);
		return;
	}
	if (i->has_rom)
		fprintf(out, "rom@0x%" PRIx64, i->rom_offset);
	else
		fprintf(out, "rom@none");
	if (i->has_ids) {
		char dn[PCI_NAME_LEN];
		fprintf(out, "  %04x:%04x", i->vendor, i->device);
		if (pci_name_device(i->vendor, i->device, dn, sizeof(dn)))
			fprintf(out, "  \"%s\"", dn);
		else
			fprintf(out, "  -");
	} else {
		fprintf(out, "  -  -");
	}
	for (size_t r = 0; r < sizeof(line_roles) / sizeof(line_roles[0]); r++)
		fprintf(out, "  %s", i->quote[line_roles[r]][0] ? i->quote[line_roles[r]] : "-");
	fprintf(out, "  gop %s", scan_gop_name(i->gop));
	if (i->problem[0])
		fprintf(out, "  %s", i->problem);
	if (e->same_as)
		fprintf(out, "  (same bytes as %s)", e->same_as);
	fputc('\n', out);
}

void emit_scan_summary(FILE *out, const struct scan_summary *s)
{
	bool any = false;
	fprintf(out, "summary: %" PRIu64 " file(s), %" PRIu64 " bytes:", s->files, s->bytes);
	for (int v = 0; v < SCAN_VERDICT_COUNT; v++)
		fprintf(out, "%s %s %" PRIu64, v ? "," : "",
		        scan_verdict_name((enum scan_verdict)v), s->verdicts[v]);
	fprintf(out, "\n  vendors:");
	for (size_t v = 0; v < 65536; v++)
		if (s->vendors[v]) {
			fprintf(out, "%s %04zx %" PRIu32, any ? "," : "", v, s->vendors[v]);
			any = true;
		}
	if (!any)
		fprintf(out, " none");
	fprintf(out, "\n  devices: %zu", s->n_devices);
	if (s->devices_other)
		fprintf(out, " (and %" PRIu64 " input(s) past %d devices)", s->devices_other,
		        SCAN_MAX_DEVICES);
	for (size_t d = 0; d < s->n_devices; d++) {
		char vn[PCI_NAME_LEN], dn[PCI_NAME_LEN];
		const struct scan_device *x = &s->devices[d];
		(void)pci_name_vendor(x->vendor, vn, sizeof(vn));
		(void)pci_name_device(x->vendor, x->device, dn, sizeof(dn));
		fprintf(out, "\n    %04x:%04x %6" PRIu32 "  %s%s%s", x->vendor, x->device, x->count,
		        vn, vn[0] && dn[0] ? " " : "", vn[0] || dn[0] ? dn : "-");
	}
	fprintf(out, "\n  gop:");
	for (int g = 0; g < SCAN_GOP_COUNT; g++)
		fprintf(out, "%s %s %" PRIu64, g ? "," : "", scan_gop_name((enum scan_gop)g),
		        s->gop[g]);
	fprintf(out,
	        "\n  duplicates: %" PRIu64 " file(s) repeat the bytes of an earlier one (%" PRIu64
	        " content(s) held more than once)\n",
	        s->duplicates, s->duplicate_groups);
	fprintf(out,
	        "  efi drivers: %" PRIu64 " in the ROMs, %" PRIu64
	        " distinct stream(s) decoded, %" PRIu64 " taken from the scan's cache\n",
	        s->driver_lookups, s->driver_decoded, s->driver_hits);
}

void emit_scan_yaml_begin(struct yw *w)
{
	yw_doc_start(w);
	yw_map_start(w);
	yw_kuint(w, "optrom_scan", SCAN_SCHEMA);
	yw_key(w, "files");
	yw_seq_start(w);
}

static void kname(struct yw *w, const char *k, bool ok, const char *v)
{
	if (ok)
		yw_kstr(w, k, v);
	else
		yw_knull(w, k);
}

/* The card and what people quote: id, pci.ids names, then one key per
 * role (version, part_number, build_date, board), null when absent. */
static void entry_identity(struct yw *w, const struct scan_info *i)
{
	char buf[PCI_NAME_LEN];
	if (i->has_ids) {
		(void)snprintf(buf, sizeof(buf), "%04x:%04x", i->vendor, i->device);
		yw_kstr(w, "id", buf);
	} else {
		yw_knull(w, "id");
	}
	kname(w, "vendor_name", i->has_ids && pci_name_vendor(i->vendor, buf, sizeof(buf)), buf);
	kname(w, "device_name",
	      i->has_ids && pci_name_device(i->vendor, i->device, buf, sizeof(buf)), buf);
	for (int r = FMT_ROLE_VERSION; r < FMT_ROLE_COUNT; r++)
		kname(w, fmt_role_key((enum fmt_role)r), i->quote[r][0] != '\0', i->quote[r]);
}

void emit_scan_yaml_entry(struct yw *w, const struct scan_entry_view *e)
{
	const struct scan_info *i = e->info;
	yw_map_start(w);
	yw_kstr(w, "file", e->name);
	yw_kstr(w, "verdict", scan_verdict_name(i ? i->verdict : SCAN_UNREADABLE));
	yw_kuint(w, "size", e->size);
	if (!i) {
		yw_kstr(w, "error", e->error ? e->error : "cannot be read");
		yw_map_end(w);
		return;
	}
	if (e->sha256)
		yw_kstr(w, "sha256", e->sha256);
	if (i->verdict == SCAN_NOT_A_ROM)
		yw_kstr(w, "kind", file_kind_name(i->kind));
	yw_kstr(w, "gop", scan_gop_name(i->gop));
	if (i->verdict != SCAN_NOT_A_ROM)
		entry_identity(w, i);
	if (e->same_as)
		yw_kstr(w, "same_as", e->same_as);
	if (e->report) {
		yw_key(w, "report");
		emit_yaml_report_map(w, e->report, e->name);
	}
	yw_map_end(w);
}

void emit_scan_yaml_end(struct yw *w, const struct scan_summary *s)
{
	yw_seq_end(w);
	yw_key(w, "summary");
	yw_map_start(w);
	yw_kuint(w, "files", s->files);
	yw_kuint(w, "bytes", s->bytes);
	yw_key(w, "verdicts");
	yw_map_start(w);
	for (int v = 0; v < SCAN_VERDICT_COUNT; v++)
		yw_kuint(w, scan_verdict_name((enum scan_verdict)v), s->verdicts[v]);
	yw_map_end(w);
	yw_key(w, "vendors");
	yw_map_start(w);
	for (size_t v = 0; v < 65536; v++)
		if (s->vendors[v]) {
			char k[8];
			(void)snprintf(k, sizeof(k), "%04zx", v);
			yw_kuint(w, k, s->vendors[v]);
		}
	yw_map_end(w);
	yw_key(w, "devices");
	yw_map_start(w);
	for (size_t d = 0; d < s->n_devices; d++) {
		char k[16], name[PCI_NAME_LEN];
		const struct scan_device *x = &s->devices[d];
		(void)snprintf(k, sizeof(k), "%04x:%04x", x->vendor, x->device);
		yw_key(w, k);
		yw_map_start(w);
		yw_kuint(w, "count", x->count);
		kname(w, "vendor_name", pci_name_vendor(x->vendor, name, sizeof(name)), name);
		kname(w, "device_name", pci_name_device(x->vendor, x->device, name, sizeof(name)),
		      name);
		yw_map_end(w);
	}
	yw_map_end(w);
	yw_kuint(w, "devices_other", s->devices_other);
	yw_key(w, "gop");
	yw_map_start(w);
	for (int g = 0; g < SCAN_GOP_COUNT; g++)
		yw_kuint(w, scan_gop_name((enum scan_gop)g), s->gop[g]);
	yw_map_end(w);
	yw_key(w, "duplicates");
	yw_map_start(w);
	yw_kuint(w, "files", s->duplicates);
	yw_kuint(w, "contents", s->duplicate_groups);
	yw_map_end(w);
	yw_key(w, "efi_drivers");
	yw_map_start(w);
	yw_kuint(w, "lookups", s->driver_lookups);
	yw_kuint(w, "decoded", s->driver_decoded);
	yw_kuint(w, "from_cache", s->driver_hits);
	yw_map_end(w);
	yw_map_end(w);
	yw_map_end(w);
	yw_doc_end(w);
}
