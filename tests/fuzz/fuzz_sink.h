/* A stream that discards what is written to it, made once per fuzzing
 * process: the emitters still format every string (that is what the
 * harness tests), but nothing reaches the kernel. Include after defining
 * _GNU_SOURCE (fopencookie). */
#ifndef OPTROM_FUZZ_SINK_H
#define OPTROM_FUZZ_SINK_H

#include <stdio.h>
#include <sys/types.h>

static ssize_t fuzz_sink_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)n;
}

static inline FILE *fuzz_sink(void)
{
	static FILE *sink;
	if (!sink) {
		cookie_io_functions_t io = {NULL, fuzz_sink_write, NULL, NULL};
		sink = fopencookie(NULL, "w", io);
	}
	return sink;
}

#endif
