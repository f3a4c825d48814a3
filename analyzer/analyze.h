/* From a file's bytes to the analysis tree (analyzer/tree.h). */
#ifndef OPTROM_ANALYZE_H
#define OPTROM_ANALYZE_H

#include "analyzer/tree.h"

struct driver_cache; /* analyzer/driver_cache.h */

/* What a caller that analyzes many files (scan) may give rom_analyze_with. */
struct rom_analyze_opts {
	struct driver_cache *drivers; /* scan-wide cache of decoded EFI drivers; NULL: none */
	const char *sha256;           /* the bytes' SHA-256 as 64 hex digits, when known */
	/* Hash only for outputs that show it (issue 17: check's text line
	 * does not, and hashing a 1 MB file and setting up libcrypto cost more
	 * than the rest of the analysis): a->sha256, each node's and each
	 * driver's sha256 stay "", and so does a driver's Authenticode SHA-256
	 * (the Secure Boot answer's hash) unless its signature's digest is
	 * SHA-256. Nothing else differs. */
	bool skip_sha256;
	bool whole; /* the bytes are known to hold the whole ROM (rom_analyze_whole) */
	/* Bytes of EFI drivers the analysis may decompress in all (0:
	 * TREE_DRIVER_BUDGET, what every command uses). The fuzz harnesses
	 * give less (tests/fuzz/fuzz_check.h): a hostile OrigSize then costs
	 * no 16 MiB allocation per input, and the limit's own path (a driver
	 * not decoded) is reached sooner. */
	size_t driver_budget;
};

/* rom_analyze with options (o may be NULL: rom_analyze). The tree is the
 * same as rom_analyze's; only where the hash and the drivers come from
 * differs. */
struct rom_analysis *rom_analyze_with(const uint8_t *data, size_t len, const char *name,
                                      const struct rom_analyze_opts *o);

/* Fills the hashes skip_sha256 left empty from the analyzed bytes (for an
 * output that turned out to show them). */
void rom_analysis_hash(struct rom_analysis *a, const uint8_t *data, size_t len);

#endif
