//! xlsx workbooks read directly, each worksheet's part inflated once and scanned once for its
//! cells and its merged ranges.
//!
//! Returns made by other software are read by their labels, so each needs every cell and the merged
//! ranges; calamine gives the cells in one pass over a sheet's XML and the merged ranges in a
//! second, and parses the whole style sheet (fonts, fills, borders) when a report needs only which
//! number formats are dates. This reader takes only the parts a report needs — the workbook, its
//! relationships, the shared strings, the number formats — and reads each sheet once.
//!
//! It reads the workbooks that Excel, WPS, LibreOffice, openpyxl and xlsxwriter write. Anything it
//! does not expect (a part not where the relationships say, a namespace prefix on the elements, a
//! cell without its address, a shared formula saved without its result, a part larger than a
//! report's ever is) makes it step aside: [`read`] gives `None` and calamine reads the file, so it
//! reads what calamine reads, cell for cell (a test holds the two equal on every fixture).

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{CellErrorType, Data, Dimensions};
use quick_xml::events::{BytesRef, BytesStart, Event};
use rustc_hash::FxHashMap as HashMap;

use super::workbook::{dimensions, parsed, template_names_intact, text_of, CellText, DefinedName};
use super::{guard, Limits};
use crate::error::ErrorKind;
use crate::model::format_number;

/// A worksheet as read: its cells with a value, and what the caller needs for the rest.
#[derive(Debug, Default)]
pub(super) struct RawSheet {
    pub name: String,
    /// Cells with a value (a formula's saved result counts), in the order of the file.
    pub cells: Vec<(u32, u32, CellText)>,
    /// Cells with a formula and no saved result, with the formula's text.
    pub uncached: Vec<((u32, u32), String)>,
    /// Cells present with neither (a styled blank); kept only in our template.
    pub blank: Vec<(u32, u32)>,
    pub merged: Vec<Dimensions>,
}

/// The workbook: the worksheets asked for and the defined names.
#[derive(Debug, Default)]
pub(super) struct Book {
    pub sheets: Vec<RawSheet>,
    pub names: Vec<DefinedName>,
    /// Whether it is our template with its cell names intact (read by them: the styled blanks
    /// are kept, for a name pointing at one).
    pub named: bool,
}

/// The largest part read (64 MiB; a report's sheet is a few hundred KiB): a larger one is left to
/// calamine, which streams it.
const MAX_PART: u64 = 64 << 20;

/// One sheet of the workbook as its relationships describe it.
struct SheetEntry {
    name: String,
    path: String,
    worksheet: bool,
    visible: bool,
}

/// Reads the workbook, or `None` where calamine is to read it (see the module's doc). `all`: hidden
/// worksheets too. An error is only the cell limit ([`Limits::check_cells`]).
pub(super) fn read(bytes: &[u8], all: bool, limits: &Limits) -> Result<Option<Book>, ErrorKind> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(None);
    };
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let entry = zip.by_name(name).ok()?;
        if entry.size() > MAX_PART {
            return None;
        }
        let mut out = Vec::with_capacity(usize::try_from(entry.size()).ok()?);
        entry.take(MAX_PART + 1).read_to_end(&mut out).ok()?;
        (out.len() as u64 <= MAX_PART).then_some(out)
    };
    let Some(workbook) = part("xl/workbook.xml") else {
        return Ok(None);
    };
    let Some(rels) = part("xl/_rels/workbook.xml.rels") else {
        return Ok(None);
    };
    let Some((entries, names, shared, styles)) = workbook_parts(&workbook, &rels) else {
        return Ok(None);
    };
    let strings = match shared {
        Some(path) => {
            let Some(xml) = part(&path) else {
                return Ok(None);
            };
            match shared_strings(&xml, limits)? {
                Some(s) => s,
                None => return Ok(None),
            }
        }
        None => Vec::new(),
    };
    let dates = match styles {
        Some(path) => match part(&path).and_then(|xml| date_styles(&xml)) {
            Some(d) => d,
            None => return Ok(None),
        },
        None => Vec::new(),
    };
    let worksheets = || entries.iter().filter(|s| s.worksheet);
    let any_visible = !all && worksheets().any(|s| s.visible);
    let names = parsed(&names);
    let named = template_names_intact(&names, |sheet| entries.iter().any(|s| s.name == sheet));
    let mut book = Book {
        names,
        named,
        sheets: Vec::new(),
    };
    let context = Context {
        strings: &strings,
        dates: &dates,
    };
    for entry in worksheets().filter(|s| !any_visible || s.visible) {
        let Some(xml) = part(&entry.path) else {
            return Ok(None);
        };
        match sheet(&xml, &entry.name, &context, named, limits)? {
            Some(s) => book.sheets.push(s),
            None => return Ok(None),
        }
    }
    Ok(Some(book))
}

