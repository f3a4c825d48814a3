#include "analyzer/vendor.h"

#include "analyzer/tree_build.h"
#include "formats/atom.h"
#include "formats/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vendor_kind_name(enum vendor_kind k)
{
	switch (k) {
	case VENDOR_NVIDIA:
		return "nvidia";
	case VENDOR_AMD:
		return "amd";
	case VENDOR_INTEL:
		return "intel";
	case VENDOR_NONE:
		break;
	}
	return "none";
}

/* nouveau's image0_size and imaged_addr (bios/base.c): image 0's size in
 * NVIDIA's view (its NPDE sub-image length), and the first 0xE0 image. */
static void nv_map(const struct rom_analysis *a, const struct rom_node *n, struct nv_bit_map *m)
{
	m->rom = n->offset;
	m->image0_size = n->length;
	m->imaged = 0;
	if (n->has_npde && n->npde.subimage_blocks != 0)
		m->image0_size = (size_t)n->npde.subimage_blocks * PCI_ROM_BLOCK;
	for (size_t i = 0; i < a->nvidia.n; i++) {
		const struct rom_node *e = rom_node_of(a, &a->nvidia.images[i]);
		if (e && e->offset > n->offset && e->pcir.code_type == PCI_CODE_NV_EXT) {
			m->imaged = e->offset;
			return;
		}
	}
}

static void decode_nvidia(const struct rom_analysis *a, const struct span *s,
                          const struct rom_node *n, size_t len, struct vendor_nvidia *v)
{
	struct span image;
	nv_map(a, n, &v->map);
	v->has_bit = nv_bit_decode(s, n->offset, len, &v->map, &v->bit);
	if (!v->has_bit && v->bit.status == NV_BIT_ABSENT) {
		v->bmp_offset = nv_bmp_find(s, n->offset, len);
		v->has_bmp = v->bmp_offset != SIZE_MAX;
		if (v->has_bmp) {
			(void)span_u8(s, v->bmp_offset + 5, &v->bmp_major);
			(void)span_u8(s, v->bmp_offset + 6, &v->bmp_minor);
		}
	}
	for (size_t i = 0; i < a->n_other && v->n_backups < NV_MAX_BACKUPS; i++) {
		const struct rom_node *o = rom_node_of(a, &a->other_images[i]);
		struct span mine, theirs;
		if (!o || o->pcir.code_type != PCI_CODE_X86 ||
		    o->pcir.vendor_id != n->pcir.vendor_id ||
		    o->pcir.device_id != n->pcir.device_id || o->length != n->length)
			continue;
		v->backups[v->n_backups].offset = o->offset;
		v->backups[v->n_backups].identical = span_sub(s, n->offset, n->length, &mine) &&
		                                     span_sub(s, o->offset, o->length, &theirs) &&
		                                     memcmp(mine.data, theirs.data, mine.len) == 0;
		v->n_backups++;
	}
	if (span_sub(s, n->offset, len, &image)) {
		uint8_t mark = 0, sum = 1;
		if (span_u8(&image, NV_HWINFO_MARK_OFF, &mark) && mark == NV_HWINFO_MARK &&
		    span_sum8(&image, NV_HWINFO_OFF, NV_HWINFO_LEN, &sum) && sum == 0) {
			v->has_hwinfo =
			    span_u16le(&image, NV_X86_SUBSYSTEM_OFF, &v->subsystem_vendor) &&
			    span_u16le(&image, NV_X86_SUBSYSTEM_OFF + 2, &v->subsystem_device);
		}
	}
}

