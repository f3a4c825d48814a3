#!/usr/bin/env python3
"""Independent reference reader for PCI option ROM files (test oracle).

Written from the format notes only (docs formats-pci-amd-efi.md sections 1-2 and
formats-nvidia.md sections 2, 3, 5), without looking at the C implementation, so
that its output can serve as test expectations for the C code.

Python 3 standard library only.

    python3 tools/rom_oracle.py FILE...        # JSON report per file

What it computes (see analyse()):
  * rom_offset   where the PCI expansion ROM starts (0 / NVGI container / 512-step
                 scan / byte-wise scan), or None
  * chain        the *public* image chain (Linux pci_get_rom_size / firmware /
                 QEMU walk): 55AA + "PCIR" (not NPDS), PCIR length, PCIR last bit
  * stop_reason  why the walk stopped: last-flag, eof-after-nonlast,
                 truncated-inside-image, next-not-an-image, zero-length, (too-many-images)
  * trailing     classification of the bytes after the chain end
  * nvgi         NVGI/IFR header fields when the file starts with "NVGI"
  * npde         per chain image, the NVIDIA NPDE found after the PCIR (information)
  * other_images 55AA/'VN' images with a PCIR/NPDS beyond the chain end (512-byte steps)
  * verdict_hint ready / fixable / broken
"""

import hashlib
import json
import struct
import sys

SIG_ROM = b"\x55\xaa"
SIG_VN = b"VN"  # NVIDIA private image signature (0x4E56 little endian)
SIG_PCIR = b"PCIR"
SIG_NPDS = b"NPDS"
SIG_NPDE = b"NPDE"
SIG_NVGI = b"NVGI"
SIG_RFRD = b"RFRD"

MAX_CHAIN_IMAGES = 64
MAX_OTHER_IMAGES = 256


def u8(b, o):
    return b[o]


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def sum8(b, start, length):
    return sum(b[start:start + length]) & 0xFF


# ---------------------------------------------------------------------------
# Image validity
# ---------------------------------------------------------------------------

def pcir_at(b, off, sigs=(SIG_PCIR,), require_align=True, rom_sigs=(SIG_ROM,)):
    """Return the absolute PCIR/NPDS offset of an image at `off`, or None.

    Requires a ROM signature at off, a nonzero PCIR pointer at off+0x18
    (4-aligned when require_align), and one of `sigs` at off+ptr inside the file.
    """
    n = len(b)
    if off < 0 or off + 0x1A > n:
        return None
    if b[off:off + 2] not in rom_sigs:
        return None
    p = u16(b, off + 0x18)
    if p == 0:
        return None
    if require_align and (p & 3):
        return None
    a = off + p
    if a + 4 > n:
        return None
    if b[a:a + 4] not in sigs:
        return None
    return a


def is_valid_image(b, off):
    return pcir_at(b, off) is not None


# ---------------------------------------------------------------------------
# NVGI / IFR container (formats-nvidia.md 2.2-2.4)
# ---------------------------------------------------------------------------

def decode_nvgi(b):
    n = len(b)
    if n < 12 or b[0:4] != SIG_NVGI:
        return None
    f1 = u32(b, 4)
    f2 = u32(b, 8)
    info = {
        "version": (f1 >> 8) & 0xFF,
        "fixed_data_size": (f1 >> 16) & 0x7FFF,
        "total_data_size": f2 & 0xFFFFF,
        "fixed1_bit31": (f1 >> 31) & 1,
        "fixed1_low8": f1 & 0xFF,
        "rom_offset": None,
        "rfrd_dir_offset": None,
        "error": None,
    }
    if n >= 16:
        info["ssid"] = "%04x:%04x" % (u16(b, 12), u16(b, 14))
    ver = info["version"]
    if ver in (1, 2):
        ext = info["fixed_data_size"]
        if ext + 8 > n:
            info["error"] = "extended section pointer outside file"
            return info
        info["rom_offset"] = u32(b, ext + 4)
    elif ver == 3:
        tds = info["total_data_size"]
        if tds + 4 > n:
            info["error"] = "total_data_size outside file"
            return info
        fso = u32(b, tds)
        info["flash_status_offset"] = fso
        d = fso + 4096
        if d + 12 > n:
            info["error"] = "ROM directory outside file"
            return info
        if b[d:d + 4] != SIG_RFRD:
            info["error"] = "ROM Directory not found (no RFRD)"
            return info
        info["rfrd_dir_offset"] = d
        info["rfrd_version"] = u16(b, d + 4)
        info["rfrd_size"] = u16(b, d + 6)
        info["rom_offset"] = u32(b, d + 8)
        if d + 0x10 <= n:
            info["rfrd_nv_chain_length"] = u32(b, d + 0x0C)
    else:
        info["error"] = "IFR version %d not supported" % ver
        return info
    ro = info["rom_offset"]
    if ro % 4 != 0:
        info["error"] = "rom offset not 4-aligned"
    elif not is_valid_image(b, ro):
        info["error"] = "no 55AA+PCIR image at the rom offset"
    return info


