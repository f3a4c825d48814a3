/* input/: plain bytes, gzip and zip built here with real zlib (deflate,
 * raw deflate, crc32), member selection, and the caps: a gzip bomb and a
 * zip bomb of zeros stop at 64 MiB with one clear line, quickly. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "formats/zip.h"
#include "input/input.h"
#include "tests/support/bytes.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint8_t rom[3000];
static uint8_t rom2[1500];

static void fill(void)
{
	for (size_t i = 0; i < sizeof(rom); i++)
		rom[i] = (uint8_t)(i * 7 + (i >> 5));
	rom[0] = 0x55;
	rom[1] = 0xAA;
	for (size_t i = 0; i < sizeof(rom2); i++)
		rom2[i] = (uint8_t)(i * 13);
	rom2[0] = 0x55;
	rom2[1] = 0xAA;
}

TestSuite(input, .init = fill, .timeout = 120);

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Opens bytes and expects exactly one ROM equal to want. */
static void expect_one(const char *name, const uint8_t *p, size_t n, const uint8_t *want,
                       size_t want_len, const char *want_name)
{
	char err[1024];
	struct input *in = input_open_bytes(name, p, n, NULL, err, sizeof(err));
	struct input_item it;
	cr_assert_not_null(in, "%s: %s", name, err);
	cr_expect_eq(input_count(in), 1);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM, "%s", err);
	cr_expect_str_eq(it.name, want_name);
	cr_expect_eq(it.len, want_len);
	cr_expect(memcmp(it.data, want, want_len) == 0);
	input_item_free(&it);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_END);
	input_close(in);
}

/* Opening fails with one line holding each of the words. */
static void expect_open_error(const char *name, const uint8_t *p, size_t n, const char *member,
                              const char *w1, const char *w2)
{
	char err[1024] = "";
	struct input *in = input_open_bytes(name, p, n, member, err, sizeof(err));
	cr_expect_null(in, "%s opened", name);
	input_close(in);
	cr_expect(strncmp(err, name, strlen(name)) == 0, "does not start with %s: %s", name, err);
	cr_expect(strchr(err, '\n') == NULL, "not one line: %s", err);
	cr_expect(strstr(err, w1) != NULL, "no '%s' in: %s", w1, err);
	if (w2)
		cr_expect(strstr(err, w2) != NULL, "no '%s' in: %s", w2, err);
}

/* The first member fails to read with one line holding word. */
static void expect_member_error(const struct zb *z, const char *word)
{
	char err[1024] = "";
	struct input *in = input_open_bytes("b.zip", z->data, z->len, NULL, err, sizeof(err));
	struct input_item it;
	double t0 = now();
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_ERROR);
	cr_expect(strncmp(err, "b.zip!", 6) == 0, "%s", err);
	cr_expect(strstr(err, word) != NULL, "no '%s' in: %s", word, err);
	cr_expect(strchr(err, '\n') == NULL, "%s", err);
	cr_expect(now() - t0 < 5.0, "took %.1f s", now() - t0);
	input_close(in);
}

Test(input, plain_bytes_are_one_rom)
{
	struct input *in;
	char err[256], stem[256];
	struct input_item it;
	expect_one("card.rom", rom, sizeof(rom), rom, sizeof(rom), "card.rom");
	in = input_open_bytes("d/card.rom", rom, sizeof(rom), NULL, err, sizeof(err));
	cr_assert_not_null(in);
	cr_expect_eq(input_archive(in), INPUT_FILE);
	cr_expect(input_require_one(in, err, sizeof(err)));
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_expect(input_stem(in, &it, stem, sizeof(stem)));
	cr_expect_str_eq(stem, "d/card.rom");
	input_item_free(&it);
	input_close(in);
	expect_open_error("card.rom", rom, sizeof(rom), "x.rom", "not a zip archive", "!x.rom");
	expect_open_error("empty.rom", rom, 0, NULL, "empty", NULL);
}

