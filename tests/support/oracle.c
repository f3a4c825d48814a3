#include "tests/support/oracle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool oracle_available(void)
{
	return system("python3 -c '' >/dev/null 2>&1") == 0;
}

const char *oracle_get(const struct oracle *o, const char *k)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->key[i], k) == 0)
			return o->val[i];
	return NULL;
}

static bool add_arg(char *cmd, size_t cap, size_t *used, const char *fmt, const char *arg)
{
	int w = snprintf(cmd + *used, cap - *used, fmt, arg);
	if (w < 0 || (size_t)w >= cap - *used)
		return false;
	*used += (size_t)w;
	return true;
}

bool oracle_run(const char (*paths)[1024], size_t n, struct oracle *o)
{
	size_t cap = 64 + (n + 1) * 1100, used = 0, cur = SIZE_MAX;
	char *cmd = malloc(cap), line[4096];
	FILE *p;
	bool ok;
	if (!cmd ||
	    !add_arg(cmd, cap, &used, "python3 '%s/tools/vendor_oracle.py'", OPTROM_SOURCE_DIR)) {
		free(cmd);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!add_arg(cmd, cap, &used, " '%s'", paths[i])) {
			free(cmd);
			return false;
		}
		o[i].n = 0;
		(void)snprintf(o[i].path, sizeof(o[i].path), "%s", paths[i]);
	}
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return false;
	ok = true;
	while (fgets(line, sizeof(line), p)) {
		char *tab = strchr(line, '\t');
		size_t len = strlen(line), kl;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (strncmp(line, "== ", 3) == 0) {
			cur = cur == SIZE_MAX ? 0 : cur + 1;
			if (cur >= n || strcmp(line + 3, o[cur].path) != 0)
				ok = false;
			continue;
		}
		if (!ok || !tab || cur == SIZE_MAX || cur >= n || o[cur].n >= ORACLE_MAX_KEYS)
			continue;
		*tab = '\0';
		/* keys are short; a longer one is cut (and then matches nothing) */
		kl = strnlen(line, sizeof(o[cur].key[0]) - 1);
		memcpy(o[cur].key[o[cur].n], line, kl);
		o[cur].key[o[cur].n][kl] = '\0';
		(void)snprintf(o[cur].val[o[cur].n], sizeof(o[cur].val[0]), "%s", tab + 1);
		o[cur].n++;
	}
	return pclose(p) == 0 && ok && cur + 1 == n;
}
