/* Where QEMU and OVMF live on the hosts optrom's users run. */
#include "vm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* OVMF code and vars files, by distribution. The 4M builds come first: they
 * are what Debian 12, Proxmox 8 and libvirt's firmware descriptors pick. The
 * Secure Boot pairs enrol Microsoft's keys (".ms" vars), which is what a
 * Windows guest with Secure Boot on has. */
struct ovmf_pair {
	const char *code;
	const char *vars;
};

static const struct ovmf_pair plain_pairs[] = {
    {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"}, /* Debian */
    {"/usr/share/pve-edk2-firmware/OVMF_CODE_4M.fd",
     "/usr/share/pve-edk2-firmware/OVMF_VARS_4M.fd"},                 /* Proxmox */
    {"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"}, /* Debian 2M */
    {"/usr/share/pve-edk2-firmware/OVMF_CODE.fd", "/usr/share/pve-edk2-firmware/OVMF_VARS.fd"},
    {"/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"},     /* Fedora */
    {"/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"}, /* Arch */
};

static const struct ovmf_pair secure_pairs[] = {
    {"/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"},
    {"/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"},
    {"/usr/share/pve-edk2-firmware/OVMF_CODE_4M.secboot.fd",
     "/usr/share/pve-edk2-firmware/OVMF_VARS_4M.ms.fd"},
    {"/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd"},
    {"/usr/share/edk2/x64/OVMF_CODE.secboot.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"},
};

bool vm_find_qemu(char *out, size_t cap)
{
	const char *env = getenv("OPTROM_QEMU");
	if (env && *env) {
		if (access(env, X_OK) != 0)
			return false;
		return (size_t)snprintf(out, cap, "%s", env) < cap;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	/* Each PATH entry in turn, as execvp would. */
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n > 0 &&
		    (size_t)snprintf(out, cap, "%.*s/qemu-system-x86_64", (int)n, path) < cap &&
		    access(out, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	out[0] = '\0';
	return false;
}

bool vm_find_ovmf(struct vm_firmware *fw, bool secure_boot)
{
	const struct ovmf_pair *pairs = secure_boot ? secure_pairs : plain_pairs;
	size_t n = secure_boot ? sizeof(secure_pairs) / sizeof(secure_pairs[0])
	                       : sizeof(plain_pairs) / sizeof(plain_pairs[0]);
	for (size_t i = 0; i < n; i++) {
		if (access(pairs[i].code, R_OK) == 0 && access(pairs[i].vars, R_OK) == 0) {
			(void)snprintf(fw->code, sizeof(fw->code), "%s", pairs[i].code);
			(void)snprintf(fw->vars, sizeof(fw->vars), "%s", pairs[i].vars);
			fw->secure_boot = secure_boot;
			return true;
		}
	}
	return false;
}

const char *vm_install_hint(void)
{
	return "install QEMU and OVMF (Debian, Ubuntu, Proxmox: apt install qemu-system-x86 ovmf; "
	       "Fedora: dnf install qemu-system-x86 edk2-ovmf; Arch: pacman -S qemu-system-x86 "
	       "edk2-ovmf), or name them with --qemu PATH and --ovmf CODE,VARS";
}
