//! Workbooks as district agencies really send them back, made by other software than ours
//! (openpyxl, xlsxwriter, LibreOffice; generator `fixtures/agency/make.py`): tables stacked on one
//! sheet or spread over renamed sheets, inserted rows and columns, label variants, text and
//! full-width numbers, dashes, formulas with and without saved results, other file kinds under a
//! wrong extension. Each `NAME.intended.json` says what a careful clerk reads in the file: every
//! cell's number (`null` where none can be read), the agency and year, the findings that must be
//! reported; no other error may be.

use std::path::{Path, PathBuf};

use nianbao::model::Severity;
use nianbao::read::{read_path, Options};
use serde_json::Value as Json;

/// Files whose reading is still wrong, each with what is wrong: the test fails when one of them
/// starts reading right (then it leaves this list) as well as when any other file goes wrong.
/// Both are refused with 表三出现了两次 naming the two places: taking one of two 表三 by its year
/// or position would be a guess about which the agency means.
const KNOWN: &[(&str, &str)] = &[
    (
        "f21-t3-with-lastyear-copy-to-right.xlsx",
        "last year's 表三 beside this year's",
    ),
    (
        "f26-visible-2023-sheet-after-2024.xlsx",
        "a visible 2023 sheet after 2024's",
    ),
];

fn cases() -> Vec<(PathBuf, Json)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/agency");
    let mut out: Vec<(PathBuf, Json)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let intended = std::fs::read_to_string(dir.join(format!("{stem}.intended.json"))).unwrap();
            (p, serde_json::from_str(&intended).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Everything about one file that differs from what is intended.
fn differences(path: &Path, intended: &Json) -> Vec<String> {
    let report = match read_path(path, &Options::default()) {
        Ok(r) => r,
        Err(e) => return vec![format!("not read: {e}")],
    };
    let mut bad = Vec::new();
    for (key, got) in [
        ("agency", Json::from(report.agency.clone())),
        ("year", Json::from(report.year)),
        ("format", Json::from(report.format.code())),
    ] {
        if got != intended[key] {
            bad.push(format!("{key}: got {got}, want {}", intended[key]));
        }
    }
    for (code, want) in intended["cells"].as_object().unwrap() {
        let got = report.get(code);
        let same = match (got, want.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-6,
            (None, None) => true,
            _ => false,
        };
        if !same {
            bad.push(format!("{code}: got {got:?}, want {want}"));
        }
    }
    let findings: Vec<(String, Severity)> = nianbao::check::check(&report)
        .into_iter()
        .map(|f| (format!("{} {}", f.rule, f.cell), f.severity))
        .collect();
    let expected: Vec<&str> = intended["expect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for e in &expected {
        if !findings.iter().any(|(f, _)| f.starts_with(e)) {
            bad.push(format!("finding {e} not reported"));
        }
    }
    for (f, severity) in &findings {
        if *severity == Severity::Error && !expected.iter().any(|e| f.starts_with(e)) {
            bad.push(format!("unexpected error {f}"));
        }
    }
    bad
}

#[test]
fn agencies_workbooks_read_as_a_clerk_reads_them() {
    let cases = cases();
    assert!(cases.len() >= 50, "{} workbooks", cases.len());
    let mut wrong = Vec::new();
    for (path, intended) in &cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let diffs = differences(path, intended);
        let known = KNOWN.iter().any(|(k, _)| *k == name);
        match (diffs.is_empty(), known) {
            (true, true) => wrong.push(format!("{name}: reads right now; take it out of KNOWN")),
            (false, false) => wrong.push(format!("{name}:\n    {}", diffs.join("\n    "))),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
