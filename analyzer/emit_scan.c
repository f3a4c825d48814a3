#include "analyzer/emit_scan.h"

#include <inttypes.h>

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
	if (i->has_ids)
		fprintf(out, "  %04x:%04x", i->vendor, i->device);
	else
		fprintf(out, "  -");
	fprintf(out, "  %s  gop %s", i->version[0] ? i->version : "-", scan_gop_name(i->gop));
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
