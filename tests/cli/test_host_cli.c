/* optrom dump, match, devices, check --device and the VFCT input, end to
 * end on the built binary, over a fake sysfs tree made here (the ROMs and
 * VFCT tables are synthetic: tests/support/rom_builder.c, vfct_builder.c).
 * The enable/read/disable sequence's failures (EIO, empty, not root, a
 * signal) are driven through its seam in tests/unit/test_host.c and, on the
 * binary, in tests/cli/test_host_seam.c; here the binary's real calls on a
 * fake rom attribute (a plain file it writes "1\n" and "0\n" into), the
 * VFCT fallback, the explanations, the listing and the matching. */
#include "tests/support/bytes.h"
#include "tests/support/fake_sysfs.h"
#include "tests/support/rom_builder.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"
#include "tests/support/vfct_builder.h"
#include "tests/support/ydoc.h"
#include "tests/support/zip_builder.h"

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[4096];

static struct rb igpu, dgpu; /* the VFCT's images: 1002:1636 (last), 1002:73df (no last bit) */

static void setup(void)
{
	struct vb v;
	struct vfct_image_header h;
	tmp_make("optrom-hostcli");
	(void)snprintf(root, sizeof(root), "%s/sys", tmp_dir());
	fs_device(root, "0000:c5:00.0", 0x1002, 0x1636, 0x1d72, 0x1701, 0x030000);
	fs_driver(root, "0000:c5:00.0", "amdgpu");
	fs_iommu_group(root, "0000:c5:00.0", 23);
	fs_attr(root, "0000:c5:00.0", "boot_vga", "1\n", 2);
	fs_device(root, "0000:03:00.0", 0x1002, 0x73df, 0x148c, 0x2409, 0x030000);
	fs_device(root, "0000:01:00.0", 0x10de, 0x1c02, 0x1028, 0x06d9, 0x030000);
	fs_device(root, "0000:00:1f.0", 0x8086, 0xa0a0, 0, 0, 0x060100);
	fs_device(root, "0000:c5:00.1", 0x1002, 0x1640, 0x1d72, 0x1701, 0x040300);
	fs_iommu_group(root, "0000:c5:00.1", 23);
	fs_driver(root, "0000:c5:00.1", "snd_hda_intel");
	rb_init(&igpu);
	rb_add_x86(&igpu, 0x1002, 0x1636, 2, true);
	rb_init(&dgpu);
	rb_add_x86(&dgpu, 0x1002, 0x73df, 3, false);
	vb_init(&v);
	h = vb_header(0xc5, 0, 0, 0x1002, 0x1636, igpu.len);
	vb_add(&v, &h, igpu.data, igpu.len);
	h = vb_header(3, 0, 0, 0x1002, 0x73df, dgpu.len);
	vb_add(&v, &h, dgpu.data, dgpu.len);
	vb_finish(&v);
	fs_vfct(root, v.data, v.len);
	vb_free(&v);
}

static void teardown(void)
{
	rb_free(&igpu);
	rb_free(&dgpu);
	tmp_remove();
}

TestSuite(host_cli, .init = setup, .fini = teardown, .timeout = 300);

static const char *vfct(void)
{
	static char p[4200];
	(void)snprintf(p, sizeof(p), "%s/firmware/acpi/tables/VFCT", root);
	return p;
}

Test(host_cli, devices_lists_gpus_and_vfct_images)
{
	struct run_result r;
	run_optrom(&r, "devices", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "0000:c5:00.0  1002:1636  subsystem 1d72:1701  class 030000  "
	                        "driver amdgpu  iommu group 23  boot_vga 1  rom no"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "0000:01:00.0  10de:1c02"), "%s", r.out);
	cr_assert(strstr(r.out, "same IOMMU group: 0000:c5:00.1 1002:1640 class 040300 driver "
	                        "snd_hda_intel"),
	          "%s", r.out);
	cr_assert_null(strstr(r.out, "8086:a0a0"), "%s", r.out); /* not display, no ROM */
	cr_assert(strstr(r.out, "c5:00.0  1002:1636  0x400 bytes  for device 0000:c5:00.0"), "%s",
	          r.out);
	cr_assert(strstr(r.out, "03:00.0  1002:73df  0x600 bytes  for device 0000:03:00.0"), "%s",
	          r.out);
	run_free(&r);
	/* The environment variable names the root too. */
	cr_assert_eq(setenv("OPTROM_SYSFS_ROOT", root, 1), 0);
	run_optrom(&r, "devices", "--all", NULL);
	cr_assert_eq(unsetenv("OPTROM_SYSFS_ROOT"), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "8086:a0a0"), "%s", r.out);
	run_free(&r);
}

