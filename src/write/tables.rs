//! The three official tables of a report, drawn as rows of merged cells from the layout's data.
//!
//! Nothing here names a row: 表二 is drawn block by block from `Layout::t2`, 表三's label columns
//! and their vertical merges from the parent/child structure of `Layout::t3_rows` and `t3_groups`,
//! the column headers of 表三 and 表四 from the groups of `T3_COLUMNS`, `T4_GROUPS` and
//! `T4_COLUMNS`. The result is what the official format prints (format-notes §3) and what the HTML
//! and Markdown writers render. A row the report does not have at all (a 规章 row left out, the
//! two sub-rows of a （六）其他处理 printed as one row) is left out, as the publisher did.

use crate::format::{Kind, Table, T3_COLUMNS, T3_COLUMN_GROUP, T3_CORNER_NOTE, T4_COLUMNS, T4_GROUPS};
use crate::model::{format_number, Report};

/// What a drawn cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A column header.
    Header,
    /// 表二's article heading across the table (`第二十条第（一）项`).
    Block,
    /// 表三's corner note (the official statement of its balance).
    Note,
    /// A row label.
    Label,
    /// A number (or the text the report has in its place).
    Value,
}

/// One drawn cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// Its text.
    pub text: String,
    /// Columns spanned.
    pub cols: u32,
    /// Rows spanned.
    pub rows: u32,
    /// What it is.
    pub role: Role,
    /// The cell code of a value (`t3.new.natural`).
    pub code: Option<String>,
}

impl Drawn {
    fn header(text: &str, cols: u32, rows: u32) -> Drawn {
        Drawn {
            text: text.to_string(),
            cols,
            rows,
            role: Role::Header,
            code: None,
        }
    }

    fn label(text: &str, cols: u32, rows: u32) -> Drawn {
        Drawn {
            role: Role::Label,
            ..Drawn::header(text, cols, rows)
        }
    }
}

/// A drawn table: its header rows (repeated on each printed page) and its body rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnTable {
    /// Which table.
    pub table: Table,
    /// Label columns on the left (表三's three, 表二's 信息内容, none in 表四).
    pub labels: u32,
    /// Columns in all.
    pub width: u32,
    /// Header rows.
    pub head: Vec<Vec<Drawn>>,
    /// Body rows.
    pub body: Vec<Vec<Drawn>>,
}

/// The three tables of a report, each `None` where the report has none of its cells.
pub fn draw(report: &Report) -> Vec<(Table, Option<DrawnTable>)> {
    Table::ALL
        .iter()
        .map(|&t| {
            let any = report.iter().any(|(d, v)| d.table == t && v.is_some());
            let drawn = any.then(|| match t {
                Table::T2 => t2(report),
                Table::T3 => t3(report),
                Table::T4 => t4(report),
            });
            (t, drawn)
        })
        .collect()
}

/// The text a value cell shows: the number as the official table writes it (`+3` for a signed
/// increase, `万元` after an amount whose header names no unit), the report's own text where it is
/// not a number, nothing where the cell is absent.
pub fn value_text(report: &Report, code: &str) -> String {
    let Some(value) = report.value(code) else {
        return String::new();
    };
    let Some(n) = value.number else {
        return value.raw.clone();
    };
    let kind = report.format.cell_index(code).map(|i| report.format.cells()[i].kind);
    match kind {
        Some(Kind::Signed) if n > 0.0 => format!("+{}", format_number(n)),
        Some(Kind::Amount) if !report.format.layout().amount_unit_in_header => format!("{}万元", format_number(n)),
        _ => format_number(n),
    }
}

fn value(report: &Report, code: String, cols: u32) -> Drawn {
    Drawn {
        text: value_text(report, &code),
        cols,
        rows: 1,
        role: Role::Value,
        code: Some(code),
    }
}