# ---------------------------------------------------------------------------
# Locate the PCI ROM
# ---------------------------------------------------------------------------

def locate_rom(b, nvgi):
    """Return (rom_offset or None, method)."""
    n = len(b)
    if n >= 2 and b[0:2] == SIG_ROM and is_valid_image(b, 0):
        return 0, "offset0"
    if nvgi is not None and nvgi.get("error") is None and nvgi.get("rom_offset") is not None:
        return nvgi["rom_offset"], "nvgi-v%d" % nvgi["version"]
    for off in range(0, n, 512):
        if b[off:off + 2] == SIG_ROM and is_valid_image(b, off):
            return off, "scan512"
    off = b.find(SIG_ROM)
    while off != -1:
        if is_valid_image(b, off):
            return off, "scan-bytewise"
        off = b.find(SIG_ROM, off + 1)
    return None, "none"


# ---------------------------------------------------------------------------
# Public chain walk
# ---------------------------------------------------------------------------

def npde_info(b, img_off, pcir_abs):
    n = len(b)
    if pcir_abs + 0x0C > n:
        return None
    plen = u16(b, pcir_abs + 0x0A)
    rel = ((pcir_abs - img_off) + plen + 0xF) & ~0xF
    a = img_off + rel
    if a + 0x0B > n or b[a:a + 4] != SIG_NPDE:
        return None
    r = {
        "offset": a,
        "rel_offset": rel,
        "revision": u16(b, a + 4),
        "length": u16(b, a + 6),
        "subimage_length": u16(b, a + 8) * 512,
        "last": 1 if (b[a + 0x0A] & 0x80) else 0,
    }
    if a + 0x0C <= n:
        r["flags"] = b[a + 0x0B]
    return r


def walk_public_chain(b, rom_offset):
    n = len(b)
    images = []
    off = rom_offset
    reason = None
    chain_end = None
    while True:
        if len(images) >= MAX_CHAIN_IMAGES:
            reason = "too-many-images"
            chain_end = off
            break
        # Image validity (first image was validated by locate_rom with 4-alignment).
        a = pcir_at(b, off, require_align=False)
        if a is None or a + 0x16 > n:
            reason = "next-not-an-image"
            chain_end = off
            break
        p = a - off
        img = {
            "offset": off,
            "pcir_ptr": p,
            "pcir_aligned": (p & 3) == 0,
            "vendor": "%04x" % u16(b, a + 4),
            "device": "%04x" % u16(b, a + 6),
            "pcir_struct_len": u16(b, a + 0x0A),
            "pcir_rev": b[a + 0x0C],
            "class": "%02x%02x%02x" % (b[a + 0x0F], b[a + 0x0E], b[a + 0x0D]),
            "length": u16(b, a + 0x10) * 512,
            "code_type": b[a + 0x14],
            "indicator": b[a + 0x15],
            "last": 1 if (b[a + 0x15] & 0x80) else 0,
            "size_byte": b[off + 2],
        }
        length = img["length"]
        avail = n - off
        img["truncated"] = length > avail
        img["bytes_missing"] = max(0, length - avail)

        if img["code_type"] == 0:
            sb_len = img["size_byte"] * 512
            sb_past_file = sb_len > avail
            sb_past_image = sb_len > length
            s_sb = sum8(b, off, min(sb_len, avail))
            s_pl = sum8(b, off, min(length, avail))
            img["sum_sizebyte"] = s_sb
            img["sum_sizebyte_region"] = sb_len
            img["sum_sizebyte_past_file"] = sb_past_file
            img["sum_sizebyte_past_image"] = sb_past_image
            img["sum_pcirlen"] = s_pl
            img["sum_pcirlen_past_file"] = length > avail
            img["cksum_sizebyte_ok"] = (s_sb == 0 and not sb_past_file and sb_len > 0)
            img["cksum_pcirlen_ok"] = (s_pl == 0 and length <= avail and length > 0)
            ok = img["cksum_sizebyte_ok"] and not sb_past_image
            img["cksum"] = "ok" if ok else "bad"
        else:
            img["cksum"] = "na"
        if img["code_type"] == 3 and off + 0x0E <= n:
            img["efi"] = {
                "init_size": u16(b, off + 2) * 512,
                "signature_ok": u32(b, off + 4) == 0xEF1,
                "subsystem": u16(b, off + 8),
                "machine": "0x%04x" % u16(b, off + 0x0A),
                "compression": u16(b, off + 0x0C),
            }
            if off + 0x18 <= n:
                img["efi"]["image_offset"] = u16(b, off + 0x16)
        img["npde"] = npde_info(b, off, a)
        images.append(img)

        if length == 0:
            reason = "zero-length"
            chain_end = off
            break
        if img["truncated"]:
            reason = "truncated-inside-image"
            chain_end = n
            break
        nxt = off + length
        if img["last"]:
            reason = "last-flag"
            chain_end = nxt
            break
        if nxt >= n:
            reason = "eof-after-nonlast"
            chain_end = n
            break
        off = nxt
    return images, reason, chain_end


