/* A driver signed here, with tools independent of optrom: the builder's
 * PE driver, a throw-away self-signed certificate from `openssl req`, an
 * Authenticode signature from `osslsigncode sign`. Then: the signature
 * verifies and its digest equals osslsigncode's "Calculated message
 * digest"; a changed byte of .text is a mismatch; a truncated PKCS#7 is
 * invalid; a variable store whose db holds the certificate accepts the
 * driver through it, one whose dbx lists the driver's hash or the
 * certificate blocks it, an empty db refuses it. Skipped visibly when
 * openssl or osslsigncode is absent. No vendor bytes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/secure_boot.h"
#include "analyzer/signature.h"
#include "analyzer/tree.h"
#include "formats/efi_vars.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"

static void make_tmp(void)
{
	tmp_make("optrom-signed");
}

TestSuite(signed_driver, .init = make_tmp, .fini = tmp_remove);

static bool sh(const char *fmt, const char *a, const char *b, const char *c)
{
	char cmd[4096];
	(void)snprintf(cmd, sizeof(cmd), fmt, a, b, c);
	return system(cmd) == 0;
}

/* Signs the builder's driver; NULL (and a visible skip note) when the
 * tools are missing. *len gets the signed file's length. */
static uint8_t *signed_driver(size_t *len)
{
	uint8_t drv[RB_PE_DRIVER_LEN];
	FILE *f;
	if (system("command -v openssl >/dev/null 2>&1 && command -v osslsigncode >/dev/null "
	           "2>&1") != 0) {
		expect_note_skip("[SKIP] openssl or osslsigncode not installed: no driver signed");
		return NULL;
	}
	(void)rb_make_pe_driver(drv, true);
	for (size_t i = 0x200; i < RB_PE_DRIVER_LEN; i++)
		drv[i] = (uint8_t)(i * 7);
	f = fopen(tmp_path("d.efi"), "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(drv, 1, sizeof(drv), f), sizeof(drv));
	cr_assert_eq(fclose(f), 0);
	cr_assert(sh("openssl req -x509 -newkey rsa:2048 -nodes -subj '/CN=optrom test signer' "
	             "-keyout '%s' -out '%s' -days 1 >/dev/null 2>&1",
	             tmp_path("k.pem"), tmp_path("c.pem"), ""));
	cr_assert(sh("openssl x509 -in '%s' -outform DER -out '%s'%s", tmp_path("c.pem"),
	             tmp_path("c.der"), ""));
	{
		char cmd[4096];
		(void)snprintf(cmd, sizeof(cmd),
		               "osslsigncode sign -certs '%s' -key '%s' -in '%s' -out '%s' "
		               ">/dev/null 2>&1",
		               tmp_path("c.pem"), tmp_path("k.pem"), tmp_path("d.efi"),
		               tmp_path("s.efi"));
		cr_assert_eq(system(cmd), 0, "%s", cmd);
	}
	return tb_read_file(tmp_path("s.efi"), len);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

static void check(struct rom_signature *sig, const uint8_t *b, size_t len)
{
	static struct pe_info pe;
	struct span s = span_make(b, len);
	cr_assert_eq(pe_parse(&s, &pe), PE_OK);
	signature_check(sig, b, len, &pe);
}

/* osslsigncode's "Calculated message digest" of path, lowercased. */
static void calculated(const char *path, char *out, size_t cap)
{
	char cmd[2048], text[8192];
	const char *p;
	size_t n = 0, got;
	FILE *f;
	(void)snprintf(cmd, sizeof(cmd), "osslsigncode verify -in '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	got = fread(text, 1, sizeof(text) - 1, f);
	text[got] = '\0';
	(void)pclose(f);
	p = strstr(text, "Calculated message digest");
	cr_assert_not_null(p, "%s", text);
	p = strchr(p, ':') + 1;
	while (*p == ' ')
		p++;
	while (((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')) && n + 1 < cap)
		out[n++] = (char)(*p >= 'A' ? *p - 'A' + 'a' : *p), p++;
	out[n] = '\0';
}

Test(signed_driver, verifies_and_digests_as_osslsigncode)
{
	static struct rom_signature sig;
	size_t len = 0;
	char calc[160];
	uint8_t *b = signed_driver(&len);
	if (!b)
		cr_skip_test("tools absent");
	check(&sig, b, len);
	cr_expect_eq(sig.state, SIG_OK, "%s: %s", signature_state_name(sig.state), sig.error);
	cr_expect_str_eq(sig.algorithm, "sha256");
	cr_expect_str_eq(sig.signer, "optrom test signer");
	cr_expect_str_eq(sig.ca, "optrom test signer"); /* no Microsoft CA: the issuer */
	cr_expect_str_eq(sig.stored_digest, sig.computed_digest);
	calculated(tmp_path("s.efi"), calc, sizeof(calc));
	cr_expect_str_eq(sig.computed_digest, calc);
	/* a SHA-256 signature's digest is the Authenticode SHA-256: taken,
	 * not hashed again; signature_fill_sha256 gives the same */
	cr_expect_str_eq(sig.sha256, calc);
	sig.sha256[0] = '\0';
	signature_fill_sha256(&sig, b);
	cr_expect_str_eq(sig.sha256, calc);
	signature_free(&sig);

	/* one byte of .text changed: the signature still verifies, the digest differs */
	b[0x300] ^= 0x01;
	check(&sig, b, len);
	cr_expect_eq(sig.state, SIG_MISMATCH, "%s", signature_state_name(sig.state));
	cr_expect_str_neq(sig.stored_digest, sig.computed_digest);
	signature_free(&sig);
	b[0x300] ^= 0x01;

	/* the PKCS#7 cut to half its length (the WIN_CERTIFICATE and the
	 * Security directory say so): invalid, no crash */
	{
		size_t dir = 0x40 + 24 + 112 + 4 * 8;
		uint32_t at = get32(b, dir), size = get32(b, dir + 4);
		tb_put32(b, dir + 4, size / 2);
		tb_put32(b, at, size / 2);
		check(&sig, b, at + size / 2);
		cr_expect_eq(sig.state, SIG_INVALID, "%s", signature_state_name(sig.state));
		signature_free(&sig);
	}
	free(b);
}

/* ---- a variable store holding the certificate or the hash ---- */

enum { STORE = 0x1000, FVH = 0x48 };

struct vstore {
	uint8_t b[STORE];
	size_t at;
};

static void vs_init(struct vstore *v)
{
	struct efi_fv_header fv = {0};
	struct efi_vstore_header st = {0};
	memset(v->b, 0xFF, sizeof(v->b));
	memset(v->b, 0, FVH + EFI_VSTORE_SIZE);
	fv.fv_length = STORE;
	fv.signature = EFI_FV_SIGNATURE;
	fv.header_length = FVH;
	cr_assert(fmt_encode(v->b, STORE, 0, efi_fv_fields, EFI_FV_F_COUNT, &fv));
	memcpy(v->b + FVH, efi_guid_authenticated_variable, EFI_GUID_SIZE);
	st.size = STORE - FVH;
	st.format = EFI_VSTORE_FORMATTED;
	st.state = EFI_VSTORE_HEALTHY;
	cr_assert(fmt_encode(v->b, STORE, FVH, efi_vstore_fields, EFI_VSTORE_F_COUNT, &st));
	v->at = FVH + EFI_VSTORE_SIZE;
}

/* A variable holding one signature list of one entry (data of n bytes). */
static void vs_add(struct vstore *v, const char *name, const uint8_t *type, const uint8_t *data,
                   size_t n)
{
	struct efi_avar_header h = {0};
	struct efi_siglist_header l = {0};
	size_t nlen = 2 * (strlen(name) + 1), d;
	l.list_size = (uint32_t)(EFI_SIGLIST_SIZE + EFI_GUID_SIZE + n);
	l.signature_size = (uint32_t)(EFI_GUID_SIZE + n);
	h.start_id = EFI_AVAR_START_ID;
	h.state = EFI_VAR_ADDED;
	h.name_size = (uint32_t)nlen;
	h.data_size = l.list_size;
	cr_assert_lt(v->at + EFI_AVAR_SIZE + nlen + l.list_size, STORE);
	memset(v->b + v->at, 0, EFI_AVAR_SIZE + nlen + l.list_size);
	cr_assert(fmt_encode(v->b, STORE, v->at, efi_avar_fields, EFI_AVAR_F_COUNT, &h));
	memcpy(v->b + v->at + EFI_AVAR_OFF_GUID, efi_guid_image_security_database, EFI_GUID_SIZE);
	for (size_t i = 0; name[i]; i++)
		v->b[v->at + EFI_AVAR_SIZE + 2 * i] = (uint8_t)name[i];
	d = v->at + EFI_AVAR_SIZE + nlen;
	memcpy(v->b + d, type, EFI_GUID_SIZE);
	cr_assert(fmt_encode(v->b, STORE, d, efi_siglist_fields, EFI_SIGLIST_F_COUNT, &l));
	memcpy(v->b + d + EFI_SIGLIST_SIZE + EFI_GUID_SIZE, data, n);
	v->at = (d + l.list_size + 3) & ~(size_t)3;
}

static enum sb_verdict answer(const struct vstore *v, const struct rom_driver *d, char *how,
                              size_t cap)
{
	struct sb_store *st = sb_store_load(v->b, STORE, "test store");
	struct sb_answer a;
	cr_assert_not_null(st);
	cr_assert_eq(st->status, EFI_VARS_OK);
	sb_answer_driver(st, d, &a);
	(void)snprintf(how, cap, "%s", a.how);
	sb_store_free(st);
	return a.verdict;
}

Test(signed_driver, db_accepts_dbx_blocks_empty_db_refuses)
{
	static struct rom_driver d;
	static struct vstore v;
	size_t len = 0, clen = 0;
	uint8_t hash[32], *cert;
	char how[256];
	uint8_t *b = signed_driver(&len);
	if (!b)
		cr_skip_test("tools absent");
	cert = tb_read_file(tmp_path("c.der"), &clen);
	cr_assert_not_null(cert);
	d.state = DRIVER_OK;
	d.has_pe = true;
	d.pe_status = PE_OK;
	check(&d.signature, b, len);
	cr_assert_eq(d.signature.state, SIG_OK);
	for (size_t i = 0; i < 32; i++) {
		unsigned x = 0;
		cr_assert_eq(sscanf(d.signature.sha256 + 2 * i, "%2x", &x), 1);
		hash[i] = (uint8_t)x;
	}

	vs_init(&v);
	vs_add(&v, "db", efi_guid_cert_x509, cert, clen);
	cr_expect_eq(answer(&v, &d, how, sizeof(how)), SB_ACCEPTED, "%s", how);
	cr_expect_str_eq(how, "through \"optrom test signer\"");

	vs_add(&v, "dbx", efi_guid_cert_sha256, hash, 32);
	cr_expect_eq(answer(&v, &d, how, sizeof(how)), SB_BLOCKED, "%s", how);
	cr_expect_str_eq(how, "dbx lists its hash");

	vs_init(&v);
	vs_add(&v, "db", efi_guid_cert_x509, cert, clen);
	vs_add(&v, "dbx", efi_guid_cert_x509, cert, clen);
	cr_expect_eq(answer(&v, &d, how, sizeof(how)), SB_BLOCKED, "%s", how);

	vs_init(&v);
	vs_add(&v, "db", efi_guid_cert_sha256, hash, 32);
	cr_expect_eq(answer(&v, &d, how, sizeof(how)), SB_ACCEPTED, "%s", how);
	cr_expect_str_eq(how, "db lists its hash");

	vs_init(&v);
	cr_expect_eq(answer(&v, &d, how, sizeof(how)), SB_REFUSED, "%s", how);

	signature_free(&d.signature);
	free(cert);
	free(b);
}