/// The sheets, the defined names, and the paths of the shared strings and the styles, from
/// `xl/workbook.xml` and its relationships.
type WorkbookParts = (Vec<SheetEntry>, Vec<(String, String)>, Option<String>, Option<String>);

fn workbook_parts(workbook: &[u8], rels: &[u8]) -> Option<WorkbookParts> {
    // Relationship id → (target path, type's last word).
    let mut targets: HashMap<String, (String, String)> = HashMap::default();
    let (mut shared, mut styles) = (None, None);
    let mut reader = xml_reader(rels);
    root(&mut reader, "Relationships")?;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.name().as_ref() == "Relationship" => {
                let (id, target, kind) = (attr(&e, "Id")?, attr(&e, "Target")?, attr(&e, "Type")?);
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                let kind = kind.rsplit('/').next().unwrap_or_default().to_string();
                match kind.as_str() {
                    "sharedStrings" => shared = Some(path.clone()),
                    "styles" => styles = Some(path.clone()),
                    _ => {}
                }
                targets.insert(id.into_owned(), (path, kind));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    let mut reader = xml_reader(workbook);
    root(&mut reader, "workbook")?;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match e.name().as_ref() {
                "sheet" => {
                    let name = attr(&e, "name")?.into_owned();
                    let visible = match attr(&e, "state").as_deref() {
                        None | Some("visible") => true,
                        Some("hidden" | "veryHidden") => false,
                        Some(_) => return None,
                    };
                    let (path, kind) = targets.get(attr(&e, "r:id")?.as_ref())?;
                    if !matches!(kind.as_str(), "worksheet" | "chartsheet" | "dialogsheet") {
                        return None;
                    }
                    sheets.push(SheetEntry {
                        name,
                        path: path.clone(),
                        worksheet: kind == "worksheet",
                        visible,
                    });
                }
                "definedName" => {
                    let name = attr(&e, "name")?.into_owned();
                    let mut value = String::new();
                    loop {
                        match reader.read_event().ok()? {
                            Event::Text(t) => value.push_str(&t.xml10_content()),
                            Event::GeneralRef(r) => entity(&r, &mut value)?,
                            Event::End(end) if end.name().as_ref() == "definedName" => break,
                            Event::Start(_) | Event::End(_) | Event::Eof => return None,
                            _ => {}
                        }
                    }
                    names.push((name, value));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (!sheets.is_empty()).then_some((sheets, names, shared, styles))
}

/// The shared strings: each `<si>`'s text, its runs joined, without its phonetic guide (`<rPh>`).
/// A table declaring more strings than its size allows is refused as calamine's reading is
/// ([`guard::shared_strings_declared`]), though this reader sizes nothing by the declaration.
fn shared_strings(xml: &[u8], limits: &Limits) -> Result<Option<Vec<String>>, ErrorKind> {
    let mut reader = xml_reader(xml);
    let Some(sst) = root(&mut reader, "sst") else {
        return Ok(None);
    };
    let declared = attr(&sst, "uniqueCount").and_then(|n| n.trim().parse::<u64>().ok());
    guard::shared_strings_declared(declared.unwrap_or(0), xml.len() as u64, limits)?;
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "si" => match string_item(&mut reader, "si") {
                Some(s) => out.push(s),
                None => return Ok(None),
            },
            Ok(Event::Eof) => return Ok(Some(out)),
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
    }
}

/// The text of a string item (`<si>`, or a cell's `<is>`) up to its end tag `end`, as calamine
/// reads it: each `<t>` trimmed of ASCII white space unless `xml:space="preserve"`, and the
/// `_x000D_` escapes decoded.
fn string_item(reader: &mut quick_xml::Reader<&[u8]>, end: &str) -> Option<String> {
    let mut text = String::new();
    let mut phonetic = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match e.name().as_ref() {
                "rPh" => phonetic = true,
                "t" if !phonetic => {
                    let preserve = attr(&e, "xml:space").is_some_and(|v| v == "preserve");
                    let mut value = String::new();
                    loop {
                        match reader.read_event().ok()? {
                            Event::Text(t) => value.push_str(&t.xml10_content()),
                            Event::CData(t) => value.push_str(&t.xml10_content()),
                            Event::GeneralRef(r) => entity(&r, &mut value)?,
                            Event::End(end) if end.name().as_ref() == "t" => break,
                            Event::Start(_) | Event::End(_) | Event::Eof => return None,
                            _ => {}
                        }
                    }
                    let value = if preserve {
                        &value
                    } else {
                        value.trim_matches([' ', '\t', '\r', '\n'])
                    };
                    text.push_str(&unescape_x(value));
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.name().as_ref() == end => return Some(text),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// For each cell style (`<cellXfs>`'s `<xf>`, by index), whether its number format shows a date
/// or a time.
fn date_styles(xml: &[u8]) -> Option<Vec<bool>> {
    let mut custom: HashMap<String, bool> = HashMap::default();
    let mut out = Vec::new();
    let mut reader = xml_reader(xml);
    root(&mut reader, "styleSheet")?;
    let mut in_xfs = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match e.name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id.into_owned(), is_date_format(&code));
                    }
                }
                "cellXfs" => in_xfs = true,
                "xf" if in_xfs => out.push(attr(&e, "numFmtId").is_some_and(|id| match custom.get(id.as_ref()) {
                    Some(date) => *date,
                    None => is_builtin_date(&id),
                })),
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "cellXfs" => in_xfs = false,
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// What every sheet's cells are read against.
struct Context<'a> {
    strings: &'a [String],
    dates: &'a [bool],
}

/// One worksheet's cells and merged ranges; `None` where calamine is to read the workbook.
///
/// A sheet's XML is the bulk of a workbook and has a fixed shape, so it is scanned by hand (the
/// next `<`, the tag's name, its attributes) rather than through a general XML reader: a cell is
/// `<c r="B3" t="s" s="2"><f>…</f><v>…</v></c>` or `<c …><is>…</is></c>`, a merged range
/// `<mergeCell ref="A1:C1"/>`, and every other element is passed over. A document type (which can
/// define entities), character data where a value is, or a cell holding anything else is left to
/// calamine.
fn sheet(
    xml: &[u8],
    name: &str,
    context: &Context,
    named: bool,
    limits: &Limits,
) -> Result<Option<RawSheet>, ErrorKind> {
    let mut out = RawSheet {
        name: name.to_string(),
        ..RawSheet::default()
    };
    let mut scan = Scanner { xml, at: 0 };
    let mut rooted = false;
    loop {
        let Some(tag) = scan.tag() else {
            return Ok(None);
        };
        let tag = match tag {
            Tag::End => return Ok(rooted.then_some(out)),
            Tag::Element(t) => t,
        };
        if !rooted {
            if tag.name != b"worksheet" || tag.closing {
                return Ok(None);
            }
            rooted = true;
            continue;
        }
        match (tag.closing, tag.name) {
            (false, b"c") => {
                let Some(()) = scan_cell(&mut scan, &tag, context, named, &mut out) else {
                    return Ok(None);
                };
                limits.check_cells(out.cells.len() + out.uncached.len() + out.blank.len(), name)?;
            }
            (false, b"mergeCell") => {
                // A range that names no cells (a column of a hundred letters) is no merge.
                if let Some(range) = tag.attr(b"ref").and_then(|r| dimensions(&r)) {
                    out.merged.push(range);
                }
            }
            _ => {}
        }
    }
}

/// A place in a part's XML.
struct Scanner<'x> {
    xml: &'x [u8],
    at: usize,
}

/// What [`Scanner::tag`] finds next.
enum Tag<'x> {
    Element(Element<'x>),
    /// The part's end.
    End,
}

/// A start, end or empty element tag.
struct Element<'x> {
    name: &'x [u8],
    /// The attributes' text, between the name and the tag's end.
    attrs: &'x [u8],
    /// `</name>`.
    closing: bool,
    /// `<name …/>`.
    empty: bool,
}

