#include "formats/atom.h"

static const char atom_magic[] = " 761295520";

static void copy_printable(const struct span *s, size_t off, size_t max, char *out, size_t cap)
{
	size_t n = 0;
	while (n < max && n + 1 < cap) {
		uint8_t c;
		if (!span_u8(s, off + n, &c) || c < 0x20 || c > 0x7A)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

bool atom_detect(const struct span *s, size_t img, size_t len, struct atom_info *out)
{
	struct span image;
	uint8_t nstrings;
	uint16_t strings;
	memset(out, 0, sizeof(*out));
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	out->magic_ok = span_eq(&image, ATOM_MAGIC_OFF, atom_magic, sizeof(atom_magic) - 1);
	if (!out->magic_ok)
		return false;
	if (span_u16le(&image, ATOM_ROM_HEADER_PTR, &out->rom_header) && out->rom_header != 0) {
		/* Unlike amdgpu's check_atom_bios, require all four signature
		 * bytes to be inside the image (formats 4.6 off-by-one note). */
		out->rom_header_ok = span_eq(&image, (size_t)out->rom_header + 4, "ATOM", 4) ||
		                     span_eq(&image, (size_t)out->rom_header + 4, "MOTA", 4);
		(void)span_u8(&image, (size_t)out->rom_header + 2, &out->table_format_rev);
		(void)span_u8(&image, (size_t)out->rom_header + 3, &out->table_content_rev);
		(void)span_u16le(&image, (size_t)out->rom_header + 0x18, &out->subsystem_vendor);
		(void)span_u16le(&image, (size_t)out->rom_header + 0x1A, &out->subsystem_id);
	}
	/* Part number: string 0 of the table at u16[0x6E] when the count at
	 * 0x2F is non-zero, else the fixed offset 0x80 (atom_get_vbios_pn). */
	if (span_u8(&image, ATOM_STRING_COUNT, &nstrings) &&
	    span_u16le(&image, ATOM_STRING_PTR, &strings)) {
		size_t at = nstrings != 0 ? strings : 0x80u;
		uint8_t first;
		if (span_u8(&image, at, &first) && first == 0)
			at++; /* amdgpu skips one leading NUL */
		copy_printable(&image, at, 43, out->part_number, sizeof(out->part_number));
	}
	copy_printable(&image, 0x50, 18, out->build_date, sizeof(out->build_date));
	return true;
}
