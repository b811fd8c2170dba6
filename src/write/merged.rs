//! A merge's JSON and long CSV: the district totals with every agency's file and standing, and
//! every counted agency's cells then the totals, one a line.

use std::io::Write;

use crate::error::{ErrorKind, Result};
use crate::model::district::{Merged, Status};

/// The JSON of a merge: the report schema for the totals plus `agencies`, `missing`, `unexpected`,
/// `duplicates`, `passed_over` and `indicators` (see [`crate::indicators::Board::to_json`]; with
/// last year's merge, each agency's and the comparable district's last year); pretty, ending with
/// a newline.
pub fn merged_json(merged: &Merged, previous: Option<&Merged>) -> Result<String> {
    let mut v = serde_json::to_value(super::json::ReportJson {
        report: &merged.total,
        findings: &merged.total_findings,
    })
    .unwrap_or_default();
    let agencies: Vec<serde_json::Value> = merged
        .ordered()
        .iter()
        .map(|e| {
            serde_json::json!({
                "agency": e.agency,
                "file": e.file.display().to_string(),
                "readable": e.status != Status::Unreadable,
                "status": e.status,
                "year": e.year,
                "year_assumed": e.year_assumed,
                "error": e.error.as_ref().map(ToString::to_string),
                "reason": e.reason,
                "suggest": merged.suggestion(e),
                "errors": e.errors,
                "warnings": e.warnings,
            })
        })
        .collect();
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("agencies".into(), agencies.into());
        m.insert(
            "missing".into(),
            merged.missing.iter().map(|m| m.name.clone()).collect::<Vec<_>>().into(),
        );
        m.insert("unexpected".into(), merged.unexpected.clone().into());
        m.insert(
            "duplicates".into(),
            serde_json::to_value(&merged.duplicates).unwrap_or_default(),
        );
        let passed: Vec<serde_json::Value> = merged
            .passed_over
            .iter()
            .map(|(file, reason)| serde_json::json!({"file": file.display().to_string(), "reason": reason}))
            .collect();
        m.insert("passed_over".into(), passed.into());
        let pairs = previous.map(|p| crate::indicators::pairs(merged, p)).transpose()?;
        let board = crate::indicators::board(merged, previous.zip(pairs.as_ref()))?;
        m.insert("indicators".into(), board.to_json());
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    Ok(s)
}

/// Writes the JSON of a merge ([`merged_json`]) to `out`.
pub fn write_merged_json(merged: &Merged, previous: Option<&Merged>, mut out: impl Write) -> Result<()> {
    out.write_all(merged_json(merged, previous)?.as_bytes())
        .map_err(|e| crate::Error::new("", ErrorKind::Write(format!("写入失败（{e}）"))))
}

/// Writes the long CSV of every counted agency, then the totals, to `out` (with a BOM unless `bom`
/// is false), one report at a time.
pub fn write_merged_csv(merged: &Merged, out: impl Write, bom: bool) -> Result<()> {
    let mut w = super::csv::LongCsv::new(out, bom);
    for e in merged.ordered().into_iter().filter(|e| e.status == Status::Counted) {
        w.push(&merged.report_of(e)?);
    }
    w.push(&merged.total);
    w.try_finish()
        .map(|_| ())
        .map_err(|e| crate::Error::new("", ErrorKind::Write(format!("写入失败（{e}）"))))
}
