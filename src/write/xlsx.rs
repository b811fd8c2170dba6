//! Workbooks in the official layout: the blank template, a report written out, a batch's findings.
//!
//! Every workbook here draws 表二, 表三 and 表四 with one piece of code that walks the format tables
//! in [`crate::format`] — block by block, row by row, the merged headers built from each column's
//! chain of labels — and the live checks from [`crate::rules::SUM_RULES`]. The same drawing serves a
//! template (white input cells unlocked and validated, totals as formulas, sheets protected) and a
//! report (its values written, cells with findings red or amber with a note explaining the rule).
//!
//! Every report cell on the separate sheets gets the defined name `NB.<code>` (`NB.t3.new.natural`),
//! and the cover's agency and year `NB.agency` and `NB.year`, so [`crate::read`] reads our own
//! workbooks back exactly, whatever a user did to their look.
//!
//! ```
//! use nianbao::format::Format;
//! use nianbao::write::xlsx::template;
//!
//! let bytes = template(2025, Format::F2021, Some("某某区财政局")).unwrap();
//! assert!(bytes.starts_with(b"PK"));
//! // The same call gives the same bytes, so templates can be compared and versioned.
//! assert_eq!(bytes, template(2025, Format::F2021, Some("某某区财政局")).unwrap());
//! ```

mod draw;
pub(crate) mod spliced;
pub(crate) mod style;

use std::collections::BTreeMap;
use std::io::{Seek, Write};

use rust_xlsxwriter::utility::{quote_sheet_name, row_col_to_cell_absolute};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};

use self::draw::{render, Ctx, Plan, What};
use self::style::Role;
use super::findings::Line;
use crate::error::ErrorKind;
use crate::format::{Format, Kind, Table, NAME_PREFIX, T3_COLUMNS, T4_COLUMNS};
use crate::model::FileCheck;
use crate::model::{Finding, Report, Severity};

/// What a check cell shows when its equation holds.
pub const RIGHT: &str = "正确";
/// What a check cell shows when its equation does not hold.
pub const WRONG: &str = "错误";
/// What a check cell shows while a cell of its equation is empty or not a number.
pub const INCOMPLETE: &str = "未填完";

/// The cover sheet's name.
pub const COVER: &str = "封面";
/// The list sheet of a findings workbook.
pub const FINDINGS_SHEET: &str = "校验结果";

/// How the tables are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A form to fill in: input cells white, unlocked and validated, totals as formulas, the sheet
    /// protected (without a password). Values the report has are written into the input cells.
    Template,
    /// A report as read: every value written as it was found (numbers as numbers, text as text,
    /// absent cells empty), totals as the report states them, nothing protected.
    Filled,
}

/// A cell of a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    /// The worksheet.
    pub sheet: String,
    /// Zero-based row.
    pub row: u32,
    /// Zero-based column.
    pub col: u16,
}

impl CellRef {
    fn new(sheet: &str, row: u32, col: u16) -> CellRef {
        CellRef {
            sheet: sheet.to_string(),
            row,
            col,
        }
    }

    /// The absolute reference a formula or a defined name uses.
    ///
    /// ```
    /// use nianbao::write::xlsx::CellRef;
    /// let at = CellRef { sheet: "表三".into(), row: 4, col: 3 };
    /// assert_eq!(at.absolute(), "表三!$D$5");
    /// let at = CellRef { sheet: "某 局".into(), row: 0, col: 0 };
    /// assert_eq!(at.absolute(), "'某 局'!$A$1");
    /// ```
    pub fn absolute(&self) -> String {
        format!(
            "{}!{}",
            quote_sheet_name(&self.sheet),
            row_col_to_cell_absolute(self.row, self.col)
        )
    }
}

