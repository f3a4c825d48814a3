#define _XOPEN_SOURCE 700 /* realpath */
/* The host's commands: optrom dump (read a device's ROM through sysfs),
 * optrom match and check --device (is this ROM the device's?), optrom
 * devices (what the host has). analyzer/host.h does the sysfs work; this
 * file prints and explains. */
#include "analyzer/analyze.h"
#include "analyzer/emit.h"
#include "analyzer/host.h"
#include "cli/cli.h"
#include "formats/producer.h"
#include "input/sysfs.h"
#include "patcher/next_steps.h"
#include "patcher/write.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_SYSFS_ROOT = 300, OPT_FORCE, OPT_SOURCE };

static void print_device(FILE *out, const struct host_device *d)
{
	fprintf(out, "device   %s  %04x:%04x  subsystem %04x:%04x  class %06x  driver %s  ", d->bdf,
	        d->vendor, d->device, d->subsystem_vendor, d->subsystem_device, d->class_code,
	        d->driver[0] ? d->driver : "(none)");
	if (d->iommu_group >= 0)
		fprintf(out, "iommu group %d  ", d->iommu_group);
	else
		fprintf(out, "iommu group (none)  ");
	fprintf(out, "boot_vga %s  rom %s\n",
	        d->boot_vga < 0 ? "-"
	        : d->boot_vga   ? "1"
	                        : "0",
	        d->has_rom ? "yes" : "no");
}

static bool device_arg(const char *root, const char *arg, struct host_device *d, const char *cmd)
{
	struct host_addr a;
	char err[1024];
	if (!host_parse_bdf(arg, &a)) {
		(void)cmd; /* cli_command names the command */
		cli_usage_error("expected a PCI address like 0000:01:00.0 or 01:00.0 (lspci -D), "
		                "found '%s'",
		                arg);
		return false;
	}
	if (!host_device_read(root, &a, d, err, sizeof(err))) {
		cli_err("%s", err);
		return false;
	}
	return true;
}

/* ================= dump ================= */

static void dump_usage(FILE *out)
{
	fprintf(out,
	        "Usage: optrom dump [OPTION]... BDF\n"
	        "\n"
	        "Read the expansion ROM of the PCI device BDF (0000:01:00.0 or 01:00.0) the safe\n"
	        "way: enable it through sysfs (echo 1 > rom), read it, disable it again (echo 0 >\n"
	        "rom) on every path, also on a read error and on SIGINT/SIGTERM/SIGHUP. Then\n"
	        "analyze it and say what to do next. When the ROM BAR gives nothing usable and\n"
	        "the device is AMD, the image for the device is read from the ACPI VFCT table\n"
	        "(SYSFS/firmware/acpi/tables/VFCT) instead, and the output says so. Known\n"
	        "failures (not root, a driver keeping the ROM off, the boot GPU's shadow copy,\n"
	        "an empty read) are explained with the commands that help.\n"
	        "\n"
	        "  -o, --output FILE   where to write the ROM (default: 0000_01_00.0.rom here);\n"
	        "                      written to a temporary file, fsynced, renamed\n"
	        "      --force         replace an existing FILE\n"
	        "      --source SRC    auto (default: the ROM BAR, then VFCT for AMD), bar, vfct\n"
	        "      --sysfs-root D  sysfs is at D (default $OPTROM_SYSFS_ROOT, else /sys)\n"
	        "  -h, --help          this help\n"
	        "\n"
	        "Exit status: 0 the ROM read is ready, 1 fixable, 3 broken (the file is written\n"
	        "in all three cases), 2 nothing usable could be read or written (usage, I/O),\n"
	        "128+N interrupted by signal N (the ROM was disabled again, nothing written).\n");
}

struct dump_args {
	const char *bdf, *out, *root;
	bool force;
	enum { SRC_AUTO, SRC_BAR, SRC_VFCT } source;
};

