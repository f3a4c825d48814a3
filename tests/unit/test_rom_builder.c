/* The synthetic ROM builder is itself checked: the fixtures it makes must
 * be what the format documents describe, or every test built on it lies. */
#include "analyzer/analyze.h"
#include "tests/support/rom_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>

Test(rom_builder, two_image_rom_is_ready)
{
	struct rb b;
	struct rom_analysis *r = NULL;
	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
	cr_assert_eq(b.len, 12 * 512);
	cr_assert_eq(b.data[0], 0x55);
	cr_assert_eq(b.data[1], 0xAA);
	cr_assert_eq(rb_sum(&b, 0, 8 * 512), 0);
	r = rom_analyze(b.data, b.len, "synthetic");
	cr_assert_not_null(r);
	cr_assert_eq(r->verdict, VERDICT_READY, "verdict %d", r->verdict);
	cr_assert_eq(r->chain.n, 2);
	cr_assert_eq(r->chain.images[1].offset, 8 * 512);
	rom_analysis_free(r);
	rb_free(&b);
}

Test(rom_builder, nvgi_prefixes_are_found_for_each_version)
{
	static const size_t lens[] = {0x400, 0xA00, 0x4600};
	for (unsigned v = 1; v <= 3; v++) {
		struct rb b;
		struct rom_analysis *r = NULL;
		rb_init(&b);
		rb_add_x86(&b, 0x10de, 0x1c02, 8, false);
		rb_add_efi(&b, 0x10de, 0x1c02, 4, true);
		rb_prepend_nvgi(&b, v, lens[v - 1]);
		r = rom_analyze(b.data, b.len, "nvgi");
		cr_assert_not_null(r);
		cr_assert(r->has_rom);
		cr_assert_eq(r->rom_offset, lens[v - 1], "v%u: %zx", v, r->rom_offset);
		cr_assert_str_eq(report_container_name(r->container), "nvgi");
		cr_assert_eq(r->nvgi.version, v);
		cr_assert((r->nvgi_status == NVGI_OK));
		cr_assert_eq(r->verdict, VERDICT_FIXABLE);
		rom_analysis_free(r);
		rb_free(&b);
	}
}