/// Where a drawing put things: the report's cells (for defined names and links) and its checks.
#[derive(Debug, Clone, Default)]
pub struct Placed {
    /// Each report cell by its code (`t3.new.natural`), and the cover's `agency` and `year`.
    pub cells: BTreeMap<String, CellRef>,
    /// Each live check cell, with what it shows for the values drawn ([`RIGHT`], [`WRONG`] or
    /// [`INCOMPLETE`]).
    pub checks: Vec<(CellRef, &'static str)>,
}

impl Placed {
    fn extend(&mut self, other: Placed) {
        self.cells.extend(other.cells);
        self.checks.extend(other.checks);
    }
}

/// The blank template of a year: a cover with 填报说明, then 表二, 表三 and 表四 in the official layout.
///
/// Only the white input cells are unlocked; each is validated (whole numbers ≥ 0, signed whole
/// numbers for 2019's 本年增/减, amounts ≥ 0 in 万元) with a Chinese prompt. Totals are formulas, and
/// yellow check cells beside and below the tables show 正确/错误/未填完 for every 勾稽关系. The same
/// arguments always give the same bytes.
///
/// ```
/// use nianbao::format::Format;
/// use nianbao::read::{read_bytes, Options};
/// use nianbao::write::xlsx::template;
///
/// let bytes = template(2019, Format::F2019, None).unwrap();
/// let report = read_bytes(&bytes, "模板.xlsx", &Options::default()).unwrap();
/// assert_eq!((report.year, report.format), (Some(2019), Format::F2019));
/// assert_eq!(report.get("t3.new.natural"), Some(0.0)); // blank: read as 0 with a warning
/// ```
pub fn template(year: i32, format: Format, agency: Option<&str>) -> Result<Vec<u8>, ErrorKind> {
    form(&Report::new(agency.unwrap_or_default(), year, format))
}

/// The template with a report's values already in its input cells: to send an agency its own
/// numbers to correct, or to start from last year's. Totals stay formulas.
///
/// ```
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::read::{read_bytes, Options};
/// use nianbao::write::xlsx::form;
///
/// let mut r = Report::new("某某街道办事处", 2024, Format::F2021);
/// r.set("t3.new.natural", 7.0);
/// r.set("t3.new.commercial", 2.0);
/// let back = read_bytes(&form(&r).unwrap(), "x.xlsx", &Options::default()).unwrap();
/// assert_eq!(back.agency, "某某街道办事处");
/// assert_eq!(back.get("t3.new.natural"), Some(7.0));
/// assert_eq!(back.get("t3.new.total"), Some(9.0)); // the formula's result
/// ```
pub fn form(report: &Report) -> Result<Vec<u8>, ErrorKind> {
    bytes(book(report, &[], Mode::Template, ""))
}

/// [`form`], written to `out`.
pub fn write_form(report: &Report, out: impl Write + Seek + Send) -> Result<(), ErrorKind> {
    save_to(book(report, &[], Mode::Template, ""), out)
}

/// A report written in the official layout: the cover with agency, year, format and `note` (where
/// it came from) and the findings; 表二–表四 with the report's values; every cell a finding points
/// at red (error) or amber (warning), with a note explaining it. Read back, it gives the same report.
///
/// ```
/// use nianbao::check::check;
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::read::{read_bytes, Options};
/// use nianbao::write::xlsx::filled;
///
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// for cell in Format::F2021.cells() { r.set(&cell.code, 0.0); }
/// r.set("t4.review_upheld", 1.0); // 总计 still 0: T4_TOTAL
/// let bytes = filled(&r, &check(&r), "来源文件：某某局.xlsx").unwrap();
/// let back = read_bytes(&bytes, "x.xlsx", &Options::default()).unwrap();
/// assert_eq!(back.get("t4.review_upheld"), Some(1.0));
/// assert_eq!(back.get("t4.review_total"), Some(0.0));
/// ```
pub fn filled(report: &Report, findings: &[Finding], note: &str) -> Result<Vec<u8>, ErrorKind> {
    bytes(book(report, findings, Mode::Filled, note))
}

/// [`filled`], written to `out`.
pub fn write_filled(
    report: &Report,
    findings: &[Finding],
    note: &str,
    out: impl Write + Seek + Send,
) -> Result<(), ErrorKind> {
    save_to(book(report, findings, Mode::Filled, note), out)
}

fn write_error(e: XlsxError) -> ErrorKind {
    ErrorKind::Write(format!("生成工作簿失败（{e}）"))
}

/// The bytes of a workbook made.
fn bytes(made: Result<Workbook, XlsxError>) -> Result<Vec<u8>, ErrorKind> {
    made.and_then(|mut wb| wb.save_to_buffer()).map_err(write_error)
}

/// A workbook made, written to `out`.
fn save_to(made: Result<Workbook, XlsxError>, out: impl Write + Seek + Send) -> Result<(), ErrorKind> {
    made.and_then(|mut wb| wb.save_to_writer(out)).map_err(write_error)
}

/// Cover, three tables, defined names.
fn book(report: &Report, findings: &[Finding], mode: Mode, note: &str) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(report.year, report_title(report))?);
    wb.add_worksheet().set_name(COVER)?;
    let mut placed = layout_sheets(&mut wb, report, findings, mode)?;
    let plan = cover(report, findings, mode, note, &placed);
    let ctx = Ctx::new(report, findings, mode);
    let ws = wb.worksheet_from_name(COVER)?;
    let mut on_cover = Placed::default();
    render(ws, COVER, &plan, &ctx, &mut on_cover)?;
    page(ws, false, Some((1, 0)), &report_title(report));
    placed.extend(on_cover);
    define_names(&mut wb, &placed)?;
    Ok(wb)
}

