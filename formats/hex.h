/* The value of one hex digit of text (either case), -1 for any other byte.
 * (formats/pci_ids.c, patcher/plan.c; input/sysfs.c and
 * formats/uefi_shell.c still have their own.) */
#ifndef OPTROM_HEX_H
#define OPTROM_HEX_H

static inline int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
