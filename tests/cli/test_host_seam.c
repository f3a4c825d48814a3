/* optrom dump's failures end to end, on the binary: optrom_seam is the
 * optrom binary's own objects plus tests/seam/sysfs_seam.c, which sets the
 * sysfs seam (input/sysfs.h) from the environment, over a fake sysfs tree
 * (--sysfs-root). The rom attribute is a plain file the seam reads; every
 * open, write and close of it is logged (OPTROM_SEAM_LOG), so each test
 * sees the sequence: enable ("1\n"), read, disable ("0\n"), each descriptor
 * closed. What a plain file cannot give comes from the seam: a refused
 * open (not root: these tests run as root, whom mode bits do not stop),
 * EIO at once or half-way, a failing disable, a signal while a read waits
 * (a real SIGINT or SIGTERM sent by the test). The plain binary on a plain
 * attribute is tests/cli/test_host_cli.c. */
#include "tests/support/fake_sysfs.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/vfct_builder.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef OPTROM_SEAM_BINARY
#error "the test build defines OPTROM_SEAM_BINARY"
#endif

#define NV  "0000:01:00.0" /* NVIDIA, nvidia driver bound, a 12 KiB ROM */
#define AMD "0000:03:00.0" /* AMD dGPU, amdgpu bound, its image in the VFCT table */

/* What a whole enable / read / disable leaves in the log. */
#define WHOLE_SEQUENCE "open-w\n1\nclose\nopen-r\nclose\nopen-w\n0\nclose\n"

static char root[4096], seam_logf[4200];
static struct rb nv_rom, amd_rom;

static void setup(void)
{
	struct vb v;
	struct vfct_image_header h;
	tmp_make("optrom-seam");
	(void)snprintf(root, sizeof(root), "%s/sys", tmp_dir());
	(void)snprintf(seam_logf, sizeof(seam_logf), "%s/seam.log", tmp_dir());
	fs_device(root, NV, 0x10de, 0x1c02, 0x1462, 0x3285, 0x030000);
	fs_driver(root, NV, "nvidia");
	rb_init(&nv_rom);
	rb_add_x86(&nv_rom, 0x10de, 0x1c02, 24, true); /* 12 KiB: three 4 KiB reads */
	fs_attr(root, NV, "rom", nv_rom.data, nv_rom.len);
	fs_device(root, AMD, 0x1002, 0x73df, 0x148c, 0x2409, 0x030000);
	fs_driver(root, AMD, "amdgpu");
	rb_init(&amd_rom);
	rb_add_x86(&amd_rom, 0x1002, 0x73df, 3, true);
	fs_attr(root, AMD, "rom", amd_rom.data, amd_rom.len);
	vb_init(&v);
	h = vb_header(3, 0, 0, 0x1002, 0x73df, amd_rom.len);
	vb_add(&v, &h, amd_rom.data, amd_rom.len);
	vb_finish(&v);
	fs_vfct(root, v.data, v.len);
	vb_free(&v);
	cr_assert_eq(setenv("OPTROM_SEAM_LOG", seam_logf, 1), 0);
	cr_assert_eq(unsetenv("OPTROM_SEAM"), 0);
}

static void teardown(void)
{
	rb_free(&nv_rom);
	rb_free(&amd_rom);
	tmp_remove();
}

TestSuite(host_seam, .init = setup, .fini = teardown, .timeout = 120);

/* optrom_seam dump BDF -o OUT, with the seam's modes. */
static void dump(struct run_result *r, const char *modes, const char *bdf, const char *out)
{
	char *argv[] = {(char *)OPTROM_SEAM_BINARY,
	                (char *)"dump",
	                (char *)bdf,
	                (char *)"--sysfs-root",
	                root,
	                (char *)"-o",
	                (char *)out,
	                NULL};
	cr_assert_eq(modes ? setenv("OPTROM_SEAM", modes, 1) : unsetenv("OPTROM_SEAM"), 0);
	cr_assert(run_argv(argv, r));
}

