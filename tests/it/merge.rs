//! `merge` on the shipped fixture district: totals, who is missing, unexpected, duplicated or
//! unreadable, and the summary workbook read back with calamine.

use nianbao::model::FormatFrom;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use nianbao::format::Format;
use nianbao::merge::{merge, MergeOptions, Status};
use nianbao::read::collect;
use nianbao::roster::Roster;
use serde_json::Value as Json;

use crate::common;

fn district() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/district")
}

fn expected() -> Json {
    serde_json::from_str(&std::fs::read_to_string(district().join("expected.json")).unwrap()).unwrap()
}

/// A copy of the district with the modification times the returns really had (git keeps none).
/// Runs `nianbao merge DIR -o OUT ARGS…`.
fn merge_cli(dir: &Path, out: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("merge")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

pub(crate) fn copy_with_times() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let exp = expected();
    for entry in walkdir::WalkDir::new(district()) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(district()).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            continue;
        }
        std::fs::copy(entry.path(), &to).unwrap();
        if let Some(t) = exp["mtimes"][rel.to_string_lossy().as_ref()].as_str() {
            // "2025-01-25T16:30:00+08:00": only the order matters, so days and minutes suffice.
            let day: u64 = t[8..10].parse().unwrap();
            let minutes: u64 = t[11..13].parse::<u64>().unwrap() * 60 + t[14..16].parse::<u64>().unwrap();
            let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_660_800 + day * 86_400 + minutes * 60);
            common::set_modified(&to, when);
        }
    }
    dir
}

/// The files (as `rel` names them) of the merge's entries with status `s`.
fn files_with(merged: &nianbao::merge::Merged, s: Status, rel: &dyn Fn(&Path) -> String) -> BTreeSet<String> {
    merged
        .entries
        .iter()
        .filter(|e| e.status == s)
        .map(|e| rel(&e.file))
        .collect()
}

fn names(list: &Json) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_district_adds_up() {
    let dir = copy_with_times();
    let exp = expected();
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let rel = |p: &Path| p.strip_prefix(dir.path()).unwrap().to_string_lossy().to_string();
    // Lock files and hidden files are not inputs; the roster CSV and the notes are not workbooks.
    let taken: BTreeSet<String> = inputs.iter().map(|p| rel(p)).collect();
    assert!(
        !taken
            .iter()
            .any(|f| f.contains("~$") || f.contains(".DS_Store") || f.ends_with(".csv")),
        "{taken:?}"
    );
    let options = MergeOptions {
        roster: Some(Roster::read(dir.path().join("roster.csv")).unwrap()),
        name: "某某区人民政府".into(),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    let with = |s: Status| files_with(&merged, s, &rel);
    assert_eq!(with(Status::Counted), names(&exp["counted"]));
    assert_eq!(with(Status::Unreadable), names(&exp["unreadable"]));
    assert_eq!(with(Status::Superseded), names(&exp["superseded"]));
    let missing: BTreeSet<String> = merged.missing.iter().map(|m| m.name.clone()).collect();
    assert_eq!(missing, names(&exp["missing"]));
    assert_eq!(
        merged.unexpected.iter().cloned().collect::<BTreeSet<_>>(),
        names(&exp["unexpected"])
    );
    assert_eq!(merged.duplicates.len(), 1);
    assert_eq!(merged.duplicates[0].agency, "区教育局");
    assert_eq!(rel(Path::new(&merged.duplicates[0].counted)), "区教育局（更正）.xlsx");
    // Every cell of the totals.
    let total = &merged.total;
    for def in total.format.cells() {
        let parts: Vec<&str> = def.code.split('.').collect();
        let want = match parts.as_slice() {
            [t, r, c] => &exp[*t][*r][*c],
            [t, c] => &exp[*t][*c],
            _ => unreachable!(),
        };
        let got = total.get(&def.code);
        assert_eq!(got, want.as_f64(), "{}", def.code);
    }
    assert_eq!(total.get("t3.new.total"), Some(250.0));
    assert_eq!(total.get("t4.review_total"), Some(14.0));
    // The district totals carry the one planted fault, and nothing else is wrong with them.
    let rules: BTreeSet<&str> = merged.total_findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["T3_BALANCE", "T3_ROW_TOTAL"].into_iter().collect());
    // Errors per agency.
    let housing = merged
        .entries
        .iter()
        .find(|e| e.agency.as_deref() == Some("区住房和城乡建设局"))
        .unwrap();
    assert_eq!((housing.errors, housing.warnings), (2, 0));
    let donghu = merged
        .entries
        .iter()
        .find(|e| e.agency.as_deref() == Some("东湖街道办事处"))
        .unwrap();
    assert_eq!((donghu.errors, donghu.warnings), (0, 5));
    assert!(merged.any_unreadable());
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    common::sheet(&std::fs::read(path).unwrap(), name)
}

