//! Checks: every 勾稽关系 and value rule, as data, pointing at the exact cell.
//!
//! The rules themselves — ids, severities, titles, and the 勾稽关系 as equations — are data in
//! [`crate::rules`]; this module applies them to a report. The value rules look at
//! how each cell was read ([`Reading`]) and at its kind. Every [`Finding`] names the rule, the cell
//! most likely wrong, where it sits in the user's file, and says in Chinese what is wrong with the
//! numbers.

use crate::format::{short_label, Format, Kind, Table, T3_COLUMNS};
use crate::model::{format_number, Finding, Found, Location, PlaceKind, Reading, Report, Severity, Value};

pub use crate::model::FileCheck;
use crate::rules::{self, all_equations, Each, Rule};
use std::sync::OnceLock;

/// Checks one report: arithmetic, values, missing parts, layout against year.
///
/// ```
/// use nianbao::{check::check, format::Format, model::Report};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// for cell in Format::F2021.cells() { r.set(&cell.code, 0.0); }
/// r.set("t4.review_upheld", 1.0); // 总计 still 0
/// let findings = check(&r);
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].rule, "T4_TOTAL");
/// assert_eq!(findings[0].cell, "t4.review_total");
/// ```
pub fn check(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    // A blank template says so once, instead of a missing column for every column left empty and
    // a blank-as-0 warning for every table.
    if unfilled(report) {
        out.push(rules::UNFILLED.finding(
            "",
            "表格未填写：表二、表三、表四的填报单元格全部为空白，这是一份没有填写的模板。请填写后再检查或报送".into(),
            Vec::new(),
        ));
        identity(report, &mut out);
        out.sort_by_key(|f| f.severity);
        return out;
    }
    missing(report, &mut out);
    values(report, &mut out);
    sums(report, &mut out);
    out.extend(crate::narrative::text_findings(report));
    identity(report, &mut out);
    out.sort_by_key(|f| f.severity);
    out
}

/// Whether no number cell of the report holds anything: every cell found is blank (an unfilled
/// template; a template's totals are formulas, which are not read as values). A report where
/// nothing was found at all is not one: its tables are missing.
fn unfilled(report: &Report) -> bool {
    let mut found = report.iter().filter_map(|(_, v)| v).peekable();
    found.peek().is_some() && found.all(|v| v.reading == Reading::Blank)
}

/// The findings about whose report of which year this is: the layout against the year, a year or
/// agency not found, places of the file that disagree, tables read from hidden sheets.
fn identity(report: &Report, out: &mut Vec<Finding>) {
    let year = report.year;
    if let Some(year) = year.filter(|y| Format::for_year(*y) != report.format) {
        out.push(finding(
            rules::FORMAT_YEAR_MISMATCH,
            report,
            "",
            format!(
                "{year} 年的报告应使用 {} 格式（{}），但表格是 {} 格式",
                Format::for_year(year),
                Format::for_year(year).layout().issued_by,
                report.format
            ),
            Vec::new(),
        ));
    }
    if !report.source.hidden_sheets.is_empty() {
        out.push(finding(
            rules::HIDDEN_SHEETS,
            report,
            "",
            format!(
                "可见的工作表中没有年报表格，已从隐藏的工作表“{}”中读取；请确认这是本年度要报送的报表",
                report.source.hidden_sheets.join("”“")
            ),
            Vec::new(),
        ));
    }
    if year.is_none() {
        out.push(finding(
            rules::YEAR_UNKNOWN,
            report,
            "",
            format!(
                "文件中没有找到报告年度（封面、标题、表格标题、正文和文件名中都没有），无法核对表格是否为该年度的格式（现为 {} 格式）；\
                 汇总时按汇总的年度计入。请在标题或封面中写明年度（如“某某局2024年政府信息公开工作年度报告”）",
                report.format
            ),
            Vec::new(),
        ));
    }
    for c in &report.source.conflicts {
        let (rule, used, from) = match c.what {
            "year" => (
                rules::YEAR_CONFLICT,
                report.year.map(|y| y.to_string()).unwrap_or_default(),
                report.source.year_from,
            ),
            _ => (rules::AGENCY_CONFLICT, report.agency.clone(), report.source.agency_from),
        };
        let what = if c.what == "year" {
            "报告年度"
        } else {
            "单位名称"
        };
        out.push(finding(
            rule,
            report,
            "",
            format!(
                "{}写的{what}是“{}”，{}写的是“{used}”，二者不一致；已按{}的“{used}”读取，请核对",
                c.found.name(),
                c.value,
                from.name(),
                from.name()
            ),
            Vec::new(),
        ));
    }
    if report.source.agency_from == Found::FileName && !looks_like_agency(&report.agency) {
        out.push(finding(
            rules::AGENCY_UNKNOWN,
            report,
            "",
            format!(
                "文件中没有找到单位名称（标题或封面的“填报单位”），暂以文件名“{}”作为单位名称；\
                 汇总时请核对，或请该单位在表格标题中写明单位名称",
                report.agency
            ),
            Vec::new(),
        ));
    }
}

