/* The UEFI shell console parser (formats/uefi_shell.h) on console text
 * written here in the layout of EDK2 ShellPkg's `drivers` table and
 * `dh -p LoadedImage -v` dump, with the escapes and CRs a serial console
 * carries, and on every way that text can be cut or lie. */
#include "formats/uefi_shell.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table as Drivers.c prints it: a rule of '=' runs gives the columns. */
static const char table[] =
    "\x1b[2J\x1b[01;01H\x1b[=3hShell> drivers\r\n"
    "            T   D\r\n"
    "D           Y C I\r\n"
    "R           P F A\r\n"
    "V  VERSION  E G G #D #C DRIVER NAME                         IMAGE NAME\r\n"
    "== ======== = = = == == =================================== ==========\r\n"
    "5D 0000000A B - -  1  6 PCI Bus Driver                      PciBusDxe\r\n"
    "\x1b[1m\x1b[37m\x1b[40mAF\x1b[0m\x1b[37m\x1b[40m 00030005 ? - -  -  - NVIDIA GPU UEFI Driver  "
    "            nvgop-gp1xx\r\n"
    "B0 00000010 ? - -  -  - Second ROM Driver                   second\r\n"
    "Shell> dh -p LoadedImage -v\r\n"
    "Handle dump by protocol 'LoadedImage'\r\n"
    "5D: ImageDevicePath(F07F000)   Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/FvFile(93B80004-9FB3-"
    "11D4-9A3A-0090273FC14D) LoadedImage(E6000C0)   Revision......: 0x00001000\r\n"
    "  FilePath......: FvFile(93B80004-9FB3-11D4-9A3A-0090273FC14D)\r\n"
    "AF: SupportedEfiSpecVersion(E5064A8) 0x0002000A ComponentName2(E506418) "
    "DriverBinding(E506910) "
    "ImageDevicePath(F07FB98)   PciRoot(0x0)/Pci(0x1,0x0)/Offset(0xF000,0x1F7FF) "
    "LoadedImage(E6739C0)   Revision......: 0x00001000\r\n"
    "  FilePath......: nvgop-gp1xx\r\n"
    "B0: DriverBinding(E506910)\r\n"
    "     mode 2: Col 100 Row 31 ImageDevicePath(E66AF98)   "
    "PciRoot(0x0)/Pci(0x1,0x0)/Offset(0x20000,0x2FFFF) LoadedImage(E6732C0)\r\n"
    "C1: ImageDevicePath(E66AF98)   PciRoot(0x0)/Pci(0x1,0x0)/Offset(0x30000,0x301FF) "
    "LoadedImage(E6732C0)\r\n"
    "Shell> reset -s\r\n";

Test(uefi_shell, reads_the_table_and_traces_rom_drivers_to_their_offsets)
{
	static struct shell_log log;
	shell_log_parse(table, sizeof(table) - 1, &log);
	cr_assert(log.reached_shell && log.saw_drivers && log.saw_handle_dump && log.saw_reset);
	cr_assert_eq(log.n, 3);
	cr_assert_eq(log.drivers[0].handle, 0x5D);
	cr_assert_eq(log.drivers[0].version, 0xA);
	cr_assert_str_eq(log.drivers[0].name, "PCI Bus Driver");
	cr_assert_str_eq(log.drivers[0].image, "PciBusDxe");
	cr_assert(log.drivers[0].has_path && !log.drivers[0].from_rom);

	const struct shell_driver *d = shell_log_driver(&log, 0xAF);
	cr_assert_not_null(d);
	cr_assert_eq(d->version, 0x30005);
	cr_assert_str_eq(d->name, "NVIDIA GPU UEFI Driver");
	cr_assert_str_eq(d->image, "nvgop-gp1xx");
	cr_assert(d->from_rom);
	cr_assert_eq(d->start, 0xF000);
	cr_assert_eq(d->end, 0x1F7FF);
	cr_assert_str_eq(d->path, "PciRoot(0x0)/Pci(0x1,0x0)/Offset(0xF000,0x1F7FF)");

	/* The device path on a continuation line belongs to the handle above. */
	d = shell_log_driver(&log, 0xB0);
	cr_assert(d && d->from_rom && d->start == 0x20000 && d->end == 0x2FFFF);
	cr_assert_eq(log.n_rom_images, 3);
	/* An image from the ROM with no driver binding: listed apart. */
	cr_assert_eq(log.n_rom_other, 1);
	cr_assert_eq(log.rom_other[0].handle, 0xC1);
	cr_assert_eq(log.rom_other[0].start, 0x30000);
	cr_assert_null(shell_log_driver(&log, 0xC1));
}

