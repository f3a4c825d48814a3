# shellcheck shell=sh
# libFuzzer settings per harness, one place for run_fuzz.sh, campaign.sh and
# tests/bench/bench_fuzz.sh (sourced: POSIX sh functions, no side effects).
#
# fuzz_max_len NAME   the -max_len: a whole ROM file up to 1 MiB for the
#                     analyzer's harnesses; 256 KiB for EFI streams and
#                     Authenticode (a real signed GOP is up to 191 KiB);
#                     64 KiB for single PE drivers, zip and the shell parser.
# fuzz_dict NAME DICT the -dict option, none for the bit-packed EFI streams.
# fuzz_entropic       the entropic schedule's settings (issue 17, harness
#                     speed; docs/fuzzing.md, "Harness speed"): a feature
#                     counts as rare below 32 hits instead of 255. libFuzzer
#                     keeps every feature below that threshold in its rare
#                     list and searches the list linearly for each feature
#                     of each run, so with 255 the analyzer's harnesses spent
#                     half their time there; 32 still gives the
#                     schedule's weight to inputs with rare features.

fuzz_max_len() {
	case $1 in
	efi_decompress | efi_vs_edk2 | authenticode) echo 262144 ;;
	pe | zip | uefi_shell) echo 65536 ;;
	*) echo 1048576 ;;
	esac
}

fuzz_dict() {
	case $1 in
	efi_decompress | efi_vs_edk2) ;;
	*) echo "-dict=$2" ;;
	esac
}

fuzz_entropic() {
	echo "-entropic_feature_frequency_threshold=32"
}
