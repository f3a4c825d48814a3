#include "input/walk.h"

#include "input/load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct walk_seen {
	dev_t dev;
	ino_t ino;
	bool used;
};

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static bool push(struct walk_list *l, const char *path, uint64_t size, const char *why)
{
	struct walk_entry *e;
	if (l->n >= WALK_MAX_ENTRIES) {
		l->full = true;
		return true;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		struct walk_entry *v = realloc(l->v, ncap * sizeof(*v));
		if (!v)
			return false;
		l->v = v;
		l->cap = ncap;
	}
	e = &l->v[l->n];
	e->path = dup_str(path);
	e->size = size;
	e->error = NULL;
	if (!e->path)
		return false;
	if (why) {
		size_t n = strlen(path) + strlen(why) + 3;
		e->error = malloc(n);
		if (!e->error) {
			free(e->path);
			return false;
		}
		(void)snprintf(e->error, n, "%s: %s", path, why);
	}
	l->n++;
	return true;
}

static size_t seen_slot(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ (uint64_t)ino;
	h ^= h >> 29;
	return (size_t)(h * 0xbf58476d1ce4e5b9ull) & (cap - 1);
}

/* Marks a folder walked; false in *fresh when it was already. */
static bool seen_add(struct walk_list *l, dev_t dev, ino_t ino, bool *fresh)
{
	size_t i;
	if ((l->seen_n + 1) * 2 > l->seen_cap) {
		size_t ncap = l->seen_cap ? l->seen_cap * 2 : 64;
		struct walk_seen *n = calloc(ncap, sizeof(*n));
		if (!n)
			return false;
		for (size_t k = 0; k < l->seen_cap; k++) {
			if (!l->seen[k].used)
				continue;
			for (i = seen_slot(l->seen[k].dev, l->seen[k].ino, ncap); n[i].used;
			     i = (i + 1) & (ncap - 1))
				;
			n[i] = l->seen[k];
		}
		free(l->seen);
		l->seen = n;
		l->seen_cap = ncap;
	}
	for (i = seen_slot(dev, ino, l->seen_cap); l->seen[i].used; i = (i + 1) & (l->seen_cap - 1))
		if (l->seen[i].dev == dev && l->seen[i].ino == ino) {
			*fresh = false;
			return true;
		}
	l->seen[i].used = true;
	l->seen[i].dev = dev;
	l->seen[i].ino = ino;
	l->seen_n++;
	*fresh = true;
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool walk_path(struct walk_list *l, const char *path, unsigned depth);

static bool walk_dir(struct walk_list *l, const char *path, unsigned depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	char ebuf[128];
	if (depth >= WALK_MAX_DEPTH)
		return push(l, path, 0, "folder not walked: more than 128 folders deep");
	d = opendir(path);
	if (!d)
		return push(l, path, 0, load_strerror(errno, ebuf, sizeof(ebuf)));
	l->folders++;
	/* Names first, then the walk: a folder's descriptor stays open only
	 * while it is read, never across the recursion. */
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **v = realloc(names, ncap * sizeof(*v));
			if (!v) {
				ok = false;
				break;
			}
			names = v;
			cap = ncap;
		}
		if (!(names[n] = dup_str(de->d_name))) {
			ok = false;
			break;
		}
		n++;
	}
	closedir(d);
	if (ok && n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(path), nlen = strlen(names[i]);
		bool slash = plen && path[plen - 1] == '/';
		char *child = ok ? malloc(plen + nlen + 2) : NULL;
		if (ok && child) {
			memcpy(child, path, plen);
			if (!slash)
				child[plen++] = '/';
			memcpy(child + plen, names[i], nlen + 1);
			ok = walk_path(l, child, depth + 1);
		} else {
			ok = false;
		}
		free(child);
		free(names[i]);
	}
	free(names);
	return ok;
}

static bool walk_path(struct walk_list *l, const char *path, unsigned depth)
{
	struct stat st, lst;
	char ebuf[128];
	if (stat(path, &st) != 0) {
		int e = errno;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return push(l, path, 0,
			            e == ELOOP
			                ? "symbolic link loop"
			                : "dangling symbolic link (its target does not exist)");
		if (e == ENOENT || e == ENOTDIR)
			return push(l, path, 0, "no such file");
		return push(l, path, 0, load_strerror(e, ebuf, sizeof(ebuf)));
	}
	if (S_ISDIR(st.st_mode)) {
		bool fresh;
		if (!seen_add(l, st.st_dev, st.st_ino, &fresh))
			return false;
		if (!fresh) {
			l->links_skipped++;
			return true;
		}
		return walk_dir(l, path, depth);
	}
	if (!S_ISREG(st.st_mode))
		return push(l, path, 0, "not a regular file (FIFO, device or socket)");
	return push(l, path, (uint64_t)st.st_size, NULL);
}

bool walk_add(struct walk_list *l, const char *arg)
{
	return walk_path(l, arg, 0);
}

bool walk_add_files_from(struct walk_list *l, const char *list, char *err, size_t cap)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char line[8192];
	char ebuf[128];
	bool ok = true;
	if (!f) {
		(void)snprintf(err, cap, "%s: cannot read the list: %s", list,
		               load_strerror(errno, ebuf, sizeof(ebuf)));
		return false;
	}
	while (ok && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			(void)snprintf(err, cap, "%s: a line longer than %zu bytes", list,
			               sizeof(line) - 2);
			ok = false;
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		if (!walk_add(l, line)) {
			(void)snprintf(err, cap, "%s: out of memory", list);
			ok = false;
		}
	}
	if (ok && ferror(f)) {
		(void)snprintf(err, cap, "%s: reading the list failed", list);
		ok = false;
	}
	if (f != stdin)
		fclose(f);
	return ok;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct walk_entry *)a)->path, ((const struct walk_entry *)b)->path);
}

void walk_sort(struct walk_list *l)
{
	size_t out = 0;
	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
	for (size_t i = 0; i < l->n; i++) {
		if (out && strcmp(l->v[out - 1].path, l->v[i].path) == 0) {
			free(l->v[i].path);
			free(l->v[i].error);
			continue;
		}
		l->v[out++] = l->v[i];
	}
	l->n = out;
}

void walk_free(struct walk_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].error);
	}
	free(l->v);
	free(l->seen);
	memset(l, 0, sizeof(*l));
}
