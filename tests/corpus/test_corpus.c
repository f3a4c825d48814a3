/* Every real dump in the corpus and every ROM the Debian packages install,
 * analyzed by the library and compared with corpus/expected.tsv: facts an
 * independent reader (tools/rom_oracle.py, checked by hand with xxd; see
 * corpus/EXPECTATIONS.md) established from the bytes. */
#include "analyzer/analyze.h"
#include "formats/pci_rom.h"
#include "input/load.h"
#include "tests/support/expect.h"
#include "tests/support/findings.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct expect_row *rows;
static size_t nrows;

static void load_rows(void)
{
	rows = expect_load(&nrows);
	cr_assert_not_null(rows, "corpus/expected.tsv is missing or unreadable");
	cr_assert_gt(nrows, 90, "expected.tsv has only %zu rows", nrows);
}

static bool corpus_present(void)
{
	struct stat st;
	return stat(expect_corpus_dir(), &st) == 0 && S_ISDIR(st.st_mode);
}

static void free_rows(void)
{
	free(rows);
}

TestSuite(corpus, .init = load_rows, .fini = free_rows, .timeout = 600);

/* The analysis of a row's file; replaces (and frees) *r. False when the
 * file cannot be read. */
static bool analyze_row(const struct expect_row *e, struct rom_analysis **r)
{
	uint8_t *data;
	size_t len;
	char err[512];
	rom_analysis_free(*r);
	*r = NULL;
	if (rom_load_file(e->path, &data, &len, err, sizeof(err)) != LOAD_OK)
		return false;
	*r = rom_analyze(data, len, e->name);
	free(data);
	return *r != NULL;
}

static void compare_image(const char *name, size_t i, const struct expect_image *x,
                          const struct rom_image *g, const struct rom_node *n)
{
	char buf[8];
	cr_expect_eq(g->offset, x->offset, "%s image %zu: offset 0x%zx, expected 0x%zx", name, i,
	             g->offset, x->offset);
	cr_expect_eq(g->length, x->length, "%s image %zu: length 0x%zx, expected 0x%zx", name, i,
	             g->length, x->length);
	cr_expect_eq(n->pcir.code_type, x->code_type, "%s image %zu: code type %u, expected %u",
	             name, i, n->pcir.code_type, x->code_type);
	snprintf(buf, sizeof(buf), "%04x", n->pcir.vendor_id);
	cr_expect_str_eq(buf, x->vendor, "%s image %zu: vendor %s, expected %s", name, i, buf,
	                 x->vendor);
	snprintf(buf, sizeof(buf), "%04x", n->pcir.device_id);
	cr_expect_str_eq(buf, x->device, "%s image %zu: device %s, expected %s", name, i, buf,
	                 x->device);
	snprintf(buf, sizeof(buf), "%06x", n->pcir.class_code);
	cr_expect_str_eq(buf, x->class_code, "%s image %zu: class %s, expected %s", name, i, buf,
	                 x->class_code);
	cr_expect_eq(g->last, x->last, "%s image %zu: last %d, expected %d", name, i, g->last,
	             x->last);
	if (strcmp(x->cksum, "na") == 0)
		cr_expect_not(n->checksum.present, "%s image %zu: checksum on a non-x86 image",
		              name, i);
	else
		cr_expect_eq(n->checksum.ok, strcmp(x->cksum, "ok") == 0,
		             "%s image %zu: checksum ok=%d, expected %s (sum 0x%02x)", name, i,
		             n->checksum.ok, x->cksum, n->checksum.sum);
}

