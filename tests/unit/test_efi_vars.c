/* The OVMF variable store reader (formats/efi_vars.c) on stores built here
 * from the declarations (firmware volume, store header, authenticated
 * variables, signature lists), on hostile sizes, and on Debian's
 * OVMF_VARS_4M.ms.fd, whose db certificates are checked by the bytes: the
 * subject strings of the two Microsoft certificates lie inside the db
 * variable's data, and libcrypto reads each entry as a certificate with
 * the subjects docs/formats-pci-amd-efi.md 8.2 lists for Debian 12's
 * ovmf. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/secure_boot.h"
#include "formats/efi_vars.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"

enum { STORE = 0x2000, FVH = 0x48 };

struct vb {
	uint8_t b[STORE];
	size_t at; /* next variable */
};

static void put_guid(uint8_t *p, const uint8_t *g)
{
	memcpy(p, g, EFI_GUID_SIZE);
}

static void vb_init(struct vb *v)
{
	struct efi_fv_header fv = {0};
	struct efi_vstore_header st = {0};
	memset(v->b, 0xFF, sizeof(v->b));
	memset(v->b, 0, FVH + EFI_VSTORE_SIZE);
	fv.fv_length = STORE;
	fv.signature = EFI_FV_SIGNATURE;
	fv.header_length = FVH;
	fv.revision = 2;
	cr_assert(fmt_encode(v->b, STORE, 0, efi_fv_fields, EFI_FV_F_COUNT, &fv));
	put_guid(v->b + FVH, efi_guid_authenticated_variable);
	st.size = STORE - FVH;
	st.format = EFI_VSTORE_FORMATTED;
	st.state = EFI_VSTORE_HEALTHY;
	cr_assert(fmt_encode(v->b, STORE, FVH, efi_vstore_fields, EFI_VSTORE_F_COUNT, &st));
	v->at = (FVH + EFI_VSTORE_SIZE + 3) & ~(size_t)3;
}

/* Appends a variable; returns the offset of its data. */
static size_t vb_var(struct vb *v, const char *name, const uint8_t *guid, uint8_t state,
                     const uint8_t *data, size_t n)
{
	struct efi_avar_header h = {0};
	size_t nlen = 2 * (strlen(name) + 1), d;
	h.start_id = EFI_AVAR_START_ID;
	h.state = state;
	h.attributes = 0x27;
	h.name_size = (uint32_t)nlen;
	h.data_size = (uint32_t)n;
	memset(v->b + v->at, 0, EFI_AVAR_SIZE + nlen);
	cr_assert(fmt_encode(v->b, STORE, v->at, efi_avar_fields, EFI_AVAR_F_COUNT, &h));
	put_guid(v->b + v->at + EFI_AVAR_OFF_GUID, guid);
	for (size_t i = 0; name[i]; i++)
		v->b[v->at + EFI_AVAR_SIZE + 2 * i] = (uint8_t)name[i];
	d = v->at + EFI_AVAR_SIZE + nlen;
	memcpy(v->b + d, data, n);
	v->at = (d + n + 3) & ~(size_t)3;
	return d;
}

/* One signature list of count entries of size bytes (owner + data). */
static size_t siglist(uint8_t *out, const uint8_t *type, size_t count, size_t size, uint8_t fill)
{
	struct efi_siglist_header h = {0};
	size_t len = EFI_SIGLIST_SIZE + count * size;
	h.list_size = (uint32_t)len;
	h.signature_size = (uint32_t)size;
	memset(out, fill, len);
	put_guid(out, type);
	cr_assert(fmt_encode(out, len, 0, efi_siglist_fields, EFI_SIGLIST_F_COUNT, &h));
	return len;
}

static struct efi_vars *parse(const uint8_t *b, size_t n, enum efi_vars_status want)
{
	struct efi_vars *v = malloc(sizeof(*v));
	struct span s = span_make(b, n);
	cr_assert(v);
	cr_assert_eq(efi_vars_parse(&s, v), want, "%s", efi_vars_status_str(v->status));
	return v;
}

