//! The findings list: one sheet 校验结果 with a line per finding of every file, the one writer both
//! the summary workbook (汇总.xlsx) and the findings workbook (校验结果.xlsx) use.
//!
//! A file that could not be read is one line with its error; a file read but not added to a merge
//! one line with why (`OTHER_YEAR`, `OTHER_FORMAT`); a clean file one line saying so. Lines are
//! written in order, so the sheet may be a constant-memory one.

use rust_xlsxwriter::{Url, Worksheet, XlsxError};

use super::xlsx::style::{style, Role};
use crate::format::{Format, Table};
use crate::model::{Finding, Severity};
use crate::rules::{self, Rule};

/// The columns of the list: header and width.
const COLUMNS: &[(&str, f64)] = &[
    ("单位", 24.0),
    ("文件", 30.0),
    ("表", 7.0),
    ("单元格", 20.0),
    ("规则", 20.0),
    ("规则说明", 22.0),
    ("严重程度", 9.0),
    ("说明", 80.0),
];

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The agency (or, for a file that could not be read, nothing).
    pub agency: String,
    /// The file.
    pub file: String,
    /// `表二` …, or empty.
    pub table: &'static str,
    /// Where: `表三!C7` in the agency's file, else the cell's name.
    pub place: String,
    /// The rule, `None` for a clean file's line.
    pub rule: Option<&'static Rule>,
    /// The Chinese message.
    pub message: String,
    /// A link to the cell on another sheet of the workbook (`internal:'区财政局'!C7`).
    pub link: Option<String>,
}

impl Line {
    /// The texts of the first six columns, 单位 to 规则说明 (严重程度 and 说明 are written apart).
    fn leading_texts(&self) -> [&str; 6] {
        [
            self.agency.as_str(),
            self.file.as_str(),
            self.table,
            self.place.as_str(),
            self.rule.map_or("", |r| r.id),
            self.rule.map_or("", |r| r.title),
        ]
    }

    /// The line of a file that could not be read.
    pub fn unreadable(file: &str, error: &str) -> Line {
        Line::about(rules::UNREADABLE, "", file, error)
    }

    /// A line about a whole file (`OTHER_YEAR`, `OTHER_FORMAT`, `UNREADABLE`).
    pub fn about(rule: &'static Rule, agency: &str, file: &str, message: &str) -> Line {
        Line {
            agency: agency.to_string(),
            file: file.to_string(),
            table: "",
            place: String::new(),
            rule: Some(rule),
            message: message.to_string(),
            link: None,
        }
    }

    /// The line of a file with no finding.
    pub fn clean(agency: &str, file: &str) -> Line {
        Line {
            rule: None,
            message: "未发现问题".to_string(),
            ..Line::about(rules::UNREADABLE, agency, file, "")
        }
    }

    /// The line of a finding in `agency`'s `file` (of layout `format`).
    pub fn finding(agency: &str, file: &str, format: Format, f: &Finding) -> Line {
        let table = Table::ALL
            .iter()
            .find(|t| f.cell.split('.').next() == Some(t.code()))
            .map_or("", |t| t.name());
        let place = match (&f.sheet, &f.a1) {
            (Some(s), Some(a)) => format!("{s}!{a}"),
            _ => place_name(format, &f.cell),
        };
        Line {
            agency: agency.to_string(),
            file: file.to_string(),
            table,
            place,
            rule: rules::rule(f.rule),
            message: f.message.clone(),
            link: None,
        }
    }
}

/// Words for what a finding points at: a cell (`表三 “一、本年新收…”行 自然人列`), a row (`“规章”行`),
/// a whole table (`整张表`) or nothing.
pub fn place_name(format: Format, code: &str) -> String {
    let layout = format.layout();
    match code.split('.').collect::<Vec<_>>().as_slice() {
        [""] => String::new(),
        [_] => "整张表".to_string(),
        [t, row] => Table::ALL
            .iter()
            .find(|x| x.code() == *t)
            .and_then(|&table| layout.row_label(table, row))
            .map_or_else(|| code.to_string(), |label| format!("“{label}”行")),
        _ => format.cell_name(code),
    }
}