bool vendor_decode(struct rom_analysis *a, const struct span *s)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		struct rom_node *n = &a->nodes[a->chain.images[i].node];
		size_t len = n->length ? n->length : (size_t)n->hdr.size_blocks * PCI_ROM_BLOCK;
		struct rom_vendor *v;
		if (n->vendor || n->pcir.code_type != PCI_CODE_X86 ||
		    n->hdr.signature != PCI_ROM_SIG)
			continue;
		if (n->producer != PCI_PRODUCER_NVIDIA && n->producer != PCI_PRODUCER_ATOMBIOS &&
		    n->pcir.vendor_id != PCI_VENDOR_INTEL)
			continue;
		v = calloc(1, sizeof(*v));
		if (!v)
			return false;
		n->vendor = v;
		if (n->producer == PCI_PRODUCER_NVIDIA) {
			v->kind = VENDOR_NVIDIA;
			decode_nvidia(a, s, n, len, &v->u.nvidia);
			if (v->u.nvidia.bit.has_version)
				(void)snprintf(n->version, sizeof(n->version), "%s",
				               v->u.nvidia.bit.version);
		} else if (n->producer == PCI_PRODUCER_ATOMBIOS) {
			v->kind = VENDOR_AMD;
			(void)atom_ext_decode(s, n->offset, len, &n->atom, &v->u.amd);
		} else if (intel_vbt_find(s, n->offset, len, &v->u.intel)) {
			v->kind = VENDOR_INTEL;
		} else {
			free(v);
			n->vendor = NULL;
		}
	}
	return true;
}

size_t vendor_texts(const struct rom_node *n, struct vendor_text *out, size_t cap)
{
	const struct rom_vendor *v = n ? n->vendor : NULL;
	size_t k = 0;
	if (!v || cap < VENDOR_TEXT_MAX)
		return 0;
	switch (v->kind) {
	case VENDOR_NVIDIA:
		out[k++] = (struct vendor_text){"nvidia", nv_bit_text_fields, NV_BIT_T_COUNT,
		                                &v->u.nvidia.bit};
		out[k++] = (struct vendor_text){"nvidia.strings", nv_bit_string_fields,
		                                NV_BIT_STR_T_COUNT, &v->u.nvidia.bit};
		break;
	case VENDOR_AMD:
		out[k++] =
		    (struct vendor_text){"amd", atom_ext_text_fields, ATOM_EXT_T_COUNT, &v->u.amd};
		out[k++] = (struct vendor_text){"atom", atom_text_fields, ATOM_T_COUNT, &n->atom};
		break;
	case VENDOR_INTEL:
		out[k++] = (struct vendor_text){"intel", intel_vbt_text_fields, INTEL_VBT_T_COUNT,
		                                &v->u.intel};
		break;
	case VENDOR_NONE:
		break;
	}
	return k;
}

const char *vendor_quote(const struct rom_analysis *a, enum fmt_role r)
{
	struct vendor_text g[VENDOR_TEXT_MAX];
	size_t k = vendor_texts(vendor_node(a, NULL), g, VENDOR_TEXT_MAX);
	for (size_t i = 0; i < k; i++)
		for (size_t f = 0; f < g[i].n; f++) {
			const char *v = fmt_text_value(g[i].decoded, &g[i].fields[f]);
			if (g[i].fields[f].role == r && v[0])
				return v;
		}
	return "";
}

const char *vendor_version(const struct rom_analysis *a)
{
	return vendor_quote(a, FMT_ROLE_VERSION);
}

const struct rom_node *vendor_node(const struct rom_analysis *a, size_t *index)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n && n->vendor) {
			if (index)
				*index = i;
			return n;
		}
	}
	return NULL;
}

bool vendor_subsystem(const struct rom_analysis *a, const struct rom_node *n, uint16_t *sv,
                      uint16_t *sd)
{
	const struct rom_vendor *v = n ? n->vendor : NULL;
	*sv = *sd = 0;
	if (!v)
		return false;
	if (v->kind == VENDOR_NVIDIA) {
		if (a->container == CONTAINER_NVGI && a->nvgi_status == NVGI_OK) {
			*sv = a->nvgi.subsystem_vendor;
			*sd = a->nvgi.subsystem_device;
			return true;
		}
		if (v->u.nvidia.has_hwinfo) {
			*sv = v->u.nvidia.subsystem_vendor;
			*sd = v->u.nvidia.subsystem_device;
			return true;
		}
		return false;
	}
	if (v->kind == VENDOR_AMD && n->atom.hdr_ok) {
		*sv = n->atom.hdr.subsystem_vendor;
		*sd = n->atom.hdr.subsystem_id;
		return true;
	}
	return false;
}