Test(input, gzip_by_magic_not_name)
{
	size_t n;
	uint8_t *gz = zb_deflate(rom, sizeof(rom), 0, 31, &n);
	struct input *in;
	struct input_item it;
	char err[256], stem[256];
	expect_one("card.rom.gz", gz, n, rom, sizeof(rom), "card.rom.gz");
	expect_one("card.bin", gz, n, rom, sizeof(rom), "card.bin");
	in = input_open_bytes("x/card.rom.gz", gz, n, NULL, err, sizeof(err));
	cr_assert_not_null(in);
	cr_expect_eq(input_archive(in), INPUT_GZIP);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_expect(input_stem(in, &it, stem, sizeof(stem)));
	cr_expect_str_eq(stem, "x/card.rom");
	input_item_free(&it);
	input_close(in);
	in = input_open_bytes("card.bin", gz, n, NULL, err, sizeof(err));
	cr_assert_not_null(in);
	cr_expect(!input_stem(in, NULL, stem, sizeof(stem)), "no .gz suffix: no stem");
	input_close(in);
	expect_open_error("card.rom.gz", gz, n, "m", "gzip file, not a zip", NULL);
	free(gz);
}

Test(input, gzip_members_concatenated)
{
	size_t n1, n2;
	uint8_t *a = zb_deflate(rom, sizeof(rom), 0, 31, &n1);
	uint8_t *b = zb_deflate(rom2, sizeof(rom2), 0, 31, &n2);
	uint8_t *cat = malloc(n1 + n2), *want = malloc(sizeof(rom) + sizeof(rom2));
	cr_assert(cat && want);
	memcpy(cat, a, n1);
	memcpy(cat + n1, b, n2);
	memcpy(want, rom, sizeof(rom));
	memcpy(want + sizeof(rom), rom2, sizeof(rom2));
	expect_one("c.gz", cat, n1 + n2, want, sizeof(rom) + sizeof(rom2), "c.gz");
	/* Garbage after the stream. */
	cat[n1] = 0x42;
	expect_open_error("c.gz", cat, n1 + n2, NULL, "after the gzip stream", "0x");
	free(a);
	free(b);
	free(cat);
	free(want);
}

Test(input, gzip_damage_is_one_line)
{
	size_t n;
	uint8_t *gz = zb_deflate(rom, sizeof(rom), 0, 31, &n);
	for (size_t cut = 3; cut < n; cut += 97) {
		uint8_t *p = tb_exact_copy(gz, cut);
		char err[512] = "";
		struct input *in = input_open_bytes("t.gz", p, cut, NULL, err, sizeof(err));
		cr_expect_null(in, "cut to %zu opened", cut);
		cr_expect(strncmp(err, "t.gz: ", 6) == 0 && !strchr(err, '\n'), "%s", err);
		input_close(in);
		free(p);
	}
	gz[n - 6] ^= 0xFF; /* the CRC-32 in the trailer */
	expect_open_error("t.gz", gz, n, NULL, "not a valid gzip stream", "check");
	free(gz);
}

/* Peak RSS allowed for a bomb test: the 64 MiB cap's buffer and the test's
 * own; ASan's shadow and its quarantine of freed buffers come on top. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_LIMIT_KIB (640L * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_LIMIT_KIB (640L * 1024)
#endif
#endif
#ifndef RSS_LIMIT_KIB
#define RSS_LIMIT_KIB (200L * 1024)
#endif

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

Test(input, gzip_bomb_stops_at_the_cap)
{
	size_t n;
	const size_t big = ROM_LOAD_MAX + (16u << 20);
	uint8_t *gz = zb_deflate(NULL, 0, big, 31, &n);
	double t0 = now();
	cr_assert_lt(n, 1u << 20, "the bomb is small: %zu bytes", n);
	/* Honest ISIZE: refused before inflating anything. */
	expect_open_error("bomb.gz", gz, n, NULL, "declares", "64 MiB");
	/* ISIZE lies: inflating stops at the cap. */
	tb_put32(gz, n - 4, 1000);
	expect_open_error("bomb.gz", gz, n, NULL, "inflates past", "64 MiB");
	cr_expect(now() - t0 < 10.0, "took %.1f s", now() - t0);
	/* Never more than the cap's buffer (plus the test's own). */
	cr_expect_lt(max_rss_kib(), RSS_LIMIT_KIB, "max RSS %ld KiB", max_rss_kib());
	free(gz);
}

