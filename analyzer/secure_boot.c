/* Secure Boot answer (analyzer/secure_boot.h): the db and dbx of a
 * variable store read with libcrypto, and each driver's signature (kept by
 * analyzer/signature.c) checked against them the way EDK2 does. */
#include "analyzer/secure_boot.h"

#include "analyzer/crypto_init.h"
#include "analyzer/signature_kept.h"
#include "analyzer/tree.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sb_priv {
	STACK_OF(X509) * db_certs;
	STACK_OF(X509) * dbx_certs;
	size_t n_db_hash, n_dbx_hash, n_dbx_tbs;
	unsigned char (*db_hash)[32];
	unsigned char (*dbx_hash)[32];
	unsigned char (*dbx_tbs)[32];
};

static void subject_of(X509 *c, char *out, size_t cap)
{
	const X509_NAME *n = X509_get_subject_name(c);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	out[0] = '\0';
	if (i >= 0) {
		unsigned char *utf8 = NULL;
		int len =
		    ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
		if (len >= 0)
			(void)snprintf(out, cap, "%.*s", len, (const char *)utf8);
		OPENSSL_free(utf8);
	} else {
		(void)X509_NAME_oneline(n, out, (int)cap);
	}
}

/* Reads one variable's entries: certificates into *certs (when not NULL),
 * SHA-256 hashes into *hashes, TBS hashes into *tbs. */
static bool read_db(const uint8_t *data, const struct efi_sig_db *db, struct sb_list_summary *sum,
                    STACK_OF(X509) * *certs, unsigned char (**hashes)[32], size_t *n_hashes,
                    unsigned char (**tbs)[32], size_t *n_tbs)
{
	sum->present = db->present;
	if (!db->present)
		return true;
	if (hashes) {
		*hashes = calloc(db->n ? db->n : 1, 32);
		if (!*hashes)
			return false;
	}
	if (tbs) {
		*tbs = calloc(db->n ? db->n : 1, 32);
		if (!*tbs)
			return false;
	}
	if (certs && !(*certs = sk_X509_new_null()))
		return false;
	for (size_t i = 0; i < db->n; i++) {
		const struct efi_sig_entry *e = &db->e[i];
		const unsigned char *p = data + e->offset;
		X509 *c;
		switch (e->kind) {
		case EFI_SIG_X509:
			c = e->length <= (size_t)INT32_MAX ? d2i_X509(NULL, &p, (long)e->length)
			                                   : NULL;
			if (!c) {
				sum->other++;
				break;
			}
			sum->certs++;
			if (sum->named < SB_MAX_NAMED)
				subject_of(c, sum->names[sum->named++], SIG_NAME_LEN);
			if (certs)
				(void)sk_X509_push(*certs, c);
			else
				X509_free(c);
			break;
		case EFI_SIG_SHA256:
			sum->hashes++;
			if (hashes && e->length == 32)
				memcpy((*hashes)[(*n_hashes)++], p, 32);
			break;
		case EFI_SIG_X509_SHA256:
			sum->cert_hashes++;
			if (tbs && e->length >= 32)
				memcpy((*tbs)[(*n_tbs)++], p, 32);
			break;
		case EFI_SIG_OTHER:
			sum->other++;
			break;
		}
	}
	ERR_clear_error();
	return true;
}

struct sb_store *sb_store_load(const uint8_t *data, size_t len, const char *name)
{
	struct sb_store *st = calloc(1, sizeof(*st));
	struct efi_vars *v = calloc(1, sizeof(*v));
	struct sb_priv *p = calloc(1, sizeof(*p));
	struct span s = span_make(data, len);
	bool ok;
	optrom_crypto_init();
	if (!st || !v || !p) {
		free(st);
		free(v);
		free(p);
		return NULL;
	}
	st->priv = p;
	(void)snprintf(st->name, sizeof(st->name), "%s", name ? name : "");
	st->status = efi_vars_parse(&s, v);
	ok = read_db(data, &v->db, &st->db, &p->db_certs, &p->db_hash, &p->n_db_hash, NULL, NULL) &&
	     read_db(data, &v->dbx, &st->dbx, &p->dbx_certs, &p->dbx_hash, &p->n_dbx_hash,
	             &p->dbx_tbs, &p->n_dbx_tbs) &&
	     read_db(data, &v->kek, &st->kek, NULL, NULL, NULL, NULL, NULL) &&
	     read_db(data, &v->pk, &st->pk, NULL, NULL, NULL, NULL, NULL);
	free(v);
	if (!ok) {
		sb_store_free(st);
		return NULL;
	}
	for (size_t i = 0; i < st->db.named; i++) {
		if (strcmp(st->db.names[i], "Microsoft Corporation UEFI CA 2011") == 0)
			st->db_has_uefi_ca_2011 = true;
		if (strcmp(st->db.names[i], "Microsoft Option ROM UEFI CA 2023") == 0)
			st->db_has_option_rom_ca_2023 = true;
	}
	return st;
}

void sb_store_free(struct sb_store *st)
{
	struct sb_priv *p;
	if (!st)
		return;
	p = st->priv;
	if (p) {
		sk_X509_pop_free(p->db_certs, X509_free);
		sk_X509_pop_free(p->dbx_certs, X509_free);
		free(p->db_hash);
		free(p->dbx_hash);
		free(p->dbx_tbs);
		free(p);
	}
	free(st);
}

