/* The UEFI shell's console output: see uefi_shell.h for the sources. */
#include "formats/uefi_shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHELL_MAX_LINES 100000u /* a boot log has a few thousand */
#define SHELL_MAX_COLS  16u

/* One line of console text with escape sequences and CRs removed. */
struct line {
	char text[512];
	size_t len;
};

/* Copies the line that starts at text[*pos] into l (cut at its buffer,
 * escapes and CRs dropped) and moves *pos past its newline. ANSI escapes are
 * ESC '[' then parameter bytes then one final byte in 0x40..0x7E (ECMA-48
 * 5.4); the shell also sends "ESC [=3h". */
static void next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
	size_t i = *pos;
	l->len = 0;
	while (i < len && text[i] != '\n') {
		unsigned char c = (unsigned char)text[i++];
		if (c == 0x1B) {
			if (i < len && text[i] == '[') {
				i++;
				while (i < len && text[i] != '\n' &&
				       !((unsigned char)text[i] >= 0x40 &&
				         (unsigned char)text[i] <= 0x7E && text[i] != '['))
					i++;
				if (i < len && text[i] != '\n')
					i++;
			}
			continue;
		}
		if (c == '\r' || c == 0)
			continue;
		if (l->len + 1 < sizeof(l->text))
			l->text[l->len++] = (char)c;
	}
	l->text[l->len] = '\0';
	*pos = i < len ? i + 1 : len;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Parses hex digits at s (at most 16); false when there are none. */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && i < 16 && is_hex(s[i])) {
		char c = s[i];
		unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		v = v << 4 | d;
		i++;
	}
	if (i == 0)
		return false;
	*out = v;
	return true;
}

/* Copies text[from, to) into out without leading and trailing spaces. */
static void copy_trimmed(char *out, size_t cap, const char *text, size_t from, size_t to)
{
	while (from < to && text[from] == ' ')
		from++;
	while (to > from && text[to - 1] == ' ')
		to--;
	size_t n = to - from;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, text + from, n);
	out[n] = '\0';
}

/* The columns of the driver table, from its "== ======== = ..." rule. */
struct columns {
	size_t n;
	size_t start[SHELL_MAX_COLS];
	size_t end[SHELL_MAX_COLS]; /* the last column runs to the end of the line */
};

static bool table_rule(const struct line *l, struct columns *c)
{
	if (l->len < 4 || l->text[0] != '=')
		return false;
	c->n = 0;
	for (size_t i = 0; i < l->len && c->n < SHELL_MAX_COLS;) {
		while (i < l->len && l->text[i] == ' ')
			i++;
		if (i >= l->len)
			break;
		if (l->text[i] != '=')
			return false;
		c->start[c->n] = i;
		while (i < l->len && l->text[i] == '=')
			i++;
		c->end[c->n++] = i;
	}
	/* DRV VERSION T C D #D #C NAME IMAGE (Drivers.c) */
	return c->n >= 9;
}

/* A row of the driver table: handle and version in hex, then the rest. */
static bool table_row(const struct line *l, const struct columns *c, struct shell_driver *d)
{
	uint64_t h, v;
	if (l->len <= c->start[7] || !parse_hex(l->text, c->end[0], &h) || c->end[1] > l->len ||
	    c->end[1] - c->start[1] != 8 || !parse_hex(l->text + c->start[1], 8, &v) ||
	    h > 0xFFFFFFu)
		return false;
	for (size_t i = c->start[1]; i < c->end[1]; i++)
		if (!is_hex(l->text[i]))
			return false;
	memset(d, 0, sizeof(*d));
	d->handle = (unsigned)h;
	d->version = (uint32_t)v;
	size_t name_end = c->end[7] < l->len ? c->end[7] : l->len;
	copy_trimmed(d->name, sizeof(d->name), l->text, c->start[7], name_end);
	if (c->start[8] < l->len)
		copy_trimmed(d->image, sizeof(d->image), l->text, c->start[8], l->len);
	return true;
}

