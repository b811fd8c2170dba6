//! The district summary workbook that `merge` writes.
//!
//! Sheets: 汇总 (the totals in the official layout), 分单位明细 (one row per agency, every cell a
//! column), 分类小计 (per roster category), 校验结果 (every finding), 报送情况 (who reported, who did
//! not), 图表. The per-agency sheets are written in rust_xlsxwriter's constant-memory mode, row by
//! row from the merge's spill file, so thousands of agencies do not fill memory.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format as Style, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::findings::Line;
use crate::error::{ErrorKind, Result};
use crate::format::{CellDef, Format, T3_COLUMNS};
use crate::model::district::{Entry, Merged, Standing, Status};
use crate::model::Report;
use crate::rules;

/// Writes the summary workbook of `merged` to `path` (atomically, never over an input). With last
/// year's merge, a 年度对比 sheet compares the district totals and lists the agencies whose 上年结转
/// does not follow from last year.
pub fn write_summary(merged: &Merged, previous: Option<&Merged>, path: &Path, inputs: &[PathBuf]) -> Result<()> {
    super::save_with(path, inputs, |file| {
        write_summary_to(merged, previous, file).map_err(|k| k.to_string())
    })
}

/// Writes the summary workbook of `merged` to `out` (see [`write_summary`]).
pub fn write_summary_to(
    merged: &Merged,
    previous: Option<&Merged>,
    out: impl std::io::Write + std::io::Seek + Send,
) -> std::result::Result<(), ErrorKind> {
    let mut wb = build(merged, previous).map_err(|e| ErrorKind::Write(format!("生成工作簿失败（{e}）")))?;
    wb.save_to_writer(out)
        .map_err(|e| ErrorKind::Write(format!("写入失败（{e}）")))
}

/// Shared looks.
struct Styles {
    header: Style,
    text: Style,
    number: Style,
    total: Style,
    bad: Style,
    date: Style,
}

impl Styles {
    fn new() -> Styles {
        let base = Style::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_border(FormatBorder::Thin);
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#DDEBF7"),
            text: base.clone(),
            number: base.clone().set_num_format("0.####"),
            total: base
                .clone()
                .set_bold()
                .set_num_format("0.####")
                .set_background_color("#FFF2CC"),
            bad: base.clone().set_font_color("#C00000"),
            date: base.set_num_format("yyyy-mm-dd hh:mm"),
        }
    }
}

fn build(merged: &Merged, previous: Option<&Merged>) -> std::result::Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let styles = Styles::new();
    let total = &merged.total;
    // The totals carry our cell names, so the summary reads back exactly through `convert`.
    let placed = super::xlsx::layout_sheet(
        &mut wb,
        "汇总",
        total,
        &merged.total_findings,
        super::xlsx::Mode::Filled,
    )?;
    super::xlsx::define_names(&mut wb, &placed)?;
    let ordered = merged.ordered();
    detail(wb.add_worksheet_with_constant_memory()?, merged, &ordered, &styles)?;
    if merged
        .roster
        .as_ref()
        .is_some_and(|r| r.members.iter().any(|m| !m.category.is_empty()))
    {
        categories(wb.add_worksheet_with_constant_memory()?, merged, &ordered, &styles)?;
    }
    findings(wb.add_worksheet_with_constant_memory()?, merged, &ordered)?;
    reporting(wb.add_worksheet_with_constant_memory()?, merged, &styles)?;
    if let Some(previous) = previous {
        year_over_year(wb.add_worksheet(), merged, previous, &styles)?;
    }
    charts(wb.add_worksheet(), merged, &ordered, &styles)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(format!(
        "{} {}政府信息公开工作年度报告汇总",
        total.agency,
        total.year.map(|y| format!("{y} 年度")).unwrap_or_default()
    )));
    Ok(wb)
}

