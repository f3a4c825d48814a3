/* Damage the structure hides (issue 11 points 3-6), on variants of real
 * corpus ROMs made in memory (no vendor bytes in the repository): a
 * damaged image header, ids shifted or replaced, a download cut inside
 * NVIDIA's private images, a Turing ROM whose EFI image only NVIDIA's
 * chain reaches, a boot GPU's shadow copy, an APU's VFCT x86 image and a
 * GOP-only ROM; each gets its finding, its verdict and its consumers, and
 * fix restores, refuses or proposes as the evidence allows and never
 * writes a file that lost an image. Expected bytes are the corpus files
 * themselves (sha256 in corpus/expected.tsv): a repair must give back
 * exactly the file the damage was made from. Skips visibly without the
 * corpus. */
#include "analyzer/analyze.h"
#include "formats/decode_count.h"
#include "patcher/patch.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A corpus file by its name in expected.tsv; NULL (with a visible skip
 * note) when it is absent here. */
static uint8_t *corpus_file(const char *name, size_t *len)
{
	size_t n = 0;
	struct expect_row *rows = expect_load(&n);
	uint8_t *data = NULL;
	cr_assert_not_null(rows, "corpus/expected.tsv is missing");
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0 && rows[i].present)
			data = tb_read_file(rows[i].path, len);
	free(rows);
	if (!data) {
		/* Files added to the corpus after expected.tsv (amd/apu_*). */
		char path[1024];
		(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), name);
		data = tb_read_file(path, len);
	}
	if (!data)
		expect_note_skip("%s not found under %s: test skipped", name, expect_corpus_dir());
	return data;
}

#define NEED(name, len)                                                                            \
	uint8_t *data = corpus_file(name, &len);                                                   \
	if (!data)                                                                                 \
	cr_skip_test("%s absent", name)

static const struct finding *find(const struct rom_analysis *a, enum finding_id id, int image)
{
	for (size_t i = 0; i < a->findings.n; i++)
		if (a->findings.items[i].id == id &&
		    (image < 0 || a->findings.items[i].image == image))
			return &a->findings.items[i];
	return NULL;
}

static const struct finding *must(const struct rom_analysis *a, enum finding_id id, int image)
{
	const struct finding *f = find(a, id, image);
	if (!f)
		for (size_t i = 0; i < a->findings.n; i++)
			cr_log_error("have %s: %s", finding_name(a->findings.items[i].id),
			             a->findings.items[i].message);
	cr_assert_not_null(f, "expected %s (image %d)", finding_name(id), image);
	return f;
}

static uint16_t get16(const uint8_t *d, size_t off)
{
	return (uint16_t)(d[off] | d[off + 1] << 8);
}

/* The 8-bit sum of n bytes. */
static uint8_t sum8(const uint8_t *d, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + d[i]);
	return s;
}

/* Plans and applies fix in memory; the output (NULL when the plan cannot). */
static uint8_t *fix_bytes(const struct rom_analysis *a, const uint8_t *d, size_t len,
                          const struct patch_options *o, struct patch_plan *p, size_t *out_len)
{
	uint8_t *out = NULL;
	char err[256];
	patch_plan_make(a, d, len, o, p);
	if (p->status != PATCH_PLAN_OK)
		return NULL;
	cr_assert_eq(patch_apply(p, d, len, &out, out_len, err, sizeof(err)), PATCH_APPLY_OK, "%s",
	             err);
	return out;
}

static void expect_same_as(const uint8_t *out, size_t out_len, const uint8_t *orig, size_t len,
                           const char *what)
{
	cr_assert_eq(out_len, len, "%s: %zu bytes, the original has %zu", what, out_len, len);
	cr_assert(memcmp(out, orig, len) == 0, "%s: the repair differs from the original", what);
}

/* ---- point 3: a damaged header is not a prefix ---- */

#define GTX1060     "nvidia/pascal_gtx1060_GP106_patched.rom"
#define GTX1060_NVG "nvidia/pascal_gtx1060_GP106_nvgi.rom"

