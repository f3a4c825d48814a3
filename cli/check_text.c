/* check's text output for one report: the line (with the Secure Boot
 * answer when a store is named) and, with -v, the findings. Shared by
 * check and check --device (cli/cmd_host.c). */
#include "analyzer/emit.h"
#include "analyzer/secure_boot.h"
#include "cli/cli.h"

#include <stdio.h>

void cli_check_text(const struct rom_analysis *r, const struct cli_check_opts *o)
{
	struct emit_text_opts t = {.color = o->color};
	char extra[64];
	if (o->sb) {
		struct sb_answer ans;
		(void)snprintf(extra, sizeof(extra), "secure-boot %s",
		               sb_verdict_name(sb_answer_rom(o->sb, r, &ans)));
	}
	emit_check_line_color(stdout, r, o->sb ? extra : NULL, &t);
	if (o->verbose)
		emit_findings_text(stdout, r, &t);
}
