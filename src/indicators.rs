//! Indicators (指标): how an agency discloses, as the assessments of open government (政务公开考核)
//! measure it — defined once, as data.
//!
//! Each indicator of [`INDICATORS`] is a count or a rate: its numerator and denominator are sums of
//! table cells, each term a cell code, `-` before it to subtract, and `{group}` for every result
//! row under a 表三 group (`t3.{g_denied}.total`: the eight rows of （三）不予公开). The summary's
//! 指标 sheet, the page, the merge JSON (`indicators`) and the README's table all come from it.
//! A rate whose denominator is 0 has no value (never 0 % nor `#DIV/0!`); one under
//! [`SMALL_SAMPLE`] is marked: a rate on two applications says little. The district's rate is the
//! rate of its totals; the simple mean of the agencies' rates is given beside it.

use rustc_hash::FxHashMap;

use crate::format::Format;
use crate::model::Report;

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A number of applications or cases.
    Count,
    /// A share of a denominator (0 to 1).
    Rate,
}

/// One indicator.
#[derive(Debug)]
pub struct Indicator {
    /// Stable ASCII code, as in JSON.
    pub code: &'static str,
    /// The Chinese name.
    pub name: &'static str,
    /// Count or rate.
    pub measure: Measure,
    /// Terms added up (a count's value, a rate's numerator).
    pub numerator: &'static [&'static str],
    /// Terms added up for a rate's denominator (empty for a count).
    pub denominator: &'static [&'static str],
    /// The formula in words, for the 指标说明 and the docs.
    pub words: &'static str,
}

/// A rate on a denominator under this is marked `样本较小`.
pub const SMALL_SAMPLE: f64 = 5.0;

const DECIDED: &[&str] = &["t3.results_total.total"];

/// The indicators, in the order the sheet and the page show them.
pub const INDICATORS: &[Indicator] = &[
    Indicator {
        code: "applications",
        name: "申请总量",
        measure: Measure::Count,
        numerator: &["t3.new.total", "t3.carried.total"],
        denominator: &[],
        words: "本年新收 + 上年结转（表三“一”“二”行总计列）",
    },
    Indicator {
        code: "decided",
        name: "办理结果总计",
        measure: Measure::Count,
        numerator: DECIDED,
        denominator: &[],
        words: "表三“（七）总计”行总计列",
    },
    Indicator {
        code: "disclosure_rate",
        name: "实质公开率",
        measure: Measure::Rate,
        numerator: &["t3.granted.total", "t3.partial.total"],
        denominator: DECIDED,
        words: "（予以公开 + 部分公开）÷ 办理结果总计",
    },
    Indicator {
        code: "full_disclosure_rate",
        name: "绝对公开率",
        measure: Measure::Rate,
        numerator: &["t3.granted.total"],
        denominator: DECIDED,
        words: "予以公开 ÷ 办理结果总计",
    },
    Indicator {
        code: "denied_rate",
        name: "不予公开率",
        measure: Measure::Rate,
        numerator: &["t3.{g_denied}.total"],
        denominator: DECIDED,
        words: "（三）不予公开各项之和 ÷ 办理结果总计",
    },
    Indicator {
        code: "unable_rate",
        name: "无法提供率",
        measure: Measure::Rate,
        numerator: &["t3.{g_unable}.total"],
        denominator: DECIDED,
        words: "（四）无法提供各项之和 ÷ 办理结果总计",
    },
    Indicator {
        code: "rejected_rate",
        name: "不予处理率",
        measure: Measure::Rate,
        numerator: &["t3.{g_rejected}.total"],
        denominator: DECIDED,
        words: "（五）不予处理各项之和 ÷ 办理结果总计",
    },
    Indicator {
        code: "carry_rate",
        name: "结转率",
        measure: Measure::Rate,
        numerator: &["t3.carry_forward.total"],
        denominator: &["t3.new.total", "t3.carried.total"],
        words: "结转下年度继续办理 ÷ 申请总量",
    },
    Indicator {
        code: "review_correction_rate",
        name: "行政复议纠错率",
        measure: Measure::Rate,
        numerator: &["t4.review_corrected"],
        denominator: &["t4.review_total", "-t4.review_pending"],
        words: "行政复议结果纠正 ÷（行政复议总计 − 尚未审结）",
    },
    Indicator {
        code: "suit_correction_rate",
        name: "行政诉讼纠错率",
        measure: Measure::Rate,
        numerator: &["t4.suit_direct_corrected", "t4.suit_after_review_corrected"],
        denominator: &[
            "t4.suit_direct_total",
            "t4.suit_after_review_total",
            "-t4.suit_direct_pending",
            "-t4.suit_after_review_pending",
        ],
        words: "（直接起诉 + 复议后起诉的结果纠正）÷（两类诉讼总计 − 尚未审结）",
    },
    Indicator {
        code: "dispute_rate",
        name: "争议率",
        measure: Measure::Rate,
        numerator: &["t4.review_total", "t4.suit_direct_total", "t4.suit_after_review_total"],
        denominator: DECIDED,
        words: "（行政复议总计 + 行政诉讼总计）÷ 办理结果总计",
    },
];

