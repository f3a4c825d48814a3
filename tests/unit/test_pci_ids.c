/* PCI names (analyzer/pci_names.c, formats/pci_ids.c) against libpci, the
 * reader lspci uses, as the oracle: on the same database file, every
 * vendor, device and subsystem name must be libpci's pci_lookup_name
 * answer (no numbers, no hwdb: what optrom asked libpci before issue 17).
 * Synthetic databases hold the syntax's corners; the system's pci.ids is
 * sampled entry by entry (skipped visibly when it is absent). */
#include "analyzer/pci_names.h"
#include "formats/pci_ids.h"
#include "tests/support/expect.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <pci/pci.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void setup(void)
{
	tmp_make("optrom-pciids");
}

static void teardown(void)
{
	tmp_remove();
}

TestSuite(pci_ids, .init = setup, .fini = teardown);

static void quiet(char *msg, ...)
{
	(void)msg;
}

/* libpci over path (NULL: its default database). Its error handler stays
 * libpci's: it exits, which fails the test (the databases here are
 * well-formed; the malformed ones are read by optrom alone). */
static struct pci_access *oracle(const char *path)
{
	struct pci_access *p = pci_alloc();
	cr_assert_not_null(p);
	p->warning = quiet;
	p->debug = quiet;
	if (path)
		pci_set_name_list_path(p, strdup(path), 1);
	return p;
}

enum { Q_VENDOR, Q_DEVICE, Q_SUBSYSTEM };

struct query {
	int kind;
	unsigned v, d, sv, sd;
};

static const char *oracle_name(struct pci_access *p, char *buf, size_t cap, const struct query *q)
{
	int flags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
	switch (q->kind) {
	case Q_VENDOR:
		return pci_lookup_name(p, buf, (int)cap, flags | PCI_LOOKUP_VENDOR, q->v);
	case Q_DEVICE:
		return pci_lookup_name(p, buf, (int)cap, flags | PCI_LOOKUP_DEVICE, q->v, q->d);
	default:
		return pci_lookup_name(p, buf, (int)cap,
		                       flags | PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, q->v, q->d,
		                       q->sv, q->sd);
	}
}

static bool ours(char *buf, size_t cap, const struct query *q)
{
	switch (q->kind) {
	case Q_VENDOR:
		return pci_name_vendor((uint16_t)q->v, buf, cap);
	case Q_DEVICE:
		return pci_name_device((uint16_t)q->v, (uint16_t)q->d, buf, cap);
	default:
		return pci_name_subsystem((uint16_t)q->v, (uint16_t)q->d, (uint16_t)q->sv,
		                          (uint16_t)q->sd, buf, cap);
	}
}

/* Each query answered alike by libpci and by optrom; returns how many
 * had a name. */
static size_t same_as_libpci(struct pci_access *p, const struct query *qs, size_t n)
{
	size_t named = 0;
	for (size_t i = 0; i < n; i++) {
		char want[PCI_NAME_LEN], got[PCI_NAME_LEN];
		const char *w = oracle_name(p, want, sizeof(want), &qs[i]);
		bool has = ours(got, sizeof(got), &qs[i]);
		cr_assert_eq(has, w != NULL,
		             "query %zu (%d %04x:%04x %04x:%04x): libpci %s, optrom %s", i,
		             qs[i].kind, qs[i].v, qs[i].d, qs[i].sv, qs[i].sd, w ? w : "(none)",
		             has ? got : "(none)");
		if (w) {
			cr_assert_str_eq(got, w, "query %zu (%d %04x:%04x %04x:%04x)", i,
			                 qs[i].kind, qs[i].v, qs[i].d, qs[i].sv, qs[i].sd);
			named++;
		}
	}
	return named;
}

static const char *write_db(const char *name, const char *text, bool gz)
{
	const char *path = tmp_path(name);
	if (gz) {
		gzFile f = gzopen(path, "wb");
		cr_assert_not_null(f);
		cr_assert_eq(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
		cr_assert_eq(gzclose(f), Z_OK);
	} else {
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f);
		cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
		cr_assert_eq(fclose(f), 0);
	}
	cr_assert_eq(setenv("OPTROM_PCI_IDS", path, 1), 0);
	return path;
}

