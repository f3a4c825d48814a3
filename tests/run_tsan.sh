#!/bin/sh
# ThreadSanitizer stage (run_all.sh): optrom built with TSan (OPTROM_TSAN=ON,
# in build-tsan: the binary only), and scan's CLI tests (tests/cli/test_scan.c)
# run against it through OPTROM_TEST_BINARY (tests/support/run.h): scan with
# --jobs 8, 1 and the default over the corpus fixture, over synthetic ROMs
# that share one EFI driver and repeat contents (the driver cache and the
# repeat groups waited on from 8 workers), with -o, --files-from and the
# progress line on a terminal; and `check` on every entry. A report fails the
# stage: the binary aborts (abort_on_error, so the tests' exit statuses no
# longer match) and every report is also logged under build-tsan/reports,
# which this script fails on.
#
# The Criterion executables themselves are built without TSan (in
# build-tsan-tests, or TEST_BUILD_DIR): Criterion cannot run under it (its
# boxfort arena maps memory at random addresses that TSan reserves, "Could
# not initialize inheritable arena", Snaipe/Criterion#274), so the unit
# tests' own threads (unit_test_scan's 8-thread driver cache test) are not
# under TSan; the same cache runs from 8 workers in the binary here.
# libcrypto, libyaml and zlib are linked as built by Debian (not
# instrumented): TSan sees optrom's accesses and every lock and thread call.
#
#   tests/run_tsan.sh                 # clang when installed, else gcc
#   BUILD_DIR=/tmp/tsan TEST_BUILD_DIR=build tests/run_tsan.sh
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-tsan}
tests=${TEST_BUILD_DIR:-$src/build-tsan-tests}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -z "${CC:-}" ]; then
	if command -v clang >/dev/null 2>&1; then CC=clang; else CC=gcc; fi
fi
export CC

cmake -S "$src" -B "$build" -DOPTROM_TSAN=ON -DOPTROM_TESTS=OFF -DOPTROM_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" --target optrom
# The test build: as configured already (run_all.sh passes its gcc build),
# else a plain one.
[ -f "$tests/CMakeCache.txt" ] ||
	cmake -S "$src" -B "$tests" -DOPTROM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$tests" -j "$jobs" --target cli_test_scan

reports=$build/reports
rm -rf "$reports"
mkdir -p "$reports"
export OPTROM_TEST_BINARY="$build/optrom"
# Any report aborts the binary and is kept in $reports/tsan.PID.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:second_deadlock_stack=1}:log_path=$reports/tsan"
status=0
ctest --test-dir "$tests" --output-on-failure -R '^cli_test_scan$' || status=$?
for f in "$reports"/tsan*; do
	[ -e "$f" ] || continue
	echo "run_tsan: ThreadSanitizer report $f:"
	cat "$f"
	status=1
done
[ "$status" -eq 0 ] && echo "run_tsan: no ThreadSanitizer report"
exit "$status"
