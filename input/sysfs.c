#include "input/sysfs.h"

#include "formats/producer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_CHUNK 4096u

/* Up to max hex digits at *p (at least one); advances *p. */
static bool hex_field(const char **p, unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;
	for (; n < max; n++, (*p)++) {
		char c = **p;
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		v = v << 4 | d;
	}
	*out = v;
	return n > 0;
}

bool host_parse_bdf(const char *s, struct host_addr *a)
{
	unsigned f[4];
	const char *p = s;
	size_t k = 0;
	/* [DDDD:]BB:DD.F, as lspci -D and sysfs write it */
	const char *colon2 = strchr(s, ':') ? strchr(strchr(s, ':') + 1, ':') : NULL;
	if (colon2) {
		if (!hex_field(&p, 4, &f[k++]) || *p++ != ':')
			return false;
	} else {
		f[k++] = 0;
	}
	if (!hex_field(&p, 2, &f[k++]) || *p++ != ':' || !hex_field(&p, 2, &f[k++]) ||
	    *p++ != '.' || !hex_field(&p, 1, &f[k++]) || *p != '\0')
		return false;
	if (f[2] > 0x1F || f[3] > 7)
		return false;
	a->domain = f[0];
	a->bus = f[1];
	a->dev = f[2];
	a->fn = f[3];
	return true;
}

void host_bdf_str(const struct host_addr *a, char *out, size_t cap)
{
	(void)snprintf(out, cap, "%04x:%02x:%02x.%x", a->domain, a->bus, a->dev, a->fn);
}

const char *host_sysfs_root(const char *opt)
{
	const char *env = getenv("OPTROM_SYSFS_ROOT");
	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return HOST_SYSFS_DEFAULT;
}

void host_vfct_path(const char *root, char *path, size_t cap)
{
	(void)snprintf(path, cap, "%s/firmware/acpi/tables/VFCT", root);
}

static void dev_path(const char *root, const struct host_addr *a, const char *attr, char *out,
                     size_t cap)
{
	char bdf[16];
	host_bdf_str(a, bdf, sizeof(bdf));
	(void)snprintf(out, cap, "%s/bus/pci/devices/%s%s%s", root, bdf, attr ? "/" : "",
	               attr ? attr : "");
}

/* A small text attribute ("0x10de\n"): false when absent or unreadable. */
static bool read_attr(const char *root, const struct host_addr *a, const char *attr, char *buf,
                      size_t cap)
{
	char path[4096];
	FILE *fp;
	size_t n;
	dev_path(root, a, attr, path, sizeof(path));
	fp = fopen(path, "r");
	if (!fp)
		return false;
	n = fread(buf, 1, cap - 1, fp);
	(void)fclose(fp);
	buf[n] = '\0';
	return n > 0;
}

static bool read_hex(const char *root, const struct host_addr *a, const char *attr,
                     unsigned long *out)
{
	char buf[64], *end;
	if (!read_attr(root, a, attr, buf, sizeof(buf)))
		return false;
	errno = 0;
	*out = strtoul(buf, &end, 16);
	return errno == 0 && end != buf;
}

/* The last path element of a symlink (driver -> ../../bus/pci/drivers/amdgpu). */
static bool link_name(const char *root, const struct host_addr *a, const char *attr, char *out,
                      size_t cap)
{
	char path[4096], target[4096];
	ssize_t n;
	const char *base;
	dev_path(root, a, attr, path, sizeof(path));
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	n = (ssize_t)strlen(base);
	if ((size_t)n >= cap)
		return false;
	memcpy(out, base, (size_t)n + 1);
	return *out != '\0';
}

