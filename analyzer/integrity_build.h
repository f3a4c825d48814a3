/* Building the integrity record of the tree (analyzer/ internal): the
 * passes that read bytes no node describes. Only rom_analyze calls them. */
#ifndef OPTROM_INTEGRITY_BUILD_H
#define OPTROM_INTEGRITY_BUILD_H

#include "analyzer/tree.h"
#include "formats/span.h"

/* How [off, off + len) is filled; FILL_EMPTY when len is 0 or the range
 * is not inside the bytes. */
enum fill_kind integrity_fill(const struct span *s, size_t off, size_t len);

/* No ROM found: the file's fill, a failed NVIDIA flash, an ISA-style ROM
 * at offset 0 (sets isa_rom, isa_length). */
void integrity_no_rom(struct rom_analysis *a, const struct span *s);

/* A ROM found and its standard chain walked: the prefix's fill, a damaged
 * image header before the ROM, the trailing bytes (trailing,
 * trailing_length). */
void integrity_build(struct rom_analysis *a, const struct span *s);

#endif
