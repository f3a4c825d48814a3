#include "analyzer/findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct finding_def catalog[FINDING_COUNT] = {
#define FINDING(e, id, sev, fix, desc) [FINDING_##e] = {id, SEVERITY_##sev, fix, desc},
#include "analyzer/findings.def"
#undef FINDING
};

const struct finding_def *finding_def(enum finding_id id)
{
	if ((unsigned)id >= FINDING_COUNT)
		return &catalog[FINDING_INTERNAL_ERROR];
	return &catalog[id];
}

const char *finding_name(enum finding_id id)
{
	return finding_def(id)->id;
}

bool finding_by_name(const char *name, enum finding_id *out)
{
	for (int i = 0; i < FINDING_COUNT; i++)
		if (strcmp(catalog[i].id, name) == 0) {
			*out = (enum finding_id)i;
			return true;
		}
	return false;
}

static void add(struct finding_list *l, enum finding_id id, enum finding_severity sev, int image,
                bool has_offset, uint64_t offset, const char *fmt, va_list ap)
{
	struct finding *f;
	if (l->n >= FINDINGS_MAX) {
		l->overflow = true;
		return;
	}
	f = &l->items[l->n++];
	f->id = id;
	f->severity = sev;
	f->fixable = finding_def(id)->fixable;
	f->image = image;
	f->has_offset = has_offset;
	f->offset = offset;
	f->has_values = false;
	f->expected = 0;
	f->found = 0;
	/* Cut on purpose when longer: a message is one line of a report. */
	if (vsnprintf(f->message, sizeof(f->message), fmt, ap) < 0)
		f->message[0] = '\0';
}

void finding_add(struct finding_list *l, enum finding_id id, int image, bool has_offset,
                 uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(l, id, finding_def(id)->severity, image, has_offset, offset, fmt, ap);
	va_end(ap);
}

void finding_add_sev(struct finding_list *l, enum finding_id id, enum finding_severity sev,
                     int image, bool has_offset, uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	enum finding_severity cat = finding_def(id)->severity;
	va_start(ap, fmt);
	add(l, id, sev < cat ? sev : cat, image, has_offset, offset, fmt, ap);
	va_end(ap);
}

void finding_set_values(struct finding_list *l, uint64_t expected, uint64_t found)
{
	struct finding *f;
	if (l->n == 0 || l->overflow)
		return;
	f = &l->items[l->n - 1];
	f->has_values = true;
	f->expected = expected;
	f->found = found;
}

const struct finding *finding_find(const struct finding_list *l, enum finding_id id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].id == id)
			return &l->items[i];
	return NULL;
}

const struct finding *finding_blocking(const struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].severity == SEVERITY_ERROR && !l->items[i].fixable)
			return &l->items[i];
	return NULL;
}

const struct finding *finding_first_problem(const struct finding_list *l)
{
	const struct finding *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		if (f->severity == SEVERITY_INFO)
			continue;
		if (!best || f->severity > best->severity)
			best = f;
	}
	return best;
}

const struct finding *finding_first_at_least(const struct finding_list *l,
                                             enum finding_severity sev)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].severity >= sev)
			return &l->items[i];
	return NULL;
}

const char *finding_severity_name(enum finding_severity s)
{
	switch (s) {
	case SEVERITY_INFO:
		return "info";
	case SEVERITY_WARNING:
		return "warning";
	case SEVERITY_ERROR:
		return "error";
	}
	return "error";
}
