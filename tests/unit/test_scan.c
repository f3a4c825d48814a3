/* scan's parts on synthetic bytes: the file kinds (formats/filekind), the
 * not-a-rom rule (analyzer/scan), the scan-wide EFI driver cache (an
 * analysis through it equals one without, each distinct stream decoded
 * once, also from 8 threads at a time), the folder walker (input/walk), and
 * the writer's file mode now that it no longer calls umask. */
#define _DEFAULT_SOURCE /* symlink, mkfifo */
#include "analyzer/analyze.h"
#include "analyzer/driver_cache.h"
#include "analyzer/scan.h"
#include "formats/efi_decompress.h"
#include "formats/filekind.h"
#include "input/walk.h"
#include "patcher/write.h"
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum file_kind sniff(const void *p, size_t n)
{
	struct span s = span_make(p, n);
	return file_kind_sniff(&s);
}

Test(filekind, signatures_from_their_specifications)
{
	static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0};
	static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0};
	static const uint8_t elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
	static const uint8_t xz[] = {0xFD, '7', 'z', 'X', 'Z', 0, 0};
	static const uint8_t sz[] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0};
	static const uint8_t zst[] = {0x28, 0xB5, 0x2F, 0xFD, 0};
	static const uint8_t fdt[] = {0xD0, 0x0D, 0xFE, 0xED, 0, 0, 0x0C, 0x65};
	uint8_t mz[0x100] = {'M', 'Z'};
	cr_expect_eq(sniff(png, sizeof(png)), FILE_KIND_PNG);
	cr_expect_eq(sniff(png, 7), FILE_KIND_UNKNOWN, "one byte short of the signature");
	cr_expect_eq(sniff(jpeg, sizeof(jpeg)), FILE_KIND_JPEG);
	cr_expect_eq(sniff("GIF89a..", 8), FILE_KIND_GIF);
	cr_expect_eq(sniff("%PDF-1.7\n\x80\x81", 11), FILE_KIND_PDF);
	cr_expect_eq(sniff(elf, sizeof(elf)), FILE_KIND_ELF);
	cr_expect_eq(sniff(xz, sizeof(xz)), FILE_KIND_XZ);
	cr_expect_eq(sniff("BZh91AY", 7), FILE_KIND_BZIP2);
	cr_expect_eq(sniff(sz, sizeof(sz)), FILE_KIND_SEVENZIP);
	cr_expect_eq(sniff(zst, sizeof(zst)), FILE_KIND_ZSTD);
	cr_expect_eq(sniff(fdt, sizeof(fdt)), FILE_KIND_FDT);
	cr_expect_eq(sniff("RIFF\x10\0\0\0WEBP", 12), FILE_KIND_RIFF);
	/* MZ only with the PE header e_lfanew points to. */
	cr_expect_eq(sniff(mz, sizeof(mz)), FILE_KIND_UNKNOWN);
	mz[0x3C] = 0x80;
	memcpy(mz + 0x80, "PE\0\0", 4);
	cr_expect_eq(sniff(mz, sizeof(mz)), FILE_KIND_PE);
	cr_expect_eq(sniff(mz, 0x83), FILE_KIND_UNKNOWN, "PE header cut");
}

