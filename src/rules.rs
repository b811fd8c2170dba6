//! The rule catalogue: every finding nianbao can report, as data, and the 勾稽关系 as equations.
//!
//! Each rule is one entry of [`RULES`] — its stable id, its severity, its Chinese title and what it
//! checks. A [`crate::model::Finding`] takes its id and severity from the entry it is made for, so
//! the checks, the findings sheets, the page and the docs (`fixtures/spec/README.md`, held to this
//! table by a test) all say the same. The arithmetic rules are also rows of [`SUM_RULES`]: an
//! equation between two sums of cell patterns, stated once and expanded over 表三's columns or rows
//! or 表四's groups, which feeds both `check` and the template's live check cells.

use std::sync::OnceLock;

use crate::format::{short_label, Format, T3_COLUMNS, T4_GROUPS};
use crate::model::{Finding, Severity};

/// One rule: what a finding of it says and how bad it is.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable ASCII id (`T3_BALANCE`), as in JSON and the findings sheets.
    pub id: &'static str,
    /// How bad a finding of it is.
    pub severity: Severity,
    /// A few Chinese words for the rule, as the findings sheets and the template's check cells show it.
    pub title: &'static str,
    /// What the rule checks, for the docs.
    pub checks: &'static str,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $name:ident, $severity:ident, $title:literal, $checks:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: &Rule = &Rule {
                id: stringify!($name),
                severity: Severity::$severity,
                title: $title,
                checks: $checks,
            };
        )*
        /// Every rule, in the order the docs list them.
        pub const RULES: &[&Rule] = &[$($name),*];
    };
}

rules! {
    /// 表三, per column: 一 + 二 = 三（七）+ 四.
    T3_BALANCE, Error, "第一项加第二项之和等于第三项加第四项之和",
        "per column: `new + carried = results_total + carry_forward` (the official note in the table's corner)";
    /// 表三, per column: （七）总计 = every result row.
    T3_RESULTS_TOTAL, Error, "（七）总计等于各项办理结果之和",
        "per column: `results_total` = sum of all result rows (（一）…（六）, every sub-row)";
    /// 表三, per row: 总计 = the six applicant columns.
    T3_ROW_TOTAL, Error, "总计等于各类申请人之和",
        "per row: `total` = `natural + commercial + research + social + legal + other`";
    /// 表四, per group: 总计 = its four results.
    T4_TOTAL, Error, "总计等于结果维持、结果纠正、其他结果、尚未审结之和",
        "per group: `*_total = *_upheld + *_corrected + *_other + *_pending`";
    /// A count or amount below zero.
    VALUE_NEGATIVE, Error, "数值不能为负",
        "counts and amounts are ≥ 0 (except 2019 `change`)";
    /// A count that is not whole.
    VALUE_NOT_INTEGER, Error, "件数应为整数",
        "counts are whole numbers";
    /// Text that is not a number in a number cell.
    VALUE_NOT_NUMBER, Error, "不是数字",
        "a numeric cell holds text that is not a number (e.g. `若干`, `12件`, `约5`)";
    /// A whole table not found.
    TABLE_MISSING, Error, "缺少表格",
        "a table of the report cannot be found in the workbook";
    /// A row of a found table not found.
    ROW_MISSING, Error, "缺少行",
        "a row of a found table cannot be found";
    /// A column of a found table not found.
    COLUMN_MISSING, Error, "缺少列",
        "a column of a found table cannot be found";
    /// Every number cell blank: a template sent back (or checked) without being filled in.
    UNFILLED, Error, "表格未填写",
        "every number cell of the tables is blank (an unfilled template): this one finding instead of missing columns and blanks";
    /// Blank cells read as 0.
    VALUE_BLANK, Warning, "空白按 0 计",
        "blank numeric cells were read as 0 (one finding per table, listing the cells)";
    /// `—` and the like read as 0.
    VALUE_DASH, Warning, "符号按 0 计",
        "`—`, `-`, `/`, `无` read as 0 (one finding per table, listing the cells)";
    /// A 2019 amount without a unit, read as 万元.
    AMOUNT_UNIT_ASSUMED, Warning, "金额未注明单位",
        "2019 `procurement.amount` written without a unit, read as 万元";
    /// The layout is not the one of the report's year.
    FORMAT_YEAR_MISMATCH, Warning, "格式与年度不符",
        "the layout found is not the one for the report's year";
    /// This year's 上年结转 against last year's 结转下年度.
    CROSS_YEAR_CARRY, Warning, "上年结转与上年报告不衔接",
        "with last year's report given: this year's `carried` ≠ last year's `carry_forward`, per column";
    /// A number stated in the prose that the table does not hold.
    TEXT_TABLE_MISMATCH, Warning, "正文与表格不一致",
        "a number stated in the report's text (e.g. 收到政府信息公开申请17件) differs from the table cell that holds the same quantity (表三 `new.total` 95)";
    /// The tables were read from hidden sheets.
    HIDDEN_SHEETS, Warning, "从隐藏工作表读取",
        "the visible sheets hold no report and hidden ones do: the report was read from those";
    /// No report year found.
    YEAR_UNKNOWN, Warning, "找不到报告年度",
        "no report year in the cover, title, captions, text or file name (the layout cannot be held against a year)";
    /// No report year found; counted in a merge as the district's year.
    YEAR_ASSUMED, Warning, "年度未写明，按汇总年度计",
        "in a merge: a return naming no year whose layout is the merged year's is counted as that year";
    /// The agency came from a file name that does not look like one.
    AGENCY_UNKNOWN, Warning, "找不到单位名称",
        "no agency in the cover, title, captions or text, and the file name does not look like one";
    /// Two places of the file name different agencies.
    AGENCY_CONFLICT, Warning, "单位名称前后不一致",
        "two places of the file (cover, title, captions, text) name different agencies; the one used is said";
    /// Two places of the file name different years.
    YEAR_CONFLICT, Warning, "报告年度前后不一致",
        "two places of the file (cover, title, captions, text) name different report years; the one used is said";
    /// A file that could not be read.
    UNREADABLE, Error, "无法读取",
        "the file could not be read (damaged, encrypted, not a report, over a limit); the message says why";
    /// A merge: a return of another year than the one merged.
    OTHER_YEAR, Warning, "年度不符，未计入",
        "in a merge: the return is of another year than the one merged, and is not added";
    /// A merge: a return in the other layout than its year's.
    OTHER_FORMAT, Error, "格式不符，未计入",
        "in a merge: the return is of the merged year but in the other layout, and is not added";
    /// `compare`: a large change between two years.
    LARGE_CHANGE, Info, "变化较大",
        "`compare` of consecutive years: a cell changed fivefold or more (and by at least 10)";
    /// `compare`: the two reports are of different agencies.
    AGENCY_MISMATCH, Warning, "单位不同",
        "`compare`: the two reports name different agencies";
}

