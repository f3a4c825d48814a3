#!/usr/bin/env bash
# optrom scan speed (issue 13 point 5). Builds a collection in which no two
# files are equal from the corpus dumps (each copy gets its own 0xFF
# padding of 64-256 KiB, as flash-sized dumps have, and an 8-byte serial at
# its end: the GOP drivers inside stay shared across copies, as in real
# collections), warms the page cache, and times, best of 3, in one script:
#   cat, sha256sum, openssl dgst -sha256 (the hash scan computes, with the
#   same library), optrom check, optrom check --format yaml,
#   optrom scan, optrom scan --format yaml
# and prints each as a ratio to cat, with the peak memory (max RSS) of the
# scans, and issue 13's goal (scan --format yaml within 2x cat) met or not.
# Then the scale series: scan --format yaml over the first 2,000, 6,000 and
# 20,000 files of one collection (dumps of at most 256 KiB, padded the same
# way; its first N files are its first N/1000 folders), time per file and
# peak memory per size, each against the smallest size: time linear means
# a per-file time ratio near 1, memory flat a peak near the smallest's.
#   tests/bench/bench_scan.sh [FILES] [SCALE...]   (defaults 2200; 2000 6000 20000)
#   BENCH_DIR=/path (default build/bench-scan; needs ~1.4 GB, ~8 GB with the scale series)
#   NO_SCALE=1 skips the scale series; NO_MAIN=1 runs only it.
# The load average is printed with the figures: the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-2200}
shift || true
scales=("${@:-2000 6000 20000}")
read -r -a scales <<<"${scales[*]}"
bin=./build/optrom
[[ -x $bin ]] || { cmake -S . -B build >/dev/null && cmake --build build -j2 >/dev/null; }
corpus=${OPTROM_CORPUS:-../shared/corpus}
root=${BENCH_DIR:-$PWD/build/bench-scan}