#[test]
fn the_cli_writes_the_summary_workbook_json_and_csv() {
    let dir = copy_with_times();
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("汇总.xlsx");
    let json = out.path().join("汇总.json");
    let csv = out.path().join("汇总.csv");
    let status = merge_cli(
        dir.path(),
        &xlsx,
        &[
            "--roster".as_ref(),
            dir.path().join("roster.csv").as_ref(),
            "--name".as_ref(),
            "某某区人民政府".as_ref(),
            "--json".as_ref(),
            json.as_ref(),
            "--csv".as_ref(),
            csv.as_ref(),
        ],
    );
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert_eq!(
        status.status.code(),
        Some(1),
        "an unreadable file makes merge exit 1: {stderr}"
    );
    assert!(
        stderr.contains("无法读取：“") && stderr.contains("区统计局.xlsx"),
        "{stderr}"
    );
    assert!(stderr.contains("未报送（1 个）：区人力资源和社会保障局"), "{stderr}");

    // JSON: the report schema for the totals plus the lists.
    let v: Json = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["agency"], "某某区人民政府");
    assert_eq!(v["t3"]["new"]["total"], 250);
    assert_eq!(names(&v["missing"]), names(&expected()["missing"]));
    assert_eq!(
        names(&v["unexpected"]),
        ["区卫生健康局".to_string()].into_iter().collect()
    );
    assert_eq!(v["agencies"].as_array().unwrap().len(), 13);
    assert_eq!(v["duplicates"][0]["agency"], "区教育局");

    // CSV: every counted agency and the total, one cell a line.
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 12 * nianbao::format::Format::F2021.cells().len());
    assert!(text.contains("某某区人民政府,2024,2021,t3,new,total,250\n"));

    // The workbook: the per-agency detail, the findings, who reported.
    let detail = sheet(&xlsx, "分单位明细");
    assert_eq!(detail[0][1], "单位名称");
    assert_eq!(detail[1][7], "本年制发件数");
    assert_eq!(detail[2][1], "区政府办公室", "roster order first");
    let last = detail.last().unwrap();
    assert!(last[1].starts_with("合计"));
    let col = 7 + nianbao::format::Format::F2021.cell_index("t3.new.total").unwrap();
    assert_eq!(last[col], "250");
    let findings = sheet(&xlsx, "校验结果");
    assert!(findings
        .iter()
        .any(|r| r[0] == "区住房和城乡建设局" && r[4] == "T3_ROW_TOTAL"));
    assert!(findings
        .iter()
        .any(|r| r[1].ends_with("区统计局.xlsx") && r[4] == "UNREADABLE"));
    let reporting = sheet(&xlsx, "报送情况");
    let row = |name: &str| reporting.iter().find(|r| r[1] == name).unwrap().clone();
    assert_eq!(row("区人力资源和社会保障局")[3], "未报送");
    assert_eq!(row("区统计局")[3], "无法读取");
    assert_eq!(row("区卫生健康局")[3], "名单外（已计入）");
    assert_eq!(reporting.iter().filter(|r| r[1] == "区教育局").count(), 2);
    // 汇总 is the official layout with our cell names: it reads back through convert to the totals.
    let back = nianbao::read::read_path(&xlsx, &nianbao::read::Options::default()).unwrap();
    assert_eq!(back.source.format_from, FormatFrom::Names);
    assert_eq!((back.agency.as_str(), back.year), ("某某区人民政府", Some(2024)));
    let exp = expected();
    for def in back.format.cells() {
        let parts: Vec<&str> = def.code.split('.').collect();
        let want = match parts.as_slice() {
            [t, r, c] => &exp[*t][*r][*c],
            [t, c] => &exp[*t][*c],
            _ => unreachable!(),
        };
        assert_eq!(back.get(&def.code), want.as_f64(), "汇总 {}", def.code);
    }
    let subtotals = sheet(&xlsx, "分类小计");
    let streets = subtotals.iter().find(|r| r[0] == "街道乡镇").unwrap();
    assert_eq!(streets[1], "3");
    assert_eq!(
        streets[2 + nianbao::format::Format::F2021.cell_index("t3.new.total").unwrap()],
        "7"
    );
}

#[test]
fn reports_of_different_years_are_not_added() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks");
    let inputs = vec![
        fixtures.join("2024-pingtan-zone.xlsx"),
        fixtures.join("2020-shanghai-city.xlsx"),
    ];
    let Err(e) = merge(&inputs, &MergeOptions::default(), &|| {}) else {
        panic!("merged two years")
    };
    // Which files are which, and the --year to give (one file each: the later year).
    let text = e.to_string();
    let file = |name: &str| fixtures.join(name).display().to_string();
    assert_eq!(
        text,
        format!(
            "报表的年度不一致，不能相加。2024 年度（2021 版格式）1 份：{}；2020 年度（2019 版格式）1 份：{}。\
             请用 --year 2024 只汇总 2024 年度的报表（网页中在顶部选择报告年度；其他年度的文件会列出但不计入），\
             或移走不属于本次汇总的文件",
            file("2024-pingtan-zone.xlsx"),
            file("2020-shanghai-city.xlsx")
        )
    );
    // With --year the other year is set aside, not added, and says why.
    let options = MergeOptions {
        year: Some(2024),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    let other: Vec<_> = merged
        .entries
        .iter()
        .filter(|e| e.status == Status::OtherYear)
        .collect();
    assert_eq!(other.len(), 1);
    assert_eq!(
        other[0].reason.as_deref(),
        Some("年度不符：本次汇总 2024 年度，该文件是 2020 年度的报表，未计入汇总")
    );
    assert_eq!(merged.total.get("t3.new.total"), Some(218.0));
    assert!(!merged.incomplete(), "another year is set aside on purpose");
}

/// The reason a 2019-layout return sent for 2024 is not counted.
const WRONG_LAYOUT: &str =
    "格式不符：2024 年度应使用 2021 版格式，该文件为 2019 版格式，未计入汇总；请该单位改用 2024 年度模板重新填报";