/* An APU: no rom attribute, so the image comes from the VFCT table, named. */
Test(host_cli, dump_apu_from_vfct)
{
	struct run_result r;
	size_t n;
	uint8_t *got;
	run_optrom(&r, "dump", "c5:00.0", "--sysfs-root", root, "-o", tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "has no ROM BAR (no rom attribute in sysfs)"), "%s", r.out);
	cr_assert(strstr(r.out, "source   ACPI VFCT table "), "%s", r.out);
	cr_assert(strstr(r.out, "image for c5:00.0"), "%s", r.out);
	cr_assert(strstr(r.out, "no EFI GOP driver"), "%s", r.out);
	got = tb_read_file(tmp_path("apu.rom"), &n);
	cr_assert_not_null(got);
	cr_assert_eq(n, igpu.len);
	cr_assert(memcmp(got, igpu.data, n) == 0);
	free(got);
	run_free(&r);
	/* The file exists now: refused without --force, nothing replaced. */
	run_optrom(&r, "dump", "c5:00.0", "--sysfs-root", root, "-o", tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	run_free(&r);
}

/* The dGPU image lacks the last-image bit: fixable, and fix takes it from
 * the table (--device), sets the bit and the checksum. */
Test(host_cli, dump_then_fix_from_vfct)
{
	struct run_result r;
	struct stat st;
	run_optrom(&r, "dump", "0000:03:00.0", "--sysfs-root", root, "-o", tmp_path("d.rom"), NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "last-image-missing"), "%s", r.out);
	cr_assert(strstr(r.out, "next     optrom fix '"), "%s", r.out);
	run_free(&r);
	run_optrom(&r, "fix", vfct(), "--device", "1002:73df", "-o", tmp_path("f.rom"), NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "last-image-flag: 00 -> 80"), "%s", r.out);
	run_free(&r);
	run_optrom(&r, "check", tmp_path("f.rom"), NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	cr_assert_eq(stat(tmp_path("f.rom"), &st), 0);
	cr_assert_eq((size_t)st.st_size, dgpu.len);
}

Test(host_cli, dump_explains_failures)
{
	struct run_result r;
	/* NVIDIA without a ROM BAR: no VFCT fallback; nvagetbios named. */
	run_optrom(&r, "dump", "01:00.0", "--sysfs-root", root, "-o", tmp_path("n.rom"), NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "nvagetbios -s prom"), "%s", r.out);
	cr_assert(strstr(r.err, "no usable ROM could be read; nothing written"), "%s", r.err);
	cr_assert_eq(access(tmp_path("n.rom"), F_OK), -1);
	run_free(&r);
	/* No such device; a malformed address. */
	run_optrom(&r, "dump", "02:00.0", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "no PCI device 0000:02:00.0"), "%s", r.err);
	cr_assert_eq(run_count_lines(r.err), 1, "%s", r.err);
	run_free(&r);
	run_optrom(&r, "dump", "1002:73df", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "expected a PCI address"), "%s", r.err);
	run_free(&r);
	/* An AMD device the table holds no image for. */
	fs_device(root, "0000:04:00.0", 0x1002, 0x67df, 0, 0, 0x030000);
	run_optrom(&r, "dump", "04:00.0", "--sysfs-root", root, "-o", tmp_path("x.rom"), NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.out, "holds no image for 0000:04:00.0 1002:67df (it holds c5:00.0 "
	                        "1002:1636, 03:00.0 1002:73df)"),
	          "%s", r.out);
	run_free(&r);
}

