#include "analyzer/emit_vendor.h"

#include "analyzer/pci_names.h"
#include "analyzer/vendor.h"
#include "formats/atom.h"
#include "formats/pci_rom.h"

#include <string.h>

static void kname(struct yw *w, const char *k, bool ok, const char *name)
{
	if (ok)
		yw_kstr(w, k, name);
	else
		yw_knull(w, k);
}

static void kstr_or_null(struct yw *w, const char *k, const char *v)
{
	if (v[0])
		yw_kstr(w, k, v);
	else
		yw_knull(w, k);
}

/* Fields [from, to) of a declared text table, each its key and value (null
 * when empty). */
static void yaml_texts(struct yw *w, const struct fmt_text *t, size_t from, size_t to,
                       const void *decoded)
{
	for (size_t i = from; i < to; i++)
		kstr_or_null(w, t[i].key, fmt_text_value(decoded, &t[i]));
}

/* The same as text lines: "  key  value", the empty ones left out. */
static void text_texts(FILE *out, const struct fmt_text *t, size_t from, size_t to,
                       const void *decoded)
{
	for (size_t i = from; i < to; i++) {
		const char *v = fmt_text_value(decoded, &t[i]);
		if (v[0])
			fprintf(out, "  %-20s %s\n", t[i].key, v);
	}
}

static void ids(char *buf, size_t cap, uint16_t v, uint16_t d)
{
	(void)snprintf(buf, cap, "%04x:%04x", v, d);
}

