/* Applying a plan: a new buffer holding input [keep_start, keep_end) with
 * every byte edit made. The input is never modified. */
#ifndef OPTROM_PATCH_APPLY_H
#define OPTROM_PATCH_APPLY_H

#include "patcher/plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum patch_apply_status {
	PATCH_APPLY_OK = 0,
	PATCH_APPLY_NOT_PLANNED, /* the plan's status is not PATCH_PLAN_OK */
	PATCH_APPLY_RANGE,       /* a range or edit lies outside the input */
	PATCH_APPLY_MISMATCH,    /* an edit's old bytes are not the input's bytes */
	PATCH_APPLY_NO_MEMORY,
};

/* Makes the output of plan p over data (len bytes): *out is a new buffer
 * (free() it) of *out_len bytes. On failure *out is NULL and err (may be
 * NULL) holds one line. */
enum patch_apply_status patch_apply(const struct patch_plan *p, const uint8_t *data, size_t len,
                                    uint8_t **out, size_t *out_len, char *err, size_t errcap);

#endif
