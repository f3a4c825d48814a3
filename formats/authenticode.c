/* Authenticode digest regions and certificate table of a PE image
 * (formats/authenticode.h). The walk is EDK2's HashPeImage and the
 * certificate loop of DxeImageVerificationHandler
 * (SecurityPkg/Library/DxeImageVerificationLib), the code that decides
 * whether firmware runs an option ROM's driver; every read goes through
 * span.h and every sum is checked for overflow. */
#include "formats/authenticode.h"

#include "formats/decode_count.h"

#include <string.h>

#define FMT_TYPE   struct win_certificate
#define FMT_PREFIX WIN_CERT
FMT_DEFINE(WIN_CERT_FIELDS, win_cert_fields);
#undef FMT_PREFIX
#undef FMT_TYPE

const uint8_t auth_guid_pkcs7[WIN_CERT_GUID_SIZE] = {
    0x9d, 0xd2, 0xaf, 0x4a, 0xdf, 0x68, 0xee, 0x49, 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7};

static bool add_region(struct auth_info *out, size_t off, size_t len)
{
	if (len == 0)
		return true;
	if (out->n_regions >= AUTH_MAX_REGIONS)
		return false;
	out->regions[out->n_regions].offset = off;
	out->regions[out->n_regions].length = len;
	out->n_regions++;
	return true;
}

/* The header regions: everything up to SizeOfHeaders but the CheckSum
 * field and the Security directory entry. */
static enum auth_status header_regions(const struct span *s, const struct pe_info *pe,
                                       struct auth_info *out)
{
	size_t opt = (size_t)pe->lfanew + PE_SIG_SIZE + PE_COFF_SIZE;
	size_t dirs_at =
	    pe->kind == PE_KIND_PE32PLUS ? PE_OPT64_OFF_NUM_RVA + 4u : PE_OPT32_OFF_NUM_RVA + 4u;
	size_t after_sum, hdr = pe->size_of_headers;
	out->checksum_offset = opt + PE_OPT_OFF_CHECKSUM;
	after_sum = out->checksum_offset + AUTH_CHECKSUM_SIZE;
	if (pe->dir_count > AUTH_SECURITY_DIR_INDEX)
		out->security_entry_offset =
		    opt + dirs_at + (size_t)AUTH_SECURITY_DIR_INDEX * PE_DIR_SIZE;
	if (hdr > s->len)
		return AUTH_HEADERS_OUT_OF_RANGE;
	if (out->security_entry_offset) {
		size_t sec_end = out->security_entry_offset + AUTH_SECURITY_ENTRY_SIZE;
		if (hdr < sec_end)
			return AUTH_HEADERS_OUT_OF_RANGE;
		(void)add_region(out, 0, out->checksum_offset);
		(void)add_region(out, after_sum, out->security_entry_offset - after_sum);
		(void)add_region(out, sec_end, hdr - sec_end);
	} else {
		if (hdr < after_sum)
			return AUTH_HEADERS_OUT_OF_RANGE;
		(void)add_region(out, 0, out->checksum_offset);
		(void)add_region(out, after_sum, hdr - after_sum);
	}
	out->hashed = hdr;
	return AUTH_OK;
}

/* Each section's raw data in ascending PointerToRawData order (empty ones
 * skipped), then what follows the sections up to the certificate table. */
static enum auth_status section_regions(const struct span *s, const struct pe_info *pe,
                                        uint32_t cert_size, struct auth_info *out)
{
	size_t order[PE_MAX_SECTIONS];
	size_t n = 0;
	for (size_t i = 0; i < pe->section_count && i < PE_MAX_SECTIONS; i++) {
		size_t j = n;
		if (pe->sections[i].raw_size == 0)
			continue;
		/* Insertion sort, stable: equal pointers keep table order. */
		while (j > 0 &&
		       pe->sections[order[j - 1]].raw_pointer > pe->sections[i].raw_pointer) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
		n++;
	}
	for (size_t k = 0; k < n; k++) {
		const struct pe_section *sec = &pe->sections[order[k]];
		if (!span_has(s, sec->raw_pointer, sec->raw_size))
			return AUTH_SECTION_OUT_OF_RANGE;
		if (!size_add(out->hashed, sec->raw_size, &out->hashed))
			return AUTH_SECTION_OUT_OF_RANGE;
		(void)add_region(out, sec->raw_pointer, sec->raw_size);
	}
	/* EDK2: the bytes from SumOfBytesHashed to the image size less the
	 * certificate table's size; fewer bytes than that is a violation. */
	if (s->len > out->hashed) {
		size_t rest = s->len - out->hashed;
		if (rest > cert_size)
			(void)add_region(out, out->hashed, rest - cert_size);
		else if (rest < cert_size)
			return AUTH_SIZE_INCONSISTENT;
	} else if (cert_size > 0) {
		return AUTH_SIZE_INCONSISTENT;
	}
	return AUTH_OK;
}

