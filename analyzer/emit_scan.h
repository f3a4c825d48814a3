/* scan's output: one line per input and a summary (text), or one YAML
 * document with files: and summary: (docs/yaml-schema.md, "optrom scan"). */
#ifndef OPTROM_EMIT_SCAN_H
#define OPTROM_EMIT_SCAN_H

#include "analyzer/emit_yaml_writer.h"
#include "analyzer/scan.h"

#include <stdio.h>

#define SCAN_SCHEMA 1 /* the `optrom_scan:` key */

/* One input: info NULL for an unreadable one (error says why); same_as
 * names the earlier input with the same bytes, or NULL. */
struct scan_entry_view {
	const char *name;
	const struct scan_info *info;
	const char *error;
	const char *sha256; /* 64 hex digits, or NULL when not computed */
	const char *same_as;
	const struct rom_analysis *report; /* YAML: the full report, or NULL (duplicates) */
	uint64_t size;
};

void emit_scan_line(FILE *out, const struct scan_entry_view *e);
void emit_scan_summary(FILE *out, const struct scan_summary *s);

void emit_scan_yaml_begin(struct yw *w);
void emit_scan_yaml_entry(struct yw *w, const struct scan_entry_view *e);
void emit_scan_yaml_end(struct yw *w, const struct scan_summary *s);

#endif