/* No driver, or vfio-pci: nothing keeps the ROM BAR off. */
static bool no_driver_keeps(const struct host_device *d)
{
	return !d->driver[0] || strcmp(d->driver, "vfio-pci") == 0;
}

/* EIO: Linux's pci_read_rom maps the ROM for each read and fails when it
 * finds no 55AA image there (the BAR reads 0xFFFF: a driver keeps it off,
 * or there is no ROM behind it). */
static void explain_io(const struct host_device *d, const struct host_read *r)
{
	const char *b = d->bdf;
	if (r->len)
		fprintf(stdout,
		        "  the read stopped with \"%s\" after %zu bytes: the ROM BAR went away\n"
		        "  during the read (a driver turned it off, or the device changed power\n"
		        "  state). Nothing was written.\n",
		        strerror(r->err_no), r->len);
	else
		fprintf(stdout,
		        "  the read failed with \"%s\": the kernel found no ROM image behind the\n"
		        "  BAR (dmesg: \"Invalid PCI ROM header signature\").\n",
		        strerror(r->err_no));
	if (no_driver_keeps(d)) {
		fprintf(stdout,
		        "  %s, which leaves the BAR alone: most likely there is no ROM behind\n"
		        "  it and the video BIOS lives in the system firmware (laptops, APUs), or\n"
		        "  the kernel gave the ROM BAR no address (dmesg: \"BAR 6\" ... \"no "
		        "space\").\n",
		        d->driver[0] ? "The device is bound to vfio-pci" : "No driver is bound");
		return;
	}
	fprintf(stdout,
	        "  The bound driver (%s) most likely keeps the ROM BAR off. Read it while\n"
	        "  no driver is bound, or bound to vfio-pci:\n"
	        "    echo %s > /sys/bus/pci/devices/%s/driver/unbind\n"
	        "    echo vfio-pci > /sys/bus/pci/devices/%s/driver_override\n"
	        "    echo %s > /sys/bus/pci/drivers_probe\n"
	        "    sudo optrom dump %s\n"
	        "  (modprobe vfio-pci first; the boot GPU loses its console when unbound.)\n",
	        d->driver, b, b, b, b, b);
}

/* Why the BAR read gave nothing usable, in plain words, with the commands. */
static void explain_bar(const struct host_device *d, const struct host_read *r)
{
	const char *b = d->bdf;
	switch (r->status) {
	case HOST_READ_NO_ROM:
		if ((d->class_code >> 16) == 0x03)
			fprintf(stdout,
			        "  %s has no ROM BAR (no rom attribute in sysfs): its video BIOS "
			        "is held "
			        "by\n  the system firmware, as on AMD APUs and most laptop GPUs.\n",
			        b);
		else
			fprintf(
			    stdout,
			    "  %s has no ROM BAR (no rom attribute in sysfs): no expansion ROM\n",
			    b);
		break;
	case HOST_READ_PERMISSION:
		fprintf(stdout,
		        "  not allowed (%s): reading a ROM through sysfs needs root. Run: sudo "
		        "optrom dump %s\n",
		        strerror(r->err_no), b);
		break;
	case HOST_READ_IO:
		explain_io(d, r);
		break;
	case HOST_READ_EMPTY:
	case HOST_READ_ALL_FF:
		fprintf(stdout,
		        "  the read gave %s: there is no ROM chip behind the BAR; the video BIOS\n"
		        "  lives in the system firmware (common on laptops and APUs).\n",
		        r->status == HOST_READ_EMPTY ? "0 bytes" : "only 0xFF bytes");
		break;
	case HOST_READ_ENABLE_FAILED:
		fprintf(stdout, "  enabling the ROM (echo 1 > %s) failed: %s\n", r->path,
		        strerror(r->err_no));
		break;
	case HOST_READ_TOO_LARGE:
		fprintf(stdout, "  the read passed %zu bytes: not a ROM\n", HOST_ROM_MAX);
		break;
	case HOST_READ_NO_MEMORY:
		fprintf(stdout, "  out of memory\n");
		break;
	case HOST_READ_OK:
	case HOST_READ_NO_DEVICE:
	case HOST_READ_INTERRUPTED:
		break;
	}
	if (r->status == HOST_READ_NO_ROM || r->status == HOST_READ_EMPTY ||
	    r->status == HOST_READ_ALL_FF || (r->status == HOST_READ_IO && no_driver_keeps(d))) {
		if (d->vendor == PCI_VENDOR_NVIDIA)
			fprintf(stdout,
			        "  For NVIDIA, envytools reads the ROM chip directly: nvagetbios "
			        "-s prom > card.rom; then optrom check card.rom\n");
	}
}

