//! Cell text to number, by the rules of the spec.
//!
//! A value is a number after normalisation: surrounding spaces (also U+3000 and no-break space),
//! full-width digits and signs, thousands separators, and in amount cells a unit (`万元`, or `元`
//! divided by 10000). Blank and dash cells read as 0 but are marked so `check` can warn. Anything
//! else is not a number and is never read as 0.

use crate::format::Kind;
use crate::model::{clean, Reading};

/// Texts that mean "nothing" and are read as 0 with a warning.
const DASHES: &[&str] = &[
    "-", "--", "—", "——", "–", "/", "\\", "无", "null", "N/A", "n/a", "—/", "暂无", "(无)", "〇",
];

/// Reads one cell of the given kind.
///
/// `unit_in_header` says whether the column header names the unit (2021's 本年收费金额（单位：万元）);
/// a bare number in an amount column without one is read as 万元 and marked [`Reading::UnitAssumed`].
///
/// ```
/// use nianbao::format::Kind;
/// use nianbao::model::Reading;
/// use nianbao::read::value::parse;
/// assert_eq!(parse("\u{3000}\u{3000}0", None, Kind::Count, true), (Some(0.0), Reading::Number));
/// assert_eq!(parse("１２", None, Kind::Count, true), (Some(12.0), Reading::Number));
/// assert_eq!(parse("12,854,581", None, Kind::Count, true), (Some(12854581.0), Reading::Number));
/// assert_eq!(parse("378.0169万元", None, Kind::Amount, false), (Some(378.0169), Reading::Number));
/// assert_eq!(parse("27225290916元", None, Kind::Amount, false), (Some(2722529.0916), Reading::Number));
/// assert_eq!(parse("75394432.52元", None, Kind::Amount, true), (Some(7539.443252), Reading::Number));
/// assert_eq!(parse("8元", None, Kind::Amount, true), (Some(0.0008), Reading::Number));
/// assert_eq!(parse("18651.06", None, Kind::Amount, false), (Some(18651.06), Reading::UnitAssumed));
/// assert_eq!(parse("+5174", None, Kind::Signed, true), (Some(5174.0), Reading::Number));
/// assert_eq!(parse("—", None, Kind::Count, true), (Some(0.0), Reading::Dash));
/// assert_eq!(parse("――", None, Kind::Count, true), (Some(0.0), Reading::Dash));
/// assert_eq!(parse("暂无", None, Kind::Count, true), (Some(0.0), Reading::Dash));
/// assert_eq!(parse("", None, Kind::Count, true), (Some(0.0), Reading::Blank));
/// assert_eq!(parse("若干", None, Kind::Count, true), (None, Reading::NotNumber));
/// assert_eq!(parse("12件", None, Kind::Count, true), (None, Reading::NotNumber));
/// assert_eq!(parse(&"9".repeat(400), None, Kind::Count, true), (None, Reading::NotNumber));
/// assert_eq!(parse("1", Some(f64::INFINITY), Kind::Count, true), (None, Reading::NotNumber));
/// assert_eq!(parse("7", Some(7.000000000000001), Kind::Count, true), (Some(7.0), Reading::Number));
/// ```
pub fn parse(text: &str, native: Option<f64>, kind: Kind, unit_in_header: bool) -> (Option<f64>, Reading) {
    let bare = if kind == Kind::Amount && !unit_in_header {
        Reading::UnitAssumed
    } else {
        Reading::Number
    };
    // A stored infinity or NaN (an ods can hold one), or a number past any real total, is no count
    // or amount.
    if let Some(n) = native {
        return if plausible(n) {
            // A formula's saved result carries binary noise (7.000000000000001 for 0.1*70).
            (Some(clean(n)), bare)
        } else {
            (None, Reading::NotNumber)
        };
    }
    let folded = fold(text);
    if folded.is_empty() {
        return (Some(0.0), Reading::Blank);
    }
    if DASHES.contains(&folded.as_str()) {
        return (Some(0.0), Reading::Dash);
    }
    if kind == Kind::Amount {
        if let Some(n) = folded.strip_suffix("万元").and_then(number) {
            return (Some(n), Reading::Number);
        }
        if let Some(n) = folded.strip_suffix('元').and_then(number) {
            return (Some(yuan_to_wan(folded.trim_end_matches('元'), n)), Reading::Number);
        }
    }
    match number(&folded) {
        Some(n) => (Some(n), bare),
        None => (None, Reading::NotNumber),
    }
}

