/* A wire structure's fields declared once, as data.
 *
 * Each structure (PCIR, EFI ROM header, NVGI, NPDE, ...) is one X-macro list
 * in its header, one line per field:
 *
 *     X(NAME, member, offset, width, "report_key")
 *
 * NAME is the C name of the field, member the member of the decoded struct
 * that holds it, offset its place from the structure's start, width its
 * size in bytes (1 to 8, little-endian; FMT_BITS for a bit-field inside
 * such a word) and report_key the key the text/YAML reports and the diff use.
 * From that one list, FMT_DECLARE makes (in the header):
 *
 *     <P>_OFF_<NAME>   the offset, for rules, the patcher and the builder;
 *     <P>_F_<NAME>     the field's index in the table, <P>_F_COUNT fields;
 *
 * and FMT_DEFINE makes the table (in the .c): key, offset, width and where
 * the value lives in the decoded struct, which fmt_decode and fmt_encode
 * walk. A field is so called the same in code, report and diff, and the
 * decoder, the offsets and the test builder cannot drift apart (fwupd's
 * declared structs and iPXE's Option::ROM field hashes, without a code
 * generator). Fields are numbers; strings inside a structure (ATOM magic,
 * build date) keep their own offset constants.
 */
#ifndef OPTROM_FIELD_H
#define OPTROM_FIELD_H

#include "formats/span.h"

struct fmt_field {
	const char *key;  /* stable snake_case key used in reports */
	uint16_t offset;  /* from the structure's start */
	uint8_t width;    /* 1 to 8 bytes, little-endian */
	uint8_t shift;    /* bit-field: lowest bit of the value in the word */
	uint8_t bits;     /* bit-field: number of bits; 0 = the whole word */
	uint8_t size;     /* size of the member in the decoded struct: 1, 2, 4 or 8 */
	uint16_t member;  /* offsetof the member in the decoded struct */
	const char *name; /* the declaration's NAME (e.g. "VENDOR_ID"): qualified names */
};

/* Width argument of a bit-field: bits [shift, shift + bits) of the width-byte
 * little-endian word at the field's offset. */
#define FMT_BITS(width, shift, bits) ((width) | (shift) << 8 | (bits) << 16)

/* Decodes table[0 .. n) of the structure at base into out. A field that lies
 * outside s is set to 0 and the others are still read; false when any
 * field could not be read. Reads only through s. */
bool fmt_decode(const struct span *s, size_t base, const struct fmt_field *table, size_t n,
                void *out);

/* Writes table[0 .. n) of in at buf + base (bit-fields merge into the bytes
 * already there). Writes nothing and returns false when a field would end
 * past cap. */
bool fmt_encode(uint8_t *buf, size_t cap, size_t base, const struct fmt_field *table, size_t n,
                const void *in);

/* Bytes from the structure's start to the end of its last field. */
size_t fmt_extent(const struct fmt_field *table, size_t n);

/* The value of field f in a decoded struct (what fmt_decode stored). */
uint64_t fmt_value(const void *decoded, const struct fmt_field *f);

/* The field's qualified name: prefix "." lowercase NAME ("pcir" and
 * VENDOR_ID give "pcir.vendor_id"), unique across structures as long as
 * prefixes are (analyzer/structs.c tests it). Cut to cap. */
void fmt_qualified_name(const char *prefix, const struct fmt_field *f, char *out, size_t cap);

/* Text fields: a NUL-terminated string a decoder stores in its struct (a
 * version, a date, a part number), declared like the numeric fields:
 *
 *     X(NAME, member, "report_key", role)
 *
 * member is the char array holding it. FMT_TEXT_DECLARE makes
 * <P>_T_<NAME> and <P>_T_COUNT; FMT_TEXT_DEFINE the table of key, member
 * offset and size that the reports, diff and scan walk. role says which
 * value people quote the field is, so that scan's columns and diff's
 * summary take it from here. */
