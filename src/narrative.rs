//! The report's text held against its tables: `TEXT_TABLE_MISMATCH`.
//!
//! Reports state some table numbers again in their prose ("共收到政府信息公开申请17件"), and the two
//! often disagree. [`TEXT_PATTERNS`] is a table of phrases, each mapped to the table cells that hold
//! the same quantity; a phrase that matches with a number different from the cells' sum is a
//! warning quoting the phrase. Only clear statements match: a sentence that does not plainly state
//! one of these quantities is left alone, so a report whose text and tables agree gets no alarm.

use std::sync::OnceLock;

use regex::Regex;

use crate::format::Format;
use crate::model::{format_number, Finding, PlaceKind, Report};
use crate::rules;

/// A phrase stating a table quantity.
#[derive(Debug)]
pub struct TextPattern {
    /// What the phrase may state, each the sum of some cells: the statement agrees with the tables
    /// when it equals any of them (`共办理依申请公开12件` may count the new applications, these with
    /// last year's, or the ones decided). The first is the one a mismatch is reported at.
    pub quantities: &'static [&'static [&'static str]],
    /// The layouts whose reports use the phrase this way.
    pub formats: &'static [Format],
    /// The phrase as a regular expression; `{N}` stands for the number (digits or Chinese numerals),
    /// `{U}` for an optional money unit (`元`, `万元`), `{Q}` for a counting word (`件`, `条`, `起` …),
    /// `{A}` for words that may stand between a verb and its object (applicants, channels). A
    /// phrase without `{N}` states none at all (`未收到政府信息公开申请`: 0).
    pub pattern: &'static str,
}

const BOTH: &[Format] = &[Format::F2019, Format::F2021];
/// The applications received this year.
const NEW: &[&[&str]] = &[&["t3.new.total"]];
/// The applications handled: received, received with last year's, or decided.
const HANDLED: &[&[&str]] = &[
    &["t3.new.total"],
    &["t3.new.total", "t3.carried.total"],
    &["t3.results_total.total"],
];
/// 行政复议 and the two kinds of 行政诉讼.
const REVIEW: &[&[&str]] = &[&["t4.review_total"]];
const SUITS: &[&[&str]] = &[&["t4.suit_direct_total", "t4.suit_after_review_total"]];

/// The phrases, each mapped to what it states.
pub const TEXT_PATTERNS: &[TextPattern] = &[
    // 共收到公民、法人和其他组织政府信息公开申请8件; 共收到依申请信息公开62件; 受理政府信息公开申请…件
    TextPattern {
        quantities: NEW,
        formats: BOTH,
        pattern: r"(?:收到|受理|接到|接收|新收)(?:了)?{A}(?:政府信息公开|信息公开|依申请信息公开|依申请公开|公开)(?:的)?(?:申请)?(?:事项)?(?:共|合计|总计|累计)?(?:为)?{N}{Q}",
    },
    // 共受理2条公开申请; 接到自然人申请1条 is the form above
    TextPattern {
        quantities: NEW,
        formats: BOTH,
        pattern: r"(?:收到|受理|接到|接收|新收)(?:了)?{A}{N}{Q}(?:政府信息公开|信息公开|依申请公开|公开)?(?:的)?申请",
    },
    TextPattern {
        quantities: NEW,
        formats: BOTH,
        pattern: r"本年(?:度)?新收(?:政府信息公开申请)?{N}{Q}",
    },
    // 未收到政府信息公开申请: none.
    TextPattern {
        quantities: NEW,
        formats: BOTH,
        pattern: r"(?:未|没有)(?:收到|受理|接到)(?:过)?(?:任何)?(?:政府信息公开|信息公开|依申请公开)(?:的)?申请",
    },
    // 全年共办理依申请公开…件
    TextPattern {
        quantities: HANDLED,
        formats: BOTH,
        pattern: r"办理(?:了)?{A}(?:政府信息公开申请|依申请公开申请|依申请公开|信息公开申请)(?:共|合计)?{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t3.carried.total"]],
        formats: BOTH,
        pattern: r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t3.carry_forward.total"]],
        formats: BOTH,
        pattern: r"结转(?:到|至)?下(?:一)?年度(?:继续办理)?(?:的)?(?:申请)?{N}{Q}",
    },
    // 因政府信息公开被申请行政复议2件; 政府信息公开行政复议案件共3起
    TextPattern {
        quantities: REVIEW,
        formats: BOTH,
        pattern: r"(?:政府信息公开|信息公开)(?:工作)?(?:类|方面)?(?:的)?(?:被)?(?:申请)?行政复议(?:案件|申请)?(?:共|合计)?{N}{Q}",
    },
    TextPattern {
        quantities: SUITS,
        formats: BOTH,
        pattern: r"(?:政府信息公开|信息公开)(?:工作)?(?:类|方面)?(?:的)?(?:被)?(?:提起)?行政诉讼(?:案件)?(?:立案)?(?:共|合计)?{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t4.suit_direct_total"]],
        formats: BOTH,
        pattern: r"未经复议直接起诉(?:的)?(?:案件)?{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t4.suit_after_review_total"]],
        formats: BOTH,
        pattern: r"(?:^|[，,、；])复议后起诉(?:的)?(?:案件)?{N}{Q}",
    },
    // 未发生因政府信息公开被申请行政复议（、提起行政诉讼）的情况: none.
    TextPattern {
        quantities: REVIEW,
        formats: BOTH,
        pattern: r"(?:未发生|未出现|没有发生|没有出现|均未发生)(?:因)?(?:政府信息公开|信息公开)(?:工作)?(?:而)?被(?:申请)?行政复议",
    },
    TextPattern {
        quantities: SUITS,
        formats: BOTH,
        pattern: r"(?:未发生|未出现|没有发生|没有出现|均未发生)(?:因)?(?:政府信息公开|信息公开)(?:工作)?(?:而)?被(?:申请)?(?:行政复议(?:或|和|、|及)?)?(?:被)?(?:提起)?行政诉讼",
    },
    TextPattern {
        quantities: &[&["t2.rules.issued"]],
        formats: &[Format::F2021],
        pattern: r"制发(?:政府)?规章{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t2.normative_docs.issued"]],
        formats: &[Format::F2021],
        pattern: r"制发(?:行政)?规范性文件{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t2.rules.published"]],
        formats: &[Format::F2019],
        pattern: r"公开(?:政府)?规章{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t2.normative_docs.published"]],
        formats: &[Format::F2019],
        pattern: r"公开(?:政府)?(?:行政)?规范性文件{N}{Q}",
    },
    TextPattern {
        quantities: &[&["t2.fees.amount"]],
        formats: &[Format::F2021],
        pattern: r"行政事业性收费(?:金额)?(?:共计|共|合计|为)?{N}{U}",
    },
];