impl<'x> Scanner<'x> {
    /// The next tag, past text, the XML declaration and comments; `None` for what this scanner
    /// leaves to calamine (a document type, character data, a tag without its end).
    fn tag(&mut self) -> Option<Tag<'x>> {
        loop {
            let Some(lt) = memchr::memchr(b'<', &self.xml[self.at..]) else {
                return Some(Tag::End);
            };
            let start = self.at + lt;
            let rest = &self.xml[start..];
            if rest.starts_with(b"<?") {
                self.at = start + memchr::memmem::find(rest, b"?>")? + 2;
                continue;
            }
            if rest.starts_with(b"<!--") {
                self.at = start + memchr::memmem::find(&rest[4..], b"-->")? + 7;
                continue;
            }
            if rest.starts_with(b"<!") {
                return None;
            }
            let closing = rest.get(1) == Some(&b'/');
            let name_from = start + 1 + usize::from(closing);
            let name_len = self.xml[name_from..]
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))?;
            let name = &self.xml[name_from..name_from + name_len];
            // The tag's end: the first `>` outside quotes.
            let mut quote = None;
            let mut end = None;
            for (i, &b) in self.xml[name_from + name_len..].iter().enumerate() {
                match (quote, b) {
                    (Some(q), _) if b == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'"' | b'\'') => quote = Some(b),
                    (None, b'>') => {
                        end = Some(name_from + name_len + i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end?;
            let empty = end > name_from + name_len && self.xml[end - 1] == b'/';
            let attrs = &self.xml[name_from + name_len..end - usize::from(empty)];
            self.at = end + 1;
            return Some(Tag::Element(Element {
                name,
                attrs,
                closing,
                empty,
            }));
        }
    }

    /// The text up to the next tag, which must close `name` (`</v>`): XML's escapes decoded.
    fn text_until(&mut self, name: &[u8]) -> Option<Cow<'x, str>> {
        let lt = memchr::memchr(b'<', &self.xml[self.at..])?;
        let raw = std::str::from_utf8(&self.xml[self.at..self.at + lt]).ok()?;
        let close = &self.xml[self.at + lt..];
        if !(close.starts_with(b"</") && close[2..].starts_with(name) && close.get(2 + name.len()) == Some(&b'>')) {
            return None;
        }
        self.at += lt + 3 + name.len();
        quick_xml::escape::unescape(raw).ok()
    }
}

