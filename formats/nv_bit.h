/* NVIDIA's BIT table ("BIOS Information Table") of an x86 VBIOS image, and
 * the identity it holds: the VBIOS version as nvflash prints it, the build
 * date, the board code and the strings of token 'S'. Pre-BIT boards carry
 * a BMP table instead, which is only identified.
 *
 * Sources (../shared/docs/formats-nvidia.md section 6): NVIDIA's BIT
 * specification (open-gpu-doc BIOS-Information-Table), envytools nvbios
 * bit.c/info.c, nouveau nvkm/subdev/bios (bit.c, base.c nvbios_addr),
 * nova-core vbios.rs. Token pointers are relative to the PCI ROM start (the
 * x86 image); a pointer at or past image 0's size (its NPDE sub-image
 * length) lies in the first 0xE0 private image instead: nouveau's
 * nvbios_addr subtracts image0_size and adds that image's offset.
 */
#ifndef OPTROM_NV_BIT_H
#define OPTROM_NV_BIT_H

#include "formats/field.h"
#include "formats/span.h"

#define NV_BIT_ID         0xB8FFu     /* bytes FF B8 */
#define NV_BIT_SIG        0x00544942u /* "BIT\0" */
#define NV_BIT_MAX_TOKENS 64u         /* a token count byte allows 255; 17-19 seen */
#define NV_BIT_MIN_TOKEN  6u          /* id, version, size, pointer */
#define NV_BMP_SIG_LEN    5u          /* FF 7F 'N' 'V' 00 */
#define NV_BIT_STRINGS    7u          /* token 'S' version 2: seven (ptr, max length) */
#define NV_BIT_STRING_LEN 96u
#define NV_BIT_UNKNOWN    0xFFu /* nv_bit_token.kind of an id the table does not know */

/* The BIT header, from its FF B8 (BIT spec "BIT Header"). */
#define NV_BIT_HDR_FIELDS(X)                                                                       \
	X(ID, id, 0x00, 2, "id")                                                                   \
	X(SIGNATURE, signature, 0x02, 4, "signature")                                              \
	X(VERSION, version, 0x06, 2, "bcd_version")                                                \
	X(HEADER_SIZE, header_size, 0x08, 1, "header_size")                                        \
	X(TOKEN_SIZE, token_size, 0x09, 1, "token_size")                                           \
	X(TOKEN_COUNT, token_count, 0x0A, 1, "token_count")                                        \
	X(CHECKSUM, checksum, 0x0B, 1, "checksum")

/* One token entry (BIT spec "BIT Token"); a data pointer of 0 is a NOP. */
#define NV_BIT_TOKEN_FIELDS(X)                                                                     \
	X(ID, id, 0x00, 1, "id")                                                                   \
	X(DATA_VERSION, data_version, 0x01, 1, "data_version")                                     \
	X(DATA_SIZE, data_size, 0x02, 2, "data_size")                                              \
	X(DATA_PTR, data_ptr, 0x04, 2, "data_pointer")

/* Token 'B' (BIOSDATA) version 2 and token 'i': the BIOS binary version
 * and the OEM version byte (BIT spec; envytools info.c reads 'i'). */
#define NV_BIT_BIOSDATA_FIELDS(X)                                                                  \
	X(BINARY_VERSION, binary_version, 0x00, 4, "binary_version")                               \
	X(OEM_VERSION, oem_version, 0x04, 1, "oem_version")

/* Token 'S' version 2: seven (u16 pointer, u8 maximum length) triples, in
 * this order; the keys name the strings in reports (vendor.nvidia.strings). */
#define NV_BIT_STRING_FIELDS(X)                                                                    \
	X(SIGN_ON, strings[NV_BIT_STR_T_SIGN_ON], "sign_on", FMT_ROLE_NONE)                        \
	X(VERSION, strings[NV_BIT_STR_T_VERSION], "version_string", FMT_ROLE_NONE)                 \
	X(COPYRIGHT, strings[NV_BIT_STR_T_COPYRIGHT], "copyright", FMT_ROLE_NONE)                  \
	X(OEM, strings[NV_BIT_STR_T_OEM], "oem_string", FMT_ROLE_NONE)                             \
	X(OEM_VENDOR, strings[NV_BIT_STR_T_OEM_VENDOR], "oem_vendor", FMT_ROLE_NONE)               \
	X(OEM_PRODUCT, strings[NV_BIT_STR_T_OEM_PRODUCT], "oem_product", FMT_ROLE_NONE)            \
	X(OEM_PRODUCT_REV, strings[NV_BIT_STR_T_OEM_PRODUCT_REV], "oem_product_revision",          \
	  FMT_ROLE_NONE)

/* The identity the tokens give (vendor.nvidia): the version from 'B' (or
 * 'i'), as nvflash prints it, and 'i''s build date and board code. */
#define NV_BIT_TEXT_FIELDS(X)                                                                      \
	X(VERSION, version, "version", FMT_ROLE_VERSION)                                           \
	X(BUILD_DATE, build_date, "build_date", FMT_ROLE_BUILD_DATE)                               \
	X(BOARD, board, "board", FMT_ROLE_BOARD)

/* Token 'i' string fields (envytools info.c; the board code at +0x30 is
 * observed, formats-nvidia.md 6.3). */
