/* The GOP signatures of the real ROMs (the corpus and Debian's ROMs, as
 * corpus/expected.tsv finds them): every signed driver verifies and its
 * digests equal what osslsigncode, an independent implementation, prints
 * for the extracted driver ("Current message digest" and "Calculated
 * message digest"); unsigned drivers have an empty Security directory in
 * their bytes; bytes zeroed or flipped inside a real compressed stream that
 * still decompresses give the digest-mismatch finding. Files absent here
 * are skipped visibly. */
#include "analyzer/analyze.h"
#include "analyzer/signature.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GOPs changed after signing, by osslsigncode ("MISMATCH!!!") on the
 * extracted driver: the GTX 980M's signed driver with 4 bytes changed. */
static bool modified_gop(const char *name)
{
	return strcmp(name, "nvidia/maxwell_m4000m_GM204.rom") == 0 ||
	       strcmp(name, "nvidia/maxwell_m5000m_GM204.rom") == 0;
}

static bool have_osslsigncode(void)
{
	return access("/usr/bin/osslsigncode", X_OK) == 0 ||
	       system("command -v osslsigncode >/dev/null 2>&1") == 0;
}

/* Copies the hex after "label" in text, lowercased, into out. */
static bool hex_after(const char *text, const char *label, char *out, size_t cap)
{
	const char *p = strstr(text, label);
	size_t n = 0;
	if (!p)
		return false;
	p = strchr(p, ':');
	if (!p)
		return false;
	p++;
	while (*p == ' ')
		p++;
	while (isxdigit((unsigned char)*p) && n + 1 < cap)
		out[n++] = (char)tolower((unsigned char)*p++);
	out[n] = '\0';
	return n > 0;
}

/* osslsigncode verify on the driver's bytes: its two digests. */
static void osslsigncode_digests(const struct rom_driver *d, char *current, char *calculated,
                                 size_t cap)
{
	char cmd[1200], out[16384];
	size_t n;
	FILE *f, *p;
	const char *path = tmp_path("driver.efi");
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(d->bytes, 1, d->length, f), d->length);
	cr_assert_eq(fclose(f), 0);
	(void)snprintf(cmd, sizeof(cmd), "osslsigncode verify -in '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	(void)pclose(p);
	cr_assert(hex_after(out, "Current message digest", current, cap), "%s", out);
	cr_assert(hex_after(out, "Calculated message digest", calculated, cap), "%s", out);
}

static uint32_t le32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

/* The Security directory's size, read from the PE bytes by the
 * specification's offsets (not through formats/pe.c). */
static uint32_t security_size(const struct rom_driver *d)
{
	size_t opt = (size_t)le32(d->bytes, 0x3C) + 24;
	unsigned magic = d->bytes[opt] | (unsigned)d->bytes[opt + 1] << 8;
	return le32(d->bytes, opt + (magic == 0x20B ? 112 : 96) + 4 * 8 + 4);
}

Test(signature, every_signed_real_driver_verifies_as_osslsigncode_computes)
{
	size_t nrows = 0, signed_ok = 0, mismatched = 0, unsigned_n = 0, files = 0;
	struct expect_row *rows = expect_load(&nrows);
	bool ossl = have_osslsigncode();
	cr_assert_not_null(rows, "corpus/expected.tsv is missing or unreadable");
	tmp_make("optrom-sig");
	if (!ossl)
		expect_note_skip("[SKIP] osslsigncode not installed (Debian package osslsigncode): "
		                 "digests not compared with an independent tool");
	for (size_t r = 0; r < nrows; r++) {
		size_t len = 0;
		uint8_t *data;
		struct rom_analysis *a;
		if (!rows[r].present)
			continue;
		files++;
		data = tb_read_file(rows[r].path, &len);
		cr_assert_not_null(data, "%s", rows[r].path);
		a = rom_analyze(data, len, rows[r].name);
		cr_assert_not_null(a);
		for (size_t k = 0; k < a->n_nodes; k++) {
			const struct rom_driver *d = a->nodes[k].driver;
			const struct rom_signature *s;
			if (!d || d->state != DRIVER_OK || !d->has_pe || d->pe_status != PE_OK)
				continue;
			s = &d->signature;
			if (s->state == SIG_UNSIGNED) {
				cr_expect_eq(security_size(d), 0, "%s @0x%zx", rows[r].name,
				             a->nodes[k].offset);
				unsigned_n++;
				continue;
			}
			if (modified_gop(rows[r].name)) {
				cr_expect_eq(s->state, SIG_MISMATCH, "%s: %s", rows[r].name,
				             signature_state_name(s->state));
				mismatched++;
			} else {
				cr_expect_eq(s->state, SIG_OK, "%s @0x%zx: %s (%s)", rows[r].name,
				             a->nodes[k].offset, signature_state_name(s->state),
				             s->error);
				signed_ok += s->state == SIG_OK;
			}
			cr_expect_str_eq(s->algorithm, "sha256", "%s", rows[r].name);
			cr_expect_str_eq(s->ca, "Microsoft UEFI CA 2011", "%s", rows[r].name);
			cr_expect_neq(s->not_after[0], '\0', "%s", rows[r].name);
			if (ossl) {
				char cur[160], calc[160];
				osslsigncode_digests(d, cur, calc, sizeof(cur));
				cr_expect_str_eq(s->stored_digest, cur, "%s @0x%zx", rows[r].name,
				                 a->nodes[k].offset);
				cr_expect_str_eq(s->computed_digest, calc, "%s @0x%zx",
				                 rows[r].name, a->nodes[k].offset);
			}
		}
		rom_analysis_free(a);
		free(data);
	}
	free(rows);
	tmp_remove();
	if (files == 0) {
		expect_note_skip("[SKIP] no corpus file or Debian ROM found (corpus: %s)",
		                 expect_corpus_dir());
		cr_skip_test("no real ROM present");
	}
	cr_log_info("%zu signed drivers verify, %zu changed after signing, %zu unsigned", signed_ok,
	            mismatched, unsigned_n);
}

