//! `compare` and the narrative check: a published page against a workbook of the same numbers, one
//! cell changed, consecutive years that do or do not follow, and every number the corpus reports
//! state in their text held against their tables.

use crate::common::fixture;
use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao::check::check;
use nianbao::compare::{compare, Kind};
use nianbao::format::Format;
use nianbao::model::Report;
use nianbao::read::{read_bytes, read_path, Options};
use nianbao::write::xlsx::filled;

fn read(path: &Path) -> Report {
    read_path(path, &Options::default()).unwrap()
}

/// Writes `report` as our filled workbook into `dir` and returns the path.
fn workbook(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, filled(report, &[], "").unwrap()).unwrap();
    path
}

fn cli(args: &[&Path]) -> (Option<i32>, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("compare")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or_default(),
    )
}

#[test]
fn a_published_page_agrees_with_the_workbook_of_its_numbers() {
    // The fixture workbook was made (by openpyxl) with the numbers of the published page.
    let page = fixture("published/2024-pingtan-zone.html");
    let book = fixture("workbooks/2024-pingtan-zone.xlsx");
    let (code, v) = cli(&[&page, &book]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["kind"], "same_year");
    assert_eq!(v["differences"].as_array().unwrap().len(), 0);
    assert_eq!(v["a"]["agency"], "平潭综合实验区");
}

#[test]
fn one_changed_cell_is_exactly_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let page = fixture("published/2024-pingtan-zrzj.html");
    let mut report = read(&page);
    let same = workbook(dir.path(), "same.xlsx", &report);
    let (code, v) = cli(&[&page, &same]);
    assert_eq!((code, v["differences"].as_array().unwrap().len()), (Some(0), 0), "{v}");
    report.set("t3.granted.natural", 24.0);
    let changed = workbook(dir.path(), "changed.xlsx", &report);
    let (code, v) = cli(&[&page, &changed]);
    assert_eq!(code, Some(1));
    let diffs = v["differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{v}");
    assert_eq!(diffs[0]["cell"], "t3.granted.natural");
    assert_eq!(
        (diffs[0]["a"].as_f64(), diffs[0]["b"].as_f64()),
        (Some(23.0), Some(24.0))
    );
    // Where each value sits: the page's table grid, and the workbook's sheet and cell.
    assert!(diffs[0]["a_where"].as_str().unwrap().starts_with("表格"), "{v}");
    assert!(diffs[0]["b_where"].as_str().unwrap().starts_with("工作表“表三”"), "{v}");
}

/// A 2024 report and its 2023 predecessor whose 结转下年度 equals (or not) the 2024 上年结转.
fn pair(follow: bool) -> (Report, Report) {
    let this = read(&fixture("workbooks/huaian-city-2024.xlsx"));
    let mut last = this.clone();
    last.year = Some(2023);
    for col in ["natural", "commercial", "research", "social", "legal", "other", "total"] {
        let carried = this.get(&format!("t3.carried.{col}")).unwrap();
        last.set(&format!("t3.carry_forward.{col}"), carried);
    }
    if !follow {
        let n = last.get("t3.carry_forward.legal").unwrap();
        last.set("t3.carry_forward.legal", n + 2.0);
    }
    (last, this)
}

#[test]
fn consecutive_years_follow_or_not() {
    let (last, this) = pair(true);
    let c = compare(&this, &last).unwrap();
    assert_eq!(c.kind, Kind::YearOverYear);
    assert_eq!(c.a.year, Some(2023), "the earlier year is a");
    assert!(c.agrees(), "{:?}", c.findings);
    let (last, this) = pair(false);
    let c = compare(&last, &this).unwrap();
    assert!(!c.agrees());
    let carry: Vec<_> = c.findings.iter().filter(|f| f.rule == "CROSS_YEAR_CARRY").collect();
    assert_eq!(carry.len(), 1);
    assert_eq!(carry[0].cell, "t3.carried.legal");
    // Across the 2020 → 2021 change only cells of the same meaning are compared.
    let old = read(&fixture("workbooks/2020-shanghai-city.xlsx"));
    let mut new = Report::new("上海市", 2021, Format::F2021);
    for def in Format::F2021.cells() {
        new.set(&def.code, 0.0);
    }
    let c = compare(&old, &new).unwrap();
    assert!(c
        .differences
        .iter()
        .all(|d| Format::F2019.cell_index(&d.cell).is_some()));
    assert!(c.differences.iter().any(|d| d.cell == "t2.licensing.decisions"));
    assert!(
        !c.differences.iter().any(|d| d.cell.starts_with("t3.other")),
        "（六） changed meaning"
    );
    assert!(c.findings.iter().any(|f| f.rule == "LARGE_CHANGE"));
}

