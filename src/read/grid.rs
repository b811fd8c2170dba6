//! The one shape every reader produces: a grid of cells with spans and source addresses.
//!
//! A workbook sheet, an HTML `<table>`, a Word table, a PDF table rebuilt from its rules and a block
//! of web-page text all become a [`Grid`]; the label matcher in [`super::extract`] only ever sees
//! grids, so it is written once for every input kind.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Location, PlaceKind};

/// One cell: its text, its position and span in the grid, and where it sits in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// Zero-based top row.
    pub row: u32,
    /// Zero-based left column.
    pub col: u32,
    /// Rows spanned (1 for an unmerged cell).
    pub rows: u32,
    /// Columns spanned (1 for an unmerged cell).
    pub cols: u32,
    /// The text as shown (for a number typed as a number, its digits).
    pub text: String,
    /// The number, when the input stored one natively (a numeric workbook cell or a formula's
    /// cached value); text cells are parsed later, by the layout's rules for that cell.
    pub number: Option<f64>,
    /// Where the cell sits in the input (sheet and A1, or table/page and row/column).
    pub at: Location,
}

impl GridCell {
    /// A one-by-one text cell at `row`, `col` of a grid whose source addresses are the same.
    pub fn text(grid: &str, kind: PlaceKind, row: u32, col: u32, text: &str) -> GridCell {
        GridCell {
            row,
            col,
            rows: 1,
            cols: 1,
            text: text.to_string(),
            number: None,
            at: Location {
                kind,
                sheet: grid.into(),
                row,
                col,
            },
        }
    }

    /// The last column the cell covers.
    pub fn last_col(&self) -> u32 {
        self.col + self.cols.max(1) - 1
    }

    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.number.is_none() && self.text.chars().all(char::is_whitespace)
    }
}

/// A table-shaped view of one sheet, table or page.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The sheet's name, or `表格2`, `第3页`.
    pub name: String,
    /// Whether columns line up, so a value's column can be found from its header's position.
    /// Workbooks, HTML, Word and PDF grids do; web-page text (one cell a line) does not, and there
    /// values are placed by their order in the row.
    pub positional: bool,
    cells: Vec<GridCell>,
    /// `rows[r]` is the range of `cells` starting in row `r` (rows are sorted).
    row_starts: Vec<(u32, usize, usize)>,
    /// Positions covered by a merged cell other than its top-left one.
    covered: HashMap<(u32, u32), usize>,
    /// For each row, the merged cells reaching down into it from rows above.
    from_above: HashMap<u32, Vec<usize>>,
}

impl Grid {
    /// Builds a grid from cells in any order. Cells are sorted by row, then column.
    pub fn new(name: &str, positional: bool, mut cells: Vec<GridCell>) -> Grid {
        cells.sort_by_key(|c| (c.row, c.col));
        let mut row_starts: Vec<(u32, usize, usize)> = Vec::new();
        let mut covered = HashMap::default();
        let mut from_above: HashMap<u32, Vec<usize>> = HashMap::default();
        for (i, c) in cells.iter().enumerate() {
            match row_starts.last_mut() {
                Some((r, _, end)) if *r == c.row => *end = i + 1,
                _ => row_starts.push((c.row, i, i + 1)),
            }
            if c.rows > 1 || c.cols > 1 {
                for r in c.row + 1..c.row + c.rows.max(1) {
                    from_above.entry(r).or_default().push(i);
                }
                for r in c.row..c.row + c.rows.max(1) {
                    for col in c.col..c.col + c.cols.max(1) {
                        if (r, col) != (c.row, c.col) {
                            covered.insert((r, col), i);
                        }
                    }
                }
            }
        }
        Grid {
            name: name.to_string(),
            positional,
            cells,
            row_starts,
            covered,
            from_above,
        }
    }

    /// Every cell, sorted by row then column.
    pub fn cells(&self) -> &[GridCell] {
        &self.cells
    }

    /// The cells, given up: to build a larger grid from this one (a table and its continuation).
    pub fn into_cells(self) -> Vec<GridCell> {
        self.cells
    }

    /// The number of rows the grid's cells reach down to (merged cells included).
    pub fn height(&self) -> u32 {
        self.cells.iter().map(|c| c.row + c.rows.max(1)).max().unwrap_or(0)
    }

    /// The number of columns the grid's cells reach across (merged cells included).
    pub fn width(&self) -> u32 {
        self.cells.iter().map(|c| c.col + c.cols.max(1)).max().unwrap_or(0)
    }

