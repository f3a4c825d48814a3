/* The finding catalog (analyzer/findings.def) and docs/findings.md say the
 * same thing, both ways: every catalog entry has a row with its id,
 * severity, fixability and description, and every row of the table is a
 * catalog entry. Scripts match on these ids. */
#include "analyzer/findings.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* One row of the findings table: | `id` | severity | yes/no | description | source | */
struct row {
	char id[128];
	char severity[64];
	char fixable[16];
	char description[512];
};

/* The i-th cell (0-based) of a table line, trimmed; false past the last. */
static bool cell(const char *line, int i, char *out, size_t cap)
{
	const char *p = line;
	size_t n;
	for (int k = 0; k <= i; k++) {
		p = strchr(p, '|');
		if (!p)
			return false;
		p++;
	}
	while (*p == ' ')
		p++;
	n = strcspn(p, "|\n");
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (!p[strcspn(p, "|\n")] || p[strcspn(p, "|\n")] != '|')
		return false;
	cr_assert_lt(n, cap, "cell too long: %.60s", p);
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* Every row whose first cell is a `code` id; returns how many. */
static size_t parse_rows(char *doc, struct row *rows, size_t cap)
{
	size_t n = 0;
	for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		char first[128];
		struct row *r;
		if (line[0] != '|' || !cell(line, 0, first, sizeof(first)) || first[0] != '`')
			continue;
		cr_assert_lt(n, cap);
		r = &rows[n++];
		cr_assert(first[strlen(first) - 1] == '`', "id cell %s", first);
		memcpy(r->id, first + 1, strlen(first) - 2);
		r->id[strlen(first) - 2] = '\0';
		cr_assert(cell(line, 1, r->severity, sizeof(r->severity)), "%s: no severity",
		          r->id);
		cr_assert(cell(line, 2, r->fixable, sizeof(r->fixable)), "%s: no fixable", r->id);
		cr_assert(cell(line, 3, r->description, sizeof(r->description)),
		          "%s: no description", r->id);
	}
	return n;
}

Test(findings_doc, catalog_and_docs_agree_both_ways)
{
	char *doc = slurp(OPTROM_SOURCE_DIR "/docs/findings.md");
	static struct row rows[256];
	size_t n = parse_rows(doc, rows, 256);
	bool seen[FINDING_COUNT] = {false};
	cr_assert_gt(n, 0, "docs/findings.md has no table rows");
	for (size_t i = 0; i < n; i++) {
		enum finding_id id;
		const struct finding_def *d;
		cr_expect(finding_by_name(rows[i].id, &id),
		          "docs/findings.md lists '%s', which the catalog does not define",
		          rows[i].id);
		if (!finding_by_name(rows[i].id, &id))
			continue;
		cr_expect_not(seen[id], "'%s' is listed twice", rows[i].id);
		seen[id] = true;
		d = finding_def(id);
		cr_expect_str_eq(rows[i].severity, finding_severity_name(d->severity),
		                 "%s: severity '%s' in the doc, '%s' in the catalog", rows[i].id,
		                 rows[i].severity, finding_severity_name(d->severity));
		cr_expect_str_eq(rows[i].fixable, d->fixable ? "yes" : "no",
		                 "%s: fixable '%s' in the doc", rows[i].id, rows[i].fixable);
		cr_expect_str_eq(rows[i].description, d->description,
		                 "%s: the doc's description differs from the catalog's",
		                 rows[i].id);
	}
	for (int i = 0; i < FINDING_COUNT; i++)
		cr_expect(seen[i], "catalog id '%s' is not in docs/findings.md",
		          finding_def((enum finding_id)i)->id);
	free(doc);
}

Test(findings_doc, catalog_names_are_unique_and_looked_up)
{
	for (int i = 0; i < FINDING_COUNT; i++) {
		enum finding_id back;
		const char *name = finding_name((enum finding_id)i);
		cr_assert(finding_by_name(name, &back), "%s", name);
		cr_expect_eq(back, (enum finding_id)i, "%s is defined twice", name);
	}
	{
		enum finding_id none;
		cr_expect_not(finding_by_name("no-such-finding", &none));
	}
}
