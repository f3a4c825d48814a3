#include "analyzer/crypto_init.h"

#include <openssl/crypto.h>
#include <pthread.h>

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void crypto_once_init(void)
{
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	                              OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
	                              OPENSSL_INIT_NO_ADD_ALL_CIPHERS,
	                          NULL);
}

void optrom_crypto_init(void)
{
	(void)pthread_once(&crypto_once, crypto_once_init);
}