Test(host_cli, match_and_check_device)
{
	struct run_result r;
	struct rb nv;
	char dir[4200];
	(void)snprintf(dir, sizeof(dir), "%s/roms", tmp_dir());
	cr_assert_eq(mkdir(dir, 0755), 0);
	/* The board's own ROM (NVGI names 1028:06d9), one of another GPU, and
	 * the VFCT table (two members) in a sub-folder. */
	rb_init(&nv);
	rb_add_x86(&nv, 0x10de, 0x1c02, 2, true);
	rb_prepend_nvgi(&nv, 2, 0x400);
	cr_assert(rb_write_file(&nv, tmp_path("roms/gtx1060.rom")));
	cr_assert(rb_write_file(&igpu, tmp_path("roms/other.rom")));
	run_optrom(&r, "match", "01:00.0", dir, "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "matches "), "%s", r.out);
	cr_assert(strstr(r.out, "subsystem 1028:06d9 (NVGI)"), "%s", r.out);
	cr_assert_null(strstr(r.out, "other.rom"), "%s", r.out); /* different GPU: only with -a */
	cr_assert(strstr(r.out, "2 ROM(s) found in 2 file(s), 1 for this GPU"), "%s", r.out);
	run_free(&r);

	/* The same GPU on another board: the subsystem differs. */
	fs_device(root, "0000:01:00.0", 0x10de, 0x1c02, 0x1462, 0x3285, 0x030000);
	run_optrom(&r, "match", "01:00.0", dir, "-a", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "same GPU, other board (subsystem differs)"), "%s", r.out);
	cr_assert(strstr(r.out, "different GPU"), "%s", r.out);
	/* best first */
	cr_assert_lt(strstr(r.out, "same GPU") - r.out, strstr(r.out, "different GPU") - r.out);
	run_free(&r);

	/* check --device: the check line, then the answer; a VFCT member matches
	 * its iGPU. */
	run_optrom(&r, "check", "--device", "c5:00.0", "--sysfs-root", root, vfct(), NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err); /* the 73df image: different GPU */
	cr_assert(strstr(r.out, "c5:00.0  rom@0x0"), "%s", r.out);
	cr_assert(strstr(r.out, "0000:c5:00.0 1002:1636 subsystem 1d72:1701: matches (same GPU; "
	                        "the ROM names no board)"),
	          "%s", r.out);
	cr_assert(strstr(r.out, ": different GPU (ROM 1002:73df"), "%s", r.out);
	run_free(&r);
	rb_free(&nv);
}

Test(host_cli, info_lists_the_vfct_table)
{
	struct run_result r;
	run_optrom(&r, "info", vfct(), NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err); /* the dGPU image is fixable */
	cr_assert(strstr(r.out, "ACPI VFCT table, revision 1, OEM 'OPTROM' 'TESTVFCT'"), "%s",
	          r.out);
	cr_assert(strstr(r.out, "checksum ok"), "%s", r.out);
	cr_assert(strstr(r.out, "[0] c5:00.0  1002:1636  subsystem 0000:0000"), "%s", r.out);
	cr_assert(strstr(r.out, "Note (VFCT): this image holds the x86 video BIOS only"), "%s",
	          r.out);
	run_free(&r);
	/* -q: nothing at all, not the table's lines either. */
	run_optrom(&r, "info", "-q", vfct(), NULL);
	cr_assert_eq(r.status, 1);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	run_free(&r);
	/* fix of the whole table needs a device; the error names them. */
	run_optrom(&r, "fix", vfct(), "-o", tmp_path("z.rom"), NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "c5:00.0 (1002:1636), 03:00.0 (1002:73df)"), "%s", r.err);
	cr_assert_eq(run_count_lines(r.err), 1, "%s", r.err);
	run_free(&r);
}

