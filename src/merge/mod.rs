//! Merge: many agencies' returns into one district summary, streaming and in parallel.
//!
//! Inputs go through the one batch path ([`crate::batch`]): read in parallel, each checked at once,
//! and only its numbers and findings kept — spilled to an anonymous temporary file ([`spill`]) —
//! so memory stays flat however many returns there are. Then the district is decided from small
//! per-file records ([`crate::model::district`]): the year, which files count (one per agency: the
//! most recently modified), who is missing from the roster, who is unexpected, and the district
//! totals, which obey every rule when the inputs do.

pub mod spill;

use std::path::PathBuf;

use rustc_hash::FxHashMap as HashMap;

use crate::agency::Names;
use crate::batch::{check_files, Checked, Previous};
use crate::check::check;
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::model::district::{Kept, Store};
use crate::model::{Found, Report, Severity};
use crate::read::Options;
use crate::rules;

pub use crate::model::district::{Duplicate, Entry, Member, Merged, Reported, Roster, Standing, Status};

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

/// Reads, checks and adds up `inputs`. `progress` is called once per file read (from any thread).
///
/// Unreadable files are kept as entries with their error. The year merged is `options.year`, else
/// the one year every readable report that names a year names. A report of another year, or of
/// that year in the other layout, is kept as an entry with the reason it is not added
/// ([`Status::OtherYear`], [`Status::OtherFormat`]); a report naming no year whose layout is the
/// year's is counted as of that year, with a `YEAR_ASSUMED` warning. The merge fails when, without a
/// year given, the reports name different years, or none names one: which year the district means
/// is the user's decision, and a summary is never written without one.
pub fn merge(inputs: &[PathBuf], options: &MergeOptions, progress: &(dyn Fn() + Sync)) -> Result<Merged> {
    let spill = spill::Spill::new()?;
    let mut entries: Vec<Entry> = check_files(inputs, &options.read, &Previous::default(), &|checked| {
        let entry = entry_of(checked, &spill);
        progress();
        entry
    })
    .into_iter()
    .collect::<Result<Vec<Entry>>>()?;
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let (year, format) = settle_kind(&mut entries, options, &spill)?;
    let duplicates = settle_duplicates(&mut entries);
    let (missing, unexpected) = match &options.roster {
        Some(roster) => match_roster(&mut entries, roster),
        None => (Vec::new(), Vec::new()),
    };
    let mut total = Report::new(&options.name, year, format);
    total.source.kind = "summary".into();
    total.source.year_from = if options.year.is_some() {
        Found::Option
    } else {
        Found::Assumed
    };
    total.source.file = format!(
        "{} 份报表",
        entries.iter().filter(|e| e.status == Status::Counted).count()
    );
    for e in entries.iter().filter(|e| e.status == Status::Counted) {
        if let Some(slot) = &e.slot {
            total.add_numbers(&spill.numbers(slot)?);
        }
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
        store: Box::new(spill),
    })
}

/// The entry of one file read and checked, its numbers and findings spilled.
fn entry_of(checked: Checked, store: &dyn Store) -> Result<Entry> {
    let meta = std::fs::metadata(&checked.path).ok();
    let mut entry = Entry {
        file: checked.path,
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
        year_assumed: false,
        slot: None,
        suggest: None,
    };
    match checked.outcome {
        Ok((report, findings)) => {
            let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
            entry.errors = count(Severity::Error);
            entry.warnings = count(Severity::Warning);
            entry.agency = Some(report.agency.clone());
            entry.year = report.year;
            entry.format = Some(report.format);
            entry.status = Status::Counted;
            entry.slot = Some(store.put(&Kept::of(&report, &findings))?);
        }
        Err(e) => entry.error = Some(Box::new(e)),
    }
    Ok(entry)
}

