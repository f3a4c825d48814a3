#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char folder[256];

void tmp_make(const char *prefix)
{
	cr_assert_lt(snprintf(folder, sizeof(folder), "/tmp/%s-XXXXXX", prefix),
	             (int)sizeof(folder));
	cr_assert_not_null(mkdtemp(folder), "cannot make %s", folder);
}

void tmp_remove(void)
{
	char cmd[512];
	if (!folder[0])
		return;
	cr_assert_lt(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", folder), (int)sizeof(cmd));
	cr_expect_eq(system(cmd), 0);
}

const char *tmp_dir(void)
{
	return folder;
}

size_t tmp_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	cr_assert_not_null(d, "cannot list %s", dir);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

const char *tmp_path(const char *name)
{
	static char buf[8][512];
	static int k;
	k = (k + 1) % 8;
	cr_assert_lt(snprintf(buf[k], sizeof(buf[k]), "%s/%s", folder, name), (int)sizeof(buf[k]));
	return buf[k];
}

uint8_t *tmp_read_file(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = 0; /* text files can be searched with strstr */
	fclose(f);
	return buf;
}
