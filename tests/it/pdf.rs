//! PDFs read exactly: the two corpus reports as their publishers made them (WPS), and reports printed
//! to PDF by LibreOffice Calc, LibreOffice Writer and Chromium — every number of 表二/表三/表四, the
//! agency, year and layout, each value at its page; `check` reports exactly the publisher's own faults
//! and the rows the report leaves out. Broken PDFs get their Chinese error, never a panic.

use crate::common::fixture;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use nianbao::check::check;
use nianbao::model::{PlaceKind, Report, Severity};
use nianbao::read::{read_bytes, read_path, Options};
use serde_json::Value as Json;

/// Every PDF of a fixture folder with the JSON beside it (`NAME.truth.json` or `NAME.expected.json`).
fn pdfs(dir: &str, json: &str) -> Vec<(PathBuf, Json)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixture(dir)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(path.with_file_name(format!("{stem}.{json}"))).unwrap();
            out.push((path, serde_json::from_str(&text).unwrap()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn read(path: &Path) -> Report {
    read_path(path, &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Every difference between a report and the numbers, agency, year and layout it should have,
/// and every value not placed on a page.
fn differences(report: &Report, want: &Json) -> Vec<String> {
    let mut bad = crate::common::truth_differences(report, want);
    for (def, value) in report.iter() {
        if let Some(at) = value.and_then(|v| v.at.as_ref()) {
            if at.kind != PlaceKind::Page || !at.sheet.starts_with('第') || !at.sheet.ends_with('页') {
                bad.push(format!("{}: at {at}, not a page", def.code));
            }
        }
    }
    bad
}

/// The error findings of a report as `RULE cell`, per-column balance rules as `t3.*.<col>`.
fn errors(report: &Report) -> BTreeSet<String> {
    check(report)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| match f.rule {
            "T3_BALANCE" => format!("T3_BALANCE t3.*.{}", f.cell.rsplit('.').next().unwrap()),
            _ => format!("{} {}", f.rule, f.cell),
        })
        .collect()
}

/// The errors `check` must report: the listed faults (`errors`, or the truth's `own_faults`
/// `RULE at cell: …`) and a ROW_MISSING for every row the report does not have.
fn expected_errors(want: &Json) -> BTreeSet<String> {
    let listed = want.get("errors").or_else(|| want.get("own_faults")).unwrap();
    let mut out: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let f = f.as_str().unwrap();
            let mut words = f.split_whitespace().filter(|w| *w != "at");
            let rule = words.next().unwrap();
            format!("{rule} {}", words.next().unwrap().trim_end_matches(':'))
        })
        .collect();
    for table in ["t2", "t3"] {
        for (row, cols) in want[table].as_object().unwrap() {
            if cols.as_object().unwrap().values().all(Json::is_null) {
                out.insert(format!("ROW_MISSING {table}.{row}"));
            }
        }
    }
    out
}

fn check_all(files: Vec<(PathBuf, Json)>, at_least: usize) {
    assert!(files.len() >= at_least, "only {} PDFs", files.len());
    let mut failures = Vec::new();
    for (path, want) in &files {
        let report = read(path);
        let mut bad = differences(&report, want);
        let (got, expected) = (errors(&report), expected_errors(want));
        if got != expected {
            bad.push(format!("errors: got {got:?}, want {expected:?}"));
        }
        if !bad.is_empty() {
            failures.push(format!("{}:\n    {}", path.display(), bad.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_pdfs_read_exactly() {
    check_all(pdfs("published", "truth.json"), 2);
}

#[test]
fn pdfs_printed_by_other_software_read_exactly() {
    check_all(pdfs("pdf", "expected.json"), 3);
}

#[test]
fn a_six_printed_as_one_row_leaves_two_rows_missing() {
    let report = read(&fixture("published/hongze-district-2024-report.pdf"));
    assert_eq!(report.get("t3.other_other.natural"), Some(0.0));
    assert_eq!(report.get("t3.other_no_correction.natural"), None);
    assert_eq!(report.get("t3.other_no_fee.total"), None);
    let rows: BTreeSet<String> = check(&report)
        .iter()
        .filter(|f| f.rule == "ROW_MISSING")
        .map(|f| f.cell.clone())
        .collect();
    assert_eq!(
        rows,
        ["t3.other_no_correction", "t3.other_no_fee"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

#[test]
fn each_value_points_at_its_page_row_and_column() {
    let report = read(&fixture("published/huaian-city-2024-report.pdf"));
    let at = |code: &str| report.value(code).unwrap().at.as_ref().unwrap().to_string();
    assert_eq!(at("t3.new.natural"), "第4页 表格第4行第4列");
    // 表三 continues on page 5: its rows are counted from the top of the table there.
    assert_eq!(at("t3.unable_needs_creation.natural"), "第5页 表格第1行第4列");
    assert_eq!(at("t3.carry_forward.total"), "第5页 表格第12行第10列");
    // 表二 breaks between its blocks: 行政处罚 is the second row on page 4.
    assert_eq!(at("t2.penalty.decisions"), "第4页 表格第2行第2列");
    assert_eq!(at("t4.suit_after_review_total"), "第5页 表格第4行第15列");
}

#[test]
fn a_finding_names_the_page_of_the_total() {
    let report = read(&fixture("pdf/2021-pingtan-nyncj-chromium.pdf"));
    let findings = check(&report);
    let f = findings
        .iter()
        .find(|f| f.rule == "T3_RESULTS_TOTAL" && f.cell == "t3.results_total.natural")
        .unwrap();
    assert_eq!(f.sheet.as_deref(), Some("第6页"));
    assert_eq!(f.a1, None);
    assert!(
        f.message
            .starts_with("表三 自然人列：（七）总计 3，应等于各项办理结果之和 2"),
        "{}",
        f.message
    );
    assert!(f.message.ends_with("（第6页 表格第2行第4列）"), "{}", f.message);
}

#[test]
fn broken_pdfs_have_their_errors() {
    let cases = [
        ("empty.pdf", "EMPTY", "文件是空的"),
        ("no-pages.pdf", "NO_PAGES", "PDF 中一页也没有"),
        ("damaged.pdf", "CORRUPT", "PDF 文件已损坏"),
        ("truncated.pdf", "CORRUPT", "文件不完整，结尾缺失"),
        ("encrypted.pdf", "ENCRYPTED", "PDF 文件已加密（设置了打开密码）"),
        (
            "scanned.pdf",
            "SCANNED",
            "这是扫描件（只有图像、没有文字层），无法读取其中的数字；请向发布单位索取 Word/Excel 或可复制文字的 PDF",
        ),
        ("outlined.pdf", "NO_TEXT", "PDF 中没有可读取的文字"),
        ("no-tables.pdf", "NO_TABLES", "找不到年报的表格"),
        // A report printed from Word with 三线表 tables (no vertical rules): said so, not "no report".
        ("threeline.pdf", "UNSUPPORTED", "表格可能只有横线、没有竖线（三线表）"),
        // A password only for printing or editing does not keep the text from being read.
        ("owner-only.pdf", "NO_TABLES", "找不到年报的表格"),
    ];
    for (file, code, words) in cases {
        let path = fixture("broken").join(file);
        let e = read_path(&path, &Options::default()).unwrap_err();
        assert_eq!(e.code(), code, "{file}: {e}");
        let message = e.to_string();
        assert!(message.starts_with(&format!("“{}”：", path.display())), "{message}");
        assert!(message.contains(words), "{file}: {message}");
    }
}

#[test]
fn damaged_copies_never_panic() {
    let original = std::fs::read(fixture("published/hongze-district-2024-report.pdf")).unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..24 {
        let mut bytes = original.clone();
        let at = next() as usize % bytes.len();
        match i % 3 {
            0 => {
                for _ in 0..16 {
                    let k = next() as usize % bytes.len();
                    bytes[k] = next() as u8;
                }
            }
            1 => {
                let len = (next() as usize % 4000).min(bytes.len() - at);
                bytes.drain(at..at + len);
            }
            _ => {
                let len = (next() as usize % 2000).min(bytes.len() - at);
                bytes[at..at + len].fill(b'0');
            }
        }
        // Read or refused with a Chinese error, both fine; a panic (caught by the reader and
        // reported as an internal error) is not.
        if let Err(e) = read_bytes(&bytes, "damaged.pdf", &Options::default()) {
            assert!(!e.to_string().contains("内部错误"), "variant {i}: {e}");
        }
    }
}
