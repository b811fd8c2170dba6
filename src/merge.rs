//! Merge: many agencies' returns into one district summary, streaming and in parallel.
//!
//! Inputs are read in parallel (rayon); each report is checked at once, and only its numbers and
//! findings are kept — spilled to an anonymous temporary file — so memory stays flat however many
//! returns there are. Then the summary is decided from small per-file records: which files count
//! (one per agency: the most recently modified), who is missing from the roster, who is unexpected,
//! and the district totals, which obey every rule when the inputs do.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::check::{check, FileCheck};
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::model::{Finding, Report, Severity, Value};
use crate::read::label::normalize;
use crate::read::{read_path, Options};
use crate::roster::{Member, Roster};

/// What a merge is asked to do beyond adding up.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Who must report; enables missing/unexpected lists and category subtotals.
    pub roster: Option<Roster>,
    /// The name of the summary's agency (e.g. `某某区人民政府`).
    pub name: String,
    /// Only reports of this year count; others are listed as excluded.
    pub year: Option<i32>,
    /// How each input is read (limits).
    pub read: Options,
}

/// What became of one input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Read and added in.
    Counted,
    /// Read, but another file of the same agency was newer and counted instead.
    Superseded,
    /// Could not be read.
    Unreadable,
    /// Read, but of another year than the one merged (`--year`, or the one year all reports name).
    OtherYear,
    /// Read, of the year merged, but in the other official layout (a 2019-layout form sent for
    /// 2024). Not added: see [`Entry::reason`] for why and what the agency should do.
    OtherFormat,
}

impl Status {
    /// The word the 报送情况 sheet shows.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Counted => "已报送",
            Status::Superseded => "重复（未计入）",
            Status::Unreadable => "无法读取",
            Status::OtherYear => "年度不符（未计入）",
            Status::OtherFormat => "格式不符（未计入）",
        }
    }
}

/// One input file and what was read from it (numbers and findings live in the spill file).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file.
    pub file: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last modified.
    pub modified: Option<SystemTime>,
    /// Agency, year and layout read (unreadable: none).
    pub agency: Option<String>,
    /// The report year.
    pub year: Option<i32>,
    /// The layout.
    pub format: Option<Format>,
    /// Why it could not be read.
    pub error: Option<Error>,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// What became of it.
    pub status: Status,
    /// The roster member it belongs to.
    pub member: Option<usize>,
    /// Why a file that was read is not in the totals, and what to do about it (Chinese, for the
    /// 报送情况 and 校验结果 sheets, the JSON and the terminal). None for counted, superseded and
    /// unreadable files (the last carry their [`Entry::error`]).
    pub reason: Option<String>,
    slot: Option<Slot>,
}

impl Entry {
    /// Whether the agency has to send this return again before the district is complete: it
    /// could not be read, it is in the wrong layout for the year, or it names no year.
    pub fn needs_resending(&self) -> bool {
        match self.status {
            Status::Unreadable | Status::OtherFormat => true,
            Status::OtherYear => self.year == Some(0),
            Status::Counted | Status::Superseded => false,
        }
    }

    /// The agency, or for a file that could not be read, its file name without extension.
    pub fn name(&self) -> String {
        self.agency.clone().unwrap_or_else(|| {
            self.file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
    }
}

/// Where an agency stands in the 报送情况 list: what became of its file, or that none came.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Its file, and what became of it.
    File(Status),
    /// In the roster, nothing received.
    Missing,
    /// Counted, but not in the roster.
    Unexpected,
}

impl Standing {
    /// The word the 报送情况 sheet and the page show.
    pub fn name(&self) -> &'static str {
        match self {
            Standing::File(s) => s.name(),
            Standing::Missing => "未报送",
            Standing::Unexpected => "名单外（已计入）",
        }
    }

