//! The full report as Markdown: title, sections, and the three tables as pipe tables.
//!
//! Markdown tables have no merged cells, so each drawn table of [`super::tables`] is unfolded: a
//! column's header is the headers above it joined (`法人或其他组织·商业企业`), a row's label the
//! labels left of it (`三、本年度办理结果 （三）不予公开 1.属于国家秘密`), a cell spanning several
//! columns one column. 表二's article headings become bold lines, one pipe table per block.

use super::html::title;
use super::tables::{cover, draw, Drawn, DrawnTable, Role};
use crate::format::Table;
use crate::model::Report;

/// The report as Markdown.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::md::report_md};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_total", 2.0);
/// let md = report_md(&r);
/// assert!(md.starts_with("# 某某局2024年政府信息公开工作年度报告\n"));
/// assert!(md.contains("| 行政复议·总计 |"));
/// ```
pub fn report_md(report: &Report) -> String {
    markdown(report)
}

/// [`report_md`], written to `out`.
pub fn write_report_md(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    out.write_all(markdown(report).as_bytes())
}

fn markdown(report: &Report) -> String {
    let mut out = format!("# {}\n", title(report));
    let tables = draw(report);
    for (k, heading) in report.format.layout().sections.iter().enumerate() {
        let table = [None, Some(Table::T2), Some(Table::T3), Some(Table::T4), None, None][k];
        let text = report.sections[k].as_deref();
        if text.is_none() && table.is_none() {
            continue;
        }
        out.push_str(&format!("\n## {heading}\n"));
        for line in text.unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&format!("\n{}\n", line.trim()));
        }
        if let Some(t) = table {
            match tables.iter().find(|(x, _)| *x == t).and_then(|(_, d)| d.as_ref()) {
                Some(drawn) => out.push_str(&table_md(drawn)),
                None => out.push_str("\n（本报告未载此表）\n"),
            }
        }
    }
    out
}

fn cell_text(text: &str) -> String {
    text.replace('|', "\\|")
}

fn table_md(t: &DrawnTable) -> String {
    let rows: Vec<&Vec<Drawn>> = t.head.iter().chain(&t.body).collect();
    let m = cover(t);
    let get = |id: (usize, usize)| &rows[id.0][id.1];
    let role = |id: Option<(usize, usize)>| id.map(|id| get(id).role);
    let width = m.first().map_or(0, Vec::len);
    let first_body = t.head.len();
    let body = &m[first_body.min(m.len())..];
    // Label columns: leading columns with a label in some body row and a number in none.
    let labels = (0..width)
        .take_while(|&c| {
            body.iter().all(|row| role(row[c]) != Some(Role::Value))
                && body.iter().any(|row| role(row[c]) == Some(Role::Label))
        })
        .count();
    // The distinct cells of a row right of the labels, with the first column each covers.
    let distinct = |r: usize| -> Vec<(usize, (usize, usize))> {
        let mut out: Vec<(usize, (usize, usize))> = Vec::new();
        for (c, id) in m[r].iter().enumerate().skip(labels) {
            if let Some(id) = *id {
                if out.last().is_none_or(|&(_, last)| last != id) {
                    out.push((c, id));
                }
            }
        }
        out
    };
    let join = |ids: Vec<(usize, usize)>, sep: &str| {
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for id in ids {
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen.iter()
            .map(|&id| cell_text(&get(id).text))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let line = |label: Option<String>, cells: Vec<String>| match label {
        Some(l) => format!("| {l} | {} |\n", cells.join(" | ")),
        None => format!("| {} |\n", cells.join(" | ")),
    };
    let rule = |n: usize| format!("|{}\n", " --- |".repeat(n));
    let label_of = |r: usize| (labels > 0).then(|| join((0..labels).filter_map(|c| m[r][c]).collect(), " "));
    let mut out = String::new();
    if first_body > 0 && first_body < m.len() {
        let heads: Vec<String> = distinct(first_body)
            .iter()
            .map(|&(c, _)| join((0..first_body).filter_map(|r| m[r][c]).collect(), "·"))
            .collect();
        let corner = (labels > 0).then(|| {
            let m = &m;
            let ids = (0..first_body).flat_map(|r| (0..labels).filter_map(move |c| m[r][c]));
            join(ids.collect(), " ")
        });
        let n = heads.len() + usize::from(corner.is_some());
        out.push('\n');
        out.push_str(&line(corner, heads));
        out.push_str(&rule(n));
    }
    for (r, line_ids) in m.iter().enumerate().skip(first_body) {
        let ids: Vec<(usize, usize)> = line_ids.iter().flatten().copied().collect();
        if ids.iter().all(|&id| get(id).role == Role::Block) {
            out.push_str(&format!("\n**{}**\n", join(ids, " ")));
            continue;
        }
        let cells: Vec<String> = distinct(r).iter().map(|&(_, id)| cell_text(&get(id).text)).collect();
        let label = label_of(r);
        if ids.iter().all(|&id| get(id).role == Role::Header) {
            let n = cells.len() + usize::from(label.is_some());
            out.push('\n');
            out.push_str(&line(label, cells));
            out.push_str(&rule(n));
        } else {
            out.push_str(&line(label, cells));
        }
    }
    out
}
