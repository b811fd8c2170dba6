//! JSON of a report, with its findings: the data contract of `fixtures/spec/README.md` (a copy of the shared spec).

use serde::Serialize;

use crate::model::{Finding, Report};

/// A report with its findings, serialized as `{agency, year, format, t2, t3, t4, [sections], source, findings}`.
#[derive(Serialize)]
pub struct ReportJson<'a> {
    /// The report.
    #[serde(flatten)]
    pub report: &'a Report,
    /// What `check` found.
    pub findings: &'a [Finding],
}

/// Pretty JSON of one report and its findings, ending with a newline.
///
/// ```
/// use nianbao::{format::Format, model::Report, write::json::report_json};
/// let mut r = Report::new("某某局", 2024, Format::F2021);
/// r.set("t4.review_total", 2.0);
/// let json = report_json(&r, &[]);
/// let v: serde_json::Value = serde_json::from_str(&json).unwrap();
/// assert_eq!(v["t4"]["review_total"], 2);
/// assert_eq!(v["t3"]["new"]["natural"], serde_json::Value::Null);
/// assert_eq!(v["format"], "2021");
/// ```
pub fn report_json(report: &Report, findings: &[Finding]) -> String {
    let mut out = Vec::new();
    let _ = write_report_json(report, findings, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`report_json`], written to `out`.
pub fn write_report_json(report: &Report, findings: &[Finding], mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &ReportJson { report, findings })?;
    out.write_all(b"\n")
}