Test(integ, damaged_55aa_of_a_clean_nvidia_rom_is_restored_exactly)
{
	size_t len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	uint8_t *bad, *out;
	size_t out_len;
	const struct finding *f;
	NEED(GTX1060, len);
	cr_assert_not_null(p);
	bad = tb_exact_copy(data, len);
	bad[0] = 0x00; /* the one byte: 0x55 -> 0x00 */
	a = rom_analyze(bad, len, "gtx1060 55->00");
	f = must(a, FINDING_IMAGE_HEADER_DAMAGED, -1);
	/* The x86 image's PCIR at +0x1a0 survives (formats-nvidia 3; the
	 * pointer at 0x18 reads it). */
	cr_expect(f->fixable);
	cr_expect_eq(a->integ.damaged.offset, 0);
	cr_expect_eq(a->integ.damaged.pcir_offset, get16(data, 0x18));
	cr_expect(!a->integ.damaged.signature_ok && a->integ.damaged.pointer_ok);
	cr_expect_null(find(a, FINDING_DATA_BEFORE_ROM, -1), "the image was called a prefix");
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	out = fix_bytes(a, bad, len, &o, p, &out_len);
	cr_assert_not_null(out, "fix refused: %s", p->error);
	cr_expect_eq(p->strip.length, 0, "fix strips 0x%zx bytes", p->strip.length);
	expect_same_as(out, out_len, data, len, "restored 55AA");
	free(out);
	rom_analysis_free(a);
	free(bad);
	free(data);
	free(p);
}

Test(integ, damaged_header_without_exact_evidence_is_refused_not_stripped)
{
	size_t len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	uint8_t *bad;
	size_t out_len;
	NEED(GTX1060, len);
	cr_assert_not_null(p);
	bad = tb_exact_copy(data, len);
	bad[0] = 0x00;
	bad[0x100] ^= 0x5A; /* a second change: the sum can no longer prove the header */
	a = rom_analyze(bad, len, "gtx1060 two bytes");
	cr_expect_not(must(a, FINDING_IMAGE_HEADER_DAMAGED, -1)->fixable);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	cr_expect_null(fix_bytes(a, bad, len, &o, p, &out_len));
	cr_expect_eq(p->status, PATCH_PLAN_CANNOT);
	cr_expect(strstr(p->error, "image-header-damaged") != NULL, "%s", p->error);
	rom_analysis_free(a);
	free(bad);
	free(data);
	free(p);
}

Test(integ, damaged_pointer_is_restored_and_the_new_check_decodes_once)
{
	size_t len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	uint8_t *bad, *out;
	size_t out_len, pcir;
	NEED(GTX1060, len);
	cr_assert_not_null(p);
	pcir = get16(data, 0x18);
	bad = tb_exact_copy(data, len);
	bad[0x18] = 0x00;
	bad[0x19] = 0x00;
	fmt_count_start();
	a = rom_analyze(bad, len, "gtx1060 pointer 0");
	fmt_count_stop();
	cr_assert(a->integ.damaged.present && a->integ.damaged.restorable);
	cr_expect(a->integ.damaged.signature_ok && !a->integ.damaged.pointer_ok);
	if (fmt_count_available()) {
		for (int k = 0; k < FMT_DEC_COUNT; k++)
			cr_expect_leq(fmt_count_max_per_key((enum fmt_decoder)k), 1,
			              "%s ran %lu times on one structure",
			              fmt_count_kind_name((enum fmt_decoder)k),
			              fmt_count_max_per_key((enum fmt_decoder)k));
		cr_expect_eq(fmt_count_hits(FMT_DEC_PCIR, bad, pcir), 1,
		             "the surviving PCIR was decoded %lu times",
		             fmt_count_hits(FMT_DEC_PCIR, bad, pcir));
	}
	out = fix_bytes(a, bad, len, &o, p, &out_len);
	cr_assert_not_null(out, "fix refused: %s", p->error);
	expect_same_as(out, out_len, data, len, "restored pointer");
	free(out);
	rom_analysis_free(a);
	free(bad);
	free(data);
	free(p);
}

Test(integ, strip_and_trim_say_what_goes)
{
	size_t len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {.trim = true};
	struct rom_analysis *a;
	uint8_t *out;
	size_t out_len;
	NEED(GTX1060_NVG, len);
	cr_assert_not_null(p);
	a = rom_analyze(data, len, "gtx1060 nvgi");
	out = fix_bytes(a, data, len, &o, p, &out_len);
	cr_assert_not_null(out, "%s", p->error);
	cr_expect(strstr(p->strip.reason, "NVIDIA container") != NULL, "%s", p->strip.reason);
	/* The tail holds NVIDIA's private images (expected.tsv other_images). */
	cr_expect(strstr(p->trim.reason, "image(s) (4 nvidia-private") != NULL, "%s",
	          p->trim.reason);
	free(out);
	rom_analysis_free(a);
	free(data);
	free(p);
}

