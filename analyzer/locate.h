/* Where does the PCI ROM start in a file? A recognised container first
 * (NVIDIA NVGI/IFR), then candidate-then-validate at any offset. */
#ifndef OPTROM_LOCATE_H
#define OPTROM_LOCATE_H

#include "analyzer/report.h"
#include "formats/span.h"

/* Sets r->has_rom, r->rom_offset, r->locate_reason, r->candidates and
 * r->container. */
void locate_rom(const struct span *s, struct rom_report *r);

#endif