Test(host_cli, extract_writes_each_vfct_image)
{
	struct run_result r;
	char a[4200], b[4200];
	size_t n;
	uint8_t *got;
	run_optrom(&r, "extract", vfct(), "-d", tmp_path("ex"), NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	(void)snprintf(a, sizeof(a), "%s/ex/c5-00.0/image00-x86-1002-1636.rom", tmp_dir());
	(void)snprintf(b, sizeof(b), "%s/ex/03-00.0/image00-x86-1002-73df.rom", tmp_dir());
	got = tb_read_file(a, &n);
	cr_assert_not_null(got, "%s missing", a);
	cr_assert(n == igpu.len && memcmp(got, igpu.data, n) == 0);
	free(got);
	got = tb_read_file(b, &n);
	cr_assert_not_null(got, "%s missing", b);
	cr_assert(n == dgpu.len && memcmp(got, dgpu.data, n) == 0);
	free(got);
}

/* Without -d the folder is the table's name + ".extracted", in the current
 * folder: a table of two images once crashed there (a NULL folder read). */
Test(host_cli, extract_without_a_folder_names_it_after_the_table)
{
	struct run_result r;
	char a[4200];
	struct stat st;
	cr_assert_eq(chdir(tmp_dir()), 0);
	run_optrom(&r, "extract", vfct(), NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	(void)snprintf(a, sizeof(a), "%s/VFCT.extracted/c5-00.0/image00-x86-1002-1636.rom",
	               tmp_dir());
	cr_expect_eq(stat(a, &st), 0, "%s missing", a);
	(void)snprintf(a, sizeof(a), "%s/VFCT.extracted/03-00.0/image00-x86-1002-73df.rom",
	               tmp_dir());
	cr_expect_eq(stat(a, &st), 0, "%s missing", a);
}

/* The real enable/read/disable calls on a fake attribute (a plain file the
 * binary writes into): the ROM sits after 0x200 bytes of padding so that
 * the "1\n" written at offset 0 leaves it whole. The boot VGA device's read
 * is called a shadow copy, with what to do for NVIDIA. */
Test(host_cli, dump_boot_vga_through_the_rom_attribute)
{
	struct rb b;
	struct run_result r;
	char rom[4200];
	size_t n, m;
	uint8_t *after, *got;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	rb_prepend_pattern(&b, 0x200, 7);
	fs_attr(root, "0000:01:00.0", "rom", b.data, b.len);
	fs_attr(root, "0000:01:00.0", "boot_vga", "1\n", 2);
	run_optrom(&r, "dump", "01:00.0", "--sysfs-root", root, "-o", tmp_path("bv.rom"), NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err); /* data before the ROM: fixable */
	cr_assert(strstr(r.out, "enabled, read 1536 bytes (ok), disabled again"), "%s", r.out);
	cr_assert(strstr(r.out, "source   ROM BAR through "), "%s", r.out);
	cr_assert(strstr(r.out, "is the boot VGA device (boot_vga=1)"), "%s", r.out);
	cr_assert(strstr(r.out, "nvagetbios -s prom"), "%s", r.out);
	run_free(&r);
	/* The last write to the attribute was the disable: "0\n" at offset 0;
	 * what was read came after the enable ("1\n"). */
	(void)snprintf(rom, sizeof(rom), "%s/bus/pci/devices/0000:01:00.0/rom", root);
	after = tb_read_file(rom, &n);
	got = tb_read_file(tmp_path("bv.rom"), &m);
	cr_assert(after && got);
	cr_assert_eq(n, b.len);
	cr_assert_eq(m, b.len);
	cr_assert(after[0] == '0' && after[1] == '\n');
	cr_assert(got[0] == '1' && got[1] == '\n');
	cr_assert(memcmp(got + 2, b.data + 2, b.len - 2) == 0);
	free(after);
	free(got);
	/* An existing output is refused before the ROM is touched. */
	run_optrom(&r, "dump", "01:00.0", "--sysfs-root", root, "-o", tmp_path("bv.rom"), NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "exists; use --force"), "%s", r.err);
	cr_assert_null(strstr(r.out, "enabled"), "%s", r.out);
	run_free(&r);
	rb_free(&b);
}

/* check --device in the three formats: per file the check, then the device's
 * ids, the ROM's, the answer and which ids differ. The board's own ROM
 * (NVGI 1028:06d9) against a device of another board, and a ROM of another
 * GPU. */
static void two_roms(struct rb *nv)
{
	rb_init(nv);
	rb_add_x86(nv, 0x10de, 0x1c02, 2, true);
	rb_prepend_nvgi(nv, 2, 0x400);
	cr_assert(rb_write_file(nv, tmp_path("gtx1060.rom")));
	cr_assert(rb_write_file(&igpu, tmp_path("apu.rom")));
	fs_device(root, "0000:01:00.0", 0x10de, 0x1c02, 0x1462, 0x3285, 0x030000);
}

Test(host_cli, check_device_text)
{
	struct run_result r;
	struct rb nv;
	two_roms(&nv);
	run_optrom(&r, "check", "--device", "01:00.0", "--sysfs-root", root, "-v",
	           tmp_path("gtx1060.rom"), tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "0000:01:00.0 10de:1c02 subsystem 1462:3285: same GPU, other "
	                        "board (subsystem differs) (ROM 10de:1c02 subsystem 1028:06d9 "
	                        "(NVGI))\n"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "0000:01:00.0 10de:1c02 subsystem 1462:3285: different GPU (ROM "
	                        "1002:1636)\n"),
	          "%s", r.out);
	/* -v lists the findings under each check line (the NVGI prefix). */
	cr_assert(strstr(r.out, "data-before-rom"), "%s", r.out);
	run_free(&r);
	/* -q: nothing, the same status. */
	run_optrom(&r, "check", "--device", "01:00.0", "--sysfs-root", root, "-q",
	           tmp_path("gtx1060.rom"), tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 3);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	run_free(&r);
	rb_free(&nv);
}

static yaml_node_t *dm_key(yaml_document_t *d, const char *k)
{
	return ydoc_get(d, ydoc_get(d, ydoc_root(d), "device_match"), k);
}

static const char *dm_str(yaml_document_t *d, const char *part, const char *k)
{
	return ydoc_str(ydoc_get(d, dm_key(d, part), k));
}

