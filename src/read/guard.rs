//! Guards around calamine: what it would allocate is measured before it runs, and a panic inside it
//! becomes an error about the file.
//!
//! calamine reads xls and ods sheets whole, into dense rectangles, when a workbook is opened: an xls
//! of a few hundred bytes with cells at A1 and at the far corner, or that declares such a sheet in its
//! `DIMENSIONS` record, asks for tens of gigabytes; an ods row or cell repeated a million times
//! (`table:number-rows-repeated`, `table:number-columns-repeated`) or a space repeated a billion
//! times (`text:s text:c`) does the same. An allocation that fails aborts the whole process — no
//! error, no other file of the batch read — so each such input is measured here first, by walking
//! its records or its XML the way calamine will, and refused when what calamine would hold exceeds
//! [`Limits::memory_budget`]. The same goes for the xlsx shared-string table, whose declared count
//! calamine reserves up front.
//!
//! Published reports are bounded the same way before their readers run: the tags of a web page,
//! the lines of web-page text and the cells and paragraphs of a Word document (at most
//! [`Limits::max_cells`]), and the nesting of a web page (the HTML parser spends minutes on a
//! page nested a hundred thousand deep).
//!
//! calamine also indexes slices by numbers taken from the file in places (xls records above all):
//! [`calamine`] runs its calls under `catch_unwind`, as a last resort, so such a panic is a
//! "damaged file" error about this file instead of the end of the run. The panic is inside calamine,
//! never in nianbao's own code, which the fuzz targets hold to that.

use std::cell::Cell;
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use quick_xml::events::{BytesStart, Event};

use super::Limits;
use crate::error::ErrorKind;

/// What calamine holds for one cell of a dense range: a `Data` (32 bytes) and, for formulas and
/// ods, a `String` (24 bytes), plus the sparse `Cell` it was collected in (40 bytes).
const CELL_BYTES: u64 = 40;

/// The refusal, with the estimate.
fn too_large(what: &str, bytes: u64, limits: &Limits) -> ErrorKind {
    ErrorKind::TooLarge {
        what: "工作簿读入内存所需的空间",
        actual: format!("{what}约 {}", crate::size::mib_text(bytes)),
        limit: crate::size::mib_text(limits.memory_budget()),
        option: "--max-cells",
    }
}

thread_local! {
    /// Set while this thread runs a call under [`catch`]: its panic is caught.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the last caught panic happened (`calamine-0.38.0/src/xls.rs:955`), for the message.
    static WHERE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Whether the current thread is inside a guarded call (a panic hook can stay quiet then, as the
/// panic becomes an ordinary error about the file).
pub fn in_guarded_call() -> bool {
    GUARDED.with(Cell::get)
}

/// Runs a calamine call; a panic in it becomes [`ErrorKind::Corrupt`] (the file is damaged in a way
/// calamine does not check).
pub fn calamine<T>(kind: &'static str, f: impl FnOnce() -> Result<T, ErrorKind>) -> Result<T, ErrorKind> {
    catch(f, |detail| ErrorKind::Corrupt {
        kind,
        detail: format!("读取库 calamine 无法解析：{detail}"),
    })
}

/// Runs `f`; a panic in it becomes the error `fault` makes of the panic message. The panic message
/// is not printed: a hook installed once stays quiet for guarded calls and passes every other panic
/// on to the hook that was there before.
pub fn catch<T>(
    f: impl FnOnce() -> Result<T, ErrorKind>,
    fault: impl FnOnce(String) -> ErrorKind,
) -> Result<T, ErrorKind> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if in_guarded_call() {
                // The last three parts of the path say enough: crate, folder, file and line.
                let at = info.location().map(|l| {
                    let parts: Vec<&str> = l.file().rsplit(['/', '\\']).take(3).collect();
                    let file: Vec<&str> = parts.into_iter().rev().collect();
                    format!("{}:{}", file.join("/"), l.line())
                });
                WHERE.with(|w| *w.borrow_mut() = at.unwrap_or_default());
            } else {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = WHERE.with(|w| std::mem::take(&mut *w.borrow_mut()));
        Err(fault(if at.is_empty() {
            detail
        } else {
            format!("{detail}，{at}")
        }))
    })
}

