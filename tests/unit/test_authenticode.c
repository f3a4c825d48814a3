/* Authenticode: the digest regions and certificate table of synthetic PE
 * drivers (formats/authenticode.c), and what the analyzer makes of a table
 * past the end, a truncated PKCS#7 and an unsigned driver, in the driver
 * alone (analyzer/signature.c) and in a ROM (findings, verdict, GOP state).
 * Expected offsets are the PE/COFF specification's numbers: optional header
 * at e_lfanew + 24, CheckSum at +64 of it, the data directories at +112
 * (PE32+) or +96 (PE32), 8 bytes each, the Security entry the fifth. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyze.h"
#include "analyzer/signature.h"
#include "formats/authenticode.h"
#include "formats/pe.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"

enum { DRV = 0x400, BUF = 0x1000 };

/* The builder's PE32+/PE32 driver (e_lfanew 0x40, SizeOfHeaders 0x200, one
 * section at 0x200..0x400), followed by tail bytes of pattern, with the
 * Security entry set to (table, size). Returns the length. */
static size_t driver(uint8_t *b, bool plus, size_t tail, uint32_t table, uint32_t size)
{
	size_t opt = 0x40 + 24, dirs = opt + (plus ? 112 : 96);
	memset(b, 0, BUF);
	(void)rb_make_pe_driver(b, plus);
	for (size_t i = 0; i < tail; i++)
		b[DRV + i] = (uint8_t)(0x31 * i + 7);
	tb_put32(b, dirs + 4 * 8, table);
	tb_put32(b, dirs + 4 * 8 + 4, size);
	return DRV + tail;
}

static void parse(const uint8_t *b, size_t len, struct pe_info *pe, struct auth_info *ai,
                  enum auth_status want)
{
	struct span s = span_make(b, len);
	cr_assert_eq(pe_parse(&s, pe), PE_OK);
	cr_assert_eq(auth_parse(&s, pe, ai), want, "status %s", auth_status_str(ai->status));
}

static void expect_region(const struct auth_info *ai, size_t i, size_t off, size_t len)
{
	cr_assert_lt(i, ai->n_regions);
	cr_expect_eq(ai->regions[i].offset, off, "region %zu at 0x%zx, expected 0x%zx", i,
	             ai->regions[i].offset, off);
	cr_expect_eq(ai->regions[i].length, len, "region %zu of 0x%zx, expected 0x%zx", i,
	             ai->regions[i].length, len);
}

Test(authenticode, win_certificate_declared_as_the_spec_says)
{
	/* PE/COFF 4.7: dwLength u32 at 0, wRevision u16 at 4, wCertificateType u16 at 6 */
	cr_expect_eq(WIN_CERT_OFF_LENGTH, 0);
	cr_expect_eq(WIN_CERT_OFF_REVISION, 4);
	cr_expect_eq(WIN_CERT_OFF_TYPE, 6);
	cr_expect_eq(fmt_extent(win_cert_fields, WIN_CERT_F_COUNT), 8);
	cr_expect_str_eq(WIN_CERT_KEY(TYPE), "certificate_type");
}

Test(authenticode, regions_of_an_unsigned_pe32plus_skip_checksum_and_security_entry)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	size_t len = driver(b, true, 0x30, 0, 0);
	parse(b, len, &pe, &ai, AUTH_UNSIGNED);
	/* CheckSum at 0x58 + 64 = 0x98; Security entry at 0x58 + 112 + 32 = 0xE8 */
	cr_assert_eq(ai.n_regions, 5);
	expect_region(&ai, 0, 0, 0x98);
	expect_region(&ai, 1, 0x9C, 0xE8 - 0x9C);
	expect_region(&ai, 2, 0xF0, 0x200 - 0xF0);
	expect_region(&ai, 3, 0x200, 0x200);
	expect_region(&ai, 4, 0x400, 0x30); /* the bytes after the last section */
}

Test(authenticode, regions_of_a_pe32)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	size_t len = driver(b, false, 0, 0, 0);
	parse(b, len, &pe, &ai, AUTH_UNSIGNED);
	/* PE32: data directories at 0x58 + 96, Security entry at 0xD8 */
	cr_assert_eq(ai.n_regions, 4);
	expect_region(&ai, 1, 0x9C, 0xD8 - 0x9C);
	expect_region(&ai, 2, 0xE0, 0x200 - 0xE0);
}