/* The temporary folder's entries, for a failure message. */
static const char *listing(void)
{
	static char buf[1024];
	size_t n = 0;
	DIR *d = opendir(tmp_dir());
	struct dirent *e;
	buf[0] = '\0';
	while (d && (e = readdir(d)) != NULL && n + 256 < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s ", e->d_name);
	if (d)
		closedir(d);
	return buf;
}

/* The seam's log: the sequence on the rom attribute. */
static char *seam_log(void)
{
	size_t n;
	char *s = (char *)tmp_read_file(seam_logf, &n);
	if (!s)
		return strdup("");
	s[n] = '\0';
	return s;
}

static void assert_log(const char *want)
{
	char *got = seam_log();
	cr_assert_str_eq(got, want);
	free(got);
}

/* The seam itself: without a mode, a dump reads the whole ROM, writes
 * "1\n" then "0\n", and closes every descriptor. */
Test(host_seam, success_enables_reads_disables)
{
	struct run_result r;
	uint8_t *got;
	size_t n;
	dump(&r, NULL, NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 12288 bytes (ok), disabled again"), "%s", r.out);
	assert_log(WHOLE_SEQUENCE);
	got = tmp_read_file(tmp_path("nv.rom"), &n);
	cr_assert(got && n == nv_rom.len && memcmp(got, nv_rom.data, n) == 0);
	free(got);
	run_free(&r);
}

/* A user who is not root cannot open the attribute for writing: nothing
 * was enabled, so nothing to disable; sudo is named. */
Test(host_seam, not_root)
{
	struct run_result r;
	dump(&r, "refuse-write=13", NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "not allowed (Permission denied): reading a ROM through sysfs "
	                        "needs root. Run: sudo optrom dump " NV "\n"),
	          "%s", r.out);
	cr_assert_null(strstr(r.out, "enabled"), "%s", r.out);
	cr_assert(strstr(r.err, "optrom dump: " NV ": no usable ROM could be read; nothing "
	                        "written\n"),
	          "%s", r.err);
	cr_assert_eq(run_count_lines(r.err), 1, "%s", r.err);
	cr_assert_eq(access(tmp_path("nv.rom"), F_OK), -1);
	assert_log("open-w\n"); /* refused: no write, nothing to close */
	run_free(&r);
}

/* EIO at the first read: the bound driver keeps the BAR off; the commands
 * to unbind it or bind vfio-pci, with this device's address. */
Test(host_seam, eio_driver_keeps_the_bar_off)
{
	struct run_result r;
	dump(&r, "eio-at=1", NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 0 bytes (io-error), disabled again"), "%s", r.out);
	cr_assert(strstr(r.out, "the read failed with \"Input/output error\": the kernel found no "
	                        "ROM image behind the\n  BAR"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "The bound driver (nvidia) most likely keeps the ROM BAR off."),
	          "%s", r.out);
	cr_assert(strstr(r.out, "    echo " NV " > /sys/bus/pci/devices/" NV "/driver/unbind\n"
	                        "    echo vfio-pci > /sys/bus/pci/devices/" NV "/driver_override\n"
	                        "    echo " NV " > /sys/bus/pci/drivers_probe\n"
	                        "    sudo optrom dump " NV "\n"),
	          "%s", r.out);
	cr_assert_eq(access(tmp_path("nv.rom"), F_OK), -1);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* EIO with no driver bound: nothing keeps the BAR off, so there is no ROM
 * behind it; for NVIDIA, nvagetbios reads the chip. */
Test(host_seam, eio_without_a_driver)
{
	struct run_result r;
	char link[4200];
	(void)snprintf(link, sizeof(link), "%s/bus/pci/devices/" NV "/driver", root);
	cr_assert_eq(unlink(link), 0);
	dump(&r, "eio-at=1", NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "No driver is bound, which leaves the BAR alone: most likely there "
	                        "is no ROM behind\n  it"),
	          "%s", r.out);
	cr_assert_null(strstr(r.out, "vfio-pci"), "%s", r.out);
	cr_assert(strstr(r.out, "nvagetbios -s prom > card.rom; then optrom check card.rom"), "%s",
	          r.out);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* EIO half-way (after one 4 KiB chunk): disabled all the same, nothing
 * written, not even the part read. */
Test(host_seam, eio_half_way)
{
	struct run_result r;
	dump(&r, "eio-at=2", NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 4096 bytes (io-error), disabled again"), "%s",
	          r.out);
	cr_assert(strstr(r.out, "the read stopped with \"Input/output error\" after 4096 bytes"),
	          "%s", r.out);
	cr_assert_eq(access(tmp_path("nv.rom"), F_OK), -1);
	cr_assert_eq(tmp_count_entries(tmp_dir()), 2, "sys, seam.log and nothing else: %s",
	             listing());
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* An empty read and an all-0xFF read: no ROM chip; the video BIOS is the
 * system firmware's. */
Test(host_seam, empty_and_all_ff)
{
	struct run_result r;
	uint8_t ff[4096];
	fs_attr(root, NV, "rom", "", 0);
	dump(&r, NULL, NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 0 bytes (empty), disabled again"), "%s", r.out);
	cr_assert(strstr(r.out, "the read gave 0 bytes: there is no ROM chip behind the BAR; the "
	                        "video BIOS\n  lives in the system firmware (common on laptops "
	                        "and APUs)."),
	          "%s", r.out);
	cr_assert(strstr(r.out, "nvagetbios -s prom"), "%s", r.out);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
	cr_assert_eq(unlink(seam_logf), 0);
	memset(ff, 0xFF, sizeof(ff));
	fs_attr(root, NV, "rom", ff, sizeof(ff));
	dump(&r, NULL, NV, tmp_path("nv.rom"));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 4096 bytes (all-ff), disabled again"), "%s", r.out);
	cr_assert(strstr(r.out, "the read gave only 0xFF bytes: there is no ROM chip"), "%s",
	          r.out);
	cr_assert_eq(access(tmp_path("nv.rom"), F_OK), -1);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* The boot VGA device: the read is the firmware's shadow copy; for AMD the
 * way out is the VFCT copy. */
Test(host_seam, boot_vga_amd)
{
	struct run_result r;
	fs_attr(root, AMD, "boot_vga", "1\n", 2);
	dump(&r, NULL, AMD, tmp_path("amd.rom"));
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "source   ROM BAR through "), "%s", r.out);
	cr_assert(strstr(r.out, "warning  " AMD " is the boot VGA device (boot_vga=1): the kernel "
	                        "gives the shadow\n"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "or read the VFCT copy: --source vfct"), "%s", r.out);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
	/* Then as it says: --source vfct never touches the rom attribute, and
	 * --force replaces the shadow copy's file. */
	cr_assert_eq(unlink(seam_logf), 0);
	{
		char *argv[] = {(char *)OPTROM_SEAM_BINARY,
		                (char *)"dump",
		                (char *)AMD,
		                (char *)"--source",
		                (char *)"vfct",
		                (char *)"--force",
		                (char *)"--sysfs-root",
		                root,
		                (char *)"-o",
		                (char *)tmp_path("amd.rom"),
		                NULL};
		cr_assert(run_argv(argv, &r));
	}
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "source   ACPI VFCT table "), "%s", r.out);
	cr_assert_null(strstr(r.out, "boot VGA"), "%s", r.out);
	assert_log("");
	run_free(&r);
}

/* --source bar: no VFCT fallback, even for AMD. */
Test(host_seam, source_bar_only)
{
	struct run_result r;
	char *argv[] = {(char *)OPTROM_SEAM_BINARY,
	                (char *)"dump",
	                (char *)AMD,
	                (char *)"--source",
	                (char *)"bar",
	                (char *)"--sysfs-root",
	                root,
	                (char *)"-o",
	                (char *)tmp_path("amd.rom"),
	                NULL};
	cr_assert_eq(setenv("OPTROM_SEAM", "eio-at=1", 1), 0);
	cr_assert(run_argv(argv, &r));
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "VFCT"), "%s", r.out);
	cr_assert_eq(access(tmp_path("amd.rom"), F_OK), -1);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* An AMD device whose BAR read fails: the VFCT table's image for it, named
 * as the source; the ROM was disabled before the table was read. */
Test(host_seam, eio_then_vfct_for_amd)
{
	struct run_result r;
	uint8_t *got;
	size_t n;
	dump(&r, "eio-at=1", AMD, tmp_path("amd.rom"));
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 0 bytes (io-error), disabled again"), "%s", r.out);
	cr_assert(strstr(r.out, "The bound driver (amdgpu) most likely keeps the ROM BAR off."),
	          "%s", r.out);
	cr_assert(strstr(r.out, "source   ACPI VFCT table "), "%s", r.out);
	cr_assert(strstr(r.out, "image for 03:00.0"), "%s", r.out);
	got = tmp_read_file(tmp_path("amd.rom"), &n);
	cr_assert(got && n == amd_rom.len && memcmp(got, amd_rom.data, n) == 0);
	free(got);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* The disable write fails: said on stderr with the command to run. */
Test(host_seam, failing_disable_is_said)
{
	struct run_result r;
	dump(&r, "fail-write=2", NV, tmp_path("nv.rom"));
	cr_assert(strstr(r.out, "enabled, read 12288 bytes (ok), DISABLING FAILED"), "%s", r.out);
	cr_assert(strstr(r.err, "writing \"0\" to disable the ROM failed: Input/output error; run: "
	                        "echo 0 > "),
	          "%s", r.err);
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

/* A real signal while a read waits: the ROM is disabled, nothing is
 * written, the exit status is 128 + the signal. */
static void interrupted(int sig)
{
	char *argv[] = {(char *)OPTROM_SEAM_BINARY,
	                (char *)"dump",
	                (char *)NV,
	                (char *)"--sysfs-root",
	                root,
	                (char *)"-o",
	                (char *)tmp_path("nv.rom"),
	                NULL};
	char marker[4300], want[128];
	struct run_child c;
	struct run_result r;
	struct timespec ms = {0, 10 * 1000 * 1000};
	(void)snprintf(marker, sizeof(marker), "%s.reading", seam_logf);
	cr_assert_eq(setenv("OPTROM_SEAM", "block-at=2", 1), 0); /* after one 4 KiB chunk */
	cr_assert(run_start(argv, NULL, &c));
	for (int i = 0; i < 1000 && access(marker, F_OK) != 0; i++)
		(void)nanosleep(&ms, NULL);
	cr_assert_eq(access(marker, F_OK), 0, "the read never started");
	cr_assert_eq(kill(c.pid, sig), 0);
	run_wait(&c, &r);
	cr_assert_eq(r.status, 128 + sig, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "enabled, read 4096 bytes (interrupted), disabled again"), "%s",
	          r.out);
	(void)snprintf(want, sizeof(want),
	               "optrom dump: " NV ": interrupted by signal %d; the ROM was disabled "
	               "again; nothing written\n",
	               sig);
	cr_assert_str_eq(r.err, want);
	cr_assert_eq(access(tmp_path("nv.rom"), F_OK), -1);
	cr_assert_eq(unlink(marker), 0);
	cr_assert_eq(tmp_count_entries(tmp_dir()), 2, "sys, seam.log and nothing else: %s",
	             listing());
	assert_log(WHOLE_SEQUENCE);
	run_free(&r);
}

Test(host_seam, sigint_during_the_read)
{
	interrupted(SIGINT);
}

Test(host_seam, sigterm_during_the_read)
{
	interrupted(SIGTERM);
}
