/* optrom boot-test FILE: the ROM as an emulated device's romfile= under QEMU
 * and OVMF (vm/vm.h), and which EFI drivers OVMF loaded from it. */
#include "analyzer/emit.h"
#include "analyzer/emit_yaml_writer.h"
#include "cli/cli.h"
#include "formats/pe.h"
#include "formats/uefi_shell.h"
#include "vm/vm.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void boot_test_usage(FILE *out)
{
	fprintf(out,
	        "usage: optrom boot-test FILE [--ovmf CODE,VARS] [--qemu PATH] [--timeout SEC]\n"
	        "                        [--no-kvm] [--secure-boot] [--efi-app FILE]\n"
	        "                        [--format text|yaml]\n"
	        "\n"
	        "Boot QEMU with OVMF (the UEFI firmware of a passthrough VM), FILE given as\n"
	        "an emulated PCI device's romfile=, and list the EFI drivers OVMF loaded from\n"
	        "the ROM (its UEFI shell's `drivers` command), with their names and versions,\n"
	        "or why none did. The host's devices are never touched: the device is an\n"
	        "emulated NIC, so the driver is loaded, not run against the card. KVM is used\n"
	        "when it starts, TCG (about 10 s) otherwise.\n"
	        "Exit status: 0 a driver from the ROM loaded, 3 none did, 2 usage, QEMU or\n"
	        "OVMF missing, or the boot failed or timed out.\n"
	        "\n"
	        "  --ovmf CODE,VARS  the OVMF code and variable-store files (default: the first\n"
	        "                    of Debian's, Proxmox's, Fedora's or Arch's that exists)\n"
	        "  --qemu PATH       qemu-system-x86_64 to run (default: from PATH)\n"
	        "  --timeout SEC     stop the boot after SEC seconds (default 120)\n"
	        "  --no-kvm          use TCG even when /dev/kvm is there\n"
	        "  --secure-boot     the Secure Boot build with Microsoft's keys enrolled (its\n"
	        "                    built-in shell is refused: give --efi-app, and --ovmf with\n"
	        "                    a variable store whose keys signed it)\n"
	        "  --efi-app FILE    boot this UEFI application instead of the shell; it must\n"
	        "                    print the shell's driver listing (tests/vm/efi/)\n"
	        "  -f, --format FMT  text (default) or yaml\n"
	        "  -h, --help        this help\n");
}

struct boot_opts {
	enum out_format fmt;
	unsigned timeout_s;
	bool no_kvm;
	bool secure_boot;
	const char *ovmf;
	const char *qemu;
	const char *app;
};

/* What the boot says of the ROM, image by image. */
struct boot_view {
	const struct rom_analysis *a;
	const struct vm_firmware *fw;
	const struct vm_boot_result *res;
	const struct shell_log *log;
	size_t n_loaded; /* drivers in the table whose image came from the ROM */
	char reason[512];
};

/* The standard chain image whose bytes hold [start, end] of the ROM, or -1.
 * OVMF maps the whole file at the ROM BAR, so a ROM offset is a file offset. */
static long chain_image_at(const struct rom_analysis *a, uint64_t start)
{
	for (size_t i = 0; i < a->chain.n; i++)
		if (a->chain.images[i].offset == start)
			return (long)i;
	return -1;
}

/* Why OVMF loaded nothing, from the analysis: what PciBusDxe would have
 * seen (EDK2 PciOptionRomSupport.c: 55AA at the BAR's start, PCIR, code type
 * 3, machine type the firmware supports, decompression). */
