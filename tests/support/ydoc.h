/* Reading optrom's YAML back in the tests, through libyaml's document
 * loader: look a key up in a mapping, an item up in a sequence. */
#ifndef OPTROM_TEST_YDOC_H
#define OPTROM_TEST_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

struct ydocs {
	yaml_document_t docs[64];
	size_t n;
	bool ok; /* the whole stream parsed */
};

/* Parses every document of text; false on a YAML syntax error. */
bool ydocs_parse(const char *text, size_t len, struct ydocs *out);
void ydocs_free(struct ydocs *d);

yaml_node_t *ydoc_root(yaml_document_t *doc);
/* mapping[key], or NULL. */
yaml_node_t *ydoc_get(yaml_document_t *doc, yaml_node_t *map, const char *key);
/* sequence[i], or NULL. */
yaml_node_t *ydoc_item(yaml_document_t *doc, yaml_node_t *seq, size_t i);
size_t ydoc_len(yaml_node_t *seq);
/* The scalar's text, or NULL when node is not a scalar. */
const char *ydoc_str(yaml_node_t *node);
/* Scalar as an integer (decimal or 0x-hex); false if not one. */
bool ydoc_uint(yaml_node_t *node, uint64_t *out);
bool ydoc_is_null(yaml_node_t *node);

#endif
