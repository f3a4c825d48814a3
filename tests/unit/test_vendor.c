/* The vendor decoders on synthetic bytes: NVIDIA's BIT table (header,
 * checksum, tokens dispatched by id, pointers past image 0, truncation,
 * unknown ids, BMP), AMD's ATOM ROM header, master tables, strings and $PSP
 * directory, Intel's VBT, and the findings the analysis draws from them.
 * Structures are written from the declarations (fmt_encode), as the
 * decoders read them. */
#include "analyzer/analyze.h"
#include "analyzer/diff.h"
#include "analyzer/emit_diff.h"
#include "analyzer/emit_vendor.h"
#include "analyzer/pci_names.h"
#include "analyzer/structs.h"
#include "analyzer/vendor.h"
#include "formats/atom.h"
#include "formats/atom_tables.h"
#include "formats/intel_vbt.h"
#include "formats/nv_bit.h"
#include "formats/pci_rom.h"
#include "patcher/plan.h"
#include "tests/support/bytes.h"
#include "tests/support/diffs.h"
#include "tests/support/findings.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- BIT ---- */

#define BIT_AT  0x100u
#define DATA_AT 0x180u /* 'B' data */
#define INFO_AT 0x1A0u /* 'i' data, 0x40 bytes */
#define STR_AT  0x1F0u /* 'S' data: 7 triples */
#define TEXT_AT 0x220u /* the strings */
#define BIT_LEN 0x400u

struct tok {
	uint8_t id, ver;
	uint16_t size, ptr;
};

/* A BIT header at BIT_AT with the tokens, checksum balanced. */
static void put_bit(uint8_t *p, const struct tok *t, size_t n, uint8_t tok_size)
{
	struct nv_bit_hdr h = {NV_BIT_ID, NV_BIT_SIG, 0x0100, 12, tok_size, (uint8_t)n, 0};
	uint8_t sum = 0;
	cr_assert(fmt_encode(p, BIT_LEN, BIT_AT, nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT, &h));
	for (size_t i = 0; i < 12; i++)
		sum = (uint8_t)(sum + p[BIT_AT + i]);
	p[BIT_AT + NV_BIT_HDR_OFF_CHECKSUM] = (uint8_t)(0x100 - sum);
	for (size_t i = 0; i < n; i++) {
		struct nv_bit_token e = {0};
		e.id = t[i].id;
		e.data_version = t[i].ver;
		e.data_size = t[i].size;
		e.data_ptr = t[i].ptr;
		cr_assert(fmt_encode(p, BIT_LEN, BIT_AT + 12 + i * tok_size, nv_bit_token_fields,
		                     NV_BIT_TOKEN_F_COUNT, &e));
	}
}

static void build_full(uint8_t *p)
{
	static const struct tok t[] = {
	    {'B', 2, 0x25, DATA_AT}, {'i', 2, 0x40, INFO_AT}, {'S', 2, 0x15, STR_AT},
	    {'N', 0, 0, 0},          {'E', 1, 4, DATA_AT},
	};
	struct nv_bit_biosdata b = {0x86043D00u, 0x88};
	memset(p, 0, BIT_LEN);
	put_bit(p, t, 5, 6);
	cr_assert(
	    fmt_encode(p, BIT_LEN, DATA_AT, nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT, &b));
	memcpy(p + INFO_AT + NV_BIT_INFO_DATE_OFF, "01/23/22", 8);
	memcpy(p + INFO_AT + NV_BIT_INFO_BOARD_OFF, "725029140010", 12);
	/* sign-on (CRLF first, trailing blanks), then the version string */
	memcpy(p + TEXT_AT, "\r\nBoard X  \0", 12);
	tb_put16(p, STR_AT, TEXT_AT);
	p[STR_AT + 2] = 12;
	memcpy(p + TEXT_AT + 0x10, "Version 86.04.3D.00.88", 22);
	tb_put16(p, STR_AT + 3, TEXT_AT + 0x10);
	p[STR_AT + 5] = 22;
}

static const struct nv_bit_map plain_map = {0, 0, 0};

