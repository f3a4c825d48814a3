#include "tests/support/fake_sysfs.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void mkdirs(const char *path)
{
	char p[4096];
	cr_assert_lt(snprintf(p, sizeof(p), "%s", path), (int)sizeof(p));
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(p, 0755);
		*s = '/';
	}
	(void)mkdir(p, 0755);
}

static void put(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	cr_assert_not_null(fp, "cannot write %s", path);
	cr_assert_eq(fwrite(data, 1, n, fp), n);
	cr_assert_eq(fclose(fp), 0);
}

static void put_hex(const char *root, const char *bdf, const char *attr, unsigned width, uint32_t v)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "0x%0*x\n", (int)width, v);
	fs_attr(root, bdf, attr, text, (size_t)n);
}

void fs_device(const char *root, const char *bdf, uint16_t vendor, uint16_t device,
               uint16_t ss_vendor, uint16_t ss_device, uint32_t class_code)
{
	char dir[4096];
	cr_assert_lt(snprintf(dir, sizeof(dir), "%s/bus/pci/devices/%s", root, bdf),
	             (int)sizeof(dir));
	mkdirs(dir);
	put_hex(root, bdf, "vendor", 4, vendor);
	put_hex(root, bdf, "device", 4, device);
	put_hex(root, bdf, "subsystem_vendor", 4, ss_vendor);
	put_hex(root, bdf, "subsystem_device", 4, ss_device);
	put_hex(root, bdf, "class", 6, class_code);
}

void fs_attr(const char *root, const char *bdf, const char *attr, const void *data, size_t n)
{
	char path[4096];
	cr_assert_lt(snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", root, bdf, attr),
	             (int)sizeof(path));
	put(path, data, n);
}

static void link_to(const char *root, const char *bdf, const char *attr, const char *target)
{
	char path[4096];
	cr_assert_lt(snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", root, bdf, attr),
	             (int)sizeof(path));
	(void)unlink(path);
	cr_assert_eq(symlink(target, path), 0, "cannot link %s", path);
}

void fs_driver(const char *root, const char *bdf, const char *driver)
{
	char t[256];
	(void)snprintf(t, sizeof(t), "../../../bus/pci/drivers/%s", driver);
	link_to(root, bdf, "driver", t);
}

void fs_iommu_group(const char *root, const char *bdf, int group)
{
	char t[256];
	(void)snprintf(t, sizeof(t), "../../../kernel/iommu_groups/%d", group);
	link_to(root, bdf, "iommu_group", t);
}

void fs_vfct(const char *root, const void *data, size_t n)
{
	char dir[4096], path[4200];
	cr_assert_lt(snprintf(dir, sizeof(dir), "%s/firmware/acpi/tables", root), (int)sizeof(dir));
	mkdirs(dir);
	(void)snprintf(path, sizeof(path), "%s/VFCT", dir);
	put(path, data, n);
}
