//! Label text: how a cell's text is compared with an official label (and an agency's name with
//! another spelling of it).
//!
//! Real tables write the official labels with stray spaces and line breaks, full-width or half-width
//! punctuation, numbering present, absent or in another style (`1.`, `1、`, `1．`), 其它 for 其他,
//! annotations after the label and the odd typo. [`normalize`] removes what does not matter,
//! [`split_numbering`] separates the numbering, and [`score`] says how well a cell's text matches a
//! label, so one matcher serves every reader.

/// Folds a text for comparison: full-width ASCII to half-width, no whitespace (also U+3000 and
/// no-break space), no quotes, `其它` → `其他`, `、`/`．` after a number → `.`, ASCII lowercase.
///
/// ```
/// use nianbao::label::normalize;
/// assert_eq!(normalize("（一）予以 公开"), "(一)予以公开");
/// assert_eq!(normalize("商业\n企业"), "商业企业");
/// assert_eq!(normalize("3．危及“三安全一稳定”"), "3.危及三安全一稳定");
/// assert_eq!(normalize("其它"), "其他");
/// assert_eq!(normalize("（七）合 计"), "(七)总计");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// [`normalize`], appended to `out` (which the matcher keeps one of for all the cells of a grid).
pub fn normalize_into(text: &str, out: &mut String) {
    // Every cell's text passes through here: one pass, the last character kept at hand.
    let mut last = '\0';
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '、' | '。' if last.is_ascii_digit() => '.',
            '﹙' => '(',
            '﹚' => ')',
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            // 其它 → 其他 (also when the two were apart: `其 它`).
            '它' if last == '其' => '他',
            _ => c,
        };
        if c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '“' | '”' | '"' | '‘' | '’' | '\'') {
            continue;
        }
        let c = c.to_ascii_lowercase();
        // 合计 for 总计 (`（七）合计`, a 合计 column).
        if c == '计' && last == '合' {
            out.pop();
            out.push('总');
        }
        out.push(c);
        last = c;
    }
}

/// A numbering digit: ASCII or Chinese (一 … 十).
fn numbering_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

/// Splits a normalized label into its numbering (`一.`/`一、`, `(一)`, `1.`) and the rest.
///
/// ```
/// use nianbao::label::{normalize, split_numbering};
/// assert_eq!(split_numbering(&normalize("（三）不予公开")), ("(三)", "不予公开"));
/// assert_eq!(split_numbering(&normalize("1、属于国家秘密")), ("1.", "属于国家秘密"));
/// assert_eq!(split_numbering(&normalize("一、本年新收")), ("一、", "本年新收"));
/// assert_eq!(split_numbering("⑦总计"), ("⑦", "总计"));
/// assert_eq!(split_numbering("㈢不予公开"), ("㈢", "不予公开"));
/// assert_eq!(split_numbering("规章"), ("", "规章"));
/// ```
pub fn split_numbering(s: &str) -> (&str, &str) {
    // ① ⑴ ⒈ ㈠: numbering in one character (a `.` or `、` after it goes with it).
    if let Some(c) = s
        .chars()
        .next()
        .filter(|c| matches!(c, '\u{2460}'..='\u{249B}' | '\u{3220}'..='\u{3229}'))
    {
        let n = c.len_utf8();
        let end = n + s[n..]
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | '、'))
            .map_or(0, char::len_utf8);
        return (&s[..end], &s[end..]);
    }
    // (一) / (1)
    if let Some(inner) = s.strip_prefix('(') {
        let n: usize = inner
            .chars()
            .take_while(|&c| numbering_digit(c))
            .map(char::len_utf8)
            .sum();
        if n > 0 && inner[n..].starts_with(')') {
            let end = 1 + n + 1;
            return (&s[..end], &s[end..]);
        }
    }
    // 一、 / 1. / 1) / 1,
    let n: usize = s.chars().take_while(|&c| numbering_digit(c)).map(char::len_utf8).sum();
    if n > 0 {
        if let Some(sep) = s[n..]
            .chars()
            .next()
            .filter(|c| matches!(c, '、' | '.' | ',' | ')' | ':'))
        {
            let end = n + sep.len_utf8();
            return (&s[..end], &s[end..]);
        }
    }
    ("", s)
}

/// The core of a normalized label: without numbering and without a trailing note in brackets.
///
/// ```
/// use nianbao::label::{core, normalize};
/// assert_eq!(core(&normalize("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")), "部分公开");
/// assert_eq!(core(&normalize("现行有效件数（历史累计）")), "现行有效件数");
/// assert_eq!(core(&normalize("第二十条第（一）项")), "第二十条第(一)项");
/// ```
pub fn core(normalized: &str) -> &str {
    core_of_rest(split_numbering(normalized).1)
}

/// [`core`] of a text whose numbering is already split off.
fn core_of_rest(rest: &str) -> &str {
    match rest.find('(') {
        Some(i) if i > 0 && !rest[..i].ends_with('第') => &rest[..i],
        _ => rest,
    }
}

/// How well a cell's text matches an official label, from 0 (not at all) to 1 (the same).
///
/// Both texts are normalized. Exact cores score 1; the same core with a note added or cut scores
/// 0.9; otherwise the longest common subsequence decides, so a missing or wrong character in a
/// long label (`其他法律行政止公开`) still matches, and a short label must match exactly.
///
/// ```
/// use nianbao::label::score;
/// assert_eq!(score("1、属于国家秘密", "1.属于国家秘密"), 1.0);
/// assert!(score("2.其他法律行政止公开", "2.其他法律行政法规禁止公开") > 0.8);
/// assert!(score("先行有效件数", "现行有效件数") > 0.8);
/// assert!(score("规章", "规范性文件") < 0.5);
/// assert!(score("其他", "3.其他") == 1.0);
/// ```
pub fn score(cell: &str, label: &str) -> f32 {
    score_normalized(&normalize(cell), &normalize(label))
}

