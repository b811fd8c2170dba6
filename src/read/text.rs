//! Web-page text: a published report copied out of a browser, or the page text other tools give.
//!
//! Cells of such text do not line up in columns, so the grids are non-positional: each row holds its
//! cells in order, and the matcher places values by their order after the row's label. Lines
//! outside the tables are the report's paragraphs. Real pages come in these forms:
//!
//! - **Browser copy**: every table cell on a line of its own, most of them prefixed by a tab; a
//!   blank line ends a table row; an empty cell is a lone tab; a label the page wrapped inside its
//!   cell goes on in the next line, without a tab.
//! - **One row a line, tab-separated**: a line that does not start with a tab but holds tabs.
//! - **One row a line, `|`-separated** (markdown tables, and how reader tools and search indexes
//!   render an HTML table): a line with two or more pipes (`|` or `｜`), with or without the
//!   leading and trailing pipe; markdown's `|---|` rule lines are skipped. Rows often end in empty
//!   cells a `colspan` left over (`| ||`), which the matcher drops, and a header may run over two
//!   lines (`商业 | 科研 |` then `企业 | 机构 |`), which does not matter since values are placed by
//!   order. A line with one pipe is a paragraph.
//! - **One cell a line with no rows at all** (the plain text of a page): each cell on its own line,
//!   separated by blank lines or lines of pipes, or ending in ` |` (also tab-prefixed with a blank
//!   line after each). Nothing marks where a row ends, so when reading by rows leaves more numbers
//!   without a label before them in their row (in paragraphs, or alone in a row) than with one,
//!   the text is read again as a stream of cells (`by_cells`): a label after a value starts a new
//!   row.

use std::borrow::Cow;

use super::grid::tidy;
use super::sections::numbered_heading;
use super::value::{is_shred, is_value};
use super::{Document, Grid, GridCell};
use crate::error::ErrorKind;
use crate::model::PlaceKind;

/// The longest line taken as the continuation of a wrapped label rather than a paragraph, and,
/// with commas in it, as a cell rather than a sentence (表三's longest labels have about 38 characters).
const MAX_CONTINUATION: usize = 40;

/// The text of a file: UTF-8 (a BOM removed), UTF-16 with a BOM, or GB18030 as Chinese Windows
/// saves it; `None` when the bytes are not text in any of these (a binary file).
///
/// ```
/// use nianbao::read::text::decode;
/// assert_eq!(decode("规章".as_bytes()).as_deref(), Some("规章"));
/// assert_eq!(decode(b"\xB9\xE6\xD5\xC2").as_deref(), Some("规章")); // GBK
/// assert_eq!(decode(b"\x00\x01binary"), None);
/// ```
pub fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom..])?,
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?,
        },
    };
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
    (!text.chars().any(control)).then_some(text)
}

/// Reads web-page text into non-positional grids (one per table) and paragraphs.
pub fn read(bytes: &[u8]) -> Result<Document, ErrorKind> {
    let text = decode(bytes).ok_or_else(|| ErrorKind::Unrecognized("未知的二进制内容".into()))?;
    Ok(parse(&text))
}

/// The column separators of text tables: `|` and its full-width form.
const PIPES: [char; 2] = ['|', '｜'];

/// What a line of the text is.
enum Line<'a> {
    /// Nothing but whitespace (or pipes with nothing between them): ends a table row.
    Blank,
    /// A markdown rule under a header (`|---|---|`): carries nothing, ends nothing.
    Rule,
    /// Cells of the current row (a line starting with a tab).
    Cells(Vec<&'a str>),
    /// A whole row: tabs inside a line that does not start with one, or two or more pipes.
    Row(Vec<&'a str>),
    /// Anything else: a paragraph, or the wrapped part of the cell above.
    Plain(&'a str),
}

fn classify(line: &str) -> Line<'_> {
    if line.trim().is_empty() && !line.starts_with('\t') {
        Line::Blank
    } else if let Some(rest) = line.strip_prefix('\t') {
        Line::Cells(rest.split('\t').collect())
    } else if line.contains('\t') {
        Line::Row(line.split('\t').collect())
    } else if line.matches(PIPES).count() >= 2 {
        let cells = pipe_cells(line);
        if cells.iter().all(|c| c.trim().is_empty()) {
            Line::Blank
        } else if cells.iter().all(|c| is_rule(c) || c.trim().is_empty()) {
            Line::Rule
        } else {
            Line::Row(cells)
        }
    } else if line.trim().chars().all(|c| PIPES.contains(&c) || c.is_whitespace()) {
        Line::Blank
    } else {
        Line::Plain(line)
    }
}

/// The cells of a `|`-separated row: the pieces between the pipes, without the empty piece before
/// a leading pipe and after a trailing one (`| 规章 | 0 |` and `规章 | 0 |` are both two cells).
/// Further empty cells stay: they are the row's blank cells, or what a `colspan` left over.
fn pipe_cells(line: &str) -> Vec<&str> {
    let mut cells: Vec<&str> = line.split(PIPES).collect();
    if cells.first().is_some_and(|c| c.trim().is_empty()) {
        cells.remove(0);
    }
    if cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    cells
}

/// A markdown header rule's cell: `---`, `:--:`.
fn is_rule(cell: &str) -> bool {
    let t = cell.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '-' | ':'))
}

