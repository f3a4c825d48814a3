#include "patcher/emit_plan.h"

#include "analyzer/emit_yaml_writer.h"
#include "patcher/next_steps.h"

#include <string.h>

/* Bytes as they lie in the file, "de 10". */
static void bytes_hex(const uint8_t *b, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, i ? " %02x" : "%02x", b[i]);
}

static void text_range(FILE *out, const char *what, const struct patch_range *g)
{
	if (g->length == 0)
		return;
	fprintf(out, "  %-6s 0x%zx..0x%zx (0x%zx bytes): %s\n", what, g->offset,
	        g->offset + g->length, g->length, g->reason);
}

const char *patch_status_name(const struct patch_plan *p, const struct patch_result *res)
{
	if (res->status)
		return res->status;
	if (p->status != PATCH_PLAN_OK)
		return "refused";
	if (res->dry_run)
		return "dry-run";
	return res->written ? "written" : "unchanged";
}

void patch_emit_text(FILE *out, const struct rom_analysis *r, const struct patch_plan *p,
                     const struct patch_result *res)
{
	char oldb[16], newb[16];
	struct next_steps ns;
	fprintf(out, "%s\n", res->input);
	fprintf(out, "  input  %llu bytes, %s", (unsigned long long)r->size,
	        report_verdict_name(r->verdict));
	if (r->has_rom)
		fprintf(out, ", ROM at 0x%zx (%s)", r->rom_offset, r->locate_reason);
	fputc('\n', out);
	if (p->status != PATCH_PLAN_OK) {
		fprintf(out, "  cannot be made ready: %s\n  nothing written\n", p->error);
		return;
	}
	if (patch_plan_is_empty(p)) {
		fprintf(out, "  nothing to fix: the ROM is ready as it is\n");
	} else {
		fprintf(out, "Plan%s:\n", res->dry_run ? " (dry run: nothing is written)" : "");
		text_range(out, "strip", &p->strip);
		text_range(out, "trim", &p->trim);
		for (size_t i = 0; i < p->n_edits; i++) {
			const struct patch_edit *e = &p->edits[i];
			bytes_hex(e->old_bytes, e->length, oldb, sizeof(oldb));
			bytes_hex(e->new_bytes, e->length, newb, sizeof(newb));
			fprintf(out, "  edit   0x%zx (output 0x%zx) %s: %s -> %s: %s\n", e->offset,
			        e->out_offset, patch_edit_kind_name(e->kind), oldb, newb,
			        e->reason);
		}
	}
	for (size_t i = 0; i < p->n_notes; i++)
		fprintf(out, "  note   %s\n", p->notes[i]);
	fprintf(out, "  result %zu bytes\n", p->keep_end - p->keep_start);
	if (res->dry_run || !res->written || !res->output) {
		if (res->dry_run)
			fprintf(out, "Dry run: nothing written.\n");
		return;
	}
	if (res->backup)
		fprintf(out, "Backup: %s\n", res->backup);
	fprintf(out, "Wrote %s\n  %llu bytes, %s, sha256 %s%s\n", res->output,
	        (unsigned long long)res->out_size, res->out_verdict ? res->out_verdict : "?",
	        res->out_sha256,
	        patch_plan_is_empty(p) ? "\n  (byte-identical to the input: nothing needed fixing)"
	                               : "");
	if (!patch_next_steps(r, res->output, &ns))
		return;
	fprintf(out, "Next steps:\n");
	fprintf(out, "  Proxmox: copy the file to " PROXMOX_ROM_DIR
	             " (Proxmox looks for romfile= names there)\n");
	fprintf(out, "    %s\n", ns.copy);
	fprintf(out, "    then in /etc/pve/qemu-server/VMID.conf:  %s\n", ns.proxmox);
	fprintf(out, "    (%s)\n", ns.proxmox_note);
	fprintf(out, "  libvirt: inside the %s's <hostdev> element:  %s\n", ns.device, ns.libvirt);
	fprintf(out, "    (%s)\n", ns.libvirt_note);
	fprintf(out,
	        "  (" NEXT_EXAMPLE_BDF " is an example: use your %s's address from lspci -D)\n",
	        ns.device);
}

static void yaml_range(struct yw *w, const char *k, const struct patch_range *g)
{
	yw_key(w, k);
	if (g->length == 0) {
		yw_null(w);
		return;
	}
	yw_map_start(w);
	yw_khex(w, "offset", g->offset);
	yw_khex(w, "length", g->length);
	yw_kstr(w, "reason", g->reason);
	yw_map_end(w);
}

