/* Intel's Video BIOS Table ($VBT) inside an Intel VGA BIOS image, and its
 * BIOS Data Block header: enough to identify the VBIOS and its version.
 *
 * Sources: Linux i915 intel_vbt_defs.h (struct vbt_header, bdb_header) and
 * intel_bios.c intel_bios_is_valid_vbt (a VBT is "$VBT" with a BDB inside
 * vbt_size); the "Build Number:" text is observed in the corpus Intel VBIOS
 * (other/intel_hd_8086-0106), inside the VBT.
 */
#ifndef OPTROM_INTEL_VBT_H
#define OPTROM_INTEL_VBT_H

#include "formats/field.h"
#include "formats/span.h"

#define INTEL_VBT_SIG     "$VBT"
#define INTEL_VBT_SIG_LEN 4u
#define INTEL_VBT_ID_LEN  20u /* the whole signature field, e.g. "$VBT SNB/IVB-MOBILE " */
#define INTEL_BDB_SIG     "BIOS_DATA_BLOCK "
#define INTEL_BDB_SIG_LEN 16u
#define INTEL_BUILD_TAG   "Build Number: "

#define INTEL_VBT_FIELDS(X)                                                                        \
	X(VERSION, version, 0x14, 2, "version")                                                    \
	X(HEADER_SIZE, header_size, 0x16, 2, "header_size")                                        \
	X(VBT_SIZE, vbt_size, 0x18, 2, "vbt_size")                                                 \
	X(CHECKSUM, checksum, 0x1A, 1, "checksum")                                                 \
	X(BDB_OFFSET, bdb_offset, 0x1C, 4, "bdb_offset")

#define INTEL_BDB_FIELDS(X)                                                                        \
	X(VERSION, bdb_version, 0x10, 2, "bdb_version")                                            \
	X(HEADER_SIZE, bdb_header_size, 0x12, 2, "bdb_header_size")                                \
	X(BDB_SIZE, bdb_size, 0x14, 2, "bdb_size")

/* Its identity strings (vendor.intel): the VBT's signature field, the
 * text after "Build Number: " and its leading digits, the version Intel's
 * tools print. */
#define INTEL_VBT_TEXT_FIELDS(X)                                                                   \
	X(SIGNATURE, id, "signature", FMT_ROLE_NONE)                                               \
	X(BUILD, build, "build", FMT_ROLE_NONE)                                                    \
	X(VERSION, build_number, "version", FMT_ROLE_VERSION)

struct intel_vbt {
	size_t offset; /* file offset of "$VBT" */
	char id[INTEL_VBT_ID_LEN + 1];
	uint16_t version, header_size, vbt_size;
	uint8_t checksum;
	uint32_t bdb_offset;
	bool has_bdb; /* "BIOS_DATA_BLOCK " at bdb_offset, inside vbt_size */
	uint16_t bdb_version, bdb_header_size, bdb_size;
	char build[48];        /* the text after "Build Number: " inside the VBT */
	char build_number[12]; /* its leading digits: the version Intel's tools print */
};

#define FMT_PREFIX INTEL_VBT
FMT_DECLARE(INTEL_VBT_FIELDS, intel_vbt_fields);
#undef FMT_PREFIX
#define FMT_PREFIX INTEL_BDB
FMT_DECLARE(INTEL_BDB_FIELDS, intel_bdb_fields);
#undef FMT_PREFIX
#define FMT_PREFIX INTEL_VBT
FMT_TEXT_DECLARE(INTEL_VBT_TEXT_FIELDS, intel_vbt_text_fields);
#undef FMT_PREFIX
#define INTEL_VBT_KEY(NAME) (intel_vbt_fields[INTEL_VBT_F_##NAME].key)
#define INTEL_BDB_KEY(NAME) (intel_bdb_fields[INTEL_BDB_F_##NAME].key)

/* Finds and decodes the VBT in the image at [img, img + len); false when
 * there is none whose header lies in the image. */
bool intel_vbt_find(const struct span *s, size_t img, size_t len, struct intel_vbt *out);

#endif
