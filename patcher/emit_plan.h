/* Printing a fix plan and its outcome: human text, or YAML through the
 * shared libyaml writer (analyzer/emit_yaml_writer.h). The only printing in
 * patcher/, as analyzer/emit_*.c is for reports. */
#ifndef OPTROM_PATCH_EMIT_PLAN_H
#define OPTROM_PATCH_EMIT_PLAN_H

#include "analyzer/tree.h"
#include "patcher/plan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* What became of the plan. */
struct patch_result {
	const char *input;  /* the input path as given */
	const char *output; /* absolute output path, NULL when there is none */
	const char *backup; /* IN.bak with --in-place, else NULL */
	bool dry_run;       /* the plan was only printed */
	bool written;       /* output was written (and re-analyzed ready) */
	uint64_t out_size;
	char out_sha256[65];
	const char *out_verdict; /* "ready" after a write, else NULL */
	const char *status;      /* NULL: from the plan and the flags above; else
	                            "refused" or "failed" with error set */
	const char *error;       /* why nothing was written, or NULL */
};

/* What happened, the `status` of the YAML/JSON plan: "written", "dry-run",
 * "unchanged" (--in-place, nothing to fix), "refused" (the ROM cannot be
 * made ready: nothing written) or "failed" (an I/O error: nothing
 * written). */
const char *patch_status_name(const struct patch_plan *p, const struct patch_result *res);

/* Text: the plan (ranges, edits with offset, old and new bytes, reason;
 * notes), then the outcome and, after a write, the next steps (absolute
 * path, Proxmox hostpci line, libvirt <rom> element). */
void patch_emit_text(FILE *out, const struct rom_analysis *r, const struct patch_plan *p,
                     const struct patch_result *res);

/* The same as one YAML document (`optrom: 1`, then `fix:`). */
bool patch_emit_yaml(FILE *out, const struct rom_analysis *r, const struct patch_plan *p,
                     const struct patch_result *res);

#endif
