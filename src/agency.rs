//! Agency names as people write them: the one key two spellings of an agency share.
//!
//! The same agency is written `区民政局`, `区 民政局`, `区民政局（盖章）` or, in a district's own
//! files, `拱墅区民政局`. Every place that matches agencies — last year's report to this year's,
//! a return to the roster, two returns of one agency — compares [`key`]s, never the raw names.

use crate::label::normalize;

/// The key an agency's name is matched by: folded as labels are ([`normalize`]: spaces, full-width
/// forms), without a trailing `（盖章）`/`(公章)` and without brackets around a part of the name.
///
/// ```
/// use nianbao::agency::key;
/// assert_eq!(key("区 民政局"), key("区民政局"));
/// assert_eq!(key("区民政局（盖章）"), key("区民政局"));
/// assert_eq!(key("区政府办公室（区外事办）"), key("区政府办公室(区外事办)"));
/// assert_ne!(key("区民政局"), key("区财政局"));
/// ```
pub fn key(name: &str) -> String {
    let mut k = normalize(name);
    for seal in ["(盖章)", "(公章)", "(章)", "盖章"] {
        if let Some(stripped) = k.strip_suffix(seal) {
            k = stripped.to_string();
        }
    }
    k.trim_end_matches([':', '：']).to_string()
}

/// How the names of government bodies end (区财政局, 某某街道办事处, 某某镇人民政府, 第二中学).
const ENDINGS: &[&str] = &[
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
    "学",
    "校",
    "园",
    "台",
    "社",
    "集团",
];

/// Whether a text reads as the name of a government body: a few characters ending as such names do
/// (`局`, `办公室`, `街道办事处`, `中学` …), with no sentence punctuation.
///
/// ```
/// use nianbao::agency::looks_like;
/// assert!(looks_like("江滨区农业农村局"));
/// assert!(looks_like("某区1号园区管委会"));
/// assert!(looks_like("某区第二中学"));
/// assert!(!looks_like("走进江滨"));
/// assert!(!looks_like("搜索"));
/// assert!(!looks_like("主动公开政府信息情况"));
/// assert!(!looks_like("我局认真贯彻落实，推进公开"));
/// ```
pub fn looks_like(name: &str) -> bool {
    let name = name.trim();
    let chars = name.chars().count();
    (2..=40).contains(&chars)
        && ENDINGS.iter().any(|e| name.ends_with(e))
        && !name.contains(['，', '。', '；', ',', ';', '：', ':', '、'])
}

/// The agencies of one roster, matched as a district's clerk writes them: by [`key`], and within one
/// district without its own name (`拱墅区民政局` = `区民政局` = `民政局` when the roster is 拱墅区's).
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// The district the roster is of, folded (`拱墅区`), when most of its names start with it.
    district: Option<String>,
    /// Each name's key within the district, in roster order.
    keys: Vec<String>,
    /// The first name with each key.
    by_key: rustc_hash::FxHashMap<String, usize>,
}

/// Near matches are looked for in rosters up to this size (a district has a few hundred agencies;
/// a larger list is matched by name only).
const NEAR_MAX: usize = 20_000;

impl Names {
    /// The names of a roster, in its order.
    ///
    /// ```
    /// use nianbao::agency::Names;
    /// let names = Names::new(["拱墅区民政局", "拱墅区财政局", "拱墅区人民政府办公室"]);
    /// assert_eq!(names.find("区民政局"), Some(0));
    /// assert_eq!(names.find("民政局"), Some(0));
    /// assert_eq!(names.find("拱墅区 财政局"), Some(1));
    /// assert_eq!(names.find("区教育局"), None);
    /// assert_eq!(names.near("区政府办公室"), Some(2));
    /// assert_eq!(names.near("区教育局"), None);
    /// ```
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
        let names: Vec<&str> = names.into_iter().collect();
        let district = district_of(&names);
        let mut out = Names {
            district,
            ..Names::default()
        };
        for (i, n) in names.iter().enumerate() {
            let k = out.key(n);
            out.by_key.entry(k.clone()).or_insert(i);
            out.keys.push(k);
        }
        out
    }

    /// A name's key within the district: [`key`], without the district's name or the `区`/`县`/`市`
    /// that stands for it.
    pub fn key(&self, name: &str) -> String {
        let k = key(name);
        let Some(d) = &self.district else { return k };
        let rest = k.strip_prefix(d.as_str()).unwrap_or(&k);
        let rest = rest
            .strip_prefix(['区', '县', '市', '旗'])
            .filter(|r| r.chars().count() >= 2)
            .unwrap_or(rest);
        rest.to_string()
    }

    /// The roster entry a name is (the first, if the roster names it twice).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.by_key.get(&self.key(name)).copied()
    }

    /// The one roster entry a name that is not in the roster plainly means (`区政府办` for
    /// `区政府办公室`): one key holds the other, or they share most of their characters. `None` when
    /// there is none or more than one.
    pub fn near(&self, name: &str) -> Option<usize> {
        if self.keys.len() > NEAR_MAX {
            return None;
        }
        let k = self.key(name);
        if k.chars().count() < 2 {
            return None;
        }
        let scored: Vec<(usize, f64)> = self
            .keys
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let s = if m.contains(&k) || k.contains(m.as_str()) {
                    1.0
                } else {
                    similarity(m, &k)
                };
                (s >= 0.75).then_some((i, s))
            })
            .collect();
        let best = scored.iter().map(|(_, s)| *s).fold(0.0, f64::max);
        let top: Vec<usize> = scored.iter().filter(|(_, s)| *s == best).map(|(i, _)| *i).collect();
        match top.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// The district most of the names start with (`拱墅区` of `拱墅区民政局`), folded: a prefix ending in
/// `区`, `县`, `市` or `旗` within the first six characters, shared by at least half the names.
fn district_of(names: &[&str]) -> Option<String> {
    let mut counts: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for n in names {
        let k = key(n);
        if let Some((i, c)) = k
            .char_indices()
            .take(6)
            .find(|(_, c)| matches!(c, '区' | '县' | '市' | '旗'))
        {
            if i > 0 {
                *counts.entry(k[..i + c.len_utf8()].to_string()).or_default() += 1;
            }
        }
    }
    let (best, n) = counts.into_iter().max_by_key(|(d, n)| (*n, d.clone()))?;
    (n >= 2 && n * 2 >= names.len()).then_some(best)
}

/// How much two names share: the Dice coefficient of their character pairs (1 the same, 0 nothing).
fn similarity(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (pa, mut pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let total = pa.len() + pb.len();
    let mut shared = 0;
    for p in &pa {
        if let Some(i) = pb.iter().position(|q| q == p) {
            pb.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total as f64
}
