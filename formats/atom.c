#include "formats/atom.h"

#include "formats/decode_count.h"

#define FMT_PREFIX ATOM
#define FMT_TYPE   struct atom_info
FMT_DEFINE(ATOM_FIELDS, atom_fields);
FMT_TEXT_DEFINE(ATOM_TEXT_FIELDS, atom_text_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_HDR
#define FMT_TYPE   struct atom_hdr
FMT_DEFINE(ATOM_HDR_FIELDS, atom_hdr_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

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

void atom_rom_header_decode(const struct span *image, uint16_t at, struct atom_info *out)
{
	FMT_COUNT(FMT_DEC_ATOM_ROM_HEADER, image->data, at);
	out->rom_header = at;
	out->rom_header_ok = out->hdr_ok = false;
	memset(&out->hdr, 0, sizeof(out->hdr));
	if (at == 0)
		return;
	/* Every revision has the fields before the PSP pointer; v2.2 adds it
	 * (structure_size 0x28). A field past the end reads as 0. */
	out->hdr_ok = fmt_decode(image, at, atom_hdr_fields, ATOM_HDR_F_PSP_DIR, &out->hdr);
	if (out->hdr_ok && out->hdr.structure_size >= fmt_extent(atom_hdr_fields, ATOM_HDR_F_COUNT))
		(void)fmt_decode(image, at, &atom_hdr_fields[ATOM_HDR_F_PSP_DIR], 1, &out->hdr);
	/* Unlike amdgpu's check_atom_bios, require all four signature bytes
	 * to be inside the image (formats 4.6 off-by-one note): a signature
	 * that straddles the end was read as 0. */
	out->rom_header_ok =
	    out->hdr.signature == ATOM_SIG_ATOM || out->hdr.signature == ATOM_SIG_MOTA;
}

bool atom_detect(const struct span *s, size_t img, size_t len, struct atom_info *out)
{
	struct span image;
	FMT_COUNT(FMT_DEC_ATOM, s->data, img);
	memset(out, 0, sizeof(*out));
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	out->magic_ok = span_eq(&image, ATOM_MAGIC_OFF, atom_magic, sizeof(atom_magic) - 1);
	if (!out->magic_ok)
		return false;
	(void)fmt_decode(&image, 0, atom_fields, ATOM_F_COUNT, out);
	atom_rom_header_decode(&image, out->rom_header, out);
	/* Part number: string 0 of the table at u16[0x6E] when the count at
	 * 0x2F is non-zero, else the fixed offset 0x80 (atom_get_vbios_pn). */
	if (span_has(&image, ATOM_OFF_STRING_COUNT, 1) &&
	    span_has(&image, ATOM_OFF_STRING_PTR, 2)) {
		size_t at = out->string_count != 0 ? out->string_ptr : ATOM_PART_NUMBER;
		uint8_t first;
		if (span_u8(&image, at, &first) && first == 0)
			at++; /* amdgpu skips one leading NUL */
		copy_printable(&image, at, 43, out->part_number, sizeof(out->part_number));
	}
	copy_printable(&image, ATOM_BUILD_DATE_OFF, 18, out->build_date, sizeof(out->build_date));
	return true;
}