impl<'x> Element<'x> {
    /// Each attribute in order, its name and its raw value (XML escapes not decoded), handed to
    /// `each`; `None` where the attributes are not well formed.
    fn each_attr(&self, mut each: impl FnMut(&'x [u8], &'x [u8])) -> Option<()> {
        let mut rest = self.attrs;
        loop {
            let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
                return Some(());
            };
            rest = &rest[start..];
            let eq = memchr::memchr(b'=', rest)?;
            let name = rest[..eq].trim_ascii_end();
            let after = rest[eq + 1..].trim_ascii_start();
            let quote = *after.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let len = memchr::memchr(quote, &after[1..])?;
            each(name, &after[1..1 + len]);
            rest = &after[len + 2..];
        }
    }

    /// An attribute's value, its XML escapes decoded (the first, should a tag repeat one).
    fn attr(&self, key: &[u8]) -> Option<Cow<'x, str>> {
        let mut found = None;
        self.each_attr(|name, value| {
            if name == key && found.is_none() {
                found = Some(value);
            }
        })?;
        decoded(found?)
    }
}

/// An attribute's raw value as text, its XML escapes decoded.
fn decoded(raw: &[u8]) -> Option<Cow<'_, str>> {
    let text = std::str::from_utf8(raw).ok()?;
    if memchr::memchr(b'&', raw).is_none() {
        return Some(Cow::Borrowed(text));
    }
    quick_xml::escape::unescape(text).ok()
}