/// Fixed document properties, so the same workbook gives the same bytes.
fn properties(year: Option<i32>, title: String) -> Result<DocProperties, XlsxError> {
    let year = year.unwrap_or(2000).clamp(2000, 9998) as u16;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("nianbao")
        .set_comment("由 nianbao 生成（政府信息公开工作年度报告）")
        .set_creation_datetime(&ExcelDateTime::from_ymd(year, 12, 1)?))
}

fn report_title(report: &Report) -> String {
    let year = report.year.map(|y| format!("{y}年度")).unwrap_or_default();
    format!("{}{year}政府信息公开工作年度报告", report.agency)
}

/// Adds the sheets 表二, 表三 and 表四 to `wb` in the official layout and returns where the report's
/// cells and checks went. The caller decides whether to give them names ([`define_names`]).
///
/// ```
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::write::xlsx::{layout_sheets, Mode};
///
/// let mut wb = rust_xlsxwriter::Workbook::new();
/// let report = Report::new("某某局", 2024, Format::F2021);
/// let placed = layout_sheets(&mut wb, &report, &[], Mode::Template).unwrap();
/// assert_eq!(placed.cells.len(), Format::F2021.cells().len());
/// assert_eq!(placed.cells["t3.new.natural"].absolute(), "表三!$D$5");
/// // 7 balance + 7 results-total + 25 row-total checks on 表三, 3 group checks on 表四
/// assert_eq!(placed.checks.len(), 42);
/// ```
pub fn layout_sheets(
    wb: &mut Workbook,
    report: &Report,
    findings: &[Finding],
    mode: Mode,
) -> Result<Placed, XlsxError> {
    let ctx = Ctx::new(report, findings, mode);
    let mut placed = Placed::default();
    let t3_labels = t3_label_widths(report.format);
    for table in Table::ALL {
        let (label_cols, labels, data, landscape): (u16, &[f64], f64, bool) = match table {
            Table::T2 => (1, &[30.0], 18.0, false),
            Table::T3 => (t3_labels.len() as u16, &t3_labels, 9.5, true),
            Table::T4 => (0, &[], 9.5, true),
        };
        let columns = match table {
            Table::T2 => 3,
            Table::T3 => T3_COLUMNS.len() + 1,
            Table::T4 => T4_COLUMNS.len(),
        };
        let mut widths = labels.to_vec();
        widths.extend(std::iter::repeat_n(data, columns));
        if table == Table::T3 {
            if let Some(last) = widths.last_mut() {
                *last = CHECK_WIDTH;
            }
        }
        let mut plan = Plan::new(widths);
        plan.table(report.format, table, 0, label_cols);
        let ws = wb.add_worksheet();
        ws.set_name(table.name())?;
        render(ws, table.name(), &plan, &ctx, &mut placed)?;
        let header_rows = match table {
            Table::T2 => 1,
            _ => 4,
        };
        ws.set_freeze_panes(header_rows, label_cols)?;
        page(ws, landscape, Some((1, 1)), &report_title(report));
        if table != Table::T2 {
            ws.set_repeat_rows(1, header_rows - 1)?;
        }
    }
    Ok(placed)
}

