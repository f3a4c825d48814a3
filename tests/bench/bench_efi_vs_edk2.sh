#!/bin/sh
# optrom's EFI decoder (formats/efi_decompress.c) against EDK2's reference
# decoder (../shared/reference/edk2-decompress, README there; never copied
# into this project) on every compressed EFI stream of the corpus, in one
# process, alternating passes; checks the outputs are byte-identical and
# prints both throughputs (output bytes), the ratio (> 1: optrom faster) and
# the load average around the run.
# Usage: tests/bench/bench_efi_vs_edk2.sh [CORPUS_DIR]
#   REFERENCE=DIR  the reference (default ../shared/reference/edk2-decompress)
#   ROUNDS=N       passes of each decoder (default 20), CC, CFLAGS (-O2)
#   RUNS=N         runs of the whole comparison (default 1); with more than
#                  one, the median, min and max of their ratios at the end
# Skips (exit 0, with a message) when the reference or the corpus is absent.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-${OPTROM_CORPUS:-$root/../shared/corpus}}
ref=${REFERENCE:-$root/../shared/reference/edk2-decompress}
if [ ! -f "$ref/common/Tiano/EfiTianoDecompress.c" ]; then
	echo "bench_efi_vs_edk2: SKIP: no EDK2 reference decoder at $ref"
	exit 0
fi
if [ ! -d "$corpus" ]; then
	echo "bench_efi_vs_edk2: SKIP: no corpus at $corpus"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
runs=${RUNS:-1}
cflags=${CFLAGS:--O2}
# Both decoders with the same compiler and flags; the reference keeps its own
# warnings (it is not ours to fix).
$cc -std=gnu11 $cflags -w -I"$ref/common" -c "$ref/common/Tiano/EfiTianoDecompress.c" \
	-o "$tmp/edk2.o"
$cc -std=c11 $cflags -D_POSIX_C_SOURCE=200809L -I"$root" -I"$ref/common" -c \
	"$root/formats/efi_decompress.c" -o "$tmp/optrom.o"
$cc -std=c11 $cflags -w -D_POSIX_C_SOURCE=200809L -I"$root" -I"$ref/common" -c \
	"$root/tests/bench/bench_efi_vs_edk2.c" -o "$tmp/bench.o"
$cc "$tmp/bench.o" "$tmp/optrom.o" "$tmp/edk2.o" -o "$tmp/bench"
find "$corpus" -type f \( -name '*.rom' -o -name '*.bin' \) | sort > "$tmp/files"
echo "compiler: $($cc --version | head -1), flags $cflags"
# The machine's load around the run (1, 5 and 15 minute averages), to say
# with the figures: the passes are timed in thread CPU time, but a loaded
# machine still slows both decoders (caches, frequency).
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
echo "load average before: $(load), cpus: $(nproc 2>/dev/null || echo '?')"
i=0
while [ "$i" -lt "$runs" ]; do
	xargs "$tmp/bench" < "$tmp/files" | tee -a "$tmp/out"
	i=$((i + 1))
done
echo "load average after: $(load)"
if [ "$runs" -gt 1 ]; then
	# The median of the runs' ratios (each already a median of its passes).
	sed -n 's/^ratio \([0-9.]*\) .*/\1/p' "$tmp/out" | sort -n > "$tmp/ratios"
	echo "runs $runs ratio median $(sed -n "$(((runs + 1) / 2))p" "$tmp/ratios")" \
		"min $(head -1 "$tmp/ratios") max $(tail -1 "$tmp/ratios")"
fi