enum fmt_role {
	FMT_ROLE_NONE = 0,
	FMT_ROLE_VERSION,    /* the VBIOS version, as the vendor's flash tool prints it */
	FMT_ROLE_PART,       /* the part number */
	FMT_ROLE_BUILD_DATE, /* the build date */
	FMT_ROLE_BOARD,      /* the board / SKU code */
	FMT_ROLE_COUNT,
};

struct fmt_text {
	const char *key;  /* stable snake_case key used in reports */
	const char *name; /* the declaration's NAME */
	uint16_t member;  /* offsetof the char array in the decoded struct */
	uint16_t size;    /* its size */
	uint8_t role;     /* enum fmt_role */
};

/* The string of t in a decoded struct; "" when it is not terminated
 * inside its array. */
const char *fmt_text_value(const void *decoded, const struct fmt_text *t);

/* prefix "." key ("nvidia" and build_date give "nvidia.build_date"). */
void fmt_text_qualified_name(const char *prefix, const struct fmt_text *t, char *out, size_t cap);

/* The key people read for a role ("version", "part_number", ...). */
const char *fmt_role_key(enum fmt_role r);

/* ---- generators; used through FMT_DECLARE / FMT_DEFINE below ---- */

#define FMT_CAT3_(a, b, c) a##b##c
#define FMT_CAT3(a, b, c)  FMT_CAT3_(a, b, c)

/* FMT_PREFIX (e.g. PCIR) and FMT_TYPE (e.g. struct pci_pcir) are defined
 * around each FMT_DECLARE / FMT_DEFINE. */
#define FMT_X_OFF(NAME, member, off, width, key)  FMT_CAT3(FMT_PREFIX, _OFF_, NAME) = (off),
#define FMT_X_ENUM(NAME, member, off, width, key) FMT_CAT3(FMT_PREFIX, _F_, NAME),
#define FMT_X_ROW(NAME, member, off, width, key)                                                   \
	[FMT_CAT3(FMT_PREFIX, _F_, NAME)] = {                                                      \
	    (key),                                                                                 \
	    (off),                                                                                 \
	    (uint8_t)((width)&0xFF),                                                               \
	    (uint8_t)(((width) >> 8) & 0xFF),                                                      \
	    (uint8_t)(((width) >> 16) & 0xFF),                                                     \
	    (uint8_t)sizeof(((FMT_TYPE *)0)->member),                                              \
	    (uint16_t)offsetof(FMT_TYPE, member),                                                  \
	    #NAME,                                                                                 \
	},

#define FMT_T_ENUM(NAME, member, key, role) FMT_CAT3(FMT_PREFIX, _T_, NAME),
#define FMT_T_ROW(NAME, member, key, role)                                                         \
	[FMT_CAT3(FMT_PREFIX, _T_, NAME)] = {                                                      \
	    (key),                                                                                 \
	    #NAME,                                                                                 \
	    (uint16_t)offsetof(FMT_TYPE, member),                                                  \
	    (uint16_t)sizeof(((FMT_TYPE *)0)->member),                                             \
	    (uint8_t)(role),                                                                       \
	},

/* Text fields: the enum and the table (header), the table (the .c). */
#define FMT_TEXT_DECLARE(LIST, table)                                                              \
	enum { LIST(FMT_T_ENUM) FMT_CAT3(FMT_PREFIX, _T_, COUNT) };                                \
	extern const struct fmt_text table[]
#define FMT_TEXT_DEFINE(LIST, table) const struct fmt_text table[] = {LIST(FMT_T_ROW)}

/* In the header: the offset constants, the field enum and the table. */
#define FMT_DECLARE(LIST, table)                                                                   \
	enum { LIST(FMT_X_OFF) };                                                                  \
	enum { LIST(FMT_X_ENUM) FMT_CAT3(FMT_PREFIX, _F_, COUNT) };                                \
	extern const struct fmt_field table[]

/* In the .c: the table itself. */
#define FMT_DEFINE(LIST, table) const struct fmt_field table[] = {LIST(FMT_X_ROW)}

#endif
