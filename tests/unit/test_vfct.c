/* formats/vfct.c and the VFCT input (input/: each image a member) on
 * synthetic tables (tests/support/vfct_builder.c): the ACPI header, the
 * checksum, every boundary of the image list, and the whole-ROM analysis of
 * an image without the last-image bit. */
#include "analyzer/analyze.h"
#include "formats/vfct.h"
#include "input/input.h"
#include "tests/support/bytes.h"
#include "tests/support/rom_builder.h"
#include "tests/support/vfct_builder.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* A table of two GPUs: 03:00.0 1002:73df (2 blocks, last bit missing) and
 * 6d:00.0 1002:15c8 (1 block, last), then an all-zero header. */
static void build2(struct vb *v, struct rb *a, struct rb *b)
{
	struct vfct_image_header h;
	rb_init(a);
	rb_add_x86(a, 0x1002, 0x73df, 2, false);
	rb_init(b);
	rb_add_x86(b, 0x1002, 0x15c8, 1, true);
	vb_init(v);
	h = vb_header(3, 0, 0, 0x1002, 0x73df, a->len);
	vb_add(v, &h, a->data, a->len);
	h = vb_header(0x6d, 0, 0, 0x1002, 0x15c8, b->len);
	h.subsystem_vendor = 0x1462;
	h.subsystem_device = 0x5021;
	vb_add(v, &h, b->data, b->len);
	vb_pad(v, VFCT_IMAGE_HDR_LEN);
	vb_finish(v);
}

static enum vfct_status decode(const uint8_t *p, size_t n, struct vfct_table *t)
{
	uint8_t *c = tb_exact_copy(p, n);
	struct span s = span_make(c, n);
	char why[512] = "";
	enum vfct_status st = vfct_decode(&s, t, why, sizeof(why));
	cr_assert(st == VFCT_OK || (why[0] && !strchr(why, '\n')), "status %s without a reason",
	          vfct_status_str(st));
	free(c);
	return st;
}

Test(vfct, declared_offsets_follow_the_spec)
{
	/* ACPI 6.5 table 5.4 and amdgpu's VFCT_IMAGE_HEADER (28 bytes). */
	cr_assert_eq(ACPI_HDR_OFF_LENGTH, 4);
	cr_assert_eq(ACPI_HDR_OFF_CHECKSUM, 9);
	cr_assert_eq(VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, 0x34);
	cr_assert_eq(VFCT_IMG_OFF_VENDOR, 12);
	cr_assert_eq(VFCT_IMG_OFF_IMAGE_LENGTH, 24);
	cr_assert_eq(fmt_extent(vfct_image_header_fields, VFCT_IMG_F_COUNT), VFCT_IMAGE_HDR_LEN);
	cr_assert_eq(fmt_extent(acpi_header_fields, ACPI_HDR_F_COUNT), ACPI_HEADER_LEN);
}

Test(vfct, two_images)
{
	struct vb v;
	struct rb a, b;
	struct vfct_table t;
	char bdf[16];
	build2(&v, &a, &b);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_OK);
	cr_assert(t.checksum_ok);
	cr_assert_eq(t.length, v.len);
	cr_assert_str_eq(t.oem_id, "OPTROM");
	cr_assert_str_eq(t.oem_table_id, "TESTVFCT");
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.stop, VFCT_STOP_ZERO);
	cr_assert_eq(t.images[0].data_offset, VFCT_HEADER_LEN + VFCT_IMAGE_HDR_LEN);
	cr_assert_eq(t.images[0].data_length, a.len);
	cr_assert_eq(t.images[1].hdr.device, 0x15c8);
	cr_assert_eq(t.images[1].hdr.subsystem_vendor, 0x1462);
	cr_assert_eq(t.images[1].data_offset, VFCT_HEADER_LEN + 2 * VFCT_IMAGE_HDR_LEN + a.len);
	cr_assert(memcmp(v.data + t.images[1].data_offset, b.data, b.len) == 0);
	cr_assert(vfct_image_bdf(&t.images[1].hdr, bdf, sizeof(bdf)));
	cr_assert_str_eq(bdf, "6d:00.0");
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