    /// A stable ASCII code: `counted`, `superseded`, `unreadable`, `other_year`, `other_format`,
    /// `missing`, `unexpected`.
    pub fn code(&self) -> &'static str {
        match self {
            Standing::File(Status::Counted) => "counted",
            Standing::File(Status::Superseded) => "superseded",
            Standing::File(Status::Unreadable) => "unreadable",
            Standing::File(Status::OtherYear) => "other_year",
            Standing::File(Status::OtherFormat) => "other_format",
            Standing::Missing => "missing",
            Standing::Unexpected => "unexpected",
        }
    }
}

/// One line of the 报送情况 list.
#[derive(Debug, Clone)]
pub struct Reported<'a> {
    /// The roster name, else the agency read, else the file name.
    pub name: String,
    /// The roster category, empty when there is none.
    pub category: String,
    /// What arrived from it.
    pub standing: Standing,
    /// Its file; none when missing.
    pub entry: Option<&'a Entry>,
}

/// Two or more files of one agency.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Duplicate {
    /// The agency.
    pub agency: String,
    /// Every file of it.
    pub files: Vec<String>,
    /// The one counted (the most recently modified).
    pub counted: String,
}

/// The result of a merge: totals, per-file records, roster comparison.
pub struct Merged {
    /// Every input file, sorted by path.
    pub entries: Vec<Entry>,
    /// The district totals as a report.
    pub total: Report,
    /// The checks of the totals.
    pub total_findings: Vec<Finding>,
    /// The roster, if one was given.
    pub roster: Option<Roster>,
    /// Roster members with no readable file.
    pub missing: Vec<Member>,
    /// Agencies counted that are not in the roster.
    pub unexpected: Vec<String>,
    /// Agencies with more than one file.
    pub duplicates: Vec<Duplicate>,
    /// Files found in the folders and not taken, with the reason (a zip, a picture), as
    /// [`crate::read::collect_noting`] lists them: set by the caller, shown in 报送情况 and the JSON
    /// so that a return sent in such a file is seen.
    pub passed_over: Vec<crate::read::PassedOver>,
    spill: Spill,
}

/// Reads, checks and adds up `inputs`. `progress` is called once per file read (from any thread).
///
/// Unreadable files are kept as entries with their error. The year merged is `options.year`, else
/// the one year every readable report names; reports of another year, or of that year in the other
/// layout, are kept as entries with the reason they are not added ([`Status::OtherYear`],
/// [`Status::OtherFormat`]). The merge fails only when, without a year given, the readable reports
/// name different years: which one the district means is the user's decision.
pub fn merge(inputs: &[PathBuf], options: &MergeOptions, progress: &(dyn Fn() + Sync)) -> Result<Merged> {
    let spill = Spill::new()?;
    let mut entries: Vec<Entry> = inputs
        .par_iter()
        .map(|path| {
            let entry = read_one(path, &options.read, &spill);
            progress();
            entry
        })
        .collect::<Result<Vec<Entry>>>()?;
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let (year, format) = settle_kind(&mut entries, options)?;
    let duplicates = settle_duplicates(&mut entries);
    let (missing, unexpected) = match &options.roster {
        Some(roster) => match_roster(&mut entries, roster),
        None => (Vec::new(), Vec::new()),
    };
    let mut total = Report::new(&options.name, year, format);
    total.source.kind = "summary".into();
    total.source.file = format!(
        "{} 份报表",
        entries.iter().filter(|e| e.status == Status::Counted).count()
    );
    for e in entries.iter().filter(|e| e.status == Status::Counted) {
        let numbers = spill.numbers(e.slot.as_ref())?;
        add(&mut total, &numbers);
    }
    let total_findings = check(&total);
    Ok(Merged {
        entries,
        total,
        total_findings,
        roster: options.roster.clone(),
        missing,
        unexpected,
        duplicates,
        passed_over: Vec::new(),
        spill,
    })
}

