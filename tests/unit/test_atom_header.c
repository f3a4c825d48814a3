/* The ATOM ROM header is declared once (ATOM_HDR_FIELDS, formats/atom.h)
 * and decoded once per image: atom_detect's decode is what the image's
 * `atom:` map, vendor.amd.rom_header, the subsystem ids, the vendor pass
 * (atom_ext_decode) and diff's atom_rom.* names all read. The image is
 * written here byte by byte at the offsets of Linux atombios.h
 * ATOM_ROM_HEADER (revisions at +2/+3, "ATOM" at +4, subsystem at
 * +0x18/+0x1A, PCI info at +0x1C, PSP pointer at +0x24 of v2.2), not through
 * the declaration, so a wrong offset in the declaration fails here. */
#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/structs.h"
#include "analyzer/vendor.h"
#include "formats/atom.h"
#include "formats/atom_tables.h"
#include "formats/decode_count.h"
#include "tests/support/bytes.h"
#include "tests/support/ydoc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMG     0x1000u /* 8 blocks */
#define PCIR_AT 0x100u
#define HDR     0x200u
#define FMT     2u /* format and content revision differ, so a swap shows */
#define CONTENT 3u
#define SSVID   0x1DA2u
#define SSID    0xE411u
#define PSP     0x0ABCu

/* An ATOMBIOS x86 image, the only image: 55AA, size byte, PCIR (1002:731f,
 * last), the ATI magic, the ROM header pointer, a v2.2 ROM header
 * (structure size 0x28) and the checksum balanced at 0x21. */
static void build(uint8_t *p)
{
	uint8_t sum = 0;
	memset(p, 0, IMG);
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = IMG / 512;
	tb_put16(p, 0x18, PCIR_AT);
	memcpy(p + PCIR_AT, "PCIR", 4);
	tb_put16(p, PCIR_AT + 4, 0x1002);
	tb_put16(p, PCIR_AT + 6, 0x731F);
	tb_put16(p, PCIR_AT + 0x0A, 0x18);
	p[PCIR_AT + 0x0F] = 0x03; /* class 030000 */
	tb_put16(p, PCIR_AT + 0x10, IMG / 512);
	p[PCIR_AT + 0x15] = 0x80; /* last image */
	memcpy(p + 0x30, " 761295520", 10);
	tb_put16(p, 0x48, HDR);
	tb_put16(p, HDR, 0x28);
	p[HDR + 2] = FMT;
	p[HDR + 3] = CONTENT;
	memcpy(p + HDR + 4, "ATOM", 4);
	tb_put16(p, HDR + 0x18, SSVID);
	tb_put16(p, HDR + 0x1A, SSID);
	tb_put16(p, HDR + 0x1C, PCIR_AT);
	tb_put32(p, HDR + 0x24, PSP);
	for (size_t i = 0; i < IMG; i++)
		sum = (uint8_t)(sum + p[i]);
	p[0x21] = (uint8_t)(0x100 - sum);
}

/* The analysis's YAML, parsed back. */
static void yaml_of(const struct rom_analysis *r, struct ydocs *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	cr_assert(emit_yaml(f, &r, 1));
	cr_assert_eq(fclose(f), 0);
	cr_assert(ydocs_parse(buf, len, d), "%s", buf);
	cr_assert_eq(d->n, 1);
	free(buf);
}

static uint64_t uint_at(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	uint64_t v = UINT64_MAX;
	cr_assert(ydoc_uint(ydoc_get(doc, map, key), &v), "key %s", key);
	return v;
}

static const char *str_at(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	const char *s = ydoc_str(ydoc_get(doc, map, key));
	cr_assert_not_null(s, "key %s", key);
	return s;
}

