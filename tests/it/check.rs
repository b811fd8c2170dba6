//! `check` on fixtures made by other software: exactly the planted findings (and no others), each at
//! the cell and address of the user's own file, with the numbers in its message.

use crate::common::fixture;
use nianbao::model::Found;
use std::collections::BTreeSet;
use std::path::Path;

use nianbao::check::check;
use nianbao::format::Format;
use nianbao::model::{Finding, Report, Severity};
use nianbao::read::{read_path, Options};

/// A finding in the notation of the fixtures' expected JSON: `RULE cell`, per-column rules as
/// `t3.*.<col>`, per-table warnings as `t2`.
fn key(f: &Finding) -> String {
    let cell = match f.rule {
        "T3_BALANCE" => format!("t3.*.{}", f.cell.rsplit('.').next().unwrap()),
        "VALUE_BLANK" | "VALUE_DASH" => f.cell.split('.').next().unwrap().to_string(),
        _ => f.cell.clone(),
    };
    format!("{} {cell}", f.rule)
}

fn expected(path: &Path) -> serde_json::Value {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let json = path.with_file_name(format!("{name}.expected.json"));
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

#[test]
fn every_fixture_gets_exactly_its_planted_findings() {
    let dir = fixture("workbooks");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().unwrap_or_default().to_string_lossy().to_string();
        if !["xlsx", "xls", "ods"].contains(&ext.as_str()) {
            continue;
        }
        let report = read_path(&path, &Options::default()).unwrap();
        let got: BTreeSet<String> = check(&report).iter().map(key).collect();
        let want: BTreeSet<String> = expected(&path)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 19);
}

#[test]
fn a_finding_points_at_the_total_in_the_users_file_with_the_numbers() {
    let path = fixture("workbooks/results-total-fault-2024.xlsx");
    let report = read_path(&path, &Options::default()).unwrap();
    let findings = check(&report);
    let f = findings.iter().find(|f| f.cell == "t3.results_total.natural").unwrap();
    assert_eq!(f.rule, "T3_RESULTS_TOTAL");
    assert_eq!(f.severity, Severity::Error);
    let cells = &expected(&path)["cells"]["t3.results_total.natural"];
    assert_eq!(f.sheet.as_deref(), cells[0].as_str());
    assert_eq!(f.a1.as_deref(), cells[1].as_str());
    let total = report.get("t3.results_total.natural").unwrap();
    let leaves: f64 = Format::F2021
        .layout()
        .t3_result_leaves()
        .map(|r| report.get(&format!("t3.{}.natural", r.code)).unwrap_or(0.0))
        .sum();
    assert!(
        f.message.starts_with(&format!(
            "表三 自然人列：（七）总计 {total}，应等于各项办理结果之和 {leaves}"
        )),
        "{}",
        f.message
    );
    assert!(
        f.message.contains(&format!("相差 {}", (total - leaves).abs())),
        "{}",
        f.message
    );
    assert!(f.cells.len() == 22, "the total and its 21 result rows: {:?}", f.cells);
}

#[test]
fn balance_message_states_both_sides() {
    let path = fixture("workbooks/2020-shanghai-city.xlsx");
    let report = read_path(&path, &Options::default()).unwrap();
    let f = check(&report)
        .into_iter()
        .find(|f| f.rule == "T3_BALANCE" && f.cell.ends_with(".research"))
        .unwrap();
    // The published Shanghai table: new 13 + carried 0 = 13, results 12 + carry forward 0 = 12.
    assert!(
        f.message.starts_with(
            "表三 科研机构列：一、本年新收政府信息公开申请数量 13 + 二、上年结转政府信息公开申请数量 0 = 13，\
             应等于（七）总计 12 + 四、结转下年度继续办理 0 = 12，相差 1"
        ),
        "{}",
        f.message
    );
}

#[test]
fn value_findings_quote_the_text() {
    let report = read_path(fixture("workbooks/bad-cells-2021.xlsx"), &Options::default()).unwrap();
    let findings = check(&report);
    let f = findings
        .iter()
        .find(|f| f.cell == "t3.rejected_excessive.commercial")
        .unwrap();
    assert_eq!(f.rule, "VALUE_NOT_NUMBER");
    assert!(f.message.contains("“若干”"), "{}", f.message);
    let f = findings.iter().find(|f| f.cell == "t4.review_other").unwrap();
    assert_eq!(f.rule, "VALUE_NEGATIVE");
    assert!(f.message.contains("-2"), "{}", f.message);
}

