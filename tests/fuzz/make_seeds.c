/* Writes the fuzz seed corpora from the synthetic ROM builder: no vendor
 * bytes, nothing committed. Usage: make_seeds DIR; creates DIR/analyze,
 * DIR/fix, DIR/efi_decompress, DIR/pe, DIR/zip, DIR/authenticode and DIR/efi_vars.
 * Criterion-free, so it
 * builds in the fuzz tree. */
#include "formats/efi_vars.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"
#include "tests/support/vfct_builder.h"
#include "tests/support/zip_builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures;

static void write_seed(const char *dir, const char *sub, const char *name, const uint8_t *p,
                       size_t n)
{
	char path[4096];
	FILE *f;
	(void)snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "make_seeds: %s: %s\n", path, strerror(errno));
		failures++;
	}
}

/* fuzz_diff's input: u32le length of A, A, then B; here B is A with one
 * byte in its middle changed. */
static void diff_seed(const char *dir, const char *name, const struct rb *b)
{
	uint8_t *p = malloc(4 + 2 * b->len);
	if (!p) {
		failures++;
		return;
	}
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(b->len >> (8 * i));
	memcpy(p + 4, b->data, b->len);
	memcpy(p + 4 + b->len, b->data, b->len);
	if (b->len)
		p[4 + b->len + b->len / 2] ^= 0x01;
	write_seed(dir, "diff", name, p, 4 + 2 * b->len);
	free(p);
}

/* A ROM seed goes to the analyzer-level corpora. */
static void rom_seed(const char *dir, const char *name, const struct rb *b)
{
	write_seed(dir, "analyze", name, b->data, b->len);
	write_seed(dir, "fix", name, b->data, b->len);
	diff_seed(dir, name, b);
}

/* Minimal PE32+ (or PE32) EFI boot-service driver (tests/support/rom_builder.h)
 * with a GOP-like name string in UTF-16LE. Returns its length (buf holds at
 * least RB_PE_DRIVER_LEN bytes). */
static size_t make_pe(uint8_t *b, bool plus)
{
	static const char name[] = "AMD GOP X64 Release Driver Rev.2.10.0.0.0";
	size_t n = rb_make_pe_driver(b, plus);
	for (size_t i = 0; i < sizeof(name) - 1; i++)
		b[0x280 + 2 * i] = (uint8_t)name[i];
	return n;
}

/* Minimal TE header ("VZ"). */
static size_t make_te(uint8_t *b)
{
	memset(b, 0, 0x80);
	rb_make_te(b, 0x8664, 1, 11, 0x1B8, 0x240);
	return 0x80;
}

static void decompress_seeds(const char *dir, const uint8_t *pe, size_t n)
{
	size_t cap = efi_encode_bound(n);
	uint8_t *out = malloc(cap);
	static const struct efi_token tokens[] = {
	    {0, 'A', 0}, {0, 'B', 0}, {0, 'C', 0}, {10, 0, 2}, {0, 'D', 0}, {256, 0, 0},
	};
	size_t m;
	if (!out) {
		failures++;
		return;
	}
	for (unsigned pbit = 4; pbit <= 5; pbit++) {
		char name[64];
		m = efi_encode_literal(pe, n, pbit, out, cap);
		(void)snprintf(name, sizeof(name), "literal-pbit%u.bin", pbit);
		if (m)
			write_seed(dir, "efi_decompress", name, out, m);
		m = efi_encode_lz(pe, n, pbit, out, cap);
		(void)snprintf(name, sizeof(name), "lz-pe-pbit%u.bin", pbit);
		if (m)
			write_seed(dir, "efi_decompress", name, out, m);
		m = efi_encode_tokens(tokens, sizeof(tokens) / sizeof(tokens[0]), pbit, 270, out,
		                      cap);
		(void)snprintf(name, sizeof(name), "tokens-pbit%u.bin", pbit);
		if (m)
			write_seed(dir, "efi_decompress", name, out, m);
	}
	/* OrigSize 0 and a header that lies about CompSize. */
	memset(out, 0, 16);
	write_seed(dir, "efi_decompress", "empty.bin", out, 8);
	tb_put32(out, 0, 0xFFFFFFF9u);
	tb_put32(out, 4, 64);
	write_seed(dir, "efi_decompress", "compsize-lies.bin", out, 16);
	free(out);
}