Test(filekind, text_is_utf8_without_control_bytes)
{
	static const char utf8[] = "Gr\xc3\xbc\xc3\x9f"
	                           "e \xe2\x82\xac\n";
	uint8_t big[FILEKIND_TEXT_PROBE + 8];
	cr_expect_eq(sniff("# README\r\n\tok\n", 14), FILE_KIND_TEXT);
	cr_expect_eq(sniff(utf8, strlen(utf8)), FILE_KIND_TEXT);
	cr_expect_eq(sniff("a\0b", 3), FILE_KIND_UNKNOWN, "NUL");
	cr_expect_eq(sniff("a\x01", 2), FILE_KIND_UNKNOWN, "control byte");
	cr_expect_eq(sniff("\xc3", 1), FILE_KIND_UNKNOWN, "cut by the file's end");
	cr_expect_eq(sniff("\xc3\x28", 2), FILE_KIND_UNKNOWN, "bad continuation");
	cr_expect_eq(sniff("\xff\xff\xff", 3), FILE_KIND_UNKNOWN, "0xFF is never UTF-8");
	cr_expect_eq(sniff("", 0), FILE_KIND_UNKNOWN);
	/* A character cut by the probe's end (not the file's) is text. */
	memset(big, 'a', sizeof(big));
	big[FILEKIND_TEXT_PROBE - 1] = 0xE2;
	big[FILEKIND_TEXT_PROBE] = 0x82;
	big[FILEKIND_TEXT_PROBE + 1] = 0xAC;
	cr_expect_eq(sniff(big, sizeof(big)), FILE_KIND_TEXT);
	/* Only the probe is read: a NUL after it does not matter. */
	big[FILEKIND_TEXT_PROBE + 4] = 0;
	cr_expect_eq(sniff(big, sizeof(big)), FILE_KIND_TEXT);
}

Test(scan, rom_like_names)
{
	cr_expect(scan_name_rom_like("card.rom"));
	cr_expect(scan_name_rom_like("dir/CARD.ROM.gz"));
	cr_expect(scan_name_rom_like("a.zip!roms/x.vbios"));
	cr_expect(scan_name_rom_like("vgabios.bin"));
	cr_expect(!scan_name_rom_like("README"));
	cr_expect(!scan_name_rom_like("notes.txt"));
	cr_expect(!scan_name_rom_like("roms.rom/README"), "the last component only");
	cr_expect(!scan_name_rom_like(".rom"), "a dot file is not an extension");
	cr_expect(!scan_name_rom_like("x.gz"));
}

static bool not_rom(const void *p, size_t n, const char *name, enum file_kind *k)
{
	struct rom_analysis *a = rom_analyze(p, n, name);
	bool r;
	cr_assert_not_null(a);
	r = scan_not_a_rom(a, p, n, name, k);
	rom_analysis_free(a);
	return r;
}

Test(scan, not_a_rom_rule)
{
	static const char readme[] = "Dumps of my cards.\n";
	static const uint8_t png[16] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	uint8_t ff[4096], zero[4096], cut[3] = {0x55, 0xAA, 0x40};
	enum file_kind k;
	struct rb b;
	memset(ff, 0xFF, sizeof(ff));
	memset(zero, 0, sizeof(zero));
	cr_expect(not_rom(readme, strlen(readme), "README", &k) && k == FILE_KIND_TEXT);
	cr_expect(not_rom(png, sizeof(png), "photo.png", &k) && k == FILE_KIND_PNG);
	/* Named like a ROM: a failed dump, whatever the bytes. */
	cr_expect(!not_rom(readme, strlen(readme), "README.rom", &k));
	cr_expect(!not_rom(png, sizeof(png), "card.bin.gz", &k));
	/* Shaped like a ROM: all 0xFF, all zero, a cut header stay broken. */
	cr_expect(!not_rom(ff, sizeof(ff), "dump", &k));
	cr_expect(!not_rom(zero, sizeof(zero), "dump", &k));
	cr_expect(!not_rom(cut, sizeof(cut), "cut.txt", &k));
	cr_expect(!not_rom("NVGI....", 8, "nvgi.txt", &k));
	/* A ROM is never not-a-rom, whatever its name. */
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	cr_expect(!not_rom(b.data, b.len, "photo.png", &k));
	rb_free(&b);
}

static void expect_round_trip(const struct scan_info *in, const char *name, size_t max_len)
{
	struct scan_info out;
	uint8_t p[SCAN_INFO_PACK_MAX];
	size_t len = scan_info_pack(in, p);
	cr_assert(len <= SCAN_INFO_PACK_MAX);
	cr_expect(len <= max_len, "%zu bytes packed, expected at most %zu", len, max_len);
	memset(&out, 0xA5, sizeof(out));
	cr_assert(scan_info_unpack(p, len, &out));
	scan_info_rename(&out, name);
	cr_expect(memcmp(in, &out, sizeof(out)) == 0, "the same bytes back");
	/* Cut, it is refused. */
	cr_expect(!scan_info_unpack(p, len - 1, &out));
}