/* The corners of the syntax libpci accepts (its lib/names-parse.c). */
static const char corners[] =
    "#\n#\tList of PCI ID's (a synthetic one)\n#\n"
    "0001  Vendor One\n"
    "\t0010  Device Ten\n"
    "\t\t0001 0010  Own subsystem of Device Ten\n"
    "\t\t0002 0abc  Board of Vendor Two\n"
    "\t# a comment inside a block\n"
    "\t0020  Device Twenty\t\n"               /* one trailing tab: removed */
    "\t0030\t\tTabbed  name  with  blanks \n" /* tabs after the id; one blank removed */
    "\t0000  Device Zero\n"
    "\t\t0002 0001  Subsystem under device 0\n"
    "0002  Vendor Two\r\n" /* CRLF */
    "\t00AB  Upper-case Device\r\n"
    "\t\t0001 0010  CRLF subsystem\r\n"
    "00Fe  Mixed Case Vendor\n"
    "C 03  Display controller\n"
    "\t00  VGA compatible controller\n"
    "\t\t00  VGA controller\n"
    "0003  Vendor Three, after a class\n"
    "\t0003  Device Three\n"
    "X 12  A block libpci skips\n"
    "\t1234  Not a device\n"
    "0004  Vendor Four\n"
    "\t0004  Device Four\n"
    "\t0005  Device Five has no subsystems listed\n"
    "S 0002\n"
    "\t0abc  Generic board of Vendor Two\n"
    "\t0def  Another generic board\n"
    "0005  Last vendor without a final LF";

static const struct query corner_queries[] = {
    {Q_VENDOR, 0x0001, 0, 0, 0},
    {Q_VENDOR, 0x0002, 0, 0, 0},
    {Q_VENDOR, 0x00fe, 0, 0, 0},
    {Q_VENDOR, 0x0003, 0, 0, 0},
    {Q_VENDOR, 0x0004, 0, 0, 0},
    {Q_VENDOR, 0x0005, 0, 0, 0},
    {Q_VENDOR, 0x0006, 0, 0, 0},
    {Q_VENDOR, 0x1234, 0, 0, 0},
    {Q_VENDOR, 0x0000, 0, 0, 0},
    {Q_DEVICE, 0x0001, 0x0010, 0, 0},
    {Q_DEVICE, 0x0001, 0x0020, 0, 0},
    {Q_DEVICE, 0x0001, 0x0030, 0, 0},
    {Q_DEVICE, 0x0001, 0x0000, 0, 0},
    {Q_DEVICE, 0x0001, 0x0040, 0, 0},
    {Q_DEVICE, 0x0002, 0x00ab, 0, 0},
    {Q_DEVICE, 0x0003, 0x0003, 0, 0},
    {Q_DEVICE, 0x0003, 0x0000, 0, 0},
    {Q_DEVICE, 0x0012, 0x1234, 0, 0},
    {Q_DEVICE, 0x0004, 0x0005, 0, 0},
    {Q_DEVICE, 0x0005, 0x0001, 0, 0},
    {Q_DEVICE, 0x0009, 0x0001, 0, 0},
    {Q_SUBSYSTEM, 0x0001, 0x0010, 0x0001, 0x0010},
    {Q_SUBSYSTEM, 0x0001, 0x0010, 0x0002, 0x0abc}, /* own entry before the generic one */
    {Q_SUBSYSTEM, 0x0004, 0x0004, 0x0002, 0x0abc}, /* generic */
    {Q_SUBSYSTEM, 0x0004, 0x0004, 0x0002, 0x0def}, /* generic */
    {Q_SUBSYSTEM, 0x0004, 0x0004, 0x0002, 0x0123}, /* none */
    {Q_SUBSYSTEM, 0x0004, 0x0004, 0x0004, 0x0004}, /* subsystem == device: the device */
    {Q_SUBSYSTEM, 0x0004, 0x0005, 0x0004, 0x0005}, /* the same, another device */
    {Q_SUBSYSTEM, 0x0004, 0x0006, 0x0004, 0x0006}, /* no device, no name */
    {Q_SUBSYSTEM, 0x0001, 0x0000, 0x0002, 0x0001}, /* device 0: no per-device lookup */
    {Q_SUBSYSTEM, 0x0002, 0x00ab, 0x0001, 0x0010}, /* CRLF */
    {Q_SUBSYSTEM, 0x0002, 0x00ab, 0x0002, 0x0abc}, /* generic for another device */
    {Q_SUBSYSTEM, 0x0003, 0x0003, 0x0001, 0x0010}, /* none */
};

