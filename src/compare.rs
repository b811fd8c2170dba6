//! Compare two reports of one agency: the same year (is what was published what was reported?) or
//! consecutive years (does this year follow from last year?).
//!
//! Cells are compared by code, so across the 2020→2021 change of layout only the cells whose meaning
//! did not change are compared: the codes both layouts share (表三 but for （六）, 表四, and 表二's
//! 本年处理决定数量 of 行政许可/行政处罚/行政强制).

use serde::Serialize;

use crate::check::cross_year;
use crate::format::Format;
use crate::label::normalize;
use crate::model::{format_number, Finding, Report};
use crate::rules;

/// Which comparison was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Both reports are of the same year: every cell should agree.
    SameYear,
    /// `b` is the year after `a`: carried-over counts should follow.
    YearOverYear,
}

/// One side of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The input file.
    pub file: String,
    /// The agency.
    pub agency: String,
    /// The report year (`null`: not found in the file).
    pub year: Option<i32>,
    /// The layout.
    pub format: Format,
}

/// A cell whose value differs.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// The cell code.
    pub cell: String,
    /// The value in `a` (`null`: absent or not a number).
    pub a: Option<f64>,
    /// The value in `b`.
    pub b: Option<f64>,
    /// Where the value of `a` sits in its file.
    pub a_where: Option<String>,
    /// Where the value of `b` sits in its file.
    pub b_where: Option<String>,
}

/// The result: the `compare --format json` contract.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The first input (the earlier year when years differ).
    pub a: Side,
    /// The second input.
    pub b: Side,
    /// Same year or year over year.
    pub kind: Kind,
    /// Every cell whose value differs (year over year: every cell that changed).
    pub differences: Vec<Difference>,
    /// Carry-over mismatches, large swings, a different agency.
    pub findings: Vec<Finding>,
}

impl Comparison {
    /// Whether the two agree (same year) or follow (consecutive years): the exit status 0.
    pub fn agrees(&self) -> bool {
        match self.kind {
            Kind::SameYear => self.differences.is_empty(),
            Kind::YearOverYear => !self.findings.iter().any(|f| f.rule == "CROSS_YEAR_CARRY"),
        }
    }
}

/// A change counts as large from this factor on, either way …
const SWING_FACTOR: f64 = 5.0;
/// … when the larger of the two values is at least this.
const SWING_BASE: f64 = 10.0;

/// Compares two reports; `None` when their years are neither equal nor consecutive, or one of them
/// is unknown (two reports that both name no year are compared as of the same year).
///
/// ```
/// use nianbao::{compare::{compare, Kind}, format::Format, model::Report};
/// let mut a = Report::new("某某局", 2024, Format::F2021);
/// let mut b = a.clone();
/// a.set("t3.new.total", 95.0);
/// b.set("t3.new.total", 17.0);
/// let c = compare(&a, &b).unwrap();
/// assert_eq!(c.kind, Kind::SameYear);
/// assert_eq!(c.differences.len(), 1);
/// assert_eq!(c.differences[0].cell, "t3.new.total");
/// assert!(!c.agrees());
/// ```
pub fn compare(a: &Report, b: &Report) -> Option<Comparison> {
    let (a, b) = if a.year > b.year { (b, a) } else { (a, b) };
    let kind = match (a.year, b.year) {
        (None, None) => Kind::SameYear,
        (Some(x), Some(y)) if x == y => Kind::SameYear,
        (Some(x), Some(y)) if y - x == 1 => Kind::YearOverYear,
        _ => return None,
    };
    let mut differences = Vec::new();
    let mut findings = Vec::new();
    for def in a
        .format
        .cells()
        .iter()
        .filter(|d| b.format.cell_index(&d.code).is_some())
    {
        let (va, vb) = (a.value(&def.code), b.value(&def.code));
        let (na, nb) = (va.and_then(|v| v.number), vb.and_then(|v| v.number));
        let same = match (na, nb) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        if same {
            continue;
        }
        let place = |v: Option<&crate::model::Value>| v.and_then(|v| v.at.as_ref()).map(ToString::to_string);
        differences.push(Difference {
            cell: def.code.clone(),
            a: na,
            b: nb,
            a_where: place(va),
            b_where: place(vb),
        });
        if let (Kind::YearOverYear, Some(x), Some(y)) = (kind, na, nb) {
            let (lo, hi) = (x.min(y), x.max(y));
            if hi >= SWING_BASE && (lo == 0.0 || hi / lo >= SWING_FACTOR) {
                findings.push(rules::LARGE_CHANGE.finding(
                    &def.code,
                    format!(
                        "{} 由{}的 {} 变为{}的 {}，变化较大，请核实",
                        b.format.cell_name(&def.code),
                        a.year_text(),
                        format_number(x),
                        b.year_text(),
                        format_number(y)
                    ),
                    vec![def.code.clone()],
                ));
            }
        }
    }
    if kind == Kind::YearOverYear {
        findings.splice(0..0, cross_year(b, a));
    }
    if normalize(&a.agency) != normalize(&b.agency) {
        findings.insert(
            0,
            rules::AGENCY_MISMATCH.finding(
                "",
                format!("两份报告的单位不同：“{}”与“{}”", a.agency, b.agency),
                Vec::new(),
            ),
        );
    }
    let side = |r: &Report| Side {
        file: r.source.file.clone(),
        agency: r.agency.clone(),
        year: r.year,
        format: r.format,
    };
    Some(Comparison {
        a: side(a),
        b: side(b),
        kind,
        differences,
        findings,
    })
}
