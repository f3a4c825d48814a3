#include "formats/efi_rom.h"

const struct fmt_field efi_rom_fields[] = {
    {"signature", 0x00, 2},     {"initialization_size", 0x02, 2},
    {"efi_signature", 0x04, 4}, {"subsystem", 0x08, 2},
    {"machine", 0x0A, 2},       {"compression", 0x0C, 2},
    {"image_offset", 0x16, 2},  {"pcir_offset", 0x18, 2},
};
const size_t efi_rom_field_count = sizeof(efi_rom_fields) / sizeof(efi_rom_fields[0]);

bool efi_rom_header_decode(const struct span *s, size_t img, struct efi_rom_header *out)
{
	memset(out, 0, sizeof(*out));
	if (!span_has(s, img, EFI_ROM_HDR_LEN))
		return false;
	(void)span_u16le(s, img + 0x02, &out->init_blocks);
	(void)span_u32le(s, img + 0x04, &out->efi_signature);
	(void)span_u16le(s, img + 0x08, &out->subsystem);
	(void)span_u16le(s, img + 0x0A, &out->machine);
	(void)span_u16le(s, img + 0x0C, &out->compression);
	(void)span_u16le(s, img + 0x16, &out->image_offset);
	(void)span_u16le(s, img + 0x18, &out->pcir_offset);
	return true;
}

bool efi_rom_payload(const struct span *s, size_t img, size_t image_len,
                     const struct efi_rom_header *h, size_t *off, size_t *len)
{
	size_t init = (size_t)h->init_blocks * 512u;
	size_t start, end;
	if (init == 0 || init > image_len)
		init = image_len;
	if (h->image_offset >= init || !size_add(img, h->image_offset, &start) ||
	    !size_add(img, init, &end) || start >= s->len)
		return false;
	if (end > s->len)
		end = s->len;
	*off = start;
	*len = end - start;
	return true;
}

const char *efi_compression_name(uint16_t compression)
{
	switch (compression) {
	case EFI_COMPRESSION_NONE:
		return "none";
	case EFI_COMPRESSION_EFI:
		return "efi";
	default:
		return "unknown";
	}
}