# make DIR N MAXSIZE: N distinct files from the dumps of at most MAXSIZE
# bytes, in folders of 1,000 (DIR/0, DIR/1, ...).
make_collection() {
	local dir=$1 n=$2 max=$3 i=0 f pad
	local -a src
	mapfile -t src < <(find "$corpus" -type f \( -name '*.rom' -o -name '*.bin' \) -size -"$((max / 1024 + 1))"k | sort)
	((${#src[@]})) || { echo "no ROM files under $corpus"; exit 1; }
	if [[ -f $dir.done-$n ]]; then return; fi
	rm -rf "$dir" "$dir".done-*
	mkdir -p "$dir"
	printf '%s\n' "${src[@]}" | python3 -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
src = [l.rstrip("\n") for l in sys.stdin]
data = [open(f, "rb").read() for f in src]
for i in range(n):
    sub = os.path.join(d, str(i // 1000))
    os.makedirs(sub, exist_ok=True)
    name = "%d-%s" % (i, os.path.basename(src[i % len(src)]))
    with open(os.path.join(sub, name), "wb") as f:
        f.write(data[i % len(src)] + b"\xff" * (65536 * (1 + i % 4)) + b"%08d" % i)
' "$dir" "$n"
	touch "$dir.done-$n"
}

# best of 3 of "$@": "WALL CPU" seconds (CPU = user + system, children
# included): on a loaded machine the CPU time is the steadier figure.
best() {
	local bw=999999 bc=999999 out w c
	for _ in 1 2 3; do
		/usr/bin/time -o "$root/.time" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
		out=$(tail -n 1 "$root/.time")
		w=$(awk '{print $1}' <<<"$out")
		c=$(awk '{print $2 + $3}' <<<"$out")
		bw=$(echo "if ($w < $bw) $w else $bw" | bc -l)
		bc=$(echo "if ($c < $bc) $c else $bc" | bc -l)
	done
	printf '%.2f %.2f' "$bw" "$bc"
}

rss_mb() { # peak memory of "$@" in MB
	{ /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null || true; } | tail -n 1 | awk "{printf \"%.0f\", \$1 / 1024}"
}

mkdir -p "$root"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/{print $2}') GB RAM"
echo "optrom: $(git log -1 --format='%h %s' 2>/dev/null | cut -c1-60)"
if [[ -z ${NO_MAIN:-} ]]; then
dir=$root/main
make_collection "$dir" "$files" 67108864
list=$root/main.list
find "$dir" -type f | sort >"$list"
n=$(wc -l <"$list")
bytes=$(xargs -d '\n' cat <"$list" | wc -c)
echo "collection: $n files, $((bytes / 1048576)) MiB, no two equal (checked by sha256sum)"
dups=$(xargs -d '\n' sha256sum <"$list" | awk '{print $1}' | sort | uniq -d | wc -l)
[[ $dups -eq 0 ]] || { echo "collection has $dups repeated contents"; exit 1; }
xargs -d '\n' cat <"$list" >/dev/null # warm the page cache

t_cat=$(best sh -c "xargs -d '\n' cat < '$list' > /dev/null")
t_sha=$(best sh -c "xargs -d '\n' sha256sum < '$list' > /dev/null")
t_ossl=$(best sh -c "xargs -d '\n' openssl dgst -sha256 < '$list' > /dev/null")
t_check=$(best sh -c "xargs -d '\n' '$bin' check < '$list'")
t_checky=$(best sh -c "xargs -d '\n' '$bin' check --format yaml < '$list'")
t_scan=$(best "$bin" scan "$dir")
t_scany=$(best "$bin" scan --format yaml "$dir")
m_scan=$(rss_mb "$bin" scan "$dir")
m_scany=$(rss_mb "$bin" scan --format yaml "$dir")
read -r w_cat c_cat <<<"$t_cat"
printf '%-36s %8s %8s  %7s %7s  %s\n' what wall cpu "x cat" "cpu x" "peak MB"
row() {
	local w c
	read -r w c <<<"$2"
	printf '%-36s %8s %8s  %7.2f %7.2f  %s\n' "$1" "$w" "$c" "$(echo "$w / $w_cat" | bc -l)" \
		"$(echo "$c / $c_cat" | bc -l)" "${3:-}"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
row "cat" "$t_cat"
row "sha256sum" "$t_sha"
row "openssl dgst -sha256 (scan's hash)" "$t_ossl"
row "optrom check (one process)" "$t_check"
row "optrom check --format yaml" "$t_checky"
row "optrom scan (text, $(nproc) jobs)" "$t_scan" "$m_scan"
row "optrom scan --format yaml" "$t_scany" "$m_scany"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r w_scany _ <<<"$t_scany"
ratio=$(echo "$w_scany / $w_cat" | bc -l)
printf 'goal (issue 13): scan --format yaml within 2x cat: %.2fx, %s\n' "$ratio" \
	"$( (($(echo "$ratio <= 2" | bc -l))) && echo met || echo "not met")"
# The summary's counts (exit status 3: the collection holds broken dumps).
{ "$bin" scan "$dir" || true; } | grep -E '^summary:|^  (gop|duplicates|efi drivers):'

fi

[[ -n ${NO_SCALE:-} ]] && exit 0
echo
echo "scale: optrom scan --format yaml over the first N files of one collection of dumps of"
echo "at most 256 KiB padded as above; per file and peak memory against the first size"
sd=$root/scale
max=0
for s in "${scales[@]}"; do ((s > max)) && max=$s; done
make_collection "$sd" "$max" 262144
printf '%8s %8s %8s %8s %11s %11s %8s %8s %8s\n' files MiB wall cpu "wall ms/f" "cpu ms/f" "x first" \
	"peak MB" "+MB"
first_c="" first_m=""
for s in "${scales[@]}"; do
	mapfile -t parts < <(for ((k = 0; k < s / 1000; k++)); do echo "$sd/$k"; done)
	xargs -d '\n' cat < <(find "${parts[@]}" -type f) >/dev/null # warm
	mib=$(($(find "${parts[@]}" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}') / 1048576))
	read -r w c <<<"$(best "$bin" scan --format yaml "${parts[@]}")"
	m=$(rss_mb "$bin" scan --format yaml "${parts[@]}")
	cpf=$(echo "$c * 1000 / $s" | bc -l)
	[[ -n $first_c ]] || { first_c=$cpf; first_m=$m; }
	printf '%8d %8d %8s %8s %11.3f %11.3f %8.2f %8s %8d\n' "$s" "$mib" "$w" "$c" \
		"$(echo "$w * 1000 / $s" | bc -l)" "$cpf" "$(echo "$cpf / $first_c" | bc -l)" "$m" \
		"$((m - first_m))"
	echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