static void yaml_nvidia(struct yw *w, const struct vendor_nvidia *v)
{
	const struct nv_bit *b = &v->bit;
	yw_key(w, "nvidia");
	yw_map_start(w);
	yw_key(w, "bit");
	if (!v->has_bit && b->status == NV_BIT_ABSENT) {
		yw_null(w);
	} else {
		yw_map_start(w);
		yw_khex(w, "offset", b->offset);
		yw_kstr(w, "status", nv_bit_status_str(b->status));
		yw_khex(w, NV_BIT_HDR_KEY(VERSION), b->hdr.version);
		yw_khex(w, NV_BIT_HDR_KEY(HEADER_SIZE), b->hdr.header_size);
		yw_khex(w, NV_BIT_HDR_KEY(TOKEN_SIZE), b->hdr.token_size);
		yw_kuint(w, NV_BIT_HDR_KEY(TOKEN_COUNT), b->hdr.token_count);
		yw_khex(w, NV_BIT_HDR_KEY(CHECKSUM), b->hdr.checksum);
		yw_kbool(w, "checksum_ok", b->checksum_ok);
		yw_khex(w, "image0_size", v->map.image0_size);
		if (v->map.imaged)
			yw_khex(w, "private_image", v->map.imaged);
		else
			yw_knull(w, "private_image");
		yw_key(w, "tokens");
		yw_seq_start(w);
		for (size_t i = 0; i < b->n_tokens; i++) {
			const struct nv_bit_token *t = &b->tokens[i];
			const char *name = nv_bit_token_name(t->kind);
			char id[8];
			if (t->id >= 0x21 && t->id < 0x7F)
				(void)snprintf(id, sizeof(id), "%c", t->id);
			else
				(void)snprintf(id, sizeof(id), "0x%02x", t->id);
			yw_map_start(w);
			yw_kstr(w, NV_BIT_TOKEN_KEY(ID), id);
			yw_kstr(w, "name", name ? name : "unknown");
			yw_kuint(w, NV_BIT_TOKEN_KEY(DATA_VERSION), t->data_version);
			yw_khex(w, NV_BIT_TOKEN_KEY(DATA_SIZE), t->data_size);
			yw_khex(w, NV_BIT_TOKEN_KEY(DATA_PTR), t->data_ptr);
			if (t->data_ptr)
				yw_khex(w, "data_offset", t->data_offset);
			else
				yw_knull(w, "data_offset");
			yw_kbool(w, "adjusted", t->adjusted);
			yw_kbool(w, "in_file", t->data_ok);
			yw_map_end(w);
		}
		yw_seq_end(w);
		yw_kuint(w, "unknown_tokens", b->n_unknown);
		yw_map_end(w);
	}
	yaml_texts(w, nv_bit_text_fields, 0, NV_BIT_T_COUNT, b);
	if (b->has_version)
		yw_khex(w, NV_BIT_BIOSDATA_KEY(OEM_VERSION), b->biosdata.oem_version);
	yw_key(w, "strings");
	yw_map_start(w);
	yaml_texts(w, nv_bit_string_fields, 0, NV_BIT_STR_T_COUNT, b);
	yw_map_end(w);
	yw_key(w, "backups");
	yw_seq_start(w);
	for (size_t i = 0; i < v->n_backups; i++) {
		yw_map_start(w);
		yw_khex(w, "offset", v->backups[i].offset);
		yw_kbool(w, "identical", v->backups[i].identical);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_key(w, "bmp");
	if (v->has_bmp) {
		char ver[8];
		(void)snprintf(ver, sizeof(ver), "%u.%u", v->bmp_major, v->bmp_minor);
		yw_map_start(w);
		yw_khex(w, "offset", v->bmp_offset);
		yw_kstr(w, "version", ver);
		yw_map_end(w);
	} else {
		yw_null(w);
	}
	yw_map_end(w);
}

static void yaml_tables(struct yw *w, const char *key, enum atom_master_kind kind,
                        const struct atom_master *m)
{
	yw_key(w, key);
	if (!m->present) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_khex(w, "offset", m->offset);
	yw_khex(w, ATOM_TABLE_KEY(SIZE), m->hdr.size);
	yw_kuint(w, ATOM_TABLE_KEY(FORMAT_REV), m->hdr.format_rev);
	yw_kuint(w, ATOM_TABLE_KEY(CONTENT_REV), m->hdr.content_rev);
	yw_kuint(w, "slots", m->n_slots);
	yw_key(w, "tables");
	yw_seq_start(w);
	for (size_t i = 0; i < m->n; i++) {
		const struct atom_table *t = &m->tables[i];
		const char *name = atom_table_name(kind, m->hdr.format_rev, t->index);
		yw_map_start(w);
		yw_kuint(w, "index", t->index);
		kname(w, "name", name != NULL, name ? name : "");
		yw_khex(w, "offset", t->offset);
		yw_khex(w, ATOM_TABLE_KEY(SIZE), t->size);
		yw_kuint(w, ATOM_TABLE_KEY(FORMAT_REV), t->format_rev);
		yw_kuint(w, ATOM_TABLE_KEY(CONTENT_REV), t->content_rev);
		yw_kbool(w, "in_image", t->ok);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_map_end(w);
}

static void yaml_amd(struct yw *w, const struct rom_node *n, const struct atom_ext *x)
{
	const struct atom_info *h = &n->atom;
	yw_key(w, "amd");
	yw_map_start(w);
	yaml_texts(w, atom_ext_text_fields, 0, ATOM_EXT_T_COUNT, x);
	yaml_texts(w, atom_text_fields, ATOM_T_BUILD_DATE, ATOM_T_BUILD_DATE + 1, &n->atom);
	yw_key(w, "checksum");
	yw_map_start(w);
	yw_khex(w, "offset", ATOM_OFF_CHECKSUM);
	yw_khex(w, "covers", x->checksum_length);
	yw_khex(w, "sum", x->checksum_sum);
	yw_kbool(w, "ok", x->checksum_complete && x->checksum_sum == 0);
	yw_map_end(w);
	yw_key(w, "rom_header");
	if (!h->hdr_ok) {
		yw_null(w);
	} else {
		char ss[16];
		yw_map_start(w);
		yw_khex(w, "offset", h->rom_header);
		yw_khex(w, ATOM_HDR_KEY(STRUCTURE_SIZE), h->hdr.structure_size);
		yw_kuint(w, ATOM_HDR_KEY(FORMAT_REV), h->hdr.format_rev);
		yw_kuint(w, ATOM_HDR_KEY(CONTENT_REV), h->hdr.content_rev);
		ids(ss, sizeof(ss), h->hdr.subsystem_vendor, h->hdr.subsystem_id);
		yw_kstr(w, "subsystem", ss);
		yw_khex(w, ATOM_HDR_KEY(PCI_INFO), h->hdr.pci_info);
		yw_khex(w, ATOM_HDR_KEY(CONFIG_FILENAME), h->hdr.config_filename);
		yw_khex(w, ATOM_HDR_KEY(CRC_BLOCK), h->hdr.crc_block);
		yw_khex(w, ATOM_HDR_KEY(BOOT_MESSAGE), h->hdr.boot_message);
		yw_khex(w, ATOM_HDR_KEY(PSP_DIR), h->hdr.psp_dir);
		yw_map_end(w);
	}
	yaml_tables(w, "command_tables", ATOM_MASTER_COMMAND, &x->command);
	yaml_tables(w, "data_tables", ATOM_MASTER_DATA, &x->data);
	yw_key(w, "psp");
	if (!x->psp.present) {
		yw_null(w);
	} else {
		yw_map_start(w);
		yw_khex(w, "offset", x->psp.offset);
		yw_kuint(w, ATOM_PSP_KEY(ENTRIES), x->psp.entries);
		yw_khex(w, ATOM_PSP_KEY(CHECKSUM), x->psp.checksum);
		if (x->psp.checksum_known)
			yw_kbool(w, "checksum_ok", x->psp.checksum_ok);
		else
			yw_knull(w, "checksum_ok");
		yw_map_end(w);
	}
	yw_kbool(w, "signed", x->psp.present);
	yw_map_end(w);
}

static void yaml_intel(struct yw *w, const struct intel_vbt *v)
{
	yw_key(w, "intel");
	yw_map_start(w);
	yw_key(w, "vbt");
	yw_map_start(w);
	yw_khex(w, "offset", v->offset);
	yaml_texts(w, intel_vbt_text_fields, INTEL_VBT_T_SIGNATURE, INTEL_VBT_T_SIGNATURE + 1, v);
	yw_kuint(w, INTEL_VBT_KEY(VERSION), v->version);
	yw_khex(w, INTEL_VBT_KEY(VBT_SIZE), v->vbt_size);
	yw_khex(w, INTEL_VBT_KEY(BDB_OFFSET), v->bdb_offset);
	if (v->has_bdb)
		yw_kuint(w, INTEL_BDB_KEY(VERSION), v->bdb_version);
	else
		yw_knull(w, INTEL_BDB_KEY(VERSION));
	yw_map_end(w);
	yaml_texts(w, intel_vbt_text_fields, INTEL_VBT_T_BUILD, INTEL_VBT_T_COUNT, v);
	yw_map_end(w);
}

/* The first EFI driver of the chain with a version: AMD's text split into
 * version and build date; NVIDIA's NPDE word stays hex (no mapping to
 * nvflash's form was established). */
static const struct rom_node *gop_node(const struct rom_analysis *a, size_t *index)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n && n->driver && n->driver->gop_version[0]) {
			*index = i;
			return n;
		}
	}
	return NULL;
}

