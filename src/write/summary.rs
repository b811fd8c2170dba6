//! The district summary workbook that `merge` writes.
//!
//! Sheets: 汇总 (the totals in the official layout), 分单位明细 (one row per agency, every cell a
//! column), 分类小计 (per roster category), 校验结果 (every finding), 报送情况 (who reported, who did
//! not), 图表. The per-agency sheets are written in rust_xlsxwriter's constant-memory mode, row by
//! row from the merge's spill file, so thousands of agencies do not fill memory.

use std::io::Seek;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format as Style, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::findings::Line;
use super::xlsx::spliced::Rows;
use crate::error::{ErrorKind, Result};
use crate::format::{CellDef, Format, T3_COLUMNS};
use crate::indicators::{self, Board, Measure, Pairs, INDICATORS};
use crate::model::district::{Entry, Merged, Standing, Status};
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
    let ordered = merged.ordered();
    let mut wb = build(merged, &ordered, previous).map_err(|e| ErrorKind::Write(format!("生成工作簿失败（{e}）")))?;
    let failed = |e: &dyn std::fmt::Display| ErrorKind::Write(format!("写入失败（{e}）"));
    if ordered.is_empty() {
        return wb.save_to_writer(out).map_err(|e| failed(&e));
    }
    // Saved first without 分单位明细's rows (in memory, or a temporary file once large), then
    // copied to `out` with them written in (see `detail`).
    let mut book = tempfile::SpooledTempFile::new(SPOOL);
    wb.save_to_writer(&mut book).map_err(|e| failed(&e))?;
    drop(wb);
    book.rewind().map_err(|e| failed(&e))?;
    let target = super::xlsx::spliced::Target {
        sheet: DETAIL_SHEET,
        probe_row: FIRST_ROW,
        probe: &PROBE,
        columns: (LEAD.len() + merged.total.format.cells().len()) as u16,
        level: SUMMARY_COMPRESSION,
    };
    super::xlsx::spliced::splice(
        book,
        &target,
        |looks, rows| detail_rows(rows, looks, merged, &ordered),
        out,
    )
    .map_err(|e| failed(&e))
}

/// The saved workbook without 分单位明细's rows is kept in memory up to this size (1 MB: at
/// 10,000 returns 8 MB raised the peak memory by a third), then in a temporary file.
const SPOOL: usize = 1 << 20;

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

