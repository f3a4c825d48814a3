/* optrom diff on pairs of real dumps from $OPTROM_CORPUS (default
 * ../shared/corpus); each test skips visibly when its files are absent.
 * Expected facts come from the bytes, read here or checked by hand with
 * cmp and xxd (noted at each test), or by tools/vendor_oracle.py (the
 * vendor fields), never from diff's own output. No vendor bytes are in this
 * file: copies are made in memory at run time. */
#include "analyzer/analyze.h"
#include "analyzer/diff.h"
#include "analyzer/emit_diff.h"
#include "formats/decode_count.h"
#include "input/load.h"
#include "tests/support/diffs.h"
#include "tests/support/expect.h"
#include "tests/support/oracle.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(corpus_diff, .timeout = 600);

struct file {
	uint8_t *data;
	size_t len;
	struct rom_analysis *a;
};

/* Loads corpus file rel; false (after a [SKIP] line) when it is absent. */
static bool load(const char *rel, struct file *f)
{
	char path[1024], err[512];
	snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), rel);
	if (rom_load_file(path, &f->data, &f->len, err, sizeof(err)) != LOAD_OK) {
		expect_note_skip("%s absent: %s", path, err);
		return false;
	}
	f->a = rom_analyze(f->data, f->len, rel);
	cr_assert_not_null(f->a);
	return true;
}

/* A file made in the test from bytes (a padded or damaged copy). */
static void made(struct file *f, uint8_t *data, size_t len, const char *name)
{
	f->data = data;
	f->len = len;
	f->a = rom_analyze(data, len, name);
	cr_assert_not_null(f->a);
}

static void drop(struct file *f)
{
	rom_analysis_free(f->a);
	free(f->data);
}

static struct rom_diff *diff(const struct file *a, const struct file *b, bool strict)
{
	struct rom_diff *d = rom_diff_make(a->a, a->data, a->len, b->a, b->data, b->len, strict);
	FILE *null = fopen("/dev/null", "w");
	cr_assert_not_null(d);
	cr_assert_not_null(null);
	emit_diff_text(null, d);
	cr_expect(emit_diff_yaml(null, d));
	fclose(null);
	return d;
}

static const struct diff_image *image(const struct rom_diff *d, enum diff_list l, size_t k)
{
	for (size_t i = 0; i < d->n_images; i++)
		if (d->images[i].list == l && d->images[i].index == k)
			return &d->images[i];
	return NULL;
}

#define NEED(rel, f)                                                                               \
	if (!load(rel, f))                                                                         \
	cr_skip_test("%s absent under %s", rel, expect_corpus_dir())

/* cmp: the _patched file is the _nvgi file's bytes from 0xa00 for 129024
 * bytes (its standard chain); the NVGI file also holds NVIDIA's private
 * images after the chain. */
