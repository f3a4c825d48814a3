#include "tests/support/rom_builder.h"

#include "formats/efi_rom.h"
#include "formats/field.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "formats/pe.h"
#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the builder puts things inside an image: its own choices, not
 * format facts (the PCIR right after the 0x1A-byte EFI header, 4-aligned;
 * the EFI driver well after the PCIR and an NPDE). */
#define RB_PCIR_OFF      0x1Cu
#define RB_PCIR_AREA     0x30u /* zeroed for the PCIR and the NPDE */
#define RB_EFI_PAYLOAD   0x50u
#define RB_X86_ENTRY_OFF (PCI_ROM_HDR_OFF_SIZE + 1u) /* the entry point follows the size byte */
#define RB_X86_JMP       0xE9u                       /* near JMP, as legacy images start */

/* Writes n fields of the structure at base from in, through its table. */
static void put_fields(struct rb *b, size_t base, const struct fmt_field *table, size_t n,
                       const void *in)
{
	bool ok = fmt_encode(b->data, b->len, base, table, n, in);
	assert(ok);
	(void)ok;
}

void rb_init(struct rb *b)
{
	b->data = NULL;
	b->len = 0;
}

void rb_free(struct rb *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static void grow(struct rb *b, size_t n)
{
	uint8_t *p = realloc(b->data, b->len + n + 1);
	assert(p);
	b->data = p;
}

void rb_append(struct rb *b, const void *p, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void rb_append_fill(struct rb *b, size_t n, uint8_t v)
{
	grow(b, n);
	memset(b->data + b->len, v, n);
	b->len += n;
}

/* xorshift: deterministic filler that never looks like 55AA by design
 * is not guaranteed, but the tests only rely on determinism. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

void rb_append_pattern(struct rb *b, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 0x9E3779B9u;
	grow(b, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t v = (uint8_t)next_rand(&x);
		/* keep the filler free of 0x55 so no accidental 55AA appears */
		b->data[b->len + i] = v == 0x55 ? 0x56 : v;
	}
	b->len += n;
}

void rb_prepend(struct rb *b, const void *p, size_t n)
{
	grow(b, n);
	memmove(b->data + n, b->data, b->len);
	if (n)
		memcpy(b->data, p, n);
	b->len += n;
}

void rb_prepend_pattern(struct rb *b, size_t n, uint32_t seed)
{
	struct rb tmp;
	rb_init(&tmp);
	rb_append_pattern(&tmp, n, seed);
	rb_prepend(b, tmp.data, n);
	rb_free(&tmp);
}

void rb_put8(struct rb *b, size_t off, uint8_t v)
{
	assert(off < b->len);
	b->data[off] = v;
}

void rb_put16(struct rb *b, size_t off, uint16_t v)
{
	rb_put8(b, off, (uint8_t)v);
	rb_put8(b, off + 1, (uint8_t)(v >> 8));
}

void rb_put32(struct rb *b, size_t off, uint32_t v)
{
	rb_put16(b, off, (uint16_t)v);
	rb_put16(b, off + 2, (uint16_t)(v >> 16));
}

uint8_t rb_sum(const struct rb *b, size_t off, size_t n)
{
	uint8_t s = 0;
	assert(off + n <= b->len);
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + b->data[off + i]);
	return s;
}

void rb_balance(struct rb *b, size_t off, size_t rel)
{
	size_t n = (size_t)b->data[off + PCI_ROM_HDR_OFF_SIZE] * PCI_ROM_BLOCK;
	uint8_t s;
	b->data[off + rel] = 0;
	s = rb_sum(b, off, n);
	b->data[off + rel] = (uint8_t)(0x100u - s);
}

void rb_device_list(struct rb *b, size_t img, uint16_t ptr, const uint16_t *ids, size_t n,
                    bool terminate)
{
	size_t pcir = img + RB_PCIR_OFF;
	rb_put16(b, pcir + PCIR_OFF_DEVICE_LIST, ptr);
	for (size_t k = 0; k < n; k++)
		rb_put16(b, pcir + ptr + 2 * k, ids[k]);
	if (terminate)
		rb_put16(b, pcir + ptr + 2 * n, 0);
	if (b->data[pcir + PCIR_OFF_CODE_TYPE] == PCI_CODE_X86)
		rb_balance(b, img, (size_t)b->data[img + PCI_ROM_HDR_OFF_SIZE] * PCI_ROM_BLOCK - 1);
}