/* An EFI image whose payload (at 0x50) is the compressed PE32+ driver. */
static void add_compressed_efi(struct rb *b, const uint8_t *pe, size_t n, bool last)
{
	struct rb_image_opts o;
	size_t cap = efi_encode_bound(n), m, off;
	uint8_t *z = malloc(cap);
	if (!z) {
		failures++;
		return;
	}
	m = efi_encode_lz(pe, n, 4, z, cap);
	o = rb_efi_opts(0x1002, 0x67DF, (0x50 + m + 511) / 512, last);
	o.efi_compression = 1;
	off = rb_add_image(b, &o);
	if (m && off + 0x50 + m <= b->len)
		memcpy(b->data + off + 0x50, z, m);
	free(z);
}

static void rom_seeds(const char *dir, const uint8_t *pe, size_t pe_len)
{
	struct rb b;
	struct rb_image_opts o;

	/* Two images: x86 then EFI (the iPXE efi-*.rom shape). */
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100E, 4, false);
	rb_add_efi(&b, 0x8086, 0x100E, 4, true);
	rom_seed(dir, "two-image.rom", &b);

	/* ... truncated inside the second image, and after the first. */
	b.len = 0x800 + 0x100;
	rom_seed(dir, "two-image-truncated.rom", &b);
	b.len = 0x800;
	rom_seed(dir, "two-image-cut-at-boundary.rom", &b);
	rb_free(&b);

	/* NVGI containers v1, v2, v3 in front of an NVIDIA-like ROM: x86
	 * image with NPDE, a 'VN' private image, an EFI image. */
	for (unsigned v = 1; v <= 3; v++) {
		char name[64];
		rb_init(&b);
		o = rb_x86_opts(0x10DE, 0x1B80, 4, false);
		o.npde = true;
		rb_add_image(&b, &o);
		rb_add_nv_private(&b, 0x1B80, 2);
		rb_add_efi(&b, 0x10DE, 0x1B80, 2, true);
		rb_prepend_nvgi(&b, v, v == 3 ? 0x1200 : 0x400);
		(void)snprintf(name, sizeof(name), "nvgi-v%u.rom", v);
		rom_seed(dir, name, &b);
		rb_free(&b);
	}

	/* ISA-style ROM: 55AA, size byte, checksum, no PCIR (pointer 0). */
	rb_init(&b);
	rb_add_x86(&b, 0x1234, 0x1111, 2, true);
	rb_put16(&b, 0x18, 0);
	rb_balance(&b, 0, 6);
	rom_seed(dir, "isa.rom", &b);
	rb_free(&b);

	/* A prefix of 0x17 bytes before a ROM, and padding after it. */
	rb_init(&b);
	rb_add_x86(&b, 0x1234, 0x1111, 2, true);
	rb_append_fill(&b, 0x200, 0xFF);
	rb_prepend_pattern(&b, 0x17, 7);
	rom_seed(dir, "prefix17-padded.rom", &b);
	rb_free(&b);

	/* x86 + EFI image whose payload is a compressed PE32+ driver. */
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 2, false);
	add_compressed_efi(&b, pe, pe_len, true);
	rom_seed(dir, "efi-compressed.rom", &b);
	rb_free(&b);

	/* The shapes of the costliest drivers the format allows
	 * (tests/bench/make_crafted.c), small so that the fuzzer stays fast:
	 * 32 EFI images whose 22-byte streams decode to 4 KiB each (OrigSize
	 * is the fuzzer's to raise, up to the decode limit), and the same
	 * chain with CompSize 0 and OrigSize 16 MiB, which stops at once. */
	{
		uint8_t z[32] = {0}, past_end[8] = {0, 0, 0, 0, 0, 0, 0, 0x01};
		size_t zn = efi_encode_run(0x5A, 4, 4096, z, sizeof(z));
		rb_efi_chain(&b, 32, 0x1002, 0x67DF, z, zn);
		rom_seed(dir, "efi-run.rom", &b);
		rb_free(&b);
		rb_efi_chain(&b, 32, 0x1002, 0x67DF, past_end, sizeof(past_end));
		rom_seed(dir, "efi-past-end.rom", &b);
		rb_free(&b);
	}

	/* PCIR pointer 0xFFFF, image length 0. */
	rb_init(&b);
	rb_add_x86(&b, 0x1234, 0x1111, 2, true);
	rb_put16(&b, 0x18, 0xFFFF);
	rom_seed(dir, "pcir-ffff.rom", &b);
	rb_put16(&b, 0x18, 0x1C);
	rb_put16(&b, 0x1C + 0x10, 0);
	rom_seed(dir, "image-length-0.rom", &b);
	rb_free(&b);

	/* A damaged first header (the PCIR survives), and an image after the
	 * chain cut by the end of the file (analyzer/integrity.c). */
	rb_init(&b);
	rb_add_x86(&b, 0x1234, 0x1111, 4, false);
	rb_add_efi(&b, 0x1234, 0x1111, 4, true);
	rb_put16(&b, 0, 0);
	rom_seed(dir, "damaged-55aa.rom", &b);
	rb_put16(&b, 0x18, 0);
	rom_seed(dir, "damaged-header.rom", &b);
	rb_free(&b);
	rb_init(&b);
	rb_add_x86(&b, 0x1234, 0x1111, 4, true);
	rb_add_x86(&b, 0x1234, 0x1111, 8, true);
	b.len -= 0x600;
	rom_seed(dir, "cut-after-chain.rom", &b);
	b.len += 0x600;
	rb_free(&b);
}

