/* analyzer/host.c on a fake sysfs tree: the enable / read / disable
 * sequence driven through its seam (host_set_ops) for success, EIO half-way,
 * an empty or all-0xFF read, a non-root open, a failing disable and a
 * signal during the read; device attributes; the ROM-to-device match. */
#include "analyzer/analyze.h"
#include "analyzer/host.h"
#include "input/sysfs.h"
#include "tests/support/fake_sysfs.h"
#include "tests/support/rom_builder.h"
#include "tests/support/tmpdir.h"
#include "tests/support/vfct_builder.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BDF "0000:01:00.0"

/* What the seam saw: the writes to the rom attribute, in order. */
static char writes[16][8];
static int n_writes, n_reads, fail_read_at, raise_at, fail_write_with;
static int refuse_open_write; /* errno for O_WRONLY opens, 0 none */
static int open_fds;

static int fake_open(const char *path, int flags)
{
	int fd;
	if ((flags & O_ACCMODE) == O_WRONLY && refuse_open_write) {
		errno = refuse_open_write;
		return -1;
	}
	/* The fake attribute is a plain file: never write into it, the
	 * writes are only recorded. */
	fd = open(path, O_RDONLY);
	if (fd >= 0)
		open_fds++;
	return fd;
}

static ssize_t fake_write(int fd, const void *buf, size_t n)
{
	(void)fd;
	if (n_writes < 16) {
		memcpy(writes[n_writes], buf, n < 7 ? n : 7);
		writes[n_writes][n < 7 ? n : 7] = '\0';
	}
	n_writes++;
	if (fail_write_with && n_writes == 2) {
		errno = fail_write_with;
		return -1;
	}
	return (ssize_t)n;
}

static ssize_t fake_read(int fd, void *buf, size_t n)
{
	n_reads++;
	if (raise_at && n_reads == raise_at)
		(void)raise(SIGTERM);
	if (fail_read_at && n_reads == fail_read_at) {
		errno = EIO;
		return -1;
	}
	return read(fd, buf, n);
}

static int fake_close(int fd)
{
	open_fds--;
	return close(fd);
}

static const struct host_ops fake = {fake_open, fake_read, fake_write, fake_close};
static char root[4096];

static void setup(void)
{
	tmp_make("optrom-host");
	(void)snprintf(root, sizeof(root), "%s", tmp_dir());
	n_writes = n_reads = fail_read_at = raise_at = fail_write_with = 0;
	refuse_open_write = 0;
	open_fds = 0;
	memset(writes, 0, sizeof(writes));
	host_set_ops(&fake);
	fs_device(root, BDF, 0x10de, 0x1c02, 0x1462, 0x3285, 0x030000);
}

static void teardown(void)
{
	host_set_ops(NULL);
	tmp_remove();
}

TestSuite(host, .init = setup, .fini = teardown);

static struct host_addr addr(void)
{
	struct host_addr a;
	cr_assert(host_parse_bdf(BDF, &a));
	return a;
}

/* 12 KiB of ROM: several 4 KiB reads. */
static void put_rom(struct rb *b)
{
	rb_init(b);
	rb_add_x86(b, 0x10de, 0x1c02, 24, true);
	fs_attr(root, BDF, "rom", b->data, b->len);
}

static void assert_enable_then_disable(void)
{
	cr_assert_eq(n_writes, 2, "%d writes", n_writes);
	cr_assert_str_eq(writes[0], "1\n");
	cr_assert_str_eq(writes[1], "0\n"); /* pci_write_rom disables on exactly "0\n" */
	cr_assert_eq(open_fds, 0, "descriptors left open: %d", open_fds);
}

Test(host, success)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	put_rom(&b);
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_OK);
	cr_assert_eq(r.len, b.len);
	cr_assert(memcmp(r.data, b.data, b.len) == 0);
	cr_assert(r.enabled && r.disabled);
	assert_enable_then_disable();
	host_read_free(&r);
	rb_free(&b);
}

Test(host, eio_half_way_still_disables)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	put_rom(&b);
	fail_read_at = 2;
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_IO);
	cr_assert_eq(r.err_no, EIO);
	cr_assert_eq(r.len, 4096); /* the first chunk */
	assert_enable_then_disable();
	host_read_free(&r);
	rb_free(&b);
}

Test(host, eio_at_once)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	put_rom(&b);
	fail_read_at = 1;
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_IO);
	cr_assert_eq(r.len, 0);
	assert_enable_then_disable();
	host_read_free(&r);
	rb_free(&b);
}

