#!/usr/bin/env bash
# Configures and builds every target (the tests included) in the build types
# packagers and users pick, each with OPTROM_WERROR=ON: a warning that only
# one optimisation level shows (gcc's -Wformat-truncation appears at -O1, -Os
# and -O2, not at -O0) fails here instead of surprising a user. One line per
# build (ok / FAILED); exit status 1 when any build fails. Each build has its
# own folder, build-matrix/NAME (log: build-matrix/NAME.log), reused between
# runs, so a second run only rebuilds what changed.
#
#   tests/build_matrix.sh                    # every build
#   tests/build_matrix.sh gcc-release        # only the ones named
#   MATRIX_DIR=/tmp/m tests/build_matrix.sh  # elsewhere
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
root=${MATRIX_DIR:-$src/build-matrix}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# name, compiler, CMAKE_C_FLAGS, other cmake options. The -O1 build is Debug
# (-g only) plus -O1: with RelWithDebInfo the later -O2 would win.
builds=(
	"gcc-release gcc - -DCMAKE_BUILD_TYPE=Release"
	"gcc-minsizerel gcc - -DCMAKE_BUILD_TYPE=MinSizeRel"
	"gcc-debug gcc - -DCMAKE_BUILD_TYPE=Debug"
	"gcc-O1-asan gcc -O1 -DCMAKE_BUILD_TYPE=Debug -DOPTROM_SANITIZE=ON"
	"clang-release clang - -DCMAKE_BUILD_TYPE=Release"
)

mkdir -p "$root"
status=0
for b in "${builds[@]}"; do
	read -r name cc cflags opts <<<"$b"
	if (($#)) && [[ " $* " != *" $name "* ]]; then
		continue
	fi
	[[ $cflags == - ]] && cflags=
	dir=$root/$name
	log=$root/$name.log
	start=$SECONDS
	# shellcheck disable=SC2086 # opts is a list of options
	if cmake -S "$src" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
		-DOPTROM_TESTS=ON -DOPTROM_DECODE_COUNT=ON -DOPTROM_WERROR=ON $opts >"$log" 2>&1 &&
		cmake --build "$dir" -j "$jobs" >>"$log" 2>&1; then
		printf '%-16s ok (%d s)\n' "$name" $((SECONDS - start))
	else
		printf '%-16s FAILED (%d s, see %s)\n' "$name" $((SECONDS - start)) "$log"
		grep -E 'error|warning' "$log" | head -n 10 >&2
		status=1
	fi
done
exit "$status"