Test(efi_vars, declarations_match_the_specifications)
{
	/* PI vol. 3 EFI_FIRMWARE_VOLUME_HEADER; EDK2 VariableFormat.h; UEFI 32.4.1 */
	cr_expect_eq(EFI_FV_OFF_LENGTH, 32);
	cr_expect_eq(EFI_FV_OFF_SIGNATURE, 40);
	cr_expect_eq(EFI_FV_OFF_HEADER_LENGTH, 48);
	cr_expect_eq(EFI_VSTORE_OFF_SIZE, 16);
	cr_expect_eq(EFI_AVAR_OFF_NAME_SIZE, 36);
	cr_expect_eq(EFI_AVAR_OFF_DATA_SIZE, 40);
	cr_expect_eq(EFI_SIGLIST_OFF_SIGNATURE_SIZE, 24);
	cr_expect_eq(fmt_extent(efi_siglist_fields, EFI_SIGLIST_F_COUNT), EFI_SIGLIST_SIZE);
	/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072, as stored */
	cr_expect_eq(efi_guid_cert_x509[0], 0xa1);
	cr_expect_eq(efi_guid_cert_x509[3], 0xa5);
	cr_expect_eq(efi_guid_cert_x509[15], 0x72);
}

Test(efi_vars, db_and_dbx_lists_are_read_and_deleted_copies_ignored)
{
	static struct vb v;
	uint8_t data[512];
	size_t n, dbx_at, db_at;
	struct efi_vars *r;
	vb_init(&v);
	/* a deleted db first (state 0x3C): ignored */
	n = siglist(data, efi_guid_cert_sha256, 1, 16 + 32, 0x11);
	(void)vb_var(&v, "db", efi_guid_image_security_database, 0x3C, data, n);
	/* the live db: two X.509 entries of 0x40 bytes and one SHA-256 */
	n = siglist(data, efi_guid_cert_x509, 2, 16 + 0x40, 0x22);
	n += siglist(data + n, efi_guid_cert_sha256, 1, 16 + 32, 0x33);
	db_at = vb_var(&v, "db", efi_guid_image_security_database, EFI_VAR_ADDED, data, n);
	/* "db" under another GUID is not the db */
	(void)vb_var(&v, "db", efi_guid_global_variable, EFI_VAR_ADDED, data, n);
	n = siglist(data, efi_guid_cert_sha256, 3, 16 + 32, 0x44);
	dbx_at = vb_var(&v, "dbx", efi_guid_image_security_database, EFI_VAR_ADDED, data, n);
	r = parse(v.b, sizeof(v.b), EFI_VARS_OK);
	cr_expect(r->has_fv);
	cr_expect_eq(r->store_offset, FVH);
	cr_expect_eq(r->n_vars, 4);
	cr_assert(r->db.present);
	cr_expect_eq(r->db.data_offset, db_at);
	cr_assert_eq(r->db.n, 3);
	cr_expect_eq(r->db.e[0].kind, EFI_SIG_X509);
	cr_expect_eq(r->db.e[0].offset, db_at + EFI_SIGLIST_SIZE + 16);
	cr_expect_eq(r->db.e[0].length, 0x40);
	cr_expect_eq(r->db.e[1].offset, db_at + EFI_SIGLIST_SIZE + 16 + 0x40 + 16);
	cr_expect_eq(r->db.e[2].kind, EFI_SIG_SHA256);
	cr_expect_eq(r->db.e[2].length, 32);
	cr_expect_eq(r->dbx.n, 3);
	cr_expect_eq(r->dbx.data_offset, dbx_at);
	cr_expect_not(r->kek.present);
	free(r);
}

