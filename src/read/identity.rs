//! Who and which year: a report's agency and report year, from every place reports name them.
//!
//! The places, in the order they are believed: what the caller says (`--agency`, `--year`), our
//! template's defined names, a cover label (`填报单位：区民政局`, `报告年度` beside `2024`), the title
//! (a cell, a paragraph, a page heading, the saved page's `<title>`, an archive's `标题：` line), the
//! captions over the tables (`区农业农村局　表二`), the report's opening sentence (`特向社会公布…
//! 2021年度政府信息公开工作年度报告`, `…编制完成本报告。…统计时间为2025年1月1日至2025年12月31日`),
//! the signature that ends the text (the agency above the date), and last the file name. Where two
//! places name different agencies or years, the first is used and the other is kept as a
//! [`Conflict`] for `check` to report. A date of posting or signing is never the report year, and a
//! note, a sentence, a column header, a date, a document number or a contact line is never the
//! agency.

use std::sync::OnceLock;

use regex::Regex;

use super::extract::Grids;
use super::{Document, Options};
use crate::format::{NAME_AGENCY, NAME_YEAR, YEARS};
use crate::label::normalize;
use crate::model::{Conflict, Found};

/// The agency and year of a document and where each was found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// The agency and where it was found (the file name at worst).
    pub agency: Option<(String, Found)>,
    /// The report year and where it was found; `None` when nothing names it.
    pub year: Option<(i32, Found)>,
    /// Other agencies or years the document names elsewhere.
    pub conflicts: Vec<Conflict>,
}

/// What one place of a document says.
#[derive(Debug, Clone, Default, PartialEq)]
struct Said {
    agency: Option<String>,
    year: Option<i32>,
}

/// Decides agency and year from every place of the document (see the module's doc).
pub(crate) fn identify(doc: &Document, grids: &Grids, stem: &str, options: &Options, named: bool) -> Identity {
    let mut places: Vec<(Found, Said)> = Vec::new();
    places.push((
        Found::Option,
        Said {
            agency: options.agency.clone(),
            year: options.year,
        },
    ));
    if named {
        places.push((Found::Names, names(doc)));
        // Our own workbooks without cover names (a merge summary) carry agency and year in the
        // title; their other sheets have column headers such as 单位名称 that are not a cover.
        places.push((Found::Title, title(doc, grids)));
    } else {
        places.push((Found::Cover, cover(grids)));
        places.push((Found::Title, title(doc, grids)));
        places.push((Found::Caption, caption(grids)));
        places.push((Found::Sentence, sentence(&doc.paragraphs)));
        places.push((Found::Signature, signature(&doc.paragraphs)));
    }
    let (file_agency, file_year) = parse_title(stem);
    places.push((
        Found::FileName,
        Said {
            agency: Some(file_agency.unwrap_or_else(|| stem.trim().to_string())).filter(|a| !a.is_empty()),
            year: file_year,
        },
    ));
    let agency = places
        .iter()
        .find_map(|(f, s)| Some((s.agency.clone()?, *f)))
        .or_else(|| Some((stem.trim().to_string(), Found::FileName)));
    let year = places.iter().find_map(|(f, s)| Some((s.year?, *f)));
    let mut conflicts = Vec::new();
    let witnesses = |f: &Found| {
        matches!(
            f,
            Found::Cover | Found::Title | Found::Caption | Found::Sentence | Found::Signature
        )
    };
    if let Some((chosen, from)) = &agency {
        for (f, said) in places.iter().filter(|(f, _)| f != from && witnesses(f)) {
            if let Some(other) = &said.agency {
                if !same_agency(chosen, other) && !conflicts.iter().any(|c: &Conflict| c.value == *other) {
                    conflicts.push(Conflict {
                        what: "agency",
                        found: *f,
                        value: other.clone(),
                    });
                }
            }
        }
    }
    if let Some((chosen, from)) = year {
        for (f, said) in places.iter().filter(|(f, _)| *f != from && witnesses(f)) {
            if let Some(other) = said.year.filter(|y| *y != chosen) {
                if !conflicts
                    .iter()
                    .any(|c| c.what == "year" && c.value == other.to_string())
                {
                    conflicts.push(Conflict {
                        what: "year",
                        found: *f,
                        value: other.to_string(),
                    });
                }
            }
        }
    }
    Identity {
        agency,
        year,
        conflicts,
    }
}

