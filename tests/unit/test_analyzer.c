/* analyzer/: synthetic ROMs through rom_analyze(), checking the verdict, the
 * ROM offset, the image lists and the finding ids of analyzer/rules.c.
 * Every expected value comes from how the bytes were built. Each input is
 * copied into a heap buffer of exactly its length, so the sanitizer build
 * catches any read past the end of the file. */
#include "analyzer/analyze.h"
#include "formats/pci_rom.h"
#include "tests/support/findings.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static struct rom_analysis *analyze_bytes(const uint8_t *data, size_t len)
{
	struct rom_analysis *r;
	uint8_t *copy = len ? malloc(len) : NULL;
	if (len) {
		cr_assert(copy);
		memcpy(copy, data, len);
	}
	r = rom_analyze(copy, len, "synthetic");
	free(copy);
	cr_assert_not_null(r);
	return r;
}

static struct rom_analysis *analyze(const struct rb *b)
{
	return analyze_bytes(b->data, b->len);
}

static bool has(const struct rom_analysis *r, const char *id)
{
	return find_named(r, id) != NULL;
}

static size_t count(const struct rom_analysis *r, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < r->findings.n; i++)
		n += strcmp(finding_name(r->findings.items[i].id), id) == 0;
	return n;
}

static const struct finding *must(const struct rom_analysis *r, const char *id)
{
	const struct finding *f = find_named(r, id);
	if (!f) {
		for (size_t i = 0; i < r->findings.n; i++)
			cr_log_error("finding %s: %s", finding_name(r->findings.items[i].id),
			             r->findings.items[i].message);
	}
	cr_assert_not_null(f, "expected finding %s", id);
	return f;
}

/* x86 image (8 blocks) + EFI image (4 blocks, last): 0x1800 bytes. */
#define X86_LEN 0x1000u
#define EFI_LEN 0x800u
#define ROM_LEN (X86_LEN + EFI_LEN)

static void two_image_rom(struct rb *b, uint16_t vendor, uint16_t device)
{
	rb_init(b);
	rb_add_x86(b, vendor, device, 8, false);
	rb_add_efi(b, vendor, device, 4, true);
}

/* Moves the PCIR of the image at img from 0x1C to ptr (the builder always
 * puts it at 0x1C), keeping the image's checksum balanced. */
static void move_pcir(struct rb *b, size_t img, uint16_t ptr)
{
	memmove(b->data + img + ptr, b->data + img + 0x1C, 0x1C);
	memset(b->data + img + 0x1C, 0xCC, 0x1C);
	rb_put16(b, img + 0x18, ptr);
}

static void rebalance_x86(struct rb *b, size_t img)
{
	size_t len = (size_t)b->data[img + 2] * 512u;
	rb_balance(b, img, len - 1);
}

/* ---- ready ---- */

Test(analyzer, ready_two_image_rom)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY);
	/* The builder's driver is unsigned: that info finding only. */
	cr_assert_eq(r->findings.n, 1, "first finding: %s",
	             r->findings.n ? finding_name(r->findings.items[0].id) : "");
	cr_assert_eq(r->findings.items[0].id, FINDING_DRIVER_UNSIGNED);
	cr_assert(r->has_rom);
	cr_assert_eq(r->rom_offset, 0);
	cr_assert_not((r->container != CONTAINER_NONE));
	cr_assert_eq(r->size, ROM_LEN);
	cr_assert_eq(r->chain.n, 2);
	cr_assert_eq(r->chain.images[0].offset, 0);
	cr_assert_eq(r->chain.images[0].length, X86_LEN);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.code_type, 0);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.vendor_id, 0x1002);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.device_id, 0x67DF);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->hdr.pcir_offset, 0x1C);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.revision, 3);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.length, 0x1C);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->pcir.class_code, 0x030000u);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->hdr.size_blocks, 8);
	cr_assert_not(r->chain.images[0].last);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.present);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.ok);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.complete);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.length, X86_LEN);
	cr_assert_eq(r->chain.images[1].offset, X86_LEN);
	cr_assert_eq(r->chain.images[1].length, EFI_LEN);
	cr_assert(rom_node_of(r, &r->chain.images[1])->has_efi);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.efi_signature, 0x0EF1);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.machine, 0x8664);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.subsystem, 11);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.image_offset, 0x50);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.init_blocks, 4);
	cr_assert(r->chain.images[1].last);
	cr_assert_not(rom_node_of(r, &r->chain.images[1])->checksum.present);
	cr_assert(rom_chain_complete(r));
	cr_assert_eq(r->chain.end, ROM_LEN);
	cr_assert_eq(r->trailing, TRAILING_NONE);
	cr_assert_eq(r->n_other, 0);
	cr_assert_eq(r->nvidia.n, 0); /* not an NVIDIA ROM */
	cr_assert_eq(strlen(r->sha256), 64);
	cr_assert_str_eq(r->file, "synthetic");
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- prefixes ---- */