Test(authenticode, sections_are_hashed_in_file_order)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	struct span s;
	size_t len = driver(b, true, 0x200, 0, 0);
	/* A second section declared first in the table but later in the file. */
	(void)rb_make_pe_driver(b, true);
	cr_assert(pe_parse(&(struct span){b, len}, &pe) == PE_OK);
	pe.num_sections = 2;
	pe.section_count = 2;
	pe.sections[1] = pe.sections[0];
	pe.sections[0].raw_pointer = 0x400;
	pe.sections[0].raw_size = 0x100;
	memset(b, 0, 0x200);
	cr_assert_neq(rb_encode_pe(b, len, &pe), 0);
	s = span_make(b, len);
	cr_assert_eq(pe_parse(&s, &pe), PE_OK);
	cr_assert_eq(auth_parse(&s, &pe, &ai), AUTH_UNSIGNED);
	expect_region(&ai, 3, 0x200, 0x200);
	expect_region(&ai, 4, 0x400, 0x100);
	expect_region(&ai, 5, 0x500, 0x100); /* what follows both */
}

Test(authenticode, a_table_is_read_entry_by_entry)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	size_t len = driver(b, true, 0x40, DRV, 0x40);
	/* two entries: 0x1C bytes (padded to 0x20), then 0x20 bytes */
	tb_put32(b, DRV, 0x1C);
	tb_put16(b, DRV + 4, 0x0200);
	tb_put16(b, DRV + 6, 0x0002);
	tb_put32(b, DRV + 0x20, 0x20);
	tb_put16(b, DRV + 0x24, 0x0200);
	tb_put16(b, DRV + 0x26, 0x0001); /* X.509: not verified by EDK2 */
	parse(b, len, &pe, &ai, AUTH_OK);
	cr_assert_eq(ai.table_offset, DRV);
	cr_assert_eq(ai.n_certs, 2);
	cr_expect(ai.certs[0].pkcs7);
	cr_expect_eq(ai.certs[0].data_offset, DRV + 8);
	cr_expect_eq(ai.certs[0].data_length, 0x14);
	cr_expect_not(ai.certs[1].pkcs7);
	cr_expect_eq(ai.certs[1].offset, DRV + 0x20);
	/* the digest stops where the table starts */
	cr_expect_eq(ai.regions[ai.n_regions - 1].offset, 0x200);
	cr_expect_eq(ai.hashed, DRV);
}

Test(authenticode, table_past_the_end_is_out_of_bounds)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	static struct rom_signature sig;
	size_t len = driver(b, true, 0x10, DRV, 0x100);
	parse(b, len, &pe, &ai, AUTH_TABLE_OUT_OF_BOUNDS);
	len = driver(b, true, 0x10, 0xFFFFFFF0u, 0x20); /* offset + size wraps */
	parse(b, len, &pe, &ai, AUTH_TABLE_OUT_OF_BOUNDS);
	len = driver(b, true, 0x10, 0x100, 0x10); /* over the headers */
	parse(b, len, &pe, &ai, AUTH_TABLE_OUT_OF_BOUNDS);
	signature_check(&sig, b, len, &pe);
	cr_expect_eq(sig.state, SIG_BAD_TABLE);
	signature_free(&sig);
}

Test(authenticode, entries_that_cannot_be_read_end_the_walk)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct auth_info ai;
	size_t len = driver(b, true, 0x100, DRV, 0x100);
	/* dwLength 0: EDK2 stops; so do we, with no entry */
	parse(b, len, &pe, &ai, AUTH_TABLE_NO_ENTRY);
	/* dwLength past the table */
	tb_put32(b, DRV, 0x200);
	parse(b, len, &pe, &ai, AUTH_TABLE_NO_ENTRY);
	/* 32 entries of 8 bytes + 1: the walk keeps AUTH_MAX_CERTS */
	for (size_t i = 0; i < 0x100; i += 0x10) {
		tb_put32(b, DRV + i, 0x10);
		tb_put16(b, DRV + i + 6, 2);
	}
	parse(b, len, &pe, &ai, AUTH_OK);
	cr_expect_eq(ai.n_certs, AUTH_MAX_CERTS);
	cr_expect(ai.certs_capped);
}