/// An indicator's value for one report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// The count, or the rate (0 to 1); `None` where the rate's denominator is 0 or the report
    /// lacks a cell it needs.
    pub value: Option<f64>,
    /// The denominator of a rate.
    pub base: Option<f64>,
}

impl Reading {
    /// Whether a rate rests on fewer than [`SMALL_SAMPLE`] cases.
    pub fn small(&self) -> bool {
        self.base.is_some_and(|b| b > 0.0 && b < SMALL_SAMPLE)
    }
}

impl Indicator {
    /// The indicator of a report.
    ///
    /// ```
    /// use nianbao::{format::Format, model::Report, indicators::INDICATORS};
    /// let mut r = Report::new("某某局", 2024, Format::F2021);
    /// for c in Format::F2021.cells() { r.set(&c.code, 0.0); }
    /// r.set("t3.granted.total", 6.0);
    /// r.set("t3.partial.total", 2.0);
    /// r.set("t3.results_total.total", 10.0);
    /// let rate = INDICATORS.iter().find(|i| i.code == "disclosure_rate").unwrap().of(&r);
    /// assert_eq!(rate.value, Some(0.8));
    /// let review = INDICATORS.iter().find(|i| i.code == "review_correction_rate").unwrap().of(&r);
    /// assert_eq!(review.value, None); // no review decided: no rate, never 0 %
    /// ```
    pub fn of(&self, report: &Report) -> Reading {
        let sum = |terms: &[&str]| -> Option<f64> {
            let mut total = 0.0;
            for term in terms {
                let (sign, code) = match term.strip_prefix('-') {
                    Some(code) => (-1.0, code),
                    None => (1.0, *term),
                };
                for cell in expand(report.format, code) {
                    total += sign * report.get(&cell)?;
                }
            }
            Some(total)
        };
        let numerator = sum(self.numerator);
        match self.measure {
            Measure::Count => Reading {
                value: numerator,
                base: None,
            },
            Measure::Rate => {
                let base = sum(self.denominator);
                let value = match (numerator, base) {
                    (Some(n), Some(b)) if b > 0.0 => Some(n / b),
                    _ => None,
                };
                Reading { value, base }
            }
        }
    }

    /// The cells the indicator uses, for the 指标说明 (`t3.granted.total + t3.partial.total`).
    pub fn terms(&self, format: Format) -> (String, String) {
        let words = |terms: &[&str]| -> String {
            let mut out = String::new();
            for term in terms {
                let (minus, code) = match term.strip_prefix('-') {
                    Some(code) => (true, code),
                    None => (false, *term),
                };
                for cell in expand(format, code) {
                    match (out.is_empty(), minus) {
                        (true, false) => {}
                        (true, true) => out.push_str("− "),
                        (false, false) => out.push_str(" + "),
                        (false, true) => out.push_str(" − "),
                    }
                    out.push_str(&cell);
                }
            }
            out
        };
        (words(self.numerator), words(self.denominator))
    }
}

