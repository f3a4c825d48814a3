/* The GOP driver's Authenticode signature (analyzer/signature.h), with
 * OpenSSL libcrypto: d2i_PKCS7, the SpcIndirectDataContent declared with
 * OpenSSL's ASN.1 templates, PKCS7_verify with EDK2's settings (partial
 * chain, no time check, any purpose: CryptoPkg Pkcs7Verify, which
 * DxeImageVerificationLib calls for every certificate in the table). */
#include "analyzer/signature.h"

#include "analyzer/crypto_init.h"
#include "analyzer/signature_kept.h"

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SpcIndirectDataContent (Authenticode specification): the digest the
 * signature covers sits in a DigestInfo, which OpenSSL knows as X509_SIG. */
typedef struct {
	ASN1_TYPE *data; /* SpcAttributeTypeAndOptionalValue (SpcPeImageData) */
	X509_SIG *digest;
} SPC_INDIRECT;

ASN1_SEQUENCE(SPC_INDIRECT) =
    {
        ASN1_SIMPLE(SPC_INDIRECT, data, ASN1_ANY),
        ASN1_SIMPLE(SPC_INDIRECT, digest, X509_SIG),
} ASN1_SEQUENCE_END(SPC_INDIRECT)

        IMPLEMENT_ASN1_FUNCTIONS(SPC_INDIRECT)

#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define OID_RFC3161_TIMESTAMP "1.3.6.1.4.1.311.3.3.1"

    /* The Microsoft CAs a GOP signature leads to, by the issuer's common name
     * (docs/formats-pci-amd-efi.md 8.2). */
    static const struct {
	const char *cn;
	const char *name;
} known_cas[] = {
    {"Microsoft Corporation UEFI CA 2011", "Microsoft UEFI CA 2011"},
    {"Microsoft Option ROM UEFI CA 2023", "Microsoft Option ROM UEFI CA 2023"},
    {"Microsoft UEFI CA 2023", "Microsoft UEFI CA 2023"},
};

const char *signature_state_name(enum sig_state s)
{
	switch (s) {
	case SIG_NONE:
		return "none";
	case SIG_UNSIGNED:
		return "unsigned";
	case SIG_OK:
		return "ok";
	case SIG_MISMATCH:
		return "mismatch";
	case SIG_INVALID:
		return "invalid";
	case SIG_BAD_TABLE:
		return "bad-table";
	}
	return "none";
}

static void hex(const unsigned char *p, size_t n, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n && 2 * i + 2 < cap; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xF];
	}
	out[2 * i] = '\0';
}

/* Hashes the regions of img with md; false on a libcrypto failure. */
static bool digest_regions(const EVP_MD *md, const struct auth_info *ai, const uint8_t *img,
                           unsigned char *out, unsigned *outlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && i < ai->n_regions; i++)
		ok = EVP_DigestUpdate(ctx, img + ai->regions[i].offset, ai->regions[i].length);
	ok = ok && EVP_DigestFinal_ex(ctx, out, outlen);
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void time_str(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;
	out[0] = '\0';
	if (t && ASN1_TIME_to_tm(t, &tm))
		(void)strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* The common name of a name, or its one-line form when it has none. */
static void name_str(const X509_NAME *name, char *out, size_t cap)
{
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	out[0] = '\0';
	if (i >= 0) {
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, s);
		if (n >= 0)
			(void)snprintf(out, cap, "%.*s", n, (const char *)utf8);
		OPENSSL_free(utf8);
		return;
	}
	(void)X509_NAME_oneline(name, out, (int)cap);
}

/* The countersignature's time: an RFC 3161 token (Microsoft's unsigned
 * attribute 1.3.6.1.4.1.311.3.3.1) or a PKCS#9 countersignature's
 * signingTime (the older Authenticode timestamp). */
