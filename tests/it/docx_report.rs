//! The report as a Word document (`convert --to docx`, the page's 区级报告草稿): read back with
//! nianbao's own Word reader into the same numbers, agency and year — from workbooks of both
//! layouts, every published report and the fixture district's merged total — with well-formed
//! parts, tables whose rows cover the grid, the same bytes every time, and the drafted paragraph of
//! section 三 only where the section has no text.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::common::{self, encode, Running};
use nianbao::format::Format;
use nianbao::merge::{merge, MergeOptions};
use nianbao::model::Report;
use nianbao::narrative::text_findings;
use nianbao::read::{collect, read_bytes, read_path, Options};
use nianbao::roster::Roster;
use nianbao::serve::Limits;
use nianbao::write::docx::{applications_draft, report_docx, DRAFT, TO_WRITE};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The report written as a .docx and read back.
fn back(report: &Report) -> Report {
    let bytes = report_docx(report).unwrap();
    read_bytes(&bytes, "报告.docx", &Options::default()).unwrap()
}

/// The cells of `b` that differ from `a`'s (a number, text that is not one, or absence).
fn differences(a: &Report, b: &Report) -> Vec<String> {
    a.iter()
        .zip(b.iter())
        .filter_map(|((def, x), (_, y))| {
            let same = match (x, y) {
                (Some(p), Some(q)) => match (p.number, q.number) {
                    (Some(m), Some(n)) => (m - n).abs() < 1e-9,
                    (None, None) => p.raw == q.raw,
                    _ => false,
                },
                (None, None) => true,
                _ => false,
            };
            (!same).then(|| format!("{}: {:?} vs {:?}", def.code, x.map(|v| &v.raw), y.map(|v| &v.raw)))
        })
        .collect()
}

/// Every cell, the agency, the year and the layout read back as written; each section with text
/// as it was, 一、五、六 without text a placeholder, 三 without text the draft (where 表三 has new
/// applications); and nothing in the drafted text the text-against-table check objects to.
fn round_trips(report: &Report, name: &str) -> Report {
    let b = back(report);
    assert_eq!(differences(report, &b), Vec::<String>::new(), "{name}");
    assert_eq!(
        (b.agency.as_str(), b.year, b.format),
        (report.agency.as_str(), report.year, report.format),
        "{name}"
    );
    for k in 0..6 {
        let text = report.sections[k].as_deref().unwrap_or_default().trim();
        let read = b.sections[k].as_deref().unwrap_or_default();
        if !text.is_empty() {
            assert_eq!(read, text, "{name} section {k}");
        } else if [0, 4, 5].contains(&k) {
            assert!(read.starts_with(TO_WRITE), "{name} section {k}: {read}");
        } else if k == 2 && report.get("t3.new.total").is_some() {
            assert!(read.starts_with(DRAFT), "{name}: {read}");
        } else {
            assert_eq!(read, "", "{name} section {k}");
        }
    }
    if report.sections[2].as_deref().unwrap_or_default().trim().is_empty() {
        // Only the draft is new text: what the check finds in the copy, it found in the original.
        let before = text_findings(report).len();
        assert_eq!(text_findings(&b).len(), before, "{name}: {:?}", text_findings(&b));
    }
    b
}

/// The fixture district's totals, merged through the library as `nianbao merge` does.
fn district_total() -> Report {
    let dir = common::district();
    let inputs = collect(std::slice::from_ref(&dir)).unwrap();
    let options = MergeOptions {
        roster: Some(Roster::read(dir.join("roster.csv")).unwrap()),
        name: "某某区人民政府".into(),
        ..MergeOptions::default()
    };
    merge(&inputs, &options, &|| {}).unwrap().total
}

/// Every part of the package by name, as text.
fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    parts(bytes)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .unwrap()
}

/// Per table of `document.xml`: its grid's column count, then per row the columns its cells span,
/// whether it is a repeated header row and whether it may split.
struct Layout {
    grid: usize,
    rows: Vec<(usize, bool, bool)>,
}

