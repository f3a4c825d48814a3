/* check --device's YAML/JSON document: the ROM's report, then what the
 * device is and how the ROM's ids compare (analyzer/host.h). */
#include "analyzer/emit_yaml_writer.h"
#include "analyzer/host.h"

#include <stdio.h>

static void kclass(struct yw *w, uint32_t v)
{
	char buf[8];
	(void)snprintf(buf, sizeof(buf), "%06x", v & 0xFFFFFFu);
	yw_kstr(w, host_diff_name(HOST_DIFF_CLASS), buf);
}

static void device_ids(struct yw *w, const char *bdf, const struct host_ids *d)
{
	yw_key(w, "device");
	yw_map_start(w);
	yw_kstr(w, "address", bdf);
	yw_kid4(w, host_diff_name(HOST_DIFF_VENDOR), d->vendor);
	yw_kid4(w, host_diff_name(HOST_DIFF_DEVICE), d->device);
	yw_kid4(w, host_diff_name(HOST_DIFF_SUBSYSTEM_VENDOR), d->subsystem_vendor);
	yw_kid4(w, host_diff_name(HOST_DIFF_SUBSYSTEM_DEVICE), d->subsystem_device);
	kclass(w, d->class_code);
	yw_map_end(w);
}

static void rom_ids(struct yw *w, const struct host_match_result *m)
{
	yw_key(w, "rom");
	yw_map_start(w);
	if (m->image >= 0)
		yw_kuint(w, "image", (uint64_t)m->image);
	else
		yw_knull(w, "image");
	yw_kid4(w, host_diff_name(HOST_DIFF_VENDOR), m->vendor);
	yw_kid4(w, host_diff_name(HOST_DIFF_DEVICE), m->device);
	yw_kbool(w, "via_device_list", m->via_device_list);
	if (m->has_subsystem) {
		yw_kid4(w, host_diff_name(HOST_DIFF_SUBSYSTEM_VENDOR), m->subsystem_vendor);
		yw_kid4(w, host_diff_name(HOST_DIFF_SUBSYSTEM_DEVICE), m->subsystem_device);
		yw_kstr(w, "subsystem_source", m->subsystem_source);
	} else {
		yw_knull(w, host_diff_name(HOST_DIFF_SUBSYSTEM_VENDOR));
		yw_knull(w, host_diff_name(HOST_DIFF_SUBSYSTEM_DEVICE));
		yw_knull(w, "subsystem_source");
	}
	kclass(w, m->class_code);
	yw_map_end(w);
}

bool emit_yaml_device_report(FILE *out, const struct rom_analysis *a, const char *bdf,
                             const struct host_ids *d, const struct host_match_result *m)
{
	struct yw w;
	if (!yw_open(&w, out))
		return false;
	yw_doc_start(&w);
	yw_map_start(&w);
	emit_yaml_report_keys(&w, a, NULL);
	yw_key(&w, "device_match");
	yw_map_start(&w);
	device_ids(&w, bdf, d);
	rom_ids(&w, m);
	yw_kstr(&w, "answer", host_match_key(m->match));
	yw_kstr(&w, "text", host_match_str(m->match));
	yw_key(&w, "differs");
	yw_seq_start(&w);
	for (unsigned bit = 1; bit & HOST_DIFF_ALL; bit <<= 1)
		if (m->differs & bit)
			yw_str(&w, host_diff_name(bit));
	yw_seq_end(&w);
	yw_map_end(&w);
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w) && !ferror(out);
}
