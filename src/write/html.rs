//! The full report as a web page an office can publish: title, sections and the three tables.
//!
//! One self-contained page: inline CSS, no script, no external font or image. Body text in 仿宋
//! (the face of official documents), tables in 宋体, headings in 黑体, each with the fallbacks of
//! Windows, macOS and Linux; printing gives A4 pages with table headers repeated and rows kept
//! whole. The tables are drawn by [`super::tables`] from the layout, with the official merged
//! headers, so the page reads back into the same numbers with nianbao's own HTML reader.

use super::tables::{draw, DrawnTable, Role};
use crate::format::Table;
use crate::model::Report;

/// The report's title: `某某局2024年政府信息公开工作年度报告`.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::html::title};
/// assert_eq!(title(&Report::new("某某局", 2024, Format::F2021)), "某某局2024年政府信息公开工作年度报告");
/// ```
pub fn title(report: &Report) -> String {
    let year = report.year.map(|y| format!("{y}年")).unwrap_or_default();
    format!("{}{year}政府信息公开工作年度报告", report.agency.trim())
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
@page { size: A4; margin: 25mm 22mm 22mm 25mm; }
html { background: #f3f3f3; }
body { margin: 0; color: #000; font-family: "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "华文仿宋", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "宋体", serif; font-size: 16pt; line-height: 1.75; }
article { max-width: 170mm; margin: 0 auto; padding: 20mm 20mm 24mm; background: #fff; }
h1 { margin: 0 0 1.2em; text-align: center; font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 22pt; font-weight: normal; line-height: 1.5; }
h2 { margin: 1em 0 0.4em; font-family: "SimHei", "黑体", "Heiti SC", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-size: 16pt; font-weight: normal; }
p { margin: 0; text-indent: 2em; text-align: justify; }
table { width: 100%; margin: 0.6em 0 1em; border-collapse: collapse; table-layout: fixed; font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10.5pt; line-height: 1.45; }
th, td { padding: 0.3em 0.35em; border: 1px solid #000; text-align: center; vertical-align: middle; font-weight: normal; }
td.label { text-align: left; }
th.block { font-weight: bold; }
th.note { font-size: 9pt; }
td.value { overflow-wrap: anywhere; }
table.t4 th, table.t4 td { padding: 0.3em 0.1em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
p.none { text-indent: 0; color: #555; }
@media print {
  html { background: none; }
  article { max-width: none; padding: 0 2px; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"#;

/// The report as a complete HTML page.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::html::report_html};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_total", 2.0);
/// let page = report_html(&r);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<h1>某某局2024年政府信息公开工作年度报告</h1>"));
/// assert!(!page.contains("<script"));
/// ```
pub fn report_html(report: &Report) -> String {
    page(report)
}

/// [`report_html`], written to `out`.
pub fn write_report_html(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    out.write_all(page(report).as_bytes())
}

fn page(report: &Report) -> String {
    let title = escape(&title(report));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"nianbao\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<article>\n<h1>{title}</h1>\n"
    );
    let tables = draw(report);
    for (k, heading) in report.format.layout().sections.iter().enumerate() {
        let table = match k {
            1 => Some(Table::T2),
            2 => Some(Table::T3),
            3 => Some(Table::T4),
            _ => None,
        };
        let text = report.sections[k].as_deref();
        if text.is_none() && table.is_none() {
            continue;
        }
        out.push_str(&format!("<section>\n<h2>{}</h2>\n", escape(heading)));
        for line in text.unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&format!("<p>{}</p>\n", escape(line.trim())));
        }
        if let Some(t) = table {
            match tables.iter().find(|(x, _)| *x == t).and_then(|(_, d)| d.as_ref()) {
                Some(drawn) => out.push_str(&table_html(drawn)),
                None => out.push_str("<p class=\"none\">（本报告未载此表）</p>\n"),
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</article>\n</body>\n</html>\n");
    out
}

/// Column widths: group label columns narrow, the leaf label column wide, the number columns
/// sharing the rest equally, so every number column is as wide as its neighbours.
fn colgroup(t: &DrawnTable) -> String {
    const GROUP: f64 = 8.0;
    let label_share = match t.labels {
        0 => 0.0,
        1 => 28.0,
        n => 26.0 + GROUP * f64::from(n - 1),
    };
    let values = t.width.saturating_sub(t.labels).max(1);
    let value = (100.0 - label_share) / f64::from(values);
    let mut out = String::from("<colgroup>");
    for c in 0..t.width {
        let w = match c {
            c if c + 1 < t.labels => GROUP,
            c if c < t.labels => label_share - GROUP * f64::from(t.labels - 1),
            _ => value,
        };
        out.push_str(&format!("<col style=\"width:{w:.2}%\">"));
    }
    out.push_str("</colgroup>\n");
    out
}

/// One table: header rows in `<thead>`, body rows in `<tbody>`, spans as `colspan`/`rowspan`.
fn table_html(t: &DrawnTable) -> String {
    let class = t.table.code();
    let mut out = format!("<table class=\"{class}\">\n{}", colgroup(t));
    let row = |cells: &[super::tables::Drawn], out: &mut String| {
        out.push_str("<tr>");
        for c in cells {
            let mut attrs = String::new();
            if c.cols > 1 {
                attrs.push_str(&format!(" colspan=\"{}\"", c.cols));
            }
            if c.rows > 1 {
                attrs.push_str(&format!(" rowspan=\"{}\"", c.rows));
            }
            let (tag, class) = match c.role {
                Role::Note => ("th", " class=\"note\""),
                Role::Block => ("th", " class=\"block\""),
                Role::Header => ("th", ""),
                Role::Label => ("td", " class=\"label\""),
                Role::Value => ("td", " class=\"value\""),
            };
            out.push_str(&format!("<{tag}{class}{attrs}>{}</{tag}>", escape(&c.text)));
        }
        out.push_str("</tr>\n");
    };
    if !t.head.is_empty() {
        out.push_str("<thead>\n");
        t.head.iter().for_each(|r| row(r, &mut out));
        out.push_str("</thead>\n");
    }
    out.push_str("<tbody>\n");
    t.body.iter().for_each(|r| row(r, &mut out));
    out.push_str("</tbody>\n</table>\n");
    out
}
