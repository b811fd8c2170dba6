//! Checks: every 勾稽关系 and value rule, as data, pointing at the exact cell.
//!
//! The arithmetic rules are rows of [`SUM_RULES`]: an equation between two sums of cell patterns,
//! stated once and expanded over 表三's columns or rows or 表四's groups. The value rules look at
//! how each cell was read ([`Reading`]) and at its kind. Every [`Finding`] names the rule, the cell
//! most likely wrong, where it sits in the user's file, and says in Chinese what is wrong with the
//! numbers.

use std::sync::OnceLock;

use crate::format::{Format, Kind, Table, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};
use crate::model::{format_number, Finding, Location, PlaceKind, Reading, Report, Severity, Value};

/// What a sum rule is expanded over: `{c}` (表三 column), `{r}` (表三 row) or `{g}` (表四 group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Each {
    /// Once per 表三 column; `{c}` is its code and `{scope}` reads `自然人列`.
    T3Column,
    /// Once per 表三 row; `{r}` is its code and `{scope}` reads `“一、本年新收…”行`.
    T3Row,
    /// Once per 表四 group; `{g}` is its code and `{scope}` reads `行政复议`.
    T4Group,
}

/// An arithmetic rule: `left` (summed) must equal `right` (summed), for each instance of `each`.
///
/// Patterns are cell codes with placeholders: `{c}`, `{r}`, `{g}` as in [`Each`], and two that
/// stand for several cells: `{results}` (every result row under 三、本年度办理结果 that adds up to
/// （七）总计) and `{applicants}` (the six applicant columns).
#[derive(Debug)]
pub struct SumRule {
    /// Stable rule id.
    pub id: &'static str,
    /// What the rule is expanded over.
    pub each: Each,
    /// Cells on the left.
    pub left: &'static [&'static str],
    /// Cells on the right.
    pub right: &'static [&'static str],
    /// The cell most likely wrong when the sums differ: the total.
    pub target: &'static str,
    /// Words for the right-hand side in the message, when it is not spelled out term by term.
    pub right_name: Option<&'static str>,
    /// The rule in a few Chinese words, as a check cell's heading shows it.
    pub title: &'static str,
}

