/* Where does the PCI ROM start in a file? A recognised container first
 * (NVIDIA NVGI/IFR), then candidate-then-validate at any offset. Every
 * probe goes through the tree, so no offset is decoded twice. */
#ifndef OPTROM_LOCATE_H
#define OPTROM_LOCATE_H

#include "analyzer/tree.h"
#include "formats/span.h"

/* Sets a->has_rom, rom_offset, locate_reason, candidates, scan_capped and
 * the container (a->nvgi must be decoded already). */
void locate_rom(struct rom_analysis *a, const struct span *s);

#endif