    /// The rows that have cells, in order.
    pub fn rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.row_starts.iter().map(|(r, _, _)| *r)
    }

    /// The cells that start in row `r`, left to right.
    pub fn row(&self, r: u32) -> &[GridCell] {
        match self.row_starts.binary_search_by_key(&r, |(row, _, _)| *row) {
            Ok(i) => {
                let (_, a, b) = self.row_starts[i];
                &self.cells[a..b]
            }
            Err(_) => &[],
        }
    }

    /// The cell covering position (`r`, `c`): the one starting there or a merged cell over it.
    pub fn at(&self, r: u32, c: u32) -> Option<&GridCell> {
        if let Some(&i) = self.covered.get(&(r, c)) {
            return Some(&self.cells[i]);
        }
        let row = self.row(r);
        row.binary_search_by_key(&c, |cell| cell.col).ok().map(|i| &row[i])
    }

    /// The cells of row `r` including merged cells reaching down into it from rows above, left to
    /// right: what a reader of the printed table sees on that line.
    pub fn line(&self, r: u32) -> Vec<&GridCell> {
        let mut out: Vec<&GridCell> = self.row(r).iter().collect();
        if let Some(above) = self.from_above.get(&r) {
            out.extend(above.iter().map(|&i| &self.cells[i]));
        }
        out.sort_by_key(|c| c.col);
        out
    }
}

/// Whether a character belongs to CJK text (ideographs, CJK and full-width punctuation), where
/// words are not separated by spaces.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x303E | 0x3040..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Cleans the text of a cell or paragraph as a reader sees it: every run of whitespace (also
/// no-break and ideographic spaces, line breaks) becomes one space, a space between two CJK
/// characters is dropped (a label broken over lines is one word again), and the ends are trimmed.
///
/// ```
/// use nianbao::read::grid::tidy;
/// assert_eq!(tidy("本年新\n \u{a0} 制作数量"), "本年新制作数量");
/// assert_eq!(tidy("\u{3000}\u{3000}0 "), "0");
/// assert_eq!(tidy("平潭综合实验区海坛片区管理局 2023年度"), "平潭综合实验区海坛片区管理局 2023年度");
/// assert_eq!(tidy("  一、总体情况"), "一、总体情况");
/// ```
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}') {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let joined = out.chars().last().is_some_and(is_wide) && is_wide(c);
            if !joined {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Endings (and beginnings) of the caption a report puts above the continued part of a table:
/// `（续表）`, `表三（续）`, `续表三`, `续上表`, `接上表` (normalized: half-width brackets).
const CONTINUED: &[&str] = &["续表", "续上表", "接上表", "(续)", "(续表)", "(续上表)", "(接上表)"];

/// Whether a paragraph is only the caption of a table's continued part (`（续表）`, `表三（续）`):
/// between two tables it says the second continues the first, where any other text would say they
/// are two tables. A sentence is never one.
///
/// ```
/// use nianbao::read::grid::is_continuation_caption;
/// assert!(is_continuation_caption("（续表）") && is_continuation_caption("表三（续）"));
/// assert!(is_continuation_caption("续表三") && is_continuation_caption(" 续上表："));
/// assert!(!is_continuation_caption("四、政府信息公开行政复议、行政诉讼情况"));
/// assert!(!is_continuation_caption("办理手续") && !is_continuation_caption("（续表）见下页，其余略。"));
/// ```
pub fn is_continuation_caption(text: &str) -> bool {
    let n = crate::label::normalize(text);
    let n = n.trim_end_matches([':', '：']);
    let sentence = n.chars().any(|c| matches!(c, '。' | '，' | ',' | '；' | ';'));
    !sentence
        && n.chars().count() <= 40
        && (CONTINUED.iter().any(|w| n.ends_with(w)) || n.starts_with("续表") || n.starts_with("(续表)"))
}

/// The most header rows a table's continued part repeats (Word's 重复标题行 are a few rows).
const MAX_HEADER_ROWS: u32 = 8;

/// How many leading rows of a table's continued part (`next`) repeat the leading rows of its first
/// part (`first`): Word's 重复标题行 (`w:tblHeader`) printed again at the top of each page, or a
/// table split in two whose second part carries the header again. Both hold the same texts in the
/// same columns and spans, and none of their merged cells reaches below them; the rows must name
/// something (not only numbers and blanks) and leave rows of the continuation after them. The
/// matcher would otherwise find the table's headers twice. Columns must be in one column space
/// (the readers align the parts first); rows count from each part's own top. 0: no repeat.
pub fn repeated_header_rows(first: &[GridCell], next: &[GridCell]) -> u32 {
    type Key<'a> = (u32, u32, u32, u32, &'a str);
    let top = |cells: &[GridCell]| cells.iter().map(|c| c.row).min();
    let (Some(a), Some(b)) = (top(first), top(next)) else {
        return 0;
    };
    let last_next = next.iter().map(|c| c.row).max().unwrap_or(b);
    // The written cells of the first `n` rows from `top`, or `None` when one reaches below them.
    fn block(cells: &[GridCell], top: u32, n: u32) -> Option<Vec<Key<'_>>> {
        let mut out: Vec<Key> = Vec::new();
        for c in cells.iter().filter(|c| c.row < top + n) {
            if c.row + c.rows.max(1) > top + n {
                return None;
            }
            let text = c.text.trim();
            if !text.is_empty() {
                out.push((c.row - top, c.col, c.rows.max(1), c.cols.max(1), text));
            }
        }
        out.sort_unstable();
        Some(out)
    }
    let names = |keys: &[Key]| keys.iter().any(|k| !super::value::is_value(k.4));
    (1..=MAX_HEADER_ROWS)
        .filter(|&n| b + n <= last_next)
        .filter(|&n| match (block(first, a, n), block(next, b, n)) {
            (Some(x), Some(y)) => x == y && names(&x),
            _ => false,
        })
        .max()
        .unwrap_or(0)
}