/// The district with 区统计局's (unreadable) return replaced by one in the 2019 layout for 2024:
/// a 2019-layout report (上海市 2020) claimed by 区统计局 for 2024, written by our own writer.
fn district_with_a_2019_layout_return() -> tempfile::TempDir {
    let dir = copy_with_times();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks/2020-shanghai-city.xlsx");
    let mut odd = nianbao::read::read_path(fixture, &nianbao::read::Options::default()).unwrap();
    assert_eq!(odd.format, nianbao::format::Format::F2019);
    odd.agency = "区统计局".into();
    odd.year = Some(2024);
    let bytes = nianbao::write::xlsx::filled(&odd, &[], "").unwrap();
    std::fs::write(dir.path().join("区统计局.xlsx"), bytes).unwrap();
    let back = nianbao::read::read_path(dir.path().join("区统计局.xlsx"), &nianbao::read::Options::default()).unwrap();
    assert_eq!(
        (back.agency.as_str(), back.year, back.format),
        ("区统计局", Some(2024), nianbao::format::Format::F2019)
    );
    dir
}

#[test]
fn a_return_in_the_other_layout_is_listed_and_the_rest_is_merged() {
    let dir = district_with_a_2019_layout_return();
    let exp = expected();
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let rel = |p: &Path| p.strip_prefix(dir.path()).unwrap().to_string_lossy().to_string();
    // With --year, and without it (every return names 2024, so the year is not in doubt).
    for year in [Some(2024), None] {
        let options = MergeOptions {
            roster: Some(Roster::read(dir.path().join("roster.csv")).unwrap()),
            year,
            ..MergeOptions::default()
        };
        let merged = merge(&inputs, &options, &|| {}).unwrap();
        let odd = merged.entries.iter().find(|e| rel(&e.file) == "区统计局.xlsx").unwrap();
        assert_eq!(odd.status, Status::OtherFormat, "{year:?}");
        assert_eq!(odd.reason.as_deref(), Some(WRONG_LAYOUT));
        assert!(
            odd.member.is_some(),
            "区统计局 reported, if in the wrong layout: not 未报送"
        );
        let counted: BTreeSet<String> = merged
            .entries
            .iter()
            .filter(|e| e.status == Status::Counted)
            .map(|e| rel(&e.file))
            .collect();
        assert_eq!(counted, names(&exp["counted"]));
        assert_eq!(
            (merged.total.year, merged.total.format),
            (Some(2024), nianbao::format::Format::F2021)
        );
        // The totals are those of the other returns, to the cell.
        for def in merged.total.format.cells() {
            let parts: Vec<&str> = def.code.split('.').collect();
            let want = match parts.as_slice() {
                [t, r, c] => &exp[*t][*r][*c],
                [t, c] => &exp[*t][*c],
                _ => unreachable!(),
            };
            assert_eq!(merged.total.get(&def.code), want.as_f64(), "{}", def.code);
        }
        assert!(merged.incomplete());
        assert!(!merged.any_unreadable());
        assert_eq!(merged.headline(), "汇总 13 份：计入 11，重复 1，无法读取 0，格式不符 1");
    }

    // The CLI: listed on the terminal, in the JSON, in 报送情况 and 校验结果; exit 1.
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("汇总.xlsx");
    let json = out.path().join("汇总.json");
    let run = merge_cli(
        dir.path(),
        &xlsx,
        &[
            "--roster".as_ref(),
            dir.path().join("roster.csv").as_ref(),
            "--year".as_ref(),
            "2024".as_ref(),
            "--json".as_ref(),
            json.as_ref(),
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "  “{}”：{WRONG_LAYOUT}\n",
            dir.path().join("区统计局.xlsx").display()
        )),
        "{stderr}"
    );
    let v: Json = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["t3"]["new"]["total"], 250);
    let odd = v["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "区统计局")
        .unwrap();
    assert_eq!(odd["status"], "other_format");
    assert_eq!(odd["reason"], WRONG_LAYOUT);
    assert_eq!(odd["readable"], true);
    let reporting = sheet(&xlsx, "报送情况");
    let row = reporting.iter().find(|r| r[1] == "区统计局").unwrap();
    assert_eq!((row[3].as_str(), row[9].as_str()), ("格式不符（未计入）", WRONG_LAYOUT));
    let findings = sheet(&xlsx, "校验结果");
    assert!(
        findings
            .iter()
            .any(|r| r[0] == "区统计局" && r[4] == "OTHER_FORMAT" && r[6] == "错误" && r[7] == WRONG_LAYOUT),
        "{findings:?}"
    );
    // Its numbers are in the other layout: 分单位明细 shows the row without them.
    let detail = sheet(&xlsx, "分单位明细");
    let row = detail.iter().find(|r| r[1] == "区统计局").unwrap();
    assert!(row[7..].iter().all(String::is_empty), "{row:?}");
}

