#!/bin/sh
# A fuzzing campaign: every libFuzzer harness for HOURS each (fractions are
# fine: 0.05 = 3 min), as many at a time as there are cores, then the
# committed seed corpus (tests/fuzz/seeds/NAME) is merged with what the run
# found and minimized (-merge=1), and one line per harness is printed and
# appended to docs/fuzz-campaigns.tsv, whose totals per harness the script
# prints last (docs/fuzzing.md, "Campaigns").
#
#   tests/fuzz/campaign.sh 0.34               # 20 min per harness
#   JOBS=1 tests/fuzz/campaign.sh 0.02 pe zip # one at a time, two harnesses
#
# Commit before a campaign: the tally names the commit it ran. The seeds
# are synthetic (tests/fuzz/make_seeds.c) and what libFuzzer derives from
# them; never add a vendor dump to them. Exit status 1 when a harness
# failed (crash, leak, timeout, broken invariant; the input is in
# build-fuzz/artifacts).
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
hours=${1:?usage: campaign.sh HOURS [HARNESS...]}
shift
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cc=${FUZZ_CC:-clang}
seconds=$(awk -v h="$hours" 'BEGIN { s = int(h * 3600 + 0.5); if (s < 1) s = 1; print s }')
tally=$src/docs/fuzz-campaigns.tsv
dict=$src/tests/fuzz/dict/optrom.dict
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
# shellcheck source=tests/fuzz/fuzz_flags.sh
. "$src/tests/fuzz/fuzz_flags.sh"

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DOPTROM_FUZZ=ON -DOPTROM_TESTS=OFF \
	-DOPTROM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null

if [ "$#" -gt 0 ]; then
	harnesses=$*
else
	harnesses=$(cd "$build/tests/fuzz" && ls fuzz_* | sed 's/^fuzz_//' | sort)
fi
run=$build/campaign
mkdir -p "$run" "$build/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

seeds_of() { # the committed seeds a harness starts from
	case $1 in
	efi_vs_edk2) echo "$src/tests/fuzz/seeds/efi_decompress" ;;
	*) echo "$src/tests/fuzz/seeds/$1" ;;
	esac
}
one() {
	h=$1
	bin=$build/tests/fuzz/fuzz_$h
	work=$run/$h
	rm -rf "$work"
	mkdir -p "$work/corpus"
	seeds=$(seeds_of "$h")
	made=$build/seeds/$(basename "$seeds") # make_seeds' output, same name
	mkdir -p "$seeds" "$made"
	rc=0
	# shellcheck disable=SC2046
	"$bin" -max_total_time="$seconds" -max_len="$(fuzz_max_len "$h")" -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 $(fuzz_dict "$h" "$dict") $(fuzz_entropic) \
		-artifact_prefix="$build/artifacts/$h-" \
		"$work/corpus" "$seeds" "$made" >"$work/log" 2>&1 || rc=$?
	echo "$rc" >"$work/rc"
}

# HOURS per harness, `jobs` harnesses at a time.
set -- $harnesses
while [ "$#" -gt 0 ]; do
	n=0
	while [ "$#" -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		[ -x "$build/tests/fuzz/fuzz_$1" ] && one "$1" &
		n=$((n + 1))
		shift
	done
	wait
done

[ -f "$tally" ] || printf 'date\tcommit\tharness\tseconds\texecutions\tcov\tft\tcorpus\tcrashes\n' >"$tally"
status=0
printf '%-16s %8s %12s %9s %7s %7s %7s %s\n' harness seconds execs exec/s cov ft seeds result
for h in $harnesses; do
	work=$run/$h
	[ -f "$work/rc" ] || { printf '%-16s not built (skipped)\n' "$h"; continue; }
	rc=$(cat "$work/rc")
	log=$work/log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	# Merge what was found into the committed seeds, minimized: the
	# smallest set of inputs that keeps every feature.
	seeds=$(seeds_of "$h")
	if [ "$h" != efi_vs_edk2 ]; then
		rm -rf "$work/merged"
		mkdir -p "$work/merged"
		"$build/tests/fuzz/fuzz_$h" -merge=1 -max_len="$(fuzz_max_len "$h")" -rss_limit_mb=2048 \
			-timeout=10 "$work/merged" "$seeds" "$build/seeds/$h" "$work/corpus" \
			>"$work/merge.log" 2>&1 &&
			rm -rf "$seeds" && mv "$work/merged" "$seeds"
	fi
	nseeds=$(ls "$seeds" | wc -l)
	crashes=0
	if [ "$rc" -ne 0 ]; then
		crashes=1
		status=1
		result="FAILED (rc $rc, see $log)"
		grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit written' "$log" | head -10 >&2 || true
	else
		result=ok
	fi
	printf '%-16s %8s %12s %9s %7s %7s %7s %s\n' "$h" "$seconds" "${execs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "$nseeds" "$result"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" "$h" \
		"$seconds" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$nseeds" "$crashes" >>"$tally"
done

echo
echo "Totals over every campaign in ${tally#"$src"/}:"
awk -F'\t' 'NR > 1 { s[$3] += $4; e[$3] += $5; c[$3] += $9; if ($6 > cov[$3]) cov[$3] = $6 }
	END { printf "%-16s %10s %14s %9s %8s\n", "harness", "seconds", "executions", "best cov", "crashes"
	      for (h in s) printf "%-16s %10d %14d %9d %8d\n", h, s[h], e[h], cov[h], c[h] }' "$tally"
echo "New seeds are in tests/fuzz/seeds: review (git status) and commit them."
exit "$status"
