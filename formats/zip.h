/* ZIP archive structure: end of central directory, central directory
 * entries, local file headers. A pure, bounded decoder: no I/O, no
 * decompression (input/ inflates the member data with zlib).
 *
 * Source: PKWARE APPNOTE.TXT 6.3.x, sections 4.3.7 (local file header),
 * 4.3.12 (central directory header), 4.3.16 (end of central directory
 * record), 4.3.14-15 (zip64 end record and locator), 4.4.4 (general purpose
 * flags: bit 0 encrypted, bit 3 data descriptor). Only what ROM collections
 * use is accepted: one disk, no zip64, methods 0 (stored) and 8 (deflated),
 * no encryption; everything else is a named error.
 */
#ifndef OPTROM_ZIP_H
#define OPTROM_ZIP_H

#include "formats/field.h"
#include "formats/span.h"

#define ZIP_LOCAL_SIG     "PK\x03\x04"
#define ZIP_CDIR_SIG      "PK\x01\x02"
#define ZIP_EOCD_SIG      "PK\x05\x06"
#define ZIP64_LOCATOR_SIG "PK\x06\x07"

/* Fixed parts of the records: their last declared field's end (below). */
#define ZIP_EOCD_LEN          (ZIP_EOCD_OFF_COMMENT_LEN + 2u)  /* 22 */
#define ZIP_CDIR_LEN          (ZIP_CDIR_OFF_LOCAL_OFFSET + 4u) /* 46 */
#define ZIP_LOCAL_LEN         (ZIP_LOCAL_OFF_EXTRA_LEN + 2u)   /* 30 */
#define ZIP64_LOCATOR_LEN     20u
#define ZIP_MAX_COMMENT       0xFFFFu
#define ZIP_MAX_MEMBERS       10000u /* more entries than any ROM collection needs */
#define ZIP_METHOD_STORED     0u
#define ZIP_METHOD_DEFLATED   8u
#define ZIP_FLAG_ENCRYPTED    0x0001u
#define ZIP_FLAG_DESCRIPTOR   0x0008u /* crc and sizes follow the data; the local header has 0 */
#define ZIP_FLAG_STRONG_CRYPT 0x0040u

/* Each record's layout, declared once: the decoder reads every field through
 * these tables (index them with the enums). */
#define ZIP_EOCD_FIELDS(X)                                                                         \
	X(SIGNATURE, v[ZIP_EOCD_F_SIGNATURE], 0, 4, "signature")                                   \
	X(DISK, v[ZIP_EOCD_F_DISK], 4, 2, "disk")                                                  \
	X(CDIR_DISK, v[ZIP_EOCD_F_CDIR_DISK], 6, 2, "cdir_disk")                                   \
	X(ENTRIES_DISK, v[ZIP_EOCD_F_ENTRIES_DISK], 8, 2, "entries_on_disk")                       \
	X(ENTRIES, v[ZIP_EOCD_F_ENTRIES], 10, 2, "entries")                                        \
	X(CDIR_SIZE, v[ZIP_EOCD_F_CDIR_SIZE], 12, 4, "cdir_size")                                  \
	X(CDIR_OFFSET, v[ZIP_EOCD_F_CDIR_OFFSET], 16, 4, "cdir_offset")                            \
	X(COMMENT_LEN, v[ZIP_EOCD_F_COMMENT_LEN], 20, 2, "comment_length")

#define FMT_PREFIX ZIP_EOCD
FMT_DECLARE(ZIP_EOCD_FIELDS, zip_eocd_fields);
#undef FMT_PREFIX
/* A record decoded: v[ZIP_EOCD_F_<NAME>]. */
struct zip_eocd_values {
	uint32_t v[ZIP_EOCD_F_COUNT];
};
#define ZIP_CDIR_FIELDS(X)                                                                         \
	X(SIGNATURE, v[ZIP_CDIR_F_SIGNATURE], 0, 4, "signature")                                   \
	X(VERSION_MADE, v[ZIP_CDIR_F_VERSION_MADE], 4, 2, "version_made_by")                       \
	X(VERSION_NEEDED, v[ZIP_CDIR_F_VERSION_NEEDED], 6, 2, "version_needed")                    \
	X(FLAGS, v[ZIP_CDIR_F_FLAGS], 8, 2, "flags")                                               \
	X(METHOD, v[ZIP_CDIR_F_METHOD], 10, 2, "method")                                           \
	X(MTIME, v[ZIP_CDIR_F_MTIME], 12, 2, "mtime")                                              \
	X(MDATE, v[ZIP_CDIR_F_MDATE], 14, 2, "mdate")                                              \
	X(CRC32, v[ZIP_CDIR_F_CRC32], 16, 4, "crc32")                                              \
	X(COMP_SIZE, v[ZIP_CDIR_F_COMP_SIZE], 20, 4, "compressed_size")                            \
	X(SIZE, v[ZIP_CDIR_F_SIZE], 24, 4, "size")                                                 \
	X(NAME_LEN, v[ZIP_CDIR_F_NAME_LEN], 28, 2, "name_length")                                  \
	X(EXTRA_LEN, v[ZIP_CDIR_F_EXTRA_LEN], 30, 2, "extra_length")                               \
	X(COMMENT_LEN, v[ZIP_CDIR_F_COMMENT_LEN], 32, 2, "comment_length")                         \
	X(DISK_START, v[ZIP_CDIR_F_DISK_START], 34, 2, "disk_start")                               \
	X(INT_ATTR, v[ZIP_CDIR_F_INT_ATTR], 36, 2, "internal_attributes")                          \
	X(EXT_ATTR, v[ZIP_CDIR_F_EXT_ATTR], 38, 4, "external_attributes")                          \
	X(LOCAL_OFFSET, v[ZIP_CDIR_F_LOCAL_OFFSET], 42, 4, "local_header_offset")