static void countersignature(PKCS7_SIGNER_INFO *si, struct rom_signature *sig)
{
	ASN1_OBJECT *rfc3161 = OBJ_txt2obj(OID_RFC3161_TIMESTAMP, 1);
	STACK_OF(X509_ATTRIBUTE) *attrs = si->unauth_attr;
	for (int i = 0; rfc3161 && i < sk_X509_ATTRIBUTE_num(attrs); i++) {
		X509_ATTRIBUTE *at = sk_X509_ATTRIBUTE_value(attrs, i);
		ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(at);
		ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(at, 0);
		if (!v || v->type != V_ASN1_SEQUENCE)
			continue;
		if (OBJ_cmp(obj, rfc3161) == 0) {
			/* A CMS SignedData (its SignerInfo may name the TSA's key by
			 * identifier, which PKCS#7 cannot read) whose content is a
			 * TSTInfo. */
			const unsigned char *p = v->value.sequence->data;
			CMS_ContentInfo *tok =
			    d2i_CMS_ContentInfo(NULL, &p, v->value.sequence->length);
			ASN1_OCTET_STRING **der = tok ? CMS_get0_content(tok) : NULL;
			const unsigned char *q = der && *der ? ASN1_STRING_get0_data(*der) : NULL;
			TS_TST_INFO *tst =
			    q ? d2i_TS_TST_INFO(NULL, &q, ASN1_STRING_length(*der)) : NULL;
			if (tst) {
				time_str(TS_TST_INFO_get_time(tst), sig->timestamp,
				         sizeof(sig->timestamp));
				(void)snprintf(sig->timestamp_kind, sizeof(sig->timestamp_kind),
				               "rfc3161");
			}
			TS_TST_INFO_free(tst);
			CMS_ContentInfo_free(tok);
		} else if (OBJ_obj2nid(obj) == NID_pkcs9_countersignature) {
			const unsigned char *p = v->value.sequence->data;
			PKCS7_SIGNER_INFO *cs =
			    d2i_PKCS7_SIGNER_INFO(NULL, &p, v->value.sequence->length);
			ASN1_TYPE *st =
			    cs ? PKCS7_get_signed_attribute(cs, NID_pkcs9_signingTime) : NULL;
			if (st &&
			    (st->type == V_ASN1_UTCTIME || st->type == V_ASN1_GENERALIZEDTIME)) {
				time_str(st->value.utctime, sig->timestamp, sizeof(sig->timestamp));
				(void)snprintf(sig->timestamp_kind, sizeof(sig->timestamp_kind),
				               "authenticode");
			}
			PKCS7_SIGNER_INFO_free(cs);
		}
		if (sig->timestamp[0])
			break;
	}
	ASN1_OBJECT_free(rfc3161);
}

/* Signer, issuer, validity and the CA the chain leads to. */
static void describe_signer(PKCS7 *p7, struct rom_signature *sig)
{
	STACK_OF(X509) *certs = p7->d.sign->cert;
	STACK_OF(X509) *signers = PKCS7_get0_signers(p7, NULL, 0);
	X509 *signer = signers && sk_X509_num(signers) > 0 ? sk_X509_value(signers, 0) : NULL;
	char issuer_cn[SIG_NAME_LEN];
	sig->certs_in_signature = (unsigned)(certs ? sk_X509_num(certs) : 0);
	if (signer) {
		name_str(X509_get_subject_name(signer), sig->signer, sizeof(sig->signer));
		name_str(X509_get_issuer_name(signer), issuer_cn, sizeof(issuer_cn));
		(void)snprintf(sig->issuer, sizeof(sig->issuer), "%s", issuer_cn);
		time_str(X509_get0_notBefore(signer), sig->not_before, sizeof(sig->not_before));
		time_str(X509_get0_notAfter(signer), sig->not_after, sizeof(sig->not_after));
		(void)snprintf(sig->ca, sizeof(sig->ca), "%s", issuer_cn);
		for (size_t k = 0; k < sizeof(known_cas) / sizeof(known_cas[0]); k++)
			if (strcmp(issuer_cn, known_cas[k].cn) == 0)
				(void)snprintf(sig->ca, sizeof(sig->ca), "%s", known_cas[k].name);
		for (int i = 0; certs && i < sk_X509_num(certs); i++) {
			X509 *c = sk_X509_value(certs, i);
			EVP_PKEY *key = X509_get0_pubkey(c);
			if (c != signer && X509_check_issued(c, signer) == X509_V_OK && key &&
			    X509_verify(signer, key) == 1)
				sig->ca_in_signature = true;
		}
	}
	sk_X509_free(signers);
	if (p7->d.sign->signer_info && sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info) > 0)
		countersignature(sk_PKCS7_SIGNER_INFO_value(p7->d.sign->signer_info, 0), sig);
}

/* (analyzer/signature_kept.h) Verifies p7 over content as EDK2 Pkcs7Verify does, the trust anchors
 * being anchors (or, when NULL, the certificates the PKCS#7 carries). */
bool sig_pkcs7_verifies(PKCS7 *p7, const ASN1_STRING *content, STACK_OF(X509) * anchors)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *use = anchors ? anchors : p7->d.sign->cert;
	BIO *in = BIO_new_mem_buf(content->data, content->length);
	bool ok = false;
	if (store && in) {
		for (int i = 0; use && i < sk_X509_num(use); i++)
			(void)X509_STORE_add_cert(store, sk_X509_value(use, i));
		(void)X509_STORE_set_flags(store,
		                           X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
		(void)X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
		ok = PKCS7_verify(p7, NULL, store, in, NULL, PKCS7_BINARY) == 1;
	}
	ERR_clear_error();
	BIO_free(in);
	X509_STORE_free(store);
	return ok;
}

