#include "patcher/emit_plan.h"

#include "analyzer/emit_yaml_writer.h"

#include <string.h>

/* Bytes as they lie in the file, "de 10". */
static void bytes_hex(const uint8_t *b, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, i ? " %02x" : "%02x", b[i]);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* path with the XML specials of an attribute value escaped. */
static void xml_attr(const char *path, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 7 < cap; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			break;
		}
		if (rep) {
			size_t n = strlen(rep);
			memcpy(out + o, rep, n);
			o += n;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

#define PROXMOX_ROM_DIR "/usr/share/kvm/"

static void proxmox_line(const char *output, char *out, size_t cap)
{
	(void)snprintf(out, cap, "hostpci0: 0000:01:00.0,pcie=1,x-vga=1,romfile=%s",
	               base_name(output));
}

static void libvirt_line(const char *output, char *out, size_t cap)
{
	char esc[4096 * 2];
	xml_attr(output, esc, sizeof(esc));
	(void)snprintf(out, cap, "<rom file='%s'/>", esc);
}

static void text_range(FILE *out, const char *what, const struct patch_range *g)
{
	if (g->length == 0)
		return;
	fprintf(out, "  %-6s 0x%zx..0x%zx (0x%zx bytes): %s\n", what, g->offset,
	        g->offset + g->length, g->length, g->reason);
}

void patch_emit_text(FILE *out, const struct rom_analysis *r, const struct patch_plan *p,
                     const struct patch_result *res)
{
	char oldb[16], newb[16], line[8400];
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
	fprintf(out, "Next steps:\n");
	fprintf(out, "  Proxmox: copy the file to " PROXMOX_ROM_DIR
	             " (Proxmox looks for romfile= names there)\n");
	fprintf(out, "    cp '%s' " PROXMOX_ROM_DIR "%s\n", res->output, base_name(res->output));
	proxmox_line(res->output, line, sizeof(line));
	fprintf(out, "    then in /etc/pve/qemu-server/VMID.conf:  %s\n", line);
	libvirt_line(res->output, line, sizeof(line));
	fprintf(out, "  libvirt: inside the GPU's <hostdev> element:  %s\n", line);
	fprintf(out, "  (0000:01:00.0 is an example: use your GPU's address from lspci -D)\n");
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
	char oldb[16], newb[16], line[8400];
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
	yw_kstr(&w, "status",
	        p->status == PATCH_PLAN_OK ? (patch_plan_is_empty(p) ? "nothing-to-do" : "planned")
	                                   : "cannot");
	if (p->status != PATCH_PLAN_OK) {
		yw_kstr(&w, "error", p->error);
	} else {
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
		yw_key(&w, "next_steps");
		yw_map_start(&w);
		(void)snprintf(line, sizeof(line), "cp '%s' " PROXMOX_ROM_DIR "%s", res->output,
		               base_name(res->output));
		yw_kstr(&w, "proxmox_copy", line);
		proxmox_line(res->output, line, sizeof(line));
		yw_kstr(&w, "proxmox", line);
		yw_kstr(&w, "proxmox_note",
		        "Proxmox looks for the romfile name under " PROXMOX_ROM_DIR
		        "; 0000:01:00.0 is an example address (lspci -D)");
		libvirt_line(res->output, line, sizeof(line));
		yw_kstr(&w, "libvirt", line);
		yw_map_end(&w);
	}
	yw_map_end(&w);
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w) && !ferror(out);
}
