//! The report page (`convert --to html`): the official tables with their merged headers, every
//! number in its place, and a page that nianbao's own HTML reader reads back into the same report.

use nianbao::model::FormatFrom;
use std::path::{Path, PathBuf};

use nianbao::format::{Format, Kind};
use nianbao::model::Report;
use nianbao::read::{html, read_bytes, read_path, Grid, Options};
use nianbao::write::html::report_html;
use nianbao::write::md::report_md;
use nianbao::write::tables::value_text;

fn published(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/published")
        .join(name)
}

/// A report with a different number in every cell (amounts with decimals, signed cells negative
/// now and then), and text in every section.
fn distinct(format: Format) -> Report {
    let mut r = Report::new(
        "某某区住房和城乡建设局",
        if format == Format::F2019 { 2020 } else { 2024 },
        format,
    );
    for (i, def) in format.cells().iter().enumerate() {
        let n = match def.kind {
            Kind::Amount => 1000.0 + i as f64 + 0.0625,
            Kind::Signed if i % 2 == 0 => -(i as f64),
            _ => 100.0 + i as f64,
        };
        r.set(&def.code, n);
    }
    for (k, s) in r.sections.iter_mut().enumerate() {
        *s = Some(format!("第{}部分的正文。\n第二段<含尖括号>&符号。", k + 1));
    }
    r
}

