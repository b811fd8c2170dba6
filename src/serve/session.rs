//! What the page works on: the uploaded files in a temporary folder, the roster, and the last
//! merge. Every answer is built from the library's own functions and words; this module only
//! stores files and turns the library's results into JSON for the page.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use serde_json::{json, Value};

use super::http::Reply;
use super::Limits;
use crate::check::FileCheck;
use crate::date::beijing_now;
use crate::format::Format;
use crate::merge::{merge, Entry, MergeOptions, Merged, Standing};
use crate::read::{collect, why_skipped};
use crate::roster::Roster;
use crate::write::docx::report_docx;
use crate::write::html::title;
use crate::write::merged::{merged_json, write_merged_csv};
use crate::write::summary::write_summary_to;
use crate::write::xlsx::{findings_workbook, template};
use crate::write::{safe_file_name, unique_file_names};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// How far the current merge has read: `done` of `total` files.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files read.
    pub done: AtomicUsize,
    /// Files to read (0: no merge running).
    pub total: AtomicUsize,
}

/// The uploads, roster and last merge of one server run. Dropping it removes its folder.
pub struct Session {
    dir: tempfile::TempDir,
    /// Uploaded files (relative name with `/`) and their sizes, including uploads under way.
    files: BTreeMap<String, u64>,
    roster: Option<(String, Roster)>,
    merged: Option<Merged>,
    /// The last merge's indicators (JSON), worked out once: each reading of the result would
    /// otherwise read every report back from the spill.
    indicators: Value,
    next_part: u64,
}

/// Where an upload will go, reserved before its bytes arrive.
pub struct Slot {
    name: String,
    part: PathBuf,
    target: PathBuf,
    previous: Option<u64>,
}

impl Session {
    /// A session in a new temporary folder `nianbao-serve-…` (removed when the session is dropped).
    pub fn new() -> std::io::Result<Session> {
        let dir = tempfile::Builder::new().prefix("nianbao-serve-").tempdir()?;
        std::fs::create_dir_all(dir.path().join("files"))?;
        std::fs::create_dir_all(dir.path().join("parts"))?;
        Ok(Session {
            dir,
            files: BTreeMap::new(),
            roster: None,
            merged: None,
            indicators: Value::Null,
            next_part: 0,
        })
    }

