/* `optrom fix` end to end: the built binary on real ROMs (the corpus and
 * Debian's iPXE/SeaBIOS ROMs, used in place or copied into a temporary
 * folder, never into the repository) and on variants made from them in
 * memory. Skips visibly when the corpus or the Debian ROMs are absent. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "analyzer/analyze.h"
#include "tests/support/expect.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

extern char **environ;

static char tmp[256];

static void setup(void)
{
	(void)snprintf(tmp, sizeof(tmp), "/tmp/optrom-fix-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[1024];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			(void)chmod(p, 0755);
			rm_tree(p);
		} else {
			(void)unlink(p);
		}
	}
	closedir(d);
	(void)rmdir(path);
}

static void teardown(void)
{
	rm_tree(tmp);
}

TestSuite(fix, .init = setup, .fini = teardown, .timeout = 600);

/* ---- helpers ---------------------------------------------------------- */

static const char *corpus(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("OPTROM_CORPUS");
	struct stat st;
	(void)snprintf(dir, sizeof(dir), "%s", env && *env ? env : OPTROM_DEFAULT_CORPUS);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return dir;
}

#define NEED_CORPUS(var)                                                                           \
	const char *var = corpus();                                                                \
	if (!var)                                                                                  \
	skip_no_corpus()

/* The note is visible without --verbose (expect_note_skip); cr_skip_test
 * marks the test skipped. */
static void skip_no_corpus(void)
{
	const char *dir = getenv("OPTROM_CORPUS") && *getenv("OPTROM_CORPUS")
	                      ? getenv("OPTROM_CORPUS")
	                      : OPTROM_DEFAULT_CORPUS;
	expect_note_skip("corpus folder %s is absent: a corpus test is skipped", dir);
	cr_skip_test("corpus folder %s is absent (set $OPTROM_CORPUS)", dir);
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

#define NEED_FILE(p)                                                                               \
	if (!exists(p))                                                                            \
	cr_skip_test("%s absent (Debian ipxe-qemu / seabios packages not installed)", p)

static bool load(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	*buf = NULL;
	*len = 0;
	if (!f)
		return false;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return false;
	}
	*buf = malloc((size_t)n + 1);
	*len = (size_t)n;
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return false;
	}
	fclose(f);
	return true;
}

static void save(const char *path, const uint8_t *buf, size_t len)
{
	struct rb b = {(uint8_t *)buf, len};
	cr_assert(rb_write_file(&b, path), "cannot write %s", path);
}

/* A path into out, asserting that it fits: a cut path would test another
 * file. */
static void fmt_path(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt_path(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < cap, "path too long for a %zu-byte buffer: %s...", cap,
	          out);
}

static void tpath(char *out, size_t cap, const char *name)
{
	(void)snprintf(out, cap, "%s/%s", tmp, name);
}

struct run {
	int rc;
	char *out;
	char *err;
};

static char *slurp(const char *path)
{
	uint8_t *b;
	size_t n;
	if (!load(path, &b, &n))
		return strdup("");
	b[n] = '\0';
	return (char *)b;
}