Test(corpus, every_file_matches_the_independent_reading)
{
	struct rom_analysis *r = NULL;
	size_t checked = 0, absent = 0, debian_absent = 0;
	for (size_t k = 0; k < nrows; k++) {
		const struct expect_row *e = &rows[k];
		if (!e->present) {
			if (e->name[0] == '/')
				debian_absent++;
			else
				absent++;
			continue;
		}
		cr_assert(analyze_row(e, &r), "%s: could not be read", e->path);
		checked++;
		cr_expect_str_eq(r->sha256, e->sha256, "%s: sha256", e->name);
		cr_expect_eq(r->size, e->size, "%s: size", e->name);
		cr_expect_eq(r->has_rom, e->has_rom, "%s: has_rom %d, expected %d", e->name,
		             r->has_rom, e->has_rom);
		if (e->has_rom)
			cr_expect_eq(r->rom_offset, e->rom_offset,
			             "%s: rom_offset 0x%zx, expected 0x%zx", e->name, r->rom_offset,
			             e->rom_offset);
		cr_expect_str_eq(report_verdict_name(r->verdict), e->verdict,
		                 "%s: verdict %s, expected %s", e->name,
		                 report_verdict_name(r->verdict), e->verdict);
		cr_expect_eq(r->chain.n, e->n_images, "%s: %zu images, expected %zu", e->name,
		             r->chain.n, e->n_images);
		for (size_t i = 0; i < r->chain.n && i < e->n_images; i++)
			compare_image(e->name, i, &e->images[i], &r->chain.images[i],
			              rom_chain_node(r, i));
		if (e->has_rom)
			cr_expect_str_eq(report_trailing_name(r->trailing), e->trailing,
			                 "%s: trailing %s, expected %s", e->name,
			                 report_trailing_name(r->trailing), e->trailing);
	}
	/* No corpus folder, or no Debian ROMs, is a skip; a corpus folder that
	 * lacks some of its files (or holds other bytes) is a warning. */
	if (absent && !corpus_present())
		expect_note_skip("corpus folder %s is absent: its %zu files are skipped (set "
		                 "OPTROM_CORPUS)",
		                 expect_corpus_dir(), absent);
	else if (absent)
		cr_log_warn("%zu of the corpus files are absent from %s or differ: skipped", absent,
		            expect_corpus_dir());
	if (debian_absent)
		expect_note_skip("%zu Debian ROMs are absent (packages seabios, ipxe-qemu, "
		                 "qemu-system-data): skipped",
		                 debian_absent);
	rom_analysis_free(r); /* before a skip, which ends the test: a leak fails the ASan run */
	if (checked == 0)
		cr_skip_test("no corpus file and no Debian ROM present: nothing to check");
}

/* The oracle lists every valid image on the 512-byte grid after the chain;
 * optrom skips over each image it finds, so its list is a subsequence of
 * the oracle's that starts with the same image. */
Test(corpus, images_after_the_chain_match)
{
	struct rom_analysis *r = NULL;
	size_t checked = 0;
	for (size_t k = 0; k < nrows; k++) {
		const struct expect_row *e = &rows[k];
		size_t j = 0;
		if (!e->present || !e->has_rom)
			continue;
		cr_assert(analyze_row(e, &r));
		checked++;
		cr_expect_eq(r->n_other > 0, e->n_other > 0, "%s: %zu other images, expected %zu",
		             e->name, r->n_other, e->n_other);
		if (r->n_other && e->n_other)
			cr_expect_eq(r->other_images[0].offset, e->other_offsets[0],
			             "%s: first other image at 0x%zx, expected 0x%zx", e->name,
			             r->other_images[0].offset, e->other_offsets[0]);
		for (size_t i = 0; i < r->n_other; i++) {
			while (j < e->n_other && e->other_offsets[j] != r->other_images[i].offset)
				j++;
			cr_expect_lt(j, e->n_other,
			             "%s: other image at 0x%zx not in the oracle's list", e->name,
			             r->other_images[i].offset);
			if (j < e->n_other)
				cr_expect_eq(rom_node_of(r, &r->other_images[i])->pcir.code_type,
				             e->other_types[j], "%s: other image at 0x%zx type",
				             e->name, r->other_images[i].offset);
		}
	}
	rom_analysis_free(r);
	if (checked == 0)
		cr_skip_test("no corpus file present in %s", expect_corpus_dir());
}

/* Facts the issue names, checked on the named files themselves: the row
 * when its file is here, NULL when the file is absent; a name that
 * expected.tsv does not list fails the test (a typo is not "absent"). */
static const struct expect_row *row_named(const char *name)
{
	for (size_t k = 0; k < nrows; k++)
		if (strcmp(rows[k].name, name) == 0)
			return rows[k].present ? &rows[k] : NULL;
	cr_assert_fail("corpus/expected.tsv has no row named %s", name);
	return NULL;
}

Test(corpus, nvgi_files_are_fixable_with_the_container_named)
{
	static const struct {
		const char *name;
		unsigned version;
		size_t offset;
	} cases[] = {
	    {"nvidia/maxwell_gtx750ti_GM107.rom", 1, 0x600},
	    {"nvidia/kepler_gk107_turbo_mod.rom", 1, 0x400},
	    {"nvidia/pascal_gtx1060_GP106_nvgi.rom", 2, 0xA00},
	    {"nvidia/turing_t1000_TU117_nvgi.rom", 3, 0x4600},
	    {"nvidia/ampere_rtx3080m_GA104_razer_tpu.rom", 3, 0x9400},
	};
	struct rom_analysis *r = NULL;
	size_t seen = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct expect_row *e = row_named(cases[i].name);
		const struct finding *f;
		if (!e)
			continue;
		seen++;
		cr_assert(analyze_row(e, &r));
		cr_expect_eq(r->verdict, VERDICT_FIXABLE, "%s", e->name);
		cr_expect((r->container != CONTAINER_NONE));
		cr_expect_str_eq(report_container_name(r->container), "nvgi", "%s", e->name);
		cr_expect_eq(r->nvgi.version, cases[i].version, "%s", e->name);
		cr_expect_eq(r->nvgi.rom_offset, cases[i].offset, "%s", e->name);
		cr_expect_eq(r->container_length, cases[i].offset, "%s", e->name);
		f = find_named(r, "data-before-rom");
		cr_expect_not_null(f, "%s: no data-before-rom finding", e->name);
		if (f)
			cr_expect_not_null(strstr(f->message, "NVGI"), "%s: %s", e->name,
			                   f->message);
	}
	rom_analysis_free(r);
	r = NULL;
	if (seen == 0)
		cr_skip_test("corpus folder %s is absent", expect_corpus_dir());
}

