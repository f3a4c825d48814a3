/* An OVMF / EDK2 variable store (OVMF_VARS*.fd, a VM's efidisk): the
 * firmware volume header, the variable store header, the authenticated
 * variables, and the EFI_SIGNATURE_LISTs of the Secure Boot variables db,
 * dbx, KEK and PK. Bounded reads only; certificates are handed on as byte
 * ranges (analyzer/secure_boot.c reads them with libcrypto).
 *
 * Sources: PI specification vol. 3 (EFI_FIRMWARE_VOLUME_HEADER), EDK2
 * MdeModulePkg/Include/Guid/VariableFormat.h (VARIABLE_STORE_HEADER,
 * AUTHENTICATED_VARIABLE_HEADER, the state bits), UEFI 2.10 section 32.4.1
 * (EFI_SIGNATURE_LIST, EFI_CERT_X509_GUID, EFI_CERT_SHA256_GUID,
 * EFI_IMAGE_SECURITY_DATABASE_GUID); checked against Debian's
 * OVMF_VARS_4M.ms.fd (docs/formats-pci-amd-efi.md 8.2).
 */
#ifndef OPTROM_EFI_VARS_H
#define OPTROM_EFI_VARS_H

#include "formats/field.h"
#include "formats/span.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EFI_GUID_SIZE 16

/* EFI_FIRMWARE_VOLUME_HEADER: ZeroVector[16], FileSystemGuid at 16. */
#define EFI_FV_FIELDS(X)                                                                           \
	X(LENGTH, fv_length, 32, 8, "fv_length")                                                   \
	X(SIGNATURE, signature, 40, 4, "signature")                                                \
	X(ATTRIBUTES, attributes, 44, 4, "attributes")                                             \
	X(HEADER_LENGTH, header_length, 48, 2, "header_length")                                    \
	X(CHECKSUM, checksum, 50, 2, "checksum")                                                   \
	X(EXT_HEADER_OFFSET, ext_header_offset, 52, 2, "ext_header_offset")                        \
	X(REVISION, revision, 55, 1, "revision")
#define EFI_FV_OFF_GUID  16
#define EFI_FV_SIGNATURE 0x4856465Fu /* "_FVH" */
#define EFI_FV_MIN_SIZE  56

/* VARIABLE_STORE_HEADER: Signature GUID at 0. */
#define EFI_VSTORE_FIELDS(X)                                                                       \
	X(SIZE, size, 16, 4, "size")                                                               \
	X(FORMAT, format, 20, 1, "format")                                                         \
	X(STATE, state, 21, 1, "state")
#define EFI_VSTORE_SIZE      28
#define EFI_VSTORE_FORMATTED 0x5A
#define EFI_VSTORE_HEALTHY   0xFE

/* AUTHENTICATED_VARIABLE_HEADER: TimeStamp (EFI_TIME, 16 bytes) at 16,
 * VendorGuid at 44; the UTF-16 name, then the data, follow. */
#define EFI_AVAR_FIELDS(X)                                                                         \
	X(START_ID, start_id, 0, 2, "start_id")                                                    \
	X(STATE, state, 2, 1, "state")                                                             \
	X(ATTRIBUTES, attributes, 4, 4, "attributes")                                              \
	X(MONOTONIC_COUNT, monotonic_count, 8, 8, "monotonic_count")                               \
	X(PUBKEY_INDEX, pubkey_index, 32, 4, "pubkey_index")                                       \
	X(NAME_SIZE, name_size, 36, 4, "name_size")                                                \
	X(DATA_SIZE, data_size, 40, 4, "data_size")
#define EFI_AVAR_OFF_TIMESTAMP  16
#define EFI_AVAR_OFF_GUID       44
#define EFI_AVAR_SIZE           60
#define EFI_AVAR_START_ID       0x55AA
#define EFI_VAR_ADDED           0x3F /* VAR_ADDED; states only clear bits */
#define EFI_VAR_ADDED_IN_DELETE 0x3E /* VAR_ADDED & VAR_IN_DELETED_TRANSITION */

/* EFI_SIGNATURE_LIST: SignatureType GUID at 0; SignatureHeaderSize bytes,
 * then entries of SignatureSize bytes, each an owner GUID and the data. */
#define EFI_SIGLIST_FIELDS(X)                                                                      \
	X(LIST_SIZE, list_size, 16, 4, "signature_list_size")                                      \
	X(HEADER_SIZE, header_size, 20, 4, "signature_header_size")                                \
	X(SIGNATURE_SIZE, signature_size, 24, 4, "signature_size")