/// Whether a name read from a file name looks like a government body's: `区财政局.xlsx` names its
/// agency; `2024年报表格(1)` does not.
fn looks_like_agency(name: &str) -> bool {
    crate::agency::looks_like(name) && !name.chars().any(|c| c.is_ascii_digit())
}

/// `CROSS_YEAR_CARRY`: this year's 上年结转 must equal last year's 结转下年度继续办理, per column.
///
/// ```
/// use nianbao::{check::cross_year, format::Format, model::Report};
/// let mut last = Report::new("某某局", 2023, Format::F2021);
/// let mut this = Report::new("某某局", 2024, Format::F2021);
/// last.set("t3.carry_forward.natural", 3.0);
/// this.set("t3.carried.natural", 2.0);
/// let f = cross_year(&this, &last);
/// assert_eq!(f.len(), 1);
/// assert_eq!(f[0].cell, "t3.carried.natural");
/// ```
pub fn cross_year(report: &Report, previous: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    for col in T3_COLUMNS {
        let this = format!("t3.carried.{}", col.code);
        let last = format!("t3.carry_forward.{}", col.code);
        let (Some(a), Some(b)) = (report.get(&this), previous.get(&last)) else {
            continue;
        };
        if a != b {
            out.push(finding(
                rules::CROSS_YEAR_CARRY,
                report,
                &this,
                format!(
                    "表三 {}列：本年“二、上年结转” {} 与{}报告“四、结转下年度继续办理” {} 不一致，相差 {}",
                    col.label,
                    format_number(a),
                    previous.year_text(),
                    format_number(b),
                    format_number((a - b).abs())
                ),
                vec![this.clone(), format!("{} {last}", previous.year_text())],
            ));
        }
    }
    out
}

/// A finding at a cell, with its sheet and address from the report.
fn finding(rule: &'static Rule, report: &Report, cell: &str, message: String, cells: Vec<String>) -> Finding {
    let at = report.value(cell).and_then(|v| v.at.clone());
    let message = match &at {
        Some(l) => format!("{message}（{l}）"),
        None => message,
    };
    Finding {
        sheet: at.as_ref().map(|l| l.sheet.to_string()),
        a1: at.as_ref().filter(|l| l.kind == PlaceKind::Sheet).map(Location::a1),
        ..rule.finding(cell, message, cells)
    }
}