fn tables(document: &str) -> Vec<Layout> {
    let mut reader = Reader::from_str(document);
    let mut out: Vec<Layout> = Vec::new();
    loop {
        let event = reader.read_event().unwrap();
        let (e, _empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Eof => break,
            _ => continue,
        };
        let val = || {
            e.try_get_attribute("w:val").unwrap().map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
        };
        match e.name().as_ref() {
            "w:tbl" => out.push(Layout {
                grid: 0,
                rows: Vec::new(),
            }),
            "w:gridCol" => out.last_mut().unwrap().grid += 1,
            "w:tr" => out.last_mut().unwrap().rows.push((0, false, true)),
            "w:tc" => out.last_mut().unwrap().rows.last_mut().unwrap().0 += 1,
            // A cell spanning n columns counted 1 at w:tc, n − 1 more here.
            "w:gridSpan" => out.last_mut().unwrap().rows.last_mut().unwrap().0 += val().unwrap() - 1,
            "w:tblHeader" => out.last_mut().unwrap().rows.last_mut().unwrap().1 = true,
            "w:cantSplit" => out.last_mut().unwrap().rows.last_mut().unwrap().2 = false,
            _ => {}
        }
    }
    out
}

#[test]
fn the_2021_workbook_round_trips() {
    let report = read_path(
        fixture("fixtures/workbooks/2024-pingtan-zone.xlsx"),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(report.format, Format::F2021);
    let b = round_trips(&report, "2024-pingtan-zone");
    assert!(b.sections[5].as_deref().unwrap().contains("信息处理费"));
    assert_eq!(b.get("t3.new.total"), Some(218.0));
}

#[test]
fn the_2019_workbook_round_trips() {
    let report = read_path(
        fixture("fixtures/workbooks/2020-shanghai-city.xlsx"),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(report.format, Format::F2019);
    let b = round_trips(&report, "2020-shanghai-city");
    assert!(!b.sections[5].as_deref().unwrap().contains("信息处理费"));
    assert_eq!(b.get("t2.procurement.amount"), report.get("t2.procurement.amount"));
}

#[test]
fn the_district_total_is_the_district_report() {
    let total = district_total();
    let b = round_trips(&total, "district");
    assert_eq!(b.agency, "某某区人民政府");
    assert_eq!(b.year, Some(2024));
    assert_eq!(b.get("t3.new.total"), Some(250.0));
    let draft = b.sections[2].as_deref().unwrap();
    assert!(
        draft.starts_with("【草稿，请核对】本年度共收到政府信息公开申请250件，其中自然人"),
        "{draft}"
    );
}

#[test]
fn every_published_report_round_trips() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixture("fixtures/published")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".json") {
            continue;
        }
        let report = read_path(&path, &Options::default()).unwrap();
        round_trips(&report, &name);
        seen += 1;
    }
    assert!(seen >= 10, "{seen}");
}

#[test]
fn text_is_escaped_and_control_characters_dropped() {
    // A published report has all three tables: every cell 1.
    let mut r = Report::new("某某局", 2024, Format::F2021);
    for def in Format::F2021.cells() {
        r.set(&def.code, 1.0);
    }
    r.sections[0] = Some("第一段<含尖括号>&符号，\"引号\"与'单引号'。\n（一）主动公开。全年公开\u{7}信息。".into());
    r.sections[4] = Some("a < b && c > d".into());
    let b = back(&r);
    assert_eq!(
        b.sections[0].as_deref(),
        Some("第一段<含尖括号>&符号，\"引号\"与'单引号'。\n（一）主动公开。全年公开信息。")
    );
    assert_eq!(b.sections[4].as_deref(), Some("a < b && c > d"));
    // An agency with markup in it is text in the title and the properties.
    let r = Report::new("A&B<局>", 2024, Format::F2021);
    let bytes = report_docx(&r).unwrap();
    assert!(part(&bytes, "docProps/core.xml")
        .contains("<dc:title>A&amp;B&lt;局&gt;2024年政府信息公开工作年度报告</dc:title>"));
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = read_path(
        fixture("fixtures/workbooks/2024-pingtan-zone.xlsx"),
        &Options::default(),
    )
    .unwrap();
    let bytes = report_docx(&report).unwrap();
    assert_eq!(bytes, report_docx(&report).unwrap());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    for i in 0..zip.len() {
        let file = zip.by_index(i).unwrap();
        let t = file.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1), "{:?}", file.name());
    }
    let props = part(&bytes, "docProps/core.xml") + &part(&bytes, "docProps/app.xml");
    assert!(
        !props.contains("dcterms") && !props.contains("2026") && !props.contains("Date"),
        "{props}"
    );
}

