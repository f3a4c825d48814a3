#!/bin/sh
# Cost of one `optrom check FILE` process against /bin/true (issue 17: within
# 1.5x), ROUNDS (default 300) rounds, each spawning every command once in a
# rotating order (tests/bench/bench_startup.c), medians and their ratio;
# with BASELINE_BINARY, that binary's `check FILE` runs in the same rounds
# and the ratio of the two is printed too.
# Usage: tests/bench/bench_startup.sh [OPTROM_BINARY [FILE [BASELINE_BINARY]]]
#   default binary build/optrom; default file: a 960 KB NVIDIA ROM of the
#   corpus ($OPTROM_CORPUS, default ../shared/corpus), else QEMU's efi-e1000.rom.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/optrom}
corpus=${OPTROM_CORPUS:-$root/../shared/corpus}
file=${2:-}
baseline=${3:-}
if [ -z "$file" ]; then
	file=$corpus/nvidia/ampere_rtx3070_GA104_stripped.rom
	[ -f "$file" ] || file=/usr/lib/ipxe/qemu/efi-e1000.rom
fi
if [ ! -x "$bin" ] || [ ! -f "$file" ]; then
	echo "bench_startup: SKIP: no binary at $bin or no file $file"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=c11 -O2 -D_DEFAULT_SOURCE "$root/tests/bench/bench_startup.c" -o "$tmp/b"
echo "$bin check $file ($(wc -c < "$file") bytes)"
if [ -n "$baseline" ]; then
	echo "command2: $baseline check $file"
	"$tmp/b" "${ROUNDS:-300}" "$bin" check "$file" -- "$baseline" check "$file"
else
	"$tmp/b" "${ROUNDS:-300}" "$bin" check "$file"
fi