#[test]
fn years_apart_are_wrong_usage() {
    let a = read(&fixture("workbooks/2020-shanghai-city.xlsx"));
    let b = read(&fixture("workbooks/2024-pingtan-zone.xlsx"));
    assert!(compare(&a, &b).is_none());
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("compare")
        .arg(fixture("workbooks/2020-shanghai-city.xlsx"))
        .arg(fixture("workbooks/2024-pingtan-zone.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn mismatches(report: &Report) -> Vec<String> {
    check(report)
        .into_iter()
        .filter(|f| f.rule == "TEXT_TABLE_MISMATCH")
        .map(|f| f.message)
        .collect()
}

#[test]
fn the_corpus_text_agrees_with_its_tables_but_in_one_report() {
    let dir = fixture("published");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".json") || path.extension().is_some_and(|e| e == "docx") {
            continue;
        }
        let found = mismatches(&read(&path));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("hongze") {
            assert_eq!(found.len(), 1, "{name}: {found:?}");
            assert!(
                found[0].starts_with(
                    "正文“受理政府信息公开申请17件”与表三 “一、本年新收政府信息公开申请数量”行 总计列 95 不一致"
                ),
                "{}",
                found[0]
            );
        } else {
            assert!(found.is_empty(), "{name}: {found:?}");
        }
        seen += 1;
    }
    assert_eq!(seen, 13);
}

#[test]
fn planted_mismatches_in_copies_are_all_found() {
    // (report, sentence as published, the same sentence with another number, the cell)
    let plants = [
        (
            "2024-pingtan-zrzj.html",
            "全年受理信息公开申请69件",
            "全年受理信息公开申请70件",
            "t3.new.total",
        ),
        (
            "2021-pingtan-nyncj.html",
            "共收到政府信息公开申请3件",
            "共收到政府信息公开申请五件",
            "t3.new.total",
        ),
        (
            "2020-shanghai-city.html",
            "信息公开类行政复议813件",
            "信息公开类行政复议812件",
            "t4.review_total",
        ),
        (
            "2020-shanghai-city.html",
            "信息公开类行政诉讼立案731件",
            "信息公开类行政诉讼立案732件",
            "t4.suit_direct_total",
        ),
        (
            "2020-shanghai-city.html",
            "未经复议直接起诉442件",
            "未经复议直接起诉441件",
            "t4.suit_direct_total",
        ),
        (
            "2020-shanghai-city.html",
            "含上年度结转申请1400件",
            "含上年度结转申请1401件",
            "t3.carried.total",
        ),
        (
            "2024-pingtan-zone.html",
            "制发行政规范性文件62件",
            "制发行政规范性文件六十二件，另制发规范性文件61件",
            "t2.normative_docs.issued",
        ),
    ];
    for (file, from, to, cell) in plants {
        let text = std::fs::read_to_string(fixture("published").join(file)).unwrap();
        assert!(text.contains(from), "{file} has no “{from}”");
        let planted = text.replacen(from, to, 1);
        let report = read_bytes(planted.as_bytes(), file, &Options::default()).unwrap();
        let found: Vec<_> = check(&report)
            .into_iter()
            .filter(|f| f.rule == "TEXT_TABLE_MISMATCH")
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{file} {to}: {:?}",
            found.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        assert_eq!(found[0].cell, cell, "{file} {to}");
    }
}

