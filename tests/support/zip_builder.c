#include "tests/support/zip_builder.h"

#include "tests/support/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void need(struct zb *z, size_t more)
{
	if (z->len + more <= z->cap)
		return;
	while (z->len + more > z->cap)
		z->cap = z->cap ? z->cap * 2 : 4096;
	z->data = realloc(z->data, z->cap);
	if (!z->data) {
		fprintf(stderr, "zip_builder: out of memory\n");
		abort();
	}
}

static void put(struct zb *z, const void *p, size_t n)
{
	need(z, n);
	if (n)
		memcpy(z->data + z->len, p, n);
	z->len += n;
}

static void put16(struct zb *z, uint16_t v)
{
	need(z, 2);
	tb_put16(z->data, z->len, v);
	z->len += 2;
}

static void put32(struct zb *z, uint32_t v)
{
	need(z, 4);
	tb_put32(z->data, z->len, v);
	z->len += 4;
}

void zb_init(struct zb *z)
{
	memset(z, 0, sizeof(*z));
}

void zb_free(struct zb *z)
{
	free(z->data);
	memset(z, 0, sizeof(*z));
}

void zb_add_raw(struct zb *z, const char *name, const uint8_t *comp, size_t comp_len,
                uint16_t method, uint16_t flags, uint32_t crc, uint32_t size)
{
	size_t i = z->n++, nl = strlen(name);
	if (i >= ZB_MAX_MEMBERS || nl >= sizeof(z->m[i].name))
		abort();
	snprintf(z->m[i].name, sizeof(z->m[i].name), "%s", name);
	z->m[i].flags = flags;
	z->m[i].method = method;
	z->m[i].crc = crc;
	z->m[i].comp_size = (uint32_t)comp_len;
	z->m[i].size = size;
	z->local[i] = z->len;
	put(z, "PK\x03\x04", 4);
	put16(z, 20);
	put16(z, flags);
	put16(z, method);
	put16(z, 0);    /* time */
	put16(z, 0x21); /* date: 1980-01-01 */
	put32(z, crc);
	put32(z, (uint32_t)comp_len);
	put32(z, size);
	put16(z, (uint16_t)nl);
	put16(z, 0);
	put(z, name, nl);
	put(z, comp, comp_len);
}

void zb_add(struct zb *z, const char *name, const uint8_t *data, size_t len, uint16_t method)
{
	uint32_t crc = zb_crc32(data, len, 0);
	if (method == 8) {
		size_t clen;
		uint8_t *c = zb_deflate(data, len, 0, -15, &clen);
		zb_add_raw(z, name, c, clen, 8, 0, crc, (uint32_t)len);
		free(c);
	} else {
		zb_add_raw(z, name, data, len, method, 0, crc, (uint32_t)len);
	}
}

void zb_finish(struct zb *z, const char *comment)
{
	size_t cl = comment ? strlen(comment) : 0;
	z->cdir_offset = z->len;
	for (size_t i = 0; i < z->n; i++) {
		size_t nl = strlen(z->m[i].name);
		z->record[i] = z->len;
		put(z, "PK\x01\x02", 4);
		put16(z, 0x031e); /* made by: Unix, 3.0 */
		put16(z, 20);
		put16(z, z->m[i].flags);
		put16(z, z->m[i].method);
		put16(z, 0);
		put16(z, 0x21);
		put32(z, z->m[i].crc);
		put32(z, z->m[i].comp_size);
		put32(z, z->m[i].size);
		put16(z, (uint16_t)nl);
		put16(z, 0); /* extra */
		put16(z, 0); /* comment */
		put16(z, 0); /* disk */
		put16(z, 0); /* internal attributes */
		put32(z, 0100644u << 16);
		put32(z, (uint32_t)z->local[i]);
		put(z, z->m[i].name, nl);
	}
	z->eocd_offset = z->len;
	put(z, "PK\x05\x06", 4);
	put16(z, 0);
	put16(z, 0);
	put16(z, (uint16_t)z->n);
	put16(z, (uint16_t)z->n);
	put32(z, (uint32_t)(z->eocd_offset - z->cdir_offset));
	put32(z, (uint32_t)z->cdir_offset);
	put16(z, (uint16_t)cl);
	put(z, comment, cl);
}

uint8_t *zb_deflate(const uint8_t *data, size_t len, size_t zeros, int wbits, size_t *out_len)
{
	static const uint8_t zero[65536];
	z_stream s;
	size_t cap = len + 1024 + zeros / 512, n = 0;
	uint8_t *out = malloc(cap);
	int flush = Z_NO_FLUSH;
	if (!out)
		abort();
	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	s.next_in = (Bytef *)(uintptr_t)data;
	s.avail_in = (uInt)len;
	for (;;) {
		int rc;
		if (s.avail_in == 0) {
			if (zeros > 0) {
				size_t k = zeros < sizeof(zero) ? zeros : sizeof(zero);
				s.next_in = (Bytef *)(uintptr_t)zero;
				s.avail_in = (uInt)k;
				zeros -= k;
			} else {
				flush = Z_FINISH;
			}
		}
		if (n == cap) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		s.next_out = out + n;
		s.avail_out = (uInt)(cap - n);
		rc = deflate(&s, flush);
		n = cap - s.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			abort();
	}
	deflateEnd(&s);
	*out_len = n;
	return out;
}

uint32_t zb_crc32(const uint8_t *data, size_t len, size_t zeros)
{
	static const uint8_t zero[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	if (len)
		c = crc32(c, data, (uInt)len);
	while (zeros > 0) {
		size_t k = zeros < sizeof(zero) ? zeros : sizeof(zero);
		c = crc32(c, zero, (uInt)k);
		zeros -= k;
	}
	return (uint32_t)c;
}

int zb_write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;
	if (!f)
		return 0;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}
