/* What to do with a fixed ROM: the lines `fix` prints after a write, built
 * once for the text and YAML/JSON emitters (patcher/emit_plan.c).
 *
 * Every command pastes into sh, bash and zsh as it is: paths are single-
 * quoted (a ' inside becomes '\''), so spaces, parentheses, quotes, $ and
 * backticks stay literal. Proxmox's romfile= takes a bare name under
 * /usr/share/kvm, parsed as a comma-separated option list, so the copy gets
 * a safe name when the file's has anything but letters, digits and ._+-.
 * The lines fit the device's class: a GPU (class 03) gets x-vga=1, OVMF and
 * q35 advice; another device neither x-vga nor "GPU". */
#ifndef OPTROM_PATCH_NEXT_STEPS_H
#define OPTROM_PATCH_NEXT_STEPS_H

#include "analyzer/tree.h"

#include <stdbool.h>
#include <stddef.h>

#define PROXMOX_ROM_DIR  "/usr/share/kvm/"
#define NEXT_LINE_MAX    (4 * 4096 + 256)
#define NEXT_EXAMPLE_BDF "0000:01:00.0" /* fix does not know the device */

struct next_steps {
	bool gpu;                 /* class code 03xxxx: display controller */
	bool efi;                 /* the ROM carries an EFI image (OVMF uses it) */
	const char *device;       /* "GPU" or "device" */
	char safe_name[256];      /* the name under /usr/share/kvm */
	char copy[NEXT_LINE_MAX]; /* cp -- 'SRC' /usr/share/kvm/NAME */
	char proxmox[512];        /* hostpci0: ... */
	char proxmox_note[512];   /* machine type, OVMF */
	char libvirt[NEXT_LINE_MAX];
	char libvirt_note[512];
};

/* The steps for the ROM r (the input's analysis) written to output (an
 * absolute path). False when a line would not fit (paths near PATH_MAX). */
bool patch_next_steps(const struct rom_analysis *r, const char *output, struct next_steps *ns);
/* The same for the device at bdf ("0000:03:00.0", from sysfs: dump knows
 * it); patch_next_steps writes the example address 0000:01:00.0. */
bool patch_next_steps_at(const struct rom_analysis *r, const char *output, const char *bdf,
                         struct next_steps *ns);

/* s single-quoted for a POSIX shell into out; false when it does not fit. */
bool patch_shell_quote(const char *s, char *out, size_t cap);

/* A name Proxmox and every shell take bare: runs of bytes other than
 * [A-Za-z0-9._+-] become one '_', no leading '.', '-' or '_'; empty gives
 * fallback. Returns out. */
const char *patch_safe_name(const char *name, const char *fallback, char *out, size_t cap);

#endif
