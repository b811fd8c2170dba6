//! Workbooks — xlsx, xlsm, xls (Excel and WPS) and ods: xlsx read directly ([`super::xlsx`]), the
//! rest (and any xlsx that reader leaves) through calamine.
//!
//! Each visible worksheet becomes one [`Grid`] in the sheet's own coordinates, so every value keeps
//! its real A1 address. Formula cells give their cached values (the only numbers some returns have).
//! Merged ranges become spans. Defined names are kept for reading our own templates exactly.
//!
//! Memory is bounded whatever the file holds: xlsx sheets are read cell by cell, never as calamine's
//! dense `Range` (which would allocate the whole bounding box: one stray cell at XFD1048576 makes
//! that half a terabyte), the number of non-empty cells is limited, and blank cells are filled in only
//! where tables can be: in rows that have content, up to the last column used by more than one row.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, SheetVisible, Xls, Xlsx};

use super::formula::{self, Evaluated, Operand};
use super::xlsx;
use super::{guard, Document, Grid, GridCell, InputKind, Limits};
use crate::date;
use crate::error::ErrorKind;
use crate::model::{format_number, Location};

/// Reads a workbook of the given kind.
///
/// What calamine would allocate is measured first and a panic inside calamine becomes an error
/// about the file ([`super::guard`]).
pub fn read(bytes: &[u8], kind: InputKind, limits: &Limits) -> Result<Document, ErrorKind> {
    read_sheets(bytes, kind, limits, Sheets::Visible)
}

/// Reads a workbook with its hidden worksheets too: for the file whose visible sheets hold no
/// report (the tables hidden, and a cover or a chart left visible).
pub fn read_all_sheets(bytes: &[u8], kind: InputKind, limits: &Limits) -> Result<Document, ErrorKind> {
    read_sheets(bytes, kind, limits, Sheets::All)
}

/// The largest worksheet part searched for its page header.
const MAX_SHEET_XML: u64 = 64 << 20;

/// The text of the xlsx worksheets' page headers and footers (页眉/页脚: `&C某某局2024年…报告`), each
/// without its format codes (`&C`, `&P`, `&"宋体,加粗"`, `&12`), in sheet order; empty for other
/// kinds or a part that cannot be read.
pub fn page_headers(bytes: &[u8], kind: InputKind) -> Vec<String> {
    if kind != InputKind::Xlsx {
        return Vec::new();
    }
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
        .map(|n| n.to_string())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names.iter().take(50) {
        let Ok(file) = zip.by_name(name) else { continue };
        let mut xml = Vec::new();
        if std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_SHEET_XML + 1), &mut xml).is_err()
            || xml.len() as u64 > MAX_SHEET_XML
        {
            continue;
        }
        for tag in ["oddHeader", "firstHeader", "evenHeader", "oddFooter"] {
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            let Some(start) = memchr::memmem::find(&xml, open.as_bytes()) else {
                continue;
            };
            let from = start + open.len();
            let Some(len) = memchr::memmem::find(&xml[from..], close.as_bytes()) else {
                continue;
            };
            let text = header_text(&String::from_utf8_lossy(&xml[from..from + len]));
            if !text.is_empty() {
                out.push(text);
            }
        }
    }
    out
}