#[test]
fn mixed_years_with_a_wrong_layout_name_every_group() {
    let dir = district_with_a_2019_layout_return();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks");
    let mut inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    inputs.push(fixtures.join("2020-shanghai-city.xlsx"));
    let Err(e) = merge(&inputs, &MergeOptions::default(), &|| {}) else {
        panic!("merged two years")
    };
    let text = e.to_string();
    assert!(
        text.starts_with("报表的年度不一致，不能相加。2024 年度（2021 版格式）12 份："),
        "{text}"
    );
    assert!(text.contains(" 等；2024 年度（2019 版格式）1 份："), "{text}");
    assert!(text.contains("区统计局.xlsx；2020 年度（2019 版格式）1 份："), "{text}");
    assert!(text.ends_with("请用 --year 2024 只汇总 2024 年度的报表（网页中在顶部选择报告年度；其他年度的文件会列出但不计入），或移走不属于本次汇总的文件"), "{text}");
    // The advice taken: the other year set aside, the wrong layout listed, the rest merged.
    let options = MergeOptions {
        year: Some(2024),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    let with = |s: Status| merged.entries.iter().filter(|e| e.status == s).count();
    assert_eq!(
        (
            with(Status::Counted),
            with(Status::OtherYear),
            with(Status::OtherFormat)
        ),
        (11, 1, 1)
    );
    assert_eq!(merged.total.get("t3.new.total"), Some(250.0));
}

/// A folder of symbolic links to the returns (and to a folder of them) is read like the files
/// themselves; a link back to its own folder is not followed forever; a dangling link is listed.
#[cfg(unix)]
#[test]
fn links_to_returns_are_followed() {
    use std::os::unix::fs::symlink;
    let dir = copy_with_times();
    let links = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        symlink(entry.path(), links.path().join(entry.file_name())).unwrap();
    }
    symlink(links.path(), links.path().join("回到本文件夹")).unwrap();
    symlink(dir.path().join("已删除.xlsx"), links.path().join("区审计局.xlsx")).unwrap();
    // A broken link with a name that is no report's is passed over, not the end of the walk.
    symlink(dir.path().join("已删除.zip"), links.path().join("旧报表.zip")).unwrap();
    let (inputs, passed) = nianbao::read::collect_noting(&[links.path().to_path_buf()]).unwrap();
    let zip = passed.iter().find(|(p, _)| p.ends_with("旧报表.zip"));
    assert!(zip.is_some_and(|(_, why)| why.starts_with("压缩包")), "{passed:?}");
    let rel = |p: &Path| p.strip_prefix(links.path()).unwrap().to_string_lossy().to_string();
    let options = MergeOptions {
        roster: Some(Roster::read(links.path().join("roster.csv")).unwrap()),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    let with = |s: Status| files_with(&merged, s, &rel);
    assert_eq!(with(Status::Counted), names(&expected()["counted"]));
    assert_eq!(
        with(Status::Unreadable),
        ["区审计局.xlsx", "区统计局.xlsx"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    assert_eq!(merged.total.get("t3.new.total"), Some(250.0));
    let dangling = merged.entries.iter().find(|e| rel(&e.file) == "区审计局.xlsx").unwrap();
    assert_eq!(
        dangling.error.as_ref().unwrap().kind.to_string(),
        "无法读取文件：这是一个链接（快捷方式），它指向的文件不存在或已被移走"
    );
}

#[test]
fn merge_of_a_folder_without_returns_says_so() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("名单.csv"), "单位名称\n区财政局\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = merge_cli(empty.path(), &out.path().join("汇总.xlsx"), &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("没有找到报表文件（读取的文件类型：xlsx、"), "{stderr}");
    assert!(!out.path().join("汇总.xlsx").exists());
}

#[test]
fn merge_with_last_year_adds_the_year_comparison() {
    let dir = copy_with_times();
    let last = tempfile::tempdir().unwrap();
    // Last year's returns of two agencies: one whose 结转下年度 is this year's 上年结转, one off by 3.
    for (file, agency, off) in [
        ("区政府办公室.xlsx", "区政府办公室", 0.0),
        ("区财政局.xlsx", "区财政局", 3.0),
    ] {
        let this = nianbao::read::read_path(dir.path().join(file), &nianbao::read::Options::default()).unwrap();
        let mut prev = this.clone();
        prev.year = Some(2023);
        prev.agency = agency.into();
        for col in ["natural", "commercial", "research", "social", "legal", "other", "total"] {
            let carried = this.get(&format!("t3.carried.{col}")).unwrap();
            prev.set(
                &format!("t3.carry_forward.{col}"),
                carried + if col == "natural" { off } else { 0.0 },
            );
        }
        let bytes = nianbao::write::xlsx::filled(&prev, &[], "").unwrap();
        std::fs::write(last.path().join(format!("{agency}2023.xlsx")), bytes).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("汇总.xlsx");
    let status = merge_cli(dir.path(), &xlsx, &["--previous".as_ref(), last.path().as_ref()]);
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let rows = sheet(&xlsx, "年度对比");
    assert!(
        rows[0][0].starts_with("上年 2 个单位中有 2 个可比（本年 "),
        "{}",
        rows[0][0]
    );
    assert_eq!(rows[1][2..4], ["2023年".to_string(), "2024年".to_string()]);
    let new_total = rows
        .iter()
        .find(|r| r[0] == "表三 一、本年新收政府信息公开申请数量" && r[1] == "总计")
        .unwrap();
    // 上年/本年 hold the two agencies of both years only; 本年全区 the whole district.
    let both: f64 = ["区政府办公室.xlsx", "区财政局.xlsx"]
        .iter()
        .map(|f| {
            nianbao::read::read_path(dir.path().join(f), &nianbao::read::Options::default())
                .unwrap()
                .get("t3.new.total")
                .unwrap()
        })
        .sum();
    assert_eq!(new_total[2], both.to_string());
    assert_eq!(new_total[3], both.to_string());
    assert_eq!(new_total[6], "250");
    let start = rows
        .iter()
        .position(|r| r[0] == "上年结转与上一年度报告不衔接的单位")
        .unwrap();
    let listed: Vec<&Vec<String>> = rows[start + 2..].iter().filter(|r| !r[0].is_empty()).collect();
    assert_eq!(listed.len(), 1, "only 区财政局's 自然人 column is off: {listed:?}");
    assert_eq!(listed[0][..5], ["区财政局", "自然人", "0", "3", "-3"].map(String::from));
    // With last year, 指标 and 图表 have their comparison rows; every row is still written once.
    assert_rows_written_once(&summary_parts(&std::fs::read(&xlsx).unwrap()));
}

#[test]
fn returns_in_kinds_not_read_are_listed_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::copy(
        fixtures.join("workbooks/2024-pingtan-zone.xlsx"),
        dir.path().join("平潭综合实验区.xlsx"),
    )
    .unwrap();
    std::fs::copy(fixtures.join("broken/word-97.doc"), dir.path().join("区民政局.doc")).unwrap();
    std::fs::write(dir.path().join("区水务局.zip"), b"PK\x05\x06").unwrap();
    std::fs::write(dir.path().join("~$平潭综合实验区.xlsx"), b"lock").unwrap();
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("汇总.json");
    let run = merge_cli(
        dir.path(),
        &out.path().join("汇总.xlsx"),
        &["--json".as_ref(), json.as_ref()],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("汇总 2 份：计入 1，重复 0，无法读取 1"), "{stderr}");
    let v: Json = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let passed = v["passed_over"].as_array().unwrap();
    assert_eq!(passed.len(), 1, "{passed:?}");
    assert!(passed[0]["file"].as_str().unwrap().ends_with("区水务局.zip"));
    assert_eq!(passed[0]["reason"], "压缩包：请先解压，把其中的报表放进文件夹");
    assert!(
        stderr.contains("区民政局.doc”：这是旧版 Word 文档（.doc 或 .wps），本工具不读取这种格式"),
        "{stderr}"
    );
    assert!(
        stderr.contains("跳过 1 个文件（压缩包：请先解压，把其中的报表放进文件夹）：")
            && stderr.contains("区水务局.zip"),
        "{stderr}"
    );
    // Lock files are noise: not listed.
    assert!(!stderr.contains("~$"), "{stderr}");
    // In the summary's 报送情况 too, where the office looks for every return.
    let rows = sheet(&out.path().join("汇总.xlsx"), "报送情况");
    let zip = rows.iter().find(|r| r[4].ends_with("区水务局.zip")).unwrap();
    assert_eq!(
        (zip[1].as_str(), zip[3].as_str(), zip[9].as_str()),
        ("区水务局", "未读取（跳过）", "压缩包：请先解压，把其中的报表放进文件夹")
    );
}

#[test]
fn a_return_without_a_year_is_counted_as_the_year_merged_with_a_warning() {
    // One 2024 return and one naming no year anywhere (no title, a file name without a year) in the
    // 2024 layout: the year is 2024, and the other is counted as 2024's with YEAR_ASSUMED, said on
    // 报送情况; the district is complete.
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::copy(
        fixtures.join("workbooks/2024-pingtan-zone.xlsx"),
        dir.path().join("平潭综合实验区.xlsx"),
    )
    .unwrap();
    let mut r = nianbao::model::Report::new("区民政局", None, nianbao::format::Format::F2021);
    r.set("t3.new.natural", 3.0);
    std::fs::write(
        dir.path().join("区民政局.xlsx"),
        nianbao::write::xlsx::filled(&r, &[], "").unwrap(),
    )
    .unwrap();
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let merged = merge(&inputs, &MergeOptions::default(), &|| {}).unwrap();
    assert_eq!(merged.total.year, Some(2024));
    let odd = merged.entries.iter().find(|e| e.name() == "区民政局").unwrap();
    assert_eq!(
        (odd.status.clone(), odd.year, odd.year_assumed),
        (Status::Counted, None, true)
    );
    assert_eq!(odd.reason.as_deref(), Some("年度未写明，按 2024 年度计"));
    let rules: Vec<&str> = merged.findings(odd).unwrap().iter().map(|f| f.rule).collect();
    assert!(
        rules.contains(&"YEAR_ASSUMED") && !rules.contains(&"YEAR_UNKNOWN"),
        "{rules:?}"
    );
    assert!(!odd.needs_resending() && !merged.incomplete());
    let zone =
        nianbao::read::read_path(fixtures.join("workbooks/2024-pingtan-zone.xlsx"), &Default::default()).unwrap();
    assert_eq!(
        merged.total.get("t3.new.natural"),
        zone.get("t3.new.natural").map(|n| n + 3.0)
    );
}

/// The five returns of `fixtures/identity` that name no year anywhere (2021 layout), made by
/// openpyxl, LibreOffice and as web text, copied into `dir`.
fn returns_naming_no_year(dir: &Path) -> Vec<&'static str> {
    let names = [
        "id10-cover-no-year-filing-date-trap.xlsx",
        "id14-captions-ideographic-space-no-year.xlsx",
        "id28-captions-no-space-no-year.xls",
        "id34-captions-table-first-ideographic.ods",
        "id52-text-no-year-anywhere.txt",
    ];
    for n in names {
        std::fs::copy(crate::common::fixture(&format!("identity/{n}")), dir.join(n)).unwrap();
    }
    names.to_vec()
}

#[test]
fn returns_naming_no_year_are_counted_for_the_year_given() {
    let dir = tempfile::tempdir().unwrap();
    let names = returns_naming_no_year(dir.path());
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    // Without --year and no return naming one: refused, never summed without a year.
    let e = merge(&inputs, &MergeOptions::default(), &|| {}).err().unwrap();
    assert_eq!(e.code(), "MISMATCH");
    assert!(
        e.to_string().contains("5 份报表都没有写明报告年度") && e.to_string().contains("--year"),
        "{e}"
    );
    let out = tempfile::tempdir().unwrap();
    let run = merge_cli(dir.path(), &out.path().join("汇总.xlsx"), &[]);
    assert_ne!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains("都没有写明报告年度"));
    assert!(!out.path().join("汇总.xlsx").exists());
    // With --year 2024 every one counts, each with YEAR_ASSUMED, and 报送情况 says so.
    let options = MergeOptions {
        year: Some(2024),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    assert_eq!(merged.total.year, Some(2024));
    assert_eq!(merged.entries.len(), names.len());
    for e in &merged.entries {
        assert_eq!(
            (e.status.clone(), e.year_assumed),
            (Status::Counted, true),
            "{}",
            e.file.display()
        );
        assert_eq!(e.reason.as_deref(), Some("年度未写明，按 2024 年度计"));
        let rules: Vec<&str> = merged.findings(e).unwrap().iter().map(|f| f.rule).collect();
        assert_eq!(rules.iter().filter(|r| **r == "YEAR_ASSUMED").count(), 1, "{rules:?}");
        assert!(!rules.contains(&"YEAR_UNKNOWN"));
    }
    assert!(!merged.incomplete());
    let run = merge_cli(
        dir.path(),
        &out.path().join("汇总.xlsx"),
        &["--year".as_ref(), "2024".as_ref()],
    );
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let reporting = sheet(&out.path().join("汇总.xlsx"), "报送情况");
    let assumed = reporting
        .iter()
        .filter(|r| r[9] == "年度未写明，按 2024 年度计")
        .count();
    assert_eq!(assumed, 5, "{reporting:?}");
}

#[test]
fn a_third_naming_no_year_are_counted_for_the_year_the_rest_agree_on() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        let mut r = nianbao::model::Report::new(&format!("区第{i}局"), (i % 3 != 0).then_some(2024), Format::F2021);
        for cell in Format::F2021.cells() {
            r.set(&cell.code, 0.0);
        }
        for code in ["t3.new", "t3.granted", "t3.results_total"] {
            r.set(&format!("{code}.natural"), 1.0);
            r.set(&format!("{code}.total"), 1.0);
        }
        std::fs::write(
            dir.path().join(format!("{i:02}.xlsx")),
            nianbao::write::xlsx::filled(&r, &[], "").unwrap(),
        )
        .unwrap();
    }
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let merged = merge(&inputs, &MergeOptions::default(), &|| {}).unwrap();
    assert_eq!(merged.total.year, Some(2024));
    assert_eq!(
        merged.entries.iter().filter(|e| e.status == Status::Counted).count(),
        30
    );
    assert_eq!(merged.entries.iter().filter(|e| e.year_assumed).count(), 10);
    assert_eq!(merged.total.get("t3.new.total"), Some(30.0));
    let warned = merged
        .entries
        .iter()
        .filter(|e| merged.findings(e).unwrap().iter().any(|f| f.rule == "YEAR_ASSUMED"))
        .count();
    assert_eq!(warned, 10);
}