/// The widths of 表三's label columns: narrow ones for 三、本年度办理结果 and the groups （三）…
/// (one a level of nesting), then a wide one for the row labels.
fn t3_label_widths(format: Format) -> Vec<f64> {
    let n = format.layout().t3_label_cols() as usize;
    let mut widths: Vec<f64> = (0..n.saturating_sub(1))
        .map(|i| if i == 0 { 7.5 } else { 11.0 })
        .collect();
    widths.push(40.0);
    widths
}
/// A check column beside 表三.
const CHECK_WIDTH: f64 = 12.0;

/// Adds one worksheet named `name` holding all three tables one under another, under a title with
/// the agency and year: the sheet a district summary (汇总) or a per-agency view uses. No defined
/// names are given (a workbook can have many such sheets); the returned cells allow links to them.
///
/// ```
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::write::xlsx::{layout_sheet, Mode};
///
/// let mut wb = rust_xlsxwriter::Workbook::new();
/// let mut report = Report::new("全区汇总", 2024, Format::F2021);
/// report.set("t3.new.natural", 120.0);
/// let placed = layout_sheet(&mut wb, "汇总", &report, &[], Mode::Filled).unwrap();
/// assert_eq!(placed.cells["t3.new.natural"].sheet, "汇总");
/// assert!(wb.save_to_buffer().is_ok());
/// ```
pub fn layout_sheet(
    wb: &mut Workbook,
    name: &str,
    report: &Report,
    findings: &[Finding],
    mode: Mode,
) -> Result<Placed, XlsxError> {
    let ctx = Ctx::new(report, findings, mode);
    let mut widths = t3_label_widths(report.format);
    let label_cols = widths.len() as u16;
    widths.extend(std::iter::repeat_n(10.0, T4_COLUMNS.len()));
    if let Some(w) = widths.get_mut(label_cols as usize + T3_COLUMNS.len()) {
        *w = CHECK_WIDTH;
    }
    let last = widths.len() as u16 - 1;
    let mut plan = Plan::new(widths);
    plan.text((0, 0), (0, last), report_title(report), Role::Title);
    let layout = report.format.layout();
    plan.text(
        (1, 0),
        (1, last),
        format!("表格格式：{} 格式（{}）", report.format, layout.issued_by),
        Role::Subtitle,
    );
    let mut row = 3;
    let mut breaks = Vec::new();
    for table in Table::ALL {
        if table != Table::T2 {
            breaks.push(row);
        }
        row = plan.table(report.format, table, row, label_cols) + 1;
    }
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut placed = Placed::default();
    render(ws, name, &plan, &ctx, &mut placed)?;
    ws.set_freeze_panes(2, label_cols)?;
    // Each table starts a page (表三 alone fills one) and no table is cut across the width.
    ws.set_page_breaks(&breaks)?;
    page(ws, true, Some((1, 0)), &report_title(report));
    Ok(placed)
}

/// Gives every placed cell its defined name `NB.<code>` (`NB.t3.new.natural`, `NB.agency`), the
/// names [`crate::read`] reads our workbooks by.
///
/// ```
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::read::{read_bytes, Options};
/// use nianbao::write::xlsx::{define_names, layout_sheets, Mode};
///
/// let mut report = Report::new("某某局", 2024, Format::F2019);
/// report.set("t2.licensing.change", -8.0);
/// let mut wb = rust_xlsxwriter::Workbook::new();
/// let placed = layout_sheets(&mut wb, &report, &[], Mode::Filled).unwrap();
/// define_names(&mut wb, &placed).unwrap();
/// let back = read_bytes(&wb.save_to_buffer().unwrap(), "x.xlsx", &Options::default()).unwrap();
/// assert_eq!(back.source.format_from, nianbao::model::FormatFrom::Names);
/// assert_eq!(back.get("t2.licensing.change"), Some(-8.0));
/// ```
pub fn define_names(wb: &mut Workbook, placed: &Placed) -> Result<(), XlsxError> {
    for (code, at) in &placed.cells {
        wb.define_name(format!("{NAME_PREFIX}{code}"), &format!("={}", at.absolute()))?;
    }
    Ok(())
}