Test(pci_ids, corners_as_libpci)
{
	const char *path = write_db("pci.ids", corners, false);
	struct pci_access *p = oracle(path);
	size_t n = sizeof(corner_queries) / sizeof(corner_queries[0]);
	size_t named = same_as_libpci(p, corner_queries, n);
	cr_assert_geq(named, 20, "only %zu of the corner queries had names", named);
	pci_cleanup(p);
}

Test(pci_ids, gzip_database_as_libpci)
{
	const char *path = write_db("pci.ids.gz", corners, true);
	struct pci_access *p = oracle(path);
	size_t n = sizeof(corner_queries) / sizeof(corner_queries[0]);
	cr_assert_geq(same_as_libpci(p, corner_queries, n), 20);
	pci_cleanup(p);
}

/* The walk gives the same answers whatever the chunks the file arrives
 * in (the reader's buffer boundaries fall anywhere in a line). */
Test(pci_ids, chunking_does_not_matter)
{
	size_t len = strlen(corners);
	for (size_t qi = 0; qi < sizeof(corner_queries) / sizeof(corner_queries[0]); qi++) {
		const struct query *q = &corner_queries[qi];
		enum pci_ids_want want = q->kind == Q_VENDOR   ? PCI_IDS_VENDOR
		                         : q->kind == Q_DEVICE ? PCI_IDS_DEVICE
		                                               : PCI_IDS_SUBSYSTEM;
		struct pci_ids_walk whole, w;
		struct span all = span_make(corners, len);
		const char *a, *b;
		pci_ids_walk_init(&whole, want, (uint16_t)q->v, (uint16_t)q->d, (uint16_t)q->sv,
		                  (uint16_t)q->sd);
		(void)pci_ids_feed(&whole, &all, true);
		a = pci_ids_answer(&whole);
		for (size_t step = 1; step <= 7; step += 3) {
			uint8_t buf[2048];
			size_t have = 0, pos = 0;
			pci_ids_walk_init(&w, want, (uint16_t)q->v, (uint16_t)q->d, (uint16_t)q->sv,
			                  (uint16_t)q->sd);
			while (!w.done) {
				size_t n = pos + step <= len ? step : len - pos;
				struct span s;
				size_t used;
				memcpy(buf + have, corners + pos, n);
				pos += n;
				have += n;
				s = span_make(buf, have);
				used = pci_ids_feed(&w, &s, pos == len);
				memmove(buf, buf + used, have - used);
				have -= used;
				cr_assert(pos < len || w.done);
			}
			b = pci_ids_answer(&w);
			cr_assert_eq(a == NULL, b == NULL, "query %zu step %zu", qi, step);
			if (a)
				cr_assert_str_eq(a, b, "query %zu step %zu", qi, step);
		}
	}
}

/* What libpci refuses (it stops reading, and by default exits): optrom
 * skips the line and reads on, so the names after it stay. */