Test(analyzer, nvgi_prefixes_fixable_with_container_fields)
{
	static const size_t lens[] = {0x400, 0xA00, 0x4600};
	static const uint32_t fixed_sizes[] = {0x10, 0x10, 0x24};
	static const uint32_t total_sizes[] = {0x400 - 0x100, 0xA00 - 0x100, 0x40};
	for (unsigned v = 1; v <= 3; v++) {
		struct rb b;
		struct rom_analysis *r;
		const struct finding *f;
		size_t pre = lens[v - 1];
		two_image_rom(&b, 0x10DE, 0x1C02);
		rb_prepend_nvgi(&b, v, pre);
		r = analyze(&b);
		cr_assert_eq(r->verdict, VERDICT_FIXABLE, "v%u", v);
		cr_assert_eq(r->rom_offset, pre, "v%u", v);
		cr_assert((r->container != CONTAINER_NONE));
		cr_assert_str_eq(report_container_name(r->container), "nvgi");
		cr_assert_eq(r->container_length, pre);
		cr_assert((r->nvgi_status == NVGI_OK));
		cr_assert_eq(r->nvgi.version, v);
		cr_assert_eq(r->nvgi.fixed_data_size, fixed_sizes[v - 1], "v%u", v);
		cr_assert_eq(r->nvgi.total_data_size, total_sizes[v - 1], "v%u", v);
		cr_assert_eq(r->nvgi.rom_offset, pre);
		if (v < 3) {
			cr_assert_eq(r->nvgi.subsystem_vendor, 0x1028);
			cr_assert_eq(r->nvgi.subsystem_device, 0x06D9);
			cr_assert_eq(r->nvgi.rfrd_offset, 0);
		} else {
			cr_assert_eq(r->nvgi.rfrd_offset, 0x1000);
		}
		cr_assert_not_null(strstr(r->locate_reason, "NVGI"), "%s", r->locate_reason);
		f = must(r, "data-before-rom");
		cr_assert(f->fixable);
		cr_assert_eq(f->severity, SEVERITY_WARNING);
		cr_assert_not(has(r, "nvgi-offset-mismatch"));
		cr_assert_eq(r->chain.n, 2);
		cr_assert_eq(r->chain.images[0].offset, pre);
		cr_assert_eq(r->chain.images[1].offset, pre + X86_LEN);
		cr_assert_eq(r->chain.end, pre + ROM_LEN);
		cr_assert(rom_chain_complete(r));
		rom_analysis_free(r);
		rb_free(&b);
	}
}

Test(analyzer, nvgi_unknown_version_found_by_scan)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x10DE, 0x1C02);
	rb_prepend_nvgi(&b, 1, 0x600);
	b.data[5] = 7; /* VERSIONSW = 7 */
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x600);
	cr_assert_str_eq(report_container_name(r->container), "nvgi");
	cr_assert_not((r->nvgi_status == NVGI_OK));
	cr_assert_eq(r->nvgi.version, 7);
	cr_assert(has(r, "data-before-rom"));
	cr_assert_eq(must(r, "nvgi-offset-mismatch")->severity, SEVERITY_WARNING);
	cr_assert_eq(r->verdict, VERDICT_FIXABLE);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, unknown_prefixes_of_many_lengths)
{
	static const size_t lens[] = {1, 3, 0x17, 0x200, 0x201, 0x600, 0x1001};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rb b;
		struct rom_analysis *r;
		const struct finding *f;
		two_image_rom(&b, 0x1002, 0x67DF);
		rb_prepend_pattern(&b, lens[i], 0xBADC0DEu + (uint32_t)i);
		r = analyze(&b);
		cr_assert(r->has_rom, "prefix 0x%zx", lens[i]);
		cr_assert_eq(r->rom_offset, lens[i], "prefix 0x%zx: got 0x%zx", lens[i],
		             r->rom_offset);
		cr_assert((r->container != CONTAINER_NONE));
		cr_assert_str_eq(report_container_name(r->container), "unknown");
		cr_assert_eq(r->container_length, lens[i]);
		f = must(r, "data-before-rom");
		cr_assert(f->fixable);
		cr_assert_eq(r->verdict, VERDICT_FIXABLE, "prefix 0x%zx", lens[i]);
		cr_assert_eq(r->chain.n, 2);
		cr_assert_eq(r->chain.images[1].offset, lens[i] + X86_LEN);
		cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.ok);
		cr_assert_eq(r->chain.end, lens[i] + ROM_LEN);
		cr_assert_eq(r->trailing, TRAILING_NONE);
		rom_analysis_free(r);
		rb_free(&b);
	}
}

Test(analyzer, amd_efs_prefix)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x744C);
	rb_prepend_pattern(&b, 0x40000, 77);
	b.data[0] = 0xAA;
	b.data[1] = 0x55;
	b.data[2] = 0xAA;
	b.data[3] = 0x55;
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x40000);
	cr_assert_str_eq(report_container_name(r->container), "amd-efs");
	cr_assert_eq(r->container_length, 0x40000);
	cr_assert(has(r, "data-before-rom"));
	cr_assert_eq(r->verdict, VERDICT_FIXABLE);
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- no ROM ---- */

Test(analyzer, uniform_files_are_no_rom)
{
	static const uint8_t fills[] = {0xFF, 0x00};
	for (int i = 0; i < 2; i++) {
		struct rb b;
		struct rom_analysis *r;
		const struct finding *f;
		rb_init(&b);
		rb_append_fill(&b, 0x20000, fills[i]);
		r = analyze(&b);
		cr_assert_not(r->has_rom);
		cr_assert_eq(r->verdict, VERDICT_BROKEN);
		f = must(r, "no-rom");
		cr_assert_eq(f->severity, SEVERITY_ERROR);
		cr_assert_not(f->fixable);
		cr_assert_not_null(strstr(f->message, fills[i] ? "0xFF" : "0x00"), "%s",
		                   f->message);
		cr_assert_eq(r->chain.n, 0);
		rom_analysis_free(r);
		rb_free(&b);
	}
}

