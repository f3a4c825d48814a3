#!/usr/bin/env bash
# What a crafted file costs the analysis: `optrom check` on inputs made to
# maximise the search for the ROM start (tests/bench/make_crafted.c), as a
# ratio to a normal ROM of the same size (and EFI drivers crafted to
# decompress to the most bytes the format allows), and for the 64 MiB flood of 55 AA
# to `sha256sum` of it (the analysis hashes every file: its floor) and to
# `cat` (the I/O floor). Not a test: prints figures.
#   tests/bench/bench_locate.sh [OPTROM_BINARY]   (default ./build/optrom)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-./build/optrom}
[[ -x $bin ]] || { cmake -S . -B build >/dev/null && cmake --build build -j"$(nproc)" >/dev/null; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I. tests/bench/make_crafted.c \
	tests/support/rom_builder.c tests/support/efi_encode.c formats/*.c -o "$dir/make_crafted"
"$dir/make_crafted" "$dir"
cat "$dir"/*.rom >/dev/null # warm the page cache

measure() { # seconds for RUNS runs (best of 3 rounds)
	local best=999999 t s e
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 || true; done
		e=$(date +%s.%N)
		t=$(echo "($e - $s) / $runs" | bc -l)
		best=$(echo "if ($t < $best) $t else $best" | bc -l)
	done
	printf '%.5f' "$best"
}
runs=50
t_normal=$(measure "$bin" check "$dir/normal.rom")
t_cand=$(measure "$bin" check "$dir/candidates.rom")
runs=3
t_run=$(measure "$bin" check "$dir/efi-run.rom")
t_past=$(measure "$bin" check "$dir/efi-past-end.rom")
t_flood=$(measure "$bin" check "$dir/flood.rom")
t_sha=$(measure sha256sum "$dir/flood.rom")
t_cat=$(measure cat "$dir/flood.rom")
printf '%-46s %10s\n' "input (optrom check, one process)" "seconds"
printf '%-46s %10s\n' "normal.rom (256 KiB: x86 + EFI)" "$t_normal"
printf '%-46s %10s  %5.1f x normal\n' "candidates.rom (256 KiB: 64 candidates x 32)" "$t_cand" \
	"$(echo "$t_cand / $t_normal" | bc -l)"
printf '%-46s %10s  %5.1f x normal\n' "efi-run.rom (32 drivers of 22 B -> 16 MiB)" "$t_run" \
	"$(echo "$t_run / $t_normal" | bc -l)"
printf '%-46s %10s  %5.1f x normal\n' "efi-past-end.rom (32 drivers past their end)" "$t_past" \
	"$(echo "$t_past / $t_normal" | bc -l)"
printf '%-46s %10s  %5.1f x sha256sum, %5.1f x cat\n' "flood.rom (64 MiB of 55 AA)" "$t_flood" \
	"$(echo "$t_flood / $t_sha" | bc -l)" "$(echo "$t_flood / $t_cat" | bc -l)"