Test(host_cli, check_device_yaml)
{
	struct run_result r;
	struct rb nv;
	struct ydocs y;
	yaml_document_t *d;
	yaml_node_t *differs;
	two_roms(&nv);
	run_optrom(&r, "check", "--device", "01:00.0", "--sysfs-root", root, "--format", "yaml",
	           tmp_path("gtx1060.rom"), tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(ydocs_parse(r.out, r.out_len, &y), "%s", r.out);
	cr_assert_eq(y.n, 2);
	/* The full report first: the check's data is all there. */
	d = &y.docs[0];
	cr_assert_str_eq(ydoc_str(ydoc_get(d, ydoc_root(d), "verdict")), "fixable");
	cr_assert_str_eq(dm_str(d, "device", "address"), "0000:01:00.0");
	cr_assert_str_eq(dm_str(d, "device", "vendor"), "10de");
	cr_assert_str_eq(dm_str(d, "device", "device"), "1c02");
	cr_assert_str_eq(dm_str(d, "device", "subsystem_vendor"), "1462");
	cr_assert_str_eq(dm_str(d, "device", "subsystem_device"), "3285");
	cr_assert_str_eq(dm_str(d, "device", "class"), "030000");
	cr_assert_str_eq(dm_str(d, "rom", "vendor"), "10de");
	cr_assert_str_eq(dm_str(d, "rom", "device"), "1c02");
	cr_assert_str_eq(dm_str(d, "rom", "subsystem_vendor"), "1028");
	cr_assert_str_eq(dm_str(d, "rom", "subsystem_device"), "06d9");
	cr_assert_str_eq(dm_str(d, "rom", "subsystem_source"), "NVGI");
	cr_assert_str_eq(dm_str(d, "rom", "via_device_list"), "false");
	cr_assert_str_eq(ydoc_str(dm_key(d, "answer")), "other-board");
	cr_assert_str_eq(ydoc_str(dm_key(d, "text")), "same GPU, other board (subsystem differs)");
	differs = dm_key(d, "differs");
	cr_assert_eq(ydoc_len(differs), 2);
	cr_assert_str_eq(ydoc_str(ydoc_item(d, differs, 0)), "subsystem_vendor");
	cr_assert_str_eq(ydoc_str(ydoc_item(d, differs, 1)), "subsystem_device");
	d = &y.docs[1];
	cr_assert_str_eq(ydoc_str(dm_key(d, "answer")), "different-gpu");
	cr_assert_str_eq(dm_str(d, "rom", "vendor"), "1002");
	cr_assert_str_eq(dm_str(d, "rom", "device"), "1636");
	cr_assert(ydoc_is_null(ydoc_get(d, dm_key(d, "rom"), "subsystem_source")));
	differs = dm_key(d, "differs");
	cr_assert_eq(ydoc_len(differs), 2);
	cr_assert_str_eq(ydoc_str(ydoc_item(d, differs, 0)), "vendor");
	cr_assert_str_eq(ydoc_str(ydoc_item(d, differs, 1)), "device");
	ydocs_free(&y);
	run_free(&r);
	rb_free(&nv);
}

static const char *jstr(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x = NULL, *y = NULL;
	if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &y))
		return NULL;
	return json_object_get_string(y);
}

Test(host_cli, check_device_json)
{
	struct run_result r;
	struct rb nv;
	struct json_object *doc, *dm, *differs;
	char *second;
	two_roms(&nv);
	run_optrom(&r, "check", "--device", "01:00.0", "--sysfs-root", root, "-f", "json",
	           tmp_path("gtx1060.rom"), tmp_path("apu.rom"), NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert_eq(run_count_lines(r.out), 2, "%s", r.out); /* JSON Lines: one per file */
	second = strchr(r.out, '\n');
	cr_assert_not_null(second);
	*second++ = '\0';
	doc = json_tokener_parse(r.out);
	cr_assert_not_null(doc, "%s", r.out);
	cr_assert(json_object_object_get_ex(doc, "device_match", &dm));
	cr_assert_str_eq(jstr(dm, "device", "subsystem_device"), "3285");
	cr_assert_str_eq(jstr(dm, "rom", "subsystem_device"), "06d9");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(dm, "answer")),
	                 "other-board");
	differs = json_object_object_get(dm, "differs");
	cr_assert_eq(json_object_array_length(differs), 2);
	json_object_put(doc);
	doc = json_tokener_parse(second);
	cr_assert_not_null(doc, "%s", second);
	cr_assert(json_object_object_get_ex(doc, "device_match", &dm));
	cr_assert_str_eq(json_object_get_string(json_object_object_get(dm, "answer")),
	                 "different-gpu");
	cr_assert_str_eq(jstr(dm, "rom", "device"), "1636");
	json_object_put(doc);
	run_free(&r);
	rb_free(&nv);
}