/// TABLE_MISSING, ROW_MISSING, COLUMN_MISSING: parts of the layout the input does not have.
fn missing(report: &Report, out: &mut Vec<Finding>) {
    let has = |i: usize| report.cells.get(i).is_some_and(Option::is_some);
    for shape in TableShape::of(report.format).iter() {
        let table = shape.table;
        if !shape.cells.iter().any(|&(i, _)| has(i)) {
            out.push(rules::TABLE_MISSING.finding(
                table.code().to_string(),
                format!("找不到{}（{}）", table.name(), table.title()),
                Vec::new(),
            ));
            continue;
        }
        // Rows absent, then columns absent among the rows present.
        let mut with_values = vec![false; shape.rows.len()];
        for &(i, row) in &shape.cells {
            with_values[row] |= has(i);
        }
        for &row in shape
            .listed
            .iter()
            .filter(|&&r| !shape.rows[r].is_empty() && !with_values[r])
        {
            let code = shape.rows[row];
            let label = report.format.layout().row_label(table, code).unwrap_or(code);
            out.push(rules::ROW_MISSING.finding(
                format!("{}.{code}", table.code()),
                format!("{}缺少“{}”行，该行数据为空（不按 0 计）", table.name(), label),
                Vec::new(),
            ));
        }
        // Each column among the rows present: its first cell, and whether any holds a value.
        for column in &shape.columns {
            let mut present = column.iter().filter(|&&(_, row)| with_values[row]);
            let Some(&(first, _)) = present.clone().next() else {
                continue;
            };
            if present.any(|&(i, _)| has(i)) {
                continue;
            }
            let def = &report.format.cells()[first];
            out.push(rules::COLUMN_MISSING.finding(
                def.code.clone(),
                format!(
                    "{}缺少“{}”列，该列数据为空（不按 0 计）",
                    table.name(),
                    def.column_name()
                ),
                Vec::new(),
            ));
        }
    }
}

/// Where a table's cells are in a layout, by row and by column: what [`missing`] asks of every
/// report, worked out once per layout.
#[derive(Clone)]
struct TableShape {
    table: Table,
    /// Each cell of the table (its place in the layout's cells) and its row (in `rows`).
    cells: Vec<(usize, usize)>,
    /// The table's row codes, each once.
    rows: Vec<&'static str>,
    /// The rows in the order of the cells (a row listed again where its cells are not together).
    listed: Vec<usize>,
    /// Each column's cells and their rows, the columns in the order of their codes.
    columns: Vec<Vec<(usize, usize)>>,
}

impl TableShape {
    /// The tables of a layout (kept for the official layouts, worked out anew for another).
    fn of(format: Format) -> std::borrow::Cow<'static, [TableShape]> {
        static CACHE: [OnceLock<Vec<TableShape>>; 2] = [OnceLock::new(), OnceLock::new()];
        format.cached(&CACHE, || {
            Table::ALL.iter().map(|&t| TableShape::new(format, t)).collect()
        })
    }

    fn new(format: Format, table: Table) -> TableShape {
        let defs = format.cells();
        let (mut rows, mut listed, mut cells) = (Vec::new(), Vec::new(), Vec::new());
        let mut columns: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
        for (i, def) in defs.iter().enumerate().filter(|(_, d)| d.table == table) {
            let row = rows.iter().position(|r| *r == def.row).unwrap_or_else(|| {
                rows.push(def.row);
                rows.len() - 1
            });
            if listed.last() != Some(&row) {
                listed.push(row);
            }
            cells.push((i, row));
            match columns.iter_mut().find(|(c, _)| *c == def.col) {
                Some((_, places)) => places.push((i, row)),
                None => columns.push((def.col, vec![(i, row)])),
            }
        }
        columns.sort_unstable_by_key(|(c, _)| *c);
        TableShape {
            table,
            cells,
            rows,
            listed,
            columns: columns.into_iter().map(|(_, places)| places).collect(),
        }
    }
}

