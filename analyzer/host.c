#include "analyzer/host.h"

#include "formats/producer.h"

#include <string.h>

/* ---- matching ---- */

const char *host_match_str(enum host_match m)
{
	switch (m) {
	case HOST_MATCH_EXACT:
		return "matches";
	case HOST_MATCH_SAME_GPU:
		return "matches (same GPU; the ROM names no board)";
	case HOST_MATCH_OTHER_BOARD:
		return "same GPU, other board (subsystem differs)";
	case HOST_MATCH_DIFFERENT:
		break;
	}
	return "different GPU";
}

void host_match_rom(const struct rom_analysis *r, const struct host_ids *d, uint16_t vfct_ssvid,
                    uint16_t vfct_ssid, struct host_match_result *m)
{
	const struct rom_node *hit = NULL, *first = rom_chain_node(r, 0);
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < r->chain.n && !hit; i++) {
		const struct rom_node *n = rom_chain_node(r, i);
		if (n && n->pcir.vendor_id == d->vendor && n->pcir.device_id == d->device)
			hit = n;
	}
	if (!hit)
		hit = first;
	if (hit) {
		m->vendor = hit->pcir.vendor_id;
		m->device = hit->pcir.device_id;
		m->class_code = hit->pcir.class_code;
	}
	/* Where the ROM names its board. */
	if (r->container == CONTAINER_NVGI &&
	    (r->nvgi.subsystem_vendor || r->nvgi.subsystem_device)) {
		m->has_subsystem = true;
		m->subsystem_vendor = r->nvgi.subsystem_vendor;
		m->subsystem_device = r->nvgi.subsystem_device;
		m->subsystem_source = "NVGI";
	} else if (first && first->producer == PCI_PRODUCER_ATOMBIOS && first->atom.magic_ok &&
	           (first->atom.subsystem_vendor || first->atom.subsystem_id) &&
	           !(first->atom.subsystem_vendor == PCI_VENDOR_AMD &&
	             first->atom.subsystem_id == PCI_VENDOR_AMD)) {
		/* 1002:1002 is AMD's generic value (every APU image of the corpus
		 * and the VFCT tables' iGPU images carry it): no board named. */
		m->has_subsystem = true;
		m->subsystem_vendor = first->atom.subsystem_vendor;
		m->subsystem_device = first->atom.subsystem_id;
		m->subsystem_source = "ATOM";
	} else if (vfct_ssvid || vfct_ssid) {
		m->has_subsystem = true;
		m->subsystem_vendor = vfct_ssvid;
		m->subsystem_device = vfct_ssid;
		m->subsystem_source = "VFCT";
	}
	if (!hit || m->vendor != d->vendor || m->device != d->device) {
		m->match = HOST_MATCH_DIFFERENT;
	} else if (!m->has_subsystem) {
		m->match = HOST_MATCH_SAME_GPU;
	} else if (m->subsystem_vendor == d->subsystem_vendor &&
	           m->subsystem_device == d->subsystem_device) {
		m->match = HOST_MATCH_EXACT;
	} else {
		m->match = HOST_MATCH_OTHER_BOARD;
	}
	m->class_differs = hit && d->class_code && m->class_code != d->class_code;
}
