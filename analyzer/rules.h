/* The checks: each emits findings with a stable id (docs/findings.md). */
#ifndef OPTROM_RULES_H
#define OPTROM_RULES_H

#include "analyzer/chain.h"
#include "analyzer/report.h"
#include "formats/span.h"

void rules_no_rom(const struct span *s, struct rom_report *r);
void rules_prefix(const struct span *s, struct rom_report *r);
void rules_chain(const struct span *s, const struct chain_walk *w, struct rom_report *r);
void rules_images(const struct span *s, struct rom_report *r);
void rules_after_chain(const struct span *s, struct rom_report *r);

#endif
