//! Saved report pages: every `<table>` as a positional grid, the text around them as paragraphs.
//!
//! The page is parsed by `scraper` (html5ever, the HTML parser of Servo): it builds the same tree a
//! browser does from the unclosed tags, stray `</div>`s and Word-exported markup (`MsoNormal`
//! paragraphs, `<o:p>`, conditional comments, nested `<span>`s) that published reports are full
//! of. Each table's rows are laid out by the HTML table algorithm — a cell starts at the first
//! column not covered by a `rowspan` from above and keeps its `colspan`/`rowspan` as its span — so
//! columns line up as they do on screen. A cell's text joins its lines (`<br>`, `<p>`) with CJK
//! text run together and other words spaced; `&nbsp;` and ideographic spaces count as spaces.
//! Text outside the tables becomes paragraphs at block boundaries (`<p>`, `<div>`, `<br>`, …).
//! A table split in two, as Word saves a split table, is read as one grid ([`SplitTables`]).
//!
//! The encoding is taken from a byte order mark, else the page's `<meta charset>`, else UTF-8 if
//! the bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312).

use std::borrow::Cow;

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::grid::{tidy, SplitTables};
use super::{Document, Grid, GridCell, Prose};
use crate::error::ErrorKind;
use crate::model::{Location, PlaceKind};

/// How far into the file markup is looked for when deciding whether it is a web page.
const SNIFF: usize = 4096;
/// The widest `colspan` taken (the HTML standard allows 1000; no report table is 100 wide).
const MAX_COLSPAN: u32 = 100;
/// The most grid positions a table's merged cells may cover; spans beyond are read as 1.
const MAX_SPAN_AREA: u64 = 1 << 20;

/// Whether the bytes are a web page or a fragment of one: markup among the first kilobytes.
///
/// ```
/// use nianbao::read::html::looks_like_html;
/// assert!(looks_like_html(b"<!DOCTYPE html><html><body></body></html>"));
/// assert!(looks_like_html("<p style='text-align:center'>2020年报告</p>".as_bytes()));
/// assert!(!looks_like_html("一、总体情况\n\t规章".as_bytes()));
/// ```
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIFF)]).to_ascii_lowercase();
    const TAGS: &[&str] = &[
        "<html",
        "<!doctype html",
        "<head",
        "<body",
        "<meta",
        "<table",
        "<div",
        "<p>",
        "<p ",
        "<span",
        "<br",
        "<tr",
        "<td",
    ];
    let starts_with_tag = head.trim_start_matches('\u{feff}').trim_start().starts_with('<');
    TAGS.iter().any(|t| head.contains(t)) && (starts_with_tag || head.contains("<html") || head.contains("<table"))
}

/// The page's text: BOM, else `<meta charset>`, else UTF-8 when valid, else GB18030.
///
/// ```
/// use nianbao::read::html::decode;
/// let gbk = b"<meta charset=\"gb2312\"><p>\xB9\xE6\xD5\xC2</p>";
/// assert!(decode(gbk).contains("规章"));
/// assert!(decode("<p>规章</p>".as_bytes()).contains("规章"));
/// ```
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0;
    }
    let declared = meta_charset(&bytes[..bytes.len().min(SNIFF)]);
    let encoding = match declared {
        // GBK and GB2312 pages use characters only GB18030 names; it decodes both.
        Some(e) if e == encoding_rs::GBK => encoding_rs::GB18030,
        Some(e) if e == encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() => encoding_rs::GB18030,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    encoding.decode_without_bom_handling(bytes).0
}

/// The encoding named by `charset=` in the head of a page.
fn meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = lower[at..]
        .iter()
        .skip_while(|b| matches!(b, b'"' | b'\'' | b' '))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .copied()
        .collect();
    encoding_rs::Encoding::for_label(&label)
}

/// Reads a web page into grids (one per `<table>`) and paragraphs.
pub fn read(bytes: &[u8]) -> Result<Document, ErrorKind> {
    Ok(parse(&decode(bytes)))
}

/// A cell as the page has it, before the table is laid out.
struct RawCell {
    text: String,
    colspan: u32,
    rowspan: u32,
}

/// A table being read: its rows of cells and the cell open now.
#[derive(Default)]
struct RawTable {
    rows: Vec<Vec<RawCell>>,
    cell: Option<RawCell>,
    /// A table inside one of its cells: a layout table (an old page system's page laid out in
    /// `<td>`s), whose cells hold the page's text, not a report's.
    layout: bool,
}

/// Elements whose content is not shown.
const HIDDEN: &[&str] = &[
    "head", "script", "style", "template", "noscript", "iframe", "object", "svg", "select",
];
/// Elements that start a new paragraph (or a new line inside a cell).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "center",
    "address",
    "hr",
    "form",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "caption",
    "br",
    "table",
    "tr",
];