/// Reads one file into an entry, spilling its numbers and findings.
fn read_one(path: &Path, options: &Options, spill: &Spill) -> Result<Entry> {
    let meta = std::fs::metadata(path).ok();
    let mut entry = Entry {
        file: path.to_path_buf(),
        size: meta.as_ref().map_or(0, |m| m.len()),
        modified: meta.and_then(|m| m.modified().ok()),
        agency: None,
        year: None,
        format: None,
        error: None,
        errors: 0,
        warnings: 0,
        status: Status::Unreadable,
        member: None,
        reason: None,
        slot: None,
    };
    // A fault while checking one file makes that file unreadable; the batch goes on.
    let checked = read_path(path, options).and_then(|report| {
        let check = crate::read::guard::catch(
            || Ok(FileCheck::of(&path.display().to_string(), &report, None)),
            ErrorKind::Internal,
        )
        .map_err(|k| Error::new(path, k))?;
        Ok((report, check))
    });
    match checked {
        Ok((report, check)) => {
            entry.errors = check.count(Severity::Error);
            entry.warnings = check.count(Severity::Warning);
            entry.agency = Some(report.agency.clone());
            entry.year = Some(report.year);
            entry.format = Some(report.format);
            entry.status = Status::Counted;
            let numbers: Vec<f64> = report
                .cells
                .iter()
                .map(|v| v.as_ref().and_then(|v| v.number).unwrap_or(f64::NAN))
                .collect();
            entry.slot = Some(spill.put(&numbers, &check.findings)?);
        }
        Err(e) => entry.error = Some(e),
    }
    Ok(entry)
}

/// Decides the year and layout of the summary and sets aside the reports that do not fit it.
///
/// The year is `options.year`, else the one year every readable report names. The layout is the
/// official one for that year ([`Format::for_year`]), never the one most files happen to use: the
/// district summary has to be in the layout its year's report is published in.
///
/// A report of that year in the other layout is [`Status::OtherFormat`] and is not added, although
/// 表四 and most of 表三 have the same codes in both layouts. Adding only those would give the
/// district a 表二 without that agency but a 表三/表四 with it; the 2019 row （六）其他处理 does not
/// split into the 2021 rows other_no_correction/other_no_fee/other_other, so its 表三 could only go
/// in by guessing; and an agency whose form is in the wrong layout has to send it again anyway (its
/// published report must use the official one), so the totals would change under a half-counted
/// return. The file is listed instead, with the reason and what the agency should do, and `merge`
/// exits 1 as for an unreadable file.
///
/// Without a year given, reports naming different years are an error that lists which files are
/// which and suggests the `--year` most of them have. A batch whose year could not be read from any
/// file (year 0) has no official layout to hold to: it is added only if it has one layout.
fn settle_kind(entries: &mut [Entry], options: &MergeOptions) -> Result<(i32, Format)> {
    let year = match options.year {
        Some(year) => year,
        None => {
            let groups = kinds(entries);
            let mut years: Vec<i32> = groups.iter().map(|((y, _), _)| *y).collect();
            years.dedup();
            // Files whose year could not be read do not decide the year: they are set aside
            // (below) when the others agree on one.
            let known: Vec<i32> = years.iter().copied().filter(|y| *y > 0).collect();
            match (known.as_slice(), years.as_slice(), groups.len()) {
                (_, [], _) => return Ok((0, Format::for_year(0))),
                ([], [0], 1) => return Ok(groups[0].0),
                ([year], _, _) => *year,
                _ => return Err(mixed(&groups)),
            }
        }
    };
    let format = Format::for_year(year);
    for e in entries.iter_mut().filter(|e| e.status == Status::Counted) {
        let (Some(y), Some(f)) = (e.year, e.format) else {
            continue;
        };
        if y != year {
            e.status = Status::OtherYear;
            e.reason = Some(if y == 0 {
                format!("年度不符：本次汇总 {year} 年度，该文件的封面、标题和文件名中都没有找到报告年度，未计入汇总；请该单位在封面或标题中写明年度后重新报送")
            } else {
                format!("年度不符：本次汇总 {year} 年度，该文件是 {y} 年度的报表，未计入汇总")
            });
        } else if f != format {
            e.status = Status::OtherFormat;
            e.reason = Some(format!(
                "格式不符：{year} 年度应使用 {format} 版格式，该文件为 {f} 版格式，未计入汇总；请该单位改用 {year} 年度模板重新填报"
            ));
        }
    }
    Ok((year, format))
}

