#include "analyzer/analyze.h"

#include "analyzer/chain.h"
#include "analyzer/efi_image.h"
#include "analyzer/locate.h"
#include "analyzer/rules.h"
#include "formats/pci_rom.h"
#include "formats/producer.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rom_sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";
	out[0] = '\0';
	if (!EVP_Digest(len ? data : (const uint8_t *)"", len, md, &mdlen, EVP_sha256(), NULL))
		return;
	for (unsigned int i = 0; i < mdlen && i < 32; i++) {
		out[(size_t)2 * i] = hex[md[i] >> 4];
		out[(size_t)2 * i + 1] = hex[md[i] & 0xF];
	}
	out[64] = '\0';
}

static void copy_images(struct rom_image *dst, size_t *n, const struct chain_walk *w)
{
	*n = w->n;
	memcpy(dst, w->images, w->n * sizeof(w->images[0]));
}

void rom_analyze(const uint8_t *data, size_t len, const char *name, struct rom_report *r)
{
	struct span s = span_make(data, len);
	struct chain_walk *w = malloc(sizeof(*w));
	bool zero_length;
	memset(r, 0, sizeof(*r));
	(void)snprintf(r->file, sizeof(r->file), "%s", name ? name : "");
	r->size = len;
	rom_sha256_hex(data, len, r->sha256);
	if (!w) {
		report_add(r, "internal-error", SEVERITY_ERROR, false, -1, false, 0,
		           "out of memory while analyzing");
		report_set_verdict(r);
		return;
	}

	locate_rom(&s, r);
	if (!r->has_rom) {
		rules_no_rom(&s, r);
		report_set_verdict(r);
		free(w);
		return;
	}
	rules_prefix(&s, r);

	chain_walk_standard(&s, r->rom_offset, w);
	copy_images(r->images, &r->n_images, w);
	r->chain_end = w->end;
	r->chain_complete = w->stop == CHAIN_STOP_LAST;
	zero_length = w->stop == CHAIN_STOP_ZERO_LENGTH;
	rules_chain(&s, w, r);
	rules_images(&s, r);
	for (size_t i = 0; i < r->n_images; i++)
		efi_image_inspect(&s, r, i);

	/* NVIDIA's own view of the same bytes, when the ROM is NVIDIA's. */
	if (r->n_images > 0 &&
	    (r->images[0].vendor_id == PCI_VENDOR_NVIDIA || r->images[0].npde.present)) {
		chain_walk_nvidia(&s, r->rom_offset, w);
		copy_images(r->nvidia, &r->n_nvidia, w);
	}
	/* A zero-length image "ends" where it starts: scan past it, or it
	 * would be listed again as an image after the chain. */
	r->n_other =
	    chain_scan_after(&s, r->rom_offset, r->chain_end + (zero_length ? PCI_ROM_BLOCK : 0),
	                     r->other_images, REPORT_MAX_IMAGES);
	rules_after_chain(&s, r);
	report_set_verdict(r);
	free(w);
}
