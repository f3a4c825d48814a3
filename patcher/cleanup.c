#include "patcher/cleanup.h"

#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_CLAIMED, SLOT_FILE, SLOT_DIR };

static struct {
	atomic_int state;
	char path[PATH_MAX];
} slots[PATCH_CLEANUP_SLOTS];

static atomic_flag installed = ATOMIC_FLAG_INIT;

static void remove_all(void)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < PATCH_CLEANUP_SLOTS; i++) {
			int s = atomic_load(&slots[i].state);
			if (pass == 0 && s == SLOT_FILE)
				(void)unlink(slots[i].path);
			else if (pass == 1 && s == SLOT_DIR)
				(void)rmdir(slots[i].path);
		}
}

static void on_signal(int sig)
{
	remove_all();
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

void patch_cleanup_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	struct sigaction sa;
	if (atomic_flag_test_and_set(&installed))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;
		/* A signal the caller's parent set to be ignored stays ignored
		 * (nohup, a shell's background job). */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		(void)sigaction(sigs[i], &sa, NULL);
	}
}

int patch_cleanup_add(const char *path, bool dir)
{
	size_t n = strlen(path);
	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < PATCH_CLEANUP_SLOTS; i++) {
		int expect = SLOT_FREE;
		if (!atomic_compare_exchange_strong(&slots[i].state, &expect, SLOT_CLAIMED))
			continue;
		memcpy(slots[i].path, path, n + 1);
		atomic_store(&slots[i].state, dir ? SLOT_DIR : SLOT_FILE);
		return i;
	}
	return -1;
}

void patch_cleanup_forget(int id)
{
	if (id >= 0 && id < PATCH_CLEANUP_SLOTS)
		atomic_store(&slots[id].state, SLOT_FREE);
}
