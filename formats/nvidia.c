#include "formats/nvidia.h"

#include <stdio.h>

const char *nvgi_status_str(enum nvgi_status st)
{
	switch (st) {
	case NVGI_OK:
		return "ok";
	case NVGI_NOT_PRESENT:
		return "no NVGI signature";
	case NVGI_TRUNCATED:
		return "header or its pointer past the end of the file";
	case NVGI_UNSUPPORTED_VERSION:
		return "unsupported IFR version";
	case NVGI_NO_RFRD:
		return "ROM directory (RFRD) not found";
	case NVGI_BAD_ROM_OFFSET:
		return "ROM offset is zero, misaligned or past the end";
	}
	return "unknown";
}

enum nvgi_status nvgi_decode(const struct span *s, struct nvgi_header *out)
{
	uint32_t sig, rom = 0;
	memset(out, 0, sizeof(*out));
	if (!span_u32le(s, 0, &sig))
		return span_has(s, 0, 1) && s->data[0] == 'N' ? NVGI_TRUNCATED : NVGI_NOT_PRESENT;
	if (sig != NVGI_SIG)
		return NVGI_NOT_PRESENT;
	if (!span_u32le(s, 4, &out->fixed1) || !span_u32le(s, 8, &out->fixed2))
		return NVGI_TRUNCATED;
	/* Bits 31 of FIXED1/FIXED2 are reserved and seen both ways: mask them. */
	out->version = (uint8_t)((out->fixed1 >> 8) & 0xFFu);
	out->fixed_data_size = (uint16_t)((out->fixed1 >> 16) & 0x7FFFu);
	out->total_data_size = out->fixed2 & 0xFFFFFu;
	(void)span_u16le(s, 0x0C, &out->subsystem_vendor);
	(void)span_u16le(s, 0x0E, &out->subsystem_device);

	switch (out->version) {
	case 1:
	case 2:
		/* The extended section starts at FIXED_DATA_SIZE; its +4 is the
		 * PCI ROM offset (OpenRM s_romImgFindPciHeader_TU102). */
		if (!span_u32le(s, (size_t)out->fixed_data_size + 4u, &rom))
			return NVGI_TRUNCATED;
		break;
	case 3: {
		size_t dir;
		uint32_t dsig;
		if (!span_u32le(s, out->total_data_size, &out->flash_status_offset))
			return NVGI_TRUNCATED;
		if (!size_add(out->flash_status_offset, NVGI_RFRD_DISTANCE, &dir) ||
		    !span_u32le(s, dir, &dsig))
			return NVGI_TRUNCATED;
		if (dsig != NVGI_RFRD_SIG)
			return NVGI_NO_RFRD;
		out->rfrd_offset = (uint32_t)dir;
		(void)span_u16le(s, dir + 4, &out->rfrd_version);
		(void)span_u16le(s, dir + 6, &out->rfrd_size);
		if (!span_u32le(s, dir + 8, &rom))
			return NVGI_TRUNCATED;
		break;
	}
	default:
		return NVGI_UNSUPPORTED_VERSION;
	}
	out->rom_offset = rom;
	/* OpenRM asserts 4-byte alignment of the image offset. */
	if (rom == 0 || (rom & 3u) != 0 || !span_has(s, rom, 2))
		return NVGI_BAD_ROM_OFFSET;
	return NVGI_OK;
}

const struct fmt_field npde_fields[] = {
    {"signature", 0x00, 4},       {"revision", 0x04, 2},        {"length", 0x06, 2},
    {"subimage_length", 0x08, 2}, {"priv_last_image", 0x0A, 1}, {"flags", 0x0B, 1},
};
const size_t npde_field_count = sizeof(npde_fields) / sizeof(npde_fields[0]);

bool npde_decode(const struct span *s, size_t img, uint16_t pcir_offset, uint16_t pcir_length,
                 struct npde *out)
{
	size_t rel = ((size_t)pcir_offset + pcir_length + 0xFu) & ~(size_t)0xFu;
	size_t abs;
	uint32_t sig;
	memset(out, 0, sizeof(*out));
	if (!size_add(img, rel, &abs) || !span_u32le(s, abs, &sig) || sig != NPDE_SIG)
		return false;
	if (!span_u16le(s, abs + 4, &out->revision) || !span_u16le(s, abs + 6, &out->length) ||
	    !span_u16le(s, abs + 8, &out->subimage_blocks))
		return false;
	out->offset = rel;
	/* OpenRM reads the last flag only when the extension's own length
	 * covers it; nouveau reads it regardless. Keep both facts. */
	out->has_last = out->length >= 0x0B && span_u8(s, abs + 0x0A, &out->priv_last);
	out->has_flags = out->length >= 0x0C && span_u8(s, abs + 0x0B, &out->flags);
	if (!out->has_last)
		(void)span_u8(s, abs + 0x0A, &out->priv_last);
	out->has_gop_version = out->length >= 0x10 && span_u32le(s, abs + 0x0C, &out->gop_version);
	return true;
}

/* BIT header: FF B8 "BIT\0", then BCD version, header size, token size,
 * token count, checksum (BIT spec; envytools searches these 7 bytes). */
static const uint8_t bit_signature[] = {0xFF, 0xB8, 'B', 'I', 'T', 0x00};

bool nv_bios_version(const struct span *s, size_t img, size_t len, char *out, size_t cap)
{
	struct span image;
	size_t bit = SIZE_MAX;
	uint8_t hdr_size, tok_size, tok_count;
	if (cap)
		out[0] = '\0';
	if (!span_sub(s, img, len, &image) || image.len < sizeof(bit_signature))
		return false;
	for (size_t i = 0; i + sizeof(bit_signature) <= image.len; i++) {
		if (span_eq(&image, i, bit_signature, sizeof(bit_signature))) {
			bit = i;
			break;
		}
	}
	if (bit == SIZE_MAX || !span_u8(&image, bit + 8, &hdr_size) ||
	    !span_u8(&image, bit + 9, &tok_size) || !span_u8(&image, bit + 10, &tok_count) ||
	    tok_size < 6)
		return false;
	for (unsigned t = 0; t < tok_count; t++) {
		size_t tok = bit + hdr_size + (size_t)t * tok_size;
		uint8_t id;
		uint16_t ptr, dsize;
		uint32_t ver;
		uint8_t oem;
		if (!span_u8(&image, tok, &id) || !span_u16le(&image, tok + 2, &dsize) ||
		    !span_u16le(&image, tok + 4, &ptr))
			return false;
		if (id != 'B' || dsize < 5)
			continue;
		/* Token pointers are relative to the PCI ROM start (image 0). */
		if (!span_u32le(&image, ptr, &ver) || !span_u8(&image, (size_t)ptr + 4, &oem))
			return false;
		(void)snprintf(out, cap, "%02X.%02X.%02X.%02X.%02X", (unsigned)(ver >> 24) & 0xFF,
		               (unsigned)(ver >> 16) & 0xFF, (unsigned)(ver >> 8) & 0xFF,
		               (unsigned)ver & 0xFF, (unsigned)oem);
		return true;
	}
	return false;
}
