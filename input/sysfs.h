/* Where a ROM comes from on a Linux host: PCI devices as sysfs shows them,
 * a device's expansion ROM read through its sysfs `rom` attribute, and the
 * image the ACPI VFCT table holds for it. Only files under the sysfs root
 * are read or written; no hardware is touched any other way. (In input/,
 * not analyzer/ as docs/design.md first placed it: it is a source of bytes
 * like a file or a zip member, and the VFCT fallback reads the table
 * through input/. Whether a ROM belongs to a device is analyzer/host.h.)
 *
 * Every path is taken relative to a root ("/sys" by default;
 * --sysfs-root DIR or $OPTROM_SYSFS_ROOT point it at a fake tree):
 *   ROOT/bus/pci/devices/DDDD:BB:DD.F/{vendor,device,subsystem_vendor,
 *       subsystem_device,class,boot_vga,rom,driver,iommu_group}
 *   ROOT/firmware/acpi/tables/VFCT
 *
 * The rom attribute (Linux drivers/pci/pci-sysfs.c, pci_write_rom and
 * pci_read_rom): a read fails with EINVAL until the ROM is enabled by
 * writing anything but "0\n"; exactly the two bytes "0\n" at offset 0
 * disable it again (newer kernels parse a boolean with kstrtobool: "1\n" and
 * "0\n" mean the same there); a read fails with EIO when the kernel cannot map a ROM
 * with a 55AA header (the ROM BAR reads 0xFFFF: a driver keeps it off, or
 * there is no ROM); for the boot VGA device the kernel gives the shadow copy
 * at 0xC0000 that the system firmware ran (pci_map_rom, IORESOURCE_ROM_SHADOW).
 */
#ifndef OPTROM_SYSFS_H
#define OPTROM_SYSFS_H

#include "input/input.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HOST_SYSFS_DEFAULT "/sys"
#define HOST_ROM_MAX       ((size_t)64 * 1024 * 1024) /* as input/'s ROM_LOAD_MAX */
#define HOST_MAX_DEVICES   4096u

struct host_addr {
	unsigned domain, bus, dev, fn;
};

/* "0000:01:00.0" or "01:00.0" (domain 0), hex, any case. */
bool host_parse_bdf(const char *s, struct host_addr *a);
/* "0000:01:00.0" (cap >= 13). */
void host_bdf_str(const struct host_addr *a, char *out, size_t cap);

/* The root: opt when given, else $OPTROM_SYSFS_ROOT when set and not empty,
 * else "/sys". */
const char *host_sysfs_root(const char *opt);

struct host_device {
	struct host_addr addr;
	char bdf[16];
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	bool has_rom;        /* the rom attribute exists (the device has a ROM BAR) */
	int boot_vga;        /* 1, 0, or -1 when the attribute is absent */
	char driver[64];     /* the bound driver's name, "" when none */
	int iommu_group;     /* -1 when none (IOMMU off) */
};

/* Reads the device's attributes. False with one line in err when the
 * device folder or its vendor/device ids cannot be read. */
bool host_device_read(const char *root, const struct host_addr *a, struct host_device *d, char *err,
                      size_t cap);

/* The devices under ROOT/bus/pci/devices, sorted by address, at most max;
 * returns how many (0 with one line in err when the folder cannot be read). */
size_t host_list_devices(const char *root, struct host_device *out, size_t max, char *err,
                         size_t cap);

/* ---- reading the ROM: enable, read, disable on every path ---- */

/* The seam: the sysfs calls the sequence makes. Tests replace them (NULL
 * restores the real calls) to make a read fail half-way, return nothing,
 * refuse the open as for a non-root user, or raise a signal. */
struct host_ops {
	int (*open_fn)(const char *path, int flags);
	ssize_t (*read_fn)(int fd, void *buf, size_t n);
	ssize_t (*write_fn)(int fd, const void *buf, size_t n);
	int (*close_fn)(int fd);
};
void host_set_ops(const struct host_ops *ops);