Test(analyzer, vn_then_ff_is_no_rom)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_append(&b, "VN", 2);
	rb_append_fill(&b, 0x10000, 0xFF);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	cr_assert_not_null(strstr(must(r, "no-rom")->message, "'VN'"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, empty_input)
{
	struct rom_analysis *r = NULL;
	r = rom_analyze(NULL, 0, NULL);
	cr_assert_not(r->has_rom);
	cr_assert_eq(r->size, 0);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	cr_assert_not_null(strstr(must(r, "no-rom")->message, "empty"));
	cr_assert_str_eq(r->file, "");
	/* sha256 of the empty string */
	cr_assert_str_eq(r->sha256,
	                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	rom_analysis_free(r);
}

Test(analyzer, random_data_is_no_rom)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_append_pattern(&b, 0x8000, 3);
	r = analyze(&b);
	cr_assert_not(r->has_rom);
	cr_assert_eq(r->candidates, 0);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	cr_assert(has(r, "no-rom"));
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- truncation ---- */

static void check_cut(size_t cut, int image, bool has_rom)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	r = analyze_bytes(b.data, cut);
	cr_assert_eq(r->verdict, VERDICT_BROKEN, "cut 0x%zx", cut);
	cr_assert_eq(r->has_rom, has_rom, "cut 0x%zx", cut);
	f = must(r, "image-truncated");
	cr_assert_eq(f->severity, SEVERITY_ERROR);
	cr_assert_not(f->fixable);
	cr_assert_eq(f->image, image, "cut 0x%zx: image %d", cut, f->image);
	cr_assert_not(rom_chain_complete(r));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, truncated_inside_image_0)
{
	struct rb b;
	struct rom_analysis *r;
	check_cut(0x800, 0, true);
	two_image_rom(&b, 0x1002, 0x67DF);
	r = analyze_bytes(b.data, 0x800);
	cr_assert_eq(r->chain.n, 1);
	cr_assert(r->chain.images[0].truncated);
	cr_assert_not(rom_node_of(r, &r->chain.images[0])->checksum.complete);
	cr_assert_not(has(r, "checksum-mismatch")); /* an incomplete sum is no mismatch */
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, truncated_inside_image_1)
{
	struct rb b;
	struct rom_analysis *r;
	check_cut(X86_LEN + 0x400, 1, true);
	two_image_rom(&b, 0x1002, 0x67DF);
	r = analyze_bytes(b.data, X86_LEN + 0x400);
	cr_assert_eq(r->chain.n, 2);
	cr_assert_not(r->chain.images[0].truncated);
	cr_assert(r->chain.images[1].truncated);
	cr_assert_eq(r->chain.end, X86_LEN + 0x400);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, truncated_at_the_end_of_a_non_last_image)
{
	struct rb b;
	struct rom_analysis *r;
	check_cut(X86_LEN, 0, true);
	two_image_rom(&b, 0x1002, 0x67DF);
	r = analyze_bytes(b.data, X86_LEN);
	cr_assert_eq(r->chain.n, 1);
	cr_assert_not(r->chain.images[0].truncated);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.ok);
	cr_assert_eq(r->chain.end, X86_LEN);
	rom_analysis_free(r);
	rb_free(&b);
}

/* Every cut of the two-image ROM short of its full length is broken and
 * says image-truncated, whatever structure the cut falls into. */
Test(analyzer, every_cut_is_image_truncated)
{
	struct rb b;
	two_image_rom(&b, 0x1002, 0x67DF);
	for (size_t cut = 0; cut < ROM_LEN; cut++) {
		struct rom_analysis *r = analyze_bytes(b.data, cut);
		cr_assert_eq(r->verdict, VERDICT_BROKEN, "cut 0x%zx", cut);
		if (cut < 2) {
			cr_assert(has(r, "no-rom"), "cut 0x%zx", cut);
		} else {
			cr_assert(has(r, "image-truncated"), "cut 0x%zx: first finding %s (%s)",
			          cut, finding_name(r->findings.items[0].id),
			          r->findings.items[0].message);
			cr_assert_not(has(r, "pcir-out-of-range"), "cut 0x%zx: %s", cut,
			              find_named(r, "pcir-out-of-range")->message);
		}
		rom_analysis_free(r);
	}
	rb_free(&b);
}

/* The PCIR is at 0x100; the file ends before it, while the size byte says
 * the image is 0x1000 bytes: a cut dump, not a bad pointer. */
Test(analyzer, cut_before_the_pcir)
{
	static const size_t cuts[] = {0x80, 0x100, 0x101, 0x103, 0x104, 0x117};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct rb b;
		struct rom_analysis *r;
		rb_init(&b);
		rb_add_x86(&b, 0x1002, 0x67DF, 8, true);
		move_pcir(&b, 0, 0x100);
		rebalance_x86(&b, 0);
		r = analyze_bytes(b.data, cuts[i]);
		cr_assert_not(r->has_rom, "cut 0x%zx", cuts[i]);
		cr_assert_eq(r->verdict, VERDICT_BROKEN);
		cr_assert(has(r, "image-truncated"), "cut 0x%zx: %s", cuts[i],
		          r->findings.n ? finding_name(r->findings.items[0].id) : "none");
		cr_assert_not(has(r, "pcir-out-of-range"), "cut 0x%zx", cuts[i]);
		rom_analysis_free(r);
		rb_free(&b);
	}
}

