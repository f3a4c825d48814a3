/* Nothing left behind: the temporary files and folders a write creates are
 * registered here while they exist, and removed if the process is stopped
 * by SIGINT, SIGTERM, SIGHUP or SIGPIPE before it removes or publishes them.
 * The handler then re-raises the signal, so the exit status still says what
 * stopped the process.
 *
 * Registration is lock-free (one atomic flag per slot) so that worker
 * threads may write; the handler only calls unlink(), rmdir() and raise()
 * (async-signal-safe). Files are removed before folders. */
#ifndef OPTROM_PATCH_CLEANUP_H
#define OPTROM_PATCH_CLEANUP_H

#include <stdbool.h>

#define PATCH_CLEANUP_SLOTS 256

/* Installs the handlers (once; later calls do nothing). The front end calls
 * it at start. */
void patch_cleanup_install(void);

/* Registers path (copied) as a file (dir false) or an empty-at-the-end
 * folder (dir true) to remove on a signal. Returns a slot id, or -1 when
 * every slot is taken or the path is too long (the write goes on; only the
 * signal cleanup of that path is lost). */
int patch_cleanup_add(const char *path, bool dir);

/* The path is gone or published: forget it (id -1 is ignored). */
void patch_cleanup_forget(int id);

#endif