Test(pci_ids, malformed_and_long_lines_are_skipped)
{
	static char text[8192];
	char line[1200];
	char buf[PCI_NAME_LEN];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	(void)snprintf(text, sizeof(text),
	               "0001  Vendor One\n"
	               "\tzz01  not hex\n"
	               "\t0002\n"
	               "\t\t\t0001 0002  too deep\n"
	               "\t0003  %s\n" /* over 1022 bytes: skipped */
	               "\t0004  Device Four\n"
	               "0002\n" /* no name: closes the block */
	               "\t0005  belongs to no vendor\n"
	               "0003  Vendor Three\n",
	               line);
	(void)write_db("bad.ids", text, false);
	cr_assert(pci_name_vendor(1, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "Vendor One");
	cr_assert_not(pci_name_device(1, 2, buf, sizeof(buf)));
	cr_assert_not(pci_name_device(1, 3, buf, sizeof(buf)));
	cr_assert(pci_name_device(1, 4, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "Device Four");
	cr_assert_not(pci_name_vendor(2, buf, sizeof(buf)));
	cr_assert_not(pci_name_device(1, 5, buf, sizeof(buf)));
	cr_assert_not(pci_name_device(2, 5, buf, sizeof(buf)));
	cr_assert(pci_name_vendor(3, buf, sizeof(buf)));
	cr_assert_str_eq(buf, "Vendor Three");
}

/* A database that is not a regular file, or a file with no line end at
 * all, gives no names and returns. */
Test(pci_ids, hostile_databases)
{
	char buf[PCI_NAME_LEN];
	FILE *f;
	cr_assert_eq(setenv("OPTROM_PCI_IDS", "/dev/zero", 1), 0);
	cr_assert_not(pci_name_vendor(0x10de, buf, sizeof(buf)));
	cr_assert_eq(setenv("OPTROM_PCI_IDS", tmp_dir(), 1), 0);
	cr_assert_not(pci_name_vendor(0x10de, buf, sizeof(buf)));
	f = fopen(tmp_path("nolf.ids"), "wb");
	cr_assert_not_null(f);
	for (int i = 0; i < 300; i++) {
		static const char chunk[8192] = "10de  NVIDIA";
		cr_assert_eq(fwrite(chunk, 1, sizeof(chunk), f), sizeof(chunk));
	}
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(setenv("OPTROM_PCI_IDS", tmp_path("nolf.ids"), 1), 0);
	cr_assert_not(pci_name_vendor(0x10de, buf, sizeof(buf)));
}

/* The system's database, as lspci reads it: a sample of its vendors,
 * devices and subsystems, and ids it lacks. */
Test(pci_ids, system_database_as_libpci)
{
	static const char *const paths[] = {OPTROM_PCI_IDS_DIR "/pci.ids.gz",
	                                    OPTROM_PCI_IDS_DIR "/pci.ids"};
	const char *path = NULL;
	struct query *qs;
	size_t n = 0, cap = 4096, lines = 0, named;
	char l[1100];
	unsigned v = 0, d = 0;
	gzFile f;
	for (size_t i = 0; i < 2 && !path; i++)
		if (access(paths[i], R_OK) == 0)
			path = paths[i];
	if (!path) {
		expect_note_skip("[SKIP] no pci.ids in %s (Debian package pci.ids)",
		                 OPTROM_PCI_IDS_DIR);
		cr_skip_test("no system pci.ids");
	}
	cr_assert_eq(unsetenv("OPTROM_PCI_IDS"), 0);
	qs = calloc(cap, sizeof(*qs));
	cr_assert_not_null(qs);
	f = gzopen(path, "rb");
	cr_assert_not_null(f);
	/* Every 37th entry line, as read by hand: ids at fixed columns. */
	while (gzgets(f, l, sizeof(l)) && n + 2 < cap) {
		unsigned a, b;
		if (l[0] == '#' || l[0] == '\n' || l[0] == 'C' || l[0] == 'S')
			continue;
		lines++;
		if (l[0] != '\t' && sscanf(l, "%4x", &a) == 1) {
			v = a;
			if (lines % 37 == 0)
				qs[n++] = (struct query){Q_VENDOR, v, 0, 0, 0};
		} else if (l[0] == '\t' && l[1] != '\t' && sscanf(l + 1, "%4x", &a) == 1) {
			d = a;
			if (lines % 37 == 0) {
				qs[n++] = (struct query){Q_DEVICE, v, d, 0, 0};
				qs[n++] = (struct query){Q_DEVICE, v, (d + 1) & 0xffff, 0, 0};
			}
		} else if (l[0] == '\t' && l[1] == '\t' && sscanf(l + 2, "%4x %4x", &a, &b) == 2) {
			if (lines % 37 == 0) {
				qs[n++] = (struct query){Q_SUBSYSTEM, v, d, a, b};
				qs[n++] = (struct query){Q_SUBSYSTEM, v, d, a, (b + 1) & 0xffff};
			}
		}
	}
	(void)gzclose(f);
	/* The devices the corpus tests name, and a device that is its own subsystem. */
	qs[n++] = (struct query){Q_DEVICE, 0x10de, 0x2484, 0, 0};
	qs[n++] = (struct query){Q_SUBSYSTEM, 0x10de, 0x1c02, 0x10de, 0x1c02};
	cr_assert_gt(lines, 1000, "%s: only %zu entry lines", path, lines);
	{
		struct pci_access *p = oracle(NULL);
		named = same_as_libpci(p, qs, n);
		pci_cleanup(p);
	}
	cr_log_info("%s: %zu queries, %zu named, the same as libpci's", path, n, named);
	cr_assert_gt(named, n / 3);
	free(qs);
}
