#!/usr/bin/env python3
"""Independent reader of the vendor identity in a ROM file (test oracle).

Written from the format notes (formats-nvidia.md section 6, formats-pci-amd-efi.md
sections 4.2-4.3) and pci.ids' documented layout, not from optrom's C code, so
tests/corpus/test_vendor.c can compare the library with it. Standard library only.

    python3 tools/vendor_oracle.py [--pci-ids PATH] FILE...

prints, for each FILE, a line "== FILE" and then "key<TAB>value" lines:
  id              vendor:device of the first image's PCIR
  vendor_name     pci.ids vendor line ("" when absent)
  device_name     pci.ids device line under that vendor
  subsystem_vendor_name, subsystem_name
                  pci.ids names of the board's subsystem (AMD: ATOM ROM header; NVIDIA: NVGI +0x0C)
  nv_subsystem    NVIDIA with an NVGI header: its +0x0C/+0x0E
  nv_version      NVIDIA: BIT 'B' token +0 u32 and +4 byte, as 86.04.3D.00.88
  nv_version_text NVIDIA: the "Version xx.xx.xx.xx.xx" ASCII text in the image, if any
  nv_tokens       NVIDIA: every BIT token as id/version/size/pointer, space-separated
  nv_bit_sum_ok   NVIDIA: 1 when the BIT header bytes sum to 0
  nv_date         NVIDIA: 'i' token +0x0F, 8 characters
  nv_board        NVIDIA: 'i' token +0x30, 12 characters
  amd_part        AMD: atom_get_vbios_pn
  amd_string0     AMD: the first string of the table at u16[0x6E] as it is (count at 0x2F > 0)
  amd_name        AMD: the text after the table's strings and CR LF
  amd_data_spans  AMD: each non-zero master data table entry as index:offset:size:format (hex offset and size)
  intel_version   Intel: the digits after "Build Number: " behind the image's "$VBT"
  amd_version     AMD: the 32 characters after "ATOMBIOSBK-AMD VER" (fwupd: anywhere in the file)
  amd_date        AMD: the "MM/DD/YY HH:MM" field at 0x50
  amd_subsystem   AMD: ATOM ROM header +0x18/+0x1A
  amd_cmd_tables  AMD: non-zero entries of the master command table
  amd_data_tables AMD: non-zero entries of the master data table
"""

import re
import struct
import sys

PCI_IDS = "/usr/share/misc/pci.ids"


def u16(d, o):
    return struct.unpack_from("<H", d, o)[0] if 0 <= o and o + 2 <= len(d) else None


def u32(d, o):
    return struct.unpack_from("<I", d, o)[0] if 0 <= o and o + 4 <= len(d) else None


def rom_start(d):
    """First 512-aligned 55AA whose pointer at +0x18 reaches "PCIR" (any vendor)."""
    for o in range(0, len(d) - 0x1A, 512):
        if d[o:o + 2] == b"\x55\xaa":
            p = u16(d, o + 0x18)
            if p and d[o + p:o + p + 4] == b"PCIR":
                return o
    return None


def load_pci_ids(path):
    """pci.ids: a vendor line is 'vvvv  name', a device line '\tdddd  name'
    under it, a subsystem line '\t\tssss dddd  name'; the class list ('C ...')
    follows the vendors."""
    vendors, devices, subsystems = {}, {}, {}
    cur = dev = None
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return vendors, devices, subsystems
    with f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("C "):
                break
            if not line.startswith("\t"):
                cur = int(line[:4], 16)
                vendors[cur] = line[6:].rstrip("\n")
            elif not line.startswith("\t\t"):
                dev = int(line[1:5], 16)
                devices[(cur, dev)] = line[7:].rstrip("\n")
            else:
                sv, sd = int(line[2:6], 16), int(line[7:11], 16)
                subsystems[(cur, dev, sv, sd)] = line[13:].rstrip("\n")
    return vendors, devices, subsystems


def nvidia(d, rom, out):
    pcir = rom + u16(d, rom + 0x18)
    ilen = u16(d, pcir + 0x10) * 512
    img = d[rom:rom + ilen]
    i = img.find(b"\xff\xb8BIT\x00")
    if i < 0:
        return
    hsize, tsize, tcount = img[i + 8], img[i + 9], img[i + 10]
    out["nv_bit_sum_ok"] = "1" if sum(img[i:i + hsize]) % 256 == 0 else "0"
    toks = []
    for t in range(tcount):
        o = i + hsize + t * tsize
        tid, ver, size, ptr = struct.unpack_from("<BBHH", img, o)
        toks.append("%02x/%d/%x/%x" % (tid, ver, size, ptr))
        if chr(tid) == "B" and size >= 5:
            v = u32(d, rom + ptr)
            out["nv_version"] = "%02X.%02X.%02X.%02X.%02X" % (
                v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, d[rom + ptr + 4])
        if chr(tid) == "i" and size >= 0x17:
            out["nv_date"] = d[rom + ptr + 0x0F:rom + ptr + 0x17].decode("latin-1")
        if chr(tid) == "i" and size >= 0x3C:
            out["nv_board"] = d[rom + ptr + 0x30:rom + ptr + 0x3C].decode("latin-1")
    out["nv_tokens"] = " ".join(toks)
    m = re.search(rb"Version ([0-9A-F]{2}(\.[0-9A-F]{2}){4})", d[rom:])
    if m:
        out["nv_version_text"] = m.group(1).decode()