/// How many lines `text` takes in a wrapped cell `width` characters wide (a Chinese character is
/// two), for the row height a spreadsheet would find by itself but does not store: LibreOffice and
/// WPS draw wrapped text over the next rows when a row keeps the default height.
pub(crate) fn text_lines(text: &str, width: f64) -> u32 {
    let per_line = (width * 0.95).max(2.0);
    text.split('\n')
        .map(|line| {
            let units: f64 = line.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum();
            (units / per_line).ceil().max(1.0) as u32
        })
        .sum()
}

/// The height in points of a row of `lines` wrapped lines of a 10-point font.
pub(crate) fn lines_height(lines: u32) -> f64 {
    13.5 * f64::from(lines) + 2.0
}

/// Ends a constant-memory sheet whose rows are all written; `next` is the row after the last.
///
/// rust_xlsxwriter 0.102 writes the last row of a constant-memory sheet twice when that row has a
/// height of its own: once with its cells, then once more empty (`<row r="32">…</row><row
/// r="32" ht=…/>`). LibreOffice reads past it; Excel calls the file damaged and offers to repair
/// it. A blank cell on the next row, in a look that shows nothing (protection's "hidden" only acts
/// on a protected sheet), makes the last row be written before the sheet is saved, once.
pub(crate) fn end_constant_memory_sheet(ws: &mut Worksheet, next: u32) -> Result<(), XlsxError> {
    ws.write_blank(next, 0, &rust_xlsxwriter::Format::new().set_hidden())?;
    Ok(())
}

/// A4 printing: landscape or portrait, `fit` pages wide and tall (0 tall: as many as it takes;
/// `None`: at full size), centred; `header` (who and which year) at the top left and the sheet's
/// name at the right, page numbers in the footer.
pub(crate) fn page(ws: &mut Worksheet, landscape: bool, fit: Option<(u16, u16)>, header: &str) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    if let Some((wide, tall)) = fit {
        ws.set_print_fit_to_pages(wide, tall);
    }
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.7, 0.6, 0.3, 0.3);
    // Excel reads `&` as a code in headers and allows 255 characters in all.
    let header: String = header.replace('&', "&&").chars().take(200).collect();
    ws.set_header(format!("&L{header}&R&A"));
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// The cover: what the workbook is, who fills it, the live summary of the checks, and either the
/// instructions (template) or the findings (report).
fn cover(report: &Report, findings: &[Finding], mode: Mode, note: &str, placed: &Placed) -> Plan {
    let layout = report.format.layout();
    let mut plan = Plan::new(vec![14.0, 24.0, 24.0, 34.0]);
    let year = report.year.map(|y| format!("{y}年度")).unwrap_or_default();
    plan.text((0, 0), (0, 3), format!("{year}政府信息公开工作年度报告"), Role::Title);
    let subtitle = match mode {
        Mode::Template => "表二至表四数据填报表",
        Mode::Filled => "表二至表四数据（由 nianbao 从报送文件读取）",
    };
    plan.text((1, 0), (1, 3), subtitle, Role::Subtitle);
    let entry = match mode {
        Mode::Template => Role::Entry,
        Mode::Filled => Role::Value,
    };
    let mut r = 3;
    let mut field = |plan: &mut Plan, label: &str, value: What, name: Option<&str>| {
        plan.text((r, 0), (r, 0), label, Role::Field);
        plan.put((r, 1), (r, 3), value).name = name.map(str::to_string);
        r += 1;
    };
    field(
        &mut plan,
        "填报单位",
        What::Field(report.agency.clone(), entry),
        Some("agency"),
    );
    let year_text = match report.year {
        Some(y) => y.to_string(),
        None => String::new(),
    };
    field(&mut plan, "报告年度", What::Field(year_text, Role::Value), Some("year"));
    let format_text = format!(
        "{} 格式（{}《中华人民共和国政府信息公开工作年度报告格式》）",
        report.format, layout.issued_by
    );
    field(&mut plan, "表格格式", What::Field(format_text, Role::Value), None);
    match mode {
        Mode::Template => {
            field(&mut plan, "联系人", What::Field(String::new(), Role::Entry), None);
            field(&mut plan, "联系电话", What::Field(String::new(), Role::Entry), None);
        }
        Mode::Filled => field(&mut plan, "来源", What::Field(note.to_string(), Role::Value), None),
    }
    let (formula, cached) = summary(placed);
    field(&mut plan, "校验结果", What::Formula(formula, cached, Role::Value), None);
    if mode == Mode::Filled {
        let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        let words = if findings.is_empty() {
            "未发现问题".to_string()
        } else {
            format!(
                "错误 {errors} 处，警告 {} 处。有问题的单元格已标红（错误）或标黄（警告），鼠标移到单元格上可看说明。",
                findings.len() - errors
            )
        };
        field(&mut plan, "发现问题", What::Field(words, Role::Value), None);
    }
    r += 1;
    match mode {
        Mode::Template => {
            plan.text((r, 0), (r, 3), "填报说明", Role::Heading);
            r += 1;
            for (i, line) in (1..).zip(instructions(report)) {
                plan.text((r, 0), (r, 3), format!("{i}. {line}"), Role::Text);
                r += 1;
            }
        }
        Mode::Filled => {
            if !findings.is_empty() {
                plan.text((r, 0), (r, 3), "校验发现的问题", Role::Heading);
                r += 1;
                for (c, h) in (0..).zip(["严重程度", "规则", "位置", "说明"]) {
                    plan.text((r, c), (r, c), h, Role::Header);
                }
                r += 1;
                for f in findings {
                    let at = match (&f.sheet, &f.a1) {
                        (Some(s), Some(a)) => format!("{s}!{a}"),
                        _ => super::findings::place_name(report.format, &f.cell),
                    };
                    plan.text((r, 0), (r, 0), f.severity.name(), Role::Group).tone = Some(f.severity);
                    plan.text((r, 1), (r, 1), f.rule, Role::Label);
                    plan.text((r, 2), (r, 2), at, Role::Label);
                    plan.text((r, 3), (r, 3), f.message.clone(), Role::Label);
                    r += 1;
                }
            }
        }
    }
    plan
}