/// Whether two spellings name one agency: one key holds the other (`区民政局`, `江滨区民政局`).
fn same_agency(a: &str, b: &str) -> bool {
    let (a, b) = (crate::agency::key(a), crate::agency::key(b));
    a.contains(&b) || b.contains(&a)
}

/// Our template's agency and year cells, by their defined names.
fn names(doc: &Document) -> Said {
    let text = |name: &str| {
        let (_, at) = doc.names.iter().find(|(n, _)| n == name)?;
        let grid = doc.grids.iter().find(|g| g.name == at.sheet)?;
        let c = grid.at(at.row, at.col)?;
        let t = c.text.trim().to_string();
        (!t.is_empty()).then_some(t)
    };
    Said {
        agency: text(NAME_AGENCY),
        year: text(NAME_YEAR).and_then(|y| year_value(&y)),
    }
}

/// Cover labels that introduce the agency, folded (longest first, so `填报单位(盖章)` is taken whole).
const AGENCY_LABELS: &[&str] = &[
    "填报单位(盖章)",
    "报送单位(盖章)",
    "报告单位(盖章)",
    "编制单位(盖章)",
    "单位名称(盖章)",
    "单位(盖章)",
    "单位(公章)",
    "填报单位",
    "报送单位",
    "报告单位",
    "单位名称",
    "填报机关",
    "编制单位",
];

/// Cover labels that introduce the report year, folded.
const YEAR_LABELS: &[&str] = &["报告年度", "填报年度", "统计年度", "年度"];

/// Words that are a field's label, not its value: a cell holding one beside a label makes that
/// label a column header (`单位名称 | 联系人 | 电话`), not a cover field.
const FIELD_WORDS: &[&str] = &[
    "联系人",
    "联系电话",
    "电话",
    "手机",
    "填报人",
    "审核人",
    "负责人",
    "填表人",
    "类别",
    "序号",
    "备注",
    "日期",
    "填报日期",
    "报送日期",
    "统计截止日期",
    "邮箱",
    "地址",
    "职务",
    "年度",
    "报告年度",
    "填报年度",
    "单位名称",
    "填报单位",
];

/// The agency and year a cover gives: a label with its value in the same cell (`填报单位：区民政局`,
/// `填报单位 区民政局`), or in the next cell to the right that holds anything, or in the cell below
/// when nothing is to its right.
fn cover(grids: &Grids) -> Said {
    let mut said = Said::default();
    for hit in grids.all() {
        if said.agency.is_none() {
            if let Some(value) = field(grids, hit, AGENCY_LABELS) {
                said.agency = agency_value(&value);
            }
        }
        if said.year.is_none() {
            if let Some(value) = field(grids, hit, YEAR_LABELS) {
                said.year = year_value(&value);
            }
        }
        if said.agency.is_some() && said.year.is_some() {
            break;
        }
    }
    said
}

/// The value of a cover field whose label (one of `labels`) starts this cell.
fn field(grids: &Grids, hit: super::extract::Hit<'_>, labels: &[&str]) -> Option<String> {
    let label = labels.iter().find(|l| hit.norm.starts_with(*l))?;
    let rest = hit.norm[label.len()..].trim_start_matches([':', '：']);
    if !rest.is_empty() {
        // `填报单位：区民政局`, `填报单位 区民政局`: the label must end at a colon or a space in the
        // cell's own text (else `单位名称表` or `年度报告` would be a label).
        let text = hit.cell.text.trim();
        let cut = text
            .char_indices()
            .find(|(i, c)| matches!(c, ':' | '：' | ' ' | '\u{3000}' | '\t') && normalize(&text[..*i]) == **label)
            .map(|(i, c)| i + c.len_utf8())?;
        let value = text[cut..]
            .trim_start_matches([':', '：', ' ', '\u{3000}', '\t'])
            .trim();
        return (!value.is_empty()).then(|| value.to_string());
    }
    let grid = grids.grid(hit.grid);
    let right = grid
        .row(hit.cell.row)
        .iter()
        .find(|c| c.col > hit.cell.last_col() && !c.is_blank());
    match right {
        Some(c) if !is_label(&c.text) => Some(c.text.trim().to_string()),
        // Nothing to its right, or a row of labels (`编制单位 | 统计年度`): the value is under it,
        // when the column holds that one value (a column of several is a list, not a field).
        _ => {
            let below = hit.cell.row + hit.cell.rows;
            let value = (below..below + 2)
                .filter_map(|r| grid.at(r, hit.cell.col))
                .find(|c| c.row >= below && !c.is_blank())
                .filter(|c| !is_label(&c.text))?;
            let next = value.row + value.rows;
            let more = grid
                .at(next, hit.cell.col)
                .is_some_and(|c| c.row == next && !c.is_blank());
            (!more).then(|| value.text.trim().to_string())
        }
    }
}