/// The 勾稽关系 of both layouts.
pub const SUM_RULES: &[SumRule] = &[
    SumRule {
        id: "T3_BALANCE",
        each: Each::T3Column,
        left: &["t3.new.{c}", "t3.carried.{c}"],
        right: &["t3.results_total.{c}", "t3.carry_forward.{c}"],
        target: "t3.results_total.{c}",
        right_name: None,
        title: "第一项加第二项之和等于第三项加第四项之和",
    },
    SumRule {
        id: "T3_RESULTS_TOTAL",
        each: Each::T3Column,
        left: &["t3.results_total.{c}"],
        right: &["t3.{results}.{c}"],
        target: "t3.results_total.{c}",
        right_name: Some("各项办理结果之和"),
        title: "（七）总计等于各项办理结果之和",
    },
    SumRule {
        id: "T3_ROW_TOTAL",
        each: Each::T3Row,
        left: &["t3.{r}.total"],
        right: &["t3.{r}.{applicants}"],
        target: "t3.{r}.total",
        right_name: Some("各类申请人之和"),
        title: "总计等于各类申请人之和",
    },
    SumRule {
        id: "T4_TOTAL",
        each: Each::T4Group,
        left: &["t4.{g}_total"],
        right: &["t4.{g}_upheld", "t4.{g}_corrected", "t4.{g}_other", "t4.{g}_pending"],
        target: "t4.{g}_total",
        right_name: None,
        title: "总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    },
];

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
    missing(report, &mut out);
    values(report, &mut out);
    for rule in SUM_RULES {
        sums(report, rule, &mut out);
    }
    out.extend(crate::narrative::text_findings(report));
    if report.year > 0 && Format::for_year(report.year) != report.format {
        out.push(finding(
            "FORMAT_YEAR_MISMATCH",
            Severity::Warning,
            report,
            "",
            format!(
                "{} 年的报告应使用 {} 格式（{}），但表格是 {} 格式",
                report.year,
                Format::for_year(report.year),
                Format::for_year(report.year).layout().issued_by,
                report.format
            ),
            Vec::new(),
        ));
    }
    if !report.source.hidden_sheets.is_empty() {
        out.push(finding(
            "HIDDEN_SHEETS",
            Severity::Warning,
            report,
            "",
            format!(
                "可见的工作表中没有年报表格，已从隐藏的工作表“{}”中读取；请确认这是本年度要报送的报表",
                report.source.hidden_sheets.join("”“")
            ),
            Vec::new(),
        ));
    }
    if report.year == 0 {
        out.push(finding(
            "YEAR_UNKNOWN",
            Severity::Error,
            report,
            "",
            "文件中没有找到报告年度（标题、封面的“报告年度”或文件名），无法核对格式，汇总时也不会计入；\
                      请在表格标题中写明年度（如“某某局2024年政府信息公开工作年度报告”）"
                .to_string(),
            Vec::new(),
        ));
    }
    if report.source.agency_from == "file_name" && !looks_like_agency(&report.agency) {
        out.push(finding(
            "AGENCY_UNKNOWN",
            Severity::Warning,
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
    out.sort_by_key(|f| f.severity);
    out
}

/// How the names of government bodies end (区财政局, 某某街道办事处, 某某镇人民政府): a file named
/// like that names its agency; `2024年报表格(1)` does not.
const AGENCY_ENDINGS: &[&str] = &[
    "局",
    "委",
    "办",
    "政府",
    "院",
    "馆",
    "街道",
    "镇",
    "乡",
    "中心",
    "所",
    "处",
    "室",
    "会",
    "部",
    "区",
    "县",
    "市",
    "厅",
    "站",
    "队",
    "署",
    "公司",
    "管委会",
    "办事处",
    "委员会",
];

/// Whether a name read from a file name looks like a government body's.
fn looks_like_agency(name: &str) -> bool {
    let name = name.trim();
    AGENCY_ENDINGS.iter().any(|e| name.ends_with(e)) && !name.chars().any(|c| c.is_ascii_digit())
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
                "CROSS_YEAR_CARRY",
                Severity::Warning,
                report,
                &this,
                format!(
                    "表三 {}列：本年“二、上年结转” {} 与 {} 年报告“四、结转下年度继续办理” {} 不一致，相差 {}",
                    col.label,
                    format_number(a),
                    previous.year,
                    format_number(b),
                    format_number((a - b).abs())
                ),
                vec![this.clone(), format!("{}年 {last}", previous.year)],
            ));
        }
    }
    out
}

/// A finding at a cell, with its sheet and address from the report.
fn finding(
    rule: &'static str,
    severity: Severity,
    report: &Report,
    cell: &str,
    message: String,
    cells: Vec<String>,
) -> Finding {
    let at = report.value(cell).and_then(|v| v.at.clone());
    Finding {
        rule,
        severity,
        cell: cell.to_string(),
        sheet: at.as_ref().map(|l| l.sheet.clone()),
        a1: at.as_ref().filter(|l| l.kind == PlaceKind::Sheet).map(Location::a1),
        message: match at {
            Some(l) => format!("{message}（{l}）"),
            None => message,
        },
        cells,
    }
}

/// A human name for a cell: `表三 “（七）总计”行 自然人列`.
pub fn cell_name(format: Format, code: &str) -> String {
    let parts: Vec<&str> = code.split('.').collect();
    let layout = format.layout();
    match parts.as_slice() {
        ["t2", row, col] => match layout.t2_cell(row, col) {
            Some((_, r, c)) => format!("表二 “{}” {}", r.label, c.label),
            None => code.to_string(),
        },
        ["t3", row, col] => {
            let r = layout.t3_row(row).map_or(*row, |r| r.label);
            let c = T3_COLUMNS.iter().find(|c| c.code == *col).map_or(*col, |c| c.label);
            format!("表三 “{}”行 {}列", short(r), c)
        }
        ["t4", col] => match T4_COLUMNS.iter().find(|c| c.code == *col) {
            Some(c) => format!("表四 {} {}", c.group.unwrap_or_default(), c.label),
            None => code.to_string(),
        },
        _ => code.to_string(),
    }
}

