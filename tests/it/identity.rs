//! Whose report, which year: every file of `fixtures/identity` (made by other software, one way of
//! writing agency and year each: cover labels, titles with page furniture, split titles, captions,
//! opening sentences, signatures, archive headers, and the traps that are never the agency) is read
//! with the agency, year and source intended, the key cells right, and the findings intended
//! (`AGENCY_CONFLICT`, `YEAR_CONFLICT`, `YEAR_UNKNOWN`).

use nianbao::model::Severity;
use nianbao::read::{read_path, Options};
use serde_json::Value as Json;

use crate::common::{fixture, intended_cases};

/// What differs between a file's reading and its intended one.
fn differences(path: &std::path::Path, want: &Json) -> Vec<String> {
    let report = match read_path(path, &Options::default()) {
        Ok(r) => r,
        Err(e) => return vec![format!("not read: {e}")],
    };
    let mut bad = Vec::new();
    let alternatives = want["agency_alternatives"].as_array().cloned().unwrap_or_default();
    if report.agency != want["agency"].as_str().unwrap() && !alternatives.iter().any(|a| a == report.agency.as_str()) {
        bad.push(format!(
            "agency {:?} ({}), want {}",
            report.agency,
            report.source.agency_from.code(),
            want["agency"]
        ));
    }
    if report.year.map(i64::from) != want["year"].as_i64() {
        bad.push(format!(
            "year {:?} ({}), want {}",
            report.year,
            report.source.year_from.code(),
            want["year"]
        ));
    }
    if report.source.agency_from.code() != want["agency_from"].as_str().unwrap() {
        bad.push(format!(
            "agency from {}, want {}",
            report.source.agency_from.code(),
            want["agency_from"]
        ));
    }
    if report.source.year_from.code() != want["year_from"].as_str().unwrap() {
        bad.push(format!(
            "year from {}, want {}",
            report.source.year_from.code(),
            want["year_from"]
        ));
    }
    if report.format.code() != want["format"].as_str().unwrap() {
        bad.push(format!("format {}, want {}", report.format, want["format"]));
    }
    for (code, n) in want["cells"].as_object().unwrap() {
        if report.get(code) != n.as_f64() {
            bad.push(format!("{code} {:?}, want {n}", report.get(code)));
        }
    }
    let findings = nianbao::check::check(&report);
    let expected: Vec<&str> = want["expect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for rule in &expected {
        if !findings.iter().any(|f| f.rule.starts_with(rule)) {
            bad.push(format!("finding {rule} not reported"));
        }
    }
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        if !expected.iter().any(|e| f.rule.starts_with(e)) {
            bad.push(format!("unexpected {} {}", f.rule, f.message));
        }
    }
    for f in findings.iter().filter(|f| f.rule.ends_with("_CONFLICT")) {
        if !expected.contains(&f.rule) {
            bad.push(format!("unexpected {} {}", f.rule, f.message));
        }
    }
    bad
}

#[test]
fn every_identity_form_is_read_as_intended() {
    let cases = intended_cases("identity", &["xlsx", "xls", "ods", "docx", "html", "txt", "pdf"]);
    assert!(cases.len() >= 70, "{} files", cases.len());
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(path, want)| {
            let bad = differences(path, want);
            (!bad.is_empty()).then(|| format!("{}: {}", path.file_name().unwrap().to_string_lossy(), bad.join("; ")))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_year_unknown_is_null_in_json_and_said_in_words() {
    let path = fixture("identity/id52-text-no-year-anywhere.txt");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["convert", "--to", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["year"], Json::Null);
    assert_eq!(json["source"]["year_from"], "none");
    let yu = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "YEAR_UNKNOWN")
        .unwrap();
    assert_eq!(yu["severity"], "warning");
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("年度未知"), "{text}");
}
