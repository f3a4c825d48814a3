/* One OVMF boot in QEMU, as vm.h describes: a temporary folder, QEMU as a
 * child with its serial console on a pipe, a time limit, and cleanup on
 * every path. */
#define _XOPEN_SOURCE 700 /* nftw and FTW_PHYS */
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONSOLE_CAP   (8u * 1024u * 1024u) /* a boot prints about 150 KiB */
#define STDERR_CAP    4096u
#define POLL_MS       100
#define KILL_GRACE_MS 1000
/* The shell waits 5 s for a key before it runs startup.nsh (ShellPkg
 * Shell.c, "Press ESC in %d seconds"); any key but ESC runs it at once. */
#define SHELL_COUNTDOWN "Press ESC in"
/* BDS found nothing it may start (under Secure Boot: the shell and the boot
 * application refused) and waits for a key forever (MdeModulePkg BdsEntry.c):
 * the boot is over, with no listing. */
#define BDS_NOTHING_TO_BOOT "No bootable option or device was found"

/* `drivers` lists each driver binding with its version and name; the
 * verbose dump of LoadedImage handles gives each image's device path, which
 * for an option ROM image ends in Offset(START,END) (formats/uefi_shell.h).
 * `reset -s` powers the machine off, which ends QEMU. */
static const char startup_nsh[] = "drivers\r\n"
                                  "dh -p LoadedImage -v\r\n"
                                  "reset -s\r\n";

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	if (dir[0])
		(void)nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	const uint8_t *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd) == 0;
}