/* Same pointer past the end, but the size byte does not promise more than
 * the file: the pointer is what is wrong. */
Test(analyzer, pcir_pointer_past_the_end_of_a_whole_image)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, true);
	rb_put16(&b, 0x18, 0x2000); /* the checksum no longer balances */
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	f = must(r, "pcir-out-of-range");
	cr_assert_eq(f->offset, 0x18);
	cr_assert_not(has(r, "image-truncated"));
	cr_assert_not(r->isa_rom);
	rom_analysis_free(r);
	/* balanced, nothing tells it from an ISA ROM with code at 0x18 */
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert(has(r, "isa-rom-no-pcir"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, image_length_zero)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_put16(&b, 0x1C + 0x10, 0);
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	f = must(r, "image-length-zero");
	cr_assert_eq(f->image, 0);
	cr_assert_eq(f->offset, 0x1C + 0x10);
	cr_assert_eq(r->chain.images[0].length, 0);
	cr_assert_not(rom_chain_complete(r));
	/* the zero-length image is not listed again after the chain; the
	 * EFI image behind it is */
	for (size_t i = 0; i < r->n_other; i++)
		cr_assert_neq(r->other_images[i].offset, 0, "image 0 listed after the chain");
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- checksums ---- */

static void check_flip(struct rb *b, size_t img, size_t want_fix, enum pci_producer want_producer)
{
	struct rom_analysis *r;
	const struct finding *f;
	b->data[img + 0x500] = (uint8_t)(b->data[img + 0x500] + 0x11);
	r = analyze(b);
	cr_assert_eq(r->verdict, VERDICT_FIXABLE);
	f = must(r, "checksum-mismatch");
	cr_assert(f->fixable);
	cr_assert_eq(f->severity, SEVERITY_ERROR);
	cr_assert_eq(f->image, 0);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->producer, want_producer);
	cr_assert_not(rom_node_of(r, &r->chain.images[0])->checksum.ok);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.sum, 0x11);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.fix_offset, want_fix,
	             "fix at 0x%zx, want 0x%zx",
	             rom_node_of(r, &r->chain.images[0])->checksum.fix_offset, want_fix);
	rom_analysis_free(r);
}

Test(analyzer, checksum_mismatch_unknown_producer_fixes_last_byte)
{
	struct rb b;
	two_image_rom(&b, 0x1234, 0x5678);
	check_flip(&b, 0, X86_LEN - 1, PCI_PRODUCER_UNKNOWN);
	rb_free(&b);
}

Test(analyzer, checksum_mismatch_atombios_fixes_0x21)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	move_pcir(&b, 0, 0x200);
	memcpy(b.data + 0x30, " 761295520", 10);
	b.data[0x2F] = 1;
	rb_put16(&b, 0x6E, 0x300);
	memcpy(b.data + 0x300, "113-C9400100-101", 17);
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY, "%s",
	             r->findings.n ? finding_name(r->findings.items[0].id) : "");
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->producer, PCI_PRODUCER_ATOMBIOS);
	cr_assert_str_eq(rom_node_of(r, &r->chain.images[0])->version, "113-C9400100-101");
	rom_analysis_free(r);
	check_flip(&b, 0, 0x21, PCI_PRODUCER_ATOMBIOS);
	rb_free(&b);
}

/* The fix offset is a file offset: behind a prefix it moves with the ROM. */
Test(analyzer, checksum_mismatch_atombios_behind_a_prefix)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	move_pcir(&b, 0, 0x200);
	memcpy(b.data + 0x30, " 761295520", 10);
	rebalance_x86(&b, 0);
	b.data[0x500] ^= 0x01;
	rb_prepend_pattern(&b, 0x200, 5);
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x200);
	cr_assert(has(r, "checksum-mismatch"));
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.fix_offset, 0x200 + 0x21);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, checksum_mismatch_ipxe_fixes_0x06)
{
	struct rb b;
	two_image_rom(&b, 0x8086, 0x10D3);
	rb_put16(&b, 0x10, 0x100);
	memcpy(b.data + 0x100, "iPXE", 4);
	rebalance_x86(&b, 0);
	check_flip(&b, 0, 0x06, PCI_PRODUCER_IPXE);
	rb_free(&b);
}

Test(analyzer, efi_image_with_a_flipped_byte_stays_ready)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	b.data[X86_LEN + 0x300] ^= 0x5A;
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY);
	cr_assert_not(has(r, "checksum-mismatch"));
	cr_assert_not(rom_node_of(r, &r->chain.images[1])->checksum.present);
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- last image and trailing bytes ---- */

