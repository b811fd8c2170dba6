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
    /// The cells whose sum the phrase states.
    pub cells: &'static [&'static str],
    /// The layouts whose reports use the phrase this way.
    pub formats: &'static [Format],
    /// The phrase as a regular expression; `{N}` stands for the number (digits or Chinese numerals),
    /// `{U}` for an optional money unit (`元`, `万元`).
    pub pattern: &'static str,
}

const BOTH: &[Format] = &[Format::F2019, Format::F2021];

/// The phrases, each mapped to its cells.
pub const TEXT_PATTERNS: &[TextPattern] = &[
    TextPattern {
        cells: &["t3.new.total"],
        formats: BOTH,
        pattern: r"(?:收到|受理|接收|新收)(?:各类|了)?(?:政府信息公开|信息公开)申请(?:共|合计|总计)?(?:为)?{N}件",
    },
    TextPattern {
        cells: &["t3.new.total"],
        formats: BOTH,
        pattern: r"本年(?:度)?新收(?:政府信息公开申请)?{N}件",
    },
    TextPattern {
        cells: &["t3.carried.total"],
        formats: BOTH,
        pattern: r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?{N}件",
    },
    TextPattern {
        cells: &["t3.carry_forward.total"],
        formats: BOTH,
        pattern: r"结转(?:到|至)?下(?:一)?年度(?:继续办理)?(?:的)?(?:申请)?{N}件",
    },
    TextPattern {
        cells: &["t4.review_total"],
        formats: BOTH,
        pattern: r"(?:政府信息公开|信息公开)(?:类|方面)?(?:的)?行政复议(?:案件)?(?:共)?{N}件",
    },
    TextPattern {
        cells: &["t4.suit_direct_total", "t4.suit_after_review_total"],
        formats: BOTH,
        pattern: r"(?:政府信息公开|信息公开)(?:类|方面)?(?:的)?行政诉讼(?:案件)?(?:立案)?(?:共)?{N}件",
    },
    TextPattern {
        cells: &["t4.suit_direct_total"],
        formats: BOTH,
        pattern: r"未经复议直接起诉(?:的)?(?:案件)?{N}件",
    },
    TextPattern {
        cells: &["t4.suit_after_review_total"],
        formats: BOTH,
        pattern: r"(?:^|[，,、；])复议后起诉(?:的)?(?:案件)?{N}件",
    },
    TextPattern {
        cells: &["t2.rules.issued"],
        formats: &[Format::F2021],
        pattern: r"制发(?:政府)?规章{N}件",
    },
    TextPattern {
        cells: &["t2.normative_docs.issued"],
        formats: &[Format::F2021],
        pattern: r"制发(?:行政)?规范性文件{N}件",
    },
    TextPattern {
        cells: &["t2.rules.published"],
        formats: &[Format::F2019],
        pattern: r"公开(?:政府)?规章{N}件",
    },
    TextPattern {
        cells: &["t2.normative_docs.published"],
        formats: &[Format::F2019],
        pattern: r"公开(?:政府)?(?:行政)?规范性文件{N}件",
    },
    TextPattern {
        cells: &["t2.fees.amount"],
        formats: &[Format::F2021],
        pattern: r"行政事业性收费(?:金额)?(?:共计|共|合计|为)?{N}{U}",
    },
];

/// A number in digits (with separators) or in Chinese numerals.
const NUMBER: &str = r"\s*([0-9][0-9,，]*(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)\s*";
/// An optional money unit.
const UNIT: &str = r"(万元|元)?";

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
    Regex::new(&pattern.pattern.replace("{N}", NUMBER).replace("{U}", UNIT))
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

/// The `TEXT_TABLE_MISMATCH` findings of a report: every clear statement in its sections of a
/// table quantity that the table does not hold.
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
    for text in report.sections.iter().flatten() {
        for (pattern, re) in compiled() {
            if !pattern.formats.contains(&report.format) {
                continue;
            }
            for sentence in text.split(['。', '；', ';', '\n']) {
                for m in re.captures_iter(sentence) {
                    let Some(stated) = m.get(1).and_then(|n| chinese_number(n.as_str())) else {
                        continue;
                    };
                    let stated = match m.get(2).map(|u| u.as_str()) {
                        Some("元") => stated / 10_000.0,
                        _ => stated,
                    };
                    let values: Option<Vec<f64>> = pattern.cells.iter().map(|c| report.get(c)).collect();
                    let Some(values) = values else { continue };
                    let held: f64 = values.iter().sum();
                    if (held - stated).abs() < 1e-6 {
                        continue;
                    }
                    let phrase = m
                        .get(0)
                        .map_or("", |x| x.as_str())
                        .trim_start_matches(['，', ',', '、', '；']);
                    let value = report.value(pattern.cells[0]);
                    let at = value.and_then(|v| v.at.clone());
                    let message = format!(
                        "正文“{phrase}”与{} {} 不一致，请核对正文或表格",
                        quantity_name(report.format, pattern.cells),
                        format_number(held)
                    );
                    let cells = pattern.cells.iter().map(|c| c.to_string()).collect();
                    out.push(Finding {
                        sheet: at.as_ref().map(|l| l.sheet.clone()),
                        a1: at.as_ref().filter(|l| l.kind == PlaceKind::Sheet).map(|l| l.a1()),
                        ..rules::TEXT_TABLE_MISMATCH.finding(pattern.cells[0], message, cells)
                    });
                }
            }
        }
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
                for c in p.cells {
                    assert!(f.cell(c).is_some(), "{c} is not a {f} cell");
                }
            }
        }
        assert_eq!(compiled().len(), TEXT_PATTERNS.len());
    }
}