/// The readable reports grouped by year and layout: by year (the latest first), within a year the
/// most files first.
fn kinds(entries: &[Entry]) -> Vec<((i32, Format), Vec<&Entry>)> {
    let mut groups: Vec<((i32, Format), Vec<&Entry>)> = Vec::new();
    for e in entries.iter().filter(|e| e.status == Status::Counted) {
        let key = (e.year.unwrap_or(0), e.format.unwrap_or(Format::F2021));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(e),
            None => groups.push((key, vec![e])),
        }
    }
    groups.sort_by_key(|((year, _), list)| (std::cmp::Reverse(*year), std::cmp::Reverse(list.len())));
    groups
}

/// Files shown per group in the message about mixed years.
const MIXED_SHOWN: usize = 5;

/// The error for reports of different years and no year given: each year and layout with its files
/// and how many, and the `--year` that most files have (the latest year on a tie).
fn mixed(groups: &[((i32, Format), Vec<&Entry>)]) -> Error {
    let parts: Vec<String> = groups
        .iter()
        .map(|((year, format), list)| {
            let names: Vec<String> = list
                .iter()
                .take(MIXED_SHOWN)
                .map(|e| e.file.display().to_string())
                .collect();
            let more = if list.len() > MIXED_SHOWN { " 等" } else { "" };
            let year = if *year == 0 {
                "未写明年度".to_string()
            } else {
                format!("{year} 年度")
            };
            format!("{year}（{format} 版格式）{} 份：{}{more}", list.len(), names.join("、"))
        })
        .collect();
    let mut per_year: Vec<(i32, usize)> = Vec::new();
    for ((year, _), list) in groups.iter().filter(|((y, _), _)| *y > 0) {
        match per_year.iter_mut().find(|(y, _)| y == year) {
            Some((_, n)) => *n += list.len(),
            None => per_year.push((*year, list.len())),
        }
    }
    let advice = match per_year.iter().max_by_key(|(year, n)| (*n, *year)) {
        Some((year, _)) => format!(
            "请用 --year {year} 只汇总 {year} 年度的报表（网页中在顶部选择报告年度；其他年度的文件会列出但不计入），或移走不属于本次汇总的文件"
        ),
        None => "请用 --year 指定汇总的年度（网页中在顶部选择报告年度），或移走不属于本次汇总的文件".to_string(),
    };
    let what = if per_year.len() > 1 {
        "报表的年度不一致"
    } else {
        "报表的格式不一致，又没有写明年度"
    };
    Error::new(
        "",
        ErrorKind::Mismatch(format!("{what}，不能相加。{}。{advice}", parts.join("；"))),
    )
}

/// One file per agency counts: the most recently modified. Returns the duplicates.
fn settle_duplicates(entries: &mut [Entry]) -> Vec<Duplicate> {
    let mut by_agency: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.status == Status::Counted) {
        by_agency
            .entry(normalize(e.agency.as_deref().unwrap_or_default()))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    let mut groups: Vec<Vec<usize>> = by_agency.into_values().filter(|v| v.len() > 1).collect();
    groups.sort();
    for group in groups {
        let keep = group
            .iter()
            .copied()
            .max_by_key(|&i| (entries[i].modified, entries[i].file.clone()))
            .unwrap_or(group[0]);
        for &i in group.iter().filter(|&&i| i != keep) {
            entries[i].status = Status::Superseded;
        }
        out.push(Duplicate {
            agency: entries[keep].agency.clone().unwrap_or_default(),
            files: group.iter().map(|&i| entries[i].file.display().to_string()).collect(),
            counted: entries[keep].file.display().to_string(),
        });
    }
    out
}