    /// The session's folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn files_dir(&self) -> PathBuf {
        self.dir.path().join("files")
    }

    /// What the page shows on opening: years and their layouts, limits, roster, uploads, result.
    pub fn info(&self, limits: &Limits) -> Value {
        let this_year = year_now();
        let years: Vec<Value> = (2019..=this_year)
            .rev()
            .map(|year| {
                let format = Format::for_year(year);
                json!({ "year": year, "format": format.code(), "issued_by": format.layout().issued_by })
            })
            .collect();
        json!({
            "years": years,
            "default_year": this_year - 1,
            "limits": {
                "file_bytes": limits.file_bytes,
                "total_bytes": limits.total_bytes,
                "files": limits.files,
                "text": limits.describe(),
            },
            "roster": self.roster_json(),
            "uploaded": { "files": self.files.len(), "bytes": self.files.values().sum::<u64>() },
            "result": self.merged.as_ref().map(|m| result_json(m, &self.indicators)),
        })
    }

    fn roster_json(&self) -> Value {
        match &self.roster {
            Some((file, roster)) => json!({
                "file": file,
                "members": roster.members.iter().map(|m| json!({"name": m.name, "category": m.category})).collect::<Vec<_>>(),
            }),
            None => Value::Null,
        }
    }

    /// Takes a roster file's bytes.
    pub fn set_roster(&mut self, file: &str, bytes: &[u8]) -> Reply {
        match Roster::from_bytes(bytes) {
            Ok(r) if r.members.is_empty() => Reply::error(
                422,
                format!("“{file}”中没有单位：第一行应是“单位名称”（可另加“类别”），下面每行一个单位"),
            ),
            Ok(r) => {
                self.roster = Some((file.to_string(), r));
                Reply::json(200, &self.roster_json())
            }
            Err(kind) => Reply::error(422, format!("“{file}”：{kind}")),
        }
    }

    /// Forgets the roster.
    pub fn clear_roster(&mut self) -> Reply {
        self.roster = None;
        Reply::json(200, &Value::Null)
    }

    /// The blank template of `year` (its layout follows the year), for one agency or none.
    pub fn template(year: i32, agency: Option<&str>) -> Reply {
        let format = Format::for_year(year);
        match template(year, format, agency) {
            Ok(bytes) => {
                let name = match agency {
                    Some(a) => format!("{}-{year}年度年报模板.xlsx", safe_file_name(a)),
                    None => format!("{year}年度年报模板.xlsx"),
                };
                Reply::download(&name, XLSX, bytes)
            }
            Err(kind) => Reply::error(500, kind.to_string()),
        }
    }

    /// One template per roster member, `单位名称.xlsx`, in a zip.
    pub fn templates_zip(&self, year: i32) -> Reply {
        let Some((_, roster)) = &self.roster else {
            return Reply::error(409, "请先上传单位名单（CSV 或 Excel，第一行为“单位名称”）");
        };
        let format = Format::for_year(year);
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let (y, mo, d, h, mi, sec) = beijing_now();
        let mut options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        if let Ok(t) = zip::DateTime::from_date_and_time(y.clamp(1980, 2107) as u16, mo, d, h, mi, sec) {
            options = options.last_modified_time(t);
        }
        let names = unique_file_names(roster.members.iter().map(|m| m.name.as_str()));
        for (m, name) in roster.members.iter().zip(names) {
            let bytes = match template(year, format, Some(&m.name)) {
                Ok(b) => b,
                Err(kind) => return Reply::error(500, format!("“{}”的模板：{kind}", m.name)),
            };
            let written = zip
                .start_file(format!("{name}.xlsx"), options)
                .map_err(|e| e.to_string())
                .and_then(|()| zip.write_all(&bytes).map_err(|e| e.to_string()));
            if let Err(e) = written {
                return Reply::error(500, format!("生成压缩包失败（{e}）"));
            }
        }
        match zip.finish() {
            Ok(cursor) => Reply::download(
                &format!("{year}年度年报模板（{}个单位）.zip", roster.members.len()),
                "application/zip",
                cursor.into_inner(),
            ),
            Err(e) => Reply::error(500, format!("生成压缩包失败（{e}）")),
        }
    }

    /// Decides for each file the page is about to send whether to send it: `upload`, `skip` (not a
    /// report: lock file, hidden file, other kind) or `refuse` (over a limit), with the reason.
    pub fn plan(&self, items: &[(String, u64)], limits: &Limits) -> Value {
        let mut count = self.files.len();
        let mut total: u64 = self.files.values().sum();
        let mut planned: BTreeMap<String, u64> = BTreeMap::new();
        let rows: Vec<Value> = items
            .iter()
            .map(|(name, size)| {
                let Some(rel) = clean_name(name) else {
                    return json!({"name": name, "action": "skip", "message": "文件名无效"});
                };
                if let Some(why) = why_skipped(Path::new(&rel)) {
                    return json!({"name": name, "action": "skip", "message": why});
                }
                let before = planned.get(&rel).or(self.files.get(&rel)).copied();
                let refusal = limits.refusal(
                    *size,
                    count + usize::from(before.is_none()),
                    total.saturating_sub(before.unwrap_or(0)).saturating_add(*size),
                );
                if let Some(kind) = refusal {
                    return json!({"name": name, "action": "refuse", "message": kind.to_string()});
                }
                count += usize::from(before.is_none());
                total = total.saturating_sub(before.unwrap_or(0)).saturating_add(*size);
                planned.insert(rel, *size);
                json!({"name": name, "action": "upload"})
            })
            .collect();
        json!({ "files": rows })
    }

    /// Reserves room for an upload of `size` bytes named `name`, or says why not.
    pub fn reserve(&mut self, name: &str, size: u64, limits: &Limits) -> Result<Slot, Reply> {
        let rel = clean_name(name).ok_or_else(|| Reply::error(400, "文件名无效"))?;
        if let Some(why) = why_skipped(Path::new(&rel)) {
            return Err(Reply::error(422, format!("“{rel}”：{why}")));
        }
        let previous = self.files.get(&rel).copied();
        let count = self.files.len() + usize::from(previous.is_none());
        let total = self
            .files
            .values()
            .sum::<u64>()
            .saturating_sub(previous.unwrap_or(0))
            .saturating_add(size);
        if let Some(kind) = limits.refusal(size, count, total) {
            return Err(Reply::error(413, format!("“{rel}”：{kind}")));
        }
        self.files.insert(rel.clone(), size);
        self.next_part += 1;
        Ok(Slot {
            part: self.dir.path().join("parts").join(format!("{}.part", self.next_part)),
            target: self.files_dir().join(&rel),
            name: rel,
            previous,
        })
    }

    /// Gives a reservation back after a failed upload.
    pub fn release(&mut self, slot: &Slot) {
        let _ = std::fs::remove_file(&slot.part);
        match slot.previous {
            Some(size) => self.files.insert(slot.name.clone(), size),
            None => self.files.remove(&slot.name),
        };
    }

    /// Empties the uploads and forgets the last merge (the roster stays).
    pub fn clear_files(&mut self) -> Reply {
        self.merged = None;
        self.indicators = Value::Null;
        self.files.clear();
        let dir = self.files_dir();
        let result = std::fs::remove_dir_all(&dir).and_then(|()| std::fs::create_dir_all(&dir));
        match result {
            Ok(()) => Reply::json(200, &json!({ "files": 0 })),
            Err(e) => Reply::error(500, format!("无法清空临时文件夹（{e}）")),
        }
    }

    /// Reads, checks and adds up every uploaded file, as `nianbao merge` does.
    pub fn merge(&mut self, year: Option<i32>, name: &str, progress: &Progress) -> Reply {
        let base = self.files_dir();
        let inputs = match collect(std::slice::from_ref(&base)) {
            Ok(i) => i,
            Err(e) => return Reply::error(500, e.kind.to_string()),
        };
        if inputs.is_empty() {
            return Reply::error(409, "还没有收到报表：请先把各单位报来的文件拖到上面的框里");
        }
        let options = MergeOptions {
            roster: self.roster.as_ref().map(|(_, r)| r.clone()),
            name: if name.trim().is_empty() {
                "全区汇总".to_string()
            } else {
                name.trim().to_string()
            },
            year,
            ..MergeOptions::default()
        };
        progress.done.store(0, Ordering::SeqCst);
        progress.total.store(inputs.len(), Ordering::SeqCst);
        let result = merge(&inputs, &options, &|| {
            progress.done.fetch_add(1, Ordering::SeqCst);
        });
        progress.total.store(0, Ordering::SeqCst);
        match result {
            Ok(mut merged) => {
                merged.relative_to(&base);
                self.indicators = crate::indicators::board(&merged, None)
                    .map(|b| b.to_json())
                    .unwrap_or(Value::Null);
                let reply = Reply::json(200, &result_json(&merged, &self.indicators));
                self.merged = Some(merged);
                reply
            }
            Err(e) => {
                self.merged = None;
                self.indicators = Value::Null;
                // The library names the files by the paths it was given: show the names uploaded.
                let prefix = format!("{}{}", base.display(), std::path::MAIN_SEPARATOR);
                Reply::error(422, e.kind.to_string().replace(&prefix, ""))
            }
        }
    }

    /// The findings of the file behind row `id` of the table: sheet, cell and message each.
    pub fn findings(&self, id: usize) -> Reply {
        let Some(merged) = &self.merged else {
            return Reply::error(409, NO_RESULT);
        };
        let Some(entry) = merged.entries.get(id) else {
            return Reply::error(404, "没有这一行");
        };
        let rows = match merged.findings(entry) {
            Ok(rows) => rows,
            Err(e) => return Reply::error(500, e.to_string()),
        };
        let findings: Vec<Value> = rows
            .iter()
            .map(|f| {
                json!({
                    "severity": f.severity,
                    "severity_name": f.severity.name(),
                    "rule": f.rule,
                    "sheet": f.sheet,
                    "cell": f.a1,
                    "message": f.message,
                })
            })
            .collect();
        Reply::json(
            200,
            &json!({
                "name": entry.name(),
                "file": entry.file.display().to_string(),
                "error": entry.error.as_ref().map(|e| e.kind.to_string()),
                "reason": entry.reason,
                "findings": findings,
            }),
        )
    }

    /// One of the downloads of step 3; `name` is the summary's agency (empty: as merged).
    pub fn download(&mut self, what: &str, name: &str) -> Reply {
        let Some(merged) = &mut self.merged else {
            return Reply::error(409, NO_RESULT);
        };
        if !name.trim().is_empty() {
            merged.total.agency = name.trim().to_string();
        }
        let merged = &*merged;
        match what {
            "summary.xlsx" => {
                let mut out = std::io::Cursor::new(Vec::new());
                match write_summary_to(merged, None, &mut out) {
                    Ok(()) => Reply::download("汇总.xlsx", XLSX, out.into_inner()),
                    Err(kind) => Reply::error(500, kind.to_string()),
                }
            }
            "findings.xlsx" => {
                match checks(merged).and_then(|items| findings_workbook(&items).map_err(|k| crate::Error::new("", k))) {
                    Ok(bytes) => Reply::download("校验结果.xlsx", XLSX, bytes),
                    Err(e) => Reply::error(500, e.kind.to_string()),
                }
            }
            "returns.zip" => {
                let mut out = std::io::Cursor::new(Vec::new());
                match checks(merged).and_then(|items| {
                    crate::write::returns::write_returns_zip(&items, &mut out).map_err(|k| crate::Error::new("", k))
                }) {
                    Ok(_) => Reply::download("退回文件.zip", "application/zip", out.into_inner()),
                    Err(e) => Reply::error(500, e.kind.to_string()),
                }
            }
            "summary.csv" => {
                let mut out = Vec::new();
                match write_merged_csv(merged, &mut out, true) {
                    Ok(()) => Reply::download("汇总.csv", "text/csv; charset=utf-8", out),
                    Err(e) => Reply::error(500, e.kind.to_string()),
                }
            }
            "summary.json" => match merged_json(merged, None) {
                Ok(text) => Reply::download("汇总.json", "application/json; charset=utf-8", text.into_bytes()),
                Err(e) => Reply::error(500, e.kind.to_string()),
            },
            "report.docx" => match report_docx(&merged.total) {
                Ok(bytes) => Reply::download(
                    &format!("{}（草稿）.docx", safe_file_name(&title(&merged.total))),
                    DOCX,
                    bytes,
                ),
                Err(kind) => Reply::error(500, kind.to_string()),
            },
            _ => Reply::error(404, "没有这个下载"),
        }
    }

    /// The page's table again (after reloading the page).
    pub fn result(&self) -> Reply {
        match &self.merged {
            Some(m) => Reply::json(200, &result_json(m, &self.indicators)),
            None => Reply::json(200, &Value::Null),
        }
    }
}

