/* What each firmware does with the file: OVMF (UEFI guests) and SeaBIOS
 * (legacy BIOS guests), each ok or the reason, from the tree and the
 * findings (design.md, "Consumers"). The verdict follows from the findings;
 * every reason given here is also a finding.
 */
#ifndef OPTROM_CONSUMERS_H
#define OPTROM_CONSUMERS_H

#include <stdbool.h>
#include <stdint.h>

#define CONSUMER_REASON_LEN 320

struct rom_consumer {
	bool ok;
	int image; /* the image of the standard chain it uses, or -1 */
	char reason[CONSUMER_REASON_LEN];
};

struct rom_consumers {
	/* OVMF: an X64 EFI driver in the standard chain that decompresses and
	 * is a valid PE image; the reason tells its signature state, which
	 * OVMF does not check. */
	struct rom_consumer ovmf;
	/* SeaBIOS: an x86 image in the standard chain whose 8-bit sum over
	 * size byte x 512 is 0, loaded for the device whose vendor:device it
	 * carries (map_pcirom). */
	struct rom_consumer seabios;
	uint16_t seabios_vendor, seabios_device;
};

struct rom_analysis;

/* Fills a->consumers from the tree and the findings made so far. */
void consumers_compute(struct rom_analysis *a);

#endif