/// The grids and paragraphs of a text.
#[derive(Default)]
struct Builder {
    grids: Vec<Grid>,
    paragraphs: Vec<String>,
    /// Cells of the table being read, with their row and column.
    cells: Vec<GridCell>,
    row: u32,
    col: u32,
}

impl Builder {
    fn name(&self) -> String {
        format!("表格{}", self.grids.len() + 1)
    }

    fn push_cell(&mut self, text: &str) {
        let name = self.name();
        self.cells
            .push(GridCell::text(&name, PlaceKind::Table, self.row, self.col, text.trim()));
        self.col += 1;
    }

    fn end_row(&mut self) {
        if self.col > 0 {
            self.row += 1;
            self.col = 0;
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        if !self.cells.is_empty() {
            let name = self.name();
            self.grids
                .push(Grid::new(&name, false, std::mem::take(&mut self.cells)));
        }
        self.row = 0;
    }

    /// A paragraph outside the tables: it ends the table being read.
    fn paragraph(&mut self, text: &str) {
        self.end_table();
        let p = tidy(text);
        if !p.is_empty() {
            self.paragraphs.push(p);
        }
    }

    /// The cell a plain line would continue: the last cell of the open row, if it holds a label.
    fn continues(&mut self, line: &str) -> Option<&mut GridCell> {
        if self.col == 0 || line.chars().count() > MAX_CONTINUATION || is_heading(line) {
            return None;
        }
        let last = self.cells.last_mut()?;
        let number_like = last
            .text
            .chars()
            .all(|c| c.is_whitespace() || c.is_ascii_digit() || "+-.,/—万元".contains(c));
        (!number_like).then_some(last)
    }

    fn finish(mut self) -> Document {
        self.end_table();
        Document {
            grids: self.grids,
            paragraphs: self.paragraphs,
            names: Vec::new(),
            published: true,
            title: None,
        }
    }
}

/// A section heading (`一、总体情况`) is never part of a table cell.
fn is_heading(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('一' | '二' | '三' | '四' | '五' | '六' | '七'), Some('、'))
    )
}

/// Reads the text by its rows; if that leaves most numbers where no row label precedes them (in
/// paragraphs, or each in a row of its own: a cell a line with no row structure at all), reads it
/// again as a stream of cells.
fn parse(text: &str) -> Document {
    let doc = by_rows(text);
    let value = |t: &str| {
        let t = t.trim_matches(|c: char| c.is_whitespace() || PIPES.contains(&c));
        !t.is_empty() && is_value(t)
    };
    let (mut labelled, mut loose) = (0, 0);
    for grid in &doc.grids {
        for r in grid.rows() {
            let mut label = false;
            for cell in grid.row(r) {
                match (value(&cell.text), label) {
                    (true, true) => labelled += 1,
                    (true, false) => loose += 1,
                    (false, _) => label |= !cell.text.trim().is_empty(),
                }
            }
        }
    }
    loose += doc.paragraphs.iter().filter(|p| value(p)).count();
    if loose > labelled {
        by_cells(text)
    } else {
        doc
    }
}

/// The rows of the text: tab-prefixed cell lines up to a blank line, or one row a line (cells
/// separated by tabs or pipes).
fn by_rows(text: &str) -> Document {
    let mut b = Builder::default();
    for line in text.lines() {
        match classify(line) {
            Line::Blank => b.end_row(),
            Line::Rule => {}
            Line::Cells(cells) => cells.iter().for_each(|c| b.push_cell(c)),
            Line::Row(cells) => {
                b.end_row();
                cells.iter().for_each(|c| b.push_cell(c));
                b.end_row();
            }
            Line::Plain(plain) => {
                if let Some(cell) = b.continues(plain) {
                    cell.text.push('\n');
                    cell.text.push_str(plain.trim());
                } else {
                    b.paragraph(plain);
                }
            }
        }
    }
    b.finish()
}