static void default_name(const struct host_device *d, char *out, size_t cap)
{
	(void)snprintf(out, cap, "%04x_%02x_%02x.%x.rom", d->addr.domain, d->addr.bus, d->addr.dev,
	               d->addr.fn);
}

/* A ready ROM's use, with this device's address: the Proxmox and libvirt
 * lines fix prints after a write (patcher/next_steps.h). */
static void use_lines(const struct rom_analysis *r, const char *file, const struct host_device *d)
{
	struct next_steps ns;
	char abs[PATH_MAX];
	if (!patch_next_steps_at(r, realpath(file, abs) ? abs : file, d->bdf, &ns))
		return;
	fprintf(stdout,
	        "use      Proxmox: %s\n"
	        "         then in /etc/pve/qemu-server/VMID.conf: %s\n"
	        "         (%s)\n"
	        "         libvirt, inside the %s's <hostdev> element: %s\n",
	        ns.copy, ns.proxmox, ns.proxmox_note, ns.device, ns.libvirt);
}

static void next_step(const struct rom_analysis *r, const char *file, bool from_vfct,
                      const char *vfct_member, const struct host_device *d)
{
	const struct finding *f = finding_first_at_least(&r->findings, SEVERITY_WARNING);
	switch (r->verdict) {
	case VERDICT_READY:
		fprintf(stdout,
		        "next     usable as it is: romfile=%s (optrom info %s for details)\n", file,
		        file);
		use_lines(r, file, d);
		break;
	case VERDICT_FIXABLE:
		/* A VFCT image is whole by the table's word; the plain file cannot
		 * say so (a final image without the last bit reads as cut short), so
		 * fix takes it from the table. */
		if (from_vfct)
			fprintf(stdout, "next     optrom fix '%s' -o fixed.rom   (%s)\n",
			        vfct_member, f ? f->message : "fixable");
		else
			fprintf(stdout, "next     optrom fix %s -o fixed.rom   (%s)\n", file,
			        f ? f->message : "fixable");
		break;
	default:
		fprintf(stdout, "next     not usable as a romfile: optrom info %s says why%s%s\n",
		        file, f ? ": " : "", f ? f->message : "");
		break;
	}
	if (from_vfct && !cli_rom_has_efi(r))
		cli_print_vfct_lack(stdout, r);
}

static void print_boot_vga(const struct host_device *d)
{
	fprintf(stdout,
	        "warning  %s is the boot VGA device (boot_vga=1): the kernel gives the shadow\n"
	        "         copy the system firmware ran at 0xC0000, not the ROM chip: often the\n"
	        "         x86 image only, and altered. For the real ROM: make another GPU\n"
	        "         primary in the firmware setup and dump again%s\n",
	        d->bdf,
	        d->vendor == PCI_VENDOR_AMD ? "; or read the VFCT copy: --source vfct"
	        : d->vendor == PCI_VENDOR_NVIDIA
	            ? ";\n         or envytools: nvagetbios -s prom > card.rom, then optrom check "
	              "card.rom"
	            : "");
}

