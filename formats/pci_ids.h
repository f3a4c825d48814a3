/* The PCI ID database, pci.ids (the file lspci names devices from), read
 * the way libpci reads it (pciutils lib/names-parse.c, lib/names.c), but for
 * one question at a time: the lines are fed in file order and the walk
 * stops as soon as the answer is known, so a lookup reads the file up to
 * the vendor's block, not all of it (issue 17: libpci parses and hashes the
 * whole 1.3 MB file before its first answer, half of `optrom check`'s
 * time).
 *
 * The syntax (the file's own header): "vvvv  name" at the start of a line
 * opens a vendor's block; "\tdddd  name" is a device of that vendor;
 * "\t\tssss tttt  name" a subsystem of that device; "C cc  name" opens a
 * class block (ignored here), "S vvvv" a block of generic subsystems
 * ("\tdddd  name": subsystem vvvv:dddd whatever the device), any other
 * "X " block is skipped; '#' starts a comment line. Ids are 4 (class: 2)
 * hex digits of either case followed by a space or tab; the name is the
 * rest of the line after the blanks that follow the id, cut at the first
 * CR or LF, one trailing blank removed. A line longer than
 * PCI_IDS_LINE_MAX is skipped.
 *
 * libpci stops reading the file at its first malformed line or duplicate
 * entry (and its default error handler exits the program); this reader
 * skips a malformed line and takes the first entry of duplicates, so both
 * give the same names for a well-formed file (tests/unit/test_pci_ids.c
 * compares them).
 *
 * Pure: no I/O (analyzer/pci_names.c reads the file and feeds the lines).
 */
#ifndef OPTROM_PCI_IDS_H
#define OPTROM_PCI_IDS_H

#include "formats/span.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line read, without its LF: libpci reads lines into 1024
 * bytes (1022, the LF and the NUL) and refuses a longer one. */
#define PCI_IDS_LINE_MAX 1022u
#define PCI_IDS_NAME_MAX 256u /* a longer name is cut (libpci's PCI_NAME_LEN) */

enum pci_ids_want {
	PCI_IDS_VENDOR,    /* vendor's name */
	PCI_IDS_DEVICE,    /* vendor:device's name */
	PCI_IDS_SUBSYSTEM, /* the name of subsystem sv:sd of vendor:device */
};

/* One question and what the lines seen so far answer. */
struct pci_ids_walk {
	enum pci_ids_want want;
	uint16_t vendor, device, sub_vendor, sub_device;
	/* where the walk is: the block the last top-level line opened */
	enum { PCI_IDS_IN_NONE, PCI_IDS_IN_VENDOR, PCI_IDS_IN_GENERIC, PCI_IDS_IN_OTHER } in;
	uint16_t block_id;  /* the vendor (or the generic block's vendor) */
	int32_t device_now; /* the device line the subsystems below belong to, -1 none */
	bool vendor_done;   /* the asked vendor's block has been read to its end */
	bool skipping;      /* inside a line longer than PCI_IDS_LINE_MAX */
	bool done;          /* nothing later in the file can change the answer */
	bool found[3];      /* per level: vendor, device, subsystem (per device) */
	bool found_generic; /* the generic subsystem sub_vendor:sub_device */
	char name[3][PCI_IDS_NAME_MAX];
	char generic[PCI_IDS_NAME_MAX];
};

void pci_ids_walk_init(struct pci_ids_walk *w, enum pci_ids_want want, uint16_t vendor,
                       uint16_t device, uint16_t sub_vendor, uint16_t sub_device);

/* Feeds the whole lines at the start of chunk (each up to and including
 * its LF; with at_end, the rest too, as a last line without LF) and returns
 * how many bytes it consumed: the caller keeps the rest, the start of a
 * line, and feeds it again with what follows. A chunk whose first line has
 * no LF within PCI_IDS_LINE_MAX + 1 bytes is consumed whole and that line is
 * skipped up to its LF (w remembers it), so a caller's buffer of more than
 * PCI_IDS_LINE_MAX + 1 bytes always makes progress. Stops early once
 * w->done. */
size_t pci_ids_feed(struct pci_ids_walk *w, const struct span *chunk, bool at_end);

/* The answer once the file has been fed (or w->done): the name, or NULL
 * when the database has none. For PCI_IDS_SUBSYSTEM, libpci's order: the
 * device's own subsystem entry (only for a device id other than 0), else
 * the generic entry, else, when the subsystem ids equal the device's, the
 * device's name. */
const char *pci_ids_answer(const struct pci_ids_walk *w);

#endif