#define NV_BIT_INFO_DATE_OFF  0x0Fu /* "MM/DD/YY" */
#define NV_BIT_INFO_DATE_LEN  8u
#define NV_BIT_INFO_BOARD_OFF 0x30u /* 12 ASCII digits: board / SKU code */
#define NV_BIT_INFO_BOARD_LEN 12u

#define FMT_PREFIX NV_BIT_STR
FMT_TEXT_DECLARE(NV_BIT_STRING_FIELDS, nv_bit_string_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT
FMT_TEXT_DECLARE(NV_BIT_TEXT_FIELDS, nv_bit_text_fields);
#undef FMT_PREFIX

struct nv_bit_hdr {
	uint16_t id;
	uint32_t signature;
	uint16_t version;
	uint8_t header_size, token_size, token_count, checksum;
};

struct nv_bit_token {
	uint8_t id, data_version;
	uint16_t data_size, data_ptr;
	uint8_t kind;       /* index in the token table, NV_BIT_UNKNOWN when not known */
	bool adjusted;      /* the pointer lay past image 0 and was moved (nvbios_addr) */
	bool data_ok;       /* data_size bytes at data_offset lie inside the file */
	size_t data_offset; /* file offset of the data (after adjustment) */
};

struct nv_bit_biosdata {
	uint32_t binary_version;
	uint8_t oem_version;
};

enum nv_bit_status {
	NV_BIT_OK = 0,
	NV_BIT_ABSENT,    /* no FF B8 "BIT\0" in the image */
	NV_BIT_TRUNCATED, /* the header or the token table runs past the image */
	NV_BIT_BAD_HEADER /* header or token size too small to hold their fields */
};

/* Where the ROM is, to resolve token pointers: the file offset of image 0
 * (the x86 image: pointers count from it), its size as nouveau takes it (NPDE
 * sub-image length, else PCIR length) and the file offset of the first 0xE0
 * private image of NVIDIA's chain (0: none, no adjustment). */
struct nv_bit_map {
	size_t rom;
	size_t image0_size;
	size_t imaged;
};

struct nv_bit {
	enum nv_bit_status status;
	size_t offset; /* file offset of the header */
	struct nv_bit_hdr hdr;
	uint8_t sum;      /* 8-bit sum of header_size bytes from the header's start */
	bool checksum_ok; /* sum is 0 */
	size_t n_tokens;  /* tokens kept: min(token_count, NV_BIT_MAX_TOKENS), all in the image */
	struct nv_bit_token tokens[NV_BIT_MAX_TOKENS];
	size_t n_unknown;
	/* from the tokens, dispatched by id */
	bool has_version; /* 'B' (or 'i' when 'B' is absent) */
	struct nv_bit_biosdata biosdata;
	size_t biosdata_offset; /* file offset of the biosdata fields (has_version) */
	char version[20];       /* "86.04.3D.00.88" */
	char build_date[NV_BIT_INFO_DATE_LEN + 1];
	char board[NV_BIT_INFO_BOARD_LEN + 1];
	char strings[NV_BIT_STR_T_COUNT][NV_BIT_STRING_LEN];
	/* where token 'S' points for each string: file offset and maximum
	 * length (0: no such string) */
	size_t string_offset[NV_BIT_STR_T_COUNT];
	uint8_t string_max[NV_BIT_STR_T_COUNT];
};

#define FMT_PREFIX NV_BIT_HDR
FMT_DECLARE(NV_BIT_HDR_FIELDS, nv_bit_hdr_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT_TOKEN
FMT_DECLARE(NV_BIT_TOKEN_FIELDS, nv_bit_token_fields);
#undef FMT_PREFIX
#define FMT_PREFIX NV_BIT_BIOSDATA
FMT_DECLARE(NV_BIT_BIOSDATA_FIELDS, nv_bit_biosdata_fields);
#undef FMT_PREFIX
#define NV_BIT_HDR_KEY(NAME)      (nv_bit_hdr_fields[NV_BIT_HDR_F_##NAME].key)
#define NV_BIT_TOKEN_KEY(NAME)    (nv_bit_token_fields[NV_BIT_TOKEN_F_##NAME].key)
#define NV_BIT_BIOSDATA_KEY(NAME) (nv_bit_biosdata_fields[NV_BIT_BIOSDATA_F_##NAME].key)

/* The name of a known token kind ("biosdata", "string", ...), NULL for
 * NV_BIT_UNKNOWN. */
const char *nv_bit_token_name(uint8_t kind);
const char *nv_bit_status_str(enum nv_bit_status st);

/* Decodes the BIT table of the x86 image at [img, img + len) of s: the
 * header and token table must lie in the image; token data may lie
 * anywhere in s (resolved through map). Returns false when there is no
 * usable table (out->status says why). Every read bounded by s. */
bool nv_bit_decode(const struct span *s, size_t img, size_t len, const struct nv_bit_map *map,
                   struct nv_bit *out);

/* The file offset of a BMP table (FF 7F 'N' 'V' 00, pre-BIT boards) in
 * [img, img + len), or SIZE_MAX. Its version bytes: major at +5, minor +6. */
size_t nv_bmp_find(const struct span *s, size_t img, size_t len);

#endif
