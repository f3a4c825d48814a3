/* Is this ROM the device's? The ROM's ids (analysis tree) against a PCI
 * device's (input/sysfs.h reads them from sysfs). */
#ifndef OPTROM_HOST_H
#define OPTROM_HOST_H

#include "analyzer/tree.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

/* Which of the device's ids the ROM's differ from (the sysfs attribute
 * names: host_diff_name). */
enum {
	HOST_DIFF_VENDOR = 1u << 0,
	HOST_DIFF_DEVICE = 1u << 1,
	HOST_DIFF_SUBSYSTEM_VENDOR = 1u << 2,
	HOST_DIFF_SUBSYSTEM_DEVICE = 1u << 3,
	HOST_DIFF_CLASS = 1u << 4,
	HOST_DIFF_ALL = (1u << 5) - 1u,
};

struct host_match_result {
	enum host_match match;
	int image;               /* index in the chain of that image, -1 when none */
	uint16_t vendor, device; /* the ROM's (the image that matched, else image 0's) */
	/* The device's id is not the image's PCIR device id but one of its PCI
	 * 3.0 device list (formats/pci_rom.h). SeaBIOS ignores the list. */
	bool via_device_list;
	uint32_t class_code;
	bool has_subsystem;
	uint16_t subsystem_vendor, subsystem_device;
	const char *subsystem_source; /* "NVGI", "ATOM", "VFCT" */
	unsigned differs;             /* HOST_DIFF_* */
};

/* Compares the ROM's ids with the device's: the PCIR vendor:device of each
 * image of the standard chain (a match on any image counts), then each
 * image's PCI 3.0 device list (same vendor, the device's id in the list),
 * the class, and the subsystem ids where the ROM carries them (NVIDIA's
 * NVGI container, the ATOMBIOS header; vfct_ss when the ROM came from a VFCT
 * image, 0:0 none). */
void host_match_rom(const struct rom_analysis *r, const struct host_ids *d, uint16_t vfct_ssvid,
                    uint16_t vfct_ssid, struct host_match_result *m);
/* The answer as a key for YAML/JSON: "matches", "same-gpu",
 * "other-board", "different-gpu". */
const char *host_match_key(enum host_match m);
/* "vendor", "device", "subsystem_vendor", "subsystem_device", "class" for
 * one HOST_DIFF_* bit; NULL for another value. */
const char *host_diff_name(unsigned bit);
/* True when image node n's device list holds device. */
bool host_list_holds(const struct rom_node *n, uint16_t device);
/* "matches", "same GPU, other board (subsystem differs)", "same GPU (the ROM
 * names no board)", "different GPU". */
const char *host_match_str(enum host_match m);

/* check --device's document (analyzer/emit_host.c): the ROM's report with a
 * device_match key (docs/yaml-schema.md), in the writer's syntax (YAML or
 * JSON: yw_set_syntax). bdf names the device d. False on a write error. */
bool emit_yaml_device_report(FILE *out, const struct rom_analysis *a, const char *bdf,
                             const struct host_ids *d, const struct host_match_result *m);

#endif