Test(host, empty_and_all_ff)
{
	struct host_read r;
	struct host_addr a = addr();
	uint8_t ff[1000];
	fs_attr(root, BDF, "rom", "", 0);
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_EMPTY);
	assert_enable_then_disable();
	host_read_free(&r);
	n_writes = 0;
	memset(ff, 0xFF, sizeof(ff));
	fs_attr(root, BDF, "rom", ff, sizeof(ff));
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_ALL_FF);
	cr_assert_eq(r.len, sizeof(ff));
	assert_enable_then_disable();
	host_read_free(&r);
}

Test(host, not_root)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	put_rom(&b);
	refuse_open_write = EACCES;
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_PERMISSION);
	cr_assert_not(r.enabled);
	cr_assert_eq(n_writes, 0); /* nothing enabled, nothing to disable */
	cr_assert_eq(n_reads, 0);
	host_read_free(&r);
	rb_free(&b);
}

Test(host, failing_disable_is_reported)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	put_rom(&b);
	fail_write_with = EBUSY;
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_OK);
	cr_assert(r.enabled);
	cr_assert_not(r.disabled);
	cr_assert_eq(r.disable_errno, EBUSY);
	host_read_free(&r);
	rb_free(&b);
}

Test(host, signal_during_read_disables_and_restores)
{
	struct rb b;
	struct host_read r;
	struct host_addr a = addr();
	struct sigaction before, now;
	cr_assert_eq(sigaction(SIGTERM, NULL, &before), 0);
	put_rom(&b);
	raise_at = 2; /* SIGTERM arrives during the second read */
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_INTERRUPTED);
	cr_assert_eq(r.signal, SIGTERM);
	assert_enable_then_disable();
	cr_assert_lt(n_reads, 4, "the read went on after the signal (%d reads)", n_reads);
	/* The former action (Criterion's or the default) is back. */
	cr_assert_eq(sigaction(SIGTERM, NULL, &now), 0);
	cr_assert(now.sa_handler == before.sa_handler);
	host_read_free(&r);
	rb_free(&b);
}

Test(host, no_device_no_rom)
{
	struct host_read r;
	struct host_addr a = addr(), other;
	cr_assert_eq(host_read_rom(root, &a, &r), HOST_READ_NO_ROM);
	cr_assert_eq(n_writes, 0);
	cr_assert(host_parse_bdf("02:00.0", &other));
	cr_assert_eq(host_read_rom(root, &other, &r), HOST_READ_NO_DEVICE);
}

Test(host, device_attributes)
{
	struct host_device d;
	struct host_addr a = addr();
	char err[512];
	fs_attr(root, BDF, "boot_vga", "1\n", 2);
	fs_driver(root, BDF, "nouveau");
	fs_iommu_group(root, BDF, 14);
	cr_assert(host_device_read(root, &a, &d, err, sizeof(err)), "%s", err);
	cr_assert_eq(d.vendor, 0x10de);
	cr_assert_eq(d.subsystem_device, 0x3285);
	cr_assert_eq(d.class_code, 0x030000);
	cr_assert_eq(d.boot_vga, 1);
	cr_assert_str_eq(d.driver, "nouveau");
	cr_assert_eq(d.iommu_group, 14);
	cr_assert_not(d.has_rom);
	cr_assert_str_eq(d.bdf, BDF);
}

Test(host_bdf, parse)
{
	struct host_addr a;
	char s[16];
	cr_assert(host_parse_bdf("01:00.0", &a));
	host_bdf_str(&a, s, sizeof(s));
	cr_assert_str_eq(s, "0000:01:00.0");
	cr_assert(host_parse_bdf("0001:C5:1f.7", &a));
	host_bdf_str(&a, s, sizeof(s));
	cr_assert_str_eq(s, "0001:c5:1f.7");
	cr_assert_not(host_parse_bdf("01:20.0", &a)); /* device is 5 bits */
	cr_assert_not(host_parse_bdf("01:00.8", &a));
	cr_assert_not(host_parse_bdf("01:00.0x", &a));
	cr_assert_not(host_parse_bdf("1002:73df", &a));
	cr_assert_not(host_parse_bdf("", &a));
}

Test(host_bdf, root_from_option_env_default)
{
	cr_assert_str_eq(host_sysfs_root("/x"), "/x");
	cr_assert_eq(setenv("OPTROM_SYSFS_ROOT", "/fake", 1), 0);
	cr_assert_str_eq(host_sysfs_root(NULL), "/fake");
	cr_assert_eq(unsetenv("OPTROM_SYSFS_ROOT"), 0);
	cr_assert_str_eq(host_sysfs_root(NULL), "/sys");
}

/* The three answers, from ROMs built here: ids in the PCIR, the board in
 * the NVGI container (rom_builder writes subsystem 1028:06d9). */