#define EFI_SIGLIST_SIZE 28

struct efi_fv_header {
	uint64_t fv_length;
	uint32_t signature;
	uint32_t attributes;
	uint16_t header_length;
	uint16_t checksum;
	uint16_t ext_header_offset;
	uint8_t revision;
};

struct efi_vstore_header {
	uint32_t size;
	uint8_t format;
	uint8_t state;
};

struct efi_avar_header {
	uint16_t start_id;
	uint8_t state;
	uint32_t attributes;
	uint64_t monotonic_count;
	uint32_t pubkey_index;
	uint32_t name_size;
	uint32_t data_size;
};

struct efi_siglist_header {
	uint32_t list_size;
	uint32_t header_size;
	uint32_t signature_size;
};

#define FMT_PREFIX EFI_FV
FMT_DECLARE(EFI_FV_FIELDS, efi_fv_fields);
#undef FMT_PREFIX
#define FMT_PREFIX EFI_VSTORE
FMT_DECLARE(EFI_VSTORE_FIELDS, efi_vstore_fields);
#undef FMT_PREFIX
#define FMT_PREFIX EFI_AVAR
FMT_DECLARE(EFI_AVAR_FIELDS, efi_avar_fields);
#undef FMT_PREFIX
#define FMT_PREFIX EFI_SIGLIST
FMT_DECLARE(EFI_SIGLIST_FIELDS, efi_siglist_fields);
#undef FMT_PREFIX

/* GUIDs as stored (the first three fields little-endian). */
extern const uint8_t efi_guid_authenticated_variable[EFI_GUID_SIZE];
extern const uint8_t efi_guid_variable[EFI_GUID_SIZE];
extern const uint8_t efi_guid_image_security_database[EFI_GUID_SIZE]; /* db, dbx */
extern const uint8_t efi_guid_global_variable[EFI_GUID_SIZE];         /* PK, KEK */
extern const uint8_t efi_guid_cert_x509[EFI_GUID_SIZE];
extern const uint8_t efi_guid_cert_sha256[EFI_GUID_SIZE];
extern const uint8_t efi_guid_cert_x509_sha256[EFI_GUID_SIZE];

enum efi_sig_kind {
	EFI_SIG_OTHER = 0,
	EFI_SIG_X509,        /* a DER certificate */
	EFI_SIG_SHA256,      /* an image's Authenticode SHA-256 */
	EFI_SIG_X509_SHA256, /* SHA-256 of a certificate's TBSCertificate (dbx) */
};

/* One entry of a signature list: its data (after the owner GUID). */
struct efi_sig_entry {
	enum efi_sig_kind kind;
	size_t offset; /* of the data in the store file */
	size_t length;
};

#define EFI_VARS_MAX_ENTRIES 1024 /* per variable; Microsoft's dbx holds about 430 */
#define EFI_VARS_MAX_VARS    4096 /* variable headers walked */

struct efi_sig_db {
	bool present;       /* the variable exists (added, not deleted) */
	size_t data_offset; /* of its data */
	size_t data_length;
	size_t n;
	bool capped;    /* more than EFI_VARS_MAX_ENTRIES entries */
	bool malformed; /* a list whose sizes do not fit: the rest was not read */
	struct efi_sig_entry e[EFI_VARS_MAX_ENTRIES];
};

enum efi_vars_status {
	EFI_VARS_OK = 0,
	EFI_VARS_NO_STORE,  /* neither "_FVH" nor a variable store header at 0 */
	EFI_VARS_BAD_FV,    /* a firmware volume whose header length does not fit */
	EFI_VARS_NOT_AUTH,  /* a variable store of plain (not authenticated) variables */
	EFI_VARS_BAD_STORE, /* the store header's size does not fit the file */
};

struct efi_vars {
	enum efi_vars_status status;
	bool has_fv;
	struct efi_fv_header fv;
	size_t store_offset;
	struct efi_vstore_header store;
	size_t n_vars;    /* variable headers walked */
	bool vars_capped; /* EFI_VARS_MAX_VARS reached */
	struct efi_sig_db db, dbx, kek, pk;
};

/* Reads the variable store in s into out (a large struct: allocate it).
 * Returns out->status. */
enum efi_vars_status efi_vars_parse(const struct span *s, struct efi_vars *out);

const char *efi_vars_status_str(enum efi_vars_status st);

#endif