Test(authenticode, truncated_pkcs7_is_invalid_not_a_crash)
{
	static uint8_t b[BUF];
	static struct pe_info pe;
	static struct rom_signature sig;
	/* a SEQUENCE header promising 0xFFFF bytes, then 8 bytes */
	size_t len = driver(b, true, 0x18, DRV, 0x18);
	struct span s = span_make(b, len);
	tb_put32(b, DRV, 0x18);
	tb_put16(b, DRV + 4, 0x0200);
	tb_put16(b, DRV + 6, 0x0002);
	b[DRV + 8] = 0x30;
	b[DRV + 9] = 0x82;
	b[DRV + 10] = 0xFF;
	b[DRV + 11] = 0xFF;
	cr_assert_eq(pe_parse(&s, &pe), PE_OK);
	signature_check(&sig, b, len, &pe);
	cr_expect_eq(sig.state, SIG_INVALID);
	cr_expect_eq(sig.n_tried, 1);
	cr_expect(strstr(sig.error, "PKCS#7") != NULL, "%s", sig.error);
	signature_free(&sig);
}

/* A ROM: an x86 image, then an EFI image whose compressed driver is
 * drv[0 .. n), analyzed with o (NULL: rom_analyze's defaults); the bytes
 * in *keep when keep is not NULL. */
static struct rom_analysis *rom_with_driver_opts(const uint8_t *drv, size_t n,
                                                 const struct rom_analyze_opts *ao, struct rb *keep)
{
	struct rb b;
	size_t off, cap = efi_encode_bound(n), zn;
	uint8_t *z = malloc(cap);
	struct rom_analysis *r;
	struct rb_image_opts o = rb_efi_opts(0x1234, 0x5678, 8, true);
	uint16_t image_offset;
	cr_assert(z);
	zn = efi_encode_literal(drv, n, 4, z, cap);
	cr_assert_gt(zn, 0);
	rb_init(&b);
	(void)rb_add_x86(&b, 0x1234, 0x5678, 2, false);
	o.efi_compression = 1;
	o.blocks = (0x50 + zn + 511) / 512;
	off = rb_add_image(&b, &o);
	image_offset = (uint16_t)(b.data[off + 0x16] | b.data[off + 0x17] << 8);
	cr_assert_leq(image_offset + zn, o.blocks * 512);
	memcpy(b.data + off + image_offset, z, zn);
	r = rom_analyze_with(b.data, b.len, "synthetic", ao);
	cr_assert_not_null(r);
	if (keep)
		*keep = b;
	else
		rb_free(&b);
	free(z);
	return r;
}

static struct rom_analysis *rom_with_driver(const uint8_t *drv, size_t n)
{
	return rom_with_driver_opts(drv, n, NULL, NULL);
}

static const struct finding *find(const struct rom_analysis *r, enum finding_id id)
{
	return report_find(r, id);
}

Test(authenticode, rom_findings_for_table_past_end_truncated_pkcs7_and_unsigned)
{
	static uint8_t b[BUF];
	struct rom_analysis *r;
	size_t len;

	len = driver(b, true, 0x10, DRV, 0x100);
	r = rom_with_driver(b, len);
	cr_expect_not_null(find(r, FINDING_CERT_TABLE_OUT_OF_BOUNDS));
	cr_expect_eq(r->verdict, VERDICT_BROKEN);
	cr_expect_eq(rom_gop_state(r), GOP_DAMAGED);
	rom_analysis_free(r);

	len = driver(b, true, 0x18, DRV, 0x18);
	tb_put32(b, DRV, 0x18);
	tb_put16(b, DRV + 4, 0x0200);
	tb_put16(b, DRV + 6, 0x0002);
	b[DRV + 8] = 0x30;
	b[DRV + 9] = 0x82;
	r = rom_with_driver(b, len);
	cr_expect_not_null(find(r, FINDING_SIGNATURE_INVALID));
	cr_expect_eq(r->verdict, VERDICT_BROKEN);
	cr_expect_eq(rom_gop_state(r), GOP_DAMAGED);
	rom_analysis_free(r);

	len = driver(b, true, 0, 0, 0);
	r = rom_with_driver(b, len);
	cr_expect_not_null(find(r, FINDING_DRIVER_UNSIGNED));
	cr_expect_eq(r->verdict, VERDICT_READY);
	cr_expect_eq(rom_gop_state(r), GOP_UNSIGNED);
	cr_expect_eq(rom_chain_node(r, 1)->driver->signature.state, SIG_UNSIGNED);
	cr_expect_eq(strlen(rom_chain_node(r, 1)->driver->signature.sha256), 64);
	rom_analysis_free(r);
}

