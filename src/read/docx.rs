//! Word documents (`.docx`): every `w:tbl` as a positional grid, the paragraphs around them as text.
//!
//! `word/document.xml` is read as a stream with quick-xml. A table row's cells follow each other
//! across the table's grid columns: a cell spans `w:gridSpan` columns, a row may skip
//! `w:gridBefore` columns, and a cell marked `w:vMerge` (without `restart`) continues the cell above
//! it, which then spans one row more. A cell's text is its paragraphs' text (`w:t`, `w:tab`, `w:br`),
//! tidied like every reader's; paragraphs outside tables are the report's text. What Word does not
//! show is left out: deleted text and the old places of moved text (tracked changes), hidden text
//! (`w:vanish`), the fallback copies of drawings. A table split in two (with at most a `（续表）`
//! line between the parts) is read as one grid, its repeated header rows once.

use std::io::Read;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::grid::{tidy, SplitTables};
use super::{Document, Grid, GridCell, Prose};
use crate::error::ErrorKind;
use crate::model::{Location, PlaceKind};

/// The largest `word/document.xml` read (uncompressed), against zip bombs.
const MAX_XML: u64 = 256 << 20;
/// The widest `w:gridSpan` taken.
const MAX_SPAN: u32 = 100;
/// The most grid positions a table's merged cells may cover; spans beyond are read as 1.
const MAX_SPAN_AREA: u64 = 1 << 20;

/// Reads a Word document into grids (one per table) and paragraphs.
pub fn read(bytes: &[u8]) -> Result<Document, ErrorKind> {
    let corrupt = |detail: String| ErrorKind::Corrupt { kind: "docx", detail };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let file = zip.by_name("word/document.xml").map_err(|e| corrupt(e.to_string()))?;
    let mut xml = Vec::new();
    file.take(MAX_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| corrupt(e.to_string()))?;
    if xml.len() as u64 > MAX_XML {
        return Err(ErrorKind::TooLarge {
            what: "Word 文档正文",
            actual: "超过 256 MiB".into(),
            limit: "256 MiB".into(),
            option: "另存为较小的文件",
        });
    }
    let mut doc = parse(&xml).map_err(corrupt)?;
    doc.title = header_title(&mut zip);
    Ok(doc)
}

/// The largest page header read (uncompressed).
const MAX_HEADER_XML: u64 = 1 << 20;