/* scan keeps one packed scan_info per distinct content to the end of a
 * scan: unpacked and renamed, it is the same; small for a typical line. */
Test(scan, packed_info_round_trip)
{
	struct rom_analysis *a;
	struct scan_info i;
	struct rb b;
	static const char readme[] = "Dumps of my cards.\n";
	memset(&i, 0, sizeof(i));
	scan_info_rename(&i, "x.rom");
	expect_round_trip(&i, "x.rom", 8);
	/* From an analysis: a fixable ROM (its checksum off), then a README. */
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	rb_put8(&b, 0x100, (uint8_t)(b.data[0x100] + 1));
	a = rom_analyze(b.data, b.len, "card.rom");
	cr_assert_not_null(a);
	scan_info_from(&i, a, b.data, b.len, "card.rom");
	cr_assert_eq(i.verdict, SCAN_FIXABLE, "%s", i.problem);
	cr_assert_neq(i.problem[0], '\0');
	expect_round_trip(&i, "card.rom", 48 + strlen(i.problem));
	rom_analysis_free(a);
	rb_free(&b);
	a = rom_analyze((const uint8_t *)readme, strlen(readme), "README");
	scan_info_from(&i, a, (const uint8_t *)readme, strlen(readme), "README");
	cr_assert_eq(i.verdict, SCAN_NOT_A_ROM);
	expect_round_trip(&i, "README", 128 + strlen(i.rom_problem));
	rom_analysis_free(a);
	/* Every byte set (the derived fields as rename makes them): literal
	 * runs of 128, no zero run. */
	memset(&i, 0x5A, sizeof(i));
	i.rom_shaped = i.has_rom = i.has_ids = true; /* valid bools and enums */
	i.kind = FILE_KIND_UNKNOWN;
	i.gop = SCAN_GOP_DAMAGED;
	i.rom_verdict = SCAN_BROKEN;
	i.rom_problem[sizeof(i.rom_problem) - 1] = '\0';
	scan_info_rename(&i, "y.rom");
	expect_round_trip(&i, "y.rom", SCAN_INFO_PACK_MAX);
}

/* A chain of n EFI images that carry the same compressed PE driver. */
static void same_driver_chain(struct rb *b, size_t n)
{
	uint8_t pe[RB_PE_DRIVER_LEN], z[4096];
	size_t plen = rb_make_pe_driver(pe, true);
	size_t zlen = efi_encode_lz(pe, plen, 4, z, sizeof(z));
	cr_assert(zlen > 0);
	rb_efi_chain(b, n, 0x1002, 0x67df, z, zlen);
}

static void expect_same_analysis(const struct rom_analysis *x, const struct rom_analysis *y)
{
	cr_assert_eq(x->verdict, y->verdict);
	cr_assert_eq(x->chain.n, y->chain.n);
	cr_assert_eq(x->findings.n, y->findings.n);
	for (size_t i = 0; i < x->findings.n; i++) {
		cr_expect_eq(x->findings.items[i].id, y->findings.items[i].id);
		cr_expect_str_eq(x->findings.items[i].message, y->findings.items[i].message);
	}
	for (size_t i = 0; i < x->chain.n; i++) {
		const struct rom_driver *a = rom_chain_node(x, i)->driver;
		const struct rom_driver *b = rom_chain_node(y, i)->driver;
		cr_assert((a == NULL) == (b == NULL));
		if (!a)
			continue;
		cr_expect_eq(a->state, b->state, "image %zu", i);
		cr_expect_str_eq(a->variant, b->variant);
		cr_expect_eq(a->payload_offset, b->payload_offset);
		cr_expect_eq(a->payload_length, b->payload_length);
		cr_expect_eq(a->length, b->length);
		cr_expect_eq(a->has_pe, b->has_pe);
		cr_expect_eq(a->pe_status, b->pe_status);
		cr_expect_str_eq(a->gop_version, b->gop_version);
		cr_expect_eq(a->signature.state, b->signature.state);
		cr_expect_str_eq(a->signature.sha256, b->signature.sha256);
		cr_expect((a->signature.pkcs7 == NULL) == (b->signature.pkcs7 == NULL));
		cr_expect(!a->bytes || a->bytes != b->bytes, "each node owns its bytes");
		if (a->bytes && b->bytes)
			cr_expect(memcmp(a->bytes, b->bytes, a->length) == 0);
		cr_expect(memcmp(&a->pe, &b->pe, sizeof(a->pe)) == 0);
	}
}

