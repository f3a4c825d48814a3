/* What the UEFI shell printed on a serial console: the driver table of its
 * `drivers` command and the image device paths of `dh -p LoadedImage -v`.
 *
 * Source: EDK2 ShellPkg, UefiShellDriver1CommandsLib/Drivers.c (the table:
 * handle, version as 8 hex digits, type, configuration and diagnostics
 * flags, device and child counts, driver name in 35 columns, image name) and
 * UefiShellCommandLib's handle dump (each handle as "HH: " followed by its
 * protocols; ImageDevicePath prints the device path the image was loaded
 * from). An EFI driver that PciBusDxe loads from a device's option ROM has
 * the image device path PciRoot(..)/Pci(..)/Offset(START,END): the byte range
 * of its image inside the ROM (EDK2 PciOptionRomSupport.c, a
 * MEDIA_RELATIVE_OFFSET_RANGE node). That is how a driver is traced back to
 * the ROM image it came from, with no second boot for a baseline.
 *
 * Pure text parsing: no I/O. The console output carries ANSI escape
 * sequences and CR characters; the parser skips them.
 */
#ifndef OPTROM_UEFI_SHELL_H
#define OPTROM_UEFI_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHELL_MAX_DRIVERS 512 /* OVMF lists about 100 */

struct shell_driver {
	unsigned handle;  /* the shell's handle number (hex in the table) */
	uint32_t version; /* EFI_DRIVER_BINDING_PROTOCOL.Version */
	char name[64];    /* the driver's component name, as the table shows it */
	char image[64];   /* the image name column */
	/* From the handle dump: where the image was loaded from. */
	bool has_path;
	char path[192]; /* its image device path, cut to fit */
	bool from_rom;  /* the path ends in an Offset(START,END) node */
	uint64_t start; /* byte range of the image inside the option ROM */
	uint64_t end;   /* inclusive, as the device path gives it */
};

struct shell_log {
	bool reached_shell;   /* "Shell>" appeared */
	bool saw_drivers;     /* the driver table's header appeared */
	bool saw_handle_dump; /* the dump of LoadedImage handles appeared */
	bool saw_reset;       /* the script ran to its last command */
	size_t n;             /* drivers in the table */
	size_t n_rom_images;  /* loaded images whose path has an Offset() node */
	bool truncated;       /* more than SHELL_MAX_DRIVERS rows */
	struct shell_driver drivers[SHELL_MAX_DRIVERS];
	/* Images loaded from a ROM that installed no driver binding (they are
	 * in the handle dump but not in the table): start/end only. */
	size_t n_rom_other;
	struct shell_driver rom_other[16];
};

/* Parses len bytes of console output. Never fails: what is not there stays
 * false or empty. */
void shell_log_parse(const char *text, size_t len, struct shell_log *out);

/* The driver of the table whose handle is h, or NULL. */
const struct shell_driver *shell_log_driver(const struct shell_log *log, unsigned h);

#endif