/// Walks the page once, in document order.
struct Walker {
    grids: Vec<Grid>,
    prose: Prose,
    tables: Vec<RawTable>,
    hidden: usize,
    /// Tables read so far (a table joined to the one it continues is still counted: cells are
    /// named by the table as the page has it).
    tables_read: usize,
    /// Joins a table split in two (a page saved from Word) back into one grid.
    split: SplitTables,
}

impl Walker {
    /// The text of the open cell of the innermost table, if the walk is inside one.
    fn cell(tables: &mut [RawTable]) -> Option<&mut String> {
        Some(&mut tables.last_mut()?.cell.as_mut()?.text)
    }

    fn text(&mut self, text: &str) {
        self.prose.push(Self::cell(&mut self.tables), text);
    }

    fn block_boundary(&mut self) {
        self.prose.end(Self::cell(&mut self.tables));
    }

    fn open(&mut self, name: &str, element: &scraper::node::Element) {
        let hidden_style = element
            .attr("style")
            .is_some_and(|s| s.to_ascii_lowercase().replace(' ', "").contains("display:none"));
        if self.hidden > 0 || HIDDEN.contains(&name) || hidden_style {
            self.hidden += 1;
            return;
        }
        if BLOCKS.contains(&name) {
            self.block_boundary();
        }
        match name {
            "table" => {
                if let Some(outer) = self.tables.last_mut().filter(|t| t.cell.is_some()) {
                    outer.layout = true;
                }
                self.tables.push(RawTable::default());
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(t) = self.tables.last_mut() {
                    if t.rows.is_empty() {
                        t.rows.push(Vec::new());
                    }
                    let span = |a: &str| element.attr(a).and_then(parse_span);
                    t.cell = Some(RawCell {
                        text: String::new(),
                        colspan: span("colspan").unwrap_or(1).clamp(1, MAX_COLSPAN),
                        rowspan: span("rowspan").unwrap_or(1),
                    });
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        if self.hidden > 0 {
            self.hidden -= 1;
            return;
        }
        match name {
            "td" | "th" => {
                if let Some(t) = self.tables.last_mut() {
                    if let (Some(cell), Some(row)) = (t.cell.take(), t.rows.last_mut()) {
                        row.push(cell);
                    }
                }
            }
            "table" => {
                if let Some(t) = self.tables.pop() {
                    self.tables_read += 1;
                    // A layout table's text (title, sentences, signature) is the page's prose.
                    let prose: Vec<String> = if t.layout {
                        t.rows
                            .iter()
                            .flatten()
                            .flat_map(|c| c.text.lines().map(str::to_string).collect::<Vec<_>>())
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let grid = layout(&format!("表格{}", self.tables_read), t);
                    if self.tables.is_empty() {
                        self.split.add(&mut self.grids, self.prose.ended(), grid);
                    } else {
                        self.grids.push(grid);
                    }
                    for line in prose {
                        self.prose.push(Self::cell(&mut self.tables), &line);
                        self.block_boundary();
                    }
                }
            }
            _ if BLOCKS.contains(&name) && name != "br" => self.block_boundary(),
            _ => {}
        }
    }
}

/// A `colspan`/`rowspan` value: leading digits, as browsers read it (`2`, ` 3 `, `2px`).
fn parse_span(value: &str) -> Option<u32> {
    let digits: String = value.trim().chars().take_while(char::is_ascii_digit).take(6).collect();
    digits.parse().ok()
}

fn parse(text: &str) -> Document {
    let html = Html::parse_document(text);
    let mut w = Walker {
        grids: Vec::new(),
        prose: Prose::default(),
        tables: Vec::new(),
        hidden: 0,
        tables_read: 0,
        split: SplitTables::default(),
    };
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => w.open(e.name(), e),
                Node::Text(t) if w.hidden == 0 => w.text(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    w.close(e.name());
                }
            }
        }
    }
    while let Some(t) = w.tables.pop() {
        w.tables_read += 1;
        w.grids.push(layout(&format!("表格{}", w.tables_read), t));
    }
    // The article's title as page systems declare it (`<meta name="ArticleTitle">`, the heading a
    // script fills in), else the page's own `<title>` (a site's name after the report's is cut by
    // the title reader).
    let meta_title = html
        .tree
        .nodes()
        .filter_map(|n| match n.value() {
            Node::Element(e) if e.name() == "meta" => Some(e),
            _ => None,
        })
        .find(|e| {
            e.attr("name")
                .or_else(|| e.attr("property"))
                .is_some_and(|n| ["articletitle", "og:title", "dc.title"].contains(&n.to_ascii_lowercase().as_str()))
        })
        .and_then(|e| e.attr("content"))
        .map(super::grid::tidy)
        .filter(|t| !t.is_empty());
    let title = meta_title.or_else(|| {
        html.tree
            .nodes()
            .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "title"))
            .map(|n| {
                n.descendants()
                    .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                    .collect::<String>()
            })
            .map(|t| super::grid::tidy(&t))
            .filter(|t| !t.is_empty())
    });
    Document {
        grids: w.grids,
        paragraphs: w.prose.finish(),
        names: Vec::new(),
        published: true,
        title,
    }
}