// ---------------------------------------------------------------------------------------------
// xls

/// Measures what calamine would hold for an xls (BIFF) workbook: for every sheet, the cells, their
/// strings, the dense rectangles of values and formulas, and the capacity its `DIMENSIONS` record
/// asks for.
pub fn xls(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let corrupt = |detail: String| ErrorKind::Corrupt { kind: "xls", detail };
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    // A workbook saved with an open password by Excel or WPS (xlsx, or xls since Office 2007's
    // default) is an encrypted package inside a compound file.
    if cfb.is_stream("/EncryptedPackage") {
        return Err(ErrorKind::Encrypted("Excel"));
    }
    // Word 97–2003 (.doc, and WPS 文字's .wps) shares the compound file with xls.
    if cfb.is_stream("/WordDocument") {
        return Err(ErrorKind::Unsupported(
            "这是旧版 Word 文档（.doc 或 .wps），本工具不读取这种格式。请用 Word 或 WPS 打开后另存为 docx 再试".into(),
        ));
    }
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| cfb.is_stream(n))
        .ok_or_else(|| corrupt("文件中没有 Workbook 数据流".into()))?;
    let mut stream = Vec::new();
    cfb.open_stream(name)
        .and_then(|s| s.take(bytes.len() as u64 + 1).read_to_end(&mut stream))
        .map_err(|e| corrupt(e.to_string()))?;
    let budget = limits.memory_budget();
    let mut strings: Vec<u64> = Vec::new();
    let mut sheets: Vec<usize> = Vec::new();
    // The workbook globals, as calamine walks them: every record up to the first EOF.
    for record in Records::new(&stream) {
        let Some(record) = record else { break };
        match record.typ {
            0x0085 if record.data.len() >= 4 => sheets.push(u32_at(record.data, 0) as usize),
            0x00FC => strings = sst_lengths(&record),
            // FILEPASS: the rest of the workbook is encrypted (an open password).
            0x002F => return Err(ErrorKind::Encrypted("Excel")),
            0x000A => break,
            _ => {}
        }
    }
    let strings_held: u64 = strings.iter().map(|n| 6 * n + 24).sum();
    let mut total = strings_held;
    for pos in sheets {
        // calamine reads each sheet from its declared position to its EOF.
        let Some(sheet) = stream.get(pos..) else { return Ok(()) };
        total = total.saturating_add(xls_sheet(sheet, &strings));
        if total > budget {
            return Err(too_large("", total, limits));
        }
    }
    Ok(())
}