/* The standard chain's signed EFI image of a real file: node and driver. */
static const struct rom_node *signed_efi(const struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n->driver && n->driver->signature.state == SIG_OK &&
		    n->efi.compression == EFI_COMPRESSION_EFI)
			return n;
	}
	return NULL;
}

/* Zeroes 4 bytes (or flips one) at places spread over the compressed
 * stream of a real signed GOP, in a copy: every change that still
 * decompresses into a valid PE whose signed bytes differ is caught. */
static void damage(const char *name, bool flip, size_t *caught)
{
	char path[1200];
	size_t len = 0, tried = 0;
	uint8_t *orig, *copy;
	struct rom_analysis *a;
	const struct rom_node *n;
	size_t from, span, table;
	(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), name);
	orig = tb_read_file(path, &len);
	if (!orig) {
		expect_note_skip("[SKIP] %s absent", path);
		return;
	}
	a = rom_analyze(orig, len, name);
	cr_assert_not_null(a);
	n = signed_efi(a);
	cr_assert_not_null(n, "%s: no signed compressed GOP", name);
	from = n->driver->payload_offset + 16; /* past the stream's size header */
	span = n->driver->compressed_size - 16;
	table = n->driver->signature.auth.table_offset;
	copy = malloc(len);
	cr_assert_not_null(copy);
	for (size_t k = 0; k < 68; k++) {
		size_t at = from + (span - 4) * k / 68;
		struct rom_analysis *b;
		const struct rom_node *m;
		memcpy(copy, orig, len);
		if (flip)
			copy[at] ^= 0x01;
		else
			memset(copy + at, 0, 4);
		b = rom_analyze(copy, len, "damaged");
		cr_assert_not_null(b);
		m = rom_node_at(b, n->offset);
		/* A change inside the certificate table itself is not covered
		 * by the digest (an unused CA certificate, the timestamp): only
		 * the bytes before it count. */
		if (m && m->driver && m->driver->state == DRIVER_OK &&
		    rom_driver_pe_valid(m->driver) &&
		    (m->driver->length != n->driver->length ||
		     memcmp(m->driver->bytes, n->driver->bytes, table) != 0)) {
			tried++;
			cr_expect_neq(m->driver->signature.state, SIG_OK,
			              "%s: change at 0x%zx decompresses and still verifies", name,
			              at);
			cr_expect_eq(rom_gop_state(b), GOP_DAMAGED, "%s @0x%zx", name, at);
			if (m->driver->signature.state == SIG_MISMATCH) {
				cr_expect_not_null(
				    report_find(b, FINDING_SIGNATURE_DIGEST_MISMATCH));
				cr_expect_eq(b->verdict, VERDICT_BROKEN);
				(*caught)++;
			}
		}
		rom_analysis_free(b);
	}
	cr_log_info("%s: %zu of 68 %s still decompress to another driver", name, tried,
	            flip ? "flips" : "zeroed runs");
	free(copy);
	rom_analysis_free(a);
	free(orig);
}

Test(signature, damage_that_still_decompresses_is_a_digest_mismatch)
{
	size_t caught = 0;
	char probe[1200];
	(void)snprintf(probe, sizeof(probe), "%s/nvidia/pascal_gtx1060_GP106_patched.rom",
	               expect_corpus_dir());
	if (access(probe, R_OK) != 0) {
		expect_note_skip("[SKIP] corpus absent: %s", expect_corpus_dir());
		cr_skip_test("corpus absent");
	}
	damage("nvidia/pascal_gtx1060_GP106_patched.rom", false, &caught);
	damage("nvidia/pascal_gtx1060_GP106_patched.rom", true, &caught);
	damage("amd/polaris_rx580_sapphire_pulse_default.rom", false, &caught);
	damage("amd/polaris_rx580_sapphire_pulse_default.rom", true, &caught);
	cr_expect_gt(caught, 0, "no change decompressed into another driver");
}

Test(signature, a_driver_changed_after_signing_is_broken)
{
	char path[1200];
	size_t len = 0;
	uint8_t *data;
	struct rom_analysis *a;
	(void)snprintf(path, sizeof(path), "%s/nvidia/maxwell_m4000m_GM204.rom",
	               expect_corpus_dir());
	data = tb_read_file(path, &len);
	if (!data) {
		expect_note_skip("[SKIP] %s absent", path);
		cr_skip_test("corpus absent");
	}
	a = rom_analyze(data, len, "m4000m");
	cr_assert_not_null(a);
	cr_expect_not_null(report_find(a, FINDING_SIGNATURE_DIGEST_MISMATCH));
	cr_expect_eq(a->verdict, VERDICT_BROKEN);
	cr_expect_eq(rom_gop_state(a), GOP_DAMAGED);
	rom_analysis_free(a);
	free(data);
}