impl Slot {
    /// Writes the upload's bytes (exactly `size` of them) and puts the file in place with the
    /// modification time it had on the user's disk, which decides between two returns of one
    /// agency. On failure the caller releases the slot.
    pub fn fill(&self, body: &mut dyn Read, size: u64, modified: Option<SystemTime>) -> Result<(), Reply> {
        let fail = |e: std::io::Error| Reply::error(500, format!("“{}”：无法保存到临时文件夹（{e}）", self.name));
        let mut file = std::fs::File::create(&self.part).map_err(fail)?;
        let copied = std::io::copy(&mut body.take(size), &mut file).map_err(fail)?;
        if copied != size {
            return Err(Reply::error(
                400,
                format!(
                    "“{}”：上传中断（收到 {copied} 字节，应为 {size} 字节），请重新上传",
                    self.name
                ),
            ));
        }
        if let Some(t) = modified {
            file.set_modified(t).map_err(fail)?;
        }
        drop(file);
        if let Some(parent) = self.target.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        std::fs::rename(&self.part, &self.target).map_err(fail)
    }

    /// The file's name as the page will show it.
    pub fn name(&self) -> &str {
        &self.name
    }
}

const NO_RESULT: &str = "还没有汇总结果：请先在第 2 步上传各单位的报表";