static void yaml_gop(struct yw *w, const struct rom_analysis *a)
{
	size_t i = 0;
	const struct rom_node *g = gop_node(a, &i);
	char ver[64], date[64];
	yw_key(w, "gop");
	if (!g) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kuint(w, "image", i);
	yw_kstr(w, "text", g->driver->gop_version);
	if (amd_gop_version_split(g->driver->gop_version, ver, sizeof(ver), date, sizeof(date))) {
		yw_kstr(w, "version", ver);
		kstr_or_null(w, "build_date", date);
	} else {
		yw_kstr(w, "version", g->driver->gop_version);
		yw_knull(w, "build_date");
	}
	yw_map_end(w);
}

void emit_yaml_vendor(struct yw *w, const struct rom_analysis *a)
{
	size_t idx = 0;
	const struct rom_node *n = vendor_node(a, &idx);
	const struct rom_node *first = rom_chain_node(a, 0);
	const struct rom_node *id = n ? n : first;
	char name[PCI_NAME_LEN], buf[16];
	uint16_t sv, sd;
	yw_key(w, "vendor");
	if (!id) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_kstr(w, "kind", n ? vendor_kind_name(n->vendor->kind) : "none");
	yw_kuint(w, "image", n ? idx : 0);
	ids(buf, sizeof(buf), id->pcir.vendor_id, id->pcir.device_id);
	yw_kstr(w, "id", buf);
	kname(w, "vendor_name", pci_name_vendor(id->pcir.vendor_id, name, sizeof(name)), name);
	kname(w, "device_name",
	      pci_name_device(id->pcir.vendor_id, id->pcir.device_id, name, sizeof(name)), name);
	if (vendor_subsystem(a, n, &sv, &sd)) {
		ids(buf, sizeof(buf), sv, sd);
		yw_kstr(w, "subsystem", buf);
		kname(w, "subsystem_vendor_name", pci_name_vendor(sv, name, sizeof(name)), name);
		kname(w, "subsystem_name",
		      pci_name_subsystem(id->pcir.vendor_id, id->pcir.device_id, sv, sd, name,
		                         sizeof(name)),
		      name);
	} else {
		yw_knull(w, "subsystem");
	}
	kstr_or_null(w, "version", vendor_version(a));
	yaml_gop(w, a);
	if (n && n->vendor->kind == VENDOR_NVIDIA)
		yaml_nvidia(w, &n->vendor->u.nvidia);
	else if (n && n->vendor->kind == VENDOR_AMD)
		yaml_amd(w, n, &n->vendor->u.amd);
	else if (n && n->vendor->kind == VENDOR_INTEL)
		yaml_intel(w, &n->vendor->u.intel);
	yw_map_end(w);
}