/// A header's text without its format codes and XML escapes.
fn header_text(raw: &str) -> String {
    let raw = quick_xml::escape::unescape(raw).unwrap_or(std::borrow::Cow::Borrowed(raw));
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            out.push(c);
            continue;
        }
        // A code: `&"font"`, `&12` (size), or one letter (`&C`, `&P`, `&B` …); `&&` is an ampersand.
        match chars.peek().copied() {
            Some('"') => {
                chars.next();
                for d in chars.by_ref() {
                    if d == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            Some('&') => {
                chars.next();
                out.push('&');
            }
            Some(_) => {
                chars.next();
                out.push(' ');
            }
            None => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which worksheets are read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sheets {
    /// The visible ones (all of them if none is visible).
    Visible,
    /// Hidden ones too.
    All,
}

fn read_sheets(bytes: &[u8], kind: InputKind, limits: &Limits, which: Sheets) -> Result<Document, ErrorKind> {
    match kind {
        // xlsx: before calamine only ([`sheets`]).
        InputKind::Xlsx => {}
        InputKind::Xls => guard::xls(bytes, limits)?,
        InputKind::Ods => guard::ods(bytes, limits)?,
        InputKind::Text | InputKind::Html | InputKind::Docx | InputKind::Pdf => {}
    }
    let (sheets, names) = guard::calamine(kind.code(), || sheets(bytes, kind, limits, which))?;
    let grids: Vec<Grid> = sheets
        .into_iter()
        .map(|(name, cells, merged)| sheet_grid(&name, cells, &merged))
        .collect();
    // Our template's cell names lead straight to each value. Once one of them is broken (`#REF!`:
    // its row or its sheet was deleted) the layout has been changed by hand, and the names are set
    // aside: the labels are read instead, like any agency's own workbook, rather than leaving that
    // value out.
    let intact = template_names_intact(&names, |sheet| grids.iter().any(|g| g.name == sheet));
    let names = names
        .into_iter()
        .filter(|(name, _)| intact || !name.starts_with(crate::format::NAME_PREFIX))
        .filter_map(|(name, at)| Some((name, at?)))
        .collect();
    Ok(Document {
        grids,
        paragraphs: Vec::new(),
        names,
        published: false,
        title: None,
    })
}

/// A sheet's name, non-empty cells and merged ranges.
type Sheet = (String, Vec<(u32, u32, CellText)>, Vec<Dimensions>);
/// A defined name and the cell it points at (`None`: not a single cell, or broken: `#REF!`).
pub(super) type DefinedName = (String, Option<Location>);

/// The visible sheets and the defined names, through calamine.
fn sheets(
    bytes: &[u8],
    kind: InputKind,
    limits: &Limits,
    which: Sheets,
) -> Result<(Vec<Sheet>, Vec<DefinedName>), ErrorKind> {
    let cursor = Cursor::new(bytes);
    let corrupt = |detail: String| ErrorKind::Corrupt {
        kind: kind.code(),
        detail,
    };
    let sheets;
    let names = match kind {
        InputKind::Xlsx => match xlsx::read(bytes, which == Sheets::All, limits)? {
            Some(book) => {
                sheets = direct_sheets(book.sheets, &book.names, book.named);
                book.names
            }
            None => {
                guard::xlsx(bytes, limits)?;
                let mut wb: Xlsx<_> = Xlsx::new(cursor).map_err(|e| corrupt(e.to_string()))?;
                sheets = xlsx_sheets(&mut wb, limits, which)?;
                parsed(wb.defined_names())
            }
        },
        InputKind::Xls => {
            let mut wb: Xls<_> = Xls::new(cursor).map_err(|e| corrupt(e.to_string()))?;
            sheets = whole_sheets(&mut wb, limits, which, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })?;
            parsed(wb.defined_names())
        }
        InputKind::Ods => {
            // calamine does not report merged ranges of ods files: a merged label then sits in its
            // top-left cell only, which the matcher handles.
            let mut wb: Ods<_> = Ods::new(cursor).map_err(|e| corrupt(e.to_string()))?;
            sheets = whole_sheets(&mut wb, limits, which, |_, _| Vec::new())?;
            parsed(wb.defined_names())
        }
        InputKind::Text | InputKind::Html | InputKind::Docx | InputKind::Pdf => {
            return Err(corrupt("不是工作簿".into()))
        }
    };
    Ok((sheets, names))
}

/// The sheets [`xlsx::read`] read, as the calamine path gives them: in our template, the formulas
/// saved without results are worked out only where a name points at a cell without a value, and
/// merged ranges are not needed.
fn direct_sheets(raw: Vec<xlsx::RawSheet>, names: &[DefinedName], named: bool) -> Vec<Sheet> {
    let targets = if named { name_targets(names) } else { HashMap::default() };
    raw.into_iter()
        .map(|s| {
            let needed = !named
                || targets.get(&s.name).is_some_and(|cells| {
                    s.blank
                        .iter()
                        .chain(s.uncached.iter().map(|(at, _)| at))
                        .any(|at| cells.contains(at))
                });
            let mut cells = s.cells;
            if needed {
                work_out(&mut cells, &s.uncached);
            }
            let merged = if named { Vec::new() } else { s.merged };
            (s.name, cells, merged)
        })
        .collect()
}

/// The worksheets of an xlsx through calamine, for the workbooks [`xlsx::read`] leaves to it.
fn xlsx_sheets(wb: &mut Xlsx<Cursor<&[u8]>>, limits: &Limits, which: Sheets) -> Result<Vec<Sheet>, ErrorKind> {
    // Our own templates are read by their cell names; their merged ranges (a second pass over each
    // sheet's XML) are not needed.
    let parsed_names = parsed(wb.defined_names());
    let sheet_names = wb.sheet_names();
    let named = template_names_intact(&parsed_names, |sheet| sheet_names.iter().any(|n| n == sheet));
    // Where our template's names point, worked out once a file if a sheet needs it.
    let mut targets: Option<HashMap<String, HashSet<(u32, u32)>>> = None;
    let mut sheets = Vec::new();
    for name in worksheets(wb, which) {
        let mut cells = Vec::new();
        let damaged = |e: calamine::XlsxError| ErrorKind::SheetCorrupt {
            sheet: name.clone(),
            detail: e.to_string(),
        };
        let mut uncached = Vec::new();
        // Our template comes back from Excel or WPS with every formula's result saved, and is read
        // by its names: its formulas' text (a check formula on every row) is not needed — unless a
        // named cell has no value (a program filled the template and saved its totals' formulas
        // without results); then the sheet is read again for it.
        let mut valueless = Vec::new();
        let mut reader = wb.worksheet_cells_reader(&name).map_err(damaged)?;
        if named {
            while let Some(cell) = reader.next_cell().map_err(damaged)? {
                let (r, c) = cell.get_position();
                match text_of_ref(cell.get_value()) {
                    Some(value) => cells.push((r, c, value)),
                    None => valueless.push((r, c)),
                }
                limits.check_cells(cells.len() + valueless.len(), &name)?;
            }
        } else {
            while let Some(cell) = reader.next_cell_with_formula().map_err(damaged)? {
                let (r, c) = cell.pos;
                match (text_of_ref(&cell.value), cell.formula) {
                    (Some(value), _) => cells.push((r, c, value)),
                    (None, Some(formula)) => uncached.push(((r, c), formula)),
                    (None, None) => continue,
                }
                limits.check_cells(cells.len() + uncached.len(), &name)?;
            }
        }
        drop(reader);
        // A styled blank cell has no value either; only one our names point at matters.
        let named_blank = named && !valueless.is_empty() && {
            let targets = targets.get_or_insert_with(|| name_targets(&parsed_names));
            targets
                .get(&name)
                .is_some_and(|cells| valueless.iter().any(|cell| cells.contains(cell)))
        };
        if named_blank {
            let mut reader = wb.worksheet_cells_reader(&name).map_err(damaged)?;
            while let Some(cell) = reader.next_cell_with_formula().map_err(damaged)? {
                if let (DataRef::Empty, Some(formula)) = (&cell.value, cell.formula) {
                    uncached.push((cell.pos, formula));
                }
            }
        }
        work_out(&mut cells, &uncached);
        let merged = if named {
            Vec::new()
        } else {
            wb.merge_cells_by_sheet_name(&name).unwrap_or_default()
        };
        sheets.push((name, cells, merged));
    }
    Ok(sheets)
}

/// Adds the sheet's formulas saved without results ([`super::formula`]): the result where it can
/// be worked out, else the formula's text (`=…`), which is no number and which `check` explains.
fn work_out(cells: &mut Vec<(u32, u32, CellText)>, uncached: &[((u32, u32), String)]) {
    if uncached.is_empty() {
        return;
    }
    // An error value (`#N/A`, `#DIV/0!`) makes every formula using it an error in Excel: unknown.
    let operand = |text: &str, number: Option<f64>| match number {
        Some(n) => Operand::Number(n),
        None if EXCEL_ERRORS.contains(&text.trim()) => Operand::Unknown,
        None => Operand::Text(text.to_string()),
    };
    let operands = cells
        .iter()
        .map(|(r, c, (text, number))| ((*r, *c), operand(text, *number)))
        .collect();
    let results = formula::evaluate_sheet(&operands, uncached);
    for ((r, c), text) in uncached {
        let value = match results.get(&(*r, *c)) {
            Some(Evaluated::Number(n)) => (format_number(*n), Some(*n)),
            Some(Evaluated::Text(t)) => (t.clone(), None),
            None => (format!("={text}"), None),
        };
        cells.push((*r, *c, value));
    }
}

/// `A1:C3` as calamine's dimensions (zero-based rows and columns).
pub(super) fn dimensions(range: &str) -> Option<Dimensions> {
    let cell = |a1: &str| -> Option<(u32, u32)> {
        let a1 = a1.trim_matches('$');
        let split = a1.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = a1.split_at(split);
        // Checked: a column of a hundred letters (a damaged file) is no column.
        let col = letters.trim_end_matches('$').chars().try_fold(0u32, |acc, c| {
            let digit = (c.to_ascii_uppercase() as u32).checked_sub('A' as u32)? + 1;
            acc.checked_mul(26)?.checked_add(digit)
        })?;
        let row: u32 = digits.parse().ok()?;
        Some((row.checked_sub(1)?, col.checked_sub(1)?))
    };
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    Some(Dimensions::new(cell(a)?, cell(b)?))
}

/// The visible sheets of a workbook that calamine reads a sheet at a time (xls, ods), with the
/// merged ranges `merges` finds for each.
fn whole_sheets<RS, R>(
    wb: &mut R,
    limits: &Limits,
    which: Sheets,
    merges: impl Fn(&mut R, &str) -> Vec<Dimensions>,
) -> Result<Vec<Sheet>, ErrorKind>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let mut sheets = Vec::new();
    for name in worksheets(wb, which) {
        let range = wb.worksheet_range(&name).map_err(|e| ErrorKind::SheetCorrupt {
            sheet: name.clone(),
            detail: e.to_string(),
        })?;
        let cells = used(&range, &name, limits)?;
        let merged = merges(wb, &name);
        sheets.push((name, cells, merged));
    }
    Ok(sheets)
}

/// Whether the workbook is our template with every cell name (`NB.…`) intact: each one names a
/// single cell of a sheet that `exists`.
pub(super) fn template_names_intact(names: &[DefinedName], exists: impl Fn(&str) -> bool) -> bool {
    let mut ours = names
        .iter()
        .filter(|(n, _)| n.starts_with(crate::format::NAME_PREFIX))
        .peekable();
    ours.peek().is_some() && ours.all(|(_, at)| at.as_ref().is_some_and(|at| exists(&at.sheet)))
}

/// The cells our template's names (`NB.…`) point at, by sheet.
fn name_targets(names: &[DefinedName]) -> HashMap<String, HashSet<(u32, u32)>> {
    let mut out: HashMap<String, HashSet<(u32, u32)>> = HashMap::default();
    let ours = names.iter().filter(|(n, _)| n.starts_with(crate::format::NAME_PREFIX));
    for at in ours.filter_map(|(_, at)| at.as_ref()) {
        out.entry(at.sheet.to_string()).or_default().insert((at.row, at.col));
    }
    out
}

/// A workbook's defined names, each parsed once.
pub(super) fn parsed(names: &[(String, String)]) -> Vec<DefinedName> {
    names
        .iter()
        .map(|(name, formula)| (name.clone(), parse_reference(formula)))
        .collect()
}

/// The worksheets to read, in workbook order: the visible ones (all of them if none is visible),
/// or every one. Chart, dialog and macro sheets hold no tables.
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(wb: &R, which: Sheets) -> Vec<String> {
    let sheets: Vec<&calamine::Sheet> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    let any_visible = which == Sheets::Visible && sheets.iter().any(|s| s.visible == SheetVisible::Visible);
    sheets
        .into_iter()
        .filter(|s| !any_visible || s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

/// A cell's text and native number; `None` for an empty cell.
pub(super) type CellText = (String, Option<f64>);

pub(super) fn text_of(data: &Data) -> Option<CellText> {
    Some(match data {
        Data::Int(i) => (i.to_string(), Some(*i as f64)),
        Data::Float(f) => (format_number(*f), Some(*f)),
        Data::String(s) => (s.clone(), None),
        Data::Empty => return None,
        Data::DateTime(d) => date_cell(d.as_f64()),
        Data::DateTimeIso(iso) => iso_serial(iso).map_or_else(|| (iso.clone(), None), date_cell),
        other => (other.to_string(), None),
    })
}

fn text_of_ref(data: &DataRef) -> Option<CellText> {
    Some(match data {
        DataRef::Int(i) => (i.to_string(), Some(*i as f64)),
        DataRef::Float(f) => (format_number(*f), Some(*f)),
        DataRef::String(s) => (s.clone(), None),
        DataRef::SharedString(s) => (s.to_string(), None),
        DataRef::Empty => return None,
        other => return text_of(&Data::from(other.clone())),
    })
}

/// Excel's error values, as calamine writes them.
const EXCEL_ERRORS: &[&str] = &[
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#GETTING_DATA",
];

/// A number shown as a date because its cell has a date format: in xlsx, xls and ods alike, a
/// count shown as a date before 1903 (`3` as `1900-01-02`: a template's format copied over, or an
/// xls turned into an ods) is the count typed; any later date is a date, no count, and stays the
/// date's text (which `check` reports as not a number).
fn date_cell(serial: f64) -> CellText {
    if (0.0..1100.0).contains(&serial) {
        (format_number(serial), Some(serial))
    } else {
        (date_text(serial), None)
    }
}

/// `2024-01-05` for serial 45296 (days since 1899-12-30; the time of day left out).
fn date_text(serial: f64) -> String {
    let (y, m, d) = date::civil_from_days(date::days_from_serial(serial.floor() as i64));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The spreadsheet serial number (days since 1899-12-30, the time of day as its fraction) of an
/// ISO date `1900-01-02[THH:MM[:SS]]`.
fn iso_serial(iso: &str) -> Option<f64> {
    let date = iso.get(..10)?;
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let time: f64 = iso
        .get(11..)
        .map(|t| {
            t.split(':')
                .zip([3600.0, 60.0, 1.0])
                .filter_map(|(part, unit)| part.trim_end_matches('Z').parse::<f64>().ok().map(|v| v * unit))
                .sum::<f64>()
                / 86_400.0
        })
        .unwrap_or(0.0);
    Some(date::serial_from_days(date::days_from_civil(y, m, d)) as f64 + time)
}

/// The non-empty cells of a range calamine already holds (xls, ods).
fn used(range: &calamine::Range<Data>, sheet: &str, limits: &Limits) -> Result<Vec<(u32, u32, CellText)>, ErrorKind> {
    let mut out = Vec::new();
    for (r, c, data) in range.used_cells() {
        if let Some(t) = text_of(data) {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            out.push((r0 + r as u32, c0 + c as u32, t));
            limits.check_cells(out.len(), sheet)?;
        }
    }
    Ok(out)
}

/// The most cells a sheet's merged ranges may cover together.
const MAX_MERGED_AREA: u64 = 1 << 20;
/// The most blank cells filled into a sheet's rows.
const MAX_BLANK_FILL: u64 = 1 << 20;

/// One worksheet as a grid: its cells, merged ranges as spans, and blank cells where a table can
/// be — in rows with content, up to the last column that more than one row uses — so values can be
/// placed by their order in a row and blank cells are reported where they are.
fn sheet_grid(name: &str, cells: Vec<(u32, u32, CellText)>, merged: &[Dimensions]) -> Grid {
    let mut covered = HashSet::default();
    let mut spans = HashMap::default();
    // Cells covered by merged ranges so far: a real sheet has a few hundred; past this bound the
    // ranges of a hostile file are not taken as merges (their top-left cells stay as they are, with
    // no span: `Grid::new` marks every position a span covers, and a range four billion columns
    // wide once took it past 2 GB).
    let mut area: u64 = 0;
    for m in merged {
        // (An end at u32::MAX would make the grid's row + rows overflow.)
        if m.end.0 < m.start.0 || m.end.1 < m.start.1 || m.end.0 == u32::MAX || m.end.1 == u32::MAX {
            continue;
        }
        let (rows, cols) = (m.end.0 - m.start.0 + 1, m.end.1 - m.start.1 + 1);
        // A merged range is at most a table wide and tall; a larger one is not a label.
        if rows <= 1000 && cols <= 200 && area + u64::from(rows * cols) <= MAX_MERGED_AREA {
            spans.insert(m.start, (rows, cols));
            area += u64::from(rows * cols);
            for r in m.start.0..=m.end.0 {
                for c in m.start.1..=m.end.1 {
                    if (r, c) != m.start {
                        covered.insert((r, c));
                    }
                }
            }
        }
    }
    // Sorted by row and column (stably: two cells at one address stay in the file's order), so
    // each row's blanks are found by walking it, without a set of the cells present.
    let mut cells = cells;
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let rows = cells.chunk_by(|a, b| a.0 == b.0).count();
    let first_col = cells.iter().map(|(_, c, _)| *c).min().unwrap_or(0);
    let mut cols: Vec<u32> = cells.iter().map(|(_, c, _)| *c).collect();
    cols.sort_unstable();
    let last_col = cols.windows(2).rev().find(|w| w[0] == w[1]).map_or(first_col, |w| w[0]);
    // However far apart the columns, the blanks filled in stay bounded (a real table is a few
    // dozen columns wide; blanks beyond the bound are only not reported, values still read).
    let width = u64::from(last_col - first_col) + 1;
    let most = (MAX_BLANK_FILL / rows.max(1) as u64).max(1);
    let last_col = first_col + (width.min(most) - 1) as u32;
    // Room for the cells and the blanks filled in (at most a row's width in each row with
    // content, bounded above), so the grid is not copied as it grows.
    let mut out: Vec<GridCell> = Vec::with_capacity(cells.len() + rows * (last_col - first_col + 1) as usize);
    let sheet: Arc<str> = name.into();
    let is_covered = |r: u32, c: u32| !covered.is_empty() && covered.contains(&(r, c));
    let cell = |r: u32, c: u32, text: String, number: Option<f64>| {
        let (rows, cols) = match spans.is_empty() {
            true => (1, 1),
            false => spans.get(&(r, c)).copied().unwrap_or((1, 1)),
        };
        GridCell {
            row: r,
            col: c,
            rows,
            cols,
            text,
            number,
            at: Location::sheet(Arc::clone(&sheet), r, c),
        }
    };
    // Each row's cells, with blanks where a column from `first_col` to `last_col` has none.
    let blanks = |out: &mut Vec<GridCell>, r: u32, from: u64, to: u64| {
        for c in from..to.min(u64::from(last_col) + 1) {
            let c = c as u32;
            if !is_covered(r, c) {
                out.push(cell(r, c, String::new(), None));
            }
        }
    };
    let mut cells = cells.into_iter().peekable();
    while let Some(&(r, _, _)) = cells.peek() {
        // The first column whose blank is still to be filled.
        let mut next = u64::from(first_col);
        while let Some((_, c, (text, number))) = cells.next_if(|x| x.0 == r) {
            blanks(&mut out, r, next, u64::from(c));
            next = next.max(u64::from(c) + 1);
            if !is_covered(r, c) {
                out.push(cell(r, c, text, number));
            }
        }
        blanks(&mut out, r, next, u64::MAX);
    }
    Grid::new(name, true, out)
}

/// A defined name's target, `'表 三'!$C$7` or `表三!C7`, as a location (single cells only).
fn parse_reference(formula: &str) -> Option<Location> {
    let (sheet, cell) = formula.trim_start_matches('=').rsplit_once('!')?;
    let sheet = sheet.trim_matches('\'').replace("\'\'", "'");
    let cell = cell.replace('$', "");
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // A name may say anything: a column past XFD (or past u32) is no cell.
    let col = letters.chars().try_fold(0u32, |acc, ch| {
        acc.checked_mul(26)?
            .checked_add(ch.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
            .filter(|&c| c <= 16_384)
    })? - 1;
    let row = digits.parse::<u32>().ok()?.checked_sub(1)?;
    Some(Location::sheet(sheet, row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_reference("'表 三'!$C$7"), Some(Location::sheet("表 三", 6, 2)));
        assert_eq!(parse_reference("表四!AB12"), Some(Location::sheet("表四", 11, 27)));
        assert_eq!(parse_reference("表四!$A$1:$B$2"), None);
        assert_eq!(parse_reference("表四!XFD1"), Some(Location::sheet("表四", 0, 16_383)));
        assert_eq!(parse_reference("表四!ZZZZZZZZZZZZZZ1"), None);
    }

    #[test]
    fn formulas_without_results_are_worked_out_as_excel_would() {
        let mut cells = vec![
            (4, 3, ("2".to_string(), Some(2.0))),
            (4, 4, ("备注".to_string(), None)),
            (5, 3, ("#N/A".to_string(), None)),
        ];
        work_out(
            &mut cells,
            &[((4, 9), "SUM(D5:I5)".into()), ((5, 9), "SUM(D6:I6)".into())],
        );
        // Text in a range is skipped; an error value makes the formula unknown, never 0.
        assert_eq!(cells[3], (4, 9, ("2".to_string(), Some(2.0))));
        assert_eq!(cells[4], (5, 9, ("=SUM(D6:I6)".to_string(), None)));
    }

    #[test]
    fn merged_range_references() {
        assert_eq!(dimensions("B2:D3"), Some(Dimensions::new((1, 1), (2, 3))));
        assert_eq!(dimensions("$AA$10"), Some(Dimensions::new((9, 26), (9, 26))));
        assert_eq!(dimensions("A0:B1"), None);
    }

    /// Every xlsx of the fixtures (other software's, the corpus's, the broken and hostile ones) as
    /// the direct reader gives it and as calamine does: the same sheets, cells, formulas worked
    /// out and merged ranges, or the direct reader steps aside.
    #[test]
    fn the_direct_reader_reads_what_calamine_reads() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let limits = Limits::default();
        let (mut direct, mut left) = (0, Vec::<std::path::PathBuf>::new());
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path();
            if !path.extension().is_some_and(|e| e == "xlsx" || e == "xlsm") {
                continue;
            }
            let bytes = std::fs::read(path).unwrap();
            for which in [Sheets::Visible, Sheets::All] {
                let Ok(Some(book)) = xlsx::read(&bytes, which == Sheets::All, &limits) else {
                    // Only a file that is no workbook (a lock file, half a zip, an xls so named) is
                    // left to calamine.
                    if guard::xlsx(&bytes, &limits).is_ok() && Xlsx::new(Cursor::new(bytes.as_slice())).is_ok() {
                        left.push(path.to_path_buf());
                    }
                    continue;
                };
                let fast = direct_sheets(book.sheets, &book.names, book.named);
                // (A hostile file calamine is kept from: the direct reader takes no memory on trust.)
                if guard::xlsx(&bytes, &limits).is_err() {
                    continue;
                }
                let Ok(mut wb) = Xlsx::new(Cursor::new(bytes.as_slice())) else {
                    panic!("{}: read directly, not by calamine", path.display());
                };
                // (calamine itself fails on a merged range of a hundred-letter column.)
                let Ok(slow) = guard::calamine("xlsx", || xlsx_sheets(&mut wb, &limits, which)) else {
                    continue;
                };
                assert_eq!(fast, slow, "{} ({which:?})", path.display());
                assert_eq!(book.names, parsed(wb.defined_names()), "{}", path.display());
                direct += 1;
            }
        }
        assert!(direct > 200, "{direct} read directly");
        // Only the fuzzers' malformed XML (`<f>…<8f>`) is left to calamine.
        let unexpected: Vec<_> = left
            .iter()
            .filter(|p| !p.starts_with(format!("{root}/regressions")))
            .collect();
        assert!(unexpected.is_empty(), "left to calamine: {unexpected:#?}");
    }

    #[test]
    fn dates_that_are_counts() {
        assert_eq!(iso_serial("1900-01-02"), Some(3.0));
        assert_eq!(iso_serial("2024-01-05T00:00:00"), Some(45_296.0));
        assert_eq!(iso_serial("1899-12-30"), Some(0.0));
        assert_eq!(iso_serial("1900-01-02T12:00:00"), Some(3.5));
        assert_eq!(date_text(45_296.0), "2024-01-05");
        assert_eq!(date_text(3.0), "1900-01-02");
        assert_eq!(
            text_of(&Data::DateTimeIso("1900-01-02".into())),
            Some(("3".into(), Some(3.0)))
        );
        // A real date stays text (and is no number in a count cell).
        assert_eq!(
            text_of(&Data::DateTimeIso("2024-01-05".into())),
            Some(("2024-01-05".into(), None))
        );
        // The same in xlsx and xls, where calamine gives the serial number with a date format.
        let date = |serial: f64| {
            Data::DateTime(calamine::ExcelDateTime::new(
                serial,
                calamine::ExcelDateTimeType::DateTime,
                false,
            ))
        };
        assert_eq!(text_of(&date(3.0)), Some(("3".into(), Some(3.0))));
        assert_eq!(text_of(&date(45_296.0)), Some(("2024-01-05".into(), None)));
    }
}
