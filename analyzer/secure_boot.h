/* The Secure Boot answer for each decoded EFI driver: would the db and
 * dbx of a variable store (formats/efi_vars.h) let firmware that enforces
 * option ROM signatures run it? EDK2's rules
 * (DxeImageVerificationLib): a dbx match, by the image's hash or by a
 * certificate the signature chains to, always blocks; otherwise one
 * certificate entry whose digest matches and whose signature verifies
 * with a db certificate as trust anchor (partial chain, no time check,
 * any purpose), or the image's hash in db, accepts it.
 *
 * Upstream OVMF does not enforce this for option ROMs
 * (PcdOptionRomImageVerificationPolicy 0): the answer is for firmware that
 * does (bare metal, builds that set the policy). */
#ifndef OPTROM_SECURE_BOOT_H
#define OPTROM_SECURE_BOOT_H

#include "analyzer/signature.h"
#include "formats/efi_vars.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_MAX_NAMED 32

/* What one variable holds, for the report. */
struct sb_list_summary {
	bool present;
	size_t certs, hashes, cert_hashes, other;
	size_t named; /* certificate subjects kept (at most SB_MAX_NAMED) */
	char names[SB_MAX_NAMED][SIG_NAME_LEN];
};

struct sb_store {
	char name[1024]; /* the file, as the user named it */
	enum efi_vars_status status;
	struct sb_list_summary db, dbx, kek, pk;
	bool db_has_uefi_ca_2011;       /* Microsoft Corporation UEFI CA 2011 */
	bool db_has_option_rom_ca_2023; /* Microsoft Option ROM UEFI CA 2023 */
	void *priv;                     /* libcrypto objects and hashes (owned) */
};

/* Reads a variable store from data (copied where needed). Returns NULL
 * only when memory runs out; a file that is no store gives a store whose
 * status says why. */
struct sb_store *sb_store_load(const uint8_t *data, size_t len, const char *name);
void sb_store_free(struct sb_store *st);

enum sb_verdict {
	SB_NOT_A_DRIVER = 0, /* no decoded PE32/PE32+ driver: nothing to ask */
	SB_ACCEPTED,         /* db lets it run */
	SB_REFUSED,          /* no db certificate or hash accepts it */
	SB_BLOCKED,          /* dbx lists its hash or a certificate of its chain */
};

struct sb_answer {
	enum sb_verdict verdict;
	char how[2 * SIG_NAME_LEN]; /* through which certificate, or why not */
};

struct rom_driver;
void sb_answer_driver(const struct sb_store *st, const struct rom_driver *d, struct sb_answer *out);
const char *sb_verdict_name(enum sb_verdict v);

/* The answer for the drivers of the standard chain (what firmware loads):
 * the worst of them (blocked, then refused, then accepted), in *worst. */
struct rom_analysis;
enum sb_verdict sb_answer_rom(const struct sb_store *st, const struct rom_analysis *a,
                              struct sb_answer *worst);

#endif
