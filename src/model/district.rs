//! A district: what a merge of many returns holds — every file and what became of it, the totals,
//! the roster and who is missing — as plain data for the writers and the page.
//!
//! The numbers and findings of each file are not held here but in a [`Store`] (the merge's spill
//! file), one [`Slot`] a file, so a district of thousands of returns stays small in memory.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{Finding, Reading, Report, Value};
use crate::error::{Error, Result};
use crate::format::Format;

/// One agency expected to report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// 单位名称, as written in the roster.
    pub name: String,
    /// 类别 (e.g. 部门, 街道), empty if the roster has none.
    pub category: String,
}

/// The agencies expected to report, in roster order (read by [`crate::roster`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Members in roster order.
    pub members: Vec<Member>,
}

/// Where one file's numbers, texts and findings are kept in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Byte offset of the record.
    pub offset: u64,
    /// Its length in bytes.
    pub len: u64,
}

/// What is kept of one file: its numbers in the layout's cell order (NaN: absent), the text of the
/// cells that are not numbers, and its findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    /// One number per cell of the layout; NaN where the cell is absent or not a number.
    #[serde(skip)]
    pub numbers: Vec<f64>,
    /// The cells whose text is not a number: index into the layout's cells, and the text.
    pub texts: Vec<(u32, String)>,
    /// Everything found in the file.
    pub findings: Vec<Finding>,
}

impl Kept {
    /// What is kept of a report and its findings.
    pub fn of(report: &Report, findings: &[Finding]) -> Kept {
        let numbers = report.numbers();
        let texts = report
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = v.as_ref()?;
                (v.number.is_none()).then(|| (i as u32, v.raw.clone()))
            })
            .collect();
        Kept {
            numbers,
            texts,
            findings: findings.to_vec(),
        }
    }
}

/// Where a district keeps its files' records: written while the files are read, read back one
/// file at a time by the writers.
pub trait Store: Send + Sync {
    /// Keeps one file's record.
    fn put(&self, kept: &Kept) -> Result<Slot>;
    /// The record kept in `slot`.
    fn get(&self, slot: &Slot) -> Result<Kept>;
    /// The numbers alone of the record in `slot`: what most readers of a district need, without
    /// the texts and findings.
    fn numbers(&self, slot: &Slot) -> Result<Vec<f64>> {
        Ok(self.get(slot)?.numbers)
    }
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
    /// Why it could not be read (boxed: most files have none, and a district holds an entry per
    /// file).
    pub error: Option<Box<Error>>,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// What became of it.
    pub status: Status,
    /// The roster member it belongs to.
    pub member: Option<usize>,
    /// What the clerk must know of a file that was read: why it is not in the totals and what to
    /// do about it, or how it was counted (`年度未写明，按 2024 年度计`). Chinese, for the 报送情况
    /// and 校验结果 sheets, the JSON and the terminal. None where there is nothing to say, and for
    /// unreadable files (they carry their [`Entry::error`]).
    pub reason: Option<String>,
    /// Counted as the year merged although the file names no year (`YEAR_ASSUMED`).
    pub year_assumed: bool,
    /// Where its numbers and findings are kept.
    pub slot: Option<Slot>,
    /// A roster member this file's agency, not in the roster, plainly means (`区政府办` for
    /// `区政府办公室`): asked about, never assumed.
    pub suggest: Option<usize>,
}

impl Entry {
    /// Whether the agency has to send this return again before the district is complete: it
    /// could not be read, or it is in the wrong layout for the year.
    pub fn needs_resending(&self) -> bool {
        matches!(self.status, Status::Unreadable | Status::OtherFormat)
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
    /// What the clerk should know: why the file is not counted or could not be read, how it was
    /// counted, or that a name outside the roster is probably one in it (`是否为“区政府办公室”？`).
    pub note: Option<String>,
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
    /// `crate::read::collect_noting` lists them: set by the caller, shown in 报送情况 and the JSON
    /// so that a return sent in such a file is seen.
    pub passed_over: Vec<(PathBuf, String)>,
    /// Where the files' numbers and findings are kept.
    pub store: Box<dyn Store>,
}

impl Merged {
    /// What is kept of an entry (empty for a file that could not be read).
    pub fn kept(&self, entry: &Entry) -> Result<Kept> {
        match &entry.slot {
            Some(slot) => self.store.get(slot),
            None => Ok(Kept::default()),
        }
    }

