/* Every structure of every real ROM is decoded once: for each node of the
 * analysis tree, the formats/ decoder counter (formats/decode_count.h, on
 * in test builds) shows exactly one probe, one 55AA header, one PCIR, one
 * NPDE, one EFI ROM header, one producer check and one $PnP header at that
 * node's offsets, and one decompression and one PE parse of its driver.
 * Before the tree, one `info` of the GTX 1060 NVGI dump probed its first
 * image 5 times and decoded NPDEs 12 times (README, "The analysis tree"). */
#include "analyzer/analyze.h"
#include "formats/decode_count.h"
#include "tests/support/bytes.h"
#include "tests/support/expect.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdlib.h>

static void expect_once(enum fmt_decoder k, const void *base, size_t off, const char *name,
                        size_t node)
{
	unsigned long n = fmt_count_hits(k, base, off);
	cr_expect_eq(n, 1, "%s node %zu: %s at 0x%zx decoded %lu times, expected once", name, node,
	             fmt_count_kind_name(k), off, n);
}

/* The counts a node's own decode must show. */
static void check_node(const struct rom_analysis *a, const uint8_t *data, size_t i,
                       const char *name)
{
	const struct rom_node *n = &a->nodes[i];
	expect_once(FMT_DEC_IMAGE_PROBE, data, n->offset, name, i);
	expect_once(FMT_DEC_ROM_HEADER, data, n->offset, name, i);
	if (n->status != PCI_OK)
		return;
	expect_once(FMT_DEC_PCIR, data, n->offset + n->hdr.pcir_offset, name, i);
	if (n->has_npde)
		expect_once(FMT_DEC_NPDE, data, n->offset + n->npde.offset, name, i);
	if (n->pcir.code_type == PCI_CODE_EFI)
		expect_once(FMT_DEC_EFI_ROM_HEADER, data, n->offset, name, i);
	if (n->pcir.code_type == PCI_CODE_X86 && n->hdr.signature == PCI_ROM_SIG)
		expect_once(FMT_DEC_PRODUCER, data, n->offset, name, i);
	if (n->pnp.status == PCI_OK)
		/* decoded within the image's own bytes (analyzer/tree.c) */
		expect_once(FMT_DEC_PNP, data + n->offset, n->hdr.pnp_offset, name, i);
	if (n->driver && n->driver->state == DRIVER_OK) {
		if (n->efi.compression == EFI_COMPRESSION_EFI)
			expect_once(FMT_DEC_EFI_DECOMPRESS, data + n->driver->payload_offset, 0,
			            name, i);
		expect_once(FMT_DEC_PE_PARSE, n->driver->bytes, 0, name, i);
		/* the signature's regions and certificate table, once per driver */
		if (n->driver->pe_status == PE_OK)
			expect_once(FMT_DEC_AUTHENTICODE, n->driver->bytes, 0, name, i);
	}
}

Test(decode_once, every_node_of_every_real_rom_is_decoded_once)
{
	size_t nrows = 0, checked = 0, nodes = 0;
	struct expect_row *rows = expect_load(&nrows);
	if (!fmt_count_available())
		cr_skip_test("built without OPTROM_DECODE_COUNT: the decoder counter is absent");
	cr_assert_not_null(rows, "corpus/expected.tsv is missing or unreadable");
	for (size_t r = 0; r < nrows; r++) {
		size_t len = 0;
		uint8_t *data;
		struct rom_analysis *a;
		if (!rows[r].present)
			continue;
		data = tb_read_file(rows[r].path, &len);
		cr_assert_not_null(data, "%s", rows[r].path);
		fmt_count_start();
		a = rom_analyze(data, len, rows[r].name);
		fmt_count_stop();
		cr_assert_not_null(a);
		cr_expect_eq(fmt_count_overflow(), 0, "%s: the counter overflowed", rows[r].name);
		/* The container header once, whatever the file. */
		cr_expect_eq(fmt_count_total(FMT_DEC_NVGI), 1, "%s: NVGI decoded %lu times",
		             rows[r].name, fmt_count_total(FMT_DEC_NVGI));
		/* No decoder ran twice on one structure anywhere. */
		for (int k = 0; k < FMT_DEC_COUNT; k++)
			cr_expect_leq(fmt_count_max_per_key((enum fmt_decoder)k), 1,
			              "%s: %s ran %lu times on one structure", rows[r].name,
			              fmt_count_kind_name((enum fmt_decoder)k),
			              fmt_count_max_per_key((enum fmt_decoder)k));
		/* Probes are the nodes: one each, none outside the tree. */
		cr_expect_eq(fmt_count_total(FMT_DEC_IMAGE_PROBE), a->n_nodes,
		             "%s: %lu probes for %zu nodes", rows[r].name,
		             fmt_count_total(FMT_DEC_IMAGE_PROBE), a->n_nodes);
		for (size_t i = 0; i < a->n_nodes; i++)
			check_node(a, data, i, rows[r].name);
		nodes += a->n_nodes;
		checked++;
		rom_analysis_free(a);
		free(data);
	}
	free(rows);
	if (checked == 0)
		cr_skip_test("no corpus file and no Debian ROM present: nothing to check");
	cr_log_info("%zu files, %zu nodes, each decoded once", checked, nodes);
}