#[test]
fn the_draft_only_where_section_three_has_no_text() {
    let mut r = read_path(
        fixture("fixtures/workbooks/2024-pingtan-zone.xlsx"),
        &Options::default(),
    )
    .unwrap();
    r.sections[2] = None;
    let draft = applications_draft(&r).unwrap();
    let document = part(&report_docx(&r).unwrap(), "word/document.xml");
    assert!(document.contains(DRAFT) && document.contains("<w:highlight w:val=\"yellow\"/>"));
    assert_eq!(back(&r).sections[2].as_deref(), Some(draft.as_str()));
    // Every number the draft states is the table's.
    for (phrase, cell) in [
        ("本年度共收到政府信息公开申请218件", "t3.new.total"),
        ("上年结转政府信息公开申请0件", "t3.carried.total"),
        ("予以公开71件", "t3.granted.total"),
        ("部分公开29件", "t3.partial.total"),
        ("总计218件", "t3.results_total.total"),
        ("结转下年度继续办理0件", "t3.carry_forward.total"),
    ] {
        assert!(draft.contains(phrase), "{phrase}: {draft}");
        assert!(phrase.contains(&format!("{}件", r.get(cell).unwrap())), "{cell}");
    }
    let denied: f64 = r
        .format
        .layout()
        .t3_rows
        .iter()
        .filter(|row| row.parent == Some("g_denied"))
        .map(|row| r.get(&format!("t3.{}.total", row.code)).unwrap())
        .sum();
    assert!(draft.contains(&format!("不予公开{denied}件")), "{draft}");
    // The check finds nothing in it, with every number changed too.
    for k in 0..6 {
        r.sections[k] = None;
    }
    r.sections[2] = applications_draft(&r);
    assert_eq!(text_findings(&r), Vec::new());
    r.set("t3.new.total", 7.0);
    assert_eq!(text_findings(&r).len(), 1, "the check reads the draft's statements");

    let mut written = r.clone();
    written.sections[2] = Some("本年度共收到政府信息公开申请7件。".into());
    assert_eq!(applications_draft(&written), None);
    let document = part(&report_docx(&written).unwrap(), "word/document.xml");
    assert!(!document.contains(DRAFT));
    assert_eq!(
        back(&written).sections[2].as_deref(),
        Some("本年度共收到政府信息公开申请7件。")
    );
}

#[test]
fn parts_are_well_formed_and_rows_cover_the_grid() {
    for (name, report) in [
        (
            "pingtan",
            read_path(
                fixture("fixtures/workbooks/2024-pingtan-zone.xlsx"),
                &Options::default(),
            )
            .unwrap(),
        ),
        (
            "shanghai",
            read_path(
                fixture("fixtures/workbooks/2020-shanghai-city.xlsx"),
                &Options::default(),
            )
            .unwrap(),
        ),
    ] {
        let bytes = report_docx(&report).unwrap();
        let all = parts(&bytes);
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        for needed in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/fontTable.xml",
            "word/footer1.xml",
        ] {
            assert!(names.contains(&needed), "{name}: {needed}");
        }
        for (part_name, text) in &all {
            let mut reader = Reader::from_str(text);
            let mut depth = 0i32;
            loop {
                match reader.read_event() {
                    Ok(Event::Start(_)) => depth += 1,
                    Ok(Event::End(_)) => depth -= 1,
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} {part_name}: {e}"),
                }
            }
            assert_eq!(depth, 0, "{name} {part_name}");
        }
        let document = part(&bytes, "word/document.xml");
        let found = tables(&document);
        assert_eq!(found.len(), 3, "{name}");
        for (k, t) in found.iter().enumerate() {
            for (r, (cols, _, splits)) in t.rows.iter().enumerate() {
                assert_eq!(*cols, t.grid, "{name} table {k} row {r}");
                assert!(!splits, "{name} table {k} row {r} may split");
            }
        }
        // 表三 and 表四 repeat their header rows; 表二 has none (its headers are per block).
        let headers: Vec<usize> = found.iter().map(|t| t.rows.iter().filter(|r| r.1).count()).collect();
        assert_eq!(headers, [0, 3, 3], "{name}");
        // The official fonts, with the fallbacks named.
        let fonts = part(&bytes, "word/fontTable.xml");
        for (face, alt) in [
            ("方正小标宋简体", "黑体"),
            ("仿宋_GB2312", "仿宋"),
            ("楷体_GB2312", "楷体"),
        ] {
            assert!(
                fonts.contains(&format!("<w:font w:name=\"{face}\"><w:altName w:val=\"{alt}\"/>")),
                "{face}"
            );
        }
        assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
        assert!(document.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""));
        assert!(part(&bytes, "word/footer1.xml").contains("— </w:t></w:r><w:fldSimple w:instr=\" PAGE \">"));
    }
}

