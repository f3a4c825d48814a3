/* zlib inflate with a hard output cap: a bomb stops at the cap, it never
 * allocates past it. */
#include "formats/span.h"
#include "input/input.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GZIP_WINDOW       (16 + MAX_WBITS) /* zlib: gzip wrapper only */
#define RAW_WINDOW        (-MAX_WBITS)     /* zip method 8: no wrapper */
#define GZIP_MAX_MEMBER   4096             /* concatenated gzip members followed */
#define INFLATE_MAX_CALLS (1u << 24)       /* each call makes progress; a hard cap anyway */

static bool fail(char *err, size_t cap, const char *name, const char *fmt, ...)
{
	char why[400];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)snprintf(err, cap, "%s: %s", name, why);
	return false;
}

static bool only_zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

bool input_gunzip(const char *name, const uint8_t *gz, size_t len, size_t max, uint8_t **out,
                  size_t *out_len, char *err, size_t cap)
{
	struct span s = span_make(gz, len);
	z_stream z;
	uint8_t *buf;
	size_t bufcap, n = 0;
	uint32_t isize = 0;
	unsigned members = 1;
	*out = NULL;
	*out_len = 0;
	if (len > UINT_MAX || max >= SIZE_MAX / 2)
		return fail(err, cap, name, "gzip file of %zu bytes: too large", len);
	/* RFC 1952 2.3.1: ISIZE, the last 4 bytes, is the size mod 2^32 of the
	 * last member. Larger than the cap: refuse before inflating anything. */
	if (len >= 18 && span_u32le(&s, len - 4, &isize) && isize > max)
		return fail(
		    err, cap, name,
		    "gzip file declares %u bytes uncompressed (ISIZE at 0x%zx): expected at "
		    "most %zu (64 MiB) for an option ROM",
		    isize, len - 4, max);
	bufcap = isize >= 1024 ? (size_t)isize + 1 : 64 * 1024;
	if (bufcap > max + 1)
		bufcap = max + 1;
	buf = malloc(bufcap);
	if (!buf)
		return fail(err, cap, name, "out of memory");
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, GZIP_WINDOW) != Z_OK) {
		free(buf);
		return fail(err, cap, name, "zlib inflateInit2 failed");
	}
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	for (unsigned calls = 0;; calls++) {
		int rc;
		if (calls >= INFLATE_MAX_CALLS) {
			(void)fail(err, cap, name,
			           "gzip stream: no progress after %u inflate calls", calls);
			goto bad;
		}
		if (n == bufcap) {
			size_t ncap = bufcap * 2 > max + 1 ? max + 1 : bufcap * 2;
			uint8_t *p = ncap > bufcap ? realloc(buf, ncap) : NULL;
			if (!p) {
				(void)fail(err, cap, name, "out of memory");
				goto bad;
			}
			buf = p;
			bufcap = ncap;
		}
		z.next_out = buf + n;
		z.avail_out = (uInt)(bufcap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = bufcap - z.avail_out;
		if (n > max) {
			(void)fail(err, cap, name,
			           "gzip stream inflates past %zu bytes (64 MiB): stopped there; "
			           "expected at "
			           "most that for an option ROM",
			           max);
			goto bad;
		}
		if (rc == Z_STREAM_END) {
			size_t at = len - z.avail_in;
			if (z.avail_in == 0 || only_zeros(gz + at, z.avail_in))
				break;
			if (z.avail_in < 2 || gz[at] != 0x1f || gz[at + 1] != 0x8b) {
				(void)fail(err, cap, name,
				           "%u bytes after the gzip stream's end at 0x%zx: "
				           "expected another "
				           "gzip member (1f 8b), found %02x",
				           z.avail_in, at, gz[at]);
				goto bad;
			}
			if (++members > GZIP_MAX_MEMBER) {
				(void)fail(err, cap, name, "more than %u concatenated gzip members",
				           GZIP_MAX_MEMBER);
				goto bad;
			}
			(void)inflateReset(&z);
			continue;
		}
		if (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_out == 0))
			continue;
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			(void)fail(
			    err, cap, name,
			    "truncated gzip stream: the file ends at 0x%zx before the stream's end "
			    "(%zu bytes inflated)",
			    len, n);
			goto bad;
		}
		(void)fail(err, cap, name, "not a valid gzip stream (at input byte 0x%zx): %s",
		           len - z.avail_in, z.msg ? z.msg : "inflate error");
		goto bad;
	}
	(void)inflateEnd(&z);
	if (n == 0) {
		free(buf);
		return fail(err, cap, name, "the gzip stream holds 0 bytes");
	}
	*out = buf;
	*out_len = n;
	return true;
bad:
	(void)inflateEnd(&z);
	free(buf);
	return false;
}

bool input_inflate_raw(const char *name, const uint8_t *in, size_t len, size_t size, uint8_t **out,
                       char *err, size_t cap)
{
	z_stream z;
	uint8_t *buf;
	size_t n = 0;
	int rc = Z_OK;
	const char *msg;
	*out = NULL;
	if (len > UINT_MAX || size > ROM_LOAD_MAX)
		return fail(err, cap, name, "member of %zu bytes: expected at most %zu (64 MiB)",
		            size, ROM_LOAD_MAX);
	/* One byte past the declared size tells a stream that inflates to more. */
	buf = malloc(size + 1);
	if (!buf)
		return fail(err, cap, name, "out of memory");
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, RAW_WINDOW) != Z_OK) {
		free(buf);
		return fail(err, cap, name, "zlib inflateInit2 failed");
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)(size + 1);
	for (unsigned calls = 0; calls < INFLATE_MAX_CALLS; calls++) {
		rc = inflate(&z, Z_NO_FLUSH);
		n = size + 1 - z.avail_out;
		if (rc != Z_OK || z.avail_out == 0 || z.avail_in == 0)
			break;
	}
	msg = z.msg ? z.msg : "inflate error";
	(void)inflateEnd(&z);
	if (n > size) {
		free(buf);
		return fail(err, cap, name,
		            "inflates past its declared size of %zu bytes: stopped there (a zip "
		            "bomb or a lying directory)",
		            size);
	}
	if (rc == Z_STREAM_END && n == size) {
		*out = buf;
		return true;
	}
	free(buf);
	if (rc == Z_STREAM_END)
		return fail(err, cap, name, "inflates to %zu bytes, the directory declares %zu", n,
		            size);
	if (rc == Z_OK || rc == Z_BUF_ERROR)
		return fail(err, cap, name,
		            "the deflate stream ends early: %zu compressed bytes give %zu of the "
		            "%zu bytes declared",
		            len, n, size);
	return fail(err, cap, name, "not a valid deflate stream (at byte 0x%zx of the member): %s",
	            len - z.avail_in, msg);
}
