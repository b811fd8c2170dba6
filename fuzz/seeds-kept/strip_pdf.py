#!/usr/bin/env python3
"""A fixture PDF made small for fuzzing: its font programs dropped (FontFile, FontFile2,
FontFile3 streams emptied; the ToUnicode CMaps that carry the text are kept), every other stream
inflated, the cross-reference table rebuilt. Only for classic PDFs (no object or xref streams),
as LibreOffice writes them. Usage: strip_pdf.py IN.pdf OUT.pdf"""
import re
import sys
import zlib

OBJ = re.compile(rb"(\d+) (\d+) obj\b(.*?)endobj", re.S)


def main(src, dst):
    data = open(src, "rb").read()
    objs = {}
    for m in OBJ.finditer(data):
        objs[int(m.group(1))] = m.group(3).strip()
    # Objects that are font programs.
    fontfiles = set(int(n) for n in re.findall(rb"/FontFile[23]?\s*(\d+) 0 R", data))
    lengths = {}
    for n, body in objs.items():
        m = re.match(rb"(<<.*?>>)\s*stream\r?\n(.*)\r?\nendstream$", body, re.S)
        if not m:
            continue
        d, s = m.group(1), m.group(2)
        if n in fontfiles:
            s = b""
            d = re.sub(rb"/Filter\s*/FlateDecode", b"", d)
            d = re.sub(rb"/Length[123]\s*\d+", b"", d)
        elif b"/FlateDecode" in d:
            try:
                s = zlib.decompress(s)
                d = d.replace(b"/Filter/FlateDecode", b"").replace(b"/Filter /FlateDecode", b"")
            except zlib.error:
                pass
        # Replace /Length (direct or indirect) with the direct length.
        ref = re.search(rb"/Length\s+(\d+) 0 R", d)
        if ref:
            lengths[int(ref.group(1))] = len(s)
        d = re.sub(rb"/Length\s*(\d+ 0 R|\d+)", b"/Length %d" % len(s), d, count=1)
        objs[n] = d + b"\nstream\n" + s + b"\nendstream"
    for n, v in lengths.items():
        objs[n] = b"%d" % v
    # Drop the font programs from the descriptors too, as if the fonts were not embedded.
    for n in fontfiles:
        objs.pop(n, None)
    for n, body in list(objs.items()):
        objs[n] = re.sub(rb"/FontFile[23]?\s*\d+ 0 R", b"", body)
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", data, re.S).group(1)
    root = re.search(rb"/Root\s*\d+ 0 R", trailer).group(0)
    info = re.search(rb"/Info\s*\d+ 0 R", trailer)
    size = max(objs) + 1
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d %s %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, info.group(0) if info else b"", xref)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
