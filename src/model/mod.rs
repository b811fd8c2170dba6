//! The report model: one agency's report for one year, as plain data.
//!
//! A [`Report`] holds one optional [`Value`] per cell of its layout ([`Format::cells`]), in the
//! layout's official order, so every consumer — checks, writers, merge — walks the same table of
//! cells instead of naming rows in code. A cell the input does not have is `None` (never 0); a cell
//! whose text is not a number keeps that text so `check` can say so.

pub mod district;

use std::fmt;
use std::sync::Arc;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::format::{CellDef, Format, Table};

/// Where a value or a finding came from in the user's own file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// What `sheet` names: a worksheet, a table of a document, or a page.
    pub kind: PlaceKind,
    /// The sheet's name, or `表格2` / `第4页` for published reports: shared by every cell of a
    /// sheet (a merge holds hundreds of thousands of cells, and each had its own copy).
    pub sheet: Arc<str>,
    /// Zero-based row within the sheet (or the table's grid).
    pub row: u32,
    /// Zero-based column within the sheet (or the table's grid).
    pub col: u32,
}

/// What kind of place a [`Location`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// A worksheet of a workbook: the address is an A1 cell.
    Sheet,
    /// A table of a web page or Word document: row and column of its grid.
    Table,
    /// A page of a PDF: row and column of the table grid rebuilt on it.
    Page,
}

impl Location {
    /// A worksheet cell, zero-based row and column.
    /// The sheet is a name (`"表三"`) or a name already shared (`Arc::clone(&name)`).
    pub fn sheet(sheet: impl Into<Arc<str>>, row: u32, col: u32) -> Location {
        Location {
            kind: PlaceKind::Sheet,
            sheet: sheet.into(),
            row,
            col,
        }
    }

    /// The A1 address of the cell (`C7`).
    ///
    /// ```
    /// use nianbao::model::Location;
    /// assert_eq!(Location::sheet("表三", 6, 2).a1(), "C7");
    /// assert_eq!(Location::sheet("表四", 0, 27).a1(), "AB1");
    /// ```
    pub fn a1(&self) -> String {
        format!("{}{}", column_letters(self.col), self.row + 1)
    }
}

impl fmt::Display for Location {
    /// The place in words a clerk understands: `工作表“表三” C7`, `表格2 第5行第3列`, `第4页 表格第12行第3列`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PlaceKind::Sheet => write!(f, "工作表“{}” {}", self.sheet, self.a1()),
            PlaceKind::Table => write!(f, "{} 第{}行第{}列", self.sheet, self.row + 1, self.col + 1),
            PlaceKind::Page => write!(f, "{} 表格第{}行第{}列", self.sheet, self.row + 1, self.col + 1),
        }
    }
}

/// Spreadsheet column letters for a zero-based column: 0 → `A`, 26 → `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// How a cell's text became its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// A number as written (after normalising spaces, full-width digits, separators, units).
    Number,
    /// An empty cell, read as 0.
    Blank,
    /// `—`, `-`, `/`, `无`, read as 0.
    Dash,
    /// 2019 采购总金额 written without a unit, read as 万元.
    UnitAssumed,
    /// Text that is not a number: the value is unknown.
    NotNumber,
}

/// One cell's value as read, with the text it came from and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// The number, `None` when the text is not a number.
    pub number: Option<f64>,
    /// The cell's text as found (trimmed), for messages.
    pub raw: String,
    /// How the text was read.
    pub reading: Reading,
    /// Where in the input the value sits.
    pub at: Option<Location>,
}

impl Value {
    /// A plain number with no source (e.g. a sum, or a value set through the library).
    ///
    /// ```
    /// use nianbao::model::Value;
    /// assert_eq!(Value::number(12.0).number, Some(12.0));
    /// ```
    pub fn number(n: f64) -> Value {
        Value {
            number: Some(n),
            raw: format_number(n),
            reading: Reading::Number,
            at: None,
        }
    }
}

