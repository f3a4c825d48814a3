/* --secure-boot-vars FILE for info and check, and the default variable
 * store found on the host when the option is absent (info only). */
#include "analyzer/secure_boot.h"
#include "cli/cli.h"
#include "input/load.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where Debian (ovmf) and Proxmox (pve-edk2-firmware) keep a variable
 * store with Microsoft's keys: the first one found is used. */
static const char *const default_stores[] = {
    "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
    "/usr/share/pve-edk2-firmware/*vars*",
};

static bool first_default(char *out, size_t cap)
{
	for (size_t i = 0; i < sizeof(default_stores) / sizeof(default_stores[0]); i++) {
		glob_t g;
		bool found = false;
		if (glob(default_stores[i], 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc && !found; k++)
				if (access(g.gl_pathv[k], R_OK) == 0) {
					(void)snprintf(out, cap, "%s", g.gl_pathv[k]);
					found = true;
				}
		}
		globfree(&g);
		if (found)
			return true;
	}
	return false;
}

int cli_sb_open(const char *path, bool use_default, struct cli_sb *out)
{
	char err[512], found[1024];
	uint8_t *data = NULL;
	size_t len = 0;
	memset(out, 0, sizeof(*out));
	if (!path) {
		if (!use_default)
			return EXIT_READY;
		if (!first_default(found, sizeof(found))) {
			(void)snprintf(out->origin, sizeof(out->origin),
			               "no variable store given (--secure-boot-vars FILE) and none "
			               "found on this host (%s, %s)",
			               default_stores[0], default_stores[1]);
			return EXIT_READY;
		}
		path = found;
		(void)snprintf(out->origin, sizeof(out->origin), "found on this host");
	}
	if (rom_load_file(path, &data, &len, err, sizeof(err)) != LOAD_OK) {
		if (out->origin[0]) { /* a default that cannot be read: say so, no error */
			(void)snprintf(out->origin, sizeof(out->origin),
			               "the store found on this host could not be read: %s", err);
			return EXIT_READY;
		}
		fprintf(stderr, "optrom: --secure-boot-vars: %s\n", err);
		return EXIT_USAGE;
	}
	out->store = sb_store_load(data, len, path);
	free(data);
	if (!out->store) {
		fprintf(stderr, "optrom: %s: out of memory reading the variable store\n", path);
		return EXIT_USAGE;
	}
	if (out->store->status != EFI_VARS_OK) {
		if (out->origin[0]) {
			(void)snprintf(out->origin, sizeof(out->origin),
			               "%s, found on this host, is no variable store: %s", path,
			               efi_vars_status_str(out->store->status));
			sb_store_free(out->store);
			out->store = NULL;
			return EXIT_READY;
		}
		fprintf(stderr, "optrom: %s: not an OVMF variable store: %s\n", path,
		        efi_vars_status_str(out->store->status));
		sb_store_free(out->store);
		out->store = NULL;
		return EXIT_USAGE;
	}
	out->active = true;
	return EXIT_READY;
}

void cli_sb_close(struct cli_sb *sb)
{
	sb_store_free(sb->store);
	sb->store = NULL;
}
