#define _GNU_SOURCE /* memrchr */
#include "formats/zip.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FMT_PREFIX ZIP_EOCD
#define FMT_TYPE   struct zip_eocd_values
FMT_DEFINE(ZIP_EOCD_FIELDS, zip_eocd_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX ZIP_CDIR
#define FMT_TYPE   struct zip_cdir_values
FMT_DEFINE(ZIP_CDIR_FIELDS, zip_cdir_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX ZIP_LOCAL
#define FMT_TYPE   struct zip_local_values
FMT_DEFINE(ZIP_LOCAL_FIELDS, zip_local_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

static enum zip_status say(enum zip_status st, char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (why && cap) {
		va_start(ap, fmt);
		(void)vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* The last end record signature in the final 22 + 65535 bytes at which a
 * whole record fits, or (when none does) whether a truncated one is there. */
static bool find_eocd(const struct span *s, size_t *off, size_t *truncated_at)
{
	size_t lo, start;
	*truncated_at = SIZE_MAX;
	if (s->len < 4)
		return false;
	/* A signature in the last 21 bytes cannot begin a whole record. */
	for (size_t i = s->len - 4 + 1; i-- > 0 && i + ZIP_EOCD_LEN > s->len;)
		if (span_eq(s, i, ZIP_EOCD_SIG, 4)) {
			*truncated_at = i;
			break;
		}
	if (s->len < ZIP_EOCD_LEN)
		return false;
	start = s->len - ZIP_EOCD_LEN;
	lo = start > ZIP_MAX_COMMENT ? start - ZIP_MAX_COMMENT : 0;
	/* Every input is asked "is this a zip?": the 64 KiB before the end of
	 * each ROM are searched for the signature's first byte with memrchr
	 * (vectorized) rather than compared at each offset (scan: 3 % of its
	 * CPU). [lo, start] lies inside the span (start + 22 <= len). */
	for (size_t n = start + 1 - lo; n > 0;) {
		const uint8_t *p = memrchr(s->data + lo, ZIP_EOCD_SIG[0], n);
		size_t i;
		if (!p)
			break;
		i = (size_t)(p - s->data);
		if (span_eq(s, i, ZIP_EOCD_SIG, 4)) {
			*off = i;
			return true;
		}
		n = i - lo;
	}
	return false;
}

enum zip_status zip_open(const struct span *s, struct zip_archive *a, char *why, size_t cap)
{
	struct zip_eocd_values rec;
	size_t off = 0, trunc, end, cdir_end;
	memset(a, 0, sizeof(*a));
	if (!find_eocd(s, &off, &trunc)) {
		if (trunc != SIZE_MAX)
			return say(ZIP_NO_EOCD, why, cap,
			           "end of central directory record at 0x%zx is truncated: %u "
			           "bytes expected, %zu found",
			           trunc, ZIP_EOCD_LEN, s->len - trunc);
		return say(ZIP_NO_EOCD, why, cap,
		           "no end of central directory record (PK\\5\\6) in the last %zu bytes",
		           s->len < ZIP_EOCD_LEN + ZIP_MAX_COMMENT
		               ? s->len
		               : ZIP_EOCD_LEN + ZIP_MAX_COMMENT);
	}
	(void)fmt_decode(s, off, zip_eocd_fields, ZIP_EOCD_F_COUNT, &rec); /* 22 bytes fit */
	a->eocd_offset = off;
	a->entries = (uint16_t)rec.v[ZIP_EOCD_F_ENTRIES];
	a->cdir_size = rec.v[ZIP_EOCD_F_CDIR_SIZE];
	a->cdir_offset = rec.v[ZIP_EOCD_F_CDIR_OFFSET];
	a->comment_len = (uint16_t)rec.v[ZIP_EOCD_F_COMMENT_LEN];
	end = off + ZIP_EOCD_LEN + a->comment_len; /* both small: no overflow */
	if (end > s->len)
		return say(ZIP_BAD_EOCD, why, cap,
		           "end record at 0x%zx: comment length %u passes the end of the file "
		           "(%zu bytes left)",
		           off, a->comment_len, s->len - off - ZIP_EOCD_LEN);
	/* APPNOTE 4.3.15: a zip64 locator sits right before the end record. */
	if ((off >= ZIP64_LOCATOR_LEN &&
	     span_eq(s, off - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_SIG, 4)) ||
	    a->entries == 0xFFFFu || rec.v[ZIP_EOCD_F_CDIR_SIZE] == 0xFFFFFFFFu ||
	    rec.v[ZIP_EOCD_F_CDIR_OFFSET] == 0xFFFFFFFFu)
		return say(ZIP_ZIP64, why, cap,
		           "end record at 0x%zx: zip64 archive (entries 0x%x, directory size 0x%x, "
		           "offset 0x%x): not supported",
		           off, a->entries, rec.v[ZIP_EOCD_F_CDIR_SIZE],
		           rec.v[ZIP_EOCD_F_CDIR_OFFSET]);
	if (rec.v[ZIP_EOCD_F_DISK] != 0 || rec.v[ZIP_EOCD_F_CDIR_DISK] != 0 ||
	    rec.v[ZIP_EOCD_F_ENTRIES_DISK] != rec.v[ZIP_EOCD_F_ENTRIES])
		return say(ZIP_MULTI_DISK, why, cap,
		           "end record at 0x%zx: split archive (disk %u, directory disk %u, %u of "
		           "%u entries on this disk): expected one disk",
		           off, rec.v[ZIP_EOCD_F_DISK], rec.v[ZIP_EOCD_F_CDIR_DISK],
		           rec.v[ZIP_EOCD_F_ENTRIES_DISK], rec.v[ZIP_EOCD_F_ENTRIES]);
	if (a->entries > ZIP_MAX_MEMBERS)
		return say(ZIP_TOO_MANY, why, cap,
		           "end record at 0x%zx: %u entries, expected at most %u", off, a->entries,
		           ZIP_MAX_MEMBERS);
	if (!size_add(a->cdir_offset, a->cdir_size, &cdir_end) || cdir_end > off)
		return say(ZIP_BAD_EOCD, why, cap,
		           "end record at 0x%zx: central directory 0x%zx + 0x%zx passes the end "
		           "record",
		           off, a->cdir_offset, a->cdir_size);
	if (a->cdir_size < (size_t)a->entries * ZIP_CDIR_LEN)
		return say(ZIP_BAD_EOCD, why, cap,
		           "end record at 0x%zx: central directory of 0x%zx bytes cannot hold %u "
		           "entries of at least %u bytes",
		           off, a->cdir_size, a->entries, ZIP_CDIR_LEN);
	return ZIP_OK;
}

bool zip_is_archive(const struct span *s)
{
	struct zip_archive a;
	if (span_eq(s, 0, ZIP_LOCAL_SIG, 4) || span_eq(s, 0, ZIP_EOCD_SIG, 4))
		return true;
	if (zip_open(s, &a, NULL, 0) != ZIP_OK)
		return false;
	/* The end record must sit right after its directory and end the file. */
	return a.eocd_offset + ZIP_EOCD_LEN + a.comment_len == s->len &&
	       a.cdir_offset + a.cdir_size == a.eocd_offset && a.entries > 0 &&
	       span_eq(s, a.cdir_offset, ZIP_CDIR_SIG, 4);
}

enum zip_status zip_entry_read(const struct span *s, const struct zip_archive *a, size_t off,
                               struct zip_entry *e, char *why, size_t cap)
{
	struct zip_cdir_values rec;
	size_t cdir_end = a->cdir_offset + a->cdir_size; /* checked by zip_open */
	size_t vars, end;
	uint8_t last = 0;
	memset(e, 0, sizeof(*e));
	e->record = off;
	if (off < a->cdir_offset || off > cdir_end || cdir_end - off < ZIP_CDIR_LEN ||
	    !fmt_decode(s, off, zip_cdir_fields, ZIP_CDIR_F_COUNT, &rec))
		return say(ZIP_BAD_CDIR, why, cap,
		           "central directory entry at 0x%zx: %u bytes expected before the "
		           "directory end at 0x%zx, %zu found",
		           off, ZIP_CDIR_LEN, cdir_end, off <= cdir_end ? cdir_end - off : 0);
	if (!span_eq(s, off, ZIP_CDIR_SIG, 4))
		return say(ZIP_BAD_CDIR, why, cap,
		           "central directory entry at 0x%zx: signature 0x02014b50 (PK\\1\\2) "
		           "expected, found 0x%08x",
		           off, rec.v[ZIP_CDIR_F_SIGNATURE]);
	vars = (size_t)rec.v[ZIP_CDIR_F_NAME_LEN] + rec.v[ZIP_CDIR_F_EXTRA_LEN] +
	       rec.v[ZIP_CDIR_F_COMMENT_LEN];
	end = off + ZIP_CDIR_LEN + vars; /* off < cdir_end, vars < 3 * 64 KiB */
	if (end > cdir_end)
		return say(ZIP_BAD_CDIR, why, cap,
		           "central directory entry at 0x%zx: name, extra and comment lengths "
		           "%u + %u + %u pass the directory end at 0x%zx by %zu bytes",
		           off, rec.v[ZIP_CDIR_F_NAME_LEN], rec.v[ZIP_CDIR_F_EXTRA_LEN],
		           rec.v[ZIP_CDIR_F_COMMENT_LEN], cdir_end, end - cdir_end);
	if (rec.v[ZIP_CDIR_F_NAME_LEN] == 0)
		return say(ZIP_BAD_CDIR, why, cap,
		           "central directory entry at 0x%zx: empty member name", off);
	e->next = end;
	e->flags = (uint16_t)rec.v[ZIP_CDIR_F_FLAGS];
	e->method = (uint16_t)rec.v[ZIP_CDIR_F_METHOD];
	e->crc32 = rec.v[ZIP_CDIR_F_CRC32];
	e->comp_size = rec.v[ZIP_CDIR_F_COMP_SIZE];
	e->size = rec.v[ZIP_CDIR_F_SIZE];
	e->local_offset = rec.v[ZIP_CDIR_F_LOCAL_OFFSET];
	(void)span_sub(s, off + ZIP_CDIR_LEN, rec.v[ZIP_CDIR_F_NAME_LEN], &e->name);
	(void)span_u8(&e->name, e->name.len - 1, &last);
	e->is_dir = last == '/';
	return ZIP_OK;
}

enum zip_status zip_entry_supported(const struct zip_entry *e, char *why, size_t cap)
{
	if (e->flags & (ZIP_FLAG_ENCRYPTED | ZIP_FLAG_STRONG_CRYPT))
		return say(ZIP_ENCRYPTED, why, cap,
		           "entry at 0x%zx: encrypted member (flags 0x%04x): not supported",
		           e->record, e->flags);
	if (e->comp_size == 0xFFFFFFFFu || e->size == 0xFFFFFFFFu || e->local_offset == 0xFFFFFFFFu)
		return say(ZIP_ZIP64, why, cap,
		           "entry at 0x%zx: zip64 member (sizes 0x%x/0x%x, offset 0x%x): not "
		           "supported",
		           e->record, e->comp_size, e->size, e->local_offset);
	if (e->method != ZIP_METHOD_STORED && e->method != ZIP_METHOD_DEFLATED)
		return say(ZIP_METHOD_UNKNOWN, why, cap,
		           "entry at 0x%zx: compression method %u: expected 0 (stored) or 8 "
		           "(deflated)",
		           e->record, e->method);
	if (e->method == ZIP_METHOD_STORED && e->comp_size != e->size)
		return say(ZIP_BAD_CDIR, why, cap,
		           "entry at 0x%zx: stored member with compressed size %u, expected its "
		           "size %u",
		           e->record, e->comp_size, e->size);
	return ZIP_OK;
}

enum zip_status zip_member_data(const struct span *s, const struct zip_archive *a,
                                const struct zip_entry *e, struct span *data, char *why, size_t cap)
{
	struct zip_local_values rec;
	size_t lo = e->local_offset, start, end;
	struct span lname;
	data->data = NULL;
	data->len = 0;
	if (lo >= a->cdir_offset || a->cdir_offset - lo < ZIP_LOCAL_LEN ||
	    !fmt_decode(s, lo, zip_local_fields, ZIP_LOCAL_F_COUNT, &rec))
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: %u bytes expected before the central directory "
		           "at 0x%zx",
		           lo, ZIP_LOCAL_LEN, a->cdir_offset);
	if (!span_eq(s, lo, ZIP_LOCAL_SIG, 4))
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: signature 0x04034b50 (PK\\3\\4) expected, found "
		           "0x%08x",
		           lo, rec.v[ZIP_LOCAL_F_SIGNATURE]);
	if (rec.v[ZIP_LOCAL_F_METHOD] != e->method)
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: method %u, the central directory says %u", lo,
		           rec.v[ZIP_LOCAL_F_METHOD], e->method);
	if ((rec.v[ZIP_LOCAL_F_FLAGS] & ZIP_FLAG_ENCRYPTED) != (e->flags & ZIP_FLAG_ENCRYPTED))
		return say(ZIP_ENCRYPTED, why, cap,
		           "local header at 0x%zx: flags 0x%04x, the central directory says 0x%04x",
		           lo, rec.v[ZIP_LOCAL_F_FLAGS], e->flags);
	if (rec.v[ZIP_LOCAL_F_NAME_LEN] != e->name.len)
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: name length %u, the central directory says %zu",
		           lo, rec.v[ZIP_LOCAL_F_NAME_LEN], e->name.len);
	if (!span_sub(s, lo + ZIP_LOCAL_LEN, e->name.len, &lname) ||
	    memcmp(lname.data, e->name.data, e->name.len) != 0)
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: the name differs from the central directory's",
		           lo);
	if (!(rec.v[ZIP_LOCAL_F_FLAGS] & ZIP_FLAG_DESCRIPTOR) &&
	    (rec.v[ZIP_LOCAL_F_CRC32] != e->crc32 || rec.v[ZIP_LOCAL_F_COMP_SIZE] != e->comp_size ||
	     rec.v[ZIP_LOCAL_F_SIZE] != e->size))
		return say(ZIP_BAD_LOCAL, why, cap,
		           "local header at 0x%zx: crc 0x%08x, sizes %u/%u; the central directory "
		           "says crc 0x%08x, sizes %u/%u",
		           lo, rec.v[ZIP_LOCAL_F_CRC32], rec.v[ZIP_LOCAL_F_COMP_SIZE],
		           rec.v[ZIP_LOCAL_F_SIZE], e->crc32, e->comp_size, e->size);
	/* lo < cdir_offset <= SIZE_MAX and the lengths are 16-bit: no wrap. */
	start = lo + ZIP_LOCAL_LEN + rec.v[ZIP_LOCAL_F_NAME_LEN] + rec.v[ZIP_LOCAL_F_EXTRA_LEN];
	if (!size_add(start, e->comp_size, &end) || end > a->cdir_offset)
		return say(ZIP_BAD_LOCAL, why, cap,
		           "member data at 0x%zx + 0x%x (local header at 0x%zx) runs past the "
		           "central directory at 0x%zx",
		           start, e->comp_size, lo, a->cdir_offset);
	(void)span_sub(s, start, e->comp_size, data);
	return ZIP_OK;
}

const char *zip_status_str(enum zip_status st)
{
	switch (st) {
	case ZIP_OK:
		return "ok";
	case ZIP_NO_EOCD:
		return "no-end-record";
	case ZIP_BAD_EOCD:
		return "bad-end-record";
	case ZIP_MULTI_DISK:
		return "multi-disk";
	case ZIP_ZIP64:
		return "zip64";
	case ZIP_TOO_MANY:
		return "too-many-members";
	case ZIP_BAD_CDIR:
		return "bad-central-directory";
	case ZIP_BAD_LOCAL:
		return "bad-local-header";
	case ZIP_ENCRYPTED:
		return "encrypted";
	case ZIP_METHOD_UNKNOWN:
		return "method-unknown";
	}
	return NULL;
}