size_t rb_encode_pe(uint8_t *out, size_t cap, const struct pe_info *pe)
{
	const bool plus = pe->magic == PE_MAGIC_PE32PLUS;
	const size_t coff = (size_t)pe->lfanew + PE_SIG_SIZE, opt = coff + PE_COFF_SIZE;
	const size_t dirs = opt + (plus ? PE_OPT64_OFF_NUM_RVA : PE_OPT32_OFF_NUM_RVA) + 4u;
	const size_t sec = opt + pe->size_of_optional_header;
	const size_t end = sec + pe->section_count * PE_SEC_SIZE;
	if (end > cap || pe->section_count > PE_MAX_SECTIONS || pe->dir_count > PE_MAX_DIRS ||
	    dirs + pe->dir_count * PE_DIR_SIZE > sec)
		return 0;
	tb_put16(out, 0, PE_DOS_MAGIC);
	(void)fmt_encode(out, cap, 0, pe_dos_fields, PE_DOS_F_COUNT, pe);
	memcpy(out + pe->lfanew, "PE\0\0", PE_SIG_SIZE);
	(void)fmt_encode(out, cap, coff, pe_coff_fields, PE_COFF_F_COUNT, pe);
	(void)fmt_encode(out, cap, opt, pe_opt_fields, PE_OPT_F_COUNT, pe);
	(void)fmt_encode(out, cap, opt, plus ? pe_opt64_fields : pe_opt32_fields, PE_OPT64_F_COUNT,
	                 pe);
	for (size_t i = 0; i < pe->dir_count; i++)
		(void)fmt_encode(out, cap, dirs + i * PE_DIR_SIZE, pe_dir_fields, PE_DIR_F_COUNT,
		                 &pe->dirs[i]);
	for (size_t i = 0; i < pe->section_count; i++) {
		const size_t at = sec + i * PE_SEC_SIZE;
		memcpy(out + at, pe->sections[i].name,
		       strnlen(pe->sections[i].name, PE_SEC_NAME_LEN));
		(void)fmt_encode(out, cap, at, pe_sec_fields, PE_SEC_F_COUNT, &pe->sections[i]);
	}
	return end;
}

/* Where the builder's PE headers go: e_lfanew 0x40, right after the DOS
 * header; the optional header of the standard size for its magic. */
static void rb_pe_defaults(struct pe_info *pe, bool plus)
{
	memset(pe, 0, sizeof(*pe));
	pe->lfanew = 0x40;
	pe->magic = plus ? PE_MAGIC_PE32PLUS : PE_MAGIC_PE32;
	pe->size_of_optional_header = plus ? 0xF0 : 0xE0;
	pe->num_rva_and_sizes = PE_MAX_DIRS;
}

/* A minimal PE32+ driver: "MZ", e_lfanew 0x40, "PE\0\0", a COFF header
 * and a 0xF0-byte optional header (magic 0x20B, subsystem), no sections.
 * Enough for the analyzer's PE checks (formats-pci-amd-efi.md 2.3). */
size_t rb_make_pe(uint8_t *out, size_t cap, uint16_t machine, uint16_t subsystem)
{
	struct pe_info pe;
	size_t len;
	rb_pe_defaults(&pe, true);
	pe.machine = machine;
	pe.characteristics = 0x22; /* executable, large-address aware */
	pe.size_of_image = 0x1000;
	pe.subsystem = subsystem;
	len = (size_t)pe.lfanew + PE_SIG_SIZE + PE_COFF_SIZE + pe.size_of_optional_header;
	if (cap < len)
		return 0;
	memset(out, 0, len);
	return rb_encode_pe(out, cap, &pe);
}