/// Every corpus report whose truth gives the number of applications its prose states has that
/// statement found, in the wording its publisher used (`接到自然人政府信息公开申请1条`, `共受理2条公开申请`,
/// `未收到政府信息公开申请`, `共受理政府信息公开申请347件`).
#[test]
fn each_corpus_statement_of_applications_received_is_found() {
    let dir = fixture("published");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".truth.json") else {
            continue;
        };
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(want) = truth["narrative"]["narrative_new_total"].as_f64() else {
            continue;
        };
        let input = ["txt", "html", "pdf", "docx"]
            .iter()
            .map(|e| dir.join(format!("{stem}.{e}")))
            .find(|p| p.exists())
            .unwrap();
        let found = nianbao::narrative::statements(&read(&input));
        assert!(
            found
                .iter()
                .any(|s| s.stated == want && s.quantities[0] == ["t3.new.total"]),
            "{name}: {want} not found in {found:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

/// The wordings people use for the applications received, reviews and suits are read, with Chinese
/// numerals too; sentences about other things are not.
#[test]
fn wordings_of_the_prose_and_what_they_are_not() {
    let stated = |text: &str| -> Vec<(f64, &'static str)> {
        let mut r = Report::new("某某局", 2024, Format::F2021);
        r.sections[2] = Some(text.to_string());
        nianbao::narrative::statements(&r)
            .into_iter()
            .map(|s| (s.stated, s.quantities[0][0]))
            .collect()
    };
    for (text, want) in [
        (
            "本年度共收到公民、法人和其他组织政府信息公开申请8件。",
            (8.0, "t3.new.total"),
        ),
        ("全年共收到依申请信息公开62件。", (62.0, "t3.new.total")),
        ("收到政府信息公开申请3件，其中自然人2件。", (3.0, "t3.new.total")),
        ("全年受理政府信息公开申请十七件。", (17.0, "t3.new.total")),
        ("累计受理政府信息公开申请一百零五件。", (105.0, "t3.new.total")),
        ("通过网上依申请公开渠道共受理2条公开申请。", (2.0, "t3.new.total")),
        ("2023年度未收到政府信息公开申请。", (0.0, "t3.new.total")),
        ("全年共办理依申请公开12件。", (12.0, "t3.new.total")),
        ("本年新收24件，上年结转3件。", (24.0, "t3.new.total")),
        ("因政府信息公开被申请行政复议2件。", (2.0, "t4.review_total")),
        ("发生政府信息公开行政诉讼案件1起。", (1.0, "t4.suit_direct_total")),
        ("未发生因政府信息公开被申请行政复议的情况。", (0.0, "t4.review_total")),
    ] {
        assert!(stated(text).contains(&want), "{text}: {:?}", stated(text));
    }
    assert!(stated("本年新收24件，上年结转3件。").contains(&(3.0, "t3.carried.total")));
    for text in [
        "全年受理网络问政182件，办结率100%。",
        "办理人大建议15件、政协提案22件。",
        "接受政务咨询356件。",
        "依法按时办结依申请公开事项403件。",
        "主动公开政府信息326条。",
    ] {
        assert_eq!(stated(text), Vec::new(), "{text}");
    }
}

/// No report read from the fixtures whose text agrees with its tables gets `TEXT_TABLE_MISMATCH`:
/// the web pages, Word files and PDFs of every fixture folder (the one report whose text says 17
/// where the table says 95, and its prints, excepted).
#[test]
fn no_false_alarm_on_any_fixture_report() {
    let mut read = 0;
    for folder in ["published", "docpdf", "identity", "printed", "pdf", "text-forms"] {
        for entry in walkdir::WalkDir::new(fixture(folder)).into_iter().flatten() {
            let path = entry.path();
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if !["html", "txt", "docx", "pdf"].contains(&ext.as_str()) || path.to_string_lossy().contains("hongze") {
                continue;
            }
            let Ok(report) = read_path(path, &Options::default()) else {
                continue;
            };
            read += 1;
            let alarms: Vec<String> = check(&report)
                .into_iter()
                .filter(|f| f.rule == "TEXT_TABLE_MISMATCH")
                .map(|f| f.message)
                .collect();
            assert!(alarms.is_empty(), "{}: {alarms:?}", path.display());
        }
    }
    assert!(read >= 100, "{read}");
}
