#!/usr/bin/env bash
# Installs the build into a temporary prefix and checks each file: the binary
# runs, every man page (one per command that `optrom help --commands` lists)
# renders with man -l and shows that command's usage, the bash completion
# completes commands, options and --format values, the zsh completion does the
# same (its compadd and friends stubbed), the documentation is there.
# Usage: install_check.sh BUILD_DIR   (run by tests/cli/test_install.c)
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/optrom-install-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install_check: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$prefix/bin/optrom
[[ -x $bin ]] || fail "$bin: not installed"
"$bin" --version | grep -q '^optrom ' || fail "$bin --version"
man1=$prefix/share/man/man1
mapfile -t cmds < <("$bin" help --commands | cut -f1)
((${#cmds[@]} >= 4)) || fail "help --commands lists ${#cmds[@]} commands"
[[ -f $man1/optrom.1 ]] || fail "$man1/optrom.1: missing"
MANWIDTH=100 man -l "$man1/optrom.1" 2>/dev/null | grep -q 'optrom - read and repair' ||
	fail "man -l optrom.1 does not render its NAME line"
for c in "${cmds[@]}"; do
	page=$man1/optrom-$c.1
	[[ -f $page ]] || fail "$page: missing"
	out=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
	grep -q "^ *optrom $c " <<<"$out" || fail "man -l $page: no synopsis"
	# The page is the --help text: its first option line is in both.
	first=$("$bin" "$c" --help | grep -m1 -oE '^  -[a-z], --[a-z-]+')
	grep -qF -- "${first#  }" <<<"$out" || fail "man -l $page: '$first' of --help is missing"
done
for d in README.md yaml-schema.md findings.md; do
	[[ -s $prefix/share/doc/optrom/$d ]] || fail "share/doc/optrom/$d: missing"
done

bashc=$prefix/share/bash-completion/completions/optrom
[[ -f $bashc ]] || fail "$bashc: missing"
got=$(bash -c '
	source /usr/share/bash-completion/bash_completion
	source "$1"
	comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _optrom; echo "${COMPREPLY[*]}"; }
	comp "$2" ""
	comp "$2" info --form
	comp "$2" check --format ""
	comp "$2" extract -f ""
	comp "$2" fix --in
' _ "$bashc" "$bin")
expect=$(printf '%s\n' "$(printf '%s ' "${cmds[@]}")help --help --version" "--format" \
	"text yaml json" "yaml json" "--in-place")
[[ $got == "$expect" ]] || fail "bash completion: got [$got], expected [$expect]"

zshc=$prefix/share/zsh/vendor-completions/_optrom
[[ -f $zshc ]] || fail "$zshc: missing"
zsh -n "$zshc" || fail "$zshc: syntax"
got=$(zsh -fc '
	compadd() { [[ $1 == -- ]] && shift; print -r -- "$*"; }
	_describe() { print -r -- "${(@)${(P)4}%%:*}"; }
	_files() { print -r -- files; }
	run() { words=("$@"); CURRENT=$#; PREFIX=${@[-1]}; source "$zshc"; }
	zshc=$1; bin=$2
	run "$bin" ""
	run "$bin" info --format ""
	run "$bin" fix --in
	run "$bin" info ""
' _ "$zshc" "$bin")
expect=$(printf '%s\n' "${cmds[*]}" "text yaml json" \
	"$("$bin" fix --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]//' | sort -u | tr '\n' ' ' | sed 's/ $//')" files)
[[ $got == "$expect" ]] || fail "zsh completion: got [$got], expected [$expect]"
echo "install_check: ok (${#cmds[@]} commands, $(ls "$man1" | wc -l) man pages)"