/// What calamine holds for one xls sheet starting at its BOF record.
fn xls_sheet(sheet: &[u8], strings: &[u64]) -> u64 {
    let mut held: u64 = 0;
    let mut values = Rect::default();
    let mut formulas = Rect::default();
    let mut formula_at = (0u32, 0u32);
    let mut seen_bof = false;
    let mut depth = 0usize;
    for record in Records::new(sheet) {
        let Some(r) = record else { break };
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = || (r.data.len() >= 4).then(|| (u16_at(r.data, 0) as u32, u16_at(r.data, 2) as u32));
        match r.typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                // cells.reserve(rows × cols) of what the record declares, computed as calamine does.
                let (rf, rl, cf, cl) = match r.data.len() {
                    10 => (
                        u16_at(r.data, 0) as u32,
                        u16_at(r.data, 2) as u32,
                        u16_at(r.data, 4) as u32,
                        u16_at(r.data, 6) as u32,
                    ),
                    14 | 16 => (
                        u32_at(r.data, 0),
                        u32_at(r.data, 4),
                        u16_at(r.data, 8) as u32,
                        u16_at(r.data, 10) as u32,
                    ),
                    _ => break,
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                let (start, end) = if rl >= 1 && cl >= 1 {
                    ((rf, cf), (rl - 1, cl - 1))
                } else {
                    ((rf, cf), (rf, cf))
                };
                let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as u64;
                let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as u64;
                held = held.saturating_add(rows.saturating_mul(cols).saturating_mul(CELL_BYTES));
            }
            // Number, BoolErr, Rk: a value.
            0x0203 | 0x0205 | 0x027E => {
                let Some(p) = at() else { break };
                values.add(p);
                held = held.saturating_add(CELL_BYTES);
            }
            // Label, RString: a string from the record.
            0x0204 | 0x00D6 => {
                let Some(p) = at() else { break };
                values.add(p);
                held = held.saturating_add(CELL_BYTES + 3 * r.len() as u64);
            }
            // LabelSst: a copy of a shared string.
            0x00FD => {
                let Some(p) = at() else { break };
                if r.data.len() >= 10 {
                    if let Some(n) = strings.get(u32_at(r.data, 6) as usize) {
                        values.add(p);
                        held = held.saturating_add(CELL_BYTES + 6 * n);
                    }
                }
            }
            // MulRk: a run of values in one row.
            0x00BD if r.data.len() >= 6 => {
                let row = u16_at(r.data, 0) as u32;
                let first = u16_at(r.data, 2) as u32;
                let last = u16_at(r.data, r.data.len() - 2) as u32;
                if last >= first && r.data.len() == 6 + 6 * (last - first + 1) as usize {
                    values.add((row, first));
                    values.add((row, last));
                    held = held.saturating_add(CELL_BYTES * u64::from(last - first + 1));
                }
            }
            // String: the text value of the formula before it.
            0x0207 => {
                values.add(formula_at);
                held = held.saturating_add(CELL_BYTES + 3 * r.len() as u64);
            }
            // Formula: a value and the formula's text (a token of a few bytes can name a sheet or
            // a defined name of up to 255 characters).
            0x0006 => {
                if r.data.len() < 20 {
                    break;
                }
                let Some(p) = at() else { break };
                formula_at = p;
                values.add(p);
                formulas.add(p);
                held = held.saturating_add(2 * CELL_BYTES + 128 * r.data.len() as u64);
            }
            _ => {}
        }
    }
    held.saturating_add(values.area().saturating_mul(32))
        .saturating_add(formulas.area().saturating_mul(24))
}

/// The bounding rectangle of cells, as `Range::from_sparse` allocates it.
#[derive(Default)]
struct Rect {
    bounds: Option<((u32, u32), (u32, u32))>,
}

impl Rect {
    fn add(&mut self, (r, c): (u32, u32)) {
        self.bounds = Some(match self.bounds {
            None => ((r, c), (r, c)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(r), c0.min(c)), (r1.max(r), c1.max(c))),
        });
    }

    fn area(&self) -> u64 {
        self.bounds.map_or(0, |((r0, c0), (r1, c1))| {
            u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
        })
    }
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([data[at], data[at + 1]])
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

/// One BIFF record with the CONTINUE records that follow it, as calamine's record iterator joins them.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

impl Record<'_> {
    fn len(&self) -> usize {
        self.data.len() + self.cont.iter().map(|c| c.len()).sum::<usize>()
    }
}

/// The records of a BIFF stream; `None` where calamine's iterator would fail (a record cut short).
struct Records<'a> {
    stream: &'a [u8],
    failed: bool,
}