bool host_device_read(const char *root, const struct host_addr *a, struct host_device *d, char *err,
                      size_t cap)
{
	char path[4096], buf[64];
	unsigned long v;
	struct stat st;
	memset(d, 0, sizeof(*d));
	d->addr = *a;
	host_bdf_str(a, d->bdf, sizeof(d->bdf));
	d->boot_vga = -1;
	d->iommu_group = -1;
	dev_path(root, a, NULL, path, sizeof(path));
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		(void)snprintf(err, cap, "%s: no PCI device %s (expected the folder %s%s%s)",
		               d->bdf, d->bdf, path, errno ? ": " : "",
		               errno ? strerror(errno) : "");
		return false;
	}
	if (!read_hex(root, a, "vendor", &v)) {
		(void)snprintf(err, cap, "%s: %s/vendor: cannot be read", d->bdf, path);
		return false;
	}
	d->vendor = (uint16_t)v;
	if (!read_hex(root, a, "device", &v)) {
		(void)snprintf(err, cap, "%s: %s/device: cannot be read", d->bdf, path);
		return false;
	}
	d->device = (uint16_t)v;
	if (read_hex(root, a, "subsystem_vendor", &v))
		d->subsystem_vendor = (uint16_t)v;
	if (read_hex(root, a, "subsystem_device", &v))
		d->subsystem_device = (uint16_t)v;
	if (read_hex(root, a, "class", &v))
		d->class_code = (uint32_t)v & 0xFFFFFFu;
	if (read_attr(root, a, "boot_vga", buf, sizeof(buf)))
		d->boot_vga = buf[0] == '1';
	dev_path(root, a, "rom", path, sizeof(path));
	d->has_rom = stat(path, &st) == 0;
	(void)link_name(root, a, "driver", d->driver, sizeof(d->driver));
	if (link_name(root, a, "iommu_group", buf, sizeof(buf)))
		d->iommu_group = atoi(buf);
	return true;
}

static int by_addr(const void *x, const void *y)
{
	const struct host_device *a = x, *b = y;
	return strcmp(a->bdf, b->bdf);
}

size_t host_list_devices(const char *root, struct host_device *out, size_t max, char *err,
                         size_t cap)
{
	char path[4096];
	DIR *dir;
	struct dirent *e;
	size_t n = 0;
	(void)snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	dir = opendir(path);
	if (!dir) {
		(void)snprintf(err, cap, "%s: cannot be read: %s (is this a Linux sysfs?)", path,
		               strerror(errno));
		return 0;
	}
	while ((e = readdir(dir)) != NULL && n < max) {
		struct host_addr a;
		char why[512];
		if (e->d_name[0] == '.' || !host_parse_bdf(e->d_name, &a))
			continue;
		if (host_device_read(root, &a, &out[n], why, sizeof(why)))
			n++;
	}
	(void)closedir(dir);
	qsort(out, n, sizeof(*out), by_addr);
	return n;
}

/* ---- the enable / read / disable sequence ---- */

static int real_open(const char *path, int flags)
{
	return open(path, flags | O_CLOEXEC);
}

static const struct host_ops real_ops = {real_open, read, write, close};
static struct host_ops ops = {real_open, read, write, close};