static void two_members(struct zb *z)
{
	zb_init(z);
	zb_add(z, "a.rom", rom, sizeof(rom), 0);
	zb_add(z, "roms/", NULL, 0, 0);
	zb_add(z, "roms/b.rom", rom2, sizeof(rom2), 8);
	zb_finish(z, "collection");
}

Test(input, zip_gives_each_member_named_archive_bang_member)
{
	struct zb z;
	struct input *in;
	struct input_item it;
	char err[1024], stem[256];
	two_members(&z);
	in = input_open_bytes("dl/a.zip", z.data, z.len, NULL, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_archive(in), INPUT_ZIP);
	cr_expect_eq(input_count(in), 2, "the folder entry is skipped");
	cr_expect(!input_require_one(in, err, sizeof(err)));
	cr_expect(strstr(err, "dl/a.zip!NAME") && strstr(err, "a.rom, roms/b.rom"), "%s", err);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM, "%s", err);
	cr_expect_str_eq(it.name, "dl/a.zip!a.rom");
	cr_expect_str_eq(it.member, "a.rom");
	cr_expect(it.len == sizeof(rom) && memcmp(it.data, rom, sizeof(rom)) == 0);
	input_item_free(&it);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM, "%s", err);
	cr_expect_str_eq(it.name, "dl/a.zip!roms/b.rom");
	cr_expect(it.len == sizeof(rom2) && memcmp(it.data, rom2, sizeof(rom2)) == 0);
	cr_expect(input_stem(in, &it, stem, sizeof(stem)));
	cr_expect_str_eq(stem, "dl/b.rom");
	input_item_free(&it);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_END);
	input_close(in);
	zb_free(&z);
}

Test(input, member_selection)
{
	struct zb z;
	struct input *in;
	struct input_item it;
	char err[1024];
	two_members(&z);
	in = input_open_bytes("a.zip", z.data, z.len, "roms/b.rom", err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_count(in), 1);
	cr_expect(input_require_one(in, err, sizeof(err)));
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_expect_str_eq(it.name, "a.zip!roms/b.rom");
	cr_expect(it.len == sizeof(rom2));
	input_item_free(&it);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_END);
	input_close(in);
	/* Exact names only, and a folder is not a file. */
	expect_open_error("a.zip", z.data, z.len, "b.rom", "no member named 'b.rom'",
	                  "a.rom, roms/b.rom");
	expect_open_error("a.zip", z.data, z.len, "A.ROM", "no member named", NULL);
	expect_open_error("a.zip", z.data, z.len, "roms/", "is a folder", NULL);
	zb_free(&z);
}

Test(input, crc_mismatch_then_the_next_member)
{
	struct zb z;
	struct input *in;
	struct input_item it;
	char err[1024];
	zb_init(&z);
	zb_add_raw(&z, "bad.rom", rom, sizeof(rom), 0, 0, zb_crc32(rom, sizeof(rom), 0) ^ 1,
	           sizeof(rom));
	zb_add(&z, "good.rom", rom2, sizeof(rom2), 8);
	zb_finish(&z, NULL);
	expect_member_error(&z, "CRC-32 mismatch");
	in = input_open_bytes("b.zip", z.data, z.len, NULL, err, sizeof(err));
	cr_assert_not_null(in);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_ERROR);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM, "%s", err);
	cr_expect_str_eq(it.name, "b.zip!good.rom");
	input_item_free(&it);
	input_close(in);
	zb_free(&z);
}

Test(input, unsupported_members)
{
	struct zb z;
	zb_init(&z);
	zb_add_raw(&z, "e.rom", rom, sizeof(rom), 0, ZIP_FLAG_ENCRYPTED, 0, sizeof(rom));
	zb_finish(&z, NULL);
	expect_member_error(&z, "encrypted");
	zb_free(&z);
	zb_init(&z);
	zb_add_raw(&z, "x.rom", rom, sizeof(rom), 14, 0, 0, sizeof(rom));
	zb_finish(&z, NULL);
	expect_member_error(&z, "compression method 14");
	zb_free(&z);
	zb_init(&z);
	zb_add_raw(&z, "z.rom", rom, sizeof(rom), 0, 0, 0, 0xFFFFFFFFu);
	zb_finish(&z, NULL);
	expect_member_error(&z, "zip64");
	zb_free(&z);
	zb_init(&z);
	zb_add_raw(&z, "empty.rom", NULL, 0, 0, 0, 0, 0);
	zb_finish(&z, NULL);
	expect_member_error(&z, "empty member");
	zb_free(&z);
}