/// [`score`] on texts already passed through [`normalize`].
pub fn score_normalized(cell: &str, label: &str) -> f32 {
    score_prepared(&prepare(cell), &prepare(label))
}

/// A normalized text split once for scoring: its numbering, the rest, the core, its length. The
/// matcher prepares every cell of a document and every label once, and scores pairs of them.
#[derive(Debug, Clone, Copy)]
pub struct Prepared<'a> {
    /// The whole normalized text.
    pub norm: &'a str,
    num: &'a str,
    rest: &'a str,
    core: &'a str,
    /// Characters of `rest`.
    chars: usize,
}

/// Splits a normalized text for [`score_prepared`].
pub fn prepare(norm: &str) -> Prepared<'_> {
    let (num, rest) = split_numbering(norm);
    Prepared {
        norm,
        num,
        rest,
        core: core_of_rest(rest),
        chars: rest.chars().count(),
    }
}

impl<'a> Prepared<'a> {
    /// Where it splits, to be kept beside the text and put back with [`Prepared::with_parts`]
    /// without splitting again.
    pub fn parts(&self) -> [u32; 3] {
        [self.num.len() as u32, self.core.len() as u32, self.chars as u32]
    }

    /// The text without its numbering.
    pub fn rest(&self) -> &'a str {
        self.rest
    }

    /// The prepared text of `norm` from its [`Prepared::parts`].
    pub fn with_parts(norm: &'a str, parts: [u32; 3]) -> Prepared<'a> {
        let [num, core, chars] = parts.map(|p| p as usize);
        let rest = norm.get(num..).unwrap_or_default();
        Prepared {
            norm,
            num: norm.get(..num).unwrap_or_default(),
            rest,
            core: rest.get(..core).unwrap_or_default(),
            chars,
        }
    }
}

/// [`score_normalized`] of two prepared texts.
pub fn score_prepared(cell: &Prepared, label: &Prepared) -> f32 {
    if cell.rest.is_empty() {
        return 0.0;
    }
    if cell.rest == label.rest {
        return if cell.num.is_empty() || label.num.is_empty() || same_numbering(cell.num, label.num) {
            1.0
        } else {
            0.95
        };
    }
    if !cell.core.is_empty() && cell.core == label.core {
        return 0.9;
    }
    let (a_len, b_len) = (cell.chars, label.chars);
    let (shorter, longer) = (a_len.min(b_len), a_len.max(b_len));
    if shorter < 4 {
        return 0.0;
    }
    // A label with a note or a qualifier added (`现行有效件数(历史累计)`, `行政规范性文件` for
    // `规范性文件`), or an official label cut short.
    if shorter * 2 >= longer && (cell.rest.contains(label.rest) || label.rest.contains(cell.rest)) {
        return 0.85;
    }
    // An official label of two clauses written with its first only (`申请人无正当理由逾期不补正` for
    // `…逾期不补正、行政机关不再处理其政府信息公开申请`).
    if a_len >= 6 && label.rest.split_once('、').is_some_and(|(first, _)| first == cell.rest) {
        return 0.85;
    }
    // A dice coefficient of MATCH needs the shorter text to be at least MATCH/(2-MATCH) of the longer.
    if (shorter as f32) < longer as f32 * MATCH / (2.0 - MATCH) {
        return 0.0;
    }
    let l = lcs(cell.rest, label.rest);
    let dice = 2.0 * l as f32 / (a_len + b_len) as f32;
    if dice >= MATCH {
        dice
    } else {
        0.0
    }
}

/// Whether two numberings mean the same position (`1.` and `1)`; `(一)` and `(一)`).
fn same_numbering<'a>(a: &'a str, b: &'a str) -> bool {
    let digits = |s: &'a str| s.chars().filter(|&c| numbering_digit(c));
    digits(a).eq(digits(b))
}

/// Length of the longest common subsequence of `a` and `b`.
fn lcs(a: &str, b: &str) -> usize {
    // Every label and nearly every cell scored is short: its row of the table on the stack, not
    // four allocations a pair scored (the matcher scores thousands of pairs a file).
    const SHORT: usize = 64;
    let b_chars = b.chars().count();
    if b_chars < SHORT {
        let mut chars = ['\0'; SHORT];
        for (slot, c) in chars.iter_mut().zip(b.chars()) {
            *slot = c;
        }
        let (mut prev, mut cur) = ([0usize; SHORT + 1], [0usize; SHORT + 1]);
        return lcs_rows(a, &chars[..b_chars], &mut prev[..=b_chars], &mut cur[..=b_chars]);
    }
    let chars: Vec<char> = b.chars().collect();
    let (mut prev, mut cur) = (vec![0usize; chars.len() + 1], vec![0usize; chars.len() + 1]);
    lcs_rows(a, &chars, &mut prev, &mut cur)
}

/// [`lcs`] with its two rows of the table given (`b.len() + 1` each, zeroed).
fn lcs_rows<'r>(a: &str, b: &[char], mut prev: &'r mut [usize], mut cur: &'r mut [usize]) -> usize {
    for x in a.chars() {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The smallest score that counts as a match.
pub const MATCH: f32 = 0.8;