static int dump_run(const struct dump_args *a)
{
	struct host_fetch f;
	struct host_addr addr;
	struct rom_analysis *r = NULL;
	char dest[4096], err[4400];
	int rc;
	if (!host_parse_bdf(a->bdf, &addr)) {
		return cli_usage_error(
		    "expected a PCI address like 0000:01:00.0 or 01:00.0 (lspci -D), found '%s'",
		    a->bdf);
	}
	if (a->out && !a->force && access(a->out, F_OK) == 0) {
		/* Refused before the ROM is touched, not after reading it. */
		cli_err("%s: exists; use --force to replace it", a->out);
		return EXIT_USAGE;
	}
	if (!host_fetch(a->root, &addr,
	                a->source == SRC_VFCT  ? HOST_WANT_VFCT
	                : a->source == SRC_BAR ? HOST_WANT_BAR
	                                       : HOST_WANT_AUTO,
	                &f, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_USAGE;
	}
	print_device(stdout, &f.dev);
	if (f.bar_tried && f.bar.enabled)
		fprintf(stdout, "rom      %s: enabled, read %zu bytes (%s), %s\n", f.bar.path,
		        f.bar.len, host_read_status_str(f.bar.status),
		        f.bar.disabled ? "disabled again" : "DISABLING FAILED");
	if (f.bar.enabled && !f.bar.disabled)
		cli_err("%s: writing \"0\" to disable the ROM failed: %s; run: echo 0 > "
		        "%s",
		        f.bar.path, strerror(f.bar.disable_errno), f.bar.path);
	if (f.bar.status == HOST_READ_INTERRUPTED) {
		cli_err("%s: interrupted by signal %d; the ROM was %s; nothing written", f.dev.bdf,
		        f.bar.signal, f.bar.disabled ? "disabled again" : "NOT disabled");
		rc = 128 + f.bar.signal;
		host_fetch_free(&f);
		return rc;
	}
	if (f.bar_tried && f.bar.status != HOST_READ_OK)
		explain_bar(&f.dev, &f.bar);
	if (f.vfct_tried && f.source != HOST_SOURCE_VFCT) {
		fprintf(stdout, "vfct     %s\n", f.vfct_error);
		if (strstr(f.vfct_error, "ermission"))
			fprintf(
			    stdout,
			    "  the ACPI tables are readable by root only: sudo optrom dump %s\n",
			    f.dev.bdf);
	}
	if (f.source == HOST_SOURCE_NONE) {
		cli_err("%s: no usable ROM could be read; nothing written", f.dev.bdf);
		host_fetch_free(&f);
		return EXIT_USAGE;
	}
	r = f.source == HOST_SOURCE_VFCT ? rom_analyze_whole(f.data, f.len, f.vfct.name)
	                                 : rom_analyze(f.data, f.len, f.dev.bdf);
	if (!r) {
		cli_err("%s: out of memory while analyzing", f.dev.bdf);
		host_fetch_free(&f);
		return EXIT_USAGE;
	}
	if (f.source == HOST_SOURCE_VFCT)
		fprintf(stdout, "source   ACPI VFCT table %s, image for %s (0x%zx bytes)\n",
		        f.vfct_path, f.vfct.member, f.len);
	else
		fprintf(stdout, "source   ROM BAR through %s\n", f.bar.path);
	if (f.boot_vga_shadow)
		print_boot_vga(&f.dev);
	if (a->out)
		(void)snprintf(dest, sizeof(dest), "%s", a->out);
	else
		default_name(&f.dev, dest, sizeof(dest));
	{
		struct patch_write_opts wo = {a->force, false};
		if (patch_write_file(dest, f.data, f.len, &wo, err, sizeof(err)) !=
		    PATCH_WRITE_OK) {
			cli_err("%s", err);
			rom_analysis_free(r);
			host_fetch_free(&f);
			return EXIT_USAGE;
		}
	}
	fprintf(stdout, "wrote    %s (%zu bytes, sha256 %s)\n", dest, f.len, r->sha256);
	fprintf(stdout, "verdict  ");
	emit_check_line(stdout, r);
	next_step(r, dest, f.source == HOST_SOURCE_VFCT, f.vfct.name, &f.dev);
	rc = cli_exit_for(r->verdict);
	rom_analysis_free(r);
	host_fetch_free(&f);
	return rc;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"source", required_argument, NULL, OPT_SOURCE},
	    {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct dump_args a;
	const char *root_opt = NULL;
	int c;
	memset(&a, 0, sizeof(a));
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a.out = optarg;
			break;
		case OPT_FORCE:
			a.force = true;
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "auto") == 0)
				a.source = SRC_AUTO;
			else if (strcmp(optarg, "bar") == 0)
				a.source = SRC_BAR;
			else if (strcmp(optarg, "vfct") == 0)
				a.source = SRC_VFCT;
			else
				return cli_usage_error(
				    "--source: expected auto, bar or vfct, found '%s'", optarg);
			break;
		case OPT_SYSFS_ROOT:
			root_opt = optarg;
			break;
		case 'h':
			dump_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("expected exactly one PCI address, found %d", argc - optind);
	a.bdf = argv[optind];
	a.root = host_sysfs_root(root_opt);
	return dump_run(&a);
}