/// An amount in 元 as 万元, the decimal point moved four places in its digits (`75394432.52` →
/// `7539.443252`) so no digit is lost to binary division; `n` is the number as read, for what the
/// digits do not say plainly.
fn yuan_to_wan(digits: &str, n: f64) -> f64 {
    let (sign, digits) = match digits.strip_prefix(['+', '-']) {
        Some(rest) => (if digits.starts_with('-') { "-" } else { "" }, rest),
        None => ("", digits),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = format!("{:0>5}", int);
    let (head, tail) = int.split_at(int.len() - 4);
    format!("{sign}{head}.{tail}{frac}")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .unwrap_or(n / 10_000.0)
}

/// Whether a cell's text is one of the words for "nothing" (`—`, `/`, `无`, …).
///
/// ```
/// assert!(nianbao::read::value::is_dash(" 无 "));
/// assert!(!nianbao::read::value::is_dash("0"));
/// ```
pub fn is_dash(text: &str) -> bool {
    DASHES.contains(&fold(text).as_str())
}

/// Whether a cell's text reads as a value of some cell (a number, an amount with its unit, a dash
/// or a blank) rather than as a label. Where a table's cells carry no position (web-page text),
/// this is what tells a row's label from the values after it.
///
/// ```
/// use nianbao::read::value::is_value;
/// assert!(is_value(" 0") && is_value("184719元") && is_value("/") && is_value("+3") && is_value(""));
/// assert!(!is_value("规章") && !is_value("12件") && !is_value("3.其他"));
/// ```
pub fn is_value(text: &str) -> bool {
    parse(text, None, Kind::Amount, false).1 != Reading::NotNumber
}

/// A piece of a label that a page broke at its punctuation and numbering (`(`, `,`, `:`, `1.`): no
/// value, though it parses as one (an empty number, a `1`). The matcher joins the pieces again.
///
/// ```
/// use nianbao::read::value::is_shred;
/// assert!(is_shred(",") && is_shred("（") && is_shred("1.") && is_shred("12、"));
/// assert!(!is_shred("1") && !is_shred("—") && !is_shred("3.5") && !is_shred(""));
/// ```
pub fn is_shred(line: &str) -> bool {
    let t = line.trim();
    let punctuation = |c: char| ",，:：()（）、.。;；".contains(c);
    let numbering = t.chars().count() <= 4
        && t.ends_with(['.', '．', '、'])
        && t.trim_end_matches(['.', '．', '、'])
            .chars()
            .all(|c| c.is_ascii_digit());
    (!t.is_empty() && t.chars().all(punctuation)) || numbering
}

/// Full-width to half-width, no spaces of any kind, no thousands separators, one kind of minus.
fn fold(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            '\u{2212}' | '\u{FE63}' | '\u{2010}'..='\u{2012}' => Some('-'),
            // The horizontal bar a Chinese font draws as a dash.
            '\u{2015}' => Some('—'),
            c if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' => None,
            c => Some(c),
        })
        .filter(|&c| c != ',')
        .collect()
}

/// A plain decimal number with an optional sign: `12`, `-8`, `+3`, `378.0169`, `.5`.
fn number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if ok {
        // Hundreds of digits parse to infinity: not a number anyone reported.
        s.parse::<f64>().ok().filter(|&n| plausible(n))
    } else {
        None
    }
}

/// The largest magnitude read as a number: a million trillion, far past any count or amount (in
/// 万元) a report can have (a larger one is a typing slip `check`'s sums show), and small enough
/// that sums of every cell of every agency stay finite.
const MAX_MAGNITUDE: f64 = 1e18;

/// A finite number within [`MAX_MAGNITUDE`].
fn plausible(n: f64) -> bool {
    n.is_finite() && n.abs() < MAX_MAGNITUDE
}