/// Whether the report has any cell of a row (`t2.rules`, `t3.new`).
fn has_row(report: &Report, table: Table, row: &str) -> bool {
    report
        .iter()
        .any(|(d, v)| d.table == table && d.row == row && v.is_some())
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// 表二: per block, its article heading across the table, `信息内容` and the column labels, then its
/// rows; the value columns of every block share one width (the least common multiple of the
/// blocks' column counts), so a one-value block spans what a three-value block fills.
fn t2(report: &Report) -> DrawnTable {
    let layout = report.format.layout();
    let width = layout
        .t2
        .iter()
        .map(|b| b.columns.len().max(1) as u32)
        .fold(1, |acc, n| acc / gcd(acc, n) * n);
    let mut body = Vec::new();
    for block in layout.t2 {
        let rows: Vec<_> = block
            .rows
            .iter()
            .filter(|r| has_row(report, Table::T2, r.code))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let span = width / block.columns.len().max(1) as u32;
        body.push(vec![Drawn {
            role: Role::Block,
            ..Drawn::header(block.article, width + 1, 1)
        }]);
        let mut header = vec![Drawn::header(crate::format::T2_LABEL_HEADER, 1, 1)];
        header.extend(block.columns.iter().map(|c| Drawn::header(c.label, span, 1)));
        body.push(header);
        for row in rows {
            let mut line = vec![Drawn::label(row.label, 1, 1)];
            line.extend(
                block
                    .columns
                    .iter()
                    .map(|c| value(report, format!("t2.{}.{}", row.code, c.code), span)),
            );
            body.push(line);
        }
    }
    DrawnTable {
        table: Table::T2,
        labels: 1,
        width: width + 1,
        head: Vec::new(),
        body,
    }
}

/// Header rows of columns grouped under headers: a column without a group spans both rows, a run
/// of columns with one group gets the group across them and their labels below.
fn grouped_header(columns: &[(&'static str, Option<&'static str>)]) -> (Vec<Drawn>, Vec<Drawn>) {
    let (mut top, mut below) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < columns.len() {
        let (label, group) = columns[i];
        match group {
            None => {
                top.push(Drawn::header(label, 1, 2));
                i += 1;
            }
            Some(g) => {
                let n = columns[i..].iter().take_while(|c| c.1 == Some(g)).count();
                top.push(Drawn::header(g, n as u32, 1));
                below.extend(columns[i..i + n].iter().map(|c| Drawn::header(c.0, 1, 1)));
                i += n;
            }
        }
    }
    (top, below)
}

/// 表三: the corner note over the label columns, 申请人情况 over the applicant columns, then each
/// row with its groups merged down the label columns.
fn t3(report: &Report) -> DrawnTable {
    let layout = report.format.layout();
    let rows: Vec<_> = layout
        .t3_rows
        .iter()
        .filter(|r| has_row(report, Table::T3, r.code))
        .collect();
    let depth = layout
        .t3_rows
        .iter()
        .map(|r| layout.t3_ancestors(r.code).len() as u32)
        .max()
        .unwrap_or(0);
    let label_cols = depth + 1;
    let columns: Vec<_> = T3_COLUMNS.iter().map(|c| (c.label, c.group)).collect();
    let (top, below) = grouped_header(&columns);
    let head = vec![
        vec![
            Drawn {
                role: Role::Note,
                ..Drawn::header(T3_CORNER_NOTE, label_cols, 3)
            },
            Drawn::header(T3_COLUMN_GROUP, T3_COLUMNS.len() as u32, 1),
        ],
        top,
        below,
    ];
    let mut body = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let chain = layout.t3_ancestors(row.code);
        let mut line = Vec::new();
        for group in &chain {
            let under = |r: &crate::format::RowDef| layout.t3_is_under(r.code, group.code);
            if !rows[..i].iter().any(|r| under(r)) {
                let span = rows[i..].iter().filter(|r| under(r)).count() as u32;
                line.push(Drawn::label(group.label, 1, span));
            }
        }
        line.push(Drawn::label(row.label, label_cols - chain.len() as u32, 1));
        line.extend(
            T3_COLUMNS
                .iter()
                .map(|c| value(report, format!("t3.{}.{}", row.code, c.code), 1)),
        );
        body.push(line);
    }
    DrawnTable {
        table: Table::T3,
        labels: label_cols,
        width: label_cols + T3_COLUMNS.len() as u32,
        head,
        body,
    }
}