#[test]
fn a_return_naming_no_year_in_the_other_layout_is_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::common::fixture("workbooks/2024-pingtan-zone.xlsx"),
        dir.path().join("平潭.xlsx"),
    )
    .unwrap();
    let mut old = nianbao::model::Report::new("区档案局", None, Format::F2019);
    old.set("t3.new.natural", 2.0);
    std::fs::write(
        dir.path().join("区档案局.xlsx"),
        nianbao::write::xlsx::filled(&old, &[], "").unwrap(),
    )
    .unwrap();
    let merged = merge(
        &collect(&[dir.path().to_path_buf()]).unwrap(),
        &MergeOptions::default(),
        &|| {},
    )
    .unwrap();
    let e = merged.entries.iter().find(|e| e.name() == "区档案局").unwrap();
    assert_eq!(e.status, Status::OtherFormat);
    assert!(
        e.reason
            .as_deref()
            .unwrap()
            .contains("没有写明年度，表格为 2019 版格式"),
        "{:?}",
        e.reason
    );
    assert!(merged.incomplete());
}

#[test]
fn a_roster_as_people_write_it_matches_names_as_people_write_them() {
    // A title row, a note, a 序号 column, blank rows, GBK; names with the district's own name or
    // without it; one return whose name is a short form of a roster name.
    let dir = tempfile::tempdir().unwrap();
    let roster_text = "拱墅区2024年度政府信息公开工作年度报告报送名单,,\n（请按名单报送）,,\n序号,单位名称,类别\n1,拱墅区民政局,部门\n,,\n2,拱墅区财政局,部门\n3,拱墅区人民政府办公室,部门\n4,拱墅区教育局,部门\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(roster_text);
    let roster_path = dir.path().join("名单.csv");
    std::fs::write(&roster_path, &gbk).unwrap();
    let roster = nianbao::roster::Roster::read(&roster_path).unwrap();
    let names: Vec<&str> = roster.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["拱墅区民政局", "拱墅区财政局", "拱墅区人民政府办公室", "拱墅区教育局"]
    );
    let returns = tempfile::tempdir().unwrap();
    for agency in ["区民政局", "财政局", "区政府办公室"] {
        let mut r = nianbao::model::Report::new(agency, 2024, Format::F2021);
        r.set("t3.new.natural", 1.0);
        std::fs::write(
            returns.path().join(format!("{agency}.xlsx")),
            nianbao::write::xlsx::filled(&r, &[], "").unwrap(),
        )
        .unwrap();
    }
    let options = MergeOptions {
        roster: Some(roster),
        ..MergeOptions::default()
    };
    let merged = merge(&collect(&[returns.path().to_path_buf()]).unwrap(), &options, &|| {}).unwrap();
    let missing: Vec<&str> = merged.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(missing, ["拱墅区人民政府办公室", "拱墅区教育局"]);
    assert_eq!(merged.unexpected, ["区政府办公室"]);
    let lines = merged.reporting();
    let office = lines.iter().find(|l| l.name == "区政府办公室").unwrap();
    assert_eq!(
        office.note.as_deref(),
        Some("名单中没有该单位，是否为“拱墅区人民政府办公室”？")
    );
    let member = lines.iter().find(|l| l.name == "拱墅区人民政府办公室").unwrap();
    assert!(
        member.note.as_deref().unwrap().starts_with("名单外的“区政府办公室”"),
        "{:?}",
        member.note
    );
    assert!(lines.iter().find(|l| l.name == "拱墅区教育局").unwrap().note.is_none());
    // The terminal says it too.
    let out = dir.path().join("汇总.xlsx");
    let run = merge_cli(returns.path(), &out, &["--roster".as_ref(), roster_path.as_os_str()]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("名单外（已计入）：区政府办公室（是否为“拱墅区人民政府办公室”？）"),
        "{err}"
    );
}

