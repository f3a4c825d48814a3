#include "analyzer/pci_names.h"

#include <pci/pci.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pci_access *names_pacc;

/* libpci's error callback would exit; a missing or bad pci.ids only makes
 * names absent. */
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

/* Under names_lock. */
static struct pci_access *names_access(void)
{
	if (!names_pacc) {
		const char *path = getenv("OPTROM_PCI_IDS");
		names_pacc = pci_alloc();
		if (!names_pacc)
			return NULL;
		names_pacc->warning = names_quiet;
		names_pacc->debug = names_quiet;
		if (path && path[0]) {
			char *copy = strdup(path);
			if (copy)
				pci_set_name_list_path(names_pacc, copy, 1);
		}
	}
	return names_pacc;
}

static bool lookup(char *out, size_t cap, int flags, unsigned a, unsigned b, unsigned c, unsigned d)
{
	char buf[PCI_NAME_LEN];
	const char *name = NULL;
	if (cap)
		out[0] = '\0';
	pthread_mutex_lock(&names_lock);
	{
		struct pci_access *p = names_access();
		if (p)
			name = pci_lookup_name(p, buf, (int)sizeof(buf),
			                       flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
			                       a, b, c, d);
		if (name && cap)
			(void)snprintf(out, cap, "%s", name);
	}
	pthread_mutex_unlock(&names_lock);
	return name != NULL && cap && out[0] != '\0';
}

bool pci_name_vendor(uint16_t vendor, char *out, size_t cap)
{
	return lookup(out, cap, PCI_LOOKUP_VENDOR, vendor, 0, 0, 0);
}

bool pci_name_device(uint16_t vendor, uint16_t device, char *out, size_t cap)
{
	return lookup(out, cap, PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
}

bool pci_name_subsystem(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
                        char *out, size_t cap)
{
	return lookup(out, cap, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, vendor, device,
	              sub_vendor, sub_device);
}
