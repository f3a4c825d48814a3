/* formats/decode_count.[ch]: one hit per decoder call, keyed by (decoder,
 * bytes, offset). Skipped, with a message, in builds without the counter
 * (cmake -DOPTROM_DECODE_COUNT=OFF). */
#include "formats/decode_count.h"
#include "formats/efi_rom.h"
#include "formats/nvidia.h"
#include "formats/pci_rom.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <string.h>

static void need_counter(void)
{
	if (!fmt_count_available()) {
		/* Criterion lists skips only with --verbose: say it anyway. */
		cr_log_warn("decode counter not compiled in (OPTROM_DECODE_COUNT is off): skipped");
		cr_skip_test("decode counter not compiled in (OPTROM_DECODE_COUNT is off)");
	}
}

Test(decode_count, same_structure_twice_counts_two)
{
	struct rb b;
	struct pci_pcir c;
	struct pci_rom_header h;
	struct span s;
	size_t second;
	need_counter();
	rb_init(&b);
	rb_add_x86(&b, 0x1002, 0x67DF, 2, false);
	second = rb_add_efi(&b, 0x1002, 0x67DF, 4, true);
	s = span_make(b.data, b.len);
	fmt_count_start();
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);
	cr_assert_eq(pci_pcir_decode(&s, second + 0x1C, false, &c), PCI_OK);
	cr_assert_eq(pci_rom_header_decode(&s, 0, false, &h), PCI_OK);
	fmt_count_stop();
	/* counting stopped: not recorded */
	cr_assert_eq(pci_pcir_decode(&s, 0x1C, false, &c), PCI_OK);

	cr_assert_eq(fmt_count_hits(FMT_DEC_PCIR, b.data, 0x1C), 2);
	cr_assert_eq(fmt_count_hits(FMT_DEC_PCIR, b.data, second + 0x1C), 1);
	cr_assert_eq(fmt_count_hits(FMT_DEC_PCIR, b.data, 0), 0);
	cr_assert_eq(fmt_count_hits(FMT_DEC_PCIR, b.data + 1, 0x1C), 0);
	cr_assert_eq(fmt_count_hits(FMT_DEC_ROM_HEADER, b.data, 0), 1);
	cr_assert_eq(fmt_count_hits(FMT_DEC_NPDE, b.data, 0x1C), 0);
	cr_assert_eq(fmt_count_total(FMT_DEC_PCIR), 3);
	cr_assert_eq(fmt_count_max_per_key(FMT_DEC_PCIR), 2);
	cr_assert_eq(fmt_count_max_per_key(FMT_DEC_ROM_HEADER), 1);
	cr_assert_eq(fmt_count_total(FMT_DEC_EFI_ROM_HEADER), 0);
	cr_assert_eq(fmt_count_keys(), 3);
	cr_assert_eq(fmt_count_overflow(), 0);
	rb_free(&b);
}

/* A probe records itself and the two decoders it runs. */
Test(decode_count, nested_decoders_count_their_own_calls)
{
	struct rb b;
	struct pci_pcir c;
	struct pci_rom_header h;
	struct span s;
	need_counter();
	rb_init(&b);
	rb_add_x86(&b, 0x10DE, 0x1C02, 2, true);
	s = span_make(b.data, b.len);
	fmt_count_start();
	cr_assert_eq(pci_image_probe(&s, 0, false, &h, &c), PCI_OK);
	fmt_count_stop();
	cr_assert_eq(fmt_count_hits(FMT_DEC_IMAGE_PROBE, b.data, 0), 1);
	cr_assert_eq(fmt_count_hits(FMT_DEC_ROM_HEADER, b.data, 0), 1);
	cr_assert_eq(fmt_count_hits(FMT_DEC_PCIR, b.data, 0x1C), 1);
	cr_assert_eq(fmt_count_keys(), 3);
	rb_free(&b);
}

Test(decode_count, start_clears_and_the_table_overflows_cleanly)
{
	uint8_t p[4] = {0};
	struct span s = span_make(p, sizeof(p));
	struct efi_rom_header e;
	unsigned long stored = 0;
	need_counter();
	fmt_count_start();
	for (size_t off = 0; off < 10000; off++)
		(void)efi_rom_header_decode(&s, off, &e);
	fmt_count_stop();
	cr_assert_eq(fmt_count_total(FMT_DEC_EFI_ROM_HEADER), 10000);
	cr_assert_gt(fmt_count_overflow(), 0);
	for (size_t off = 0; off < 10000; off++)
		stored += fmt_count_hits(FMT_DEC_EFI_ROM_HEADER, p, off);
	cr_assert_eq(stored + fmt_count_overflow(), 10000);
	cr_assert_eq(fmt_count_keys(), stored);
	fmt_count_start();
	fmt_count_stop();
	cr_assert_eq(fmt_count_keys(), 0);
	cr_assert_eq(fmt_count_total(FMT_DEC_EFI_ROM_HEADER), 0);
	cr_assert_eq(fmt_count_hits(FMT_DEC_EFI_ROM_HEADER, p, 0), 0);
}

Test(decode_count, kind_names)
{
	cr_assert_str_eq(fmt_count_kind_name(FMT_DEC_PCIR), "pcir");
	cr_assert_str_eq(fmt_count_kind_name(FMT_DEC_PRODUCER), "producer");
	cr_assert_str_eq(fmt_count_kind_name(FMT_DEC_COUNT), "unknown");
	for (int k = 0; k < FMT_DEC_COUNT; k++)
		for (int j = 0; j < k; j++)
			cr_assert_str_neq(fmt_count_kind_name((enum fmt_decoder)k),
			                  fmt_count_kind_name((enum fmt_decoder)j));
}

/* Without the counter every query is 0; with it, the same must hold before
 * anything was counted. */
Test(decode_count, queries_before_counting_are_zero)
{
	fmt_count_start();
	fmt_count_stop();
	cr_assert_eq(fmt_count_keys(), 0);
	cr_assert_eq(fmt_count_total(FMT_DEC_NVGI), 0);
	cr_assert_eq(fmt_count_max_per_key(FMT_DEC_NVGI), 0);
	cr_assert_eq(fmt_count_overflow(), 0);
}
