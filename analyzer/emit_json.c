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
	memset(w->stack, 0, sizeof(w->stack));
	memset(w->key, 0, sizeof(w->key));
}

static void drop(struct yw *w)
{
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
	if (!w->ok || w->depth != 0 || !w->doc) {
		w->ok = false;
		drop(w);
		return;
	}
	s = json_object_to_json_string_ext(w->doc,
	                                   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
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
	c = map ? json_object_new_object() : json_object_new_array();
	if (!c) {
		w->ok = false;
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