impl<'a> Records<'a> {
    fn new(stream: &'a [u8]) -> Records<'a> {
        Records { stream, failed: false }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Option<Record<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.stream.is_empty() {
            return None;
        }
        let fail = |s: &mut Self| {
            s.failed = true;
            Some(None)
        };
        if self.stream.len() < 4 {
            return fail(self);
        }
        let typ = u16_at(self.stream, 0);
        let len = u16_at(self.stream, 2) as usize;
        if self.stream.len() < len + 4 {
            return fail(self);
        }
        let (record, rest) = self.stream.split_at(len + 4);
        self.stream = rest;
        let mut cont = Vec::new();
        if rest.len() > 4 && u16_at(rest, 0) == 0x003C {
            while self.stream.len() > 4 && u16_at(self.stream, 0) == 0x003C {
                let len = u16_at(self.stream, 2) as usize;
                if self.stream.len() < len + 4 {
                    return fail(self);
                }
                let (c, rest) = self.stream.split_at(len + 4);
                cont.push(&c[4..]);
                self.stream = rest;
            }
        }
        Some(Some(Record {
            typ,
            data: &record[4..],
            cont,
        }))
    }
}

/// The character count of every string of the shared-string table (SST), walked as calamine walks
/// it across CONTINUE records; stops where calamine would fail.
fn sst_lengths(record: &Record) -> Vec<u64> {
    let mut out = Vec::new();
    let Some(first) = record.data.get(8..) else { return out };
    let mut blocks = record.cont.iter().copied();
    let mut data = first;
    loop {
        if data.is_empty() {
            match blocks.next() {
                Some(next) => data = next,
                None => break,
            }
            if data.is_empty() {
                // calamine reads an empty string here.
                out.push(0);
                continue;
            }
        }
        if data.len() < 3 {
            break;
        }
        let cch = u16_at(data, 0) as usize;
        let flags = data[2];
        data = &data[3..];
        let mut high = flags & 1 != 0;
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            let Some(d) = data.get(..2) else { break };
            runs = u16_at(d, 0) as usize;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(d) = data.get(..4) else { break };
            ext = u32_at(d, 0) as i32 as usize;
            data = &data[4..];
        }
        // The characters, a new flags byte at the start of each CONTINUE block they reach into.
        let mut left = cch;
        let mut ok = true;
        while left > 0 {
            let n = if high {
                (data.len() / 2).min(left)
            } else {
                data.len().min(left)
            };
            data = &data[if high { 2 * n } else { n }..];
            left -= n;
            if left > 0 {
                match blocks.next() {
                    Some(next) if !next.is_empty() => {
                        high = next[0] & 1 != 0;
                        data = &next[1..];
                    }
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if !ok {
            break;
        }
        out.push(cch as u64);
        // Formatting runs and phonetic data, skipped across blocks.
        let mut skip = runs.saturating_mul(4).saturating_add(ext);
        while skip > 0 {
            if data.len() >= skip {
                data = &data[skip..];
                skip = 0;
            } else {
                skip -= data.len();
                match blocks.next() {
                    Some(next) => data = next,
                    None => return out,
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// ods

/// Measures what calamine would hold for an ods workbook: every table's cells as calamine reads them
/// row by row (a repeated cell stored once per repeat, a `text:s` as that many spaces), then the
/// dense rectangle it expands them into (a repeated row stored once per repeat).
pub fn ods(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let corrupt = |detail: String| ErrorKind::Corrupt { kind: "ods", detail };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(()); // calamine reports the missing part
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let budget = limits.memory_budget();
    let mut total: u64 = 0;
    let mut place = OdsPlace::Outside;
    let mut table = OdsTable::default();
    let mut row = OdsRow::default();
    let mut cell: Option<OdsCell> = None;
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => {
                // calamine reads a named table until its end tag and an annotation until its
                // own, and, at the end of the file without one, loops for ever; anywhere else
                // inside a table it fails.
                if place != OdsPlace::Outside {
                    return Err(corrupt(format!(
                        "content.xml 中的工作表“{}”没有结束标记，文件不完整",
                        table.name
                    )));
                }
                break;
            }
            Err(_) => break,
            Ok(e) => e,
        };
        let before = place;
        place = place.after(&event);
        match (before, place) {
            (OdsPlace::Outside, OdsPlace::Table) => {
                table = OdsTable {
                    name: match &event {
                        Event::Start(e) => attribute(e, "table:name").unwrap_or_default(),
                        _ => String::new(),
                    },
                    ..OdsTable::default()
                };
            }
            (OdsPlace::Table, OdsPlace::Row) => {
                row = OdsRow {
                    repeats: match &event {
                        Event::Start(e) => number(e, "table:number-rows-repeated").unwrap_or(1),
                        _ => 1,
                    },
                    ..OdsRow::default()
                };
            }
            (OdsPlace::Row, OdsPlace::Text | OdsPlace::Value { .. }) => {
                if let Event::Start(e) = &event {
                    cell = Some(OdsCell::start(e));
                }
            }
            (OdsPlace::Text | OdsPlace::Value { .. }, OdsPlace::Row) => {
                if let Some(c) = cell.take() {
                    row.add(c);
                }
            }
            (OdsPlace::Row, OdsPlace::Table) => table.add(std::mem::take(&mut row)),
            (OdsPlace::Table, OdsPlace::Outside) => {
                total = total.saturating_add(std::mem::take(&mut table).held());
                if total > budget {
                    return Err(too_large("", total, limits));
                }
            }
            _ => {
                if let Some(c) = cell.as_mut() {
                    c.text = c.text.saturating_add(match &event {
                        Event::Start(e) if e.name().as_ref() == "text:s" => number(e, "text:c").unwrap_or(1),
                        Event::Start(_) => 1,
                        Event::Text(t) => t.len() as u64,
                        Event::GeneralRef(_) => 4,
                        _ => 0,
                    });
                }
            }
        }
        // The cell being read counts too: calamine has built its text (a billion spaces of one
        // `text:s`) before it meets a damaged end.
        let open = cell.as_ref().map_or(0, |c| c.text.saturating_mul(c.repeats));
        let held = match place {
            OdsPlace::Outside => total,
            _ => total.saturating_add(table.held()),
        }
        .saturating_add(open);
        if held > budget {
            return Err(too_large("", held, limits));
        }
        buf.clear();
    }
    Ok(())
}

/// Where calamine's ods reader (`parse_content`, `read_table`, `read_row`, `get_datatype`) is in
/// `content.xml`. It reads a named table until the first `</table:table>`, a row until its end
/// tag, a string cell's content until a cell's end tag, a cell with a value until its matching end
/// tag, and an annotation until its end tag, skipping whatever else comes between: so a table is
/// open as long as calamine thinks it is, whatever other tables start or end inside it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum OdsPlace {
    Outside,
    Table,
    Row,
    /// A string cell whose content calamine reads as its text, to the first cell end tag.
    Text,
    /// A cell with a value, which calamine skips to the end tag matching `cell` (its element's
    /// name), `depth` cells of that name deep.
    Value {
        cell: &'static str,
        depth: u32,
    },
    /// An `office:annotation` inside a string cell.
    Annotation,
}

impl OdsPlace {
    fn after(self, event: &Event) -> OdsPlace {
        const CELLS: [&str; 2] = ["table:table-cell", "table:covered-table-cell"];
        let (start, end) = match event {
            Event::Start(e) => (Some(e.name()), None),
            Event::End(e) => (None, Some(e.name())),
            _ => (None, None),
        };
        let is = |name: Option<quick_xml::name::QName>, what: &str| name.is_some_and(|n| n.as_ref() == what);
        match self {
            OdsPlace::Outside => match event {
                Event::Start(e) if is(start, "table:table") && attribute(e, "table:name").is_some() => OdsPlace::Table,
                _ => self,
            },
            OdsPlace::Table if is(start, "table:table-row") => OdsPlace::Row,
            OdsPlace::Table if is(end, "table:table") => OdsPlace::Outside,
            OdsPlace::Row => match event {
                Event::Start(e) => match CELLS.into_iter().find(|c| is(start, c)) {
                    Some(_) if string_content(e) => OdsPlace::Text,
                    Some(cell) => OdsPlace::Value { cell, depth: 0 },
                    None => self,
                },
                _ if is(end, "table:table-row") => OdsPlace::Table,
                _ => self,
            },
            OdsPlace::Text if CELLS.iter().any(|c| is(end, c)) => OdsPlace::Row,
            OdsPlace::Text if is(start, "office:annotation") => OdsPlace::Annotation,
            OdsPlace::Value { cell, depth } if is(start, cell) => OdsPlace::Value {
                cell,
                depth: depth.saturating_add(1),
            },
            OdsPlace::Value { cell, depth } if is(end, cell) => match depth.checked_sub(1) {
                Some(depth) => OdsPlace::Value { cell, depth },
                None => OdsPlace::Row,
            },
            OdsPlace::Annotation if is(end, "office:annotation") => OdsPlace::Text,
            _ => self,
        }
    }
}

/// Whether calamine reads a cell's content as its text (`get_datatype`): a string cell without
/// an `office:string-value`, or an error cell whose string value is empty. The first value
/// attribute wins, as there.
fn string_content(e: &BytesStart) -> bool {
    let mut value_set = false;
    let mut string = false;
    let mut error = false;
    let mut empty_string = false;
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.as_ref() {
            "office:value" | "office:date-value" | "office:time-value" | "office:boolean-value" if !value_set => {
                value_set = true;
            }
            "office:string-value" if !value_set => {
                value_set = true;
                empty_string = a.value.is_empty();
            }
            "office:value-type" if !value_set => string = a.value.as_ref() == "string",
            "calcext:value-type" => error = a.value.as_ref() == "error",
            _ => {}
        }
    }
    (!value_set && string) || (error && empty_string)
}

/// An attribute's value as text, as calamine's `raw_attr` finds it (duplicates not refused).
fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    let a = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)?;
    Some(a.value.to_string())
}

/// An unsigned attribute value, as calamine parses it (a value it cannot parse fails the file).
fn number(e: &BytesStart, key: &str) -> Option<u64> {
    let a = e.attributes().flatten().find(|a| a.key.as_ref() == key)?;
    a.value.trim().parse().ok()
}

const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// A `Data` and a formula `String` per cell.
const ODS_CELL: u64 = 56;

struct OdsCell {
    repeats: u64,
    /// Whether calamine keeps it (a value or a formula).
    filled: bool,
    /// Bytes of text it holds (attributes and content).
    text: u64,
}

impl OdsCell {
    fn start(e: &BytesStart) -> OdsCell {
        let mut filled = false;
        let mut text = 0u64;
        for a in e.attributes().flatten() {
            let key = a.key.as_ref();
            if key.starts_with("office:") && key != "office:value-type" && key != "office:currency" {
                filled = true;
                text += a.value.len() as u64;
            }
            if key == "table:formula" {
                filled = true;
                text += a.value.len() as u64;
            }
            if key == "office:value-type" && a.value.as_ref() == "string" {
                filled = true;
            }
        }
        OdsCell {
            repeats: number(e, "table:number-columns-repeated").unwrap_or(1),
            filled,
            text,
        }
    }
}

#[derive(Default)]
struct OdsRow {
    repeats: u64,
    /// Cells calamine stores for the row (columns up to the last filled one).
    stored: u64,
    /// Empty columns waiting for a filled cell after them.
    pending: u64,
    /// Bytes of text in the stored cells.
    text: u64,
    /// First and last filled column.
    first: Option<u64>,
    last: u64,
}

impl OdsRow {
    fn add(&mut self, cell: OdsCell) {
        let pending = self.pending.min(MAX_COLUMNS.saturating_sub(self.stored));
        self.stored += pending;
        self.pending = 0;
        let repeats = cell.repeats.min(MAX_COLUMNS.saturating_sub(self.stored));
        if cell.filled || cell.text > 0 {
            self.first.get_or_insert(self.stored);
            self.stored += repeats;
            self.last = self.stored;
            self.text = self.text.saturating_add(cell.text.saturating_mul(repeats));
        } else {
            self.pending = repeats;
        }
    }
}

#[derive(Default)]
struct OdsTable {
    name: String,
    rows: u64,
    /// Bytes of the cells read, before expansion.
    read: u64,
    /// Bytes of the rows expanded by their repeats.
    expanded: u64,
    first_row: Option<u64>,
    last_row: u64,
    first_col: u64,
    last_col: u64,
}

impl OdsTable {
    fn add(&mut self, row: OdsRow) {
        let repeats = row.repeats.min(MAX_ROWS.saturating_sub(self.rows));
        let bytes = row.stored.saturating_mul(ODS_CELL).saturating_add(row.text);
        self.read = self.read.saturating_add(bytes);
        if let Some(first) = row.first {
            if self.first_row.is_none() {
                self.first_col = first;
            }
            self.first_row.get_or_insert(self.rows);
            self.first_col = self.first_col.min(first);
            self.last_col = self.last_col.max(row.last);
            self.last_row = self.rows + repeats.max(1);
            self.expanded = self.expanded.saturating_add(row.text.saturating_mul(repeats));
        }
        self.rows = self.rows.saturating_add(repeats.max(1));
    }

    fn held(&self) -> u64 {
        let area = match self.first_row {
            Some(first) => (self.last_row - first).saturating_mul(self.last_col.saturating_sub(self.first_col)),
            None => 0,
        };
        self.read
            .saturating_add(self.expanded)
            .saturating_add(area.saturating_mul(ODS_CELL))
    }
}

// ---------------------------------------------------------------------------------------------
// xlsx

/// The shared strings table's declared count (`<sst uniqueCount=…>`) against its part's size: a
/// reader sizes its table by it.
pub(crate) fn shared_strings_declared(count: u64, size: u64, limits: &Limits) -> Result<(), ErrorKind> {
    // `<si/>` is five bytes: no honest table declares more strings than that allows.
    let held = count.saturating_mul(24);
    if count > size / 5 + 1 && held > 1 << 20 || held > limits.memory_budget() {
        return Err(too_large("共享字符串表", held, limits));
    }
    Ok(())
}

/// The shared-string table's declared `uniqueCount`, which calamine reserves before reading a
/// string: refused when it is more than the table could hold (each string takes some bytes).
pub fn xlsx(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports it
    };
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        if !entry
            .name()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml")
        {
            continue;
        }
        let size = entry.size();
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == "uniqueCount")
                        .and_then(|a| a.value.trim().parse::<u64>().ok())
                        .unwrap_or(0);
                    shared_strings_declared(count, size, limits)?;
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// published reports

/// Web pages: the number of tags, at most [`Limits::max_cells`]. A report page has a few thousand;
/// millions make the HTML parser's tree take gigabytes, and deeply nested ones make it slow (each
/// new element looks through the elements still open).
pub fn html(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let text = super::html::decode(bytes);
    let (tags, depth) = markup(text.as_bytes(), limits.max_cells);
    too_many("网页中的标签数", tags, limits)?;
    if depth > MAX_DEPTH {
        return Err(ErrorKind::Corrupt {
            kind: "html",
            detail: format!("标签嵌套超过 {MAX_DEPTH} 层，浏览器也只显示前几百层"),
        });
    }
    Ok(())
}

/// The deepest nesting of elements taken in a web page (browsers stop nesting at 512).
const MAX_DEPTH: usize = 4096;

/// Elements that never hold others, or whose end tag may be left out (the parser closes them when
/// the next one starts): they do not deepen the nesting.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "option", "optgroup", "rt", "rp", "colgroup",
    "caption", "html", "head", "body", "!doctype",
];

