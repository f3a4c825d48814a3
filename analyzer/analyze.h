/* From a file's bytes to the analysis tree (analyzer/tree.h). */
#ifndef OPTROM_ANALYZE_H
#define OPTROM_ANALYZE_H

#include "analyzer/tree.h"

/* Flags of rom_analyze_flags. */
enum {
	/* Leave sha256 empty (""): hash only for outputs that show it (issue
	 * 17: `check`'s text line does not, and hashing a 1 MB file and setting
	 * up libcrypto cost more than the rest of the analysis). Fill it later
	 * with rom_analysis_hash. */
	ROM_ANALYZE_NO_SHA256 = 1u << 0,
};

/* rom_analyze with flags (0: the same as rom_analyze, which hashes). */
struct rom_analysis *rom_analyze_flags(const uint8_t *data, size_t len, const char *name,
                                       unsigned flags);

/* Fills a->sha256 from the analyzed bytes when it is still empty. */
void rom_analysis_hash(struct rom_analysis *a, const uint8_t *data, size_t len);

#endif
