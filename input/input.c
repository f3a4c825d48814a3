#include "input/input.h"

#include "formats/vfct.h"
#include "formats/zip.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#define GZIP_MAGIC "\x1f\x8b\x08" /* ID1 ID2 and CM 8 (deflate): RFC 1952 2.3.1 */

struct input {
	char *base;   /* the argument as typed, without "!MEMBER" */
	char *path;   /* the file read, NULL for standard input and bytes */
	char *member; /* the member asked for, or NULL */
	enum input_kind source, archive;
	uint8_t *bytes; /* the file's bytes, or the inflated .gz */
	size_t len;
	struct zip_archive zip;
	size_t *members; /* central directory record offsets of the members given */
	size_t n_members, next, total;
	bool done;
	struct vfct_table *vfct; /* INPUT_VFCT: the table; members are image indexes */
};

static void say(char *err, size_t cap, const char *name, const char *fmt, ...)
{
	char why[600];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)snprintf(err, cap, "%s: %s", name, why);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static bool is_gzip(const uint8_t *p, size_t n)
{
	struct span s = span_make(p, n);
	return span_eq(&s, 0, GZIP_MAGIC, 3);
}

static bool is_zip(const uint8_t *p, size_t n)
{
	struct span s = span_make(p, n);
	return zip_is_archive(&s);
}

void input_close(struct input *in)
{
	if (!in)
		return;
	free(in->base);
	free(in->path);
	free(in->member);
	free(in->bytes);
	free(in->members);
	free(in->vfct);
	free(in);
}

/* A member name for messages: control bytes shown as '?'. */
static void printable(const struct span *name, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < name->len && n + 1 < cap; i++) {
		uint8_t c = name->data[i];
		out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[n] = '\0';
}

static void list_vfct_images(const struct input *in, char *err, size_t cap);

/* Appends the members' names to err, as many as fit. */
static void list_members(const struct input *in, char *err, size_t cap)
{
	struct span s = span_make(in->bytes, in->len);
	size_t used = strlen(err);
	if (in->archive == INPUT_VFCT) {
		list_vfct_images(in, err, cap);
		return;
	}
	for (size_t i = 0; i < in->n_members && used + 8 < cap; i++) {
		struct zip_entry e;
		char name[256];
		int k;
		if (zip_entry_read(&s, &in->zip, in->members[i], &e, NULL, 0) != ZIP_OK)
			continue;
		printable(&e.name, name, sizeof(name));
		k = snprintf(err + used, cap - used, "%s%s", i ? ", " : "", name);
		if (k < 0 || (size_t)k >= cap - used) {
			/* Cut: say so, in the last bytes. */
			if (cap > 5)
				memcpy(err + cap - 5, "...", 4);
			return;
		}
		used += (size_t)k;
	}
}

/* Where a member's bytes lie: its local header up to the end of its data. */
struct member_range {
	size_t start, end, record;
};

