/* formats/zip.c on synthetic archives (tests/support/zip_builder.c): every
 * record's boundaries and every lie a header can tell. */
#include "formats/zip.h"
#include "tests/support/bytes.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t rom_a[] = {0x55, 0xAA, 0x01, 'a', 'b', 'c', 'd', 'e'};
static const uint8_t rom_b[] = {0x55, 0xAA, 0x02, 'x', 'y', 'z'};

/* Two stored members "a.rom" and "dir/b.rom" and a folder entry "dir/". */
static void build(struct zb *z, const char *comment)
{
	zb_init(z);
	zb_add(z, "a.rom", rom_a, sizeof(rom_a), 0);
	zb_add(z, "dir/", NULL, 0, 0);
	zb_add(z, "dir/b.rom", rom_b, sizeof(rom_b), 0);
	zb_finish(z, comment);
}

static enum zip_status open_st(const struct zb *z, char *why, size_t cap)
{
	struct span s = span_make(z->data, z->len);
	struct zip_archive a;
	return zip_open(&s, &a, why, cap);
}

/* The status of the first failing step over every entry and member. */
static enum zip_status walk(const uint8_t *p, size_t n, char *why, size_t cap, size_t *files)
{
	struct span s = span_make(p, n);
	struct zip_archive a;
	enum zip_status st = zip_open(&s, &a, why, cap);
	size_t off = a.cdir_offset;
	*files = 0;
	for (size_t i = 0; st == ZIP_OK && i < a.entries; i++) {
		struct zip_entry e;
		struct span d;
		st = zip_entry_read(&s, &a, off, &e, why, cap);
		if (st != ZIP_OK)
			break;
		off = e.next;
		if (e.is_dir)
			continue;
		st = zip_entry_supported(&e, why, cap);
		if (st == ZIP_OK)
			st = zip_member_data(&s, &a, &e, &d, why, cap);
		if (st == ZIP_OK && d.len != e.comp_size)
			cr_assert_fail("member data of %zu bytes, expected %u", d.len, e.comp_size);
		if (st == ZIP_OK)
			(*files)++;
	}
	return st;
}

static enum zip_status walk_zb(const struct zb *z, char *why, size_t cap)
{
	size_t files;
	return walk(z->data, z->len, why, cap, &files);
}

/* The fields of a record follow each other without gaps to its fixed
 * length, which APPNOTE 4.3 gives as a number. */
static void expect_contiguous(const struct fmt_field *t, size_t n, size_t want_len,
                              const char *what)
{
	size_t end = 0;
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(t[i].offset, end, "%s field %s", what, t[i].key);
		end = t[i].offset + t[i].width;
	}
	cr_expect_eq(end, want_len, "%s: %zu bytes", what, end);
	cr_expect_eq(fmt_extent(t, n), want_len, "%s", what);
}

Test(zip, tables_declare_each_record_once)
{
	expect_contiguous(zip_eocd_fields, ZIP_EOCD_F_COUNT, 22, "end record");
	expect_contiguous(zip_cdir_fields, ZIP_CDIR_F_COUNT, 46, "central directory entry");
	expect_contiguous(zip_local_fields, ZIP_LOCAL_F_COUNT, 30, "local header");
	cr_expect_eq(ZIP_EOCD_LEN, 22);
	cr_expect_eq(ZIP_CDIR_LEN, 46);
	cr_expect_eq(ZIP_LOCAL_LEN, 30);
}

Test(zip, good_archive_lists_its_members)
{
	struct zb z;
	struct zip_archive a;
	struct zip_entry e;
	struct span d;
	char why[256];
	build(&z, "a comment");
	struct span s = span_make(z.data, z.len);
	cr_assert(zip_is_archive(&s));
	cr_assert_eq(zip_open(&s, &a, why, sizeof(why)), ZIP_OK, "%s", why);
	cr_expect_eq(a.entries, 3);
	cr_expect_eq(a.cdir_offset, z.cdir_offset);
	cr_expect_eq(a.eocd_offset, z.eocd_offset);
	cr_expect_eq(a.comment_len, 9);
	cr_assert_eq(zip_entry_read(&s, &a, a.cdir_offset, &e, why, sizeof(why)), ZIP_OK, "%s",
	             why);
	cr_expect(e.name.len == 5 && memcmp(e.name.data, "a.rom", 5) == 0);
	cr_expect(!e.is_dir);
	cr_assert_eq(zip_member_data(&s, &a, &e, &d, why, sizeof(why)), ZIP_OK, "%s", why);
	cr_expect(d.len == sizeof(rom_a) && memcmp(d.data, rom_a, d.len) == 0);
	cr_assert_eq(zip_entry_read(&s, &a, e.next, &e, why, sizeof(why)), ZIP_OK);
	cr_expect(e.is_dir);
	cr_assert_eq(zip_entry_read(&s, &a, e.next, &e, why, sizeof(why)), ZIP_OK);
	cr_expect(e.name.len == 9 && !e.is_dir);
	cr_expect_eq(e.next, z.eocd_offset);
	zb_free(&z);
}