/// A number in digits (with separators) or in Chinese numerals.
const NUMBER: &str = r"\s*([0-9][0-9,，]*(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)\s*";
/// An optional money unit.
const UNIT: &str = r"(万元|元)?";
/// A counting word.
const COUNT: &str = r"(?:件|条|宗|份|起|个)";
/// Words between a verb and its object: who applied, through what (`公民、法人和其他组织`,
/// `自然人`, `通过网上依申请公开渠道共`), never a clause of its own.
const AMONG: &str = r"[^，。；,;：:]{0,20}?";

/// Each pattern with its regular expression. A pattern that does not compile is left out with
/// nothing else shifted (the unit test `every_pattern_compiles` keeps the table free of them).
fn compiled() -> &'static [(&'static TextPattern, Regex)] {
    static ALL: OnceLock<Vec<(&'static TextPattern, Regex)>> = OnceLock::new();
    ALL.get_or_init(|| {
        TEXT_PATTERNS
            .iter()
            .filter_map(|p| Some((p, compile(p).ok()?)))
            .collect()
    })
}

fn compile(pattern: &TextPattern) -> Result<Regex, regex::Error> {
    Regex::new(
        &pattern
            .pattern
            .replace("{N}", NUMBER)
            .replace("{U}", UNIT)
            .replace("{Q}", COUNT)
            .replace("{A}", AMONG),
    )
}

/// The quantity a pattern states, in words: the name of its cell, or of its cells added up.
fn quantity_name(format: Format, cells: &[&str]) -> String {
    let names: Vec<String> = cells.iter().map(|c| format.cell_name(c)).collect();
    match names.as_slice() {
        [one] => one.clone(),
        many => format!("{}之和", many.join("与")),
    }
}

/// A number written in Chinese numerals (十七, 一百零五, 两千三百) or digits.
///
/// ```
/// use nianbao::narrative::chinese_number;
/// assert_eq!(chinese_number("十七"), Some(17.0));
/// assert_eq!(chinese_number("一百零五"), Some(105.0));
/// assert_eq!(chinese_number("两千三百"), Some(2300.0));
/// assert_eq!(chinese_number("1,234"), Some(1234.0));
/// assert_eq!(chinese_number("若干"), None);
/// ```
pub fn chinese_number(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let (mut total, mut section, mut current) = (0u64, 0u64, 0u64);
    let mut any = false;
    for c in t.chars() {
        if let Some(d) = digit(c) {
            current = d;
            any = true;
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                total += (section + current) * 10_000;
                section = 0;
                current = 0;
                any = true;
                continue;
            }
            _ => return None,
        };
        section += current.max(1) * unit;
        current = 0;
        any = true;
    }
    any.then_some((total + section + current) as f64)
}

