#include "analyzer/emit_yaml_writer.h"

#include "analyzer/emit_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void emit(struct yw *w, yaml_event_t *ev, int made)
{
	if (!w->ok)
		return;
	if (!made || !yaml_emitter_emit(&w->emitter, ev))
		w->ok = false;
}

static enum yw_syntax default_syntax = YW_YAML;

void yw_set_syntax(enum yw_syntax s)
{
	default_syntax = s;
}

enum yw_syntax yw_get_syntax(void)
{
	return default_syntax;
}

bool yw_open(struct yw *w, FILE *out)
{
	return yw_open_syntax(w, out, default_syntax);
}

bool yw_open_syntax(struct yw *w, FILE *out, enum yw_syntax s)
{
	yaml_event_t ev;
	w->syntax = s;
	w->out = out;
	if (s == YW_JSON) {
		w->ok = true;
		yw_json_open(w, out);
		return true;
	}
	w->ok = yaml_emitter_initialize(&w->emitter) != 0;
	if (!w->ok)
		return false;
	yaml_emitter_set_output_file(&w->emitter, out);
	yaml_emitter_set_unicode(&w->emitter, 1);
	yaml_emitter_set_width(&w->emitter, 120);
	emit(w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	return w->ok;
}

void yw_stream(struct yw *w)
{
	w->stream = true;
}

bool yw_close(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_close(w);
		if (w->ok && fflush(w->out) != 0)
			w->ok = false;
		return w->ok;
	}
	emit(w, &ev, yaml_stream_end_event_initialize(&ev));
	if (w->ok && !yaml_emitter_flush(&w->emitter))
		w->ok = false;
	yaml_emitter_delete(&w->emitter);
	return w->ok;
}

void yw_doc_start(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_doc_start(w);
		return;
	}
	emit(w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0));
}

void yw_doc_end(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_doc_end(w);
		return;
	}
	emit(w, &ev, yaml_document_end_event_initialize(&ev, 1));
}

void yw_map_start(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_container_start(w, true);
		return;
	}
	emit(w, &ev,
	     yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

void yw_map_end(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_container_end(w);
		return;
	}
	emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

void yw_seq_start(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_container_start(w, false);
		return;
	}
	emit(w, &ev,
	     yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
}

void yw_seq_end(struct yw *w)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_container_end(w);
		return;
	}
	emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void scalar(struct yw *w, const char *v, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (w->syntax == YW_JSON) {
		yw_json_scalar(w, v, style != YAML_PLAIN_SCALAR_STYLE);
		return;
	}
	emit(w, &ev,
	     yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)v,
	                                  (int)strlen(v), style == YAML_PLAIN_SCALAR_STYLE,
	                                  style != YAML_PLAIN_SCALAR_STYLE, style));
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0Fu;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (p[i] & 0x3Fu);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

void yw_str(struct yw *w, const char *v)
{
	const unsigned char *p = (const unsigned char *)(v ? v : "");
	size_t len = strlen((const char *)p), o = 0;
	char *clean;
	/* Double quotes for every string value: "10de" and "030000" must stay
	 * strings for YAML 1.1 readers, and messages may contain ':'. libyaml
	 * takes only UTF-8: a byte that is not (a file name from another
	 * locale) becomes U+FFFD rather than failing the whole report. */
	clean = malloc(len * 3 + 1);
	if (!clean) {
		w->ok = false;
		return;
	}
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(p + i);
		if (n == 0) {
			memcpy(clean + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		} else {
			memcpy(clean + o, p + i, n);
			o += n;
			i += n;
		}
	}
	clean[o] = '\0';
	scalar(w, clean, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	free(clean);
}

void yw_plain(struct yw *w, const char *v)
{
	scalar(w, v, YAML_PLAIN_SCALAR_STYLE);
}

void yw_null(struct yw *w)
{
	yw_plain(w, "null");
}

void yw_uint(struct yw *w, uint64_t v)
{
	char buf[32];
	(void)snprintf(buf, sizeof(buf), "%" PRIu64, v);
	yw_plain(w, buf);
}

void yw_hex(struct yw *w, uint64_t v)
{
	char buf[32];
	(void)snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	yw_plain(w, buf);
}

void yw_bool(struct yw *w, bool v)
{
	yw_plain(w, v ? "true" : "false");
}

void yw_key(struct yw *w, const char *k)
{
	yw_plain(w, k);
}

void yw_kstr(struct yw *w, const char *k, const char *v)
{
	yw_key(w, k);
	yw_str(w, v);
}

void yw_kuint(struct yw *w, const char *k, uint64_t v)
{
	yw_key(w, k);
	yw_uint(w, v);
}

void yw_khex(struct yw *w, const char *k, uint64_t v)
{
	yw_key(w, k);
	yw_hex(w, v);
}

void yw_kid4(struct yw *w, const char *k, uint16_t v)
{
	char buf[8];
	(void)snprintf(buf, sizeof(buf), "%04x", v);
	yw_kstr(w, k, buf);
}

void yw_kbool(struct yw *w, const char *k, bool v)
{
	yw_key(w, k);
	yw_bool(w, v);
}

void yw_knull(struct yw *w, const char *k)
{
	yw_key(w, k);
	yw_null(w);
}
