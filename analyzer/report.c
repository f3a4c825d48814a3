#include "analyzer/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *report_verdict_name(enum rom_verdict v)
{
	switch (v) {
	case VERDICT_READY:
		return "ready";
	case VERDICT_FIXABLE:
		return "fixable";
	case VERDICT_BROKEN:
		return "broken";
	}
	return "broken";
}

const char *report_severity_name(enum finding_severity s)
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

const char *report_trailing_name(enum trailing_kind t)
{
	switch (t) {
	case TRAILING_NONE:
		return "none";
	case TRAILING_FF:
		return "ff";
	case TRAILING_ZERO:
		return "zero";
	case TRAILING_PADDING:
		return "padding";
	case TRAILING_DATA:
		return "data";
	}
	return "data";
}

void report_add(struct rom_report *r, const char *id, enum finding_severity sev, bool fixable,
                int image, bool has_offset, uint64_t offset, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;
	if (r->n_findings >= REPORT_MAX_FINDINGS) {
		r->findings_overflow = true;
		return;
	}
	f = &r->findings[r->n_findings++];
	f->id = id;
	f->severity = sev;
	f->fixable = fixable;
	f->image = image;
	f->has_offset = has_offset;
	f->offset = offset;
	va_start(ap, fmt);
	(void)vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

const struct finding *report_find(const struct rom_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return &r->findings[i];
	return NULL;
}

void report_set_verdict(struct rom_report *r)
{
	bool fixable = false;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *f = &r->findings[i];
		if (f->severity == SEVERITY_ERROR && !f->fixable) {
			r->verdict = VERDICT_BROKEN;
			return;
		}
		if (f->fixable)
			fixable = true;
	}
	r->verdict = fixable ? VERDICT_FIXABLE : VERDICT_READY;
}