/// Whether a cell's text is a label of a cover field (an agency or year label, `联系人`,
/// `填报日期：` …), not a value.
fn is_label(text: &str) -> bool {
    let n = normalize(text);
    let n = n.trim_end_matches([':', '：']);
    is_field_word(text) || AGENCY_LABELS.contains(&n) || YEAR_LABELS.contains(&n)
}

/// Whether a cell's text is a field label (`联系人`, `填报日期：`), not a value.
fn is_field_word(text: &str) -> bool {
    let n = normalize(text);
    let n = n.trim_end_matches([':', '：']);
    FIELD_WORDS.contains(&n)
}

/// A cover's agency value, if it can be one: a name, not a number, a date, a note or a sentence.
fn agency_value(value: &str) -> Option<String> {
    let v = value.trim().trim_matches(['《', '》', '“', '”']).trim();
    let v = ["（盖章）", "(盖章)", "（公章）", "(公章)", "（章）"]
        .iter()
        .fold(v, |v, seal| v.strip_suffix(seal).unwrap_or(v))
        .trim();
    let n = normalize(v);
    let chars = v.chars().count();
    let plausible = (2..=40).contains(&chars)
        && v.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !v.contains(['，', '。', '；', ',', ';'])
        && !is_note(v)
        && !is_field_word(v)
        && !n.chars().all(|c| c.is_ascii_digit() || "年月日.-/:".contains(c))
        && !date_like(&n)
        && !document_number(v)
        && year_value(v).is_none();
    plausible.then(|| v.to_string())
}

/// A report year written alone: `2024`, `2024.0`, `2024年`, `2024年度`, `二〇二四年`, `（2024年度）`;
/// not a date (`2024-12-31`, `2025年1月10日`).
///
/// ```
/// use nianbao::read::identity::year_value;
/// assert_eq!(year_value("2024"), Some(2024));
/// assert_eq!(year_value("2024.0"), Some(2024));
/// assert_eq!(year_value("（2024年度）"), Some(2024));
/// assert_eq!(year_value("二〇二四年"), Some(2024));
/// assert_eq!(year_value("2025年1月10日"), None);
/// assert_eq!(year_value("2024-12-31"), None);
/// assert_eq!(year_value("1999"), None);
/// ```
pub fn year_value(text: &str) -> Option<i32> {
    static ALONE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = ALONE
        .get_or_init(|| Regex::new(r"^[(（]?\s*(\d{4})(?:\.0+)?\s*(?:年度?)?\s*[)）]?$").ok())
        .as_ref()?;
    let arabic = arabic_years(text.trim());
    let y: i32 = re.captures(&arabic)?.get(1)?.as_str().parse().ok()?;
    YEARS.contains(&y).then_some(y)
}

