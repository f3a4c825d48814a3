#include "analyzer/analyze.h"
#include "analyzer/digest.h"
#include "analyzer/emit_yaml_writer.h"
#include "analyzer/extract.h"
#include "cli/cli.h"
#include "formats/span.h"
#include "patcher/cleanup.h"
#include "patcher/write.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void extract_usage(FILE *out)
{
	fprintf(out,
	        "Usage: optrom extract [OPTION]... FILE\n"
	        "\n"
	        "Write every image of the ROM's standard chain to its own file, each EFI\n"
	        "driver decompressed as a .efi (PE32+), and any prefix container (NVGI...)\n"
	        "as its own file, with an index (index.yaml, or index.json) of what was\n"
	        "written. Names say index, type and ids: image01-efi-10de-1c02.efi. The\n"
	        "files are written into a temporary folder beside DIR and moved into place\n"
	        "only when all are written: a failure or a signal leaves nothing behind.\n"
	        "Existing files are not overwritten without --force. The input is only\n"
	        "read. FILE may be a .gz, ARCHIVE.zip!MEMBER, a zip of one file, or -\n"
	        "(standard input, with -o). An ACPI VFCT table gives one folder per image\n"
	        "(DIR/03-00.0).\n"
	        "\n"
	        "  -o, --output DIR   destination folder (default: beside FILE, card.rom ->\n"
	        "                     card.extracted); -d, --dir DIR is the same\n"
	        "  -f, --format FMT   the index: yaml (default, index.yaml) or json (index.json)\n"
	        "      --force        replace existing files\n"
	        "  -q, --quiet        do not list the files written\n"
	        "  -h, --help         this help\n"
	        "\n"
	        "Exit status: 0 everything written; 3 no ROM in the file (nothing written)\n"
	        "or an EFI driver that does not decode (the rest written, the index says\n"
	        "why); 2 usage or I/O error (nothing written).\n");
}

/* The stem (the plain file the ROM stands for, in its folder) without its
 * extension + ".extracted": beside the input, as fix writes. False when
 * that does not fit in cap. */
static bool default_dir(const char *stem, char *out, size_t cap)
{
	const char *slash = strrchr(stem, '/');
	const char *base = slash ? slash + 1 : stem;
	const char *dot = strrchr(base, '.');
	size_t keep = dot && dot != base ? (size_t)(dot - stem) : strlen(stem);
	int n = snprintf(out, cap, "%.*s.extracted", (int)keep, stem);
	return n >= 0 && (size_t)n < cap;
}

/* dir/name into out (PATH_MAX bytes). A path that does not fit is an error
 * naming it, never a cut path (which would write somewhere else). */
static bool join_path(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	if (n >= 0 && n < PATH_MAX)
		return true;
	cli_err("%s/%s: path too long (over %d bytes); nothing written", dir, name, PATH_MAX - 1);
	return false;
}

/* The temporary folder beside dir: "parent/.name.tmp-XXXXXX". */
static bool temp_dir_name(const char *dir, char *out, size_t cap)
{
	char d[PATH_MAX];
	const char *slash, *base;
	size_t dl;
	int n;
	(void)snprintf(d, sizeof(d), "%s", dir);
	dl = strlen(d);
	while (dl > 1 && d[dl - 1] == '/')
		d[--dl] = '\0';
	slash = strrchr(d, '/');
	base = slash ? slash + 1 : d;
	if (!slash)
		n = snprintf(out, cap, ".%s.tmp-XXXXXX", base);
	else
		n = snprintf(out, cap, "%.*s/.%s.tmp-XXXXXX", (int)(slash - d), d, base);
	return n >= 0 && (size_t)n < cap;
}

/* Every path the extraction writes fits, in the temporary folder (with the
 * writer's own temporary names) and in dir: checked before anything is
 * created. */
