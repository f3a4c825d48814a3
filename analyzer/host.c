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

const char *host_match_key(enum host_match m)
{
	switch (m) {
	case HOST_MATCH_EXACT:
		return "matches";
	case HOST_MATCH_SAME_GPU:
		return "same-gpu";
	case HOST_MATCH_OTHER_BOARD:
		return "other-board";
	case HOST_MATCH_DIFFERENT:
		break;
	}
	return "different-gpu";
}

const char *host_diff_name(unsigned bit)
{
	switch (bit) {
	case HOST_DIFF_VENDOR:
		return "vendor";
	case HOST_DIFF_DEVICE:
		return "device";
	case HOST_DIFF_SUBSYSTEM_VENDOR:
		return "subsystem_vendor";
	case HOST_DIFF_SUBSYSTEM_DEVICE:
		return "subsystem_device";
	case HOST_DIFF_CLASS:
		return "class";
	default:
		return NULL;
	}
}

bool host_list_holds(const struct rom_node *n, uint16_t device)
{
	for (size_t k = 0; n->device_ids && k < n->devlist.n; k++)
		if (n->device_ids[k] == device)
			return true;
	return false;
}

/* The image of the chain that is for the device: its own PCIR ids first,
 * then (pass 1) a device list of the same vendor that holds the id. */
static int find_image(const struct rom_analysis *r, const struct host_ids *d, bool *via_list)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->chain.n; i++) {
			const struct rom_node *n = rom_chain_node(r, i);
			if (!n || n->pcir.vendor_id != d->vendor)
				continue;
			if (pass == 0 ? n->pcir.device_id == d->device
			              : host_list_holds(n, d->device)) {
				*via_list = pass == 1;
				return (int)i;
			}
		}
	return -1;
}

void host_match_rom(const struct rom_analysis *r, const struct host_ids *d, uint16_t vfct_ssvid,
                    uint16_t vfct_ssid, struct host_match_result *m)
{
	const struct rom_node *hit, *first = rom_chain_node(r, 0);
	bool same_gpu;
	memset(m, 0, sizeof(*m));
	m->image = find_image(r, d, &m->via_device_list);
	same_gpu = m->image >= 0;
	if (!same_gpu && first)
		m->image = 0;
	hit = m->image >= 0 ? rom_chain_node(r, (size_t)m->image) : NULL;
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
	           (first->atom.hdr.subsystem_vendor || first->atom.hdr.subsystem_id) &&
	           !(first->atom.hdr.subsystem_vendor == PCI_VENDOR_AMD &&
	             first->atom.hdr.subsystem_id == PCI_VENDOR_AMD)) {
		/* 1002:1002 is AMD's generic value (every APU image of the corpus
		 * and the VFCT tables' iGPU images carry it): no board named. */
		m->has_subsystem = true;
		m->subsystem_vendor = first->atom.hdr.subsystem_vendor;
		m->subsystem_device = first->atom.hdr.subsystem_id;
		m->subsystem_source = "ATOM";
	} else if (vfct_ssvid || vfct_ssid) {
		m->has_subsystem = true;
		m->subsystem_vendor = vfct_ssvid;
		m->subsystem_device = vfct_ssid;
		m->subsystem_source = "VFCT";
	}
	if (!hit || m->vendor != d->vendor)
		m->differs |= HOST_DIFF_VENDOR;
	if (!hit || (m->device != d->device && !m->via_device_list))
		m->differs |= HOST_DIFF_DEVICE;
	if (m->has_subsystem && m->subsystem_vendor != d->subsystem_vendor)
		m->differs |= HOST_DIFF_SUBSYSTEM_VENDOR;
	if (m->has_subsystem && m->subsystem_device != d->subsystem_device)
		m->differs |= HOST_DIFF_SUBSYSTEM_DEVICE;
	if (hit && d->class_code && m->class_code != d->class_code)
		m->differs |= HOST_DIFF_CLASS;
	if (!same_gpu)
		m->match = HOST_MATCH_DIFFERENT;
	else if (!m->has_subsystem)
		m->match = HOST_MATCH_SAME_GPU;
	else if (!(m->differs & (HOST_DIFF_SUBSYSTEM_VENDOR | HOST_DIFF_SUBSYSTEM_DEVICE)))
		m->match = HOST_MATCH_EXACT;
	else
		m->match = HOST_MATCH_OTHER_BOARD;
}