Test(host_match, answers)
{
	struct rb b;
	struct rom_analysis *r;
	struct host_match_result m;
	struct host_ids d;
	memset(&d, 0, sizeof(d));
	d.vendor = 0x10de;
	d.device = 0x1c02;
	d.class_code = 0x030000;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	r = rom_analyze(b.data, b.len, "plain");
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_SAME_GPU);
	host_match_rom(r, &d, 0x1028, 0x06d9, &m); /* a VFCT image's subsystem */
	cr_assert_eq(m.match, HOST_MATCH_OTHER_BOARD);
	d.subsystem_vendor = 0x1028;
	d.subsystem_device = 0x06d9;
	host_match_rom(r, &d, 0x1028, 0x06d9, &m);
	cr_assert_eq(m.match, HOST_MATCH_EXACT);
	cr_assert_str_eq(m.subsystem_source, "VFCT");
	rom_analysis_free(r);

	rb_prepend_nvgi(&b, 2, 0x400);
	r = rom_analyze(b.data, b.len, "nvgi");
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_EXACT);
	cr_assert_str_eq(m.subsystem_source, "NVGI");
	d.subsystem_device = 0x1234;
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_OTHER_BOARD);
	cr_assert_str_eq(host_match_str(m.match), "same GPU, other board (subsystem differs)");
	d.device = 0x1c03;
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_DIFFERENT);
	cr_assert_str_eq(host_match_str(m.match), "different GPU");
	rom_analysis_free(r);
	rb_free(&b);
}

/* Which ids differ, for the YAML/JSON answer of check --device. */
Test(host_match, differs_names_the_ids)
{
	struct rb b;
	struct rom_analysis *r;
	struct host_match_result m;
	struct host_ids d = {0x10de, 0x1c02, 0x1462, 0x3285, 0x030200};
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	rb_prepend_nvgi(&b, 2, 0x400); /* board 1028:06d9 */
	r = rom_analyze(b.data, b.len, "nvgi");
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_OTHER_BOARD);
	cr_assert_eq(m.image, 0);
	cr_assert_eq(m.differs,
	             HOST_DIFF_SUBSYSTEM_VENDOR | HOST_DIFF_SUBSYSTEM_DEVICE | HOST_DIFF_CLASS);
	d.vendor = 0x1002;
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_DIFFERENT);
	cr_assert(m.differs & HOST_DIFF_VENDOR);
	cr_assert_not(m.differs & HOST_DIFF_DEVICE, "1c02 both: only the vendor differs");
	cr_assert_str_eq(host_diff_name(HOST_DIFF_VENDOR), "vendor");
	cr_assert_str_eq(host_diff_name(HOST_DIFF_SUBSYSTEM_DEVICE), "subsystem_device");
	cr_assert_str_eq(host_diff_name(HOST_DIFF_CLASS), "class");
	cr_assert_null(host_diff_name(HOST_DIFF_ALL));
	cr_assert_str_eq(host_match_key(HOST_MATCH_EXACT), "matches");
	cr_assert_str_eq(host_match_key(HOST_MATCH_SAME_GPU), "same-gpu");
	cr_assert_str_eq(host_match_key(HOST_MATCH_OTHER_BOARD), "other-board");
	cr_assert_str_eq(host_match_key(HOST_MATCH_DIFFERENT), "different-gpu");
	rom_analysis_free(r);
	rb_free(&b);
}

/* A ROM whose own device id differs but whose PCI 3.0 device list holds the
 * card's is for the card; only the same vendor's list counts, and an image
 * whose own id is the card's wins over a list. */
Test(host_match, via_the_device_list)
{
	static const uint16_t list[] = {0x0116, 0x0166, 0x0176};
	struct rb b;
	struct rom_analysis *r;
	struct host_match_result m;
	struct host_ids d = {0x8086, 0x0166, 0x17aa, 0x21fa, 0x030000};
	rb_init(&b);
	rb_add_x86(&b, 0x8086, 0x0106, 2, false);
	rb_device_list(&b, 0, 0x40, list, 3, true);
	rb_add_efi(&b, 0x8086, 0x0106, 2, true);
	r = rom_analyze(b.data, b.len, "intel");
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_SAME_GPU);
	cr_assert(m.via_device_list);
	cr_assert_eq(m.image, 0);
	cr_assert_eq(m.device, 0x0106, "the PCIR's own id, reported as it is");
	cr_assert_eq(m.differs, 0);
	d.device = 0x0126; /* not in the list */
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_DIFFERENT);
	cr_assert_not(m.via_device_list);
	cr_assert_eq(m.differs, HOST_DIFF_DEVICE);
	d.vendor = 0x1002; /* another vendor with a 0166 */
	d.device = 0x0166;
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_DIFFERENT);
	cr_assert_not(m.via_device_list);
	rom_analysis_free(r);
	/* The EFI image names the card itself: it is the one, not the list. */
	rb_put16(&b, 0x400 + 0x1C + 0x06, 0x0166);
	r = rom_analyze(b.data, b.len, "intel2");
	d.vendor = 0x8086;
	host_match_rom(r, &d, 0, 0, &m);
	cr_assert_eq(m.match, HOST_MATCH_SAME_GPU);
	cr_assert_not(m.via_device_list);
	cr_assert_eq(m.image, 1);
	cr_assert_eq(m.device, 0x0166);
	rom_analysis_free(r);
	rb_free(&b);
}