Test(analyzer, last_flag_missing_then_ff_padding)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, false);
	rb_add_efi(&b, 0x1002, 0x67DF, 4, false);
	rb_append_fill(&b, 0x800, 0xFF);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_FIXABLE);
	f = must(r, "last-image-missing");
	cr_assert(f->fixable);
	cr_assert_eq(f->image, 1);
	cr_assert_eq(f->offset, X86_LEN + 0x1C + 0x15);
	cr_assert_eq(r->trailing, TRAILING_FF);
	cr_assert_eq(r->trailing_length, 0x800);
	cr_assert(has(r, "trailing-padding"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, last_flag_missing_then_eof)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, false);
	rb_add_efi(&b, 0x1002, 0x67DF, 4, false);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	f = must(r, "image-truncated");
	cr_assert_eq(f->image, 1);
	cr_assert_not(has(r, "last-image-missing"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, trailing_kinds)
{
	static const enum trailing_kind kinds[] = {TRAILING_FF, TRAILING_ZERO, TRAILING_PADDING,
	                                           TRAILING_DATA, TRAILING_DATA};
	static const char *ids[] = {"trailing-padding", "trailing-padding", "trailing-padding",
	                            "trailing-data", "trailing-data"};
	for (int k = 0; k < 5; k++) {
		struct rb b;
		struct rom_analysis *r;
		two_image_rom(&b, 0x1002, 0x67DF);
		switch (k) {
		case 0:
			rb_append_fill(&b, 0x1000, 0xFF);
			break;
		case 1:
			rb_append_fill(&b, 0x1000, 0x00);
			break;
		case 2:
			rb_append_fill(&b, 0x800, 0xFF);
			rb_append_fill(&b, 0x800, 0x00);
			break;
		case 3:
			rb_append_pattern(&b, 0x1000, 9);
			break;
		default: /* one data byte in otherwise 0xFF padding */
			rb_append_fill(&b, 0x1000, 0xFF);
			b.data[ROM_LEN + 0xFFF] = 0x42;
			break;
		}
		r = analyze(&b);
		cr_assert_eq(r->trailing, kinds[k], "case %d: %d", k, r->trailing);
		cr_assert_eq(r->trailing_length, 0x1000);
		cr_assert_eq(must(r, ids[k])->offset, ROM_LEN);
		cr_assert_eq(count(r, "trailing-padding") + count(r, "trailing-data"), 1);
		cr_assert_eq(r->verdict, VERDICT_READY, "case %d", k);
		rom_analysis_free(r);
		rb_free(&b);
	}
}

/* ---- identities and sizes ---- */

Test(analyzer, id_mismatch_between_images_is_a_warning)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, false);
	rb_add_efi(&b, 0x1002, 0x67EF, 4, true);
	r = analyze(&b);
	f = must(r, "id-mismatch");
	cr_assert_eq(f->severity, SEVERITY_WARNING);
	cr_assert_eq(f->image, 1);
	cr_assert_eq(f->offset, X86_LEN + 0x1C + 4);
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, nvidia_efi_zero_ids_are_info)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_add_x86(&b, 0x10DE, 0x2484, 8, false);
	rb_add_efi(&b, 0x0000, 0x0000, 4, true);
	r = analyze(&b);
	cr_assert_eq(must(r, "id-mismatch")->severity, SEVERITY_INFO);
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
	/* the same zero ids after a non-NVIDIA image are implausible, and
	 * the other image gives the value fix proposes */
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, false);
	rb_add_efi(&b, 0x0000, 0x0000, 4, true);
	r = analyze(&b);
	cr_assert_eq(must(r, "id-implausible")->severity, SEVERITY_WARNING);
	cr_assert_eq(must(r, "id-implausible")->image, 1);
	cr_assert(must(r, "id-implausible")->fixable);
	cr_assert(strstr(must(r, "id-implausible")->message, "--set-id 1002:67df"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, size_byte_differs_from_pcir_length)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	b.data[2] = 4; /* size byte 4 blocks, PCIR 8 */
	rebalance_x86(&b, 0);
	r = analyze(&b);
	f = must(r, "size-mismatch");
	cr_assert_eq(f->severity, SEVERITY_INFO);
	cr_assert_eq(f->offset, 2);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.length, 0x800);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.ok);
	cr_assert_eq(r->chain.images[0].length, X86_LEN); /* the chain steps by the PCIR */
	cr_assert_eq(r->chain.images[1].offset, X86_LEN);
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, size_byte_zero)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	b.data[2] = 0;
	r = analyze(&b);
	cr_assert(has(r, "size-byte-zero"));
	cr_assert_not(has(r, "checksum-mismatch"));
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- structure errors ---- */

