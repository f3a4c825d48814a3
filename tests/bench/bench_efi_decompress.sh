#!/bin/sh
# Throughput of formats/efi_decompress.c over every compressed EFI image in
# the corpus ($OPTROM_CORPUS, default ../shared/corpus from the project root),
# with `cat` of the same files as the I/O baseline.
# Usage: tests/bench/bench_efi_decompress.sh [CORPUS_DIR]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-${OPTROM_CORPUS:-$root/../shared/corpus}}
if [ ! -d "$corpus" ]; then
	echo "bench_efi_decompress: no corpus at $corpus: skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$root" \
	"$root/tests/bench/bench_efi_decompress.c" "$root/formats/efi_decompress.c" \
	-o "$tmp/bench"
find "$corpus" -type f \( -name '*.rom' -o -name '*.bin' \) | sort > "$tmp/files"
nfiles=$(wc -l < "$tmp/files")
file_bytes=$(xargs cat < "$tmp/files" | wc -c)

line=$(xargs "$tmp/bench" < "$tmp/files")
set -- $line
images=$2 reps=$4 in_bytes=$6 out_bytes=$8 secs=${10}

# cat baseline: read the same files the same number of times (page cache warm).
xargs cat < "$tmp/files" > /dev/null
start=$(date +%s.%N)
i=0
while [ "$i" -lt "$reps" ]; do
	xargs cat < "$tmp/files" > /dev/null
	i=$((i + 1))
done
end=$(date +%s.%N)

awk -v img="$images" -v reps="$reps" -v inb="$in_bytes" -v outb="$out_bytes" -v s="$secs" \
	-v fb="$file_bytes" -v nf="$nfiles" -v c0="$start" -v c1="$end" 'BEGIN {
	cs = c1 - c0; cat_mbs = fb * reps / cs / 1e6
	out_mbs = outb / s / 1e6; in_mbs = inb / s / 1e6
	printf "corpus: %d files, %.1f MB; %d compressed EFI images x %d runs\n", nf, fb / 1e6, img, reps
	printf "%-34s %10s %12s\n", "what", "MB/s", "vs cat"
	printf "%-34s %10.1f %12s\n", "cat (files, page cache)", cat_mbs, "1.00"
	printf "%-34s %10.1f %12.3f\n", "efi_decompress (output bytes)", out_mbs, out_mbs / cat_mbs
	printf "%-34s %10.1f %12.3f\n", "efi_decompress (input bytes)", in_mbs, in_mbs / cat_mbs
	printf "%-34s %10.2f\n", "ms per image", s * 1000 / (img * reps)
}'

# EDK2's reference decoder, side by side in one process:
# tests/bench/bench_efi_vs_edk2.sh (needs ../shared/reference/edk2-decompress).
