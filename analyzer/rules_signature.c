/* What the drivers' signatures mean for the ROM: one finding per decoded
 * driver whose Authenticode signature is missing, changed or broken, and the
 * GOP state of the standard chain that check's line and scan show
 * (analyzer/signature.h). Kept apart from signature.c, which knows only
 * struct rom_signature and libcrypto, so that the tree may free a signature
 * without the signature code knowing the tree. */
#include "analyzer/signature.h"

#include "analyzer/tree.h"

#include <stdio.h>

const char *gop_state_name(enum gop_state s)
{
	switch (s) {
	case GOP_NONE:
		return "none";
	case GOP_SIGNED_OK:
		return "signed-ok";
	case GOP_UNSIGNED:
		return "unsigned";
	case GOP_DAMAGED:
		return "damaged";
	}
	return "none";
}

enum gop_state rom_gop_state(const struct rom_analysis *a)
{
	bool any = false, unsigned_seen = false;
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		const struct rom_driver *d = n ? n->driver : NULL;
		if (!n || n->pcir.code_type != PCI_CODE_EFI)
			continue;
		any = true;
		if (!d || d->state != DRIVER_OK || !rom_driver_pe_valid(d))
			return GOP_DAMAGED;
		switch (d->signature.state) {
		case SIG_OK:
			break;
		case SIG_UNSIGNED:
		case SIG_NONE: /* a TE image: nothing to verify */
			unsigned_seen = true;
			break;
		case SIG_MISMATCH:
		case SIG_INVALID:
		case SIG_BAD_TABLE:
			return GOP_DAMAGED;
		}
	}
	if (!any)
		return GOP_NONE;
	return unsigned_seen ? GOP_UNSIGNED : GOP_SIGNED_OK;
}

/* Chain index of node k, or -1 when the standard chain does not hold it. */
static int chain_index_of(const struct rom_analysis *a, size_t k)
{
	for (size_t i = 0; i < a->chain.n; i++)
		if (a->chain.images[i].node == k)
			return (int)i;
	return -1;
}

void rules_signature(struct rom_analysis *a)
{
	for (size_t k = 0; k < a->n_nodes; k++) {
		const struct rom_node *n = &a->nodes[k];
		const struct rom_driver *d = n->driver;
		const struct rom_signature *sig;
		int i = chain_index_of(a, k);
		char where[64];
		if (!d || d->state != DRIVER_OK || !d->has_pe || d->pe_status != PE_OK)
			continue;
		sig = &d->signature;
		if (i >= 0)
			(void)snprintf(where, sizeof(where), "image %d (0x%zx)", i, n->offset);
		else
			(void)snprintf(where, sizeof(where),
			               "EFI image at 0x%zx (outside the chain)", n->offset);
		switch (sig->state) {
		case SIG_NONE:
		case SIG_OK:
			break;
		case SIG_UNSIGNED:
			finding_add(&a->findings, FINDING_DRIVER_UNSIGNED, i, true,
			            d->payload_offset,
			            "%s: the EFI driver at 0x%zx carries no Authenticode signature "
			            "(Security directory empty)",
			            where, d->payload_offset);
			break;
		case SIG_MISMATCH:
			finding_add(
			    &a->findings, FINDING_SIGNATURE_DIGEST_MISMATCH, i, true,
			    d->payload_offset,
			    "%s: EFI driver at 0x%zx changed after signing: %s expected %s, "
			    "found %s",
			    where, d->payload_offset, sig->algorithm, sig->stored_digest,
			    sig->computed_digest);
			break;
		case SIG_INVALID:
			finding_add(
			    &a->findings, FINDING_SIGNATURE_INVALID, i, true, d->payload_offset,
			    "%s: the Authenticode signature of the EFI driver at 0x%zx does "
			    "not verify: %s (%zu certificate entries tried)",
			    where, d->payload_offset, sig->error, sig->n_tried);
			break;
		case SIG_BAD_TABLE:
			finding_add(
			    &a->findings, FINDING_CERT_TABLE_OUT_OF_BOUNDS, i, true,
			    d->payload_offset,
			    "%s: EFI driver at 0x%zx (0x%zx bytes): %s; certificate table at "
			    "0x%x, 0x%x bytes",
			    where, d->payload_offset, d->length, sig->error, sig->auth.table_offset,
			    sig->auth.table_size);
			break;
		}
	}
}
