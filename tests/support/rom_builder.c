#include "tests/support/rom_builder.h"

#include "tests/support/bytes.h"
#include "tests/support/efi_encode.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	size_t n = (size_t)b->data[off + 2] * 512u;
	uint8_t s;
	b->data[off + rel] = 0;
	s = rb_sum(b, off, n);
	b->data[off + rel] = (uint8_t)(0x100u - s);
}

/* A minimal PE32+ driver: "MZ", e_lfanew 0x40, "PE\0\0", a COFF header
 * and a 0xF0-byte optional header (magic 0x20B, subsystem), no sections.
 * Enough for the analyzer's PE checks (formats-pci-amd-efi.md 2.3). */
size_t rb_make_pe(uint8_t *out, size_t cap, uint16_t machine, uint16_t subsystem)
{
	const size_t len = 0x40 + 4 + 20 + 0xF0;
	if (cap < len)
		return 0;
	memset(out, 0, len);
	out[0] = 'M';
	out[1] = 'Z';
	out[0x3C] = 0x40;
	memcpy(out + 0x40, "PE\0\0", 4);
	out[0x44] = (uint8_t)machine;
	out[0x45] = (uint8_t)(machine >> 8);
	out[0x54] = 0xF0; /* SizeOfOptionalHeader */
	out[0x56] = 0x22; /* executable, large-address aware */
	out[0x58] = 0x0B; /* magic 0x20B */
	out[0x59] = 0x02;
	out[0x58 + 56] = 0x00; /* SizeOfImage 0x1000 */
	out[0x58 + 57] = 0x10;
	out[0x58 + 68] = (uint8_t)subsystem;
	out[0x58 + 108] = 16; /* NumberOfRvaAndSizes */
	return len;
}

size_t rb_make_pe_driver(uint8_t *b, bool plus)
{
	const size_t lfanew = 0x40, coff = lfanew + 4, opt = coff + 20;
	const uint16_t soh = plus ? 0xF0 : 0xE0;
	const size_t sec = opt + soh;
	memset(b, 0, RB_PE_DRIVER_LEN);
	b[0] = 'M';
	b[1] = 'Z';
	tb_put32(b, 0x3C, (uint32_t)lfanew);
	memcpy(b + lfanew, "PE\0\0", 4);
	tb_put16(b, coff, plus ? 0x8664 : 0x014C);
	tb_put16(b, coff + 2, 1);
	tb_put16(b, coff + 16, soh);
	tb_put16(b, coff + 18, 0x2022);
	tb_put16(b, opt, plus ? 0x20B : 0x10B);
	tb_put32(b, opt + 16, 0x200);
	tb_put32(b, opt + 32, 0x20);
	tb_put32(b, opt + 36, 0x20);
	tb_put32(b, opt + 56, 0x400);
	tb_put32(b, opt + 60, 0x200);
	tb_put16(b, opt + 68, 11);
	tb_put32(b, opt + (plus ? 108 : 92), 16);
	memcpy(b + sec, ".text", 5);
	tb_put32(b, sec + 8, 0x200);
	tb_put32(b, sec + 12, 0x200);
	tb_put32(b, sec + 16, 0x200);
	tb_put32(b, sec + 20, 0x200);
	tb_put32(b, sec + 36, 0x60000020);
	return RB_PE_DRIVER_LEN;
}

void rb_make_te(uint8_t *out, uint16_t machine, uint8_t sections, uint8_t subsystem,
                uint16_t stripped, uint32_t entry)
{
	out[0] = 'V';
	out[1] = 'Z';
	tb_put16(out, 2, machine);
	out[4] = sections;
	out[5] = subsystem;
	tb_put16(out, 6, stripped);
	tb_put32(out, 8, entry);
}

/* The driver payload of an EFI image at off + 0x50: the minimal PE, raw or
 * EFI-compressed (literal-only stream, tests/support/efi_encode.h). */
static void put_efi_payload(struct rb *b, size_t off, size_t len, const struct rb_image_opts *o)
{
	uint8_t pe[0x200], z[0x400];
	size_t n = rb_make_pe(pe, sizeof(pe), o->efi_machine ? o->efi_machine : 0x8664,
	                      o->efi_subsystem ? o->efi_subsystem : 11);
	if (o->efi_compression == 1) {
		size_t zn = efi_encode_literal(pe, n, 4, z, sizeof(z));
		if (zn > 0 && 0x50 + zn <= len)
			memcpy(b->data + off + 0x50, z, zn);
	} else if (0x50 + n <= len) {
		memcpy(b->data + off + 0x50, pe, n);
	}
}

