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

use std::borrow::Cow;
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
        let others = [
            (Found::Cover, cover(grids)),
            (Found::Caption, caption(grids)),
            (
                Found::Caption,
                if doc.published {
                    Said::default()
                } else {
                    sheet_year(doc)
                },
            ),
            (Found::Sentence, sentence(&doc.paragraphs)),
            (Found::Signature, signature(&doc.paragraphs)),
        ];
        let title = page_or_heading(doc, grids, &others);
        places.push(others[0].clone());
        places.push((Found::Title, title));
        places.extend(others.into_iter().skip(1));
    }
    let (file_agency, file_year) = parse_title(stem);
    places.push((
        Found::FileName,
        Said {
            agency: Some(file_agency.clone().unwrap_or_else(|| stem.trim().to_string())).filter(|a| !a.is_empty()),
            year: file_year,
        },
    ));
    let mut agency = places
        .iter()
        .find_map(|(f, s)| Some((s.agency.clone()?, *f)))
        .or_else(|| Some((stem.trim().to_string(), Found::FileName)));
    // Nothing in the text names the agency: a department's own site names it after the report's
    // title in the page's `<title>` (`2024年政府信息公开工作年度报告_某某局`).
    if agency.as_ref().is_none_or(|(_, f)| *f == Found::FileName) && file_agency.is_none() {
        if let Some(site) = doc.title.as_deref().and_then(site_agency) {
            agency = Some((site, Found::Title));
        }
    }
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

/// The agency a page's `<title>` names after the report's own title, as a department's site puts
/// its name there (`2024年政府信息公开工作年度报告_某某局`); `None` when the title part names one itself.
fn site_agency(title: &str) -> Option<String> {
    let parts: Vec<&str> = title
        .split(['_', '|', '｜', '—', '-'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let (report, rest) = parts.split_first()?;
    let (agency, year) = parse_title(report);
    if agency.is_some() || year.is_none() {
        return None;
    }
    rest.iter()
        .map(|p| p.trim_end_matches("门户网站").trim_end_matches("网站"))
        .find(|p| crate::agency::looks_like(p) && !p.contains("政府信息公开"))
        .map(str::to_string)
}

/// The year the sheets of a workbook are named by (`2024年`, `2024年表三`), when every sheet
/// naming one names the same.
fn sheet_year(doc: &Document) -> Said {
    static YEAR: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = YEAR.get_or_init(|| Regex::new(r"(\d{4})年").ok()).as_ref() else {
        return Said::default();
    };
    let mut years = doc
        .grids
        .iter()
        .filter_map(|g| {
            re.captures(&arabic_years(&g.name))?
                .get(1)?
                .as_str()
                .parse::<i32>()
                .ok()
        })
        .filter(|y| YEARS.contains(y));
    let first = years.next();
    Said {
        agency: None,
        year: first.filter(|y| years.all(|z| z == *y)),
    }
}

/// The agency and year a cover on a hidden sheet gives (`all`: every sheet, `visible`: those shown).
pub(crate) fn hidden_cover(all: &Document, visible: &Document) -> (Option<String>, Option<i32>) {
    let hidden = Document {
        grids: all
            .grids
            .iter()
            .filter(|g| !visible.grids.iter().any(|v| v.name == g.name))
            .cloned()
            .collect(),
        paragraphs: Vec::new(),
        title: None,
        names: Vec::new(),
        published: false,
    };
    if hidden.grids.is_empty() {
        return (None, None);
    }
    let said = cover(&Grids::new(&hidden));
    (said.agency, said.year)
}

/// The agency and year a title in a workbook's page headers gives (`header_lines` as
/// [`super::workbook::page_headers`] reads them).
pub(crate) fn header_title(header_lines: &[String]) -> (Option<String>, Option<i32>) {
    header_lines
        .iter()
        .find_map(|l| title_line(l))
        .map_or((None, None), |s| (s.agency, s.year))
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
        let grid = doc.grids.iter().find(|g| *g.name == *at.sheet)?;
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
    "填报部门",
    "部门名称",
    "机关名称",
    "填报机构",
];

/// Cover labels that introduce the report year, folded.
const YEAR_LABELS: &[&str] = &[
    "报告年度",
    "填报年度",
    "统计年度",
    "年度",
    "年份",
    "统计期间",
    "统计时段",
    "统计期",
    "报告期",
];

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
    "填报部门",
    "年份",
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
                said.year = year_value(&value)
                    .or_else(|| period_year(&value))
                    .or_else(|| typed_as_date(&value));
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
    // Several fields in one cell, set apart by runs of spaces (`报告年度：2024年度　　填报单位：区商务局`,
    // `填报单位：区司法局　　　　单位：件`): each field alone.
    let fields = if hit.cell.text.matches([':', '：']).nth(1).is_some() {
        spaced_fields(&hit.cell.text)
    } else {
        Vec::new()
    };
    if fields.iter().filter(|f| f.contains([':', '：'])).count() > 1 {
        return fields.iter().find_map(|f| {
            let (label, value) = f.split_once([':', '：'])?;
            let value = value.trim();
            (labels.contains(&normalize(label).as_str()) && !value.is_empty()).then(|| value.to_string())
        });
    }
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

/// A cell's text split at runs of two or more spaces (the way one cell is made to hold two fields).
fn spaced_fields(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut run: Option<usize> = None;
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if run.is_none() {
                run = Some(i);
                count = 0;
            }
            count += 1;
        } else {
            if let (Some(r), true) = (run, count >= 2) {
                out.push(text[start..r].trim());
                start = i;
            }
            run = None;
        }
    }
    out.push(text[start..].trim());
    out.retain(|f| !f.is_empty());
    out
}