/* ---- point 4: incomplete and altered files ---- */

Test(integ, download_cut_inside_nvidia_private_images)
{
	size_t len, out_len, pat_len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	uint8_t *out, *patched;
	NEED(GTX1060_NVG, len);
	cr_assert_not_null(p);
	patched = corpus_file(GTX1060, &pat_len);
	/* Cut at 0x28000: inside the private image at 0x20200 (expected.tsv:
	 * 131584:224, length 0xda00 by its PCIR). */
	a = rom_analyze(data, 0x28000, "gtx1060 cut");
	must(a, FINDING_FILE_INCOMPLETE, -1);
	cr_expect_eq(must(a, FINDING_FILE_INCOMPLETE, -1)->offset, 0x20200);
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	cr_expect_null(fix_bytes(a, data, 0x28000, &o, p, &out_len));
	cr_expect(strstr(p->error, "--trim") != NULL, "%s", p->error);
	o.trim = true;
	out = fix_bytes(a, data, 0x28000, &o, p, &out_len);
	cr_assert_not_null(out, "%s", p->error);
	/* The patched file is exactly the chain cut out of the NVGI file. */
	if (patched)
		expect_same_as(out, out_len, patched, pat_len, "--trim of the cut file");
	free(out);
	free(patched);
	rom_analysis_free(a);
	free(data);
	free(p);
}

#define TURING "nvidia/turing_gtx1650_TU117_stripped.rom"

Test(integ, turing_rom_with_efi_only_in_nvidia_chain)
{
	size_t len;
	struct rom_analysis *a, *orig;
	uint8_t *bad;
	size_t pcir, efi_at;
	const struct finding *f;
	char want[64];
	NEED(TURING, len);
	orig = rom_analyze(data, len, "turing");
	cr_assert_eq(orig->chain.n, 2);
	efi_at = orig->chain.images[1].offset;
	/* The x86 PCIR carries the last-image bit; its checksum is balanced
	 * again at the byte NVIDIA's tools use, so only the bit differs. */
	pcir = get16(data, 0x18);
	bad = tb_exact_copy(data, len);
	bad[pcir + 0x15] |= 0x80;
	bad[rom_chain_node(orig, 0)->checksum.fix_offset] -= 0x80;
	cr_assert_eq(sum8(bad, (size_t)bad[2] * 512), 0);
	a = rom_analyze(bad, len, "turing last bit on x86");
	cr_expect_eq(a->chain.n, 1);
	f = must(a, FINDING_EFI_UNREACHABLE, -1);
	(void)snprintf(want, sizeof(want), "EFI image at 0x%zx", efi_at);
	cr_expect(strstr(f->message, want) != NULL, "%s", f->message);
	cr_expect(strstr(f->message, "Clearing that bit") != NULL, "%s", f->message);
	must(a, FINDING_NO_GOP, -1);
	cr_expect_not(a->consumers.ovmf.ok);
	cr_expect(a->consumers.seabios.ok, "%s", a->consumers.seabios.reason);
	cr_expect(orig->consumers.ovmf.ok, "%s", orig->consumers.ovmf.reason);
	cr_expect_null(find(orig, FINDING_EFI_UNREACHABLE, -1),
	               "a backup copy's GOP is unreachable, but the chain has its own");
	rom_analysis_free(a);
	rom_analysis_free(orig);
	free(bad);
	free(data);
}

#define GT220 "nvidia/tesla_gt220_GT216.rom"

Test(integ, boot_gpu_shadow_copy)
{
	size_t len;
	uint8_t *shadow = calloc(1, 0x20000);
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	size_t out_len;
	NEED(GT220, len);
	cr_assert(shadow && p && len < 0x20000);
	/* The 128 KiB window at 0xC0000: the x86 image as the init code left
	 * it, its size byte shrunk (formats-nvidia 10.3), zeros after. */
	memcpy(shadow, data, len);
	shadow[2] = 0x60;
	a = rom_analyze(shadow, 0x20000, "gt220 shadow");
	must(a, FINDING_SHADOW_COPY, 0);
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	cr_expect_null(fix_bytes(a, shadow, 0x20000, &o, p, &out_len));
	rom_analysis_free(a);
	/* The real dump is no shadow copy. */
	a = rom_analyze(data, len, "gt220");
	cr_expect_null(find(a, FINDING_SHADOW_COPY, -1));
	rom_analysis_free(a);
	free(shadow);
	free(data);
	free(p);
}