/// Where the report came from and how its agency, year and layout were decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Source {
    /// The input file as given.
    pub file: String,
    /// What kind of input it was: `xlsx`, `xls`, `ods`, `text`, `html`, `docx`, `pdf`, `summary`.
    pub kind: String,
    /// Where the agency name came from.
    pub agency_from: Found,
    /// Where the year came from.
    pub year_from: Found,
    /// How the layout was decided.
    pub format_from: FormatFrom,
    /// The hidden worksheets the tables were read from, when the visible sheets hold none (left
    /// out of the JSON when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_sheets: Vec<String>,
    /// Where the file names another agency or year than the one used (a cover and a title that
    /// disagree), each as `(what, found, value)`: left out of the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// Where in a file its agency or year was found (`source.agency_from`, `source.year_from`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// Given by the caller (`--agency`, `--year`).
    Option,
    /// Our own template's defined names (`NB.agency`, `NB.year`).
    Names,
    /// A cover label: `填报单位：区民政局`, `报告年度` beside `2024`.
    Cover,
    /// The report's title (a cell, a paragraph, a page heading, an archive's `标题：` line).
    Title,
    /// The captions over the tables (`区农业农村局　表二`).
    Caption,
    /// A sentence of the report's text (`特向社会公布…2021年度政府信息公开工作年度报告`, the period
    /// `2025年1月1日至2025年12月31日`).
    Sentence,
    /// The signature at the end of the text (agency, then the date).
    Signature,
    /// The file name.
    FileName,
    /// A merge: no year in the file; counted as the year merged (`YEAR_ASSUMED`).
    Assumed,
    /// Nowhere.
    #[default]
    None,
}

impl Found {
    /// The stable code, as in JSON (`cover`, `file_name` …).
    pub fn code(self) -> &'static str {
        match self {
            Found::Option => "option",
            Found::Names => "names",
            Found::Cover => "cover",
            Found::Title => "title",
            Found::Caption => "caption",
            Found::Sentence => "sentence",
            Found::Signature => "signature",
            Found::FileName => "file_name",
            Found::Assumed => "assumed",
            Found::None => "none",
        }
    }

    /// Where, in words: `封面`, `标题` …
    pub fn name(self) -> &'static str {
        match self {
            Found::Option => "命令选项",
            Found::Names => "模板中的名称",
            Found::Cover => "封面",
            Found::Title => "标题",
            Found::Caption => "表格标题",
            Found::Sentence => "正文",
            Found::Signature => "落款",
            Found::FileName => "文件名",
            Found::Assumed => "汇总年度",
            Found::None => "无",
        }
    }
}

/// How a report's layout was decided (`source.format_from`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatFrom {
    /// Our template's defined names.
    Names,
    /// The labels found: those only one layout has.
    #[default]
    Labels,
    /// No label decides: the layout of the report's year.
    Year,
    /// Given by the caller (`--format`).
    Option,
}

/// One place of a file that names another agency or year than the one used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// `agency` or `year`.
    pub what: &'static str,
    /// Where that other value is.
    pub found: Found,
    /// The other value as written.
    pub value: String,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The report is wrong and must be corrected.
    Error,
    /// Worth a look; the report may still be right.
    Warning,
    /// For information only (a large change from last year).
    Info,
}

impl Severity {
    /// The stable code, as in JSON: `error`, `warning`, `info`.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// `错误` / `警告` / `提示`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// Something wrong or doubtful in a report, pointing at the cell most likely to be wrong. Made by
/// [`crate::rules::Rule::finding`], which gives it its rule's id and severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule id (`T3_BALANCE`, `VALUE_NOT_NUMBER` …), one of [`crate::rules::RULES`].
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The cell code most likely to be wrong (`t3.results_total.natural`), or the table/row code.
    pub cell: String,
    /// The sheet (or table, or page) of that cell in the user's file.
    pub sheet: Option<String>,
    /// Its A1 address there (worksheets only; the message names a page's row and column).
    pub a1: Option<String>,
    /// A Chinese sentence with the numbers.
    pub message: String,
    /// Every cell the rule involves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
}

/// A finding as read back (kept by a merge): its rule by id.
#[derive(Deserialize)]
struct FindingRecord {
    rule: String,
    severity: Severity,
    cell: String,
    sheet: Option<String>,
    a1: Option<String>,
    message: String,
    #[serde(default)]
    cells: Vec<String>,
}

impl<'de> Deserialize<'de> for Finding {
    /// A finding read back: its rule id must be one of the catalogue's.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Finding, D::Error> {
        let r = FindingRecord::deserialize(d)?;
        let rule = crate::rules::rule(&r.rule)
            .map(|rule| rule.id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule {}", r.rule)))?;
        Ok(Finding {
            rule,
            severity: r.severity,
            cell: r.cell,
            sheet: r.sheet,
            a1: r.a1,
            message: r.message,
            cells: r.cells,
        })
    }
}