/* Runs the binary with args (NULL-terminated, without argv[0]). */
static struct run run_optrom(const char *const *args)
{
	const char *argv[32];
	char po[512], pe[512];
	posix_spawn_file_actions_t fa;
	struct run r = {-1, NULL, NULL};
	pid_t pid;
	int st, n = 0;
	argv[n++] = OPTROM_BINARY;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	tpath(po, sizeof(po), ".stdout");
	tpath(pe, sizeof(pe), ".stderr");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(posix_spawn(&pid, OPTROM_BINARY, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.out = slurp(po);
	r.err = slurp(pe);
	(void)unlink(po);
	(void)unlink(pe);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Files in the temp folder, not counting the captured output. */
static size_t entries(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Independent replay of Linux pci_get_rom_size (formats-nvidia.md 5.2):
 * the length of the standard chain at the start of buf. */
static size_t rom_size(const uint8_t *buf, size_t len)
{
	size_t img = 0;
	for (int guard = 0; guard < 64; guard++) {
		size_t pds, ilen;
		bool last;
		if (img + 0x1A > len || buf[img] != 0x55 || buf[img + 1] != 0xAA)
			break;
		pds = img + (size_t)(buf[img + 0x18] | buf[img + 0x19] << 8);
		if (pds + 0x18 > len || memcmp(buf + pds, "PCIR", 4) != 0)
			break;
		last = (buf[pds + 0x15] & 0x80) != 0;
		ilen = (size_t)(buf[pds + 0x10] | buf[pds + 0x11] << 8) * 512;
		img += ilen;
		if (img >= len || !ilen || last)
			break;
	}
	return img < len ? img : len;
}

/* Every x86 image of the standard chain sums to 0 over size byte x 512, and
 * the walk ends on a last-image flag. */
static void assert_chain_valid(const uint8_t *buf, size_t len, const char *what)
{
	size_t img = 0;
	bool last = false;
	for (int guard = 0; guard < 64 && !last; guard++) {
		size_t pds, ilen;
		cr_assert(img + 0x1A <= len && buf[img] == 0x55 && buf[img + 1] == 0xAA,
		          "%s: no image at 0x%zx", what, img);
		pds = img + (size_t)(buf[img + 0x18] | buf[img + 0x19] << 8);
		cr_assert(pds + 0x18 <= len && memcmp(buf + pds, "PCIR", 4) == 0, "%s", what);
		last = (buf[pds + 0x15] & 0x80) != 0;
		ilen = (size_t)(buf[pds + 0x10] | buf[pds + 0x11] << 8) * 512;
		if (buf[pds + 0x14] == 0) {
			uint8_t s = 0;
			size_t n = (size_t)buf[img + 2] * 512;
			cr_assert(img + n <= len, "%s", what);
			for (size_t i = 0; i < n; i++)
				s = (uint8_t)(s + buf[img + i]);
			cr_assert_eq(s, 0, "%s: x86 image at 0x%zx sums to 0x%02x", what, img, s);
		}
		cr_assert_neq(ilen, 0, "%s", what);
		img += ilen;
	}
	cr_assert(last, "%s: chain does not end on a last-image flag", what);
}

/* Every byte equal except at the listed offsets (which must differ). */
static void assert_same_except(const uint8_t *got, size_t glen, const uint8_t *want, size_t wlen,
                               const size_t *allow, size_t nallow, const char *what)
{
	cr_assert_eq(glen, wlen, "%s: length %zu, expected %zu", what, glen, wlen);
	for (size_t i = 0; i < glen; i++) {
		bool allowed = false;
		for (size_t k = 0; k < nallow; k++)
			allowed |= allow[k] == i;
		if (!allowed)
			cr_assert_eq(got[i], want[i], "%s: byte 0x%zx is 0x%02x, expected 0x%02x",
			             what, i, got[i], want[i]);
	}
}

static void fix_to(const char *in, const char *out_name, const char *extra, int want_rc,
                   uint8_t **obuf, size_t *olen)
{
	char out[512];
	struct run r;
	tpath(out, sizeof(out), out_name);
	const char *args[] = {"fix", in, "-o", out, extra, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, want_rc, "fix %s %s: rc %d\nstdout: %s\nstderr: %s", in,
	             extra ? extra : "", r.rc, r.out, r.err);
	if (obuf)
		cr_assert(load(out, obuf, olen), "%s: no output", in);
	(void)unlink(out);
	run_free(&r);
}

/* ---- corpus ------------------------------------------------------------ */

struct manifest_row {
	char file[256];
	size_t rom_offset;
};

static size_t read_manifest(const char *dir, struct manifest_row *rows, size_t cap)
{
	char path[PATH_MAX], line[8192];
	FILE *f;
	size_t n = 0;
	fmt_path(path, sizeof(path), "%s/MANIFEST.tsv", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f) && n < cap) {
		char *col[12] = {0};
		int c = 0;
		char *save = NULL;
		for (char *t = strtok_r(line, "\t", &save); t && c < 12;
		     t = strtok_r(NULL, "\t", &save))
			col[c++] = t;
		if (c < 10 || strcmp(col[0], "file") == 0 || strncmp(col[9], "0x", 2) != 0)
			continue;
		(void)snprintf(rows[n].file, sizeof(rows[n].file), "%s", col[0]);
		rows[n].rom_offset = (size_t)strtoul(col[9], NULL, 16);
		n++;
	}
	fclose(f);
	return n;
}

Test(fix, corpus_files_with_a_prefix_become_the_rom)
{
	NEED_CORPUS(dir);
	static struct manifest_row rows[128];
	size_t n = read_manifest(dir, rows, 128), done = 0;
	struct rom_analysis *rep = NULL;
	for (size_t i = 0; i < n; i++) {
		char in[PATH_MAX];
		uint8_t *src, *out;
		size_t slen, olen, off = rows[i].rom_offset, allow[REPORT_MAX_IMAGES], nallow = 0;
		if (off == 0)
			continue;
		/* GOPs changed after signing (osslsigncode: digest MISMATCH):
		 * broken, fix refuses them (tests/corpus/test_signature.c). */
		if (strcmp(rows[i].file, "nvidia/maxwell_m4000m_GM204.rom") == 0 ||
		    strcmp(rows[i].file, "nvidia/maxwell_m5000m_GM204.rom") == 0)
			continue;
		if (snprintf(in, sizeof(in), "%s/%s", dir, rows[i].file) >= (int)sizeof(in) ||
		    !load(in, &src, &slen))
			continue;
		/* A checksum the ROM gets wrong may change at its balancing
		 * byte (the two modified Quadro P3000 files): nothing else. */
		rom_analysis_free(rep);
		rep = rom_analyze(src, slen, in);
		cr_assert_not_null(rep);
		for (size_t k = 0; k < rep->chain.n; k++) {
			const struct rom_checksum *c = &rom_chain_node(rep, k)->checksum;
			if (c->present && !c->ok)
				allow[nallow++] = c->fix_offset - off;
		}

		fix_to(in, "out.rom", NULL, 0, &out, &olen);
		assert_same_except(out, olen, src + off, slen - off, allow, nallow, rows[i].file);
		assert_chain_valid(out, olen, rows[i].file);
		free(out);

		fix_to(in, "trim.rom", "--trim", 0, &out, &olen);
		size_t chain = rom_size(src + off, slen - off);
		cr_assert_eq(olen, chain, "%s --trim: %zu bytes, chain is %zu", rows[i].file, olen,
		             chain);
		assert_same_except(out, olen, src + off, chain, allow, nallow, rows[i].file);
		assert_chain_valid(out, olen, rows[i].file);
		cr_assert_eq(rom_size(out, olen), olen);
		free(out);
		free(src);
		done++;
	}
	rom_analysis_free(rep);
	cr_assert_geq(done, 20, "only %zu corpus files with a prefix found", done);
}

Test(fix, gtx1060_nvgi_trimmed_is_the_patched_file)
{
	NEED_CORPUS(dir);
	char in[PATH_MAX], want[PATH_MAX];
	uint8_t *w, *out;
	size_t wlen, olen;
	fmt_path(in, sizeof(in), "%s/nvidia/pascal_gtx1060_GP106_nvgi.rom", dir);
	fmt_path(want, sizeof(want), "%s/nvidia/pascal_gtx1060_GP106_patched.rom", dir);
	cr_assert(load(want, &w, &wlen));
	fix_to(in, "gtx1060.rom", "--trim", 0, &out, &olen);
	cr_assert_eq(olen, wlen);
	cr_assert_eq(memcmp(out, w, wlen), 0);
	free(w);
	free(out);
}

Test(fix, p3000m_bad_size_byte_sum_is_repaired_at_fix_offset)
{
	NEED_CORPUS(dir);
	static const char *files[] = {"nvidia/pascal_p3000m_GP104.rom",
	                              "nvidia/pascal_p3000m_GP104_PWR.rom"};
	for (size_t i = 0; i < 2; i++) {
		char in[PATH_MAX], out[512];
		uint8_t *src, *o;
		size_t slen, olen, allow[1] = {0xfdff - 0xa00};
		struct run r;
		fmt_path(in, sizeof(in), "%s/%s", dir, files[i]);
		cr_assert(load(in, &src, &slen));
		fix_to(in, "p.rom", NULL, 0, &o, &olen);
		assert_same_except(o, olen, src + 0xa00, slen - 0xa00, allow, 1, files[i]);
		cr_assert_neq(o[allow[0]], src[0xfdff]);
		tpath(out, sizeof(out), "p.rom");
		save(out, o, olen);
		const char *args[] = {"check", out, NULL};
		r = run_optrom(args);
		cr_assert_eq(r.rc, 0, "%s: check after fix: %s", files[i], r.out);
		run_free(&r);
		(void)unlink(out);
		free(src);
		free(o);
	}
}

/* Ready ROMs: the corpus's and Debian's. */
static void assert_clean_identical(const char *in)
{
	uint8_t *src, *out;
	size_t slen, olen;
	char o[512];
	struct run r;
	cr_assert(load(in, &src, &slen));
	tpath(o, sizeof(o), "clean.rom");
	const char *args[] = {"fix", in, "-o", o, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s: %s %s", in, r.out, r.err);
	cr_assert_not_null(strstr(r.out, "nothing to fix"), "%s: %s", in, r.out);
	cr_assert(load(o, &out, &olen));
	cr_assert_eq(olen, slen, "%s", in);
	cr_assert_eq(memcmp(out, src, slen), 0, "%s", in);
	(void)unlink(o);
	run_free(&r);
	free(src);
	free(out);
}

static bool is_ready(const char *path)
{
	uint8_t *b;
	size_t n;
	struct rom_analysis *r = NULL;
	bool ok;
	if (!load(path, &b, &n)) {
		rom_analysis_free(r);
		return false;
	}
	r = rom_analyze(b, n, path);
	ok = r && r->verdict == VERDICT_READY;
	free(b);
	rom_analysis_free(r);
	return ok;
}

static size_t for_each_rom(const char *dir, void (*fn)(const char *))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	char p[PATH_MAX];
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 5 || (strcmp(e->d_name + l - 4, ".rom") != 0 &&
		              strcmp(e->d_name + l - 4, ".bin") != 0))
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (!is_ready(p))
			continue;
		fn(p);
		n++;
	}
	closedir(d);
	return n;
}

Test(fix, clean_corpus_roms_come_out_byte_identical)
{
	NEED_CORPUS(dir);
	char sub[PATH_MAX];
	size_t n = 0;
	static const char *kinds[] = {"amd", "nvidia", "other"};
	for (size_t i = 0; i < 3; i++) {
		fmt_path(sub, sizeof(sub), "%s/%s", dir, kinds[i]);
		n += for_each_rom(sub, assert_clean_identical);
	}
	cr_assert_geq(n, 30, "%zu clean corpus ROMs", n);
}

Test(fix, clean_debian_roms_come_out_byte_identical)
{
	size_t n = 0;
	if (!exists("/usr/lib/ipxe/qemu") && !exists("/usr/share/seabios"))
		cr_skip_test("Debian ROMs absent (/usr/lib/ipxe/qemu, /usr/share/seabios)");
	n += for_each_rom("/usr/lib/ipxe/qemu", assert_clean_identical);
	n += for_each_rom("/usr/share/seabios", assert_clean_identical);
	cr_assert_geq(n, 1);
}

/* Seeded random bytes, 0x55 included: the prefix may hold stray 55AA. */
static void random_prefix(struct rb *b, size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
	rb_prepend(b, p, n);
	free(p);
}

static void assert_prefix_stripped(const char *in, const size_t *lens, size_t nlens)
{
	uint8_t *src, *out;
	size_t slen, olen;
	char path[512];
	cr_assert(load(in, &src, &slen));
	tpath(path, sizeof(path), "prefixed.rom");
	for (size_t i = 0; i < nlens; i++) {
		struct rb b;
		rb_init(&b);
		rb_append(&b, src, slen);
		random_prefix(&b, lens[i], (uint32_t)(i + 1));
		save(path, b.data, b.len);
		fix_to(path, "stripped.rom", NULL, 0, &out, &olen);
		cr_assert_eq(olen, slen, "%s behind %zu bytes: %zu bytes out", in, lens[i], olen);
		cr_assert_eq(memcmp(out, src, slen), 0, "%s behind %zu bytes", in, lens[i]);
		free(out);
		rb_free(&b);
	}
	free(src);
}

static const size_t prefix_lens[] = {1,   2,   3,    4,    7,    64,   511,   512,
                                     513, 777, 1024, 4095, 4096, 5000, 0x9201};

Test(fix, debian_roms_behind_random_prefixes)
{
	static const char *roms[] = {
	    "/usr/lib/ipxe/qemu/efi-e1000.rom", "/usr/lib/ipxe/qemu/pxe-virtio.rom",
	    "/usr/lib/ipxe/qemu/efi-rtl8139.rom", "/usr/share/seabios/vgabios-stdvga.bin",
	    "/usr/share/seabios/vgabios-qxl.bin"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(roms) / sizeof(roms[0]); i++) {
		if (!exists(roms[i]))
			continue;
		assert_prefix_stripped(roms[i], prefix_lens,
		                       sizeof(prefix_lens) / sizeof(prefix_lens[0]));
		n++;
	}
	if (n == 0)
		cr_skip_test("Debian ROMs absent");
}

Test(fix, corpus_roms_behind_random_prefixes)
{
	NEED_CORPUS(dir);
	static const char *roms[] = {
	    "amd/polaris_rx580_dell_113-D00904RE-103.rom", "amd/gcn_apu_richland_990e.rom",
	    "nvidia/turing_gtx1650_TU117_stripped.rom", "nvidia/pascal_gtx1060_GP106_patched.rom",
	    "other/ipxe_intel_82579lm_8086-1502.rom"};
	static const size_t lens[] = {3, 512, 1001, 0x4600};
	for (size_t i = 0; i < sizeof(roms) / sizeof(roms[0]); i++) {
		char in[PATH_MAX];
		fmt_path(in, sizeof(in), "%s/%s", dir, roms[i]);
		assert_prefix_stripped(in, lens, sizeof(lens) / sizeof(lens[0]));
	}
}

Test(fix, nvgi_containers_of_each_version_around_a_debian_rom)
{
	static const size_t plen[] = {0x400, 0xA00, 0x4600};
	const char *rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
	uint8_t *src, *out;
	size_t slen, olen;
	char path[512];
	NEED_FILE(rom);
	cr_assert(load(rom, &src, &slen));
	tpath(path, sizeof(path), "nvgi.rom");
	for (unsigned v = 1; v <= 3; v++) {
		struct rb b;
		rb_init(&b);
		rb_append(&b, src, slen);
		rb_prepend_nvgi(&b, v, plen[v - 1]);
		save(path, b.data, b.len);
		fix_to(path, "out.rom", NULL, 0, &out, &olen);
		cr_assert_eq(olen, slen, "v%u", v);
		cr_assert_eq(memcmp(out, src, slen), 0, "v%u", v);
		free(out);
		rb_free(&b);
	}
	free(src);
}

/* ---- repairs ----------------------------------------------------------- */

struct flip_case {
	const char *path; /* absolute, or relative to the corpus */
	bool in_corpus;
	size_t flip;
	long fix; /* expected balancing byte, -1: the image's last byte */
};

static void check_flip(const char *path, size_t flip, long fix)
{
	uint8_t *src, *out;
	size_t slen, olen, allow[2];
	char in[512];
	cr_assert(load(path, &src, &slen));
	if (fix < 0)
		fix = (long)src[2] * 512 - 1;
	tpath(in, sizeof(in), "flipped.rom");
	src[flip] ^= 0x5A;
	save(in, src, slen);
	src[flip] ^= 0x5A;
	fix_to(in, "repaired.rom", NULL, 0, &out, &olen);
	allow[0] = flip;
	allow[1] = (size_t)fix;
	assert_same_except(out, olen, src, slen, allow, 2, path);
	cr_assert_eq(out[flip], (uint8_t)(src[flip] ^ 0x5A));
	assert_chain_valid(out, olen, path);
	free(src);
	free(out);
}

Test(fix, flipped_byte_in_each_x86_image_is_repaired_at_the_producers_byte)
{
	static const struct flip_case cases[] = {
	    {"/usr/lib/ipxe/qemu/pxe-e1000.rom", false, 0x400, 0x06},      /* iPXE */
	    {"/usr/lib/ipxe/qemu/efi-virtio.rom", false, 0x400, 0x06},     /* iPXE, x86 of 2 */
	    {"/usr/share/seabios/vgabios-stdvga.bin", false, 0x400, 0x06}, /* SeaBIOS */
	    {"amd/polaris_rx580_dell_113-D00904RE-103.rom", true, 0x400, 0x21},
	    {"amd/navi10_rx5700xt_113-D19901-XT.rom", true, 0x400, 0x21},
	    {"nvidia/turing_gtx1650_TU117_stripped.rom", true, 0x400, -1},
	    {"other/intel_hd_8086-0106_x230t_vbios.rom", true, 0x400, -1},
	};
	const char *dir = corpus();
	size_t done = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char p[PATH_MAX];
		if (cases[i].in_corpus && !dir)
			continue;
		fmt_path(p, sizeof(p), "%s%s%s", cases[i].in_corpus ? dir : "",
		         cases[i].in_corpus ? "/" : "", cases[i].path);
		if (!exists(p))
			continue;
		check_flip(p, cases[i].flip, cases[i].fix);
		done++;
	}
	if (done == 0)
		cr_skip_test("neither the corpus nor the Debian ROMs are present");
}