Test(atom_header, one_decode_feeds_every_reader)
{
	static const struct {
		size_t rel;
		const char *name;
	} names[] = {
	    {2, "atom_rom.format_rev"},
	    {3, "atom_rom.content_rev"},
	    {0x1B, "atom_rom.subsystem_id"},
	    {0x24, "atom_rom.psp_dir"},
	};
	static uint8_t p[IMG];
	struct rom_analysis *r;
	const struct rom_node *n;
	struct ydocs d;
	yaml_document_t *doc;
	yaml_node_t *atom, *amd_hdr;
	uint16_t sv, sd;
	char name[ROM_QNAME_LEN];
	build(p);
	fmt_count_start();
	r = rom_analyze(p, sizeof(p), "atom.rom");
	fmt_count_stop();
	cr_assert_not_null(r);
	n = rom_chain_node(r, 0);
	cr_assert(n && n->producer == PCI_PRODUCER_ATOMBIOS);
	cr_assert(n->vendor && n->vendor->kind == VENDOR_AMD);
	if (fmt_count_available()) {
		/* one header decode, one vendor pass, for the one ATOM image */
		cr_expect_eq(fmt_count_total(FMT_DEC_ATOM), 1);
		cr_expect_eq(fmt_count_total(FMT_DEC_ATOM_ROM_HEADER), 1);
		cr_expect_eq(fmt_count_hits(FMT_DEC_ATOM_ROM_HEADER, p, HDR), 1);
		cr_expect_eq(fmt_count_total(FMT_DEC_ATOM_TABLES), 1);
	}
	/* the decode */
	cr_expect(n->atom.rom_header_ok);
	cr_expect(n->atom.hdr_ok);
	cr_expect_eq(n->atom.rom_header, HDR);
	cr_expect_eq(n->atom.hdr.format_rev, FMT);
	cr_expect_eq(n->atom.hdr.content_rev, CONTENT);
	cr_expect_eq(n->atom.hdr.subsystem_vendor, SSVID);
	cr_expect_eq(n->atom.hdr.subsystem_id, SSID);
	cr_expect_eq(n->atom.hdr.pci_info, PCIR_AT);
	cr_expect_eq(n->atom.hdr.psp_dir, PSP);
	/* the vendor view of the ids */
	cr_expect(vendor_subsystem(r, n, &sv, &sd));
	cr_expect_eq(sv, SSVID);
	cr_expect_eq(sd, SSID);
	/* the reports: the image's atom map (declaration keys and schema-1
	 * aliases) and vendor.amd.rom_header show the same values */
	yaml_of(r, &d);
	doc = &d.docs[0];
	atom = ydoc_get(doc, ydoc_item(doc, ydoc_get(doc, ydoc_root(doc), "images"), 0), "atom");
	cr_assert_not_null(atom);
	cr_expect_eq(uint_at(doc, atom, "format_revision"), FMT);
	cr_expect_eq(uint_at(doc, atom, "table_format_rev"), FMT);
	cr_expect_eq(uint_at(doc, atom, "content_revision"), CONTENT);
	cr_expect_eq(uint_at(doc, atom, "table_content_rev"), CONTENT);
	cr_expect_str_eq(str_at(doc, atom, "subsystem"), "1da2:e411");
	amd_hdr = ydoc_get(doc, ydoc_get(doc, ydoc_get(doc, ydoc_root(doc), "vendor"), "amd"),
	                   "rom_header");
	cr_assert_not_null(amd_hdr);
	cr_expect_eq(uint_at(doc, amd_hdr, "offset"), HDR);
	cr_expect_eq(uint_at(doc, amd_hdr, "format_revision"), FMT);
	cr_expect_eq(uint_at(doc, amd_hdr, "content_revision"), CONTENT);
	cr_expect_str_eq(str_at(doc, amd_hdr, "subsystem"), "1da2:e411");
	cr_expect_eq(uint_at(doc, amd_hdr, "psp_dir_table_offset"), PSP);
	ydocs_free(&d);
	/* diff's names for the header's bytes */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rom_name_offset(r, HDR + names[i].rel, name, sizeof(name));
		cr_expect_str_eq(name, names[i].name, "+0x%zx", names[i].rel);
	}
	rom_analysis_free(r);
}

/* A v1.1 header (structure size 0x24) has no PSP pointer: the bytes at
 * +0x24 belong to what follows and are not read as one. */
Test(atom_header, psp_pointer_only_in_a_v2_2_header)
{
	static uint8_t p[IMG];
	struct span s = span_make(p, sizeof(p));
	struct atom_info a;
	build(p);
	tb_put16(p, HDR, 0x24);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_expect(a.hdr_ok);
	cr_expect_eq(a.hdr.psp_dir, 0);
	cr_expect_eq(a.hdr.format_rev, FMT);
}

/* The ROM header pointer at 0, or leading to a header the image end cuts
 * or to none at all: nothing read outside, no ids, vendor.amd without
 * rom_header, the revisions 0 under both keys, and no byte named as a
 * header field. */