/// An uploaded file's path inside the session: folders kept, every part made safe, `..` and empty
/// parts dropped. `None` when nothing is left.
fn clean_name(name: &str) -> Option<String> {
    let parts: Vec<String> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(safe_file_name)
        .collect();
    if parts.is_empty() || parts.len() > 32 || parts.iter().any(|p| p.len() > 240) {
        return None;
    }
    Some(parts.join("/"))
}

/// The table of step 2: the headline, then one row per agency as in the 报送情况 sheet, and the
/// `indicators` worked out after the merge.
fn result_json(merged: &Merged, indicators: &Value) -> Value {
    let index = |e: &Entry| merged.entries.iter().position(|x| std::ptr::eq(x, e));
    let lines = merged.reporting();
    let rows: Vec<Value> = lines
        .iter()
        .map(|line| {
            let e = line.entry;
            json!({
                "id": e.and_then(index),
                "name": line.name,
                "category": line.category,
                "standing": line.standing.code(),
                "status": line.standing.name(),
                "file": e.map(|e| e.file.display().to_string()).unwrap_or_default(),
                "errors": e.map_or(0, |e| e.errors),
                "warnings": e.map_or(0, |e| e.warnings),
                "error": e.and_then(|e| e.error.as_ref()).map(|err| err.kind.to_string()),
                "reason": line.note,
            })
        })
        .collect();
    let findings: Vec<Value> = merged
        .total_findings
        .iter()
        .map(|f| json!({"severity": f.severity, "severity_name": f.severity.name(), "rule": f.rule, "message": f.message}))
        .collect();
    let mut counts: Vec<(Standing, usize)> = Vec::new();
    for line in &lines {
        match counts.iter_mut().find(|(s, _)| *s == line.standing) {
            Some((_, n)) => *n += 1,
            None => counts.push((line.standing.clone(), 1)),
        }
    }
    counts.sort_by_key(|(s, _)| s.code() != "counted");
    let counts: Vec<Value> = counts
        .iter()
        .map(|(s, n)| json!({"standing": s.code(), "status": s.name(), "count": n}))
        .collect();
    json!({
        "headline": merged.headline(),
        "counts": counts,
        "agency": merged.total.agency,
        "year": merged.total.year,
        "format": merged.total.format.code(),
        "rows": rows,
        "missing": merged.missing.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
        "total_findings": findings,
        "indicators": indicators,
    })
}

