#include "analyzer/pci_names.h"

#include "formats/pci_ids.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifndef OPTROM_PCI_IDS_DIR
#define OPTROM_PCI_IDS_DIR "/usr/share/misc"
#endif

/* pci.ids is 1.3 MB; a "database" that goes on past this (a device file
 * named by $OPTROM_PCI_IDS) is not read further. */
#define NAMES_READ_MAX ((size_t)64 * 1024 * 1024)
#define NAMES_CHUNK    ((size_t)64 * 1024)
/* Answers kept for the process (scan asks for the same ids over and over). */
#define NAMES_MEMO 1024u

struct memo {
	bool used;
	enum pci_ids_want want;
	uint16_t ids[4];
	char *name; /* NULL: the database has none */
};

static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct memo memo[NAMES_MEMO];
static size_t memo_n;
static char memo_path[4096]; /* the $OPTROM_PCI_IDS the memo's answers come from */

/* Opens the database as libpci does: $OPTROM_PCI_IDS (tests), else
 * pci.ids.gz and then pci.ids in libpci's folder; gzip or plain (zlib reads
 * both). Only a regular file: a FIFO would block, a device never end. */
static gzFile open_db(const char *env)
{
	static const char *const names[] = {OPTROM_PCI_IDS_DIR "/pci.ids.gz",
	                                    OPTROM_PCI_IDS_DIR "/pci.ids"};
	for (size_t i = 0; i < 2; i++) {
		const char *p = env && env[0] ? env : names[i];
		struct stat st;
		gzFile f;
		int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (f = gzdopen(fd, "rb")) != NULL)
			return f;
		if (fd >= 0)
			(void)close(fd);
		if (env && env[0])
			break;
	}
	return NULL;
}

/* One walk over the database, stopped as soon as w is answered. */
static void walk_db(gzFile f, struct pci_ids_walk *w)
{
	uint8_t *buf = malloc(NAMES_CHUNK);
	size_t have = 0, total = 0;
	if (!buf)
		return;
	while (!w->done) {
		int got = total < NAMES_READ_MAX
		              ? gzread(f, buf + have, (unsigned)(NAMES_CHUNK - have))
		              : 0;
		struct span s;
		size_t used;
		if (got < 0)
			break; /* a read error: the names found so far stand */
		total += (size_t)got;
		have += (size_t)got;
		s = span_make(buf, have);
		used = pci_ids_feed(w, &s, got == 0);
		memmove(buf, buf + used, have - used);
		have -= used;
		if (got == 0)
			break;
	}
	free(buf);
}

static size_t memo_slot(enum pci_ids_want want, const uint16_t ids[4])
{
	uint32_t h = (uint32_t)want * 0x9E3779B1u;
	for (int i = 0; i < 4; i++)
		h = (h ^ ids[i]) * 0x01000193u;
	return h % NAMES_MEMO;
}

static bool memo_same(const struct memo *m, enum pci_ids_want want, const uint16_t ids[4])
{
	return m->used && m->want == want && memcmp(m->ids, ids, sizeof(m->ids)) == 0;
}

static void memo_flush(void)
{
	for (size_t i = 0; i < NAMES_MEMO; i++) {
		free(memo[i].name);
		memo[i].name = NULL;
		memo[i].used = false;
	}
	memo_n = 0;
}

/* Under names_lock: the memo's answer, or a walk over the database (kept
 * in the memo while it has room; a full memo only costs walks). */
static const char *answer(enum pci_ids_want want, const uint16_t ids[4], struct pci_ids_walk *w)
{
	const char *env = getenv("OPTROM_PCI_IDS");
	const char *name;
	size_t k = memo_slot(want, ids);
	gzFile f;
	if (strcmp(env ? env : "", memo_path) != 0) {
		memo_flush(); /* another database: $OPTROM_PCI_IDS changed (tests) */
		(void)snprintf(memo_path, sizeof(memo_path), "%s", env ? env : "");
	}
	for (size_t i = 0; i < NAMES_MEMO && memo[k].used; i++, k = (k + 1) % NAMES_MEMO)
		if (memo_same(&memo[k], want, ids))
			return memo[k].name;
	f = open_db(env);
	if (!f)
		return NULL;
	pci_ids_walk_init(w, want, ids[0], ids[1], ids[2], ids[3]);
	walk_db(f, w);
	(void)gzclose(f);
	name = pci_ids_answer(w);
	if (memo_n < NAMES_MEMO / 2 && !memo[k].used) {
		memo[k].name = name ? strdup(name) : NULL;
		if (!name || memo[k].name) { /* not kept when strdup fails */
			memo[k].used = true;
			memo[k].want = want;
			memcpy(memo[k].ids, ids, sizeof(memo[k].ids));
			memo_n++;
		}
	}
	return name;
}

static bool lookup(char *out, size_t cap, enum pci_ids_want want, uint16_t a, uint16_t b,
                   uint16_t c, uint16_t d)
{
	const uint16_t ids[4] = {a, b, c, d};
	struct pci_ids_walk *w = malloc(sizeof(*w));
	const char *name;
	if (cap)
		out[0] = '\0';
	if (!w)
		return false;
	pthread_mutex_lock(&names_lock);
	name = answer(want, ids, w);
	if (name && cap)
		(void)snprintf(out, cap, "%s", name);
	pthread_mutex_unlock(&names_lock);
	free(w);
	return name != NULL && cap && out[0] != '\0';
}

bool pci_name_vendor(uint16_t vendor, char *out, size_t cap)
{
	return lookup(out, cap, PCI_IDS_VENDOR, vendor, 0, 0, 0);
}

bool pci_name_device(uint16_t vendor, uint16_t device, char *out, size_t cap)
{
	return lookup(out, cap, PCI_IDS_DEVICE, vendor, device, 0, 0);
}

bool pci_name_subsystem(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
                        char *out, size_t cap)
{
	return lookup(out, cap, PCI_IDS_SUBSYSTEM, vendor, device, sub_vendor, sub_device);
}
