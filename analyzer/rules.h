/* The checks: each reads the tree and reports entries of the finding
 * catalog (analyzer/findings.def, docs/findings.md). The bytes are only
 * scanned where no structure describes them (padding, sums, fill). */
#ifndef OPTROM_RULES_H
#define OPTROM_RULES_H

#include "analyzer/tree.h"
#include "formats/span.h"

void rules_no_rom(struct rom_analysis *a, const struct span *s);
void rules_prefix(struct rom_analysis *a, const struct span *s);
void rules_chain(struct rom_analysis *a, const struct span *s);
void rules_images(struct rom_analysis *a);
void rules_efi(struct rom_analysis *a);
void rules_after_chain(struct rom_analysis *a, const struct span *s);

/* Sets a->verdict from the findings: broken when an error is not fixable,
 * fixable when anything fixable remains, ready otherwise. */
void rules_verdict(struct rom_analysis *a);

#endif
