/* The YAML/JSON document of an ACPI VFCT table (formats/vfct.h): the ACPI
 * header and its checksum, VFCT's own header, and each image header with
 * its PCI address and ids; the keys are the declarations' (docs/yaml-schema.md,
 * "The VFCT table document"). The report of each image follows as a
 * document of its own. */
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
#include "formats/vfct.h"

#include <stdio.h>

static void image(struct yw *w, const char *name, const struct vfct_image *im, size_t i)
{
	const struct vfct_image_header *h = &im->hdr;
	char bdf[40], member[4200];
	(void)vfct_image_bdf(h, bdf, sizeof(bdf));
	(void)snprintf(member, sizeof(member), "%s!%s", name, bdf);
	yw_map_start(w);
	yw_kuint(w, "index", i);
	yw_kstr(w, "address", bdf);
	yw_kstr(w, "member", member);
	yw_khex(w, "header_offset", im->header_offset);
	yw_khex(w, VFCT_IMG_KEY(PCI_BUS), h->pci_bus);
	yw_khex(w, VFCT_IMG_KEY(PCI_DEVICE), h->pci_device);
	yw_khex(w, VFCT_IMG_KEY(PCI_FUNCTION), h->pci_function);
	yw_kid4(w, VFCT_IMG_KEY(VENDOR), h->vendor);
	yw_kid4(w, VFCT_IMG_KEY(DEVICE), h->device);
	yw_kid4(w, VFCT_IMG_KEY(SUBSYSTEM_VENDOR), h->subsystem_vendor);
	yw_kid4(w, VFCT_IMG_KEY(SUBSYSTEM_DEVICE), h->subsystem_device);
	yw_kuint(w, VFCT_IMG_KEY(REVISION), h->revision);
	yw_khex(w, VFCT_IMG_KEY(IMAGE_LENGTH), h->image_length);
	yw_khex(w, "data_offset", im->data_offset);
	yw_khex(w, "data_length", im->data_length);
	yw_kbool(w, "truncated", im->truncated);
	yw_map_end(w);
}

bool emit_yaml_vfct(FILE *out, const char *name, const struct vfct_table *t)
{
	struct yw w;
	if (!yw_open(&w, out))
		return false;
	yw_doc_start(&w);
	yw_map_start(&w);
	yw_kuint(&w, "optrom", REPORT_SCHEMA);
	yw_kstr(&w, "file", name);
	yw_key(&w, "vfct");
	yw_map_start(&w);
	yw_kstr(&w, "signature", VFCT_SIG);
	yw_khex(&w, ACPI_HDR_KEY(LENGTH), t->acpi.length);
	yw_kuint(&w, ACPI_HDR_KEY(REVISION), t->acpi.revision);
	yw_khex(&w, ACPI_HDR_KEY(CHECKSUM), t->acpi.checksum);
	yw_khex(&w, "sum", t->sum);
	yw_kbool(&w, "checksum_ok", t->checksum_ok);
	yw_kstr(&w, "oem_id", t->oem_id);
	yw_kstr(&w, "oem_table_id", t->oem_table_id);
	yw_khex(&w, ACPI_HDR_KEY(OEM_REVISION), t->acpi.oem_revision);
	yw_khex(&w, ACPI_HDR_KEY(CREATOR_ID), t->acpi.creator_id);
	yw_khex(&w, ACPI_HDR_KEY(CREATOR_REVISION), t->acpi.creator_revision);
	yw_khex(&w, VFCT_HDR_KEY(VBIOS_IMAGE_OFFSET), t->vfct.vbios_image_offset);
	yw_khex(&w, VFCT_HDR_KEY(LIB1_IMAGE_OFFSET), t->vfct.lib1_image_offset);
	yw_khex(&w, "trailing", t->trailing);
	yw_key(&w, "images");
	yw_seq_start(&w);
	for (size_t i = 0; i < t->n; i++)
		image(&w, name, &t->images[i], i);
	yw_seq_end(&w);
	yw_key(&w, "list_end");
	yw_map_start(&w);
	yw_khex(&w, "offset", t->stop_offset);
	yw_kstr(&w, "reason", vfct_stop_str(t->stop));
	yw_map_end(&w);
	yw_map_end(&w);
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w) && !ferror(out);
}