fn build(merged: &Merged, ordered: &[&Entry], previous: Option<&Merged>) -> std::result::Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    // The summary is written after every return is read, on one thread, and deflating its sheets
    // (a row of a few hundred numbers per agency) was half of that time at the default level.
    // The fastest level makes the file larger (1,000 returns: 654 KB → 1.16 MB), which no one
    // waits for; the merge's time is what users wait for.
    wb.set_zip_compression_level(SUMMARY_COMPRESSION);
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
    let pairs = match previous {
        Some(p) => Some(indicators::pairs(merged, p).map_err(|e| XlsxError::ParameterError(e.to_string()))?),
        None => None,
    };
    // The other sheets are added in their order, then filled on two threads: 分单位明细 (a row of a
    // few hundred numbers per agency, half of the summary's time) on one, the rest on the other.
    let with_categories = merged
        .roster
        .as_ref()
        .is_some_and(|r| r.members.iter().any(|m| !m.category.is_empty()));
    let comparison = previous.zip(pairs.as_ref());
    wb.add_worksheet_with_constant_memory()?;
    wb.add_worksheet_with_constant_memory()?;
    if with_categories {
        wb.add_worksheet_with_constant_memory()?;
    }
    wb.add_worksheet_with_constant_memory()?;
    wb.add_worksheet_with_constant_memory()?;
    if comparison.is_some() {
        wb.add_worksheet();
    }
    // 图表 too: a row of chart data per agency. Its charts then carry no cached values; Excel,
    // WPS and LibreOffice draw them from the cells.
    wb.add_worksheet_with_constant_memory()?;
    // Constant-memory sheets number their formats in one table for the workbook as each is first
    // used. Numbered here, in a fixed order, the shared looks are only looked up from both threads:
    // the numbering does not depend on which thread gets to a look first (the file is the same
    // every time), and no two threads add the same look at once (rust_xlsxwriter's
    // `register_format` is for this).
    for style in [
        &styles.header,
        &styles.number,
        &styles.text,
        &styles.bad,
        &styles.total,
        &styles.date,
    ] {
        wb.register_format(style);
    }
    let [_, indicators, by_agency, rest @ ..] = wb.worksheets_mut().as_mut_slice() else {
        return Err(XlsxError::ParameterError("汇总工作簿缺少工作表".into()));
    };
    let mut rest = rest.iter_mut();
    let (by_agency, others) = rayon::join(
        || detail(by_agency, merged, ordered, &styles),
        || -> std::result::Result<(), XlsxError> {
            let mut next = || {
                rest.next()
                    .ok_or_else(|| XlsxError::ParameterError("汇总工作簿缺少工作表".into()))
            };
            // The board (a line per agency) is made here, beside 分单位明细, and not kept while
            // the other sheets are written.
            let board = indicators::board(merged, previous.zip(pairs.as_ref()))
                .map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            indicators_sheet(indicators, merged, &board, pairs.as_ref(), &styles)?;
            drop(board);
            if with_categories {
                categories(next()?, merged, ordered, &styles)?;
            }
            findings(next()?, merged, ordered)?;
            reporting(next()?, merged, &styles)?;
            if let Some((previous, pairs)) = comparison {
                year_over_year(next()?, merged, previous, pairs, &styles)?;
            }
            let chart_sheet = next()?;
            charts(chart_sheet, merged, ordered, pairs.as_ref(), &styles)?;
            print_setup(chart_sheet, merged, true, None, None)
        },
    );
    by_agency?;
    others?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(format!(
        "{} {}政府信息公开工作年度报告汇总",
        total.agency,
        total.year.map(|y| format!("{y} 年度")).unwrap_or_default()
    )));
    Ok(wb)
}

/// The summary's deflate level (1, fastest, to 9; zip's default is 6).
const SUMMARY_COMPRESSION: u8 = 1;

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
    // Header rows as tall as their longest wrapped name (at most five lines), set
    // before the rows are written: a constant-memory sheet forgets a row once written.
    for (row, texts) in [
        (0, heads.iter().map(|h| h.0.as_str()).collect::<Vec<_>>()),
        (1, heads.iter().map(|h| h.1.as_str()).collect()),
    ] {
        let lines = texts.iter().map(|t| super::xlsx::text_lines(t, 9.0)).max().unwrap_or(1);
        ws.set_row_height(row, super::xlsx::lines_height(lines.min(5)))?;
    }
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

/// The numbers of an entry, or the spill file's read error as the workbook's: a summary is never
/// written with a return's numbers silently missing.
fn numbers_of(merged: &Merged, e: &Entry) -> std::result::Result<Vec<f64>, XlsxError> {
    merged
        .numbers(e)
        .map_err(|err| XlsxError::ParameterError(err.to_string()))
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

/// 分单位明细 is the workbook's third sheet (`xl/worksheets/sheet3.xml`): 汇总, 指标, then it.
const DETAIL_SHEET: usize = 3;

/// 分单位明细's first row of an agency (0-based), below the two header rows.
const FIRST_ROW: u32 = 2;

/// The probe row's cells (see [`detail`]): 序号 (a number), 单位名称 (a text), 报送情况 (a text in
/// red), the first number column (a number in the column's own look).
const PROBE: [u16; 4] = [0, 1, 3, LEAD.len() as u16];

/// 分单位明细: one row per file (roster order, then the rest), then the totals. Everything but the
/// rows of the files is written here; in their place goes a probe row, a cell in each look
/// [`detail_rows`] uses, which `write_summary_to` replaces with those rows as it saves (see
/// `write::xlsx::spliced`): a few hundred numbers per agency cost a tenth of what they cost
/// through rust_xlsxwriter.
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
    if !ordered.is_empty() {
        ws.write_number_with_format(FIRST_ROW, PROBE[0], 1, &styles.number)?;
        ws.write_string_with_format(FIRST_ROW, PROBE[1], "样式", &styles.text)?;
        ws.write_string_with_format(FIRST_ROW, PROBE[2], "样式", &styles.bad)?;
        ws.write_number(FIRST_ROW, PROBE[3], 0)?;
    }
    let row = FIRST_ROW + ordered.len() as u32;
    ws.write_string_with_format(row, 1, format!("合计（{}）", merged.total.agency), &styles.total)?;
    write_numbers(ws, row, first, &merged.total.numbers(), Some(&styles.total))?;
    ws.set_freeze_panes(2, 2)?;
    print_setup(ws, merged, false, Some((0, 1)), Some((0, 1)))?;
    ws.autofilter(
        1,
        0,
        row.saturating_sub(1).max(1),
        first + format.cells().len() as u16 - 1,
    )?;
    Ok(())
}