Test(corpus_diff, nvgi_against_its_stripped_twin_is_the_same_rom)
{
	struct file a, b;
	struct rom_diff *d;
	NEED("nvidia/pascal_gtx1060_GP106_nvgi.rom", &a);
	NEED("nvidia/pascal_gtx1060_GP106_patched.rom", &b);
	cr_assert_geq(a.len, 0xa00 + b.len);
	cr_assert(memcmp(a.data + 0xa00, b.data, b.len) == 0, "the twin is not a plain strip");
	d = diff(&a, &b, false);
	cr_expect_eq(d->verdict, DIFF_SAME_ROM);
	cr_expect(d->same);
	cr_expect_not(d->prefix_equal);
	cr_expect_eq(d->n_differ, 0);
	cr_expect_gt(d->n_extra, 0, "the private images are on A's side only");
	cr_expect(image(d, DIFF_LIST_CHAIN, 0)->bytes_equal);
	cr_expect(image(d, DIFF_LIST_CHAIN, 1)->bytes_equal);
	rom_diff_free(d);
	d = diff(&a, &b, true);
	cr_expect_not(d->same);
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

/* A 256 KiB AMD ROM against a copy padded to 512 KiB with 0xFF (made here);
 * and the Razer TPU file against the 2 MiB file which cmp shows is the same
 * bytes followed only by 0xFF. */
Test(corpus_diff, padded_copy_is_the_same_rom)
{
	struct file a, b;
	struct rom_diff *d;
	uint8_t *p;
	NEED("amd/polaris_rx580_sapphire_pulse_default.rom", &a);
	cr_assert_eq(a.len, 0x40000);
	p = malloc(0x80000);
	cr_assert_not_null(p);
	memcpy(p, a.data, a.len);
	memset(p + a.len, 0xFF, 0x80000 - a.len);
	made(&b, p, 0x80000, "padded.rom");
	d = diff(&a, &b, false);
	cr_expect_eq(d->verdict, DIFF_SAME_ROM);
	cr_expect(d->same);
	cr_expect(d->prefix_equal);
	cr_expect_not(d->padding_equal);
	rom_diff_free(d);
	drop(&a);
	drop(&b);
	NEED("nvidia/ampere_rtx3080m_GA104_razer_tpu.rom", &a);
	NEED("nvidia/ampere_rtx3080m_GA104_razer_padded2M.bin", &b);
	d = diff(&a, &b, false);
	cr_expect_eq(d->verdict, DIFF_SAME_ROM);
	cr_expect(d->same);
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

/* xxd of the two files: the EFI image at 0xf400 says 0x78 blocks in the
 * stock file and 0x8a in the mod (PCIR +0x10), image offset 0x4c vs 0x50
 * (+0x16), and the x86 image's last byte (NVIDIA's balancing byte, 0xf3ff)
 * is 0x37 vs 0x41: a replaced GOP and an edited x86 image. */
Test(corpus_diff, stock_against_modified_names_the_changes)
{
	struct file a, b;
	struct rom_diff *d;
	const struct diff_image *x86, *efi;
	const struct diff_field *f;
	size_t count = 0;
	NEED("nvidia/kepler_gt640_0FC0_stock.rom", &a);
	NEED("nvidia/kepler_gt640_0FC0_mod.rom", &b);
	d = diff(&a, &b, false);
	cr_expect_not(d->same);
	cr_expect_eq(d->verdict, DIFF_MODIFIED);
	x86 = image(d, DIFF_LIST_CHAIN, 0);
	efi = image(d, DIFF_LIST_CHAIN, 1);
	cr_assert(x86 && efi);
	for (size_t i = 0x400; i < 0x400 + 0xf000; i++)
		count += a.data[i] != b.data[i];
	cr_expect_eq(x86->differing, count);
	cr_expect(diff_range_named(x86, "checksum.byte"));
	f = diff_field_named(efi, "pcir.image_length");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "0x78");
	cr_expect_str_eq(f->b, "0x8a");
	f = diff_field_named(efi, "efi.image_offset");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "0x4c");
	cr_expect_str_eq(f->b, "0x50");
	cr_expect(diff_range_named(efi, "efi.image_offset"));
	cr_expect_not_null(diff_field_named(efi, "driver.sha256"), "the GOP driver changed");
	cr_expect(efi->drivers_compared);
	cr_expect_gt(efi->n_sections, 0);
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

/* Two builds of the GTX 1070 mobile ROM: same layout (corpus/expected.tsv),
 * other BIT versions. */
Test(corpus_diff, different_builds_show_versions)
{
	struct file a, b;
	struct rom_diff *d;
	const struct rom_node *a0, *b0;
	NEED("nvidia/pascal_gtx1070m_GP104_R1.rom", &a);
	NEED("nvidia/pascal_gtx1070m_GP104_125W.rom", &b);
	a0 = rom_chain_node(a.a, 0);
	b0 = rom_chain_node(b.a, 0);
	cr_assert(a0 && b0 && a0->version[0] && b0->version[0]);
	cr_assert_str_neq(a0->version, b0->version);
	d = diff(&a, &b, false);
	cr_expect_eq(d->verdict, DIFF_OTHER_BUILD);
	cr_expect_not(d->same);
	cr_expect_not_null(diff_field_named(image(d, DIFF_LIST_CHAIN, 0), "version"));
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

Test(corpus_diff, unrelated_roms)
{
	struct file a, b;
	struct rom_diff *d;
	NEED("nvidia/pascal_gtx1060_GP106_patched.rom", &a);
	NEED("amd/polaris_rx580_sapphire_pulse_default.rom", &b);
	d = diff(&a, &b, false);
	cr_expect_eq(d->verdict, DIFF_UNRELATED);
	cr_expect_not(d->same);
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

/* Copies damaged here: bytes of the GOP's compressed stream flipped, and
 * the file cut inside the EFI image. */
Test(corpus_diff, damaged_copies)
{
	struct file a, b;
	struct rom_diff *d;
	const struct rom_node *efi;
	const struct diff_image *im;
	uint8_t *p;
	size_t at;
	NEED("nvidia/pascal_gtx1060_GP106_patched.rom", &a);
	efi = rom_chain_node(a.a, 1);
	cr_assert(efi && efi->driver && efi->driver->state == DRIVER_OK);
	at = efi->driver->payload_offset + 0x400;
	p = malloc(a.len);
	cr_assert_not_null(p);
	memcpy(p, a.data, a.len);
	for (size_t i = 0; i < 16; i++)
		p[at + i] ^= 0x5A;
	made(&b, p, a.len, "damaged.rom");
	d = diff(&a, &b, false);
	cr_expect_not(d->same);
	im = image(d, DIFF_LIST_CHAIN, 1);
	cr_assert_not_null(im);
	cr_expect(image(d, DIFF_LIST_CHAIN, 0)->bytes_equal);
	cr_expect_eq(im->differing, 16);
	cr_expect(diff_range_named(im, "driver"));
	cr_expect_not_null(diff_field_named(im, "driver.state"),
	                   "the damaged stream no longer decodes");
	rom_diff_free(d);
	drop(&b);
	p = malloc(efi->offset + 0x100);
	cr_assert_not_null(p);
	memcpy(p, a.data, efi->offset + 0x100);
	made(&b, p, efi->offset + 0x100, "cut.rom");
	d = diff(&a, &b, false);
	cr_expect_not(d->same);
	cr_expect(image(d, DIFF_LIST_CHAIN, 0)->bytes_equal);
	cr_expect_neq(d->note[0], '\0', "a cut image is said");
	rom_diff_free(d);
	drop(&b);
	drop(&a);
}

/* The diff reads the two trees: no formats/ decoder runs while it compares
 * and prints (the counter of tests/corpus/test_decode_once.c). */
Test(corpus_diff, diff_decodes_nothing)
{
	struct file a, b;
	struct rom_diff *d;
	if (!fmt_count_available())
		cr_skip_test("built without OPTROM_DECODE_COUNT: the decoder counter is absent");
	NEED("nvidia/kepler_gt640_0FC0_stock.rom", &a);
	NEED("nvidia/kepler_gt640_0FC0_mod.rom", &b);
	fmt_count_start();
	d = diff(&a, &b, false);
	fmt_count_stop();
	for (int k = 0; k < FMT_DEC_COUNT; k++)
		cr_expect_eq(fmt_count_total((enum fmt_decoder)k), 0, "%s ran %lu times",
		             fmt_count_kind_name((enum fmt_decoder)k),
		             fmt_count_total((enum fmt_decoder)k));
	rom_diff_free(d);
	drop(&a);
	drop(&b);
}

/* ---- vendor fields, against tools/vendor_oracle.py ---- */

/* The oracle's reading of corpus files a and b; false (skipped) without
 * python3. */
static bool oracle_pair(const char *a, const char *b, struct oracle *o)
{
	char paths[2][1024];
	if (!oracle_available()) {
		expect_note_skip("[SKIP] diff vendor fields: python3 not found");
		return false;
	}
	snprintf(paths[0], sizeof(paths[0]), "%s/%s", expect_corpus_dir(), a);
	snprintf(paths[1], sizeof(paths[1]), "%s/%s", expect_corpus_dir(), b);
	cr_assert(oracle_run((const char(*)[1024])paths, 2, o), "tools/vendor_oracle.py failed");
	return true;
}

/* A corpus pair, the oracle's reading of both, their diff and its chain
 * image 0. */
struct vpair {
	struct file a, b;
	struct oracle o[2];
	struct rom_diff *d;
	const struct diff_image *x86;
};

/* False (skipped, visibly) when a file or python3 is absent. */
static bool vpair_make(struct vpair *p, const char *ra, const char *rb)
{
	if (!load(ra, &p->a))
		return false;
	if (!load(rb, &p->b)) {
		drop(&p->a);
		return false;
	}
	if (!oracle_pair(ra, rb, p->o)) {
		drop(&p->a);
		drop(&p->b);
		return false;
	}
	p->d = diff(&p->a, &p->b, false);
	p->x86 = image(p->d, DIFF_LIST_CHAIN, 0);
	cr_assert_not_null(p->x86);
	return true;
}

static void vpair_free(struct vpair *p)
{
	rom_diff_free(p->d);
	drop(&p->a);
	drop(&p->b);
}

/* Field name of image im is listed with the oracle's key's two values
 * when they differ, and is absent when they are equal. Returns whether
 * they differ. */
static bool expect_field(const struct diff_image *im, const char *name, const struct oracle *o,
                         const char *key)
{
	const char *va = oracle_get(&o[0], key), *vb = oracle_get(&o[1], key);
	const struct diff_field *f = diff_field_named(im, name);
	cr_assert(va && vb, "the oracle reads no %s", key);
	if (strcmp(va, vb) == 0) {
		cr_expect_null(f, "%s listed though both are %s", name, va);
		return false;
	}
	cr_assert_not_null(f, "%s not listed (%s vs %s)", name, va, vb);
	cr_expect_str_eq(f->a, va, "%s", name);
	cr_expect_str_eq(f->b, vb, "%s", name);
	return true;
}

/* Two NVIDIA builds of the GTX 1070 mobile board: the version and build
 * date by their declared names, as the oracle reads them from 'B' and 'i'. */
Test(corpus_diff, nvidia_builds_vendor_fields)
{
	struct vpair p;
	if (!vpair_make(&p, "nvidia/pascal_gtx1070m_GP104_R1.rom",
	                "nvidia/pascal_gtx1070m_GP104_125W.rom"))
		return;
	cr_expect(expect_field(p.x86, "nvidia.version", p.o, "nv_version"));
	cr_expect(expect_field(p.x86, "nvidia.build_date", p.o, "nv_date"));
	(void)expect_field(p.x86, "nvidia.board", p.o, "nv_board");
	/* BIT spec: the version's last byte is 'B' data +4 */
	cr_expect_not_null(diff_field_named(p.x86, "bit_biosdata.oem_version"));
	cr_expect_not_null(diff_range_named(p.x86, "bit_biosdata.oem_version"));
	vpair_free(&p);
}

/* A Navi 10 board's ROM against a modded one (BITBY.RU): part number,
 * version, board name and date by their declared names, as the oracle
 * reads the string table, "ATOMBIOSBK-AMD VER" and +0x50. */
Test(corpus_diff, amd_mod_vendor_fields)
{
	struct vpair p;
	if (!vpair_make(&p, "amd/navi10_rx5600xt_sapphire.rom", "amd/navi10_rx5600xt_test.rom"))
		return;
	cr_expect(expect_field(p.x86, "amd.part_number", p.o, "amd_string0"));
	cr_expect(expect_field(p.x86, "amd.version", p.o, "amd_version"));
	cr_expect(expect_field(p.x86, "amd.name", p.o, "amd_name"));
	(void)expect_field(p.x86, "atom.build_date", p.o, "amd_date");
	vpair_free(&p);
}

/* A Polaris board's ROM against its mining mod: every differing byte that
 * lies in a data table the oracle finds at entry 15 or 28 of the master
 * data table is in a range named after atombios.h's members at those
 * positions (typed here: ATOM_MASTER_LIST_OF_DATA_TABLES member 15 is
 * PowerPlayInfo, member 28 VRAM_Info). */
Test(corpus_diff, amd_mining_mod_names_the_tables)
{
	static const struct {
		unsigned index;
		const char *range;
	} named[] = {{15, "atom_data[PowerPlayInfo]"}, {28, "atom_data[VRAM_Info]"}};
	struct vpair p;
	if (!vpair_make(&p, "amd/polaris_rx580_sapphire_pulse_default.rom",
	                "amd/polaris_rx580_sapphire_pulse_mining.rom"))
		return;
	cr_assert_eq(p.a.len, p.b.len);
	for (size_t k = 0; k < 2; k++) {
		const char *spans = oracle_get(&p.o[0], "amd_data_spans");
		unsigned idx = 0, off = 0, size = 0, fmt;
		size_t changed = 0;
		int used;
		cr_assert_not_null(spans);
		while (sscanf(spans, "%u:%x:%x:%u%n", &idx, &off, &size, &fmt, &used) == 4) {
			spans += used;
			if (idx == named[k].index)
				break;
		}
		cr_assert_eq(idx, named[k].index, "no data table %u", named[k].index);
		/* the image starts at 0: table offsets are file offsets */
		for (size_t i = off; i < (size_t)off + size && i < p.a.len; i++)
			changed += p.a.data[i] != p.b.data[i];
		cr_expect_gt(changed, 0, "the mod changes no byte of table %u", named[k].index);
		cr_expect_not_null(diff_range_named(p.x86, named[k].range), "%s not named",
		                   named[k].range);
	}
	vpair_free(&p);
}
