/* tools/vendor_oracle.py, the independent Python reading of a ROM's vendor
 * identity, run from the tests: one python3 start for many files, each
 * file's "key<TAB>value" lines kept. */
#ifndef OPTROM_TEST_ORACLE_H
#define OPTROM_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#define ORACLE_MAX_KEYS 32

struct oracle {
	char path[1024];
	char key[ORACLE_MAX_KEYS][32];
	char val[ORACLE_MAX_KEYS][1024];
	size_t n;
};

/* True when python3 runs here. */
bool oracle_available(void);

/* Runs the oracle over paths[0 .. n): o[i] for paths[i]. False when it
 * could not run or its output is out of step. */
bool oracle_run(const char (*paths)[1024], size_t n, struct oracle *o);

/* The value of key k, or NULL when the oracle did not print it. */
const char *oracle_get(const struct oracle *o, const char *k);

#endif
