#!/bin/sh
# Builds optrom and its whole Criterion suite with AddressSanitizer and
# UndefinedBehaviorSanitizer (OPTROM_SANITIZE=ON) in build-asan and runs
# ctest there. Exit status: ctest's (or the configure/build failure's).
#
#   tests/run_sanitized.sh            # clang when installed, else gcc
#   CC=gcc tests/run_sanitized.sh     # force a compiler
#   BUILD_DIR=/tmp/asan tests/run_sanitized.sh
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-asan}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -z "${CC:-}" ]; then
	if command -v clang >/dev/null 2>&1; then CC=clang; else CC=gcc; fi
fi
export CC

# Any sanitizer report is fatal (the build adds -fno-sanitize-recover=all);
# leaks count too. Under ASan the address space is reserved lazily, so a
# test that limits RLIMIT_AS must do it in a child that does not run ASan.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

cmake -S "$src" -B "$build" -DOPTROM_SANITIZE=ON -DOPTROM_TESTS=ON -DOPTROM_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
status=0
# The OVMF boots of tests/vm (vm_test_boot) run once, in the plain build: under
# the sanitizers they would boot the same ROMs again, and the code they drive
# (boot-test's process handling, the shell parser) runs here in vm_test_boot_cli
# and unit_test_uefi_shell.
ctest --test-dir "$build" --output-on-failure -j "$jobs" -E '^vm_test_boot$' || status=$?
exit "$status"