void host_set_ops(const struct host_ops *o)
{
	ops = real_ops;
	if (!o)
		return;
	if (o->open_fn)
		ops.open_fn = o->open_fn;
	if (o->read_fn)
		ops.read_fn = o->read_fn;
	if (o->write_fn)
		ops.write_fn = o->write_fn;
	if (o->close_fn)
		ops.close_fn = o->close_fn;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static const int watched[] = {SIGINT, SIGTERM, SIGHUP};
#define N_WATCHED (sizeof(watched) / sizeof(watched[0]))

/* No SA_RESTART: a read under way returns EINTR and the loop stops. */
static void catch_signals(struct sigaction old[N_WATCHED])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	caught = 0;
	for (size_t i = 0; i < N_WATCHED; i++)
		(void)sigaction(watched[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[N_WATCHED])
{
	for (size_t i = 0; i < N_WATCHED; i++)
		(void)sigaction(watched[i], &old[i], NULL);
}

/* Writes s (whole) to a fresh descriptor of the attribute at offset 0. */
static int write_attr(const char *path, const char *s, size_t n)
{
	int fd = ops.open_fn(path, O_WRONLY);
	ssize_t w;
	int e;
	if (fd < 0)
		return errno ? errno : EIO;
	do {
		w = ops.write_fn(fd, s, n);
	} while (w < 0 && errno == EINTR);
	e = w == (ssize_t)n ? 0 : (w < 0 ? errno : EIO);
	(void)ops.close_fn(fd);
	return e;
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}

/* Reads the enabled attribute to its end into r. */
static enum host_read_status read_all(struct host_read *r)
{
	int fd = ops.open_fn(r->path, O_RDONLY);
	size_t cap = 0;
	enum host_read_status st = HOST_READ_OK;
	if (fd < 0) {
		r->err_no = errno;
		return (errno == EACCES || errno == EPERM) ? HOST_READ_PERMISSION : HOST_READ_IO;
	}
	for (unsigned eintr = 0;;) {
		ssize_t got;
		if (caught) {
			st = HOST_READ_INTERRUPTED;
			break;
		}
		if (r->len == cap) {
			uint8_t *p;
			if (cap >= HOST_ROM_MAX) {
				st = HOST_READ_TOO_LARGE;
				break;
			}
			cap = cap ? cap * 2 : 64 * 1024;
			p = realloc(r->data, cap);
			if (!p) {
				st = HOST_READ_NO_MEMORY;
				break;
			}
			r->data = p;
		}
		got = ops.read_fn(fd, r->data + r->len,
		                  cap - r->len < HOST_CHUNK ? cap - r->len : HOST_CHUNK);
		if (got < 0 && errno == EINTR && ++eintr < 1000)
			continue; /* caught is checked at the top */
		if (got < 0) {
			r->err_no = errno;
			st = (errno == EACCES || errno == EPERM) ? HOST_READ_PERMISSION
			                                         : HOST_READ_IO;
			break;
		}
		if (got == 0)
			break;
		r->len += (size_t)got;
	}
	(void)ops.close_fn(fd);
	return st;
}

enum host_read_status host_read_rom(const char *root, const struct host_addr *a,
                                    struct host_read *r)
{
	struct sigaction old[N_WATCHED];
	char dir[4096];
	struct stat st;
	int e;
	memset(r, 0, sizeof(*r));
	dev_path(root, a, NULL, dir, sizeof(dir));
	dev_path(root, a, "rom", r->path, sizeof(r->path));
	if (stat(dir, &st) != 0)
		return r->status = HOST_READ_NO_DEVICE;
	if (stat(r->path, &st) != 0)
		return r->status = HOST_READ_NO_ROM;

	catch_signals(old);
	/* pci_write_rom: any write but "0\n" at offset 0 enables. */
	e = write_attr(r->path, "1\n", 2);
	if (e) {
		restore_signals(old);
		r->err_no = e;
		return r->status = (e == EACCES || e == EPERM) ? HOST_READ_PERMISSION
		                                               : HOST_READ_ENABLE_FAILED;
	}
	r->enabled = true;
	r->status = read_all(r);
	/* Disable on every path from here: exactly "0\n" at offset 0. */
	r->disable_errno = write_attr(r->path, "0\n", 2);
	r->disabled = r->disable_errno == 0;
	if (caught && r->status != HOST_READ_INTERRUPTED)
		r->status = HOST_READ_INTERRUPTED;
	r->signal = caught;
	restore_signals(old);
	if (r->status == HOST_READ_OK && r->len == 0)
		r->status = HOST_READ_EMPTY;
	else if (r->status == HOST_READ_OK && all_ff(r->data, r->len))
		r->status = HOST_READ_ALL_FF;
	return r->status;
}

void host_read_free(struct host_read *r)
{
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

const char *host_read_status_str(enum host_read_status st)
{
	switch (st) {
	case HOST_READ_OK:
		return "ok";
	case HOST_READ_NO_DEVICE:
		return "no-device";
	case HOST_READ_NO_ROM:
		return "no-rom-attribute";
	case HOST_READ_PERMISSION:
		return "permission";
	case HOST_READ_ENABLE_FAILED:
		return "enable-failed";
	case HOST_READ_IO:
		return "io-error";
	case HOST_READ_EMPTY:
		return "empty";
	case HOST_READ_ALL_FF:
		return "all-ff";
	case HOST_READ_TOO_LARGE:
		return "too-large";
	case HOST_READ_INTERRUPTED:
		return "interrupted";
	case HOST_READ_NO_MEMORY:
		return "no-memory";
	}
	return "unknown";
}

/* ---- a device's ROM from the best source ---- */

static bool vfct_image_for(struct host_fetch *f)
{
	char err[1024];
	struct input *in;
	struct input_item it;
	enum input_next st;
	const struct host_device *d = &f->dev;
	bool found = false;
	in = input_open(f->vfct_path, err, sizeof(err));
	if (!in) {
		(void)snprintf(f->vfct_error, sizeof(f->vfct_error), "%s", err);
		return false;
	}
	if (input_archive(in) != INPUT_VFCT) {
		(void)snprintf(f->vfct_error, sizeof(f->vfct_error), "%s: not an ACPI VFCT table",
		               f->vfct_path);
		input_close(in);
		return false;
	}
	while (!found && (st = input_next(in, &it, err, sizeof(err))) != INPUT_END) {
		if (st == INPUT_ERROR)
			continue;
		if (it.vfct.pci_bus == d->addr.bus && it.vfct.pci_device == d->addr.dev &&
		    it.vfct.pci_function == d->addr.fn && it.vfct.vendor == d->vendor &&
		    it.vfct.device == d->device) {
			f->vfct = it;
			found = true;
		} else {
			input_item_free(&it);
		}
	}
	if (!found) {
		const struct vfct_table *t = input_vfct(in);
		char *w = f->vfct_error;
		size_t cap = sizeof(f->vfct_error), used;
		used = (size_t)snprintf(w, cap, "%s holds no image for %s %04x:%04x (it holds ",
		                        f->vfct_path, d->bdf, d->vendor, d->device);
		for (size_t i = 0; t && i < t->n && used < cap; i++) {
			char bdf[40];
			(void)vfct_image_bdf(&t->images[i].hdr, bdf, sizeof(bdf));
			used +=
			    (size_t)snprintf(w + used, cap - used, "%s%s %04x:%04x", i ? ", " : "",
			                     bdf, t->images[i].hdr.vendor, t->images[i].hdr.device);
		}
		if (used < cap)
			(void)snprintf(w + used, cap - used, ")");
	}
	input_close(in);
	return found;
}

bool host_fetch(const char *root, const struct host_addr *a, enum host_want want,
                struct host_fetch *f, char *err, size_t cap)
{
	memset(f, 0, sizeof(*f));
	if (!host_device_read(root, a, &f->dev, err, cap))
		return false;
	host_vfct_path(root, f->vfct_path, sizeof(f->vfct_path));
	if (want != HOST_WANT_VFCT) {
		f->bar_tried = true;
		if (host_read_rom(root, a, &f->bar) == HOST_READ_OK) {
			f->source = HOST_SOURCE_BAR;
			f->data = f->bar.data;
			f->len = f->bar.len;
			f->boot_vga_shadow = f->dev.boot_vga == 1;
			return true;
		}
		if (f->bar.status == HOST_READ_INTERRUPTED)
			return true;
	}
	if (want == HOST_WANT_VFCT || (want == HOST_WANT_AUTO && f->dev.vendor == PCI_VENDOR_AMD)) {
		f->vfct_tried = true;
		if (vfct_image_for(f)) {
			f->source = HOST_SOURCE_VFCT;
			f->data = f->vfct.data;
			f->len = f->vfct.len;
		}
	}
	return true;
}

void host_fetch_free(struct host_fetch *f)
{
	host_read_free(&f->bar);
	input_item_free(&f->vfct);
	f->data = NULL;
	f->len = 0;
}
