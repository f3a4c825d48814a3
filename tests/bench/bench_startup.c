/* Per-process cost of commands against /bin/true, interleaved: each round
 * spawns /bin/true and each command once (in an order that rotates from
 * round to round), each with stdout and stderr to /dev/null, and times
 * spawn-to-exit (wall) and the child's user + system CPU time (wait4),
 * which the other jobs of a shared machine disturb less. Built by
 * bench_startup.sh, not by CMake.
 * Usage: bench_startup ROUNDS CMD [ARGS...] [-- CMD2 [ARGS...]]
 * Output: per command, the median and the 10th percentile of each, and the
 * ratio of the medians to /bin/true's, for wall and CPU time; with two
 * commands, also the first's CPU median over the second's. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CMDS 3 /* /bin/true and up to two commands */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double tv(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static double run(char **argv, posix_spawn_file_actions_t *fa, int *status, double *cpu)
{
	pid_t pid;
	struct rusage ru;
	double t0 = now();
	if (posix_spawn(&pid, argv[0], fa, NULL, argv, environ) != 0 ||
	    wait4(pid, status, 0, &ru) != pid) {
		perror(argv[0]);
		exit(2);
	}
	*cpu = tv(&ru.ru_utime) + tv(&ru.ru_stime);
	return now() - t0;
}

static void report(const char *what, double *t, double *c, int rounds)
{
	qsort(t, (size_t)rounds, sizeof(double), cmp_double);
	qsort(c, (size_t)rounds, sizeof(double), cmp_double);
	printf("%-10s wall median %8.1f us p10 %8.1f us   cpu median %8.1f us p10 %8.1f us\n", what,
	       t[rounds / 2] * 1e6, t[rounds / 10] * 1e6, c[rounds / 2] * 1e6,
	       c[rounds / 10] * 1e6);
}

int main(int argc, char **argv)
{
	char *true_argv[] = {"/bin/true", NULL};
	char **cmds[MAX_CMDS] = {true_argv, NULL, NULL};
	const char *names[MAX_CMDS] = {"/bin/true", "command", "command2"};
	posix_spawn_file_actions_t fa;
	double *t[MAX_CMDS], *c[MAX_CMDS], cpu;
	int rounds, status = 0, first_status[MAX_CMDS] = {-1, -1, -1}, n = 2;

	if (argc < 3 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: bench_startup ROUNDS CMD [ARGS...] [-- CMD2 [ARGS...]]\n");
		return 2;
	}
	cmds[1] = argv + 2;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			argv[i] = NULL; /* ends the first command's arguments */
			cmds[2] = argv + i + 1;
			n = 3;
			break;
		}
	for (int k = 0; k < n; k++) {
		t[k] = calloc((size_t)rounds, sizeof(double));
		c[k] = calloc((size_t)rounds, sizeof(double));
		if (!t[k] || !c[k])
			return 2;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* Warm-up: page cache and the dynamic loader's caches. */
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < n; k++)
			run(cmds[k], &fa, &status, &cpu);
	for (int r = 0; r < rounds; r++)
		for (int j = 0; j < n; j++) {
			int k = (r + j) % n; /* each command goes first in turn */
			t[k][r] = run(cmds[k], &fa, &status, &c[k][r]);
			if (first_status[k] < 0)
				first_status[k] = status;
		}
	printf("rounds %d, command exit status %d", rounds,
	       WIFEXITED(first_status[1]) ? WEXITSTATUS(first_status[1]) : -1);
	if (n == 3)
		printf(", command2 exit status %d",
		       WIFEXITED(first_status[2]) ? WEXITSTATUS(first_status[2]) : -1);
	printf("\n");
	for (int k = 0; k < n; k++)
		report(names[k], t[k], c[k], rounds);
	for (int k = 1; k < n; k++)
		printf("%-10s ratio to /bin/true: wall %.2f (p10 %.2f)  cpu %.2f (p10 %.2f)\n",
		       names[k], t[k][rounds / 2] / t[0][rounds / 2],
		       t[k][rounds / 10] / t[0][rounds / 10], c[k][rounds / 2] / c[0][rounds / 2],
		       c[k][rounds / 10] / c[0][rounds / 10]);
	if (n == 3)
		printf("command / command2: cpu %.2f (p10 %.2f)\n",
		       c[1][rounds / 2] / c[2][rounds / 2], c[1][rounds / 10] / c[2][rounds / 10]);
	return 0;
}