/* Zip archives (stored, deflated, a folder, a comment, a data descriptor)
 * and a gzip file of a small ROM, for the zip harness. */
static void zip_seeds(const char *dir)
{
	struct rb b;
	struct zb z;
	uint8_t *c;
	size_t n;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 1, true);
	zb_init(&z);
	zb_add(&z, "a.rom", b.data, b.len, 0);
	zb_add(&z, "roms/", NULL, 0, 0);
	zb_add(&z, "roms/b.rom", b.data, b.len, 8);
	zb_finish(&z, "seed");
	write_seed(dir, "zip", "two-members.zip", z.data, z.len);
	zb_free(&z);
	zb_init(&z);
	zb_add(&z, "a.rom", b.data, b.len, 8);
	zb_finish(&z, NULL);
	write_seed(dir, "zip", "one-deflated.zip", z.data, z.len);
	/* The same with a data descriptor flag and zeroed local sizes. */
	tb_put16(z.data, z.local[0] + 6, 0x0008);
	tb_put16(z.data, z.record[0] + 8, 0x0008);
	tb_put32(z.data, z.local[0] + 14, 0);
	tb_put32(z.data, z.local[0] + 18, 0);
	tb_put32(z.data, z.local[0] + 22, 0);
	write_seed(dir, "zip", "descriptor.zip", z.data, z.len);
	zb_free(&z);
	c = zb_deflate(b.data, b.len, 0, 31, &n);
	write_seed(dir, "zip", "rom.gz", c, n);
	free(c);
	zb_init(&z);
	zb_finish(&z, NULL);
	write_seed(dir, "zip", "empty.zip", z.data, z.len);
	zb_free(&z);
	rb_free(&b);
}

/* EFI drivers for the Authenticode path: unsigned, a table holding the
 * start of a PKCS#7 SignedData (its OID, 1.2.840.113549.1.7.2), and a
 * table past the end. Real signed drivers (optrom extract) make better
 * seeds; they are vendor bytes, so they stay out of the repository. */
static void authenticode_seeds(const char *dir)
{
	static const uint8_t signed_data[] = {0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2A, 0x86,
	                                      0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0,
	                                      0x82, 0x00, 0xF1, 0x30, 0x82, 0x00, 0xED, 0x02,
	                                      0x01, 0x01, 0x31, 0x0F, 0x30, 0x0D, 0x06, 0x09};
	static uint8_t b[0x600];
	size_t dirs = 0x40 + 24 + 112 + 4 * 8, n;
	memset(b, 0, sizeof(b));
	n = make_pe(b, true);
	write_seed(dir, "authenticode", "unsigned.efi", b, n);
	tb_put32(b, dirs, 0x400);
	tb_put32(b, dirs + 4, 0x108);
	tb_put32(b, 0x400, 0x108);
	tb_put32(b, 0x404, 0x00020200); /* revision 0x0200, type 2 (PKCS#7) */
	memcpy(b + 0x408, signed_data, sizeof(signed_data));
	write_seed(dir, "authenticode", "pkcs7-start.efi", b, 0x508);
	tb_put32(b, dirs + 4, 0x800);
	write_seed(dir, "authenticode", "table-past-end.efi", b, 0x508);
}

/* A small OVMF variable store, written from formats/efi_vars.h's
 * declarations: a firmware volume, the authenticated store header, a db
 * of one (not really X.509) certificate entry and one SHA-256 entry, and
 * a dbx of one SHA-256 entry. */