/* One certificate entry: parse, digest, verify. Returns the state it
 * gives; keeps the PKCS#7 in kept on success of the parse. */
static enum sig_state check_entry(const uint8_t *img, const struct win_certificate *c,
                                  struct rom_signature *sig, struct sig_kept *kept, char *err,
                                  size_t errcap)
{
	const unsigned char *p = img + c->data_offset;
	PKCS7 *p7 = NULL;
	ASN1_OBJECT *spc = NULL;
	SPC_INDIRECT *ind = NULL;
	ASN1_STRING *content = NULL;
	enum sig_state st = SIG_INVALID;
	const X509_ALGOR *alg = NULL;
	const ASN1_OCTET_STRING *stored = NULL;
	const EVP_MD *md;
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned blen = 0;
	long clen = 0;
	int tag = 0, cls = 0;

	if (c->data_length > (size_t)LONG_MAX || !c->pkcs7) {
		(void)snprintf(err, errcap, "certificate type 0x%04x is not PKCS#7",
		               c->certificate_type);
		return SIG_INVALID;
	}
	p7 = d2i_PKCS7(NULL, &p, (long)c->data_length);
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents) {
		(void)snprintf(err, errcap, "not a readable PKCS#7 SignedData");
		goto out;
	}
	spc = OBJ_txt2obj(OID_SPC_INDIRECT_DATA, 1);
	if (!spc || !p7->d.sign->contents->type || OBJ_cmp(p7->d.sign->contents->type, spc) != 0 ||
	    !p7->d.sign->contents->d.other ||
	    p7->d.sign->contents->d.other->type != V_ASN1_SEQUENCE) {
		(void)snprintf(err, errcap, "the signed content is not an SpcIndirectDataContent");
		goto out;
	}
	{
		const ASN1_STRING *seq = p7->d.sign->contents->d.other->value.sequence;
		const unsigned char *q = seq->data;
		ind = d2i_SPC_INDIRECT(NULL, &q, seq->length);
		/* EDK2 verifies over the content without its tag and length. */
		q = seq->data;
		if (ind && !(ASN1_get_object(&q, &clen, &tag, &cls, seq->length) & 0x80) &&
		    clen <= seq->length - (q - seq->data)) {
			content = ASN1_STRING_new();
			if (content && !ASN1_STRING_set(content, q, (int)clen)) {
				ASN1_STRING_free(content);
				content = NULL;
			}
		}
	}
	if (!ind || !content) {
		(void)snprintf(err, errcap, "the SpcIndirectDataContent does not decode");
		goto out;
	}
	X509_SIG_get0(ind->digest, &alg, &stored);
	md = alg ? EVP_get_digestbyobj(alg->algorithm) : NULL;
	if (!md || !stored) {
		(void)snprintf(err, errcap,
		               "unknown digest algorithm in the SpcIndirectDataContent");
		goto out;
	}
	(void)snprintf(sig->algorithm, sizeof(sig->algorithm), "%s", EVP_MD_get0_name(md));
	for (char *s = sig->algorithm; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	hex(ASN1_STRING_get0_data(stored), (size_t)ASN1_STRING_length(stored), sig->stored_digest,
	    sizeof(sig->stored_digest));
	if (!digest_regions(md, &sig->auth, img, buf, &blen)) {
		(void)snprintf(err, errcap, "libcrypto could not compute the digest");
		goto out;
	}
	hex(buf, blen, sig->computed_digest, sizeof(sig->computed_digest));
	describe_signer(p7, sig);
	if (!sig_pkcs7_verifies(p7, content, NULL)) {
		(void)snprintf(err, errcap, "the PKCS#7 signature does not verify");
		goto out;
	}
	if ((size_t)ASN1_STRING_length(stored) == blen &&
	    memcmp(ASN1_STRING_get0_data(stored), buf, blen) == 0) {
		st = SIG_OK;
		kept->digest_ok[kept->n] = true;
	} else {
		st = SIG_MISMATCH;
	}
out:
	if (p7 && content && kept->n < AUTH_MAX_CERTS && st != SIG_INVALID) {
		kept->p7[kept->n] = p7;
		kept->content[kept->n] = content;
		kept->n++;
		p7 = NULL;
		content = NULL;
	}
	ASN1_STRING_free(content);
	SPC_INDIRECT_free(ind);
	ASN1_OBJECT_free(spc);
	PKCS7_free(p7);
	ERR_clear_error();
	return st;
}

