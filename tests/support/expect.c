#include "tests/support/expect.h"

#include "input/load.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *expect_corpus_dir(void)
{
	const char *env = getenv("OPTROM_CORPUS");
	return env && *env ? env : OPTROM_DEFAULT_CORPUS;
}

void expect_note_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("[SKIP] ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool expect_file_sha256(const char *path, char out[65])
{
	uint8_t *data;
	size_t len;
	char err[256];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	out[0] = '\0';
	if (rom_load_file(path, &data, &len, err, sizeof(err)) != LOAD_OK)
		return false;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	free(data);
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

static void parse_images(char *field, struct expect_row *r)
{
	char *save = NULL;
	if (strcmp(field, "-") == 0)
		return;
	for (char *tok = strtok_r(field, ";", &save); tok && r->n_images < EXPECT_MAX_IMAGES;
	     tok = strtok_r(NULL, ";", &save)) {
		struct expect_image *im = &r->images[r->n_images];
		int last = 0;
		if (sscanf(tok, "%zu:%zu:%u:%4[0-9a-f]:%4[0-9a-f]:%6[0-9a-f]:%d:%2s", &im->offset,
		           &im->length, &im->code_type, im->vendor, im->device, im->class_code,
		           &last, im->cksum) == 8) {
			im->last = last != 0;
			r->n_images++;
		}
	}
}

static void parse_other(char *field, struct expect_row *r)
{
	char *save = NULL;
	if (strcmp(field, "-") == 0)
		return;
	for (char *tok = strtok_r(field, ";", &save); tok && r->n_other < EXPECT_MAX_OTHER;
	     tok = strtok_r(NULL, ";", &save))
		if (sscanf(tok, "%zu:%u", &r->other_offsets[r->n_other],
		           &r->other_types[r->n_other]) == 2)
			r->n_other++;
}

static bool parse_row(char *line, struct expect_row *r)
{
	char *cols[8];
	char *save = NULL;
	int n = 0;
	memset(r, 0, sizeof(*r));
	line[strcspn(line, "\r\n")] = '\0';
	for (char *tok = strtok_r(line, "\t", &save); tok && n < 8;
	     tok = strtok_r(NULL, "\t", &save))
		cols[n++] = tok;
	if (n != 8)
		return false;
	snprintf(r->sha256, sizeof(r->sha256), "%s", cols[0]);
	snprintf(r->name, sizeof(r->name), "%s", cols[1]);
	r->size = strtoull(cols[2], NULL, 10);
	r->has_rom = strcmp(cols[3], "none") != 0;
	r->rom_offset = r->has_rom ? strtoull(cols[3], NULL, 10) : 0;
	snprintf(r->verdict, sizeof(r->verdict), "%s", cols[4]);
	parse_images(cols[5], r);
	parse_other(cols[6], r);
	snprintf(r->trailing, sizeof(r->trailing), "%s", cols[7]);
	if (r->name[0] == '/')
		snprintf(r->path, sizeof(r->path), "%s", r->name);
	else
		snprintf(r->path, sizeof(r->path), "%s/%s", expect_corpus_dir(), r->name);
	return true;
}

struct expect_row *expect_load(size_t *n)
{
	FILE *f = fopen(OPTROM_SOURCE_DIR "/corpus/expected.tsv", "r");
	struct expect_row *rows = NULL;
	char line[16384];
	size_t cap = 0;
	*n = 0;
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		char sha[65];
		if (*n == cap) {
			struct expect_row *p = realloc(rows, (cap ? cap * 2 : 64) * sizeof(*rows));
			if (!p)
				break;
			rows = p;
			cap = cap ? cap * 2 : 64;
		}
		if (!parse_row(line, &rows[*n]))
			continue;
		rows[*n].present =
		    expect_file_sha256(rows[*n].path, sha) && strcmp(sha, rows[*n].sha256) == 0;
		(*n)++;
	}
	fclose(f);
	return rows;
}