/// A label without its bracketed note, for messages.
fn short(label: &str) -> &str {
    match label.find('（') {
        Some(i) if i > 0 && !label[..i].ends_with('第') && !label.starts_with('（') => &label[..i],
        _ => match label.char_indices().skip(1).find(|(_, c)| *c == '（') {
            Some((i, _)) if label.starts_with('（') => &label[..i],
            _ => label,
        },
    }
}

/// TABLE_MISSING, ROW_MISSING, COLUMN_MISSING: parts of the layout the input does not have.
fn missing(report: &Report, out: &mut Vec<Finding>) {
    let cells = report.format.cells();
    for table in Table::ALL {
        let in_table: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].table == table).collect();
        if in_table.iter().all(|&i| report.cells[i].is_none()) {
            out.push(Finding {
                rule: "TABLE_MISSING",
                severity: Severity::Error,
                cell: table.code().to_string(),
                sheet: None,
                a1: None,
                message: format!("找不到{}（{}）", table.name(), table.title()),
                cells: Vec::new(),
            });
            continue;
        }
        // Rows absent, then columns absent among the rows present.
        let mut rows: Vec<&str> = in_table.iter().map(|&i| cells[i].row).collect();
        rows.dedup();
        let row_absent = |row: &str| {
            in_table
                .iter()
                .filter(|&&i| cells[i].row == row)
                .all(|&i| report.cells[i].is_none())
        };
        for row in rows.iter().filter(|r| !r.is_empty() && row_absent(r)) {
            let label = match table {
                Table::T2 => report
                    .format
                    .layout()
                    .t2
                    .iter()
                    .flat_map(|b| b.rows)
                    .find(|l| l.code == *row)
                    .map(|l| l.label),
                _ => report.format.layout().t3_row(row).map(|r| r.label),
            }
            .unwrap_or(row);
            out.push(Finding {
                rule: "ROW_MISSING",
                severity: Severity::Error,
                cell: format!("{}.{row}", table.code()),
                sheet: None,
                a1: None,
                message: format!("{}缺少“{}”行，该行数据为空（不按 0 计）", table.name(), label),
                cells: Vec::new(),
            });
        }
        let mut cols: Vec<&str> = in_table.iter().map(|&i| cells[i].col).collect();
        cols.sort_unstable();
        cols.dedup();
        for col in cols {
            let present: Vec<usize> = in_table
                .iter()
                .copied()
                .filter(|&i| cells[i].col == col && !row_absent(cells[i].row))
                .collect();
            if !present.is_empty() && present.iter().all(|&i| report.cells[i].is_none()) {
                let code = cells[present[0]].code.clone();
                out.push(Finding {
                    rule: "COLUMN_MISSING",
                    severity: Severity::Error,
                    cell: code.clone(),
                    sheet: None,
                    a1: None,
                    message: format!(
                        "{}缺少“{}”列，该列数据为空（不按 0 计）",
                        table.name(),
                        column_label(report.format, &code)
                    ),
                    cells: Vec::new(),
                });
            }
        }
    }
}

/// The official label of a cell's column.
fn column_label(format: Format, code: &str) -> String {
    let parts: Vec<&str> = code.split('.').collect();
    match parts.as_slice() {
        ["t2", row, col] => format
            .layout()
            .t2_cell(row, col)
            .map_or(col.to_string(), |(_, _, c)| c.label.to_string()),
        ["t3", _, col] => T3_COLUMNS
            .iter()
            .find(|c| c.code == *col)
            .map_or(col.to_string(), |c| c.label.to_string()),
        ["t4", col] => T4_COLUMNS.iter().find(|c| c.code == *col).map_or(col.to_string(), |c| {
            format!("{} {}", c.group.unwrap_or_default(), c.label)
        }),
        _ => code.to_string(),
    }
}

