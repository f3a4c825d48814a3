/* A thin layer over libyaml's event emitter: keys, scalars, maps and
 * sequences, with the first error remembered. Shared by every YAML output
 * (reports, fix plans, extract index). */
#ifndef OPTROM_EMIT_YAML_WRITER_H
#define OPTROM_EMIT_YAML_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

struct yw {
	yaml_emitter_t emitter;
	bool ok;
};

bool yw_open(struct yw *w, FILE *out);
bool yw_close(struct yw *w);
void yw_doc_start(struct yw *w);
void yw_doc_end(struct yw *w);
void yw_map_start(struct yw *w);
void yw_map_end(struct yw *w);
void yw_seq_start(struct yw *w);
void yw_seq_end(struct yw *w);
void yw_str(struct yw *w, const char *v);   /* quoted when YAML would misread it */
void yw_plain(struct yw *w, const char *v); /* plain scalar: numbers, booleans */
void yw_null(struct yw *w);
void yw_uint(struct yw *w, uint64_t v); /* decimal */
void yw_hex(struct yw *w, uint64_t v);  /* 0x-hex, e.g. offsets */
void yw_bool(struct yw *w, bool v);
/* key: value helpers */
void yw_kstr(struct yw *w, const char *k, const char *v);
void yw_kuint(struct yw *w, const char *k, uint64_t v);
void yw_khex(struct yw *w, const char *k, uint64_t v);
void yw_kbool(struct yw *w, const char *k, bool v);
void yw_knull(struct yw *w, const char *k);
void yw_key(struct yw *w, const char *k);

/* One report as a mapping inside a document the caller writes (scan's
 * files: list); file names the input (NULL: the analysis's own name). */
struct rom_analysis;
void emit_yaml_report_map(struct yw *w, const struct rom_analysis *a, const char *file);

#endif