/// 分单位明细's rows of the files, in the looks the probe row found: `[number, text, bad, column]`.
fn detail_rows<W: std::io::Write>(
    rows: &mut Rows<W>,
    looks: &[u32],
    merged: &Merged,
    ordered: &[&Entry],
) -> std::result::Result<(), String> {
    let &[number, text, bad, column] = looks else {
        return Err("分单位明细的探测行不全".into());
    };
    let first = LEAD.len() as u16;
    for ((n, e), row) in ordered.iter().enumerate().zip(FIRST_ROW..) {
        rows.start(row);
        rows.number(0, (n + 1) as f64, number)?;
        rows.text(1, &e.name(), text)?;
        rows.text(2, category_of(merged, e), text)?;
        rows.text(3, e.status.name(), if e.status == Status::Counted { text } else { bad })?;
        rows.number(4, e.errors as f64, if e.errors > 0 { bad } else { number })?;
        rows.number(5, e.warnings as f64, number)?;
        rows.text(6, &e.file.display().to_string(), text)?;
        // Files of another year or layout: their numbers do not fit these columns.
        if matches!(e.status, Status::Counted | Status::Superseded) {
            let numbers = merged.numbers(e).map_err(|err| err.to_string())?;
            for (col, n) in (first..).zip(numbers) {
                rows.number(col, n, column)?;
            }
        }
        rows.end()?;
    }
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
            for (s, n) in sums.iter_mut().zip(numbers_of(merged, e)?) {
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
    print_setup(ws, merged, false, Some((0, 1)), Some((0, 0)))?;
    Ok(())
}

/// 校验结果: every finding of every file, every file that could not be read, and why a file that
/// was read is not in the totals (`OTHER_YEAR`, `OTHER_FORMAT`).
fn findings(ws: &mut Worksheet, merged: &Merged, ordered: &[&Entry]) -> std::result::Result<(), XlsxError> {
    let format = merged.total.format;
    let lines = || {
        ordered.iter().flat_map(move |e| {
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
            match merged.findings(e) {
                Ok(found) => lines.extend(found.iter().map(|f| Line::finding(&agency, &file, entry_format, f))),
                // Said on the sheet rather than left out: the list must not look complete when
                // it is not.
                Err(err) => lines.push(Line::about(
                    rules::UNREADABLE,
                    &agency,
                    &file,
                    &format!("汇总时无法读回该文件的校验结果：{err}"),
                )),
            }
            lines
        })
    };
    super::findings::write_findings_sheet(ws, "校验结果", lines)?;
    print_setup(ws, merged, true, Some((0, 0)), None)
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
    print_setup(ws, merged, true, Some((0, 0)), None)?;
    ws.autofilter(0, 0, row.max(1), heads.len() as u16 - 1)?;
    Ok(())
}

/// 指标: each counted agency's indicators with its rank, the district (rate of the totals) and the
/// simple mean; with last year, the agencies of both years side by side; then what each means.
fn indicators_sheet(
    ws: &mut Worksheet,
    merged: &Merged,
    board: &Board,
    pairs: Option<&Pairs>,
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("指标")?;
    let percent = styles.number.clone().set_num_format("0.0%");
    let small = percent.clone().set_italic().set_font_color("#808080");
    let points = styles.number.clone().set_num_format("+0.0;-0.0;0.0");
    let title = Style::new().set_bold().set_font_size(14).set_font_name("宋体");
    let plain = Style::new().set_font_name("宋体").set_font_size(10);
    let total = &merged.total;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}{}政府信息公开指标",
            total.agency,
            total.year.map(|y| format!("{y}年度")).unwrap_or_default()
        ),
        &title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "比率的分母为 0 时不计算（留空）；分母小于 {} 的比率以灰色斜体显示并在“样本较小”列列出，仅供参考。排名按数值由高到低，数值相同排名相同。全区比率按全区合计计算（加权），下一行为各单位比率的简单平均。各指标的算法见本表末尾“指标说明”。",
            indicators::SMALL_SAMPLE
        ),
        &plain,
    )?;
    // Two header rows: a count takes one column, a rate its value and rank.
    let (h1, h2) = (3u32, 4u32);
    ws.merge_range(h1, 0, h2, 0, "序号", &styles.header)?;
    ws.merge_range(h1, 1, h2, 1, "单位名称", &styles.header)?;
    ws.set_column_width(0, 5)?;
    ws.set_column_width(1, 26)?;
    // A constant-memory sheet (a row per agency): every cell of a row is written before the next
    // row's, so the first header row is written whole (its merges reach into the second through
    // rust_xlsxwriter's write-ahead), then the second.
    let mut col = 2u16;
    let mut columns = Vec::new();
    for ind in INDICATORS {
        columns.push(col);
        match ind.measure {
            Measure::Count => {
                ws.merge_range(h1, col, h2, col, ind.name, &styles.header)?;
                ws.set_column_width(col, 9)?;
                col += 1;
            }
            Measure::Rate => {
                ws.merge_range(h1, col, h1, col + 1, ind.name, &styles.header)?;
                ws.set_column_width(col, 8)?;
                ws.set_column_width(col + 1, 5)?;
                col += 2;
            }
        }
    }
    let small_col = col;
    ws.merge_range(h1, small_col, h2, small_col, "样本较小", &styles.header)?;
    ws.set_column_width(small_col, 24)?;
    ws.set_row_height(h2, 16)?;
    for (ind, &col) in INDICATORS.iter().zip(&columns) {
        if ind.measure == Measure::Rate {
            ws.write_string_with_format(h2, col, "比率", &styles.header)?;
            ws.write_string_with_format(h2, col + 1, "排名", &styles.header)?;
        }
    }
    let write_line = |ws: &mut Worksheet,
                      row: u32,
                      line: &indicators::Line,
                      ranks: Option<usize>,
                      name_style: &Style|
     -> std::result::Result<(), XlsxError> {
        ws.write_string_with_format(row, 1, &line.name, name_style)?;
        let mut smalls = Vec::new();
        for (k, (ind, r)) in INDICATORS.iter().zip(line.readings()).enumerate() {
            let c = columns[k];
            let style = match ind.measure {
                Measure::Count => &styles.number,
                Measure::Rate if r.small() => &small,
                Measure::Rate => &percent,
            };
            match r.value {
                Some(v) => ws.write_number_with_format(row, c, v, style)?,
                None => ws.write_blank(row, c, style)?,
            };
            if ind.measure == Measure::Rate {
                if r.small() {
                    smalls.push(ind.name);
                }
                match ranks.and_then(|a| board.ranks[k][a]) {
                    Some(n) => ws.write_number_with_format(row, c + 1, n as f64, &styles.number)?,
                    None => ws.write_blank(row, c + 1, &styles.number)?,
                };
            }
        }
        ws.write_string_with_format(row, small_col, smalls.join("、"), &styles.text)?;
        Ok(())
    };
    let mut row = h2 + 1;
    for (a, line) in board.agencies.iter().enumerate() {
        ws.write_number_with_format(row, 0, (a + 1) as f64, &styles.number)?;
        write_line(ws, row, line, Some(a), &styles.text)?;
        row += 1;
    }
    let mut district = board.district.clone();
    district.name = format!("全区（{}，按合计计算）", total.agency);
    ws.write_blank(row, 0, &styles.total)?;
    write_line(ws, row, &district, None, &styles.total)?;
    row += 1;
    ws.write_blank(row, 0, &styles.text)?;
    ws.write_string_with_format(row, 1, "各单位简单平均", &styles.text)?;
    let tenths = styles.number.clone().set_num_format("0.0");
    for (k, ind) in INDICATORS.iter().enumerate() {
        let style = if ind.measure == Measure::Rate {
            &percent
        } else {
            &tenths
        };
        match board.mean[k] {
            Some(v) => ws.write_number_with_format(row, columns[k], v, style)?,
            None => ws.write_blank(row, columns[k], style)?,
        };
        if ind.measure == Measure::Rate {
            ws.write_blank(row, columns[k] + 1, &styles.number)?;
        }
    }
    ws.write_blank(row, small_col, &styles.text)?;
    row += 2;
    if let (Some(last), Some(pairs)) = (&board.last_year, pairs) {
        ws.write_string_with_format(row, 0, "与上年对比（仅两年都报送的单位）", &title)?;
        row += 1;
        ws.write_string_with_format(
            row,
            0,
            format!(
                "{}；下表只列两年都报送的单位，“可比单位合计”按这些单位两年的合计计算。比率的增减以百分点计。",
                pairs.coverage()
            ),
            &plain,
        )?;
        row += 1;
        let (h1, h2) = (row, row + 1);
        ws.merge_range(h1, 0, h2, 0, "序号", &styles.header)?;
        ws.merge_range(h1, 1, h2, 1, "单位名称", &styles.header)?;
        // An indicator's three columns (上年, 本年, 增减) from this one.
        let first = |k: usize| 2 + 3 * k as u16;
        for (k, ind) in INDICATORS.iter().enumerate() {
            ws.merge_range(h1, first(k), h1, first(k) + 2, ind.name, &styles.header)?;
        }
        for k in 0..INDICATORS.len() {
            for (i, head) in (0..).zip(["上年", "本年", "增减"]) {
                ws.write_string_with_format(h2, first(k) + i, head, &styles.header)?;
            }
        }
        row = h2 + 1;
        let compare = |ws: &mut Worksheet,
                       row: u32,
                       name: &str,
                       then: &indicators::Line,
                       now: &indicators::Line,
                       name_style: &Style|
         -> std::result::Result<(), XlsxError> {
            ws.write_string_with_format(row, 1, name, name_style)?;
            for (k, ind) in INDICATORS.iter().enumerate() {
                let c = first(k);
                let style = if ind.measure == Measure::Rate {
                    &percent
                } else {
                    &styles.number
                };
                let (a, b) = (then.reading(k).value, now.reading(k).value);
                for (i, v) in [a, b].into_iter().enumerate() {
                    match v {
                        Some(v) => ws.write_number_with_format(row, c + i as u16, v, style)?,
                        None => ws.write_blank(row, c + i as u16, style)?,
                    };
                }
                match (a, b, ind.measure) {
                    (Some(a), Some(b), Measure::Rate) => {
                        ws.write_number_with_format(row, c + 2, (b - a) * 100.0, &points)?
                    }
                    (Some(a), Some(b), Measure::Count) => {
                        ws.write_number_with_format(row, c + 2, b - a, &styles.number)?
                    }
                    _ => ws.write_blank(row, c + 2, &styles.number)?,
                };
            }
            Ok(())
        };
        let mut n = 0;
        for (a, now) in board.agencies.iter().enumerate() {
            if let Some(then) = &last.agencies[a] {
                n += 1;
                ws.write_number_with_format(row, 0, n as f64, &styles.number)?;
                compare(ws, row, &now.name, then, now, &styles.text)?;
                row += 1;
            }
        }
        ws.write_blank(row, 0, &styles.total)?;
        compare(
            ws,
            row,
            &format!("可比单位合计（{} 个）", last.compared),
            &last.last_district,
            &last.this_district,
            &styles.total,
        )?;
        row += 2;
    }
    ws.write_string_with_format(row, 0, "指标说明", &title)?;
    row += 1;
    // Each text merged over the indicator columns it sits under, wrapped, its row as tall as it
    // needs.
    let wrap = styles.text.clone().set_text_wrap().set_align(FormatAlign::Top);
    let spans = [(2u16, 9u16), (10, 15), (16, small_col)];
    let width = |(a, b): (u16, u16)| -> f64 {
        (a..=b)
            .map(|c| match c {
                _ if c == small_col => 24.0,
                _ => match columns.iter().position(|&x| x == c) {
                    Some(k) if INDICATORS[k].measure == Measure::Count => 9.0,
                    Some(_) => 8.0,
                    None => 5.0,
                },
            })
            .sum()
    };
    ws.write_string_with_format(row, 1, "指标", &styles.header)?;
    for (span, head) in spans
        .iter()
        .zip(["计算方法", "分子（单元格代码）", "分母（单元格代码）"])
    {
        ws.merge_range(row, span.0, row, span.1, head, &styles.header)?;
    }
    row += 1;
    for ind in INDICATORS {
        let (numerator, denominator) = ind.terms(total.format);
        ws.write_string_with_format(row, 1, ind.name, &wrap)?;
        let texts = [ind.words, numerator.as_str(), denominator.as_str()];
        let mut lines = 1;
        for (span, text) in spans.iter().zip(texts) {
            ws.merge_range(row, span.0, row, span.1, text, &wrap)?;
            lines = lines.max(super::xlsx::text_lines(text, width(*span)));
        }
        ws.set_row_height(row, super::xlsx::lines_height(lines))?;
        row += 1;
    }
    super::xlsx::end_constant_memory_sheet(ws, row)?;
    ws.set_freeze_panes(h2 + 1, 2)?;
    print_setup(ws, merged, true, Some((h1, h2)), Some((0, 1)))?;
    ws.set_print_area(0, 0, row, small_col.max(13))?;
    Ok(())
}