/// How many wrapped lines the row of `line` needs: as many as its longest text.
fn row_lines(line: &Line) -> u32 {
    let texts = line.leading_texts().into_iter().chain([line.message.as_str()]);
    let widths = COLUMNS[..6].iter().chain(&COLUMNS[7..]).map(|(_, w)| *w);
    texts
        .zip(widths)
        .map(|(text, width)| super::xlsx::text_lines(text, width))
        .max()
        .unwrap_or(1)
}

/// The height of a row of `lines` wrapped lines; one line keeps the spreadsheet's default, 15 points.
fn row_height(lines: u32) -> f64 {
    if lines > 1 {
        super::xlsx::lines_height(lines)
    } else {
        15.0
    }
}

/// Writes the list on `ws` (named `name`): the header row, then each line in order, an autofilter,
/// frozen header, landscape print with the header repeated. Returns the number of lines.
///
/// `lines` is called twice, and must give the same lines both times. The first pass only counts
/// how tall the rows are: the most common height becomes the sheet's default, and only rows of
/// another height are given their own. rust_xlsxwriter keeps every row given a height until the
/// workbook is saved, even in a constant-memory sheet (a few hundred bytes a row: 7 MB for the
/// 24,000 findings of 10,000 returns); most rows of the list are equally tall (three lines).
pub fn write_findings_sheet<I: IntoIterator<Item = Line>>(
    ws: &mut Worksheet,
    name: &str,
    lines: impl Fn() -> I,
) -> Result<u32, XlsxError> {
    ws.set_name(name)?;
    let mut rows_of_height: Vec<usize> = Vec::new();
    for line in lines() {
        let n = row_lines(&line) as usize;
        if rows_of_height.len() <= n {
            rows_of_height.resize(n + 1, 0);
        }
        rows_of_height[n] += 1;
    }
    // The most common height, the lower on a tie; one line is the sheet's own default.
    let common = (1..rows_of_height.len())
        .max_by_key(|&n| (rows_of_height[n], std::cmp::Reverse(n)))
        .map_or(1, |n| n as u32);
    if common > 1 {
        ws.set_default_row_height(row_height(common));
        ws.set_row_height(0, row_height(1))?;
    }
    let header = style(Role::Header, None);
    for (c, (title, width)) in (0..).zip(COLUMNS) {
        ws.set_column_width(c, *width)?;
        ws.write_string_with_format(0, c, *title, &header)?;
    }
    let plain = style(Role::Plain, None);
    let link_style = style(Role::Link, None);
    // Each look built once, not once a row: a merge lists thousands of findings, and building a
    // format (fonts, fills, borders) cost more than writing the row.
    let error = style(Role::Plain, Some(Severity::Error));
    let groups = [
        None,
        Some(Severity::Error),
        Some(Severity::Warning),
        Some(Severity::Info),
    ]
    .map(|s| style(Role::Group, s));
    let mut row = 0u32;
    for line in lines() {
        row += 1;
        let severity: Option<Severity> = line.rule.map(|r| r.severity);
        let marked = if severity == Some(Severity::Error) {
            &error
        } else {
            &plain
        };
        for (c, text) in (0..).zip(line.leading_texts()) {
            ws.write_string_with_format(row, c, text, &plain)?;
        }
        if let Some(to) = &line.link {
            let text = if line.place.is_empty() { "查看" } else { &line.place };
            ws.write_url_with_format(row, 3, Url::new(to.as_str()).set_text(text), &link_style)?;
        }
        let severity_name = severity.map_or("无", Severity::name);
        let group = match severity {
            None => &groups[0],
            Some(Severity::Error) => &groups[1],
            Some(Severity::Warning) => &groups[2],
            Some(Severity::Info) => &groups[3],
        };
        ws.write_string_with_format(row, 6, severity_name, group)?;
        ws.write_string_with_format(row, 7, &line.message, marked)?;
        let lines = row_lines(&line);
        if lines != common {
            ws.set_row_height(row, row_height(lines))?;
        }
    }
    super::xlsx::end_constant_memory_sheet(ws, row + 1)?;
    let last = COLUMNS.len() as u16 - 1;
    ws.autofilter(0, 0, row.max(1), last)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(row)
}
