/* Producer detection and the checksum-byte convention (formats/producer.h),
 * on synthetic images. */
#include "formats/producer.h"
#include "tests/support/bytes.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define LEN 0x400

static uint8_t img[LEN];

static void blank(void)
{
	memset(img, 0, sizeof(img));
	img[0] = 0x55;
	img[1] = 0xAA;
	img[2] = LEN / 512;
}

Test(producer, atombios_by_its_magic)
{
	struct span s;
	char ver[48];
	blank();
	memcpy(img + 0x30, " 761295520", 10);
	s = span_make(img, LEN);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN, 0x1002, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_ATOMBIOS);
	/* one byte of the magic missing: not ATOMBIOS */
	s = span_make(img, 0x39);
	cr_assert_eq(pci_detect_producer(&s, 0, 0x39, 0x1002, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_UNKNOWN);
}

Test(producer, ipxe_by_its_header_pointer)
{
	struct span s;
	char ver[8];
	blank();
	tb_put16(img, 0x10, 0x100);
	memcpy(img + 0x100, "iPXE", 4);
	s = span_make(img, LEN);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN, 0x8086, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_IPXE);
	/* the header past the image's own length does not count */
	cr_assert_eq(pci_detect_producer(&s, 0, 0x103, 0x8086, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_UNKNOWN);
}

Test(producer, seabios_by_its_banner_and_nvidia_by_vendor)
{
	struct span s;
	char ver[8];
	blank();
	memcpy(img + LEN - 10, "SeaVGABIOS", 10);
	s = span_make(img, LEN);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN, 0x1234, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_SEABIOS);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN - 1, 0x1234, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_UNKNOWN);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN, 0x10DE, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_NVIDIA);
	cr_assert_str_eq(ver, ""); /* no BIT table: no version */
}

Test(producer, image_past_the_end_is_read_only_as_far_as_it_exists)
{
	struct span s;
	char ver[8];
	blank();
	s = span_make(img, 0x20);
	cr_assert_eq(pci_detect_producer(&s, 0, LEN, 0x1234, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_UNKNOWN);
	cr_assert_eq(pci_detect_producer(&s, 0x40, LEN, 0x1234, ver, sizeof(ver), NULL),
	             PCI_PRODUCER_UNKNOWN);
}

Test(producer, checksum_byte_convention)
{
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_ATOMBIOS, 0xE600), 0x21);
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_IPXE, 0x12600), 0x06);
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_SEABIOS, 0x9C00), 0x06);
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_NVIDIA, 0xF400), 0xF3FF);
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_UNKNOWN, 512), 511);
	cr_assert_eq(pci_checksum_byte(PCI_PRODUCER_UNKNOWN, 0), 0);
}
