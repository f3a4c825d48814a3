/* The patcher's public API: plan the edits that make a ROM file ready
 * (plan.h), apply them to a copy in memory (apply.h), store the copy safely
 * (write.h), and print a plan (emit_plan.h). The front end (cli/cmd_fix.c)
 * uses only this header. Typical use:
 *
 *   rom_analyze(data, len, path, &report);
 *   patch_plan_make(&report, data, len, &opts, &plan);   // status, edits
 *   patch_apply(&plan, data, len, &out, &out_len, ...);  // new buffer
 *   patch_write_file(dest, out, out_len, &wopts, ...);   // temp+fsync+verify+rename
 */
#ifndef OPTROM_PATCH_H
#define OPTROM_PATCH_H

#include "patcher/apply.h"
#include "patcher/emit_plan.h"
#include "patcher/plan.h"
#include "patcher/write.h"

#endif
