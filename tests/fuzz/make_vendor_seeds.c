/* Seeds for fuzz_vendor: synthetic images with a BIT table (known, unknown
 * and out-of-range tokens, a string token), a BMP, an ATOM image with ROM
 * header, master tables, strings and a $PSP directory, an Intel VBT. The
 * BIT and ATOM images also become whole ROMs (a PCIR, the checksum
 * balanced) in fuzz_diff seeds, paired with a copy changed inside a BIT
 * token's data or an ATOM table, so diff's naming of vendor structures
 * is fuzzed from there. No vendor bytes; structures written from the
 * formats/ declarations.
 * Usage: make_vendor_seeds DIR (writes DIR/vendor/... and DIR/diff/...). */
#include "formats/atom.h"
#include "formats/atom_tables.h"
#include "formats/intel_vbt.h"
#include "formats/nv_bit.h"
#include "formats/pci_rom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures;

static void put16(uint8_t *p, size_t o, uint16_t v)
{
	p[o] = (uint8_t)v;
	p[o + 1] = (uint8_t)(v >> 8);
}

static void seed(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;
	(void)snprintf(path, sizeof(path), "%s/vendor/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "make_vendor_seeds: %s: %s\n", path, strerror(errno));
		failures++;
	}
}

/* p[0 .. n) as a one-image ROM: 55AA, size byte, a PCIR at 0x3E0 of
 * vendor:device (code type x86, last image), the 8-bit sum balanced at
 * byte fix; then a fuzz_diff input (u32le length of A, A, B) whose B
 * has byte flip changed and rebalanced. */
static void diff_seed(const char *dir, const char *name, uint8_t *p, size_t n, uint16_t vendor,
                      uint16_t device, size_t fix, size_t flip)
{
	struct pci_pcir c = {0};
	char path[4096];
	uint8_t *d = malloc(4 + 2 * n), sum = 0;
	FILE *f;
	if (!d) {
		failures++;
		return;
	}
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = (uint8_t)(n / 512);
	put16(p, 0x18, 0x3E0);
	c.signature = PCIR_SIG_PCIR;
	c.vendor_id = vendor;
	c.device_id = device;
	c.length = PCIR_MIN_LEN;
	c.class_code = 0x030000;
	c.image_blocks = (uint16_t)(n / 512);
	c.indicator = PCIR_LAST_IMAGE;
	(void)fmt_encode(p, n, 0x3E0, pci_pcir_fields, PCIR_F_COUNT, &c);
	p[fix] = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	p[fix] = (uint8_t)(0x100 - sum);
	for (int i = 0; i < 4; i++)
		d[i] = (uint8_t)(n >> (8 * i));
	memcpy(d + 4, p, n);
	memcpy(d + 4 + n, p, n);
	d[4 + n + flip] ^= 0x5A;
	d[4 + n + fix] ^= 0x5A;
	(void)snprintf(path, sizeof(path), "%s/diff/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(d, 1, 4 + 2 * n, f) != 4 + 2 * n || fclose(f) != 0) {
		fprintf(stderr, "make_vendor_seeds: %s: %s\n", path, strerror(errno));
		failures++;
	}
	free(d);
}

static void bit_seed(const char *dir)
{
	static uint8_t p[0x800];
	struct nv_bit_hdr h = {NV_BIT_ID, NV_BIT_SIG, 0x0100, 12, 6, 5, 0};
	static const uint8_t ids[] = {'B', 'i', 'S', 'E', 'M'};
	static const uint16_t ptrs[] = {0x200, 0x240, 0x2A0, 0x200, 0x7F0};
	uint8_t sum = 0;
	memset(p, 0, sizeof(p));
	(void)fmt_encode(p, sizeof(p), 0x100, nv_bit_hdr_fields, NV_BIT_HDR_F_COUNT, &h);
	for (size_t i = 0; i < 12; i++)
		sum = (uint8_t)(sum + p[0x100 + i]);
	p[0x100 + NV_BIT_HDR_OFF_CHECKSUM] = (uint8_t)(0x100 - sum);
	for (size_t i = 0; i < sizeof(ids); i++) {
		struct nv_bit_token t = {0};
		t.id = ids[i];
		t.data_version = 2;
		t.data_size = 0x40;
		t.data_ptr = ptrs[i];
		(void)fmt_encode(p, sizeof(p), 0x10C + i * 6, nv_bit_token_fields,
		                 NV_BIT_TOKEN_F_COUNT, &t);
	}
	memcpy(p + 0x200, "\x00\x3D\x04\x86\x88", 5);
	memcpy(p + 0x240 + NV_BIT_INFO_DATE_OFF, "01/23/22", 8);
	put16(p, 0x2A0, 0x300);
	p[0x2A2] = 0x20;
	put16(p, 0x2A3, 0x500); /* past image 0 (0x400): adjusted */
	p[0x2A5] = 0x20;
	memcpy(p + 0x300, "\r\nSIGN ON", 9);
	memcpy(p + 0x510, "VERSION TEXT", 12);
	seed(dir, "bit.bin", p, sizeof(p));
	/* an NVIDIA x86 image; B changed in 'B''s version bytes */
	diff_seed(dir, "vendor-bit.bin", p, sizeof(p), 0x10DE, 0x1C02, sizeof(p) - 1, 0x204);
	memset(p, 0, sizeof(p));
	memcpy(p + 0x90, "\xFF\x7FNV\0\x05\x10", 7);
	seed(dir, "bmp.bin", p, 0x200);
}

