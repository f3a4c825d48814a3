/* Real firmware as the judge: boots QEMU with OVMF, an emulated PCI device
 * given a ROM as its romfile=, and a FAT drive whose startup.nsh lists the
 * EFI drivers OVMF loaded (`drivers`) and where each image came from
 * (`dh -p LoadedImage -v`). Nothing here touches the host's devices: QEMU
 * runs as a child process on files in a temporary folder, which is removed on
 * every path, also on SIGINT and SIGTERM (the child is killed first).
 *
 * What the boot proves: OVMF's PCI bus driver found the ROM, decompressed and
 * loaded its EFI driver, and the driver's entry point installed a driver
 * binding. It does not run the driver against the real card: the emulated
 * device is not the GPU, so the driver's Supported() fails and no GOP is
 * produced on screen.
 */
#ifndef OPTROM_VM_H
#define OPTROM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The QEMU binary and an OVMF code/vars pair. */
struct vm_firmware {
	char qemu[1024];
	char code[1024];
	char vars[1024];
	bool secure_boot; /* a Secure Boot build with Microsoft's keys enrolled */
};

/* Finds qemu-system-x86_64 on PATH (or $OPTROM_QEMU). False when absent. */
bool vm_find_qemu(char *out, size_t cap);

/* Finds an OVMF pair in the places distributions install it (Debian's
 * /usr/share/OVMF, Proxmox's /usr/share/pve-edk2-firmware, Fedora's and
 * Arch's /usr/share/edk2), the Secure Boot build with Microsoft's keys when
 * secure_boot. False when none exists. */
bool vm_find_ovmf(struct vm_firmware *fw, bool secure_boot);

/* The text to show a user who has neither (what to install). */
const char *vm_install_hint(void);

enum vm_boot_status {
	VM_BOOT_DONE = 0,   /* QEMU ran the script and powered off */
	VM_BOOT_TIMEOUT,    /* stopped at the time limit */
	VM_BOOT_QEMU_ERROR, /* QEMU could not start or exited with an error */
	VM_BOOT_SETUP,      /* the temporary folder or its files could not be made */
	VM_BOOT_SIGNAL,     /* SIGINT or SIGTERM arrived: QEMU killed, files removed */
};

struct vm_boot_request {
	const struct vm_firmware *fw;
	const uint8_t *rom; /* the bytes given as the device's romfile= */
	size_t rom_len;
	unsigned timeout_s; /* whole boot, KVM try included */
	bool try_kvm;       /* try KVM first when /dev/kvm opens; TCG otherwise */
	/* A UEFI application booted instead of the built-in shell (as
	 * \EFI\BOOT\BOOTX64.EFI on the drive), or NULL. Under Secure Boot the
	 * shell is refused unless an enrolled key signed it; an application
	 * signed with a key of the variable store's db can print the same
	 * listing (tests/vm/efi/list_drivers.c). */
	const char *app;
};

struct vm_boot_result {
	enum vm_boot_status status;
	bool kvm;           /* the boot that produced the log used KVM */
	bool kvm_fell_back; /* KVM was tried and failed: TCG was used */
	double seconds;     /* wall time of the boot that produced the log */
	int qemu_exit;      /* QEMU's exit status, -1 when killed */
	char error[2600];   /* for any status but VM_BOOT_DONE: one line */
	char *console;      /* what the guest printed on its serial port (free()) */
	size_t console_len;
	int signal; /* VM_BOOT_SIGNAL: which one */
};

/* Boots once (twice when KVM was tried and failed to start). Never leaves a
 * file or a process behind. The result's console is allocated; release it
 * with vm_boot_result_free. */
void vm_boot(const struct vm_boot_request *req, struct vm_boot_result *res);
void vm_boot_result_free(struct vm_boot_result *res);

#endif