def amd(d, rom, out):
    a = d[rom:]
    if a[0x30:0x3A] != b" 761295520":
        return
    n, p = a[0x2F], u16(a, 0x6E)
    at = p if n else 0x80
    if a[at] == 0:
        at += 1
    pn = b""
    while len(pn) < 43 and 0x20 <= a[at + len(pn)] <= 0x7A:
        pn += a[at + len(pn):at + len(pn) + 1]
    out["amd_part"] = pn.decode().rstrip(" ")
    if n and p:
        strs = a[p:p + 1024].split(b"\0")
        if strs[0]:
            out["amd_string0"] = strs[0].decode("latin-1").rstrip(" ")
        rest = b"\0".join(strs[n:])  # after the n strings and their NULs
        if rest[:2] == b"\r\n":
            name = rest[2:].split(b"\0")[0]  # up to its NUL, the line ends dropped
            out["amd_name"] = name.replace(b"\r", b"").replace(b"\n", b"").decode(
                "latin-1").rstrip(" ")
    k = a.find(b"ATOMBIOSBK-AMD VER")
    if k >= 0:
        out["amd_version"] = a[k + 18:k + 18 + 32].split(b"\0")[0].decode("latin-1")
    date = a[0x50:0x50 + 18].split(b"\0")[0]
    out["amd_date"] = bytes(c for c in date if 0x20 <= c <= 0x7A).decode().rstrip(" ")
    h = u16(a, 0x48)
    if h and a[h + 4:h + 8] in (b"ATOM", b"MOTA"):
        out["amd_subsystem"] = "%04x:%04x" % (u16(a, h + 0x18), u16(a, h + 0x1A))
        for key, off in (("amd_cmd_tables", 0x1E), ("amd_data_tables", 0x20)):
            m = u16(a, h + off)
            size = u16(a, m)
            out[key] = str(sum(1 for s in range(4, size - 1, 2) if u16(a, m + s)))
        m = u16(a, h + 0x20)
        spans = []
        for i, s in enumerate(range(4, u16(a, m) - 1, 2)):
            t = u16(a, m + s)
            if t and t + 4 <= len(a):
                spans.append("%d:%x:%x:%d" % (i, t, u16(a, t), a[t + 2]))
        out["amd_data_spans"] = " ".join(spans)


def intel(d, rom, out):
    """i915's VBT: "$VBT" in the image; the build text is observed inside it."""
    pcir = rom + u16(d, rom + 0x18)
    img = d[rom:rom + u16(d, pcir + 0x10) * 512]
    v = img.find(b"$VBT")
    b = img.find(b"Build Number: ", v) if v >= 0 else -1
    if b >= 0:
        m = re.match(rb"[0-9]+", img[b + 14:])
        if m:
            out["intel_version"] = m.group(0).decode()


def subsystem_name(v, d, sv, sd, devices, subsystems):
    """The subsystem line under the device; lspci (libpci) shows the
    device's own name when the subsystem ids repeat the device's."""
    name = subsystems.get((v, d, sv, sd))
    if name is None and (sv, sd) == (v, d):
        name = devices.get((v, d))
    return name or ""


def one(path, vendors, devices, subsystems):
    d = open(path, "rb").read()
    out = {}
    rom = rom_start(d)
    if rom is not None:
        pcir = rom + u16(d, rom + 0x18)
        vendor, device = u16(d, pcir + 4), u16(d, pcir + 6)
        out["id"] = "%04x:%04x" % (vendor, device)
        out["vendor_name"] = vendors.get(vendor, "")
        out["device_name"] = devices.get((vendor, device), "")
        if vendor == 0x10DE:
            nvidia(d, rom, out)
        if vendor == 0x8086:
            intel(d, rom, out)
        amd(d, rom, out)
        ss = out.get("amd_subsystem")
        if ss is None and vendor == 0x10DE and d[:4] == b"NVGI":
            ss = "%04x:%04x" % (u16(d, 0x0C), u16(d, 0x0E))  # NVGI +0x0C
            out["nv_subsystem"] = ss
        if ss:
            sv, sd = (int(x, 16) for x in ss.split(":"))
            out["subsystem_vendor_name"] = vendors.get(sv, "")
            out["subsystem_name"] = subsystem_name(vendor, device, sv, sd, devices, subsystems)
    print("== %s" % path)
    for k, v in out.items():
        print("%s\t%s" % (k, v))


def main(argv):
    path = PCI_IDS
    if len(argv) > 2 and argv[0] == "--pci-ids":
        path, argv = argv[1], argv[2:]
    vendors, devices, subsystems = load_pci_ids(path)
    for f in argv:
        one(f, vendors, devices, subsystems)


if __name__ == "__main__":
    main(sys.argv[1:])
