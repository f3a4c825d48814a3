#include "analyzer/locate.h"

#include "analyzer/chain.h"
#include "analyzer/tree_build.h"
#include "formats/amd_efs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCATE_MAX_CANDIDATES 64

/* A valid first image of the standard view at off. */
static bool is_candidate(struct rom_analysis *a, const struct span *s, size_t off)
{
	const struct rom_node *n;
	if (!pci_rom_sig_at(s, off, false))
		return false;
	n = tree_probe(a, s, off);
	return n && rom_node_status(n, false) == PCI_OK;
}

static void set_container(struct rom_analysis *a, const struct span *s)
{
	a->container = CONTAINER_NONE;
	a->container_length = 0;
	if (!a->has_rom || a->rom_offset == 0)
		return;
	a->container_length = a->rom_offset;
	if (a->nvgi_status != NVGI_NOT_PRESENT)
		a->container = CONTAINER_NVGI;
	else if (amd_efs_present(s))
		a->container = CONTAINER_AMD_EFS;
	else
		a->container = CONTAINER_UNKNOWN;
}

struct candidate {
	size_t offset;
	bool whole;   /* standard chain ends on a last-image bit */
	bool covered; /* an earlier candidate's chain steps onto it */
	size_t images;
};

/* Candidate-then-validate over the whole file: every offset whose 55AA
 * leads to a DWORD-aligned PCIR. A candidate that an earlier candidate's
 * chain reaches is one of its later images, not a ROM start. Each
 * candidate's chain is walked once, through the tree; the offsets it
 * reaches are remembered so later candidates need no walk to know. */
static size_t collect_candidates(struct rom_analysis *a, const struct span *s, struct candidate *c,
                                 size_t cap, struct rom_chain *w)
{
	size_t n = 0, probes = 0;
	/* Offsets that earlier chains step onto (their images after the first). */
	size_t reached[LOCATE_MAX_CANDIDATES * REPORT_MAX_IMAGES];
	size_t n_reached = 0;
	const uint8_t *p = s->data;
	for (size_t off = 0; off + 1 < s->len && n < cap;) {
		/* memchr for the signature's first byte, then the whole of it */
		const uint8_t *hit = memchr(p + off, PCI_ROM_SIG & 0xFFu, s->len - 1 - off);
		if (!hit)
			break;
		off = (size_t)(hit - p);
		if (!pci_rom_sig_at(s, off, false)) {
			off++;
			continue;
		}
		if (++probes > TREE_MAX_SCAN_PROBES) {
			a->scan_capped = true;
			break;
		}
		/* No node where no image can be: a probe costs a node (a file
		 * dense in 55 AA made one per 55 AA, up to the cap). The look
		 * allows NVIDIA's structures, so every node the probe would find
		 * an image in (the patcher counts them) is still made; the cap
		 * still counts every 55 AA, so the same files say
		 * locate-scan-capped. */
		if (!pci_image_may_start_at(s, off, true) || !is_candidate(a, s, off)) {
			off++;
			continue;
		}
		c[n].offset = off;
		c[n].covered = false;
		for (size_t k = 0; k < n_reached && !c[n].covered; k++)
			c[n].covered = reached[k] == off;
		chain_walk_standard(a, s, off, w);
		c[n].whole = w->stop == CHAIN_STOP_LAST;
		c[n].images = w->n;
		for (size_t k = 1; k < w->n && n_reached < sizeof(reached) / sizeof(reached[0]);
		     k++)
			reached[n_reached++] = w->images[k].offset;
		n++;
		off++;
	}
	return n;
}

static void choose(struct rom_analysis *a, size_t off, const char *why)
{
	a->has_rom = true;
	a->rom_offset = off;
	(void)snprintf(a->locate_reason, sizeof(a->locate_reason), "%s", why);
}

void locate_rom(struct rom_analysis *a, const struct span *s)
{
	static const size_t cap = LOCATE_MAX_CANDIDATES;
	struct rom_chain *w = malloc(sizeof(*w));
	struct candidate *c = malloc(cap * sizeof(*c));
	size_t n, pick = SIZE_MAX;
	char why[REPORT_MSG_LEN];
	a->has_rom = false;
	a->rom_offset = 0;
	if (!w || !c)
		goto out;
	/* 1. Offset 0 is where firmware and QEMU look: a valid image there is
	 * the ROM, whatever follows. */
	if (s->len >= 2 && is_candidate(a, s, 0)) {
		a->candidates = 1;
		choose(a, 0, "55AA at offset 0 with a valid PCI data structure");
		goto out;
	}
	/* 2. NVIDIA's IFR container says where the ROM is (OpenRM algorithm). */
	if (a->nvgi_status == NVGI_OK && is_candidate(a, s, a->nvgi.rom_offset)) {
		(void)snprintf(
		    why, sizeof(why),
		    "NVGI (IFR v%u) container points to 0x%x, where a valid image starts",
		    a->nvgi.version, a->nvgi.rom_offset);
		a->candidates = 1;
		choose(a, a->nvgi.rom_offset, why);
		goto out;
	}
	/* 3. Anything else: the earliest candidate whose chain is whole, else
	 * the earliest on a 512-byte boundary, else the earliest at all. */
	n = collect_candidates(a, s, c, cap, w);
	a->candidates = (unsigned)n;
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered && c[i].whole)
			pick = i;
	if (pick != SIZE_MAX) {
		(void)snprintf(why, sizeof(why),
		               "earliest of %zu candidate(s) whose chain of %zu image(s) ends on a "
		               "last-image flag",
		               n, c[pick].images);
		choose(a, c[pick].offset, why);
		goto out;
	}
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered && c[i].offset % PCI_ROM_BLOCK == 0)
			pick = i;
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (!c[i].covered)
			pick = i;
	if (pick != SIZE_MAX) {
		(void)snprintf(
		    why, sizeof(why), "earliest of %zu candidate(s) (none has a whole chain)%s", n,
		    c[pick].offset % PCI_ROM_BLOCK == 0 ? " on a 512-byte boundary" : "");
		choose(a, c[pick].offset, why);
	}
out:
	free(w);
	free(c);
	set_container(a, s);
}
