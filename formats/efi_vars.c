/* OVMF / EDK2 variable store reader (formats/efi_vars.h). */
#include "formats/efi_vars.h"

#include "formats/decode_count.h"

#include <string.h>

#define FMT_TYPE   struct efi_fv_header
#define FMT_PREFIX EFI_FV
FMT_DEFINE(EFI_FV_FIELDS, efi_fv_fields);
#undef FMT_PREFIX
#undef FMT_TYPE
#define FMT_TYPE   struct efi_vstore_header
#define FMT_PREFIX EFI_VSTORE
FMT_DEFINE(EFI_VSTORE_FIELDS, efi_vstore_fields);
#undef FMT_PREFIX
#undef FMT_TYPE
#define FMT_TYPE   struct efi_avar_header
#define FMT_PREFIX EFI_AVAR
FMT_DEFINE(EFI_AVAR_FIELDS, efi_avar_fields);
#undef FMT_PREFIX
#undef FMT_TYPE
#define FMT_TYPE   struct efi_siglist_header
#define FMT_PREFIX EFI_SIGLIST
FMT_DEFINE(EFI_SIGLIST_FIELDS, efi_siglist_fields);
#undef FMT_PREFIX
#undef FMT_TYPE

/* aaf32c78-947b-439a-a180-2e144ec37792 */
const uint8_t efi_guid_authenticated_variable[EFI_GUID_SIZE] = {
    0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43, 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92};
/* ddcf3616-3275-4164-98b6-fe85707ffe7d */
const uint8_t efi_guid_variable[EFI_GUID_SIZE] = {0x16, 0x36, 0xcf, 0xdd, 0x75, 0x32, 0x64, 0x41,
                                                  0x98, 0xb6, 0xfe, 0x85, 0x70, 0x7f, 0xfe, 0x7d};
/* d719b2cb-3d3a-4596-a3bc-dad00e67656f */
const uint8_t efi_guid_image_security_database[EFI_GUID_SIZE] = {
    0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f};
/* 8be4df61-93ca-11d2-aa0d-00e098032b8c */
const uint8_t efi_guid_global_variable[EFI_GUID_SIZE] = {
    0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};
