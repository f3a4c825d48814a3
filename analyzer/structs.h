/* The structures each node decoded, as a list: name, declaration (the
 * X-macro field table of formats/), file offset and extent. This is how diff
 * names a byte range ("pcir.device_id", "checksum.byte", "driver") and how
 * a field gets one qualified name unique across structures: the
 * structure's prefix, a dot and its declared NAME in lowercase
 * (fmt_qualified_name). A structure that repeats in a node (a BIT token,
 * an ATOM command or data table) is listed once per instance, its prefix
 * followed by the instance in brackets: "bit_token[B].data_size",
 * "atom_data[VRAM_Info].size", "atom_cmd[ASIC_Init]".
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

/* Per node: a dozen fixed structures, up to 64 BIT tokens and their data,
 * up to 128 + 64 ATOM tables. */
#define ROM_STRUCTS_MAX 352
#define ROM_QNAME_LEN   64
#define ROM_INST_LEN    36 /* "UpdateCRTC_DoubleBufferRegisters" is atombios.h's longest */

struct rom_struct;

struct rom_struct_def {
	const char *name;               /* for people: "PCI data structure" */
	const char *prefix;             /* of qualified field names: "pcir" */
	const struct fmt_field *fields; /* the declaration; NULL: opaque bytes */
	size_t n_fields;
	/* Fills out[0 .. k) (offset, length, n_fields, decoded, inst) for
	 * node n of a and returns k: 0 when the node has no such structure,
	 * 1 for most, one per instance for a repeated one; at most cap. */
	size_t (*locate)(const struct rom_analysis *a, const struct rom_node *n,
	                 struct rom_struct *out, size_t cap);
};

struct rom_struct {
	const struct rom_struct_def *def;
	size_t offset;           /* file offset */
	size_t length;           /* extent in bytes */
	size_t n_fields;         /* declared fields that exist here (<= def->n_fields) */
	const void *decoded;     /* the decoded struct fmt_value reads, or NULL */
	char inst[ROM_INST_LEN]; /* which instance of a repeated structure ("B"), or "" */
};

/* The structure's name prefix: def->prefix, and "[inst]" for an instance
 * ("bit_token[B]"). */
void rom_struct_prefix(const struct rom_struct *st, char *out, size_t cap);

/* The qualified name of field f of st: "bit_token[B].data_size". */
void rom_struct_field_name(const struct rom_struct *st, size_t f, char *out, size_t cap);

/* Every structure kind a node can list (for tests of the naming scheme). */
const struct rom_struct_def *rom_struct_defs(size_t *n);

/* The structures node n decoded, in lookup order (the first whose field
 * holds a byte names it, else the smallest that holds it); at most cap. */
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