static void text_nvidia(FILE *out, const struct vendor_nvidia *v)
{
	const struct nv_bit *b = &v->bit;
	if (b->status != NV_BIT_ABSENT) {
		fprintf(
		    out,
		    "  BIT at 0x%zx: version %x.%02x, %u tokens of %u bytes, checksum %s (%s)\n",
		    b->offset, b->hdr.version >> 8, b->hdr.version & 0xFF, b->hdr.token_count,
		    b->hdr.token_size, b->checksum_ok ? "ok" : "BAD", nv_bit_status_str(b->status));
		fprintf(out, "  tokens  ");
		for (size_t i = 0; i < b->n_tokens; i++) {
			const struct nv_bit_token *t = &b->tokens[i];
			const char *name = nv_bit_token_name(t->kind);
			if (i && i % 4 == 0)
				fprintf(out, "\n          ");
			if (t->id >= 0x21 && t->id < 0x7F)
				fprintf(out, "%c", t->id);
			else
				fprintf(out, "0x%02x", t->id);
			fprintf(out, " v%u %s 0x%x@0x%zx%s%s  ", t->data_version,
			        name ? name : "UNKNOWN", t->data_size, t->data_offset,
			        t->adjusted ? " (adjusted)" : "",
			        t->data_ok || !t->data_ptr ? "" : " PAST END");
		}
		fputc('\n', out);
	}
	/* the version is on the section's first lines */
	text_texts(out, nv_bit_text_fields, NV_BIT_T_BUILD_DATE, NV_BIT_T_COUNT, b);
	text_texts(out, nv_bit_string_fields, 0, NV_BIT_STR_T_COUNT, b);
	for (size_t i = 0; i < v->n_backups; i++)
		fprintf(out, "  backup copy of image 0 at 0x%zx (%s)\n", v->backups[i].offset,
		        v->backups[i].identical ? "identical" : "differs");
	if (v->has_bmp)
		fprintf(out, "  BMP (pre-BIT board) at 0x%zx, version %u.%u\n", v->bmp_offset,
		        v->bmp_major, v->bmp_minor);
}

static void text_master(FILE *out, const char *what, enum atom_master_kind kind,
                        const struct atom_master *m)
{
	if (!m->present)
		return;
	fprintf(out, "  %s tables at +0x%x (rev %u.%u, %u slots, %zu used):", what, m->offset,
	        m->hdr.format_rev, m->hdr.content_rev, m->n_slots, m->n);
	for (size_t i = 0; i < m->n; i++) {
		const struct atom_table *t = &m->tables[i];
		const char *name = atom_table_name(kind, m->hdr.format_rev, t->index);
		fprintf(out, "%s[%u] %s +0x%x 0x%x v%u.%u%s", i % 3 == 0 ? "\n    " : "  ",
		        t->index, name ? name : "?", t->offset, t->size, t->format_rev,
		        t->content_rev, t->ok ? "" : " OUTSIDE");
	}
	fputc('\n', out);
}