Test(fix, flipped_byte_in_an_efi_image_changes_nothing)
{
	const char *rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
	uint8_t *src, *out;
	size_t slen, olen, efi;
	char in[512];
	NEED_FILE(rom);
	cr_assert(load(rom, &src, &slen));
	efi = rom_size(src, slen) > (size_t)src[2] * 512 ? (size_t)src[2] * 512 : 0;
	cr_assert_neq(efi, 0);
	src[efi + 0x200] ^= 0x01;
	tpath(in, sizeof(in), "efi-flip.rom");
	save(in, src, slen);
	fix_to(in, "out.rom", NULL, 0, &out, &olen);
	cr_assert_eq(olen, slen);
	cr_assert_eq(memcmp(out, src, slen), 0, "the legacy image must not be touched");
	free(src);
	free(out);
}

static size_t pcir_of(const uint8_t *b, size_t img)
{
	return img + (size_t)(b[img + 0x18] | b[img + 0x19] << 8);
}

Test(fix, cleared_last_image_flag_is_set)
{
	const char *rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
	uint8_t *src, *out;
	size_t slen, olen, efi, ind, allow[1];
	char in[512];
	struct rb b;
	NEED_FILE(rom);
	cr_assert(load(rom, &src, &slen));
	efi = (size_t)(src[pcir_of(src, 0) + 0x10] | src[pcir_of(src, 0) + 0x11] << 8) * 512;
	ind = pcir_of(src, efi) + 0x15;
	cr_assert(src[ind] & 0x80);
	rb_init(&b);
	rb_append(&b, src, slen);
	rb_append_fill(&b, 1024, 0xFF);
	b.data[ind] &= 0x7F;
	tpath(in, sizeof(in), "noflag.rom");
	save(in, b.data, b.len);
	b.data[ind] |= 0x80;
	fix_to(in, "out.rom", NULL, 0, &out, &olen);
	allow[0] = ind;
	assert_same_except(out, olen, b.data, b.len, allow, 0, rom);
	rb_free(&b);
	free(src);
	free(out);
}

