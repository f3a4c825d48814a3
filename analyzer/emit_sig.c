/* The driver's Authenticode signature in the text and YAML reports
 * (docs/yaml-schema.md, `authenticode:`), read from the node. */
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
#include "analyzer/secure_boot.h"
#include "formats/authenticode.h"

void emit_text_signature(FILE *out, const struct rom_driver *d)
{
	const struct rom_signature *s = &d->signature;
	if (!d->has_pe || d->pe_status != PE_OK)
		return;
	switch (s->state) {
	case SIG_NONE:
		return;
	case SIG_UNSIGNED:
		fprintf(out, "        signature none (unsigned), sha256 %s\n", s->sha256);
		return;
	case SIG_BAD_TABLE:
		fprintf(out, "        signature BAD: %s (certificate table at 0x%x, 0x%x bytes)\n",
		        s->error, s->auth.table_offset, s->auth.table_size);
		return;
	case SIG_INVALID:
		fprintf(out, "        signature INVALID: %s\n", s->error);
		break;
	case SIG_MISMATCH:
		fprintf(out, "        signature MISMATCH: %s expected %s, found %s\n", s->algorithm,
		        s->stored_digest, s->computed_digest);
		break;
	case SIG_OK:
		fprintf(out, "        signature ok: %s %s\n", s->algorithm, s->computed_digest);
		break;
	}
	if (s->signer[0])
		fprintf(out, "        signer \"%s\" (valid %s to %s), issuer \"%s\" -> %s%s\n",
		        s->signer, s->not_before, s->not_after, s->issuer, s->ca,
		        s->ca_in_signature ? " (CA certificate in the signature)" : "");
	if (s->timestamp[0])
		fprintf(out, "        timestamp %s (%s)\n", s->timestamp, s->timestamp_kind);
}

static void kstr_or_null(struct yw *w, const char *k, const char *v)
{
	if (v[0])
		yw_kstr(w, k, v);
	else
		yw_knull(w, k);
}

void emit_yaml_signature(struct yw *w, const struct rom_driver *d)
{
	const struct rom_signature *s = &d->signature;
	yw_key(w, "authenticode");
	if (!d->has_pe || d->pe_status != PE_OK || s->state == SIG_NONE) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kstr(w, "state", signature_state_name(s->state));
	yw_khex(w, "table_offset", s->auth.table_offset);
	yw_khex(w, "table_size", s->auth.table_size);
	yw_kuint(w, "certificates", s->auth.n_certs);
	kstr_or_null(w, "authenticode_sha256", s->sha256);
	if (s->state == SIG_UNSIGNED) {
		yw_map_end(w);
		return;
	}
	kstr_or_null(w, "error", s->error);
	kstr_or_null(w, "algorithm", s->algorithm);
	kstr_or_null(w, "stored_digest", s->stored_digest);
	kstr_or_null(w, "computed_digest", s->computed_digest);
	kstr_or_null(w, "signer", s->signer);
	kstr_or_null(w, "issuer", s->issuer);
	kstr_or_null(w, "not_before", s->not_before);
	kstr_or_null(w, "not_after", s->not_after);
	kstr_or_null(w, "ca", s->ca);
	yw_kbool(w, "ca_in_signature", s->ca_in_signature);
	kstr_or_null(w, "timestamp", s->timestamp);
	kstr_or_null(w, "timestamp_kind", s->timestamp_kind);
	yw_map_end(w);
}

static void text_list(FILE *out, const char *label, const struct sb_list_summary *l)
{
	if (!l->present) {
		fprintf(out, "  %-4s absent\n", label);
		return;
	}
	fprintf(out, "  %-4s %zu certificate(s)", label, l->certs);
	for (size_t i = 0; i < l->named; i++)
		fprintf(out, "%s%s", i ? ", " : ": ", l->names[i]);
	fprintf(out, "; %zu image hash(es)", l->hashes);
	if (l->cert_hashes)
		fprintf(out, ", %zu certificate hash(es)", l->cert_hashes);
	fputc('\n', out);
}

/* The chain index of node k, or -1 when the node is outside the chain. */
static long chain_index(const struct rom_analysis *a, size_t k)
{
	for (size_t i = 0; i < a->chain.n; i++)
		if (a->chain.images[i].node == k)
			return (long)i;
	return -1;
}