/// Lays a table's rows out on a grid by the HTML table algorithm.
fn layout(name: &str, table: RawTable) -> Grid {
    let n_rows = table.rows.len() as u32;
    // Column ranges taken by cells reaching down from rows above: first col → (last col, last row).
    // Ranges of one row never overlap; ranges whose last row is past are dropped when met.
    let mut from_above: std::collections::BTreeMap<u32, (u32, u32)> = std::collections::BTreeMap::new();
    let mut area: u64 = 0;
    let mut cells = Vec::new();
    for (r, row) in table.rows.into_iter().enumerate() {
        let r = r as u32;
        let mut c = 0u32;
        for raw in row {
            while let Some((&start, &(end, last))) = from_above.range(..=c).next_back() {
                if last < r {
                    from_above.remove(&start);
                } else if end >= c {
                    c = end + 1;
                } else {
                    break;
                }
            }
            // rowspan="0" reaches to the end of the table.
            let wanted_rows = if raw.rowspan == 0 { n_rows - r } else { raw.rowspan };
            let (mut rows, mut cols) = (wanted_rows.clamp(1, n_rows - r), raw.colspan);
            if rows > 1 || cols > 1 {
                area += u64::from(rows) * u64::from(cols);
                if area > MAX_SPAN_AREA {
                    (rows, cols) = (1, 1);
                }
            }
            if rows > 1 {
                from_above.insert(c, (c + cols - 1, r + rows - 1));
            }
            cells.push(GridCell {
                row: r,
                col: c,
                rows,
                cols,
                text: tidy(&raw.text),
                number: None,
                at: Location {
                    kind: PlaceKind::Table,
                    sheet: name.into(),
                    row: r,
                    col: c,
                },
            });
            c += cols;
        }
    }
    Grid::new(name, true, cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_laid_out_as_a_browser_does() {
        let doc = parse(
            "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr><tr><td>C</td><td>D</td></tr>\
             <tr><td>E</td><td>F</td><td>G</td></tr></table>",
        );
        let g = &doc.grids[0];
        assert!(g.positional);
        let at = |r, c| g.at(r, c).map(|c| c.text.clone()).unwrap_or_default();
        assert_eq!(at(1, 0), "A");
        assert_eq!(at(1, 1), "C");
        assert_eq!(at(1, 2), "D");
        assert_eq!(at(0, 2), "B");
        assert_eq!(at(2, 2), "G");
    }

    #[test]
    fn word_markup_and_paragraphs() {
        let doc = parse(
            "<p class=MsoNormal>  一、总体情况<o:p></o:p></p><p>正文<span>3</span>条。</p>\
             <table><tr><td><p>商业</p><p>企业&nbsp;</p></td><td>结果<br/>纠正</td><td>&nbsp;1</td></tr></table>\
             <script>var x = 1;</script><p>　　三、收到<br></p>",
        );
        assert_eq!(doc.paragraphs, vec!["一、总体情况", "正文3条。", "三、收到"]);
        let row = doc.grids[0].row(0);
        assert_eq!(row[0].text, "商业企业");
        assert_eq!(row[1].text, "结果纠正");
        assert_eq!(row[2].text, "1");
    }

    #[test]
    fn a_layout_tables_text_is_prose() {
        let doc = parse(
            "<table><tr><td><div>某某局2024年政府信息公开工作年度报告</div><p>一、总体情况</p>\
             <table><tr><td>规章</td><td>3</td></tr></table><p>某某局</p></td></tr></table>",
        );
        assert_eq!(
            doc.paragraphs,
            vec!["某某局2024年政府信息公开工作年度报告", "一、总体情况", "某某局"]
        );
        assert!(doc.grids.iter().any(|g| g.cells().iter().any(|c| c.text == "规章")));
    }

    #[test]
    fn hostile_spans_stay_bounded() {
        let row = format!("<tr>{}</tr>", "<td colspan=1000 rowspan=65534>x</td>".repeat(200));
        let doc = parse(&format!("<table>{}</table>", row.repeat(200)));
        assert!(doc.grids[0].cells().len() <= 200 * 200);
    }
}
