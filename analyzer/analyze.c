#include "analyzer/analyze.h"

#include "analyzer/chain.h"
#include "analyzer/digest.h"
#include "analyzer/integrity_build.h"
#include "analyzer/locate.h"
#include "analyzer/rules.h"
#include "analyzer/tree_build.h"
#include "analyzer/vendor.h"
#include "formats/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The EFI drivers of a list of images, each decoded once into its node;
 * every list shares one budget, the standard chain's going first. */
static void decode_drivers(struct rom_analysis *a, const struct span *s,
                           const struct rom_image *imgs, size_t count, size_t *budget,
                           struct driver_cache *cache)
{
	for (size_t i = 0; i < count; i++) {
		struct rom_node *n = &a->nodes[imgs[i].node];
		if (n->pcir.code_type != PCI_CODE_EFI || !n->has_efi ||
		    n->efi.efi_signature != EFI_ROM_SIGNATURE)
			continue;
		if (!tree_decode_driver_cached(n, s, budget, cache))
			finding_add(&a->findings, FINDING_INTERNAL_ERROR, (int)i, true, n->offset,
			            "image %zu: out of memory while decoding its EFI driver", i);
	}
}

/* Each listed image's bytes and each decoded driver, hashed once (the
 * report and diff say "same GOP, different x86 image" from these), and the
 * driver's Authenticode SHA-256 when its signature did not give it. */
static void hash_list(struct rom_analysis *a, const struct span *s, const struct rom_image *imgs,
                      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rom_node *nd = &a->nodes[imgs[i].node];
		size_t len = nd->length;
		if (nd->sha256[0] || nd->offset >= s->len)
			continue;
		if (len > s->len - nd->offset)
			len = s->len - nd->offset;
		rom_sha256_hex(s->data + nd->offset, len, nd->sha256);
		if (nd->driver && nd->driver->state == DRIVER_OK) {
			/* A driver from scan's cache comes hashed (analyzer/driver.c). */
			if (!nd->driver->sha256[0])
				rom_sha256_hex(nd->driver->bytes, nd->driver->length,
				               nd->driver->sha256);
			signature_fill_sha256(&nd->driver->signature, nd->driver->bytes);
		}
	}
}

static bool is_nvidia_rom(const struct rom_analysis *a)
{
	const struct rom_node *first = rom_chain_node(a, 0);
	return first && (first->pcir.vendor_id == PCI_VENDOR_NVIDIA || first->has_npde);
}

static void hash_all(struct rom_analysis *a, const struct span *s)
{
	hash_list(a, s, a->chain.images, a->chain.n);
	hash_list(a, s, a->nvidia.images, a->nvidia.n);
	hash_list(a, s, a->other_images, a->n_other);
}

void rom_analysis_hash(struct rom_analysis *a, const uint8_t *data, size_t len)
{
	struct span s = span_make(data, len);
	if (a->sha256[0] == '\0')
		rom_sha256_hex(data, len, a->sha256);
	hash_all(a, &s);
}

/* whole: the bytes are known to hold the whole ROM (rom_analyze_whole). */
static struct rom_analysis *analyze(const uint8_t *data, size_t len, const char *name,
                                    const struct rom_analyze_opts *o, bool whole)
{
	struct span s = span_make(data, len);
	struct rom_analysis *a = calloc(1, sizeof(*a));
	bool zero_length;
	size_t budget = o && o->driver_budget ? o->driver_budget : TREE_DRIVER_BUDGET;
	if (!a)
		return NULL;
	a->known_whole = whole;
	a->driver_budget = budget;
	/* The name is what the user typed; a longer one is cut for display. */
	if (snprintf(a->file, sizeof(a->file), "%s", name ? name : "") < 0)
		a->file[0] = '\0';
	a->size = len;
	if (o && o->sha256 && strlen(o->sha256) == 64)
		memcpy(a->sha256, o->sha256, 65);
	else if (!o || !o->skip_sha256)
		rom_sha256_hex(data, len, a->sha256);
	a->nvgi_status = nvgi_decode(&s, &a->nvgi);

	locate_rom(a, &s);
	if (!a->has_rom) {
		integrity_no_rom(a, &s);
		rules_no_rom(a);
		consumers_compute(a);
		rules_verdict(a);
		return a;
	}
	chain_walk_standard(a, &s, a->rom_offset, &a->chain);
	integrity_build(a, &s);
	rules_prefix(a);
	rules_chain(a);
	rules_images(a);
	decode_drivers(a, &s, a->chain.images, a->chain.n, &budget, o ? o->drivers : NULL);
	rules_efi(a);

	/* NVIDIA's own view of the same bytes, when the ROM is NVIDIA's. */
	if (is_nvidia_rom(a))
		chain_walk_nvidia(a, &s, a->rom_offset, &a->nvidia);
	/* A zero-length image "ends" where it starts: scan past it, or it
	 * would be listed again as an image after the chain. */
	zero_length = a->chain.stop == CHAIN_STOP_ZERO_LENGTH;
	a->n_other =
	    chain_scan_after(a, &s, a->rom_offset, a->chain.end + (zero_length ? PCI_ROM_BLOCK : 0),
	                     a->other_images, REPORT_MAX_IMAGES);
	rules_after_chain(a);
	/* The EFI images outside the standard chain too (NVIDIA's chain, the
	 * images after it): their drivers and signatures are reported. */
	decode_drivers(a, &s, a->nvidia.images, a->nvidia.n, &budget, o ? o->drivers : NULL);
	decode_drivers(a, &s, a->other_images, a->n_other, &budget, o ? o->drivers : NULL);
	rules_signature(a);
	rules_integrity(a);
	consumers_compute(a);
	if (!vendor_decode(a, &s))
		finding_add(&a->findings, FINDING_INTERNAL_ERROR, -1, false, 0,
		            "out of memory while decoding vendor data");
	rules_vendor(a);
	rules_verdict(a);
	/* Shown by the YAML report and diff only: an output without hashes
	 * (skip_sha256: check's and scan's text lines) hashes no image either. */
	if (!o || !o->skip_sha256)
		hash_all(a, &s);
	return a;
}

struct rom_analysis *rom_analyze_with(const uint8_t *data, size_t len, const char *name,
                                      const struct rom_analyze_opts *o)
{
	return analyze(data, len, name, o, o && o->whole);
}

struct rom_analysis *rom_analyze(const uint8_t *data, size_t len, const char *name)
{
	return analyze(data, len, name, NULL, false);
}

struct rom_analysis *rom_analyze_whole(const uint8_t *data, size_t len, const char *name)
{
	return analyze(data, len, name, NULL, true);
}