static void explain_none(struct boot_view *v)
{
	const struct rom_analysis *a = v->a;
	if (!a->has_rom) {
		(void)snprintf(v->reason, sizeof(v->reason),
		               "optrom finds no PCI ROM in the file, and neither did OVMF");
		return;
	}
	if (a->rom_offset != 0) {
		(void)snprintf(
		    v->reason, sizeof(v->reason),
		    "firmware reads the ROM at offset 0, but this file's ROM starts at 0x%zx "
		    "(data-before-rom): run `optrom fix` and boot-test its output",
		    a->rom_offset);
		return;
	}
	bool any_efi = false, any_x64 = false;
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (!n->has_efi)
			continue;
		any_efi = true;
		if (n->efi.machine == PE_MACHINE_X64)
			any_x64 = true;
	}
	if (!any_efi) {
		(void)snprintf(v->reason, sizeof(v->reason),
		               "the standard image chain holds no EFI image: a UEFI guest gets no "
		               "driver from this ROM");
	} else if (!any_x64) {
		(void)snprintf(
		    v->reason, sizeof(v->reason),
		    "the chain's EFI images are not X64 drivers, which is all OVMF runs");
	} else if (v->log->n_rom_other > 0) {
		(void)snprintf(v->reason, sizeof(v->reason),
		               "OVMF loaded the driver image but it installed no driver binding");
	} else {
		(void)snprintf(
		    v->reason, sizeof(v->reason),
		    "OVMF found the X64 EFI image but the driver did not stay loaded: its "
		    "entry point failed (old NVIDIA GOPs refuse a device that is not "
		    "theirs, and the emulated NIC is not the card)");
	}
}

static const char *status_name(enum vm_boot_status s)
{
	switch (s) {
	case VM_BOOT_DONE:
		return "done";
	case VM_BOOT_TIMEOUT:
		return "timeout";
	case VM_BOOT_QEMU_ERROR:
		return "qemu-error";
	case VM_BOOT_SETUP:
		return "setup-error";
	case VM_BOOT_SIGNAL:
		return "interrupted";
	}
	return "unknown";
}

static void print_text(const struct boot_view *v)
{
	const struct rom_analysis *a = v->a;
	printf("%s\n", a->file);
	printf("  firmware %s (vars %s)%s\n", v->fw->code, v->fw->vars,
	       v->fw->secure_boot ? ", Secure Boot" : "");
	printf("  boot     QEMU %s, %s%s, %.1f s\n", v->fw->qemu, v->res->kvm ? "KVM" : "TCG",
	       v->res->kvm_fell_back ? " (KVM did not start)" : "", v->res->seconds);
	printf("  rom      %s, %zu image(s) in the standard chain\n",
	       report_verdict_name(a->verdict), a->chain.n);
	for (size_t i = 0; i < a->chain.n; i++) {
		const struct rom_node *n = rom_chain_node(a, i);
		if (!n->has_efi)
			continue;
		printf("  efi      [%zu] 0x%06zx  %s%s%s\n", i, n->offset,
		       emit_machine_name(n->efi.machine),
		       n->driver && n->driver->gop_version[0] ? ", GOP version " : "",
		       n->driver && n->driver->gop_version[0] ? n->driver->gop_version : "");
	}
	for (size_t i = 0; i < v->log->n; i++) {
		const struct shell_driver *d = &v->log->drivers[i];
		if (!d->from_rom)
			continue;
		long img = chain_image_at(a, d->start);
		char where[32] = "";
		if (img >= 0)
			(void)snprintf(where, sizeof(where), "[%ld] ", img);
		printf("  loaded   %s0x%06llx..0x%06llx  %s  version %08x  (%s)\n", where,
		       (unsigned long long)d->start, (unsigned long long)d->end + 1, d->name,
		       (unsigned)d->version, d->image);
	}
	if (v->n_loaded)
		printf("  result   OVMF loaded %zu EFI driver(s) from the ROM\n", v->n_loaded);
	else
		printf("  result   OVMF loaded no EFI driver from the ROM: %s\n", v->reason);
}