Test(zip, rom_bytes_are_not_an_archive)
{
	uint8_t rom[4096];
	struct span s;
	memset(rom, 0xFF, sizeof(rom));
	s = span_make(rom, sizeof(rom));
	rom[0] = 0x55;
	rom[1] = 0xAA;
	cr_expect(!zip_is_archive(&s));
	/* "PK\5\6" near the end, but no directory where it points. */
	memcpy(rom + sizeof(rom) - 22, "PK\x05\x06", 4);
	cr_expect(!zip_is_archive(&s));
	s.len = 3;
	cr_expect(!zip_is_archive(&s));
	s = span_make(NULL, 0);
	cr_expect(!zip_is_archive(&s));
}

Test(zip, end_record_found_without_a_local_header_first)
{
	struct zb z;
	struct span s;
	build(&z, NULL);
	memcpy(z.data, "XX", 2); /* no PK\3\4 at 0: detected by its end record */
	s = span_make(z.data, z.len);
	cr_expect(zip_is_archive(&s));
	zb_free(&z);
}

Test(zip, every_truncation_is_an_error_never_a_bad_read)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	for (size_t n = 0; n < z.len; n++) {
		uint8_t *p = tb_exact_copy(z.data, n);
		size_t files;
		enum zip_status st = walk(p, n, why, sizeof(why), &files);
		cr_expect(st != ZIP_OK, "cut to %zu bytes: %s", n, zip_status_str(st));
		cr_expect(strchr(why, '\n') == NULL);
		free(p);
	}
	zb_free(&z);
}

Test(zip, truncated_end_record)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	z.len -= 5;
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_NO_EOCD);
	cr_expect(strstr(why, "truncated") != NULL, "%s", why);
	cr_expect(strstr(why, "22 bytes expected, 17 found") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, no_end_record)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	z.len = z.cdir_offset;
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_NO_EOCD);
	cr_expect(strstr(why, "no end of central directory") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, comment_length_lies)
{
	struct zb z;
	char why[256];
	build(&z, "abc");
	tb_put16(z.data, z.eocd_offset + 20, 4);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD);
	cr_expect(strstr(why, "comment length 4") && strstr(why, "3 bytes left"), "%s", why);
	tb_put16(z.data, z.eocd_offset + 20, 0xFFFF);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD);
	zb_free(&z);
}

Test(zip, central_directory_past_the_end)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put32(z.data, z.eocd_offset + 16, (uint32_t)z.len + 100);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD);
	cr_expect(strstr(why, "passes the end record") != NULL, "%s", why);
	zb_free(&z);
	build(&z, NULL);
	tb_put32(z.data, z.eocd_offset + 12, (uint32_t)(z.eocd_offset - z.cdir_offset + 1));
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD);
	zb_free(&z);
	build(&z, NULL);
	tb_put32(z.data, z.eocd_offset + 16, 0xFFFFFFF0u);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD, "%s", why);
	zb_free(&z);
	/* A directory too small for the entries it claims. */
	build(&z, NULL);
	tb_put32(z.data, z.eocd_offset + 12, 46);
	tb_put32(z.data, z.eocd_offset + 16, (uint32_t)(z.eocd_offset - 46));
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_BAD_EOCD);
	zb_free(&z);
}

Test(zip, directory_pointing_at_the_wrong_place)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	/* Moves the directory start onto the first local header. */
	tb_put32(z.data, z.eocd_offset + 16, 0);
	tb_put32(z.data, z.eocd_offset + 12, (uint32_t)z.eocd_offset);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_CDIR);
	cr_expect(strstr(why, "signature 0x02014b50") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, name_length_lies)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.record[2] + 28, 0x4000);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_CDIR);
	cr_expect(strstr(why, "pass the directory end") != NULL, "%s", why);
	zb_free(&z);
	build(&z, NULL);
	tb_put16(z.data, z.record[0] + 28, 0);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_CDIR);
	cr_expect(strstr(why, "empty member name") != NULL, "%s", why);
	zb_free(&z);
	/* The central name one byte longer than the local one. */
	build(&z, NULL);
	tb_put16(z.data, z.record[0] + 28, 6);
	cr_expect_neq(walk_zb(&z, why, sizeof(why)), ZIP_OK);
	zb_free(&z);
}

