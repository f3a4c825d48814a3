#include "analyzer/emit_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void yw_json_open(struct yw *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->doc = NULL;
	w->stream = false;
	w->item = NULL;
	memset(w->stack, 0, sizeof(w->stack));
	memset(w->key, 0, sizeof(w->key));
}

/* Streaming (yw_stream): levels 0 and 1 (the root and its direct
 * containers) are written as they open and close, the values directly in
 * them as they come; a container at level 2 is built as w->item and written
 * when it ends. json-c writes each value, so the bytes are the ones the whole
 * tree would give (JSON_C_TO_STRING_PLAIN: no spaces). */
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static bool streamed(const struct yw *w, int level)
{
	return w->stream && level >= 0 && level < 2;
}

static void put_text(struct yw *w, const char *s)
{
	if (w->ok && (!s || fputs(s, w->out) == EOF))
		w->ok = false;
}

/* What comes before a value in the written level depth - 1: a comma after
 * the first, and the pending key of a map. */
static void stream_prefix(struct yw *w)
{
	int p = w->depth - 1;
	if (p < 0)
		return;
	if (w->written[p]++ > 0)
		put_text(w, ",");
	if (w->is_map[p]) {
		struct json_object *k = json_object_new_string(w->key[p] ? w->key[p] : "");
		if (!w->key[p] || !k)
			w->ok = false;
		put_text(w, k ? json_object_to_json_string_ext(k, JSON_FLAGS) : NULL);
		put_text(w, ":");
		json_object_put(k);
		free(w->key[p]);
		w->key[p] = NULL;
	}
}

/* v (owned) written as the next value of the written level depth - 1. */
static void stream_value(struct yw *w, struct json_object *v)
{
	stream_prefix(w);
	put_text(w, json_object_to_json_string_ext(v, JSON_FLAGS)); /* NULL: "null" */
	json_object_put(v);
}

static void drop(struct yw *w)
{
	json_object_put(w->item);
	w->item = NULL;
	for (int i = 0; i < YW_JSON_DEPTH; i++) {
		free(w->key[i]);
		w->key[i] = NULL;
	}
	json_object_put(w->doc);
	w->doc = NULL;
	w->depth = 0;
}

void yw_json_close(struct yw *w)
{
	if (w->doc || w->depth)
		w->ok = false; /* a document left open */
	drop(w);
}

void yw_json_doc_start(struct yw *w)
{
	if (w->doc || w->depth)
		w->ok = false;
	drop(w);
}

void yw_json_doc_end(struct yw *w)
{
	const char *s;
	if (w->stream && w->depth == 0 && !w->doc) {
		put_text(w, "\n"); /* the root was written as it came */
		drop(w);
		return;
	}
	if (!w->ok || w->depth != 0 || !w->doc) {
		w->ok = false;
		drop(w);
		return;
	}
	s = json_object_to_json_string_ext(w->doc, JSON_FLAGS);
	if (!s || fputs(s, w->out) == EOF || fputc('\n', w->out) == EOF)
		w->ok = false;
	drop(w);
}

/* Puts v where the YAML event stream would: as the root, as the next item of
 * a sequence, as a map's key (a scalar, when none is pending) or value. */
static void place(struct yw *w, struct json_object *v, const char *text)
{
	struct json_object *top;
	if (!w->ok) {
		json_object_put(v);
		return;
	}
	if (streamed(w, w->depth - 1)) {
		if (w->is_map[w->depth - 1] && !w->key[w->depth - 1]) {
			json_object_put(v); /* a key: only a scalar can be one */
			if (!text || !(w->key[w->depth - 1] = strdup(text)))
				w->ok = false;
			return;
		}
		stream_value(w, v);
		return;
	}
	if (w->depth == 0) {
		if (w->doc) {
			w->ok = false;
			json_object_put(v);
			return;
		}
		w->doc = v;
		return;
	}
	top = w->stack[w->depth - 1];
	if (json_object_is_type(top, json_type_array)) {
		if (json_object_array_add(top, v) != 0) {
			w->ok = false;
			json_object_put(v);
		}
		return;
	}
	if (!w->key[w->depth - 1]) {
		/* A key: only a scalar can be one. */
		json_object_put(v);
		if (!text || !(w->key[w->depth - 1] = strdup(text)))
			w->ok = false;
		return;
	}
	if (json_object_object_add(top, w->key[w->depth - 1], v) != 0) {
		w->ok = false;
		json_object_put(v);
	}
	free(w->key[w->depth - 1]);
	w->key[w->depth - 1] = NULL;
}