/* "HH: " at the start of a line of the handle dump: the handle it is about. */
static bool handle_prefix(const struct line *l, unsigned *h)
{
	size_t i = 0;
	while (i < l->len && i < 8 && is_hex(l->text[i]))
		i++;
	uint64_t v;
	if (i == 0 || i >= l->len || l->text[i] != ':' || !parse_hex(l->text, i, &v))
		return false;
	*h = (unsigned)v;
	return true;
}

/* The Offset(START,END) node that ends a device path, as EDK2's device path
 * text gives MEDIA_RELATIVE_OFFSET_RANGE (DevicePathToText.c). */
static bool offset_node(const char *path, uint64_t *start, uint64_t *end)
{
	const char *o = strstr(path, "/Offset(");
	if (!o)
		return false;
	o += strlen("/Offset(");
	if (strncmp(o, "0x", 2) != 0 && strncmp(o, "0X", 2) != 0)
		return false;
	o += 2;
	size_t n = strcspn(o, ",");
	if (!parse_hex(o, n, start) || o[n] != ',')
		return false;
	o += n + 1;
	if (strncmp(o, "0x", 2) != 0 && strncmp(o, "0X", 2) != 0)
		return false;
	o += 2;
	n = strcspn(o, ")");
	return parse_hex(o, n, end) && o[n] == ')' && *end >= *start;
}

/* Takes "ImageDevicePath(ADDR)   PATH" in l for handle h. */
static void image_path(struct shell_log *log, unsigned h, const struct line *l)
{
	const char *p = strstr(l->text, "ImageDevicePath(");
	if (!p)
		return;
	p = strchr(p, ')');
	if (!p)
		return;
	p++;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " ");
	if (n == 0)
		return;
	struct shell_driver tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.handle = h;
	copy_trimmed(tmp.path, sizeof(tmp.path), p, 0, n);
	tmp.has_path = true;
	tmp.from_rom = offset_node(tmp.path, &tmp.start, &tmp.end);
	if (tmp.from_rom)
		log->n_rom_images++;
	for (size_t i = 0; i < log->n; i++) {
		struct shell_driver *d = &log->drivers[i];
		if (d->handle == h) {
			d->has_path = true;
			memcpy(d->path, tmp.path, sizeof(d->path));
			d->from_rom = tmp.from_rom;
			d->start = tmp.start;
			d->end = tmp.end;
			return;
		}
	}
	if (tmp.from_rom && log->n_rom_other < sizeof(log->rom_other) / sizeof(log->rom_other[0]))
		log->rom_other[log->n_rom_other++] = tmp;
}

void shell_log_parse(const char *text, size_t len, struct shell_log *out)
{
	memset(out, 0, sizeof(*out));
	struct line l;
	struct columns cols = {0};
	enum { NONE, TABLE, DUMP } mode = NONE;
	unsigned handle = 0;
	bool have_handle = false;
	size_t pos = 0;
	for (unsigned lines = 0; pos < len && lines < SHELL_MAX_LINES; lines++) {
		next_line(text, len, &pos, &l);
		const char *prompt = strstr(l.text, "Shell> ");
		if (prompt) {
			out->reached_shell = true;
			mode = NONE;
			if (strncmp(prompt + 7, "reset", 5) == 0)
				out->saw_reset = true;
			continue;
		}
		if (strstr(l.text, "Handle dump by protocol 'LoadedImage'")) {
			out->saw_handle_dump = true;
			mode = DUMP;
			have_handle = false;
			continue;
		}
		if (table_rule(&l, &cols)) {
			out->saw_drivers = true;
			mode = TABLE;
			continue;
		}
		if (mode == TABLE) {
			struct shell_driver d;
			if (!table_row(&l, &cols, &d)) {
				mode = NONE;
			} else if (out->n < SHELL_MAX_DRIVERS) {
				out->drivers[out->n++] = d;
			} else {
				out->truncated = true;
			}
		} else if (mode == DUMP) {
			if (handle_prefix(&l, &handle))
				have_handle = true;
			if (have_handle)
				image_path(out, handle, &l);
		}
	}
}

const struct shell_driver *shell_log_driver(const struct shell_log *log, unsigned h)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->drivers[i].handle == h)
			return &log->drivers[i];
	return NULL;
}
