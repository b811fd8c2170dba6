//! Every workbook fixture made by other software (openpyxl, xlsxwriter, LibreOffice) reads exactly:
//! every cell's value, its sheet and A1 address, and how blank, dash and non-number cells were read.

use std::path::{Path, PathBuf};

use nianbao::model::Reading;
use nianbao::read::{read_path, Options};
use serde_json::Value as Json;

fn fixtures(dir: &str) -> Vec<(PathBuf, Json)> {
    let dir = crate::common::fixture(dir);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".expected.json") {
            let stem = name.trim_end_matches(".expected.json");
            let input = ["xlsx", "xls", "ods"]
                .iter()
                .map(|e| dir.join(format!("{stem}.{e}")))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("no workbook for {name}"));
            let expected = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((input, expected));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Compares one fixture; returns every difference.
fn differences(path: &Path, expected: &Json) -> Vec<String> {
    let report = match read_path(path, &Options::default()) {
        Ok(r) => r,
        Err(e) => return vec![format!("not read: {e}")],
    };
    let mut bad = Vec::new();
    let mut check = |what: &str, got: String, want: String| {
        if got != want {
            bad.push(format!("{what}: got {got}, want {want}"));
        }
    };
    check(
        "agency",
        report.agency.clone(),
        expected["agency"].as_str().unwrap().to_string(),
    );
    check(
        "year",
        serde_json::Value::from(report.year).to_string(),
        expected["year"].to_string(),
    );
    check(
        "format",
        report.format.code().to_string(),
        expected["format"].as_str().unwrap().to_string(),
    );
    let not_number = expected["not_number"].as_object().cloned().unwrap_or_default();
    let list = |key: &str| -> Vec<String> {
        expected[key]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let (dash, blank) = (list("dash"), list("blank"));
    for (def, value) in report.iter() {
        let want = crate::common::truth_of(expected, &def.code);
        let got = value.and_then(|v| v.number);
        let want_n = want.as_f64();
        let same = match (got, want_n) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        if !same {
            bad.push(format!("{}: got {got:?}, want {want_n:?}", def.code));
        }
        if let Some(raw) = not_number.get(&def.code) {
            let ok = value.is_some_and(|v| v.reading == Reading::NotNumber && v.raw == raw.as_str().unwrap());
            if !ok {
                bad.push(format!("{}: should be not-a-number {raw}, got {value:?}", def.code));
            }
        }
        let reading = value.map(|v| v.reading);
        if dash.contains(&def.code) != (reading == Some(Reading::Dash)) {
            bad.push(format!(
                "{}: dash expected {}, got {reading:?}",
                def.code,
                dash.contains(&def.code)
            ));
        }
        if blank.contains(&def.code) != (reading == Some(Reading::Blank)) {
            bad.push(format!(
                "{}: blank expected {}, got {reading:?}",
                def.code,
                blank.contains(&def.code)
            ));
        }
        if let Some(at) = expected["cells"].get(&def.code) {
            let got = value
                .and_then(|v| v.at.as_ref())
                .map(|l| format!("{}!{}", l.sheet, l.a1()));
            let want = format!("{}!{}", at[0].as_str().unwrap(), at[1].as_str().unwrap());
            if got.as_deref() != Some(want.as_str()) {
                bad.push(format!("{}: at {got:?}, want {want}", def.code));
            }
        }
    }
    bad
}

#[test]
fn every_workbook_fixture_reads_exactly() {
    let all = fixtures("workbooks");
    assert!(all.len() >= 14, "only {} fixtures", all.len());
    let mut failures = Vec::new();
    for (path, expected) in &all {
        let bad = differences(path, expected);
        if !bad.is_empty() {
            failures.push(format!(
                "{}: {} differences, e.g.\n    {}",
                path.display(),
                bad.len(),
                bad.iter().take(6).cloned().collect::<Vec<_>>().join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