/// Columns before the cells in 分单位明细.
const LEAD: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("单位名称", 28.0),
    ("类别", 8.0),
    ("报送情况", 10.0),
    ("错误", 6.0),
    ("警告", 6.0),
    ("文件", 30.0),
];

/// The two header rows of a sheet with one column per cell after `lead` leading columns.
/// Constant-memory sheets must be written row by row, so each header row is written whole.
fn write_headers(
    ws: &mut Worksheet,
    format: Format,
    lead: &[(&str, f64)],
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    let first = lead.len() as u16;
    let heads: Vec<(String, String)> = format.cells().iter().map(CellDef::headers).collect();
    for (c, (name, width)) in lead.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(0, c as u16, *name, &styles.header)?;
    }
    if !heads.is_empty() {
        ws.set_column_range_format(first, first + heads.len() as u16 - 1, &styles.number)?;
    }
    for (i, (group, _)) in heads.iter().enumerate() {
        ws.set_column_width(first + i as u16, 9)?;
        ws.write_string_with_format(0, first + i as u16, group, &styles.header)?;
    }
    for c in 0..first {
        ws.write_string_with_format(1, c, "", &styles.header)?;
    }
    for (i, (_, label)) in heads.iter().enumerate() {
        ws.write_string_with_format(1, first + i as u16, label, &styles.header)?;
    }
    Ok(())
}

/// Writes a row of numbers from `first_col`, in `style`, or with no format of their own (`None`):
/// the column's, set once by [`write_headers`] — thousands of rows need no format looked up a cell.
fn write_numbers(
    ws: &mut Worksheet,
    row: u32,
    first_col: u16,
    numbers: &[f64],
    style: Option<&Style>,
) -> std::result::Result<(), XlsxError> {
    for (i, n) in numbers.iter().enumerate() {
        if n.is_nan() {
            continue;
        }
        let col = first_col + i as u16;
        match style {
            Some(style) => ws.write_number_with_format(row, col, *n, style)?,
            None => ws.write_number(row, col, *n)?,
        };
    }
    Ok(())
}

fn numbers_of(report: &Report) -> Vec<f64> {
    report
        .cells
        .iter()
        .map(|v| v.as_ref().and_then(|v| v.number).unwrap_or(f64::NAN))
        .collect()
}

/// 分单位明细: one row per file (roster order, then the rest), then the totals.
fn detail(
    ws: &mut Worksheet,
    merged: &Merged,
    ordered: &[&Entry],
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("分单位明细")?;
    let format = merged.total.format;
    write_headers(ws, format, LEAD, styles)?;
    let first = LEAD.len() as u16;
    let mut row = 2u32;
    for (n, e) in ordered.iter().enumerate() {
        let category = category_of(merged, e);
        ws.write_number_with_format(row, 0, (n + 1) as f64, &styles.number)?;
        ws.write_string_with_format(row, 1, e.name(), &styles.text)?;
        ws.write_string_with_format(row, 2, category, &styles.text)?;
        let status_style = if e.status == Status::Counted {
            &styles.text
        } else {
            &styles.bad
        };
        ws.write_string_with_format(row, 3, e.status.name(), status_style)?;
        ws.write_number_with_format(
            row,
            4,
            e.errors as f64,
            if e.errors > 0 { &styles.bad } else { &styles.number },
        )?;
        ws.write_number_with_format(row, 5, e.warnings as f64, &styles.number)?;
        ws.write_string_with_format(row, 6, e.file.display().to_string(), &styles.text)?;
        // Files of another year or layout: their numbers do not fit these columns.
        if matches!(e.status, Status::Counted | Status::Superseded) {
            let numbers = merged.numbers(e).unwrap_or_default();
            write_numbers(ws, row, first, &numbers, None)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 1, format!("合计（{}）", merged.total.agency), &styles.total)?;
    write_numbers(ws, row, first, &numbers_of(&merged.total), Some(&styles.total))?;
    ws.set_freeze_panes(2, 2)?;
    ws.autofilter(
        1,
        0,
        row.saturating_sub(1).max(1),
        first + format.cells().len() as u16 - 1,
    )?;
    Ok(())
}

fn category_of<'a>(merged: &'a Merged, e: &Entry) -> &'a str {
    match (&merged.roster, e.member) {
        (Some(r), Some(i)) => r.members.get(i).map_or("", |m| m.category.as_str()),
        _ => "",
    }
}