/// A statement of a table quantity found in a report's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The phrase as written (`共收到政府信息公开申请3件`).
    pub phrase: String,
    /// The number it states.
    pub stated: f64,
    /// What it may state: each a sum of cells.
    pub quantities: &'static [&'static [&'static str]],
}

/// Every clear statement of a table quantity in a report's sections, in order.
///
/// ```
/// use nianbao::{format::Format, model::Report, narrative::statements};
/// let mut r = Report::new("某某局", 2025, Format::F2021);
/// r.sections[1] = Some("2025年我局通过网上依申请公开渠道共受理2条公开申请，均已办结。受理网络问政182件。".into());
/// let s = statements(&r);
/// assert_eq!(s.len(), 1);
/// assert_eq!((s[0].stated, s[0].quantities[0][0]), (2.0, "t3.new.total"));
/// ```
pub fn statements(report: &Report) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for text in report.sections.iter().flatten() {
        // A line break is no sentence's end: pages dumped one text node a line break sentences
        // anywhere (`2022` / `年共受理政府信息公开申请` / `347` / `件`).
        let text: String = text.chars().filter(|c| *c != '\n').collect();
        for sentence in text.split(['。', '；', ';']) {
            let mut taken: Vec<(usize, usize)> = Vec::new();
            for (pattern, re) in compiled() {
                if !pattern.formats.contains(&report.format) {
                    continue;
                }
                for m in re.captures_iter(sentence) {
                    let Some(whole) = m.get(0) else { continue };
                    // One phrase states one thing: the first pattern to claim it wins.
                    if taken.iter().any(|&(a, b)| whole.start() < b && a < whole.end()) {
                        continue;
                    }
                    let stated = match m.get(1) {
                        None if !pattern.pattern.contains("{N}") => 0.0,
                        None => continue,
                        Some(n) => match chinese_number(n.as_str()) {
                            Some(n) => n,
                            None => continue,
                        },
                    };
                    let stated = match m.get(2).map(|u| u.as_str()) {
                        Some("元") => stated / 10_000.0,
                        _ => stated,
                    };
                    taken.push((whole.start(), whole.end()));
                    out.push(Statement {
                        phrase: whole.as_str().trim_start_matches(['，', ',', '、', '；']).to_string(),
                        stated,
                        quantities: pattern.quantities,
                    });
                }
            }
        }
    }
    out
}

/// The `TEXT_TABLE_MISMATCH` findings of a report: every clear statement in its sections of a
/// table quantity that the table does not hold (under none of the readings the phrase allows).
///
/// ```
/// use nianbao::{format::Format, model::Report, narrative::text_findings};
/// let mut r = Report::new("某某区人民政府", 2024, Format::F2021);
/// r.set("t3.new.total", 95.0);
/// r.sections[0] = Some("区政府办代表区政府受理政府信息公开申请 17 件，均按时答复。".into());
/// let f = text_findings(&r);
/// assert_eq!(f.len(), 1);
/// assert_eq!(f[0].cell, "t3.new.total");
/// assert!(f[0].message.starts_with("正文“受理政府信息公开申请 17 件”与表三 “一、本年新收政府信息公开申请数量”行 总计列 95 不一致"));
/// ```
pub fn text_findings(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in statements(report) {
        let sums: Vec<f64> = s
            .quantities
            .iter()
            .filter_map(|cells| cells.iter().map(|c| report.get(c)).sum::<Option<f64>>())
            .collect();
        if sums.is_empty() || sums.iter().any(|held| (held - s.stated).abs() < 1e-6) {
            continue;
        }
        let cells = s.quantities[0];
        let held: f64 = cells.iter().filter_map(|c| report.get(c)).sum();
        let at = report.value(cells[0]).and_then(|v| v.at.clone());
        let message = format!(
            "正文“{}”与{} {} 不一致，请核对正文或表格",
            s.phrase,
            quantity_name(report.format, cells),
            format_number(held)
        );
        out.push(Finding {
            sheet: at.as_ref().map(|l| l.sheet.to_string()),
            a1: at.as_ref().filter(|l| l.kind == PlaceKind::Sheet).map(|l| l.a1()),
            ..rules::TEXT_TABLE_MISMATCH.finding(cells[0], message, cells.iter().map(|c| c.to_string()).collect())
        });
    }
    out.dedup_by(|a, b| a.message == b.message);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_names_cells_of_its_layouts() {
        for p in TEXT_PATTERNS {
            assert!(compile(p).is_ok(), "{}", p.pattern);
            for f in p.formats {
                for c in p.quantities.iter().flat_map(|q| q.iter()) {
                    assert!(f.cell(c).is_some(), "{c} is not a {f} cell");
                }
            }
        }
        assert_eq!(compiled().len(), TEXT_PATTERNS.len());
    }
}