/* ================= match and check --device ================= */

struct match_entry {
	char *name;
	enum host_match match;
	enum rom_verdict verdict;
	struct host_match_result m;
};

struct match_ctx {
	const struct host_device *dev;
	struct match_entry *e;
	size_t n, cap;
	const struct cli_check_opts *check; /* check --device: its output, then the answer */
	bool failed;
};

/* The ROM's ids as the answer used them: "10de:1c02", the device list that
 * holds the device's id, the subsystem and where it came from. */
static void print_rom_ids(FILE *out, const struct host_match_result *m, uint16_t device)
{
	fprintf(out, "%04x:%04x", m->vendor, m->device);
	if (m->via_device_list)
		fprintf(out,
		        " via its PCI 3.0 device list, which holds %04x; SeaBIOS ignores the list",
		        device);
	if (m->has_subsystem)
		fprintf(out, " subsystem %04x:%04x (%s)", m->subsystem_vendor, m->subsystem_device,
		        m->subsystem_source);
}

static int match_one(const struct rom_analysis *r, const struct input_item *it, struct match_ctx *c)
{
	struct host_match_result m;
	const struct host_device *d = c->dev;
	struct host_ids ids = {d->vendor, d->device, d->subsystem_vendor, d->subsystem_device,
	                       d->class_code};
	/* A VFCT image header names its board too (zero in the tables seen). */
	host_match_rom(r, &ids, it->from_vfct ? it->vfct.subsystem_vendor : 0,
	               it->from_vfct ? it->vfct.subsystem_device : 0, &m);
	if (c->check) {
		int rc = cli_worse(cli_exit_for(r->verdict),
		                   m.match == HOST_MATCH_DIFFERENT ? EXIT_BROKEN : EXIT_READY);
		if (c->check->quiet)
			return rc;
		if (c->check->fmt != FORMAT_TEXT) {
			if (!emit_yaml_device_report(stdout, r, d->bdf, &ids, &m)) {
				cli_err("%s: writing the report failed", r->file);
				return cli_worse(rc, EXIT_USAGE);
			}
			return rc;
		}
		cli_check_text(r, c->check);
		fprintf(stdout, "  %s %04x:%04x subsystem %04x:%04x: %s (ROM ", d->bdf, d->vendor,
		        d->device, d->subsystem_vendor, d->subsystem_device,
		        host_match_str(m.match));
		print_rom_ids(stdout, &m, d->device);
		fprintf(stdout, ")%s\n",
		        (m.differs & HOST_DIFF_CLASS) ? "; the class code differs" : "");
		return rc;
	}
	if (!r->has_rom)
		return EXIT_READY; /* not a ROM (a text file beside them): not listed */
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct match_entry *p = realloc(c->e, nc * sizeof(*p));
		if (!p) {
			c->failed = true;
			return EXIT_USAGE;
		}
		c->e = p;
		c->cap = nc;
	}
	c->e[c->n].name = strdup(r->file);
	c->e[c->n].match = m.match;
	c->e[c->n].verdict = r->verdict;
	c->e[c->n].m = m;
	if (!c->e[c->n].name) {
		c->failed = true;
		return EXIT_USAGE;
	}
	c->n++;
	return EXIT_READY;
}

