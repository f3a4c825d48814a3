/* Vendor identity over the real corpus, against tools/vendor_oracle.py: an
 * independent Python reading of the same bytes (written from the format
 * notes) and its own reader of pci.ids. For every NVIDIA and AMD file: the
 * version, part number, date and subsystem shown equal what the oracle
 * reads, every BIT token is listed and the BIT header checks, the names
 * equal the pci.ids lines. Skips visibly without the corpus or python3. */
#include "analyzer/analyze.h"
#include "analyzer/pci_names.h"
#include "analyzer/vendor.h"
#include "formats/atom_tables.h"
#include "input/load.h"
#include "tests/support/expect.h"
#include "tests/support/findings.h"
#include "tests/support/oracle.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 256

struct tally {
	unsigned files, nv_versions, nv_tokens, amd_parts, amd_versions, names, subsystems;
	unsigned quotes, firmware_info, gops;
};

/* What scan and diff's file lines quote (vendor_quote, by role) equals the
 * oracle's reading: the version (NVIDIA 'B', AMD "ATOMBIOSBK-AMD VER"), the
 * part number (AMD's first string as it is), the build date (NVIDIA 'i'
 * +0x0F, AMD +0x50) and the board (NVIDIA 'i' +0x30). */
static void compare_quotes(const char *name, const struct rom_analysis *r, const struct oracle *o,
                           struct tally *t)
{
	static const struct {
		enum fmt_role role;
		const char *nv, *amd;
	} keys[] = {
	    {FMT_ROLE_VERSION, "nv_version", "amd_version"},
	    {FMT_ROLE_PART, NULL, "amd_string0"},
	    {FMT_ROLE_BUILD_DATE, "nv_date", "amd_date"},
	    {FMT_ROLE_BOARD, "nv_board", NULL},
	};
	const struct rom_node *n = vendor_node(r, NULL);
	bool nv = n && n->vendor->kind == VENDOR_NVIDIA, amd = n && n->vendor->kind == VENDOR_AMD;
	if (!nv && !amd)
		return;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *key = nv ? keys[k].nv : keys[k].amd;
		const char *want = key ? oracle_get(o, key) : NULL;
		cr_expect_str_eq(vendor_quote(r, keys[k].role), want ? want : "",
		                 "%s: %s is \"%s\", the oracle's %s \"%s\"", name,
		                 fmt_role_key(keys[k].role), vendor_quote(r, keys[k].role),
		                 key ? key : "(none)", want ? want : "");
	}
	t->quotes++;
}

/* The names of the master data table follow the kernel's lists: entry 4
 * is FirmwareInfo in atombios.h (format revision 1 master tables:
 * ATOM_FIRMWARE_INFO is 1.x and 2.x) and firmwareinfo in atomfirmware.h
 * (revision 2: atom_firmware_info_v3_x). The oracle reads the entry's
 * table header from the bytes. */
static void compare_table_names(const char *name, const struct atom_ext *x, const struct oracle *o,
                                struct tally *t)
{
	const char *spans = oracle_get(o, "amd_data_spans");
	unsigned idx, off, size, fmt;
	int used;
	if (!spans || !x->data.present)
		return;
	while (sscanf(spans, "%u:%x:%x:%u%n", &idx, &off, &size, &fmt, &used) == 4) {
		spans += used;
		if (idx != 4)
			continue;
		for (size_t i = 0; i < x->data.n; i++) {
			const struct atom_table *tb = &x->data.tables[i];
			if (tb->index != 4)
				continue;
			cr_expect_eq(tb->offset, off, "%s: data table 4 at 0x%x, oracle 0x%x", name,
			             tb->offset, off);
			if (x->data.hdr.format_rev >= 2) {
				cr_expect_str_eq(
				    atom_table_name(ATOM_MASTER_DATA, x->data.hdr.format_rev, 4),
				    "firmwareinfo");
				cr_expect_eq(fmt, 3, "%s: firmwareinfo format %u", name, fmt);
			} else {
				cr_expect_str_eq(
				    atom_table_name(ATOM_MASTER_DATA, x->data.hdr.format_rev, 4),
				    "FirmwareInfo");
				cr_expect(fmt == 1 || fmt == 2, "%s: FirmwareInfo format %u", name,
				          fmt);
			}
			t->firmware_info++;
		}
	}
}