Test(analyzer, isa_rom_without_pcir)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 4, true);
	rb_put16(&b, 0x18, 0);
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert_not(r->has_rom);
	cr_assert(r->isa_rom);
	cr_assert_eq(r->isa_length, 0x800);
	cr_assert(has(r, "isa-rom-no-pcir"));
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	/* the same with a bad checksum is not called an ISA ROM */
	b.data[0x100] ^= 1;
	r = analyze(&b);
	cr_assert_not(r->isa_rom);
	cr_assert_not(has(r, "isa-rom-no-pcir"));
	cr_assert(has(r, "pcir-out-of-range"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, pcir_misaligned_in_image_0)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, true);
	memmove(b.data + 0x1E, b.data + 0x1C, 0x1C); /* a valid PCIR, at 0x1E */
	rb_put16(&b, 0x18, 0x1E);
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert_not(r->has_rom);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	f = must(r, "pcir-misaligned");
	cr_assert_eq(f->offset, 0x18);
	/* its checksum balances, but it has a PCIR: not an ISA ROM */
	cr_assert_not(r->isa_rom);
	cr_assert_not(has(r, "isa-rom-no-pcir"));
	rom_analysis_free(r);
	b.data[0x100] ^= 0x01;
	r = analyze(&b);
	cr_assert(has(r, "pcir-misaligned"));
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, pcir_misaligned_in_image_1)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	memmove(b.data + X86_LEN + 0x1E, b.data + X86_LEN + 0x1C, 0x1C);
	rb_put16(&b, X86_LEN + 0x18, 0x1E);
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0);
	cr_assert_eq(r->chain.n, 1);
	f = must(r, "pcir-misaligned");
	cr_assert_eq(f->image, 1);
	cr_assert_eq(f->offset, X86_LEN + 0x18);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, pcir_bad_signature)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 8, true);
	b.data[0x1C + 3] = 'X'; /* the corruption also unbalances the checksum */
	r = analyze(&b);
	cr_assert_not(r->has_rom);
	cr_assert_eq(must(r, "pcir-bad-signature")->offset, 0x1C);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);

	two_image_rom(&b, 0x1002, 0x67DF);
	b.data[X86_LEN + 0x1C] = 'Q';
	r = analyze(&b);
	cr_assert_eq(r->chain.n, 1);
	cr_assert_eq(must(r, "pcir-bad-signature")->image, 1);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, efi_signature_invalid)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_put32(&b, X86_LEN + 4, 0x0EF2);
	r = analyze(&b);
	f = must(r, "efi-signature-invalid");
	cr_assert_eq(f->image, 1);
	cr_assert_eq(f->offset, X86_LEN + 4);
	cr_assert_eq(rom_node_of(r, &r->chain.images[1])->efi.efi_signature, 0x0EF2);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- NVIDIA layout ---- */

/* Maxwell/Pascal-style: an x86 umbrella image of 0x20 blocks whose NPDE
 * says its own code is 0x10 blocks; inside the umbrella a 'VN'/NPDS E0
 * image (8 blocks) and a 'VN'/NPDS 0x70 NBSI image (8 blocks, no NPDE);
 * then an EFI image (4 blocks, PCIR last). */
Test(analyzer, nvidia_standard_and_npde_chains)
{
	struct rb b;
	struct rom_analysis *r;
	rb_nvidia_pascal(&b, true);
	cr_assert_eq(b.len, 0x4800);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY, "%s",
	             r->findings.n ? finding_name(r->findings.items[0].id) : "");
	/* what firmware follows */
	cr_assert_eq(r->chain.n, 2);
	cr_assert_eq(r->chain.images[0].offset, 0);
	cr_assert_eq(r->chain.images[0].length, 0x4000);
	cr_assert(rom_node_of(r, &r->chain.images[0])->has_npde);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->npde.offset, 0x40);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->npde.subimage_blocks, 0x10);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->npde.revision, 0x0101);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->producer, PCI_PRODUCER_NVIDIA);
	/* NVIDIA's fix byte stays inside the x86 sub-image */
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->checksum.fix_offset, 0x1FFF);
	cr_assert(rom_node_of(r, &r->chain.images[0])->checksum.ok);
	cr_assert_eq(r->chain.images[1].offset, 0x4000);
	cr_assert(rom_node_of(r, &r->chain.images[1])->has_efi);
	cr_assert(r->chain.images[1].last);
	cr_assert(rom_chain_complete(r));
	cr_assert_eq(r->chain.end, 0x4800);
	/* what NVIDIA's drivers follow */
	cr_assert_eq(r->nvidia.n, 3);
	cr_assert_eq(r->nvidia.images[0].offset, 0);
	cr_assert_eq(r->nvidia.images[0].length, 0x2000);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[0])->pcir.code_type, 0);
	cr_assert_not(r->nvidia.images[0].last);
	cr_assert_eq(r->nvidia.images[1].offset, 0x2000);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[1])->hdr.signature, PCI_ROM_SIG_NV);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[1])->pcir.signature, PCIR_SIG_NPDS);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[1])->pcir.code_type, 0xE0);
	cr_assert_eq(r->nvidia.images[1].length, 0x1000);
	cr_assert_not(r->nvidia.images[1].last);
	cr_assert_eq(r->nvidia.images[2].offset, 0x3000);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[2])->pcir.code_type, 0x70);
	cr_assert_not(rom_node_of(r, &r->nvidia.images[2])->has_npde);
	cr_assert(r->nvidia.images[2].last); /* NBSI ends the walk, as in nouveau */
	cr_assert_eq(r->n_other, 0);
	rom_analysis_free(r);
	rb_free(&b);
}

/* NPDE last bit on an image whose PCIR says last: the NVIDIA view follows
 * the NPDE and continues to the E0 image after the EFI one (Turing+). */