/// The value rules: not a number, negative, not whole, blank or dash read as 0, unit assumed.
fn values(report: &Report, out: &mut Vec<Finding>) {
    let mut blank: Vec<Vec<&str>> = vec![Vec::new(); Table::ALL.len()];
    let mut dash: Vec<Vec<&str>> = vec![Vec::new(); Table::ALL.len()];
    for (def, value) in report.iter() {
        let Some(v) = value else { continue };
        let name = || cell_name(report.format, &def.code);
        let t = Table::ALL.iter().position(|t| *t == def.table).unwrap_or(0);
        match v.reading {
            Reading::NotNumber => out.push(finding(
                "VALUE_NOT_NUMBER",
                Severity::Error,
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
                "AMOUNT_UNIT_ASSUMED",
                Severity::Warning,
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
                "VALUE_NEGATIVE",
                Severity::Error,
                report,
                &def.code,
                format!("{} 为 {}，不能为负数", name(), format_number(n)),
                vec![def.code.clone()],
            ));
        }
        if def.kind != Kind::Amount && n.fract() != 0.0 {
            out.push(finding(
                "VALUE_NOT_INTEGER",
                Severity::Error,
                report,
                &def.code,
                format!("{} 为 {}，件数应为整数", name(), format_number(n)),
                vec![def.code.clone()],
            ));
        }
    }
    for (t, table) in Table::ALL.iter().enumerate() {
        for (rule, list, words) in [
            ("VALUE_BLANK", &blank[t], "空白"),
            ("VALUE_DASH", &dash[t], "“—”“/”“无”等符号"),
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
                Severity::Warning,
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
        None => cell_name(report.format, code),
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "不小于 0 的整数",
        Kind::Signed => "整数（减少用负数，如 -8）",
        Kind::Amount => "金额（万元，可带小数）",
    }
}

/// One instance of a sum rule: its placeholders bound and its patterns expanded into cell codes.
#[derive(Debug, Clone)]
pub struct Equation {
    /// The rule.
    pub rule: &'static SumRule,
    /// What the instance is for: the 表三 column (`natural`), 表三 row (`new`) or 表四 group (`review`).
    pub on: &'static str,
    /// `自然人列`, `“一、本年新收…”行`, `行政复议`.
    pub scope: String,
    /// Cells on the left, summed.
    pub left: Vec<String>,
    /// Cells on the right, summed.
    pub right: Vec<String>,
    /// The cell most likely wrong when the sides differ.
    pub target: String,
}

/// Every instance of a sum rule in a layout, in the order of its columns, rows or groups.
///
/// ```
/// use nianbao::check::{equations, SUM_RULES};
/// use nianbao::format::Format;
/// let balance = equations(Format::F2021, &SUM_RULES[0]);
/// assert_eq!(balance.len(), 7);
/// assert_eq!(balance[0].left, ["t3.new.natural", "t3.carried.natural"]);
/// assert_eq!(balance[0].target, "t3.results_total.natural");
/// ```
pub fn equations(format: Format, rule: &'static SumRule) -> Vec<Equation> {
    instances(format, rule.each)
        .into_iter()
        .map(|inst| Equation {
            rule,
            on: inst.code,
            left: rule.left.iter().flat_map(|p| expand(format, p, &inst)).collect(),
            right: rule.right.iter().flat_map(|p| expand(format, p, &inst)).collect(),
            target: rule.target.replace(inst.key, inst.code),
            scope: inst.scope,
        })
        .collect()
}

/// One instance of a sum rule: placeholder bindings.
struct Instance {
    /// `{c}`, `{r}` or `{g}` and its value.
    key: &'static str,
    code: &'static str,
    /// `自然人列`, `“一、本年新收…”行`, `行政复议`.
    scope: String,
}

fn instances(format: Format, each: Each) -> Vec<Instance> {
    match each {
        Each::T3Column => T3_COLUMNS
            .iter()
            .map(|c| Instance {
                key: "{c}",
                code: c.code,
                scope: format!("{}列", c.label),
            })
            .collect(),
        Each::T3Row => format
            .layout()
            .t3_rows
            .iter()
            .map(|r| Instance {
                key: "{r}",
                code: r.code,
                scope: format!("“{}”行", short(r.label)),
            })
            .collect(),
        Each::T4Group => T4_GROUPS
            .iter()
            .map(|g| Instance {
                key: "{g}",
                code: g.code,
                scope: g.label.to_string(),
            })
            .collect(),
    }
}

/// Expands a pattern into cell codes for one instance.
fn expand(format: Format, pattern: &str, inst: &Instance) -> Vec<String> {
    let bound = pattern.replace(inst.key, inst.code);
    if bound.contains("{results}") {
        format
            .layout()
            .t3_result_leaves()
            .map(|r| bound.replace("{results}", r.code))
            .collect()
    } else if bound.contains("{applicants}") {
        T3_COLUMNS
            .iter()
            .filter(|c| c.code != "total")
            .map(|c| bound.replace("{applicants}", c.code))
            .collect()
    } else {
        vec![bound]
    }
}

/// A side of an equation: its terms present in the report, and whether it can be evaluated.
struct Side {
    terms: Vec<(String, f64)>,
    /// A term whose text is not a number: the equation cannot be judged.
    unknown: bool,
}

fn side(report: &Report, codes: &[String]) -> Side {
    let mut terms = Vec::new();
    let mut unknown = false;
    for code in codes {
        match report.value(code) {
            Some(Value { number: Some(n), .. }) => terms.push((code.clone(), *n)),
            Some(_) => unknown = true,
            None => {}
        }
    }
    Side { terms, unknown }
}

/// Every equation of every sum rule of a layout, expanded once.
fn all_equations(format: Format) -> &'static [Equation] {
    static CACHE: [OnceLock<Vec<Equation>>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = &CACHE[Format::ALL.iter().position(|f| *f == format).unwrap_or(0)];
    slot.get_or_init(|| SUM_RULES.iter().flat_map(|rule| equations(format, rule)).collect())
}

fn sums(report: &Report, rule: &'static SumRule, out: &mut Vec<Finding>) {
    let format = report.format;
    for eq in all_equations(format).iter().filter(|e| e.rule.id == rule.id) {
        let (l, r) = (side(report, &eq.left), side(report, &eq.right));
        if l.unknown || r.unknown || l.terms.is_empty() || r.terms.is_empty() {
            continue;
        }
        let (ls, rs): (f64, f64) = (l.terms.iter().map(|t| t.1).sum(), r.terms.iter().map(|t| t.1).sum());
        if (ls - rs).abs() < 1e-6 {
            continue;
        }
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
        out.push(finding(rule.id, Severity::Error, report, &eq.target, message, cells));
    }
}

/// `第一项 12 + 第二项 1 = 13`, or for long sums the name and the non-zero terms.
fn describe(format: Format, each: Each, side: &Side, name: Option<&str>) -> String {
    let sum: f64 = side.terms.iter().map(|t| t.1).sum();
    let term = |(code, n): &(String, f64)| format!("{} {}", term_name(format, code, each), format_number(*n));
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
    let parts: Vec<&str> = code.split('.').collect();
    let label = match (each, parts.as_slice()) {
        (Each::T3Column, ["t3", row, _]) => format.layout().t3_row(row).map(|r| short(r.label)),
        (Each::T3Row, ["t3", _, col]) => T3_COLUMNS.iter().find(|c| c.code == *col).map(|c| c.label),
        (_, ["t4", col]) => T4_COLUMNS.iter().find(|c| c.code == *col).map(|c| c.label),
        _ => None,
    };
    label.map_or_else(|| code.to_string(), str::to_string)
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
    /// The check of a report read from `file`, with last year's report where there is one.
    pub fn of(file: &str, report: &Report, previous: Option<&Report>) -> FileCheck {
        let mut findings = check(report);
        if let Some(p) = previous {
            findings.extend(cross_year(report, p));
            findings.sort_by_key(|f| f.severity);
        }
        FileCheck {
            file: file.to_string(),
            readable: true,
            error: None,
            agency: Some(report.agency.clone()),
            year: Some(report.year),
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
