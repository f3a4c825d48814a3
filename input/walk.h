/* The files a scan reads: paths and folders, walked recursively, as a list
 * sorted by path. Symbolic links are followed; each folder is walked once
 * (by device and inode), so a link back to a parent, or two links to one
 * folder, cannot loop or repeat. Anything that cannot be read (a dangling
 * link, a FIFO, a device, a folder that cannot be opened, a missing path)
 * is an entry with the reason, never a stop.
 */
#ifndef OPTROM_WALK_H
#define OPTROM_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WALK_MAX_DEPTH   128u     /* folders inside folders */
#define WALK_MAX_ENTRIES 10000000 /* a list longer than this is refused */

struct walk_entry {
	char *path;
	uint64_t size; /* bytes, for a regular file */
	char *error;   /* NULL, or one line: the path and why it cannot be read */
};

struct walk_list {
	struct walk_entry *v;
	size_t n, cap;
	size_t folders;       /* folders walked */
	size_t links_skipped; /* links to a folder already walked (loops, repeats) */
	bool full;            /* WALK_MAX_ENTRIES reached: later files were left out */
	/* folders walked, by (device, inode): open addressing */
	struct walk_seen *seen;
	size_t seen_n, seen_cap;
};

/* Adds one argument: a file is one entry, a folder its files (recursively).
 * False only when memory ran out. */
bool walk_add(struct walk_list *l, const char *arg);

/* Adds every line of list ("-": standard input) as an argument; empty
 * lines are skipped. False with one line in err when the list itself
 * cannot be read (a bad argument). */
bool walk_add_files_from(struct walk_list *l, const char *list, char *err, size_t cap);

/* Sorts the entries by path (bytewise) and drops exact repeats of a path. */
void walk_sort(struct walk_list *l);

void walk_free(struct walk_list *l);

#endif
