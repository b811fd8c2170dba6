//! Rows written straight into a sheet of a workbook that rust_xlsxwriter has saved.
//!
//! rust_xlsxwriter's own work per cell — the look found by hashing a whole `Format`, the cell kept
//! in a map, a column name made, a float formatted — was most of a summary's time where a sheet
//! holds a row of a few hundred numbers per agency (分单位明细). Such a sheet is made in two steps:
//!
//! 1. rust_xlsxwriter writes all of it but those rows — header rows, widths, panes, the filter, the
//!    print setup, the rows after them — and, in their place, a probe row: one cell in each look the
//!    rows use, so that the looks' numbers in the saved workbook are read from the workbook itself,
//!    never guessed;
//! 2. [`splice`] copies the saved package entry by entry (the compressed data as it is) and writes
//!    that sheet anew with the probe row replaced by the rows, each cell written by [`Rows`] as
//!    rust_xlsxwriter writes it in constant-memory mode (inline strings, its escapes, its numbers).
//!
//! The rows go straight into the compressor as they are made: nothing holds a whole sheet.

use std::io::{Read, Seek, Write};

use rust_xlsxwriter::utility::column_number_to_name;
use zip::write::SimpleFileOptions;

/// Where the rows go, and how they are found and written.
pub(crate) struct Target<'a> {
    /// The worksheet, 1-based, as rust_xlsxwriter numbers `xl/worksheets/sheetN.xml`.
    pub sheet: usize,
    /// The probe row (0-based), which the rows replace.
    pub probe_row: u32,
    /// The probe row's cells whose looks (style numbers) `fill` is given, in this order.
    pub probe: &'a [u16],
    /// How many columns the rows may use (their names are made once).
    pub columns: u16,
    /// The deflate level, as for the rest of the workbook.
    pub level: u8,
}

/// Rows in the making: cells written as rust_xlsxwriter writes them, buffered, and passed to the
/// compressor a block at a time.
pub(crate) struct Rows<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Column names (`A`, `B`, … `GY`), made once.
    names: Vec<Box<str>>,
    /// The current row's number as written (1-based).
    row: itoa::Buffer,
    row_text: String,
}

/// Most characters a cell's text may have (Excel's limit, as rust_xlsxwriter enforces it).
const MAX_TEXT: usize = 32_767;

/// How much is buffered before it goes to the compressor.
const BLOCK: usize = 1 << 16;

impl<W: Write> Rows<W> {
    fn new(out: W, columns: u16) -> Rows<W> {
        Rows {
            out,
            buf: Vec::with_capacity(BLOCK + 8192),
            names: (0..columns)
                .map(|c| column_number_to_name(c).into_boxed_str())
                .collect(),
            row: itoa::Buffer::new(),
            row_text: String::new(),
        }
    }

    /// Starts row `row` (0-based, as rust_xlsxwriter counts).
    pub(crate) fn start(&mut self, row: u32) {
        self.row_text.clear();
        self.row_text.push_str(self.row.format(row + 1));
        self.buf.extend_from_slice(b"<row r=\"");
        self.buf.extend_from_slice(self.row_text.as_bytes());
        self.buf.extend_from_slice(b"\">");
    }

    /// Ends the row started last.
    pub(crate) fn end(&mut self) -> Result<(), String> {
        self.buf.extend_from_slice(b"</row>");
        if self.buf.len() >= BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        self.out.write_all(&self.buf).map_err(|e| e.to_string())?;
        self.buf.clear();
        Ok(())
    }

    /// `<c r="B3" s="3"` (no `s` for look 0).
    fn open(&mut self, col: u16, look: u32) -> Result<(), String> {
        let name = self
            .names
            .get(usize::from(col))
            .ok_or_else(|| format!("第 {} 列超出工作表的列数", u32::from(col) + 1))?;
        self.buf.extend_from_slice(b"<c r=\"");
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(self.row_text.as_bytes());
        self.buf.push(b'"');
        if look != 0 {
            self.buf.extend_from_slice(b" s=\"");
            self.buf.extend_from_slice(itoa::Buffer::new().format(look).as_bytes());
            self.buf.push(b'"');
        }
        Ok(())
    }

