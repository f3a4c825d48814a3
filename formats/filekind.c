#include "formats/filekind.h"

#include <string.h>

const char *file_kind_name(enum file_kind k)
{
#define FILE_KIND_NAME_(NAME, str) str,
	static const char *const names[FILE_KIND_COUNT] = {FILE_KINDS(FILE_KIND_NAME_)};
#undef FILE_KIND_NAME_
	return (unsigned)k < FILE_KIND_COUNT ? names[k] : "unknown";
}

static bool starts(const struct span *s, const void *magic, size_t n)
{
	return span_has(s, 0, n) && memcmp(s->data, magic, n) == 0;
}

/* "MZ" alone is two letters a text or a ROM may start with: require the
 * PE header e_lfanew points to (PE/COFF spec, "MS-DOS Stub"). */
static bool is_pe(const struct span *s)
{
	uint32_t lfanew;
	size_t at;
	if (!starts(s, "MZ", 2) || !span_u32le(s, 0x3C, &lfanew))
		return false;
	at = lfanew;
	return span_has(s, at, 4) && memcmp(s->data + at, "PE\0\0", 4) == 0;
}

static bool is_text(const struct span *s)
{
	size_t n = s->len < FILEKIND_TEXT_PROBE ? s->len : FILEKIND_TEXT_PROBE;
	size_t i = 0;
	if (n == 0)
		return false;
	while (i < n) {
		uint8_t c = s->data[i];
		size_t more;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
			     c != 0x1b) ||
			    c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			more = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			more = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			more = 3;
		else
			return false; /* a continuation byte first, or never valid (C0, C1, F5-FF)
			               */
		for (size_t k = 1; k <= more; k++) {
			if (i + k >= n)
				return i + k >= FILEKIND_TEXT_PROBE; /* cut by the probe's end */
			if ((s->data[i + k] & 0xC0) != 0x80)
				return false;
		}
		i += more + 1;
	}
	return true;
}

enum file_kind file_kind_sniff(const struct span *s)
{
	static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF};
	static const uint8_t elf[] = {0x7F, 'E', 'L', 'F'};
	static const uint8_t xz[] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
	static const uint8_t sevenzip[] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
	static const uint8_t zstd[] = {0x28, 0xB5, 0x2F, 0xFD};
	static const uint8_t fdt[] = {0xD0, 0x0D, 0xFE, 0xED};
	uint8_t b3;
	if (starts(s, png, sizeof(png)))
		return FILE_KIND_PNG;
	if (starts(s, jpeg, sizeof(jpeg)))
		return FILE_KIND_JPEG;
	if (starts(s, "GIF87a", 6) || starts(s, "GIF89a", 6))
		return FILE_KIND_GIF;
	if (starts(s, "II*\0", 4) || starts(s, "MM\0*", 4))
		return FILE_KIND_TIFF;
	if (starts(s, "RIFF", 4) && span_has(s, 8, 4))
		return FILE_KIND_RIFF;
	if (starts(s, "%PDF-", 5))
		return FILE_KIND_PDF;
	if (starts(s, elf, sizeof(elf)))
		return FILE_KIND_ELF;
	if (is_pe(s))
		return FILE_KIND_PE;
	if (starts(s, xz, sizeof(xz)))
		return FILE_KIND_XZ;
	if (starts(s, "BZh", 3) && span_u8(s, 3, &b3) && b3 >= '1' && b3 <= '9')
		return FILE_KIND_BZIP2;
	if (starts(s, sevenzip, sizeof(sevenzip)))
		return FILE_KIND_SEVENZIP;
	if (starts(s, zstd, sizeof(zstd)))
		return FILE_KIND_ZSTD;
	if (starts(s, fdt, sizeof(fdt)))
		return FILE_KIND_FDT;
	if (is_text(s))
		return FILE_KIND_TEXT;
	return FILE_KIND_UNKNOWN;
}
