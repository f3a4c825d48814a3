/* From a file's bytes to a report. */
#ifndef OPTROM_ANALYZE_H
#define OPTROM_ANALYZE_H

#include "analyzer/report.h"

#include <stddef.h>
#include <stdint.h>

/* Analyzes len bytes at data (data may be NULL when len is 0). Never fails:
 * every problem of the bytes becomes a finding. name is copied into the
 * report (may be NULL). */
void rom_analyze(const uint8_t *data, size_t len, const char *name, struct rom_report *r);

/* SHA-256 of len bytes as 64 lowercase hex digits (OpenSSL EVP). */
void rom_sha256_hex(const uint8_t *data, size_t len, char out[65]);

#endif
