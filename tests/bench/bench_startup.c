/* Per-process cost of a command against /bin/true, interleaved: each round
 * spawns /bin/true once and the command once (in alternating order), each
 * with stdout and stderr to /dev/null, and times spawn-to-exit (wall) and
 * the child's user + system CPU time (wait4), which the other jobs of a
 * shared machine disturb less. Built by bench_startup.sh, not by CMake.
 * Usage: bench_startup ROUNDS CMD [ARGS...]
 * Output: the median and the 10th percentile of each, and the ratio of the
 * medians, for wall and CPU time. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

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
	posix_spawn_file_actions_t fa;
	double *t_true, *t_cmd, *c_true, *c_cmd, cpu;
	int rounds, status = 0, first_status = -1;

	if (argc < 3 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: bench_startup ROUNDS CMD [ARGS...]\n");
		return 2;
	}
	t_true = calloc((size_t)rounds, sizeof(double));
	t_cmd = calloc((size_t)rounds, sizeof(double));
	c_true = calloc((size_t)rounds, sizeof(double));
	c_cmd = calloc((size_t)rounds, sizeof(double));
	if (!t_true || !t_cmd || !c_true || !c_cmd)
		return 2;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* Warm-up: page cache and the dynamic loader's caches. */
	for (int i = 0; i < 5; i++) {
		run(true_argv, &fa, &status, &cpu);
		run(argv + 2, &fa, &status, &cpu);
	}
	for (int r = 0; r < rounds; r++) {
		if (r % 2) {
			t_cmd[r] = run(argv + 2, &fa, &status, &c_cmd[r]);
			t_true[r] = run(true_argv, &fa, &status, &c_true[r]);
		} else {
			t_true[r] = run(true_argv, &fa, &status, &c_true[r]);
			t_cmd[r] = run(argv + 2, &fa, &status, &c_cmd[r]);
		}
		if (first_status < 0)
			first_status = status;
	}
	printf("rounds %d, command exit status %d\n", rounds,
	       WIFEXITED(first_status) ? WEXITSTATUS(first_status) : -1);
	report("/bin/true", t_true, c_true, rounds);
	report("command", t_cmd, c_cmd, rounds);
	printf("ratio wall %.2f (p10 %.2f)  cpu %.2f (p10 %.2f)\n",
	       t_cmd[rounds / 2] / t_true[rounds / 2], t_cmd[rounds / 10] / t_true[rounds / 10],
	       c_cmd[rounds / 2] / c_true[rounds / 2], c_cmd[rounds / 10] / c_true[rounds / 10]);
	return 0;
}