Test(corpus, p3000m_checksum_is_bad_over_the_size_byte_region)
{
	const struct expect_row *e = row_named("nvidia/pascal_p3000m_GP104.rom");
	struct rom_analysis *r = NULL;
	const struct finding *f;
	if (!e)
		cr_skip_test("corpus folder %s is absent", expect_corpus_dir());
	cr_assert(analyze_row(e, &r));
	/* xxd: size byte 0xCF at 0xA02 -> 0x19E00 bytes summing to 0xEC; the
	 * NPDE sub-image is 0x7A blocks, so the balancing byte is its last
	 * byte 0xA00 + 0xF400 - 1. */
	cr_expect_eq(rom_node_of(r, &r->chain.images[0])->checksum.sum, 0xEC);
	cr_expect_eq(rom_node_of(r, &r->chain.images[0])->checksum.length, 0x19E00);
	cr_expect_eq(rom_node_of(r, &r->chain.images[0])->checksum.fix_offset, 0xA00 + 0xF400 - 1);
	f = find_named(r, "checksum-mismatch");
	cr_assert_not_null(f);
	cr_expect(f->fixable);
	cr_expect_eq(f->image, 0);
	rom_analysis_free(r);
}

/* Issue 4: every EFI image of every chain decompresses (when compressed)
 * and is a valid PE for the machine its ROM header declares; AMD GOPs
 * name their version in the driver, NVIDIA GOPs in the NPDE. */
Test(corpus, every_efi_image_is_a_valid_driver)
{
	struct rom_analysis *r = NULL;
	size_t efi = 0, amd = 0, nv = 0;
	for (size_t k = 0; k < nrows; k++) {
		const struct expect_row *e = &rows[k];
		if (!e->present || !e->has_rom)
			continue;
		cr_assert(analyze_row(e, &r));
		for (size_t i = 0; i < r->chain.n; i++) {
			const struct rom_node *im = rom_chain_node(r, i);
			const struct rom_driver *d = im->driver;
			if (im->pcir.code_type != PCI_CODE_EFI)
				continue;
			efi++;
			cr_assert_not_null(d, "%s image %zu", e->name, i);
			if (im->efi.compression == 1) {
				cr_expect(d->state == DRIVER_OK, "%s image %zu: %s", e->name, i,
				          d->decompress_error);
				cr_expect_gt(d->decompressed_size, d->compressed_size,
				             "%s image %zu", e->name, i);
			}
			cr_expect(rom_driver_pe_valid(d), "%s image %zu: %s", e->name, i,
			          pe_status_str(d->pe_status));
			cr_expect_eq(d->pe.machine, im->efi.machine, "%s image %zu", e->name, i);
			cr_expect_eq(d->pe.kind, PE_KIND_PE32PLUS, "%s image %zu", e->name, i);
			if (im->pcir.vendor_id == 0x1002) {
				amd++;
				cr_expect_eq(strncmp(d->gop_version, "AMD GOP", 7), 0,
				             "%s: GOP version '%s'", e->name, d->gop_version);
			}
			if (im->has_npde && im->npde.length >= 0x10) {
				nv++;
				cr_expect_eq(strncmp(d->gop_version, "0x", 2), 0,
				             "%s: GOP version '%s'", e->name, d->gop_version);
			}
		}
		for (size_t f = 0; f < r->findings.n; f++)
			cr_expect(strncmp(finding_name(r->findings.items[f].id), "efi-", 4) != 0 &&
			              strcmp(finding_name(r->findings.items[f].id), "pe-invalid") !=
			                  0 &&
			              strcmp(finding_name(r->findings.items[f].id),
			                     "init-size-exceeds-image") != 0,
			          "%s: %s", e->name, r->findings.items[f].message);
	}
	rom_analysis_free(r);
	r = NULL;
	if (efi == 0)
		cr_skip_test("no EFI image present (corpus and Debian ROMs absent)");
	cr_log_info("%zu EFI images, %zu AMD GOPs, %zu NVIDIA GOPs with an NPDE version", efi, amd,
	            nv);
	rom_analysis_free(r);
}