static void atom_seed(const char *dir)
{
	static uint8_t p[0x1000];
	struct atom_hdr h = {0};
	struct atom_table t = {0};
	memset(p, 0, sizeof(p));
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = 8;
	memcpy(p + ATOM_MAGIC_OFF, " 761295520", 10);
	put16(p, 0x48, 0x200);
	p[0x2F] = 4;
	put16(p, 0x6E, 0x100);
	memcpy(p + 0x100, "113-X\0ASIC\0PCI_EXPRESS\0GDDR6\0\r\nNAME", 36);
	memcpy(p + 0x1A0, "ATOMBIOSBK-AMD VER017.001.000.068.000000", 40);
	memcpy(p + 0x1D0,
	       "cfg\0cl\0"
	       "123",
	       11);
	h.structure_size = 0x28;
	h.format_rev = 2;
	h.content_rev = 2;
	h.signature = ATOM_SIG_ATOM;
	h.config_filename = 0x1D0;
	h.master_command = 0x300;
	h.master_data = 0x340;
	h.psp_dir = 0x800;
	(void)fmt_encode(p, sizeof(p), 0x200, atom_hdr_fields, ATOM_HDR_F_COUNT, &h);
	t.size = 10;
	t.format_rev = 1;
	t.content_rev = 1;
	(void)fmt_encode(p, sizeof(p), 0x300, atom_table_fields, ATOM_TABLE_F_COUNT, &t);
	(void)fmt_encode(p, sizeof(p), 0x340, atom_table_fields, ATOM_TABLE_F_COUNT, &t);
	put16(p, 0x304, 0x400);
	put16(p, 0x306, 0xFFF0);
	put16(p, 0x344, 0x400);
	(void)fmt_encode(p, sizeof(p), 0x400, atom_table_fields, ATOM_TABLE_F_COUNT, &t);
	memcpy(p + 0x800, "$PSP", 4);
	p[0x808] = 2;
	seed(dir, "atom.bin", p, sizeof(p));
	/* an ATOMBIOS image (balanced at 0x21); B changed in the table at 0x400 */
	diff_seed(dir, "vendor-atom.bin", p, sizeof(p), 0x1002, 0x731F, ATOM_OFF_CHECKSUM, 0x406);
}

static void vbt_seed(const char *dir)
{
	static uint8_t p[0x400];
	memset(p, 0, sizeof(p));
	memcpy(p + 0x100, "$VBT SEED-MOBILE    ", 20);
	put16(p, 0x100 + INTEL_VBT_OFF_VBT_SIZE, 0x200);
	p[0x100 + INTEL_VBT_OFF_BDB_OFFSET] = 0x30;
	memcpy(p + 0x130, "BIOS_DATA_BLOCK ", 16);
	memcpy(p + 0x160, "Build Number: 2124", 18);
	seed(dir, "vbt.bin", p, sizeof(p));
}

int main(int argc, char **argv)
{
	char path[4096];
	if (argc != 2) {
		fprintf(stderr, "usage: make_vendor_seeds DIR\n");
		return 2;
	}
	(void)mkdir(argv[1], 0755);
	for (int i = 0; i < 2; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", argv[1], i ? "diff" : "vendor");
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "make_vendor_seeds: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	bit_seed(argv[1]);
	atom_seed(argv[1]);
	vbt_seed(argv[1]);
	return failures ? 1 : 0;
}