/// The year of a year cell stored as a date (Excel turns a typed `2024年1月` into 2024-01-01, shown
/// `2024年`): a first of January under a year label.
fn typed_as_date(value: &str) -> Option<i32> {
    let y: i32 = value.trim().strip_suffix("-01-01")?.parse().ok()?;
    YEARS.contains(&y).then_some(y)
}

/// The year of a statistics period written as the report's whole year (`2024年1月1日至2024年12月31日`).
fn period_year(text: &str) -> Option<i32> {
    static PERIOD: OnceLock<Option<Regex>> = OnceLock::new();
    let re = PERIOD
        .get_or_init(|| {
            Regex::new(r"^(?P<y>\d{4})年1月1日(?:起)?(?:至|到|—|－|-|~)(?P<z>\d{4})年12月31日(?:止)?$").ok()
        })
        .as_ref()?;
    let squeezed: String = arabic_years(text).chars().filter(|c| !c.is_whitespace()).collect();
    let c = re.captures(&squeezed)?;
    let (y, z) = (c.name("y")?.as_str(), c.name("z")?.as_str());
    (y == z).then(|| y.parse().ok()).flatten().filter(|y| YEARS.contains(y))
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
    let v = without_seal(v);
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
    // Month and day in digits or, as official documents date them, in Chinese numerals
    // (`2025年一月二十日` once the year is in digits).
    DATE.get_or_init(|| {
        Regex::new(r"\d{4}\s*(?:[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}|年[一二三四五六七八九十〇]{1,3}月[一二三四五六七八九十〇]{1,3}日)").ok()
    })
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
    title_from(doc, grids, true)
}

/// The title when a page's `<title>` and its visible heading disagree (a `<title>` left from last
/// year's page, or another agency's): the heading, where more of the other places agree with it
/// than with the `<title>`; else the `<title>`, which a sidebar of other reports cannot mislead.
fn page_or_heading(doc: &Document, grids: &Grids, others: &[(Found, Said)]) -> Said {
    let page = title_from(doc, grids, true);
    if doc.title.is_none() {
        return page;
    }
    let heading = title_from(doc, grids, false);
    let support = |agency: Option<&String>, year: Option<i32>| -> usize {
        others
            .iter()
            .filter(|(_, s)| {
                agency.is_some_and(|a| s.agency.as_ref().is_some_and(|b| same_agency(a, b)))
                    || year.is_some_and(|y| s.year == Some(y))
            })
            .count()
    };
    let mut out = page.clone();
    if let (Some(p), Some(h)) = (&page.agency, &heading.agency) {
        if !same_agency(p, h) && support(Some(h), None) > support(Some(p), None) {
            out.agency = Some(h.clone());
        }
    }
    if let (Some(p), Some(h)) = (page.year, heading.year) {
        if p != h && support(None, Some(h)) > support(None, Some(p)) {
            out.year = Some(h);
        }
    }
    out
}