Test(driver_cache, same_result_each_stream_decoded_once)
{
	struct rb b;
	struct driver_cache *c = driver_cache_new();
	struct rom_analyze_opts o = {.drivers = c};
	struct rom_analysis *plain, *cached, *again;
	struct driver_cache_stats st;
	cr_assert_not_null(c);
	same_driver_chain(&b, 3);
	plain = rom_analyze(b.data, b.len, "x");
	cached = rom_analyze_with(b.data, b.len, "x", &o);
	again = rom_analyze_with(b.data, b.len, "x", &o);
	cr_assert_eq(plain->chain.n, 3);
	cr_assert_eq(rom_chain_node(plain, 0)->driver->state, DRIVER_OK);
	expect_same_analysis(plain, cached);
	expect_same_analysis(plain, again);
	cr_expect_str_eq(plain->sha256, cached->sha256);
	driver_cache_get_stats(c, &st);
	cr_expect_eq(st.lookups, 6);
	cr_expect_eq(st.decoded, 1, "one distinct stream: %lu decoded, %lu hits, %lu uncached",
	             (unsigned long)st.decoded, (unsigned long)st.hits, (unsigned long)st.uncached);
	cr_expect_eq(st.hits, 5);
	rom_analysis_free(plain);
	rom_analysis_free(cached);
	rom_analysis_free(again);
	driver_cache_free(c);
	rb_free(&b);
}

/* Near the decode limit the cache gives way: 32 streams that each decode to
 * 16 MiB, one decoded and 31 "not decoded", with and without it. */
Test(driver_cache, budget_decides_as_without_cache)
{
	uint8_t z[32];
	size_t len = efi_encode_run(0x5A, 4, EFI_DECOMP_MAX_ORIG, z, sizeof(z));
	struct rb b;
	struct driver_cache *c = driver_cache_new();
	struct rom_analyze_opts o = {.drivers = c, .skip_sha256 = true};
	struct rom_analysis *plain, *cached;
	rb_efi_chain(&b, 32, 0x1002, 0x67df, z, len);
	plain = rom_analyze(b.data, b.len, "x");
	cached = rom_analyze_with(b.data, b.len, "x", &o);
	expect_same_analysis(plain, cached);
	cr_expect_str_eq(cached->sha256, "", "skip_sha256");
	rom_analysis_free(cached);
	cached = rom_analyze_with(b.data, b.len, "x", &o);
	expect_same_analysis(plain, cached);
	rom_analysis_free(plain);
	rom_analysis_free(cached);
	driver_cache_free(c);
	rb_free(&b);
}

struct thread_arg {
	const struct rb *b;
	struct driver_cache *c;
	struct rom_analysis *a;
};

static void *analyze_thread(void *p)
{
	struct thread_arg *t = p;
	struct rom_analyze_opts o = {.drivers = t->c};
	t->a = rom_analyze_with(t->b->data, t->b->len, "t", &o);
	return NULL;
}

