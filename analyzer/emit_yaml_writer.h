/* A thin layer over libyaml's event emitter: keys, scalars, maps and
 * sequences, with the first error remembered. Shared by every YAML output
 * (reports, fix plans, extract index).
 *
 * The same calls also write JSON (json-c): one description of a report, two
 * syntaxes. Each document becomes one JSON value on one line (JSON Lines);
 * keys and nesting are the YAML ones; a quoted YAML scalar (yw_str) is a JSON
 * string, a plain one (yw_plain and the typed helpers) is resolved as a YAML
 * 1.2 core-schema reader resolves it: null, true/false, a decimal or 0x-hex
 * integer (a JSON number), anything else a string. An emitter that uses only
 * these calls gets JSON for free; the syntax is chosen once per process
 * (yw_set_syntax, before any thread starts) or per writer (yw_open_syntax). */
#ifndef OPTROM_EMIT_YAML_WRITER_H
#define OPTROM_EMIT_YAML_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

enum yw_syntax { YW_YAML, YW_JSON };

#define YW_JSON_DEPTH 64 /* nesting cap of a JSON document */

struct json_object;

struct yw {
	yaml_emitter_t emitter;
	bool ok;
	enum yw_syntax syntax;
	FILE *out;                                /* JSON: where documents go */
	struct json_object *stack[YW_JSON_DEPTH]; /* JSON: open containers */
	char *key[YW_JSON_DEPTH];                 /* JSON: a map's pending key */
	int depth;                                /* JSON: entries of stack in use */
	struct json_object *doc;                  /* JSON: the document's root */
	/* JSON, yw_stream: the root and its direct containers are written as
	 * they come, each item below them when it ends. */
	bool stream;
	bool is_map[2];           /* the two written levels: map or array */
	size_t written[2];        /* their members written so far (for commas) */
	struct json_object *item; /* the item being built below them (owned) */
};

/* The syntax yw_open() writes (default YW_YAML). The front end sets it once
 * from --format, before any output and any thread. */
void yw_set_syntax(enum yw_syntax s);
enum yw_syntax yw_get_syntax(void);

bool yw_open(struct yw *w, FILE *out); /* in the syntax of yw_get_syntax() */
/* JSON: write the documents as they are made, one item of the root's
 * containers at a time (scan's files: memory flat however many), instead of
 * the whole document when it ends. The same bytes; after an error the line
 * is left cut. YAML: libyaml streams already; nothing changes. */
void yw_stream(struct yw *w);
bool yw_open_syntax(struct yw *w, FILE *out, enum yw_syntax s);
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
/* A PCI id as a string of 4 lowercase hex digits ("10de"): quoted, so that
 * "0300" or "1e10" stay strings for every reader. */
void yw_kid4(struct yw *w, const char *k, uint16_t v);
void yw_knull(struct yw *w, const char *k);
void yw_key(struct yw *w, const char *k);

/* One report as a mapping inside a document the caller writes (scan's
 * files: list); file names the input (NULL: the analysis's own name). */
struct rom_analysis;
void emit_yaml_report_map(struct yw *w, const struct rom_analysis *a, const char *file);
/* The same keys inside a mapping the caller opened (and closes, after keys
 * of its own: check --device's device_match). */
void emit_yaml_report_keys(struct yw *w, const struct rom_analysis *a, const char *file);

#endif
