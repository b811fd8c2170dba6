//! Indicators (指标): each formula on figures worked out by hand, the fixture district's values in
//! the JSON and on the 指标 sheet, last year on comparable agencies only, and the summary's charts
//! and print set-up on a district of 300 agencies.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use nianbao::format::Format;
use nianbao::indicators::{Reading, INDICATORS};
use nianbao::model::Report;
use serde_json::Value as Json;

use crate::common;

fn reading(report: &Report, code: &str) -> Reading {
    INDICATORS
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
        .of(report)
}

/// Every cell 0, then the given ones.
fn report_with(format: Format, cells: &[(&str, f64)]) -> Report {
    let mut r = Report::new("某某局", 2024, format);
    for c in format.cells() {
        r.set(&c.code, 0.0);
    }
    for (code, v) in cells {
        assert!(r.set(code, *v), "{code}");
    }
    r
}

#[test]
fn each_formula_on_figures_worked_out_by_hand() {
    // 20 new + 4 carried = 24 applications; 18 decided = 6 granted + 3 partial + 3 denied
    // (1 secret, 2 process) + 3 unable + 1 rejected + 2 other; 6 carried forward.
    let r = report_with(
        Format::F2021,
        &[
            ("t3.new.total", 20.0),
            ("t3.carried.total", 4.0),
            ("t3.granted.total", 6.0),
            ("t3.partial.total", 3.0),
            ("t3.denied_secret.total", 1.0),
            ("t3.denied_process.total", 2.0),
            ("t3.unable_not_held.total", 2.0),
            ("t3.unable_unclear.total", 1.0),
            ("t3.rejected_duplicate.total", 1.0),
            ("t3.other_other.total", 2.0),
            ("t3.results_total.total", 18.0),
            ("t3.carry_forward.total", 6.0),
            // Review: 5 cases, 1 pending, 1 corrected: 1 / 4.
            ("t4.review_total", 5.0),
            ("t4.review_pending", 1.0),
            ("t4.review_corrected", 1.0),
            // Suits: 3 direct (1 corrected) and 2 after review (1 pending): 1 / (5 − 1).
            ("t4.suit_direct_total", 3.0),
            ("t4.suit_direct_corrected", 1.0),
            ("t4.suit_after_review_total", 2.0),
            ("t4.suit_after_review_pending", 1.0),
        ],
    );
    let want: [(&str, f64, Option<f64>); 11] = [
        ("applications", 24.0, None),
        ("decided", 18.0, None),
        ("disclosure_rate", 9.0 / 18.0, Some(18.0)),
        ("full_disclosure_rate", 6.0 / 18.0, Some(18.0)),
        ("denied_rate", 3.0 / 18.0, Some(18.0)),
        ("unable_rate", 3.0 / 18.0, Some(18.0)),
        ("rejected_rate", 1.0 / 18.0, Some(18.0)),
        ("carry_rate", 6.0 / 24.0, Some(24.0)),
        ("review_correction_rate", 0.25, Some(4.0)),
        ("suit_correction_rate", 0.25, Some(4.0)),
        ("dispute_rate", 10.0 / 18.0, Some(18.0)),
    ];
    assert_eq!(want.len(), INDICATORS.len(), "a new indicator needs its figure here");
    for (code, value, base) in want {
        let got = reading(&r, code);
        assert!((got.value.unwrap() - value).abs() < 1e-12, "{code}: {got:?}");
        assert_eq!(got.base, base, "{code}");
    }
    // Four decided cases are a small sample; eighteen are not.
    assert!(reading(&r, "review_correction_rate").small());
    assert!(!reading(&r, "disclosure_rate").small());

    // The 2019 layout: （六）其他处理 is one row, the groups are the same.
    let old = report_with(
        Format::F2019,
        &[
            ("t3.granted.total", 2.0),
            ("t3.rejected_petition.total", 1.0),
            ("t3.rejected_confirmation.total", 2.0),
            ("t3.other.total", 3.0),
            ("t3.results_total.total", 8.0),
        ],
    );
    assert_eq!(reading(&old, "rejected_rate").value, Some(3.0 / 8.0));
    assert_eq!(reading(&old, "full_disclosure_rate").value, Some(0.25));
}

