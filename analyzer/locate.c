#include "analyzer/locate.h"

#include "analyzer/chain.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AMD Navi3x full-flash dumps begin with the embedded-firmware structure
 * (bytes AA 55 AA 55) before the ROM (formats-pci-amd-efi.md 4.6). */
static const uint8_t amd_efs_sig[] = {0xAA, 0x55, 0xAA, 0x55};

static bool is_candidate(const struct span *s, size_t off)
{
	struct pci_rom_header hdr;
	struct pci_pcir pcir;
	return s->data[off] == 0x55 && pci_image_probe(s, off, false, &hdr, &pcir) == PCI_OK;
}

/* A candidate is "whole" when the standard chain from it ends on a
 * last-image bit with nothing truncated: the structure supports it. */
static bool chain_is_whole(const struct span *s, size_t off, struct chain_walk *w)
{
	chain_walk_standard(s, off, w);
	return w->stop == CHAIN_STOP_LAST;
}

static void set_container(const struct span *s, struct rom_report *r)
{
	struct rom_container *c = &r->container;
	struct nvgi_header nv;
	enum nvgi_status st;
	memset(c, 0, sizeof(*c));
	if (!r->has_rom || r->rom_offset == 0)
		return;
	c->present = true;
	c->length = r->rom_offset;
	c->kind = "unknown";
	st = nvgi_decode(s, &nv);
	if (st != NVGI_NOT_PRESENT) {
		c->kind = "nvgi";
		c->nvgi_decoded = st == NVGI_OK;
		c->nvgi_status = (int)st;
		c->nvgi_version = nv.version;
		c->nvgi_fixed_data_size = nv.fixed_data_size;
		c->nvgi_total_data_size = nv.total_data_size;
		c->nvgi_subsystem_vendor = nv.subsystem_vendor;
		c->nvgi_subsystem_device = nv.subsystem_device;
		c->nvgi_rom_offset = nv.rom_offset;
		c->nvgi_rfrd_offset = nv.rfrd_offset;
	} else if (span_eq(s, 0, amd_efs_sig, sizeof(amd_efs_sig))) {
		c->kind = "amd-efs";
	}
}

#define LOCATE_MAX_CANDIDATES 64

struct candidate {
	size_t offset;
	bool whole;   /* standard chain ends on a last-image bit */
	bool covered; /* an earlier candidate's chain steps onto it */
	size_t images;
};

/* Candidate-then-validate over the whole file: every offset whose 55AA
 * leads to a DWORD-aligned PCIR. A candidate that an earlier candidate's
 * chain reaches is one of its later images, not a ROM start. */
static size_t collect_candidates(const struct span *s, struct candidate *c, size_t cap,
                                 struct chain_walk *w)
{
	size_t n = 0;
	for (size_t off = 0; off + 1 < s->len && n < cap; off++) {
		if (s->data[off] != 0x55 || s->data[off + 1] != 0xAA || !is_candidate(s, off))
			continue;
		c[n].offset = off;
		c[n].covered = false;
		for (size_t j = 0; j < n && !c[n].covered; j++) {
			chain_walk_standard(s, c[j].offset, w);
			for (size_t k = 1; k < w->n; k++)
				if (w->images[k].offset == off)
					c[n].covered = true;
		}
		c[n].whole = chain_is_whole(s, off, w);
		c[n].images = w->n;
		n++;
	}
	return n;
}

static void choose(struct rom_report *r, size_t off, const char *why)
{
	r->has_rom = true;
	r->rom_offset = off;
	(void)snprintf(r->locate_reason, sizeof(r->locate_reason), "%s", why);
}

void locate_rom(const struct span *s, struct rom_report *r)
{
	static const size_t cap = LOCATE_MAX_CANDIDATES;
	struct chain_walk *w = malloc(sizeof(*w));
	struct candidate *c = malloc(cap * sizeof(*c));
	struct nvgi_header nv;
	size_t n, pick = SIZE_MAX;
	r->has_rom = false;
	r->rom_offset = 0;
	if (!w || !c)
		goto out;
	/* 1. Offset 0 is where firmware and QEMU look: a valid image there is
	 * the ROM, whatever follows. */
	if (s->len >= 2 && is_candidate(s, 0)) {
		r->candidates = 1;
		choose(r, 0, "55AA at offset 0 with a valid PCI data structure");
		goto out;
	}
	/* 2. NVIDIA's IFR container says where the ROM is (OpenRM algorithm). */
	if (nvgi_decode(s, &nv) == NVGI_OK && is_candidate(s, nv.rom_offset)) {
		char why[REPORT_MSG_LEN];
		(void)snprintf(
		    why, sizeof(why),
		    "NVGI (IFR v%u) container points to 0x%x, where a valid image starts",
		    nv.version, nv.rom_offset);
		r->candidates = 1;
		choose(r, nv.rom_offset, why);
		goto out;
	}
	/* 3. Anything else: the earliest candidate whose chain is whole, else
	 * the earliest on a 512-byte boundary, else the earliest at all. */
	n = collect_candidates(s, c, cap, w);
	r->candidates = (unsigned)n;
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered && c[i].whole)
			pick = i;
	if (pick != SIZE_MAX) {
		char why[REPORT_MSG_LEN];
		(void)snprintf(why, sizeof(why),
		               "earliest of %zu candidate(s) whose chain of %zu image(s) ends on a "
		               "last-image flag",
		               n, c[pick].images);
		choose(r, c[pick].offset, why);
		goto out;
	}
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered && c[i].offset % PCI_ROM_BLOCK == 0)
			pick = i;
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered)
			pick = i;
	if (pick != SIZE_MAX) {
		char why[REPORT_MSG_LEN];
		(void)snprintf(
		    why, sizeof(why), "earliest of %zu candidate(s) (none has a whole chain)%s", n,
		    c[pick].offset % PCI_ROM_BLOCK == 0 ? " on a 512-byte boundary" : "");
		choose(r, c[pick].offset, why);
	}
out:
	free(w);
	free(c);
	set_container(s, r);
}
