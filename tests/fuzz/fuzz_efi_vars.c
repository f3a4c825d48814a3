/* libFuzzer harness: an OVMF variable store as --secure-boot-vars reads
 * it: the firmware volume, the authenticated variables and the signature
 * lists (formats/efi_vars.c), then the certificates of db, dbx, KEK and PK
 * with libcrypto (analyzer/secure_boot.c). */
#include "analyzer/secure_boot.h"
#include "formats/efi_vars.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_db(const struct span *s, const struct efi_sig_db *db)
{
	if (db->n > EFI_VARS_MAX_ENTRIES)
		abort();
	if (db->present && !span_has(s, db->data_offset, db->data_length))
		abort();
	for (size_t i = 0; i < db->n; i++)
		if (!span_has(s, db->e[i].offset, db->e[i].length))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct efi_vars v;
	struct span s = span_make(data, size);
	struct sb_store *st;
	(void)efi_vars_parse(&s, &v);
	(void)efi_vars_status_str(v.status);
	check_db(&s, &v.db);
	check_db(&s, &v.dbx);
	check_db(&s, &v.kek);
	check_db(&s, &v.pk);
	if (v.n_vars > EFI_VARS_MAX_VARS)
		abort();
	st = sb_store_load(data, size, "fuzz");
	if (st && st->status != v.status)
		abort();
	sb_store_free(st);
	return 0;
}