Test(fix, set_id_on_a_two_image_rom)
{
	const char *rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
	uint8_t *src, *out;
	size_t slen, olen, efi, allow[5];
	struct rom_analysis *r = NULL;
	NEED_FILE(rom);
	cr_assert(load(rom, &src, &slen));
	efi = (size_t)(src[pcir_of(src, 0) + 0x10] | src[pcir_of(src, 0) + 0x11] << 8) * 512;
	fix_to(rom, "id.rom", "--set-id=10de:1b81", 0, &out, &olen);
	allow[0] = pcir_of(src, 0) + 4;
	allow[1] = pcir_of(src, 0) + 5;
	allow[2] = pcir_of(src, 0) + 6;
	allow[3] = pcir_of(src, 0) + 7;
	allow[4] = 0x06; /* iPXE's checksum byte */
	/* the EFI image's id bytes also change */
	for (size_t i = 0; i < olen; i++) {
		bool ok = false;
		for (size_t k = 0; k < 5; k++)
			ok |= allow[k] == i;
		ok |= i >= pcir_of(src, efi) + 4 && i < pcir_of(src, efi) + 8;
		if (!ok)
			cr_assert_eq(out[i], src[i], "byte 0x%zx changed", i);
	}
	r = rom_analyze(out, olen, "id.rom");
	cr_assert_not_null(r);
	cr_assert_eq(r->verdict, VERDICT_READY);
	cr_assert_eq(r->chain.n, 2);
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(rom_node_of(r, &r->chain.images[i])->pcir.vendor_id, 0x10de);
		cr_assert_eq(rom_node_of(r, &r->chain.images[i])->pcir.device_id, 0x1b81);
	}
	assert_chain_valid(out, olen, rom);
	rom_analysis_free(r);
	free(src);
	free(out);
}