/* Ranks states so the best entry decides: ok beats mismatch beats invalid. */
static int rank(enum sig_state s)
{
	return s == SIG_OK ? 3 : s == SIG_MISMATCH ? 2 : 1;
}

void signature_fill_sha256(struct rom_signature *sig, const uint8_t *img)
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned blen = 0;
	if (sig->sha256[0] || !sig->auth.n_regions)
		return;
	optrom_crypto_init();
	if (digest_regions(EVP_sha256(), &sig->auth, img, buf, &blen))
		hex(buf, blen, sig->sha256, sizeof(sig->sha256));
}

void signature_check(struct rom_signature *sig, const uint8_t *img, size_t len,
                     const struct pe_info *pe)
{
	struct span s = span_make(img, len);
	struct sig_kept *kept;
	int best = 0;
	signature_free(sig);
	memset(sig, 0, sizeof(*sig));
	switch (auth_parse(&s, pe, &sig->auth)) {
	case AUTH_NOT_PE:
		sig->state = SIG_NONE;
		return;
	case AUTH_UNSIGNED:
		sig->state = SIG_UNSIGNED;
		break;
	case AUTH_OK:
		sig->state = SIG_INVALID;
		break;
	case AUTH_TABLE_OUT_OF_BOUNDS:
	case AUTH_TABLE_NO_ENTRY:
	case AUTH_HEADERS_OUT_OF_RANGE:
	case AUTH_SECTION_OUT_OF_RANGE:
	case AUTH_SIZE_INCONSISTENT:
		sig->state = SIG_BAD_TABLE;
		(void)snprintf(sig->error, sizeof(sig->error), "%s",
		               auth_status_str(sig->auth.status));
		break;
	}
	if (sig->auth.status != AUTH_OK)
		return;       /* the Authenticode SHA-256: signature_fill_sha256, when shown */
	optrom_crypto_init(); /* only a signed driver sets libcrypto up */
	kept = calloc(1, sizeof(*kept));
	if (!kept) {
		(void)snprintf(sig->error, sizeof(sig->error), "out of memory");
		return;
	}
	/* EDK2 tries every entry; the best one decides, and its details are
	 * the ones reported. */
	for (size_t i = 0; i < sig->auth.n_certs; i++) {
		struct rom_signature one = {0};
		char err[SIG_NAME_LEN] = "";
		enum sig_state st;
		one.auth.n_regions = sig->auth.n_regions;
		memcpy(one.auth.regions, sig->auth.regions,
		       sig->auth.n_regions * sizeof(sig->auth.regions[0]));
		st = check_entry(img, &sig->auth.certs[i], &one, kept, err, sizeof(err));
		sig->n_tried++;
		if (rank(st) > best) {
			struct auth_info keep_auth = sig->auth;
			size_t tried = sig->n_tried;
			best = rank(st);
			one.auth = keep_auth;
			*sig = one;
			sig->auth = keep_auth;
			sig->n_tried = tried;
			sig->state = st;
			sig->cert_index = i;
			(void)snprintf(sig->error, sizeof(sig->error), "%s", err);
		}
	}
	/* The digest a SHA-256 signature names is the Authenticode SHA-256
	 * (db and dbx hash entries): one hash, not two. */
	if ((sig->state == SIG_OK || sig->state == SIG_MISMATCH) &&
	    strcmp(sig->algorithm, "sha256") == 0 && strlen(sig->computed_digest) == 64)
		memcpy(sig->sha256, sig->computed_digest, 65);
	sig->pkcs7 = kept;
}

void signature_free(struct rom_signature *sig)
{
	struct sig_kept *kept = sig->pkcs7;
	if (!kept)
		return;
	sig->pkcs7 = NULL;
	if (atomic_fetch_sub(&kept->shared, 1) != 0)
		return; /* another copy still holds them */
	for (size_t i = 0; i < kept->n; i++) {
		PKCS7_free(kept->p7[i]);
		ASN1_STRING_free(kept->content[i]);
	}
	free(kept);
}

bool signature_copy(struct rom_signature *dst, const struct rom_signature *src)
{
	struct sig_kept *kept = src->pkcs7;
	*dst = *src;
	/* Shared, not duplicated: a PKCS7_dup is a DER encode and decode (the
	 * public keys through OpenSSL 3's decoders), which cost scan 15 % of
	 * its CPU when each cache hit made one. */
	if (kept)
		atomic_fetch_add(&kept->shared, 1);
	return true;
}