/* a5c059a1-94e4-4aa7-87b5-ab155c2bf072 */
const uint8_t efi_guid_cert_x509[EFI_GUID_SIZE] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                                   0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
/* c1c41626-504c-4092-aca9-41f936934328 */
const uint8_t efi_guid_cert_sha256[EFI_GUID_SIZE] = {
    0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40, 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
/* 3bd2a492-96c0-4079-b420-fcf98ef103ed */
const uint8_t efi_guid_cert_x509_sha256[EFI_GUID_SIZE] = {
    0x92, 0xa4, 0xd2, 0x3b, 0xc0, 0x96, 0x79, 0x40, 0xb4, 0x20, 0xfc, 0xf9, 0x8e, 0xf1, 0x03, 0xed};

#define DECODE(s, base, table, out)                                                                \
	fmt_decode((s), (base), table, sizeof(table) / sizeof((table)[0]), (out))

/* Variables are 4-byte aligned (EDK2 HEADER_ALIGN). */
static bool align4(size_t v, size_t *out)
{
	return size_add(v, 3, out) && ((*out &= ~(size_t)3), true);
}

/* The variable's UTF-16LE name equals ascii (with its NUL). */
static bool name_is(const struct span *s, size_t off, size_t size, const char *ascii)
{
	size_t n = strlen(ascii) + 1;
	if (size != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint16_t c;
		if (!span_u16le(s, off + 2 * i, &c) || c != (uint8_t)ascii[i])
			return false;
	}
	return true;
}

static enum efi_sig_kind kind_of(const struct span *s, size_t guid_at)
{
	if (span_eq(s, guid_at, efi_guid_cert_x509, EFI_GUID_SIZE))
		return EFI_SIG_X509;
	if (span_eq(s, guid_at, efi_guid_cert_sha256, EFI_GUID_SIZE))
		return EFI_SIG_SHA256;
	if (span_eq(s, guid_at, efi_guid_cert_x509_sha256, EFI_GUID_SIZE))
		return EFI_SIG_X509_SHA256;
	return EFI_SIG_OTHER;
}

/* The EFI_SIGNATURE_LISTs of one variable's data. */
static void read_lists(const struct span *s, struct efi_sig_db *db)
{
	size_t off = db->data_offset, end = db->data_offset + db->data_length;
	db->n = 0;
	/* Each list is at least EFI_SIGLIST_SIZE bytes: the loop ends. */
	while (off < end) {
		struct efi_siglist_header h = {0};
		size_t body, lend, first;
		enum efi_sig_kind kind;
		if (end - off < EFI_SIGLIST_SIZE) {
			db->malformed = true;
			return;
		}
		(void)DECODE(s, off, efi_siglist_fields, &h);
		if (h.list_size < EFI_SIGLIST_SIZE || h.list_size > end - off ||
		    h.header_size > h.list_size - EFI_SIGLIST_SIZE ||
		    h.signature_size <= EFI_GUID_SIZE) {
			db->malformed = true;
			return;
		}
		kind = kind_of(s, off);
		lend = off + h.list_size;
		first = off + EFI_SIGLIST_SIZE + h.header_size;
		body = lend - first;
		if (body % h.signature_size != 0) {
			db->malformed = true;
			return;
		}
		for (size_t e = first; e < lend; e += h.signature_size) {
			if (db->n >= EFI_VARS_MAX_ENTRIES) {
				db->capped = true;
				return;
			}
			db->e[db->n].kind = kind;
			db->e[db->n].offset = e + EFI_GUID_SIZE;
			db->e[db->n].length = h.signature_size - EFI_GUID_SIZE;
			db->n++;
		}
		off = lend;
	}
}

/* Records a live variable we care about; an added copy beats one in
 * deleted transition (EDK2 keeps the added one). */
static void note_var(struct efi_sig_db *db, uint8_t state, size_t data, size_t len,
                     uint8_t *seen_state)
{
	if (db->present && *seen_state == EFI_VAR_ADDED && state != EFI_VAR_ADDED)
		return;
	db->present = true;
	db->data_offset = data;
	db->data_length = len;
	*seen_state = state;
}

static void walk_vars(const struct span *s, size_t start, size_t end, struct efi_vars *out)
{
	size_t off = start;
	uint8_t st_db = 0, st_dbx = 0, st_kek = 0, st_pk = 0;
	while (out->n_vars < EFI_VARS_MAX_VARS) {
		struct efi_avar_header h = {0};
		size_t name, data, data_end;
		if (!size_add(off, EFI_AVAR_SIZE, &name) || name > end)
			break;
		(void)DECODE(s, off, efi_avar_fields, &h);
		if (h.start_id != EFI_AVAR_START_ID)
			break;
		if (!size_add(name, h.name_size, &data) ||
		    !size_add(data, h.data_size, &data_end) || data_end > end)
			break;
		out->n_vars++;
		if (h.state == EFI_VAR_ADDED || h.state == EFI_VAR_ADDED_IN_DELETE) {
			bool sec = span_eq(s, off + EFI_AVAR_OFF_GUID,
			                   efi_guid_image_security_database, EFI_GUID_SIZE);
			bool glob = span_eq(s, off + EFI_AVAR_OFF_GUID, efi_guid_global_variable,
			                    EFI_GUID_SIZE);
			if (sec && name_is(s, name, h.name_size, "db"))
				note_var(&out->db, h.state, data, h.data_size, &st_db);
			else if (sec && name_is(s, name, h.name_size, "dbx"))
				note_var(&out->dbx, h.state, data, h.data_size, &st_dbx);
			else if (glob && name_is(s, name, h.name_size, "KEK"))
				note_var(&out->kek, h.state, data, h.data_size, &st_kek);
			else if (glob && name_is(s, name, h.name_size, "PK"))
				note_var(&out->pk, h.state, data, h.data_size, &st_pk);
		}
		/* data_end >= off + EFI_AVAR_SIZE: each step moves forward */
		if (!align4(data_end, &off))
			break;
	}
	if (out->n_vars >= EFI_VARS_MAX_VARS)
		out->vars_capped = true;
}

enum efi_vars_status efi_vars_parse(const struct span *s, struct efi_vars *out)
{
	size_t end, first;
	uint32_t sig = 0;
	memset(out, 0, sizeof(*out));
	FMT_COUNT(FMT_DEC_EFI_VARS, s->data, 0);
	if (span_u32le(s, EFI_FV_OFF_SIGNATURE, &sig) && sig == EFI_FV_SIGNATURE) {
		out->has_fv = true;
		(void)DECODE(s, 0, efi_fv_fields, &out->fv);
		if (out->fv.header_length < EFI_FV_MIN_SIZE ||
		    !span_has(s, out->fv.header_length, EFI_VSTORE_SIZE))
			return out->status = EFI_VARS_BAD_FV;
		out->store_offset = out->fv.header_length;
	}
	if (span_eq(s, out->store_offset, efi_guid_variable, EFI_GUID_SIZE))
		return out->status = EFI_VARS_NOT_AUTH;
	if (!span_eq(s, out->store_offset, efi_guid_authenticated_variable, EFI_GUID_SIZE))
		return out->status = EFI_VARS_NO_STORE;
	(void)DECODE(s, out->store_offset, efi_vstore_fields, &out->store);
	if (out->store.size < EFI_VSTORE_SIZE || !span_has(s, out->store_offset, out->store.size))
		return out->status = EFI_VARS_BAD_STORE;
	end = out->store_offset + out->store.size;
	if (!align4(out->store_offset + EFI_VSTORE_SIZE, &first))
		return out->status = EFI_VARS_BAD_STORE;
	walk_vars(s, first, end, out);
	if (out->db.present)
		read_lists(s, &out->db);
	if (out->dbx.present)
		read_lists(s, &out->dbx);
	if (out->kek.present)
		read_lists(s, &out->kek);
	if (out->pk.present)
		read_lists(s, &out->pk);
	return out->status = EFI_VARS_OK;
}

const char *efi_vars_status_str(enum efi_vars_status st)
{
	switch (st) {
	case EFI_VARS_OK:
		return "ok";
	case EFI_VARS_NO_STORE:
		return "no firmware volume (\"_FVH\" at 40) or variable store header at 0";
	case EFI_VARS_BAD_FV:
		return "the firmware volume's header length does not fit the file";
	case EFI_VARS_NOT_AUTH:
		return "a store of plain variables: no authenticated variables (no db, dbx)";
	case EFI_VARS_BAD_STORE:
		return "the variable store's size does not fit the file";
	}
	return "unknown";
}