/* ---- failures and safety ---------------------------------------------- */

static void assert_fails(const char *in, const char *out, int want_rc, const char *what)
{
	size_t before = entries();
	const char *args[] = {"fix", in, "-o", out, NULL};
	struct run r = run_optrom(args);
	cr_assert_eq(r.rc, want_rc, "%s: rc %d, stderr %s", what, r.rc, r.err);
	cr_assert_neq(r.err[0], '\0', "%s: no reason given", what);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "%s: not one line: %s", what,
	             r.err);
	cr_assert_eq(entries(), before, "%s: a file was written", what);
	run_free(&r);
}

Test(fix, roms_that_cannot_be_made_ready_write_nothing)
{
	char in[512], out[512];
	struct rb b;
	tpath(out, sizeof(out), "never.rom");
	rb_init(&b);
	rb_append_fill(&b, 65536, 0xFF);
	tpath(in, sizeof(in), "ff.rom");
	save(in, b.data, b.len);
	assert_fails(in, out, 3, "all 0xFF");
	rb_free(&b);
	if (exists("/usr/share/seabios/vgabios-isavga.bin"))
		assert_fails("/usr/share/seabios/vgabios-isavga.bin", out, 3, "ISA ROM");
	if (exists("/usr/lib/ipxe/qemu/efi-e1000.rom")) {
		uint8_t *src;
		size_t slen;
		cr_assert(load("/usr/lib/ipxe/qemu/efi-e1000.rom", &src, &slen));
		tpath(in, sizeof(in), "cut.rom");
		save(in, src, slen - 3000);
		assert_fails(in, out, 3, "truncated");
		free(src);
	}
}