static void compare_nvidia(const char *name, const struct rom_node *n, const struct oracle *o,
                           struct tally *t)
{
	const struct vendor_nvidia *v = &n->vendor->u.nvidia;
	const char *x;
	char toks[2048] = "";
	size_t used = 0;
	if ((x = oracle_get(o, "nv_version"))) {
		cr_expect_str_eq(v->bit.version, x, "%s: version %s, oracle %s", name,
		                 v->bit.version, x);
		t->nv_versions++;
	}
	/* The ASCII "Version ..." text: equal to the BIT's binary version,
	 * except in a hand-edited ROM (kepler_gk107_turbo_mod), whose text
	 * was changed and binary not: then our 'S' version string shows the
	 * text, so both are in the report. */
	if ((x = oracle_get(o, "nv_version_text")) && strcmp(v->bit.version, x) != 0) {
		cr_expect(strstr(v->bit.strings[NV_BIT_STR_T_VERSION], x) != NULL,
		          "%s: BIT version %s, text %s, string %s", name, v->bit.version, x,
		          v->bit.strings[NV_BIT_STR_T_VERSION]);
		fprintf(stderr, "vendor corpus: %s: BIT version %s but the text says %s\n", name,
		        v->bit.version, x);
	}
	if ((x = oracle_get(o, "nv_date")))
		cr_expect_str_eq(v->bit.build_date, x, "%s: date %s, oracle %s", name,
		                 v->bit.build_date, x);
	if ((x = oracle_get(o, "nv_bit_sum_ok")))
		cr_expect_eq(v->bit.checksum_ok, strcmp(x, "1") == 0, "%s: BIT checksum", name);
	if (!(x = oracle_get(o, "nv_tokens")))
		return;
	for (size_t i = 0; i < v->bit.n_tokens; i++) {
		const struct nv_bit_token *k = &v->bit.tokens[i];
		int w = snprintf(toks + used, sizeof(toks) - used, "%s%02x/%u/%x/%x", i ? " " : "",
		                 k->id, k->data_version, k->data_size, k->data_ptr);
		if (w > 0)
			used += (size_t)w;
	}
	cr_expect_str_eq(toks, x, "%s: tokens\n  ours   %s\n  oracle %s", name, toks, x);
	t->nv_tokens++;
}

static void compare_amd(const char *name, const struct rom_node *n, const struct oracle *o,
                        struct tally *t)
{
	const struct atom_ext *x = &n->vendor->u.amd;
	const char *s;
	char buf[32];
	if ((s = oracle_get(o, "amd_part"))) {
		cr_expect_str_eq(n->atom.part_number, s, "%s: part %s, oracle %s", name,
		                 n->atom.part_number, s);
		if (x->strings[0][0]) /* else amdgpu read the next string */
			cr_expect_str_eq(x->strings[0], s, "%s: string 0 %s, oracle %s", name,
			                 x->strings[0], s);
		t->amd_parts++;
	}
	if ((s = oracle_get(o, "amd_version"))) {
		cr_expect_str_eq(x->version, s, "%s: version %s, oracle %s", name, x->version, s);
		t->amd_versions++;
	}
	if ((s = oracle_get(o, "amd_date")))
		cr_expect_str_eq(n->atom.build_date, s, "%s: date %s, oracle %s", name,
		                 n->atom.build_date, s);
	if ((s = oracle_get(o, "amd_subsystem"))) {
		(void)snprintf(buf, sizeof(buf), "%04x:%04x", n->atom.hdr.subsystem_vendor,
		               n->atom.hdr.subsystem_id);
		cr_expect_str_eq(buf, s, "%s: subsystem %s, oracle %s", name, buf, s);
	}
	if ((s = oracle_get(o, "amd_cmd_tables")))
		cr_expect_eq(x->command.n, strtoul(s, NULL, 10),
		             "%s: %zu command tables, oracle %s", name, x->command.n, s);
	if ((s = oracle_get(o, "amd_data_tables")))
		cr_expect_eq(x->data.n, strtoul(s, NULL, 10), "%s: %zu data tables, oracle %s",
		             name, x->data.n, s);
	if ((s = oracle_get(o, "amd_name")))
		cr_expect_eq(strncmp(x->name, s, sizeof(x->name) - 1), 0, "%s: name %s, oracle %s",
		             name, x->name, s);
	compare_table_names(name, x, o, t);
}

/* Every AMD GOP of the chain: the version and build date the report
 * shows (amd_gop_version_split) equal this reading of the driver's
 * component name: "...Rev.", digits and dots up to the month, then the
 * date with the dot before the time as a space. */