/// Whether a folded text is a date (`2024-12-31`, `2025年1月10日`, `2024.12.31`).
fn date_like(n: &str) -> bool {
    static DATE: OnceLock<Option<Regex>> = OnceLock::new();
    DATE.get_or_init(|| Regex::new(r"\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(n))
}

/// Whether a text is a document number (`莆城管〔2022〕5号`, `[2024]3号`).
fn document_number(text: &str) -> bool {
    static NUMBER: OnceLock<Option<Regex>> = OnceLock::new();
    NUMBER
        .get_or_init(|| Regex::new(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d+\s*号").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}

/// Whether a text is a note (`注：…`, `备注`, `说明：`, `填表说明`), never a name or a title.
fn is_note(text: &str) -> bool {
    let n = normalize(text);
    ["注:", "注：", "备注", "说明", "填表说明", "填报说明", "附注"]
        .iter()
        .any(|p| n.starts_with(p))
}

/// The title: the saved page's `<title>`, the opening paragraphs and every cell, each tried alone
/// (with page furniture after the title cut off), then two neighbouring lines or cells joined (a
/// title set large wraps: `平潭综合实验区2019年` / `政府信息公开工作年度报告`); a title without a year
/// takes it from a subtitle under it (`（2024年度）`). The first title giving both agency and year
/// wins, else the first giving either.
fn title(doc: &Document, grids: &Grids) -> Said {
    let mut lines: Vec<String> = Vec::new();
    lines.extend(doc.title.iter().cloned());
    lines.extend(doc.paragraphs.iter().take(30).cloned());
    let paragraphs = lines.len();
    // Cells: each, and the next text below it in its column, so a title split over two rows joins.
    let mut pairs: Vec<(String, String)> = Vec::new();
    // Every title has 报 (报告, 年报): only cells with it are looked at, each with the text after it
    // (its subtitle) and the text it is the next of (the first half of a split title).
    let next_of = |grid: &super::Grid, cell: &super::GridCell| -> Option<(u32, u32)> {
        let below = cell.row + cell.rows;
        (below..below + 2)
            .filter_map(|r| grid.at(r, cell.col))
            .find(|c| c.row >= below && !c.is_blank())
            .or_else(|| {
                grid.row(cell.row)
                    .iter()
                    .find(|c| c.col > cell.last_col() && !c.is_blank())
            })
            .map(|c| (c.row, c.col))
    };
    for hit in grids.all().filter(|h| h.norm.len() <= 240 && h.norm.contains('报')) {
        lines.push(hit.cell.text.clone());
        let grid = grids.grid(hit.grid);
        let here = (hit.cell.row, hit.cell.col);
        if let Some(next) = next_of(grid, hit.cell).and_then(|(r, c)| grid.at(r, c)) {
            pairs.push((hit.cell.text.clone(), next.text.clone()));
        }
        let above = (hit.cell.row.saturating_sub(2)..hit.cell.row)
            .rev()
            .filter_map(|r| grid.at(r, hit.cell.col))
            .find(|c| !c.is_blank());
        let left = grid
            .row(hit.cell.row)
            .iter()
            .rev()
            .find(|c| c.col < hit.cell.col && !c.is_blank());
        for before in [above, left].into_iter().flatten() {
            if before.number.is_none() && next_of(grid, before) == Some(here) {
                pairs.push((before.text.clone(), hit.cell.text.clone()));
            }
        }
    }
    for i in 0..paragraphs.saturating_sub(1) {
        pairs.push((lines[i].clone(), lines[i + 1].clone()));
    }
    let mut found: Vec<Said> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(mut said) = title_line(line) else { continue };
        // A title without a year: the line under it may be the subtitle `（2024年度）`.
        if said.year.is_none() && i + 1 < paragraphs {
            said.year = year_value(&lines[i + 1]);
        }
        found.push(said);
    }
    for (first, second) in &pairs {
        if title_line(first).is_some() {
            if let Some(y) = year_value(second) {
                if let Some(mut said) = title_line(first).filter(|s| s.year.is_none()) {
                    said.year = Some(y);
                    found.push(said);
                }
            }
            continue;
        }
        if first.contains(['：', ':']) || !title_like(first) {
            continue;
        }
        let joined = format!("{}{}", first.trim(), second.trim());
        if let Some(said) = title_line(&joined) {
            found.push(said);
        }
    }
    found
        .iter()
        .find(|s| s.agency.is_some() && s.year.is_some())
        .or_else(|| found.iter().find(|s| s.agency.is_some() || s.year.is_some()))
        .cloned()
        .unwrap_or_default()
}

/// Only the year of the title, to choose a layout when no label decides it.
pub(crate) fn title_year(doc: &Document, grids: &Grids) -> Option<i32> {
    title(doc, grids).year
}

/// What one line says if it is a report's title, `None` if it is not one.
fn title_line(line: &str) -> Option<Said> {
    let text = strip_archive_label(line.trim());
    if !names_a_report(text) || is_note(text) || text.chars().count() > 160 {
        return None;
    }
    let (agency, year) = parse_title(text);
    if agency.is_none() && year.is_none() {
        return None;
    }
    // Sentences are never titles: the text before the title's words has no sentence punctuation.
    let before = agency.as_deref().unwrap_or_default();
    if before.contains(['，', '。', '；', ',', ';', '《', '》']) {
        return None;
    }
    Some(Said {
        agency: agency.filter(|a| plausible_agency(a)),
        year,
    })
}

/// Whether a text has 报告 or 年报 (spaces aside), as every form of a title does: a text without
/// (most cells looked at) tries none of the title patterns.
///
/// ```
/// # use nianbao::read::identity::parse_title;
/// assert_eq!(parse_title("某某局2024年度政府信息公开工作年度报 告"), (Some("某某局".into()), Some(2024)));
/// assert_eq!(parse_title("某某局2024年度政府信息公开工作"), (None, None));
/// ```
fn names_a_report(text: &str) -> bool {
    let mut last = '\0';
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if (last, c) == ('报', '告') || (last, c) == ('年', '报') {
            return true;
        }
        last = c;
    }
    false
}

/// `标题：…`, `文章标题：…` as a page archive writes its metadata: the title without its label.
fn strip_archive_label(text: &str) -> &str {
    for label in ["文章标题", "信息标题", "标题", "名称", "题名"] {
        if let Some(rest) = text.strip_prefix(label) {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix(['：', ':']) {
                return value.trim();
            }
        }
    }
    text
}

/// Whether a line can be (part of) a title: short, and no sentence (no `，` `。` `；`, no book-title
/// marks).
fn title_like(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.chars().count() <= 60 && !t.contains(['，', '。', '；', '《', '〈', ',', ';'])
}

/// Whether a name read before a title's words can be an agency: a few characters, not a menu word
/// or a site's furniture.
fn plausible_agency(name: &str) -> bool {
    let n = name.trim();
    let chars = n.chars().count();
    (2..=50).contains(&chars) && !is_note(n) && !date_like(&normalize(n))
}

/// The forms of a title, on text with spaces removed and Chinese-numeral years in digits. Each
/// names `a` (the agency before the year), `y` (the year) and `b` (an agency after the year, as in
/// `2020年上海市政府信息公开工作年度报告`).
fn title_forms() -> &'static [Regex] {
    static FORMS: OnceLock<Vec<Regex>> = OnceLock::new();
    FORMS.get_or_init(|| {
        [
            // …2024年(度)政府信息公开(工作)(年度)报告, …2024年(度)…年报
            r"^(?P<a>.*?)(?P<y>\d{4})年度?(?P<b>.*?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)",
            // …政府信息公开工作2024年度报告
            r"^(?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?P<y>\d{4})年度?(?:工作)?(?:报告|年报)",
            // 某某镇2022年报
            r"^(?P<a>.*?)(?P<y>\d{4})(?:年度)?年报",
            // …政府信息公开(工作)(年度)报告, no year
            r"^(?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)",
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    })
}

/// `XX区住房和城乡建设局2024年政府信息公开工作年度报告` → (`XX区住房和城乡建设局`, 2024); the other
/// forms people write: `…2024年度政府信息公开工作年度报告`, `…2024年政府信息公开年度报告`,
/// `…政府信息公开工作2024年度报告`, with the year first (`2020年上海市…`) the agency after it; page
/// furniture after the title (`来源：`, `发布日期：` …) and an attachment heading before it are no
/// part of it.
///
/// ```
/// use nianbao::read::identity::parse_title;
/// assert_eq!(parse_title("平潭综合实验区2024年度政府信息公开工作年度报告"), (Some("平潭综合实验区".into()), Some(2024)));
/// assert_eq!(parse_title("某某镇2022年报"), (Some("某某镇".into()), Some(2022)));
/// assert_eq!(parse_title("2024 年政府信息公开工作年度报告"), (None, Some(2024)));
/// assert_eq!(parse_title("2020年上海市政府信息公开工作年度报告"), (Some("上海市".into()), Some(2020)));
/// assert_eq!(parse_title("某某局政府信息公开工作年度报告"), (Some("某某局".into()), None));
/// assert_eq!(parse_title("政府信息公开工作年度报告格式模板"), (None, None));
/// assert_eq!(parse_title("城东区民政局二〇二四年度政府信息公开工作年度报告"), (Some("城东区民政局".into()), Some(2024)));
/// assert_eq!(parse_title("附件2：城东区教育局2024年政府信息公开工作年度报告统计表（终稿）"), (Some("城东区教育局".into()), Some(2024)));
/// assert_eq!(parse_title("平潭综合实验区海坛片区管理局 2023年度政府信息公开工作年度报告").0.as_deref(), Some("平潭综合实验区海坛片区管理局"));
/// assert_eq!(parse_title("江滨区财政局政府信息公开工作2020年度报告"), (Some("江滨区财政局".into()), Some(2020)));
/// assert_eq!(parse_title("江滨区自然资源局2022年政府信息公开年度报告"), (Some("江滨区自然资源局".into()), Some(2022)));
/// assert_eq!(parse_title("XX局2022年政府信息公开工作年度报告 来源： 时间：2023-01-09 19:52 微信 微博 QQ").1, Some(2022));
/// assert_eq!(parse_title("某区第二中学2024年政府信息公开工作年度报告").0.as_deref(), Some("某区第二中学"));
/// assert_eq!(parse_title("当前位置：首页 > 政务公开 > 某某局2023年政府信息公开工作年度报告").0.as_deref(), Some("某某局"));
/// ```
pub fn parse_title(text: &str) -> (Option<String>, Option<i32>) {
    let squeezed: String = arabic_years(text).chars().filter(|c| !c.is_whitespace()).collect();
    // The title never contains the format's own name (`…年度报告格式`).
    if !names_a_report(text) || squeezed.contains("报告格式") {
        return (None, None);
    }
    for (i, form) in title_forms().iter().enumerate() {
        let Some(c) = form.captures(&squeezed) else { continue };
        let year = c
            .name("y")
            .and_then(|y| y.as_str().parse::<i32>().ok())
            .filter(|y| YEARS.contains(y));
        if c.name("y").is_some() && year.is_none() {
            continue;
        }
        let before = clean_agency(c.name("a").map_or("", |m| m.as_str()));
        let after = clean_agency(c.name("b").map_or("", |m| m.as_str()));
        let agency = if before.is_empty() { after } else { before };
        // The no-year form matches a title whose year was not understood: only a plain name then.
        if i == 3 && agency.chars().any(|c| c.is_ascii_digit()) && agency.contains('年') {
            return (None, None);
        }
        return ((!agency.is_empty()).then_some(agency), year);
    }
    (None, None)
}

/// The agency part of a title: without a breadcrumb (`当前位置：首页 > …`), an attachment heading
/// (`附件2：`), `关于`, quotes, and punctuation at its ends.
fn clean_agency(text: &str) -> String {
    let mut t = text;
    for sep in ['>', '»', '›', '＞'] {
        if let Some((_, last)) = t.rsplit_once(sep) {
            t = last;
        }
    }
    if let Some((label, rest)) = t.split_once(['：', ':']) {
        if label.chars().count() <= 6 || label.starts_with("附件") {
            t = rest;
        }
    }
    let t = strip_attachment(t);
    let t = t.trim_start_matches("关于");
    t.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '/' | '／' | '-' | '_' | '—' | '“' | '”' | '《' | '》' | '"' | '|' | '｜'
            )
    })
    .to_string()
}

