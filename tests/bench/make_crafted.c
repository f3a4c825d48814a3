/* Writes the hostile inputs of bench_locate.sh into a folder:
 *   candidates.rom  256 KiB, no image at 0 and no container, 511 valid x86
 *                   images one block apart from offset 1, none marked last:
 *                   64 candidates (the search's cap) whose chains each run
 *                   to the 32-image cap;
 *   flood.rom       64 MiB (the load cap) of 55 AA: the most places an
 *                   image could start, none valid;
 *   normal.rom      256 KiB: an x86 image and an EFI image, then padding;
 *   efi-run.rom     16 KiB: 32 one-block EFI images whose compressed
 *                   drivers are 22 bytes that decode, cleanly, to 16 MiB
 *                   each (tests/support/efi_encode.h efi_encode_run);
 *   efi-past-end.rom 16 KiB: 32 EFI images whose drivers say CompSize 0,
 *                   OrigSize 16 MiB (zero bits past the end decode forever).
 * Built from the test ROM builder (tests/support/rom_builder.c). */
#include "formats/efi_decompress.h"
#include "tests/support/efi_encode.h"
#include "tests/support/rom_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_or_fail(const struct rb *b, const char *dir, const char *name)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    !rb_write_file(b, path)) {
		fprintf(stderr, "make_crafted: cannot write %s/%s\n", dir, name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t z[32] = {0};
	size_t zlen;
	struct rb b;
	int rc = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: make_crafted DIR\n");
		return 2;
	}
	rb_init(&b);
	for (int i = 0; i < 511; i++)
		rb_add_x86(&b, 0x10de, 0x1c02, 1, false);
	rb_prepend(&b, "\x00", 1);
	rb_append_fill(&b, 256 * 1024 - b.len, 0xFF);
	rc |= write_or_fail(&b, argv[1], "candidates.rom");
	rb_free(&b);

	b.len = (size_t)64 * 1024 * 1024;
	b.data = malloc(b.len);
	if (!b.data)
		return 1;
	for (size_t i = 0; i < b.len; i += 2) {
		b.data[i] = 0x55;
		b.data[i + 1] = 0xAA;
	}
	rc |= write_or_fail(&b, argv[1], "flood.rom");
	free(b.data);

	rb_init(&b);
	rb_add_x86(&b, 0x10de, 0x1c02, 64, false);
	rb_add_efi(&b, 0x10de, 0x1c02, 64, true);
	rb_append_fill(&b, 256 * 1024 - b.len, 0xFF);
	rc |= write_or_fail(&b, argv[1], "normal.rom");
	rb_free(&b);

	zlen = efi_encode_run(0x5A, 4, EFI_DECOMP_MAX_ORIG, z, sizeof(z));
	if (zlen == 0)
		return 1;
	rb_efi_chain(&b, 32, 0x1002, 0x67df, z, zlen);
	rc |= write_or_fail(&b, argv[1], "efi-run.rom");
	rb_free(&b);

	memset(z, 0, sizeof(z));
	z[7] = 0x01; /* CompSize 0, OrigSize 0x01000000 */
	rb_efi_chain(&b, 32, 0x1002, 0x67df, z, 8);
	rc |= write_or_fail(&b, argv[1], "efi-past-end.rom");
	rb_free(&b);
	return rc;
}