Test(bit, full_table_tokens_dispatched_by_id)
{
	uint8_t p[BIT_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nv_bit *b = malloc(sizeof(*b));
	cr_assert(b);
	build_full(p);
	cr_assert(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_eq(b->status, NV_BIT_OK);
	cr_assert_eq(b->offset, BIT_AT);
	cr_assert(b->checksum_ok);
	cr_assert_eq(b->n_tokens, 5);
	cr_assert_eq(b->n_unknown, 1); /* 'E' */
	cr_assert_eq(b->tokens[4].kind, NV_BIT_UNKNOWN);
	cr_assert_eq(b->tokens[4].data_offset, DATA_AT);
	cr_assert_str_eq(nv_bit_token_name(b->tokens[0].kind), "biosdata");
	cr_assert_str_eq(nv_bit_token_name(b->tokens[1].kind), "info");
	cr_assert_str_eq(b->version, "86.04.3D.00.88");
	cr_assert_str_eq(b->build_date, "01/23/22");
	cr_assert_str_eq(b->board, "725029140010");
	cr_assert_str_eq(b->strings[NV_BIT_STR_T_SIGN_ON], "Board X");
	cr_assert_str_eq(b->strings[NV_BIT_STR_T_VERSION], "Version 86.04.3D.00.88");
	cr_assert_str_eq(b->strings[NV_BIT_STR_T_COPYRIGHT], "");
	free(b);
}

Test(bit, checksum_mismatch_is_reported_not_fatal)
{
	uint8_t p[BIT_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nv_bit *b = malloc(sizeof(*b));
	cr_assert(b);
	build_full(p);
	p[BIT_AT + NV_BIT_HDR_OFF_CHECKSUM] ^= 0x5A;
	cr_assert(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_not(b->checksum_ok);
	cr_assert_neq(b->sum, 0);
	cr_assert_str_eq(b->version, "86.04.3D.00.88");
	free(b);
}

Test(bit, header_and_token_sizes_too_small)
{
	uint8_t p[BIT_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nv_bit *b = malloc(sizeof(*b));
	cr_assert(b);
	build_full(p);
	p[BIT_AT + NV_BIT_HDR_OFF_TOKEN_SIZE] = 5;
	cr_assert_not(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_eq(b->status, NV_BIT_BAD_HEADER);
	build_full(p);
	p[BIT_AT + NV_BIT_HDR_OFF_HEADER_SIZE] = 11;
	cr_assert_not(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_eq(b->status, NV_BIT_BAD_HEADER);
	free(b);
}

/* 255 tokens of 255 bytes: the table leaves the image; the tokens that fit
 * are kept, at most NV_BIT_MAX_TOKENS, and the status says truncated. */
Test(bit, token_table_past_the_image_is_cut)
{
	uint8_t p[BIT_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nv_bit *b = malloc(sizeof(*b));
	cr_assert(b);
	build_full(p);
	p[BIT_AT + NV_BIT_HDR_OFF_TOKEN_COUNT] = 255;
	p[BIT_AT + NV_BIT_HDR_OFF_TOKEN_SIZE] = 255;
	cr_assert(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_eq(b->status, NV_BIT_TRUNCATED);
	cr_assert_eq(b->n_tokens, 3); /* at 0x10C, 0x20B, 0x30A; 0x409 is past 0x400 */
	/* A stride of 6 and 255 tokens: capped, never past the table. */
	build_full(p);
	p[BIT_AT + NV_BIT_HDR_OFF_TOKEN_COUNT] = 255;
	cr_assert(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_eq(b->n_tokens, NV_BIT_MAX_TOKENS);
	free(b);
}

/* Cut at every length: never a read past the end, the version only when
 * its bytes are inside. */
Test(bit, truncation_at_every_length)
{
	uint8_t full[BIT_LEN];
	build_full(full);
	for (size_t n = 0; n <= BIT_LEN; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct nv_bit *b = malloc(sizeof(*b));
		cr_assert(b);
		(void)nv_bit_decode(&s, 0, n, &plain_map, b);
		cr_assert_eq(b->has_version, n >= DATA_AT + 5, "length 0x%zx", n);
		free(b);
		free(p);
	}
}

/* nouveau nvbios_addr: a pointer at or past image 0's size lies in the
 * first 0xE0 image: minus image0_size, plus that image's offset. */
Test(bit, pointers_past_image0_are_adjusted)
{
	static uint8_t p[0x3000];
	struct span s = span_make(p, sizeof(p));
	struct nv_bit_map map = {0, 0x800, 0x2000};
	struct nv_bit *b = malloc(sizeof(*b));
	struct tok t[] = {{'B', 2, 5, 0x810}};
	struct nv_bit_biosdata d = {0x90171100u, 0x42};
	cr_assert(b);
	put_bit(p, t, 1, 6);
	cr_assert(
	    fmt_encode(p, sizeof(p), 0x2010, nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT, &d));
	cr_assert(nv_bit_decode(&s, 0, 0x800, &map, b));
	cr_assert(b->tokens[0].adjusted);
	cr_assert_eq(b->tokens[0].data_offset, 0x2010);
	cr_assert_str_eq(b->version, "90.17.11.00.42");
	/* 0x7FF is below image0_size: not adjusted */
	t[0].ptr = 0x7F0;
	put_bit(p, t, 1, 6);
	cr_assert(nv_bit_decode(&s, 0, 0x800, &map, b));
	cr_assert_not(b->tokens[0].adjusted);
	cr_assert_eq(b->tokens[0].data_offset, 0x7F0);
	free(b);
}

Test(bit, token_data_past_the_file)
{
	uint8_t p[BIT_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct nv_bit *b = malloc(sizeof(*b));
	struct tok t[] = {{'B', 2, 0x25, 0xFFFF}, {'i', 2, 0x40, BIT_LEN - 3}};
	cr_assert(b);
	memset(p, 0, sizeof(p));
	put_bit(p, t, 2, 6);
	cr_assert(nv_bit_decode(&s, 0, sizeof(p), &plain_map, b));
	cr_assert_not(b->tokens[0].data_ok);
	cr_assert_not(b->tokens[1].data_ok);
	cr_assert_not(b->has_version);
	cr_assert_str_eq(b->build_date, "");
	free(b);
}

Test(bit, bmp_identified_without_bit)
{
	uint8_t p[0x200] = {0};
	struct span s = span_make(p, sizeof(p));
	memcpy(p + 0x90, "\xFF\x7FNV\0", 5);
	cr_assert_eq(nv_bmp_find(&s, 0, sizeof(p)), 0x90);
	cr_assert_eq(nv_bmp_find(&s, 0, 0x94), SIZE_MAX);
}

/* Through the analysis: an NVIDIA x86 image whose BIT has a bad checksum,
 * a token past the end of the file and an unknown id gives one finding
 * each, and the version reaches the node and the report. */
Test(bit, findings_through_the_analysis)
{
	struct rb b;
	struct rom_analysis *r;
	const struct rom_node *n;
	uint8_t *img;
	static const struct tok t[] = {
	    {'B', 2, 0x25, DATA_AT}, {'E', 1, 4, DATA_AT}, {'M', 2, 0x30, 0xFFF0}};
	struct nv_bit_biosdata d = {0x86043D00u, 0x88};
	rb_init(&b);
	(void)rb_add_x86(&b, 0x10DE, 0x1C02, 2, true);
	img = b.data;
	memset(img + BIT_AT, 0, BIT_LEN - BIT_AT);
	put_bit(img, t, 3, 6);
	img[BIT_AT + NV_BIT_HDR_OFF_CHECKSUM] ^= 1;
	cr_assert(
	    fmt_encode(img, BIT_LEN, DATA_AT, nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT, &d));
	rb_balance(&b, 0, 0x3FF);
	r = rom_analyze(b.data, b.len, "bit.rom");
	cr_assert(r);
	n = rom_chain_node(r, 0);
	cr_assert(n && n->vendor && n->vendor->kind == VENDOR_NVIDIA);
	cr_assert_str_eq(n->version, "86.04.3D.00.88");
	cr_assert_str_eq(vendor_version(r), "86.04.3D.00.88");
	cr_assert_not_null(find_named(r, "nv-bit-checksum"));
	cr_assert_not_null(find_named(r, "nv-bit-unknown-token"));
	cr_assert_not_null(find_named(r, "nv-bit-token-range"));
	cr_assert_null(find_named(r, "checksum-mismatch"));
	cr_assert_str_eq(report_verdict_name(r->verdict), "ready");
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- ATOM ---- */

#define ATOM_LEN  0x1000u
#define ROMHDR_AT 0x200u
#define CMD_AT    0x300u
#define DATA_TBL  0x340u
#define PSP_AT    0x800u
#define STRS_AT   0x100u

static void put_table(uint8_t *p, size_t at, uint16_t size, uint8_t f, uint8_t c)
{
	struct atom_table t = {size, f, c, 0, 0, false};
	cr_assert(fmt_encode(p, ATOM_LEN, at, atom_table_fields, ATOM_TABLE_F_COUNT, &t));
}

/* An ATOM image: magic, string table, ROM header v2.2 with the master
 * tables and a $PSP directory, config file name, change list and build. */
static void build_atom(uint8_t *p)
{
	struct atom_hdr h = {0};
	static const char strs[] =
	    "113-TEST0000-100\0TESTASIC\0PCI_EXPRESS\0GDDR6\0\r\nTEST BOARD  ";
	memset(p, 0, ATOM_LEN);
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = ATOM_LEN / 512;
	memcpy(p + ATOM_MAGIC_OFF, " 761295520", 10);
	tb_put16(p, 0x48, ROMHDR_AT);
	p[0x2F] = 4;
	tb_put16(p, 0x6E, STRS_AT);
	memcpy(p + STRS_AT, strs, sizeof(strs));
	memcpy(p + 0x1A0, "ATOMBIOSBK-AMD VER017.001.000.068.000000\0", 41);
	memcpy(p + 0x1D0,
	       "cfg.txt\0CL12345\0"
	       "516661",
	       23);
	h.structure_size = 0x28;
	h.format_rev = 2;
	h.content_rev = 2;
	h.signature = ATOM_SIG_ATOM;
	h.config_filename = 0x1D0;
	h.subsystem_vendor = 0x1DA2;
	h.subsystem_id = 0xE387;
	h.pci_info = 0x1C;
	h.master_command = CMD_AT;
	h.master_data = DATA_TBL;
	h.psp_dir = PSP_AT;
	cr_assert(fmt_encode(p, ATOM_LEN, ROMHDR_AT, atom_hdr_fields, ATOM_HDR_F_COUNT, &h));
	/* command: 3 slots, one used, one zero, one outside the image */
	put_table(p, CMD_AT, 4 + 3 * 2, 1, 1);
	tb_put16(p, CMD_AT + 4, 0x400);
	tb_put16(p, CMD_AT + 8, 0xFFF0);
	put_table(p, 0x400, 0x20, 2, 1);
	/* data: 1 slot */
	put_table(p, DATA_TBL, 4 + 2, 2, 1);
	tb_put16(p, DATA_TBL + 4, 0x500);
	put_table(p, 0x500, 0x10, 3, 3);
	/* $PSP, 0 entries: Fletcher-32 of 8 bytes of zeros */
	tb_put32(p, PSP_AT, ATOM_PSP_SIG);
}

/* The image's PCIR at 0x3E0 (its pointer at 0x18): 1002:dev, the last image. */
static void put_atom_pcir(uint8_t *p, uint16_t dev)
{
	struct pci_pcir c = {0};
	c.signature = PCIR_SIG_PCIR;
	c.vendor_id = 0x1002;
	c.device_id = dev;
	c.length = PCIR_MIN_LEN;
	c.class_code = 0x030000;
	c.image_blocks = ATOM_LEN / 512;
	c.indicator = PCIR_LAST_IMAGE;
	cr_assert(fmt_encode(p, ATOM_LEN, 0x3E0, pci_pcir_fields, PCIR_F_COUNT, &c));
	tb_put16(p, 0x18, 0x3E0);
}

/* The legacy checksum balanced at 0x21 (AMD's byte). */
static void balance_atom(uint8_t *p)
{
	uint8_t sum = 0;
	p[ATOM_OFF_CHECKSUM] = 0;
	for (size_t i = 0; i < ATOM_LEN; i++)
		sum = (uint8_t)(sum + p[i]);
	p[ATOM_OFF_CHECKSUM] = (uint8_t)(0x100 - sum);
}

Test(atom_tables, header_tables_strings)
{
	static uint8_t p[ATOM_LEN];
	struct span s = span_make(p, sizeof(p));
	struct atom_ext *x = malloc(sizeof(*x));
	struct atom_info a;
	cr_assert(x);
	build_atom(p);
	cr_assert(atom_detect(&s, 0, sizeof(p), &a));
	cr_assert(atom_ext_decode(&s, 0, sizeof(p), &a, x));
	cr_assert_eq(a.hdr.subsystem_vendor, 0x1DA2);
	cr_assert_eq(a.hdr.psp_dir, PSP_AT);
	cr_assert_eq(x->n_strings, 4);
	cr_assert_str_eq(x->strings[0], "113-TEST0000-100");
	cr_assert_str_eq(x->strings[3], "GDDR6");
	cr_assert_str_eq(x->name, "TEST BOARD");
	cr_assert_str_eq(x->version, "017.001.000.068.000000");
	cr_assert_str_eq(x->config_filename, "cfg.txt");
	cr_assert_str_eq(x->build, "516661");
	cr_assert(x->command.present);
	cr_assert_eq(x->command.n_slots, 3);
	cr_assert_eq(x->command.n, 2);
	cr_assert_eq(x->command.n_bad, 1);
	cr_assert_eq(x->command.tables[0].index, 0);
	cr_assert_eq(x->command.tables[0].size, 0x20);
	cr_assert_eq(x->command.tables[1].index, 2);
	cr_assert_eq(x->data.n, 1);
	cr_assert_eq(x->data.tables[0].format_rev, 3);
	cr_assert(x->psp.present);
	cr_assert(x->psp.checksum_known);
	cr_assert_not(x->psp.checksum_ok); /* checksum 0 stored; Fletcher of zeros is not 0 */
	free(x);
}

Test(atom_tables, truncation_at_every_length_never_reads_past)
{
	static uint8_t full[ATOM_LEN];
	build_atom(full);
	for (size_t n = 0; n <= ATOM_LEN; n += 7) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s = span_make(p, n);
		struct atom_ext *x = malloc(sizeof(*x));
		struct atom_info a;
		cr_assert(x);
		(void)atom_detect(&s, 0, n, &a);
		(void)atom_ext_decode(&s, 0, n, &a, x);
		cr_assert(x->command.n <= ATOM_MAX_CMD_TABLES);
		free(x);
		free(p);
	}
}

Test(atom_tables, findings_through_the_analysis)
{
	struct rom_analysis *r;
	const struct rom_node *n;
	static uint8_t p[ATOM_LEN];
	build_atom(p);
	/* PCIR at 0x3E0, where the ROM header's PCI info (0x1C) does not point */
	put_atom_pcir(p, 0x731F);
	balance_atom(p);
	r = rom_analyze(p, sizeof(p), "atom.rom");
	cr_assert(r);
	n = rom_chain_node(r, 0);
	cr_assert(n && n->vendor && n->vendor->kind == VENDOR_AMD);
	cr_assert_not_null(find_named(r, "atom-table-range"));
	cr_assert_not_null(find_named(r, "atom-psp-checksum"));
	cr_assert_not_null(find_named(r, "amd-signed"));
	cr_assert_not_null(find_named(r, "vendor-id-mismatch"));
	cr_assert_null(find_named(r, "checksum-mismatch"));
	cr_assert_str_eq(vendor_version(r), "017.001.000.068.000000");
	rom_analysis_free(r);
}

/* fix on a ROM with a $PSP directory: the plan warns that the edit breaks
 * the signature, whatever the PCI ids say. */
Test(atom_tables, fix_warns_on_a_signed_rom)
{
	struct rom_analysis *r;
	static uint8_t p[ATOM_LEN];
	static struct patch_plan plan;
	struct patch_options opt = {0};
	bool warned = false;
	build_atom(p);
	put_atom_pcir(p, 0x0001);     /* no signed family by ids */
	p[ATOM_OFF_CHECKSUM] ^= 0x11; /* something for fix to do */
	r = rom_analyze(p, sizeof(p), "signed.rom");
	cr_assert(r);
	cr_assert_not_null(find_named(r, "amd-signed"));
	patch_plan_make(r, p, sizeof(p), &opt, &plan);
	cr_assert_eq(plan.status, PATCH_PLAN_OK);
	cr_assert_gt(plan.n_edits, 0);
	for (size_t i = 0; i < plan.n_notes; i++)
		if (strstr(plan.notes[i], "signed") && strstr(plan.notes[i], "$PSP"))
			warned = true;
	cr_assert(warned, "no signature warning among %zu notes", plan.n_notes);
	rom_analysis_free(r);
}

/* ---- Intel ---- */

Test(intel, vbt_and_build_number)
{
	uint8_t p[0x400] = {0};
	struct span s = span_make(p, sizeof(p));
	struct intel_vbt v;
	memcpy(p + 0x100, "$VBT TEST-MOBILE    ", 20);
	tb_put16(p, 0x100 + INTEL_VBT_OFF_VERSION, 100);
	tb_put16(p, 0x100 + INTEL_VBT_OFF_VBT_SIZE, 0x200);
	tb_put32(p, 0x100 + INTEL_VBT_OFF_BDB_OFFSET, 0x30);
	memcpy(p + 0x130, "BIOS_DATA_BLOCK ", 16);
	tb_put16(p, 0x130 + INTEL_BDB_OFF_VERSION, 165);
	memcpy(p + 0x160, "Build Number: 2124_X 10/12/2011", 31);
	cr_assert(intel_vbt_find(&s, 0, sizeof(p), &v));
	cr_assert_eq(v.offset, 0x100);
	cr_assert_str_eq(v.id, "$VBT TEST-MOBILE");
	cr_assert(v.has_bdb);
	cr_assert_eq(v.bdb_version, 165);
	cr_assert_str_eq(v.build_number, "2124");
	/* BDB offset past the VBT: no BDB, no crash */
	tb_put32(p, 0x100 + INTEL_VBT_OFF_BDB_OFFSET, 0xFFFFFFF0u);
	cr_assert(intel_vbt_find(&s, 0, sizeof(p), &v));
	cr_assert_not(v.has_bdb);
	cr_assert_not(intel_vbt_find(&s, 0, 0x103, &v));
}

/* ---- names ---- */

Test(names, absent_names_are_absent)
{
	char buf[PCI_NAME_LEN] = "stale";
	/* 0x0002 is no vendor in pci.ids */
	cr_assert_not(pci_name_vendor(0x0002, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "");
	cr_assert_not(pci_name_device(0x10DE, 0xFFFE, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "");
}

/* Without a database every name is absent, and nothing fails. Criterion
 * runs each test in its own process: the setting stays here. */
Test(names, no_database_no_names)
{
	char buf[PCI_NAME_LEN] = "stale";
	cr_assert_eq(setenv("OPTROM_PCI_IDS", "/nonexistent/pci.ids", 1), 0);
	cr_assert_not(pci_name_vendor(0x10DE, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "");
	cr_assert_not(pci_name_subsystem(0x10DE, 0x1C02, 0x10DE, 0x1C02, buf, sizeof(buf)));
}

/* ---- AMD GOP version text ---- */

Test(amd_gop, version_and_date_split)
{
	char v[32], d[32];
	cr_assert(
	    amd_gop_version_split("AMD GOP X64 Release Driver Rev.2.10.0.0.0.Jan 21 2020.17:42:40",
	                          v, sizeof(v), d, sizeof(d)));
	cr_assert_str_eq(v, "2.10.0.0.0");
	cr_assert_str_eq(d, "Jan 21 2020 17:42:40");
	cr_assert(amd_gop_version_split("AMD GOP X64 Rel Driver Rev.3.8.3.Aug  3 2023.02:40:26", v,
	                                sizeof(v), d, sizeof(d)));
	cr_assert_str_eq(v, "3.8.3");
	cr_assert_str_eq(d, "Aug  3 2023 02:40:26");
	cr_assert_not(amd_gop_version_split("0x30005", v, sizeof(v), d, sizeof(d)));
	cr_assert_not(amd_gop_version_split("Rev.", v, sizeof(v), d, sizeof(d)));
	cr_assert(amd_gop_version_split("Rev.1", v, 2, d, 1)); /* small buffers stay terminated */
	cr_assert_str_eq(v, "1");
	cr_assert_str_eq(d, "");
}

/* A second x86 image with image 0's ids and length after the chain is a
 * backup copy; identical when its bytes are. */
Test(bit, backup_copy_after_the_chain)
{
	struct rb b;
	struct rom_analysis *r;
	const struct rom_node *n;
	size_t second;
	uint8_t *copy;
	rb_init(&b);
	(void)rb_add_x86(&b, 0x10DE, 0x1C02, 2, true);
	second = b.len;
	copy = tb_exact_copy(b.data, second);
	rb_append(&b, copy, second); /* the same bytes again */
	free(copy);
	r = rom_analyze(b.data, b.len, "backup.rom");
	cr_assert(r);
	n = rom_chain_node(r, 0);
	cr_assert(n && n->vendor && n->vendor->kind == VENDOR_NVIDIA);
	cr_assert_eq(n->vendor->u.nvidia.n_backups, 1);
	cr_assert_eq(n->vendor->u.nvidia.backups[0].offset, second);
	cr_assert(n->vendor->u.nvidia.backups[0].identical);
	rom_analysis_free(r);
	rb_put8(&b, second + 0x100, (uint8_t)(b.data[second + 0x100] ^ 1));
	r = rom_analyze(b.data, b.len, "backup.rom");
	cr_assert(r);
	n = rom_chain_node(r, 0);
	cr_assert_eq(n->vendor->u.nvidia.n_backups, 1);
	cr_assert_not(n->vendor->u.nvidia.backups[0].identical);
	rom_analysis_free(r);
	rb_free(&b);
}

/* Up to Maxwell the x86 image's HWINFO block carries the subsystem ids at
 * +0x54; when it checks (0xA5 at +0x6A, +0x58..+0x6B sums to 0) they must
 * equal the NVGI header's. */
static void put_hwinfo(struct rb *b, uint16_t sv, uint16_t sd)
{
	uint8_t sum = 0;
	rb_put16(b, NV_X86_SUBSYSTEM_OFF, sv);
	rb_put16(b, NV_X86_SUBSYSTEM_OFF + 2, sd);
	for (size_t i = NV_HWINFO_OFF; i < NV_HWINFO_OFF + NV_HWINFO_LEN; i++)
		rb_put8(b, i, 0);
	rb_put8(b, NV_HWINFO_MARK_OFF, NV_HWINFO_MARK);
	sum = rb_sum(b, NV_HWINFO_OFF, NV_HWINFO_LEN);
	rb_put8(b, NV_HWINFO_OFF, (uint8_t)(0x100 - sum));
	rb_balance(b, 0, 0x3FF);
}

Test(bit, nvgi_subsystem_against_the_hwinfo_block)
{
	struct rb b;
	struct rom_analysis *r;
	uint16_t sv, sd;
	rb_init(&b);
	(void)rb_add_x86(&b, 0x10DE, 0x13B0, 2, true);
	put_hwinfo(&b, 0x1028, 0x06D9); /* what rb_prepend_nvgi writes */
	rb_prepend_nvgi(&b, 2, 0x400);
	r = rom_analyze(b.data, b.len, "ok.rom");
	cr_assert(r);
	cr_assert_null(find_named(r, "vendor-id-mismatch"));
	cr_assert(vendor_subsystem(r, rom_chain_node(r, 0), &sv, &sd));
	cr_assert_eq(sv, 0x1028);
	cr_assert_eq(sd, 0x06D9);
	rom_analysis_free(r);
	rb_free(&b);

	rb_init(&b);
	(void)rb_add_x86(&b, 0x10DE, 0x13B0, 2, true);
	put_hwinfo(&b, 0x1043, 0x84DD);
	rb_prepend_nvgi(&b, 2, 0x400);
	r = rom_analyze(b.data, b.len, "mismatch.rom");
	cr_assert(r);
	cr_assert_not_null(find_named(r, "vendor-id-mismatch"));
	rom_analysis_free(r);
	rb_free(&b);
}

/* ---- ATOM master table names ---- */

/* The member names of the kernel's headers, typed here from
 * drivers/gpu/drm/amd/include/atombios.h (ATOM_MASTER_LIST_OF_COMMAND_TABLES,
 * ATOM_MASTER_LIST_OF_DATA_TABLES) and atomfirmware.h (the _v2_1 lists),
 * by counting members: a few of each, the first, the last, past the end. */
Test(atom_names, master_entries_named_as_the_kernel_headers)
{
	static const struct {
		enum atom_master_kind kind;
		uint8_t rev;
		unsigned index;
		const char *name;
	} want[] = {
	    {ATOM_MASTER_COMMAND, 1, 0, "ASIC_Init"},
	    {ATOM_MASTER_COMMAND, 1, 10, "SetEngineClock"},
	    {ATOM_MASTER_COMMAND, 1, 34, "BlankCRTC"},
	    {ATOM_MASTER_COMMAND, 1, 54, "ProcessI2cChannelTransaction"},
	    {ATOM_MASTER_COMMAND, 1, 60, "ComputeMemoryEnginePLL"},
	    {ATOM_MASTER_COMMAND, 1, 80, "GetVoltageInfo"},
	    {ATOM_MASTER_DATA, 1, 0, "UtilityPipeLine"},
	    {ATOM_MASTER_DATA, 1, 4, "FirmwareInfo"},
	    {ATOM_MASTER_DATA, 1, 15, "PowerPlayInfo"},
	    {ATOM_MASTER_DATA, 1, 22, "Object_Header"},
	    {ATOM_MASTER_DATA, 1, 28, "VRAM_Info"},
	    {ATOM_MASTER_DATA, 1, 34, "ServiceInfo"},
	    {ATOM_MASTER_COMMAND, 2, 0, "asic_init"},
	    {ATOM_MASTER_COMMAND, 2, 1, "cmd_function1"},
	    {ATOM_MASTER_COMMAND, 2, 60, "computegpuclockparam"},
	    {ATOM_MASTER_COMMAND, 2, 80, "getvoltageinfo"},
	    {ATOM_MASTER_DATA, 2, 2, "smc_dpm_info"},
	    {ATOM_MASTER_DATA, 2, 5, "sw_datatable5"},
	    {ATOM_MASTER_DATA, 2, 24, "umc_info"},
	    {ATOM_MASTER_DATA, 2, 28, "vram_info"},
	    {ATOM_MASTER_DATA, 3, 15, "powerplayinfo"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = atom_table_name(want[i].kind, want[i].rev, want[i].index);
		cr_assert_not_null(got, "entry %u", want[i].index);
		cr_expect_str_eq(got, want[i].name, "rev %u entry %u: %s", want[i].rev,
		                 want[i].index, got);
	}
	cr_expect_null(atom_table_name(ATOM_MASTER_COMMAND, 1, 81));
	cr_expect_null(atom_table_name(ATOM_MASTER_DATA, 1, 35));
	cr_expect_null(atom_table_name(ATOM_MASTER_DATA, 2, 200));
}

static char *capture_text(const struct rom_analysis *r,
                          void (*emit)(FILE *, const struct rom_analysis *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	emit(f, r);
	fclose(f);
	return buf;
}

/* An ATOM image through the analysis with a PCIR where the ROM header's
 * PCI info says, the checksum balanced. */
static struct rom_analysis *analyze_atom(uint8_t *p, const char *name)
{
	put_atom_pcir(p, 0x731F);
	tb_put16(p, ROMHDR_AT + ATOM_HDR_OFF_PCI_INFO, 0x3E0);
	balance_atom(p);
	return rom_analyze(p, ATOM_LEN, name);
}

/* The synthetic image's tables by name in text and YAML, an index past the
 * kernel's list by its number; its bytes named by table in diff's terms. */
Test(atom_names, tables_shown_by_name_unknown_by_index)
{
	static uint8_t p[ATOM_LEN];
	struct rom_analysis *r;
	const struct rom_node *n;
	char *text, got[ROM_QNAME_LEN];
	build_atom(p);
	/* the master command table grows to 90 slots (over the data master,
	 * which moves to 0x3C0); slot 85 is past the 81 names of atombios.h */
	put_table(p, CMD_AT, 4 + 90 * 2, 1, 1);
	memset(p + CMD_AT + 4, 0, 90 * 2);
	tb_put16(p, CMD_AT + 4, 0x400);          /* 0: ASIC_Init */
	tb_put16(p, CMD_AT + 4 + 2 * 85, 0x440); /* 85: no name */
	put_table(p, 0x440, 0x10, 1, 1);
	put_table(p, 0x3C0, 4 + 2, 2, 1); /* format 2: atomfirmware.h's names */
	tb_put16(p, 0x3C4, 0x500);
	tb_put16(p, ROMHDR_AT + ATOM_HDR_OFF_MASTER_DATA, 0x3C0);
	r = analyze_atom(p, "named.rom");
	cr_assert(r);
	n = rom_chain_node(r, 0);
	cr_assert(n && n->vendor && n->vendor->kind == VENDOR_AMD);
	cr_assert_eq(n->vendor->u.amd.command.n, 2);
	text = capture_text(r, emit_text_vendor);
	cr_expect(strstr(text, "[0] ASIC_Init +0x400 0x20 v2.1") != NULL, "%s", text);
	cr_expect(strstr(text, "[85] ? +0x440 0x10 v1.1") != NULL, "%s", text);
	cr_expect(strstr(text, "[0] utilitypipeline +0x500 0x10 v3.3") != NULL, "%s", text);
	free(text);
	rom_name_offset(r, 0x400 + 0x10, got, sizeof(got));
	cr_expect_str_eq(got, "atom_cmd[ASIC_Init]");
	rom_name_offset(r, 0x400, got, sizeof(got));
	cr_expect_str_eq(got, "atom_cmd[ASIC_Init].size");
	rom_name_offset(r, 0x443, got, sizeof(got));
	cr_expect_str_eq(got, "atom_cmd[85].content_rev");
	rom_name_offset(r, 0x500 + 2, got, sizeof(got));
	cr_expect_str_eq(got, "atom_data[utilitypipeline].format_rev");
	rom_name_offset(r, ROMHDR_AT + ATOM_HDR_OFF_MASTER_DATA, got, sizeof(got));
	cr_expect_str_eq(got, "atom_rom.master_data");
	rom_name_offset(r, STRS_AT + 3, got, sizeof(got));
	cr_expect_str_eq(got, "atom_strings");
	rom_name_offset(r, PSP_AT + ATOM_PSP_OFF_ENTRIES, got, sizeof(got));
	cr_expect_str_eq(got, "atom_psp.entries");
	rom_analysis_free(r);
}

/* ---- diff of vendor fields ---- */

/* An NVIDIA x86 image whose BIT 'B' token carries version v (OEM byte oem),
 * the image's checksum balanced. */
static void nv_image(struct rb *b, uint32_t v, uint8_t oem)
{
	static const struct tok t[] = {{'B', 2, 0x25, DATA_AT}, {'i', 2, 0x40, INFO_AT}};
	struct nv_bit_biosdata d = {v, oem};
	rb_init(b);
	(void)rb_add_x86(b, 0x10DE, 0x1C02, 2, true);
	memset(b->data + BIT_AT, 0, BIT_LEN - BIT_AT);
	put_bit(b->data, t, 2, 6);
	cr_assert(fmt_encode(b->data, BIT_LEN, DATA_AT, nv_bit_biosdata_fields,
	                     NV_BIT_BIOSDATA_F_COUNT, &d));
	memcpy(b->data + INFO_AT + NV_BIT_INFO_DATE_OFF, "01/23/22", 8);
	rb_balance(b, 0, 0x3FF);
}

/* Two builds that differ only in the BIT version's OEM byte (and the
 * checksum byte that balances it): diff says another build and names the
 * field by its declaration and the byte by its structure. */
Test(vendor_diff, bit_version_only)
{
	struct rb a, b;
	struct rom_analysis *ra, *rb2;
	struct rom_diff *d;
	const struct diff_image *im;
	const struct diff_field *f;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	nv_image(&a, 0x86043D00u, 0x88);
	nv_image(&b, 0x86043D00u, 0x89);
	ra = rom_analyze(a.data, a.len, "a.rom");
	rb2 = rom_analyze(b.data, b.len, "b.rom");
	cr_assert(ra && rb2);
	d = rom_diff_make(ra, a.data, a.len, rb2, b.data, b.len, false);
	cr_assert_not_null(d);
	cr_expect_eq(d->verdict, DIFF_OTHER_BUILD);
	im = &d->images[0];
	cr_assert(im->in_a && im->in_b);
	f = diff_field_named(im, "nvidia.version");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "86.04.3D.00.88");
	cr_expect_str_eq(f->b, "86.04.3D.00.89");
	f = diff_field_named(im, "bit_biosdata.oem_version");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "0x88");
	cr_expect_str_eq(f->b, "0x89");
	cr_expect_null(diff_field_named(im, "nvidia.build_date"), "the date is the same");
	cr_expect_null(diff_field_named(im, "bit_biosdata.binary_version"));
	/* BIT spec: the OEM byte is 'B' data +4 */
	cr_expect(diff_range_named(im, "bit_biosdata.oem_version"));
	cr_expect(diff_range_named(im, "checksum.byte"));
	cr_expect_eq(im->n_ranges_all, 2);
	out = open_memstream(&text, &len);
	cr_assert_not_null(out);
	emit_diff_text(out, d);
	fclose(out);
	cr_expect(strstr(text, "version 86.04.3D.00.88  build_date 01/23/22") != NULL, "%s", text);
	free(text);
	rom_diff_free(d);
	rom_analysis_free(ra);
	rom_analysis_free(rb2);
	rb_free(&a);
	rb_free(&b);
}

/* Two ATOM images that differ only in the part number's last character
 * (and the checksum byte): the part number by its declared names, the
 * range in the string table. */
Test(vendor_diff, atom_part_number_only)
{
	static uint8_t pa[ATOM_LEN], pb[ATOM_LEN];
	struct rom_analysis *ra, *rb2;
	struct rom_diff *d;
	const struct diff_image *im;
	const struct diff_field *f;
	build_atom(pa);
	build_atom(pb);
	cr_assert_eq(memcmp(pb + STRS_AT, "113-TEST0000-100", 16), 0);
	pb[STRS_AT + 15] = '1';
	ra = analyze_atom(pa, "a.rom");
	rb2 = analyze_atom(pb, "b.rom");
	cr_assert(ra && rb2);
	d = rom_diff_make(ra, pa, ATOM_LEN, rb2, pb, ATOM_LEN, false);
	cr_assert_not_null(d);
	cr_expect_eq(d->verdict, DIFF_OTHER_BUILD);
	im = &d->images[0];
	f = diff_field_named(im, "amd.part_number");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->a, "113-TEST0000-100");
	cr_expect_str_eq(f->b, "113-TEST0000-101");
	cr_expect_not_null(diff_field_named(im, "atom.part_number"));
	cr_expect_null(diff_field_named(im, "amd.version"));
	cr_expect(diff_range_named(im, "atom_strings"));
	cr_expect(diff_range_named(im, "atom.checksum"));
	cr_expect_eq(im->n_ranges_all, 2);
	rom_diff_free(d);
	rom_analysis_free(ra);
	rom_analysis_free(rb2);
}

/* ---- AMD GOP against its image's PCIR vendor ---- */

/* A one-image ROM: an uncompressed EFI driver (the builder's PE) of
 * vendor:device, its UTF-16 component name "AMD GOP ..." in the driver's
 * bytes (as AMD's drivers carry it). */
static struct rom_analysis *amd_gop_rom(struct rb *b, uint16_t vendor, uint16_t device)
{
	static const char text[] = "AMD GOP X64 Rel Driver Rev.3.8.3.Aug  3 2023.02:40:26";
	struct rb_image_opts o = rb_efi_opts(vendor, device, 4, true);
	size_t at;
	rb_init(b);
	at = rb_add_image(b, &o) + 0x600;
	for (size_t i = 0; i < sizeof(text); i++)
		rb_put16(b, at + 2 * i, (uint8_t)text[i]);
	return rom_analyze(b->data, b->len, "gop.rom");
}

Test(vendor_rules, amd_gop_in_an_image_of_another_vendor)
{
	struct rb b;
	struct rom_analysis *r;
	const struct finding *f;
	r = amd_gop_rom(&b, 0x1002, 0x15BF);
	cr_assert(r);
	cr_assert_not_null(rom_chain_node(r, 0)->driver);
	cr_assert_str_eq(rom_chain_node(r, 0)->driver->gop_version,
	                 "AMD GOP X64 Rel Driver Rev.3.8.3.Aug  3 2023.02:40:26");
	cr_expect_null(find_named(r, "vendor-id-mismatch"));
	rom_analysis_free(r);
	rb_free(&b);
	/* 1002 and 1640 typed in decimal: 0x03ea:0x0668 */
	r = amd_gop_rom(&b, 1002, 1640);
	cr_assert(r);
	f = find_named(r, "vendor-id-mismatch");
	cr_assert_not_null(f);
	cr_expect(f->has_values);
	cr_expect_eq(f->expected, 0x1002);
	cr_expect_eq(f->found, 0x03EA);
	cr_expect(strstr(f->message, "1002:1640 written in decimal") != NULL, "%s", f->message);
	rom_analysis_free(r);
	rb_free(&b);
	r = amd_gop_rom(&b, 0x10DE, 0x1C02);
	cr_assert(r);
	f = find_named(r, "vendor-id-mismatch");
	cr_assert_not_null(f);
	cr_expect_eq(f->found, 0x10DE);
	rom_analysis_free(r);
	rb_free(&b);
}

/* diff's names for the bytes of the BIT (BIT spec offsets: header fields,
 * 6-byte token entries after the 12-byte header, 'B' data's version at
 * +0 and OEM byte at +4, 'S''s string pointers). */
Test(vendor_names, bit_bytes_named_by_structure_and_field)
{
	static const struct tok t[] = {
	    {'B', 2, 0x25, DATA_AT}, {'i', 2, 0x40, INFO_AT}, {'S', 2, 0x15, STR_AT}};
	struct nv_bit_biosdata d = {0x86043D00u, 0x88};
	struct rb b;
	struct rom_analysis *r;
	char got[ROM_QNAME_LEN];
	uint8_t *img;
	rb_init(&b);
	(void)rb_add_x86(&b, 0x10DE, 0x1C02, 2, true);
	img = b.data;
	memset(img + BIT_AT, 0, BIT_LEN - BIT_AT);
	put_bit(img, t, 3, 6);
	cr_assert(
	    fmt_encode(img, BIT_LEN, DATA_AT, nv_bit_biosdata_fields, NV_BIT_BIOSDATA_F_COUNT, &d));
	memcpy(img + TEXT_AT, "Board X\0", 8);
	tb_put16(img, STR_AT, TEXT_AT);
	img[STR_AT + 2] = 12;
	rb_balance(&b, 0, 0x3FF);
	r = rom_analyze(b.data, b.len, "bit.rom");
	cr_assert(r);
	cr_assert(rom_chain_node(r, 0)->vendor);
	rom_name_offset(r, BIT_AT + NV_BIT_HDR_OFF_CHECKSUM, got, sizeof(got));
	cr_expect_str_eq(got, "bit.checksum");
	rom_name_offset(r, BIT_AT + 12 + 2 * 6 + NV_BIT_TOKEN_OFF_DATA_SIZE, got, sizeof(got));
	cr_expect_str_eq(got, "bit_token[S].data_size");
	rom_name_offset(r, DATA_AT + 1, got, sizeof(got));
	cr_expect_str_eq(got, "bit_biosdata.binary_version");
	rom_name_offset(r, DATA_AT + 4, got, sizeof(got));
	cr_expect_str_eq(got, "bit_biosdata.oem_version");
	rom_name_offset(r, DATA_AT + 0x10, got, sizeof(got));
	cr_expect_str_eq(got, "bit_data[B]");
	rom_name_offset(r, INFO_AT + 0x20, got, sizeof(got));
	cr_expect_str_eq(got, "bit_data[i]");
	rom_name_offset(r, TEXT_AT + 3, got, sizeof(got));
	cr_expect_str_eq(got, "bit_string[sign_on]");
	rom_analysis_free(r);
	rb_free(&b);
}
