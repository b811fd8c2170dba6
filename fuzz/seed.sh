#!/usr/bin/env bash
# Seeds: for zip_parts (the first byte picks the part, see PARTS in src/lib.rs; the rest is that
# part as the fixture has it), roster, read_pdf and read_docx. Needs unzip.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/zip_parts
mkdir -p "$out"
seed() { # index template member
  { printf '%b' "\\x$(printf %02x "$1")"; unzip -p "$2" "$3"; } > "$out/seed-$1"
}
x=../fixtures/workbooks/xlsxwriter-styled-2022.xlsx
seed 0 $x xl/worksheets/sheet1.xml
seed 1 $x xl/sharedStrings.xml
seed 2 $x xl/workbook.xml
seed 3 $x xl/styles.xml
seed 4 $x xl/_rels/workbook.xml.rels
seed 5 ../fixtures/workbooks/2024-pingtan-zone-lo.ods content.xml
seed 6 ../fixtures/published/govnianbao-template-2021.docx word/document.xml
# Other sheets of other fixtures, as sheet1 of the template.
n=7
for f in ../fixtures/workbooks/*.xlsx; do
  { printf '\x00'; unzip -p "$f" xl/worksheets/sheet1.xml; } > "$out/seed-sheet-$n"; n=$((n+1))
done
for f in ../fixtures/workbooks/*.ods ../fixtures/district/*.ods; do
  { printf '\x05'; unzip -p "$f" content.xml; } > "$out/seed-ods-$n"; n=$((n+1))
done
# The roster: CSV in UTF-8 and in GBK, and workbooks.
mkdir -p corpus/roster
cp ../fixtures/district/roster.csv corpus/roster/roster.csv
printf '\xb5\xa5\xce\xbb\xc3\xfb\xb3\xc6,\xc0\xe0\xb1\xf0\n\xc7\xf8\xb2\xc6\xd5\xfe\xbe\xd6,\xb2\xbf\xc3\xc5\n' > corpus/roster/gbk.csv
cp ../fixtures/workbooks/2020-shanghai-city-lo.xls ../fixtures/workbooks/2024-pingtan-zone-lo.ods corpus/roster/
# PDF and Word seeds, copied so that a seed folder holds only its kind.
mkdir -p seeds/read_pdf seeds/read_docx seeds/read_published
# read_published: the web pages and text forms only (the PDFs and the docx of fixtures/published,
# 100-400 KB, held it at 40-100 executions a second and are read_pdf's and read_docx's seeds).
find ../fixtures/published ../fixtures/text-forms \( -name '*.html' -o -name '*.txt' \) -exec cp {} seeds/read_published/ \;
find ../fixtures/pdf ../fixtures/docpdf ../fixtures/published ../fixtures/broken -name '*.pdf' -exec cp {} seeds/read_pdf/ \;
find ../fixtures/docpdf ../fixtures/published ../fixtures/broken -name '*.docx' -exec cp {} seeds/read_docx/ \;
# Small PDFs, which read_pdf runs many times faster than the fixtures (100-600 KB, mostly embedded
# fonts): the fixtures made by LibreOffice and the two of fixtures/pdf not printed by Chromium,
# their font programs dropped and streams inflated (40-80 KB, still read as the same reports), and
# a few hand-made ones of 2-3 KB (seeds-kept/make_pdf_seeds.py). Needs python3.
if command -v python3 >/dev/null; then
  for f in ../fixtures/docpdf/*.pdf ../fixtures/pdf/*-writer.pdf ../fixtures/pdf/*-calc.pdf; do
    python3 seeds-kept/strip_pdf.py "$f" "seeds/read_pdf/stripped-$(basename "$f")"
  done
fi
cp seeds-kept/read_pdf/*.pdf seeds/read_pdf/