/// One `<c>` element: its value (a shared string, a number, a date, inline text, a formula's
/// result) or its formula, as calamine gives them. `None`: not a cell this reader reads.
fn scan_cell(scan: &mut Scanner, c: &Element, context: &Context, named: bool, out: &mut RawSheet) -> Option<()> {
    // The three attributes a cell can have that matter, in one pass over its tag.
    let (mut at, mut kind, mut style) = (None, None, None);
    c.each_attr(|name, value| {
        let slot = match name {
            b"r" => &mut at,
            b"t" => &mut kind,
            b"s" => &mut style,
            _ => return,
        };
        slot.get_or_insert(value);
    })?;
    let (row, col) = position(&decoded(at?)?)?;
    let kind = match kind {
        Some(raw) => Some(decoded(raw)?),
        None => None,
    };
    let kind = kind.as_deref();
    let style = match style {
        Some(raw) => Some(decoded(raw)?),
        None => None,
    };
    let mut value: Option<Cow<str>> = None;
    let mut inline: Option<String> = None;
    let mut formula: Option<String> = None;
    let mut shared_formula = false;
    if !c.empty {
        loop {
            let before = scan.at;
            let Tag::Element(tag) = scan.tag()? else {
                return None;
            };
            match (tag.closing, tag.name) {
                (true, b"c") => break,
                (false, b"v") if !tag.empty => value = Some(scan.text_until(b"v")?),
                (false, b"v") => value = Some(Cow::Borrowed("")),
                (false, b"f") => {
                    shared_formula = tag.attr(b"t").is_some_and(|t| t == "shared");
                    let text = if tag.empty {
                        Cow::Borrowed("")
                    } else {
                        scan.text_until(b"f")?
                    };
                    formula = Some(normalize_lines(&text).into_owned());
                }
                (false, b"is") if !tag.empty => {
                    if let Some(text) = plain_inline(scan) {
                        inline = Some(text);
                        continue;
                    }
                    // Rich text runs, phonetic guides, escapes: read as the shared strings are.
                    let end = before + memchr::memmem::find(&scan.xml[before..], b"</is>")? + 5;
                    let mut reader = xml_reader(&scan.xml[before..end]);
                    root(&mut reader, "is")?;
                    inline = Some(string_item(&mut reader, "is")?);
                    scan.at = end;
                }
                (false, b"is") => inline = Some(String::new()),
                _ => return None,
            }
        }
    }
    let data = match (kind, inline) {
        (Some("inlineStr"), Some(text)) => Some((text, None)),
        (Some("inlineStr"), None) => None,
        (_, Some(_)) => return None,
        (_, None) => match value {
            None => None,
            Some(v) => cell_value(kind, &v, style.as_deref(), context)?,
        },
    };
    match (data, formula) {
        (Some(text), _) => out.cells.push((row, col, text)),
        // A shared formula's text is given in its first cell only: calamine works the others out.
        (None, Some(_)) if shared_formula => return None,
        (None, Some(f)) if !f.is_empty() => out.uncached.push(((row, col), f)),
        (None, _) if named => out.blank.push((row, col)),
        (None, _) => {}
    }
    Some(())
}

