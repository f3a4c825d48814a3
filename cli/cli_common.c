#include "analyzer/analyze.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rom_analysis *cli_analyze_file(const char *arg, uint8_t **data, size_t *len,
                                      struct cli_source *src)
{
	return cli_analyze_file_with(arg, data, len, src, NULL);
}

struct rom_analysis *cli_analyze_file_with(const char *arg, uint8_t **data, size_t *len,
                                           struct cli_source *src, const struct rom_analyze_opts *o)
{
	struct rom_analyze_opts ao = {0};
	char err[1024];
	struct input *in = input_open(arg, err, sizeof(err));
	struct input_item it;
	struct rom_analysis *r = NULL;
	if (in && !input_require_one(in, err, sizeof(err))) {
		input_close(in);
		in = NULL;
	}
	if (!in) {
		cli_err("%s", err);
		return NULL;
	}
	if (input_next(in, &it, err, sizeof(err)) != INPUT_ITEM) {
		cli_err("%s", err);
		input_close(in);
		return NULL;
	}
	if (o)
		ao = *o;
	ao.whole = ao.whole || it.from_vfct;
	r = rom_analyze_with(it.data, it.len, it.name, &ao);
	if (!r) {
		cli_err("%s: out of memory while analyzing", it.name);
	} else {
		if (src) {
			const char *p = input_path(in);
			src->kind = input_source(in);
			src->has_stem = input_stem(in, &it, src->stem, sizeof(src->stem));
			(void)snprintf(src->path, sizeof(src->path), "%s", p ? p : "");
		}
		if (data) {
			*data = it.data;
			*len = it.len;
			it.data = NULL;
		}
	}
	input_item_free(&it);
	input_close(in);
	return r;
}

int cli_each_rom(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx), void *ctx)
{
	return cli_each_rom_table(arg, fn, NULL, ctx);
}

static int each_rom(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                    void (*on_table)(const char *name, const struct vfct_table *t, void *ctx),
                    void *ctx, bool skip_sha256);

int cli_each_rom_table(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                       void (*on_table)(const char *name, const struct vfct_table *t, void *ctx),
                       void *ctx)
{
	return each_rom(arg, fn, on_table, ctx, false);
}

int cli_each_rom_unhashed(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                          void *ctx)
{
	return each_rom(arg, fn, NULL, ctx, true);
}

static int each_rom(const char *arg, int (*fn)(const struct rom_analysis *a, void *ctx),
                    void (*on_table)(const char *name, const struct vfct_table *t, void *ctx),
                    void *ctx, bool skip_sha256)
{
	struct rom_analysis *r;
	char err[1024];
	struct input *in = input_open(arg, err, sizeof(err));
	struct input_item it;
	enum input_next st;
	int worst = EXIT_READY;
	if (!in) {
		cli_err("%s", err);
		return EXIT_USAGE;
	}
	if (on_table && input_vfct(in))
		on_table(arg, input_vfct(in), ctx);
	/* One member in memory at a time: a collection of thousands stays flat. */
	while ((st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		if (st == INPUT_ERROR) {
			cli_err("%s", err);
			worst = cli_worse(worst, EXIT_USAGE);
			continue;
		}
		struct rom_analyze_opts o = {.skip_sha256 = skip_sha256, .whole = it.from_vfct};
		r = rom_analyze_with(it.data, it.len, it.name, &o);
		if (!r)
			cli_err("%s: out of memory while analyzing", it.name);
		input_item_free(&it);
		worst = cli_worse(worst, r ? fn(r, ctx) : EXIT_USAGE);
		rom_analysis_free(r);
	}
	input_close(in);
	return worst;
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