Test(efi_vars, hostile_sizes_end_the_walk)
{
	static struct vb v;
	uint8_t data[128];
	size_t n, at;
	struct efi_vars *r;
	vb_init(&v);
	/* a list whose size runs past the variable's data */
	n = siglist(data, efi_guid_cert_sha256, 1, 16 + 32, 0x55);
	tb_put32(data, 16, 0x7FFFFFFF);
	(void)vb_var(&v, "db", efi_guid_image_security_database, EFI_VAR_ADDED, data, n);
	/* an entry size of 0: malformed, not an endless loop */
	n = siglist(data, efi_guid_cert_sha256, 1, 16 + 32, 0x55);
	tb_put32(data, 24, 0);
	(void)vb_var(&v, "dbx", efi_guid_image_security_database, EFI_VAR_ADDED, data, n);
	/* a variable whose data size runs past the store */
	at = v.at;
	(void)vb_var(&v, "KEK", efi_guid_global_variable, EFI_VAR_ADDED, data, 8);
	tb_put32(v.b, at + EFI_AVAR_OFF_DATA_SIZE, 0xFFFFFFF0u);
	r = parse(v.b, sizeof(v.b), EFI_VARS_OK);
	cr_expect(r->db.malformed);
	cr_expect(r->dbx.malformed);
	cr_expect_not(r->kek.present);
	cr_expect_eq(r->n_vars, 2);
	free(r);
	/* the store's size past the file */
	tb_put32(v.b, FVH + EFI_VSTORE_OFF_SIZE, STORE);
	r = parse(v.b, sizeof(v.b), EFI_VARS_BAD_STORE);
	free(r);
	/* a firmware volume header length past the file */
	tb_put16(v.b, EFI_FV_OFF_HEADER_LENGTH, 0xFFF0);
	r = parse(v.b, 0x100, EFI_VARS_BAD_FV);
	free(r);
	/* nothing at all */
	memset(v.b, 0, 0x100);
	r = parse(v.b, 0x100, EFI_VARS_NO_STORE);
	free(r);
	r = parse(NULL, 0, EFI_VARS_NO_STORE);
	free(r);
}

/* Debian's store: the db subjects, by the bytes and by libcrypto. */
Test(efi_vars, debian_ovmf_vars_ms_holds_the_microsoft_db)
{
	static const char path[] = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";
	static const char *const want[] = {"Microsoft Windows Production PCA 2011",
	                                   "Microsoft Corporation UEFI CA 2011"};
	size_t len = 0;
	uint8_t *b = tb_read_file(path, &len);
	struct efi_vars *r;
	struct sb_store *st;
	if (!b) {
		expect_note_skip("[SKIP] %s absent (Debian package ovmf)", path);
		cr_skip_test("ovmf absent");
	}
	r = parse(b, len, EFI_VARS_OK);
	cr_assert(r->db.present && r->dbx.present && r->kek.present && r->pk.present);
	cr_assert_eq(r->db.n, 2);
	for (size_t i = 0; i < 2; i++) {
		const unsigned char *p = b + r->db.e[i].offset;
		X509 *c = d2i_X509(NULL, &p, (long)r->db.e[i].length);
		char cn[256] = "";
		const uint8_t *hit;
		cr_assert_not_null(c, "db entry %zu is no certificate", i);
		X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, cn, sizeof(cn));
		cr_expect_str_eq(cn, want[i]);
		/* by the bytes: the subject string lies inside db's data */
		hit = memmem(b + r->db.data_offset, r->db.data_length, want[i], strlen(want[i]));
		cr_expect_not_null(hit, "%s not in the db variable's bytes", want[i]);
		X509_free(c);
	}
	free(r);
	st = sb_store_load(b, len, path);
	cr_assert_not_null(st);
	cr_expect_eq(st->status, EFI_VARS_OK);
	cr_expect_eq(st->db.certs, 2);
	cr_expect(st->db_has_uefi_ca_2011);
	cr_expect_not(st->db_has_option_rom_ca_2023);
	cr_expect_eq(st->kek.certs, 2);
	cr_expect_eq(st->pk.certs, 1);
	sb_store_free(st);
	free(b);
}
