#include "tests/support/ydoc.h"

#include <stdlib.h>
#include <string.h>

bool ydocs_parse(const char *text, size_t len, struct ydocs *out)
{
	yaml_parser_t p;
	memset(out, 0, sizeof(*out));
	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	out->ok = true;
	while (out->n < sizeof(out->docs) / sizeof(out->docs[0])) {
		yaml_document_t *d = &out->docs[out->n];
		if (!yaml_parser_load(&p, d)) {
			out->ok = false;
			break;
		}
		if (!yaml_document_get_root_node(d)) {
			yaml_document_delete(d);
			break;
		}
		out->n++;
	}
	yaml_parser_delete(&p);
	return out->ok;
}

void ydocs_free(struct ydocs *d)
{
	for (size_t i = 0; i < d->n; i++)
		yaml_document_delete(&d->docs[i]);
	d->n = 0;
}

yaml_node_t *ydoc_root(yaml_document_t *doc)
{
	return yaml_document_get_root_node(doc);
}

const char *ydoc_str(yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

yaml_node_t *ydoc_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = ydoc_str(yaml_document_get_node(doc, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

size_t ydoc_len(yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *ydoc_item(yaml_document_t *doc, yaml_node_t *seq, size_t i)
{
	if (i >= ydoc_len(seq))
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

bool ydoc_uint(yaml_node_t *node, uint64_t *out)
{
	const char *s = ydoc_str(node);
	char *end;
	if (!s || !*s || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	*out = strtoull(s, &end, 0);
	return *end == '\0';
}

bool ydoc_is_null(yaml_node_t *node)
{
	const char *s = ydoc_str(node);
	return s && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (strcmp(s, "null") == 0 || strcmp(s, "~") == 0 || *s == '\0');
}