#[test]
fn missing_tables_are_errors() {
    let report = read_path(fixture("broken/only-t3.xlsx"), &Options::default()).unwrap();
    let got: BTreeSet<String> = check(&report).iter().map(key).collect();
    assert_eq!(
        got,
        ["TABLE_MISSING t2", "TABLE_MISSING t4"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

/// A consistent random report: applicants' numbers drawn, every total derived.
fn consistent(format: Format, seed: u64) -> Report {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |max: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % max
    };
    let mut r = Report::new("随机单位", if format == Format::F2019 { 2020 } else { 2024 }, format);
    for cell in format.cells() {
        r.set(&cell.code, next(6) as f64);
    }
    let layout = format.layout();
    let applicants = ["natural", "commercial", "research", "social", "legal", "other"];
    for c in applicants {
        let results: f64 = layout
            .t3_result_leaves()
            .map(|row| r.get(&format!("t3.{}.{c}", row.code)).unwrap())
            .sum();
        r.set(&format!("t3.results_total.{c}"), results);
        let carried = r.get(&format!("t3.carried.{c}")).unwrap();
        let forward = next(4) as f64;
        r.set(&format!("t3.carry_forward.{c}"), forward);
        // new + carried = results + forward; keep new ≥ 0 by raising the forward count if needed.
        let new = results + forward - carried;
        if new < 0.0 {
            r.set(&format!("t3.carry_forward.{c}"), forward - new);
            r.set(&format!("t3.new.{c}"), 0.0);
        } else {
            r.set(&format!("t3.new.{c}"), new);
        }
    }
    for row in layout.t3_rows {
        let sum: f64 = applicants
            .iter()
            .map(|c| r.get(&format!("t3.{}.{c}", row.code)).unwrap())
            .sum();
        r.set(&format!("t3.{}.total", row.code), sum);
    }
    for g in ["review", "suit_direct", "suit_after_review"] {
        let sum: f64 = ["upheld", "corrected", "other", "pending"]
            .iter()
            .map(|l| r.get(&format!("t4.{g}_{l}")).unwrap())
            .sum();
        r.set(&format!("t4.{g}_total"), sum);
    }
    r
}

#[test]
fn consistent_reports_pass_and_any_single_change_of_a_count_fails() {
    for format in Format::ALL {
        for seed in 0..20 {
            let r = consistent(format, seed);
            let errors: Vec<String> = check(&r)
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.message.clone())
                .collect();
            assert!(errors.is_empty(), "{format} seed {seed}: {errors:?}");
            // Every 表三 and 表四 count takes part in some rule: change it by one and a rule fails.
            for (i, def) in format
                .cells()
                .iter()
                .enumerate()
                .filter(|(_, d)| d.table.code() != "t2")
            {
                let mut changed = r.clone();
                let n = changed.cells[i].as_ref().unwrap().number.unwrap();
                changed.set(&def.code, n + 1.0);
                assert!(
                    check(&changed).iter().any(|f| f.severity == Severity::Error),
                    "{format} seed {seed}: changing {} went unnoticed",
                    def.code
                );
            }
        }
    }
}

#[test]
fn check_report_workbook_lists_every_finding_and_a_sheet_per_agency() {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("校验结果.xlsx");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["check", "--format", "json"])
        .arg(fixture("../fixtures/district"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "an error and an unreadable file");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 13);
    let unreadable: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["readable"] == false)
        .collect();
    assert_eq!(unreadable.len(), 1);
    assert!(unreadable[0]["error"].as_str().unwrap().contains("区统计局.xlsx"));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&report).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "校验结果");
    assert!(names.iter().any(|n| n == "区住房和城乡建设局"), "{names:?}");
    let list = wb.worksheet_range("校验结果").unwrap();
    let rows: Vec<String> = list
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("区住房和城乡建设局") && r.contains("T3_ROW_TOTAL")),
        "{rows:?}"
    );
}

