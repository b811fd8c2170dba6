//! Returns to send back (退回): for each file with an error or a warning, a workbook of its own
//! named `<单位>-<年度>-校验结果.xlsx` (its numbers in the official layout, every faulty cell red
//! with a note, and its list of findings — the findings workbook of that one file), and a short
//! 退回清单 for the clerk: agency, year, errors, warnings, the file received, the workbook to mail.
//!
//! A file that could not be read is sent back too, under its own file name
//! (`<文件名>-无法读取-校验结果.xlsx`): the agency has to send it again. Files with nothing wrong,
//! or only remarks (提示), are not.

use std::io::{Seek, Write};

use rust_xlsxwriter::{Format as Style, FormatBorder, Workbook, XlsxError};

use crate::error::ErrorKind;
use crate::model::{FileCheck, Report, Severity};

/// One file to send back.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// The agency as read (for an unreadable file, nothing).
    pub agency: Option<String>,
    /// The year as read.
    pub year: Option<i32>,
    /// The file received, as named in the batch.
    pub file: String,
    /// Errors found (an unreadable file counts one).
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// The first error (or warning), in Chinese, for the list.
    pub first: String,
    /// The name of its workbook, unique within the batch.
    pub name: String,
    /// Which item of the batch it is.
    pub index: usize,
}

/// The file name of the 退回清单.
pub const LIST_NAME: &str = "退回清单.xlsx";

/// The files of a checked batch to send back, in batch order, each with a workbook name unique
/// in the batch (a second return of one agency and year gets `（2）`).
///
/// ```
/// use nianbao::check::FileCheck;
/// use nianbao::format::Format;
/// use nianbao::model::Report;
/// use nianbao::write::returns::to_send_back;
///
/// let mut r = Report::new("区财政局", 2024, Format::F2021);
/// for c in Format::F2021.cells() { r.set(&c.code, 0.0); }
/// r.set("t4.review_upheld", 1.0); // 总计 still 0
/// let bad = FileCheck::of("区财政局.xlsx", &r, None);
/// let list = to_send_back(&[bad]);
/// assert_eq!(list[0].name, "区财政局-2024年度-校验结果.xlsx");
/// assert_eq!(list[0].errors, 1);
/// ```
pub fn to_send_back(checks: &[FileCheck]) -> Vec<Return> {
    let mut taken = rustc_hash::FxHashSet::default();
    let mut out = Vec::new();
    for (index, c) in checks.iter().enumerate() {
        let errors = c.count(Severity::Error) + usize::from(!c.readable);
        let warnings = c.count(Severity::Warning);
        if errors + warnings == 0 {
            continue;
        }
        let stem = match (&c.agency, c.readable) {
            (Some(agency), true) => format!(
                "{}-{}",
                agency,
                c.year.map_or_else(|| "年度未知".to_string(), |y| format!("{y}年度"))
            ),
            _ => format!("{}-无法读取", super::xlsx::file_stem(&c.file)),
        };
        let mut name = super::safe_file_name(&format!("{stem}-校验结果.xlsx"));
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = super::safe_file_name(&format!("{stem}（{n}）-校验结果.xlsx"));
        }
        let first = match &c.error {
            Some(e) => e.clone(),
            None => c
                .findings
                .iter()
                .find(|f| f.severity != Severity::Info)
                .map(|f| f.message.clone())
                .unwrap_or_default(),
        };
        out.push(Return {
            agency: c.agency.clone().filter(|_| c.readable),
            year: c.year,
            file: c.file.clone(),
            errors,
            warnings,
            first,
            name,
            index,
        });
    }
    out
}

/// The workbook of one return: the findings workbook of that file alone.
pub fn return_workbook(check: &FileCheck, report: Option<&Report>) -> Result<Vec<u8>, ErrorKind> {
    super::xlsx::findings_workbook(&[(check.clone(), report.cloned())])
}