/* The table's YAML document on a table whose checksum is broken here: the
 * sum found, and each image header. */
Test(host_cli, info_yaml_documents_the_vfct_table)
{
	struct run_result r;
	struct ydocs y;
	yaml_document_t *d;
	yaml_node_t *v, *im;
	uint64_t u;
	size_t n;
	uint8_t *t = tb_read_file(vfct(), &n);
	cr_assert_not_null(t);
	t[0x30] = (uint8_t)(t[0x30] + 5); /* inside the UUID: only the checksum notices */
	{
		FILE *fp = fopen(tmp_path("bad.dat"), "wb");
		cr_assert_not_null(fp);
		cr_assert_eq(fwrite(t, 1, n, fp), n);
		cr_assert_eq(fclose(fp), 0);
	}
	free(t);
	run_optrom(&r, "info", "-f", "yaml", tmp_path("bad.dat"), NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(ydocs_parse(r.out, r.out_len, &y));
	cr_assert_eq(y.n, 3, "the table, then its two images");
	d = &y.docs[0];
	v = ydoc_get(d, ydoc_root(d), "vfct");
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "oem_id")), "OPTROM");
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "oem_table_id")), "TESTVFCT");
	cr_assert_str_eq(ydoc_str(ydoc_get(d, v, "checksum_ok")), "false");
	cr_assert(ydoc_uint(ydoc_get(d, v, "sum"), &u));
	cr_assert_eq(u, 5);
	cr_assert_eq(ydoc_len(ydoc_get(d, v, "images")), 2);
	im = ydoc_item(d, ydoc_get(d, v, "images"), 1);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, im, "address")), "03:00.0");
	cr_assert_str_eq(ydoc_str(ydoc_get(d, im, "device_id")), "73df");
	cr_assert(ydoc_uint(ydoc_get(d, im, "pci_bus"), &u));
	cr_assert_eq(u, 3);
	cr_assert(ydoc_uint(ydoc_get(d, im, "image_length"), &u));
	cr_assert_eq(u, dgpu.len);
	cr_assert_str_eq(ydoc_str(ydoc_get(d, ydoc_get(d, v, "list_end"), "reason")),
	                 "table-end"); /* no all-zero header after the last image */
	d = &y.docs[2];
	cr_assert(strstr(ydoc_str(ydoc_get(d, ydoc_root(d), "file")), "bad.dat!03:00.0"));
	ydocs_free(&y);
	run_free(&r);
}

/* The README's flow from the host (README "From the host: dump, check,
 * fix, use"), command by command on the fake tree, and the lines it shows
 * the binary printing, checked against the README itself so the two cannot
 * drift: devices, dump, check --device, fix, match, then the Proxmox and
 * libvirt lines; and the APU case, whose image comes from the VFCT table
 * and goes on the GPU function. */
static char *readme(void)
{
	size_t n;
	char *t = (char *)tmp_read_file(OPTROM_SOURCE_DIR "/README.md", &n);
	cr_assert_not_null(t);
	return t;
}

