/* Is this ROM the device's? The ROM's ids (analysis tree) against a PCI
 * device's (input/sysfs.h reads them from sysfs). */
#ifndef OPTROM_HOST_H
#define OPTROM_HOST_H

#include "analyzer/tree.h"

#include <stdbool.h>
#include <stdint.h>

/* A device's ids, as sysfs gives them. */
struct host_ids {
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code;
};

/* ---- is this ROM the device's? ---- */

enum host_match {
	HOST_MATCH_DIFFERENT = 0, /* vendor or device differs: another GPU */
	HOST_MATCH_OTHER_BOARD,   /* same GPU, the ROM's subsystem ids differ */
	HOST_MATCH_SAME_GPU,      /* vendor and device match, the ROM carries no subsystem */
	HOST_MATCH_EXACT,         /* vendor, device and subsystem match */
};

struct host_match_result {
	enum host_match match;
	uint16_t vendor, device; /* the ROM's (the image that matched, else image 0's) */
	uint32_t class_code;
	bool has_subsystem;
	uint16_t subsystem_vendor, subsystem_device;
	const char *subsystem_source; /* "NVGI", "ATOM", "VFCT" */
	bool class_differs;
};

/* Compares the ROM's ids with the device's: the PCIR vendor:device of each
 * image of the standard chain (a match on any image counts), the class, and
 * the subsystem ids where the ROM carries them (NVIDIA's NVGI container, the
 * ATOMBIOS header; vfct_ss when the ROM came from a VFCT image, 0:0 none). */
void host_match_rom(const struct rom_analysis *r, const struct host_ids *d, uint16_t vfct_ssvid,
                    uint16_t vfct_ssid, struct host_match_result *m);
/* "matches", "same GPU, other board (subsystem differs)", "same GPU (the ROM
 * names no board)", "different GPU". */
const char *host_match_str(enum host_match m);

#endif