/// The 退回清单: one row per return, with totals.
pub fn list_workbook(list: &[Return]) -> Result<Vec<u8>, ErrorKind> {
    let mut wb = Workbook::new();
    list_sheet(&mut wb, list)
        .and_then(|()| wb.save_to_buffer())
        .map_err(|e| ErrorKind::Write(format!("无法生成退回清单（{e}）")))
}

/// The columns of the 退回清单: header and width.
const LIST_COLUMNS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("单位", 28.0),
    ("年度", 8.0),
    ("错误", 6.0),
    ("警告", 6.0),
    ("收到的文件", 36.0),
    ("发回的校验结果", 40.0),
    ("主要问题", 70.0),
];

fn list_sheet(wb: &mut Workbook, list: &[Return]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("退回清单")?;
    let base = Style::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin);
    let header = base.clone().set_bold().set_background_color("#DDEBF7");
    let wrap = base.clone().set_text_wrap();
    let red = base.clone().set_font_color("#C00000");
    for (c, (title, width)) in (0..).zip(LIST_COLUMNS) {
        ws.set_column_width(c, *width)?;
        ws.write_string_with_format(0, c, *title, &header)?;
    }
    for (i, r) in list.iter().enumerate() {
        let row = i as u32 + 1;
        let lines = super::xlsx::text_lines(&r.first, LIST_COLUMNS[7].1)
            .max(super::xlsx::text_lines(&r.file, LIST_COLUMNS[5].1));
        if lines > 1 {
            ws.set_row_height(row, super::xlsx::lines_height(lines.min(8)))?;
        }
        ws.write_number_with_format(row, 0, (i + 1) as f64, &base)?;
        ws.write_string_with_format(row, 1, r.agency.as_deref().unwrap_or("（无法读取）"), &base)?;
        match r.year {
            Some(y) => ws.write_number_with_format(row, 2, f64::from(y), &base)?,
            None => ws.write_string_with_format(row, 2, "", &base)?,
        };
        let errors = if r.errors > 0 { &red } else { &base };
        ws.write_number_with_format(row, 3, r.errors as f64, errors)?;
        ws.write_number_with_format(row, 4, r.warnings as f64, &base)?;
        ws.write_string_with_format(row, 5, &r.file, &wrap)?;
        ws.write_string_with_format(row, 6, &r.name, &wrap)?;
        ws.write_string_with_format(row, 7, &r.first, &wrap)?;
    }
    let end = list.len() as u32 + 1;
    ws.write_string_with_format(end, 1, format!("共 {} 份", list.len()), &header)?;
    for (col, n) in [
        (3, list.iter().map(|r| r.errors).sum::<usize>()),
        (4, list.iter().map(|r| r.warnings).sum()),
    ] {
        ws.write_number_with_format(end, col, n as f64, &header)?;
    }
    ws.autofilter(0, 0, end.saturating_sub(1).max(1), LIST_COLUMNS.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    super::xlsx::page(ws, true, Some((1, 0)), "退回清单");
    Ok(())
}

/// Every return's workbook and the 退回清单 as one zip (the page's download), written to `out`.
/// Entries are stored with a fixed time, so the same batch gives the same bytes.
pub fn write_returns_zip(items: &[(FileCheck, Option<Report>)], out: impl Write + Seek) -> Result<usize, ErrorKind> {
    let checks: Vec<FileCheck> = items.iter().map(|(c, _)| c.clone()).collect();
    let list = to_send_back(&checks);
    let failed = |e: zip::result::ZipError| ErrorKind::Write(format!("无法生成退回文件压缩包（{e}）"));
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for r in &list {
        let (check, report) = &items[r.index];
        let bytes = return_workbook(check, report.as_ref())?;
        zip.start_file(r.name.as_str(), options).map_err(failed)?;
        zip.write_all(&bytes).map_err(|e| failed(e.into()))?;
    }
    zip.start_file(LIST_NAME, options).map_err(failed)?;
    zip.write_all(&list_workbook(&list)?).map_err(|e| failed(e.into()))?;
    zip.finish().map_err(failed)?;
    Ok(list.len())
}