const char *sb_verdict_name(enum sb_verdict v)
{
	switch (v) {
	case SB_NOT_A_DRIVER:
		return "n/a";
	case SB_ACCEPTED:
		return "accepted";
	case SB_REFUSED:
		return "refused";
	case SB_BLOCKED:
		return "blocked";
	}
	return "n/a";
}

static bool hex_to_32(const char *hex, unsigned char out[32])
{
	if (strlen(hex) != 64)
		return false;
	for (size_t i = 0; i < 32; i++) {
		unsigned v = 0;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	return true;
}

static bool hash_listed(unsigned char (*list)[32], size_t n, const unsigned char h[32])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(list[i], h, 32) == 0)
			return true;
	return false;
}

/* One certificate as the only trust anchor. */
static bool verifies_with(PKCS7 *p7, const ASN1_STRING *content, X509 *anchor)
{
	STACK_OF(X509) *one = sk_X509_new_null();
	bool ok = one && sk_X509_push(one, anchor) && sig_pkcs7_verifies(p7, content, one);
	sk_X509_free(one);
	return ok;
}

/* dbx's certificate hashes: SHA-256 of the TBSCertificate of any
 * certificate the signature carries (EDK2 IsCertHashFoundInDbx). */
static bool tbs_listed(const struct sb_priv *p, PKCS7 *p7, char *who, size_t cap)
{
	STACK_OF(X509) *certs = p7->d.sign->cert;
	for (int i = 0; certs && i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);
		unsigned char *der = NULL, md[32];
		unsigned mdlen = 0;
		int n = i2d_re_X509_tbs(c, &der);
		bool hit = n > 0 && EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) &&
		           hash_listed(p->dbx_tbs, p->n_dbx_tbs, md);
		OPENSSL_free(der);
		if (hit) {
			subject_of(c, who, cap);
			return true;
		}
	}
	return false;
}

void sb_answer_driver(const struct sb_store *st, const struct rom_driver *d, struct sb_answer *out)
{
	const struct sb_priv *p = st->priv;
	const struct rom_signature *sig = &d->signature;
	const struct sig_kept *kept = sig->pkcs7;
	unsigned char h[32];
	char who[SIG_NAME_LEN];
	bool have_hash;
	memset(out, 0, sizeof(*out));
	if (d->state != DRIVER_OK || !d->has_pe || d->pe_status != PE_OK || sig->state == SIG_NONE)
		return;
	have_hash = hex_to_32(sig->sha256, h);
	if (have_hash && hash_listed(p->dbx_hash, p->n_dbx_hash, h)) {
		out->verdict = SB_BLOCKED;
		(void)snprintf(out->how, sizeof(out->how), "dbx lists its hash");
		return;
	}
	for (size_t i = 0; kept && i < kept->n; i++) {
		for (int k = 0; k < sk_X509_num(p->dbx_certs); k++)
			if (verifies_with(kept->p7[i], kept->content[i],
			                  sk_X509_value(p->dbx_certs, k))) {
				subject_of(sk_X509_value(p->dbx_certs, k), who, sizeof(who));
				out->verdict = SB_BLOCKED;
				(void)snprintf(out->how, sizeof(out->how), "dbx lists \"%s\"", who);
				return;
			}
		if (tbs_listed(p, kept->p7[i], who, sizeof(who))) {
			out->verdict = SB_BLOCKED;
			(void)snprintf(out->how, sizeof(out->how), "dbx lists the hash of \"%s\"",
			               who);
			return;
		}
	}
	for (size_t i = 0; kept && i < kept->n; i++) {
		if (!kept->digest_ok[i])
			continue;
		for (int k = 0; k < sk_X509_num(p->db_certs); k++)
			if (verifies_with(kept->p7[i], kept->content[i],
			                  sk_X509_value(p->db_certs, k))) {
				subject_of(sk_X509_value(p->db_certs, k), who, sizeof(who));
				out->verdict = SB_ACCEPTED;
				(void)snprintf(out->how, sizeof(out->how), "through \"%s\"", who);
				return;
			}
	}
	if (have_hash && hash_listed(p->db_hash, p->n_db_hash, h)) {
		out->verdict = SB_ACCEPTED;
		(void)snprintf(out->how, sizeof(out->how), "db lists its hash");
		return;
	}
	out->verdict = SB_REFUSED;
	switch (sig->state) {
	case SIG_UNSIGNED:
		(void)snprintf(out->how, sizeof(out->how),
		               "unsigned, and db does not list its hash");
		break;
	case SIG_MISMATCH:
		(void)snprintf(out->how, sizeof(out->how),
		               "its digest differs from the signed one (changed after signing)");
		break;
	case SIG_OK:
		(void)snprintf(out->how, sizeof(out->how),
		               "no db certificate is an anchor of its signature (signed under %s)",
		               sig->ca);
		break;
	default:
		(void)snprintf(out->how, sizeof(out->how), "its signature does not verify");
		break;
	}
}

enum sb_verdict sb_answer_rom(const struct sb_store *st, const struct rom_analysis *a,
                              struct sb_answer *worst)
{
	memset(worst, 0, sizeof(*worst));
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		struct sb_answer one;
		if (!n || !n->driver)
			continue;
		sb_answer_driver(st, n->driver, &one);
		if (one.verdict == SB_NOT_A_DRIVER)
			continue;
		/* blocked beats refused beats accepted */
		if (worst->verdict == SB_NOT_A_DRIVER || one.verdict == SB_BLOCKED ||
		    (one.verdict == SB_REFUSED && worst->verdict == SB_ACCEPTED))
			*worst = one;
	}
	return worst->verdict;
}
