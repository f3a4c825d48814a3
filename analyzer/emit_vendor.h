/* The `vendor:` report section (YAML and text) and the check line's
 * identity: names from the PCI ID database, then the vendor data on the
 * node (analyzer/vendor.h). Keys come from the structures' declarations. */
#ifndef OPTROM_EMIT_VENDOR_H
#define OPTROM_EMIT_VENDOR_H

#include "analyzer/emit_yaml_writer.h"
#include "analyzer/tree.h"

#include <stdio.h>

#define EMIT_SHORT_NAME 40 /* a device name longer than this stays off the check line */

void emit_yaml_vendor(struct yw *w, const struct rom_analysis *a);
void emit_text_vendor(FILE *out, const struct rom_analysis *a);
/* "  10de:1c02 GP106 [GeForce GTX 1060 3GB] 86.06.3C.00.3F" (name when
 * short, version when known); nothing without a chain. */
void emit_check_identity(FILE *out, const struct rom_analysis *a);

#endif
