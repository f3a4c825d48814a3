/* Every finding id the analyzer can emit is documented, in
 * docs/findings.md and in the README's table: scripts match on them. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void check_doc(const char *doc, const char *docname, const char *id)
{
	char want[96];
	snprintf(want, sizeof(want), "| `%s` |", id);
	cr_expect_not_null(strstr(doc, want), "finding id '%s' is not in %s's table", id, docname);
}

Test(findings_doc, every_emitted_id_is_documented)
{
	char *findings = slurp(OPTROM_SOURCE_DIR "/docs/findings.md");
	char *readme = slurp(OPTROM_SOURCE_DIR "/README.md");
	DIR *d = opendir(OPTROM_SOURCE_DIR "/analyzer");
	struct dirent *e;
	size_t ids = 0;
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		char *src, *p;
		size_t n = strlen(e->d_name);
		if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof(path), OPTROM_SOURCE_DIR "/analyzer/%s", e->d_name);
		src = slurp(path);
		/* every report_add(r, "id", ... call */
		for (p = strstr(src, "report_add("); p; p = strstr(p + 1, "report_add(")) {
			char id[64];
			char *q = strchr(p, '"');
			char *end = q ? strchr(q + 1, '"') : NULL;
			if (!q || !end || end - q - 1 >= (long)sizeof(id) || q - p > 40)
				continue;
			memcpy(id, q + 1, (size_t)(end - q - 1));
			id[end - q - 1] = '\0';
			ids++;
			check_doc(findings, "docs/findings.md", id);
			check_doc(readme, "README.md", id);
		}
		free(src);
	}
	closedir(d);
	cr_expect_gt(ids, 20, "found only %zu report_add calls", ids);
	free(findings);
	free(readme);
}