/// A4 print set-up of a summary sheet: `rows` and `cols` repeated on every page, landscape, fit
/// one page wide unless the sheet is one of those too wide to read at that size (`fit` false:
/// printed at 70 % over several pages across, the agency column repeated); the district and
/// year in the header.
fn print_setup(
    ws: &mut Worksheet,
    merged: &Merged,
    fit: bool,
    rows: Option<(u32, u32)>,
    cols: Option<(u16, u16)>,
) -> std::result::Result<(), XlsxError> {
    let total = &merged.total;
    let header = format!(
        "{}{}政府信息公开工作年度报告汇总",
        total.agency,
        total.year.map(|y| format!("{y}年度")).unwrap_or_default()
    );
    super::xlsx::page(ws, true, fit.then_some((1, 0)), &header);
    if !fit {
        // 207 columns cannot be read at one page's width; at 70 % a page takes some fifteen of
        // them beside the repeated agency column, in a 7-point font that still reads.
        ws.set_print_scale(70);
    }
    if let Some((first, last)) = rows {
        ws.set_repeat_rows(first, last)?;
    }
    if let Some((first, last)) = cols {
        ws.set_repeat_columns(first, last)?;
    }
    Ok(())
}

/// Height in pixels a bar takes in the per-agency chart, so every agency is labelled however many
/// there are.
const BAR_PIXELS: u32 = 20;

