/* The EFI driver of an EFI image, decoded once into its node: the payload
 * range, the decompressed bytes (kept: extract writes them and the
 * signature check digests them), the PE view and the GOP version. */
#include "analyzer/tree_build.h"

#include "analyzer/digest.h"
#include "analyzer/driver_cache_impl.h"

#include "formats/efi_decompress.h"
#include "formats/pe.h"
#include "formats/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Takes n bytes of decoding from *budget; false (and nothing taken) when
 * they do not fit. */
static bool budget_take(size_t *budget, size_t n)
{
	if (n > *budget)
		return false;
	*budget -= n;
	return true;
}

/* A compressed stream's 8-byte header, when the caller has decoded it
 * already (the driver cache's key needs CompSize): decoded once. */
struct stream_head {
	bool known;
	enum efi_decomp_status st;
	uint32_t comp, orig;
};

/* Compression 1: EFI 1.1 (pbit 4), what EDK2 PciBus asks the UEFI
 * decompress protocol for. A clean decode settles it; otherwise both
 * variants are tried as a diagnostic (UEFITool's rule), so that a Tiano
 * stream is named as such. */
static bool decompress(struct rom_driver *d, const uint8_t *p, size_t n, size_t *budget,
                       const struct stream_head *head)
{
	struct efi_decomp_result res = {0};
	enum efi_decomp_status st;
	if (head && head->known) {
		st = head->st;
		d->compressed_size = head->comp;
		d->decompressed_size = head->orig;
	} else {
		st = efi_decomp_info(p, n, &d->compressed_size, &d->decompressed_size);
	}
	uint8_t *buf = NULL;
	bool header_ok = st == EFI_DECOMP_OK;
	if (header_ok) {
		if (!budget_take(budget, d->decompressed_size)) {
			d->state = DRIVER_NOT_DECODED;
			(void)snprintf(d->variant, sizeof(d->variant), "untried");
			(void)snprintf(d->decompress_error, sizeof(d->decompress_error),
			               "not decompressed: the decode limit is spent");
			return true;
		}
		buf = malloc(d->decompressed_size ? d->decompressed_size : 1);
		if (!buf)
			return false;
		st = efi_decompress_ex(p, n, EFI_DECOMP_EFI11, buf, d->decompressed_size, &res);
		/* A try costs what it wrote: give back what a failed one did not. */
		*budget += d->decompressed_size - res.out_len;
	}
	if (st == EFI_DECOMP_OK) {
		(void)snprintf(d->variant, sizeof(d->variant), "efi");
		d->bytes = buf;
		d->length = res.out_len;
		d->state = DRIVER_OK;
		return true;
	}
	free(buf);
	/* The diagnostic decodes the stream twice more (not at all when the
	 * header is refused: then neither variant can be tried). */
	if (!header_ok || budget_take(budget, 2 * (size_t)d->decompressed_size))
		(void)snprintf(d->variant, sizeof(d->variant), "%s",
		               efi_decomp_guess_str(efi_decomp_guess(p, n)));
	else
		(void)snprintf(d->variant, sizeof(d->variant), "untried");
	if (strcmp(d->variant, "tiano") == 0)
		st = EFI_DECOMP_BAD_VARIANT;
	d->state = DRIVER_DECOMPRESS_FAILED;
	(void)snprintf(d->decompress_error, sizeof(d->decompress_error), "%s",
	               st == EFI_DECOMP_BAD_VARIANT
	                   ? "Tiano (pbit 5) stream, firmware decodes EFI 1.1"
	                   : efi_decomp_status_str(st));
	return true;
}

/* The stream part of the driver: from the payload bytes alone (what the
 * scan-wide cache, analyzer/driver_cache.h, may share between nodes). */
static bool decode_stream(struct rom_node *n, struct rom_driver *d, const struct span *s,
                          size_t *budget, const struct stream_head *head)
{
	if (n->efi.compression == EFI_COMPRESSION_EFI) {
		if (!decompress(d, s->data + d->payload_offset, d->payload_length, budget, head))
			return false;
	} else if (n->efi.compression == EFI_COMPRESSION_NONE) {
		d->decompressed_size = (uint32_t)d->payload_length;
		d->bytes = malloc(d->payload_length ? d->payload_length : 1);
		if (!d->bytes)
			return false;
		if (d->payload_length)
			memcpy(d->bytes, s->data + d->payload_offset, d->payload_length);
		d->length = d->payload_length;
		d->state = DRIVER_OK;
	} else {
		d->state = DRIVER_BAD_COMPRESSION;
		return true;
	}
	if (d->state != DRIVER_OK)
		return true;
	{
		struct span img = span_make(d->bytes, d->length);
		d->pe_status = pe_parse(&img, &d->pe);
		d->has_pe = true;
		if (d->pe_status == PE_OK)
			signature_check(&d->signature, d->bytes, d->length, &d->pe);
	}
	return true;
}