size_t rb_make_pe_driver(uint8_t *b, bool plus)
{
	struct pe_info pe;
	struct pe_section *t = &pe.sections[0];
	rb_pe_defaults(&pe, plus);
	pe.machine = plus ? PE_MACHINE_X64 : PE_MACHINE_IA32;
	pe.num_sections = 1;
	pe.characteristics = 0x2022;
	pe.entry_point = 0x200;
	pe.section_alignment = 0x20;
	pe.file_alignment = 0x20;
	pe.size_of_image = 0x400;
	pe.size_of_headers = 0x200;
	pe.subsystem = PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER;
	pe.section_count = 1;
	memcpy(t->name, ".text", 6);
	t->virtual_size = 0x200;
	t->virtual_address = 0x200;
	t->raw_size = 0x200;
	t->raw_pointer = 0x200;
	t->characteristics = 0x60000020;
	memset(b, 0, RB_PE_DRIVER_LEN);
	(void)rb_encode_pe(b, RB_PE_DRIVER_LEN, &pe);
	return RB_PE_DRIVER_LEN;
}

void rb_make_te(uint8_t *out, uint16_t machine, uint8_t sections, uint8_t subsystem,
                uint16_t stripped, uint32_t entry)
{
	struct pe_info te = {0};
	te.machine = machine;
	te.num_sections = sections;
	te.subsystem = subsystem;
	te.te_stripped_size = stripped;
	te.entry_point = entry;
	tb_put16(out, 0, PE_TE_MAGIC);
	/* the fields before the image base: the first 12 bytes */
	(void)fmt_encode(out, fmt_extent(pe_te_fields, PE_TE_F_IMAGE_BASE), 0, pe_te_fields,
	                 PE_TE_F_IMAGE_BASE, &te);
}

/* The driver payload of an EFI image at off + RB_EFI_PAYLOAD: the minimal
 * PE, raw or EFI-compressed (literal-only stream, tests/support/efi_encode.h). */
static void put_efi_payload(struct rb *b, size_t off, size_t len, const struct rb_image_opts *o)
{
	uint8_t pe[0x200], z[0x400];
	size_t n = rb_make_pe(pe, sizeof(pe), o->efi_machine ? o->efi_machine : 0x8664,
	                      o->efi_subsystem ? o->efi_subsystem : 11);
	if (o->efi_compression == EFI_COMPRESSION_EFI) {
		size_t zn = efi_encode_literal(pe, n, 4, z, sizeof(z));
		if (zn > 0 && RB_EFI_PAYLOAD + zn <= len)
			memcpy(b->data + off + RB_EFI_PAYLOAD, z, zn);
	} else if (RB_EFI_PAYLOAD + n <= len) {
		memcpy(b->data + off + RB_EFI_PAYLOAD, pe, n);
	}
}

/* The 55AA (or 'VN') header; EFI images carry the EFI ROM header over it. */
static void put_header(struct rb *b, size_t off, const struct rb_image_opts *o)
{
	const struct fmt_field *t = pci_rom_header_fields;
	struct pci_rom_header h = {0};
	h.signature = o->nvidia_private ? PCI_ROM_SIG_NV : PCI_ROM_SIG;
	h.size_blocks = (uint8_t)(o->blocks > 0xFF ? 0xFF : o->blocks);
	h.pcir_offset = RB_PCIR_OFF;
	if (o->code_type == PCI_CODE_EFI) {
		struct efi_rom_header e = {0};
		e.init_blocks = (uint16_t)o->blocks;
		e.efi_signature = EFI_ROM_SIGNATURE;
		e.subsystem = o->efi_subsystem ? o->efi_subsystem : 11;
		e.machine = o->efi_machine ? o->efi_machine : 0x8664;
		e.compression = o->efi_compression;
		e.image_offset = RB_EFI_PAYLOAD;
		e.pcir_offset = RB_PCIR_OFF;
		put_fields(b, off, &t[PCI_ROM_HDR_F_SIGNATURE], 1, &h);
		put_fields(b, off, efi_rom_fields, EFI_ROM_F_COUNT, &e);
	} else {
		put_fields(b, off, t, PCI_ROM_HDR_F_COUNT, &h);
		b->data[off + RB_X86_ENTRY_OFF] = RB_X86_JMP;
	}
}