#[test]
fn a_rate_without_cases_is_blank_never_zero() {
    let mut r = report_with(Format::F2021, &[("t4.review_total", 2.0), ("t4.review_pending", 2.0)]);
    for code in [
        "disclosure_rate",
        "carry_rate",
        "review_correction_rate",
        "suit_correction_rate",
    ] {
        let got = reading(&r, code);
        assert_eq!(got.value, None, "{code}");
        assert_eq!(got.base, Some(0.0), "{code}");
        assert!(!got.small(), "{code}: no cases is not a small sample");
    }
    assert_eq!(reading(&r, "applications").value, Some(0.0));
    // A report lacking a cell the rate needs has no rate either.
    r.cells[Format::F2021.cell_index("t3.granted.total").unwrap()] = None;
    r.set("t3.results_total.total", 3.0);
    assert_eq!(reading(&r, "disclosure_rate").value, None);
    assert_eq!(reading(&r, "denied_rate").value, Some(0.0));
}

/// `merge` of the fixture district (mtimes set so the corrected return is the newer one).
#[test]
fn ranks_count_the_higher_values_with_ties_and_gaps() {
    use nianbao::indicators::ranks;
    // Three agencies at 0.5 share rank 2; the next is 5th, not 3rd; no value, no rank.
    let values = [Some(0.5), Some(0.9), None, Some(0.5), Some(0.1), Some(0.5), Some(0.0)];
    assert_eq!(
        ranks(&values),
        [Some(2), Some(1), None, Some(2), Some(5), Some(2), Some(6)]
    );
    // A few thousand values, against counting the higher ones for each.
    let mut seed = 7u64;
    let values: Vec<Option<f64>> = (0..3000)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = seed >> 33;
            (!n.is_multiple_of(10)).then(|| (n % 97) as f64 / 96.0)
        })
        .collect();
    let counted: Vec<Option<u32>> = values
        .iter()
        .map(|v| v.map(|v| 1 + values.iter().flatten().filter(|o| **o > v).count() as u32))
        .collect();
    assert_eq!(ranks(&values), counted);
}

fn merge_district(extra: &[&std::ffi::OsStr]) -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = crate::merge::copy_with_times();
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("merge")
        .arg(dir.path())
        .arg("-o")
        .arg(out.path().join("汇总.xlsx"))
        .arg("--json")
        .arg(out.path().join("汇总.json"))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.path().join("汇总.json").exists(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (dir, out)
}

fn json(path: &Path) -> Json {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn agency<'j>(indicators: &'j Json, name: &str) -> &'j Json {
    indicators["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == name)
        .unwrap_or_else(|| panic!("{name} not in indicators"))
}

fn close(v: &Json, want: f64) -> bool {
    v.as_f64().is_some_and(|v| (v - want).abs() < 1e-9)
}

