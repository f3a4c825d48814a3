#!/usr/bin/env python3
"""Generate corpus/expected.tsv from the independent oracle (tools/rom_oracle.py).

    python3 tools/make_expectations.py [--corpus DIR] [--out FILE] [--checksum-report]

Runs the oracle over every ROM file under the corpus folder (default $OPTROM_CORPUS
or ../shared/corpus relative to the project root; *.rom and *.bin, MANIFEST etc.
skipped) and over the Debian-packaged option ROMs:
  /usr/lib/ipxe/qemu/*.rom, /usr/share/seabios/vgabios-*.bin,
  /usr/share/qemu/*.bin that start with 55 AA.

Columns (tab separated, header first, sorted by name):
  sha256 name size rom_offset verdict_hint images other_images trailing
images       = ';'-joined "offset:length:code_type:vendor:device:class:last:cksum"
other_images = ';'-joined "offset:code_type"
An empty list is written as "-" (so no field is ever empty; strtok-safe).
Only derived facts are written, never ROM bytes.
"""

import argparse
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rom_oracle  # noqa: E402

ROOT = os.path.dirname(HERE)
COLUMNS = ["sha256", "name", "size", "rom_offset", "verdict_hint", "images",
           "other_images", "trailing"]


def corpus_files(corpus):
    out = []
    for dirpath, _dirs, files in os.walk(corpus):
        for f in files:
            if not f.lower().endswith((".rom", ".bin")):
                continue
            full = os.path.join(dirpath, f)
            out.append((os.path.relpath(full, corpus), full))
    return out


def debian_files():
    out = []
    for pat, need_55aa in (("/usr/lib/ipxe/qemu/*.rom", False),
                           ("/usr/share/seabios/vgabios-*.bin", False),
                           ("/usr/share/qemu/*.bin", True)):
        for p in sorted(glob.glob(pat)):
            if not os.path.isfile(p):
                continue
            if need_55aa:
                with open(p, "rb") as f:
                    if f.read(2) != b"\x55\xaa":
                        continue
            out.append((p, p))
    return out


# GOP drivers whose Authenticode digest differs from the one their signature
# holds, by an independent tool: `osslsigncode verify` on the extracted .efi
# prints "Calculated message digest ... MISMATCH!!!" (the driver is the GTX
# 980M's signed GOP with 4 bytes changed). A driver changed after signing
# makes the file broken (docs/findings.md, signature-digest-mismatch).
GOP_MODIFIED = {"nvidia/maxwell_m4000m_GM204.rom", "nvidia/maxwell_m5000m_GM204.rom"}


def row(name, r):
    if name in GOP_MODIFIED:
        r["verdict_hint"] = "broken"
    imgs = []
    for i in r["images"]:
        imgs.append("%d:%d:%d:%s:%s:%s:%d:%s" % (
            i["offset"], i["length"], i["code_type"], i["vendor"], i["device"],
            i["class"], i["last"], i["cksum"]))
    others = ["%d:%d" % (o["offset"], o["code_type"]) for o in r["other_images"]]
    return [r["sha256"], name, str(r["size"]),
            "none" if r["rom_offset"] is None else str(r["rom_offset"]),
            r["verdict_hint"], ";".join(imgs) or "-", ";".join(others) or "-", r["trailing"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.environ.get(
        "OPTROM_CORPUS", os.path.join(ROOT, "..", "shared", "corpus")))
    ap.add_argument("--out", default=os.path.join(ROOT, "corpus", "expected.tsv"))
    ap.add_argument("--checksum-report", action="store_true",
                    help="print x86 images where the size-byte and PCIR-length sums differ in outcome")
    args = ap.parse_args()

    files = corpus_files(os.path.abspath(args.corpus)) + debian_files()
    results = []
    for name, full in files:
        results.append((name, rom_oracle.analyse(full)))
    results.sort(key=lambda t: t[0])

    with open(args.out, "w", newline="\n") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for name, r in results:
            f.write("\t".join(row(name, r)) + "\n")
    print("wrote %s (%d rows)" % (args.out, len(results)), file=sys.stderr)

    if args.checksum_report:
        for name, r in results:
            for i in r["images"]:
                if i["code_type"] != 0:
                    continue
                if i["cksum_sizebyte_ok"] != i["cksum_pcirlen_ok"]:
                    print("%s\timg@%d\tsize_byte=%d (%d B) sum=0x%02x %s\tPCIR len %d B sum=0x%02x %s" % (
                        name, i["offset"], i["size_byte"], i["sum_sizebyte_region"],
                        i["sum_sizebyte"], "ok" if i["cksum_sizebyte_ok"] else "bad",
                        i["length"], i["sum_pcirlen"], "ok" if i["cksum_pcirlen_ok"] else "bad"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