static void put_pcir(struct rb *b, size_t at, const struct rb_image_opts *o)
{
	struct pci_pcir c = {0};
	c.signature = o->nvidia_private ? PCIR_SIG_NPDS : PCIR_SIG_PCIR;
	c.vendor_id = o->vendor;
	c.device_id = o->device;
	c.length = o->pcir_revision == 3 ? PCIR_REV3_LEN : PCIR_MIN_LEN;
	c.revision = o->pcir_revision;
	c.class_code = 0x030000u; /* display controller */
	c.image_blocks = (uint16_t)o->blocks;
	c.code_type = o->code_type;
	c.indicator = o->last ? PCIR_LAST_IMAGE : 0;
	put_fields(b, at, pci_pcir_fields, PCIR_F_COUNT, &c);
}

/* A 0x14-byte NPDE (revision 0x101) right after the PCIR, 16-aligned. */
static void put_npde(struct rb *b, size_t img, const struct rb_image_opts *o)
{
	struct npde n = {0};
	size_t plen = o->pcir_revision == 3 ? PCIR_REV3_LEN : PCIR_MIN_LEN;
	n.signature = NPDE_SIG;
	n.revision = 0x0101;
	n.length = 0x14;
	n.subimage_blocks = (uint16_t)(o->npde_blocks ? o->npde_blocks : o->blocks);
	n.priv_last = o->npde_last ? NPDE_LAST_IMAGE : 0;
	n.flags = 0x01;
	put_fields(b, img + ((RB_PCIR_OFF + plen + 0xF) & ~(size_t)0xF), npde_fields,
	           NPDE_F_GOP_VERSION, &n);
}

size_t rb_add_image(struct rb *b, const struct rb_image_opts *o)
{
	size_t off = b->len;
	size_t len = o->blocks * PCI_ROM_BLOCK;
	assert(o->blocks > 0 && o->blocks <= 0xFFFF);
	rb_append_pattern(b, len, 0x1234u + (uint32_t)off + o->fill);
	memset(b->data + off, 0, RB_PCIR_OFF);
	memset(b->data + off + RB_PCIR_OFF, 0, RB_PCIR_AREA);
	put_header(b, off, o);
	if (o->code_type == PCI_CODE_EFI)
		put_efi_payload(b, off, len, o);
	put_pcir(b, off + RB_PCIR_OFF, o);
	if (o->npde)
		put_npde(b, off, o);
	if (o->code_type == PCI_CODE_X86 && !o->nvidia_private)
		rb_balance(b, off, len - 1);
	return off;
}

static struct rb_image_opts public_opts(uint8_t code_type, uint16_t vendor, uint16_t device,
                                        size_t blocks, bool last)
{
	struct rb_image_opts o = {0};
	o.code_type = code_type;
	o.vendor = vendor;
	o.device = device;
	o.blocks = blocks;
	o.last = last;
	o.pcir_revision = 3;
	return o;
}

struct rb_image_opts rb_x86_opts(uint16_t vendor, uint16_t device, size_t blocks, bool last)
{
	return public_opts(0, vendor, device, blocks, last);
}

struct rb_image_opts rb_efi_opts(uint16_t vendor, uint16_t device, size_t blocks, bool last)
{
	return public_opts(3, vendor, device, blocks, last);
}

size_t rb_add_x86(struct rb *b, uint16_t vendor, uint16_t device, size_t blocks, bool last)
{
	struct rb_image_opts o = rb_x86_opts(vendor, device, blocks, last);
	return rb_add_image(b, &o);
}

size_t rb_add_efi(struct rb *b, uint16_t vendor, uint16_t device, size_t blocks, bool last)
{
	struct rb_image_opts o = rb_efi_opts(vendor, device, blocks, last);
	return rb_add_image(b, &o);
}

size_t rb_add_nv_private(struct rb *b, uint16_t device, size_t blocks)
{
	struct rb_image_opts o = {0};
	o.code_type = 0xE0;
	o.vendor = 0x10DE;
	o.device = device;
	o.blocks = blocks;
	o.nvidia_private = true;
	o.npde = true;
	return rb_add_image(b, &o);
}