static bool paths_fit(const char *dir, const struct extract_item *items, size_t n,
                      const char *index_name)
{
	char path[PATH_MAX], tdir[PATH_MAX];
	if (!temp_dir_name(dir, tdir, sizeof(tdir))) {
		cli_err("%s: path too long: its temporary folder name would be over %d bytes; "
		        "nothing written",
		        dir, PATH_MAX - 1);
		return false;
	}
	for (size_t i = 0; i <= n; i++) {
		const char *name = i < n ? items[i].name : index_name;
		if (i < n && !items[i].data)
			continue;
		char tpath[PATH_MAX];
		if (!join_path(path, dir, name))
			return false;
		if (!patch_write_path_fits(path) ||
		    snprintf(tpath, sizeof(tpath), "%s/%s", tdir, name) >= (int)sizeof(tpath) ||
		    !patch_write_path_fits(tpath)) {
			cli_err("%s: path too long: its temporary file name would be over %d "
			        "bytes; nothing written",
			        path, PATH_MAX - 1);
			return false;
		}
	}
	return true;
}

/* The index as a YAML (or JSON: yw_set_syntax) document in memory. */
static char *index_yaml(const struct rom_analysis *r, const struct extract_item *items, size_t n,
                        size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct yw w;
	if (!f)
		return NULL;
	yw_open(&w, f);
	yw_doc_start(&w);
	yw_map_start(&w);
	yw_kuint(&w, "optrom", REPORT_SCHEMA);
	yw_kstr(&w, "source", r->file);
	yw_kstr(&w, "sha256", r->sha256);
	yw_khex(&w, "rom_offset", r->rom_offset);
	yw_key(&w, "files");
	yw_seq_start(&w);
	for (size_t i = 0; i < n; i++) {
		char sha[65];
		yw_map_start(&w);
		if (items[i].data)
			yw_kstr(&w, "name", items[i].name);
		else
			yw_knull(&w, "name");
		yw_kstr(&w, "kind", items[i].kind);
		if (items[i].image >= 0)
			yw_kuint(&w, "image", (uint64_t)items[i].image);
		else
			yw_knull(&w, "image");
		yw_khex(&w, "source_offset", items[i].offset);
		yw_khex(&w, "source_length", items[i].length);
		if (items[i].data) {
			rom_sha256_hex(items[i].data, items[i].data_len, sha);
			yw_khex(&w, "size", items[i].data_len);
			yw_kstr(&w, "sha256", sha);
		} else {
			yw_kstr(&w, "error", items[i].note);
		}
		yw_map_end(&w);
	}
	yw_seq_end(&w);
	yw_map_end(&w);
	yw_doc_end(&w);
	if (!yw_close(&w)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

struct written {
	char path[PATH_MAX]; /* in the temporary folder */
	int cleanup;         /* its slot in patcher/cleanup.c */
};

/* Removes what a failed extraction wrote, and the temporary folder. */
static void undo(struct written *w, size_t nw, const char *tdir, int tdir_id)
{
	for (size_t i = 0; i < nw; i++) {
		(void)unlink(w[i].path);
		patch_cleanup_forget(w[i].cleanup);
	}
	(void)rmdir(tdir);
	patch_cleanup_forget(tdir_id);
}

static mode_t dir_mode(void)
{
	mode_t m = umask(0);
	(void)umask(m);
	return (mode_t)(0777 & ~m);
}

static void sync_parent(const char *dir)
{
	char p[PATH_MAX];
	char *slash;
	int fd;
	(void)snprintf(p, sizeof(p), "%s", dir);
	slash = strrchr(p, '/');
	if (slash == p)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		(void)snprintf(p, sizeof(p), ".");
	fd = open(p, O_RDONLY);
	if (fd >= 0) {
		(void)fsync(fd);
		(void)close(fd);
	}
}

/* Writes every file into a temporary folder beside dir, then moves them
 * into place: the folder itself when dir does not exist (one rename), else
 * each file. A failure before the move leaves nothing; SIGINT/SIGTERM
 * remove the temporary folder (patcher/cleanup.h). */
static int write_all(const char *dir, const struct extract_item *items, size_t n, const char *index,
                     size_t index_len, const char *index_name, bool force, bool quiet)
{
	struct patch_write_opts o = {.force = false, .require_ready = false};
	char path[PATH_MAX], tdir[PATH_MAX], err[2 * PATH_MAX + 256];
	struct written *w;
	size_t nw = 0;
	struct stat st;
	bool exists = stat(dir, &st) == 0;
	int tdir_id;
	if (exists && !S_ISDIR(st.st_mode)) {
		cli_err("%s: exists and is not a folder", dir);
		return EXIT_USAGE;
	}
	/* Refuse before writing anything, so a refusal leaves no partial set. */
	for (size_t i = 0; i <= n && exists && !force; i++) {
		const char *name = i < n ? items[i].name : index_name;
		if (i < n && !items[i].data)
			continue;
		if (!join_path(path, dir, name))
			return EXIT_USAGE;
		if (access(path, F_OK) == 0) {
			cli_err("%s: already exists; use --force to replace it", path);
			return EXIT_USAGE;
		}
	}
	if (!temp_dir_name(dir, tdir, sizeof(tdir)) || !mkdtemp(tdir)) {
		cli_err("%s: cannot create a temporary folder beside it: %s; nothing written", dir,
		        strerror(errno));
		return EXIT_USAGE;
	}
	tdir_id = patch_cleanup_add(tdir, true);
	w = calloc(n + 1, sizeof(*w));
	if (!w) {
		undo(NULL, 0, tdir, tdir_id);
		cli_err("%s: out of memory; nothing written", dir);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i <= n; i++) {
		const char *name = i < n ? items[i].name : index_name;
		const uint8_t *data = i < n ? items[i].data : (const uint8_t *)index;
		size_t len = i < n ? items[i].data_len : index_len;
		if (i < n && !items[i].data)
			continue;
		if (!join_path(w[nw].path, tdir, name)) {
			undo(w, nw, tdir, tdir_id);
			free(w);
			return EXIT_USAGE;
		}
		if (patch_write_file(w[nw].path, data, len, &o, err, sizeof(err)) !=
		    PATCH_WRITE_OK) {
			cli_err("%s; nothing written", err);
			undo(w, nw, tdir, tdir_id);
			free(w);
			return EXIT_USAGE;
		}
		w[nw].cleanup = patch_cleanup_add(w[nw].path, false);
		nw++;
	}
	if (!exists) {
		(void)chmod(tdir, dir_mode());
		if (rename(tdir, dir) != 0) {
			cli_err("%s: moving the temporary folder into place failed: %s; nothing "
			        "written",
			        dir, strerror(errno));
			undo(w, nw, tdir, tdir_id);
			free(w);
			return EXIT_USAGE;
		}
	} else {
		for (size_t i = 0; i < nw; i++) {
			const char *base = strrchr(w[i].path, '/') + 1;
			if (!join_path(path, dir, base) || rename(w[i].path, path) != 0) {
				cli_err("%s/%s: moving into place failed: %s", dir, base,
				        strerror(errno));
				undo(w + i, nw - i, tdir, tdir_id);
				for (size_t k = 0; k < i; k++)
					patch_cleanup_forget(w[k].cleanup);
				free(w);
				return EXIT_USAGE;
			}
		}
		(void)rmdir(tdir);
	}
	for (size_t i = 0; i < nw; i++)
		patch_cleanup_forget(w[i].cleanup);
	patch_cleanup_forget(tdir_id);
	sync_parent(dir);
	for (size_t i = 0; i < nw && !quiet; i++) {
		const char *base = strrchr(w[i].path, '/') + 1;
		printf("%s/%s\n", dir, base);
	}
	free(w);
	return EXIT_READY;
}

/* extract of an ACPI VFCT table: each image into a folder of its own under
 * DIR (else the table's name + ".extracted"), named by its PCI address,
 * through cmd_extract. -1 when arg is no table with two or more images
 * (one image is extracted as a ROM). dir may be NULL. */
static int extract_vfct(const char *arg, const char *dir, bool force)
{
	char err[1024], base[4096], sub[4200], member[4200];
	struct input *in = input_open(arg, err, sizeof(err));
	const struct vfct_table *t;
	const char *slash, *dot;
	int worst = EXIT_READY;
	if (!in)
		return -1; /* cmd_extract says why */
	t = input_vfct(in);
	if (!t || input_count(in) < 2) {
		input_close(in);
		return -1;
	}
	/* DIR, else the table's name + ".extracted"; one folder per image. */
	slash = strrchr(arg, '/');
	slash = slash ? slash + 1 : arg;
	dot = strrchr(slash, '.');
	if (dir && dir[0])
		(void)snprintf(base, sizeof(base), "%s", dir);
	else
		(void)snprintf(base, sizeof(base), "%.*s.extracted",
		               (int)(dot && dot != slash ? dot - slash : (long)strlen(slash)),
		               slash);
	for (size_t i = 0; i < t->n; i++) {
		char bdf[40], *argv2[6];
		(void)vfct_image_bdf(&t->images[i].hdr, bdf, sizeof(bdf));
		(void)snprintf(member, sizeof(member), "%s!%s", arg, bdf);
		for (char *p = bdf; *p; p++)
			if (*p == ':')
				*p = '-';
		(void)snprintf(sub, sizeof(sub), "%s/%s", base, bdf);
		if (i == 0 && mkdir(base, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "optrom extract: %s: cannot create: %s\n", base,
			        strerror(errno));
			input_close(in);
			return EXIT_USAGE;
		}
		argv2[0] = (char *)"extract";
		argv2[1] = member;
		argv2[2] = (char *)"-d";
		argv2[3] = sub;
		argv2[4] = force ? (char *)"--force" : NULL;
		argv2[5] = NULL;
		fprintf(stdout, "%s -> %s/\n", member, sub);
		worst = cli_worse(worst, cmd_extract(force ? 5 : 4, argv2));
	}
	input_close(in);
	return worst;
}

int cmd_extract(int argc, char **argv)
{
	enum { OPT_FORCE = 256 };
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
	                                     {"dir", required_argument, NULL, 'd'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"force", no_argument, NULL, OPT_FORCE},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char dir[PATH_MAX] = "";
	bool force = false, quiet = false;
	enum out_format fmt = FORMAT_YAML;
	struct rom_analysis *r;
	struct extract_item *items;
	uint8_t *data = NULL;
	size_t len = 0, n, index_len = 0;
	char *index;
	const char *index_name;
	struct cli_source src;
	int c, rc;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":o:d:f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
		case 'd':
			if ((size_t)snprintf(dir, sizeof(dir), "%s", optarg) >= sizeof(dir)) {
				cli_err("%s: folder path too long (over %d bytes); nothing written",
				        optarg, PATH_MAX - 1);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			if (!cli_parse_format(optarg, &fmt, false))
				return EXIT_USAGE;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			extract_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("expected exactly one FILE, found %d", argc - optind);
	rc = extract_vfct(argv[optind], dir[0] ? dir : NULL, force); /* a VFCT table */
	if (rc >= 0)
		return rc;
	index_name = fmt == FORMAT_JSON ? "index.json" : "index.yaml";
	items = calloc(EXTRACT_MAX_ITEMS, sizeof(*items));
	r = items ? cli_analyze_file(argv[optind], &data, &len, &src) : NULL;
	if (!r) {
		free(items);
		return EXIT_USAGE;
	}
	if (!dir[0] && !src.has_stem) {
		cli_err("%s: no folder name to derive; use -o DIR", argv[optind]);
		free(data);
		rom_analysis_free(r);
		free(items);
		return EXIT_USAGE;
	}
	if (!dir[0] && !default_dir(src.stem, dir, sizeof(dir))) {
		cli_err("%s: the default folder name would be over %d bytes; use -o DIR",
		        argv[optind], PATH_MAX - 1);
		free(data);
		rom_analysis_free(r);
		free(items);
		return EXIT_USAGE;
	}
	if (!r->has_rom) {
		cli_err("%s: no PCI ROM in the file, nothing to extract (%s)", argv[optind],
		        r->findings.n ? r->findings.items[0].message : "no image");
		free(data);
		rom_analysis_free(r);
		free(items);
		return EXIT_BROKEN;
	}
	{
		struct span s = span_make(data, len);
		n = extract_items(&s, r, items, EXTRACT_MAX_ITEMS);
	}
	index = index_yaml(r, items, n, &index_len);
	if (!index) {
		cli_err("%s: could not build %s", argv[optind], index_name);
		rc = EXIT_USAGE;
	} else if (!paths_fit(dir, items, n, index_name)) {
		rc = EXIT_USAGE;
	} else {
		rc = write_all(dir, items, n, index, index_len, index_name, force, quiet);
	}
	/* A driver the analysis could not decode is not written: the ROM is
	 * broken, and the exit code says so after what there is. */
	for (size_t i = 0; i < n; i++)
		if (!items[i].data) {
			cli_err("%s: image %d: EFI driver not extracted: %s", argv[optind],
			        items[i].image, items[i].note);
			if (rc == EXIT_READY)
				rc = EXIT_BROKEN;
		}
	free(index);
	free(items);
	free(data);
	rom_analysis_free(r);
	return rc;
}
