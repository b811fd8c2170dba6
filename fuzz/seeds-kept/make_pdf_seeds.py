#!/usr/bin/env python3
"""Small PDF seeds for the read_pdf target (a few KB each, content streams uncompressed, no font
program embedded): a report table drawn with rules, Chinese text through a Type0 font and a
ToUnicode CMap, Helvetica text, a form XObject, a compressed stream, a table split over two
pages. The fixtures' PDFs are 100-600 KB (mostly embedded fonts), which holds read_pdf at ~40
executions a second; these run at hundreds. Run from anywhere: writes next to this script."""
import os
import zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "read_pdf")


def tounicode(chars):
    """A ToUnicode CMap mapping CIDs 1..n to `chars`."""
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        f"{len(chars)} beginbfchar",
    ]
    for i, c in enumerate(chars, 1):
        lines.append(f"<{i:04X}> <{ord(c):04X}>")
    lines += ["endbfchar", "endcmap CMapName currentdict /CMap defineresource pop end end"]
    return "\n".join(lines).encode()


def pdf(pages, extra=None, compress=False, chars=""):
    """pages: content streams (bytes). Objects: 1 catalog, 2 pages, 3 Helvetica, 4 Type0 font,
    5 its descendant, 6 ToUnicode, 7 form XObject, then page and content pairs."""
    objs = {}
    n = len(pages)
    first = 8
    kids = " ".join(f"{first + 2 * i} 0 R" for i in range(n))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[4] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
               b"/DescendantFonts [5 0 R] /ToUnicode 6 0 R >>")
    objs[5] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
               b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [1 [500 500]] "
               b"/FontDescriptor << /Type /FontDescriptor /FontName /SimSun /Flags 4 "
               b"/FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >> >>")
    cmap = tounicode(chars or "年")
    objs[6] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    form = extra or b"q 0.5 w 20 20 m 560 20 l S Q"
    objs[7] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Length %d >>\nstream\n"
               % len(form) + form + b"\nendstream")
    for i, content in enumerate(pages):
        objs[first + 2 * i] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> "
            f"/XObject << /X1 7 0 R >> >> /Contents {first + 2 * i + 1} 0 R >>").encode()
        if compress:
            z = zlib.compress(content)
            objs[first + 2 * i + 1] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"
        else:
            objs[first + 2 * i + 1] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for k in range(1, size):
        out += b"%010d 00000 n \n" % offsets[k]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


class Text:
    """Chinese strings as CIDs of one Type0 font (one CID per distinct character)."""

    def __init__(self):
        self.chars = []

    def hex(self, s):
        cids = []
        for c in s:
            if c not in self.chars:
                self.chars.append(c)
            cids.append(self.chars.index(c) + 1)
        return "<" + "".join(f"{c:04X}" for c in cids) + ">"


def table(t, top, rows, x0=40, widths=(300, 100, 100), h=20):
    """Rules of a grid and its cells' text, `rows` a list of lists of strings."""
    ops = ["q 0.5 w"]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top - h * len(rows)
    for r in range(len(rows) + 1):
        y = top - h * r
        ops.append(f"{xs[0]} {y} m {xs[-1]} {y} l S")
    for x in xs:
        ops.append(f"{x} {top} m {x} {bottom} l S")
    ops.append("Q BT")
    for r, row in enumerate(rows):
        y = top - h * (r + 1) + 6
        for c, cell in enumerate(row):
            if cell.isascii():
                ops.append(f"/F1 10 Tf 1 0 0 1 {xs[c] + 4} {y} Tm ({cell}) Tj")
            else:
                ops.append(f"/F2 10 Tf 1 0 0 1 {xs[c] + 4} {y} Tm {t.hex(cell)} Tj")
    ops.append("ET")
    return "\n".join(ops).encode()


def title(t, text, y=800):
    return f"BT /F2 16 Tf 1 0 0 1 150 {y} Tm {t.hex(text)} Tj ET\n".encode()


def main():
    os.makedirs(HERE, exist_ok=True)
    rows1 = [["本年新收政府信息公开申请数量", "12", ""],
             ["上年结转政府信息公开申请数量", "3", ""],
             ["本年度办理结果", "", ""],
             ["予以公开", "8", ""],
             ["不予公开", "1", ""]]
    rows2 = [["行政复议", "结果维持", "2"], ["行政诉讼", "其他结果", "0"]]
    seeds = {}
    t = Text()
    page = title(t, "2024年政府信息公开工作年度报告") + table(t, 760, rows1)
    seeds["small-table-cjk.pdf"] = pdf([page], chars="".join(t.chars))
    t = Text()
    page = title(t, "二、收到和处理政府信息公开申请情况") + table(t, 760, rows1, widths=(200, 60, 60, 60)[:3])
    seeds["small-table-compressed.pdf"] = pdf([page], compress=True, chars="".join(t.chars))
    t = Text()
    p1 = title(t, "四、政府信息公开行政复议、行政诉讼情况") + table(t, 760, rows2) + b"/X1 Do\n"
    p2 = table(t, 800, rows2) + b"BT /F1 9 Tf 280 30 Td (- 2 -) Tj ET\n"
    seeds["small-table-two-pages.pdf"] = pdf([p1, p2], chars="".join(t.chars))
    t = Text()
    text = ("BT /F1 12 Tf 14 TL 40 780 Td (Annual report 2024) Tj T* [(Applications) -250 (12)] TJ "
            "T* 0 Tw 1 Tc (Decided) ' 2 0 Td 5 Tz (8) Tj ET\n"
            "q 1 0 0 1 10 10 cm 0 0 1 rg 40 600 200 0.8 re f 0.9 g 40 560 200 20 re B Q\n")
    seeds["small-helvetica-text.pdf"] = pdf([text.encode()], extra=b"BT /F1 8 Tf 40 40 Td (form text) Tj ET")
    for name, data in seeds.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