/// The outcome of checking one input file: the `check --format json` contract.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileCheck {
    /// The input as named.
    pub file: String,
    /// Whether it could be read at all.
    pub readable: bool,
    /// Why not, in Chinese, naming the file.
    pub error: Option<String>,
    /// The agency read.
    pub agency: Option<String>,
    /// The year read.
    pub year: Option<i32>,
    /// The layout read.
    pub format: Option<Format>,
    /// Everything found, errors first.
    pub findings: Vec<Finding>,
}

impl FileCheck {
    /// The check of a report read from `file` with what was found in it.
    pub fn found(file: &str, report: &Report, findings: Vec<Finding>) -> FileCheck {
        FileCheck {
            file: file.to_string(),
            readable: true,
            error: None,
            agency: Some(report.agency.clone()),
            year: report.year,
            format: Some(report.format),
            findings,
        }
    }

    /// A file that could not be read.
    pub fn unreadable(error: &crate::Error) -> FileCheck {
        FileCheck {
            file: error.file.clone(),
            readable: false,
            error: Some(error.to_string()),
            agency: None,
            year: None,
            format: None,
            findings: Vec::new(),
        }
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// Whether the file fails the check: unreadable, or an error finding.
    pub fn failed(&self) -> bool {
        !self.readable || self.count(Severity::Error) > 0
    }
}

/// One agency's annual report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The reporting body (填报单位).
    pub agency: String,
    /// The report year (the year reported on, not the year of publication); `None` when the file
    /// does not say.
    pub year: Option<i32>,
    /// The layout its tables follow.
    pub format: Format,
    /// One entry per cell of `format.cells()`, in that order; `None` where the input lacks the cell.
    pub cells: Vec<Option<Value>>,
    /// The six narrative sections (一、总体情况 … 六、其他需要报告的事项), where the input has them.
    pub sections: [Option<String>; 6],
    /// Where it came from.
    pub source: Source,
}

impl Report {
    /// An empty report: every cell absent.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// use nianbao::model::Report;
    /// let r = Report::new("某某局", 2024, Format::F2021);
    /// assert_eq!(r.cells.len(), Format::F2021.cells().len());
    /// assert_eq!(r.get("t3.new.total"), None);
    /// ```
    pub fn new(agency: &str, year: impl Into<Option<i32>>, format: Format) -> Report {
        Report {
            agency: agency.to_string(),
            year: year.into(),
            format,
            cells: vec![None; format.cells().len()],
            sections: Default::default(),
            source: Source::default(),
        }
    }

    /// The number in a cell, `None` if the cell is absent or not a number.
    pub fn get(&self, code: &str) -> Option<f64> {
        let i = self.format.cell_index(code)?;
        self.cells[i].as_ref()?.number
    }

    /// The value of a cell, with its text and location.
    pub fn value(&self, code: &str) -> Option<&Value> {
        let i = self.format.cell_index(code)?;
        self.cells[i].as_ref()
    }

    /// The year in words: `2024年`, or `年度未知`.
    ///
    /// ```
    /// use nianbao::{format::Format, model::Report};
    /// assert_eq!(Report::new("某某局", 2024, Format::F2021).year_text(), "2024年");
    /// assert_eq!(Report::new("某某局", None, Format::F2021).year_text(), "年度未知");
    /// ```
    pub fn year_text(&self) -> String {
        match self.year {
            Some(y) => format!("{y}年"),
            None => "年度未知".to_string(),
        }
    }

    /// Sets a cell to a plain number. Returns `false` for a code the layout does not have.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// use nianbao::model::Report;
    /// let mut r = Report::new("某某局", 2024, Format::F2021);
    /// assert!(r.set("t3.new.natural", 5.0));
    /// assert_eq!(r.get("t3.new.natural"), Some(5.0));
    /// assert!(!r.set("t2.procurement.amount", 1.0)); // a 2019-only cell
    /// ```
    pub fn set(&mut self, code: &str, n: f64) -> bool {
        match self.format.cell_index(code) {
            Some(i) => {
                self.cells[i] = Some(Value::number(n));
                true
            }
            None => false,
        }
    }

    /// One number per cell of the layout, in its order; NaN where a cell is absent or not a number.
    pub fn numbers(&self) -> Vec<f64> {
        self.cells
            .iter()
            .map(|v| v.as_ref().and_then(|v| v.number).unwrap_or(f64::NAN))
            .collect()
    }