/// The text of an inline string that is one plain run, `<is><t>…</t></is>` (the scanner past
/// `<is>`), read as [`string_item`] reads it; `None` for anything else (runs, phonetic guides,
/// escapes, carriage returns), which [`string_item`] reads.
fn plain_inline(scan: &mut Scanner) -> Option<String> {
    let Tag::Element(t) = scan.tag()? else {
        return None;
    };
    if t.closing || t.empty || t.name != b"t" {
        return None;
    }
    let preserve = t.attr(b"xml:space").is_some_and(|v| v == "preserve");
    let lt = memchr::memchr(b'<', &scan.xml[scan.at..])?;
    let raw = &scan.xml[scan.at..scan.at + lt];
    if memchr::memchr2(b'&', b'\r', raw).is_some() {
        return None;
    }
    let raw = std::str::from_utf8(raw).ok()?;
    scan.at += lt;
    for end in [b"t".as_slice(), b"is"] {
        match scan.tag()? {
            Tag::Element(e) if e.closing && e.name == end => {}
            _ => return None,
        }
    }
    let value = if preserve {
        raw
    } else {
        raw.trim_matches([' ', '\t', '\r', '\n'])
    };
    Some(unescape_x(value).into_owned())
}

/// A `<v>`'s value by the cell's type, as calamine reads it and [`text_of`] shows it; `Some(None)`
/// for an empty value; `None` for one this reader leaves to calamine.
fn cell_value(kind: Option<&str>, text: &str, style: Option<&str>, context: &Context) -> Option<Option<CellText>> {
    Some(match kind {
        Some("s") => {
            if text.is_empty() {
                return Some(None);
            }
            let i: usize = text.trim().parse().ok()?;
            Some((context.strings.get(i)?.clone(), None))
        }
        Some("str") => Some((unescape_x(&normalize_lines(text)).into_owned(), None)),
        Some("e") => Some((text.parse::<CellErrorType>().ok()?.to_string(), None)),
        Some("n") | None => {
            if text.is_empty() {
                return Some(None);
            }
            let Ok(n) = text.parse::<f64>() else {
                return match kind {
                    None => Some(Some((text.to_string(), None))),
                    _ => None,
                };
            };
            // A style index that is no number is style 0, as calamine takes it.
            let date = style.is_some_and(|s| context.dates.get(s.parse().unwrap_or(0)).copied().unwrap_or(false));
            if date {
                text_of(&Data::DateTime(calamine::ExcelDateTime::new(
                    n,
                    calamine::ExcelDateTimeType::DateTime,
                    false,
                )))
            } else {
                // A whole number of a few digits is shown as written: no formatting needed.
                let shown = match plain_integer(text) {
                    true => text.to_string(),
                    false => format_number(n),
                };
                Some((shown, Some(n)))
            }
        }
        // Booleans, ISO dates and anything else: calamine.
        _ => return None,
    })
}