Test(authenticode, no_efi_image_is_gop_none)
{
	struct rb b;
	struct rom_analysis *r;
	rb_init(&b);
	(void)rb_add_x86(&b, 0x1234, 0x5678, 2, true);
	r = rom_analyze(b.data, b.len, "x86 only");
	cr_assert_not_null(r);
	cr_expect_eq(rom_gop_state(r), GOP_NONE);
	cr_expect_str_eq(gop_state_name(GOP_NONE), "none");
	rom_analysis_free(r);
	rb_free(&b);
}

/* skip_sha256 (check's text line, issue 17): the same report without one
 * hash: not the file's, no image's, no driver's, and no Authenticode
 * SHA-256 of the unsigned driver; rom_analysis_hash fills them later with
 * the values a hashing analysis gives. */
Test(authenticode, skip_sha256_hashes_nothing_and_changes_nothing_else)
{
	static uint8_t b[BUF];
	static const struct rom_analyze_opts lazy = {.skip_sha256 = true};
	size_t len = driver(b, true, 0, 0, 0);
	struct rb bytes;
	struct rom_analysis *full = rom_with_driver(b, len);
	struct rom_analysis *r = rom_with_driver_opts(b, len, &lazy, &bytes);
	const struct rom_node *fn = rom_chain_node(full, 1), *n = rom_chain_node(r, 1);
	cr_assert(n && n->driver && fn && fn->driver);
	cr_expect_eq(r->verdict, full->verdict);
	cr_expect_eq(r->findings.n, full->findings.n);
	cr_expect_eq(rom_gop_state(r), GOP_UNSIGNED);
	cr_expect_eq(n->driver->signature.state, SIG_UNSIGNED);
	cr_expect_str_eq(r->sha256, "");
	for (size_t i = 0; i < r->chain.n; i++)
		cr_expect_str_eq(rom_chain_node(r, i)->sha256, "", "image %zu hashed", i);
	cr_expect_str_eq(n->driver->sha256, "");
	cr_expect_str_eq(n->driver->signature.sha256, "", "Authenticode SHA-256 computed");
	cr_assert_eq(strlen(fn->driver->signature.sha256), 64);

	rom_analysis_hash(r, bytes.data, bytes.len);
	cr_expect_str_eq(r->sha256, full->sha256);
	for (size_t i = 0; i < r->chain.n; i++)
		cr_expect_str_eq(rom_chain_node(r, i)->sha256, rom_chain_node(full, i)->sha256);
	cr_expect_str_eq(n->driver->sha256, fn->driver->sha256);
	cr_expect_str_eq(n->driver->signature.sha256, fn->driver->signature.sha256);
	rom_analysis_free(r);
	rom_analysis_free(full);
	rb_free(&bytes);
}

/* driver_budget (the fuzz harnesses' 256 KiB): a driver whose OrigSize
 * does not fit is not decompressed, and says so; one that fits is the
 * same as with the default budget. */
Test(authenticode, driver_budget_limits_what_is_decompressed)
{
	static uint8_t b[BUF];
	size_t len = driver(b, true, 0, 0, 0);
	struct rom_analyze_opts small = {.skip_sha256 = true, .driver_budget = len - 1};
	struct rom_analyze_opts enough = {.skip_sha256 = true, .driver_budget = len};
	struct rom_analysis *r = rom_with_driver_opts(b, len, &small, NULL);
	const struct rom_node *n = rom_chain_node(r, 1);
	cr_assert(n && n->driver);
	cr_expect_eq(n->driver->state, DRIVER_NOT_DECODED);
	cr_expect_not_null(find(r, FINDING_EFI_DRIVER_NOT_DECODED));
	rom_analysis_free(r);
	r = rom_with_driver_opts(b, len, &enough, NULL);
	n = rom_chain_node(r, 1);
	cr_assert(n && n->driver);
	cr_expect_eq(n->driver->state, DRIVER_OK);
	cr_expect_eq(n->driver->length, len);
	cr_expect_null(find(r, FINDING_EFI_DRIVER_NOT_DECODED));
	rom_analysis_free(r);
}
