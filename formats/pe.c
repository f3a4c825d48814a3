/* PE32 / PE32+ header reader for EFI drivers (docs/formats-pci-amd-efi.md
 * section 2.3). Every read goes through span.h; offsets come from the
 * Microsoft PE/COFF specification:
 *   DOS header      "MZ" at 0, e_lfanew (u32) at 0x3C
 *   PE signature    "PE\0\0" at e_lfanew
 *   COFF header     20 bytes at e_lfanew + 4
 *   optional header at e_lfanew + 24, SizeOfOptionalHeader bytes
 *   section table   40-byte entries right after the optional header
 */
#include "formats/pe.h"

#include "formats/decode_count.h"

#include <string.h>

#define FMT_TYPE   struct pe_info
#define FMT_PREFIX PE_DOS
FMT_DEFINE(PE_DOS_FIELDS, pe_dos_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_COFF
FMT_DEFINE(PE_COFF_FIELDS, pe_coff_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT
FMT_DEFINE(PE_OPT_FIELDS, pe_opt_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT32
FMT_DEFINE(PE_OPT32_FIELDS, pe_opt32_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_OPT64
FMT_DEFINE(PE_OPT64_FIELDS, pe_opt64_fields);
#undef FMT_PREFIX
#define FMT_PREFIX PE_TE
FMT_DEFINE(PE_TE_FIELDS, pe_te_fields);
#undef FMT_PREFIX
#undef FMT_TYPE
#define FMT_TYPE   struct pe_data_dir
#define FMT_PREFIX PE_DIR
FMT_DEFINE(PE_DIR_FIELDS, pe_dir_fields);
#undef FMT_PREFIX
#undef FMT_TYPE
#define FMT_TYPE   struct pe_section
#define FMT_PREFIX PE_SEC
FMT_DEFINE(PE_SEC_FIELDS, pe_sec_fields);
#undef FMT_PREFIX
#undef FMT_TYPE

_Static_assert((int)PE_OPT32_F_COUNT == (int)PE_OPT64_F_COUNT,
               "PE32 and PE32+ tails differ in length");

/* Decodes every field of a table defined above (e.g. pe_coff_fields) at
 * base; the count comes from the table itself. */
#define DECODE(s, base, table, out)                                                                \
	fmt_decode((s), (base), table, sizeof(table) / sizeof((table)[0]), (out))

static enum pe_status parse_te(const struct span *s, struct pe_info *out)
{
	if (!span_has(s, 0, PE_TE_HEADER_SIZE))
		return PE_ERR_TE_TRUNCATED;
	out->kind = PE_KIND_TE;
	(void)DECODE(s, 0, pe_te_fields, out); /* inside the 40 bytes checked above */
	return PE_TE_IMAGE;
}

/* The data directories after NumberOfRvaAndSizes, as many as it declares
 * (at most PE_MAX_DIRS) and the optional header holds. */
static void parse_dirs(const struct span *s, size_t opt, size_t dirs_at, struct pe_info *out)
{
	size_t room = (out->size_of_optional_header - dirs_at) / PE_DIR_SIZE;
	size_t n = out->num_rva_and_sizes < PE_MAX_DIRS ? out->num_rva_and_sizes : PE_MAX_DIRS;
	if (n > room)
		n = room;
	for (size_t i = 0; i < n; i++)
		(void)DECODE(s, opt + dirs_at + i * PE_DIR_SIZE, pe_dir_fields, &out->dirs[i]);
	out->dir_count = n;
}

static enum pe_status parse_optional(const struct span *s, size_t opt, struct pe_info *out)
{
	const struct fmt_field *tail;
	size_t need, dirs_at;
	bool plus;

	if (!span_u16le(s, opt + PE_OPT_OFF_MAGIC, &out->magic))
		return PE_ERR_OPT_TRUNCATED;
	if (out->magic != PE_MAGIC_PE32 && out->magic != PE_MAGIC_PE32PLUS)
		return PE_ERR_BAD_MAGIC;
	plus = out->magic == PE_MAGIC_PE32PLUS;
	tail = plus ? pe_opt64_fields : pe_opt32_fields;
	/* Everything up to and including NumberOfRvaAndSizes. */
	dirs_at = plus ? PE_OPT64_OFF_NUM_RVA + 4u : PE_OPT32_OFF_NUM_RVA + 4u;
	need = dirs_at;
	if (out->size_of_optional_header < need)
		return PE_ERR_OPT_TOO_SMALL;
	if (!span_has(s, opt, out->size_of_optional_header))
		return PE_ERR_OPT_TRUNCATED;
	out->kind = plus ? PE_KIND_PE32PLUS : PE_KIND_PE32;
	/* Inside the header checked above: the reads cannot fail. */
	(void)DECODE(s, opt, pe_opt_fields, out);
	(void)fmt_decode(s, opt, tail, PE_OPT64_F_COUNT, out);
	parse_dirs(s, opt, dirs_at, out);
	return PE_OK;
}

static void parse_section(const struct span *s, size_t off, struct pe_section *sec)
{
	for (size_t i = 0; i < PE_SEC_NAME_LEN; i++) {
		uint8_t c = 0;
		(void)span_u8(s, off + i, &c);
		sec->name[i] = (char)c;
	}
	sec->name[PE_SEC_NAME_LEN] = '\0';
	(void)DECODE(s, off, pe_sec_fields, sec);
}

static enum pe_status parse_sections(const struct span *s, size_t table, struct pe_info *out)
{
	size_t n = out->num_sections, bytes;

	if (n > PE_MAX_SECTIONS)
		return PE_ERR_TOO_MANY_SECTIONS;
	if (!size_mul(n, PE_SEC_SIZE, &bytes) || !span_has(s, table, bytes))
		return PE_ERR_SECTIONS_TRUNCATED;
	for (size_t i = 0; i < n; i++) {
		struct pe_section *sec = &out->sections[i];
		uint64_t end;
		parse_section(s, table + i * PE_SEC_SIZE, sec);
		end = (uint64_t)sec->raw_pointer + sec->raw_size;
		if (end > out->raw_end)
			out->raw_end = end;
	}
	out->section_count = n;
	return PE_OK;
}

enum pe_status pe_parse(const struct span *s, struct pe_info *out)
{
	uint16_t magic;
	size_t coff, opt, end;
	enum pe_status st;

	FMT_COUNT(FMT_DEC_PE_PARSE, s->data, 0);
	memset(out, 0, sizeof(*out));
	if (!span_u16le(s, 0, &magic))
		return PE_ERR_EMPTY;
	if (magic == PE_TE_MAGIC)
		return parse_te(s, out);
	if (magic != PE_DOS_MAGIC)
		return PE_ERR_NO_MZ;
	if (!DECODE(s, 0, pe_dos_fields, out))
		return PE_ERR_DOS_TRUNCATED;
	/* docs 2.3: check e_lfanew + 0x18 <= size before touching the header. */
	if (!size_add(out->lfanew, PE_SIG_SIZE + PE_COFF_SIZE, &end) || end > s->len)
		return PE_ERR_LFANEW_RANGE;
	if (!span_eq(s, out->lfanew, "PE\0\0", PE_SIG_SIZE))
		return PE_ERR_NO_PE_SIG;
	coff = (size_t)out->lfanew + PE_SIG_SIZE;
	(void)DECODE(s, coff, pe_coff_fields, out); /* inside the range checked above */
	opt = coff + PE_COFF_SIZE;
	st = parse_optional(s, opt, out);
	if (st != PE_OK)
		return st;
	return parse_sections(s, opt + out->size_of_optional_header, out);
}

const char *pe_kind_name(enum pe_kind kind)
{
	switch (kind) {
	case PE_KIND_PE32:
		return "pe32";
	case PE_KIND_PE32PLUS:
		return "pe32+";
	case PE_KIND_TE:
		return "te";
	case PE_KIND_NONE:
		break;
	}
	return "none";
}

const char *pe_status_str(enum pe_status st)
{
	switch (st) {
	case PE_OK:
		return "ok";
	case PE_TE_IMAGE:
		return "te image";
	case PE_ERR_EMPTY:
		return "image too short";
	case PE_ERR_NO_MZ:
		return "no mz signature";
	case PE_ERR_TE_TRUNCATED:
		return "te header truncated";
	case PE_ERR_DOS_TRUNCATED:
		return "dos header truncated";
	case PE_ERR_LFANEW_RANGE:
		return "e_lfanew beyond image";
	case PE_ERR_NO_PE_SIG:
		return "no pe signature";
	case PE_ERR_OPT_TOO_SMALL:
		return "optional header too small";
	case PE_ERR_OPT_TRUNCATED:
		return "optional header truncated";
	case PE_ERR_BAD_MAGIC:
		return "bad optional header magic";
	case PE_ERR_TOO_MANY_SECTIONS:
		return "too many sections";
	case PE_ERR_SECTIONS_TRUNCATED:
		return "section table truncated";
	}
	return "unknown status";
}

const char *pe_machine_name(uint16_t machine)
{
	switch (machine) {
	case PE_MACHINE_IA32:
		return "IA32";
	case PE_MACHINE_X64:
		return "X64";
	case PE_MACHINE_IA64:
		return "IA64";
	case PE_MACHINE_EBC:
		return "EBC";
	case PE_MACHINE_ARM:
		return "ARM";
	case PE_MACHINE_AARCH64:
		return "AArch64";
	case PE_MACHINE_RISCV32:
		return "RISCV32";
	case PE_MACHINE_RISCV64:
		return "RISCV64";
	case PE_MACHINE_RISCV128:
		return "RISCV128";
	case PE_MACHINE_LOONGARCH32:
		return "LoongArch32";
	case PE_MACHINE_LOONGARCH64:
		return "LoongArch64";
	default:
		return NULL;
	}
}

const char *pe_subsystem_name(uint16_t subsystem)
{
	switch (subsystem) {
	case PE_SUBSYSTEM_EFI_APPLICATION:
		return "EFI application";
	case PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER:
		return "EFI boot service driver";
	case PE_SUBSYSTEM_EFI_RUNTIME_DRIVER:
		return "EFI runtime driver";
	case PE_SUBSYSTEM_EFI_ROM:
		return "EFI ROM";
	default:
		return NULL;
	}
}

/* ---------------------------------------------------------------------- */
/* Text search.                                                           */

static bool is_printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7F;
}

/* Does the text at off start with prefix, each character `width` bytes wide
 * (1 = ASCII, 2 = UTF-16LE with a zero high byte)? */
static bool text_at(const struct span *s, size_t off, const char *prefix, size_t plen, size_t width)
{
	for (size_t k = 0; k < plen; k++) {
		uint8_t lo, hi = 0;
		if (!span_u8(s, off + k * width, &lo) || lo != (uint8_t)prefix[k])
			return false;
		if (width == 2 && (!span_u8(s, off + k * width + 1, &hi) || hi != 0))
			return false;
	}
	return true;
}

/* Copies the text at off (width 1 or 2) until NUL, a non-printable
 * character, the end of the image or cap - 1 characters. */
static void text_copy(const struct span *s, size_t off, size_t width, char *out, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		uint8_t lo, hi = 0;
		if (!span_u8(s, off + n * width, &lo) || !is_printable(lo))
			break;
		if (width == 2 && (!span_u8(s, off + n * width + 1, &hi) || hi != 0))
			break;
		out[n++] = (char)lo;
	}
	out[n] = '\0';
}

bool pe_find_text(const struct span *image, const char *prefix, char *out, size_t cap)
{
	size_t plen = strlen(prefix);
	if (cap == 0 || plen == 0)
		return false;
	for (size_t off = 0; off < image->len; off++) {
		size_t width = 0;
		/* Both encodings start with the first character's byte: skip to
		 * the next one (a driver may be 16 MiB). */
		const void *hit =
		    memchr(image->data + off, (unsigned char)prefix[0], image->len - off);
		if (!hit)
			break;
		off = (size_t)((const uint8_t *)hit - image->data);
		if (text_at(image, off, prefix, plen, 1))
			width = 1;
		else if (text_at(image, off, prefix, plen, 2))
			width = 2;
		if (width != 0) {
			text_copy(image, off, width, out, cap);
			return true;
		}
	}
	out[0] = '\0';
	return false;
}

/* What the corpus shows (70 compressed EFI images in shared/corpus):
 *
 * AMD: every GOP driver (Polaris, Vega, Navi 10) carries its ComponentName
 * as UTF-16LE, e.g. "AMD GOP X64 Release Driver Rev.2.10.0.0.0.Jan 21
 * 2020.17:42:40"; the same prefix is what AMD's setup pages show. It is
 * absent in ASCII.
 *
 * Intel: GOP tools search for the UTF-16 "Intel (R) GOP Driver" (docs 2.3);
 * kept here untested, as there is no Intel GOP in the corpus.
 *
 * NVIDIA: no version string exists in the driver. Its UTF-16 strings are
 * "NVIDIA GPU UEFI Driver (xx.xx.xx.xx.xx)" / "NVIDIA Graphics Display
 * Controller (xx.xx.xx.xx.xx)", where "xx.xx.xx.xx.xx" is a placeholder
 * filled at run time with the VBIOS version, and in newer drivers (GOP
 * 0x10038 for Kepler, and Pascal to Ada) a family tag "nvgop-gk1xx",
 * "nvgop-gp1xx", "nvgop-tu1xx", "nvgop-ga1xx", "nvgop-ad1xx" (absent in older
 * Kepler and Maxwell drivers); pe_find_text(image, "nvgop-") finds it.
 * The GOP version number (the hex number that NVIDIA tools and the corpus
 * notes quote, e.g. 0x10038, 0x3000A, 0x5001F, 0x6000D, 0x70011) is a u32 that lives
 * in two places:
 *   - the ROM, outside the PE: u32 at NPDE + 0x0C when the NPDE that
 *     follows the EFI image's PCIR is 0x10 bytes long (NPDE revision 0x100;
 *     older 0x0C-byte NPDEs, as in stock Kepler ROMs, have no such field);
 *   - the PE: the Version field of the driver's
 *     EFI_DRIVER_BINDING_PROTOCOL instance in .data (three function
 *     pointers, then the u32 version), found in every NVIDIA GOP driver
 *     of the corpus whose NPDE has the field, always equal to it.
 * The PE copy cannot be located without guessing at the binding structure
 * and the NPDE is outside the PE, so this function returns false for NVIDIA
 * drivers: read the NPDE field instead (the ROM-level parser owns NPDE). */
bool pe_find_gop_version(const struct span *image, char *out, size_t cap)
{
	static const char *const prefixes[] = {
	    "AMD GOP ",
	    "Intel (R) GOP Driver",
	    "Intel(R) GOP Driver",
	};
	FMT_COUNT(FMT_DEC_PE_GOP_VERSION, image->data, 0);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (pe_find_text(image, prefixes[i], out, cap))
			return true;
	}
	return false;
}