bool patch_emit_yaml(FILE *out, const struct rom_analysis *r, const struct patch_plan *p,
                     const struct patch_result *res)
{
	struct yw w;
	char oldb[16], newb[16];
	struct next_steps ns;
	if (!yw_open(&w, out))
		return false;
	yw_doc_start(&w);
	yw_map_start(&w);
	yw_kuint(&w, "optrom", REPORT_SCHEMA);
	yw_key(&w, "fix");
	yw_map_start(&w);
	yw_kstr(&w, "input", res->input);
	yw_kuint(&w, "input_size", r->size);
	yw_kstr(&w, "input_sha256", r->sha256);
	yw_kstr(&w, "input_verdict", report_verdict_name(r->verdict));
	if (r->has_rom) {
		yw_khex(&w, "rom_offset", r->rom_offset);
		yw_kstr(&w, "locate_reason", r->locate_reason);
		yw_kuint(&w, "candidates", r->candidates);
	} else {
		yw_knull(&w, "rom_offset");
	}
	yw_kstr(&w, "status", patch_status_name(p, res));
	yw_kstr(&w, "plan",
	        p->status == PATCH_PLAN_OK ? (patch_plan_is_empty(p) ? "nothing-to-do" : "edits")
	                                   : "cannot");
	if (res->error)
		yw_kstr(&w, "error", res->error);
	else if (p->status != PATCH_PLAN_OK)
		yw_kstr(&w, "error", p->error);
	if (p->status == PATCH_PLAN_OK) {
		yaml_range(&w, "strip", &p->strip);
		yaml_range(&w, "trim", &p->trim);
		yw_key(&w, "edits");
		yw_seq_start(&w);
		for (size_t i = 0; i < p->n_edits; i++) {
			const struct patch_edit *e = &p->edits[i];
			bytes_hex(e->old_bytes, e->length, oldb, sizeof(oldb));
			bytes_hex(e->new_bytes, e->length, newb, sizeof(newb));
			yw_map_start(&w);
			yw_kstr(&w, "kind", patch_edit_kind_name(e->kind));
			if (e->image >= 0)
				yw_kuint(&w, "image", (uint64_t)e->image);
			else /* a damaged image before the chain */
				yw_knull(&w, "image");
			yw_khex(&w, "offset", e->offset);
			yw_khex(&w, "output_offset", e->out_offset);
			yw_kstr(&w, "old", oldb);
			yw_kstr(&w, "new", newb);
			yw_kstr(&w, "reason", e->reason);
			yw_map_end(&w);
		}
		yw_seq_end(&w);
		yw_key(&w, "notes");
		yw_seq_start(&w);
		for (size_t i = 0; i < p->n_notes; i++)
			yw_str(&w, p->notes[i]);
		yw_seq_end(&w);
		yw_kuint(&w, "output_size", p->keep_end - p->keep_start);
	}
	yw_kbool(&w, "dry_run", res->dry_run);
	yw_kbool(&w, "written", res->written);
	if (res->written && res->output) {
		yw_kstr(&w, "output", res->output);
		if (res->backup)
			yw_kstr(&w, "backup", res->backup);
		yw_kstr(&w, "output_sha256", res->out_sha256);
		yw_kstr(&w, "output_verdict", res->out_verdict ? res->out_verdict : "unknown");
		yw_kbool(&w, "identical_to_input", patch_plan_is_empty(p));
		if (patch_next_steps(r, res->output, &ns)) {
			yw_key(&w, "next_steps");
			yw_map_start(&w);
			yw_kstr(&w, "device", ns.device);
			yw_kstr(&w, "romfile", ns.safe_name);
			yw_kstr(&w, "proxmox_copy", ns.copy);
			yw_kstr(&w, "proxmox", ns.proxmox);
			yw_kstr(&w, "proxmox_note",
			        "Proxmox looks for the romfile name under " PROXMOX_ROM_DIR
			        "; " NEXT_EXAMPLE_BDF " is an example address (lspci -D)");
			yw_kstr(&w, "machine_note", ns.proxmox_note);
			yw_kstr(&w, "libvirt", ns.libvirt);
			yw_kstr(&w, "libvirt_note", ns.libvirt_note);
			yw_map_end(&w);
		}
	}
	yw_map_end(&w);
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w) && !ferror(out);
}