/* ---- ids ---- */

#define RX580 "amd/polaris_rx580_sapphire_pulse_default.rom"

Test(integ, rx580_pcirir_names_the_odd_image_and_fix_proposes_the_id)
{
	size_t len, out_len;
	struct patch_plan *p = malloc(sizeof(*p));
	struct patch_options o = {0};
	struct rom_analysis *a;
	uint8_t *bad, *out;
	size_t pcir;
	const struct finding *f;
	NEED(RX580, len);
	cr_assert_not_null(p);
	/* The x86 PCIR reads "PCIRIR": the ids shifted by two bytes (vendor
	 * 'IR', device the real vendor); the ATOMBIOS checksum at 0x21 is
	 * balanced again so that only the ids are wrong. */
	pcir = get16(data, 0x18);
	bad = tb_exact_copy(data, len);
	memmove(bad + pcir + 6, data + pcir + 4, 2);
	bad[pcir + 4] = 'I';
	bad[pcir + 5] = 'R';
	bad[0x21] = (uint8_t)(bad[0x21] - sum8(bad, (size_t)bad[2] * 512));
	a = rom_analyze(bad, len, "rx580 PCIRIR");
	f = must(a, FINDING_ID_IMPLAUSIBLE, 0);
	cr_expect(strstr(f->message, "5249:1002") && strstr(f->message, "1002:67df"), "%s",
	          f->message);
	cr_expect_null(find(a, FINDING_ID_MISMATCH, 1), "the good image named as the odd one");
	cr_expect_null(find(a, FINDING_ID_IMPLAUSIBLE, 1));
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	cr_expect_null(fix_bytes(a, bad, len, &o, p, &out_len));
	cr_expect(strstr(p->error, "--set-id 1002:67df") != NULL, "%s", p->error);
	o.set_id = true;
	o.vendor = a->integ.ids.vendor;
	o.device = a->integ.ids.device;
	out = fix_bytes(a, bad, len, &o, p, &out_len);
	cr_assert_not_null(out, "%s", p->error);
	expect_same_as(out, out_len, data, len, "--set-id with the proposed value");
	free(out);
	rom_analysis_free(a);
	free(bad);
	free(data);
	free(p);
}

Test(integ, rx580_vendor_4141_on_both_images)
{
	size_t len;
	struct rom_analysis *a;
	uint8_t *bad;
	size_t pcir0, efi, pcir1;
	NEED(RX580, len);
	pcir0 = get16(data, 0x18);
	efi = 0xEC00; /* expected.tsv: the EFI image of this file */
	pcir1 = efi + get16(data, efi + 0x18);
	bad = tb_exact_copy(data, len);
	bad[pcir0 + 4] = bad[pcir0 + 5] = 0x41;
	bad[pcir1 + 4] = bad[pcir1 + 5] = 0x41;
	bad[0x21] = (uint8_t)(bad[0x21] - sum8(bad, (size_t)bad[2] * 512));
	a = rom_analyze(bad, len, "rx580 4141");
	cr_expect(must(a, FINDING_ID_IMPLAUSIBLE, 0)->fixable);
	cr_expect(must(a, FINDING_ID_IMPLAUSIBLE, 1)->fixable);
	cr_expect(a->integ.ids.known && a->integ.ids.vendor == 0x1002 &&
	          a->integ.ids.device == 0x67df);
	cr_expect_eq(a->verdict, VERDICT_FIXABLE);
	cr_expect_not(a->consumers.seabios.ok);
	rom_analysis_free(a);
	free(bad);
	free(data);
}

/* ---- consumers: what a guest sees ---- */

Test(integ, apu_vfct_x86_image_has_no_gop)
{
	size_t len;
	struct rom_analysis *a;
	NEED("amd/apu_vbios_5700G_vfct.bin", len);
	a = rom_analyze(data, len, "apu vfct");
	must(a, FINDING_NO_GOP, -1);
	cr_expect_eq(a->verdict, VERDICT_READY);
	cr_expect_not(a->consumers.ovmf.ok);
	cr_expect(a->consumers.seabios.ok, "%s", a->consumers.seabios.reason);
	rom_analysis_free(a);
	free(data);
}