/// Links entries to roster members: by agency name, and for unreadable files by the file name.
fn match_roster(entries: &mut [Entry], roster: &Roster) -> (Vec<Member>, Vec<String>) {
    for e in entries.iter_mut() {
        let name = match &e.agency {
            Some(a) => a.clone(),
            None => e
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        e.member = member_of(roster, &name, e.agency.is_none());
    }
    let missing = roster
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| !entries.iter().any(|e| e.member == Some(*i)))
        .map(|(_, m)| m.clone())
        .collect();
    let mut unexpected: Vec<String> = entries
        .iter()
        .filter(|e| e.status == Status::Counted && e.member.is_none())
        .filter_map(|e| e.agency.clone())
        .collect();
    unexpected.sort();
    (missing, unexpected)
}

/// The roster member a name belongs to: the same name, or — for a file name — one containing it.
fn member_of(roster: &Roster, name: &str, file_name: bool) -> Option<usize> {
    let key = normalize(name);
    if let Some(i) = roster.members.iter().position(|m| normalize(&m.name) == key) {
        return Some(i);
    }
    if !file_name {
        return None;
    }
    let hits: Vec<usize> = (0..roster.members.len())
        .filter(|&i| key.contains(&normalize(&roster.members[i].name)))
        .collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Adds one report's numbers into the totals (a cell absent everywhere stays absent).
fn add(total: &mut Report, numbers: &[f64]) {
    for (cell, n) in total.cells.iter_mut().zip(numbers) {
        if n.is_nan() {
            continue;
        }
        let sum = cell.as_ref().and_then(|v| v.number).unwrap_or(0.0) + n;
        *cell = Some(Value::number(crate::model::round4(sum)));
    }
}

impl Merged {
    /// The numbers of a counted (or superseded) entry, in the layout's cell order; NaN = absent.
    pub fn numbers(&self, entry: &Entry) -> Result<Vec<f64>> {
        self.spill.numbers(entry.slot.as_ref())
    }

    /// The findings of an entry's report.
    pub fn findings(&self, entry: &Entry) -> Result<Vec<FindingRow>> {
        self.spill.findings(entry.slot.as_ref())
    }

    /// Entries in summary order: roster order first, then the rest by agency.
    pub fn ordered(&self) -> Vec<&Entry> {
        let mut list: Vec<&Entry> = self.entries.iter().collect();
        list.sort_by_key(|e| (e.member.unwrap_or(usize::MAX), e.agency.as_deref(), e.file.as_path()));
        list
    }

    /// 报送情况: every roster member with what arrived from it (or 未报送), then the files that
    /// belong to no member.
    pub fn reporting(&self) -> Vec<Reported<'_>> {
        let ordered = self.ordered();
        let mut out = Vec::new();
        if let Some(roster) = &self.roster {
            for (i, m) in roster.members.iter().enumerate() {
                let mine: Vec<&Entry> = ordered.iter().copied().filter(|e| e.member == Some(i)).collect();
                if mine.is_empty() {
                    out.push(Reported {
                        name: m.name.clone(),
                        category: m.category.clone(),
                        standing: Standing::Missing,
                        entry: None,
                    });
                }
                for e in mine {
                    out.push(Reported {
                        name: m.name.clone(),
                        category: m.category.clone(),
                        standing: Standing::File(e.status.clone()),
                        entry: Some(e),
                    });
                }
            }
        }
        for e in ordered
            .into_iter()
            .filter(|e| self.roster.is_none() || e.member.is_none())
        {
            let standing = if self.roster.is_some() && e.status == Status::Counted {
                Standing::Unexpected
            } else {
                Standing::File(e.status.clone())
            };
            out.push(Reported {
                name: e.name(),
                category: String::new(),
                standing,
                entry: Some(e),
            });
        }
        out
    }

    /// Names every file relative to `base` (the folder the inputs were collected from), in the
    /// entries, their errors and the duplicates, so that messages and outputs show the names the
    /// user knows rather than where the files happen to lie.
    pub fn relative_to(&mut self, base: &Path) {
        let rel = |p: &Path| p.strip_prefix(base).map_or_else(|_| p.to_path_buf(), Path::to_path_buf);
        let rel_str = |s: &str| rel(Path::new(s)).display().to_string();
        for e in &mut self.entries {
            e.file = rel(&e.file);
            if let Some(err) = &mut e.error {
                err.file = rel_str(&err.file);
            }
        }
        for d in &mut self.duplicates {
            d.files = d.files.iter().map(|f| rel_str(f)).collect();
            d.counted = rel_str(&d.counted);
        }
    }

    /// The one-line account of the files: `汇总 14 份：计入 11，重复 1，无法读取 1`, with
    /// `，年度不符 N` and `，格式不符 N` when some were of another year or layout.
    pub fn headline(&self) -> String {
        let count = |s: Status| self.entries.iter().filter(|e| e.status == s).count();
        let mut line = format!(
            "汇总 {} 份：计入 {}，重复 {}，无法读取 {}",
            self.entries.len(),
            count(Status::Counted),
            count(Status::Superseded),
            count(Status::Unreadable)
        );
        for (status, word) in [(Status::OtherYear, "年度不符"), (Status::OtherFormat, "格式不符")] {
            let n = count(status);
            if n > 0 {
                line.push_str(&format!("，{word} {n}"));
            }
        }
        line
    }

    /// Whether any input could not be read.
    pub fn any_unreadable(&self) -> bool {
        self.entries.iter().any(|e| e.status == Status::Unreadable)
    }

    /// Whether an agency's return is left out of the totals through a fault of its file, so the
    /// district cannot be complete until it is sent again: it could not be read, it is in the
    /// wrong layout for the year, or it names no year at all. `merge` then exits 1 so scripts
    /// notice. Files of another year are not counted here: with `--year` they are set aside on
    /// purpose.
    pub fn incomplete(&self) -> bool {
        self.entries.iter().any(Entry::needs_resending)
    }

    /// The JSON of the merge: the report schema for the totals plus `agencies`, `missing`,
    /// `unexpected`, `duplicates`.
    pub fn json(&self) -> String {
        let mut v = serde_json::to_value(crate::write::json::ReportJson {
            report: &self.total,
            findings: &self.total_findings,
        })
        .unwrap_or_default();
        let agencies: Vec<serde_json::Value> = self
            .ordered()
            .iter()
            .map(|e| {
                serde_json::json!({
                    "agency": e.agency,
                    "file": e.file.display().to_string(),
                    "readable": e.status != Status::Unreadable,
                    "status": e.status,
                    "error": e.error.as_ref().map(ToString::to_string),
                    "reason": e.reason,
                    "errors": e.errors,
                    "warnings": e.warnings,
                })
            })
            .collect();
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("agencies".into(), agencies.into());
            m.insert(
                "missing".into(),
                self.missing.iter().map(|m| m.name.clone()).collect::<Vec<_>>().into(),
            );
            m.insert("unexpected".into(), self.unexpected.clone().into());
            m.insert(
                "duplicates".into(),
                serde_json::to_value(&self.duplicates).unwrap_or_default(),
            );
            let passed: Vec<serde_json::Value> = self
                .passed_over
                .iter()
                .map(|(file, reason)| serde_json::json!({"file": file.display().to_string(), "reason": reason}))
                .collect();
            m.insert("passed_over".into(), passed.into());
        }
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The long CSV of every counted agency, then the totals.
    pub fn csv(&self, bom: bool) -> Result<Vec<u8>> {
        let mut w = crate::write::csv::LongCsv::new(Vec::new(), bom);
        for e in self.ordered().into_iter().filter(|e| e.status == Status::Counted) {
            w.push(&self.report_of(e)?);
        }
        w.push(&self.total);
        Ok(w.finish())
    }

    /// An entry's report rebuilt from its kept numbers (values without text or location).
    pub fn report_of(&self, e: &Entry) -> Result<Report> {
        let format = e.format.unwrap_or(self.total.format);
        let mut r = Report::new(
            e.agency.as_deref().unwrap_or_default(),
            e.year.unwrap_or(self.total.year),
            format,
        );
        for (cell, n) in r.cells.iter_mut().zip(self.numbers(e)?) {
            if !n.is_nan() {
                *cell = Some(Value::number(n));
            }
        }
        Ok(r)
    }
}

