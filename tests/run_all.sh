#!/usr/bin/env bash
# Every test of optrom, in one command (the README's test command):
#   1. gcc build, -Wall -Wextra with -DOPTROM_WERROR=ON, the whole Criterion suite (ctest);
#   2. clang build of everything (warnings are errors there too);
#   3. tests/build_matrix.sh: every target in the build types users pick
#      (gcc Release, MinSizeRel, Debug, -O1 + ASan; clang Release), -Werror;
#   4. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   5. ThreadSanitizer: optrom built with it, scan's CLI tests (worker threads,
#      the shared driver cache) run against it (tests/run_tsan.sh; ~1 min);
#   6. a short libFuzzer run of every harness (FUZZ_SECONDS each, default 60);
#   7. clang-format check of every C file.
# The corpus is read from $OPTROM_CORPUS (default ../shared/corpus); tests
# that need it skip visibly when it is absent.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
export OPTROM_CORPUS="${OPTROM_CORPUS:-$(cd .. && pwd)/shared/corpus}"
if [[ -d $OPTROM_CORPUS ]]; then
	echo "corpus: $OPTROM_CORPUS"
else
	echo "corpus: $OPTROM_CORPUS is absent: the tests that need it skip ([SKIP] lines in their output)"
fi
passed=0
failed=0
stage_failed=()

# Adds ctest's counts ("NN% tests passed, F tests failed out of T").
count_ctest() {
	local line t f
	line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -n 1)
	if [[ -z "$line" ]]; then
		failed=$((failed + 1))
		return
	fi
	t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
	passed=$((passed + t - f))
	failed=$((failed + f))
}

stage() {
	echo
	echo "=== $1"
}

stage "gcc build and test suite"
log=$(mktemp)
if CC=gcc cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPTROM_WERROR=ON -DOPTROM_DECODE_COUNT=ON >/dev/null &&
	cmake --build build -j "$jobs"; then
	ctest --test-dir build --output-on-failure -j "$jobs" 2>&1 | tee "$log"
	count_ctest "$log"
else
	stage_failed+=("gcc build")
	failed=$((failed + 1))
fi

stage "clang build (warnings as errors)"
if CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPTROM_WERROR=ON >/dev/null &&
	cmake --build build-clang -j "$jobs" >/dev/null; then
	echo "clang build ok"
else
	stage_failed+=("clang build")
	failed=$((failed + 1))
fi

stage "build matrix (gcc Release, MinSizeRel, Debug, -O1 + ASan; clang Release; warnings as errors)"
if ./tests/build_matrix.sh; then
	passed=$((passed + 1))
else
	stage_failed+=("build matrix")
	failed=$((failed + 1))
fi

stage "ASan + UBSan build and test suite"
./tests/run_sanitized.sh 2>&1 | tee "$log"
count_ctest "$log"

stage "ThreadSanitizer: scan's worker threads (tests/run_tsan.sh)"
tsan_start=$SECONDS
# The Criterion executables of stage 1's build run the TSan binary.
if TEST_BUILD_DIR="$PWD/build" ./tests/run_tsan.sh; then
	passed=$((passed + 1))
else
	stage_failed+=("ThreadSanitizer")
	failed=$((failed + 1))
fi
echo "ThreadSanitizer stage: $((SECONDS - tsan_start)) s"

stage "fuzzing (${FUZZ_SECONDS:-60} s per harness)"
if FUZZ_SECONDS="${FUZZ_SECONDS:-60}" ./tests/fuzz/run_fuzz.sh; then
	passed=$((passed + 1))
else
	stage_failed+=("fuzzing")
	failed=$((failed + 1))
fi

stage "clang-format"
mapfile -t sources < <(git ls-files '*.c' '*.h' 2>/dev/null || find formats analyzer patcher cli tests -name '*.[ch]')
if clang-format --dry-run --Werror "${sources[@]}"; then
	echo "clang-format clean (${#sources[@]} files)"
	passed=$((passed + 1))
else
	stage_failed+=("clang-format")
	failed=$((failed + 1))
fi
rm -f "$log"

echo
((${#stage_failed[@]})) && echo "failed stages: ${stage_failed[*]}"
echo "run_all: $passed passed, $failed failed"
((failed == 0))
