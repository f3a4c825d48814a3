/* The structures each node decoded, as a list: name, declaration (the
 * X-macro field table of formats/), file offset and extent. This is how diff
 * names a byte range ("pcir.device_id", "checksum.byte", "driver") and how
 * a field gets one qualified name unique across structures: the
 * structure's prefix, a dot and its declared NAME in lowercase
 * (fmt_qualified_name).
 *
 * The list is derived from what the node holds (decoded once by the tree);
 * nothing here reads the file's bytes. Adding a structure is one line in
 * the table of structs.c (a def and the function that says where the node
 * has it).
 */
#ifndef OPTROM_STRUCTS_H
#define OPTROM_STRUCTS_H

#include "analyzer/tree.h"
#include "formats/field.h"

#include <stdbool.h>
#include <stddef.h>

#define ROM_STRUCTS_MAX 16 /* per node */
#define ROM_QNAME_LEN   64

struct rom_struct;

struct rom_struct_def {
	const char *name;               /* for people: "PCI data structure" */
	const char *prefix;             /* of qualified field names: "pcir" */
	const struct fmt_field *fields; /* the declaration; NULL: opaque bytes */
	size_t n_fields;
	/* Fills out->offset, length, n_fields and decoded for node n of a;
	 * false when the node has no such structure. */
	bool (*locate)(const struct rom_analysis *a, const struct rom_node *n,
	               struct rom_struct *out);
};

struct rom_struct {
	const struct rom_struct_def *def;
	size_t offset;       /* file offset */
	size_t length;       /* extent in bytes */
	size_t n_fields;     /* declared fields that exist here (<= def->n_fields) */
	const void *decoded; /* the decoded struct fmt_value reads, or NULL */
};

/* Every structure kind a node can list (for tests of the naming scheme). */
const struct rom_struct_def *rom_struct_defs(size_t *n);

/* The structures node n decoded, in lookup order (the first whose field
 * holds a byte names it); at most cap. */
size_t rom_node_structs(const struct rom_analysis *a, const struct rom_node *n,
                        struct rom_struct *out, size_t cap);

/* The structures before the ROM (the NVGI container header). */
size_t rom_prefix_structs(const struct rom_analysis *a, struct rom_struct *out, size_t cap);

/* The field of st holding file offset off, or -1. */
int rom_struct_field_at(const struct rom_struct *st, size_t off);

/* The innermost listed image (standard chain, NVIDIA chain, images after
 * the chain) holding file offset off, or NULL. */
const struct rom_node *rom_node_holding(const struct rom_analysis *a, size_t off);

/* The name of the byte at file offset off: "pcir.vendor_id", "driver",
 * "image" (image bytes no structure claims), "nvgi.version", "container",
 * "padding" (after the chain, in no image) or "file". */
void rom_name_offset(const struct rom_analysis *a, size_t off, char *out, size_t cap);

#endif
