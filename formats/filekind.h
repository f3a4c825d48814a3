/* What a file that holds no option ROM plainly is: text, or a format with
 * a well-known signature at offset 0 (a picture, a document, an
 * executable, a compressed archive). scan's not-a-rom rule
 * (analyzer/scan.h) reads it; nothing here says anything about ROMs.
 *
 * Signatures (each at offset 0): PNG 89 50 4E 47 0D 0A 1A 0A (RFC 2083);
 * JPEG FF D8 FF (JFIF/Exif SOI + marker); GIF "GIF87a"/"GIF89a"; PDF
 * "%PDF-"; ELF 7F 45 4C 46; PE/DOS executable "MZ" with e_lfanew (+0x3C)
 * pointing to "PE\0\0" inside the file; RIFF (WebP, WAV, AVI) "RIFF";
 * xz FD 37 7A 58 5A 00; bzip2 "BZh" + '1'..'9'; 7-Zip 37 7A BC AF 27 1C;
 * zstd 28 B5 2F FD; flattened device tree D0 0D FE ED (devicetree spec
 * 5.2); TIFF "II*\0"/"MM\0*". (gzip and zip are read by the
 * input layer before any analysis.)
 *
 * Text: the first FILEKIND_TEXT_PROBE bytes (or all, when fewer) are UTF-8
 * (ASCII included) with no control byte other than tab, line feed,
 * carriage return, form feed and escape: a README, a script, a YAML or
 * HTML file. A multi-byte character cut by the probe's end counts as
 * valid.
 */
#ifndef OPTROM_FILEKIND_H
#define OPTROM_FILEKIND_H

#include "formats/span.h"

#define FILEKIND_TEXT_PROBE 4096u

#define FILE_KINDS(X)                                                                              \
	X(UNKNOWN, "unknown")                                                                      \
	X(TEXT, "text")                                                                            \
	X(PNG, "PNG image")                                                                        \
	X(JPEG, "JPEG image")                                                                      \
	X(GIF, "GIF image")                                                                        \
	X(TIFF, "TIFF image")                                                                      \
	X(RIFF, "RIFF file (WebP, WAV, AVI)")                                                      \
	X(PDF, "PDF document")                                                                     \
	X(ELF, "ELF executable")                                                                   \
	X(PE, "PE executable")                                                                     \
	X(XZ, "xz archive")                                                                        \
	X(BZIP2, "bzip2 archive")                                                                  \
	X(SEVENZIP, "7-Zip archive")                                                               \
	X(ZSTD, "zstd archive")                                                                    \
	X(FDT, "device tree blob")

#define FILE_KIND_ENUM_(NAME, str) FILE_KIND_##NAME,
enum file_kind { FILE_KINDS(FILE_KIND_ENUM_) FILE_KIND_COUNT };
#undef FILE_KIND_ENUM_

/* What the bytes are, FILE_KIND_UNKNOWN when none of the above. */
enum file_kind file_kind_sniff(const struct span *s);

const char *file_kind_name(enum file_kind k);

#endif
