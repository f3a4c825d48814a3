/* Byte helpers shared by the tests and the fuzz seed generator: little-endian
 * stores at an offset into a plain buffer (for a struct rb use rb_put16 and
 * rb_put32, which check bounds), exact-length heap copies and whole-file
 * reads. Header-only and Criterion-free, so make_seeds and the benchmark can
 * use it too. */
#ifndef OPTROM_TEST_BYTES_H
#define OPTROM_TEST_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void tb_put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static inline void tb_put32(uint8_t *p, size_t off, uint32_t v)
{
	tb_put16(p, off, (uint16_t)v);
	tb_put16(p, off + 2, (uint16_t)(v >> 16));
}

static inline void tb_put64(uint8_t *p, size_t off, uint64_t v)
{
	tb_put32(p, off, (uint32_t)v);
	tb_put32(p, off + 4, (uint32_t)(v >> 32));
}

/* A copy of the first n bytes of src in a heap buffer of exactly n bytes (one
 * byte when n is 0), so that the sanitizer build catches any read past it.
 * Aborts when out of memory; free() the result. */
static inline uint8_t *tb_exact_copy(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "tb_exact_copy: out of memory (%zu bytes)\n", n);
		abort();
	}
	if (n)
		memcpy(p, src, n);
	return p;
}

/* The bytes of the file at path in a heap buffer of its size plus a NUL, with
 * that size in *len; NULL when it cannot be opened or read, or is empty.
 * free() the result. */
static inline uint8_t *tb_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf)
			buf[n] = 0; /* a NUL after the bytes: text can be searched with strstr */
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(fp);
	return buf;
}

#endif