/// The value rules: not a number, negative, not whole, blank or dash read as 0, unit assumed.
fn values(report: &Report, out: &mut Vec<Finding>) {
    let mut blank: Vec<Vec<&str>> = vec![Vec::new(); Table::ALL.len()];
    let mut dash: Vec<Vec<&str>> = vec![Vec::new(); Table::ALL.len()];
    for (def, value) in report.iter() {
        let Some(v) = value else { continue };
        let name = || report.format.cell_name(&def.code);
        let t = Table::ALL.iter().position(|t| *t == def.table).unwrap_or(0);
        match v.reading {
            Reading::NotNumber => out.push(finding(
                rules::VALUE_NOT_NUMBER,
                report,
                &def.code,
                if v.raw.starts_with('=') {
                    // A formula saved without its result that nianbao cannot work out.
                    format!(
                        "{} 是公式“{}”，但文件中没有保存公式的计算结果（程序生成的文件常见），无法得知其数值。\
                         请用 Excel 或 WPS 打开该文件、保存一次后再报送",
                        name(),
                        v.raw
                    )
                } else {
                    format!(
                        "{} 填写的是“{}”，不是数字，请填写{}",
                        name(),
                        v.raw,
                        kind_words(def.kind)
                    )
                },
                vec![def.code.clone()],
            )),
            Reading::Blank => blank[t].push(&def.code),
            Reading::Dash => dash[t].push(&def.code),
            Reading::UnitAssumed => out.push(finding(
                rules::AMOUNT_UNIT_ASSUMED,
                report,
                &def.code,
                format!(
                    "{} 填写“{}”未注明单位，已按万元计；如单位是元，请改为“{}元”",
                    name(),
                    v.raw,
                    v.raw
                ),
                vec![def.code.clone()],
            )),
            Reading::Number => {}
        }
        let Some(n) = v.number else { continue };
        if n < 0.0 && def.kind != Kind::Signed {
            out.push(finding(
                rules::VALUE_NEGATIVE,
                report,
                &def.code,
                format!("{} 为 {}，不能为负数", name(), format_number(n)),
                vec![def.code.clone()],
            ));
        }
        if def.kind != Kind::Amount && n.fract() != 0.0 {
            out.push(finding(
                rules::VALUE_NOT_INTEGER,
                report,
                &def.code,
                format!("{} 为 {}，件数应为整数", name(), format_number(n)),
                vec![def.code.clone()],
            ));
        }
    }
    for (t, table) in Table::ALL.iter().enumerate() {
        for (rule, list, words) in [
            (rules::VALUE_BLANK, &blank[t], "空白"),
            (rules::VALUE_DASH, &dash[t], "“—”“/”“无”等符号"),
        ] {
            let Some(first) = list.first() else { continue };
            // One cell merged across a row (`无` for the whole row) is one place, named once.
            let mut places: Vec<String> = list.iter().map(|c| where_of(report, c)).collect();
            places.dedup();
            let names: Vec<&String> = places.iter().take(5).collect();
            let more = if places.len() > 5 {
                format!(" 等 {} 处", places.len())
            } else {
                String::new()
            };
            out.push(finding(
                rule,
                report,
                first,
                format!(
                    "{}有 {} 个单元格为{}，已按 0 计：{}{more}",
                    table.name(),
                    list.len(),
                    words,
                    names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join("、")
                ),
                list.iter().map(|c| c.to_string()).collect(),
            ));
        }
    }
}

/// A cell's address in the user's file (`D7` in a worksheet, `第5页 表格第3行第4列` in a PDF), else
/// its name.
fn where_of(report: &Report, code: &str) -> String {
    match report.value(code).and_then(|v| v.at.as_ref()) {
        Some(l) if l.kind == PlaceKind::Sheet => l.a1(),
        Some(l) => l.to_string(),
        None => report.format.cell_name(code),
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "不小于 0 的整数",
        Kind::Signed => "整数（减少用负数，如 -8）",
        Kind::Amount => "金额（万元，可带小数）",
    }
}

/// A side of an equation that can be judged ([`side_sum`]): its terms present in the report.
struct Side {
    /// Each term present: its place in the layout's cells, and its number.
    terms: Vec<(usize, f64)>,
}

fn side(report: &Report, cells: &[usize]) -> Side {
    let terms = cells
        .iter()
        .filter_map(|&i| match report.cells.get(i) {
            Some(Some(Value { number: Some(n), .. })) => Some((i, *n)),
            _ => None,
        })
        .collect();
    Side { terms }
}

/// The sum of a side's terms present in the report; `None` where it cannot be judged (a term that
/// is not a number, or none present). [`side`] lists the terms, for the message of a mismatch.
fn side_sum(report: &Report, cells: &[usize]) -> Option<f64> {
    let (mut sum, mut any) = (0.0, false);
    for &i in cells {
        match report.cells.get(i) {
            Some(Some(Value { number: Some(n), .. })) => (sum, any) = (sum + n, true),
            Some(Some(_)) => return None,
            _ => {}
        }
    }
    any.then_some(sum)
}

