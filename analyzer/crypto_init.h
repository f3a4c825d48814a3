/* libcrypto set up once per process for what optrom asks of it (issue 17),
 * before its first use: OpenSSL's default set-up would read the host's
 * openssl.cnf, load every error string and register every cipher and
 * digest by name, which cost `optrom check` more than its signature check.
 *
 *   - no configuration file: a host's openssl.cnf (providers, security
 *     levels) must not change whether a GOP's signature verifies; EDK2,
 *     whose answer optrom gives, reads none;
 *   - no error strings: optrom never prints an OpenSSL error;
 *   - no cipher table: optrom decrypts nothing.
 * Digests stay registered by name (the Authenticode digest algorithm is
 * looked up by its OID). Idempotent and thread-safe. Called right before
 * each first use (hashing, a signed driver's signature, the driver cache's
 * key, a Secure Boot store), not at start: a command that needs no
 * libcrypto (check of an unsigned or x86-only ROM) never sets it up
 * (0.05-0.1 ms here). A new libcrypto call site calls it first.
 */
#ifndef OPTROM_CRYPTO_INIT_H
#define OPTROM_CRYPTO_INIT_H

void optrom_crypto_init(void);

#endif
