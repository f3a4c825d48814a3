#ifndef OPTROM_DIGEST_H
#define OPTROM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 of len bytes as 64 lowercase hex digits (OpenSSL EVP); an empty
 * string when libcrypto fails. */
void rom_sha256_hex(const uint8_t *data, size_t len, char out[65]);

#endif