static bool print_yaml(const struct boot_view *v)
{
	const struct rom_analysis *a = v->a;
	struct yw w;
	if (!yw_open(&w, stdout))
		return false;
	yw_doc_start(&w);
	yw_map_start(&w);
	yw_kuint(&w, "optrom", REPORT_SCHEMA);
	yw_kstr(&w, "command", "boot-test");
	yw_kstr(&w, "file", a->file);
	yw_key(&w, "firmware");
	yw_map_start(&w);
	yw_kstr(&w, "code", v->fw->code);
	yw_kstr(&w, "vars", v->fw->vars);
	yw_kbool(&w, "secure_boot", v->fw->secure_boot);
	yw_kstr(&w, "qemu", v->fw->qemu);
	yw_kstr(&w, "accelerator", v->res->kvm ? "kvm" : "tcg");
	yw_kbool(&w, "kvm_fell_back", v->res->kvm_fell_back);
	yw_map_end(&w);
	yw_kstr(&w, "boot", status_name(v->res->status));
	char secs[32];
	(void)snprintf(secs, sizeof(secs), "%.1f", v->res->seconds);
	yw_key(&w, "seconds");
	yw_plain(&w, secs);
	yw_kstr(&w, "verdict", report_verdict_name(a->verdict));
	yw_key(&w, "loaded");
	yw_seq_start(&w);
	for (size_t i = 0; i < v->log->n; i++) {
		const struct shell_driver *d = &v->log->drivers[i];
		if (!d->from_rom)
			continue;
		long img = chain_image_at(a, d->start);
		yw_map_start(&w);
		if (img >= 0)
			yw_kuint(&w, "image", (uint64_t)img);
		else
			yw_knull(&w, "image");
		yw_khex(&w, "offset", d->start);
		yw_khex(&w, "end", d->end + 1);
		yw_kstr(&w, "name", d->name);
		yw_kstr(&w, "image_name", d->image);
		yw_khex(&w, "version", d->version);
		yw_kstr(&w, "device_path", d->path);
		yw_map_end(&w);
	}
	yw_seq_end(&w);
	yw_kstr(&w, "result", v->n_loaded ? "loaded" : "none");
	if (v->n_loaded)
		yw_knull(&w, "reason");
	else
		yw_kstr(&w, "reason", v->reason);
	yw_map_end(&w);
	yw_doc_end(&w);
	return yw_close(&w);
}

static bool split_ovmf(const char *arg, struct vm_firmware *fw)
{
	const char *comma = strchr(arg, ',');
	if (!comma || comma == arg || !comma[1] || strchr(comma + 1, ','))
		return false;
	(void)snprintf(fw->code, sizeof(fw->code), "%.*s", (int)(comma - arg), arg);
	(void)snprintf(fw->vars, sizeof(fw->vars), "%s", comma + 1);
	return true;
}