    /// The numbers of a counted (or superseded) entry, in the layout's cell order; NaN = absent.
    pub fn numbers(&self, entry: &Entry) -> Result<Vec<f64>> {
        match &entry.slot {
            Some(slot) => self.store.numbers(slot),
            None => Ok(Vec::new()),
        }
    }

    /// The findings of an entry's report.
    pub fn findings(&self, entry: &Entry) -> Result<Vec<Finding>> {
        Ok(self.kept(entry)?.findings)
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
        let note_of = |e: &Entry| e.reason.clone().or_else(|| e.error.as_ref().map(ToString::to_string));
        if let Some(roster) = &self.roster {
            let mut by_member: Vec<Vec<&Entry>> = vec![Vec::new(); roster.members.len()];
            let mut suggested: Vec<Vec<&Entry>> = vec![Vec::new(); roster.members.len()];
            for e in &ordered {
                if let Some(list) = e.member.and_then(|i| by_member.get_mut(i)) {
                    list.push(e);
                }
                if let Some(list) = e.suggest.and_then(|i| suggested.get_mut(i)) {
                    list.push(e);
                }
            }
            for (i, m) in roster.members.iter().enumerate() {
                if by_member[i].is_empty() {
                    let note = suggested[i].first().map(|e| {
                        format!(
                            "名单外的“{}”（文件 {}）可能就是该单位，请核对名称",
                            e.name(),
                            e.file.display()
                        )
                    });
                    out.push(Reported {
                        name: m.name.clone(),
                        category: m.category.clone(),
                        standing: Standing::Missing,
                        entry: None,
                        note,
                    });
                }
                for e in &by_member[i] {
                    out.push(Reported {
                        name: m.name.clone(),
                        category: m.category.clone(),
                        standing: Standing::File(e.status.clone()),
                        entry: Some(e),
                        note: note_of(e),
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
            let question = self.suggestion(e).map(|m| format!("名单中没有该单位，是否为“{m}”？"));
            let note = match (note_of(e), question) {
                (Some(a), Some(b)) => Some(format!("{a}；{b}")),
                (a, b) => a.or(b),
            };
            out.push(Reported {
                name: e.name(),
                category: String::new(),
                standing,
                entry: Some(e),
                note,
            });
        }
        out
    }

    /// The roster name a file outside the roster plainly means, if any.
    pub fn suggestion(&self, e: &Entry) -> Option<&str> {
        let roster = self.roster.as_ref()?;
        roster.members.get(e.suggest?).map(|m| m.name.as_str())
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

    /// An entry's report rebuilt from what was kept: its numbers, and the text of cells that are
    /// not numbers (values without a location; their findings carry it).
    pub fn report_of(&self, e: &Entry) -> Result<Report> {
        let format = e.format.unwrap_or(self.total.format);
        let year = if e.year_assumed { self.total.year } else { e.year };
        let mut r = Report::new(e.agency.as_deref().unwrap_or_default(), year, format);
        let kept = self.kept(e)?;
        for (cell, n) in r.cells.iter_mut().zip(kept.numbers) {
            if !n.is_nan() {
                *cell = Some(Value::number(n));
            }
        }
        for (i, text) in kept.texts {
            if let Some(cell) = r.cells.get_mut(i as usize) {
                *cell = Some(Value {
                    number: None,
                    raw: text,
                    reading: Reading::NotNumber,
                    at: None,
                });
            }
        }
        Ok(r)
    }
}