/// Every equation of every sum rule, in the rules' order ([`rules::all_equations`] is expanded in
/// it): a side is only listed term by term when the two differ.
fn sums(report: &Report, out: &mut Vec<Finding>) {
    let format = report.format;
    for eq in all_equations(format).iter() {
        let (Some(ls), Some(rs)) = (side_sum(report, &eq.at.0), side_sum(report, &eq.at.1)) else {
            continue;
        };
        if (ls - rs).abs() < 1e-6 {
            continue;
        }
        let rule = eq.rule;
        let (l, r) = (side(report, &eq.at.0), side(report, &eq.at.1));
        let table = if eq.target.starts_with("t4") {
            "表四"
        } else {
            "表三"
        };
        let message = format!(
            "{table} {}：{}，应等于{}，相差 {}",
            eq.scope,
            describe(format, rule.each, &l, None),
            describe(format, rule.each, &r, rule.right_name),
            format_number((ls - rs).abs())
        );
        let cells = eq.left.iter().chain(&eq.right).cloned().collect();
        out.push(finding(rule.rule, report, &eq.target, message, cells));
    }
}

/// `第一项 12 + 第二项 1 = 13`, or for long sums the name and the non-zero terms.
fn describe(format: Format, each: Each, side: &Side, name: Option<&str>) -> String {
    let sum: f64 = side.terms.iter().map(|t| t.1).sum();
    let code = |i: usize| format.cells().get(i).map_or("", |c| c.code.as_str());
    let term = |(i, n): &(usize, f64)| format!("{} {}", term_name(format, code(*i), each), format_number(*n));
    match name {
        None if side.terms.len() == 1 => term(&side.terms[0]),
        None => format!(
            "{} = {}",
            side.terms.iter().map(term).collect::<Vec<_>>().join(" + "),
            format_number(sum)
        ),
        Some(name) => {
            let nonzero: Vec<String> = side.terms.iter().filter(|t| t.1 != 0.0).map(term).collect();
            if nonzero.is_empty() {
                format!("{name} {}", format_number(sum))
            } else {
                format!("{name} {}（{}）", format_number(sum), nonzero.join(" + "))
            }
        }
    }
}

/// The short name of a term: the row label when a rule runs down a column, the column label when
/// it runs along a row, the leaf label in 表四.
fn term_name(format: Format, code: &str, each: Each) -> String {
    match format.cell(code) {
        Some(c) if each == Each::T3Column => short_label(c.row_label).to_string(),
        Some(c) => c.col_label.to_string(),
        None => code.to_string(),
    }
}

impl FileCheck {
    /// The check of a report read from `file`, with last year's report where there is one.
    pub fn of(file: &str, report: &Report, previous: Option<&Report>) -> FileCheck {
        let mut findings = check(report);
        if let Some(p) = previous {
            findings.extend(cross_year(report, p));
            findings.sort_by_key(|f| f.severity);
        }
        FileCheck::found(file, report, findings)
    }
}

/// The one-line summary of a batch: `检查 36 份，12 份有错误，共 31 处；3 份无法读取`.
///
/// ```
/// use nianbao::check::{summary, FileCheck};
/// assert_eq!(summary(&[]), "检查 0 份，0 份有错误，共 0 处");
/// ```
pub fn summary(checks: &[FileCheck]) -> String {
    let with_errors = checks
        .iter()
        .filter(|c| c.readable && c.count(Severity::Error) > 0)
        .count();
    let errors: usize = checks.iter().map(|c| c.count(Severity::Error)).sum();
    let unreadable = checks.iter().filter(|c| !c.readable).count();
    let mut s = format!("检查 {} 份，{with_errors} 份有错误，共 {errors} 处", checks.len());
    if unreadable > 0 {
        s.push_str(&format!("；{unreadable} 份无法读取"));
    }
    s
}
