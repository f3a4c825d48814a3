#!/bin/sh
# Builds optrom and scan's tests with ThreadSanitizer (OPTROM_TSAN=ON) in
# build-tsan and runs them: the driver cache from 8 threads
# (unit_test_scan) and the built binary's scan with --jobs 8 and 1 over the
# corpus fixture (cli_test_scan), so a data race in scan, the analysis or
# the input layer fails the stage. Exit status: ctest's.
#
#   tests/run_tsan.sh                 # clang when installed, else gcc
#   BUILD_DIR=/tmp/tsan tests/run_tsan.sh
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-tsan}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -z "${CC:-}" ]; then
	if command -v clang >/dev/null 2>&1; then CC=clang; else CC=gcc; fi
fi
export CC
# Any report fails the run; the binary the CLI tests start reads it too.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:second_deadlock_stack=1}"

cmake -S "$src" -B "$build" -DOPTROM_TSAN=ON -DOPTROM_TESTS=ON -DOPTROM_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" --target optrom unit_test_scan cli_test_scan
ctest --test-dir "$build" --output-on-failure -R '(unit|cli)_test_scan$'