static int boot_test_one(const char *file, const struct boot_opts *o)
{
	struct vm_firmware fw;
	memset(&fw, 0, sizeof(fw));
	if (o->qemu) {
		(void)snprintf(fw.qemu, sizeof(fw.qemu), "%s", o->qemu);
	} else if (!vm_find_qemu(fw.qemu, sizeof(fw.qemu))) {
		fprintf(stderr, "optrom boot-test: qemu-system-x86_64 not found: %s\n",
		        vm_install_hint());
		return EXIT_USAGE;
	}
	if (o->ovmf) {
		if (!split_ovmf(o->ovmf, &fw)) {
			fprintf(stderr,
			        "optrom boot-test: --ovmf: expected CODE,VARS, found '%s'\n",
			        o->ovmf);
			return EXIT_USAGE;
		}
		fw.secure_boot = o->secure_boot;
		const char *files[] = {fw.code, fw.vars};
		for (size_t i = 0; i < 2; i++) {
			if (access(files[i], R_OK) != 0) {
				fprintf(stderr, "optrom boot-test: --ovmf: %s: not readable: %s\n",
				        files[i], strerror(errno));
				return EXIT_USAGE;
			}
		}
	} else if (!vm_find_ovmf(&fw, o->secure_boot)) {
		fprintf(stderr, "optrom boot-test: no OVMF firmware%s found: %s\n",
		        o->secure_boot ? " with Secure Boot" : "", vm_install_hint());
		return EXIT_USAGE;
	}
	uint8_t *data = NULL;
	size_t len = 0;
	struct rom_analysis *a = cli_analyze_file(file, &data, &len, NULL);
	if (!a)
		return EXIT_USAGE;
	struct vm_boot_request req = {&fw, data, len, o->timeout_s, !o->no_kvm, o->app};
	struct vm_boot_result res;
	vm_boot(&req, &res);
	free(data);
	int rc = EXIT_USAGE;
	struct shell_log *log = calloc(1, sizeof(*log));
	if (!log) {
		fprintf(stderr, "optrom boot-test: out of memory\n");
	} else if (res.status != VM_BOOT_DONE) {
		fprintf(stderr, "optrom boot-test: %s: %s\n", a->file, res.error);
		if (res.status == VM_BOOT_SIGNAL)
			rc = 128 + res.signal;
	} else {
		shell_log_parse(res.console, res.console_len, log);
		if (!log->reached_shell || !log->saw_drivers || !log->saw_reset) {
			/* Under Secure Boot with Microsoft's keys the built-in shell
			 * is itself refused (it is not signed by them). */
			fprintf(stderr,
			        "optrom boot-test: %s: OVMF did not run the UEFI shell's script "
			        "(%s): no driver list to read%s\n",
			        a->file,
			        !log->reached_shell ? "no shell prompt"
			        : !log->saw_drivers ? "no driver table"
			                            : "the script did not finish",
			        fw.secure_boot
			            ? "; under Secure Boot this firmware refuses its own "
			              "unsigned shell"
			            : "");
		} else {
			struct boot_view v = {a, &fw, &res, log, 0, ""};
			for (size_t i = 0; i < log->n; i++)
				if (log->drivers[i].from_rom)
					v.n_loaded++;
			if (!v.n_loaded)
				explain_none(&v);
			rc = v.n_loaded ? EXIT_READY : EXIT_BROKEN;
			if (o->fmt == FORMAT_YAML) {
				if (!print_yaml(&v)) {
					fprintf(
					    stderr,
					    "optrom boot-test: writing the YAML report failed\n");
					rc = EXIT_USAGE;
				}
			} else {
				print_text(&v);
			}
		}
	}
	free(log);
	vm_boot_result_free(&res);
	rom_analysis_free(a);
	return rc;
}

int cmd_boot_test(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"ovmf", required_argument, NULL, 'O'},
	                                     {"qemu", required_argument, NULL, 'Q'},
	                                     {"timeout", required_argument, NULL, 'T'},
	                                     {"no-kvm", no_argument, NULL, 'K'},
	                                     {"secure-boot", no_argument, NULL, 'S'},
	                                     {"efi-app", required_argument, NULL, 'A'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct boot_opts o = {FORMAT_TEXT, 120, false, false, NULL, NULL, NULL};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &o.fmt))
				return EXIT_USAGE;
			break;
		case 'O':
			o.ovmf = optarg;
			break;
		case 'Q':
			o.qemu = optarg;
			break;
		case 'T': {
			char *end;
			unsigned long t = strtoul(optarg, &end, 10);
			if (*end || t == 0 || t > 3600) {
				fprintf(stderr,
				        "optrom boot-test: --timeout: expected 1 to 3600 seconds, "
				        "found "
				        "'%s'\n",
				        optarg);
				return EXIT_USAGE;
			}
			o.timeout_s = (unsigned)t;
			break;
		}
		case 'K':
			o.no_kvm = true;
			break;
		case 'S':
			o.secure_boot = true;
			break;
		case 'A':
			if (access(optarg, R_OK) != 0) {
				fprintf(stderr,
				        "optrom boot-test: --efi-app: %s: not readable: %s\n",
				        optarg, strerror(errno));
				return EXIT_USAGE;
			}
			o.app = optarg;
			break;
		case 'h':
			boot_test_usage(stdout);
			return EXIT_READY;
		default:
			fprintf(stderr, "optrom boot-test: see optrom boot-test --help\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(
		    stderr,
		    "optrom boot-test: expected exactly one FILE, found %d (see optrom boot-test "
		    "--help)\n",
		    argc - optind);
		return EXIT_USAGE;
	}
	int rc = boot_test_one(argv[optind], &o);
	if (rc > 128) {
		/* Interrupted: everything is cleaned up; die of the same signal. */
		fflush(stdout);
		signal(rc - 128, SIG_DFL);
		raise(rc - 128);
	}
	return rc;
}