Test(fix, usage_and_io_errors_exit_2_and_write_nothing)
{
	char in[512], out[1100], ro[512];
	struct rb b;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	rb_prepend_pattern(&b, 100, 1);
	tpath(in, sizeof(in), "in.rom");
	save(in, b.data, b.len);
	tpath(out, sizeof(out), "missing.rom");
	assert_fails(out, out, 2, "missing input");
	tpath(out, sizeof(out), "no/such/dir/x.rom");
	assert_fails(in, out, 2, "missing output folder");
	/* existing OUT: kept as it was */
	tpath(out, sizeof(out), "exists.rom");
	save(out, (const uint8_t *)"keep", 4);
	assert_fails(in, out, 2, "existing OUT");
	{
		uint8_t *k;
		size_t kl;
		cr_assert(load(out, &k, &kl));
		cr_assert(kl == 4 && memcmp(k, "keep", 4) == 0);
		free(k);
	}
	const char *force[] = {"fix", in, "-o", out, "--force", NULL};
	struct run r = run_optrom(force);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	run_free(&r);
	/* -o IN is refused: --in-place is the way to replace the input */
	assert_fails(in, in, 2, "OUT is IN");
	if (geteuid() != 0) {
		tpath(ro, sizeof(ro), "ro");
		cr_assert_eq(mkdir(ro, 0555), 0);
		(void)snprintf(out, sizeof(out), "%s/x.rom", ro);
		assert_fails(in, out, 2, "read-only folder");
	} else {
		/* Root writes through permission bits, but sysfs refuses new
		 * files even to root: the same "cannot create a file in the
		 * folder" path as a read-only folder. */
		struct stat st;
		assert_fails(in, "/sys/optrom-test.rom", 2, "unwritable folder /sys");
		cr_expect_neq(stat("/sys/optrom-test.rom", &st), 0);
	}
	rb_free(&b);
}

