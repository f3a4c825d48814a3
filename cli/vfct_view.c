/* What info says of an ACPI VFCT table (formats/vfct.h) before the report
 * of each of its images, and what a VFCT image lacks for a VM. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void cli_print_vfct(FILE *out, const char *name, const struct vfct_table *t)
{
	fprintf(out, "%s\n", name);
	fprintf(out, "  ACPI VFCT table, revision %u, OEM '%s' '%s', 0x%zx bytes", t->acpi.revision,
	        t->oem_id, t->oem_table_id, t->length);
	if (t->trailing)
		fprintf(out, " (+0x%zx bytes after it)", t->trailing);
	if (t->checksum_ok)
		fprintf(out, ", checksum ok\n");
	else
		fprintf(out, ", checksum BAD: the bytes sum to 0x%02x, expected 0x00\n", t->sum);
	fprintf(out, "  %zu image(s) from 0x%x, list ends at 0x%zx (%s):\n", t->n,
	        t->vfct.vbios_image_offset, t->stop_offset, vfct_stop_str(t->stop));
	for (size_t i = 0; i < t->n; i++) {
		const struct vfct_image *im = &t->images[i];
		char bdf[40];
		(void)vfct_image_bdf(&im->hdr, bdf, sizeof(bdf));
		fprintf(out,
		        "  [%zu] %s  %04x:%04x  subsystem %04x:%04x  revision %u  0x%x bytes at "
		        "0x%zx%s  -> %s!%s\n",
		        i, bdf, im->hdr.vendor, im->hdr.device, im->hdr.subsystem_vendor,
		        im->hdr.subsystem_device, im->hdr.revision, im->hdr.image_length,
		        im->data_offset, im->truncated ? " (TRUNCATED)" : "", name, bdf);
	}
	fprintf(out, "\n");
}

bool cli_rom_has_efi(const struct rom_analysis *a)
{
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (n && n->pcir.code_type == PCI_CODE_EFI)
			return true;
	}
	return false;
}

void cli_print_vfct_lack(FILE *out, const struct rom_analysis *a)
{
	if (cli_rom_has_efi(a))
		return;
	fprintf(out,
	        "Note (VFCT): this image holds the x86 video BIOS only, no EFI GOP driver: a\n"
	        "  SeaBIOS (legacy) VM can use it as romfile=, but an OVMF (UEFI) VM shows no\n"
	        "  picture until the guest's driver loads. An APU's GOP lives in the board's\n"
	        "  firmware: extract it (e.g. AMDGopDriver.efi with UEFITool) and give it to\n"
	        "  the VM as well; optrom checks such a GOP ROM like any other.\n");
}