Test(atom_header, pointer_zero_or_past_the_end)
{
	static const uint16_t ptrs[] = {0, IMG - 4, IMG, 0xFFFF};
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		uint8_t *p = malloc(IMG);
		struct rom_analysis *r;
		const struct rom_node *n;
		struct ydocs d;
		yaml_document_t *doc;
		yaml_node_t *atom, *amd;
		uint16_t sv, sd;
		char name[ROM_QNAME_LEN];
		cr_assert_not_null(p);
		build(p);
		tb_put16(p, 0x48, ptrs[i]);
		r = rom_analyze(p, IMG, "atom.rom");
		cr_assert_not_null(r);
		n = rom_chain_node(r, 0);
		cr_assert(n && n->producer == PCI_PRODUCER_ATOMBIOS, "pointer 0x%x", ptrs[i]);
		cr_expect_not(n->atom.rom_header_ok, "pointer 0x%x", ptrs[i]);
		cr_expect_not(n->atom.hdr_ok, "pointer 0x%x", ptrs[i]);
		cr_expect_eq(n->atom.hdr.subsystem_vendor, 0, "pointer 0x%x", ptrs[i]);
		cr_expect_not(vendor_subsystem(r, n, &sv, &sd));
		yaml_of(r, &d);
		doc = &d.docs[0];
		atom = ydoc_get(doc, ydoc_item(doc, ydoc_get(doc, ydoc_root(doc), "images"), 0),
		                "atom");
		cr_expect_eq(uint_at(doc, atom, "format_revision"), 0);
		cr_expect_eq(uint_at(doc, atom, "table_format_rev"), 0);
		amd = ydoc_get(doc, ydoc_get(doc, ydoc_root(doc), "vendor"), "amd");
		cr_assert_not_null(amd);
		cr_expect(ydoc_is_null(ydoc_get(doc, amd, "rom_header")), "pointer 0x%x", ptrs[i]);
		ydocs_free(&d);
		for (size_t off = IMG - 4; off < IMG; off++) {
			rom_name_offset(r, off, name, sizeof(name));
			cr_expect_neq(strncmp(name, "atom_rom", 8), 0, "0x%zx: %s", off, name);
		}
		rom_analysis_free(r);
		free(p);
	}
}

/* The image (and the file) ending inside the header, at every length:
 * each field reads only when its bytes are there, the signature only
 * whole, the header only with every field through master_data, and the
 * vendor pass and the whole analysis stay inside the bytes (exact-length
 * copies: the ASan build catches a read past them). */
Test(atom_header, header_cut_short_at_every_length)
{
	static uint8_t full[IMG];
	build(full);
	for (size_t len = HDR; len <= HDR + 0x2C; len++) {
		uint8_t *p = tb_exact_copy(full, len);
		struct span s = span_make(p, len);
		struct atom_info a;
		struct atom_ext *x = malloc(sizeof(*x));
		struct rom_analysis *r;
		cr_assert_not_null(x);
		cr_assert(atom_detect(&s, 0, len, &a), "length 0x%zx", len);
		cr_expect_eq(a.rom_header, HDR);
		cr_expect_eq(a.hdr.format_rev, len >= HDR + 3 ? FMT : 0, "length 0x%zx", len);
		cr_expect_eq(a.hdr.content_rev, len >= HDR + 4 ? CONTENT : 0, "length 0x%zx", len);
		cr_expect_eq(a.rom_header_ok, len >= HDR + 8, "length 0x%zx", len);
		cr_expect_eq(a.hdr.subsystem_vendor, len >= HDR + 0x1A ? SSVID : 0, "length 0x%zx",
		             len);
		cr_expect_eq(a.hdr.subsystem_id, len >= HDR + 0x1C ? SSID : 0, "length 0x%zx", len);
		cr_expect_eq(a.hdr_ok, len >= HDR + 0x22, "length 0x%zx", len);
		cr_expect_eq(a.hdr.psp_dir, len >= HDR + 0x28 ? PSP : 0, "length 0x%zx", len);
		cr_expect_eq(atom_ext_decode(&s, 0, len, &a, x), a.hdr_ok, "length 0x%zx", len);
		r = rom_analyze(p, len, "cut.rom");
		cr_assert_not_null(r);
		rom_analysis_free(r);
		free(x);
		free(p);
	}
}
