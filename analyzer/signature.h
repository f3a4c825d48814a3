/* The GOP driver's Authenticode signature, checked the way EDK2 checks an
 * option ROM's driver (docs/formats-pci-amd-efi.md section 8.2): the PE
 * digest regions come from formats/authenticode.c, the hashing and the
 * PKCS#7 / X.509 work from OpenSSL libcrypto (no ASN.1 of our own). The
 * result lives in the driver's node (struct rom_driver), computed once
 * where the driver is decoded (analyzer/driver.c).
 */
#ifndef OPTROM_SIGNATURE_H
#define OPTROM_SIGNATURE_H

#include "formats/authenticode.h"
#include "formats/pe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sig_state {
	SIG_NONE = 0,  /* not examined: no decoded PE32/PE32+ driver */
	SIG_UNSIGNED,  /* empty Security directory */
	SIG_OK,        /* the digest matches and the PKCS#7 signature verifies */
	SIG_MISMATCH,  /* the signature verifies but the driver's digest differs */
	SIG_INVALID,   /* the signature does not verify or cannot be read */
	SIG_BAD_TABLE, /* the certificate table (or the digest's regions) is not inside the image */
};

#define SIG_DIGEST_HEX (2 * 64 + 1) /* up to SHA-512 */
#define SIG_NAME_LEN   128
#define SIG_TIME_LEN   32

struct rom_signature {
	enum sig_state state;
	struct auth_info auth; /* regions and certificate entries (formats/) */
	size_t cert_index;     /* the WIN_CERTIFICATE entry the state comes from */
	size_t n_tried;        /* PKCS#7 entries tried */
	char algorithm[16];    /* the SpcIndirectDataContent's digest: "sha256", ... */
	char stored_digest[SIG_DIGEST_HEX];
	char computed_digest[SIG_DIGEST_HEX];
	/* Authenticode SHA-256 of the driver (what db/dbx hash entries hold):
	 * the signature's own digest when it is SHA-256, else computed by
	 * signature_fill_sha256 (the analysis does, unless skip_sha256) */
	char sha256[65];
	char signer[SIG_NAME_LEN];
	char issuer[SIG_NAME_LEN];
	char not_before[SIG_TIME_LEN]; /* the signer certificate's validity, UTC */
	char not_after[SIG_TIME_LEN];
	char timestamp[SIG_TIME_LEN]; /* countersignature time, UTC, "" when none */
	char timestamp_kind[16];      /* "rfc3161", "authenticode" or "" */
	char ca[SIG_NAME_LEN];        /* "Microsoft UEFI CA 2011", ... or the issuer's name */
	bool ca_in_signature; /* the issuer's certificate is in the PKCS#7 and signed the signer */
	unsigned certs_in_signature; /* X.509 certificates the PKCS#7 carries */
	char error[SIG_NAME_LEN];    /* why SIG_INVALID / SIG_BAD_TABLE */
	void *pkcs7;                 /* libcrypto objects kept for the Secure Boot answer (owned) */
};

/* Checks the signature of the PE image img[0 .. len) whose headers are pe
 * (pe_parse already ran): fills sig. Never reads outside img. */
void signature_check(struct rom_signature *sig, const uint8_t *img, size_t len,
                     const struct pe_info *pe);

/* Fills sig->sha256 when it is still empty and the digest's regions are
 * known (an unsigned driver, or one signed with another digest): apart
 * from signature_check, so that an output that shows no hash (check's
 * text line) costs no hashing (issue 17). */
void signature_fill_sha256(struct rom_signature *sig, const uint8_t *img);

/* Frees what signature_check kept (sig itself is not freed). */
void signature_free(struct rom_signature *sig);

/* *dst = *src, sharing the kept libcrypto objects (scan's driver cache,
 * analyzer/driver_cache.h, hands one result to many nodes): each copy is
 * freed with signature_free, the objects with the last. They are only
 * read after signature_check (the Secure Boot answer). Always true. */
bool signature_copy(struct rom_signature *dst, const struct rom_signature *src);

/* "ok", "mismatch", "invalid", "unsigned", "bad-table", "none". */
const char *signature_state_name(enum sig_state s);

/* The GOP state of a ROM for check's line: the EFI drivers of the
 * standard chain (what OVMF loads). */
enum gop_state {
	GOP_NONE = 0,  /* no EFI image in the standard chain */
	GOP_SIGNED_OK, /* every driver decodes and its signature verifies */
	GOP_UNSIGNED,  /* a driver decodes but carries no signature, none is damaged */
	GOP_DAMAGED,   /* a driver does not decode, is no valid PE, or fails its signature */
};

struct rom_analysis;
/* The findings of every decoded driver's signature (every EFI image of the
 * tree, in the chain or not). */
void rules_signature(struct rom_analysis *a);
enum gop_state rom_gop_state(const struct rom_analysis *a);
const char *gop_state_name(enum gop_state s);

#endif