/// 分类小计: per roster category, the sum of its counted agencies.
fn categories(
    ws: &mut Worksheet,
    merged: &Merged,
    ordered: &[&Entry],
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("分类小计")?;
    let format = merged.total.format;
    write_headers(ws, format, &[("类别", 12.0), ("已报送单位数", 8.0)], styles)?;
    let mut names: Vec<&str> = Vec::new();
    if let Some(r) = &merged.roster {
        for m in &r.members {
            if !names.contains(&m.category.as_str()) {
                names.push(&m.category);
            }
        }
    }
    for (row, name) in (2u32..).zip(names) {
        let mut sums = vec![f64::NAN; format.cells().len()];
        let mut count = 0;
        for e in ordered
            .iter()
            .filter(|e| e.status == Status::Counted && category_of(merged, e) == name)
        {
            count += 1;
            for (s, n) in sums.iter_mut().zip(merged.numbers(e).unwrap_or_default()) {
                if !n.is_nan() {
                    *s = if s.is_nan() { n } else { *s + n };
                }
            }
        }
        let label = if name.is_empty() { "（未分类）" } else { name };
        ws.write_string_with_format(row, 0, label, &styles.text)?;
        ws.write_number_with_format(row, 1, count as f64, &styles.number)?;
        write_numbers(ws, row, 2, &sums, None)?;
    }
    ws.set_freeze_panes(2, 1)?;
    Ok(())
}

/// 校验结果: every finding of every file, every file that could not be read, and why a file that
/// was read is not in the totals (`OTHER_YEAR`, `OTHER_FORMAT`).
fn findings(ws: &mut Worksheet, merged: &Merged, ordered: &[&Entry]) -> std::result::Result<(), XlsxError> {
    let format = merged.total.format;
    let lines = ordered.iter().flat_map(|e| {
        let agency = e.name();
        let file = e.file.display().to_string();
        let mut lines = Vec::new();
        if let Some(err) = &e.error {
            lines.push(Line::about(rules::UNREADABLE, &agency, &file, &err.to_string()));
            return lines;
        }
        // A wrong layout is the agency's to put right (an error); another year is the user's
        // choice of what to merge (a warning).
        let set_aside = match e.status {
            Status::OtherFormat => Some(rules::OTHER_FORMAT),
            Status::OtherYear => Some(rules::OTHER_YEAR),
            _ => None,
        };
        if let (Some(rule), Some(reason)) = (set_aside, &e.reason) {
            lines.push(Line::about(rule, &agency, &file, reason));
        }
        let entry_format = e.format.unwrap_or(format);
        for f in merged.findings(e).unwrap_or_default() {
            lines.push(Line::finding(&agency, &file, entry_format, &f));
        }
        lines
    });
    super::findings::write_findings_sheet(ws, "校验结果", lines)?;
    Ok(())
}

/// Beijing time (UTC+8) of a file's modification, as Excel wants it.
fn beijing(t: std::time::SystemTime) -> Option<ExcelDateTime> {
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    ExcelDateTime::from_timestamp(secs + 8 * 3600).ok()
}

