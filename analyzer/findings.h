/* Findings: every problem the analysis sees, each an entry of the catalog
 * in findings.def. Rules report an enum finding_id with an offset, an image
 * and a message; the patcher and the emitters compare enums, never strings.
 */
#ifndef OPTROM_FINDINGS_H
#define OPTROM_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FINDINGS_MAX    64
#define FINDING_MSG_LEN 240

enum finding_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_ERROR };

enum finding_id {
#define FINDING(e, id, sev, fix, desc) FINDING_##e,
#include "analyzer/findings.def"
#undef FINDING
	FINDING_COUNT
};

struct finding_def {
	const char *id; /* stable kebab-case id */
	enum finding_severity severity;
	bool fixable; /* `optrom fix` repairs it */
	const char *description;
};

/* The catalog entry of id (every enum value has one). */
const struct finding_def *finding_def(enum finding_id id);
const char *finding_name(enum finding_id id);
/* The enum of a kebab-case id; false when the catalog has no such id. */
bool finding_by_name(const char *name, enum finding_id *out);

struct finding {
	enum finding_id id;
	enum finding_severity severity; /* the catalog's, but see finding_list_add_sev */
	bool fixable;                   /* the catalog's */
	bool has_offset;
	uint64_t offset; /* file offset */
	int image;       /* index in the standard chain, or -1 */
	char message[FINDING_MSG_LEN];
	/* What the rule expected and what the bytes hold, as data (diff and
	 * scripts compare them); the message says the same in words. */
	bool has_values;
	uint64_t expected;
	uint64_t found;
};

struct finding_list {
	struct finding items[FINDINGS_MAX];
	size_t n;
	bool overflow; /* more findings were dropped */
};

/* Adds a finding with its catalog severity (printf-style message). Past
 * FINDINGS_MAX, only overflow is set. A message longer than
 * FINDING_MSG_LEN - 1 is cut on purpose: messages are one line. */
void finding_add(struct finding_list *l, enum finding_id id, int image, bool has_offset,
                 uint64_t offset, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The same with a severity below the catalog's, for the one documented case
 * where a rule knows the finding is harmless (docs/findings.md). */
void finding_add_sev(struct finding_list *l, enum finding_id id, enum finding_severity sev,
                     int image, bool has_offset, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Attaches expected and found values to the finding added last (none
 * when the list overflowed: then nothing happens). */
void finding_set_values(struct finding_list *l, uint64_t expected, uint64_t found);

/* The first finding with this id, or NULL. */
const struct finding *finding_find(const struct finding_list *l, enum finding_id id);

/* The first error that `fix` does not repair, or NULL. */
const struct finding *finding_blocking(const struct finding_list *l);

/* The most severe non-info finding (the first of them), or NULL. */
const struct finding *finding_first_problem(const struct finding_list *l);

/* The first finding of at least this severity, or NULL. */
const struct finding *finding_first_at_least(const struct finding_list *l,
                                             enum finding_severity sev);

const char *finding_severity_name(enum finding_severity s);

#endif
