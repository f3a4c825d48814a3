/* The option vocabulary and the message prefix every command shares. */
#include "analyzer/emit_yaml_writer.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_command = "optrom";

void cli_err(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cli_command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cli_command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see %s --help\n", cli_command);
	return EXIT_USAGE;
}

void cli_getopt_reset(void)
{
	optind = 1;
	opterr = 0;
}

int cli_bad_option(int c, char **argv)
{
	/* optind has moved past the option getopt refused (or its missing
	 * argument's place). */
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	if (c == ':') {
		if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
			return cli_usage_error("option -%c needs a value", optopt);
		return cli_usage_error("option %s needs a value", arg);
	}
	if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
		return cli_usage_error("unknown option -%c", optopt);
	return cli_usage_error("unknown option %s", arg);
}

bool cli_parse_format(const char *arg, enum out_format *out, bool text_ok)
{
	if (text_ok && strcmp(arg, "text") == 0) {
		*out = FORMAT_TEXT;
		yw_set_syntax(YW_YAML);
		return true;
	}
	if (strcmp(arg, "yaml") == 0) {
		*out = FORMAT_YAML;
		yw_set_syntax(YW_YAML);
		return true;
	}
	if (strcmp(arg, "json") == 0) {
		*out = FORMAT_JSON;
		yw_set_syntax(YW_JSON);
		return true;
	}
	cli_usage_error("--format: expected %s, found '%s'",
	                text_ok ? "text, yaml or json" : "yaml or json", arg);
	return false;
}

bool cli_parse_color(const char *arg, enum cli_color *out)
{
	static const char *const names[] = {"auto", "always", "never"};
	for (int i = 0; i < 3; i++)
		if (strcmp(arg, names[i]) == 0) {
			*out = (enum cli_color)i;
			return true;
		}
	cli_usage_error("--color: expected auto, always or never, found '%s'", arg);
	return false;
}

bool cli_use_color(enum cli_color when, enum out_format fmt)
{
	const char *no = getenv("NO_COLOR");
	if (fmt != FORMAT_TEXT || when == COLOR_NEVER)
		return false;
	if (when == COLOR_ALWAYS)
		return true;
	/* https://no-color.org: set and not empty means no colour. */
	if (no && *no)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}
