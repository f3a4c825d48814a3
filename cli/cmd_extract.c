#include "analyzer/analyze.h"
#include "analyzer/emit_yaml_writer.h"
#include "analyzer/extract.h"
#include "cli/cli.h"
#include "formats/span.h"
#include "patcher/write.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void extract_usage(FILE *out)
{
	fprintf(out, "usage: optrom extract FILE [-d DIR] [--force]\n"
	             "\n"
	             "Write every image of the ROM's standard chain to its own file, each EFI\n"
	             "driver decompressed as a .efi (PE32+), and any prefix container (NVGI...)\n"
	             "as its own file, with an index.yaml of what was written. Names say index,\n"
	             "type and ids: image01-efi-10de-1c02.efi. Existing files are not\n"
	             "overwritten without --force. The input is only read. FILE may be a .gz,\n"
	             "ARCHIVE.zip!MEMBER, a zip of one file, or - (standard input, with -d);\n"
	             "an ACPI VFCT table gives one folder per image (DIR/03-00.0).\n"
	             "\n"
	             "  -d, --dir DIR  destination folder (default: FILE's name + .extracted)\n"
	             "  -f, --force    replace existing files\n"
	             "  -h, --help     this help\n"
	             "\n"
	             "Exit status: 0 everything written; 3 no ROM in the file (nothing written)\n"
	             "or an EFI driver that does not decode (the rest written, index.yaml says\n"
	             "why); 2 usage or I/O error (nothing written when a file already exists).\n");
}

/* FILE's name without its extension + ".extracted"; false when that does
 * not fit in cap. */
static bool default_dir(const char *in, char *out, size_t cap)
{
	const char *base = strrchr(in, '/');
	const char *dot;
	int n;
	base = base ? base + 1 : in;
	dot = strrchr(base, '.');
	n = snprintf(out, cap, "%.*s.extracted",
	             (int)(dot && dot != base ? dot - base : (long)strlen(base)), base);
	return n >= 0 && (size_t)n < cap;
}

/* dir/name into out (PATH_MAX bytes). A path that does not fit is an error
 * naming it, never a cut path (which would write somewhere else). */
static bool join_path(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	if (n >= 0 && n < PATH_MAX)
		return true;
	fprintf(stderr, "optrom: %s/%s: path too long (over %d bytes); nothing written\n", dir,
	        name, PATH_MAX - 1);
	return false;
}

/* Every path the extraction writes fits, its temporary name included:
 * checked before anything, the folder included, is created. */
static bool paths_fit(const char *dir, const struct extract_item *items, size_t n)
{
	char path[PATH_MAX];
	for (size_t i = 0; i <= n; i++) {
		if (i < n && !items[i].data)
			continue;
		if (!join_path(path, dir, i < n ? items[i].name : "index.yaml"))
			return false;
		if (!patch_write_path_fits(path)) {
			fprintf(
			    stderr,
			    "optrom: %s: path too long: its temporary file name would be over %d "
			    "bytes; nothing written\n",
			    path, PATH_MAX - 1);
			return false;
		}
	}
	return true;
}

/* The index as a YAML document in memory. */
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

static bool prepare_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return true;
		fprintf(stderr, "optrom: %s: exists and is not a folder\n", dir);
		return false;
	}
	if (mkdir(dir, 0755) != 0) {
		fprintf(stderr, "optrom: %s: cannot create the folder: %s\n", dir, strerror(errno));
		return false;
	}
	return true;
}