Test(analyzer, nvidia_turing_efi_npde_not_last)
{
	struct rb b;
	struct rom_analysis *r;
	struct rb_image_opts o = {0};
	rb_init(&b);
	o.code_type = 0;
	o.vendor = 0x10DE;
	o.device = 0x1F99;
	o.blocks = 8;
	o.npde = true;
	rb_add_image(&b, &o);
	o.code_type = 3;
	o.blocks = 4;
	o.last = true;       /* PCIR: last public image */
	o.npde_last = false; /* NPDE: the NVIDIA chain goes on */
	o.pcir_revision = 3;
	rb_add_image(&b, &o);
	memset(&o, 0, sizeof(o));
	o.code_type = 0xE0;
	o.vendor = 0x10DE;
	o.blocks = 4;
	o.nvidia_private = true;
	o.npde = true;
	o.npde_last = true;
	rb_add_image(&b, &o);
	r = analyze(&b);
	cr_assert_eq(r->chain.n, 2);
	cr_assert_eq(r->chain.end, 0x1800);
	cr_assert_eq(r->nvidia.n, 3);
	cr_assert_eq(r->nvidia.images[2].offset, 0x1800);
	cr_assert_eq(rom_node_of(r, &r->nvidia.images[2])->pcir.code_type, 0xE0);
	cr_assert(r->nvidia.images[2].last);
	/* the private image after the public chain is listed, and the bytes
	 * are data, not padding */
	cr_assert_eq(r->n_other, 1);
	cr_assert_eq(r->other_images[0].offset, 0x1800);
	cr_assert(has(r, "images-after-chain"));
	cr_assert_eq(r->trailing, TRAILING_DATA);
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, nvidia_bios_version_from_bit)
{
	struct rb b;
	struct rom_analysis *r;
	static const uint8_t bit[] = {0xFF, 0xB8, 'B', 'I', 'T', 0,    0x00, 0x01, 12,
	                              6,    1,    0,   'B', 2,   0x20, 0,    0x80, 0x01};
	two_image_rom(&b, 0x10DE, 0x1C02);
	memcpy(b.data + 0x100, bit, sizeof(bit));
	rb_put32(&b, 0x180, 0x86063900u);
	b.data[0x184] = 0x0B;
	rebalance_x86(&b, 0);
	r = analyze(&b);
	cr_assert_eq(rom_node_of(r, &r->chain.images[0])->producer, PCI_PRODUCER_NVIDIA);
	cr_assert_str_eq(rom_node_of(r, &r->chain.images[0])->version, "86.06.39.00.0B");
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- after the chain, caps ---- */

Test(analyzer, backup_copy_after_the_chain)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_append_fill(&b, ROM_LEN, 0);
	memcpy(b.data + ROM_LEN, b.data, ROM_LEN);
	r = analyze(&b);
	cr_assert_eq(r->chain.n, 2);
	cr_assert_eq(r->chain.end, ROM_LEN);
	cr_assert_eq(r->n_other, 2);
	cr_assert_eq(r->other_images[0].offset, ROM_LEN);
	cr_assert_eq(r->other_images[1].offset, ROM_LEN + X86_LEN);
	f = must(r, "images-after-chain");
	cr_assert_eq(f->offset, ROM_LEN);
	cr_assert_eq(r->trailing, TRAILING_DATA);
	cr_assert(has(r, "trailing-data"));
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, too_many_images)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	for (int i = 0; i < REPORT_MAX_IMAGES + 1; i++)
		rb_add_x86(&b, 0x1002, 0x67DF, 1, i == REPORT_MAX_IMAGES);
	r = analyze(&b);
	cr_assert_eq(r->chain.n, REPORT_MAX_IMAGES);
	f = must(r, "too-many-images");
	cr_assert_eq(f->offset, (size_t)REPORT_MAX_IMAGES * 512);
	cr_assert_eq(r->verdict, VERDICT_BROKEN);
	rom_analysis_free(r);
	rb_free(&b);
	/* exactly the cap is fine */
	rb_init(&b);
	for (int i = 0; i < REPORT_MAX_IMAGES; i++)
		rb_add_x86(&b, 0x1002, 0x67DF, 1, i == REPORT_MAX_IMAGES - 1);
	r = analyze(&b);
	cr_assert_eq(r->chain.n, REPORT_MAX_IMAGES);
	cr_assert_not(has(r, "too-many-images"));
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- locating among candidates ---- */

/* 55AA signatures in the prefix whose PCIR pointers are garbage (past the
 * end, into bytes without "PCIR", misaligned onto a "PCIR"): none of them
 * is a ROM start. */
Test(analyzer, fake_55aa_with_garbage_pcir_pointer_is_not_the_start)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_prepend_pattern(&b, 0x800, 11);
	b.data[0x200] = 0x55;
	b.data[0x201] = 0xAA;
	rb_put16(&b, 0x218, 0x1234); /* lands in image 0's filler */
	b.data[0x400] = 0x55;
	b.data[0x401] = 0xAA;
	rb_put16(&b, 0x418, 0xFFFC); /* past the end */
	b.data[0x600] = 0x55;
	b.data[0x601] = 0xAA;
	rb_put16(&b, 0x618, 0x21); /* misaligned, onto a "PCIR" */
	memcpy(b.data + 0x621, "PCIR", 4);
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x800);
	cr_assert_eq(r->candidates, 2); /* the ROM's own two images */
	cr_assert_str_eq(report_container_name(r->container), "unknown");
	cr_assert_eq(r->verdict, VERDICT_FIXABLE);
	rom_analysis_free(r);
	rb_free(&b);
}

/* A valid image at 0x200 whose chain does not end on a last bit (its
 * successor at 0x400 is filler), and the whole ROM at 0x600. */