/// 表四: groups without a parent (行政复议) over their leaves, which span two rows; groups under a
/// parent (行政诉讼) under it, their leaves below; one row of numbers.
fn t4(report: &Report) -> DrawnTable {
    let per_group = T4_COLUMNS.len() / T4_GROUPS.len().max(1);
    let leaves = |g: usize, rows: u32| -> Vec<Drawn> {
        T4_COLUMNS[g * per_group..(g + 1) * per_group]
            .iter()
            .map(|c| Drawn::header(c.label, 1, rows))
            .collect()
    };
    let (mut first, mut second, mut third) = (Vec::new(), Vec::new(), Vec::new());
    let mut g = 0;
    while g < T4_GROUPS.len() {
        match T4_GROUPS[g].parent {
            None => {
                first.push(Drawn::header(T4_GROUPS[g].label, per_group as u32, 1));
                second.extend(leaves(g, 2));
                g += 1;
            }
            Some(parent) => {
                let n = T4_GROUPS[g..].iter().take_while(|x| x.parent == Some(parent)).count();
                first.push(Drawn::header(parent, (n * per_group) as u32, 1));
                for (k, group) in T4_GROUPS.iter().enumerate().skip(g).take(n) {
                    second.push(Drawn::header(group.label, per_group as u32, 1));
                    third.extend(leaves(k, 1));
                }
                g += n;
            }
        }
    }
    let body = vec![T4_COLUMNS
        .iter()
        .map(|c| value(report, format!("t4.{}", c.code), 1))
        .collect()];
    DrawnTable {
        table: Table::T4,
        labels: 0,
        width: T4_COLUMNS.len() as u32,
        head: vec![first, second, third],
        body,
    }
}

/// Which drawn cell covers each position of a table: one line per row (header rows, then body
/// rows), each position the cell covering it as `(row, index)` in those rows, `None` where no cell
/// does. A cell merged over several rows covers a position in each: Word wants its continuation
/// (`w:vMerge`) written in every row it covers, Markdown its text repeated.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::tables::{cover, draw}};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_total", 2.0);
/// let t4 = draw(&r)[2].1.clone().unwrap();
/// let grid = cover(&t4);
/// // 行政复议 spans the first five columns of the first row; 结果维持 two rows below it.
/// assert_eq!(grid[0][4], Some((0, 0)));
/// assert_eq!((grid[1][0], grid[2][0]), (Some((1, 0)), Some((1, 0))));
/// assert!(grid.iter().all(|row| row.len() == 15 && row.iter().all(Option::is_some)));
/// ```
pub fn cover(t: &DrawnTable) -> Vec<Vec<Option<(usize, usize)>>> {
    let rows: Vec<&Vec<Drawn>> = t.head.iter().chain(&t.body).collect();
    let width = t.width as usize;
    let mut m = vec![vec![None; width]; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for (i, cell) in row.iter().enumerate() {
            while col < width && m[r][col].is_some() {
                col += 1;
            }
            for line in m.iter_mut().skip(r).take(cell.rows as usize) {
                for slot in line.iter_mut().skip(col).take(cell.cols as usize) {
                    *slot = Some((r, i));
                }
            }
            col += cell.cols as usize;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    fn full(format: Format) -> Report {
        let mut r = Report::new("某某局", 2024, format);
        for c in format.cells() {
            r.set(&c.code, 1.0);
        }
        r
    }

    /// Every row of a drawn table covers the same number of columns once spans are counted.
    fn widths(t: &DrawnTable) -> Vec<u32> {
        let rows: Vec<&Vec<Drawn>> = t.head.iter().chain(&t.body).collect();
        let mut covered = vec![0u32; rows.len()];
        for (r, row) in rows.iter().enumerate() {
            for c in row.iter() {
                for width in covered.iter_mut().skip(r).take(c.rows as usize) {
                    *width += c.cols;
                }
            }
        }
        covered
    }

    #[test]
    fn every_row_is_as_wide_as_the_table() {
        for format in Format::ALL {
            for (_, t) in draw(&full(format)) {
                let t = t.unwrap();
                let w = widths(&t);
                assert!(w.iter().all(|&x| x == w[0]), "{format} {:?}: {w:?}", t.table);
            }
        }
    }

    #[test]
    fn official_merges() {
        let drawn = draw(&full(Format::F2021));
        let t3 = drawn[1].1.clone().unwrap();
        assert_eq!((t3.head[0][0].cols, t3.head[0][0].rows), (3, 3));
        let results = &t3.body[2][0];
        assert_eq!((results.text.as_str(), results.rows), ("三、本年度办理结果", 22));
        let t4 = drawn[2].1.clone().unwrap();
        assert_eq!(t4.head[0][1].text, "行政诉讼");
        assert_eq!(t4.head[0][1].cols, 10);
        assert_eq!(t4.head[1][0].rows, 2);
        let t2 = drawn[0].1.clone().unwrap();
        assert_eq!(t2.body[0][0].cols, 4);
        assert_eq!(t2.body[6][1].cols, 3);
    }
}
