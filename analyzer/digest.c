/* The SHA-256 every report quotes (images, drivers, whole files), through
 * libcrypto set up at its first use (analyzer/crypto_init.h). */
#include "analyzer/digest.h"

#include "analyzer/crypto_init.h"

#include <openssl/evp.h>

void rom_sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";
	out[0] = '\0';
	optrom_crypto_init();
	if (!EVP_Digest(len ? data : (const uint8_t *)"", len, md, &mdlen, EVP_sha256(), NULL))
		return;
	for (unsigned int i = 0; i < mdlen && i < 32; i++) {
		out[(size_t)2 * i] = hex[md[i] >> 4];
		out[(size_t)2 * i + 1] = hex[md[i] & 0xF];
	}
	out[64] = '\0';
}