Test(integ, gop_only_rom_with_class_zero)
{
	size_t len;
	struct rom_analysis *a;
	NEED("amd/apu_gop_5700G_AMDGopDriver.rom", len);
	a = rom_analyze(data, len, "apu gop");
	cr_expect_eq(rom_chain_node(a, 0)->pcir.class_code, 0);
	cr_expect_null(find(a, FINDING_NO_GOP, -1));
	cr_expect(a->consumers.ovmf.ok, "%s", a->consumers.ovmf.reason);
	cr_expect_not(a->consumers.seabios.ok);
	cr_expect(strstr(a->consumers.seabios.reason, "no x86 image") != NULL, "%s",
	          a->consumers.seabios.reason);
	rom_analysis_free(a);
	free(data);
}

/* ---- the binary: fix never writes a file that lost an image ---- */

Test(integ, cli_fix_refuses_a_damaged_header_it_cannot_prove)
{
	size_t len;
	uint8_t *bad;
	struct run_result r;
	FILE *fp;
	struct stat st;
	char in[512], out[512];
	NEED(GTX1060, len);
	tmp_make("optrom-integ");
	bad = tb_exact_copy(data, len);
	bad[0] = 0x00;
	bad[0x100] ^= 0x5A;
	(void)snprintf(in, sizeof(in), "%s", tmp_path("bad.rom"));
	(void)snprintf(out, sizeof(out), "%s", tmp_path("out.rom"));
	fp = fopen(in, "wb");
	cr_assert(fp && fwrite(bad, 1, len, fp) == len && fclose(fp) == 0);
	run_optrom(&r, "fix", in, "-o", out, NULL);
	cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "image-header-damaged") != NULL, "%s", r.err);
	cr_expect_neq(stat(out, &st), 0, "fix wrote a file");
	run_free(&r);
	run_optrom(&r, "check", in, NULL);
	cr_expect_eq(r.status, 3);
	cr_expect(strstr(r.out, "broken") != NULL, "%s", r.out);
	run_free(&r);
	tmp_remove();
	free(bad);
	free(data);
}

Test(integ, cli_fix_of_a_cut_download_needs_trim)
{
	size_t len, pat_len, got_len = 0;
	uint8_t *patched, *got;
	struct run_result r;
	FILE *fp;
	struct stat st;
	char in[512], out[512];
	NEED(GTX1060_NVG, len);
	patched = corpus_file(GTX1060, &pat_len);
	tmp_make("optrom-integ");
	(void)snprintf(in, sizeof(in), "%s", tmp_path("cut.rom"));
	(void)snprintf(out, sizeof(out), "%s", tmp_path("out.rom"));
	fp = fopen(in, "wb");
	cr_assert(fp && fwrite(data, 1, 0x28000, fp) == 0x28000 && fclose(fp) == 0);
	run_optrom(&r, "check", in, NULL);
	cr_expect_eq(r.status, 1, "check exit %d", r.status);
	run_free(&r);
	run_optrom(&r, "fix", in, "-o", out, NULL);
	cr_expect_eq(r.status, 3, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "--trim") != NULL, "%s", r.err);
	cr_expect_neq(stat(out, &st), 0, "fix wrote a file");
	run_free(&r);
	run_optrom(&r, "fix", in, "-o", out, "--trim", NULL);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run_free(&r);
	got = tb_read_file(out, &got_len);
	cr_assert_not_null(got);
	if (patched)
		expect_same_as(got, got_len, patched, pat_len, "fix --trim of the cut file");
	free(got);
	free(patched);
	tmp_remove();
	free(data);
}

Test(integ, cli_yaml_and_text_carry_the_consumers)
{
	size_t len;
	struct run_result r;
	char path[1024];
	NEED(GTX1060, len);
	free(data);
	(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), GTX1060);
	run_optrom(&r, "info", path, "--format", "yaml", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "consumers:\n  ovmf:\n    ok: true\n    image: 1\n") != NULL, "%s",
	          r.out);
	cr_expect(strstr(r.out, "  seabios:\n    ok: true\n    image: 0\n") != NULL, "%s", r.out);
	run_free(&r);
	run_optrom(&r, "info", path, NULL);
	cr_expect(strstr(r.out, "Consumers:\n  OVMF     ok: image 1") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "  SeaBIOS  ok: image 0, x86, for device 10de:1c02") != NULL, "%s",
	          r.out);
	run_free(&r);
}