/// Every file of the merge with its findings and its report as kept, for the 校验结果 workbook (as
/// `check --report`): nothing is read again.
fn checks(merged: &Merged) -> crate::Result<Vec<(FileCheck, Option<crate::model::Report>)>> {
    merged
        .ordered()
        .into_iter()
        .map(|e| {
            let name = e.file.display().to_string();
            if let Some(err) = &e.error {
                return Ok((FileCheck::unreadable(err), None));
            }
            let report = merged.report_of(e)?;
            let findings = merged.findings(e)?;
            Ok((FileCheck::found(&name, &report, findings), Some(report)))
        })
        .collect()
}

fn year_now() -> i32 {
    beijing_now().0 as i32
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_stay_inside() {
        assert_eq!(
            clean_name("district/街道/东湖.xlsx").as_deref(),
            Some("district/街道/东湖.xlsx")
        );
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(clean_name("C:\\x\\a?.xlsx").as_deref(), Some("C_/x/a_.xlsx"));
        assert_eq!(clean_name("/../"), None);
    }

    #[test]
    fn beijing_time_turns_the_year_eight_hours_early() {
        // 2025-12-31 16:00 UTC is already 2026 in Beijing.
        let new_year = crate::date::days_from_civil(2025, 12, 31) * 86_400 + 16 * 3600;
        assert_eq!(crate::date::beijing(new_year).0, 2026);
        assert_eq!(crate::date::beijing(new_year - 1).0, 2025);
    }
}