Test(vfct, checksum_and_header_lies)
{
	struct vb v;
	struct rb a, b;
	struct vfct_table t;
	build2(&v, &a, &b);
	v.data[0x40] ^= 0x01; /* a reserved byte: only the checksum changes */
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_OK);
	cr_assert_not(t.checksum_ok);
	cr_assert_eq(t.sum, 0x01);
	v.data[0x40] ^= 0x01;

	tb_put32(v.data, ACPI_HDR_OFF_LENGTH, (uint32_t)v.len + 1);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_TRUNCATED);
	tb_put32(v.data, ACPI_HDR_OFF_LENGTH, VFCT_HEADER_LEN - 1);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_BAD_LENGTH);
	tb_put32(v.data, ACPI_HDR_OFF_LENGTH, (uint32_t)v.len);

	tb_put32(v.data, VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, 0x10);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_BAD_OFFSET);
	tb_put32(v.data, VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, (uint32_t)v.len + 1);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_BAD_OFFSET);
	tb_put32(v.data, VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, (uint32_t)v.len);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_OK);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.stop, VFCT_STOP_END);
	tb_put32(v.data, VFCT_HDR_OFF_VBIOS_IMAGE_OFFSET, VFCT_HEADER_LEN);

	v.data[0] = 'X';
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_NOT_VFCT);
	v.data[0] = 'V';
	cr_assert_eq(decode(v.data, ACPI_HEADER_LEN - 1, &t), VFCT_NOT_VFCT);
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

Test(vfct, image_past_the_table_is_truncated)
{
	struct vb v;
	struct rb a, b;
	struct vfct_table t;
	size_t h1;
	build2(&v, &a, &b);
	h1 = VFCT_HEADER_LEN + VFCT_IMAGE_HDR_LEN + a.len;
	tb_put32(v.data, h1 + VFCT_IMG_OFF_IMAGE_LENGTH, 0xFFFFFFF0u); /* wraps nothing */
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_OK);
	cr_assert_eq(t.n, 2);
	cr_assert(t.images[1].truncated);
	cr_assert_eq(t.stop, VFCT_STOP_TRUNCATED);
	cr_assert_eq(t.images[1].data_length, v.len - (h1 + VFCT_IMAGE_HDR_LEN));
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

Test(vfct, list_is_capped)
{
	struct vb v;
	struct vfct_table t;
	struct vfct_image_header h = vb_header(1, 0, 0, 0x1002, 0x1, 0);
	vb_init(&v);
	for (unsigned i = 0; i < VFCT_MAX_IMAGES + 5; i++)
		vb_add(&v, &h, NULL, 0);
	vb_finish(&v);
	cr_assert_eq(decode(v.data, v.len, &t), VFCT_OK);
	cr_assert_eq(t.n, VFCT_MAX_IMAGES);
	cr_assert_eq(t.stop, VFCT_STOP_CAP);
	vb_free(&v);
}

