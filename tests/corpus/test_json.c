/* --format json carries the same data as --format yaml: for every real ROM
 * (the corpus and Debian's ROMs) the report and the fix plan are written in
 * both syntaxes by the same emitter calls; the YAML is read back with
 * libyaml and turned into a JSON value the way a YAML 1.2 core-schema
 * reader resolves it (quoted: string; plain: null, bool, decimal or 0x
 * integer, else string), the JSON is parsed with json-c, and the two must
 * be equal: same keys, same nesting, same values, same schema number. */
#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
#include "patcher/patch.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* -------- YAML -> json-c, written for this test (not the writer's code) */

static struct json_object *plain(const char *v)
{
	char *end;
	if (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	    !strcmp(v, "NULL"))
		return NULL;
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_object_new_boolean(1);
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_object_new_boolean(0);
	if (v[0] == '0' && v[1] == 'x' && v[2]) {
		unsigned long long n = strtoull(v + 2, &end, 16);
		if (!*end)
			return json_object_new_uint64(n);
	} else if (v[0] >= '0' && v[0] <= '9') {
		unsigned long long n = strtoull(v, &end, 10);
		if (!*end)
			return json_object_new_uint64(n);
	}
	if (strchr(v, '.')) {
		double x = strtod(v, &end);
		if (!*end && end != v)
			return json_object_new_double(x);
	}
	return json_object_new_string(v);
}

/* Reads one node starting with event ev (already parsed). */
static struct json_object *node(yaml_parser_t *p, yaml_event_t *ev, bool *ok)
{
	struct json_object *o = NULL;
	yaml_event_t e;
	if (ev->type == YAML_SCALAR_EVENT) {
		const char *v = (const char *)ev->data.scalar.value;
		return ev->data.scalar.quoted_implicit && !ev->data.scalar.plain_implicit
		           ? json_object_new_string(v)
		           : plain(v);
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		o = json_object_new_array();
		for (;;) {
			if (!yaml_parser_parse(p, &e)) {
				*ok = false;
				return o;
			}
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return o;
			}
			json_object_array_add(o, node(p, &e, ok));
			yaml_event_delete(&e);
		}
	}
	if (ev->type == YAML_MAPPING_START_EVENT) {
		o = json_object_new_object();
		for (;;) {
			yaml_event_t k;
			char *key;
			if (!yaml_parser_parse(p, &k)) {
				*ok = false;
				return o;
			}
			if (k.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&k);
				return o;
			}
			cr_assert_eq(k.type, YAML_SCALAR_EVENT);
			key = strdup((const char *)k.data.scalar.value);
			yaml_event_delete(&k);
			if (!yaml_parser_parse(p, &e)) {
				free(key);
				*ok = false;
				return o;
			}
			json_object_object_add(o, key, node(p, &e, ok));
			yaml_event_delete(&e);
			free(key);
		}
	}
	*ok = false;
	return NULL;
}

