#!/bin/sh
# Speed of the libFuzzer harnesses against a baseline build, on the same
# inputs and the same machine at the same time (issue 17: the slow harnesses
# at least 5x faster). For each harness, both binaries, in alternation:
#
#   replay  every input of a fixed set run once (libFuzzer -runs=0: the
#           harness and libFuzzer's feature collection, no mutation), ROUNDS
#           times; CPU seconds per 1,000 inputs, median of the rounds. With
#           -entropic=0: in a replay every input is new, and the entropic
#           schedule's bookkeeping of rare features grows with the square of
#           the features, which a fuzzing run (below) does not pay;
#   fuzz    SECONDS of fuzzing from the same seeds with the same -seed, as
#           run_fuzz.sh runs it (-max_len, -dict from fuzz_flags.sh, its
#           -timeout); exec/s as libFuzzer reports it, median of the rounds.
#           The entropic settings are each build's own: NEW_FLAGS (default
#           fuzz_entropic, what run_fuzz.sh passes now) for the new build,
#           BASE_FLAGS (default none: run_fuzz.sh passed none before issue
#           17's harness work) for the baseline. BASE_FLAGS="$NEW_FLAGS"
#           compares the harnesses' code alone.
#
# The ratio is baseline / new: above 1 the new build is faster.
#
# Usage: tests/bench/bench_fuzz.sh NEW_BIN_DIR BASE_BIN_DIR [HARNESS...]
#   NEW_BIN_DIR, BASE_BIN_DIR: folders holding fuzz_NAME binaries (a fuzz
#   build's tests/fuzz, and a copy of a previous build's). Default harnesses:
#   analyze fix diff efi_decompress scan.
# Environment: SECONDS_EACH (default 30), ROUNDS (default 3), SEEDS_DIR (the
#   fuzz build's make_seeds output, default NEW_BIN_DIR/../../seeds),
#   INPUTS_DIR (replay inputs: INPUTS_DIR/NAME, default the committed seeds
#   tests/fuzz/seeds/NAME plus SEEDS_DIR/NAME).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
new=${1:?usage: bench_fuzz.sh NEW_BIN_DIR BASE_BIN_DIR [HARNESS...]}
base=${2:?usage: bench_fuzz.sh NEW_BIN_DIR BASE_BIN_DIR [HARNESS...]}
shift 2
harnesses=${*:-analyze fix diff efi_decompress scan}
secs=${SECONDS_EACH:-30}
rounds=${ROUNDS:-3}
seeds_dir=${SEEDS_DIR:-$new/../../seeds}
dict=$root/tests/fuzz/dict/optrom.dict
# shellcheck source=tests/fuzz/fuzz_flags.sh
. "$root/tests/fuzz/fuzz_flags.sh"
new_flags=${NEW_FLAGS-$(fuzz_entropic)}
base_flags=${BASE_FLAGS-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# CPU seconds (user + system) of one replay of every input in $3 by $1.
replay() {
	bin=$1 ml=$2 dir=$3
	/usr/bin/time -f '%U %S' -o "$tmp/t" "$bin" -runs=0 -entropic=0 -max_len="$ml" \
		-rss_limit_mb=2048 "$dir" >/dev/null 2>&1 || true
	awk '{print $1 + $2}' "$tmp/t"
}

# exec/s of SECONDS of fuzzing by $1 from the seeds in $3.
fuzz() {
	bin=$1 ml=$2 seeds=$3 flags=$new_flags
	[ "$bin" = "$nb" ] || flags=$base_flags
	rm -rf "$tmp/corpus" && mkdir "$tmp/corpus"
	# shellcheck disable=SC2046,SC2086
	"$bin" -seed=1 -max_total_time="$secs" -max_len="$ml" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 $(fuzz_dict "$h" "$dict") $flags "$tmp/corpus" "$seeds" \
		>"$tmp/log" 2>&1 || true
	sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/log" | tail -1
}

# FN MEASURE ARGS...: FN with each binary ($bb, $nb) ROUNDS times, the one
# that goes first alternating; results appended to $tmp/MEASUREb and
# $tmp/MEASUREn.
both() {
	fn=$1 m=$2
	shift 2
	for r in $(seq "$rounds"); do
		order="b n"
		[ $((r % 2)) -eq 1 ] || order="n b"
		for w in $order; do
			if [ "$w" = b ]; then bin=$bb; else bin=$nb; fi
			"$fn" "$bin" "$@" >>"$tmp/$m$w"
		done
	done
}

printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'fuzz flags: new "%s", base "%s"\n' "$new_flags" "$base_flags"
printf '%-14s %7s %12s %12s %7s %10s %10s %7s\n' harness inputs 'base s/1k' 'new s/1k' ratio \
	'base ex/s' 'new ex/s' ratio
for h in $harnesses; do
	nb=$new/fuzz_$h bb=$base/fuzz_$h
	if [ ! -x "$nb" ] || [ ! -x "$bb" ]; then
		printf '%-14s not built in both (skipped)\n' "$h"
		continue
	fi
	ml=$(fuzz_max_len "$h")
	inputs=$tmp/inputs-$h
	mkdir -p "$inputs"
	# scan has no seeds of its own (run_fuzz.sh starts it empty): it reads
	# files as analyze does, from the same seeds here
	from=$h
	[ "$h" = scan ] && from=analyze
	if [ -n "${INPUTS_DIR:-}" ]; then
		cp "$INPUTS_DIR/$h"/* "$inputs"/ 2>/dev/null || true
	else
		cp "$root/tests/fuzz/seeds/$from"/* "$seeds_dir/$from"/* "$inputs"/ 2>/dev/null || true
	fi
	n=$(find "$inputs" -type f | wc -l)
	[ "$n" -gt 0 ] || { printf '%-14s no inputs (skipped)\n' "$h"; continue; }
	: >"$tmp/rb" && : >"$tmp/rn" && : >"$tmp/fb" && : >"$tmp/fn"
	both replay r "$ml" "$inputs"
	[ "$secs" -gt 0 ] && both fuzz f "$ml" "$inputs"
	rb=$(median <"$tmp/rb") rn=$(median <"$tmp/rn")
	fb=$( [ -s "$tmp/fb" ] && median <"$tmp/fb" || echo 0)
	fn=$( [ -s "$tmp/fn" ] && median <"$tmp/fn" || echo 0)
	awk -v h="$h" -v n="$n" -v rb="$rb" -v rn="$rn" -v fb="$fb" -v fn="$fn" 'BEGIN {
		r1 = rn > 0 ? rb / rn : 0
		r2 = fb > 0 ? fn / fb : 0
		printf "%-14s %7d %12.3f %12.3f %7.2f %10d %10d %7.2f\n", h, n,
		       rb * 1000 / n, rn * 1000 / n, r1, fb, fn, r2 }'
done
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