/// 报送情况: every roster member with what arrived from it, then files of no member.
fn reporting(ws: &mut Worksheet, merged: &Merged, styles: &Styles) -> std::result::Result<(), XlsxError> {
    ws.set_name("报送情况")?;
    let heads = [
        ("序号", 6.0),
        ("单位名称", 28.0),
        ("类别", 8.0),
        ("报送情况", 14.0),
        ("文件", 40.0),
        ("大小（字节）", 12.0),
        ("修改时间（北京时间）", 18.0),
        ("错误", 6.0),
        ("警告", 6.0),
        ("说明", 60.0),
    ];
    for (c, (name, width)) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &styles.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let mut row = 0u32;
    for line in merged.reporting() {
        row += 1;
        let bad = line.standing != Standing::File(Status::Counted);
        let style = if bad { &styles.bad } else { &styles.text };
        ws.write_number_with_format(row, 0, row as f64, &styles.number)?;
        ws.write_string_with_format(row, 1, &line.name, &styles.text)?;
        ws.write_string_with_format(row, 2, &line.category, &styles.text)?;
        ws.write_string_with_format(row, 3, line.standing.name(), style)?;
        if let Some(e) = line.entry {
            ws.write_string_with_format(row, 4, e.file.display().to_string(), &styles.text)?;
            ws.write_number_with_format(row, 5, e.size as f64, &styles.number)?;
            if let Some(t) = e.modified.and_then(beijing) {
                ws.write_datetime_with_format(row, 6, &t, &styles.date)?;
            }
            ws.write_number_with_format(row, 7, e.errors as f64, &styles.number)?;
            ws.write_number_with_format(row, 8, e.warnings as f64, &styles.number)?;
        }
        // Why it is not in the totals, how it was counted, or which roster name it may be.
        if let Some(note) = &line.note {
            ws.write_string_with_format(row, 9, note, &styles.bad)?;
        }
    }
    // Files in the folders that were not taken (a zip, a picture): a return may hide in one.
    for (file, reason) in &merged.passed_over {
        row += 1;
        ws.write_number_with_format(row, 0, row as f64, &styles.number)?;
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        ws.write_string_with_format(row, 1, name, &styles.text)?;
        ws.write_string_with_format(row, 3, "未读取（跳过）", &styles.bad)?;
        ws.write_string_with_format(row, 4, file.display().to_string(), &styles.text)?;
        ws.write_string_with_format(row, 9, reason, &styles.bad)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.max(1), heads.len() as u16 - 1)?;
    Ok(())
}

/// Agencies shown in the applications chart, most applications first.
const CHART_AGENCIES: usize = 30;

/// 图表: applications received per agency (the most first), and how the district's applications
/// were handled.
fn charts(
    ws: &mut Worksheet,
    merged: &Merged,
    ordered: &[&Entry],
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("图表")?;
    let format = merged.total.format;
    let new_total = format.cell_index("t3.new.total");
    let mut per_agency: Vec<(String, f64)> = ordered
        .iter()
        .filter(|e| e.status == Status::Counted)
        .map(|e| {
            let n = new_total
                .and_then(|i| merged.numbers(e).ok()?.get(i).copied())
                .filter(|n| !n.is_nan())
                .unwrap_or(0.0);
            (e.name(), n)
        })
        .collect();
    per_agency.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    per_agency.truncate(CHART_AGENCIES);
    ws.write_string_with_format(0, 0, "单位", &styles.header)?;
    ws.write_string_with_format(0, 1, "本年新收申请（件）", &styles.header)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 14)?;
    for (i, (name, n)) in per_agency.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 1, 0, name, &styles.text)?;
        ws.write_number_with_format(i as u32 + 1, 1, *n, &styles.number)?;
    }
    let last = per_agency.len().max(1) as u32;
    let mut bar = Chart::new(ChartType::Bar);
    bar.title().set_name("各单位本年新收政府信息公开申请（件）");
    bar.add_series()
        .set_categories(("图表", 1, 0, last, 0))
        .set_values(("图表", 1, 1, last, 1))
        .set_name("本年新收");
    bar.legend().set_hidden();
    bar.y_axis().set_reverse();
    ws.insert_chart(0, 3, &bar)?;
    // The outcome table beside the bar chart's data.
    let base = last + 3;
    ws.write_string_with_format(base, 0, "办理结果", &styles.header)?;
    ws.write_string_with_format(base, 1, "件数（全区）", &styles.header)?;
    let outcomes = format.layout().t3_outcomes();
    for (i, (label, rows)) in outcomes.iter().enumerate() {
        let sum: f64 = rows
            .iter()
            .filter_map(|r| merged.total.get(&format!("t3.{}.total", r.code)))
            .sum();
        ws.write_string_with_format(base + 1 + i as u32, 0, *label, &styles.text)?;
        ws.write_number_with_format(base + 1 + i as u32, 1, sum, &styles.number)?;
    }
    let mut pie = Chart::new(ChartType::Pie);
    pie.title().set_name("全区政府信息公开申请办理结果");
    pie.add_series()
        .set_categories(("图表", base + 1, 0, base + outcomes.len() as u32, 0))
        .set_values(("图表", base + 1, 1, base + outcomes.len() as u32, 1));
    ws.insert_chart(22, 3, &pie)?;
    Ok(())
}