/// Decides the year and layout of the summary and sets aside the reports that do not fit it.
///
/// The year is `options.year`, else the one year every readable report that names a year names.
/// The layout is the official one for that year ([`Format::for_year`]), never the one most files
/// happen to use: the district summary has to be in the layout its year's report is published in.
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
/// A report naming no year is counted as of the year merged when its layout is that year's: its
/// `YEAR_UNKNOWN` warning becomes `YEAR_ASSUMED`, and 报送情况 says so. In the other layout it is
/// [`Status::OtherFormat`], with both readings of it in the reason.
///
/// Without a year given, reports naming different years are an error that lists which files are
/// which and suggests the `--year` most of them have; no report naming a year is an error asking
/// for `--year`.
fn settle_kind(entries: &mut [Entry], options: &MergeOptions, store: &dyn Store) -> Result<(i32, Format)> {
    let year = match options.year {
        Some(year) => year,
        None => {
            let groups = kinds(entries);
            let mut years: Vec<i32> = groups.iter().filter_map(|((y, _), _)| *y).collect();
            years.dedup();
            match years.as_slice() {
                [year] => *year,
                [] => return Err(no_year(entries)),
                _ => return Err(mixed(&groups)),
            }
        }
    };
    let format = Format::for_year(year);
    for e in entries.iter_mut().filter(|e| e.status == Status::Counted) {
        let Some(f) = e.format else { continue };
        match e.year {
            Some(y) if y != year => {
                e.status = Status::OtherYear;
                e.reason = Some(format!(
                    "年度不符：本次汇总 {year} 年度，该文件是 {y} 年度的报表，未计入汇总"
                ));
            }
            Some(_) if f != format => {
                e.status = Status::OtherFormat;
                e.reason = Some(format!(
                    "格式不符：{year} 年度应使用 {format} 版格式，该文件为 {f} 版格式，未计入汇总；请该单位改用 {year} 年度模板重新填报"
                ));
            }
            Some(_) => {}
            None if f != format => {
                e.status = Status::OtherFormat;
                e.reason = Some(format!(
                    "格式不符：该文件没有写明年度，表格为 {f} 版格式，不是 {year} 年度应使用的 {format} 版格式，未计入汇总；\
                     如是往年的报表请移走，如是 {year} 年度的请该单位改用 {year} 年度模板重新填报"
                ));
            }
            None => assume_year(e, year, store)?,
        }
    }
    Ok((year, format))
}

/// Counts a report that names no year as of the year merged: its `YEAR_UNKNOWN` warning becomes
/// `YEAR_ASSUMED` (kept again with the new finding), and the entry says so.
fn assume_year(e: &mut Entry, year: i32, store: &dyn Store) -> Result<()> {
    e.year_assumed = true;
    e.reason = Some(format!("年度未写明，按 {year} 年度计"));
    let Some(slot) = e.slot else { return Ok(()) };
    let mut kept = store.get(&slot)?;
    let message = format!(
        "文件中没有写明报告年度，表格为 {year} 年度的格式，已按本次汇总的 {year} 年度计入；请该单位在标题或封面中写明年度"
    );
    let assumed = rules::YEAR_ASSUMED.finding("", message, Vec::new());
    match kept.findings.iter_mut().find(|f| f.rule == rules::YEAR_UNKNOWN.id) {
        Some(f) => *f = assumed,
        None => {
            kept.findings.push(assumed);
            e.warnings += 1;
        }
    }
    e.slot = Some(store.put(&kept)?);
    Ok(())
}

/// The error for a batch in which no report names its year and none was given.
fn no_year(entries: &[Entry]) -> Error {
    let read = entries.iter().filter(|e| e.status == Status::Counted).count();
    let unreadable = entries.len() - read;
    let what = match (read, unreadable) {
        (0, 0) => "没有可汇总的报表".to_string(),
        (0, n) => format!("{n} 份文件都无法读取，无法确定汇总年度"),
        (r, 0) => format!("{r} 份报表都没有写明报告年度"),
        (r, n) => format!("{r} 份报表都没有写明报告年度（另有 {n} 份无法读取）"),
    };
    Error::new(
        "",
        ErrorKind::Mismatch(format!(
            "{what}，不能确定汇总哪一年度。请用 --year 指定汇总的年度（如 --year 2024；网页中在顶部选择报告年度）"
        )),
    )
}

