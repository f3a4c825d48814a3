/* analyzer/structs: each node's list of decoded structures, the lookup from
 * a file offset to structure and field, the qualified names (unique across
 * structures), findings' expected/found values and the per-image SHA-256.
 * Synthetic bytes only; offsets come from the builder and the specs'
 * numbers, hashes from OpenSSL's one-shot SHA256, not from rom_sha256_hex. */
#include "analyzer/analyze.h"
#include "analyzer/digest.h"
#include "analyzer/structs.h"
#include "formats/efi_rom.h"
#include "formats/pci_rom.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rom_analysis *analyze_rb(const struct rb *b)
{
	struct rom_analysis *a = rom_analyze(b->data, b->len, "synthetic");
	cr_assert_not_null(a);
	return a;
}

static void name_at(const struct rom_analysis *a, size_t off, const char *want)
{
	char got[ROM_QNAME_LEN];
	rom_name_offset(a, off, got, sizeof(got));
	cr_expect_str_eq(got, want, "offset 0x%zx: %s, expected %s", off, got, want);
}

Test(structs, qualified_names_are_unique)
{
	size_t n, total = 0;
	const struct rom_struct_def *d = rom_struct_defs(&n);
	char(*names)[ROM_QNAME_LEN] = calloc(512, ROM_QNAME_LEN);
	cr_assert_not_null(names);
	cr_assert_geq(n, 8);
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < d[i].n_fields; f++) {
			cr_assert_lt(total, 512);
			fmt_qualified_name(d[i].prefix, &d[i].fields[f], names[total],
			                   ROM_QNAME_LEN);
			for (size_t j = 0; j < total; j++)
				cr_expect_str_neq(names[j], names[total], "%s twice", names[j]);
			total++;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			cr_expect_str_neq(d[i].prefix, d[j].prefix);
	free(names);
}

Test(structs, names_follow_the_declarations)
{
	char q[ROM_QNAME_LEN];
	fmt_qualified_name("pcir", &pci_pcir_fields[PCIR_F_VENDOR_ID], q, sizeof(q));
	cr_expect_str_eq(q, "pcir.vendor_id");
	fmt_qualified_name("efi", &efi_rom_fields[EFI_ROM_F_COMPRESSION], q, sizeof(q));
	cr_expect_str_eq(q, "efi.compression");
	fmt_qualified_name("pcir", &pci_pcir_fields[PCIR_F_VENDOR_ID], q, 6);
	cr_expect_str_eq(q, "pcir.");
}

/* x86 (2 blocks) + EFI (2 blocks, last) + 512 bytes of 0xFF. */
static void two_images(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x8086, 0x1234, 2, false);
	rb_add_efi(b, 0x8086, 0x1234, 2, true);
	rb_append_fill(b, 512, 0xFF);
}

Test(structs, lookup_names_each_structure_and_field)
{
	struct rb b;
	struct rom_analysis *a;
	const struct rom_node *x86, *efi;
	two_images(&b);
	a = analyze_rb(&b);
	x86 = rom_chain_node(a, 0);
	efi = rom_chain_node(a, 1);
	cr_assert_not_null(efi);
	/* PCI 2.2 6.3.1.1/6.3.1.2: 55AA at 0, size byte at 2, PCIR pointer at
	 * 0x18; vendor at PCIR+4, device at +6, code type at +0x14. */
	name_at(a, 0, "rom.signature");
	name_at(a, 2, "rom.size");
	name_at(a, 0x18, "rom.pcir_ptr");
	name_at(a, x86->hdr.pcir_offset + 4, "pcir.vendor_id");
	name_at(a, x86->hdr.pcir_offset + 7, "pcir.device_id");
	name_at(a, x86->hdr.pcir_offset + 0x14, "pcir.code_type");
	name_at(a, x86->checksum.fix_offset, "checksum.byte");
	name_at(a, 0x300, "image");
	/* EFI 1.10 table 12-17: InitializationSize at 2, compression at 0xC,
	 * the image offset at 0x16. */
	name_at(a, 0x400 + 2, "efi.init_size");
	name_at(a, 0x400 + 0xC, "efi.compression");
	name_at(a, 0x400 + 0x16, "efi.image_offset");
	cr_assert_not_null(efi->driver);
	name_at(a, efi->driver->payload_offset + 1, "driver");
	name_at(a, 0x800 + 16, "padding");
	rom_analysis_free(a);
	rb_free(&b);
}

Test(structs, nvgi_prefix_and_npde_are_named)
{
	struct rb b;
	struct rom_analysis *a;
	const struct rom_node *n;
	struct rb_image_opts o = rb_x86_opts(0x10DE, 0x1C02, 2, true);
	rb_init(&b);
	o.npde = true;
	rb_add_image(&b, &o);
	rb_prepend_nvgi(&b, 2, 0x400);
	a = analyze_rb(&b);
	cr_assert(a->has_rom);
	cr_assert_eq(a->rom_offset, 0x400);
	/* OpenRM NV_PBUS_IFR_FMT_FIXED0 is "NVGI" at 0. */
	name_at(a, 0, "nvgi.signature");
	name_at(a, 0x200, "container");
	n = rom_chain_node(a, 0);
	cr_assert(n->has_npde);
	name_at(a, n->offset + n->npde.offset, "npde.signature");
	name_at(a, n->offset + n->npde.offset + 8, "npde.subimage_length");
	rom_analysis_free(a);
	rb_free(&b);
}

static void hex(const unsigned char *md, char out[65])
{
	for (int i = 0; i < 32; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", md[i]);
}

Test(structs, each_image_and_driver_has_its_sha256)
{
	struct rb b;
	struct rom_analysis *a;
	unsigned char md[SHA256_DIGEST_LENGTH];
	char want[65];
	const struct rom_node *efi;
	two_images(&b);
	a = analyze_rb(&b);
	SHA256(b.data, 0x400, md);
	hex(md, want);
	cr_expect_str_eq(rom_chain_node(a, 0)->sha256, want);
	SHA256(b.data + 0x400, 0x400, md);
	hex(md, want);
	efi = rom_chain_node(a, 1);
	cr_expect_str_eq(efi->sha256, want);
	cr_assert_eq(efi->driver->state, DRIVER_OK);
	/* Uncompressed: the driver is the payload bytes as stored. */
	SHA256(b.data + efi->driver->payload_offset, efi->driver->length, md);
	hex(md, want);
	cr_expect_str_eq(efi->driver->sha256, want);
	rom_analysis_free(a);
	rb_free(&b);
}

Test(structs, findings_carry_expected_and_found)
{
	struct rb b;
	struct rom_analysis *a;
	const struct finding *f;
	uint8_t sum;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x1234, 2, true);
	b.data[0x100] ^= 0x11; /* the sum becomes 0x11 or 0xEF: not 0 */
	sum = rb_sum(&b, 0, 0x400);
	a = analyze_rb(&b);
	f = report_find(a, FINDING_CHECKSUM_MISMATCH);
	cr_assert_not_null(f);
	cr_expect(f->has_values);
	cr_expect_eq(f->expected, 0);
	cr_expect_eq(f->found, sum);
	rom_analysis_free(a);
	rb_free(&b);
}