Test(driver_cache, eight_threads_one_decode)
{
	struct rb b;
	struct driver_cache *c = driver_cache_new();
	pthread_t th[8];
	struct thread_arg args[8];
	struct rom_analysis *plain;
	struct driver_cache_stats st;
	same_driver_chain(&b, 4);
	plain = rom_analyze(b.data, b.len, "t");
	for (int i = 0; i < 8; i++) {
		args[i] = (struct thread_arg){&b, c, NULL};
		cr_assert_eq(pthread_create(&th[i], NULL, analyze_thread, &args[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		cr_assert_not_null(args[i].a);
		expect_same_analysis(plain, args[i].a);
		rom_analysis_free(args[i].a);
	}
	driver_cache_get_stats(c, &st);
	cr_expect_eq(st.lookups, 32);
	cr_expect_eq(st.decoded, 1);
	cr_expect_eq(st.hits, 31);
	rom_analysis_free(plain);
	driver_cache_free(c);
	rb_free(&b);
}

static void make_tmp(void)
{
	tmp_make("optrom-walk");
}

TestSuite(walk, .init = make_tmp, .fini = tmp_remove);

static void touch(const char *rel, size_t n)
{
	FILE *f = fopen(tmp_path(rel), "w");
	cr_assert_not_null(f, "%s", rel);
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	fclose(f);
}

Test(walk, recursive_sorted_links_once_unreadable_entries)
{
	struct walk_list l = {0};
	char want[8][512];
	cr_assert_eq(mkdir(tmp_path("a"), 0755), 0);
	cr_assert_eq(mkdir(tmp_path("a/b"), 0755), 0);
	touch("a/z.rom", 3);
	touch("a/b/y.rom", 5);
	touch("a/B.rom", 1);
	cr_assert_eq(symlink("..", tmp_path("a/b/up")), 0); /* a loop */
	cr_assert_eq(symlink("b", tmp_path("a/c")), 0);     /* b a second time */
	cr_assert_eq(symlink("gone", tmp_path("a/dangling")), 0);
	cr_assert_eq(symlink("self", tmp_path("a/self")), 0); /* a link to itself */
	cr_assert_eq(mkfifo(tmp_path("a/fifo"), 0644), 0);
	cr_assert(walk_add(&l, tmp_path("a")));
	cr_assert(walk_add(&l, tmp_path("a/z.rom")), "a repeated path");
	cr_assert(walk_add(&l, tmp_path("missing")));
	walk_sort(&l);
	snprintf(want[0], 512, "%s", tmp_path("a/B.rom"));
	snprintf(want[1], 512, "%s", tmp_path("a/b/y.rom"));
	snprintf(want[2], 512, "%s", tmp_path("a/dangling"));
	snprintf(want[3], 512, "%s", tmp_path("a/fifo"));
	snprintf(want[4], 512, "%s", tmp_path("a/self"));
	snprintf(want[5], 512, "%s", tmp_path("a/z.rom"));
	snprintf(want[6], 512, "%s", tmp_path("missing"));
	cr_assert_eq(l.n, 7);
	for (size_t i = 0; i < 7; i++)
		cr_expect_str_eq(l.v[i].path, want[i]);
	cr_expect_null(l.v[0].error);
	cr_expect_eq(l.v[0].size, 1);
	cr_expect_eq(l.v[1].size, 5);
	cr_expect(l.v[2].error && strstr(l.v[2].error, "dangling"), "%s", l.v[2].error);
	cr_expect(l.v[3].error && strstr(l.v[3].error, "not a regular file"));
	cr_expect(l.v[4].error && strstr(l.v[4].error, "loop"), "%s", l.v[4].error);
	cr_expect(l.v[6].error && strstr(l.v[6].error, "no such file"));
	cr_expect_eq(l.links_skipped, 2, "the loop and the second link to b");
	walk_free(&l);
}

Test(walk, files_from_missing_list_is_an_error)
{
	struct walk_list l = {0};
	char err[512];
	cr_expect(!walk_add_files_from(&l, tmp_path("nolist"), err, sizeof(err)));
	cr_expect(strstr(err, "nolist") != NULL, "%s", err);
	walk_free(&l);
}

/* patch_write_file creates its file under the process umask (it no longer
 * sets umask(0) for a moment, which other threads would see). */
Test(walk, written_file_mode_follows_the_umask)
{
	struct patch_write_opts o = {false, false};
	struct stat st;
	char err[512];
	mode_t old = umask(027);
	cr_assert_eq(
	    patch_write_file(tmp_path("out.bin"), (const uint8_t *)"abc", 3, &o, err, sizeof(err)),
	    PATCH_WRITE_OK, "%s", err);
	umask(old);
	cr_assert_eq(stat(tmp_path("out.bin"), &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
}
