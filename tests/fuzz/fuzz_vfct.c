/* libFuzzer harness: the ACPI VFCT decoder (formats/vfct.c) and the input
 * layer that gives each image as a ROM, then the whole-ROM analysis of each
 * image. Invariants: every image span lies inside the table, the walk is
 * capped, errors are one line naming the input. */
#include "analyzer/analyze.h"
#include "formats/vfct.h"
#include "input/input.h"
#include "input/sysfs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char *err, const char *name)
{
	if (strchr(err, '\n') != NULL || strncmp(err, name, strlen(name)) != 0) {
		fprintf(stderr, "fuzz invariant violated: bad error line: %s\n", err);
		abort();
	}
}

static void walk_decoder(const uint8_t *data, size_t size)
{
	struct span s = span_make(data, size);
	struct vfct_table t;
	char why[512];
	if (vfct_decode(&s, &t, why, sizeof(why)) != VFCT_OK) {
		if (t.n != 0 || strchr(why, '\n'))
			abort();
		return;
	}
	if (t.n > VFCT_MAX_IMAGES || t.length > size)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		const struct vfct_image *im = &t.images[i];
		if (im->data_offset != im->header_offset + VFCT_IMAGE_HDR_LEN ||
		    im->data_offset > t.length || im->data_length > t.length - im->data_offset)
			abort();
		if (!im->truncated && im->data_length != im->hdr.image_length)
			abort();
	}
}

static void walk_input(const uint8_t *data, size_t size, const char *member)
{
	char err[1024] = "";
	struct input *in = input_open_bytes("t.dat", data, size, member, err, sizeof(err));
	struct input_item it;
	enum input_next st;
	size_t items = 0;
	if (!in) {
		check_err(err, "t.dat");
		return;
	}
	(void)input_require_one(in, err, sizeof(err));
	while ((st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		struct rom_analysis *r;
		if (++items > VFCT_MAX_IMAGES + 1)
			abort();
		if (st == INPUT_ERROR) {
			check_err(err, "t.dat");
			continue;
		}
		if (it.len == 0 || it.len > size)
			abort();
		r = it.from_vfct ? rom_analyze_whole(it.data, it.len, it.name) : NULL;
		rom_analysis_free(r);
		input_item_free(&it);
	}
	input_close(in);
}

/* The PCI address parser on the bytes as text. */
static void parse_bdf(const uint8_t *data, size_t size)
{
	char s[64];
	struct host_addr a;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	if (host_parse_bdf(s, &a) &&
	    (a.domain > 0xFFFF || a.bus > 0xFF || a.dev > 0x1F || a.fn > 7))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_bdf(data, size);
	walk_decoder(data, size);
	/* Only tables: other bytes are the zip and analyze harnesses' inputs. */
	if (size >= 4 && memcmp(data, VFCT_SIG, 4) == 0) {
		walk_input(data, size, NULL);
		walk_input(data, size, "01:00.0");
	}
	return 0;
}