Test(input, deflate_stream_that_ends_early)
{
	struct zb z;
	size_t n;
	uint8_t *c = zb_deflate(rom, sizeof(rom), 0, -15, &n);
	zb_init(&z);
	zb_add_raw(&z, "cut.rom", c, n / 2, 8, 0, zb_crc32(rom, sizeof(rom), 0), sizeof(rom));
	zb_finish(&z, NULL);
	expect_member_error(&z, "ends early");
	zb_free(&z);
	/* The directory says fewer bytes than the stream gives. */
	zb_init(&z);
	zb_add_raw(&z, "long.rom", c, n, 8, 0, 0, 100);
	zb_finish(&z, NULL);
	expect_member_error(&z, "inflates past its declared size of 100");
	zb_free(&z);
	free(c);
}

Test(input, zip_bomb_stops_at_the_cap)
{
	struct zb z;
	size_t n;
	const size_t big = ROM_LOAD_MAX + (16u << 20);
	uint8_t *c = zb_deflate(NULL, 0, big, -15, &n);
	/* Declared honestly: refused before inflating. */
	zb_init(&z);
	zb_add_raw(&z, "bomb.rom", c, n, 8, 0, zb_crc32(NULL, 0, big), (uint32_t)big);
	zb_finish(&z, NULL);
	expect_member_error(&z, "declares");
	zb_free(&z);
	/* Declared small: inflating stops right after the declared size. */
	zb_init(&z);
	zb_add_raw(&z, "bomb.rom", c, n, 8, 0, 0, 4096);
	zb_finish(&z, NULL);
	expect_member_error(&z, "inflates past its declared size of 4096");
	zb_free(&z);
	free(c);
	cr_expect_lt(max_rss_kib(), RSS_LIMIT_KIB, "max RSS %ld KiB", max_rss_kib());
}

/* Directory entries that point at one member's bytes multiply it (the
 * overlapping-file zip bomb): the archive is refused at open, one line
 * naming both entries; asking for one member by name still works. */
Test(input, overlapping_members_are_refused)
{
	struct zb z;
	char err[1024] = "";
	struct input *in;
	struct input_item it;
	/* two entries, one local header */
	zb_init(&z);
	zb_add(&z, "a.rom", rom, sizeof(rom), 8);
	zb_add(&z, "a.rom", rom, sizeof(rom), 8);
	z.local[1] = z.local[0];
	zb_finish(&z, NULL);
	expect_open_error("o.zip", z.data, z.len, NULL, "share bytes",
	                  "local headers at 0x0 and 0x0");
	in = input_open_bytes("o.zip", z.data, z.len, "a.rom", err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM, "%s", err);
	input_item_free(&it);
	input_close(in);
	zb_free(&z);
}

/* A member whose local header lies inside another member's stored data. */
Test(input, a_member_inside_another_is_refused)
{
	struct zb inner, z;
	char want[64];
	zb_init(&inner);
	zb_add(&inner, "b.rom", rom2, sizeof(rom2), 0);
	zb_init(&z);
	/* a.rom stores b.rom's local header and data, byte for byte */
	zb_add(&z, "a.rom", inner.data, inner.len, 0);
	zb_add(&z, "b.rom", rom2, sizeof(rom2), 0);
	z.local[1] = z.local[0] + ZIP_LOCAL_LEN + strlen("a.rom");
	zb_finish(&z, NULL);
	(void)snprintf(want, sizeof(want), "local headers at 0x0 and 0x%zx", z.local[1]);
	expect_open_error("n.zip", z.data, z.len, NULL, "share bytes", want);
	zb_free(&z);
	zb_free(&inner);
}

