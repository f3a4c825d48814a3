/* libFuzzer harness: an EFI driver's Authenticode path as the analyzer runs
 * it on every decoded driver: the PE headers, the digest regions and
 * certificate table (formats/authenticode.c), then the hashing and the
 * PKCS#7 parse and verification with libcrypto (analyzer/signature.c). */
#include "analyzer/signature.h"
#include "formats/authenticode.h"
#include "formats/pe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pe_info pe;
	static struct rom_signature sig;
	struct span s = span_make(data, size);
	if (pe_parse(&s, &pe) != PE_OK)
		return 0;
	signature_check(&sig, data, size, &pe);
	/* Invariants: every region and certificate lies inside the input. */
	for (size_t i = 0; i < sig.auth.n_regions; i++)
		if (!span_has(&s, sig.auth.regions[i].offset, sig.auth.regions[i].length))
			abort();
	if (sig.auth.n_certs > AUTH_MAX_CERTS)
		abort();
	for (size_t i = 0; i < sig.auth.n_certs; i++)
		if (!span_has(&s, sig.auth.certs[i].offset, sig.auth.certs[i].length))
			abort();
	if (sig.state == SIG_OK && strcmp(sig.stored_digest, sig.computed_digest) != 0)
		abort();
	if (memchr(sig.signer, '\0', sizeof(sig.signer)) == NULL ||
	    memchr(sig.error, '\0', sizeof(sig.error)) == NULL)
		abort();
	(void)signature_state_name(sig.state);
	signature_free(&sig);
	return 0;
}