/// Every part of a summary workbook but its creation time (`docProps/core.xml`), by name.
fn summary_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        if name != "docProps/core.xml" {
            parts.insert(name, text);
        }
    }
    parts
}

/// The fixture district merged with its roster (so with categories), as 某某区人民政府; the
/// folder is kept alive beside it.
fn district_with_roster() -> (tempfile::TempDir, nianbao::merge::Merged) {
    let dir = copy_with_times();
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let options = MergeOptions {
        roster: Some(Roster::read(dir.path().join("roster.csv")).unwrap()),
        name: "某某区人民政府".into(),
        ..MergeOptions::default()
    };
    let merged = merge(&inputs, &options, &|| {}).unwrap();
    (dir, merged)
}

#[test]
fn the_summary_is_the_same_every_time_though_two_threads_write_it() {
    // 分单位明细 is filled on one thread while the other sheets are filled on another; each look
    // (cell format) must have the same number in every run, and every number a cell uses must be
    // one the style sheet defines.
    let (_dir, merged) = district_with_roster();
    let write = || {
        let mut out = std::io::Cursor::new(Vec::new());
        nianbao::write::summary::write_summary_to(&merged, None, &mut out).unwrap();
        summary_parts(&out.into_inner())
    };
    let first = write();
    let sheets: Vec<&String> = first.keys().filter(|k| k.starts_with("xl/worksheets/sheet")).collect();
    // 汇总, 指标, 分单位明细, 分类小计 (the roster has categories), 校验结果, 报送情况, 图表.
    assert_eq!(sheets.len(), 7, "{sheets:?}");
    let styles = &first["xl/styles.xml"];
    let defined: usize = styles
        .split("<cellXfs count=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    for sheet in &sheets {
        for used in first[*sheet].split(" s=\"").skip(1) {
            let index: usize = used.split('"').next().unwrap().parse().unwrap();
            assert!(index < defined, "{sheet}: s=\"{index}\", {defined} formats defined");
        }
    }
    for run in 0..12 {
        let again = write();
        for (name, text) in &first {
            assert!(again.get(name) == Some(text), "run {run}: {name} differs");
        }
        assert_eq!(again.len(), first.len());
    }
}