/// Every number of `b` equals `a`'s, cell for cell (absent where absent).
fn same_numbers(a: &Report, b: &Report) -> Vec<String> {
    a.iter()
        .zip(b.iter())
        .filter_map(|((def, x), (_, y))| {
            let (x, y) = (x.and_then(|v| v.number), y.and_then(|v| v.number));
            let same = match (x, y) {
                (Some(p), Some(q)) => (p - q).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            (!same).then(|| format!("{}: {x:?} vs {y:?}", def.code))
        })
        .collect()
}

fn page_grids(report: &Report) -> Vec<Grid> {
    html::read(report_html(report).as_bytes()).unwrap().grids
}

/// (text, rows, cols) of the cell starting at (r, c).
fn cell(g: &Grid, r: u32, c: u32) -> (String, u32, u32) {
    let x = g.at(r, c).unwrap_or_else(|| panic!("{}: nothing at {r},{c}", g.name));
    assert_eq!((x.row, x.col), (r, c), "{}: {r},{c} is covered by {:?}", g.name, x.text);
    (x.text.clone(), x.rows, x.cols)
}

/// Every position of the grid is covered by exactly one cell: the spans tile the table.
fn tiles(g: &Grid, width: u32) {
    let rows: Vec<u32> = g.rows().collect();
    let height = rows.last().map_or(0, |r| r + 1);
    let mut covered = 0;
    for c in g.cells() {
        covered += c.rows * c.cols;
        assert!(c.col + c.cols <= width, "{}: {:?} sticks out", g.name, c.text);
    }
    assert_eq!(covered, width * height, "{}", g.name);
    for r in 0..height {
        for c in 0..width {
            assert!(g.at(r, c).is_some(), "{}: hole at {r},{c}", g.name);
        }
    }
}

#[test]
fn the_seed_round_trips_text_to_page_to_report() {
    let seed = read_path(published("seed-2020-gongshu-approval.txt"), &Options::default()).unwrap();
    let page = report_html(&seed);
    let back = read_bytes(page.as_bytes(), "seed.html", &Options::default()).unwrap();
    assert_eq!(same_numbers(&seed, &back), Vec::<String>::new());
    assert_eq!(
        (back.agency.as_str(), back.year, back.format),
        (seed.agency.as_str(), seed.year, seed.format)
    );
    assert_eq!(back.source.format_from, FormatFrom::Labels);
    assert_eq!(back.sections, seed.sections);
    assert_eq!(back.get("t2.procurement.amount"), Some(378.0169));
}

#[test]
fn every_published_report_round_trips() {
    for name in [
        "2020-shanghai-city.html",
        "2021-pingtan-nyncj.html",
        "2023-pingtan-haitan.html",
        "2024-pingtan-zone.html",
        "2024-pingtan-zrzj.html",
        "govnianbao-template-2021.docx",
    ] {
        let report = read_path(published(name), &Options::default()).unwrap();
        let back = read_bytes(report_html(&report).as_bytes(), "page.html", &Options::default()).unwrap();
        assert_eq!(same_numbers(&report, &back), Vec::<String>::new(), "{name}");
        assert_eq!(back.sections, report.sections, "{name}");
        assert_eq!(back.agency, report.agency, "{name}");
    }
}

#[test]
fn distinct_numbers_round_trip_in_both_layouts() {
    for format in Format::ALL {
        let report = distinct(format);
        let back = read_bytes(report_html(&report).as_bytes(), "page.html", &Options::default()).unwrap();
        assert_eq!(same_numbers(&report, &back), Vec::<String>::new(), "{format}");
        assert_eq!(back.format, format);
        assert_eq!(back.sections, report.sections);
    }
}

#[test]
fn table_three_has_the_official_merged_header_and_rows() {
    for format in Format::ALL {
        let report = distinct(format);
        let grids = page_grids(&report);
        assert_eq!(grids.len(), 3);
        let t3 = &grids[1];
        tiles(t3, 10);
        assert_eq!(
            cell(t3, 0, 0),
            (
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）".into(),
                3,
                3
            )
        );
        assert_eq!(cell(t3, 0, 3), ("申请人情况".into(), 1, 7));
        assert_eq!(cell(t3, 1, 3), ("自然人".into(), 2, 1));
        assert_eq!(cell(t3, 1, 4), ("法人或其他组织".into(), 1, 5));
        assert_eq!(cell(t3, 1, 9), ("总计".into(), 2, 1));
        let leaves: Vec<String> = (4..9).map(|c| cell(t3, 2, c).0).collect();
        assert_eq!(leaves, ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]);
        let layout = format.layout();
        let results = layout
            .t3_rows
            .iter()
            .filter(|r| layout.t3_is_under(r.code, "results"))
            .count() as u32;
        assert_eq!(cell(t3, 3, 0), ("一、本年新收政府信息公开申请数量".into(), 1, 3));
        assert_eq!(cell(t3, 5, 0), ("三、本年度办理结果".into(), results, 1));
        assert_eq!(cell(t3, 5, 1).2, 2, "（一）予以公开 spans both label columns");
        assert_eq!(cell(t3, 7, 1), ("（三）不予公开".into(), 8, 1));
        assert_eq!(cell(t3, 7, 2).0, "1.属于国家秘密");
        // Every row in official order, its seven numbers under the seven columns.
        for (i, row) in layout.t3_rows.iter().enumerate() {
            let r = 3 + i as u32;
            let label = t3.line(r).into_iter().rev().find(|c| c.col < 3).unwrap();
            assert_eq!(label.text, row.label, "{format} row {r}");
            for (j, col) in nianbao::format::T3_COLUMNS.iter().enumerate() {
                let code = format!("t3.{}.{}", row.code, col.code);
                assert_eq!(cell(t3, r, 3 + j as u32), (value_text(&report, &code), 1, 1), "{code}");
            }
        }
        assert_eq!(t3.rows().count(), 3 + layout.t3_rows.len());
    }
}