/// A name without the `附件2：` / `附件：` / `附件二` a document's attachment heading puts before it.
fn strip_attachment(name: &str) -> &str {
    let Some(rest) = name.strip_prefix("附件") else {
        return name;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    rest.trim_start_matches([':', '：', ' ', '\u{3000}', '-', '_']).trim()
}

/// A year in Chinese numerals (`二〇二四年`, `二零二四年`) in Arabic digits, so one year parser serves.
fn arabic_years(text: &str) -> String {
    const DIGITS: &[(char, char)] = &[
        ('〇', '0'),
        ('○', '0'),
        ('零', '0'),
        ('Ｏ', '0'),
        ('一', '1'),
        ('二', '2'),
        ('三', '3'),
        ('四', '4'),
        ('五', '5'),
        ('六', '6'),
        ('七', '7'),
        ('八', '8'),
        ('九', '9'),
    ];
    let digit = |c: char| DIGITS.iter().find(|(z, _)| *z == c).map(|(_, d)| *d);
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let mut out = chars.clone();
    for i in 0..chars.len().saturating_sub(4) {
        let year: Option<Vec<char>> = chars[i..i + 4].iter().map(|&c| digit(c)).collect();
        let starts = i == 0 || digit(chars[i - 1]).is_none();
        if let (Some(year), true, Some('年')) = (year, starts, chars.get(i + 4)) {
            if year.starts_with(&['2', '0']) {
                out[i..i + 4].copy_from_slice(&year);
            }
        }
    }
    out.into_iter().collect()
}

/// The captions over the tables (`区农业农村局　表二`, `区农业农村局表三`, `表二 区农业农村局`,
/// `区农业农村局2024年度表二`): the agency when every caption that names one names the same.
fn caption(grids: &Grids) -> Said {
    static FORMS: OnceLock<Vec<Regex>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        [
            r"^(?P<a>.+?)(?:(?P<y>\d{4})年度?)?(?:[:：\-—])?表[二三四2-4]$",
            r"^表[二三四2-4](?:[:：\-—])?(?P<a>.+?)(?:(?P<y>\d{4})年度?)?$",
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    });
    let mut agencies: Vec<String> = Vec::new();
    let mut year = None;
    for hit in grids
        .all()
        .filter(|h| h.norm.contains('表') && h.norm.chars().count() <= 40)
    {
        let squeezed = arabic_years(&hit.cell.text.chars().filter(|c| !c.is_whitespace()).collect::<String>());
        // Both forms begin or end with the table's name (`表二`): no other text is tried.
        let table = |c: Option<char>| matches!(c, Some('二' | '三' | '四' | '2'..='4'));
        let mut chars = squeezed.chars();
        let starts = chars.next() == Some('表') && table(chars.next());
        let mut back = squeezed.chars().rev();
        let ends = table(back.next()) && back.next() == Some('表');
        if !starts && !ends {
            continue;
        }
        for form in forms {
            let Some(c) = form.captures(&squeezed) else { continue };
            let a = clean_agency(c.name("a").map_or("", |m| m.as_str()));
            if !crate::agency::looks_like(&a) {
                continue;
            }
            year = year.or_else(|| {
                c.name("y")
                    .and_then(|y| y.as_str().parse().ok())
                    .filter(|y| YEARS.contains(y))
            });
            agencies.push(a);
            break;
        }
    }
    agencies.dedup_by(|a, b| crate::agency::key(a) == crate::agency::key(b));
    match agencies.as_slice() {
        [one] => Said {
            agency: Some(one.clone()),
            year,
        },
        _ => Said::default(),
    }
}