    /// Adds `numbers` (one per cell of this report's layout, as [`Report::numbers`] gives them; NaN
    /// adds nothing) into the cells: a cell absent from every report added stays absent.
    ///
    /// ```
    /// use nianbao::format::Format;
    /// use nianbao::model::Report;
    /// let mut one = Report::new("某某局", 2024, Format::F2021);
    /// one.set("t3.new.natural", 2.5);
    /// let mut total = Report::new("全区", 2024, Format::F2021);
    /// total.add_numbers(&one.numbers());
    /// total.add_numbers(&one.numbers());
    /// assert_eq!(total.get("t3.new.natural"), Some(5.0));
    /// assert_eq!(total.get("t3.new.total"), None);
    /// ```
    pub fn add_numbers(&mut self, numbers: &[f64]) {
        for (cell, n) in self.cells.iter_mut().zip(numbers) {
            if n.is_nan() {
                continue;
            }
            let sum = cell.as_ref().and_then(|v| v.number).unwrap_or(0.0) + n;
            *cell = Some(Value::number(clean(sum)));
        }
    }

    /// Each cell definition with its value, in official order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static CellDef, Option<&Value>)> {
        self.format.cells().iter().zip(self.cells.iter().map(Option::as_ref))
    }
}

/// A number as the report shows it: integers without decimals, amounts with the decimals they have
/// up to 6 (1 分 in 万元: `75394432.52元` is `7539.443252` 万元).
///
/// ```
/// use nianbao::model::format_number;
/// assert_eq!(format_number(12.0), "12");
/// assert_eq!(format_number(378.0169), "378.0169");
/// assert_eq!(format_number(7539.443252), "7539.443252");
/// assert_eq!(format_number(-3.0), "-3");
/// assert_eq!(format_number(0.1 + 0.2), "0.3");
/// ```
pub fn format_number(n: f64) -> String {
    let r = (n * 1e6).round() / 1e6;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A number without the binary noise of arithmetic (`0.1 + 0.2`), to 9 decimals: what is read and
/// summed is never rounded to fewer digits than were published.
///
/// ```
/// use nianbao::model::clean;
/// assert_eq!(clean(0.1 + 0.2), 0.3);
/// assert_eq!(clean(7539.443252), 7539.443252);
/// ```
pub fn clean(n: f64) -> f64 {
    let r = (n * 1e9).round() / 1e9;
    if r.is_finite() {
        r
    } else {
        n
    }
}

/// A JSON number: an integer where the value is whole, else the amount with every digit it has.
fn json_number(n: f64) -> serde_json::Value {
    let r = clean(n);
    if r.fract() == 0.0 && r.abs() < 9.0e15 {
        serde_json::Value::from(r as i64)
    } else {
        serde_json::Number::from_f64(r).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// The cells of one table as nested JSON (`{row: {col: n}}`, or `{col: n}` for 表四).
pub fn table_json(report: &Report, table: Table) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (def, value) in report.iter().filter(|(d, _)| d.table == table) {
        let n = value
            .and_then(|v| v.number)
            .map_or(serde_json::Value::Null, json_number);
        if def.row.is_empty() {
            out.insert(def.col.to_string(), n);
        } else {
            let row = out
                .entry(def.row.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(m) = row {
                m.insert(def.col.to_string(), n);
            }
        }
    }
    serde_json::Value::Object(out)
}

/// The section codes `s1` … `s6`, in order.
pub const SECTION_CODES: [&str; 6] = ["s1", "s2", "s3", "s4", "s5", "s6"];

impl Serialize for Report {
    /// The report part of the JSON contract: `agency`, `year`, `format`, `t2`, `t3`, `t4`,
    /// `sections` (only where the input had text), `source`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("agency", &self.agency)?;
        m.serialize_entry("year", &self.year)?;
        m.serialize_entry("format", &self.format)?;
        for t in Table::ALL {
            m.serialize_entry(t.code(), &table_json(self, t))?;
        }
        if self.sections.iter().any(Option::is_some) {
            let sections: serde_json::Map<String, serde_json::Value> = SECTION_CODES
                .iter()
                .zip(&self.sections)
                .filter_map(|(c, s)| Some((c.to_string(), s.clone()?.into())))
                .collect();
            m.serialize_entry("sections", &sections)?;
        }
        m.serialize_entry("source", &self.source)?;
        m.end()
    }
}