/* The next node from *k on whose driver has an answer (NULL at the end);
 * its chain index in *idx. */
static const struct rom_node *next_answer(const struct rom_analysis *a, const struct sb_store *st,
                                          size_t *k, long *idx, struct sb_answer *ans)
{
	for (; *k < a->n_nodes; (*k)++) {
		const struct rom_node *n = &a->nodes[*k];
		if (!n->driver)
			continue;
		sb_answer_driver(st, n->driver, ans);
		if (ans->verdict == SB_NOT_A_DRIVER)
			continue;
		*idx = chain_index(a, *k);
		(*k)++;
		return n;
	}
	return NULL;
}

void emit_text_secure_boot(FILE *out, const struct rom_analysis *a, const struct sb_store *st,
                           const char *origin)
{
	char where[64];
	if (!st) {
		fprintf(out, "Secure Boot: %s\n", origin);
		return;
	}
	fprintf(out, "Secure Boot (db and dbx of %s%s%s):\n", st->name, origin ? ", " : "",
	        origin ? origin : "");
	text_list(out, "db", &st->db);
	text_list(out, "dbx", &st->dbx);
	size_t k = 0;
	long idx = -1;
	struct sb_answer ans;
	for (const struct rom_node *n; (n = next_answer(a, st, &k, &idx, &ans)) != NULL;) {
		if (idx >= 0)
			(void)snprintf(where, sizeof(where), "image %ld (0x%zx)", idx, n->offset);
		else
			(void)snprintf(where, sizeof(where),
			               "EFI image at 0x%zx (outside the chain)", n->offset);
		fprintf(out, "  %s: %s, %s\n", where, sb_verdict_name(ans.verdict), ans.how);
	}
	fprintf(out, "  (upstream OVMF runs option ROM drivers without checking their "
	             "signatures: this answers for firmware that enforces them)\n");
	if (!st->db_has_option_rom_ca_2023)
		fprintf(out, "  (this db has no Microsoft Option ROM UEFI CA 2023: a driver signed "
		             "under it would be refused)\n");
}

static void yaml_list(struct yw *w, const char *key, const struct sb_list_summary *l)
{
	yw_key(w, key);
	if (!l->present) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kuint(w, "certificates", l->certs);
	yw_key(w, "certificate_names");
	yw_seq_start(w);
	for (size_t i = 0; i < l->named; i++)
		yw_str(w, l->names[i]);
	yw_seq_end(w);
	yw_kuint(w, "image_hashes", l->hashes);
	yw_kuint(w, "certificate_hashes", l->cert_hashes);
	yw_map_end(w);
}

/* docs/yaml-schema.md, `secure_boot:`: the same answers as the text. */
void emit_yaml_secure_boot(struct yw *w, const struct rom_analysis *a, const struct sb_store *st,
                           const char *origin)
{
	struct sb_answer worst;
	yw_key(w, "secure_boot");
	yw_map_start(w);
	if (!st) {
		yw_knull(w, "store");
		kstr_or_null(w, "origin", origin ? origin : "");
		yw_map_end(w);
		return;
	}
	yw_kstr(w, "store", st->name);
	kstr_or_null(w, "origin", origin ? origin : "");
	yaml_list(w, "db", &st->db);
	yaml_list(w, "dbx", &st->dbx);
	yw_kbool(w, "db_has_option_rom_ca_2023", st->db_has_option_rom_ca_2023);
	yw_kstr(w, "verdict", sb_verdict_name(sb_answer_rom(st, a, &worst)));
	yw_key(w, "drivers");
	yw_seq_start(w);
	size_t k = 0;
	long idx = -1;
	struct sb_answer ans;
	for (const struct rom_node *n; (n = next_answer(a, st, &k, &idx, &ans)) != NULL;) {
		yw_map_start(w);
		yw_khex(w, "offset", n->offset);
		if (idx >= 0)
			yw_kuint(w, "image", (uint64_t)idx);
		else
			yw_knull(w, "image");
		yw_kstr(w, "verdict", sb_verdict_name(ans.verdict));
		yw_kstr(w, "how", ans.how);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_map_end(w);
}