/// The opening sentences that name the report (`特向社会公布莆田市城市管理局2021年度政府信息公开工作
/// 年度报告`, `发布《XX局2023年度政府信息公开工作年度报告》`, `XX局编制完成本报告`) and the period its
/// numbers cover (`数据统计时间为2025年1月1日至2025年12月31日`).
fn sentence(paragraphs: &[String]) -> Said {
    // A workbook has no paragraphs: its patterns are not even compiled.
    if paragraphs.is_empty() {
        return Said::default();
    }
    static FORMS: OnceLock<Vec<Regex>> = OnceLock::new();
    static MAKER: OnceLock<Option<Regex>> = OnceLock::new();
    static PERIOD: OnceLock<Option<Regex>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        [
            r"《(?P<t>[^《》]{2,80}?(?:报告|年报))》",
            r"(?:公布|发布|印发|现将)(?P<t>[^，。；《》]{2,80}?(?:报告|年报))",
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    });
    let maker = MAKER
        .get_or_init(|| Regex::new(r"(?:^|[，。；:：])(?P<a>[^，。；:：《》]{2,40}?)(?:编制完成|编制了|编制|制定|发布)了?(?:本|该)(?:年度)?报告").ok())
        .as_ref();
    let period = PERIOD
        .get_or_init(|| Regex::new(r"(?P<y>\d{4})年1月1日(?:起)?(?:至|到|—|－|-|~)(?P<z>\d{4})年12月31日").ok())
        .as_ref();
    let mut said = Said::default();
    let opening: Vec<String> = paragraphs.iter().take(12).map(|p| arabic_years(p)).collect();
    for text in &opening {
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for form in forms {
            for c in form.captures_iter(&squeezed) {
                let (a, y) = parse_title(c.name("t").map_or("", |m| m.as_str()));
                if y.is_some() {
                    said.agency = said.agency.take().or(a.filter(|a| plausible_agency(a)));
                    said.year = said.year.or(y);
                }
            }
        }
        if said.agency.is_none() {
            if let Some(c) = maker.and_then(|re| re.captures(&squeezed)) {
                let a = clean_agency(c.name("a").map_or("", |m| m.as_str()));
                if crate::agency::looks_like(&a) {
                    said.agency = Some(a);
                }
            }
        }
        if said.year.is_none() {
            if let Some(c) = period.and_then(|re| re.captures(&squeezed)) {
                let (y, z) = (c.name("y").map(|m| m.as_str()), c.name("z").map(|m| m.as_str()));
                if y == z {
                    said.year = y.and_then(|y| y.parse().ok()).filter(|y| YEARS.contains(y));
                }
            }
        }
        if said.agency.is_some() && said.year.is_some() {
            break;
        }
    }
    said
}