/* cli_each_rom, with the input item (a VFCT image's header) at hand. */
static int match_each(const char *arg, struct match_ctx *c)
{
	char err[1024];
	struct input *in = input_open(arg, err, sizeof(err));
	struct input_item it;
	enum input_next st;
	int worst = EXIT_READY;
	if (!in) {
		cli_err("%s", err);
		return EXIT_USAGE;
	}
	while ((st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		struct rom_analysis *r;
		if (st == INPUT_ERROR) {
			cli_err("%s", err);
			worst = cli_worse(worst, EXIT_USAGE);
			continue;
		}
		r = it.from_vfct ? rom_analyze_whole(it.data, it.len, it.name)
		                 : rom_analyze(it.data, it.len, it.name);
		if (!r)
			cli_err("%s: out of memory while analyzing", it.name);
		worst = cli_worse(worst, r ? match_one(r, &it, c) : EXIT_USAGE);
		rom_analysis_free(r);
		input_item_free(&it);
	}
	input_close(in);
	return worst;
}

/* Best first: the closer match, then the better verdict, then the name. */
static int verdict_rank(enum rom_verdict v)
{
	return v == VERDICT_READY ? 0 : v == VERDICT_FIXABLE ? 1 : 2;
}

static int by_match(const void *x, const void *y)
{
	const struct match_entry *a = x, *b = y;
	if (a->match != b->match)
		return a->match > b->match ? -1 : 1;
	if (verdict_rank(a->verdict) != verdict_rank(b->verdict))
		return verdict_rank(a->verdict) - verdict_rank(b->verdict);
	return strcmp(a->name, b->name);
}

#define WALK_MAX_DEPTH 8
#define WALK_MAX_FILES 100000u

/* Each regular file under dir (sorted names, symlinks not followed), at
 * most WALK_MAX_DEPTH folders deep and WALK_MAX_FILES files. */
static int walk(const char *dir, unsigned depth, struct match_ctx *c, size_t *files)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), worst = EXIT_READY;
	if (n < 0) {
		cli_err("%s: cannot be read: %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		const char *nm = names[i]->d_name;
		if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0 && *files < WALK_MAX_FILES &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, nm) < sizeof(path) &&
		    lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < WALK_MAX_DEPTH) {
				worst = cli_worse(worst, walk(path, depth + 1, c, files));
			} else if (S_ISREG(st.st_mode) && st.st_size > 0) {
				(*files)++;
				/* Unreadable or non-ROM files are not an error here: a
				 * folder holds other things too. */
				(void)match_each(path, c);
			}
		}
		free(names[i]);
	}
	free(names);
	return worst;
}