/// A finding as kept in the spill file: the text columns of the 校验结果 sheet.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FindingRow {
    /// Rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// Cell code.
    pub cell: String,
    /// Sheet in the agency's file.
    pub sheet: Option<String>,
    /// A1 address there.
    pub a1: Option<String>,
    /// The Chinese message.
    pub message: String,
}

/// Where one entry's numbers and findings sit in the spill file.
#[derive(Debug, Clone, Copy)]
struct Slot {
    offset: u64,
    cells: u32,
    findings: u32,
}

/// An anonymous temporary file holding every report's numbers and findings, appended from many
/// threads and read back one entry at a time. The OS removes it when the merge is dropped.
struct Spill {
    file: Mutex<File>,
}

impl Spill {
    fn new() -> Result<Spill> {
        let file = tempfile::tempfile().map_err(|e| {
            Error::new(
                std::env::temp_dir(),
                ErrorKind::Write(format!("无法创建临时文件（{e}）")),
            )
        })?;
        Ok(Spill { file: Mutex::new(file) })
    }

    fn fail(e: impl std::fmt::Display) -> Error {
        Error::new(
            std::env::temp_dir(),
            ErrorKind::Write(format!("临时文件读写失败（{e}）")),
        )
    }

    fn put(&self, numbers: &[f64], findings: &[Finding]) -> Result<Slot> {
        let mut bytes: Vec<u8> = numbers.iter().flat_map(|n| n.to_le_bytes()).collect();
        let rows: Vec<FindingRow> = findings
            .iter()
            .map(|f| FindingRow {
                rule: f.rule.to_string(),
                severity: f.severity.code().into(),
                cell: f.cell.clone(),
                sheet: f.sheet.clone(),
                a1: f.a1.clone(),
                message: f.message.clone(),
            })
            .collect();
        let json = serde_json::to_vec(&rows).map_err(Spill::fail)?;
        bytes.extend_from_slice(&json);
        let mut file = self.file.lock().map_err(Spill::fail)?;
        let offset = file.seek(SeekFrom::End(0)).map_err(Spill::fail)?;
        file.write_all(&bytes).map_err(Spill::fail)?;
        Ok(Slot {
            offset,
            cells: numbers.len() as u32,
            findings: json.len() as u32,
        })
    }

    fn bytes(&self, slot: &Slot) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; slot.cells as usize * 8 + slot.findings as usize];
        let mut file = self.file.lock().map_err(Spill::fail)?;
        file.seek(SeekFrom::Start(slot.offset)).map_err(Spill::fail)?;
        file.read_exact(&mut buf).map_err(Spill::fail)?;
        Ok(buf)
    }

    fn numbers(&self, slot: Option<&Slot>) -> Result<Vec<f64>> {
        let Some(slot) = slot else { return Ok(Vec::new()) };
        let buf = self.bytes(slot)?;
        Ok(buf[..slot.cells as usize * 8]
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect())
    }

    fn findings(&self, slot: Option<&Slot>) -> Result<Vec<FindingRow>> {
        let Some(slot) = slot else { return Ok(Vec::new()) };
        let buf = self.bytes(slot)?;
        serde_json::from_slice(&buf[slot.cells as usize * 8..]).map_err(Spill::fail)
    }
}