/// Whether `text` is a whole number that [`format_number`] shows exactly as written: `0`, or up
/// to nine digits without a leading zero, perhaps after a minus (nine digits: a million times it
/// is still exact in an `f64`, so its rounding to six decimals changes nothing).
fn plain_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
    match digits {
        [b'0'] => digits.len() == text.len(),
        [b'1'..=b'9', rest @ ..] => rest.len() < 9 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `B3` as (row, column), zero-based.
fn position(a1: &str) -> Option<(u32, u32)> {
    let split = a1.bytes().position(|b| b.is_ascii_digit())?;
    let (letters, digits) = a1.as_bytes().split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.iter().try_fold(0u32, |acc, &c| {
        let digit = u32::from(c.to_ascii_uppercase()).checked_sub(u32::from(b'A'))? + 1;
        (digit <= 26).then_some(acc * 26 + digit)
    })?;
    let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Reads up to the part's root element, which must be `name` without a prefix (a part written
/// with prefixes, `<x:worksheet>`, is left to calamine).
fn root<'a>(reader: &mut quick_xml::Reader<&'a [u8]>, name: &str) -> Option<BytesStart<'a>> {
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => return (e.name().as_ref() == name).then_some(e),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A reader over a whole part, configured as calamine's: empty elements as start and end, text
/// untrimmed, end names unchecked.
fn xml_reader(xml: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

/// An attribute's value, its XML escapes decoded.
fn attr<'a>(e: &'a BytesStart, name: &str) -> Option<Cow<'a, str>> {
    match e.try_get_attribute(name).ok()??.value {
        Cow::Borrowed(s) => quick_xml::escape::unescape(s).ok(),
        Cow::Owned(s) => Some(Cow::Owned(quick_xml::escape::unescape(&s).ok()?.into_owned())),
    }
}

/// An entity or character reference (`&amp;`, `&#x4E00;`) appended to `out`.
fn entity(r: &BytesRef, out: &mut String) -> Option<()> {
    let name: &str = r.as_ref();
    if let Some(s) = quick_xml::escape::resolve_xml_entity(name) {
        out.push_str(s);
        return Some(());
    }
    out.push(r.resolve_char_ref().ok()??);
    Some(())
}

/// XML's line ends (`\r\n`, `\r`) as `\n`, as a parser gives text content.
fn normalize_lines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The `_xHHHH_` escapes of spreadsheet text (`_x000D_` for a carriage return) decoded, as calamine
/// decodes them; an unpaired surrogate becomes U+FFFD.
fn unescape_x(text: &str) -> Cow<'_, str> {
    let unit_at = |s: &str, i: usize| -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    };
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match unit_at(text, i) {
            Some(high @ 0xD800..=0xDBFF) => match unit_at(text, i + 7) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    i += 14;
                }
                _ => {
                    out.push(char::REPLACEMENT_CHARACTER);
                    i += 7;
                }
            },
            Some(unit) => {
                out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
                i += 7;
            }
            None => {
                let c = text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    Cow::Owned(out)
}

/// Whether a built-in number format (by id) shows a date or a time (ECMA-376 18.8.30, and the
/// East Asian ids 27–36 and 50–58), as calamine decides it.
fn is_builtin_date(id: &str) -> bool {
    matches!(
        id,
        "14" | "15"
            | "16"
            | "17"
            | "18"
            | "19"
            | "20"
            | "21"
            | "22"
            | "45"
            | "46"
            | "47"
            | "27"
            | "28"
            | "29"
            | "30"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "55"
            | "56"
            | "57"
            | "58"
    )
}