/// A line of the page headers that may be the report's title (a title set in the header of every
/// page, the body starting with the text): the first with 报 in it. A header that cannot be read
/// is passed over.
fn header_title(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Option<String> {
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/header") && n.ends_with(".xml"))
        .map(|n| n.to_string())
        .collect();
    names.sort();
    for name in names.iter().take(6) {
        let Ok(file) = zip.by_name(name) else { continue };
        let mut xml = Vec::new();
        if file.take(MAX_HEADER_XML + 1).read_to_end(&mut xml).is_err() || xml.len() as u64 > MAX_HEADER_XML {
            continue;
        }
        let Ok(header) = parse(&xml) else { continue };
        if let Some(line) = header.paragraphs.into_iter().find(|p| p.contains('报')) {
            return Some(line);
        }
    }
    None
}

/// A cell being read.
struct Cell {
    text: String,
    col: u32,
    cols: u32,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues the one above.
    merge: Option<bool>,
}

/// A table being read: its finished cells and the row and cell open now.
#[derive(Default)]
struct Table {
    cells: Vec<GridCell>,
    row: Option<u32>,
    rows: u32,
    col: u32,
    cell: Option<Cell>,
    /// Grid positions covered by merged cells so far.
    area: u64,
    /// For each column, the cell last started there (which a `w:vMerge` below continues).
    last_in_col: std::collections::HashMap<u32, usize>,
}

/// Elements whose content the document does not show: tracked deletions (`w:del`, `w:delText`)
/// and the old place of tracked moves (`w:moveFrom`; the new place, `w:moveTo`, is read), the
/// old formatting of tracked formatting changes (`w:rPrChange` …: a `w:vanish` there was hidden
/// text once, not now), the fallback copies of drawings, and field codes (`w:instrText`:
/// `=SUM(LEFT)` — the field's result follows as ordinary text).
const SKIPPED: &[&str] = &[
    "del",
    "delText",
    "moveFrom",
    "rPrChange",
    "pPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "sectPrChange",
    "Fallback",
    "instrText",
];

/// The state of the walk through the document.
#[derive(Default)]
struct Walker {
    grids: Vec<Grid>,
    prose: Prose,
    tables: Vec<Table>,
    /// Inside `w:t`: its text is the document's.
    in_text: bool,
    /// Depth inside content that is not shown ([`SKIPPED`]).
    skip: usize,
    /// The run being read is hidden text (`w:vanish`): Word does not show it.
    hidden_run: bool,
    /// Word tables read so far (a table joined to the one it continues is still counted: cells
    /// are named by the table as the user sees it in Word).
    tables_read: usize,
    /// Joins a table Word split in two back into one grid.
    split: SplitTables,
}

impl Walker {
    /// The open cell of the innermost table, if the walk is inside one.
    fn cell(&mut self) -> Option<&mut Cell> {
        self.tables.last_mut()?.cell.as_mut()
    }

    fn push_text(&mut self, text: &str) {
        let cell = self.tables.last_mut().and_then(|t| t.cell.as_mut());
        self.prose.push(cell.map(|c| &mut c.text), text);
    }

    fn end_paragraph(&mut self) {
        let cell = self.tables.last_mut().and_then(|t| t.cell.as_mut());
        self.prose.end(cell.map(|c| &mut c.text));
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skip > 0 || SKIPPED.contains(&name) {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            // Each run says for itself whether it is hidden (`w:vanish` in its properties).
            "r" => self.hidden_run = false,
            "vanish" | "specVanish" => {
                self.hidden_run = !attr(e, "val").is_some_and(|v| matches!(v.as_str(), "0" | "false" | "off"))
            }
            "t" if !empty => self.in_text = !self.hidden_run,
            "tab" if !self.hidden_run => self.push_text("\t"),
            "br" | "cr" if !self.hidden_run => self.push_text("\n"),
            "tbl" if !empty => {
                self.end_paragraph();
                self.tables.push(Table::default());
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    let r = t.rows;
                    t.rows += 1;
                    t.row = Some(r);
                    t.col = 0;
                }
            }
            "gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.col += val(e).unwrap_or(0).min(MAX_SPAN);
                }
            }
            "tc" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(Cell {
                        text: String::new(),
                        col: t.col,
                        cols: 1,
                        merge: None,
                    });
                }
            }
            "gridSpan" => {
                if let Some(cell) = self.cell() {
                    cell.cols = val(e).unwrap_or(1).clamp(1, MAX_SPAN);
                }
            }
            "vMerge" => {
                let restart = attr(e, "val").is_some_and(|v| v == "restart");
                if let Some(cell) = self.cell() {
                    cell.merge = Some(restart);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "t" => self.in_text = false,
            "p" => self.end_paragraph(),
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(cell) = t.cell.take() {
                        t.col = cell.col + cell.cols;
                        finish_cell(t, cell);
                    }
                }
            }
            "tbl" => {
                if let Some(t) = self.tables.pop() {
                    self.tables_read += 1;
                    let name = format!("表格{}", self.tables_read);
                    let shared: std::sync::Arc<str> = name.as_str().into();
                    let cells: Vec<GridCell> = t
                        .cells
                        .into_iter()
                        .map(|mut c| {
                            c.at.sheet = std::sync::Arc::clone(&shared);
                            c
                        })
                        .collect();
                    let grid = Grid::new(&name, true, cells);
                    if self.tables.is_empty() {
                        self.split.add(&mut self.grids, self.prose.ended(), grid);
                    } else {
                        self.grids.push(grid);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Adds a finished cell to its table: a continued vertical merge extends the cell above instead.
fn finish_cell(table: &mut Table, mut cell: Cell) {
    let Some(row) = table.row else { return };
    if cell.merge == Some(false) {
        let above = table
            .last_in_col
            .get(&cell.col)
            .and_then(|&i| table.cells.get_mut(i))
            .filter(|c| c.row + c.rows == row);
        if let Some(above) = above {
            if table.area + u64::from(above.cols) <= MAX_SPAN_AREA {
                table.area += u64::from(above.cols);
                above.rows += 1;
                return;
            }
        }
    }
    if cell.cols > 1 {
        table.area += u64::from(cell.cols);
        if table.area > MAX_SPAN_AREA {
            cell.cols = 1;
        }
    }
    table.last_in_col.insert(cell.col, table.cells.len());
    table.cells.push(GridCell {
        row,
        col: cell.col,
        rows: 1,
        cols: cell.cols,
        text: tidy(&cell.text),
        number: None,
        at: Location {
            kind: PlaceKind::Table,
            // Named when the table ends, in the order tables end.
            sheet: "".into(),
            row,
            col: cell.col,
        },
    });
}

/// An attribute's value by local name (`w:val` → `val`).
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A numeric `w:val`.
fn val(e: &BytesStart) -> Option<u32> {
    attr(e, "val")?.trim().parse().ok()
}

/// Walks `document.xml`.
fn parse(xml: &[u8]) -> Result<Document, String> {
    let mut reader = Reader::from_reader(xml);
    let mut w = Walker::default();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => w.start(&e, false),
            Ok(Event::Empty(e)) => w.start(&e, true),
            Ok(Event::End(e)) => w.end(e.local_name().as_ref()),
            Ok(Event::Text(t)) if w.in_text && w.skip == 0 => w.push_text(&t.xml10_content()),
            Ok(Event::CData(t)) if w.in_text && w.skip == 0 => w.push_text(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if w.in_text && w.skip == 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    w.push_text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("word/document.xml 第 {} 字节：{e}", reader.error_position())),
        }
        buf.clear();
    }
    Ok(Document {
        grids: w.grids,
        paragraphs: w.prose.finish(),
        names: Vec::new(),
        published: true,
        title: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn spans_merges_and_paragraphs() {
        let xml = format!(
            r#"<w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc>
            <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>商业</w:t></w:r></w:p><w:p><w:r><w:t>企业</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t xml:space="preserve">　1 &amp; 2</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:del><w:r><w:delText>9</w:delText></w:r></w:del><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>"#
        );
        let doc = parse(xml.as_bytes()).unwrap();
        assert_eq!(doc.paragraphs, vec!["一、总体情况", "正文"]);
        let g = &doc.grids[0];
        let a = g.at(1, 0).unwrap();
        assert_eq!((a.text.as_str(), a.rows), ("A", 2));
        assert_eq!(g.at(0, 2).unwrap().text, "商业企业");
        assert_eq!(g.at(1, 1).unwrap().text, "1 & 2");
        assert_eq!(g.at(1, 2).unwrap().text, "3");
    }

    #[test]
    fn what_word_does_not_show_is_not_read() {
        // 87 moved from the first cell to the second with track changes on; a hidden note before a
        // number; a run whose vanish is switched off again; a run that was hidden before a tracked
        // formatting change and is shown now.
        let xml = format!(
            r#"<w:document {W}><w:body><w:tbl><w:tr>
            <w:tc><w:p><w:moveFrom w:id="1"><w:r><w:t>87</w:t></w:r></w:moveFrom></w:p></w:tc>
            <w:tc><w:p><w:moveTo w:id="2"><w:r><w:t>87</w:t></w:r></w:moveTo></w:p></w:tc>
            <w:tc><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>（含转办1件）</w:t></w:r><w:r><w:t>4</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>5</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:rPr><w:rPrChange w:id="3"><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr><w:t>1256</w:t></w:r></w:p></w:tc>
            </w:tr></w:tbl></w:body></w:document>"#
        );
        let doc = parse(xml.as_bytes()).unwrap();
        let texts: Vec<&str> = doc.grids[0].cells().iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["", "87", "4", "5", "1256"]);
    }

    #[test]
    fn hostile_spans_stay_bounded() {
        let cells = r#"<w:tc><w:tcPr><w:gridSpan w:val="100000"/><w:vMerge/></w:tcPr></w:tc>"#.repeat(3000);
        let rows = format!("<w:tr>{cells}</w:tr>").repeat(20);
        let doc = parse(format!("<w:document {W}><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>").as_bytes());
        let covered: u64 = doc.unwrap().grids[0]
            .cells()
            .iter()
            .map(|c| u64::from(c.rows * c.cols))
            .sum();
        assert!(covered <= 2 * MAX_SPAN_AREA);
    }

    /// A table of rows of one-column-each cells, the first `header` rows marked 重复标题行.
    fn table(rows: &[&[&str]], header: usize) -> String {
        let rows: String = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let pr = if i < header {
                    "<w:trPr><w:tblHeader/></w:trPr>"
                } else {
                    ""
                };
                let cells: String = row
                    .iter()
                    .map(|t| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"))
                    .collect();
                format!("<w:tr>{pr}{cells}</w:tr>")
            })
            .collect();
        format!("<w:tbl>{rows}</w:tbl>")
    }

    fn para(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn read(body: &[String]) -> Document {
        let xml = format!("<w:document {W}><w:body>{}</w:body></w:document>", body.concat());
        parse(xml.as_bytes()).unwrap()
    }

    const HEAD: &[&str] = &["", "自然人", "总计"];
    const BREAK: &str = r#"<w:p/><w:p><w:r><w:br w:type="page"/></w:r></w:p>"#;

    #[test]
    fn a_split_table_is_one_grid_with_its_repeated_header_once() {
        let first = table(&[HEAD, &["一、本年新收", "10", "13"]], 1);
        for (between, second) in [
            (BREAK.to_string(), table(&[HEAD, &["四、结转", "1", "1"]], 1)),
            (BREAK.to_string(), table(&[&["四、结转", "1", "1"]], 0)),
            (para("（续表）"), table(&[&["四、结转", "1", "1"]], 0)),
            (para("表三（续）"), table(&[HEAD, &["四、结转", "1", "1"]], 1)),
        ] {
            let doc = read(&[first.clone(), between.clone(), second]);
            assert_eq!(doc.grids.len(), 1, "{between}");
            let g = &doc.grids[0];
            assert_eq!(g.rows().collect::<Vec<_>>(), vec![0, 1, 2]);
            let carry = g.at(2, 0).unwrap();
            assert_eq!(carry.text, "四、结转");
            // Named by the Word table and row it is in.
            assert_eq!(&*carry.at.sheet, "表格2");
        }
    }

    #[test]
    fn different_or_separated_tables_stay_apart() {
        let first = table(&[HEAD, &["一、本年新收", "10", "13"]], 1);
        for (between, second) in [
            // Another table's header (表二's blocks, 表三 then 表四).
            (
                String::new(),
                table(&[&["行政复议", "行政诉讼", "其他"], &["1", "0", "1"]], 0),
            ),
            // A heading between them.
            (
                para("四、政府信息公开行政复议、行政诉讼情况"),
                table(&[&["四、结转", "1", "1"]], 0),
            ),
            // Rows of another width.
            (BREAK.to_string(), table(&[&["规章", "0"]], 0)),
        ] {
            let doc = read(&[first.clone(), between.clone(), second]);
            assert_eq!(doc.grids.len(), 2, "{between}");
            assert_eq!(doc.grids[1].name, "表格2");
        }
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse(b"<w:document><w:body><w:p></w:tbl>").is_err());
    }
}