/// A term's cells: the code itself, or for `t3.{group}.col` the column of every result row under
/// the group.
fn expand(format: Format, code: &str) -> Vec<String> {
    let Some((head, rest)) = code.split_once('{') else {
        return vec![code.to_string()];
    };
    let Some((group, tail)) = rest.split_once('}') else {
        return vec![code.to_string()];
    };
    let layout = format.layout();
    layout
        .t3_rows
        .iter()
        .filter(|r| layout.t3_is_under(r.code, group))
        .map(|r| format!("{head}{}{tail}", r.code))
        .collect()
}

/// The rank of each value among `values` (1 the highest; equal values share a rank; `None` keeps
/// no rank).
///
/// ```
/// use nianbao::indicators::ranks;
/// assert_eq!(ranks(&[Some(0.5), None, Some(0.9), Some(0.5)]), [Some(2), None, Some(1), Some(2)]);
/// ```
pub fn ranks(values: &[Option<f64>]) -> Vec<Option<u32>> {
    // The values there are, highest first: a value's rank is one more than how many are higher.
    // Sorted once (a district of 10,000 agencies: 10⁸ comparisons an indicator counted one by
    // one); NaN is higher than nothing and ranks first, as a comparison would have it.
    let mut higher_first: Vec<f64> = values.iter().flatten().copied().filter(|v| !v.is_nan()).collect();
    higher_first.sort_unstable_by(|a, b| b.total_cmp(a));
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            let higher = higher_first.partition_point(|o| *o > v);
            Some(1 + u32::try_from(higher).unwrap_or(u32::MAX - 1))
        })
        .collect()
}

/// The simple mean of the values there are.
pub fn mean(values: &[Option<f64>]) -> Option<f64> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

/// One line of the indicators table: whose, and each indicator's reading (in [`INDICATORS`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The agency (or the district).
    pub name: String,
    /// Each indicator's value and base, NaN for none: half the size of a [`Reading`], for a board
    /// holds a line per agency.
    packed: Box<[[f64; 2]]>,
}

impl Line {
    /// The line of a report.
    pub fn of(name: &str, report: &Report) -> Line {
        let pack = |v: Option<f64>| v.unwrap_or(f64::NAN);
        Line {
            name: name.to_string(),
            packed: INDICATORS
                .iter()
                .map(|i| {
                    let r = i.of(report);
                    [pack(r.value), pack(r.base)]
                })
                .collect(),
        }
    }

    /// The reading of indicator `k` (in [`INDICATORS`] order).
    pub fn reading(&self, k: usize) -> Reading {
        let unpack = |v: f64| (!v.is_nan()).then_some(v);
        let [value, base] = self.packed.get(k).copied().unwrap_or([f64::NAN; 2]);
        Reading {
            value: unpack(value),
            base: unpack(base),
        }
    }

    /// Each indicator's reading, in [`INDICATORS`] order.
    pub fn readings(&self) -> impl Iterator<Item = Reading> + '_ {
        (0..self.packed.len()).map(|k| self.reading(k))
    }
}

/// Last year beside this year: each agency's line of last year where the agency reported both
/// years (matched by [`crate::agency::key`]), and the district on those agencies alone.
#[derive(Debug, Clone, PartialEq)]
pub struct LastYear {
    /// Per agency of [`Board::agencies`], its line of last year, if it reported then.
    pub agencies: Vec<Option<Line>>,
    /// How many agencies reported last year.
    pub last_count: usize,
    /// How many of them are compared (reported both years).
    pub compared: usize,
    /// The district of this year on the agencies compared only.
    pub this_district: Line,
    /// The district of last year on the same agencies.
    pub last_district: Line,
}