/// The live summary of every check: a formula counting 错误 and 未填完 over the check cells, and
/// what it shows now.
fn summary(placed: &Placed) -> (String, String) {
    let mut by_sheet: BTreeMap<&str, Vec<(u32, u16)>> = BTreeMap::new();
    for (at, _) in &placed.checks {
        by_sheet.entry(at.sheet.as_str()).or_default().push((at.row, at.col));
    }
    let count = |word: &str| -> String {
        let terms: Vec<String> = by_sheet
            .iter()
            .flat_map(|(sheet, cells)| {
                draw::ranges(cells.clone())
                    .into_iter()
                    .map(move |r| format!("COUNTIF({}!{r},\"{word}\")", quote_sheet_name(sheet)))
            })
            .collect();
        if terms.is_empty() {
            "0".to_string()
        } else {
            format!("({})", terms.join("+"))
        }
    };
    let (wrong, incomplete) = (count(WRONG), count(INCOMPLETE));
    let formula = format!(
        "IF({wrong}>0,\"有 \"&{wrong}&\" 处勾稽关系错误，见各表黄色“校验”单元格\",IF({incomplete}>0,\"尚有 \"&{incomplete}&\" 项校验未填完\",\"全部正确\"))"
    );
    let n = |word: &str| placed.checks.iter().filter(|(_, s)| *s == word).count();
    let cached = match (n(WRONG), n(INCOMPLETE)) {
        (0, 0) => "全部正确".to_string(),
        (0, k) => format!("尚有 {k} 项校验未填完"),
        (w, _) => format!("有 {w} 处勾稽关系错误，见各表黄色“校验”单元格"),
    };
    (formula, cached)
}

