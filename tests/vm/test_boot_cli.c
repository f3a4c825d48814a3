/* optrom boot-test's own paths: missing QEMU or OVMF, bad options, a boot
 * stopped at its time limit, and SIGINT during a boot. On every path no
 * temporary file and no QEMU process may be left behind. */
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "vm/vm.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char ipxe_rom[] = "/usr/lib/ipxe/qemu/efi-e1000.rom";

static void make_tmp(void)
{
	tmp_make("optrom-bootcli");
	/* boot-test makes its folder under TMPDIR: ours, to count what is left. */
	setenv("TMPDIR", tmp_dir(), 1);
}

TestSuite(boot_cli, .init = make_tmp, .fini = tmp_remove, .timeout = 300);

static bool have_firmware_and_rom(void)
{
	char q[1024];
	struct vm_firmware fw;
	if (!vm_find_qemu(q, sizeof(q)) || !vm_find_ovmf(&fw, false) ||
	    access(ipxe_rom, R_OK) != 0) {
		fprintf(stderr,
		        "[SKIP] boot_cli: needs qemu-system-x86_64, OVMF and %s (Debian: "
		        "qemu-system-x86, ovmf, ipxe-qemu)\n",
		        ipxe_rom);
		return false;
	}
	return true;
}

/* Entries named optrom-boot.* in our TMPDIR: boot-test's folders. */
static size_t boot_folders(void)
{
	size_t n = 0;
	DIR *d = opendir(tmp_dir());
	struct dirent *e;
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "optrom-boot.", 12) == 0)
			n++;
	closedir(d);
	return n;
}

/* A process whose command line names our TMPDIR: a QEMU left running. */
static bool qemu_left(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;
	cr_assert_not_null(d);
	while (!found && (e = readdir(d)) != NULL) {
		char path[300], buf[8192];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		if (strstr(buf, "qemu-system") && strstr(buf, tmp_dir()))
			found = true;
	}
	closedir(d);
	return found;
}

Test(boot_cli, missing_qemu_says_what_to_install)
{
	struct run_result r;
	setenv("OPTROM_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	cr_assert(run_optrom(&r, "boot-test", ipxe_rom, NULL));
	unsetenv("OPTROM_QEMU");
	cr_assert_eq(r.status, 2);
	cr_assert_eq(run_count_lines(r.err), 1, "%s", r.err);
	cr_assert(strstr(r.err, "qemu-system-x86_64 not found") && strstr(r.err, "apt install"),
	          "%s", r.err);
	cr_assert_str_eq(r.out, "");
	run_free(&r);
}

Test(boot_cli, missing_ovmf_and_bad_options_are_one_line_each)
{
	struct run_result r;
	const char *bad[][4] = {
	    {"--ovmf", "/nonexistent/CODE.fd,/nonexistent/VARS.fd", ipxe_rom, "not readable"},
	    {"--ovmf", "only-one-file", ipxe_rom, "expected CODE,VARS"},
	    {"--timeout", "0", ipxe_rom, "--timeout"},
	    {"--timeout", "12x", ipxe_rom, "--timeout"},
	};
	char q[1024];
	bool qemu = vm_find_qemu(q, sizeof(q));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (i == 0 && !qemu)
			continue; /* the missing-QEMU line comes first */
		cr_assert(run_optrom(&r, "boot-test", bad[i][0], bad[i][1], bad[i][2], NULL));
		cr_assert_eq(r.status, 2, "%s %s: %d", bad[i][0], bad[i][1], r.status);
		cr_assert_eq(run_count_lines(r.err), 1, "%s", r.err);
		cr_assert(strstr(r.err, bad[i][3]), "%s", r.err);
		run_free(&r);
	}
	cr_assert(run_optrom(&r, "boot-test", NULL));
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "expected exactly one FILE"));
	run_free(&r);
	cr_assert(run_optrom(&r, "boot-test", "/nonexistent.rom", NULL));
	cr_assert_eq(r.status, 2);
	run_free(&r);
	cr_assert_eq(boot_folders(), 0);
}

Test(boot_cli, a_boot_past_its_time_limit_is_stopped_and_cleaned_up)
{
	struct run_result r;
	if (!have_firmware_and_rom())
		return;
	cr_assert(run_optrom(&r, "boot-test", "--timeout", "1", ipxe_rom, NULL));
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "did not finish within 1 s"), "%s", r.err);
	run_free(&r);
	cr_assert_eq(boot_folders(), 0);
	cr_assert_not(qemu_left());
}

Test(boot_cli, sigint_during_a_boot_stops_qemu_and_removes_everything)
{
	if (!have_firmware_and_rom())
		return;
	char *argv[] = {OPTROM_BINARY, "boot-test", (char *)ipxe_rom, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	/* Wait until QEMU runs on boot-test's folder, then interrupt. */
	bool running = false;
	for (int i = 0; i < 600 && !running; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		running = boot_folders() == 1 && qemu_left();
	}
	cr_assert(running, "QEMU did not start within 30 s");
	cr_assert_eq(kill(pid, SIGINT), 0);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "boot-test did not die of SIGINT");
	cr_assert_eq(boot_folders(), 0);
	cr_assert_not(qemu_left());
}

/* A KVM that opens but cannot run the guest: QEMU prints "KVM internal
 * error" and pauses the guest instead of exiting. Played by a wrapper that
 * does exactly that under -accel kvm and runs the real QEMU otherwise: the
 * boot must fall back to TCG and succeed, not wait for its time limit. */
Test(boot_cli, a_kvm_that_cannot_run_the_guest_falls_back_to_tcg)
{
	struct run_result r;
	char q[1024], fake[1200];
	FILE *f;
	if (!have_firmware_and_rom() || !vm_find_qemu(q, sizeof(q)))
		return;
	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		fprintf(stderr, "[SKIP] boot_cli: no usable /dev/kvm: KVM is never tried\n");
		return;
	}
	(void)snprintf(fake, sizeof(fake), "%s/qemu-kvm-fails", tmp_dir());
	f = fopen(fake, "w");
	cr_assert_not_null(f);
	fprintf(f,
	        "#!/bin/sh\n"
	        "case \" $* \" in *\" kvm \"*)\n"
	        "  echo 'KVM internal error. Suberror: 1' >&2; exec sleep 600;;\n"
	        "esac\n"
	        "exec '%s' \"$@\"\n",
	        q);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(fake, 0755), 0);
	cr_assert(run_optrom(&r, "boot-test", "--qemu", fake, "--timeout", "100", ipxe_rom, NULL));
	cr_assert_eq(r.status, 0, "%d: %s%s", r.status, r.out, r.err);
	cr_assert(strstr(r.out, "TCG (KVM did not start)"), "%s", r.out);
	run_free(&r);
	cr_assert_eq(boot_folders(), 0);
	cr_assert_not(qemu_left());
}