/* The WIN_CERTIFICATE entries of [table_offset, table_offset + table_size),
 * inside s (checked by the caller). */
static void cert_entries(const struct span *s, struct auth_info *out)
{
	size_t end = (size_t)out->table_offset + out->table_size;
	size_t off = out->table_offset;
	/* Each entry is at least 8 bytes and the table at most the image, so
	 * the loop ends; the cap bounds what is kept. */
	while (off < end && end - off > WIN_CERT_HEADER_SIZE) {
		struct win_certificate c = {0};
		size_t step;
		(void)fmt_decode(s, off, win_cert_fields, WIN_CERT_F_COUNT, &c);
		if (c.length <= WIN_CERT_HEADER_SIZE || end - off < c.length)
			break;
		if (out->n_certs >= AUTH_MAX_CERTS) {
			out->certs_capped = true;
			break;
		}
		c.offset = off;
		if (c.certificate_type == WIN_CERT_TYPE_PKCS_SIGNED) {
			c.pkcs7 = true;
			c.data_offset = off + WIN_CERT_HEADER_SIZE;
			c.data_length = c.length - WIN_CERT_HEADER_SIZE;
		} else if (c.certificate_type == WIN_CERT_TYPE_EFI_GUID &&
		           c.length > WIN_CERT_HEADER_SIZE + WIN_CERT_GUID_SIZE) {
			c.pkcs7 = span_eq(s, off + WIN_CERT_HEADER_SIZE, auth_guid_pkcs7,
			                  WIN_CERT_GUID_SIZE);
			c.data_offset = off + WIN_CERT_HEADER_SIZE + WIN_CERT_GUID_SIZE;
			c.data_length = c.length - WIN_CERT_HEADER_SIZE - WIN_CERT_GUID_SIZE;
		}
		out->certs[out->n_certs++] = c;
		step = ((size_t)c.length + WIN_CERT_ALIGN - 1) & ~(size_t)(WIN_CERT_ALIGN - 1);
		if (!size_add(off, step, &off))
			break;
	}
}

enum auth_status auth_parse(const struct span *s, const struct pe_info *pe, struct auth_info *out)
{
	enum auth_status st;
	bool has_table;
	memset(out, 0, sizeof(*out));
	FMT_COUNT(FMT_DEC_AUTHENTICODE, s->data, 0);
	if (pe->kind != PE_KIND_PE32 && pe->kind != PE_KIND_PE32PLUS)
		return out->status = AUTH_NOT_PE;
	has_table =
	    pe->dir_count > AUTH_SECURITY_DIR_INDEX && pe->dirs[AUTH_SECURITY_DIR_INDEX].size != 0;
	if (has_table) {
		out->table_offset = pe->dirs[AUTH_SECURITY_DIR_INDEX].rva;
		out->table_size = pe->dirs[AUTH_SECURITY_DIR_INDEX].size;
	}
	st = header_regions(s, pe, out);
	if (st == AUTH_OK)
		st = section_regions(s, pe, out->table_size, out);
	if (st != AUTH_OK) {
		out->n_regions = 0;
		out->hashed = 0;
	}
	/* Unsigned: nothing to verify, so nothing is wrong with the table;
	 * the regions stay empty when the headers cannot be digested. */
	if (!has_table)
		return out->status = AUTH_UNSIGNED;
	/* EDK2: the table must lie inside the image; it may not overlap the
	 * headers either. */
	if (!span_has(s, out->table_offset, out->table_size) ||
	    out->table_offset < pe->size_of_headers)
		return out->status = AUTH_TABLE_OUT_OF_BOUNDS;
	if (st != AUTH_OK)
		return out->status = st;
	cert_entries(s, out);
	if (out->n_certs == 0)
		return out->status = AUTH_TABLE_NO_ENTRY;
	return out->status = AUTH_OK;
}

const char *auth_status_str(enum auth_status st)
{
	switch (st) {
	case AUTH_OK:
		return "signed";
	case AUTH_UNSIGNED:
		return "unsigned: the Security directory is empty";
	case AUTH_NOT_PE:
		return "not a PE32/PE32+ image";
	case AUTH_TABLE_OUT_OF_BOUNDS:
		return "the certificate table is not inside the image";
	case AUTH_TABLE_NO_ENTRY:
		return "no whole WIN_CERTIFICATE in the certificate table";
	case AUTH_HEADERS_OUT_OF_RANGE:
		return "SizeOfHeaders is past the image or before the Security entry";
	case AUTH_SECTION_OUT_OF_RANGE:
		return "a section's raw data lies past the image";
	case AUTH_SIZE_INCONSISTENT:
		return "headers, sections and certificate table exceed the image size";
	}
	return "unknown";
}