Test(uefi_shell, every_cut_of_the_text_parses_without_harm)
{
	static struct shell_log log;
	size_t len = sizeof(table) - 1;
	for (size_t n = 0; n <= len; n++) {
		/* A copy of exactly n bytes, no terminator: ASan sees any read past it. */
		char *cut = malloc(n ? n : 1);
		memcpy(cut, table, n);
		shell_log_parse(cut, n, &log);
		cr_assert_leq(log.n, 3);
		for (size_t i = 0; i < log.n; i++)
			cr_assert(!log.drivers[i].from_rom ||
			          log.drivers[i].end >= log.drivers[i].start);
		free(cut);
	}
	/* The whole text is needed for the reset that closes the script. */
	shell_log_parse(table, (size_t)(strstr(table, "Shell> reset") - table) + 9, &log);
	cr_assert_not(log.saw_reset);
}

Test(uefi_shell, a_boot_that_never_reached_the_shell_says_so)
{
	static struct shell_log log;
	const char boot[] = "BdsDxe: failed to start Boot0002 \"EFI Internal Shell\": Security "
	                    "Violation\r\nBdsDxe: No bootable option or device was found.\r\n";
	shell_log_parse(boot, sizeof(boot) - 1, &log);
	cr_assert_not(log.reached_shell);
	cr_assert_not(log.saw_drivers);
	cr_assert_eq(log.n, 0);
	shell_log_parse(NULL, 0, &log);
	cr_assert_not(log.reached_shell);
}

Test(uefi_shell, rows_and_paths_that_lie_are_not_taken)
{
	static struct shell_log log;
	const char text[] =
	    "Shell> drivers\r\n"
	    "== ======== = = = == == =================================== ==========\r\n"
	    "AF 0003XX05 ? - -  -  - Bad version                         x\r\n"
	    "Shell> dh -p LoadedImage -v\r\n"
	    "Handle dump by protocol 'LoadedImage'\r\n"
	    "AF: ImageDevicePath(1)   PciRoot(0x0)/Offset(0x2000,0x1000) LoadedImage(1)\r\n"
	    "B1: ImageDevicePath(1)   PciRoot(0x0)/Offset(0xZZ,0x1000) LoadedImage(1)\r\n"
	    "B2: ImageDevicePath(1)   PciRoot(0x0)/Offset(0x10 LoadedImage(1)\r\n"
	    "B3: ImageDevicePath(1\r\n";
	shell_log_parse(text, sizeof(text) - 1, &log);
	/* A version that is not 8 hex digits ends the table. */
	cr_assert_eq(log.n, 0);
	/* END below START, a bad number, a cut node: not ROM images. */
	cr_assert_eq(log.n_rom_images, 0);
	cr_assert_eq(log.n_rom_other, 0);
}

Test(uefi_shell, a_table_longer_than_the_cap_is_marked_truncated)
{
	static struct shell_log log;
	size_t cap = 64 + (SHELL_MAX_DRIVERS + 10) * 80;
	char *text = malloc(cap);
	size_t n = (size_t)snprintf(
	    text, cap,
	    "Shell> drivers\n==== ======== = = = == == ===================================  "
	    "==========\n");
	for (unsigned i = 0; i < SHELL_MAX_DRIVERS + 5; i++)
		n += (size_t)snprintf(
		    text + n, cap - n,
		    "%04X 00000001 ? - -  -  - Driver                              x\n", i);
	shell_log_parse(text, n, &log);
	free(text);
	cr_assert_eq(log.n, SHELL_MAX_DRIVERS);
	cr_assert(log.truncated);
}