static void compare_gops(const char *name, const struct rom_analysis *r, struct tally *t)
{
	for (size_t i = 0; i < r->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(r, i);
		const char *text = n && n->driver ? n->driver->gop_version : "", *rev;
		char v[64] = "", d[64] = "", want_v[64] = "", want_d[64] = "";
		size_t k;
		if (strncmp(text, "AMD GOP ", 8) != 0)
			continue;
		rev = strstr(text, "Rev.");
		cr_assert_not_null(rev, "%s: %s", name, text);
		cr_assert_eq(sscanf(rev + 4, "%63[0-9.]", want_v), 1, "%s: %s", name, text);
		k = strlen(want_v);
		(void)snprintf(want_d, sizeof(want_d), "%s", rev + 4 + k);
		while (k && want_v[k - 1] == '.')
			want_v[--k] = '\0';
		if (strrchr(want_d, '.'))
			*strrchr(want_d, '.') = ' ';
		cr_assert(amd_gop_version_split(text, v, sizeof(v), d, sizeof(d)), "%s", name);
		cr_expect_str_eq(v, want_v, "%s: %s", name, text);
		cr_expect_str_eq(d, want_d, "%s: %s", name, text);
		t->gops++;
	}
}

static void check_file(const char *path, const char *name, const struct oracle *o, struct tally *t)
{
	uint8_t *data;
	size_t len;
	char err[512], buf[PCI_NAME_LEN], id[16];
	struct rom_analysis *r;
	const struct rom_node *n, *first;
	const char *x;
	cr_assert_eq(rom_load_file(path, &data, &len, err, sizeof(err)), LOAD_OK, "%s: %s", name,
	             err);
	r = rom_analyze(data, len, name);
	free(data);
	cr_assert(r);
	t->files++;
	first = rom_chain_node(r, 0);
	n = vendor_node(r, NULL);
	if (first && (x = oracle_get(o, "id"))) {
		(void)snprintf(id, sizeof(id), "%04x:%04x", first->pcir.vendor_id,
		               first->pcir.device_id);
		if (strcmp(id, x) == 0) {
			(void)pci_name_vendor(first->pcir.vendor_id, buf, sizeof(buf));
			cr_expect_str_eq(buf, oracle_get(o, "vendor_name"), "%s: vendor name",
			                 name);
			(void)pci_name_device(first->pcir.vendor_id, first->pcir.device_id, buf,
			                      sizeof(buf));
			cr_expect_str_eq(buf, oracle_get(o, "device_name"), "%s: device name",
			                 name);
			t->names++;
		}
	}
	if (n && (x = oracle_get(o, "subsystem_name"))) {
		uint16_t sv, sd;
		cr_expect(vendor_subsystem(r, n, &sv, &sd), "%s: no subsystem", name);
		(void)snprintf(id, sizeof(id), "%04x:%04x", sv, sd);
		if ((x = oracle_get(o, "nv_subsystem")))
			cr_expect_str_eq(id, x, "%s: subsystem %s, NVGI says %s", name, id, x);
		(void)pci_name_vendor(sv, buf, sizeof(buf));
		cr_expect_str_eq(buf, oracle_get(o, "subsystem_vendor_name"),
		                 "%s: subsystem vendor name", name);
		(void)pci_name_subsystem(n->pcir.vendor_id, n->pcir.device_id, sv, sd, buf,
		                         sizeof(buf));
		cr_expect_str_eq(buf, oracle_get(o, "subsystem_name"), "%s: subsystem name", name);
		t->subsystems++;
	}
	compare_quotes(name, r, o, t);
	compare_gops(name, r, t);
	if (n && n->vendor->kind == VENDOR_NVIDIA)
		compare_nvidia(name, n, o, t);
	else if (n && n->vendor->kind == VENDOR_AMD)
		compare_amd(name, n, o, t);
	else
		cr_expect_null(oracle_get(o, "nv_version"),
		               "%s: the oracle reads an NVIDIA version", name);
	rom_analysis_free(r);
}