/// The text as a stream of cells, one a line, when it has no row structure: blank lines and lines
/// of pipes only separate cells, a pipe around a cell is dropped.
///
/// A value (number, dash) goes on in the current row; a label starts a new row only once the
/// current row holds a value. So a table's header cells and its first row label share a row, as
/// do a group heading and its first leaf label (`三、本年度办理结果`, `（一）予以公开`); the matcher
/// takes a row's label to be its last label followed by values, which serves both. Sentences and
/// the section headings are paragraphs, and when the text has headings of sections 二 to 四, only
/// lines under those are cells: the title and sections 一, 五, 六 stay text.
fn by_cells(text: &str) -> Document {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || PIPES.contains(&c)))
        .collect();
    let mut after = None;
    let headings: Vec<Option<usize>> = lines
        .iter()
        .map(|l| {
            let k = numbered_heading(l, after);
            after = k.or(after);
            k
        })
        .collect();
    let tables = |k: Option<usize>| matches!(k, Some(1..=3));
    let marked = headings.iter().any(|&k| tables(k));
    let mut b = Builder::default();
    let mut section = None;
    let mut holds_value = false;
    for (line, &heading) in lines.iter().zip(&headings) {
        if line.is_empty() {
            continue;
        }
        section = heading.or(section);
        if heading.is_some() || is_prose(line) || (marked && !tables(section)) {
            b.paragraph(line);
            holds_value = false;
        } else if is_value(line) && !is_shred(line) {
            b.push_cell(line);
            holds_value = true;
        } else {
            if holds_value {
                b.end_row();
                holds_value = false;
            }
            b.push_cell(line);
        }
    }
    b.finish()
}

/// A sentence of the report rather than a table cell: it ends with 。, or runs long with commas.
fn is_prose(line: &str) -> bool {
    line.contains('。') || (line.chars().count() > MAX_CONTINUATION && line.contains(['，', ',']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_rows_continuations_and_paragraphs() {
        let doc =
            parse("标题\n二、主动公开\n\t信息内容\n\t本年新\n制作数量\n\n\t规章\n\t\u{3000}0\n\n\n三、收到\n\t\n\t1\n");
        assert_eq!(doc.paragraphs, vec!["标题", "二、主动公开", "三、收到"]);
        assert_eq!(doc.grids.len(), 2);
        let g = &doc.grids[0];
        assert!(!g.positional);
        assert_eq!(g.row(0)[1].text, "本年新\n制作数量");
        assert_eq!(g.row(1)[1].text, "0");
        assert_eq!(doc.grids[1].row(0).len(), 2);
        assert_eq!(doc.grids[1].row(0)[0].text, "");
    }

    #[test]
    fn a_number_is_never_continued() {
        let doc = parse("\t规章\n\t0\n五、存在的主要问题\n正文");
        assert_eq!(doc.grids[0].row(0).len(), 2);
        assert_eq!(doc.paragraphs, vec!["五、存在的主要问题", "正文"]);
    }

    #[test]
    fn pipe_rows_markdown_or_not() {
        let doc = parse(
            "| 信息内容 | 本年制发件数 |\n|---|:---:|\n| 规章 | 0 | 1 |\n规范性文件 | 2 | 3 | |\n行政许可｜4｜\n首页 | 年报\n",
        );
        assert_eq!(doc.grids.len(), 1);
        let g = &doc.grids[0];
        let texts = |r: u32| g.row(r).iter().map(|c| c.text.as_str()).collect::<Vec<_>>();
        assert_eq!(texts(0), ["信息内容", "本年制发件数"]);
        assert_eq!(texts(1), ["规章", "0", "1"]);
        assert_eq!(texts(2), ["规范性文件", "2", "3", ""]);
        assert_eq!(texts(3), ["行政许可", "4"]);
        // One pipe in a line is text, not a table.
        assert_eq!(doc.paragraphs, ["首页 | 年报"]);
    }

    #[test]
    fn one_cell_a_line_is_read_as_a_stream() {
        let text = "某镇2023年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息12条。\n二、主动公开政府信息情况\n\
                    信息内容 |\n|\n本年制发件数\n\n规章 |\n 0\n|\n0 \n行政规范性文件\n1\n三、收到和处理政府信息公开申请情况\n\
                    自然人\n总计\n一、本年新收政府信息公开申请数量\n2\n2\n五、存在的主要问题及改进情况\n无\n";
        let doc = parse(text);
        assert_eq!(
            doc.paragraphs,
            [
                "某镇2023年政府信息公开工作年度报告",
                "一、总体情况",
                "本年度主动公开信息12条。",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "五、存在的主要问题及改进情况",
                "无"
            ]
        );
        let rows = |g: &Grid| -> Vec<Vec<String>> {
            g.rows()
                .map(|r| g.row(r).iter().map(|c| c.text.clone()).collect())
                .collect()
        };
        assert_eq!(
            rows(&doc.grids[0]),
            [
                vec!["信息内容", "本年制发件数", "规章", "0", "0"],
                vec!["行政规范性文件", "1"]
            ]
        );
        assert_eq!(
            rows(&doc.grids[1]),
            [vec!["自然人", "总计", "一、本年新收政府信息公开申请数量", "2", "2"]]
        );
    }

    #[test]
    fn rows_one_a_line() {
        let doc = parse("规章\t0\t1\t2\n规范性文件\t3\t4\t5\n");
        assert_eq!(doc.grids[0].row(1)[3].text, "5");
    }
}