/// Whether a custom number format shows a date or a time: a date or time letter outside quotes,
/// brackets and escapes in its first section — calamine's rule (`detect_custom_number_format`,
/// itself ported from openpyxl), which is not public.
fn is_date_format(format: &str) -> bool {
    let (mut escaped, mut quoted, mut ap) = (false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    for s in format.chars() {
        match (s, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', ..) => quoted = true,
            (';', ..) => return false,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return true,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return true,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => return true,
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_inline_string_reads_as_the_xml_reader_reads_it() {
        for xml in [
            "<is><t>区财政局</t></is>",
            "<is><t>  两边有空格 \t</t></is>",
            "<is><t xml:space=\"preserve\">  两边有空格 </t></is>",
            "<is><t xml:space='preserve'>\n</t></is>",
            "<is><t>第_x000D_二行</t></is>",
            "<is><t>_xD83D__xDE00_ 与 _xD83D_</t></is>",
            "<is> <t>前后</t> </is>",
            "<is><!-- 注释 --><t>注释之后</t></is>",
            "<is><t></t></is>",
            "<is><t>A&amp;B</t></is>",
            "<is><t>回车\r\n换行</t></is>",
            "<is><r><t>富</t></r><r><t>文本</t></r></is>",
            "<is><t>拼音</t><rPh><t>pinyin</t></rPh></is>",
            "<is><t/></is>",
        ] {
            let by_xml_reader = {
                let mut reader = xml_reader(xml.as_bytes());
                root(&mut reader, "is").and_then(|_| string_item(&mut reader, "is"))
            };
            let mut scan = Scanner {
                xml: xml.as_bytes(),
                at: 4,
            };
            if let Some(plain) = plain_inline(&mut scan) {
                assert_eq!(Some(plain), by_xml_reader, "{xml}");
                assert_eq!(scan.at, xml.len(), "{xml}");
            }
        }
        let mut scan = Scanner {
            xml: b"<is><t>plain</t></is>",
            at: 4,
        };
        assert_eq!(plain_inline(&mut scan).as_deref(), Some("plain"));
    }

    #[test]
    fn whole_numbers_shown_as_written_are_those_format_number_would_show_so() {
        for text in [
            "0",
            "7",
            "-7",
            "10",
            "999999999",
            "-999999999",
            "123456789",
            "-0",
            "007",
            "+5",
            "1e3",
            "5.0",
            " 5",
            "1234567890",
            "",
            "-",
            "0x10",
        ] {
            if plain_integer(text) {
                assert_eq!(format_number(text.parse().unwrap()), text, "{text}");
            }
        }
        assert!(plain_integer("999999999") && plain_integer("-3") && plain_integer("0"));
        assert!(!plain_integer("-0") && !plain_integer("007") && !plain_integer("1234567890"));
    }

    #[test]
    fn addresses() {
        assert_eq!(position("A1"), Some((0, 0)));
        assert_eq!(position("AB12"), Some((11, 27)));
        assert_eq!(position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(position("A0"), None);
        assert_eq!(position("ABCD1"), None);
        assert_eq!(position("12"), None);
    }

    #[test]
    fn escapes_of_spreadsheet_text() {
        assert_eq!(unescape_x("a_x000D_b"), "a\rb");
        assert_eq!(unescape_x("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_x("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_x("表_x"), "表_x");
    }

    #[test]
    fn date_formats() {
        assert!(is_date_format("yyyy\"年\"m\"月\"d\"日\""));
        assert!(is_date_format("[h]:mm:ss"));
        assert!(!is_date_format("0.00_);[Red]\\(0.00\\)"));
        assert!(!is_date_format("#,##0\\ [$\\u20bd-46D]"));
        assert!(is_builtin_date("14"));
        assert!(!is_builtin_date("3"));
    }

    /// Any damage to a sheet's XML (cut anywhere, any byte changed) gives cells or leaves the file
    /// to calamine; it never panics.
    #[test]
    fn damaged_sheets_do_not_panic() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/workbooks/2024-pingtan-zone.xlsx"
        ))
        .unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut xml = Vec::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_end(&mut xml)
            .unwrap();
        let strings = vec!["表".to_string(); 4];
        let context = Context {
            strings: &strings,
            dates: &[true, false],
        };
        let limits = Limits::default();
        let whole = sheet(&xml, "s", &context, true, &limits).unwrap();
        assert!(whole.is_some_and(|s| !s.cells.is_empty()));
        for cut in (0..xml.len()).step_by(29) {
            let _ = sheet(&xml[..cut], "s", &context, false, &limits);
        }
        for at in (0..xml.len()).step_by(89) {
            for b in [b'<', b'>', b'"', b'/', b'&', 0xFF, b' '] {
                let mut bad = xml.clone();
                bad[at] = b;
                let _ = sheet(&bad, "s", &context, at % 2 == 0, &limits);
            }
        }
    }
}