/// Each `<row>` of a worksheet's XML: its number and its `ht` (`None`: the sheet's default).
fn rows_of(sheet: &str) -> Vec<(u32, Option<String>)> {
    sheet
        .split("<row ")
        .skip(1)
        .map(|row| {
            let head = &row[..row.find('>').unwrap()];
            let attr = |name: &str| {
                head.split(&format!(" {name}=\""))
                    .nth(1)
                    .or_else(|| head.strip_prefix(&format!("{name}=\"")))
                    .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            };
            (attr("r").unwrap().parse().unwrap(), attr("ht"))
        })
        .collect()
}

/// Every worksheet's rows strictly ascending: none written twice, none out of order.
fn assert_rows_written_once(parts: &std::collections::BTreeMap<String, String>) {
    for (name, text) in parts.iter().filter(|(k, _)| k.starts_with("xl/worksheets/sheet")) {
        let numbers: Vec<u32> = rows_of(text).iter().map(|(r, _)| *r).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{name}: rows {numbers:?}");
    }
}

#[test]
fn every_summary_row_is_written_once_and_keeps_its_height() {
    // rust_xlsxwriter wrote the last row of a constant-memory sheet twice when it had a height of
    // its own (指标's last row, 校验结果's): a row element repeated, which the format does not allow.
    let (_dir, merged) = district_with_roster();
    let mut out = std::io::Cursor::new(Vec::new());
    nianbao::write::summary::write_summary_to(&merged, None, &mut out).unwrap();
    let parts = summary_parts(&out.into_inner());
    assert_rows_written_once(&parts);
    // 校验结果: most rows are two lines tall, so that is the sheet's default; the header is one
    // line, the rows of three and four lines have their own height; the row after the last holds
    // only the blank cell that ends the sheet.
    let findings = &parts["xl/worksheets/sheet5.xml"];
    assert!(findings.contains("<sheetFormatPr defaultRowHeight=\"29.25\" customHeight=\"1\"/>"));
    let heights: Vec<(u32, String)> = rows_of(findings)
        .into_iter()
        .map(|(r, ht)| (r, ht.unwrap_or_default()))
        .collect();
    let expected: Vec<(u32, String)> = [
        "15", "42.75", "29.25", "56.25", "29.25", "29.25", "29.25", "29.25", "29.25",
    ]
    .iter()
    .enumerate()
    .map(|(i, h)| (i as u32 + 1, h.to_string()))
    .chain([(10, "29.25".to_string())])
    .collect();
    assert_eq!(heights, expected);
    assert!(findings.contains("<row r=\"10\" ht=\"29.25\" customHeight=\"1\"><c r=\"A10\" s=\""));
}