/// 图表: applications received by every counted agency (the most first; the chart grows with the
/// number of agencies, never cut to a top few), how the district's applications were handled
/// (values and percentages), and with last year the district's main figures of both years on the
/// agencies that reported both.
fn charts(
    ws: &mut Worksheet,
    merged: &Merged,
    ordered: &[&Entry],
    pairs: Option<&Pairs>,
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("图表")?;
    let format = merged.total.format;
    let new_total = format.cell_index("t3.new.total");
    let mut per_agency: Vec<(String, f64)> = ordered
        .iter()
        .filter(|e| e.status == Status::Counted)
        .map(|e| {
            let numbers = numbers_of(merged, e)?;
            let n = new_total
                .and_then(|i| numbers.get(i).copied())
                .filter(|n| !n.is_nan())
                .unwrap_or(0.0);
            Ok((e.name(), n))
        })
        .collect::<std::result::Result<_, XlsxError>>()?;
    per_agency.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // A constant-memory sheet: every row written whole, top to bottom.
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 14)?;
    ws.write_string_with_format(0, 0, "单位", &styles.header)?;
    ws.write_string_with_format(0, 1, "本年新收申请（件）", &styles.header)?;
    for (i, (name, n)) in per_agency.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 1, 0, name, &styles.text)?;
        ws.write_number_with_format(i as u32 + 1, 1, *n, &styles.number)?;
    }
    let last = per_agency.len().max(1) as u32;
    let small_font = rust_xlsxwriter::ChartFont::new().set_size(8).clone();
    let mut bar = Chart::new(ChartType::Bar);
    bar.title().set_name(&format!(
        "各单位本年新收政府信息公开申请（件，共 {} 个单位）",
        per_agency.len()
    ));
    bar.add_series()
        .set_categories(("图表", 1, 0, last, 0))
        .set_values(("图表", 1, 1, last, 1))
        .set_name("本年新收")
        .set_gap(40)
        .set_data_label(
            rust_xlsxwriter::ChartDataLabel::new()
                .show_value()
                .set_font(&small_font),
        );
    bar.legend().set_hidden();
    // In a bar chart the y axis holds the categories: the first agency on top, every name shown.
    bar.y_axis().set_reverse().set_font(&small_font);
    bar.x_axis().set_font(&small_font);
    bar.set_width(640).set_height(120 + BAR_PIXELS * last);
    // The pie (and last year's column chart) first, the bar chart below them: one chart wide, the
    // sheet prints at a size where each agency's bar keeps its name.
    let bar_top = if pairs.is_some() { 40 } else { 20 };
    ws.insert_chart(bar_top, 4, &bar)?;
    // The outcome table below the bar chart's data.
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
    pie.title().set_name("全区政府信息公开申请办理结果（件，占比）");
    pie.add_series()
        .set_categories(("图表", base + 1, 0, base + outcomes.len() as u32, 0))
        .set_values(("图表", base + 1, 1, base + outcomes.len() as u32, 1))
        .set_data_label(
            rust_xlsxwriter::ChartDataLabel::new()
                .show_value()
                .show_percentage()
                .show_leader_lines()
                .set_separator('\n'),
        );
    pie.set_width(640).set_height(380);
    ws.insert_chart(0, 4, &pie)?;
    let Some(pairs) = pairs else {
        return Ok(());
    };
    // This year against last, on the agencies of both years.
    let (now, then) = pairs.sums(format, pairs.both.first().map_or(format, |(_, _, b)| b.format));
    let top = base + outcomes.len() as u32 + 3;
    ws.write_string_with_format(top, 0, "主要数据（两年都报送的单位）", &styles.header)?;
    ws.write_string_with_format(top, 1, "上年", &styles.header)?;
    ws.write_string_with_format(top, 2, "本年", &styles.header)?;
    let figures: Vec<(&str, Option<f64>, Option<f64>)> = INDICATORS
        .iter()
        .filter(|i| i.measure == Measure::Count)
        .map(|i| (i.name, i.of(&then).value, i.of(&now).value))
        .chain(
            [
                ("予以公开", "t3.granted.total"),
                ("行政复议", "t4.review_total"),
                ("行政诉讼（直接起诉）", "t4.suit_direct_total"),
            ]
            .into_iter()
            .map(|(name, code)| (name, then.get(code), now.get(code))),
        )
        .collect();
    for (i, (name, a, b)) in figures.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string_with_format(row, 0, *name, &styles.text)?;
        for (col, v) in [(1, a), (2, b)] {
            match v {
                Some(v) => ws.write_number_with_format(row, col, *v, &styles.number)?,
                None => ws.write_blank(row, col, &styles.number)?,
            };
        }
    }
    let end = top + figures.len() as u32;
    let mut column = Chart::new(ChartType::Column);
    column.title().set_name(&format!("本年与上年（{}）", pairs.coverage()));
    for (col, name) in [(1, "上年"), (2, "本年")] {
        column
            .add_series()
            .set_categories(("图表", top + 1, 0, end, 0))
            .set_values(("图表", top + 1, col, end, col))
            .set_name(name)
            .set_data_label(
                rust_xlsxwriter::ChartDataLabel::new()
                    .show_value()
                    .set_font(&small_font),
            );
    }
    column.set_width(640).set_height(340);
    ws.insert_chart(20, 4, &column)?;
    Ok(())
}

