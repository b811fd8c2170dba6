//! The six sections of a published report, found in its paragraphs — once, for every reader.
//!
//! A section starts at its heading: a paragraph numbered `一、` … `六、` whose words name the
//! section. Real reports word the headings their own way (`四、因政府信息公开工作被申请行政复议、
//! 提起行政诉讼情况`, `五、政府信息公开工作存在的主要问题及改进情况`, `六、需要说明的其他事项与附表`,
//! a misnumbered `七、其他需要报告的事项`, leading spaces), so a heading is recognised by the key words
//! of its section, and headings must come in order. A section's text is every paragraph up to the
//! next heading, one a line; sections 二 to 四 usually hold only their table and so are empty.

use crate::label::{normalize, split_numbering};

/// Key words of each section's heading: one of them must occur.
const KEYS: [&[&str]; 6] = [
    &["总体情况"],
    &["主动公开"],
    &["申请"],
    &["行政复议", "行政诉讼"],
    &["问题", "改进"],
    &["其他", "需要报告", "需要说明"],
];

/// The longest heading, in characters after the numbering.
const MAX_HEADING: usize = 40;

/// The sections found in `paragraphs`: the text of each, `None` where its heading is absent.
///
/// ```
/// use nianbao::read::sections::find;
/// let paragraphs: Vec<String> = ["某某局2024年政府信息公开工作年度报告", "  一、总体情况", "2024年，我局……",
///     "（一）主动公开情况", "五、政府信息公开工作存在的主要问题及改进情况", "一是……", "七、其他需要报告的事项", "无。"]
///     .iter().map(|s| s.to_string()).collect();
/// let s = find(&paragraphs);
/// assert_eq!(s[0].as_deref(), Some("2024年，我局……\n（一）主动公开情况"));
/// assert_eq!(s[1], None);
/// assert_eq!(s[4].as_deref(), Some("一是……"));
/// assert_eq!(s[5].as_deref(), Some("无。"));
/// ```
pub fn find(paragraphs: &[String]) -> [Option<String>; 6] {
    let mut sections: [Option<String>; 6] = Default::default();
    let mut current: Option<usize> = None;
    for p in paragraphs {
        if let Some((k, rest)) = heading(p, current) {
            current = Some(k);
            sections[k] = Some(rest);
            continue;
        }
        if let Some(text) = current.and_then(|k| sections[k].as_mut()) {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(p.trim());
        }
    }
    sections
}

/// The section `line` heads (0 for 一、总体情况) when its number and its words both say so, after
/// section `after`. Stricter than the paragraphs' reading: where every table cell is a line of its
/// own, 表三's row labels are numbered like headings and name words of a heading
/// (`一、本年新收政府信息公开申请数量` has 申请), but their numbers disagree with those words.
///
/// ```
/// use nianbao::read::sections::numbered_heading;
/// assert_eq!(numbered_heading("三、收到和处理政府信息公开申请情况", Some(1)), Some(2));
/// assert_eq!(numbered_heading("一、本年新收政府信息公开申请数量", Some(2)), None);
/// assert_eq!(numbered_heading("二、上年结转政府信息公开申请数量", None), None);
/// assert_eq!(numbered_heading("三、本年度办理结果", Some(2)), None);
/// assert_eq!(numbered_heading("四、结转下年度继续办理", Some(2)), None);
/// ```
pub fn numbered_heading(line: &str, after: Option<usize>) -> Option<usize> {
    let (k, _) = heading(line, after)?;
    let norm = normalize(line);
    let numeral = split_numbering(&norm).0.chars().next()?;
    ("一二三四五六".chars().position(|c| c == numeral) == Some(k)).then_some(k)
}

/// Whether a paragraph is the heading of a section after `after`: the section and any text that
/// follows the heading in the same paragraph (`六、其他需要报告的事项：无。`).
fn heading(paragraph: &str, after: Option<usize>) -> Option<(usize, String)> {
    let norm = normalize(paragraph);
    let (numbering, rest) = split_numbering(&norm);
    let numeral = numbering.strip_suffix(['、', '.'])?;
    let n = "一二三四五六七".chars().position(|c| numeral == c.to_string())?;
    let (title, tail) = match paragraph.split_once(['：', ':']) {
        Some((t, tail)) => (normalize(t), tail.trim().to_string()),
        None => (rest.to_string(), String::new()),
    };
    if title.chars().count() > MAX_HEADING + numbering.chars().count() || title.contains('。') {
        return None;
    }
    let names = |k: usize| KEYS[k].iter().any(|key| title.contains(key));
    let first = after.map_or(0, |k| k + 1);
    // The section its number says, if its words agree; else the next section its words name.
    let k = if n < 6 && n >= first && names(n) {
        n
    } else {
        (first..6).find(|&k| names(k))?
    };
    Some((k, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(list: &[&str]) -> Vec<Option<usize>> {
        let mut after = None;
        list.iter()
            .map(|p| {
                let k = heading(p, after).map(|(k, _)| k);
                after = k.or(after);
                k
            })
            .collect()
    }

    #[test]
    fn variants_of_the_headings() {
        assert_eq!(
            headings(&[
                "一、总体情况",
                "一是做好惠农政策解读和宣导。",
                "（一）主动公开政府信息情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                "五、存在的主要问题及改进措施",
                "六、需要说明的其他事项与附表",
            ]),
            [Some(0), None, None, Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
    }

    #[test]
    fn body_text_numbered_like_a_heading_is_not_one() {
        assert_eq!(
            heading("二、依申请公开方面，全年共收到申请12件，均已按时答复。", Some(0)),
            None
        );
        assert_eq!(heading("三、本年度办理结果", Some(4)), None);
    }
}
