/* One temporary folder per test (Criterion runs each test in its own
 * process): made by a suite's .init, removed with everything in it by its
 * .fini. Shared by the CLI tests that write files. */
#ifndef OPTROM_TEST_TMPDIR_H
#define OPTROM_TEST_TMPDIR_H

#include <stddef.h>
#include <stdint.h>

/* Makes /tmp/PREFIX-XXXXXX (asserts on failure). */
void tmp_make(const char *prefix);
/* Removes it and what it holds. */
void tmp_remove(void);
/* The folder. */
const char *tmp_dir(void);
/* FOLDER/name; the result stays valid for the next 7 calls. */
const char *tmp_path(const char *name);

/* Entries of folder dir, dot files (temporary names) too: what a refused
 * write must leave unchanged. */
size_t tmp_count_entries(const char *dir);

/* The whole file at p in a malloc'd buffer ended by a NUL byte (not
 * counted), its size in *len; NULL when it cannot be opened or read. */
uint8_t *tmp_read_file(const char *p, size_t *len);

#endif
