/* The parts of a PE image an Authenticode signature covers, and where its
 * certificate table lies: bounded reads only, no cryptography (libcrypto
 * lives in analyzer/signature.c, which hashes the regions named here).
 *
 * Sources: Microsoft PE/COFF specification 4.7 ("The Attribute Certificate
 * Table") and "Windows Authenticode Portable Executable Signature Format"
 * (calculating the PE image hash); EDK2
 * SecurityPkg/Library/DxeImageVerificationLib (HashPeImage, the
 * certificate loop of DxeImageVerificationHandler), which is what firmware
 * runs on an option ROM's driver. docs/formats-pci-amd-efi.md section 8.2.
 */
#ifndef OPTROM_AUTHENTICODE_H
#define OPTROM_AUTHENTICODE_H

#include "formats/field.h"
#include "formats/pe.h"
#include "formats/span.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* WIN_CERTIFICATE (PE/COFF 4.7; EDK2 WinCertificate.h): each entry of the
 * certificate table, 8-byte aligned, its certificate right after the
 * header. dwLength counts the header. */
#define WIN_CERT_FIELDS(X)                                                                         \
	X(LENGTH, length, 0, 4, "length")                                                          \
	X(REVISION, revision, 4, 2, "revision")                                                    \
	X(TYPE, certificate_type, 6, 2, "certificate_type")

#define WIN_CERT_HEADER_SIZE      8
#define WIN_CERT_ALIGN            8
#define WIN_CERT_REVISION_2_0     0x0200
#define WIN_CERT_TYPE_PKCS_SIGNED 0x0002 /* the PKCS#7 SignedData follows */
#define WIN_CERT_TYPE_EFI_GUID    0x0EF1 /* a 16-byte CertType GUID, then the data */
#define WIN_CERT_GUID_SIZE        16
#define AUTH_MAX_CERTS            8 /* entries looked at; real drivers carry one */
#define AUTH_MAX_REGIONS          (PE_MAX_SECTIONS + 4)
#define AUTH_CHECKSUM_SIZE        4
#define AUTH_SECURITY_ENTRY_SIZE  PE_DIR_SIZE
#define AUTH_SECURITY_DIR_INDEX   PE_DIR_CERTIFICATE

/* EFI_CERT_TYPE_PKCS7_GUID 4aafd29d-68df-49ee-8aa9-347d375665a7, as stored
 * (UEFI 2.x 32.2.4): the only GUID type whose data EDK2 verifies. */
extern const uint8_t auth_guid_pkcs7[WIN_CERT_GUID_SIZE];

struct win_certificate {
	uint32_t length;
	uint16_t revision;
	uint16_t certificate_type;
	/* Where the entry and its signature lie in the image. */
	size_t offset;      /* of the header */
	size_t data_offset; /* of the PKCS#7 SignedData */
	size_t data_length;
	bool pkcs7; /* a type EDK2 verifies: PKCS_SIGNED_DATA, or EFI_GUID with the PKCS7 GUID */
};

#define FMT_PREFIX WIN_CERT
FMT_DECLARE(WIN_CERT_FIELDS, win_cert_fields);
#undef FMT_PREFIX
#define WIN_CERT_KEY(NAME) (win_cert_fields[WIN_CERT_F_##NAME].key)

enum auth_status {
	AUTH_OK = 0,               /* signed: regions and certificate entries found */
	AUTH_UNSIGNED,             /* the Security directory is empty (or absent) */
	AUTH_NOT_PE,               /* not a PE32/PE32+ image: nothing to digest */
	AUTH_TABLE_OUT_OF_BOUNDS,  /* the certificate table does not lie inside the image */
	AUTH_TABLE_NO_ENTRY,       /* no whole WIN_CERTIFICATE inside the table */
	AUTH_HEADERS_OUT_OF_RANGE, /* SizeOfHeaders past the image or before the Security entry */
	AUTH_SECTION_OUT_OF_RANGE, /* a section's raw data lies past the image */
	AUTH_SIZE_INCONSISTENT,    /* headers + sections + table exceed the image (EDK2 refuses) */
};

/* A byte range of the image the digest covers, in hashing order. */
struct auth_region {
	size_t offset;
	size_t length;
};

struct auth_info {
	enum auth_status status;
	uint32_t table_offset; /* Security directory: a file offset, not an RVA */
	uint32_t table_size;
	size_t checksum_offset;       /* the skipped CheckSum field */
	size_t security_entry_offset; /* the skipped directory entry (0 when absent) */
	/* The regions to hash, as EDK2 HashPeImage walks them; filled for
	 * signed and unsigned images alike (dbx may list an unsigned image's
	 * hash), empty when status says the image cannot be digested. */
	size_t n_regions;
	struct auth_region regions[AUTH_MAX_REGIONS];
	size_t hashed; /* bytes the regions cover */
	/* The certificate table's entries, in order. */
	size_t n_certs;
	struct win_certificate certs[AUTH_MAX_CERTS];
	bool certs_capped; /* more than AUTH_MAX_CERTS entries: the rest are not read */
};

/* Finds the digest regions and the certificate entries of the PE image in
 * s, whose headers pe_parse decoded into pe. Never reads outside s. */
enum auth_status auth_parse(const struct span *s, const struct pe_info *pe, struct auth_info *out);

/* Short lowercase message for a status. */
const char *auth_status_str(enum auth_status st);

#endif