/// Readable reports of one year (`None`: not named) and layout.
type Kind<'a> = ((Option<i32>, Format), Vec<&'a Entry>);

/// The readable reports grouped by year (`None`: not named) and layout: by year (the latest first,
/// then those naming none), within a year the most files first.
fn kinds(entries: &[Entry]) -> Vec<Kind<'_>> {
    let mut groups: Vec<Kind<'_>> = Vec::new();
    for e in entries.iter().filter(|e| e.status == Status::Counted) {
        let key = (e.year, e.format.unwrap_or(Format::F2021));
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
fn mixed(groups: &[Kind<'_>]) -> Error {
    let parts: Vec<String> = groups
        .iter()
        .map(|((year, format), list)| {
            let names: Vec<String> = list
                .iter()
                .take(MIXED_SHOWN)
                .map(|e| crate::platform::display_path(&e.file))
                .collect();
            let more = if list.len() > MIXED_SHOWN { " 等" } else { "" };
            let year = year.map_or_else(|| "未写明年度".to_string(), |y| format!("{y} 年度"));
            format!("{year}（{format} 版格式）{} 份：{}{more}", list.len(), names.join("、"))
        })
        .collect();
    let mut per_year: Vec<(i32, usize)> = Vec::new();
    for ((year, _), list) in groups.iter().filter_map(|((y, f), l)| Some(((y.as_ref()?, f), l))) {
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
    let what = "报表的年度不一致";
    Error::new(
        "",
        ErrorKind::Mismatch(format!("{what}，不能相加。{}。{advice}", parts.join("；"))),
    )
}

/// One file per agency counts: the most recently modified. Returns the duplicates.
fn settle_duplicates(entries: &mut [Entry]) -> Vec<Duplicate> {
    let mut by_agency: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.status == Status::Counted) {
        by_agency
            .entry(crate::agency::key(e.agency.as_deref().unwrap_or_default()))
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
            files: group
                .iter()
                .map(|&i| crate::platform::display_path(&entries[i].file))
                .collect(),
            counted: crate::platform::display_path(&entries[keep].file),
        });
    }
    out
}

/// Links entries to roster members by name as the district writes them ([`Names`]), and for
/// unreadable files by the file name; a name outside the roster that plainly means a member who
/// sent nothing is noted as a suggestion. Returns the members with no file and the agencies
/// counted that the roster lacks.
fn match_roster(entries: &mut [Entry], roster: &Roster) -> (Vec<Member>, Vec<String>) {
    let names = Names::new(roster.members.iter().map(|m| m.name.as_str()));
    for e in entries.iter_mut() {
        e.member = match &e.agency {
            Some(a) => names.find(a),
            None => e
                .file
                .file_stem()
                .and_then(|s| member_by_file_name(roster, &names, &s.to_string_lossy())),
        };
    }
    let mut taken = vec![false; roster.members.len()];
    for i in entries.iter().filter_map(|e| e.member) {
        taken[i] = true;
    }
    for e in entries
        .iter_mut()
        .filter(|e| e.member.is_none() && e.status == Status::Counted)
    {
        e.suggest = e.agency.as_deref().and_then(|a| names.near(a)).filter(|&i| !taken[i]);
    }
    let missing = roster
        .members
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(m, _)| m.clone())
        .collect();
    let mut unexpected: Vec<String> = entries
        .iter()
        .filter(|e| e.status == Status::Counted && e.member.is_none())
        .filter_map(|e| e.agency.clone())
        .collect();
    unexpected.sort();
    (missing, unexpected)
}

/// The roster member an unreadable file's name belongs to: the same name, or the one member whose
/// name the file name contains (`区财政局-2024年报.xlsx`).
fn member_by_file_name(roster: &Roster, names: &Names, stem: &str) -> Option<usize> {
    if let Some(i) = names.find(stem) {
        return Some(i);
    }
    let key = crate::agency::key(stem);
    let hits: Vec<usize> = (0..roster.members.len())
        .filter(|&i| key.contains(&crate::agency::key(&roster.members[i].name)))
        .take(2)
        .collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