/// 填报说明, from the layout: which tables, which cells are amounts or signed, the deadline.
fn instructions(report: &Report) -> Vec<String> {
    let layout = report.format.layout();
    let tables: Vec<String> = Table::ALL
        .iter()
        .map(|t| format!("{}（{}）", t.name(), t.title()))
        .collect();
    let labels = |kind: Kind| -> Vec<String> {
        let mut v: Vec<String> = layout
            .t2
            .iter()
            .flat_map(|b| b.columns)
            .filter(|c| c.kind == kind)
            .map(|c| format!("“{}”", c.label))
            .collect();
        v.dedup();
        v
    };
    let mut out = vec![
        format!(
            "本表按《中华人民共和国政府信息公开工作年度报告格式》（{}）制作，包括{}三张工作表。",
            layout.issued_by,
            tables.join("、")
        ),
        "只在白色单元格中填写。灰色单元格是表格文字，绿色单元格是自动计算的总计，黄色单元格是自动校验，均已锁定，无需填写（工作表保护没有密码，仅为防止误改）。".into(),
        "件数一律填写整数；没有发生的填 0，不要留空，也不要填“—”“/”“无”等符号。".into(),
    ];
    let amounts = labels(Kind::Amount);
    if !amounts.is_empty() {
        out.push(format!(
            "表二{}以万元为单位，可保留最多 4 位小数（1 元 = 0.0001 万元），只填数字，不要带“万元”“元”字样。",
            amounts.join("、")
        ));
    }
    let signed = labels(Kind::Signed);
    if !signed.is_empty() {
        out.push(format!(
            "表二{}填写本年增加或减少的项目数，减少用负数表示，如 -8；没有变化填 0。",
            signed.join("、")
        ));
    }
    out.push(
        "不要插入或删除行、列，不要修改工作表名称和表格文字；从其他表格复制数字时请用“选择性粘贴—数值”，以免破坏公式和校验。".into(),
    );
    out.push(
        "表三“总计”列、“（七）总计”行和表四各“总计”列由公式自动计算。表格右侧和下方的黄色“校验”单元格自动检查勾稽关系，显示“正确”“错误”或“未填完”；报送前须全部显示“正确”，本页“校验结果”应为“全部正确”。".into(),
    );
    let deadline = report
        .year
        .map(|y| format!("，即本表应于 {} 年 1 月 31 日前报送", y + 1))
        .unwrap_or_default();
    out.push(format!(
        "报送时限：依据《中华人民共和国政府信息公开条例》第四十九条，县级以上人民政府部门应当在每年 1 月 31 日前向本级政府信息公开工作主管部门提交本行政机关上一年度政府信息公开工作年度报告{deadline}。"
    ));
    out.push("请直接报送本 xlsx 文件，不要另存为其他格式，也不要截图或打印后扫描。".into());
    out
}

/// What `check --report 校验结果.xlsx` writes: the sheet 校验结果 listing every finding of every file
/// (unreadable files with their error, clean files as 未发现问题), then one sheet per agency with its
/// tables, the faulty cells marked and explained. Each finding links to its cell there.
///
/// ```
/// use nianbao::check::FileCheck;
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::write::xlsx::findings_workbook;
///
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_upheld", 1.0);
/// r.set("t4.review_total", 0.0);
/// let check = FileCheck::of("某某局.xlsx", &r, None);
/// let bytes = findings_workbook(&[(check, Some(r))]).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn findings_workbook(items: &[(FileCheck, Option<Report>)]) -> Result<Vec<u8>, ErrorKind> {
    bytes(findings_book(items))
}

/// [`findings_workbook`], written to `out`.
pub fn write_findings_workbook(
    items: &[(FileCheck, Option<Report>)],
    out: impl Write + Seek + Send,
) -> Result<(), ErrorKind> {
    save_to(findings_book(items), out)
}