/* The GOP version the PE holds, when the NPDE gave none. */
static void pe_gop_version(struct rom_driver *d)
{
	if (rom_driver_pe_valid(d) && !d->gop_version[0]) {
		struct span img = span_make(d->bytes, d->length);
		(void)pe_find_gop_version(&img, d->gop_version, sizeof(d->gop_version));
	}
}

static bool npde_gop_version(const struct rom_node *n, struct rom_driver *d)
{
	if (n->has_npde && n->npde.has_gop_version && n->pcir.vendor_id != PCI_VENDOR_AMD) {
		(void)snprintf(d->gop_version, sizeof(d->gop_version), "0x%x", n->npde.gop_version);
		return true;
	}
	d->gop_version[0] = '\0';
	return false;
}

/* Through the cache: a hit copies the stream part; a claimed key is decoded
 * and published with the budget it needed and spent. The result equals
 * decode_stream's (driver_cache.h). */
static bool decode_cached(struct rom_node *n, struct rom_driver *d, const struct span *s,
                          size_t *budget, struct driver_cache *cache)
{
	uint8_t key[32];
	size_t cost = 0, before = *budget, off = d->payload_offset, len = d->payload_length;
	bool pe_gop_done = false;
	char pe_version[sizeof(d->gop_version)];
	size_t klen = len;
	struct stream_head head = {0};
	/* A compressed stream's result depends on its header and CompSize
	 * bytes only (the decoder reads no further), not on the padding
	 * after it, which differs between boards' ROMs. */
	if (n->efi.compression == EFI_COMPRESSION_EFI) {
		head.known = true;
		head.st = efi_decomp_info(s->data + off, len, &head.comp, &head.orig);
		if (head.st == EFI_DECOMP_OK && (size_t)head.comp + EFI_DECOMP_HEADER_SIZE <= len)
			klen = (size_t)head.comp + EFI_DECOMP_HEADER_SIZE;
	}
	dcache_key(n->efi.compression, s->data + off, klen, key);
	switch (dcache_get(cache, key, *budget, d, &cost, &pe_gop_done)) {
	case DCACHE_HIT:
		memcpy(pe_version, d->gop_version, sizeof(pe_version));
		*budget -= cost;
		d->payload_offset = off;
		d->payload_length = len;
		/* The copy holds the PE's version when the PE is valid (searched
		 * once, when the stream was decoded). */
		if (!npde_gop_version(n, d) && pe_gop_done)
			memcpy(d->gop_version, pe_version, sizeof(pe_version));
		return true;
	case DCACHE_LOCAL:
		memset(d, 0, sizeof(*d)); /* a refused hit may have written into it */
		d->payload_offset = off;
		d->payload_length = len;
		if (!decode_stream(n, d, s, budget, &head))
			return false;
		if (!npde_gop_version(n, d))
			pe_gop_version(d);
		return true;
	case DCACHE_CLAIMED:
		break;
	}
	if (!decode_stream(n, d, s, budget, &head)) {
		dcache_abandon(cache, key);
		return false;
	}
	/* The cached copy carries the PE's version whatever the NPDE says, so
	 * that a node without an NPDE version can take it. */
	d->gop_version[0] = '\0';
	pe_gop_version(d);
	pe_gop_done = rom_driver_pe_valid(d);
	memcpy(pe_version, d->gop_version, sizeof(pe_version));
	/* Hashed here, not by the analysis (hash_list) of every node that
	 * takes the copy: the hash is the stream's too. */
	if (d->state == DRIVER_OK)
		rom_sha256_hex(d->bytes, d->length, d->sha256);
	if (d->state == DRIVER_NOT_DECODED || strcmp(d->variant, "untried") == 0)
		dcache_abandon(cache, key); /* the budget decided it: not the stream's result */
	else
		(void)dcache_publish(cache, key, d, before - *budget + d->decompressed_size,
		                     before - *budget, pe_gop_done);
	if (!npde_gop_version(n, d))
		memcpy(d->gop_version, pe_version, sizeof(pe_version));
	return true;
}

bool tree_decode_driver(struct rom_node *n, const struct span *s, size_t *budget)
{
	return tree_decode_driver_cached(n, s, budget, NULL);
}

bool tree_decode_driver_cached(struct rom_node *n, const struct span *s, size_t *budget,
                               struct driver_cache *cache)
{
	struct rom_driver *d;
	if (n->driver)
		return true; /* decoded once */
	d = calloc(1, sizeof(*d));
	if (!d)
		return false;
	n->driver = d;
	if (!efi_rom_payload(s, n->offset, n->length, &n->efi, &d->payload_offset,
	                     &d->payload_length)) {
		(void)npde_gop_version(n, d);
		d->state = DRIVER_BAD_OFFSET;
		return true;
	}
	if (cache && (n->efi.compression == EFI_COMPRESSION_EFI ||
	              n->efi.compression == EFI_COMPRESSION_NONE))
		return decode_cached(n, d, s, budget, cache);
	if (!decode_stream(n, d, s, budget, NULL))
		return false;
	if (!npde_gop_version(n, d))
		pe_gop_version(d);
	return true;
}