#[test]
fn convert_writes_docx_with_output_or_out_dir_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("fixtures/workbooks/2024-pingtan-zone.xlsx");
    let run = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .arg("convert")
            .arg(&input)
            .args(["--to", "docx"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = dir.path().join("年报.docx");
    let done = run(&["-o".as_ref(), out.as_os_str()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let written = std::fs::read(&out).unwrap();
    let report = read_path(&input, &Options::default()).unwrap();
    assert_eq!(written, report_docx(&report).unwrap());

    let folder = dir.path().join("输出");
    let done = run(&["--out-dir".as_ref(), folder.as_os_str()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(std::fs::read(folder.join("2024-pingtan-zone.docx")).unwrap(), written);

    // To the screen: refused with a usage error.
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("输出 docx 时请用 -o"));
    // Another extension: refused, nothing written.
    let wrong = dir.path().join("年报.doc");
    let refused = run(&["-o".as_ref(), wrong.as_os_str()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains(".docx"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!wrong.exists());
}

#[test]
fn the_page_offers_the_district_report_draft() {
    let s = Running::start(Limits::default());
    assert_eq!(s.get("/api/download/report.docx").status, 409);
    s.upload_district();
    let merged = s.post(
        "/api/merge",
        serde_json::json!({"year": 2024, "name": "某某区人民政府"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(merged.status, 200, "{}", merged.text());
    let answer = s.get(&format!("/api/download/report.docx?name={}", encode("某某区人民政府")));
    assert_eq!(answer.status, 200, "{}", answer.text());
    let disposition = answer.header("Content-Disposition").unwrap();
    assert!(
        disposition.contains(&encode("某某区人民政府2024年政府信息公开工作年度报告（草稿）.docx")),
        "{disposition}"
    );
    let report = read_bytes(&answer.body, "报告.docx", &Options::default()).unwrap();
    assert_eq!((report.agency.as_str(), report.year), ("某某区人民政府", Some(2024)));
    let total = district_total();
    assert_eq!(differences(&total, &report), Vec::<String>::new());
    let page = s.get("/").text();
    assert!(page.contains("区级报告草稿（Word）"), "the page links it");
}

#[test]
fn official_style_title_sub_headings_and_signature() {
    let report = read_path(
        fixture("fixtures/published/2024-pingtan-zrzj.html"),
        &Options::default(),
    )
    .unwrap();
    let document = part(&report_docx(&report).unwrap(), "word/document.xml");
    // A long agency on a line of its own, the year with the rest below.
    assert!(
        document.contains("平潭综合实验区自然资源与生态环境局</w:t></w:r><w:r><w:br/></w:r><w:r><w:t xml:space=\"preserve\">2024年政府信息公开工作年度报告</w:t>"),
        "title"
    );
    // （一）… in 楷体_GB2312.
    assert!(document.contains("w:eastAsia=\"楷体_GB2312\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">（一）主动公开情况</w:t>"));
    // The signature ending section 六: agency over the date, right-aligned.
    let signature = "<w:p><w:pPr><w:pStyle w:val=\"Signature\"/></w:pPr>";
    assert_eq!(document.matches(signature).count(), 2);
    assert!(document.contains(&format!(
        "{signature}<w:r><w:t xml:space=\"preserve\">平潭综合实验区自然资源与生态环境局</w:t></w:r></w:p>{signature}<w:r><w:t xml:space=\"preserve\">2025年1月27日</w:t></w:r></w:p><w:sectPr>"
    )));
    let styles = part(&report_docx(&report).unwrap(), "word/styles.xml");
    for (id, face, size) in [
        ("Title", "方正小标宋简体", 44),
        ("Heading1", "黑体", 32),
        ("Normal", "仿宋_GB2312", 32),
        ("TableText", "宋体", 21),
        ("TableSmall", "宋体", 18),
    ] {
        let at = styles.find(&format!("w:styleId=\"{id}\"")).unwrap();
        let style = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(style.contains(&format!("w:eastAsia=\"{face}\"")), "{id}");
        assert!(style.contains(&format!("<w:sz w:val=\"{size}\"/>")), "{id}");
    }
    assert!(styles.contains("<w:spacing w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/><w:ind w:rightChars=\"0\" w:right=\"0\" w:firstLineChars=\"200\" w:firstLine=\"640\"/>"));
}
