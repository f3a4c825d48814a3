/* Emitters of `optrom diff`: a text summary then details, or one YAML
 * document (schema in docs/diff-schema.md). They read the diff and the two
 * trees; they decode nothing. */
#ifndef OPTROM_EMIT_DIFF_H
#define OPTROM_EMIT_DIFF_H

#include "analyzer/diff.h"

#include <stdio.h>

void emit_diff_text(FILE *out, const struct rom_diff *d);

/* False on an emitter or write error. */
bool emit_diff_yaml(FILE *out, const struct rom_diff *d);

#endif
