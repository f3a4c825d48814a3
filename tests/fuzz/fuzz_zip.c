/* libFuzzer harness: the zip decoder (formats/zip.c) and member extraction
 * (input/: gzip and raw inflate with caps, CRC-32, one level of archive),
 * on a whole input file's bytes. */
#include "formats/zip.h"
#include "input/input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error is one line that names the input. */
static void check_err(const char *err, const char *name)
{
	if (strchr(err, '\n') != NULL || strncmp(err, name, strlen(name)) != 0) {
		fprintf(stderr, "fuzz invariant violated: bad error line: %s\n", err);
		abort();
	}
}

/* The decoder alone: every entry and member span stays inside the bytes. */
static void walk_decoder(const uint8_t *data, size_t size)
{
	struct span s = span_make(data, size);
	struct zip_archive a;
	char why[512];
	size_t off;
	(void)zip_is_archive(&s);
	if (zip_open(&s, &a, why, sizeof(why)) != ZIP_OK)
		return;
	if (a.entries > ZIP_MAX_MEMBERS || a.cdir_offset + a.cdir_size > a.eocd_offset ||
	    a.eocd_offset + ZIP_EOCD_LEN > size)
		abort();
	off = a.cdir_offset;
	for (size_t i = 0; i < a.entries; i++) {
		struct zip_entry e;
		struct span d;
		if (zip_entry_read(&s, &a, off, &e, why, sizeof(why)) != ZIP_OK)
			break;
		if (e.next <= off || e.next > a.cdir_offset + a.cdir_size)
			abort();
		if (e.name.len == 0 || e.name.data < data || e.name.data + e.name.len > data + size)
			abort();
		off = e.next;
		if (zip_member_data(&s, &a, &e, &d, why, sizeof(why)) == ZIP_OK &&
		    (d.len != e.comp_size ||
		     (d.len && (d.data < data || d.data + d.len > data + a.cdir_offset))))
			abort();
		(void)zip_entry_supported(&e, why, sizeof(why));
	}
}

/* input/ over the bytes: every ROM it gives is within the caps. */
static void walk_input(const uint8_t *data, size_t size, const char *member)
{
	char err[1024] = "";
	struct input *in = input_open_bytes("f.zip", data, size, member, err, sizeof(err));
	struct input_item it;
	enum input_next st;
	size_t items = 0, total = 0;
	if (!in) {
		check_err(err, "f.zip");
		return;
	}
	(void)input_require_one(in, err, sizeof(err));
	while ((st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		if (++items > ZIP_MAX_MEMBERS + 1)
			abort();
		if (st == INPUT_ERROR) {
			check_err(err, "f.zip");
			continue;
		}
		if (it.len == 0 || it.len > ROM_LOAD_MAX || strncmp(it.name, "f.zip", 5) != 0)
			abort();
		total += it.len;
		if (total > INPUT_TOTAL_MAX + ROM_LOAD_MAX)
			abort();
		input_item_free(&it);
	}
	input_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk_decoder(data, size);
	walk_input(data, size, NULL);
	walk_input(data, size, "a.rom");
	return 0;
}
