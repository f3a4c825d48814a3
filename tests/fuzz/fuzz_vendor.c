/* libFuzzer harness: the vendor decoders on one image's bytes: NVIDIA's
 * BIT table (with pointers past a made-up image 0 resolved into a made-up
 * private image, so the adjustment runs), the BMP search, AMD's ATOM ROM
 * header, master tables, strings and $PSP directory, Intel's VBT. Checks
 * the invariants the reports rely on: token counts within the cap, every
 * string terminated inside its buffer. fuzz_analyze reaches the same code
 * through whole ROMs; this one starts at the tables. */
#include "formats/atom.h"
#include "formats/atom_tables.h"
#include "formats/intel_vbt.h"
#include "formats/nv_bit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nv_bit bit;
	static struct atom_ext ext;
	struct span s = span_make(data, size);
	struct nv_bit_map map = {0, size / 2, size / 2 + 0x10};
	struct atom_info info;
	struct intel_vbt vbt;

	if (nv_bit_decode(&s, 0, size, &map, &bit)) {
		if (bit.n_tokens > NV_BIT_MAX_TOKENS || bit.n_unknown > bit.n_tokens)
			abort();
		terminated(bit.version, sizeof(bit.version));
		terminated(bit.build_date, sizeof(bit.build_date));
		terminated(bit.board, sizeof(bit.board));
		for (unsigned i = 0; i < NV_BIT_STR_T_COUNT; i++)
			terminated(bit.strings[i], sizeof(bit.strings[i]));
		/* the five version bytes were read, so they lie in the input */
		if (bit.has_version &&
		    (bit.biosdata_offset > size || size - bit.biosdata_offset < 5))
			abort();
	}
	/* A second view: the first half as image 0, no private image. */
	map.imaged = 0;
	(void)nv_bit_decode(&s, 0, size / 2, &map, &bit);
	if (nv_bmp_find(&s, 0, size) != SIZE_MAX && size < NV_BMP_SIG_LEN)
		abort();

	/* As the analysis does: the ROM header decoded once by atom_detect, the
	 * tables from its result (the dictionary holds the ATI magic). */
	memset(&ext, 0, sizeof(ext));
	if (atom_detect(&s, 0, size, &info))
		(void)atom_ext_decode(&s, 0, size, &info, &ext);
	if (ext.command.n > ATOM_MAX_CMD_TABLES || ext.data.n > ATOM_MAX_DATA_TABLES ||
	    ext.n_strings > ATOM_MAX_STRINGS)
		abort();
	/* the string table diff names lies in what was read */
	if (ext.strings_length && (size_t)ext.strings_offset + ext.strings_length > size)
		abort();
	for (size_t i = 0; i < ext.command.n; i++)
		(void)atom_table_name(ATOM_MASTER_COMMAND, ext.command.hdr.format_rev,
		                      ext.command.tables[i].index);
	for (size_t i = 0; i < ext.data.n; i++)
		(void)atom_table_name(ATOM_MASTER_DATA, ext.data.hdr.format_rev,
		                      ext.data.tables[i].index);
	terminated(ext.version, sizeof(ext.version));
	terminated(ext.build, sizeof(ext.build));
	terminated(ext.name, sizeof(ext.name));

	if (intel_vbt_find(&s, 0, size, &vbt)) {
		terminated(vbt.id, sizeof(vbt.id));
		terminated(vbt.build_number, sizeof(vbt.build_number));
	}
	return 0;
}