Test(host_cli, readme_flow_dgpu)
{
	struct run_result r;
	struct rb b;
	char *doc = readme(), line[4300];
	cr_assert_eq(chdir(tmp_dir()), 0);
	/* The card's ROM behind its BAR, after data the kernel would not give
	 * (fixable: data-before-rom), so that fix has work to do. */
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 2, true);
	rb_prepend_pattern(&b, 0x200, 7);
	fs_attr(root, "0000:01:00.0", "rom", b.data, b.len);
	fs_driver(root, "0000:01:00.0", "vfio-pci");
	fs_iommu_group(root, "0000:01:00.0", 14);
	/* optrom devices */
	run_optrom(&r, "devices", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "0000:01:00.0  10de:1c02  subsystem 1028:06d9  class 030000  "
	                        "driver vfio-pci  iommu group 14  boot_vga -  rom yes"),
	          "%s", r.out);
	run_free(&r);
	/* sudo optrom dump 01:00.0 -o gpu.rom */
	run_optrom(&r, "dump", "01:00.0", "-o", "gpu.rom", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "next     optrom fix gpu.rom -o fixed.rom"), "%s", r.out);
	run_free(&r);
	/* optrom check --device 01:00.0 gpu.rom */
	run_optrom(&r, "check", "--device", "01:00.0", "gpu.rom", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "fixable gpu.rom"), "%s", r.out);
	cr_assert(strstr(r.out, ": matches (same GPU; the ROM names no board) (ROM 10de:1c02)"),
	          "%s", r.out);
	run_free(&r);
	/* optrom fix gpu.rom -o gpu.fixed.rom: the Proxmox and libvirt lines */
	run_optrom(&r, "fix", "gpu.rom", "-o", "gpu.fixed.rom", NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "hostpci0: 0000:01:00.0,pcie=1,x-vga=1,romfile=gpu.fixed.rom"),
	          "%s", r.out);
	(void)snprintf(line, sizeof(line), "<rom file='%s/gpu.fixed.rom'/>", tmp_dir());
	cr_assert(strstr(r.out, line), "%s", r.out);
	cr_assert(strstr(r.out, "cp -- "), "%s", r.out);
	run_free(&r);
	/* the same lines in the README */
	cr_assert(strstr(doc, "hostpci0: 0000:01:00.0,pcie=1,x-vga=1,romfile=gpu.fixed.rom"));
	cr_assert(strstr(doc, "<rom file='/var/lib/libvirt/vbios/gpu.fixed.rom'/>"));
	cr_assert(strstr(doc, "sudo optrom dump 01:00.0 -o gpu.rom"));
	cr_assert(strstr(doc, "optrom check --device 01:00.0 gpu.rom"));
	cr_assert(strstr(doc, "optrom fix gpu.rom -o gpu.fixed.rom"));
	cr_assert(strstr(doc, "optrom match 01:00.0 ~/roms/"));
	/* optrom match 01:00.0 DIR: the fixed ROM first (ready), then the dump */
	cr_assert_eq(mkdir("roms", 0755), 0);
	cr_assert_eq(rename("gpu.rom", "roms/gpu.rom"), 0);
	cr_assert_eq(rename("gpu.fixed.rom", "roms/gpu.fixed.rom"), 0);
	run_optrom(&r, "match", "01:00.0", "roms", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "ready    10de:1c02  roms/gpu.fixed.rom\n"), "%s", r.out);
	cr_assert_lt(strstr(r.out, "roms/gpu.fixed.rom") - r.out,
	             strstr(r.out, "roms/gpu.rom") - r.out);
	run_free(&r);
	free(doc);
	rb_free(&b);
}