void rb_nvidia_pascal(struct rb *b, bool nbsi)
{
	struct rb sub;
	struct rb_image_opts o = rb_x86_opts(0x10DE, 0x1BA1, 0x20, false);
	rb_init(b);
	o.npde = true;
	o.npde_blocks = 0x10;
	rb_add_image(b, &o);
	rb_init(&sub);
	rb_add_nv_private(&sub, 0x1B80, 8);
	if (nbsi) {
		memset(&o, 0, sizeof(o));
		o.code_type = 0x70;
		o.vendor = 0x10DE;
		o.blocks = 8;
		o.nvidia_private = true;
		rb_add_image(&sub, &o);
	} else {
		rb_add_nv_private(&sub, 0x1B80, 8);
	}
	assert(sub.len == 0x2000);
	memcpy(b->data + 0x2000, sub.data, sub.len);
	rb_free(&sub);
	rb_balance(b, 0, 0x1FFF); /* the whole umbrella (size byte 0x20) sums to 0 */
	o = rb_efi_opts(0x10DE, 0x1BA1, 4, true);
	o.npde = true;
	rb_add_image(b, &o);
}

void rb_prepend_nvgi(struct rb *b, unsigned version, size_t prefix_len)
{
	struct rb h;
	struct nvgi_header g = {0};
	const struct fmt_field *t = nvgi_fields;
	assert(prefix_len % 4 == 0);
	rb_init(&h);
	rb_append_pattern(&h, prefix_len, 0xC0FFEEu + version);
	g.signature = NVGI_SIG;
	g.version = (uint8_t)version;
	g.rom_offset = (uint32_t)prefix_len;
	if (version == 1 || version == 2) {
		/* Fixed data size 0x10 (reserved low byte 0x42): the extended
		 * section at 0x10 holds the ROM offset. */
		assert(prefix_len >= 0x20);
		g.fixed1 = 0x42u;
		g.fixed_data_size = 0x10;
		g.fixed2 = g.total_data_size = (uint32_t)prefix_len - 0x100u;
		g.subsystem_vendor = 0x1028;
		g.subsystem_device = 0x06D9;
		put_fields(&h, 0, t, NVGI_F_COUNT, &g);
		put_fields(&h, g.fixed_data_size, nvgi_ext_fields, NVGI_EXT_F_COUNT, &g);
	} else {
		/* v3: total data size 0x40 -> flash status offset at 0x40 (0);
		 * the RFRD directory sits 4 KiB after it. The subsystem keeps
		 * the filler. */
		assert(prefix_len >= 0x1100);
		g.fixed1 = 0x65u;
		g.fixed_data_size = 0x24;
		g.fixed2 = g.total_data_size = 0x40u;
		g.flash_status_offset = 0;
		g.rfrd_signature = NVGI_RFRD_SIG;
		g.rfrd_version = 2;
		g.rfrd_size = 0x20;
		put_fields(&h, 0, t, NVGI_F_SUBSYSTEM_VENDOR, &g);
		put_fields(&h, g.total_data_size, nvgi_v3_fields, NVGI_V3_F_COUNT, &g);
		put_fields(&h, (size_t)g.flash_status_offset + NVGI_RFRD_DISTANCE, nvgi_rfrd_fields,
		           RFRD_F_COUNT, &g);
	}
	rb_prepend(b, h.data, h.len);
	rb_free(&h);
}

bool rb_write_file(const struct rb *b, const char *path)
{
	FILE *f = fopen(path, "wb");
	bool ok;
	if (!f)
		return false;
	ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok;
}

void rb_efi_chain(struct rb *b, size_t n, uint16_t vendor, uint16_t device, const uint8_t *driver,
                  size_t len)
{
	rb_init(b);
	for (size_t i = 0; i < n; i++) {
		struct rb_image_opts o = rb_efi_opts(vendor, device, 1, i + 1 == n);
		size_t off;
		o.efi_compression = EFI_COMPRESSION_EFI;
		off = rb_add_image(b, &o);
		if (RB_EFI_PAYLOAD + len <= PCI_ROM_BLOCK)
			memcpy(b->data + off + RB_EFI_PAYLOAD, driver, len);
	}
}