#[test]
fn the_fixture_district_in_json_and_on_the_sheet() {
    let (_dir, out) = merge_district(&[]);
    let ind = &json(&out.path().join("汇总.json"))["indicators"];
    // 区公安分局.xls as LibreOffice reads it: 59 new + 4 carried; 24 granted, 3 partial, 11
    // denied, 13 unable, 7 rejected, 3 other = 61 decided; 2 carried forward; review 5 (1
    // pending, 1 corrected); suits 3 direct (1 pending) and 1 after review, none corrected.
    let police = &agency(ind, "区公安分局")["values"];
    assert_eq!(police["applications"]["value"], 63.0);
    assert_eq!(police["decided"]["value"], 61.0);
    for (code, num, den) in [
        ("disclosure_rate", 27.0, 61.0),
        ("full_disclosure_rate", 24.0, 61.0),
        ("denied_rate", 11.0, 61.0),
        ("unable_rate", 13.0, 61.0),
        ("rejected_rate", 7.0, 61.0),
        ("carry_rate", 2.0, 63.0),
        ("review_correction_rate", 1.0, 4.0),
        ("suit_correction_rate", 0.0, 3.0),
        ("dispute_rate", 9.0, 61.0),
    ] {
        assert!(close(&police[code]["value"], num / den), "{code}: {}", police[code]);
        assert_eq!(police[code]["base"], den, "{code}");
        assert_eq!(police[code]["small"], den < 5.0, "{code}");
    }
    // 区发展和改革局.xls: (8 + 2) / 16, the highest disclosure rate of the district.
    let ndrc = &agency(ind, "区发展和改革局")["values"]["disclosure_rate"];
    assert_eq!((ndrc["value"].as_f64(), ndrc["rank"].as_u64()), (Some(0.625), Some(1)));
    // Every rank is 1 + the number of agencies with a higher rate.
    for def in INDICATORS.iter().filter(|d| !d.denominator.is_empty()) {
        let values: Vec<Option<f64>> = ind["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["values"][def.code]["value"].as_f64())
            .collect();
        for (a, v) in ind["agencies"].as_array().unwrap().iter().zip(&values) {
            let want = v.map(|v| 1 + values.iter().flatten().filter(|o| **o > v).count() as u64);
            assert_eq!(a["values"][def.code]["rank"].as_u64(), want, "{}", def.code);
        }
    }
    // 区财政局 decided nothing and had no disputes: no rate at all.
    let finance = &agency(ind, "区财政局")["values"];
    for def in INDICATORS.iter().filter(|d| !d.denominator.is_empty()) {
        assert_eq!(finance[def.code]["value"], Json::Null, "{}", def.code);
    }
    // The district's rates are those of its totals (expected.json): 250 + 15 applications,
    // (112 + 22) / 242 disclosed, review 2 / (14 − 2), suits 0 / (6 + 2 − 3 − 1).
    let district = &ind["district"];
    assert_eq!(district["applications"]["value"], 265.0);
    assert!(close(&district["disclosure_rate"]["value"], 134.0 / 242.0));
    assert!(close(&district["review_correction_rate"]["value"], 2.0 / 12.0));
    assert_eq!(district["suit_correction_rate"]["value"], 0.0);
    assert_eq!(district["suit_correction_rate"]["small"], true);
    assert!(close(&district["dispute_rate"]["value"], 22.0 / 242.0));
    // Beside it, the simple mean of the agencies' rates (those there are).
    let rates: Vec<f64> = ind["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["values"]["disclosure_rate"]["value"].as_f64())
        .collect();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!(close(&ind["mean"]["disclosure_rate"], mean));
    assert!(
        (mean - 134.0 / 242.0).abs() > 1e-3,
        "weighted and simple mean differ here"
    );

    // The 指标 sheet: two header rows, then one row per agency; a rate takes its value and rank.
    let rows = common::sheet(&std::fs::read(out.path().join("汇总.xlsx")).unwrap(), "指标");
    assert_eq!(rows[3][1], "单位名称");
    assert_eq!(
        (rows[3][4].as_str(), rows[4][4].as_str(), rows[4][5].as_str()),
        ("实质公开率", "比率", "排名")
    );
    let police = rows.iter().find(|r| r[1] == "区公安分局").unwrap();
    assert_eq!((police[2].as_str(), police[3].as_str()), ("63", "61"));
    assert!((police[4].parse::<f64>().unwrap() - 27.0 / 61.0).abs() < 1e-6);
    assert_eq!(police[16], "0.25");
    assert_eq!(police[22], "行政复议纠错率、行政诉讼纠错率");
    let finance = rows.iter().find(|r| r[1] == "区财政局").unwrap();
    assert_eq!((finance[4].as_str(), finance[5].as_str()), ("", ""));
    let district = rows.iter().find(|r| r[1].starts_with("全区（")).unwrap();
    assert_eq!(district[2], "265");
    let after = rows.iter().position(|r| r[1].starts_with("全区（")).unwrap() + 1;
    assert_eq!(rows[after][1], "各单位简单平均");
    assert!((rows[after][4].parse::<f64>().unwrap() - mean).abs() < 1e-6);
    // The 指标说明 names every indicator with its formula.
    let text: String = rows.iter().flatten().cloned().collect::<Vec<_>>().join("\n");
    for def in INDICATORS {
        assert!(text.contains(def.words), "{}", def.code);
    }
}

#[test]
fn last_year_only_on_agencies_of_both_years() {
    // Last year: two of this year's agencies (one under another way of writing its name) and
    // one that did not report this year.
    let last = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/district");
    let opts = nianbao::read::Options::default();
    let mut reports = Vec::new();
    for (file, name) in [
        ("区公安分局.xls", "区 公安分局（盖章）"),
        ("区发展和改革局.xls", "区发展和改革局"),
        ("区卫生健康局.xlsx", "区档案局"),
    ] {
        let mut r = nianbao::read::read_path(fixtures.join(file), &opts).unwrap();
        r.year = Some(2023);
        r.agency = name.into();
        // Last year each decided twice as much, half of it disclosed.
        let decided = r.get("t3.results_total.total").unwrap();
        r.set("t3.results_total.total", decided * 2.0);
        std::fs::write(
            last.path().join(format!("{name}.xlsx")),
            nianbao::write::xlsx::filled(&r, &[], "").unwrap(),
        )
        .unwrap();
        reports.push(r);
    }
    let (_dir, out) = merge_district(&["--previous".as_ref(), last.path().as_os_str()]);
    let ind = &json(&out.path().join("汇总.json"))["indicators"];
    assert_eq!(ind["last_year"]["last_count"], 3);
    assert_eq!(ind["last_year"]["compared"], 2);
    // The comparable district: this year's and last year's two agencies, nothing else.
    let police_now = &agency(ind, "区公安分局")["values"];
    let ndrc_now = &agency(ind, "区发展和改革局")["values"];
    let apps =
        police_now["applications"]["value"].as_f64().unwrap() + ndrc_now["applications"]["value"].as_f64().unwrap();
    assert_eq!(ind["last_year"]["this_district"]["applications"]["value"], apps);
    assert_eq!(ind["last_year"]["last_district"]["applications"]["value"], apps);
    let disclosed_last = [&reports[0], &reports[1]]
        .iter()
        .map(|r| r.get("t3.granted.total").unwrap() + r.get("t3.partial.total").unwrap())
        .sum::<f64>();
    let decided_last = [&reports[0], &reports[1]]
        .iter()
        .map(|r| r.get("t3.results_total.total").unwrap())
        .sum::<f64>();
    assert!(close(
        &ind["last_year"]["last_district"]["disclosure_rate"]["value"],
        disclosed_last / decided_last
    ));
    // Matched by name as a clerk would: 区 公安分局（盖章） is 区公安分局.
    assert!(close(
        &agency(ind, "区公安分局")["last_year"]["disclosure_rate"]["value"],
        27.0 / 122.0
    ));
    assert_eq!(agency(ind, "区财政局")["last_year"], Json::Null);
    // The sheet says how many were comparable.
    let rows = common::sheet(&std::fs::read(out.path().join("汇总.xlsx")).unwrap(), "指标");
    let line = rows
        .iter()
        .flatten()
        .find(|c| c.starts_with("上年 3 个单位中有 2 个可比"))
        .expect("coverage line");
    assert!(line.contains("（本年 "), "{line}");
    let block = rows.iter().position(|r| r[0].starts_with("与上年对比")).unwrap();
    let listed: Vec<&str> = rows[block..]
        .iter()
        .filter(|r| r[0].parse::<u32>().is_ok())
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(listed, ["区公安分局", "区发展和改革局"]);
}

#[test]
fn the_readme_table_is_the_library_table() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&nianbao::indicators::markdown()),
        "README.md's indicators table differs from indicators::markdown():\n{}",
        nianbao::indicators::markdown()
    );
}

