#include "formats/efi_rom.h"

#include "formats/decode_count.h"

#define FMT_PREFIX EFI_ROM
#define FMT_TYPE   struct efi_rom_header
FMT_DEFINE(EFI_ROM_FIELDS, efi_rom_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

bool efi_rom_header_decode(const struct span *s, size_t img, struct efi_rom_header *out)
{
	FMT_COUNT(FMT_DEC_EFI_ROM_HEADER, s->data, img);
	memset(out, 0, sizeof(*out));
	if (!span_has(s, img, EFI_ROM_HDR_LEN))
		return false;
	return fmt_decode(s, img, efi_rom_fields, EFI_ROM_F_COUNT, out);
}

bool efi_rom_payload(const struct span *s, size_t img, size_t image_len,
                     const struct efi_rom_header *h, size_t *off, size_t *len)
{
	size_t init = (size_t)h->init_blocks * 512u;
	size_t start, end;
	FMT_COUNT(FMT_DEC_EFI_PAYLOAD, s->data, img);
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