    /// A number in look `look`. NaN writes nothing (a cell left empty); infinities are written as
    /// the texts `INF` and `-INF`, as rust_xlsxwriter does (Excel has no such number).
    pub(crate) fn number(&mut self, col: u16, n: f64, look: u32) -> Result<(), String> {
        if n.is_nan() {
            return Ok(());
        }
        if n.is_infinite() {
            return self.text(col, if n > 0.0 { "INF" } else { "-INF" }, look);
        }
        self.open(col, look)?;
        self.buf.extend_from_slice(b"><v>");
        push_number(&mut self.buf, n);
        self.buf.extend_from_slice(b"</v></c>");
        Ok(())
    }

    /// A text in look `look`; an empty text is a blank cell in that look.
    pub(crate) fn text(&mut self, col: u16, text: &str, look: u32) -> Result<(), String> {
        if text.is_empty() {
            self.open(col, look)?;
            self.buf.extend_from_slice(b"/>");
            return Ok(());
        }
        if text.chars().count() > MAX_TEXT {
            return Err(format!(
                "第 {} 行第 {} 列的文字超过 {MAX_TEXT} 个字符",
                self.row_text,
                u32::from(col) + 1
            ));
        }
        self.open(col, look)?;
        self.buf.extend_from_slice(b" t=\"inlineStr\"><is><t");
        if text.starts_with(['\t', '\n', ' ']) || text.ends_with(['\t', '\n', ' ']) {
            self.buf.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.buf.push(b'>');
        push_text(&mut self.buf, text);
        self.buf.extend_from_slice(b"</t></is></c>");
        Ok(())
    }
}

/// A finite number as Rust's `Display` writes it (rust_xlsxwriter's way), with whole numbers
/// written without the formatting machinery.
fn push_number(buf: &mut Vec<u8>, n: f64) {
    // Whole numbers below 10^15 are exact in an i64 and `Display` writes them as one, but for -0.
    if n == n.trunc() && n.abs() < 1e15 && !(n == 0.0 && n.is_sign_negative()) {
        buf.extend_from_slice(itoa::Buffer::new().format(n as i64).as_bytes());
    } else {
        // Writing into a Vec cannot fail.
        let _ = write!(buf, "{n}");
    }
}

/// Text escaped as rust_xlsxwriter escapes a cell's text: `&`, `<`, `>` as entities, control
/// characters and U+FFFE/U+FFFF as `_xHHHH_`, and a `_` that starts such a sequence already in the
/// text as `_x005F_`, so that it reads back as written.
fn push_text(buf: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    for (i, ch) in text.char_indices() {
        match ch {
            '&' => buf.extend_from_slice(b"&amp;"),
            '<' => buf.extend_from_slice(b"&lt;"),
            '>' => buf.extend_from_slice(b"&gt;"),
            '\t' | '\n' => buf.push(ch as u8),
            '\0'..='\x1f' | '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(buf, "_x{:04X}_", u32::from(ch));
            }
            '_' if escape_sequence_at(bytes, i) => buf.extend_from_slice(b"_x005F_"),
            _ => {
                let mut utf8 = [0; 4];
                buf.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// Whether `_xHHHH_` (four hex digits) starts at `i`.
fn escape_sequence_at(bytes: &[u8], i: usize) -> bool {
    bytes
        .get(i..i + 7)
        .is_some_and(|s| s[0] == b'_' && s[1] == b'x' && s[2..6].iter().all(u8::is_ascii_hexdigit) && s[6] == b'_')
}

/// Copies the saved workbook `book` to `out`, every entry's compressed data as it is but the
/// worksheet of `target`, whose probe row is replaced with the rows `fill` writes; `fill` is given
/// the looks of the probe row's cells.
pub(crate) fn splice<R, W, F>(book: R, target: &Target, fill: F, out: W) -> Result<(), String>
where
    R: Read + Seek,
    W: Write + Seek,
    F: FnOnce(&[u32], &mut Rows<&mut zip::ZipWriter<W>>) -> Result<(), String>,
{
    let Target {
        sheet,
        probe_row,
        probe,
        columns,
        level,
    } = *target;
    let name = format!("xl/worksheets/sheet{sheet}.xml");
    let mut archive = zip::ZipArchive::new(book).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipWriter::new(out);
    let mut fill = Some(fill);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| e.to_string())?;
        if entry.name().map_err(|e| e.to_string())? != name {
            zip.raw_copy_file(entry).map_err(|e| e.to_string())?;
            continue;
        }
        drop(entry);
        let mut xml = String::new();
        archive
            .by_index(i)
            .and_then(|mut f| f.read_to_string(&mut xml).map_err(Into::into))
            .map_err(|e| e.to_string())?;
        let (head, probed, tail) = split_probe(&xml, probe_row)?;
        let looks = probe
            .iter()
            .map(|&col| look_of(probed, col, probe_row))
            .collect::<Result<Vec<u32>, String>>()?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(i64::from(level)))
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default());
        zip.start_file(name.as_str(), options).map_err(|e| e.to_string())?;
        zip.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
        let mut rows = Rows::new(&mut zip, columns);
        if let Some(fill) = fill.take() {
            fill(&looks, &mut rows)?;
        }
        rows.flush()?;
        zip.write_all(tail.as_bytes()).map_err(|e| e.to_string())?;
    }
    if fill.is_some() {
        return Err(format!("工作簿中没有 {name}"));
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}

/// The sheet's XML before the probe row, the probe row, and after it.
fn split_probe(xml: &str, probe_row: u32) -> Result<(&str, &str, &str), String> {
    let open = format!("<row r=\"{}\"", probe_row + 1);
    let missing = || format!("工作表中没有第 {} 行（探测行）", probe_row + 1);
    let start = xml.find(&open).ok_or_else(missing)?;
    let len = xml[start..].find("</row>").ok_or_else(missing)? + "</row>".len();
    Ok((&xml[..start], &xml[start..start + len], &xml[start + len..]))
}

/// The look (style number) of the probe row's cell in column `col`; 0 where it has none.
fn look_of(probed: &str, col: u16, probe_row: u32) -> Result<u32, String> {
    let open = format!("<c r=\"{}{}\"", column_number_to_name(col), probe_row + 1);
    let at = probed
        .find(&open)
        .ok_or_else(|| format!("探测行中没有 {}{} 单元格", column_number_to_name(col), probe_row + 1))?;
    let rest = &probed[at + open.len()..];
    Ok(rest
        .strip_prefix(" s=\"")
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut buf = Vec::new();
        push_text(&mut buf, s);
        String::from_utf8(buf).unwrap_or_default()
    }

    fn number(n: f64) -> String {
        let mut buf = Vec::new();
        push_number(&mut buf, n);
        String::from_utf8(buf).unwrap_or_default()
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            0.1,
            47195.61,
            1.5e15,
            123456790771.0,
            1e300,
            2.5e-7,
            999999999999999.0,
        ] {
            assert_eq!(number(n), format!("{n}"), "{n}");
        }
    }

    #[test]
    fn texts_are_escaped_as_rust_xlsxwriter_escapes_them() {
        assert_eq!(text("a&b<c>d\"e"), "a&amp;b&lt;c&gt;d\"e");
        assert_eq!(text("x\u{1}y\tz\n\r"), "x_x0001_y\tz\n_x000D_");
        assert_eq!(
            text("_x0041_ and _x004_ and _xZZZZ_"),
            "_x005F_x0041_ and _x004_ and _xZZZZ_"
        );
        assert_eq!(text("区\u{FFFE}"), "区_xFFFE_");
    }
}
