//! Web-page text as copied from a browser: each table cell on its own line, rows between blank lines.
//!
//! Copying a published report out of a browser gives the text of the page with every table cell on
//! a line of its own, most of them prefixed by a tab; a blank line ends a table row; an empty cell
//! is a lone tab; a label the page wrapped inside its cell goes on in the next line, without a tab.
//! Lines outside the tables are the report's paragraphs. Cells of such text do not line up in
//! columns, so the grids are non-positional: each row holds its cells in order, and the matcher
//! places values by their order after the row's label.
//!
//! A line that does not start with a tab but holds tabs is a whole row (the other way browsers copy
//! a table, one row a line, cells separated by tabs).

use std::borrow::Cow;

use super::grid::tidy;
use super::{Document, Grid, GridCell};
use crate::error::ErrorKind;
use crate::model::PlaceKind;

/// The longest line taken as the continuation of a wrapped label rather than a paragraph.
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

/// What a line of the text is.
enum Line<'a> {
    /// Nothing but whitespace: ends a table row.
    Blank,
    /// Cells of the current row (a line starting with a tab).
    Cells(Vec<&'a str>),
    /// A whole row (tabs inside a line that does not start with one).
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
    } else {
        Line::Plain(line)
    }
}

/// The grids and paragraphs of a text.
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

fn parse(text: &str) -> Document {
    let mut b = Builder {
        grids: Vec::new(),
        paragraphs: Vec::new(),
        cells: Vec::new(),
        row: 0,
        col: 0,
    };
    for line in text.lines() {
        match classify(line) {
            Line::Blank => b.end_row(),
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
                    b.end_table();
                    let p = tidy(plain);
                    if !p.is_empty() {
                        b.paragraphs.push(p);
                    }
                }
            }
        }
    }
    b.end_table();
    Document {
        grids: b.grids,
        paragraphs: b.paragraphs,
        names: Vec::new(),
        published: true,
    }
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
    fn rows_one_a_line() {
        let doc = parse("规章\t0\t1\t2\n规范性文件\t3\t4\t5\n");
        assert_eq!(doc.grids[0].row(1)[3].text, "5");
    }
}