Test(input, total_cap_over_all_members, .timeout = 300)
{
	struct zb z;
	size_t n, items = 0, errors = 0;
	const size_t each = ROM_LOAD_MAX - 4096;
	uint8_t *c = zb_deflate(rom, 2, each - 2, -15, &n);
	uint32_t crc = zb_crc32(rom, 2, each - 2);
	struct input *in;
	struct input_item it;
	char err[1024] = "";
	enum input_next st;
	zb_init(&z);
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "m%02d.rom", i);
		zb_add_raw(&z, name, c, n, 8, 0, crc, (uint32_t)each);
	}
	zb_finish(&z, NULL);
	in = input_open_bytes("t.zip", z.data, z.len, NULL, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	while ((st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		if (st == INPUT_ERROR) {
			errors++;
			cr_expect(strstr(err, "1 GiB") != NULL, "%s", err);
			continue;
		}
		items++;
		input_item_free(&it);
	}
	cr_expect_eq(items, INPUT_TOTAL_MAX / each);
	cr_expect_eq(errors, 1, "one error, then the archive stops");
	input_close(in);
	zb_free(&z);
	free(c);
}

Test(input, one_level_of_archive_only)
{
	struct zb z;
	size_t n, m;
	uint8_t *gz = zb_deflate(rom, sizeof(rom), 0, 31, &n), *gzz;
	zb_init(&z);
	zb_add(&z, "card.rom.gz", gz, n, 0);
	zb_finish(&z, NULL);
	expect_member_error(&z, "gzip file inside a zip archive");
	gzz = zb_deflate(z.data, z.len, 0, 31, &m);
	expect_open_error("z.zip.gz", gzz, m, NULL, "zip archive inside a gzip file", "one level");
	free(gzz);
	gzz = zb_deflate(gz, n, 0, 31, &m);
	expect_open_error("g.gz.gz", gzz, m, NULL, "gzip file inside a gzip file", NULL);
	free(gzz);
	zb_free(&z);
	free(gz);
}

Test(input, paths_bang_members_and_files)
{
	char dir[] = "/tmp/optrom-input-XXXXXX", path[256], arg[300], err[1024];
	struct input *in;
	struct input_item it;
	struct zb z;
	cr_assert_not_null(mkdtemp(dir));
	two_members(&z);
	snprintf(path, sizeof(path), "%s/c.zip", dir);
	cr_assert(zb_write_file(path, z.data, z.len));
	snprintf(arg, sizeof(arg), "%s!roms/b.rom", path);
	in = input_open(arg, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_source(in), INPUT_ZIP);
	cr_expect_str_eq(input_path(in), path);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_expect_str_eq(it.name, arg);
	input_item_free(&it);
	input_close(in);
	snprintf(arg, sizeof(arg), "%s!nope.rom", path);
	cr_expect_null(input_open(arg, err, sizeof(err)));
	cr_expect(strstr(err, "no member named 'nope.rom'") != NULL, "%s", err);
	/* A file whose name holds '!' is that file. */
	snprintf(path, sizeof(path), "%s/odd!name.rom", dir);
	cr_assert(zb_write_file(path, rom, sizeof(rom)));
	in = input_open(path, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_source(in), INPUT_FILE);
	input_close(in);
	unlink(path);
	/* A missing file is named as typed. */
	snprintf(arg, sizeof(arg), "%s/missing.zip!x", dir);
	cr_expect_null(input_open(arg, err, sizeof(err)));
	cr_expect(strstr(err, arg) && strstr(err, "no such file"), "%s", err);
	snprintf(path, sizeof(path), "%s/c.zip", dir);
	unlink(path);
	rmdir(dir);
	zb_free(&z);
}

/* Found by fuzz_zip: a stored name with a newline must not split the error. */
Test(input, member_name_with_control_bytes_gives_one_line)
{
	struct zb z;
	char err[1024];
	struct input *in;
	struct input_item it;
	zb_init(&z);
	zb_add_raw(&z, "a\nb.rom", rom, sizeof(rom), 9, 0, 0, sizeof(rom));
	zb_finish(&z, NULL);
	in = input_open_bytes("n.zip", z.data, z.len, NULL, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_expect_eq(input_next(in, &it, err, sizeof(err)), INPUT_ERROR);
	cr_expect(strchr(err, '\n') == NULL, "%s", err);
	cr_expect(strstr(err, "n.zip!a?b.rom: ") == err, "%s", err);
	input_close(in);
	zb_free(&z);
}
