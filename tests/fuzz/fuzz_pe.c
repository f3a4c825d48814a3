/* libFuzzer harness: the PE32/PE32+/TE header reader and the text
 * searches run on decompressed EFI drivers. */
#include "formats/pe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pe_info info;
	struct span s = span_make(data, size);
	char text[64];
	enum pe_status st = pe_parse(&s, &info);
	if (pe_status_str(st) == NULL)
		abort();
	if (info.section_count > PE_MAX_SECTIONS)
		abort();
	for (size_t i = 0; i < info.section_count; i++)
		if (memchr(info.sections[i].name, '\0', sizeof(info.sections[i].name)) == NULL)
			abort();
	(void)pe_machine_name(info.machine);
	(void)pe_subsystem_name(info.subsystem);
	if (pe_find_text(&s, "UEFI", text, sizeof(text)) && strlen(text) >= sizeof(text))
		abort();
	if (pe_find_gop_version(&s, text, sizeof(text)) && strlen(text) >= sizeof(text))
		abort();
	/* A 1-byte buffer: only the terminator fits. */
	if (pe_find_text(&s, "", text, 1) && text[0] != '\0')
		abort();
	return 0;
}
