/* A fake sysfs tree for the host tests (analyzer/host.h): PCI device
 * folders with their attributes, a rom attribute, driver and iommu_group
 * links, and the ACPI VFCT table, under a folder the tests pass as
 * --sysfs-root. */
#ifndef OPTROM_TEST_FAKE_SYSFS_H
#define OPTROM_TEST_FAKE_SYSFS_H

#include <stddef.h>
#include <stdint.h>

/* ROOT/bus/pci/devices/BDF with vendor, device, subsystem ids and class. */
void fs_device(const char *root, const char *bdf, uint16_t vendor, uint16_t device,
               uint16_t ss_vendor, uint16_t ss_device, uint32_t class_code);
/* A text or binary attribute of the device (rom: the ROM's bytes). */
void fs_attr(const char *root, const char *bdf, const char *attr, const void *data, size_t n);
/* The driver link (-> ../../../bus/pci/drivers/NAME) and iommu_group link. */
void fs_driver(const char *root, const char *bdf, const char *driver);
void fs_iommu_group(const char *root, const char *bdf, int group);
/* ROOT/firmware/acpi/tables/VFCT. */
void fs_vfct(const char *root, const void *data, size_t n);

#endif