static void efi_vars_seeds(const char *dir)
{
	static uint8_t b[0x400];
	struct efi_fv_header fv = {0};
	struct efi_vstore_header vs = {0};
	static const struct {
		const char *name;
		const uint8_t *guid, *type;
		size_t entry;
	} vars[] = {{"db", efi_guid_image_security_database, efi_guid_cert_x509, 16 + 0x40},
	            {"dbx", efi_guid_image_security_database, efi_guid_cert_sha256, 16 + 32}};
	size_t at;
	memset(b, 0xFF, sizeof(b));
	memset(b, 0, 0x48 + EFI_VSTORE_SIZE);
	fv.fv_length = sizeof(b);
	fv.signature = EFI_FV_SIGNATURE;
	fv.header_length = 0x48;
	fv.revision = 2;
	(void)fmt_encode(b, sizeof(b), 0, efi_fv_fields, EFI_FV_F_COUNT, &fv);
	memcpy(b + 0x48, efi_guid_authenticated_variable, EFI_GUID_SIZE);
	vs.size = sizeof(b) - 0x48;
	vs.format = EFI_VSTORE_FORMATTED;
	vs.state = EFI_VSTORE_HEALTHY;
	(void)fmt_encode(b, sizeof(b), 0x48, efi_vstore_fields, EFI_VSTORE_F_COUNT, &vs);
	at = 0x48 + EFI_VSTORE_SIZE;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		struct efi_avar_header h = {0};
		struct efi_siglist_header l = {0};
		size_t nlen = 2 * (strlen(vars[i].name) + 1), d;
		l.list_size = (uint32_t)(EFI_SIGLIST_SIZE + vars[i].entry);
		l.signature_size = (uint32_t)vars[i].entry;
		h.start_id = EFI_AVAR_START_ID;
		h.state = EFI_VAR_ADDED;
		h.attributes = 0x27;
		h.name_size = (uint32_t)nlen;
		h.data_size = l.list_size;
		memset(b + at, 0, EFI_AVAR_SIZE + nlen + l.list_size);
		(void)fmt_encode(b, sizeof(b), at, efi_avar_fields, EFI_AVAR_F_COUNT, &h);
		memcpy(b + at + EFI_AVAR_OFF_GUID, vars[i].guid, EFI_GUID_SIZE);
		for (size_t k = 0; vars[i].name[k]; k++)
			b[at + EFI_AVAR_SIZE + 2 * k] = (uint8_t)vars[i].name[k];
		d = at + EFI_AVAR_SIZE + nlen;
		memcpy(b + d, vars[i].type, EFI_GUID_SIZE);
		(void)fmt_encode(b, sizeof(b), d, efi_siglist_fields, EFI_SIGLIST_F_COUNT, &l);
		at = (d + l.list_size + 3) & ~(size_t)3;
	}
	write_seed(dir, "efi_vars", "store.fd", b, sizeof(b));
	write_seed(dir, "efi_vars", "store-no-fv.fd", b + 0x48, sizeof(b) - 0x48);
}

/* ACPI VFCT tables: two GPUs (the second image without the last-image
 * bit), and one whose image runs past the table. */
static void vfct_seeds(const char *dir)
{
	struct rb a;
	struct vb v;
	struct vfct_image_header h;
	rb_init(&a);
	rb_add_x86(&a, 0x1002, 0x1636, 1, true);
	vb_init(&v);
	h = vb_header(1, 0, 0, 0x1002, 0x1636, a.len);
	vb_add(&v, &h, a.data, a.len);
	rb_free(&a);
	rb_init(&a);
	rb_add_x86(&a, 0x1002, 0x73df, 1, false);
	h = vb_header(3, 0, 0, 0x1002, 0x73df, a.len);
	vb_add(&v, &h, a.data, a.len);
	vb_pad(&v, VFCT_IMAGE_HDR_LEN);
	vb_finish(&v);
	write_seed(dir, "vfct", "two-gpus.dat", v.data, v.len);
	v.data[v.len - VFCT_IMAGE_HDR_LEN - a.len - 4] = 0x7f; /* image length 0x7f.. */
	vb_finish(&v);
	write_seed(dir, "vfct", "truncated-image.dat", v.data, v.len);
	vb_free(&v);
	rb_free(&a);
}

int main(int argc, char **argv)
{
	static const char *const subs[] = {"analyze",  "fix",  "efi_decompress",
	                                   "pe",       "zip",  "authenticode",
	                                   "efi_vars", "diff", "vfct"};
	uint8_t pe[0x400];
	size_t n;
	char path[4096];
	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	(void)mkdir(argv[1], 0755);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", argv[1], subs[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "make_seeds: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	n = make_pe(pe, false);
	write_seed(argv[1], "pe", "pe32.efi", pe, n);
	n = make_te(pe);
	write_seed(argv[1], "pe", "te.efi", pe, n);
	n = make_pe(pe, true);
	write_seed(argv[1], "pe", "pe32plus.efi", pe, n);
	decompress_seeds(argv[1], pe, n);
	rom_seeds(argv[1], pe, n);
	zip_seeds(argv[1]);
	authenticode_seeds(argv[1]);
	efi_vars_seeds(argv[1]);
	vfct_seeds(argv[1]);
	return failures ? 1 : 0;
}