/// 年度对比: the district totals of both years side by side for every cell whose meaning did not
/// change, then the agencies whose 上年结转 differs from their own 结转下年度继续办理 of last year.
fn year_over_year(
    ws: &mut Worksheet,
    merged: &Merged,
    previous: &Merged,
    pairs: &Pairs,
    styles: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("年度对比")?;
    // Year-over-year figures only on the agencies of both years: last year's folder may hold a few
    // of this year's agencies (or other ones), and totals of different sets say nothing.
    let (sums, note) = if pairs.both.is_empty() {
        (
            None,
            format!(
                "{}：没有两年都报送的单位，下表比较的是两年的全区合计，口径不同，增减仅供参考。",
                pairs.coverage()
            ),
        )
    } else {
        (
            Some(pairs.sums(merged.total.format, previous.total.format)),
            format!(
                "{}：下表“上年”“本年”两列只含这 {} 个单位，增减按它们计算；“本年全区”为本年全部单位的合计。",
                pairs.coverage(),
                pairs.both.len()
            ),
        )
    };
    let (this, last) = match &sums {
        Some((a, b)) => (a, b),
        None => (&merged.total, &previous.total),
    };
    ws.write_string(0, 0, note)?;
    let heads = [
        ("项目", 40.0),
        ("列", 16.0),
        (&*previous.total.year_text(), 12.0),
        (&*merged.total.year_text(), 12.0),
        ("增减", 10.0),
        ("增减率", 10.0),
        ("本年全区", 12.0),
    ];
    for (c, (name, width)) in heads.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(1, c as u16, *name, &styles.header)?;
    }
    let percent = Style::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let mut row = 2u32;
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
        if let Some(v) = merged.total.get(&def.code) {
            ws.write_number_with_format(row, 6, v, &styles.number)?;
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
    for (name, now, then) in &pairs.both {
        for col in T3_COLUMNS {
            let (Some(a), Some(b)) = (
                now.get(&format!("t3.carried.{}", col.code)),
                then.get(&format!("t3.carry_forward.{}", col.code)),
            ) else {
                continue;
            };
            if a != b {
                ws.write_string_with_format(row, 0, name, &styles.bad)?;
                ws.write_string_with_format(row, 1, col.label, &styles.text)?;
                ws.write_number_with_format(row, 2, a, &styles.number)?;
                ws.write_number_with_format(row, 3, b, &styles.number)?;
                ws.write_number_with_format(row, 4, a - b, &styles.number)?;
                row += 1;
            }
        }
    }
    ws.set_freeze_panes(2, 0)?;
    print_setup(ws, merged, true, Some((1, 1)), None)
}