void yw_json_container_start(struct yw *w, bool map)
{
	struct json_object *c;
	if (!w->ok)
		return;
	if (w->depth >= YW_JSON_DEPTH) {
		w->ok = false;
		return;
	}
	if (streamed(w, w->depth)) {
		if (w->depth > 0 && w->is_map[w->depth - 1] && !w->key[w->depth - 1]) {
			w->ok = false; /* a container as a key */
			return;
		}
		stream_prefix(w);
		put_text(w, map ? "{" : "[");
		w->is_map[w->depth] = map;
		w->written[w->depth] = 0;
		w->stack[w->depth] = NULL;
		w->key[w->depth] = NULL;
		w->depth++;
		return;
	}
	c = map ? json_object_new_object() : json_object_new_array();
	if (!c) {
		w->ok = false;
		return;
	}
	if (streamed(w, w->depth - 1)) {
		/* An item below the written levels: built, written when it ends. */
		if (w->is_map[w->depth - 1] && !w->key[w->depth - 1]) {
			json_object_put(c);
			w->ok = false;
			return;
		}
		w->item = c;
		w->stack[w->depth] = c;
		w->key[w->depth] = NULL;
		w->depth++;
		return;
	}
	/* The container is placed now and filled through the stack (json-c
	 * objects are reference counted: the parent holds it). */
	place(w, json_object_get(c), NULL);
	if (!w->ok) {
		json_object_put(c);
		return;
	}
	w->stack[w->depth] = c;
	w->key[w->depth] = NULL;
	w->depth++;
	json_object_put(c);
}

void yw_json_container_end(struct yw *w)
{
	if (!w->ok)
		return;
	if (w->depth == 0 || w->key[w->depth - 1]) {
		w->ok = false; /* nothing open, or a key without its value */
		return;
	}
	w->depth--;
	w->stack[w->depth] = NULL;
	if (streamed(w, w->depth)) {
		put_text(w, w->is_map[w->depth] ? "}" : "]");
	} else if (streamed(w, w->depth - 1)) {
		struct json_object *item = w->item;
		w->item = NULL;
		stream_value(w, item);
	}
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

static bool is_null(const char *v)
{
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/* YAML 1.2 core schema for a plain scalar: what any YAML reader sees. Not
 * for null (is_null), which json-c represents as NULL. */
static struct json_object *resolve_plain(const char *v)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0)
		return json_object_new_boolean(1);
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0)
		return json_object_new_boolean(0);
	if ((v[0] == '0' && v[1] == 'x' && all_of(v + 2, "0123456789abcdefABCDEF")) ||
	    all_of(v, "0123456789")) {
		char *end;
		unsigned long long n;
		errno = 0;
		n = strtoull(v, &end, v[1] == 'x' ? 16 : 10);
		if (errno == 0 && *end == '\0')
			return json_object_new_uint64(n);
	}
	{
		/* a float, as YAML 1.2's core schema writes one: 12.5, -1.0e3 */
		const char *s = v + (*v == '-' || *v == '+');
		size_t d = strspn(s, "0123456789");
		if (d > 0 && s[d] == '.' && strspn(s + d + 1, "0123456789") > 0) {
			char *end;
			double x = strtod(v, &end);
			if (*end == '\0')
				return json_object_new_double(x);
		}
	}
	return json_object_new_string(v);
}

void yw_json_scalar(struct yw *w, const char *v, bool quoted)
{
	struct json_object *o;
	if (!w->ok)
		return;
	if (!quoted && is_null(v)) {
		place(w, NULL, v); /* json-c's null is the NULL object */
		return;
	}
	o = quoted ? json_object_new_string(v) : resolve_plain(v);
	if (!o) {
		w->ok = false;
		return;
	}
	place(w, o, v);
}