impl Rule {
    /// A finding of this rule at `cell` (a cell code, a row or table code, or empty), with its
    /// Chinese message and the cells it involves; the place in the user's file is added by whoever
    /// knows it.
    pub fn finding(&'static self, cell: impl Into<String>, message: String, cells: Vec<String>) -> Finding {
        Finding {
            rule: self.id,
            severity: self.severity,
            cell: cell.into(),
            sheet: None,
            a1: None,
            message,
            cells,
        }
    }
}

/// The rule with this id.
///
/// ```
/// use nianbao::rules::{rule, T3_BALANCE};
/// assert_eq!(rule("T3_BALANCE"), Some(T3_BALANCE));
/// assert!(rule("NO_SUCH_RULE").is_none());
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

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
    /// The rule in the catalogue: id, severity, title.
    pub rule: &'static Rule,
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
}

/// The 勾稽关系 of both layouts.
pub const SUM_RULES: &[SumRule] = &[
    SumRule {
        rule: T3_BALANCE,
        each: Each::T3Column,
        left: &["t3.new.{c}", "t3.carried.{c}"],
        right: &["t3.results_total.{c}", "t3.carry_forward.{c}"],
        target: "t3.results_total.{c}",
        right_name: None,
    },
    SumRule {
        rule: T3_RESULTS_TOTAL,
        each: Each::T3Column,
        left: &["t3.results_total.{c}"],
        right: &["t3.{results}.{c}"],
        target: "t3.results_total.{c}",
        right_name: Some("各项办理结果之和"),
    },
    SumRule {
        rule: T3_ROW_TOTAL,
        each: Each::T3Row,
        left: &["t3.{r}.total"],
        right: &["t3.{r}.{applicants}"],
        target: "t3.{r}.total",
        right_name: Some("各类申请人之和"),
    },
    SumRule {
        rule: T4_TOTAL,
        each: Each::T4Group,
        left: &["t4.{g}_total"],
        right: &["t4.{g}_upheld", "t4.{g}_corrected", "t4.{g}_other", "t4.{g}_pending"],
        target: "t4.{g}_total",
        right_name: None,
    },
];

/// The sum rules expanded over one kind of instance.
pub fn sum_rules(each: Each) -> impl Iterator<Item = &'static SumRule> {
    SUM_RULES.iter().filter(move |r| r.each == each)
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
    /// Where `left` and `right` are in the layout's cells ([`Format::cell_index`]; a code the
    /// layout lacks is left out), so a check needs no lookup by name.
    pub at: (Vec<usize>, Vec<usize>),
}

/// Every instance of a sum rule in a layout, in the order of its columns, rows or groups.
///
/// ```
/// use nianbao::rules::{equations, SUM_RULES};
/// use nianbao::format::Format;
/// let balance = equations(Format::F2021, &SUM_RULES[0]);
/// assert_eq!(balance.len(), 7);
/// assert_eq!(balance[0].left, ["t3.new.natural", "t3.carried.natural"]);
/// assert_eq!(balance[0].target, "t3.results_total.natural");
/// ```
pub fn equations(format: Format, rule: &'static SumRule) -> Vec<Equation> {
    instances(format, rule.each)
        .into_iter()
        .map(|inst| {
            let left: Vec<String> = rule.left.iter().flat_map(|p| expand(format, p, &inst)).collect();
            let right: Vec<String> = rule.right.iter().flat_map(|p| expand(format, p, &inst)).collect();
            let at = |codes: &[String]| codes.iter().filter_map(|c| format.cell_index(c)).collect();
            Equation {
                rule,
                on: inst.code,
                at: (at(&left), at(&right)),
                left,
                right,
                target: rule.target.replace(inst.key, inst.code),
                scope: inst.scope,
            }
        })
        .collect()
}

/// Every equation of every sum rule of a layout, expanded once (kept for the official layouts,
/// expanded anew for another).
pub fn all_equations(format: Format) -> std::borrow::Cow<'static, [Equation]> {
    static CACHE: [OnceLock<Vec<Equation>>; 2] = [OnceLock::new(), OnceLock::new()];
    format.cached(&CACHE, || {
        SUM_RULES.iter().flat_map(|rule| equations(format, rule)).collect()
    })
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
                scope: format!("“{}”行", short_label(r.label)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sum_rules_are_errors() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(!RULES[..i].iter().any(|o| o.id == r.id), "{} twice", r.id);
        }
        assert!(SUM_RULES.iter().all(|s| s.rule.severity == Severity::Error));
    }
}