Test(vfct, every_prefix_decodes_within_bounds)
{
	struct vb v;
	struct rb a, b;
	struct vfct_table t;
	build2(&v, &a, &b);
	for (size_t n = 0; n <= v.len; n++) {
		/* The length field is the table's: cut copies say so. */
		enum vfct_status st = decode(v.data, n, &t);
		cr_assert(n == v.len ? st == VFCT_OK : st != VFCT_OK, "prefix %zu: %s", n,
		          vfct_status_str(st));
	}
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

Test(vfct_input, images_are_members)
{
	struct vb v;
	struct rb a, b;
	char err[1024] = "";
	struct input *in;
	struct input_item it;
	build2(&v, &a, &b);
	in = input_open_bytes("vfct.dat", v.data, v.len, NULL, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_assert_eq(input_archive(in), INPUT_VFCT);
	cr_assert_not_null(input_vfct(in));
	cr_assert_eq(input_count(in), 2);
	cr_assert_not(input_require_one(in, err, sizeof(err)));
	cr_assert(strstr(err, "03:00.0 (1002:73df), 6d:00.0 (1002:15c8)"), "%s", err);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_assert_str_eq(it.name, "vfct.dat!03:00.0");
	cr_assert(it.from_vfct);
	cr_assert_eq(it.len, a.len);
	cr_assert(memcmp(it.data, a.data, a.len) == 0);
	input_item_free(&it);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	cr_assert_str_eq(it.name, "vfct.dat!6d:00.0");
	cr_assert_eq(it.vfct.subsystem_device, 0x5021);
	input_item_free(&it);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_END);
	input_close(in);

	/* One image by address, full address or ids; a wrong one lists them. */
	static const char *const names[] = {"6d:00.0", "0000:6d:00.0", "1002:15C8"};
	for (size_t i = 0; i < 3; i++) {
		in = input_open_bytes("vfct.dat", v.data, v.len, names[i], err, sizeof(err));
		cr_assert_not_null(in, "%s: %s", names[i], err);
		cr_assert(input_require_one(in, err, sizeof(err)));
		cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
		cr_assert_eq(it.vfct.device, 0x15c8);
		input_item_free(&it);
		input_close(in);
	}
	in = input_open_bytes("vfct.dat", v.data, v.len, "01:00.0", err, sizeof(err));
	cr_assert_null(in);
	cr_assert(strstr(err, "no image for '01:00.0'") && strstr(err, "6d:00.0 (1002:15c8)"), "%s",
	          err);
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

Test(vfct_input, truncated_image_is_an_error_line)
{
	struct vb v;
	struct rb a, b;
	char err[1024] = "";
	struct input *in;
	struct input_item it;
	build2(&v, &a, &b);
	tb_put32(v.data, VFCT_HEADER_LEN + VFCT_IMAGE_HDR_LEN + a.len + VFCT_IMG_OFF_IMAGE_LENGTH,
	         0x100000);
	in = input_open_bytes("t", v.data, v.len, NULL, err, sizeof(err));
	cr_assert_not_null(in, "%s", err);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ITEM);
	input_item_free(&it);
	cr_assert_eq(input_next(in, &it, err, sizeof(err)), INPUT_ERROR);
	cr_assert(strstr(err, "t!6d:00.0: ACPI VFCT image header at 0x") &&
	              strstr(err, "truncated"),
	          "%s", err);
	cr_assert_null(strchr(err, '\n'));
	input_close(in);
	vb_free(&v);
	rb_free(&a);
	rb_free(&b);
}

/* A VFCT image is whole by the table's word: a final image without the
 * last-image bit is last-image-missing (fixable), where a plain file ending
 * there is image-truncated (the following images may be cut off). */
Test(vfct_input, whole_image_analysis)
{
	struct rb a;
	struct rom_analysis *plain, *whole;
	rb_init(&a);
	rb_add_x86(&a, 0x1002, 0x73df, 2, false);
	plain = rom_analyze(a.data, a.len, "a");
	whole = rom_analyze_whole(a.data, a.len, "a");
	cr_assert_not_null(report_find(plain, FINDING_IMAGE_TRUNCATED));
	cr_assert_eq(plain->verdict, VERDICT_BROKEN);
	cr_assert_null(report_find(whole, FINDING_IMAGE_TRUNCATED));
	cr_assert_not_null(report_find(whole, FINDING_LAST_IMAGE_MISSING));
	cr_assert_eq(whole->verdict, VERDICT_FIXABLE);
	rom_analysis_free(plain);
	rom_analysis_free(whole);
	rb_free(&a);
}
