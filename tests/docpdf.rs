//! Filled reports as agencies write them in Word, and the PDFs and web pages a word processor makes
//! of them (python-docx and LibreOffice Writer; generator `fixtures/docpdf/make.py`): 表三 split into two
//! Word tables with or without its header repeated and with or without `（续表）` between, header
//! rows marked 重复标题行 printed again on the next page, 表二 as four small tables, tracked
//! changes and hidden text. Each `NAME.intended.json` says what a careful reader of the printed
//! report sees: every cell's number, the agency and year, the findings that must be reported; no
//! other error may be.

use std::path::{Path, PathBuf};

use nianbao::model::Severity;
use nianbao::read::{read_path, Options};
use serde_json::Value as Json;

/// What is compared, one kind of difference each: a file in [`KNOWN`] may differ only in the
/// aspects listed for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aspect {
    /// The file is refused.
    Read,
    Agency,
    Year,
    Format,
    /// Some cell's number.
    Cells,
    /// A finding missing or an unexpected error.
    Findings,
}

use Aspect::*;

/// Files still read wrongly, in which aspects and why. The test fails when one of them reads right
/// in an aspect listed (then it leaves this list) as well as when any file goes wrong in another
/// aspect. Empty now: the last ones (a PDF title wrapped over two lines, a title broken after the
/// year, a tracked move and hidden text in Word) read right.
const KNOWN: &[(&str, &[Aspect], &str)] = &[];

fn cases() -> Vec<(PathBuf, Json)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docpdf");
    let mut out: Vec<(PathBuf, Json)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx" || e == "pdf" || e == "html"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let intended = std::fs::read_to_string(dir.join(format!("{stem}.intended.json"))).unwrap();
            (p, serde_json::from_str(&intended).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Everything about one file that differs from what is intended, by aspect.
fn differences(path: &Path, intended: &Json) -> Vec<(Aspect, String)> {
    let report = match read_path(path, &Options::default()) {
        Ok(r) => r,
        Err(e) => return vec![(Read, format!("not read: {e}"))],
    };
    let mut bad = Vec::new();
    for (aspect, key, got) in [
        (Agency, "agency", Json::from(report.agency.clone())),
        (Year, "year", Json::from(report.year)),
        (Format, "format", Json::from(report.format.code())),
    ] {
        if got != intended[key] {
            bad.push((aspect, format!("{key}: got {got}, want {}", intended[key])));
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
            bad.push((Cells, format!("{code}: got {got:?}, want {want}")));
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
            bad.push((Findings, format!("finding {e} not reported")));
        }
    }
    for (f, severity) in &findings {
        if *severity == Severity::Error && !expected.iter().any(|e| f.starts_with(e)) {
            bad.push((Findings, format!("unexpected error {f}")));
        }
    }
    bad
}

#[test]
fn word_documents_and_their_pdfs_read_as_printed() {
    let cases = cases();
    assert!(cases.len() >= 18, "{} files", cases.len());
    let mut wrong = Vec::new();
    for (path, intended) in &cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let diffs = differences(path, intended);
        let known: &[Aspect] = KNOWN.iter().find(|(k, _, _)| *k == name).map_or(&[], |(_, a, _)| a);
        let unexpected: Vec<&str> = diffs
            .iter()
            .filter(|(a, _)| !known.contains(a))
            .map(|(_, d)| d.as_str())
            .collect();
        if !unexpected.is_empty() {
            wrong.push(format!("{name}:\n    {}", unexpected.join("\n    ")));
        }
        for aspect in known {
            if !diffs.iter().any(|(a, _)| a == aspect) {
                wrong.push(format!("{name}: {aspect:?} reads right now; take it out of KNOWN"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The split and repeated-header files, which were refused (表三出现了两次) or lost the second part
/// of 表三, read 表三 whole: the very cells of its continued part.
#[test]
fn continued_tables_read_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docpdf");
    for name in [
        "w02_t3_split_repeat_header.docx",
        "w03_t3_split_no_header.docx",
        "w26_t3_split_plain.docx",
        "html_w02_t3_split_repeat_header.html",
        "html_w03_t3_split_no_header.html",
        "p02_split_repeat_header.pdf",
        "p03_split_no_header.pdf",
        "p11_break_repeat_header.pdf",
    ] {
        let report = read_path(dir.join(name), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.get("t3.unable_not_held.natural"), Some(2.0), "{name}");
        assert_eq!(report.get("t3.carry_forward.total"), Some(1.0), "{name}");
        assert_eq!(report.get("t3.new.total"), Some(13.0), "{name}");
    }
}

#[test]
fn a_menu_line_above_the_title_is_not_part_of_the_agency() {
    // Saved pages carry the site's breadcrumb and menu above the title; Word documents a document
    // number. None of it belongs to the agency's name.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docpdf/html_w03_t3_split_no_header.html");
    let page = std::fs::read_to_string(path).unwrap();
    let at = page.find("<body").unwrap();
    let at = page[at..].find('>').unwrap() + at + 1;
    for above in [
        "<p>政务公开</p>",
        "<p>首页 > 政务公开 > 年度报告</p>",
        "<p>鼓卫〔2025〕5号</p>",
    ] {
        let edited = format!("{}{above}{}", &page[..at], &page[at..]);
        let report = nianbao::read::read_bytes(edited.as_bytes(), "年报.html", &Options::default()).unwrap();
        assert_eq!(
            (report.agency.as_str(), report.year),
            ("福州市鼓楼区卫生健康局", 2024),
            "{above}"
        );
    }
}