/* The variable store is written by the guest: each boot gets a copy. */
static bool copy_file(const char *from, const char *to)
{
	FILE *f = fopen(from, "rb");
	if (!f)
		return false;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = true;
	for (;;) {
		if (len == cap) {
			if (cap >= 64u * 1024u * 1024u) { /* an OVMF store is 128 or 540 KiB */
				ok = false;
				break;
			}
			cap = cap ? cap * 2 : 1u << 20;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				ok = false;
				break;
			}
			buf = nb;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		ok = false;
	fclose(f);
	ok = ok && write_file(to, buf, len);
	free(buf);
	return ok;
}

/* Appends up to n bytes to a growing buffer capped at cap. */
static void append(char **buf, size_t *len, size_t *alloc, size_t cap, const char *p, size_t n)
{
	if (*len >= cap)
		return;
	if (n > cap - *len)
		n = cap - *len;
	if (*len + n + 1 > *alloc) {
		size_t na = *alloc ? *alloc : 64u * 1024u;
		while (na < *len + n + 1)
			na *= 2;
		char *nb = realloc(*buf, na);
		if (!nb)
			return;
		*buf = nb;
		*alloc = na;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

struct child {
	pid_t pid;
	int in, out, err;
};

static bool spawn(char *const argv[], const char *tmpdir, struct child *c)
{
	int pin[2], pout[2], perr[2];
	if (pipe(pin) != 0)
		return false;
	if (pipe(pout) != 0) {
		close(pin[0]);
		close(pin[1]);
		return false;
	}
	if (pipe(perr) != 0) {
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		return false;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int fds[] = {pin[0], pin[1], pout[0], pout[1], perr[0], perr[1]};
		for (size_t i = 0; i < 6; i++)
			close(fds[i]);
		return false;
	}
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		int fds[] = {pin[0], pin[1], pout[0], pout[1], perr[0], perr[1]};
		for (size_t i = 0; i < 6; i++)
			close(fds[i]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		/* Any file QEMU makes for itself lands in the folder we remove. */
		setenv("TMPDIR", tmpdir, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	c->pid = pid;
	c->in = pin[1];
	c->out = pout[0];
	c->err = perr[0];
	(void)fcntl(c->out, F_SETFL, O_NONBLOCK);
	(void)fcntl(c->err, F_SETFL, O_NONBLOCK);
	return true;
}

/* Stops the child: SIGTERM, then SIGKILL after a grace period. */
static int stop_child(pid_t pid)
{
	int st;
	kill(pid, SIGTERM);
	for (int i = 0; i < KILL_GRACE_MS / 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* Runs QEMU once with accel ("kvm" or "tcg") until it exits, the deadline or
 * a signal. */
static void run_once(const struct vm_boot_request *req, const char *dir, const char *accel,
                     double deadline, struct vm_boot_result *res, char *errbuf, size_t *errlen)
{
	char rom[1200], vars[1200], esp[1200], pflash_code[1300], pflash_vars[1300], fat[1300],
	    dev[1300];
	(void)snprintf(rom, sizeof(rom), "%s/rom.bin", dir);
	(void)snprintf(vars, sizeof(vars), "%s/vars.fd", dir);
	(void)snprintf(esp, sizeof(esp), "%s/esp", dir);
	/* QEMU's option syntax doubles commas in values; ours have none (the
	 * folder is ours), but a user's OVMF path might. */
	if (strchr(req->fw->code, ',')) {
		res->status = VM_BOOT_SETUP;
		(void)snprintf(
		    res->error, sizeof(res->error),
		    "the OVMF code path %s holds a comma, which QEMU's -drive cannot take",
		    req->fw->code);
		return;
	}
	(void)snprintf(pflash_code, sizeof(pflash_code),
	               "if=pflash,format=raw,unit=0,readonly=on,file=%s", req->fw->code);
	(void)snprintf(pflash_vars, sizeof(pflash_vars), "if=pflash,format=raw,unit=1,file=%s",
	               vars);
	(void)snprintf(fat, sizeof(fat), "file=fat:%s,format=raw,if=none,id=esp,readonly=on", esp);
	/* An e1000 NIC with the ROM as its option ROM (QEMU pads the BAR to a
	 * power of two). OVMF has no e1000 driver of its own, so every EFI driver
	 * bound to it comes from the ROM. No network backend: nothing leaves the
	 * machine. */
	(void)snprintf(dev, sizeof(dev), "e1000,romfile=%s", rom);
	char accel_opt[32];
	(void)snprintf(accel_opt, sizeof(accel_opt), "%s", accel);
	/* A Secure Boot OVMF keeps its variables in SMM: the machine needs SMM
	 * and the flash must answer only to it (OvmfPkg/README, "SMM support"). */
	char *machine = req->fw->secure_boot ? "q35,smm=on" : "q35";
	char *secure_flash = req->fw->secure_boot ? "driver=cfi.pflash01,property=secure,value=on"
	                                          : "driver=cfi.pflash01,property=secure,value=off";
	char *argv[] = {(char *)req->fw->qemu, "-machine", machine, "-global", secure_flash,
	                "-accel", accel_opt, "-m", "256", "-nodefaults", "-no-user-config",
	                "-no-reboot", "-display", "none", "-monitor", "none", "-serial", "stdio",
	                "-drive", pflash_code, "-drive", pflash_vars, "-drive", fat,
	                /* The disk is the only boot option: OVMF drops the ones
	                 * fw_cfg's boot order does not name, so a ROM that makes
	                 * the NIC bootable (iPXE) cannot send the boot to the
	                 * network; the disk has no loader, and BDS falls back to
	                 * the shell, which runs startup.nsh. */
	                "-device", "virtio-blk-pci,drive=esp,bootindex=1", "-device", dev, NULL};
	struct child c;
	double t0 = now_s();
	if (!spawn(argv, dir, &c)) {
		res->status = VM_BOOT_QEMU_ERROR;
		(void)snprintf(res->error, sizeof(res->error), "could not start %s: %s",
		               req->fw->qemu, strerror(errno));
		return;
	}
	size_t alloc = 0, scanned = 0;
	bool key_sent = false, out_open = true, err_open = true;
	int st = 0;
	bool exited = false;
	res->status = VM_BOOT_DONE;
	while (!exited) {
		if (got_signal) {
			st = stop_child(c.pid);
			res->status = VM_BOOT_SIGNAL;
			res->signal = got_signal;
			(void)snprintf(res->error, sizeof(res->error),
			               "interrupted by signal %d: QEMU stopped, its files removed",
			               (int)got_signal);
			exited = true;
			break;
		}
		if (now_s() > deadline) {
			st = stop_child(c.pid);
			res->status = VM_BOOT_TIMEOUT;
			(void)snprintf(
			    res->error, sizeof(res->error),
			    "the boot did not finish within %u s: QEMU stopped (a driver may "
			    "hang OVMF, or this machine is slow: try --timeout)",
			    req->timeout_s);
			exited = true;
			break;
		}
		struct pollfd p[2] = {{out_open ? c.out : -1, POLLIN, 0},
		                      {err_open ? c.err : -1, POLLIN, 0}};
		int pr = poll(p, 2, POLL_MS);
		if (pr < 0 && errno != EINTR)
			break;
		char buf[16384];
		if (out_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(c.out, buf, sizeof(buf));
			if (r > 0)
				append(&res->console, &res->console_len, &alloc, CONSOLE_CAP, buf,
				       (size_t)r);
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				out_open = false;
		}
		if (err_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(c.err, buf, sizeof(buf));
			if (r > 0) {
				size_t n = (size_t)r;
				if (n > STDERR_CAP - 1 - *errlen)
					n = STDERR_CAP - 1 - *errlen;
				memcpy(errbuf + *errlen, buf, n);
				*errlen += n;
				errbuf[*errlen] = '\0';
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				err_open = false;
			}
			/* Nested KVM that cannot run the guest (an emulation failure)
			 * does not end QEMU: it prints "KVM internal error" and pauses
			 * the guest for good. Stop it; vm_boot falls back to TCG. */
			if (strcmp(accel, "kvm") == 0 && strstr(errbuf, "KVM internal error")) {
				st = stop_child(c.pid);
				res->status = VM_BOOT_QEMU_ERROR;
				(void)snprintf(res->error, sizeof(res->error),
				               "KVM could not run the guest (KVM internal error)");
				exited = true;
				break;
			}
		}
		if (!key_sent && res->console) {
			/* Look only at what came since the last look (and the length
			 * of the marker before it). */
			size_t from = scanned > sizeof(SHELL_COUNTDOWN)
			                  ? scanned - sizeof(SHELL_COUNTDOWN)
			                  : 0;
			if (strstr(res->console + from, SHELL_COUNTDOWN)) {
				(void)write(c.in, " ", 1);
				key_sent = true;
			}
		}
		if (res->console) {
			size_t from = scanned > sizeof(BDS_NOTHING_TO_BOOT)
			                  ? scanned - sizeof(BDS_NOTHING_TO_BOOT)
			                  : 0;
			if (strstr(res->console + from, BDS_NOTHING_TO_BOOT)) {
				/* Done: QEMU's exit status says nothing here. */
				(void)stop_child(c.pid);
				st = 0;
				break;
			}
			scanned = res->console_len;
		}
		if (!out_open && !err_open) {
			while (waitpid(c.pid, &st, 0) < 0 && errno == EINTR)
				;
			exited = true;
		} else if (waitpid(c.pid, &st, WNOHANG) == c.pid) {
			/* Drain what is left in the pipes. */
			for (int i = 0; i < 64; i++) {
				ssize_t r = read(c.out, buf, sizeof(buf));
				if (r <= 0)
					break;
				append(&res->console, &res->console_len, &alloc, CONSOLE_CAP, buf,
				       (size_t)r);
			}
			exited = true;
		}
	}
	close(c.in);
	close(c.out);
	close(c.err);
	res->seconds = now_s() - t0;
	res->qemu_exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (res->status == VM_BOOT_DONE && res->qemu_exit != 0) {
		res->status = VM_BOOT_QEMU_ERROR;
		/* QEMU's own message: its first line of stderr. */
		size_t n = strcspn(errbuf, "\n");
		(void)snprintf(res->error, sizeof(res->error), "QEMU exited with status %d%s%.*s",
		               res->qemu_exit, n ? ": " : "", (int)n, errbuf);
	}
}

void vm_boot(const struct vm_boot_request *req, struct vm_boot_result *res)
{
	memset(res, 0, sizeof(*res));
	res->qemu_exit = -1;
	const char *tmp = getenv("TMPDIR");
	char dir[1024], path[1200];
	if ((size_t)snprintf(dir, sizeof(dir), "%s/optrom-boot.XXXXXX",
	                     tmp && *tmp && !strchr(tmp, ',') ? tmp : "/tmp") >= sizeof(dir) ||
	    !mkdtemp(dir)) {
		res->status = VM_BOOT_SETUP;
		(void)snprintf(res->error, sizeof(res->error), "cannot make a temporary folder: %s",
		               strerror(errno));
		return;
	}
	/* From here every path removes dir. Signals are noted, not fatal, so the
	 * loop can stop QEMU and clean up; the caller learns which came. */
	struct sigaction sa, old_int, old_term, old_pipe;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	got_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);

	bool ok = true;
	(void)snprintf(path, sizeof(path), "%s/rom.bin", dir);
	ok = ok && write_file(path, req->rom, req->rom_len);
	(void)snprintf(path, sizeof(path), "%s/vars.fd", dir);
	ok = ok && copy_file(req->fw->vars, path);
	(void)snprintf(path, sizeof(path), "%s/esp", dir);
	ok = ok && mkdir(path, 0700) == 0;
	(void)snprintf(path, sizeof(path), "%s/esp/startup.nsh", dir);
	ok = ok && write_file(path, startup_nsh, sizeof(startup_nsh) - 1);
	if (ok && req->app) {
		(void)snprintf(path, sizeof(path), "%s/esp/EFI", dir);
		ok = mkdir(path, 0700) == 0;
		(void)snprintf(path, sizeof(path), "%s/esp/EFI/BOOT", dir);
		ok = ok && mkdir(path, 0700) == 0;
		(void)snprintf(path, sizeof(path), "%s/esp/EFI/BOOT/BOOTX64.EFI", dir);
		ok = ok && copy_file(req->app, path);
	}
	if (!ok) {
		res->status = VM_BOOT_SETUP;
		(void)snprintf(res->error, sizeof(res->error), "cannot prepare %s: %s", path,
		               strerror(errno));
	} else {
		double deadline = now_s() + (req->timeout_s ? req->timeout_s : 120);
		char errbuf[STDERR_CAP] = "";
		size_t errlen = 0;
		bool kvm = req->try_kvm && access("/dev/kvm", R_OK | W_OK) == 0;
		if (kvm) {
			run_once(req, dir, "kvm", deadline, res, errbuf, &errlen);
			/* /dev/kvm may open while KVM cannot start (nested
			 * virtualisation off) or cannot run the guest (run_once stops
			 * it at "KVM internal error"): either way nothing came from the
			 * guest, and TCG is the answer. */
			if (res->status == VM_BOOT_QEMU_ERROR && res->console_len == 0) {
				res->kvm_fell_back = true;
				kvm = false;
				res->status = VM_BOOT_DONE;
				res->error[0] = '\0';
				errlen = 0;
				errbuf[0] = '\0';
				(void)snprintf(path, sizeof(path), "%s/vars.fd", dir);
				(void)remove(path);
				if (!copy_file(req->fw->vars, path)) {
					res->status = VM_BOOT_SETUP;
					(void)snprintf(res->error, sizeof(res->error),
					               "cannot prepare %s: %s", path,
					               strerror(errno));
				}
			} else {
				res->kvm = true;
			}
		}
		if (!kvm && res->status == VM_BOOT_DONE)
			run_once(req, dir, "tcg", deadline, res, errbuf, &errlen);
	}
	remove_tree(dir);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
}

void vm_boot_result_free(struct vm_boot_result *res)
{
	free(res->console);
	res->console = NULL;
	res->console_len = 0;
}