/// The signature that ends a report: the agency on the line above the date it was signed
/// (`莆田市水利局` / `2026年1月28日`). The date is the day of signing, not the report year.
fn signature(paragraphs: &[String]) -> Said {
    let tail: Vec<&String> = paragraphs.iter().rev().take(8).collect();
    for (i, line) in tail.iter().enumerate() {
        if !date_like(&normalize(&arabic_years(line))) || line.chars().count() > 16 {
            continue;
        }
        if let Some(above) = tail.get(i + 1) {
            let name = above.trim();
            if crate::agency::looks_like(name) && title_like(name) && name.chars().count() <= 30 {
                return Said {
                    agency: Some(name.to_string()),
                    year: None,
                };
            }
        }
    }
    Said::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn opening_sentences_name_the_report() {
        let s = sentence(&lines(
            "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，特向社会公布莆田市城市管理局2021年度政府信息公开工作年度报告。",
        ));
        assert_eq!(
            s,
            Said {
                agency: Some("莆田市城市管理局".into()),
                year: Some(2021)
            }
        );
        let s = sentence(&lines(
            "根据有关规定，制定《莆田市科学技术局2023年度政府信息公开工作年度报告》。报告全文包括总体情况。",
        ));
        assert_eq!(
            s,
            Said {
                agency: Some("莆田市科学技术局".into()),
                year: Some(2023)
            }
        );
        let s = sentence(&lines(
            "根据《条例》等文件要求，莆田市水利局编制完成本报告。报告中的数据统计时间为2025年1月1日至2025年12月31日，本报告电子版可在网站查阅。",
        ));
        assert_eq!(
            s,
            Said {
                agency: Some("莆田市水利局".into()),
                year: Some(2025)
            }
        );
        // The format's own name is no report of an agency.
        let s = sentence(&lines("按照《中华人民共和国政府信息公开工作年度报告格式》要求编制。"));
        assert_eq!(s, Said::default());
    }

    #[test]
    fn a_signature_names_the_agency_not_the_year() {
        let s = signature(&lines(
            "六、其他需要报告的事项\n无。\n莆田市水利局\n2026年1月28日\n（此件主动公开）",
        ));
        assert_eq!(
            s,
            Said {
                agency: Some("莆田市水利局".into()),
                year: None
            }
        );
        assert_eq!(
            signature(&lines("联系电话：0591-12345678\n2026年1月28日")),
            Said::default()
        );
    }

    #[test]
    fn captions_and_covers() {
        assert!(agency_value("注：数据截至2024年12月31日").is_none());
        assert!(agency_value("联系人").is_none());
        assert!(agency_value("2024-12-31").is_none());
        assert!(agency_value("莆城管〔2022〕5号").is_none());
        assert_eq!(agency_value("区民政局（盖章）").as_deref(), Some("区民政局"));
        assert_eq!(
            agency_value("区政府办公室（区外事办）").as_deref(),
            Some("区政府办公室（区外事办）")
        );
        assert_eq!(
            strip_archive_label("标题：三明市2025年政府信息公开工作年度报告"),
            "三明市2025年政府信息公开工作年度报告"
        );
    }
}
