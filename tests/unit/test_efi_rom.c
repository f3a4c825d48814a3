/* formats/efi_rom.[ch]: the EFI PCI expansion ROM header (EFI 1.10 table
 * 12-17), built by hand here and by the ROM builder. */
#include "formats/efi_rom.h"
#include "tests/support/bytes.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* A 0x1A-byte header with every field distinct, at image offset img. */
static void put_header(uint8_t *p)
{
	memset(p, 0, EFI_ROM_HDR_LEN);
	p[0] = 0x55;
	p[1] = 0xAA;
	p[2] = 0x34; /* InitializationSize 0x0134: byte 3 non-zero on purpose */
	p[3] = 0x01;
	p[4] = 0xF1; /* EfiSignature 0x00000EF1 */
	p[5] = 0x0E;
	p[8] = 0x0C;    /* subsystem: runtime driver */
	p[0x0A] = 0x64; /* machine 0xAA64 */
	p[0x0B] = 0xAA;
	p[0x0C] = 0x01; /* compressed */
	p[0x16] = 0x4C; /* payload at 0x4C */
	p[0x18] = 0x1C; /* PCIR at 0x1C */
}

Test(efi_rom, decodes_every_field)
{
	uint8_t p[EFI_ROM_HDR_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct efi_rom_header h;
	put_header(p);
	cr_assert(efi_rom_header_decode(&s, 0, &h));
	cr_assert_eq(h.init_blocks, 0x0134);
	cr_assert_eq(h.efi_signature, EFI_ROM_SIGNATURE);
	cr_assert_eq(h.subsystem, 0x0C);
	cr_assert_eq(h.machine, 0xAA64);
	cr_assert_eq(h.compression, EFI_COMPRESSION_EFI);
	cr_assert_eq(h.image_offset, 0x4C);
	cr_assert_eq(h.pcir_offset, 0x1C);
}

/* 0x19 bytes are one short of the header: failure and a zeroed result. */
Test(efi_rom, truncation_boundary_at_every_length)
{
	uint8_t full[EFI_ROM_HDR_LEN] = {0};
	put_header(full);
	for (size_t n = 0; n <= EFI_ROM_HDR_LEN; n++) {
		uint8_t *p = tb_exact_copy(full, n);
		struct span s;
		struct efi_rom_header h;
		bool ok;
		s = span_make(p, n);
		memset(&h, 0xEE, sizeof(h));
		ok = efi_rom_header_decode(&s, 0, &h);
		cr_assert_eq(ok, n == EFI_ROM_HDR_LEN, "length %zu", n);
		if (!ok) {
			cr_assert_eq(h.efi_signature, 0);
			cr_assert_eq(h.pcir_offset, 0);
			cr_assert_eq(h.init_blocks, 0);
		}
		free(p);
	}
}

Test(efi_rom, image_offset_inside_a_file)
{
	uint8_t p[0x200 + EFI_ROM_HDR_LEN] = {0};
	struct span s = span_make(p, sizeof(p));
	struct efi_rom_header h;
	memset(p, 0xFF, sizeof(p));
	put_header(p + 0x200);
	cr_assert(efi_rom_header_decode(&s, 0x200, &h));
	cr_assert_eq(h.machine, 0xAA64);
	cr_assert_not(efi_rom_header_decode(&s, 0x201, &h));
	cr_assert_not(efi_rom_header_decode(&s, SIZE_MAX, &h));
}

Test(efi_rom, builder_image_reads_back)
{
	struct rb b;
	struct span s;
	struct efi_rom_header h;
	struct rb_image_opts o = rb_efi_opts(0x8086, 0x56a0, 6, true);
	rb_init(&b);
	o.efi_machine = 0x014C;
	o.efi_subsystem = 10;
	o.efi_compression = 1;
	rb_add_x86(&b, 0x8086, 0x56a0, 2, false);
	size_t off = rb_add_image(&b, &o);
	s = span_make(b.data, b.len);
	cr_assert_eq(off, 0x400);
	cr_assert(efi_rom_header_decode(&s, off, &h));
	cr_assert_eq(h.init_blocks, 6);
	cr_assert_eq(h.efi_signature, 0x0EF1);
	cr_assert_eq(h.subsystem, 10);
	cr_assert_eq(h.machine, 0x014C);
	cr_assert_eq(h.compression, 1);
	cr_assert_eq(h.image_offset, 0x50);
	cr_assert_eq(h.pcir_offset, 0x1C);
	rb_free(&b);
}

Test(efi_rom, compression_names)
{
	cr_assert_str_eq(efi_compression_name(0), "none");
	cr_assert_str_eq(efi_compression_name(1), "efi");
	cr_assert_str_eq(efi_compression_name(2), "unknown");
	cr_assert_str_eq(efi_compression_name(0xFFFF), "unknown");
}

/* The driver payload: [img + image_offset, img + init size), clipped to
 * the bytes; every boundary of it. */
Test(efi_rom, payload_range_and_its_boundaries)
{
	struct efi_rom_header h;
	static uint8_t buf[0x2000];
	struct span s = span_make(buf, sizeof(buf));
	size_t off, len;
	memset(&h, 0, sizeof(h));
	h.init_blocks = 4;
	h.image_offset = 0x50;
	cr_assert(efi_rom_payload(&s, 0x400, 4 * 512, &h, &off, &len));
	cr_assert_eq(off, 0x450);
	cr_assert_eq(len, 4 * 512 - 0x50);
	/* init size 0 or past the image: the image length */
	h.init_blocks = 0;
	cr_assert(efi_rom_payload(&s, 0x400, 2 * 512, &h, &off, &len));
	cr_assert_eq(len, 2 * 512 - 0x50);
	h.init_blocks = 9;
	cr_assert(efi_rom_payload(&s, 0x400, 2 * 512, &h, &off, &len));
	cr_assert_eq(len, 2 * 512 - 0x50);
	/* image offset at the init size: no payload; one below: one byte */
	h.init_blocks = 1;
	h.image_offset = 512;
	cr_assert_not(efi_rom_payload(&s, 0x400, 4 * 512, &h, &off, &len));
	h.image_offset = 511;
	cr_assert(efi_rom_payload(&s, 0x400, 4 * 512, &h, &off, &len));
	cr_assert_eq(len, 1);
	/* clipped at the end of the bytes; nothing when it starts past them */
	h.init_blocks = 4;
	h.image_offset = 0x50;
	cr_assert(efi_rom_payload(&s, sizeof(buf) - 0x100, 4 * 512, &h, &off, &len));
	cr_assert_eq(off + len, sizeof(buf));
	cr_assert_not(efi_rom_payload(&s, sizeof(buf) - 0x50, 4 * 512, &h, &off, &len));
	cr_assert_not(efi_rom_payload(&s, SIZE_MAX - 0x10, 4 * 512, &h, &off, &len));
}