size_t rb_add_image(struct rb *b, const struct rb_image_opts *o)
{
	size_t off = b->len;
	size_t len = o->blocks * 512u;
	bool efi = o->code_type == 3;
	size_t pcir = 0x1C;
	uint16_t plen = o->pcir_revision == 3 ? 0x1C : 0x18;
	assert(o->blocks > 0 && o->blocks <= 0xFFFF);
	rb_append_pattern(b, len, 0x1234u + (uint32_t)off + o->fill);
	memset(b->data + off, 0, 0x1C);
	if (o->nvidia_private) {
		b->data[off] = 'V';
		b->data[off + 1] = 'N';
	} else {
		b->data[off] = 0x55;
		b->data[off + 1] = 0xAA;
	}
	if (efi) {
		rb_put16(b, off + 2, (uint16_t)o->blocks); /* InitializationSize */
		rb_put32(b, off + 4, 0x0EF1);
		rb_put16(b, off + 8, o->efi_subsystem ? o->efi_subsystem : 11);
		rb_put16(b, off + 0x0A, o->efi_machine ? o->efi_machine : 0x8664);
		rb_put16(b, off + 0x0C, o->efi_compression);
		rb_put16(b, off + 0x16, 0x50); /* payload offset */
		put_efi_payload(b, off, len, o);
	} else {
		b->data[off + 2] = (uint8_t)(o->blocks > 0xFF ? 0xFF : o->blocks);
		b->data[off + 3] = 0xE9; /* near JMP, as legacy images start */
	}
	rb_put16(b, off + 0x18, (uint16_t)pcir);
	memset(b->data + off + pcir, 0, 0x30);
	memcpy(b->data + off + pcir, o->nvidia_private ? "NPDS" : "PCIR", 4);
	rb_put16(b, off + pcir + 4, o->vendor);
	rb_put16(b, off + pcir + 6, o->device);
	rb_put16(b, off + pcir + 0x0A, plen);
	b->data[off + pcir + 0x0C] = o->pcir_revision;
	b->data[off + pcir + 0x0F] = 0x03; /* display controller */
	rb_put16(b, off + pcir + 0x10, (uint16_t)o->blocks);
	b->data[off + pcir + 0x14] = o->code_type;
	b->data[off + pcir + 0x15] = o->last ? 0x80 : 0x00;
	if (o->npde) {
		size_t npde = (pcir + plen + 0xF) & ~(size_t)0xF;
		memcpy(b->data + off + npde, "NPDE", 4);
		rb_put16(b, off + npde + 4, 0x0101);
		rb_put16(b, off + npde + 6, 0x14);
		rb_put16(b, off + npde + 8,
		         (uint16_t)(o->npde_blocks ? o->npde_blocks : o->blocks));
		b->data[off + npde + 0x0A] = o->npde_last ? 0x80 : 0x00;
		b->data[off + npde + 0x0B] = 0x01;
	}
	if (o->code_type == 0 && !o->nvidia_private)
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

void rb_prepend_nvgi(struct rb *b, unsigned version, size_t prefix_len)
{
	struct rb h;
	assert(prefix_len % 4 == 0);
	rb_init(&h);
	rb_append_pattern(&h, prefix_len, 0xC0FFEEu + version);
	memcpy(h.data, "NVGI", 4);
	if (version == 1 || version == 2) {
		/* FIXED1: bits 30:16 fixed data size 0x10, bits 15:8 version;
		 * the extended section's +4 holds the ROM offset. */
		assert(prefix_len >= 0x20);
		rb_put32(&h, 4, (0x10u << 16) | (version << 8) | 0x42u);
		rb_put32(&h, 8, (uint32_t)prefix_len - 0x100u);
		rb_put32(&h, 0x0C, 0x06D91028u);
		rb_put32(&h, 0x14, (uint32_t)prefix_len);
	} else {
		/* v3: total data size 0x40 -> flash status offset at 0x40;
		 * the RFRD directory sits 4 KiB after it and holds the ROM
		 * offset at +8. */
		assert(prefix_len >= 0x1100);
		rb_put32(&h, 4, (0x24u << 16) | (3u << 8) | 0x65u);
		rb_put32(&h, 8, 0x40u);
		rb_put32(&h, 0x40, 0x0);
		memcpy(h.data + 0x1000, "RFRD", 4);
		rb_put16(&h, 0x1004, 2);
		rb_put16(&h, 0x1006, 0x20);
		rb_put32(&h, 0x1008, (uint32_t)prefix_len);
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
