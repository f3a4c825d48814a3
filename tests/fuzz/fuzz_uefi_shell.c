/* libFuzzer harness: the parser of the UEFI shell's console output that
 * boot-test reads (formats/uefi_shell.h). QEMU's serial output is the guest's
 * to write, so the parser takes any bytes. */
#include "formats/uefi_shell.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shell_log log;
	shell_log_parse((const char *)data, size, &log);
	if (log.n > SHELL_MAX_DRIVERS || log.n_rom_other > 16)
		abort();
	for (size_t i = 0; i < log.n; i++) {
		const struct shell_driver *d = &log.drivers[i];
		if (!memchr(d->name, '\0', sizeof(d->name)) ||
		    !memchr(d->image, '\0', sizeof(d->image)) ||
		    !memchr(d->path, '\0', sizeof(d->path)))
			abort();
		if (d->from_rom && (!d->has_path || d->end < d->start))
			abort();
		if (shell_log_driver(&log, d->handle) == NULL)
			abort();
	}
	return 0;
}