#define FMT_PREFIX ZIP_CDIR
FMT_DECLARE(ZIP_CDIR_FIELDS, zip_cdir_fields);
#undef FMT_PREFIX
/* A record decoded: v[ZIP_CDIR_F_<NAME>]. */
struct zip_cdir_values {
	uint32_t v[ZIP_CDIR_F_COUNT];
};
#define ZIP_LOCAL_FIELDS(X)                                                                        \
	X(SIGNATURE, v[ZIP_LOCAL_F_SIGNATURE], 0, 4, "signature")                                  \
	X(VERSION_NEEDED, v[ZIP_LOCAL_F_VERSION_NEEDED], 4, 2, "version_needed")                   \
	X(FLAGS, v[ZIP_LOCAL_F_FLAGS], 6, 2, "flags")                                              \
	X(METHOD, v[ZIP_LOCAL_F_METHOD], 8, 2, "method")                                           \
	X(MTIME, v[ZIP_LOCAL_F_MTIME], 10, 2, "mtime")                                             \
	X(MDATE, v[ZIP_LOCAL_F_MDATE], 12, 2, "mdate")                                             \
	X(CRC32, v[ZIP_LOCAL_F_CRC32], 14, 4, "crc32")                                             \
	X(COMP_SIZE, v[ZIP_LOCAL_F_COMP_SIZE], 18, 4, "compressed_size")                           \
	X(SIZE, v[ZIP_LOCAL_F_SIZE], 22, 4, "size")                                                \
	X(NAME_LEN, v[ZIP_LOCAL_F_NAME_LEN], 26, 2, "name_length")                                 \
	X(EXTRA_LEN, v[ZIP_LOCAL_F_EXTRA_LEN], 28, 2, "extra_length")

#define FMT_PREFIX ZIP_LOCAL
FMT_DECLARE(ZIP_LOCAL_FIELDS, zip_local_fields);
#undef FMT_PREFIX
/* A record decoded: v[ZIP_LOCAL_F_<NAME>]. */
struct zip_local_values {
	uint32_t v[ZIP_LOCAL_F_COUNT];
};

enum zip_status {
	ZIP_OK = 0,
	ZIP_NO_EOCD,        /* no end record, or a truncated one */
	ZIP_BAD_EOCD,       /* comment or central directory outside the file */
	ZIP_MULTI_DISK,     /* a split archive */
	ZIP_ZIP64,          /* zip64 markers or records */
	ZIP_TOO_MANY,       /* more than ZIP_MAX_MEMBERS entries */
	ZIP_BAD_CDIR,       /* a central directory entry that does not fit or lacks PK\1\2 */
	ZIP_BAD_LOCAL,      /* a local header missing, truncated or disagreeing */
	ZIP_ENCRYPTED,      /* flag bit 0 or 6 */
	ZIP_METHOD_UNKNOWN, /* not stored or deflated */
};

struct zip_archive {
	size_t eocd_offset;
	size_t cdir_offset, cdir_size;
	uint16_t entries;
	uint16_t comment_len;
};

struct zip_entry {
	size_t record; /* offset of its central directory record */
	size_t next;   /* offset of the record after it */
	uint16_t flags, method;
	uint32_t crc32, comp_size, size, local_offset;
	struct span name; /* the stored name bytes (not NUL-terminated) */
	bool is_dir;      /* the name ends in '/' */
};

/* True when s is a zip archive: it starts with a local header or an (empty
 * archive's) end record, or it ends in an end record whose central directory
 * lies right before it and starts with PK\1\2. ROM bytes that merely contain
 * "PK" are not an archive. */
bool zip_is_archive(const struct span *s);

/* Finds and checks the end of central directory record (the last one in the
 * final 22 + 65535 bytes). On failure why holds one line with the offset and
 * the expected and found values. */
enum zip_status zip_open(const struct span *s, struct zip_archive *a, char *why, size_t cap);

/* Decodes the central directory record at off (the first is
 * a->cdir_offset; the next is e->next), which must lie inside the central
 * directory. Structural checks only: see zip_entry_supported. */
enum zip_status zip_entry_read(const struct span *s, const struct zip_archive *a, size_t off,
                               struct zip_entry *e, char *why, size_t cap);

/* ZIP_OK when input/ can extract the entry: not encrypted, stored or
 * deflated, no zip64 size markers, and a stored member's two sizes agree. */
enum zip_status zip_entry_supported(const struct zip_entry *e, char *why, size_t cap);

/* The member's compressed bytes: checks its local header (signature,
 * method, flags, name, and crc and sizes unless a data descriptor follows)
 * against the central entry, and that the data ends before the central
 * directory. */
enum zip_status zip_member_data(const struct span *s, const struct zip_archive *a,
                                const struct zip_entry *e, struct span *data, char *why,
                                size_t cap);

/* "ok", "no-end-record", ... for tests and the fuzz harness. */
const char *zip_status_str(enum zip_status st);

#endif