Test(host_cli, readme_flow_apu)
{
	struct run_result r;
	char *doc = readme(), table[4300];
	cr_assert_eq(chdir(tmp_dir()), 0);
	/* optrom dump c5:00.0: the image from the VFCT table, ready; the use
	 * lines carry this device's address. */
	run_optrom(&r, "dump", "c5:00.0", "-o", "vbios.rom", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "source   ACPI VFCT table "), "%s", r.out);
	cr_assert(strstr(r.out, "then in /etc/pve/qemu-server/VMID.conf: "
	                        "hostpci0: 0000:c5:00.0,pcie=1,x-vga=1,romfile=vbios.rom\n"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "Note (VFCT): this image holds the x86 video BIOS only"), "%s",
	          r.out);
	cr_assert(strstr(doc, "hostpci0: 0000:c5:00.0,pcie=1,x-vga=1,romfile=vbios.rom"));
	run_free(&r);
	/* optrom fix TABLE --device c5:00.0 -o vbios.rom, by its PCI address
	 * in both forms and by its ids: the same bytes each time. */
	(void)snprintf(table, sizeof(table), "%s", vfct());
	cr_assert(strstr(doc, "--device c5:00.0 -o vbios.rom"));
	run_optrom(&r, "fix", table, "--device", "c5:00.0", "-o", "a.rom", NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	run_optrom(&r, "fix", table, "--device", "0000:c5:00.0", "-o", "b.rom", NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	run_optrom(&r, "fix", table, "--device", "1002:1636", "-o", "c.rom", NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	{
		size_t na = 0, nb = 0, nc = 0, nv = 0;
		uint8_t *a = tb_read_file("a.rom", &na), *b = tb_read_file("b.rom", &nb),
		        *c = tb_read_file("c.rom", &nc), *v = tb_read_file("vbios.rom", &nv);
		cr_assert(a && b && c && v);
		cr_assert(na == igpu.len && memcmp(a, igpu.data, na) == 0,
		          "a ready image is written as it is");
		cr_assert(nb == na && memcmp(a, b, na) == 0);
		cr_assert(nc == na && memcmp(a, c, na) == 0);
		cr_assert(nv == na && memcmp(a, v, na) == 0, "dump and fix give the same bytes");
		free(a);
		free(b);
		free(c);
		free(v);
	}
	/* An address the table does not hold: the error names what it holds. */
	run_optrom(&r, "fix", table, "--device", "04:00.0", "-o", "d.rom", NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "c5:00.0 (1002:1636), 03:00.0 (1002:73df)"), "%s", r.err);
	run_free(&r);
	free(doc);
}

/* match over a folder of archives: a zip holding the board's own ROM (its
 * NVGI names 1028:06d9, fixable as every NVGI file), two that name no board
 * (one ready, one with its checksum broken: fixable) and another board's,
 * and a .gz of another GPU's ROM. Best first: the closer match, then the
 * better verdict, whatever the names' order; each named as the archive's
 * member; the other GPU only with -a. */
Test(host_cli, match_archives_best_first)
{
	struct run_result r;
	struct rb exact, plain, unfixed, other_board;
	struct zb z;
	uint8_t *gz;
	size_t gn;
	const char *order[5];
	cr_assert_eq(mkdir(tmp_path("dl"), 0755), 0);
	rb_init(&exact);
	rb_add_x86(&exact, 0x10de, 0x1c02, 2, true);
	rb_prepend_nvgi(&exact, 2, 0x400);
	rb_init(&plain);
	rb_add_x86(&plain, 0x10de, 0x1c02, 2, true);
	rb_init(&unfixed);
	rb_add_x86(&unfixed, 0x10de, 0x1c02, 2, true);
	unfixed.data[0x100] ^= 1;
	rb_init(&other_board);
	rb_add_x86(&other_board, 0x10de, 0x1c02, 2, true);
	rb_prepend_nvgi(&other_board, 2, 0x400);
	rb_put16(&other_board, 0x0E, 0x3285); /* NVGI+0x0C vendor, +0x0E device */
	zb_init(&z);
	zb_add(&z, "a/unfixed.rom", unfixed.data, unfixed.len, 8);
	zb_add(&z, "b/other-board.rom", other_board.data, other_board.len, 8);
	zb_add(&z, "c/plain.rom", plain.data, plain.len, 0);
	zb_add(&z, "d/exact.rom", exact.data, exact.len, 8);
	zb_add(&z, "readme.txt", (const uint8_t *)"not a rom\n", 10, 0);
	zb_finish(&z, NULL);
	cr_assert(zb_write_file(tmp_path("dl/gtx1060.zip"), z.data, z.len));
	gz = zb_deflate(igpu.data, igpu.len, 0, 31, &gn);
	cr_assert(zb_write_file(tmp_path("dl/apu.rom.gz"), gz, gn));
	free(gz);
	run_optrom(&r, "match", "01:00.0", tmp_path("dl"), "-a", "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	order[0] = strstr(r.out, "matches                                      fixable  10de:1c02 "
	                         "subsystem 1028:06d9 (NVGI)  ");
	order[1] =
	    strstr(r.out, "matches (same GPU; the ROM names no board)   ready    10de:1c02  ");
	order[2] =
	    strstr(r.out, "matches (same GPU; the ROM names no board)   fixable  10de:1c02  ");
	order[3] = strstr(r.out, "same GPU, other board (subsystem differs)    fixable  10de:1c02 "
	                         "subsystem 1028:3285 (NVGI)  ");
	order[4] =
	    strstr(r.out, "different GPU                                ready    1002:1636  ");
	for (int i = 0; i < 5; i++) {
		cr_assert_not_null(order[i], "line %d: %s", i, r.out);
		cr_assert(i == 0 || order[i - 1] < order[i], "line %d out of order: %s", i, r.out);
	}
	cr_assert(strstr(order[0], "gtx1060.zip!d/exact.rom\n"), "%s", r.out);
	cr_assert(strstr(order[1], "gtx1060.zip!c/plain.rom\n"), "%s", r.out);
	cr_assert(strstr(order[2], "gtx1060.zip!a/unfixed.rom\n"), "%s", r.out);
	cr_assert(strstr(order[3], "gtx1060.zip!b/other-board.rom\n"), "%s", r.out);
	cr_assert(strstr(order[4], "apu.rom.gz\n"), "%s", r.out);
	cr_assert(strstr(r.out, "5 ROM(s) found in 2 file(s), 4 for this GPU"), "%s", r.out);
	run_free(&r);
	/* Without -a the other GPU is not listed. */
	run_optrom(&r, "match", "01:00.0", tmp_path("dl"), "--sysfs-root", root, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "apu.rom.gz"), "%s", r.out);
	run_free(&r);
	zb_free(&z);
	rb_free(&exact);
	rb_free(&plain);
	rb_free(&unfixed);
	rb_free(&other_board);
}