enum host_read_status {
	HOST_READ_OK = 0,
	HOST_READ_NO_DEVICE,     /* no such device folder */
	HOST_READ_NO_ROM,        /* no rom attribute: the device has no ROM BAR */
	HOST_READ_PERMISSION,    /* EACCES/EPERM: not root */
	HOST_READ_ENABLE_FAILED, /* the write of "1" failed otherwise */
	HOST_READ_IO,            /* the read failed (EIO: the kernel found no ROM behind the BAR) */
	HOST_READ_EMPTY,         /* the read gave 0 bytes */
	HOST_READ_ALL_FF,        /* every byte read is 0xFF (no ROM decoded) */
	HOST_READ_TOO_LARGE,     /* more than HOST_ROM_MAX */
	HOST_READ_INTERRUPTED,   /* SIGINT, SIGTERM or SIGHUP arrived: the ROM was disabled */
	HOST_READ_NO_MEMORY,
};

struct host_read {
	enum host_read_status status;
	int err_no;        /* errno of the failing call */
	int signal;        /* HOST_READ_INTERRUPTED: which signal */
	bool enabled;      /* "1" was written */
	bool disabled;     /* "0\n" was written after it (true whenever enabled is) */
	int disable_errno; /* the disable write failed with this errno (0: ok) */
	uint8_t *data;     /* what was read (free()); kept for EIO half-way too */
	size_t len;
	char path[4096]; /* the rom attribute */
};

/* Enables the device's ROM, reads it to the end, disables it: the disable
 * runs on every path that enabled it, including a failed or interrupted
 * read. SIGINT, SIGTERM and SIGHUP are caught while the ROM is enabled
 * (their former actions restored before returning); the caller decides
 * what to do with HOST_READ_INTERRUPTED (the CLI exits 128 + signal). */
enum host_read_status host_read_rom(const char *root, const struct host_addr *a,
                                    struct host_read *r);
void host_read_free(struct host_read *r);
const char *host_read_status_str(enum host_read_status st);

/* ROOT/firmware/acpi/tables/VFCT into path. */
void host_vfct_path(const char *root, char *path, size_t cap);

/* ---- a device's ROM from the best source ---- */

enum host_want { HOST_WANT_AUTO = 0, HOST_WANT_BAR, HOST_WANT_VFCT };
enum host_source { HOST_SOURCE_NONE = 0, HOST_SOURCE_BAR, HOST_SOURCE_VFCT };

struct host_fetch {
	struct host_device dev;
	bool bar_tried;
	struct host_read bar; /* the ROM BAR attempt */
	bool boot_vga_shadow; /* the bytes came from the boot VGA device's BAR: the
	                       * firmware's shadow copy at 0xC0000, likely altered */
	bool vfct_tried;
	char vfct_path[4096];
	char vfct_error[8192];  /* why the table gave nothing (one line) */
	struct input_item vfct; /* the image, when source is HOST_SOURCE_VFCT */
	enum host_source source;
	const uint8_t *data; /* the bytes of the source (owned by bar or vfct) */
	size_t len;
};

/* Reads the device, then its ROM: from the ROM BAR (host_read_rom) unless
 * want is HOST_WANT_VFCT; when that gives nothing (no rom attribute, EIO,
 * empty or all 0xFF, refused) and the device is AMD's (or want is
 * HOST_WANT_VFCT), the VFCT image for it (amdgpu's rule: bus, device,
 * function, vendor and device equal; the table records no domain). False
 * with one line in err only when the device cannot be read; otherwise the
 * outcome is in f (source HOST_SOURCE_NONE: nothing usable;
 * bar.status HOST_READ_INTERRUPTED: stopped by a signal, VFCT not tried).
 * host_fetch_free() it in every case. */
bool host_fetch(const char *root, const struct host_addr *a, enum host_want want,
                struct host_fetch *f, char *err, size_t cap);
void host_fetch_free(struct host_fetch *f);

#endif