/* A path that does not fit is refused with one line naming it: exit 2,
 * nothing written (no temporary file either), never a shorter path. */
static void assert_path_refused(const char *const *args, const char *named, const char *what)
{
	size_t before = tmp_count_entries(tmp);
	struct run r = run_optrom(args);
	cr_assert_eq(r.rc, 2, "%s: rc %d, stderr %.300s", what, r.rc, r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "%s: not one line: %.300s",
	             what, r.err);
	cr_assert_not_null(strstr(r.err, "too long"), "%s: %.300s", what, r.err);
	cr_assert_not_null(strstr(r.err, named), "%s: the path is not named: %.300s", what, r.err);
	cr_assert_eq(tmp_count_entries(tmp), before, "%s: a file was written", what);
	run_free(&r);
}

/* "tmp/././.../name", len bytes long (len - strlen(tmp) - strlen(name) - 1
 * rounded down to "/." pairs): a long path to a folder that exists. */
static void long_path(char *out, size_t len, const char *name)
{
	size_t n = (size_t)snprintf(out, len + 1, "%s", tmp);
	while (n + 2 + 1 + strlen(name) <= len) {
		memcpy(out + n, "/.", 2);
		n += 2;
	}
	(void)snprintf(out + n, len + 1 - n, "/%s", name);
}

Test(fix, over_long_paths_are_refused_and_write_nothing)
{
	char in[512], *out = malloc(PATH_MAX + 200), *lin = malloc(PATH_MAX);
	struct rb b;
	size_t n;
	cr_assert(out && lin);
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	rb_prepend_pattern(&b, 100, 1);
	tpath(in, sizeof(in), "in.rom");
	save(in, b.data, b.len);
	/* -o OUT over PATH_MAX */
	n = (size_t)snprintf(out, PATH_MAX + 200, "%s/", tmp);
	memset(out + n, 'a', PATH_MAX + 100 - n);
	out[PATH_MAX + 100] = '\0';
	const char *a1[] = {"fix", in, "-o", out, NULL};
	assert_path_refused(a1, out, "OUT over PATH_MAX");
	/* OUT fits and its folder exists, but the temporary name beside it
	 * (".o.rom.tmp-XXXXXX") would be over PATH_MAX */
	long_path(out, PATH_MAX - 2, "o.rom");
	const char *a2[] = {"fix", in, "-o", out, NULL};
	assert_path_refused(a2, out, "temporary name over PATH_MAX");
	/* --in-place: IN fits, IN.bak would not; IN is left as it was */
	long_path(lin, PATH_MAX - 2, "in.rom");
	const char *a3[] = {"fix", "--in-place", lin, NULL};
	assert_path_refused(a3, lin, ".bak over PATH_MAX");
	{
		uint8_t *k;
		size_t kl;
		cr_assert(load(in, &k, &kl));
		cr_assert(kl == b.len && memcmp(k, b.data, kl) == 0, "IN was changed");
		free(k);
	}
	rb_free(&b);
	free(out);
	free(lin);
}