/// The start tags of a page and the deepest nesting of its elements, counted as the HTML parser
/// will meet them (comments and the text of scripts and styles skipped). Stops counting past
/// `most` tags.
fn markup(html: &[u8], most: usize) -> (usize, usize) {
    let find = |from: usize, what: &[u8]| {
        html[from.min(html.len())..]
            .windows(what.len())
            .position(|w| w.eq_ignore_ascii_case(what))
            .map(|p| from + p)
    };
    let (mut tags, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(p) = html[i..].iter().position(|&b| b == b'<') {
        i += p + 1;
        if html[i..].starts_with(b"!--") {
            i = find(i + 3, b"-->").map_or(html.len(), |e| e + 3);
            continue;
        }
        let closing = html.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let len = html[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'!'))
            .count();
        if len == 0 || !(html[start].is_ascii_alphabetic() || html[start] == b'!') {
            continue;
        }
        let name = String::from_utf8_lossy(&html[start..start + len]).to_ascii_lowercase();
        i = start + len;
        if FLAT.contains(&name.as_str()) {
            tags += usize::from(!closing);
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        tags += 1;
        if tags > most {
            break;
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title" | "xmp") {
            let end = format!("</{name}");
            i = find(i, end.as_bytes()).unwrap_or(html.len());
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
    }
    (tags, deepest)
}

/// Web-page text: the number of lines (each one a table cell or a paragraph), at most
/// [`Limits::max_cells`]; the cells of one line (pieces between tabs and pipes), at most
/// [`Limits::max_line_cells`]; and the cells of the whole text, at most [`Limits::max_text_cells`].
/// Counted on the decoded text in one pass, before the reader splits any line: one line of
/// `| 1 | 1 | …` 95 MB long made tens of millions of cells and took 4 GB.
pub fn text(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    too_many("文本的行数", bytes.iter().filter(|&&b| b == b'\n').count(), limits)?;
    let Some(text) = super::text::decode(bytes) else {
        return Ok(()); // the reader reports it
    };
    let mut total = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let cells = 1 + line.chars().filter(|c| matches!(c, '\t' | '|' | '｜')).count();
        if cells > limits.max_line_cells {
            return Err(ErrorKind::TooLarge {
                what: "文本一行的单元格数",
                actual: format!("第{}行超过 {} 个", i + 1, limits.max_line_cells),
                limit: limits.max_line_cells.to_string(),
                option: "--max-line-cells",
            });
        }
        total += cells;
        if total > limits.max_text_cells {
            return Err(ErrorKind::TooLarge {
                what: "文本的单元格总数",
                actual: format!("超过 {} 个", limits.max_text_cells),
                limit: limits.max_text_cells.to_string(),
                option: "--max-text-cells",
            });
        }
    }
    Ok(())
}

/// Word documents: the table cells and paragraphs of `word/document.xml`, at most
/// [`Limits::max_cells`] (its size is bounded by the docx reader).
pub fn docx(bytes: &[u8], limits: &Limits) -> Result<(), ErrorKind> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // the docx reader reports it
    };
    let Ok(xml) = zip.by_name("word/document.xml") else {
        return Ok(());
    };
    let mut reader = std::io::BufReader::new(xml);
    let mut count = 0usize;
    // Counted in chunks, a tag split between two chunks counted by the bytes kept from the last.
    let mut buf = vec![0u8; 1 << 16];
    let mut keep = 0usize;
    loop {
        let n = match reader.read(&mut buf[keep..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let end = keep + n;
        let chunk = &buf[..end];
        count += chunk
            .windows(6)
            .filter(|w| {
                w.starts_with(b"<w:tc") && matches!(w[5], b'>' | b' ')
                    || w.starts_with(b"<w:p") && matches!(w[4], b'>' | b' ')
            })
            .count();
        if count > limits.max_cells {
            break;
        }
        keep = end.min(5);
        buf.copy_within(end - keep..end, 0);
    }
    too_many("Word 文档中的表格单元格和段落数", count, limits)
}

fn too_many(what: &'static str, count: usize, limits: &Limits) -> Result<(), ErrorKind> {
    if count > limits.max_cells {
        return Err(ErrorKind::TooLarge {
            what,
            actual: format!("超过 {} 个", limits.max_cells),
            limit: limits.max_cells.to_string(),
            option: "--max-cells",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_corrupt_error() {
        let r: Result<(), ErrorKind> = calamine("xls", || panic!("index out of bounds"));
        match r {
            Err(ErrorKind::Corrupt { kind: "xls", detail }) => {
                assert!(detail.contains("index out of bounds"), "{detail}");
                assert!(detail.contains("src/read/guard.rs:"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!in_guarded_call());
    }

    #[test]
    fn markup_counts_tags_and_nesting_as_the_parser_meets_them() {
        let page = b"<!DOCTYPE html><html><body><div><p>a<p>b<table><tr><td>1<td>2</table></div>\
            <!-- <div><div><div> --><script>if (a<b) { x = '<div>'; }</script><div><br><img src=x></div>";
        assert_eq!(markup(page, 1000), (14, 2));
        let deep = "<div>".repeat(5000);
        assert_eq!(markup(deep.as_bytes(), 100_000).1, 5000);
    }

    #[test]
    fn sst_lengths_cross_continue_records() {
        // Two strings: "ab" (compressed) and 3 UTF-16 characters split over a CONTINUE block.
        let mut data = vec![0u8; 8];
        data.extend([2, 0, 0, b'a', b'b']);
        data.extend([3, 0, 1, b'x', 0]);
        let cont: &[u8] = &[0, b'y', b'z'];
        let record = Record {
            typ: 0x00FC,
            data: &data,
            cont: vec![cont],
        };
        assert_eq!(sst_lengths(&record), vec![2, 3]);
    }
}