static void text_amd(FILE *out, const struct rom_node *n, const struct atom_ext *x)
{
	const struct atom_info *h = &n->atom;
	/* the version is on the section's first lines */
	text_texts(out, atom_ext_text_fields, 0, ATOM_EXT_T_VERSION, x);
	text_texts(out, atom_ext_text_fields, ATOM_EXT_T_BUILD, ATOM_EXT_T_COUNT, x);
	text_texts(out, atom_text_fields, ATOM_T_BUILD_DATE, ATOM_T_BUILD_DATE + 1, &n->atom);
	fprintf(out, "  checksum byte 0x21 covers the legacy image only (0x%x bytes): sum 0x%02x\n",
	        x->checksum_length, x->checksum_sum);
	if (h->hdr_ok)
		fprintf(out,
		        "  ATOM ROM header at +0x%x: size 0x%x rev %u.%u, subsystem %04x:%04x\n",
		        h->rom_header, h->hdr.structure_size, h->hdr.format_rev, h->hdr.content_rev,
		        h->hdr.subsystem_vendor, h->hdr.subsystem_id);
	text_master(out, "command", ATOM_MASTER_COMMAND, &x->command);
	text_master(out, "data", ATOM_MASTER_DATA, &x->data);
	if (x->psp.present)
		fprintf(out, "  $PSP directory at +0x%x: %u entries, checksum %s (signed ROM)\n",
		        x->psp.offset, x->psp.entries,
		        !x->psp.checksum_known ? "unchecked"
		        : x->psp.checksum_ok   ? "ok"
		                               : "BAD");
}

void emit_text_vendor(FILE *out, const struct rom_analysis *a)
{
	size_t idx = 0;
	const struct rom_node *n = vendor_node(a, &idx);
	const struct rom_node *id = n ? n : rom_chain_node(a, 0);
	char vn[PCI_NAME_LEN], dn[PCI_NAME_LEN], sn[PCI_NAME_LEN];
	uint16_t sv, sd;
	const char *ver = vendor_version(a);
	if (!id)
		return;
	fprintf(out, "Vendor (%s, image %zu):\n", n ? vendor_kind_name(n->vendor->kind) : "none",
	        n ? idx : 0);
	(void)pci_name_vendor(id->pcir.vendor_id, vn, sizeof(vn));
	(void)pci_name_device(id->pcir.vendor_id, id->pcir.device_id, dn, sizeof(dn));
	fprintf(out, "  %04x:%04x  %s%s%s\n", id->pcir.vendor_id, id->pcir.device_id, vn,
	        vn[0] && dn[0] ? " " : "", dn);
	if (vendor_subsystem(a, n, &sv, &sd)) {
		(void)pci_name_vendor(sv, vn, sizeof(vn));
		(void)pci_name_subsystem(id->pcir.vendor_id, id->pcir.device_id, sv, sd, sn,
		                         sizeof(sn));
		fprintf(out, "  subsystem %04x:%04x  %s%s%s\n", sv, sd, vn,
		        vn[0] && sn[0] ? " " : "", sn);
	}
	if (ver[0])
		fprintf(out, "  version %s\n", ver);
	{
		size_t gi = 0;
		const struct rom_node *g = gop_node(a, &gi);
		char gv[64], gd[64];
		if (g &&
		    amd_gop_version_split(g->driver->gop_version, gv, sizeof(gv), gd, sizeof(gd)))
			fprintf(out, "  GOP (image %zu) version %s, built %s\n", gi, gv, gd);
		else if (g)
			fprintf(out, "  GOP (image %zu) version %s\n", gi, g->driver->gop_version);
	}
	if (!n)
		return;
	if (n->vendor->kind == VENDOR_NVIDIA)
		text_nvidia(out, &n->vendor->u.nvidia);
	else if (n->vendor->kind == VENDOR_AMD)
		text_amd(out, n, &n->vendor->u.amd);
	else if (n->vendor->kind == VENDOR_INTEL)
		fprintf(out, "  VBT at 0x%zx \"%s\" version %u, BDB version %u, build %s\n",
		        n->vendor->u.intel.offset, n->vendor->u.intel.id,
		        n->vendor->u.intel.version, n->vendor->u.intel.bdb_version,
		        n->vendor->u.intel.build[0] ? n->vendor->u.intel.build : "-");
}

void emit_check_identity(FILE *out, const struct rom_analysis *a)
{
	const struct rom_node *n = vendor_node(a, NULL);
	const struct rom_node *id = n ? n : rom_chain_node(a, 0);
	char dn[PCI_NAME_LEN];
	const char *ver = vendor_version(a);
	if (!id)
		return;
	fprintf(out, "  %04x:%04x", id->pcir.vendor_id, id->pcir.device_id);
	if (pci_name_device(id->pcir.vendor_id, id->pcir.device_id, dn, sizeof(dn)) &&
	    strlen(dn) <= EMIT_SHORT_NAME)
		fprintf(out, " %s", dn);
	if (ver[0])
		fprintf(out, " %s", ver);
}