Test(vendor_corpus, identity_equals_the_independent_reading, .timeout = 600)
{
	static const char *const dirs[] = {"nvidia", "amd", "other"};
	struct tally t = {0};
	struct stat st;
	char(*paths)[1024], (*names)[256];
	struct oracle *o;
	size_t n = 0;
	const char *root = expect_corpus_dir();
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		expect_note_skip("[SKIP] vendor corpus test: no corpus folder at %s", root);
		return;
	}
	if (!oracle_available()) {
		expect_note_skip(
		    "[SKIP] vendor corpus test: python3 not found (tools/vendor_oracle.py)");
		return;
	}
	paths = calloc(MAX_FILES, sizeof(*paths));
	names = calloc(MAX_FILES, sizeof(*names));
	cr_assert(paths && names);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[1024];
		DIR *h;
		struct dirent *e;
		(void)snprintf(dir, sizeof(dir), "%s/%s", root, dirs[d]);
		h = opendir(dir);
		if (!h)
			continue;
		while ((e = readdir(h)) != NULL && n < MAX_FILES) {
			if (e->d_name[0] == '.' ||
			    snprintf(paths[n], sizeof(paths[n]), "%s/%s", dir, e->d_name) >=
			        (int)sizeof(paths[n]))
				continue;
			(void)snprintf(names[n], sizeof(names[n]), "%s/%.200s", dirs[d], e->d_name);
			if (stat(paths[n], &st) == 0 && S_ISREG(st.st_mode))
				n++;
		}
		closedir(h);
	}
	o = calloc(n ? n : 1, sizeof(*o));
	cr_assert(o);
	cr_assert(oracle_run((const char(*)[1024])paths, n, o), "tools/vendor_oracle.py failed");
	for (size_t i = 0; i < n; i++)
		check_file(paths[i], names[i], &o[i], &t);
	free(o);
	free(paths);
	free(names);
	fprintf(stderr,
	        "vendor corpus: %u files, %u NVIDIA versions, %u BIT token lists, %u AMD part "
	        "numbers, %u AMD versions, %u name pairs, %u subsystems, %u quoted identities, %u "
	        "FirmwareInfo tables, %u AMD GOPs\n",
	        t.files, t.nv_versions, t.nv_tokens, t.amd_parts, t.amd_versions, t.names,
	        t.subsystems, t.quotes, t.firmware_info, t.gops);
	cr_expect_geq(t.nv_tokens, 30);
	cr_expect_geq(t.amd_parts, 20);
	cr_expect_geq(t.quotes, 60);
	cr_expect_geq(t.firmware_info, 20);
	cr_expect_geq(t.gops, 26); /* 22 discrete boards' and the 4 APU drivers */
}

/* The APU GOP drivers wrapped by hand (amd/apu_gop_*, AMD's GOP by the
 * corpus notes): vendor-id-mismatch exactly where the PCIR's vendor, read
 * here from the bytes (the u16 at +0x18 points at "PCIR", vendor at +4),
 * is not AMD's 0x1002. */
Test(vendor_corpus, apu_gop_wrappers_with_other_vendor_ids)
{
	static const char *const files[] = {
	    "amd/apu_gop_5700G_AMDGopDriver.rom", "amd/apu_gop_6800H_AMDGopDriver.rom",
	    "amd/apu_gop_7840hs_AMDGopDriver.rom", "amd/apu_gop_9950x3d_AMDGopDriver.rom"};
	size_t flagged = 0, seen = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[1024], err[256];
		uint8_t *data;
		size_t len;
		uint16_t pcir, vendor;
		struct rom_analysis *r;
		const struct finding *f;
		(void)snprintf(path, sizeof(path), "%s/%s", expect_corpus_dir(), files[i]);
		if (rom_load_file(path, &data, &len, err, sizeof(err)) != LOAD_OK) {
			expect_note_skip("[SKIP] %s absent: %s", path, err);
			continue;
		}
		cr_assert_gt(len, 0x20);
		pcir = (uint16_t)(data[0x18] | data[0x19] << 8);
		cr_assert_lt((size_t)pcir + 8, len);
		cr_assert_eq(memcmp(data + pcir, "PCIR", 4), 0, "%s", files[i]);
		vendor = (uint16_t)(data[pcir + 4] | data[pcir + 5] << 8);
		r = rom_analyze(data, len, files[i]);
		free(data);
		cr_assert(r);
		f = find_named(r, "vendor-id-mismatch");
		if (vendor != 0x1002) {
			cr_expect_not_null(f, "%s: PCIR vendor %04x, no finding", files[i], vendor);
			cr_expect(f && f->has_values && f->expected == 0x1002 && f->found == vendor,
			          "%s", files[i]);
			flagged++;
		} else {
			cr_expect_null(f, "%s: %s", files[i], f ? f->message : "");
		}
		seen++;
		rom_analysis_free(r);
	}
	if (seen)
		cr_expect_eq(flagged, 2, "the 5700G and 9950X3D wrappers carry 03ea");
}