/* The documents of a YAML stream, as a JSON array. */
static struct json_object *yaml_docs(const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t e;
	bool ok = true;
	struct json_object *docs = json_object_new_array();
	cr_assert(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		cr_assert(yaml_parser_parse(&p, &e), "YAML does not parse: %s", p.problem);
		if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (e.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_t root;
			yaml_event_delete(&e);
			cr_assert(yaml_parser_parse(&p, &root));
			json_object_array_add(docs, node(&p, &root, &ok));
			yaml_event_delete(&root);
			continue;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	cr_assert(ok, "YAML stream ended early");
	return docs;
}

/* The lines of a JSON Lines text, each parsed, as a JSON array. */
static struct json_object *json_docs(const char *text)
{
	struct json_object *docs = json_object_new_array();
	const char *s = text;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *line = strndup(s, n);
		enum json_tokener_error err;
		struct json_object *o = json_tokener_parse_verbose(line, &err);
		cr_assert_eq(err, json_tokener_success, "a JSON line does not parse: %s",
		             json_tokener_error_desc(err));
		json_object_array_add(docs, o);
		free(line);
		s += n + (e ? 1 : 0);
	}
	return docs;
}

typedef bool (*writer_fn)(FILE *out, void *ctx);

/* What fn writes in syntax s. */
static char *capture(enum yw_syntax s, writer_fn fn, void *ctx, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	cr_assert_not_null(f);
	yw_set_syntax(s);
	cr_assert(fn(f, ctx), "the emitter failed in %s", s == YW_JSON ? "JSON" : "YAML");
	yw_set_syntax(YW_YAML);
	fclose(f);
	return buf;
}

static void same_data(const char *what, writer_fn fn, void *ctx)
{
	size_t ylen, jlen;
	char *y = capture(YW_YAML, fn, ctx, &ylen), *j = capture(YW_JSON, fn, ctx, &jlen);
	struct json_object *a = yaml_docs(y, ylen), *b = json_docs(j);
	cr_expect_gt(json_object_array_length(a), 0, "%s: no document", what);
	cr_expect(json_object_equal(a, b), "%s: YAML and JSON differ:\n%.2000s\n--\n%.2000s", what,
	          json_object_to_json_string(a), json_object_to_json_string(b));
	/* the schema number is there, as a number, in both */
	for (size_t i = 0; i < json_object_array_length(b); i++) {
		struct json_object *v = NULL;
		cr_expect(json_object_object_get_ex(json_object_array_get_idx(b, i), "optrom", &v));
		cr_expect_eq(json_object_get_int(v), REPORT_SCHEMA);
	}
	json_object_put(a);
	json_object_put(b);
	free(y);
	free(j);
}

struct both {
	const struct rom_analysis *a;
	const uint8_t *data;
	size_t len;
};

static bool report_fn(FILE *out, void *ctx)
{
	const struct both *b = ctx;
	return emit_yaml(out, &b->a, 1);
}

static bool plan_fn(FILE *out, void *ctx)
{
	const struct both *b = ctx;
	struct patch_options opt;
	struct patch_plan *p = calloc(1, sizeof(*p));
	struct patch_result res;
	bool ok;
	memset(&opt, 0, sizeof(opt));
	opt.trim = true;
	memset(&res, 0, sizeof(res));
	res.input = b->a->file;
	res.dry_run = true;
	patch_plan_make(b->a, b->data, b->len, &opt, p);
	ok = patch_emit_yaml(out, b->a, p, &res);
	free(p);
	return ok;
}

Test(json, every_real_report_and_plan_is_the_same_data_in_yaml_and_json, .timeout = 600)
{
	size_t nrows = 0, checked = 0;
	struct expect_row *rows = expect_load(&nrows);
	cr_assert_not_null(rows, "corpus/expected.tsv is missing or unreadable");
	for (size_t r = 0; r < nrows; r++) {
		struct both b;
		uint8_t *data;
		size_t len = 0;
		struct rom_analysis *a;
		if (!rows[r].present)
			continue;
		data = tb_read_file(rows[r].path, &len);
		cr_assert_not_null(data, "%s", rows[r].path);
		a = rom_analyze(data, len, rows[r].name);
		cr_assert_not_null(a);
		b.a = a;
		b.data = data;
		b.len = len;
		same_data(rows[r].name, report_fn, &b);
		same_data(rows[r].name, plan_fn, &b);
		rom_analysis_free(a);
		free(data);
		checked++;
	}
	free(rows);
	fprintf(stderr, "json: %zu real ROMs: report and plan the same data in YAML and JSON\n",
	        checked);
	if (checked == 0) {
		expect_note_skip("json: no corpus file (%s) and no Debian ROM present: not checked",
		                 expect_corpus_dir());
		cr_skip_test("no real ROM present");
	}
}

/* Strings that look like numbers stay strings; a name that is not UTF-8
 * is the same replacement text in both. */
Test(json, number_like_strings_and_odd_names)
{
	static const uint8_t empty[1] = {0};
	struct rom_analysis *a = rom_analyze(empty, 0, "0x10\xff\"quoted\"\n: 1");
	struct both b = {a, empty, 0};
	cr_assert_not_null(a);
	same_data("odd name", report_fn, &b);
	rom_analysis_free(a);
}