static int write_all(const char *dir, const struct extract_item *items, size_t n, const char *index,
                     size_t index_len, bool force)
{
	struct patch_write_opts o = {.force = force, .require_ready = false};
	char path[PATH_MAX], err[2 * PATH_MAX + 256];
	/* Refuse before writing anything, so a refusal leaves no partial set. */
	for (size_t i = 0; i <= n && !force; i++) {
		const char *name = i < n ? items[i].name : "index.yaml";
		if (i < n && !items[i].data)
			continue;
		if (!join_path(path, dir, name))
			return EXIT_USAGE;
		if (access(path, F_OK) == 0) {
			fprintf(stderr, "optrom: %s: already exists (use --force to replace it)\n",
			        path);
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!items[i].data)
			continue;
		if (!join_path(path, dir, items[i].name))
			return EXIT_USAGE;
		if (patch_write_file(path, items[i].data, items[i].data_len, &o, err,
		                     sizeof(err)) != PATCH_WRITE_OK) {
			fprintf(stderr, "optrom: %s\n", err);
			return EXIT_USAGE;
		}
		printf("%s\n", path);
	}
	if (!join_path(path, dir, "index.yaml"))
		return EXIT_USAGE;
	if (patch_write_file(path, (const uint8_t *)index, index_len, &o, err, sizeof(err)) !=
	    PATCH_WRITE_OK) {
		fprintf(stderr, "optrom: %s\n", err);
		return EXIT_USAGE;
	}
	printf("%s\n", path);
	return EXIT_READY;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	char dir[PATH_MAX] = "";
	bool force = false;
	struct rom_analysis *r;
	struct extract_item *items;
	uint8_t *data = NULL;
	size_t len = 0, n, index_len = 0;
	char *index;
	struct cli_source src;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if ((size_t)snprintf(dir, sizeof(dir), "%s", optarg) >= sizeof(dir)) {
				fprintf(stderr,
				        "optrom extract: %s: folder path too long (over %d bytes); "
				        "nothing written\n",
				        optarg, PATH_MAX - 1);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			extract_usage(stdout);
			return EXIT_READY;
		default:
			extract_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "optrom extract: expected exactly one FILE, found %d\n",
		        argc - optind);
		extract_usage(stderr);
		return EXIT_USAGE;
	}
	rc = cli_extract_vfct(argv[optind], dir, force); /* each image of a VFCT table */
	if (rc >= 0)
		return rc;
	items = calloc(EXTRACT_MAX_ITEMS, sizeof(*items));
	r = items ? cli_analyze_file(argv[optind], &data, &len, &src) : NULL;
	if (!r) {
		free(items);
		return EXIT_USAGE;
	}
	if (!dir[0] && !src.has_stem) {
		fprintf(stderr, "optrom extract: %s: no folder name to derive; use -d DIR\n",
		        argv[optind]);
		free(data);
		rom_analysis_free(r);
		free(items);
		return EXIT_USAGE;
	}
	if (!dir[0] && !default_dir(src.stem, dir, sizeof(dir))) {
		fprintf(stderr,
		        "optrom extract: %s: the default folder name would be over %d bytes; use "
		        "-d DIR\n",
		        argv[optind], PATH_MAX - 1);
		free(data);
		rom_analysis_free(r);
		free(items);
		return EXIT_USAGE;
	}
	if (!r->has_rom) {
		fprintf(stderr, "optrom: %s: no PCI ROM in the file, nothing to extract (%s)\n",
		        argv[optind], r->findings.n ? r->findings.items[0].message : "no image");
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
		fprintf(stderr, "optrom: %s: could not build index.yaml\n", argv[optind]);
		rc = EXIT_USAGE;
	} else if (!paths_fit(dir, items, n) || !prepare_dir(dir)) {
		rc = EXIT_USAGE;
	} else {
		rc = write_all(dir, items, n, index, index_len, force);
	}
	/* A driver the analysis could not decode is not written: the ROM is
	 * broken, and the exit code says so after what there is. */
	for (size_t i = 0; i < n; i++)
		if (!items[i].data) {
			fprintf(stderr, "optrom: %s: image %d: EFI driver not extracted: %s\n",
			        argv[optind], items[i].image, items[i].note);
			if (rc == EXIT_READY)
				rc = EXIT_BROKEN;
		}
	free(index);
	free(items);
	free(data);
	rom_analysis_free(r);
	return rc;
}
