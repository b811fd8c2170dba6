//! Checking a batch of files: the one path `check`, `merge` and the page all take.
//!
//! Each input is read, guarded (a fault in nianbao while reading or checking one file makes that
//! file unreadable with [`ErrorKind::Internal`], never the end of the batch), checked, and held
//! against last year's report of the same agency ([`Previous`], matched by [`crate::agency::key`]).
//! Files are worked on in parallel and each result is handed to the caller as soon as it is ready,
//! on the thread that made it, so a caller keeps only what it needs of each (merge: the numbers and
//! findings, spilled to disk).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::check::{check, cross_year};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{FileCheck, Finding, Report};
use crate::read::{collect, guard, read_path, Options};

/// One input file, read and checked.
#[derive(Debug)]
pub struct Checked {
    /// The file as named.
    pub path: PathBuf,
    /// The report and everything found in it (errors first), or why it could not be read.
    pub outcome: Result<(Report, Vec<Finding>)>,
}

/// Last year's reports, by agency and year, for `CROSS_YEAR_CARRY`.
#[derive(Debug, Default)]
pub struct Previous {
    reports: HashMap<(String, i32), Report>,
    /// Last year's files that could not be read (said to the user, not used).
    pub unreadable: Vec<Error>,
}

impl Previous {
    /// Reads last year's reports from files and folders.
    pub fn read(paths: &[PathBuf], options: &Options) -> Result<Previous> {
        let inputs = collect(paths)?;
        let read: Vec<Result<Report>> = inputs.par_iter().map(|p| read_path(p, options)).collect();
        let mut previous = Previous::default();
        for r in read {
            match r {
                Ok(report) => previous.add(report),
                Err(e) => previous.unreadable.push(e),
            }
        }
        Ok(previous)
    }

    /// Adds one report (a report naming no year cannot be last year's of any other: left out).
    pub fn add(&mut self, report: Report) {
        if let Some(year) = report.year {
            self.reports.insert((crate::agency::key(&report.agency), year), report);
        }
    }

    /// The report of the same agency for the year before `report`'s, if there is one.
    ///
    /// ```
    /// use nianbao::batch::Previous;
    /// use nianbao::{format::Format, model::Report};
    /// let mut previous = Previous::default();
    /// previous.add(Report::new("区 民政局", 2023, Format::F2021));
    /// assert!(previous.of(&Report::new("区民政局", 2024, Format::F2021)).is_some());
    /// assert!(previous.of(&Report::new("区民政局", 2025, Format::F2021)).is_none());
    /// assert!(previous.of(&Report::new("区民政局", None, Format::F2021)).is_none());
    /// ```
    pub fn of(&self, report: &Report) -> Option<&Report> {
        let year = report.year?;
        self.reports.get(&(crate::agency::key(&report.agency), year - 1))
    }

    /// How many reports of last year are held.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether no report of last year is held.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }
}

/// Reads and checks one file: the report and its findings (with `CROSS_YEAR_CARRY` against last
/// year's report of the same agency), or why it could not be read.
///
/// ```
/// use nianbao::batch::{check_one, Previous};
/// use nianbao::read::Options;
/// let c = check_one("fixtures/district/区财政局.xlsx".as_ref(), &Options::default(), &Previous::default());
/// let (report, findings) = c.outcome.unwrap();
/// assert_eq!(report.agency, "区财政局");
/// assert!(findings.is_empty());
/// ```
pub fn check_one(path: &Path, options: &Options, previous: &Previous) -> Checked {
    let outcome = read_path(path, options).and_then(|report| {
        let findings = guard::catch(
            || {
                let mut findings = check(&report);
                if let Some(last) = previous.of(&report) {
                    findings.extend(cross_year(&report, last));
                    findings.sort_by_key(|f| f.severity);
                }
                Ok(findings)
            },
            ErrorKind::Internal,
        )
        .map_err(|k| Error::new(path, k))?;
        Ok((report, findings))
    });
    Checked {
        path: path.to_path_buf(),
        outcome,
    }
}

impl FileCheck {
    /// The check of one file of a batch ([`crate::batch`]).
    pub fn of_checked(checked: &Checked) -> FileCheck {
        match &checked.outcome {
            Ok((report, findings)) => {
                FileCheck::found(&crate::platform::display_path(&checked.path), report, findings.clone())
            }
            Err(e) => FileCheck::unreadable(e),
        }
    }
}

/// Reads and checks every input in parallel, handing each result to `each` as soon as it is ready
/// (on the thread that made it); returns what `each` made of them, in the order of `inputs`.
pub fn check_files<T: Send>(
    inputs: &[PathBuf],
    options: &Options,
    previous: &Previous,
    each: &(dyn Fn(Checked) -> T + Sync),
) -> Vec<T> {
    inputs
        .par_iter()
        .map(|path| each(check_one(path, options, previous)))
        .collect()
}
