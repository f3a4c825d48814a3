#include "patcher/apply.h"

#include "formats/span.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum patch_apply_status patch_apply(const struct patch_plan *p, const uint8_t *data, size_t len,
                                    uint8_t **out, size_t *out_len, char *err, size_t errcap)
{
	struct span in = span_make(data, len);
	struct span kept;
	uint8_t *buf;
	size_t n;
	*out = NULL;
	*out_len = 0;
	if (err && errcap)
		err[0] = '\0';
	if (p->status != PATCH_PLAN_OK) {
		if (err)
			(void)snprintf(err, errcap, "the plan has no edits to apply: %s", p->error);
		return PATCH_APPLY_NOT_PLANNED;
	}
	if (p->keep_end < p->keep_start ||
	    !span_sub(&in, p->keep_start, p->keep_end - p->keep_start, &kept)) {
		if (err)
			(void)snprintf(err, errcap,
			               "kept range [0x%zx, 0x%zx) lies outside the %zu-byte input",
			               p->keep_start, p->keep_end, len);
		return PATCH_APPLY_RANGE;
	}
	n = kept.len;
	buf = malloc(n ? n : 1);
	if (!buf) {
		if (err)
			(void)snprintf(err, errcap, "out of memory (%zu bytes)", n);
		return PATCH_APPLY_NO_MEMORY;
	}
	if (n)
		memcpy(buf, kept.data, n);
	for (size_t i = 0; i < p->n_edits; i++) {
		const struct patch_edit *e = &p->edits[i];
		size_t end;
		if (e->length == 0 || e->length > PATCH_MAX_BYTES || e->offset < p->keep_start ||
		    e->out_offset != e->offset - p->keep_start ||
		    !size_add(e->out_offset, e->length, &end) || end > n) {
			if (err)
				(void)snprintf(err, errcap,
				               "edit %zu at 0x%zx (%zu bytes) lies outside the "
				               "output [0x%zx, 0x%zx)",
				               i, e->offset, e->length, p->keep_start, p->keep_end);
			free(buf);
			return PATCH_APPLY_RANGE;
		}
		/* Edits apply in order; a later edit of the same byte sees the
		 * earlier one's result, so compare with the buffer, not the input. */
		if (memcmp(buf + e->out_offset, e->old_bytes, e->length) != 0) {
			if (err)
				(void)snprintf(err, errcap,
				               "edit %zu at 0x%zx: expected old byte(s) 0x%02x.., "
				               "found 0x%02x..",
				               i, e->offset, e->old_bytes[0], buf[e->out_offset]);
			free(buf);
			return PATCH_APPLY_MISMATCH;
		}
		memcpy(buf + e->out_offset, e->new_bytes, e->length);
	}
	*out = buf;
	*out_len = n;
	return PATCH_APPLY_OK;
}
