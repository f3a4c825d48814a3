/* optrom scan's engine: the sorted list of inputs (input/walk.h) read and
 * analyzed by worker threads, printed in list order by the calling thread.
 *
 * Order and memory: workers take inputs in list order and never run more
 * than SCAN_WINDOW(jobs) inputs ahead of the one being printed, so at most
 * that many results wait in memory, whatever the number of files. Each
 * worker holds one input's bytes (at most 64 MiB; an archive: its bytes and
 * one member) and one analysis at a time; a zip's member results wait
 * until the archive is printed (sorted by member name).
 *
 * Identical contents: an input whose SHA-256 another input had is analyzed
 * once (the first to get there analyzes, the others wait for its result);
 * the printed report names the earlier input in list order (same_as). The
 * hash is computed when the output shows it (YAML); for text, only where
 * a repeat is possible: every input when a name in the list ends in .gz or
 * .zip (their contents' sizes are not known before they are read), else
 * the plain files whose size another file has. EFI drivers go through one
 * driver_cache for the whole scan.
 */
#ifndef OPTROM_SCAN_RUN_H
#define OPTROM_SCAN_RUN_H

#include "analyzer/scan.h"
#include "input/walk.h"

#include <stdbool.h>
#include <stdio.h>

#define SCAN_WINDOW(jobs) (4u * (jobs) + 16u)
#define SCAN_MAX_JOBS     256u

struct scan_run_opts {
	unsigned jobs;          /* worker threads, 1..SCAN_MAX_JOBS */
	bool yaml;              /* one YAML document instead of lines */
	bool summary;           /* text: the summary after the lines */
	bool progress;          /* a progress line on stderr (a terminal) after a second */
	unsigned progress_cols; /* the terminal's width (0: unknown): the line fits in it */
	FILE *out;
};

/* Runs the scan over l (sorted) and prints it. Returns the exit status
 * (the worst verdict, scan_verdict_exit) or EXIT_USAGE (2) with a line on
 * stderr when the output cannot be written or memory runs out. */
int scan_run(const struct walk_list *l, const struct scan_run_opts *o,
             struct scan_summary *summary);

#endif
