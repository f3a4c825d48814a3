/* Runs the built optrom binary for the CLI tests and captures its output. */
#ifndef OPTROM_TEST_RUN_H
#define OPTROM_TEST_RUN_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct run_result {
	int status; /* exit code, or 128 + signal */
	char *out;  /* captured stdout (NUL-terminated, free with run_free) */
	size_t out_len;
	char *err; /* captured stderr */
	size_t err_len;
};

/* Runs argv[0] with argv (NULL-terminated) and no stdin; returns false when
 * it could not be started. */
int run_argv(char *const argv[], struct run_result *res);

/* The same in two steps, for a test that acts on the child while it runs
 * (sends it a signal): start it, then wait for it and collect its output. */
struct run_child {
	pid_t pid;
	FILE *out, *err;
};
int run_start(char *const argv[], const char *in, struct run_child *c);
void run_wait(struct run_child *c, struct run_result *res);

/* The binary the CLI tests run: $OPTROM_TEST_BINARY when set (the
 * ThreadSanitizer build's optrom, tests/run_tsan.sh: Criterion itself cannot
 * run under TSan, Snaipe/Criterion#274), else the build's OPTROM_BINARY. */
const char *run_optrom_binary(void);

/* Runs run_optrom_binary() with up to 14 arguments, NULL-terminated. */
int run_optrom(struct run_result *res, ...);

/* The same with standard input read from the file at in. */
int run_optrom_stdin(struct run_result *res, const char *in, ...);

void run_free(struct run_result *res);

/* Number of lines in s. */
size_t run_count_lines(const char *s);

#endif