/// 年度对比: the district totals of both years side by side for every cell whose meaning did not
/// change, then the agencies whose 上年结转 differs from their own 结转下年度继续办理 of last year.
fn year_over_year(
    ws: &mut Worksheet,
    merged: &Merged,
    previous: &Merged,
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("年度对比")?;
    let (this, last) = (&merged.total, &previous.total);
    let heads = [
        ("项目", 40.0),
        ("列", 16.0),
        (&*last.year_text(), 12.0),
        (&*this.year_text(), 12.0),
        ("增减", 10.0),
        ("增减率", 10.0),
    ];
    for (c, (name, width)) in heads.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(0, c as u16, *name, &styles.header)?;
    }
    let percent = Style::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let mut row = 1u32;
    for def in this
        .format
        .cells()
        .iter()
        .filter(|d| last.format.cell_index(&d.code).is_some())
    {
        let (group, label) = def.headers();
        ws.write_string_with_format(row, 0, group, &styles.text)?;
        ws.write_string_with_format(row, 1, label, &styles.text)?;
        let (a, b) = (last.get(&def.code), this.get(&def.code));
        for (col, v) in [(2, a), (3, b)] {
            if let Some(v) = v {
                ws.write_number_with_format(row, col, v, &styles.number)?;
            }
        }
        if let (Some(a), Some(b)) = (a, b) {
            ws.write_number_with_format(row, 4, b - a, &styles.number)?;
            if a != 0.0 {
                ws.write_number_with_format(row, 5, (b - a) / a, &percent)?;
            }
        }
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "上年结转与上一年度报告不衔接的单位", &styles.header)?;
    row += 1;
    for (c, name) in [
        "单位",
        "列",
        "本年“二、上年结转”",
        "上年“四、结转下年度继续办理”",
        "相差",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *name, &styles.header)?;
    }
    row += 1;
    let key = |e: &Entry| crate::agency::key(e.agency.as_deref().unwrap_or_default());
    for e in merged.ordered().into_iter().filter(|e| e.status == Status::Counted) {
        let Some(p) = previous
            .entries
            .iter()
            .find(|p| p.status == Status::Counted && key(p) == key(e))
        else {
            continue;
        };
        let (Ok(now), Ok(then)) = (merged.report_of(e), previous.report_of(p)) else {
            continue;
        };
        for col in T3_COLUMNS {
            let (Some(a), Some(b)) = (
                now.get(&format!("t3.carried.{}", col.code)),
                then.get(&format!("t3.carry_forward.{}", col.code)),
            ) else {
                continue;
            };
            if a != b {
                ws.write_string_with_format(row, 0, e.name(), &styles.bad)?;
                ws.write_string_with_format(row, 1, col.label, &styles.text)?;
                ws.write_number_with_format(row, 2, a, &styles.number)?;
                ws.write_number_with_format(row, 3, b, &styles.number)?;
                ws.write_number_with_format(row, 4, a - b, &styles.number)?;
                row += 1;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
