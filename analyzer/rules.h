/* The checks: each reads the tree and reports entries of the finding
 * catalog (analyzer/findings.def, docs/findings.md). They never read the
 * bytes: what no structure describes (fill, padding, sums, a damaged
 * header) the tree build records (analyzer/integrity.h). */
#ifndef OPTROM_RULES_H
#define OPTROM_RULES_H

#include "analyzer/tree.h"

void rules_no_rom(struct rom_analysis *a);
void rules_prefix(struct rom_analysis *a);
void rules_chain(struct rom_analysis *a);
void rules_images(struct rom_analysis *a);
void rules_efi(struct rom_analysis *a);
void rules_after_chain(struct rom_analysis *a);

/* analyzer/rules_integrity.c: a damaged image header before the ROM
 * (called by rules_prefix), ids, an incomplete file, a shadow copy, EFI
 * images the standard chain does not reach, a display ROM without GOP. */
void rules_damaged_header(struct rom_analysis *a);
void rules_ids(struct rom_analysis *a);
void rules_integrity(struct rom_analysis *a);

/* Sets a->verdict from the findings: broken when an error is not fixable,
 * fixable when anything fixable remains, ready otherwise. */
void rules_verdict(struct rom_analysis *a);

#endif