/// The title, with the page's `<title>` among the lines looked at or not.
fn title_from(doc: &Document, grids: &Grids, page_title: bool) -> Said {
    let mut lines: Vec<String> = Vec::new();
    if page_title {
        lines.extend(doc.title.iter().cloned());
    }
    lines.extend(doc.paragraphs.iter().take(30).cloned());
    let paragraphs = lines.len();
    // Cells: each, and the next text below it in its column, so a title split over two rows joins.
    let mut pairs: Vec<(usize, String, String)> = Vec::new();
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
        let at = lines.len();
        lines.push(hit.cell.text.clone());
        let grid = grids.grid(hit.grid);
        let here = (hit.cell.row, hit.cell.col);
        if let Some(next) = next_of(grid, hit.cell).and_then(|(r, c)| grid.at(r, c)) {
            pairs.push((at, hit.cell.text.clone(), next.text.clone()));
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
                pairs.push((at, before.text.clone(), hit.cell.text.clone()));
            }
        }
    }
    for i in 0..paragraphs.saturating_sub(1) {
        pairs.push((i, lines[i].clone(), lines[i + 1].clone()));
    }
    // Each title found with its place: a line at its index, two lines joined at the first's. The
    // first place giving both agency and year wins, so a heading split in two beats a link to
    // another report further down (`相关链接：…`, a footer's list).
    let mut found: Vec<(usize, Said)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(mut said) = title_line(line) else { continue };
        // A title without a year: the line under it may be the subtitle `（2024年度）`.
        if said.year.is_none() && i + 1 < paragraphs {
            said.year = year_value(&lines[i + 1]);
        }
        found.push((i, said));
    }
    for (at, first, second) in &pairs {
        if title_line(first).is_some() {
            if let Some(y) = year_value(second) {
                if let Some(mut said) = title_line(first).filter(|s| s.year.is_none()) {
                    said.year = Some(y);
                    found.push((*at, said));
                }
            }
            continue;
        }
        if first.contains(['：', ':']) || !title_like(first) {
            continue;
        }
        // A line that is a whole title alone is not the second half of another.
        if title_line(second).is_some_and(|s| s.agency.is_some() && s.year.is_some()) {
            continue;
        }
        let joined = format!("{}{}", first.trim(), second.trim());
        if let Some(said) = title_line(&joined) {
            found.push((*at, said));
        }
    }
    // A title set over three lines (`某某局` / `2024年度` / `政府信息公开工作年度报告`): taken only
    // when the three give both agency and year.
    for i in 0..paragraphs.saturating_sub(2) {
        let part = |k: usize| -> Option<&str> {
            let t = lines[i + k].trim();
            (title_like(t) && !t.contains(['：', ':']) && t.chars().count() <= 30).then_some(t)
        };
        let (Some(a), Some(b), Some(c)) = (part(0), part(1), part(2)) else {
            continue;
        };
        // Not when the last two are a whole title already (a line above is no part of it).
        let whole = |t: &str| title_line(t).is_some_and(|s| s.agency.is_some() && s.year.is_some());
        if title_line(a).is_some()
            || title_line(b).is_some()
            || title_line(&format!("{a}{b}")).is_some()
            || whole(&format!("{b}{c}"))
        {
            continue;
        }
        if let Some(said) = title_line(&format!("{a}{b}{c}")).filter(|s| s.agency.is_some() && s.year.is_some()) {
            found.push((i, said));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
        .iter()
        .map(|(_, s)| s)
        .find(|s| s.agency.is_some() && s.year.is_some())
        .or_else(|| {
            found
                .iter()
                .map(|(_, s)| s)
                .find(|s| s.agency.is_some() || s.year.is_some())
        })
        .cloned()
        .unwrap_or_default()
}

/// Only the year of the title, to choose a layout when no label decides it.
pub(crate) fn title_year(doc: &Document, grids: &Grids) -> Option<i32> {
    title(doc, grids).year
}

/// What one line says if it is a report's title, `None` if it is not one.
fn title_line(line: &str) -> Option<Said> {
    let text = unwrap_notice(strip_archive_label(line.trim()));
    // A sentence (`现将我局2024年…报告公布如下。`) is no title.
    if !names_a_report(text) || is_note(text) || link_list(text) || text.contains('。') || text.chars().count() > 160 {
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

/// The report's title inside a notice's that publishes it (`关于印发《某某局2023年政府信息公开工作年度
/// 报告》的通知`, `某某办关于公布《…》的通知`): the title in the book-title marks.
fn unwrap_notice(text: &str) -> &str {
    let Some(inner) = text
        .strip_suffix("的通知")
        .or_else(|| text.strip_suffix("的公告"))
        .and_then(|t| t.strip_suffix('》'))
    else {
        return text;
    };
    match inner.rsplit_once('《') {
        Some((before, title))
            if before.ends_with(['发', '布', '转', '开']) && before.contains("关于") && !title.contains('《') =>
        {
            title
        }
        _ => text,
    }
}

/// Whether a line is a page's list of links to other pages (`相关链接：…`, `上一篇：…`): the reports
/// it names are others'.
fn link_list(text: &str) -> bool {
    let n = normalize(text);
    [
        "相关链接",
        "相关文章",
        "相关阅读",
        "相关信息",
        "相关文件",
        "延伸阅读",
        "推荐阅读",
        "热点信息",
        "上一篇",
        "下一篇",
    ]
    .iter()
    .any(|p| n.starts_with(p))
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
    (2..=50).contains(&chars) && !is_note(n) && !date_like(&normalize(n)) && !self_reference(n)
}

/// Whether a name is the report speaking of itself (`我局`, `本机关`, `本单位`, `现将我局`): the
/// agency is named elsewhere, if anywhere.
fn self_reference(name: &str) -> bool {
    static SELF: OnceLock<Option<Regex>> = OnceLock::new();
    SELF.get_or_init(|| {
        Regex::new(
            r"^(?:现将|现|特将|兹将)?(?:我们|我|本)(?:局|委|办|院|馆|所|站|队|中心|单位|机关|部门|部|区|县|市|镇|乡|街道|公司|学校|校|厅|会|处|室|府|委员会|办公室|管委会)$",
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|re| re.is_match(name.trim()))
}

/// The forms of a title, on text with spaces removed and Chinese-numeral years in digits. Each
/// names `a` (the agency before the year), `y` (the year) and `b` (an agency after the year, as in
/// `2020年上海市政府信息公开工作年度报告`).
fn title_forms() -> &'static [Regex] {
    static FORMS: OnceLock<Vec<Regex>> = OnceLock::new();
    FORMS.get_or_init(|| {
        [
            // …2024年(度)政府信息公开(工作)(年度)报告, …2024年(度)…年报, (关于)…2024年度政府信息公开
            // 工作(情况)的报告
            r"^(?P<a>.*?)(?P<y>\d{4})年度?(?P<b>.*?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?的?(?:年度)?(?:报告|年报)",
            // …政府信息公开工作2024年度报告
            r"^(?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?P<y>\d{4})年度?(?:工作)?(?:报告|年报)",
            // 某某镇2022年报
            r"^(?P<a>.*?)(?P<y>\d{4})(?:年度)?年报",
            // …政府信息公开工作年度报告（2024年度）: the year in brackets after the title
            r"^(?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:报告|年报)[(（〔\[【](?P<y>\d{4})年?度?[)）〕\]】]",
            // （2024）某某局政府信息公开工作年度报告: the year in brackets before it
            r"^[(（〔\[【](?P<y>\d{4})年?度?[)）〕\]】](?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:报告|年报)",
            // …政府信息公开(工作)(年度)报告, no year
            r"^(?P<a>.*?)(?:政府信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:报告|年报)",
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
/// assert_eq!(parse_title("某某局关于2024年度政府信息公开工作情况的报告"), (Some("某某局".into()), Some(2024)));
/// assert_eq!(parse_title("关于某某局2024年政府信息公开工作的报告"), (Some("某某局".into()), Some(2024)));
/// assert_eq!(parse_title("某某局政府信息公开工作年度报告（2024年）"), (Some("某某局".into()), Some(2024)));
/// assert_eq!(parse_title("（2024）某某局政府信息公开工作年度报告"), (Some("某某局".into()), Some(2024)));
/// ```
pub fn parse_title(text: &str) -> (Option<String>, Option<i32>) {
    // Most texts tried are no title at all: they are told by 报告/年报 before anything is copied.
    if !names_a_report(text) {
        return (None, None);
    }
    let squeezed: String = arabic_years(text).chars().filter(|c| !c.is_whitespace()).collect();
    // The title never contains the format's own name (`…年度报告格式`).
    if squeezed.contains("报告格式") {
        return (None, None);
    }
    for form in title_forms() {
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
        if c.name("y").is_none() && agency.chars().any(|c| c.is_ascii_digit()) && agency.contains('年') {
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
    // `某某局关于2024年度…的报告`: the 关于 after the name.
    let t = t.strip_suffix("关于").unwrap_or(t);
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
fn arabic_years(text: &str) -> Cow<'_, str> {
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
    // Most texts looked at (every caption and title candidate of every file) have no digit to
    // change: they are kept as they are, without copying them twice.
    if !text.chars().any(|c| ('０'..='９').contains(&c) || digit(c).is_some()) {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(out.into_iter().collect())
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
    // `表二　某某局2024年主动公开政府信息情况统计表`, `表三：收到和处理政府信息公开申请情况（某某局
    // 2024年度）`: the caption names the table's subject too.
    static SUBJECT: OnceLock<Option<Regex>> = OnceLock::new();
    let subject = SUBJECT
        .get_or_init(|| {
            Regex::new(
                r"^表[二三四2-4][:：\-—]?(?:(?P<y0>\d{4})年度?)?(?P<a>[^（(]*?)(?:(?P<y>\d{4})年度?)?(?:主动公开政府信息情况|收到和处理政府信息公开申请情况|政府信息公开行政复议、?行政诉讼情况)(?:统计表|情况表|表)?(?:[(（](?P<a2>[^（()）]+?)(?P<y2>\d{4})?年?度?[)）])?$",
            )
            .ok()
        })
        .as_ref();
    let mut agencies: Vec<String> = Vec::new();
    let mut year = None;
    for hit in grids
        .all()
        .filter(|h| h.norm.contains('表') && h.norm.chars().count() <= 40)
    {
        let squeezed: String = hit.cell.text.chars().filter(|c| !c.is_whitespace()).collect();
        let squeezed = arabic_years(&squeezed);
        // Both forms begin or end with the table's name (`表二`): no other text is tried.
        let table = |c: Option<char>| matches!(c, Some('二' | '三' | '四' | '2'..='4'));
        let mut chars = squeezed.chars();
        let starts = chars.next() == Some('表') && table(chars.next());
        let mut back = squeezed.chars().rev();
        let ends = table(back.next()) && back.next() == Some('表');
        if !starts && !ends {
            continue;
        }
        if let Some(c) = subject.and_then(|re| re.captures(&squeezed)) {
            let a = [c.name("a"), c.name("a2")]
                .into_iter()
                .flatten()
                .map(|m| clean_agency(m.as_str()))
                .find(|a| crate::agency::looks_like(a));
            if let Some(a) = a {
                year = year.or_else(|| {
                    [c.name("y0"), c.name("y"), c.name("y2")]
                        .into_iter()
                        .flatten()
                        .find_map(|y| y.as_str().parse().ok())
                        .filter(|y| YEARS.contains(y))
                });
                agencies.push(a);
                continue;
            }
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
    let opening: Vec<String> = paragraphs
        .iter()
        .take(12)
        .map(|p| arabic_years(p).into_owned())
        .collect();
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
        if !signing_date(line) {
            // Agency and date on one line: `江滨区民政局　　2025年1月15日`.
            if let Some((name, date)) = line.trim().rsplit_once([' ', '\u{3000}', '\t']) {
                let name = without_seal(name.trim());
                if signing_date(date) && signing_agency(name) {
                    return Said {
                        agency: Some(name.to_string()),
                        year: None,
                    };
                }
            }
            continue;
        }
        if let Some(above) = tail.get(i + 1) {
            let name = without_seal(above.trim());
            if signing_agency(name) {
                return Said {
                    agency: Some(name.to_string()),
                    year: None,
                };
            }
        }
    }
    Said::default()
}

/// A name without the `（盖章）` / `(公章)` written after it where the seal goes.
fn without_seal(name: &str) -> &str {
    ["（盖章）", "(盖章)", "（公章）", "(公章)", "（章）", "(章)"]
        .iter()
        .fold(name, |v, seal| v.strip_suffix(seal).unwrap_or(v))
        .trim()
}

/// Whether a line is the date of a signature (`2026年1月28日`, `二〇二六年1月28日`).
pub(crate) fn signing_date(line: &str) -> bool {
    date_like(&normalize(&arabic_years(line))) && line.chars().count() <= 16
}

/// Whether a line above a signing date can be the agency signing.
pub(crate) fn signing_agency(line: &str) -> bool {
    let name = line.trim();
    crate::agency::looks_like(name) && title_like(name) && name.chars().count() <= 30
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
    fn signatures_dated_in_chinese_numerals_sealed_or_on_one_line() {
        let want = Said {
            agency: Some("某某区林业局".into()),
            year: None,
        };
        assert_eq!(signature(&lines("无。\n某某区林业局\n二〇二五年一月二十日")), want);
        assert_eq!(signature(&lines("无。\n某某区林业局（盖章）\n2025年1月20日")), want);
        assert_eq!(signature(&lines("无。\n某某区林业局　　2025年1月20日")), want);
    }

    #[test]
    fn notices_and_link_lists_around_titles() {
        let s = title_line("关于印发《某某区发展和改革局2023年政府信息公开工作年度报告》的通知");
        assert_eq!(
            s,
            Some(Said {
                agency: Some("某某区发展和改革局".into()),
                year: Some(2023)
            })
        );
        assert_eq!(
            title_line("相关链接：某某区人民政府2024年政府信息公开工作年度报告"),
            None
        );
        assert_eq!(title_line("现将我局2024年政府信息公开工作年度报告公布如下。"), None);
        let s = sentence(&lines(
            "根据《条例》要求，特向社会公布本机关2024年度政府信息公开工作年度报告。",
        ));
        assert_eq!(
            s,
            Said {
                agency: None,
                year: Some(2024)
            }
        );
        assert!(self_reference("我局") && self_reference("本单位") && !self_reference("本溪市民政局"));
        assert_eq!(
            spaced_fields("报告年度：2024年度　　填报单位：区商务局"),
            vec!["报告年度：2024年度", "填报单位：区商务局"]
        );
        assert_eq!(period_year("2024年1月1日至2024年12月31日"), Some(2024));
        assert_eq!(period_year("2024年1月1日至2025年12月31日"), None);
        assert_eq!(
            site_agency("2024年政府信息公开工作年度报告_某某区生态环境局").as_deref(),
            Some("某某区生态环境局")
        );
        assert_eq!(site_agency("某某局2024年政府信息公开工作年度报告_某某区人民政府"), None);
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