/// A store whose numbers can no longer be read back (the spill file gone bad under the merge);
/// the rest of each record reads, as empty.
struct NumbersLost;

impl nianbao::model::district::Store for NumbersLost {
    fn put(&self, _: &nianbao::model::district::Kept) -> nianbao::Result<nianbao::model::district::Slot> {
        unreachable!("nothing is kept after the merge")
    }
    fn get(&self, _: &nianbao::model::district::Slot) -> nianbao::Result<nianbao::model::district::Kept> {
        Ok(nianbao::model::district::Kept::default())
    }
    fn numbers(&self, _: &nianbao::model::district::Slot) -> nianbao::Result<Vec<f64>> {
        Err(nianbao::error::Error::new(
            "/tmp",
            nianbao::error::ErrorKind::Write("临时文件读写失败（磁盘错误）".into()),
        ))
    }
}

#[test]
fn a_summary_is_not_written_with_numbers_it_could_not_read_back() {
    // 分单位明细, 分类小计 and 图表 took a failed read for a return without numbers.
    let dir = copy_with_times();
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let mut merged = merge(&inputs, &MergeOptions::default(), &|| {}).unwrap();
    merged.store = Box::new(NumbersLost);
    let mut out = std::io::Cursor::new(Vec::new());
    let err = nianbao::write::summary::write_summary_to(&merged, None, &mut out).unwrap_err();
    assert!(err.to_string().contains("临时文件读写失败（磁盘错误）"), "{err}");
}

#[test]
fn the_detail_rows_read_back_as_rust_xlsxwriter_would_have_written_them() {
    // 分单位明细's rows are written straight into the saved workbook (write::xlsx::spliced), not
    // through rust_xlsxwriter: texts that need XML's and Excel's escapes must read back the same
    // as from a cell rust_xlsxwriter wrote, the numbers exactly, in the looks of the rest.
    let dir = copy_with_times();
    let odd = ["a&b<c>d_x0041_e", "控制\u{1}字符\t制表", "尾随空格 "];
    for name in odd {
        std::fs::write(dir.path().join(format!("{name}.xlsx")), b"not a workbook").unwrap();
    }
    let inputs = collect(&[dir.path().to_path_buf()]).unwrap();
    let merged = merge(&inputs, &MergeOptions::default(), &|| {}).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    nianbao::write::summary::write_summary_to(&merged, None, &mut out).unwrap();
    let bytes = out.into_inner();
    let detail = common::sheet(&bytes, "分单位明细");

    // The same texts through rust_xlsxwriter, read back the same way.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    for (row, name) in (0u32..).zip(odd) {
        ws.write_string(row, 0, name).unwrap();
    }
    let reference = common::sheet(&wb.save_to_buffer().unwrap(), "Sheet1");
    for (name, want) in odd.iter().zip(&reference) {
        let row = detail
            .iter()
            .find(|r| r[6].ends_with(&format!("{name}.xlsx")))
            .unwrap_or_else(|| panic!("{name}: no row"));
        assert_eq!(row[1], want[0], "{name}");
        assert_eq!(row[3], "无法读取");
    }
    // Each counted agency's numbers as merged, and the totals row below them.
    let col = 7 + Format::F2021.cell_index("t3.new.total").unwrap();
    let counted: Vec<&nianbao::model::district::Entry> =
        merged.entries.iter().filter(|e| e.status == Status::Counted).collect();
    assert_eq!(counted.len(), 11);
    for e in counted {
        let row = detail.iter().find(|r| r[6] == e.file.display().to_string()).unwrap();
        let numbers = merged.numbers(e).unwrap();
        assert_eq!(row[col], nianbao::model::format_number(numbers[col - 7]), "{}", row[1]);
        assert_eq!(row[1], e.name());
    }
    assert_eq!(detail.len(), 2 + merged.entries.len() + 1);
    assert_eq!(detail.last().unwrap()[col], "250");
    // The numbering runs 1, 2, … down the rows.
    for (i, row) in detail[2..detail.len() - 1].iter().enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
    }
    // An unreadable file's 报送情况 in red: the look of its cell has a red font.
    let parts = summary_parts(&bytes);
    assert_rows_written_once(&parts);
    let sheet = &parts["xl/worksheets/sheet3.xml"];
    let row = detail
        .iter()
        .position(|r| r[6].ends_with(&format!("{}.xlsx", odd[0])))
        .unwrap()
        + 1;
    let cell = &sheet[sheet.find(&format!("<c r=\"D{row}\" s=\"")).unwrap()..];
    let look: usize = cell[cell.find("s=\"").unwrap() + 3..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let styles = &parts["xl/styles.xml"];
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(look + 1).unwrap();
    let font: usize = xf
        .split("fontId=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let fonts = &styles[styles.find("<fonts").unwrap()..styles.find("</fonts>").unwrap()];
    assert!(
        fonts.split("<font>").nth(font + 1).unwrap().contains("FFC00000"),
        "look {look}, font {font}"
    );
}
