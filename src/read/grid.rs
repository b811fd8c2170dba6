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
                sheet: grid.to_string(),
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
