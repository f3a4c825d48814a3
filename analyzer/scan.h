/* scan's policy over one input: its verdict (the analysis's, or not-a-rom
 * for a file plainly not a ROM image), and the few facts its line and the
 * summary show, taken from the analysis tree once so that the tree can be
 * freed. No I/O: cli/scan_run.c walks, reads and schedules.
 */
#ifndef OPTROM_SCAN_H
#define OPTROM_SCAN_H

#include "analyzer/tree.h"
#include "formats/field.h"
#include "formats/filekind.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The exit status (scan_verdict_exit) ranks not-a-rom with ready, and
 * unreadable between fixable and broken, as an unreadable file is in check. */
enum scan_verdict {
	SCAN_READY = 0,
	SCAN_FIXABLE,
	SCAN_BROKEN,
	SCAN_NOT_A_ROM,  /* plainly something else: text, a picture, ... (scan_not_a_rom) */
	SCAN_UNREADABLE, /* could not be read: the reason is the entry's */
	SCAN_VERDICT_COUNT,
};

const char *scan_verdict_name(enum scan_verdict v);

/* The GOP state of the signature check (analyzer/signature.h,
 * rom_gop_state): none, signed-ok, unsigned, damaged. */
enum scan_gop {
	SCAN_GOP_NONE = 0,
	SCAN_GOP_SIGNED_OK,
	SCAN_GOP_UNSIGNED,
	SCAN_GOP_DAMAGED,
	SCAN_GOP_COUNT,
};

const char *scan_gop_name(enum scan_gop g);
enum scan_gop scan_gop_state(const struct rom_analysis *a);

/* A name "shaped like a ROM file": its last component (after the last '/'
 * or '!'), without a trailing ".gz", ends in .rom, .bin, .vbios, .bios,
 * .vga, .fd, .fw, .dump or .dmp (any case). */
bool scan_name_rom_like(const char *name);

/* The not-a-rom rule (docs/scan.md): true when the analysis found no ROM,
 * no ISA ROM and no container, the bytes do not start with 55 AA or
 * "NVGI", the name is not ROM-like (scan_name_rom_like), and the bytes are
 * text or a known non-ROM format (formats/filekind.h); *kind says which.
 * A failed dump (all 0xFF, all zero, a cut header) or an unknown binary
 * stays what the analysis says: broken. */
bool scan_not_a_rom(const struct rom_analysis *a, const uint8_t *data, size_t len, const char *name,
                    enum file_kind *kind);

/* The exit status of a verdict, as check's (cli_worse orders them):
 * ready and not-a-rom 0, fixable 1, unreadable 2, broken 3. */
int scan_verdict_exit(enum scan_verdict v);

/* What a scan line and the summary show of one analyzed input. */
struct scan_info {
	enum scan_verdict verdict;
	enum scan_verdict rom_verdict; /* the analysis's verdict, before the name is looked at */
	bool rom_shaped;     /* a ROM, ISA ROM or container found, or 55 AA / "NVGI" at 0 */
	enum file_kind kind; /* what the bytes are (filekind.h), for the not-a-rom rule */
	uint64_t size;
	bool has_rom;
	uint64_t rom_offset;
	bool has_ids; /* vendor:device of the standard chain's first image */
	uint16_t vendor, device;
	size_t images;
	/* What people quote, by role (formats/field.h, analyzer/vendor.h
	 * vendor_quote): version, part number, build date, board; the version
	 * falls back to the first image's producer version (iPXE, SeaBIOS). */
	char quote[FMT_ROLE_COUNT][48];
	enum scan_gop gop;
	char problem[FINDING_MSG_LEN + 48];     /* "id: message" of the first problem, or "" */
	char rom_problem[FINDING_MSG_LEN + 48]; /* the analysis's, before the name is looked at */
};

/* Fills *out from a finished analysis (and the not-a-rom rule over the
 * same bytes and name). */
void scan_info_from(struct scan_info *out, const struct rom_analysis *a, const uint8_t *data,
                    size_t len, const char *name);

/* The verdict of the same bytes under another name (identical contents are
 * analyzed once; the not-a-rom rule also reads the name). */
void scan_info_rename(struct scan_info *info, const char *name);

#define SCAN_MAX_DEVICES 4096

/* A card in the summary: the first image's vendor:device and how many
 * inputs hold a ROM for it. */
struct scan_device {
	uint16_t vendor, device;
	uint32_t count;
};

/* A scan_info in a few bytes, for the record scan keeps per distinct
 * content until the end of the scan (a repeat may come at any time): the
 * struct's bytes with each run of zero bytes (the unused tails of its
 * strings, most of its ~900 bytes) stored as a count, without problem and
 * verdict, which scan_info_rename derives again from the rest. Blind to the
 * other fields, so a field added to scan_info is kept without a change here
 * (scan_info holds no pointers). scan_info_pack writes at most
 * SCAN_INFO_PACK_MAX bytes to out and returns how many; scan_info_unpack is
 * false when p is not a packed scan_info; then scan_info_rename. */
#define SCAN_INFO_PACK_MAX (sizeof(struct scan_info) + sizeof(struct scan_info) / 128 + 1)
size_t scan_info_pack(const struct scan_info *info, uint8_t *out);
bool scan_info_unpack(const uint8_t *p, size_t len, struct scan_info *info);

/* Counts over a scan, for the summary. */
struct scan_summary {
	uint64_t files, bytes;
	uint64_t verdicts[SCAN_VERDICT_COUNT];
	uint64_t gop[SCAN_GOP_COUNT]; /* of the inputs that hold a ROM */
	uint32_t vendors[65536];      /* of the inputs that hold a ROM: first image's vendor */
	struct scan_device devices[SCAN_MAX_DEVICES]; /* the same by vendor:device, sorted */
	size_t n_devices;
	uint64_t devices_other;    /* inputs whose device found the table full */
	uint64_t duplicates;       /* inputs whose bytes an earlier input had */
	uint64_t duplicate_groups; /* contents held by more than one input */
	uint64_t hashed;           /* inputs whose SHA-256 was computed */
	/* EFI drivers: lookups, distinct streams decoded, copies taken from the cache */
	uint64_t driver_lookups, driver_decoded, driver_hits;
};

/* Adds one input (info NULL: unreadable). */
void scan_summary_add(struct scan_summary *s, const struct scan_info *info, uint64_t size);

#endif
