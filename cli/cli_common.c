#include "analyzer/analyze.h"
#include "analyzer/load.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cli_parse_format(const char *arg, enum out_format *out)
{
	if (strcmp(arg, "text") == 0) {
		*out = FORMAT_TEXT;
		return true;
	}
	if (strcmp(arg, "yaml") == 0) {
		*out = FORMAT_YAML;
		return true;
	}
	fprintf(stderr, "optrom: --format: expected text or yaml, found '%s'\n", arg);
	return false;
}

struct rom_analysis *cli_analyze_file(const char *path, uint8_t **data, size_t *len)
{
	struct rom_analysis *r;
	uint8_t *buf;
	size_t n;
	char err[512];
	if (rom_load_file(path, &buf, &n, err, sizeof(err)) != LOAD_OK) {
		fprintf(stderr, "optrom: %s\n", err);
		return NULL;
	}
	r = rom_analyze(buf, n, path);
	if (!r) {
		fprintf(stderr, "optrom: %s: out of memory while analyzing\n", path);
		free(buf);
		return NULL;
	}
	if (data) {
		*data = buf;
		*len = n;
	} else {
		free(buf);
	}
	return r;
}

int cli_exit_for(enum rom_verdict v)
{
	switch (v) {
	case VERDICT_UNSET:
		break;
	case VERDICT_READY:
		return EXIT_READY;
	case VERDICT_FIXABLE:
		return EXIT_FIXABLE;
	case VERDICT_BROKEN:
		return EXIT_BROKEN;
	}
	return EXIT_BROKEN;
}

static int rank(int code)
{
	switch (code) {
	case EXIT_READY:
		return 0;
	case EXIT_FIXABLE:
		return 1;
	case EXIT_USAGE:
		return 2;
	default:
		return 3;
	}
}

int cli_worse(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}
