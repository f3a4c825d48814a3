/* The corpus expectations (corpus/expected.tsv, established by an
 * independent reading of the bytes: corpus/EXPECTATIONS.md) and where the
 * files they describe live on this machine. */
#ifndef OPTROM_TEST_EXPECT_H
#define OPTROM_TEST_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#define EXPECT_MAX_IMAGES 8
#define EXPECT_MAX_OTHER  64

struct expect_image {
	size_t offset, length;
	unsigned code_type;
	char vendor[5], device[5], class_code[7];
	bool last;
	char cksum[3]; /* "ok", "bad", "na" */
};

struct expect_row {
	char sha256[65];
	char name[256];
	char path[1024]; /* resolved path on this machine */
	size_t size;
	bool has_rom;
	size_t rom_offset;
	char verdict[8];
	struct expect_image images[EXPECT_MAX_IMAGES];
	size_t n_images;
	size_t other_offsets[EXPECT_MAX_OTHER];
	unsigned other_types[EXPECT_MAX_OTHER];
	size_t n_other;
	char trailing[8];
	bool present; /* the file exists here with this sha256 */
};

/* The corpus folder: $OPTROM_CORPUS, else the build's default. */
const char *expect_corpus_dir(void);

/* A visible note that absent inputs (the corpus folder, Debian's ROMs) are
 * skipped: "[SKIP] ..." on stderr. Not cr_log_warn: Criterion 2.4 exits 1
 * after any warning (unless --ignore-warnings), so a suite whose checks all
 * passed or skipped would fail; not cr_log_info, which only --verbose
 * shows. Keep cr_log_warn for what is really wrong. */
void expect_note_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads every row; *n rows (free() the array). Returns NULL when the TSV
 * cannot be read. Marks each row present when the file exists here and its
 * sha256 matches. */
struct expect_row *expect_load(size_t *n);

/* sha256 of a file as lowercase hex; false when unreadable. */
bool expect_file_sha256(const char *path, char out[65]);

#endif