/// The cells of a table's continued part with its repeated header rows ([`repeated_header_rows`])
/// left out and the rest moved down to start at row `at` of the joined grid. Each cell keeps its
/// source address (the part's own table or page, row and column).
pub fn continuation(first: &[GridCell], next: Vec<GridCell>, at: u32) -> Vec<GridCell> {
    let skip = repeated_header_rows(first, &next);
    let top = next.iter().map(|c| c.row).min().unwrap_or(0) + skip;
    next.into_iter()
        .filter(|c| c.row >= top)
        .map(|mut c| {
            c.row = c.row - top + at;
            c
        })
        .collect()
}

/// Joins a table that a document splits in two back into one grid, as a reader meets the tables
/// outside any other table one after the other (Word documents, web pages saved from Word).
///
/// Word splits a long table in two (拆分表格, or a page break typed between two tables), and the
/// continued part either repeats the header rows or goes straight on with rows; the matcher finds a
/// table's rows in one grid only, so the parts must be one grid, as the PDF reader stitches a table
/// broken across pages. The second table continues the first when nothing but empty paragraphs
/// (page breaks) or a continuation caption ([`is_continuation_caption`]: `（续表）`, `表三（续）`)
/// lies between them, and either it starts with a repeat of the first one's header rows (read once:
/// the matcher would find the header twice), or it is as wide and its first row holds values — a
/// row of data, not the header of another table (表二's four small tables, 表三 and 表四 stand next
/// to each other, each starting with its own header).
#[derive(Debug, Default)]
pub struct SplitTables {
    /// The last table added: its grid, and how many paragraphs had ended when it did.
    last: Option<(usize, usize)>,
}

impl SplitTables {
    /// Adds a table met outside any other table to `grids`, joined to the last grid when it
    /// continues that table. `paragraphs` are the document's paragraphs ended so far.
    pub fn add(&mut self, grids: &mut Vec<Grid>, paragraphs: &[String], next: Grid) {
        if self.continues(grids, paragraphs, &next) {
            if let Some(first) = grids.pop() {
                let (name, positional, at) = (first.name.clone(), first.positional, first.height());
                let mut cells = first.into_cells();
                let rest = continuation(&cells, next.into_cells(), at);
                cells.extend(rest);
                grids.push(Grid::new(&name, positional, cells));
            }
        } else {
            grids.push(next);
        }
        self.last = Some((grids.len() - 1, paragraphs.len()));
    }

    fn continues(&self, grids: &[Grid], paragraphs: &[String], next: &Grid) -> bool {
        let Some((gi, ended)) = self.last else {
            return false;
        };
        let between = paragraphs.get(ended..).unwrap_or_default();
        let Some(first) = grids.last().filter(|_| gi + 1 == grids.len()) else {
            return false;
        };
        if next.cells().is_empty() || !between.iter().all(|p| is_continuation_caption(p)) {
            return false;
        }
        let data_first = next.rows().next().is_some_and(|r| {
            next.row(r)
                .iter()
                .any(|c| !c.is_blank() && super::value::is_value(&c.text))
        });
        repeated_header_rows(first.cells(), next.cells()) > 0 || (next.width() == first.width() && data_first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PlaceKind;

    fn cells(rows: &[&[&str]]) -> Vec<GridCell> {
        let mut out = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                out.push(GridCell::text("t", PlaceKind::Table, r as u32, c as u32, t));
            }
        }
        out
    }

    #[test]
    fn repeated_header_rows_are_found_only_when_they_repeat_and_name_something() {
        let first = cells(&[&["", "自然人"], &["", "商业企业"], &["一、本年新收", "10"]]);
        assert_eq!(
            repeated_header_rows(
                &first,
                &cells(&[&["", "自然人"], &["", "商业企业"], &["四、结转", "1"]])
            ),
            2
        );
        assert_eq!(repeated_header_rows(&first, &cells(&[&["四、结转", "1"]])), 0);
        assert_eq!(
            repeated_header_rows(&first, &cells(&[&["", "自然人"], &["", "法人"], &["四、结转", "1"]])),
            1
        );
        // The whole continuation a repeat: nothing left, so it is not a header.
        assert_eq!(repeated_header_rows(&first, &cells(&[&["", "自然人"]])), 0);
        // Numbers alone are not a header.
        let numbers = cells(&[&["1", "2"], &["3", "4"]]);
        assert_eq!(repeated_header_rows(&numbers, &numbers), 0);
        let moved = continuation(
            &first,
            cells(&[&["", "自然人"], &["", "商业企业"], &["四、结转", "1"]]),
            3,
        );
        assert_eq!(
            moved.iter().map(|c| (c.row, c.at.row)).collect::<Vec<_>>(),
            vec![(3, 2), (3, 2)]
        );
    }
}