Test(analyzer, later_whole_candidate_beats_earlier_partial_one)
{
	struct rb b, fake;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_prepend_pattern(&b, 0x200, 21);
	rb_init(&fake);
	rb_add_x86(&fake, 0x1002, 0x6FDF, 1, false);
	rb_prepend(&b, fake.data, fake.len);
	rb_prepend_pattern(&b, 0x200, 22);
	rb_free(&fake);
	cr_assert_eq(b.len, 0x600 + ROM_LEN);
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x600);
	cr_assert_eq(r->candidates, 3);
	cr_assert_str_eq(r->locate_reason,
	                 "earliest of 3 candidate(s) whose chain of 2 image(s) ends on a "
	                 "last-image flag");
	cr_assert_eq(r->chain.n, 2);
	cr_assert(rom_chain_complete(r));
	cr_assert_str_eq(report_container_name(r->container), "unknown");
	cr_assert_eq(r->container_length, 0x600);
	rom_analysis_free(r);
	rb_free(&b);
}

/* A fake image whose pointer reaches the real PCIR: a valid candidate, but
 * its chain steps into the middle of image 0, so the real start wins. */
Test(analyzer, fake_image_sharing_the_real_pcir)
{
	struct rb b;
	struct rom_analysis *r;
	two_image_rom(&b, 0x1002, 0x67DF);
	rb_prepend_pattern(&b, 0x800, 31);
	b.data[0x700] = 0x55;
	b.data[0x701] = 0xAA;
	rb_put16(&b, 0x718, 0x800 + 0x1C - 0x700);
	r = analyze(&b);
	cr_assert_eq(r->rom_offset, 0x800);
	cr_assert_eq(r->candidates, 3);
	cr_assert(rom_chain_complete(r));
	rom_analysis_free(r);
	rb_free(&b);
}

/* No candidate has a whole chain: the earliest on a 512-byte boundary. */
Test(analyzer, no_whole_chain_prefers_block_boundary)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	rb_append_pattern(&b, 0x101, 41);
	rb_add_x86(&b, 0x1002, 0x1111, 1, false); /* at 0x101, followed by filler */
	rb_append_pattern(&b, 0x200 - 0x101, 42);
	rb_add_x86(&b, 0x1002, 0x2222, 1, false); /* at 0x400, followed by filler */
	rb_append_pattern(&b, 0x200, 43);
	r = analyze(&b);
	cr_assert_eq(r->candidates, 2);
	cr_assert_eq(r->rom_offset, 0x400);
	cr_assert_not_null(strstr(r->locate_reason, "none has a whole chain"));
	cr_assert(has(r, "last-image-missing"));
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- the PCI 3.0 device list, decoded once into the node ---- */

Test(analyzer, device_list_in_the_node_without_findings)
{
	static const uint16_t ids[] = {0x67DF, 0x67EF};
	struct rb b;
	struct rom_analysis *r;
	const struct rom_node *n;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67FF, 2, true);
	rb_device_list(&b, 0, 0x40, ids, 2, true);
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY);
	n = rom_chain_node(r, 0);
	cr_assert_eq(n->devlist.status, PCI_DEVLIST_OK);
	cr_assert_eq(n->devlist.offset, 0x1C + 0x40);
	cr_assert_eq(n->devlist.n, 2);
	cr_assert_not_null(n->device_ids);
	cr_assert_eq(n->device_ids[0], 0x67DF);
	cr_assert_eq(n->device_ids[1], 0x67EF);
	cr_assert_not(has(r, "device-list-out-of-range"));
	cr_assert_not(has(r, "device-list-unterminated"));
	rom_analysis_free(r);
	rb_free(&b);
}

/* A pointer past the image's PCIR length, even with bytes of the next image
 * there: out of range, a warning that leaves the verdict alone. */
Test(analyzer, device_list_past_the_image)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 1, false);
	rb_add_efi(&b, 0x1002, 0x67DF, 2, true);
	rb_device_list(&b, 0, 0x200 - 0x1C, NULL, 0, false); /* 0x200: image 1 */
	r = analyze(&b);
	cr_assert_eq(r->verdict, VERDICT_READY);
	cr_assert_eq(rom_chain_node(r, 0)->devlist.status, PCI_DEVLIST_OUT_OF_RANGE);
	f = must(r, "device-list-out-of-range");
	cr_assert_eq(f->image, 0);
	cr_assert_eq(f->offset, 0x1C + 0x08);
	cr_assert_eq(f->severity, SEVERITY_WARNING);
	cr_assert_not_null(strstr(f->message, "0x01e4"), "%s", f->message);
	cr_assert_not_null(strstr(f->message, "end at 0x200"), "%s", f->message);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(analyzer, device_list_unterminated)
{
	uint16_t ids[0xF0];
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	for (size_t k = 0; k < 0xF0; k++)
		ids[k] = (uint16_t)(0x1000 + k);
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 1, true);
	/* From 0x1C + 0x20 = 0x3C to the image's end at 0x200: 0xE2 ids; the
	 * checksum is balanced in the last one's high byte, its low byte 0xE1
	 * keeps it from being 0. */
	rb_device_list(&b, 0, 0x20, ids, 0xE2, false);
	cr_assert_eq(b.data[0x1FE], 0xE1);
	r = analyze(&b);
	f = must(r, "device-list-unterminated");
	cr_assert_eq(f->offset, 0x3C);
	cr_assert_not_null(strstr(f->message, "226 id(s)"), "%s", f->message);
	cr_assert_eq(rom_chain_node(r, 0)->devlist.n, 226);
	cr_assert_eq(r->verdict, VERDICT_READY);
	rom_analysis_free(r);
	rb_free(&b);
}
