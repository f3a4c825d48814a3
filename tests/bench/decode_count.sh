#!/bin/sh
# Decoder calls per rom_analyze (formats/decode_count.h): for each file, the
# total hits per decoder and the largest count for one (decoder, bytes,
# offset). A structure decoded once per offset shows 1 in the last column.
# Usage: tests/bench/decode_count.sh FILE...
# (default: the GTX 1060 NVGI dump and an RX 480 from the corpus, and QEMU's
# iPXE efi-e1000.rom)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${OPTROM_CORPUS:-$root/../shared/corpus}
if [ $# -eq 0 ]; then
	set -- "$corpus/nvidia/pascal_gtx1060_GP106_nvgi.rom" \
		"$corpus/amd/polaris_rx480_amd_ref_256k.rom" /usr/lib/ipxe/qemu/efi-e1000.rom
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O1 -D_POSIX_C_SOURCE=200809L -DOPTROM_DECODE_COUNT \
	-DOPTROM_VERSION='"bench"' -I"$root" "$root/tests/bench/decode_count.c" \
	"$root"/formats/*.c "$root"/analyzer/*.c \
	$(pkg-config --cflags --libs yaml-0.1 json-c libpci) -lcrypto -lz -o "$tmp/decode_count"
"$tmp/decode_count" "$@"