/* The sources host_fetch picks. */
Test(host, fetch_boot_vga_is_a_shadow_copy)
{
	struct rb b;
	struct host_fetch f;
	struct host_addr a = addr();
	char err[512];
	put_rom(&b);
	fs_attr(root, BDF, "boot_vga", "1\n", 2);
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.source, HOST_SOURCE_BAR);
	cr_assert(f.boot_vga_shadow);
	cr_assert_eq(f.len, b.len);
	assert_enable_then_disable();
	host_fetch_free(&f);
	rb_free(&b);
}

static void put_vfct(uint16_t device, struct rb *img)
{
	struct vb v;
	struct vfct_image_header h;
	rb_init(img);
	rb_add_x86(img, 0x1002, device, 2, true);
	vb_init(&v);
	h = vb_header(1, 0, 0, 0x1002, device, img->len);
	vb_add(&v, &h, img->data, img->len);
	vb_finish(&v);
	fs_vfct(root, v.data, v.len);
	vb_free(&v);
}

Test(host, fetch_falls_back_to_vfct_for_amd)
{
	struct rb b, img;
	struct host_fetch f;
	struct host_addr a = addr();
	char err[512];
	fs_device(root, BDF, 0x1002, 0x1636, 0, 0, 0x030000);
	put_rom(&b);
	put_vfct(0x1636, &img);
	fail_read_at = 1; /* EIO: the BAR gives nothing */
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.bar.status, HOST_READ_IO);
	assert_enable_then_disable();
	cr_assert(f.vfct_tried);
	cr_assert_eq(f.source, HOST_SOURCE_VFCT);
	cr_assert_eq(f.len, img.len);
	cr_assert(memcmp(f.data, img.data, img.len) == 0);
	cr_assert_str_eq(f.vfct.member, "01:00.0");
	host_fetch_free(&f);

	/* Without a rom attribute (an APU) the table is the only source. */
	n_writes = 0;
	fail_read_at = 0;
	{
		char p[4200];
		(void)snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/rom", root, BDF);
		cr_assert_eq(unlink(p), 0);
	}
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.bar.status, HOST_READ_NO_ROM);
	cr_assert_eq(n_writes, 0);
	cr_assert_eq(f.source, HOST_SOURCE_VFCT);
	host_fetch_free(&f);
	rb_free(&b);
	rb_free(&img);
}

Test(host, fetch_vfct_without_the_device_says_what_it_holds)
{
	struct rb img;
	struct host_fetch f;
	struct host_addr a = addr();
	char err[512];
	fs_device(root, BDF, 0x1002, 0x73df, 0, 0, 0x030000);
	put_vfct(0x1636, &img);
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.source, HOST_SOURCE_NONE);
	cr_assert(strstr(f.vfct_error, "holds no image for 0000:01:00.0 1002:73df") &&
	              strstr(f.vfct_error, "01:00.0 1002:1636"),
	          "%s", f.vfct_error);
	host_fetch_free(&f);
	rb_free(&img);
}

Test(host, fetch_nvidia_has_no_vfct_fallback)
{
	struct rb b;
	struct host_fetch f;
	struct host_addr a = addr();
	char err[512];
	put_rom(&b);
	fail_read_at = 1;
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.source, HOST_SOURCE_NONE);
	cr_assert_not(f.vfct_tried);
	assert_enable_then_disable();
	host_fetch_free(&f);
	rb_free(&b);
}

Test(host, fetch_interrupted_stops)
{
	struct rb b;
	struct host_fetch f;
	struct host_addr a = addr();
	char err[512];
	fs_device(root, BDF, 0x1002, 0x1636, 0, 0, 0x030000);
	put_rom(&b);
	raise_at = 1;
	cr_assert(host_fetch(root, &a, HOST_WANT_AUTO, &f, err, sizeof(err)), "%s", err);
	cr_assert_eq(f.bar.status, HOST_READ_INTERRUPTED);
	cr_assert_not(f.vfct_tried);
	cr_assert_eq(f.source, HOST_SOURCE_NONE);
	assert_enable_then_disable();
	host_fetch_free(&f);
	rb_free(&b);
}