fn findings_book(items: &[(FileCheck, Option<Report>)]) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let year = items.iter().find_map(|(_, r)| r.as_ref()?.year);
    wb.set_properties(&properties(year, "政府信息公开工作年度报告校验结果".into())?);
    wb.add_worksheet().set_name(FINDINGS_SHEET)?;
    let mut taken = vec![FINDINGS_SHEET.to_string()];
    let mut placed: Vec<Option<Placed>> = Vec::with_capacity(items.len());
    for (fc, report) in items {
        let Some(report) = report else {
            placed.push(None);
            continue;
        };
        let wanted = if report.agency.trim().is_empty() {
            file_stem(&fc.file)
        } else {
            report.agency.clone()
        };
        let name = sheet_name(&wanted, &taken);
        taken.push(name.clone());
        placed.push(Some(layout_sheet(&mut wb, &name, report, &fc.findings, Mode::Filled)?));
    }
    let ws = wb.worksheet_from_name(FINDINGS_SHEET)?;
    super::findings::write_findings_sheet(ws, FINDINGS_SHEET, || findings_lines(items, &placed))?;
    page(ws, true, Some((1, 0)), "政府信息公开工作年度报告校验结果");
    ws.set_repeat_rows(0, 0)?;
    Ok(wb)
}

/// The lines of the sheet 校验结果: one per finding (a clean file gets one line saying so, an
/// unreadable one its error), each linking to the cell on the agency's sheet.
fn findings_lines(items: &[(FileCheck, Option<Report>)], placed: &[Option<Placed>]) -> Vec<Line> {
    let mut lines = Vec::new();
    for ((fc, report), at) in items.iter().zip(placed) {
        let agency = fc.agency.clone().unwrap_or_default();
        if !fc.readable {
            lines.push(Line::unreadable(&fc.file, fc.error.as_deref().unwrap_or_default()));
            continue;
        }
        if fc.findings.is_empty() {
            lines.push(Line::clean(&agency, &fc.file));
        }
        let format = report.as_ref().map_or(Format::F2021, |r| r.format);
        for f in &fc.findings {
            // A finding on a row or a table links to its first cell.
            let link = at.as_ref().and_then(|p| {
                p.cells.get(&f.cell).or_else(|| {
                    let prefix = format!("{}.", f.cell);
                    p.cells
                        .iter()
                        .find(|(k, _)| !f.cell.is_empty() && k.starts_with(&prefix))
                        .map(|(_, v)| v)
                })
            });
            lines.push(Line {
                link: link.map(|to| format!("internal:{}", to.absolute())),
                ..Line::finding(&agency, &fc.file, format, f)
            });
        }
    }
    lines
}

/// A file's name without its folders and extension.
pub(crate) fn file_stem(file: &str) -> String {
    std::path::Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// A worksheet name Excel accepts, made from `wanted` and different from every name in `taken`:
/// no `[]:*?/\`, no apostrophe at either end, at most 31 characters, not `History`; a repeat gets
/// `（2）`, `（3）` ….
///
/// ```
/// use nianbao::write::xlsx::sheet_name;
/// assert_eq!(sheet_name("某某区财政局", &[]), "某某区财政局");
/// assert_eq!(sheet_name("A/B:C", &[]), "A_B_C");
/// assert_eq!(sheet_name("某某局", &["某某局".to_string()]), "某某局（2）");
/// let long = "某".repeat(40);
/// assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
/// assert_eq!(sheet_name("", &[]), "单位");
/// ```
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .trim()
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_matches('\'').trim().to_string();
    let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        "单位".to_string()
    } else {
        clean
    };
    let fits = |s: &str, suffix: &str| -> String {
        let room = 31 - suffix.encode_utf16().count();
        let mut out = String::new();
        for c in s.chars() {
            if out.encode_utf16().count() + c.len_utf16() > room {
                break;
            }
            out.push(c);
        }
        format!("{}{suffix}", out.trim_end_matches('\''))
    };
    let free = |s: &str| !taken.iter().any(|t| t.to_lowercase() == s.to_lowercase());
    let first = fits(&base, "");
    if free(&first) {
        return first;
    }
    (2..)
        .map(|i| fits(&base, &format!("（{i}）")))
        .find(|s| free(s))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::text_lines;

    #[test]
    fn wrapped_lines_count_a_chinese_character_as_two() {
        assert_eq!(text_lines("说明", 10.0), 1);
        // 20 Chinese characters are 40 units: five lines of a column 9 wide (8.55 units a line).
        assert_eq!(text_lines(&"字".repeat(20), 9.0), 5);
        assert_eq!(text_lines(&"a".repeat(20), 9.0), 3);
        assert_eq!(text_lines("一\n二", 30.0), 2);
        assert_eq!(text_lines("", 30.0), 1);
    }
}
