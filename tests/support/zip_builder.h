/* Zip and gzip files built in the tests with real zlib (deflate, raw
 * deflate, crc32), with the offsets of every record so that a test can make
 * one field lie. Criterion-free: make_seeds uses it too. Aborts when out of
 * memory. */
#ifndef OPTROM_TEST_ZIP_BUILDER_H
#define OPTROM_TEST_ZIP_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define ZB_MAX_MEMBERS 64

struct zb {
	uint8_t *data;
	size_t len, cap;
	size_t n;
	size_t local[ZB_MAX_MEMBERS];  /* local header offsets */
	size_t record[ZB_MAX_MEMBERS]; /* central record offsets (after zb_finish) */
	size_t cdir_offset, eocd_offset;
	/* What each member's central record says (copied from its local header). */
	struct {
		char name[256];
		uint16_t flags, method;
		uint32_t crc, comp_size, size;
	} m[ZB_MAX_MEMBERS];
};

void zb_init(struct zb *z);
void zb_free(struct zb *z);

/* A member of len bytes: method 0 stored, 8 raw-deflated (zlib level 9). */
void zb_add(struct zb *z, const char *name, const uint8_t *data, size_t len, uint16_t method);

/* A member whose bytes (comp, already compressed) and declared crc and size
 * are given as they are: for lies and bombs. */
void zb_add_raw(struct zb *z, const char *name, const uint8_t *comp, size_t comp_len,
                uint16_t method, uint16_t flags, uint32_t crc, uint32_t size);

/* Writes the central directory and the end record (with comment). */
void zb_finish(struct zb *z, const char *comment);

/* deflate of data followed by zeros zero bytes (streamed: no buffer of that
 * size), wbits as deflateInit2 takes it: -15 raw, 31 gzip. free() it. */
uint8_t *zb_deflate(const uint8_t *data, size_t len, size_t zeros, int wbits, size_t *out_len);

/* zlib crc32 of data followed by zeros zero bytes. */
uint32_t zb_crc32(const uint8_t *data, size_t len, size_t zeros);

/* Writes bytes to path; 0 on failure. */
int zb_write_file(const char *path, const uint8_t *data, size_t len);

#endif
