#include "tests/support/run.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Reads a whole file written by the child. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	rewind(f);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
		if (n + 1 >= cap) {
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

int run_start(char *const argv[], const char *in, struct run_child *c)
{
	posix_spawn_file_actions_t fa;
	int rc;
	memset(c, 0, sizeof(*c));
	c->out = tmpfile();
	c->err = tmpfile();
	if (!c->out || !c->err) {
		if (c->out)
			fclose(c->out);
		if (c->err)
			fclose(c->err);
		return 0;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fileno(c->out), 1);
	posix_spawn_file_actions_adddup2(&fa, fileno(c->err), 2);
	rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fclose(c->out);
		fclose(c->err);
		return 0;
	}
	return 1;
}

void run_wait(struct run_child *c, struct run_result *res)
{
	int st = 0;
	memset(res, 0, sizeof(*res));
	while (waitpid(c->pid, &st, 0) < 0)
		;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	res->out = slurp(c->out, &res->out_len);
	res->err = slurp(c->err, &res->err_len);
	fclose(c->out);
	fclose(c->err);
}

static int run_argv_in(char *const argv[], const char *in, struct run_result *res)
{
	struct run_child c;
	memset(res, 0, sizeof(*res));
	if (!run_start(argv, in, &c))
		return 0;
	run_wait(&c, res);
	return 1;
}

int run_argv(char *const argv[], struct run_result *res)
{
	return run_argv_in(argv, NULL, res);
}

const char *run_optrom_binary(void)
{
	const char *bin = getenv("OPTROM_TEST_BINARY");
	return bin && *bin ? bin : OPTROM_BINARY;
}

static int run_optrom_va(struct run_result *res, const char *in, va_list ap)
{
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)run_optrom_binary();
	while (n < 15) {
		char *a = va_arg(ap, char *);
		if (!a)
			break;
		argv[n++] = a;
	}
	argv[n] = NULL;
	return run_argv_in(argv, in, res);
}

int run_optrom(struct run_result *res, ...)
{
	va_list ap;
	int rc;
	va_start(ap, res);
	rc = run_optrom_va(res, NULL, ap);
	va_end(ap);
	return rc;
}

int run_optrom_stdin(struct run_result *res, const char *in, ...)
{
	va_list ap;
	int rc;
	va_start(ap, in);
	rc = run_optrom_va(res, in, ap);
	va_end(ap);
	return rc;
}

void run_free(struct run_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

size_t run_count_lines(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (*s == '\n')
			n++;
	return n;
}