/// The indicators of a district: every counted agency, the district (the rate of its totals),
/// the simple mean of the agencies, each agency's rank, and last year where it is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// The counted agencies, in summary order.
    pub agencies: Vec<Line>,
    /// Per indicator, each agency's rank (1 the highest value).
    pub ranks: Vec<Vec<Option<u32>>>,
    /// The district: its totals' indicators.
    pub district: Line,
    /// Per indicator, the simple mean of the agencies' values.
    pub mean: Vec<Option<f64>>,
    /// Last year, where given.
    pub last_year: Option<LastYear>,
}

/// The indicators board of a merge, with last year's merge and the agencies of both years
/// ([`pairs`]) if given.
pub fn board(
    merged: &crate::model::district::Merged,
    previous: Option<(&crate::model::district::Merged, &Pairs)>,
) -> crate::Result<Board> {
    use crate::model::district::Status;
    let counted: Vec<&crate::model::district::Entry> = merged
        .ordered()
        .into_iter()
        .filter(|e| e.status == Status::Counted)
        .collect();
    // One agency's report at a time, rebuilt from the spill and dropped once its line is made:
    // memory stays flat however many agencies there are.
    let mut agencies = Vec::with_capacity(counted.len());
    for e in &counted {
        agencies.push(Line::of(&e.name(), &merged.report_of(e)?));
    }
    let column = |k: usize| -> Vec<Option<f64>> { agencies.iter().map(|l| l.reading(k).value).collect() };
    let ranks = (0..INDICATORS.len()).map(|k| ranks(&column(k))).collect();
    let mean = (0..INDICATORS.len()).map(|k| mean(&column(k))).collect();
    let district = Line::of(&merged.total.agency, &merged.total);
    let last_year = match previous {
        None => None,
        Some((prev, pairs)) => {
            let matched: FxHashMap<String, &Report> = pairs
                .both
                .iter()
                .map(|(name, _, then)| (crate::agency::key(name), then))
                .collect();
            let (this_sum, last_sum) = pairs.sums(merged.total.format, prev.total.format);
            Some(LastYear {
                agencies: agencies
                    .iter()
                    .map(|l| matched.get(&crate::agency::key(&l.name)).map(|r| Line::of(&l.name, r)))
                    .collect(),
                last_count: pairs.last_count,
                compared: pairs.both.len(),
                this_district: Line::of(&merged.total.agency, &this_sum),
                last_district: Line::of(&prev.total.agency, &last_sum),
            })
        }
    };
    Ok(Board {
        agencies,
        ranks,
        district,
        mean,
        last_year,
    })
}

/// The agencies counted both this year and last (matched by [`crate::agency::key`]), with their
/// reports of both years: year-over-year figures are only fair on these.
#[derive(Debug, Clone)]
pub struct Pairs {
    /// Each agency in both years: its name this year, this year's report, last year's.
    pub both: Vec<(String, Report, Report)>,
    /// How many agencies were counted last year.
    pub last_count: usize,
    /// How many were counted this year.
    pub this_count: usize,
}

impl Pairs {
    /// The district totals of both years on the agencies of both years alone.
    pub fn sums(&self, this: Format, last: Format) -> (Report, Report) {
        (
            sum_of(self.both.iter().map(|(_, a, _)| a), this),
            sum_of(self.both.iter().map(|(_, _, b)| b), last),
        )
    }

    /// The coverage line: `上年 11 个单位中有 4 个可比`.
    pub fn coverage(&self) -> String {
        format!(
            "上年 {} 个单位中有 {} 个可比（本年 {} 个单位）",
            self.last_count,
            self.both.len(),
            self.this_count
        )
    }
}