# ---------------------------------------------------------------------------
# NVIDIA chain (information only; formats-nvidia.md 5.3/5.4, nouveau-like)
# ---------------------------------------------------------------------------

def walk_nvidia_chain(b, rom_offset):
    n = len(b)
    out = []
    off = rom_offset
    reason = None
    while len(out) < MAX_CHAIN_IMAGES:
        a = pcir_at(b, off, sigs=(SIG_PCIR, SIG_NPDS, b"RGIS"), require_align=False,
                    rom_sigs=(SIG_ROM, SIG_VN, b"\x77\xbb"))
        if a is None or a + 0x16 > n:
            reason = "not-an-image"
            break
        ilen = u16(b, a + 0x10) * 512
        ctype = b[a + 0x14]
        last = 1 if (b[a + 0x15] & 0x80) else 0
        size = ilen
        if ctype != 0x70:
            np = npde_info(b, off, a)
            if np is not None:
                size = np["subimage_length"]
                last = np["last"]
        else:
            last = 1
        out.append({"offset": off, "code_type": ctype, "size": size, "last": last,
                    "sig": b[a:a + 4].decode("latin-1")})
        if size == 0:
            reason = "zero-length"
            break
        if off + size > n:
            reason = "truncated"
            break
        if last:
            reason = "last"
            break
        off += size
    return out, reason


# ---------------------------------------------------------------------------
# Trailing bytes and other images
# ---------------------------------------------------------------------------

def classify_trailing(b, start):
    if start is None or start >= len(b):
        return "none"
    t = b[start:]
    nff = t.count(0xFF)
    n00 = t.count(0x00)
    if nff == len(t):
        return "ff"
    if n00 == len(t):
        return "zero"
    if nff + n00 == len(t):
        return "padding"
    return "data"


def scan_other_images(b, start):
    n = len(b)
    found = []
    if start is None:
        return found
    for off in range(start, n, 512):
        if b[off:off + 2] not in (SIG_ROM, SIG_VN):
            continue
        a = pcir_at(b, off, sigs=(SIG_PCIR, SIG_NPDS), require_align=True,
                    rom_sigs=(SIG_ROM, SIG_VN))
        if a is None or a + 0x15 > n:
            continue
        found.append({"offset": off, "code_type": b[a + 0x14],
                      "sig": b[off:off + 2].hex() + "/" + b[a:a + 4].decode("latin-1")})
        if len(found) >= MAX_OTHER_IMAGES:
            break
    return found


# ---------------------------------------------------------------------------
# Verdict
# ---------------------------------------------------------------------------

def verdict(rom_offset, images, reason):
    if rom_offset is None or not images:
        return "broken"
    if reason in ("truncated-inside-image", "eof-after-nonlast", "zero-length",
                  "too-many-images"):
        return "broken"
    if any(i["truncated"] for i in images):
        return "broken"
    cks_ok = all(i["cksum"] != "bad" for i in images)
    if rom_offset == 0 and reason == "last-flag" and cks_ok:
        return "ready"
    # remaining problems: data before the ROM, bad checksum, missing last flag
    return "fixable"


def analyse(path):
    with open(path, "rb") as f:
        b = f.read()
    r = {
        "path": path,
        "size": len(b),
        "sha256": hashlib.sha256(b).hexdigest(),
    }
    nvgi = decode_nvgi(b)
    r["nvgi"] = nvgi
    rom_offset, method = locate_rom(b, nvgi)
    r["rom_offset"] = rom_offset
    r["rom_offset_method"] = method
    if nvgi is not None and nvgi.get("rom_offset") is not None and rom_offset is not None:
        r["nvgi_agrees_with_scan"] = (nvgi["rom_offset"] == rom_offset)
    if rom_offset is None:
        images, reason, chain_end = [], "no-rom", None
        r["nvidia_chain"] = None
        other_start = 0
    else:
        images, reason, chain_end = walk_public_chain(b, rom_offset)
        r["nvidia_chain"], r["nvidia_chain_stop"] = walk_nvidia_chain(b, rom_offset)
        other_start = chain_end
    r["images"] = images
    r["stop_reason"] = reason
    r["chain_end"] = chain_end
    r["trailing"] = classify_trailing(b, chain_end)
    r["trailing_bytes"] = (len(b) - chain_end) if chain_end is not None else 0
    if other_start is not None:
        # start scanning at the chain end, rounded up to the 512 grid of the ROM
        base = rom_offset or 0
        rel = other_start - base
        if rel % 512:
            other_start = base + ((rel + 511) // 512) * 512
    r["other_images"] = scan_other_images(b, other_start)
    r["verdict_hint"] = verdict(rom_offset, images, reason)
    return r


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = [analyse(p) for p in argv[1:]]
    json.dump(out if len(out) > 1 else out[0], sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