static int by_start(const void *a, const void *b)
{
	const struct member_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* No two members may share bytes. Real archives never do; a crafted one
 * points many directory entries at one deflate stream and multiplies it
 * (David Fifield, "A better zip bomb", 2019; Info-ZIP UnZip 6.0 refuses
 * "overlapped components" the same way). A member whose local header does
 * not read is left to input_next, which names its error. */
static bool members_disjoint(struct input *in, char *err, size_t cap)
{
	struct span s = span_make(in->bytes, in->len);
	struct member_range *r = calloc(in->n_members ? in->n_members : 1, sizeof(*r));
	size_t n = 0;
	bool ok = true;
	if (!r) {
		say(err, cap, in->base, "out of memory");
		return false;
	}
	for (size_t i = 0; i < in->n_members; i++) {
		struct zip_entry e;
		struct span data;
		char why[400];
		if (zip_entry_read(&s, &in->zip, in->members[i], &e, why, sizeof(why)) != ZIP_OK ||
		    zip_member_data(&s, &in->zip, &e, &data, why, sizeof(why)) != ZIP_OK)
			continue;
		r[n].start = e.local_offset;
		r[n].end = (size_t)(data.data - in->bytes) + data.len;
		r[n].record = e.record;
		n++;
	}
	qsort(r, n, sizeof(*r), by_start);
	for (size_t i = 1; i < n && ok; i++) {
		if (r[i].start >= r[i - 1].end)
			continue;
		say(err, cap, in->base,
		    "zip archive: the members of the directory entries at 0x%zx and 0x%zx share "
		    "bytes (local headers at 0x%zx and 0x%zx, the first runs to 0x%zx): expected "
		    "members apart; overlapping members are how a zip bomb multiplies one stream",
		    r[i - 1].record, r[i].record, r[i - 1].start, r[i].start, r[i - 1].end);
		ok = false;
	}
	free(r);
	return ok;
}

/* Walks the whole central directory once, so that a broken archive fails
 * before any member is read, and keeps the members to give. */
static bool open_zip(struct input *in, char *err, size_t cap)
{
	struct span s = span_make(in->bytes, in->len);
	char why[400];
	size_t off, n = 0;
	bool found_dir = false;
	if (zip_open(&s, &in->zip, why, sizeof(why)) != ZIP_OK) {
		say(err, cap, in->base, "zip archive: %s", why);
		return false;
	}
	in->members = calloc(in->zip.entries ? in->zip.entries : 1, sizeof(*in->members));
	if (!in->members) {
		say(err, cap, in->base, "out of memory");
		return false;
	}
	off = in->zip.cdir_offset;
	for (size_t i = 0; i < in->zip.entries; i++) { /* at most ZIP_MAX_MEMBERS */
		struct zip_entry e;
		if (zip_entry_read(&s, &in->zip, off, &e, why, sizeof(why)) != ZIP_OK) {
			say(err, cap, in->base, "zip archive: %s", why);
			return false;
		}
		off = e.next;
		if (!e.is_dir)
			in->members[n++] = e.record;
		if (in->member) {
			size_t ml = strlen(in->member);
			if (e.name.len != ml || memcmp(e.name.data, in->member, ml) != 0)
				continue;
			if (e.is_dir) {
				found_dir = true;
				continue;
			}
			in->members[0] = e.record;
			in->n_members = 1;
			return true;
		}
	}
	in->n_members = n;
	if (in->member) {
		/* Name them: the error is how the user learns the right spelling. */
		in->n_members = n;
		say(err, cap, in->base, "%s '%s'; the zip holds %zu file(s): ",
		    found_dir ? "is a folder in the archive, not a file:" : "no member named",
		    in->member, n);
		list_members(in, err, cap);
		return false;
	}
	if (n == 0) {
		say(err, cap, in->base, "zip archive with no files (%u entries, all folders)",
		    in->zip.entries);
		return false;
	}
	return members_disjoint(in, err, cap);
}

/* ---- ACPI VFCT tables: each image is a member named by its PCI address ---- */

/* Appends "03:00.0 (1002:73df)" for each image, as many as fit. */
static void list_vfct_images(const struct input *in, char *err, size_t cap)
{
	size_t used = strlen(err);
	for (size_t i = 0; i < in->vfct->n && used + 8 < cap; i++) {
		const struct vfct_image_header *h = &in->vfct->images[i].hdr;
		char bdf[40];
		int k;
		(void)vfct_image_bdf(h, bdf, sizeof(bdf));
		k = snprintf(err + used, cap - used, "%s%s (%04x:%04x)", i ? ", " : "", bdf,
		             h->vendor, h->device);
		if (k < 0 || (size_t)k >= cap - used)
			return;
		used += (size_t)k;
	}
}

/* A member name matches image h: "03:00.0", "0000:03:00.0" (the table
 * records no domain), or "1002:73df" (vendor:device, hex, any case). */
static bool vfct_name_matches(const struct vfct_image_header *h, const char *name)
{
	char bdf[40], full[48], ids[16];
	(void)vfct_image_bdf(h, bdf, sizeof(bdf));
	(void)snprintf(full, sizeof(full), "0000:%s", bdf);
	(void)snprintf(ids, sizeof(ids), "%04x:%04x", h->vendor, h->device);
	return strcasecmp(name, bdf) == 0 || strcasecmp(name, full) == 0 ||
	       strcasecmp(name, ids) == 0;
}

static bool open_vfct(struct input *in, char *err, size_t cap)
{
	struct span s = span_make(in->bytes, in->len);
	char why[400];
	size_t n = 0;
	in->vfct = malloc(sizeof(*in->vfct));
	in->members = calloc(VFCT_MAX_IMAGES, sizeof(*in->members));
	if (!in->vfct || !in->members) {
		say(err, cap, in->base, "out of memory");
		return false;
	}
	if (vfct_decode(&s, in->vfct, why, sizeof(why)) != VFCT_OK) {
		say(err, cap, in->base, "ACPI VFCT table: %s", why);
		return false;
	}
	for (size_t i = 0; i < in->vfct->n; i++) {
		if (in->member && !vfct_name_matches(&in->vfct->images[i].hdr, in->member))
			continue;
		in->members[n++] = i;
	}
	in->n_members = n;
	if (in->member && n != 1) {
		say(err, cap, in->base, "%s '%s'; the ACPI VFCT table holds %zu image(s): ",
		    n ? "more than one image matches" : "no image for", in->member, in->vfct->n);
		list_vfct_images(in, err, cap);
		return false;
	}
	if (n == 0) {
		say(err, cap, in->base,
		    "ACPI VFCT table with no images (the list at 0x%x ends at 0x%zx: %s)",
		    in->vfct->vfct.vbios_image_offset, in->vfct->stop_offset,
		    vfct_stop_str(in->vfct->stop));
		return false;
	}
	return true;
}

static enum input_next next_image(struct input *in, struct input_item *it, char *err, size_t cap)
{
	const struct vfct_image *img;
	char bdf[40];
	size_t bl = strlen(in->base);
	if (in->next >= in->n_members)
		return INPUT_END;
	img = &in->vfct->images[in->members[in->next++]];
	(void)vfct_image_bdf(&img->hdr, bdf, sizeof(bdf));
	it->name = malloc(bl + 1 + strlen(bdf) + 1);
	if (!it->name) {
		say(err, cap, in->base, "out of memory");
		return INPUT_ERROR;
	}
	(void)sprintf(it->name, "%s!%s", in->base, bdf);
	it->member = it->name + bl + 1;
	it->from_vfct = true;
	it->vfct = img->hdr;
	if (img->truncated) {
		say(err, cap, it->name,
		    "ACPI VFCT image header at 0x%zx declares 0x%x bytes, the table (0x%zx bytes) "
		    "holds 0x%zx after it: truncated (Linux's amdgpu refuses it too)",
		    img->header_offset, img->hdr.image_length, in->vfct->length, img->data_length);
		input_item_free(it);
		return INPUT_ERROR;
	}
	if (img->data_length == 0) {
		say(err, cap, it->name, "ACPI VFCT image header at 0x%zx declares 0 bytes",
		    img->header_offset);
		input_item_free(it);
		return INPUT_ERROR;
	}
	it->data = malloc(img->data_length);
	if (!it->data) {
		say(err, cap, it->name, "out of memory");
		input_item_free(it);
		return INPUT_ERROR;
	}
	memcpy(it->data, in->bytes + img->data_offset, img->data_length);
	it->len = img->data_length;
	return INPUT_ITEM;
}

const struct vfct_table *input_vfct(const struct input *in)
{
	return in->archive == INPUT_VFCT ? in->vfct : NULL;
}

/* Decides what the bytes are; one level of archive only. */
static bool setup(struct input *in, char *err, size_t cap)
{
	if (is_gzip(in->bytes, in->len)) {
		uint8_t *plain;
		size_t n;
		in->archive = INPUT_GZIP;
		if (in->member) {
			say(err, cap, in->base,
			    "a gzip file, not a zip archive: '!%s' names a member of a zip",
			    in->member);
			return false;
		}
		if (!input_gunzip(in->base, in->bytes, in->len, ROM_LOAD_MAX, &plain, &n, err, cap))
			return false;
		free(in->bytes);
		in->bytes = plain;
		in->len = n;
		if (is_gzip(plain, n) || is_zip(plain, n)) {
			say(err, cap, in->base,
			    "a %s inside a gzip file: optrom reads one level of archive; unpack it "
			    "first",
			    is_gzip(plain, n) ? "gzip file" : "zip archive");
			return false;
		}
		return true;
	}
	if (is_zip(in->bytes, in->len)) {
		in->archive = INPUT_ZIP;
		return open_zip(in, err, cap);
	}
	{
		struct span vs = span_make(in->bytes, in->len);
		if (vfct_is_table(&vs)) {
			in->archive = INPUT_VFCT;
			return open_vfct(in, err, cap);
		}
	}
	in->archive = INPUT_FILE;
	if (in->member) {
		say(err, cap, in->base,
		    "not a zip archive (no PK\\3\\4 header, no end record): '!%s' names a member "
		    "of "
		    "a zip",
		    in->member);
		return false;
	}
	return true;
}

static struct input *new_input(const char *base, const char *member)
{
	struct input *in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->base = dup_str(base);
	in->member = member ? dup_str(member) : NULL;
	if (!in->base || (member && !in->member)) {
		input_close(in);
		return NULL;
	}
	return in;
}

struct input *input_open_bytes(const char *name, const uint8_t *data, size_t len,
                               const char *member, char *err, size_t cap)
{
	struct input *in = new_input(name, member);
	if (!in || !(in->bytes = malloc(len ? len : 1))) {
		input_close(in);
		say(err, cap, name, "out of memory");
		return NULL;
	}
	if (len)
		memcpy(in->bytes, data, len);
	in->len = len;
	in->source = INPUT_FILE;
	if (len == 0) {
		say(err, cap, name, "empty input (0 bytes)");
		input_close(in);
		return NULL;
	}
	if (!setup(in, err, cap)) {
		input_close(in);
		return NULL;
	}
	return in;
}

static bool is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

struct input *input_open(const char *arg, char *err, size_t cap)
{
	struct stat st;
	struct input *in;
	char *base = dup_str(arg), *member = NULL;
	bool is_stdin;
	enum load_status ls;
	if (!base) {
		say(err, cap, arg, "out of memory");
		return NULL;
	}
	/* ARCHIVE!MEMBER only when the whole argument is not a file: the first
	 * '!' whose left side is a regular file (or "-") splits it. */
	if (strcmp(arg, "-") != 0 && stat(arg, &st) != 0) {
		for (char *bang = strchr(base, '!'); bang; bang = strchr(bang + 1, '!')) {
			*bang = '\0';
			if (strcmp(base, "-") == 0 || is_regular(base)) {
				member = bang + 1;
				break;
			}
			*bang = '!';
		}
	}
	in = new_input(base, member && *member ? member : NULL);
	if (!in) {
		free(base);
		say(err, cap, arg, "out of memory");
		return NULL;
	}
	if (member && !*member) {
		say(err, cap, arg, "empty member name after '!': expected ARCHIVE!MEMBER");
		free(base);
		input_close(in);
		return NULL;
	}
	is_stdin = strcmp(base, "-") == 0;
	free(base);
	in->source = is_stdin ? INPUT_STDIN : INPUT_FILE;
	if (is_stdin) {
		ls = rom_load_stream(0, "-", &in->bytes, &in->len, err, cap);
	} else {
		in->path = dup_str(in->base);
		ls = in->path ? rom_load_file(in->path, &in->bytes, &in->len, err, cap)
		              : LOAD_NO_MEMORY;
	}
	if (ls != LOAD_OK || !setup(in, err, cap)) {
		if (ls == LOAD_NO_MEMORY && !in->path)
			say(err, cap, arg, "out of memory");
		input_close(in);
		return NULL;
	}
	return in;
}

enum input_kind input_source(const struct input *in)
{
	return in->source == INPUT_STDIN ? INPUT_STDIN : in->archive;
}

enum input_kind input_archive(const struct input *in)
{
	return in->archive;
}

size_t input_count(const struct input *in)
{
	return in->archive == INPUT_ZIP || in->archive == INPUT_VFCT ? in->n_members : 1;
}

bool input_require_one(const struct input *in, char *err, size_t cap)
{
	if (input_count(in) == 1)
		return true;
	if (in->archive == INPUT_VFCT) {
		say(err, cap, in->base,
		    "ACPI VFCT table of %zu images: name one as %s!BB:DD.F or %s!VVVV:DDDD "
		    "(fix: --device): ",
		    in->n_members, in->base, in->base);
		list_members(in, err, cap);
		return false;
	}
	say(err, cap, in->base, "zip archive of %zu files: name one as %s!NAME: ", in->n_members,
	    in->base);
	list_members(in, err, cap);
	return false;
}

void input_item_free(struct input_item *it)
{
	free(it->name);
	free(it->data);
	memset(it, 0, sizeof(*it));
}

/* "BASE!MEMBER" for a zip member; NULL when out of memory or the stored
 * name holds a NUL byte (it could not be typed). */
static char *member_name(const char *base, const struct span *m, const char **member)
{
	size_t bl = strlen(base);
	char *p;
	if (memchr(m->data, '\0', m->len))
		return NULL;
	p = malloc(bl + 1 + m->len + 1);
	if (!p)
		return NULL;
	memcpy(p, base, bl);
	p[bl] = '!';
	memcpy(p + bl + 1, m->data, m->len);
	p[bl + 1 + m->len] = '\0';
	*member = p + bl + 1;
	return p;
}

static enum input_next next_member(struct input *in, struct input_item *it, char *err, size_t cap)
{
	struct span s = span_make(in->bytes, in->len), data;
	struct zip_entry e;
	char why[400], shown[300], disp[700];
	uint8_t *out = NULL;
	uint32_t crc;
	if (in->done || in->next >= in->n_members)
		return INPUT_END;
	/* Read once already by open_zip: cannot fail now. */
	if (zip_entry_read(&s, &in->zip, in->members[in->next++], &e, why, sizeof(why)) != ZIP_OK) {
		say(err, cap, in->base, "zip archive: %s", why);
		return INPUT_ERROR;
	}
	/* Errors show the name with control bytes as '?': always one line. */
	printable(&e.name, shown, sizeof(shown));
	(void)snprintf(disp, sizeof(disp), "%s!%s", in->base, shown);
	it->name = member_name(in->base, &e.name, &it->member);
	if (!it->name) {
		say(err, cap, in->base, "member '%s' (entry at 0x%zx): %s", shown, e.record,
		    memchr(e.name.data, '\0', e.name.len) ? "its name holds a NUL byte"
		                                          : "out of memory");
		return INPUT_ERROR;
	}
	if (zip_entry_supported(&e, why, sizeof(why)) != ZIP_OK ||
	    zip_member_data(&s, &in->zip, &e, &data, why, sizeof(why)) != ZIP_OK) {
		say(err, cap, disp, "%s", why);
		goto bad;
	}
	if (e.size > ROM_LOAD_MAX) {
		say(err, cap, disp,
		    "the directory declares %u bytes uncompressed (entry at 0x%zx): expected at "
		    "most %zu (64 MiB) for an option ROM",
		    e.size, e.record, ROM_LOAD_MAX);
		goto bad;
	}
	if (e.size == 0) {
		say(err, cap, disp, "empty member (0 bytes)");
		goto bad;
	}
	if (in->total + e.size > INPUT_TOTAL_MAX) {
		say(err, cap, disp,
		    "the archive's members so far and this one hold %zu bytes: expected at most "
		    "%zu (1 GiB) in one archive; stopped",
		    in->total + e.size, INPUT_TOTAL_MAX);
		in->done = true;
		goto bad;
	}
	if (e.method == ZIP_METHOD_STORED) {
		out = malloc(e.size);
		if (!out) {
			say(err, cap, disp, "out of memory");
			goto bad;
		}
		memcpy(out, data.data, e.size);
	} else if (!input_inflate_raw(disp, data.data, data.len, e.size, &out, err, cap)) {
		goto bad;
	}
	crc = (uint32_t)crc32(0L, out, (uInt)e.size);
	if (crc != e.crc32) {
		say(err, cap, disp,
		    "CRC-32 mismatch: the directory (entry at 0x%zx) says 0x%08x, the data gives "
		    "0x%08x",
		    e.record, e.crc32, crc);
		goto bad;
	}
	if (is_gzip(out, e.size) || is_zip(out, e.size)) {
		say(err, cap, disp,
		    "a %s inside a zip archive: optrom reads one level of archive; unpack it first",
		    is_gzip(out, e.size) ? "gzip file" : "zip archive");
		goto bad;
	}
	in->total += e.size;
	it->data = out;
	it->len = e.size;
	return INPUT_ITEM;
bad:
	free(out);
	input_item_free(it);
	return INPUT_ERROR;
}

enum input_next input_next(struct input *in, struct input_item *it, char *err, size_t cap)
{
	memset(it, 0, sizeof(*it));
	if (in->archive == INPUT_ZIP)
		return next_member(in, it, err, cap);
	if (in->archive == INPUT_VFCT)
		return next_image(in, it, err, cap);
	if (in->done)
		return INPUT_END;
	in->done = true;
	it->name = dup_str(in->base);
	if (!it->name) {
		say(err, cap, in->base, "out of memory");
		return INPUT_ERROR;
	}
	/* The bytes move to the item: one ROM, read once. */
	it->data = in->bytes;
	it->len = in->len;
	in->bytes = NULL;
	in->len = 0;
	return INPUT_ITEM;
}

bool input_stem(const struct input *in, const struct input_item *it, char *out, size_t cap)
{
	const char *b = in->base;
	size_t bl = strlen(b);
	int n;
	if (in->source == INPUT_STDIN)
		return false;
	switch (in->archive) {
	case INPUT_GZIP:
		if (bl <= 3 || strcmp(b + bl - 3, ".gz") != 0)
			return false;
		n = snprintf(out, cap, "%.*s", (int)(bl - 3), b);
		break;
	case INPUT_ZIP: {
		const char *slash = strrchr(b, '/');
		const char *m = it && it->member ? it->member : NULL;
		const char *mbase;
		if (!m)
			return false;
		mbase = strrchr(m, '/') ? strrchr(m, '/') + 1 : m;
		if (!*mbase)
			return false;
		n = snprintf(out, cap, "%.*s%s", slash ? (int)(slash - b + 1) : 0, b, mbase);
		break;
	}
	case INPUT_VFCT: {
		/* vfct.dat!03:00.0 -> vfct.1002-73df.rom beside the table */
		const char *slash = strrchr(b, '/');
		const char *dot = strrchr(slash ? slash + 1 : b, '.');
		size_t keep = dot && dot != (slash ? slash + 1 : b) ? (size_t)(dot - b) : bl;
		if (!it || !it->from_vfct)
			return false;
		n = snprintf(out, cap, "%.*s.%04x-%04x.rom", (int)keep, b, it->vfct.vendor,
		             it->vfct.device);
		break;
	}
	default:
		n = snprintf(out, cap, "%s", b);
		break;
	}
	return n > 0 && (size_t)n < cap;
}

const char *input_path(const struct input *in)
{
	return in->path;
}