/// The agencies of `merged` also counted in `previous`.
pub fn pairs(
    merged: &crate::model::district::Merged,
    previous: &crate::model::district::Merged,
) -> crate::Result<Pairs> {
    use crate::model::district::Status;
    let mut last: FxHashMap<String, Report> = FxHashMap::default();
    for e in previous.entries.iter().filter(|e| e.status == Status::Counted) {
        last.insert(crate::agency::key(&e.name()), previous.report_of(e)?);
    }
    let mut both = Vec::new();
    let mut this_count = 0;
    for e in merged.ordered().into_iter().filter(|e| e.status == Status::Counted) {
        this_count += 1;
        let name = e.name();
        if let Some(then) = last.get(&crate::agency::key(&name)) {
            both.push((name, merged.report_of(e)?, then.clone()));
        }
    }
    Ok(Pairs {
        both,
        last_count: last.len(),
        this_count,
    })
}

/// The cell by cell sum of some reports of one layout (a merge counts only reports of its layout).
fn sum_of<'r>(reports: impl Iterator<Item = &'r Report>, format: Format) -> Report {
    let mut total = Report::new("", None, format);
    for r in reports.filter(|r| r.format == format) {
        total.add_numbers(&r.numbers());
    }
    total
}

impl Board {
    /// The board as JSON (the merge's `indicators`): the definitions, then each agency's value,
    /// denominator, rank and small-sample mark per indicator code, the district, the mean, and
    /// last year where given.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let line = |l: &Line, ranks: Option<usize>| -> Value {
            let mut m = Map::new();
            for (k, (ind, r)) in INDICATORS.iter().zip(l.readings()).enumerate() {
                let mut v = json!({"value": r.value});
                if ind.measure == Measure::Rate {
                    v["base"] = json!(r.base);
                    v["small"] = json!(r.small());
                }
                if let Some(agency) = ranks {
                    v["rank"] = json!(self.ranks[k][agency]);
                }
                m.insert(ind.code.to_string(), v);
            }
            Value::Object(m)
        };
        let agencies: Vec<Value> = self
            .agencies
            .iter()
            .enumerate()
            .map(|(a, l)| {
                let mut v = json!({"agency": l.name, "values": line(l, Some(a))});
                if let Some(last) = &self.last_year {
                    v["last_year"] = last.agencies[a].as_ref().map_or(Value::Null, |l| line(l, None));
                }
                v
            })
            .collect();
        let mean: Map<String, Value> = INDICATORS
            .iter()
            .zip(&self.mean)
            .map(|(i, m)| (i.code.to_string(), json!(m)))
            .collect();
        let definitions: Vec<Value> = INDICATORS
            .iter()
            .map(|i| {
                json!({
                    "code": i.code,
                    "name": i.name,
                    "measure": if i.measure == Measure::Rate { "rate" } else { "count" },
                    "formula": i.words,
                    "numerator": i.numerator,
                    "denominator": i.denominator,
                })
            })
            .collect();
        let mut v = json!({
            "definitions": definitions,
            "small_sample": SMALL_SAMPLE,
            "agencies": agencies,
            "district": line(&self.district, None),
            "mean": mean,
        });
        if let Some(last) = &self.last_year {
            v["last_year"] = json!({
                "last_count": last.last_count,
                "compared": last.compared,
                "this_district": line(&last.this_district, None),
                "last_district": line(&last.last_district, None),
            });
        }
        v
    }
}

/// The indicators as a Markdown table (the README's, held equal to this by a test).
pub fn markdown() -> String {
    let mut out = String::from("| 代码 | 指标 | 计算方法 |\n|---|---|---|\n");
    for i in INDICATORS {
        out.push_str(&format!("| `{}` | {} | {} |\n", i.code, i.name, i.words));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_expand_to_their_rows() {
        let denied = expand(Format::F2021, "t3.{g_denied}.total");
        assert_eq!(denied.len(), 8);
        assert_eq!(denied[0], "t3.denied_secret.total");
        assert_eq!(expand(Format::F2019, "t3.{g_rejected}.natural").len(), 5);
        let (n, d) = INDICATORS[9].terms(Format::F2021);
        assert_eq!(n, "t4.suit_direct_corrected + t4.suit_after_review_corrected");
        assert_eq!(
            d,
            "t4.suit_direct_total + t4.suit_after_review_total − t4.suit_direct_pending − t4.suit_after_review_pending"
        );
    }
}