static void match_usage(FILE *out)
{
	fprintf(out,
	        "Usage: optrom match [OPTION]... BDF [FILE|DIR]...\n"
	        "\n"
	        "Which ROMs are for the PCI device BDF? Compares each ROM's vendor and device\n"
	        "ids (any image of its chain, or a PCI 3.0 device list that holds the device's\n"
	        "id), class, and subsystem ids where the ROM carries them (NVIDIA NVGI\n"
	        "container, ATOMBIOS header, VFCT image header) with the device's sysfs\n"
	        "vendor, device, subsystem_vendor, subsystem_device and class, and lists\n"
	        "them best first: \"matches\", \"same GPU, other board (subsystem differs)\",\n"
	        "\"different GPU\" (listed only with -a). Folders are walked (8 levels);\n"
	        "archives (.zip, .gz) and ACPI VFCT tables count member by member. Default:\n"
	        "the current folder.\n"
	        "\n"
	        "  -a, --all           list the ROMs of other GPUs too\n"
	        "      --sysfs-root D  sysfs is at D (default $OPTROM_SYSFS_ROOT, else /sys)\n"
	        "  -h, --help          this help\n"
	        "\n"
	        "Exit status: 0 a ROM for this GPU and board (or naming no board) was found,\n"
	        "1 only ROMs of the same GPU for other boards, 3 none for this GPU, 2 usage or\n"
	        "I/O error.\n");
}

int cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *root_opt = NULL;
	struct host_device d;
	struct match_ctx c;
	bool all = false;
	int ch, worst = EXIT_READY, rc;
	size_t files = 0, shown = 0;
	memset(&c, 0, sizeof(c));
	cli_getopt_reset();
	while ((ch = getopt_long(argc, argv, ":ah", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			all = true;
			break;
		case OPT_SYSFS_ROOT:
			root_opt = optarg;
			break;
		case 'h':
			match_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(ch, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("expected a PCI address, then ROM files or folders");
	if (!device_arg(host_sysfs_root(root_opt), argv[optind], &d, "match"))
		return EXIT_USAGE;
	c.dev = &d;
	print_device(stdout, &d);
	for (int i = optind + 1; i < argc || (i == optind + 1 && argc == optind + 1); i++) {
		const char *arg = i < argc ? argv[i] : ".";
		struct stat st;
		if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
			worst = cli_worse(worst, walk(arg, 0, &c, &files));
		else if (++files)
			worst = cli_worse(worst, match_each(arg, &c) == EXIT_USAGE ? EXIT_USAGE
			                                                           : EXIT_READY);
	}
	qsort(c.e, c.n, sizeof(*c.e), by_match);
	for (size_t i = 0; i < c.n; i++) {
		const struct match_entry *e = &c.e[i];
		if (e->match != HOST_MATCH_DIFFERENT)
			shown++;
		else if (!all)
			continue;
		fprintf(stdout, "%-44s %-8s ", host_match_str(e->match),
		        report_verdict_name(e->verdict));
		print_rom_ids(stdout, &e->m, d.device);
		fprintf(stdout, "  %s\n", e->name);
	}
	fprintf(stdout, "%zu ROM(s) found in %zu file(s), %zu for this GPU\n", c.n, files, shown);
	rc = c.n && c.e[0].match >= HOST_MATCH_SAME_GPU      ? EXIT_READY
	     : c.n && c.e[0].match == HOST_MATCH_OTHER_BOARD ? EXIT_FIXABLE
	                                                     : EXIT_BROKEN;
	for (size_t i = 0; i < c.n; i++)
		free(c.e[i].name);
	free(c.e);
	if (c.failed)
		return EXIT_USAGE;
	return worst == EXIT_USAGE && rc != EXIT_READY ? EXIT_USAGE : rc;
}

int cli_check_device(const char *root, const char *bdf, char **files, int n,
                     const struct cli_check_opts *o)
{
	struct host_device d;
	struct match_ctx c;
	int worst = EXIT_READY;
	memset(&c, 0, sizeof(c));
	if (!device_arg(root, bdf, &d, "check"))
		return EXIT_USAGE;
	c.dev = &d;
	c.check = o;
	for (int i = 0; i < n; i++)
		worst = cli_worse(worst, match_each(files[i], &c));
	return worst;
}

/* ================= devices ================= */

static void devices_usage(FILE *out)
{
	fprintf(out, "Usage: optrom devices [OPTION]...\n"
	             "\n"
	             "The host's display devices (class 03) and other PCI devices with an\n"
	             "expansion ROM, with what a passthrough needs: ids, driver, IOMMU group,\n"
	             "boot_vga; then the images the ACPI VFCT table holds (AMD), and for which\n"
	             "device. Reads sysfs only.\n"
	             "\n"
	             "  -a, --all           every PCI device\n"
	             "      --sysfs-root D  sysfs is at D (default $OPTROM_SYSFS_ROOT, else /sys)\n"
	             "  -h, --help          this help\n"
	             "\n"
	             "Exit status: 0, or 2 when sysfs cannot be read.\n");
}

int cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *root_opt = NULL, *root;
	struct host_device *devs;
	char err[1024], vpath[4096];
	struct input *in;
	bool all = false;
	size_t n, shown = 0;
	int ch;
	cli_getopt_reset();
	while ((ch = getopt_long(argc, argv, ":ah", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			all = true;
			break;
		case OPT_SYSFS_ROOT:
			root_opt = optarg;
			break;
		case 'h':
			devices_usage(stdout);
			return EXIT_READY;
		default:
			return cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	root = host_sysfs_root(root_opt);
	devs = calloc(HOST_MAX_DEVICES, sizeof(*devs));
	if (!devs) {
		cli_err("out of memory");
		return EXIT_USAGE;
	}
	err[0] = '\0';
	n = host_list_devices(root, devs, HOST_MAX_DEVICES, err, sizeof(err));
	if (n == 0 && err[0]) {
		cli_err("%s", err);
		free(devs);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (!all && (devs[i].class_code >> 16) != 0x03 && !devs[i].has_rom)
			continue;
		print_device(stdout, &devs[i]);
		shown++;
		/* Passthrough takes a whole IOMMU group: name the others in it. */
		for (size_t k = 0; devs[i].iommu_group >= 0 && k < n; k++)
			if (k != i && devs[k].iommu_group == devs[i].iommu_group)
				fprintf(stdout,
				        "           same IOMMU group: %s %04x:%04x class %06x "
				        "driver %s\n",
				        devs[k].bdf, devs[k].vendor, devs[k].device,
				        devs[k].class_code,
				        devs[k].driver[0] ? devs[k].driver : "(none)");
	}
	fprintf(stdout, "%zu device(s)%s\n", shown,
	        all ? "" : " with a display class or a ROM BAR");
	host_vfct_path(root, vpath, sizeof(vpath));
	in = input_open(vpath, err, sizeof(err));
	if (in && input_vfct(in)) {
		const struct vfct_table *t = input_vfct(in);
		fprintf(stdout, "ACPI VFCT table %s: %zu image(s)\n", vpath, t->n);
		for (size_t i = 0; i < t->n; i++) {
			const struct vfct_image_header *h = &t->images[i].hdr;
			const struct host_device *on = NULL;
			char bdf[40];
			(void)vfct_image_bdf(h, bdf, sizeof(bdf));
			for (size_t k = 0; k < n && !on; k++)
				if (devs[k].addr.bus == h->pci_bus &&
				    devs[k].addr.dev == h->pci_device &&
				    devs[k].addr.fn == h->pci_function &&
				    devs[k].vendor == h->vendor && devs[k].device == h->device)
					on = &devs[k];
			fprintf(stdout, "  %s  %04x:%04x  0x%x bytes  %s%s\n", bdf, h->vendor,
			        h->device, h->image_length,
			        on ? "for device " : "no such device on this host",
			        on ? on->bdf : "");
		}
	} else if (in) {
		fprintf(stdout, "%s: not an ACPI VFCT table\n", vpath);
	} else {
		struct stat st;
		if (stat(vpath, &st) == 0)
			fprintf(stdout, "ACPI VFCT table: %s\n", err);
		else
			fprintf(stdout,
			        "ACPI VFCT table: none (%s absent: no AMD video BIOS from the "
			        "firmware)\n",
			        vpath);
	}
	input_close(in);
	free(devs);
	return EXIT_READY;
}
