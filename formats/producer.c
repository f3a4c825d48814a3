#include "formats/producer.h"

#include "formats/atom.h"
#include "formats/decode_count.h"
#include "formats/nvidia.h"

#include <string.h>

#define IPXE_HEADER_PTR 0x10u /* iPXE Option::ROM: u16 pointer to the "iPXE" header */

enum pci_producer pci_detect_producer(const struct span *s, size_t img, size_t len,
                                      uint16_t vendor_id, char *version, size_t cap,
                                      struct atom_info *atom_out)
{
	struct atom_info local = {false};
	struct atom_info *atom = atom_out ? atom_out : &local;
	struct span image;
	uint16_t ipxe_ptr;
	FMT_COUNT(FMT_DEC_PRODUCER, s->data, img);
	if (cap)
		version[0] = '\0';
	if (!span_sub(s, img, len, &image))
		image = span_tail(s, img);
	if (atom_detect(&image, 0, image.len, atom)) {
		if (cap) {
			(void)strncpy(version, atom->part_number, cap - 1);
			version[cap - 1] = '\0';
		}
		return PCI_PRODUCER_ATOMBIOS;
	}
	if (span_u16le(&image, IPXE_HEADER_PTR, &ipxe_ptr) && ipxe_ptr != 0 &&
	    span_eq(&image, ipxe_ptr, "iPXE", 4))
		return PCI_PRODUCER_IPXE;
	/* The BIT table (and the version in it) is decoded once, by the
	 * analyzer's vendor pass (nv_bit_decode), which needs the chains. */
	if (vendor_id == PCI_VENDOR_NVIDIA)
		return PCI_PRODUCER_NVIDIA;
	/* SeaBIOS's VGA BIOS names itself in its banner string; its
	 * scripts/buildrom.py balances byte 6. */
	for (size_t i = 0; i + 10 <= image.len; i++)
		if (image.data[i] == 'S' && span_eq(&image, i, "SeaVGABIOS", 10))
			return PCI_PRODUCER_SEABIOS;
	return PCI_PRODUCER_UNKNOWN;
}

size_t pci_checksum_byte(enum pci_producer p, size_t own_len)
{
	switch (p) {
	case PCI_PRODUCER_ATOMBIOS:
		return ATOM_OFF_CHECKSUM;
	case PCI_PRODUCER_IPXE:
	case PCI_PRODUCER_SEABIOS:
		return PCI_CHECKSUM_IPXE_OFF;
	default:
		/* envytools vbios_mgmt writes the image's last byte */
		return own_len ? own_len - 1 : 0;
	}
}
