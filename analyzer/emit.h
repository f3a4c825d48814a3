/* Emitters: the only code below cli/ that writes text, and only to the
 * stream it is given. Each reads the analysis tree and decodes nothing. */
#ifndef OPTROM_EMIT_H
#define OPTROM_EMIT_H

#include "analyzer/tree.h"

#include <stdio.h>

/* How the text emitters draw (NULL: plain). */
struct emit_text_opts {
	bool color; /* ANSI colours: verdicts, severities, the file map */
};

/* The whole report as readable text. */
void emit_text(FILE *out, const struct rom_analysis *a);
void emit_text_with(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o);

/* One line: verdict, file, ROM offset, images, first problem. */
void emit_check_line(FILE *out, const struct rom_analysis *a);
/* The same with colour (o may be NULL) and extra words after the GOP state
 * (NULL: none). */
void emit_check_line_color(FILE *out, const struct rom_analysis *a, const char *extra,
                           const struct emit_text_opts *o);

/* Every finding, one indented line each (check --verbose, info). */
void emit_findings_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o);

/* The file map: one line to scale with a legend (analyzer/emit_map.c), for
 * the whole file and for NVIDIA's NPDE view. */
void emit_map_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o);
void emit_map_nvidia_text(FILE *out, const struct rom_analysis *a, const struct emit_text_opts *o);

/* ANSI colour for a verdict or a severity ("" when o is NULL or plain), and
 * the reset that follows it. */
const char *emit_verdict_color(const struct emit_text_opts *o, enum rom_verdict v);
const char *emit_severity_color(const struct emit_text_opts *o, enum finding_severity s);
const char *emit_color_reset(const struct emit_text_opts *o);

/* The reports as a YAML stream, one document each (libyaml emitter). The
 * schema is documented in docs/yaml-schema.md. Returns false on an
 * emitter or write error. */
bool emit_yaml(FILE *out, const struct rom_analysis *const *reports, size_t n);

/* emit_yaml with a `secure_boot:` key in each report (secure_boot true):
 * the answer of sb's db and dbx for each driver, or sb_origin (why there
 * is no store) when sb is NULL. */
struct sb_store;
struct emit_yaml_opts {
	bool secure_boot;
	const struct sb_store *sb;
	const char *sb_origin;
};
bool emit_yaml_with(FILE *out, const struct rom_analysis *const *reports, size_t n,
                    const struct emit_yaml_opts *o);

/* The document of an ACPI VFCT table (analyzer/emit_vfct.c), before the
 * reports of its images: header, checksum, each image header. name is the
 * table as given. False on a write error. */
struct vfct_table;
bool emit_yaml_vfct(FILE *out, const char *name, const struct vfct_table *t);

/* Short name of an EFI machine (from the PE constants), or "unknown". */
const char *emit_machine_name(uint16_t machine);

/* The driver's Authenticode signature (analyzer/emit_sig.c): the text
 * lines under the driver, and the `signature:` key of its YAML map. */
struct yw;
void emit_text_signature(FILE *out, const struct rom_driver *d);
void emit_yaml_signature(struct yw *w, const struct rom_driver *d);

/* The Secure Boot answer of each driver against a variable store's db and
 * dbx (analyzer/secure_boot.h); st NULL prints origin (why there is none).
 * origin says where the store came from ("found on this host"), or NULL. */
void emit_text_secure_boot(FILE *out, const struct rom_analysis *a, const struct sb_store *st,
                           const char *origin);
void emit_yaml_secure_boot(struct yw *w, const struct rom_analysis *a, const struct sb_store *st,
                           const char *origin);
/* check's line with extra words after the GOP state (NULL: none). */
void emit_check_line_with(FILE *out, const struct rom_analysis *a, const char *extra);

#endif