Test(fix, in_place_keeps_a_correct_bak_and_is_idempotent)
{
	char in[512], bak[600];
	struct rb b, rom;
	uint8_t *got;
	size_t glen;
	struct run r;
	rb_init(&rom);
	rb_add_x86(&rom, 0x8086, 0x100e, 4, false);
	rb_add_efi(&rom, 0x8086, 0x100e, 4, true);
	rb_init(&b);
	rb_append(&b, rom.data, rom.len);
	rb_prepend_nvgi(&b, 2, 0xA00);
	tpath(in, sizeof(in), "card.rom");
	(void)snprintf(bak, sizeof(bak), "%s.bak", in);
	save(in, b.data, b.len);
	const char *args[] = {"fix", "--in-place", in, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	run_free(&r);
	cr_assert(load(bak, &got, &glen));
	cr_assert(glen == b.len && memcmp(got, b.data, b.len) == 0, ".bak is not the original");
	free(got);
	cr_assert(load(in, &got, &glen));
	cr_assert(glen == rom.len && memcmp(got, rom.data, rom.len) == 0);
	free(got);
	/* again: nothing to do, nothing touched */
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "nothing to fix"));
	run_free(&r);
	cr_assert(load(bak, &got, &glen));
	cr_assert(glen == b.len && memcmp(got, b.data, b.len) == 0);
	free(got);
	rb_free(&b);
	rb_free(&rom);
}

Test(fix, dry_run_prints_the_plan_and_writes_nothing)
{
	char in[512];
	struct rb b;
	struct run r;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	b.data[0x100] ^= 0x11;
	rb_prepend_pattern(&b, 0x123, 5);
	tpath(in, sizeof(in), "card.rom");
	save(in, b.data, b.len);
	const char *args[] = {"fix", "--dry-run", in, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "strip  0x0..0x123"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "edit   0x922 (output 0x7ff) checksum"), "%s", r.out);
	cr_assert_eq(entries(), 1, "dry run wrote a file");
	run_free(&r);
	rb_free(&b);
}

Test(fix, success_prints_the_next_steps)
{
	char in[512], abs[PATH_MAX], want[PATH_MAX + 64];
	struct rb b;
	struct run r;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	rb_prepend_pattern(&b, 0x40, 5);
	tpath(in, sizeof(in), "card.rom");
	save(in, b.data, b.len);
	const char *args[] = {"fix", in, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_not_null(realpath(tmp, abs));
	(void)snprintf(want, sizeof(want), "Wrote %s/card.fixed.rom", abs);
	cr_assert_not_null(strstr(r.out, want), "%s", r.out);
	cr_assert_not_null(
	    strstr(r.out, "hostpci0: 0000:01:00.0,pcie=1,x-vga=1,romfile=card.fixed.rom"));
	cr_assert_not_null(strstr(r.out, "/usr/share/kvm/"));
	(void)snprintf(want, sizeof(want), "<rom file='%s/card.fixed.rom'/>", abs);
	cr_assert_not_null(strstr(r.out, want), "%s", r.out);
	run_free(&r);
	rb_free(&b);
}

static bool yaml_parses(const char *text)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool ok = true, done = false;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	while (ok && !done) {
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

Test(fix, yaml_plan_is_valid_yaml_with_every_edit)
{
	char in[512], out[512];
	struct rb b;
	struct run r;
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x100e, 4, true);
	b.data[0x100] ^= 0x11;
	rb_prepend_nvgi(&b, 1, 0x400);
	tpath(in, sizeof(in), "card.rom");
	tpath(out, sizeof(out), "o.rom");
	save(in, b.data, b.len);
	const char *args[] = {"fix", "--format", "yaml", in, "-o", out, NULL};
	r = run_optrom(args);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(yaml_parses(r.out), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "kind: \"checksum\""), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "offset: 0xbff"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "libvirt:"), "%s", r.out);
	run_free(&r);
	rb_free(&b);
	/* a failure is YAML too */
	const char *bad[] = {"fix", "--format", "yaml", "/dev/null", NULL};
	r = run_optrom(bad);
	cr_assert_eq(r.rc, 2);
	run_free(&r);
}

Test(fix, help_documents_the_exit_codes)
{
	const char *args[] = {"fix", "--help", NULL};
	struct run r = run_optrom(args);
	cr_assert_eq(r.rc, 0);
	cr_assert_not_null(strstr(r.out, "Exit status"));
	cr_assert_not_null(strstr(r.out, "  3  the ROM cannot be made ready"));
	run_free(&r);
}
