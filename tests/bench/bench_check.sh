#!/usr/bin/env bash
# Batch validation speed: `optrom check` over a collection of thousands of
# ROM files (the corpus and the Debian ROMs, linked many times over), against
# `cat` of the same files as the I/O floor. Not a test: prints figures.
#   tests/bench/bench_check.sh [COPIES]   (default 30 -> ~2,900 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
copies=${1:-30}
bin=./build/optrom
[[ -x $bin ]] || { cmake -S . -B build >/dev/null && cmake --build build -j"$(nproc)" >/dev/null; }
corpus=${OPTROM_CORPUS:-../shared/corpus}
mapfile -t src < <(find "$corpus" -type f \( -name '*.rom' -o -name '*.bin' \) 2>/dev/null;
	ls /usr/lib/ipxe/qemu/*.rom /usr/share/seabios/vgabios-*.bin 2>/dev/null)
((${#src[@]})) || { echo "no ROM files found (corpus: $corpus)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
for ((c = 0; c < copies; c++)); do
	for f in "${src[@]}"; do
		ln -s "$(readlink -f "$f")" "$dir/$c-$(basename "$f")"
		n=$((n + 1))
	done
done
bytes=$(cat "$dir"/* | wc -c)
echo "collection: $n files, $((bytes / 1048576)) MiB (${#src[@]} distinct ROMs x $copies)"
cat "$dir"/* >/dev/null # warm the page cache

measure() { # prints seconds (best of 3)
	local best=999999 t s e
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		best=$(echo "if ($t < $best) $t else $best" | bc -l)
	done
	printf '%.3f' "$best"
}
t_cat=$(measure sh -c "cat '$dir'/* > /dev/null")
t_check=$(measure "$bin" check "$dir"/*)
t_yaml=$(measure "$bin" check --format yaml "$dir"/*)
printf '%-34s %8s s  %8s files/s  %6s x cat\n' "what" "time" "rate" "ratio"
for row in "cat (I/O floor)|$t_cat" "optrom check|$t_check" "optrom check --format yaml|$t_yaml"; do
	name=${row%%|*}
	t=${row##*|}
	printf '%-34s %8s s  %8.0f files/s  %6.1f x cat\n' "$name" "$t" "$(echo "$n / $t" | bc -l)" \
		"$(echo "$t / $t_cat" | bc -l)"
done
if command -v rom-parser >/dev/null 2>&1; then
	t_rp=$(measure sh -c "for f in '$dir'/*; do rom-parser \"\$f\"; done")
	printf '%-34s %8s s\n' "rom-parser (one process per file)" "$t_rp"
else
	echo "rom-parser: not installed (not in Debian); see README for the per-process cost"
fi