/// A part of a workbook as text.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The sheet part of each sheet name, in workbook order.
fn sheet_parts(xlsx: &[u8]) -> Vec<(String, String)> {
    let workbook = part(xlsx, "xl/workbook.xml");
    workbook
        .split("<sheet ")
        .skip(1)
        .enumerate()
        .map(|(i, s)| {
            let name = s
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (name, format!("xl/worksheets/sheet{}.xml", i + 1))
        })
        .collect()
}

#[test]
fn three_hundred_agencies_charted_and_printed_whole() {
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=300u32 {
        let agency = format!("第{i:03}单位");
        let mut r = Report::new(&agency, 2024, Format::F2021);
        for c in Format::F2021.cells() {
            r.set(&c.code, 0.0);
        }
        let new = f64::from(i % 17 + 1);
        r.set("t3.new.natural", new);
        r.set("t3.new.total", new);
        r.set("t3.granted.natural", new);
        r.set("t3.granted.total", new);
        r.set("t3.results_total.natural", new);
        r.set("t3.results_total.total", new);
        std::fs::write(
            dir.path().join(format!("{agency}.xlsx")),
            nianbao::write::xlsx::filled(&r, &[], "").unwrap(),
        )
        .unwrap();
    }
    let out = dir.path().join("汇总.xlsx");
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("merge")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(dir.path().join("汇总.json"))
        .output()
        .unwrap();
    assert!(out.exists(), "{}", String::from_utf8_lossy(&run.stderr));
    let ind = &json(&dir.path().join("汇总.json"))["indicators"];
    assert_eq!(ind["agencies"].as_array().unwrap().len(), 300);
    // The district's report draft in Word, from the summary, reads back to the district totals.
    let opts = nianbao::read::Options::default();
    let total = nianbao::read::read_path(&out, &opts).unwrap();
    let docx = nianbao::write::docx::report_docx(&total).unwrap();
    let back = nianbao::read::read_bytes(&docx, "区级报告草稿.docx", &opts).unwrap();
    let applications: f64 = (1..=300u32).map(|i| f64::from(i % 17 + 1)).sum();
    assert_eq!(back.get("t3.new.total"), Some(applications));
    assert_eq!(back.get("t3.results_total.total"), Some(applications));
    let xlsx = std::fs::read(&out).unwrap();
    // The bar chart names all 300 agencies (no top-N), and grows to give each a bar.
    let charts: Vec<String> = (1..=3)
        .filter_map(|i| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx)).unwrap();
            let mut s = String::new();
            zip.by_name(&format!("xl/charts/chart{i}.xml"))
                .ok()?
                .read_to_string(&mut s)
                .ok()?;
            Some(s)
        })
        .collect();
    assert!(
        charts.iter().any(|c| c.contains("<c:f>图表!$A$2:$A$301</c:f>")),
        "no chart over all 300 agencies"
    );
    // The first agency on top, the bars growing from the left.
    let bar = charts.iter().find(|c| c.contains("<c:barDir val=\"bar\"/>")).unwrap();
    let axis = |tag: &str| bar.split(tag).nth(1).unwrap().split("</c:").next().unwrap().to_string();
    assert!(axis("<c:catAx>").contains("maxMin"));
    assert!(axis("<c:valAx>").contains("minMax"));
    let drawing = part(&xlsx, "xl/drawings/drawing1.xml");
    let row_after = |text: &str, tag: &str| -> u32 {
        let at = text.find(tag).unwrap();
        text[at..]
            .split("<xdr:row>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let tallest = drawing
        .split("<xdr:twoCellAnchor")
        .skip(1)
        .map(|a| row_after(a, "<xdr:to>") - row_after(a, "<xdr:from>"))
        .max()
        .unwrap();
    assert!(tallest >= 300, "the bar chart spans {tallest} rows for 300 bars");
    // Every sheet prints on A4 (paperSize 9) with a header and page numbers; the wide ones
    // landscape, 分单位明细 with its header rows and the agency column on every page.
    let parts = sheet_parts(&xlsx);
    for (name, path) in &parts {
        let xml = part(&xlsx, path);
        assert!(xml.contains("paperSize=\"9\""), "{name}: no A4 set-up");
        assert!(xml.contains("&amp;P"), "{name}: no page number in the footer");
    }
    let (_, detail) = parts.iter().find(|(n, _)| n == "分单位明细").unwrap();
    assert!(part(&xlsx, detail).contains("orientation=\"landscape\""));
    let workbook = part(&xlsx, "xl/workbook.xml");
    assert!(workbook.contains(">分单位明细!$A:$B,分单位明细!$1:$2</definedName>"));
    assert!(workbook.contains(">指标!$A:$B,指标!$4:$5</definedName>"));
}
