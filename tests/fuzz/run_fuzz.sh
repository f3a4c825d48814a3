#!/bin/sh
# Builds the libFuzzer harnesses with clang (ASan + UBSan + libFuzzer) in
# build-fuzz, writes the seed corpora from the synthetic ROM builder, runs
# each harness for $FUZZ_SECONDS (default 60) and prints, per harness, the
# executions and the coverage (cov = edges, ft = features) from libFuzzer's
# final stats. Exits non-zero when any harness crashes, leaks, hangs or
# breaks an invariant; the input that did it is in build-fuzz/artifacts.
#
#   tests/fuzz/run_fuzz.sh                  # all harnesses, 60 s each
#   FUZZ_SECONDS=10 tests/fuzz/run_fuzz.sh analyze pe
#
# The corpora grow in build-fuzz/corpus/NAME (seeds are read from
# build-fuzz/seeds/NAME and the committed tests/fuzz/seeds/NAME, and never
# modified), so a later run starts where the last one stopped; delete
# build-fuzz/corpus for a fresh start. tests/fuzz/campaign.sh grows the
# committed seeds. tests/fuzz/dict/optrom.dict is the signatures' dictionary.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cc=${FUZZ_CC:-clang}
# shellcheck source=tests/fuzz/fuzz_flags.sh
. "$src/tests/fuzz/fuzz_flags.sh"

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DOPTROM_FUZZ=ON -DOPTROM_TESTS=OFF -DOPTROM_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null

# fuzz_efi_vs_edk2 is built only when the EDK2 reference is present (else "not built
# (skipped)"); its first find is settled (docs/fuzzing.md, "Settled"), and a 10-minute run
# after the fix found nothing more.
harnesses=${*:-analyze efi_decompress efi_vs_edk2 pe fix zip uefi_shell authenticode efi_vars diff vfct vendor scan}
mkdir -p "$build/artifacts" "$build/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
printf '%-16s %8s %10s %9s %7s %7s %7s %s\n' harness seconds execs exec/s cov ft corpus result
for h in $harnesses; do
	bin=$build/tests/fuzz/fuzz_$h
	if [ ! -x "$bin" ]; then
		printf '%-16s not built (skipped)\n' "$h"
		continue
	fi
	max_len=$(fuzz_max_len "$h")
	corpus=$build/corpus/$h
	seeds=$build/seeds/$h
	committed=$src/tests/fuzz/seeds/$h
	dict=$(fuzz_dict "$h" "$src/tests/fuzz/dict/optrom.dict")
	# The differential harness reads the same streams as fuzz_efi_decompress.
	if [ "$h" = efi_vs_edk2 ]; then
		seeds=$build/seeds/efi_decompress
		committed=$src/tests/fuzz/seeds/efi_decompress
	fi
	# A harness without make_seeds output (uefi_shell) starts from an empty folder.
	mkdir -p "$seeds"
	[ -d "$committed" ] || committed=$seeds
	log=$build/logs/$h.log
	mkdir -p "$corpus"
	rc=0
	# shellcheck disable=SC2046,SC2086
	"$bin" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$h-" $dict $(fuzz_entropic) \
		"$corpus" "$seeds" "$committed" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	# The last status line ("#N DONE cov: X ft: Y corp: Z/...") holds the coverage.
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (rc $rc, see $log)"
		status=1
	fi
	printf '%-16s %8s %10s %9s %7s %7s %7s %s\n' "$h" "$seconds" "${execs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit written' "$log" | head -20 >&2 || true
	fi
done
exit "$status"