#[test]
fn table_two_blocks_share_one_width() {
    for (format, width, spans) in [(Format::F2019, 7, [2u32, 3]), (Format::F2021, 4, [1, 3])] {
        let report = distinct(format);
        let t2 = &page_grids(&report)[0];
        tiles(t2, width);
        let mut r = 0;
        for block in format.layout().t2 {
            assert_eq!(cell(t2, r, 0), (block.article.to_string(), 1, width), "{format}");
            assert_eq!(cell(t2, r + 1, 0).0, "信息内容");
            let span = if block.columns.len() == 3 { spans[0] } else { spans[1] };
            let span = if block.columns.len() == 1 { width - 1 } else { span };
            for (j, col) in block.columns.iter().enumerate() {
                let c = 1 + j as u32 * span;
                assert_eq!(cell(t2, r + 1, c), (col.label.to_string(), 1, span), "{format}");
                for (i, row) in block.rows.iter().enumerate() {
                    let code = format!("t2.{}.{}", row.code, col.code);
                    assert_eq!(cell(t2, r + 2 + i as u32, 0).0, row.label);
                    assert_eq!(
                        cell(t2, r + 2 + i as u32, c),
                        (value_text(&report, &code), 1, span),
                        "{code}"
                    );
                }
            }
            r += 2 + block.rows.len() as u32;
        }
    }
}

#[test]
fn table_four_has_review_and_litigation_groups() {
    let report = distinct(Format::F2021);
    let t4 = &page_grids(&report)[2];
    tiles(t4, 15);
    assert_eq!(cell(t4, 0, 0), ("行政复议".into(), 1, 5));
    assert_eq!(cell(t4, 0, 5), ("行政诉讼".into(), 1, 10));
    assert_eq!(cell(t4, 1, 0), ("结果维持".into(), 2, 1));
    assert_eq!(cell(t4, 1, 4), ("总计".into(), 2, 1));
    assert_eq!(cell(t4, 1, 5), ("未经复议直接起诉".into(), 1, 5));
    assert_eq!(cell(t4, 1, 10), ("复议后起诉".into(), 1, 5));
    assert_eq!(cell(t4, 2, 14).0, "总计");
    for (j, col) in nianbao::format::T4_COLUMNS.iter().enumerate() {
        let code = format!("t4.{}", col.code);
        assert_eq!(cell(t4, 3, j as u32), (value_text(&report, &code), 1, 1), "{code}");
    }
}

#[test]
fn rows_the_report_lacks_are_left_out_and_stay_absent() {
    let report = read_path(published("2023-pingtan-haitan.html"), &Options::default()).unwrap();
    let page = report_html(&report);
    assert!(!page.contains(">规章<"));
    assert!(!page.contains("逾期不补正"));
    let back = read_bytes(page.as_bytes(), "page.html", &Options::default()).unwrap();
    assert_eq!(back.value("t2.rules.issued"), None);
    assert_eq!(back.value("t3.other_no_fee.total"), None);
    assert_eq!(back.get("t3.other_other.total"), Some(0.0));
}

#[test]
fn the_page_is_self_contained_and_escaped() {
    let page = report_html(&distinct(Format::F2021));
    for banned in ["<script", "<link", "@import", "url(", "src=", "http://", "https://"] {
        assert!(!page.contains(banned), "{banned}");
    }
    assert!(page.contains("第二段&lt;含尖括号&gt;&amp;符号。"));
    assert!(page.contains("FangSong") && page.contains("SimSun") && page.contains("@media print"));
}

#[test]
fn markdown_has_every_number() {
    let report = distinct(Format::F2019);
    let md = report_md(&report);
    for def in Format::F2019.cells() {
        let text = value_text(&report, &def.code);
        assert!(md.contains(&format!("| {text} |")), "{}: {text}", def.code);
    }
    assert!(md.contains("\n**第二十条第（九）项**\n"));
    assert!(md.contains("| 三、本年度办理结果 （三）不予公开 1.属于国家秘密 |"));
}

#[test]
fn convert_writes_the_page_and_the_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("年报.html");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("convert")
        .arg(published("2024-pingtan-zrzj.html"))
        .args(["--to", "html", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("<h1>平潭综合实验区自然资源与生态环境局2024年政府信息公开工作年度报告</h1>"));
    let md = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("convert")
        .arg(published("2024-pingtan-zrzj.html"))
        .args(["--to", "md"])
        .output()
        .unwrap();
    assert!(md.status.success());
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| 行政许可 | 308 |"), "{md}");
}