Test(zip, local_header_mismatch)
{
	struct zb z;
	char why[256];
	static const struct {
		size_t off;
		uint16_t v16;
		const char *what;
	} lies[] = {
	    {8, 8, "method"},                               /* local method */
	    {26, 4, "name length"},                         /* local name length */
	    {30, 'b', "name differs"}, {14, 0x1234, "crc"}, /* local crc */
	    {0, 0x4b51, "signature"},
	};
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		build(&z, NULL);
		if (lies[i].off == 30)
			z.data[z.local[0] + 30] = (uint8_t)lies[i].v16;
		else
			tb_put16(z.data, z.local[0] + lies[i].off, lies[i].v16);
		cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_LOCAL, "%s", lies[i].what);
		cr_expect(strstr(why, "local header at 0x0") != NULL, "%s: %s", lies[i].what, why);
		cr_expect(strstr(why, lies[i].what) != NULL, "%s: %s", lies[i].what, why);
		zb_free(&z);
	}
	/* A local offset inside the central directory. */
	build(&z, NULL);
	tb_put32(z.data, z.record[0] + 42, (uint32_t)z.cdir_offset);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_LOCAL);
	zb_free(&z);
	/* Member data running into the central directory. */
	build(&z, NULL);
	tb_put32(z.data, z.record[2] + 20, 0x1000);
	tb_put32(z.data, z.record[2] + 24, 0x1000);
	tb_put32(z.data, z.local[2] + 18, 0x1000);
	tb_put32(z.data, z.local[2] + 22, 0x1000);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_LOCAL);
	cr_expect(strstr(why, "runs past the central directory") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, data_descriptor_flag_skips_the_local_sizes)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	for (size_t i = 0; i < 3; i++) {
		tb_put16(z.data, z.local[i] + 6, ZIP_FLAG_DESCRIPTOR);
		tb_put16(z.data, z.record[i] + 8, ZIP_FLAG_DESCRIPTOR);
		tb_put32(z.data, z.local[i] + 14, 0);
		tb_put32(z.data, z.local[i] + 18, 0);
		tb_put32(z.data, z.local[i] + 22, 0);
	}
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_OK, "%s", why);
	zb_free(&z);
}

Test(zip, method_unknown)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.local[0] + 8, 12);
	tb_put16(z.data, z.record[0] + 10, 12); /* bzip2 */
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_METHOD_UNKNOWN);
	cr_expect(strstr(why, "compression method 12") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, stored_sizes_differ)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put32(z.data, z.record[0] + 24, 9);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_BAD_CDIR);
	zb_free(&z);
}

Test(zip, encrypted_flag)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.record[0] + 8, ZIP_FLAG_ENCRYPTED);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_ENCRYPTED);
	cr_expect(strstr(why, "encrypted") != NULL, "%s", why);
	zb_free(&z);
	/* Only the local header says so. */
	build(&z, NULL);
	tb_put16(z.data, z.local[0] + 6, ZIP_FLAG_ENCRYPTED);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_ENCRYPTED);
	zb_free(&z);
}

Test(zip, zip64_markers)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.eocd_offset + 8, 0xFFFF);
	tb_put16(z.data, z.eocd_offset + 10, 0xFFFF);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_ZIP64);
	cr_expect(strstr(why, "zip64") != NULL, "%s", why);
	zb_free(&z);
	build(&z, NULL);
	tb_put32(z.data, z.eocd_offset + 16, 0xFFFFFFFFu);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_ZIP64);
	zb_free(&z);
	build(&z, NULL);
	tb_put32(z.data, z.record[0] + 24, 0xFFFFFFFFu);
	tb_put32(z.data, z.record[0] + 20, 0xFFFFFFFFu);
	cr_expect_eq(walk_zb(&z, why, sizeof(why)), ZIP_ZIP64);
	zb_free(&z);
	/* A zip64 locator right before the end record. */
	build(&z, NULL);
	memcpy(z.data + z.eocd_offset - 20, "PK\x06\x07", 4);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_ZIP64);
	zb_free(&z);
}

Test(zip, split_archive)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.eocd_offset + 4, 1);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_MULTI_DISK);
	zb_free(&z);
	build(&z, NULL);
	tb_put16(z.data, z.eocd_offset + 8, 2);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_MULTI_DISK);
	zb_free(&z);
}

Test(zip, member_count_cap)
{
	struct zb z;
	char why[256];
	build(&z, NULL);
	tb_put16(z.data, z.eocd_offset + 8, ZIP_MAX_MEMBERS + 1);
	tb_put16(z.data, z.eocd_offset + 10, ZIP_MAX_MEMBERS + 1);
	cr_expect_eq(open_st(&z, why, sizeof(why)), ZIP_TOO_MANY);
	cr_expect(strstr(why, "10001 entries, expected at most 10000") != NULL, "%s", why);
	zb_free(&z);
}

Test(zip, status_names)
{
	for (int st = ZIP_OK; st <= ZIP_METHOD_UNKNOWN; st++)
		cr_expect_not_null(zip_status_str((enum zip_status)st));
}