#[test]
fn report_dir_holds_one_workbook_per_return_to_send_back_and_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let district = fixture("../fixtures/district");
    for f in [
        "区住房和城乡建设局.xlsx",
        "区财政局.xlsx",
        "区统计局.xlsx",
        "街道/东湖街道办事处.xlsx",
    ] {
        std::fs::copy(district.join(f), dir.path().join(Path::new(f).file_name().unwrap())).unwrap();
    }
    // The same faulty return a second time, under another name: its own workbook, never overwritten.
    std::fs::copy(
        district.join("区住房和城乡建设局.xlsx"),
        dir.path().join("区住建局（再次报送）.xlsx"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let back = out.path().join("退回");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("check")
        .arg(dir.path())
        .arg("--report-dir")
        .arg(&back)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("已写入 4 份退回的校验结果和退回清单.xlsx"), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&back)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "东湖街道办事处-2024年度-校验结果.xlsx",
            "区住房和城乡建设局-2024年度-校验结果.xlsx",
            "区住房和城乡建设局-2024年度（2）-校验结果.xlsx",
            "区统计局-无法读取-校验结果.xlsx",
            "退回清单.xlsx",
        ],
        "区财政局 has nothing wrong and is not sent back"
    );
    // The list: who, which year, how many errors and warnings, which file, which workbook.
    let list = crate::common::sheet(&std::fs::read(back.join("退回清单.xlsx")).unwrap(), "退回清单");
    assert_eq!(
        list[0][..7],
        ["序号", "单位", "年度", "错误", "警告", "收到的文件", "发回的校验结果"]
    );
    let row = |file: &str| list.iter().find(|r| r[5].ends_with(file)).unwrap().clone();
    let housing = row("区住房和城乡建设局.xlsx");
    assert_eq!(
        housing[1..5],
        ["区住房和城乡建设局", "2024", "2", "0"].map(String::from)
    );
    // The copy 区住建局（再次报送）.xlsx comes first in the folder and took the plain name.
    assert_eq!(housing[6], "区住房和城乡建设局-2024年度（2）-校验结果.xlsx");
    assert!(housing[7].contains("相差"), "{}", housing[7]);
    let donghu = row("东湖街道办事处.xlsx");
    assert_eq!(donghu[3..5], ["0", "5"].map(String::from));
    let broken = row("区统计局.xlsx");
    assert_eq!((broken[1].as_str(), broken[3].as_str()), ("（无法读取）", "1"));
    assert!(broken[7].contains("文件已损坏"), "{}", broken[7]);
    assert_eq!(list.last().unwrap()[1..5], ["共 4 份", "", "5", "5"].map(String::from));
    // One agency's workbook: its findings (sheet and cell in its own file) and its numbers.
    let workbook = std::fs::read(back.join(&housing[6])).unwrap();
    let findings = crate::common::sheet(&workbook, "校验结果");
    let rules: BTreeSet<&str> = findings[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(rules, ["T3_BALANCE", "T3_ROW_TOTAL"].into_iter().collect());
    assert!(findings[1..].iter().all(|r| r[0] == "区住房和城乡建设局"));
    let original = read_path(district.join("区住房和城乡建设局.xlsx"), &Options::default()).unwrap();
    let sent = nianbao::read::read_bytes(&workbook, "x.xlsx", &Options::default()).unwrap();
    for def in Format::F2021.cells() {
        assert_eq!(sent.get(&def.code), original.get(&def.code), "{}", def.code);
    }
}

#[test]
fn a_report_without_a_year_or_a_real_agency_name_says_so() {
    // A title wrapped after its year used to leave the year unread (0) without a word.
    let mut r = Report::new("报表(1)", None, Format::F2021);
    r.source.agency_from = Found::FileName;
    let rules: Vec<(&str, Severity)> = check(&r).iter().map(|f| (f.rule, f.severity)).collect();
    assert!(rules.contains(&("YEAR_UNKNOWN", Severity::Warning)), "{rules:?}");
    assert!(rules.contains(&("AGENCY_UNKNOWN", Severity::Warning)), "{rules:?}");
    // A file named after its agency (区财政局.xlsx) is the usual way to send one: no warning.
    let mut r = Report::new("区财政局", 2024, Format::F2021);
    r.source.agency_from = Found::FileName;
    let rules: Vec<&str> = check(&r).iter().map(|f| f.rule).collect();
    assert!(
        !rules.contains(&"AGENCY_UNKNOWN") && !rules.contains(&"YEAR_UNKNOWN"),
        "{rules:?}"
    );
}
