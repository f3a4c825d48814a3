# bash completion for optrom. It asks the binary itself: the commands from
# `optrom help --commands` (the command table), each command's options and
# --format values from `optrom CMD --help`, so a new command or option needs
# no edit here.
_optrom()
{
	local cur prev words cword
	_init_completion || return
	local bin=${words[0]} cmd=${words[1]} i
	if ((cword == 1)); then
		COMPREPLY=($(compgen -W "$("$bin" help --commands 2>/dev/null | cut -f1) help --help --version" -- "$cur"))
		return
	fi
	if [[ $cmd == help ]]; then
		((cword == 2)) && COMPREPLY=($(compgen -W "$("$bin" help --commands 2>/dev/null | cut -f1)" -- "$cur"))
		return
	fi
	local help
	help=$("$bin" "$cmd" --help 2>/dev/null) || return
	case $prev in
	-f | --format)
		COMPREPLY=($(compgen -W "$(sed -n 's/.*--format FMT *//p' <<<"$help" | grep -oE 'text|yaml|json' | awk '!s[$0]++')" -- "$cur"))
		return
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	-o | --output | -d | --dir)
		_filedir
		return
		;;
	--set-id)
		return
		;;
	esac
	if [[ $cur == --*=* ]]; then
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' <<<"$help" | sed 's/^[ ,]//' | sort -u)" -- "$cur"))
		return
	fi
	_filedir
}
complete -F _optrom optrom
