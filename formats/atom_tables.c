#include "formats/atom_tables.h"

#include "formats/decode_count.h"
#include "formats/pci_rom.h"

#include <stdio.h>

#define FMT_PREFIX ATOM_TABLE
#define FMT_TYPE   struct atom_table
FMT_DEFINE(ATOM_TABLE_FIELDS, atom_table_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_PSP
#define FMT_TYPE   struct atom_psp
FMT_DEFINE(ATOM_PSP_FIELDS, atom_psp_fields);
#undef FMT_TYPE
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_EXT
#define FMT_TYPE   struct atom_ext
FMT_TEXT_DEFINE(ATOM_EXT_TEXT_FIELDS, atom_ext_text_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define ATOM_VERSION_LEN     32u   /* amdgpu atom_get_vbios_version */
#define ATOM_SEARCH_FALLBACK 1024u /* amdgpu: [3, 1024] when the range is empty */

struct atom_names {
	const char *atombios, *atomfirmware;
};

#define ATOM_NAME_ROW_(i, v1, v2) [i] = {v1, v2},
static const struct atom_names command_names[] = {ATOM_COMMAND_TABLE_NAMES(ATOM_NAME_ROW_)};
static const struct atom_names data_names[] = {ATOM_DATA_TABLE_NAMES(ATOM_NAME_ROW_)};
#undef ATOM_NAME_ROW_

const char *atom_table_name(enum atom_master_kind kind, uint8_t format_rev, unsigned index)
{
	const struct atom_names *t = kind == ATOM_MASTER_COMMAND ? command_names : data_names;
	size_t n = kind == ATOM_MASTER_COMMAND ? sizeof(command_names) / sizeof(command_names[0])
	                                       : sizeof(data_names) / sizeof(data_names[0]);
	if (index >= n)
		return NULL;
	return format_rev >= 2 ? t[index].atomfirmware : t[index].atombios;
}

/* A NUL-terminated string at off of at most max characters, printable
 * ASCII only; returns the offset just past its NUL (or past what was read). */
static size_t read_cstr(const struct span *s, size_t off, size_t max, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	for (; i < max; i++) {
		uint8_t c;
		if (!span_u8(s, off + i, &c))
			break;
		if (c == 0) {
			i++;
			break;
		}
		if (n + 1 < cap && c >= 0x20 && c <= 0x7E)
			out[n++] = (char)c;
	}
	if (cap)
		out[n] = '\0';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	return off + i;
}

static void decode_master(const struct span *img, uint16_t off, size_t max, struct atom_master *m)
{
	uint32_t prev = 0, wrap = 0;
	memset(m, 0, sizeof(*m));
	if (off == 0 || !fmt_decode(img, off, atom_table_fields, ATOM_TABLE_F_COUNT, &m->hdr))
		return;
	m->present = true;
	m->offset = off;
	m->hdr.offset = off;
	m->hdr.ok = span_has(img, off, m->hdr.size);
	m->n_slots = m->hdr.size >= 4 ? (unsigned)(m->hdr.size - 4u) / 2u : 0;
	for (unsigned i = 0; i < m->n_slots && m->n < max; i++) {
		uint16_t p;
		struct atom_table *t = &m->tables[m->n];
		if (!span_u16le(img, (size_t)off + 4 + 2u * i, &p))
			break;
		if (p == 0)
			continue;
		/* AtomDis get_table_offset: in images past 64 KiB a smaller
		 * offset than the one before has wrapped around. */
		if (p + wrap < prev && img->len > 0x10000u)
			wrap += 0x10000u;
		t->index = (uint8_t)i;
		t->offset = p + wrap;
		prev = t->offset;
		t->ok = fmt_decode(img, t->offset, atom_table_fields, ATOM_TABLE_F_COUNT, t) &&
		        t->size >= 4 && span_has(img, t->offset, t->size);
		if (!t->ok)
			m->n_bad++;
		m->n++;
	}
}

/* coreboot amdfwtool fletcher32 over 16-bit little-endian words. */
static bool fletcher32(const struct span *s, size_t off, size_t len, uint32_t *out)
{
	uint32_t c0 = 0xFFFF, c1 = 0xFFFF;
	size_t words = len / 2;
	if (!span_has(s, off, len))
		return false;
	while (words) {
		size_t n = words >= 359 ? 359 : words;
		words -= n;
		while (n--) {
			uint16_t w;
			(void)span_u16le(s, off, &w);
			off += 2;
			c0 += w;
			c1 += c0;
		}
		c0 = (c0 & 0xFFFF) + (c0 >> 16);
		c1 = (c1 & 0xFFFF) + (c1 >> 16);
	}
	c0 = (c0 & 0xFFFF) + (c0 >> 16);
	c1 = (c1 & 0xFFFF) + (c1 >> 16);
	*out = c1 << 16 | c0;
	return true;
}

static void decode_psp(const struct span *img, uint32_t off, struct atom_psp *p)
{
	uint32_t sum;
	memset(p, 0, sizeof(*p));
	if (off == 0 || !fmt_decode(img, off, atom_psp_fields, ATOM_PSP_F_COUNT, p) ||
	    p->cookie != ATOM_PSP_SIG)
		return;
	p->present = true;
	p->offset = off;
	if (p->entries <= ATOM_PSP_MAX_ENTRIES &&
	    fletcher32(img, (size_t)off + 8, 8 + (size_t)p->entries * ATOM_PSP_ENTRY_LEN, &sum)) {
		p->checksum_known = true;
		p->checksum_ok = sum == p->checksum;
	}
}

/* The bytes after "ATOMBIOSBK-AMD VER" within [from, to). */
static void find_version(const struct span *img, size_t from, size_t to, char *out, size_t cap)
{
	size_t tag = sizeof(ATOM_VERSION_TAG) - 1;
	if (to > img->len)
		to = img->len;
	for (size_t i = from; i + tag <= to; i++)
		if (span_eq(img, i, ATOM_VERSION_TAG, tag)) {
			(void)read_cstr(img, i + tag, ATOM_VERSION_LEN, out, cap);
			return;
		}
}

bool atom_ext_decode(const struct span *s, size_t img, size_t len, const struct atom_info *atom,
                     struct atom_ext *out)
{
	struct span image;
	const struct atom_hdr *h = &atom->hdr;
	uint16_t rom_header = atom->rom_header, strings = atom->string_ptr;
	uint8_t count = atom->string_count, size_byte = 0;
	FMT_COUNT(FMT_DEC_ATOM_TABLES, s->data, img);
	memset(out, 0, sizeof(*out));
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	/* The legacy checksum: byte 2 x 512 bytes of this image only (PBE,
	 * upp, yaabe); the GOP image after it is not covered. */
	if (span_u8(&image, PCI_ROM_HDR_OFF_SIZE, &size_byte)) {
		size_t n = (size_t)size_byte * 512u;
		out->checksum_length = (uint32_t)n;
		out->checksum_complete = span_has(&image, 0, n);
		(void)span_sum8(&image, 0, out->checksum_complete ? n : image.len,
		                &out->checksum_sum);
	}
	/* Strings: N at 0x2F, table at u16[0x6E] (atom_detect read both; 0
	 * when outside the image); then 0D 0A and the name. */
	if (count != 0 && strings != 0) {
		size_t at = strings;
		uint8_t c0, c1;
		/* The table as it is: an empty first string stays empty (the MSI
		 * Armor RX 580 in the corpus), where amdgpu's part number skips
		 * the NUL and reads the ASIC string (atom_info.part_number). */
		for (unsigned i = 0; i < count && i < ATOM_MAX_STRINGS; i++)
			at = read_cstr(&image, at, ATOM_STRING_LEN, out->strings[i],
			               sizeof(out->strings[i]));
		out->n_strings = count < ATOM_MAX_STRINGS ? count : ATOM_MAX_STRINGS;
		if (count <= ATOM_MAX_STRINGS && span_u8(&image, at, &c0) &&
		    span_u8(&image, at + 1, &c1) && c0 == '\r' && c1 == '\n')
			at = read_cstr(&image, at + 2, 63, out->name, sizeof(out->name));
		if (at > strings && at - strings <= UINT16_MAX) {
			out->strings_offset = strings;
			out->strings_length = (uint16_t)(at - strings);
		}
	}
	if (!atom->hdr_ok)
		return false;
	/* Version: amdgpu searches [u16@0x6E, rom header) else [3, 1024]. */
	if (strings != 0 && rom_header > strings)
		find_version(&image, strings, rom_header, out->version, sizeof(out->version));
	else
		find_version(&image, 3, ATOM_SEARCH_FALLBACK, out->version, sizeof(out->version));
	/* Build (amdgpu atom_get_vbios_build): config file name, change
	 * list, then the build string, all before the ROM header. */
	if (h->config_filename != 0 && h->config_filename < rom_header) {
		char skip[ATOM_STRING_LEN];
		size_t at = read_cstr(&image, h->config_filename, ATOM_STRING_LEN,
		                      out->config_filename, sizeof(out->config_filename));
		at = read_cstr(&image, at, ATOM_STRING_LEN, skip, sizeof(skip));
		if (at < rom_header)
			(void)read_cstr(&image, at, 31, out->build, sizeof(out->build));
	}
	decode_master(&image, h->master_command, ATOM_MAX_CMD_TABLES, &out->command);
	decode_master(&image, h->master_data, ATOM_MAX_DATA_TABLES, &out->data);
	decode_psp(&image, h->psp_dir, &out->psp);
	return true;
}

bool amd_gop_text(const char *text)
{
	return strncmp(text, AMD_GOP_TEXT_PREFIX, sizeof(AMD_GOP_TEXT_PREFIX) - 1) == 0;
}

bool amd_gop_version_split(const char *text, char *version, size_t vcap, char *date, size_t dcap)
{
	const char *rev = strstr(text, "Rev."), *p, *end;
	size_t n = 0;
	if (vcap)
		version[0] = '\0';
	if (dcap)
		date[0] = '\0';
	if (!rev || rev[4] < '0' || rev[4] > '9')
		return false;
	p = rev + 4;
	/* digits and dots, up to the month name */
	for (end = p; (*end >= '0' && *end <= '9') || *end == '.'; end++)
		;
	while (end > p && end[-1] == '.')
		end--;
	(void)snprintf(version, vcap, "%.*s", (int)(end - p), p);
	while (*end == '.')
		end++;
	/* "Jan 21 2020.17:42:40": the dot before the time becomes a space */
	for (; *end && n + 1 < dcap; end++)
		date[n++] = *end == '.' ? ' ' : *end;
	if (dcap)
		date[n] = '\0';
	return true;
}
