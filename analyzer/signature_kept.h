/* What analyzer/signature.c keeps of a driver's signature for the Secure
 * Boot answer (analyzer/secure_boot.c): the parsed PKCS#7 of each
 * certificate entry, so the answer needs no second parse. Private to the
 * two files. */
#ifndef OPTROM_SIGNATURE_KEPT_H
#define OPTROM_SIGNATURE_KEPT_H

#include "formats/authenticode.h"

#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct sig_kept {
	/* Copies of the signature sharing these objects (signature_copy: scan's
	 * driver cache hands one result to many nodes), besides the first; the
	 * last signature_free frees them. Shared read-only. */
	atomic_uint shared;
	size_t n;
	PKCS7 *p7[AUTH_MAX_CERTS];
	ASN1_STRING *content[AUTH_MAX_CERTS]; /* the signed content, its tag and length stripped */
	bool digest_ok[AUTH_MAX_CERTS];       /* the entry's digest equals the driver's */
};

/* PKCS7_verify over content with EDK2's settings (partial chain, no time
 * check, any purpose); the trust anchors are anchors, or when NULL the
 * certificates the PKCS#7 carries. */
bool sig_pkcs7_verifies(PKCS7 *p7, const ASN1_STRING *content, STACK_OF(X509) * anchors);

#endif
