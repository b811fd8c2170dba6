//! Published reports — web-page text, saved web pages, Word — read exactly as published: every
//! number of 表二/表三/表四 against the report's truth file, its layout, year and agency, the six
//! sections, and the publisher's own arithmetic faults found by `check` at the right cell.

use crate::common::{truth_differences, truth_of};
use nianbao::model::{FormatFrom, Found};
use std::path::{Path, PathBuf};

use nianbao::check::check;
use nianbao::model::{Report, Severity};
use nianbao::read::{read_bytes, read_path, Options};
use serde_json::Value as Json;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("published")
}

/// Every report with a truth file: (input, truth).
fn reports() -> Vec<(PathBuf, Json)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".truth.json") {
            let input = ["txt", "html", "docx", "pdf"]
                .iter()
                .map(|e| dir().join(format!("{stem}.{e}")))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("no report for {name}"));
            let truth = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((input, truth));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every difference between a report and its truth; a cell the truth has as `null` must be absent
/// (not a text that is no number).
fn differences(report: &Report, truth: &Json) -> Vec<String> {
    let mut bad = truth_differences(report, truth);
    for (def, value) in report.iter() {
        if truth_of(truth, &def.code).is_null() && value.is_some() {
            bad.push(format!("{}: want absent, got {value:?}", def.code));
        }
    }
    bad
}

/// The rule ids and cells of the truth's `own_faults` (`T3_BALANCE at t3.*.natural: …`), with the
/// `*` of a balance fault standing for the row `check` points at, `results_total`.
fn own_faults(truth: &Json) -> Vec<(String, String)> {
    truth["own_faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let f = f.as_str().unwrap();
            let (rule, rest) = f.split_once(" at ").unwrap();
            let cell = rest.split(':').next().unwrap().replace('*', "results_total");
            (rule.to_string(), cell)
        })
        .collect()
}

/// The rows the truth leaves out (every cell null): `check` says `ROW_MISSING` for each.
fn missing_rows(truth: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["t2", "t3"] {
        for (row, cols) in truth[table].as_object().unwrap() {
            if cols.as_object().unwrap().values().all(Json::is_null) {
                out.push(format!("{table}.{row}"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_published_report_reads_exactly() {
    let all = reports();
    assert_eq!(all.len(), 13, "three texts, eight web pages and two PDFs");
    let mut failures = Vec::new();
    for (path, truth) in &all {
        match read_path(path, &Options::default()) {
            Ok(report) => {
                let bad = differences(&report, truth);
                if !bad.is_empty() {
                    failures.push(format!("{}: {}", path.display(), bad.join("\n    ")));
                }
            }
            Err(e) => failures.push(format!("{}: not read: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_finds_each_own_fault_and_nothing_else() {
    for (path, truth) in reports() {
        let report = read_path(&path, &Options::default()).unwrap();
        let findings = check(&report);
        let mut errors: Vec<(String, String)> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (f.rule.to_string(), f.cell.clone()))
            .collect();
        errors.sort();
        let mut want = own_faults(&truth);
        want.extend(missing_rows(&truth).into_iter().map(|r| ("ROW_MISSING".to_string(), r)));
        want.sort();
        assert_eq!(errors, want, "{}", path.display());
        for f in findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.rule != "ROW_MISSING")
        {
            assert!(f.sheet.is_some(), "{}: {} has no place", path.display(), f.message);
        }
    }
}

#[test]
fn shanghai_faults_point_at_the_published_cells() {
    let report = read_path(dir().join("2020-shanghai-city.html"), &Options::default()).unwrap();
    let findings = check(&report);
    let balance: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "T3_BALANCE")
        .map(|f| f.cell.as_str())
        .collect();
    assert_eq!(
        balance,
        [
            "t3.results_total.natural",
            "t3.results_total.commercial",
            "t3.results_total.research",
            "t3.results_total.social",
            "t3.results_total.legal"
        ]
    );
    let row_total = findings.iter().find(|f| f.rule == "T3_ROW_TOTAL").unwrap();
    assert_eq!(row_total.cell, "t3.new.total");
    assert!(row_total.message.contains("29130"), "{}", row_total.message);
}

#[test]
fn the_single_other_row_of_a_2021_report_goes_to_other_other() {
    let report = read_path(dir().join("2023-pingtan-haitan.html"), &Options::default()).unwrap();
    assert_eq!(report.get("t3.other_other.total"), Some(0.0));
    assert!(report.value("t3.other_other.total").unwrap().at.is_some());
    assert_eq!(report.value("t3.other_no_correction.total"), None);
    assert_eq!(report.value("t3.other_no_fee.natural"), None);
}

#[test]
fn sections_of_every_report() {
    // The first characters of sections 一, 五 and 六 (二 to 四 hold the tables).
    let want: &[(&str, [&str; 3])] = &[
        (
            "seed-2020-gongshu-approval.txt",
            ["2020年，拱墅区", "2020年，区行政", "无。"],
        ),
        ("2020-shanghai-city.html", ["2020年，上海市", "（一）主要问题", "无。"]),
        (
            "2021-pingtan-nyncj.html",
            ["（一）主动公开", "2021年我局", "按照《国务院"],
        ),
        (
            "2023-pingtan-haitan.html",
            ["2023年，海坛", "2023年，我局", "按照《国务院"],
        ),
        (
            "2024-pingtan-zone.html",
            ["2024年，平潭", "2024年，实验区", "2024年，无收取"],
        ),
        (
            "2024-pingtan-zrzj.html",
            ["2024年，我局", "2024年，我局", "2024年，无收取"],
        ),
    ];
    for (name, [s1, s5, s6]) in want {
        let report = read_path(dir().join(name), &Options::default()).unwrap();
        assert!(
            report.sections.iter().all(Option::is_some),
            "{name}: {:?}",
            report.sections
        );
        let starts = |i: usize, text: &str| {
            let s = report.sections[i].as_deref().unwrap_or_default();
            assert!(
                s.starts_with(text),
                "{name} s{}: {:?}",
                i + 1,
                s.chars().take(40).collect::<String>()
            );
        };
        starts(0, s1);
        starts(4, s5);
        starts(5, s6);
    }
}

#[test]
fn the_word_template_reads_as_a_blank_2021_report() {
    let report = read_path(dir().join("govnianbao-template-2021.docx"), &Options::default()).unwrap();
    assert_eq!(report.format.code(), "2021");
    assert_eq!(report.source.kind, "docx");
    assert_eq!(report.source.format_from, FormatFrom::Labels);
    // Every cell of the three tables is there, blank (U+3000 or nothing) and read as 0.
    for (def, value) in report.iter() {
        let value = value.unwrap_or_else(|| panic!("{} absent", def.code));
        assert_eq!(value.number, Some(0.0), "{}", def.code);
        assert!(value.raw.trim().is_empty(), "{}: {:?}", def.code, value.raw);
    }
    assert!(report.sections.iter().all(Option::is_some), "{:?}", report.sections);
    assert_eq!(report.sections[0].as_deref(), Some("（文字描述）"));
}

#[test]
fn a_truncated_copy_says_which_table_is_missing() {
    let seed = std::fs::read_to_string(dir().join("seed-2020-gongshu-approval.txt")).unwrap();
    let cut = &seed[..seed.find("三、收到和处理政府信息公开申请情况").unwrap()];
    let err = read_bytes(cut.as_bytes(), "截断.txt", &Options::default()).unwrap_err();
    assert_eq!(err.code(), "TABLE_MISSING");
    let message = err.to_string();
    assert!(message.contains("表三") && message.contains("自然人"), "{message}");
}

#[test]
fn a_page_without_tables_is_a_clear_error() {
    let page = "<html><body><p>某某局2024年政府信息公开工作年度报告</p><p>一、总体情况</p></body></html>";
    let err = read_bytes(page.as_bytes(), "无表格.html", &Options::default()).unwrap_err();
    assert_eq!(err.code(), "NO_TABLES");
    assert!(err.to_string().contains("表格"), "{err}");
}

#[test]
fn a_gbk_page_reads() {
    let page = std::fs::read_to_string(dir().join("2024-pingtan-zrzj.html")).unwrap();
    let page = format!("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>{page}</body></html>");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    let report = read_bytes(&gbk, "gbk.html", &Options::default()).unwrap();
    assert_eq!(report.agency, "平潭综合实验区自然资源与生态环境局");
    assert_eq!(report.get("t2.licensing.decisions"), Some(308.0));
}

/// Replaces the first `from` after `anchor` (and the anchor itself by `new_anchor`).
fn edit(html: &str, anchor: &str, new_anchor: &str, changes: &[(&str, &str)]) -> String {
    let at = html.find(anchor).unwrap_or_else(|| panic!("{anchor} not in page"));
    let (head, tail) = html.split_at(at);
    let mut tail = tail.replacen(anchor, new_anchor, 1);
    let mut from = new_anchor.len();
    for (old, new) in changes {
        let i = from + tail[from..].find(old).unwrap();
        tail.replace_range(i..i + old.len(), new);
        from = i + new.len();
    }
    format!("{head}{tail}")
}

#[test]
fn labels_and_values_as_real_reports_write_them() {
    use nianbao::model::Reading;
    let page = std::fs::read_to_string(dir().join("2024-pingtan-zrzj.html")).unwrap();
    let truth: Json =
        serde_json::from_str(&std::fs::read_to_string(dir().join("2024-pingtan-zrzj.truth.json")).unwrap()).unwrap();
    // A note inside a label, typos, another comma, `/` `-` and a blank for zero, an amount in 元.
    let page = edit(&page, "现行有效件数", "现行有效件数（历史累计）", &[]);
    let page = edit(&page, "只计这一情形", "只计这一情况", &[]);
    let page = edit(&page, "2.其他法律行政法规禁止公开", "2.其他法律行政止公开", &[]);
    let page = edit(&page, "逾期不补正、行政机关", "逾期不补正，行政机关", &[]);
    let zeros = [
        ("<p>0</p>", "<p>/</p>"),
        ("<p>0</p>", "<p>-</p>"),
        ("<p>0</p>", "<p></p>"),
    ];
    let page = edit(&page, "5.属于三类内部事务信息", "5.属于三类内容事务信息", &zeros);
    let page = edit(
        &page,
        "行政事业性收费",
        "行政事业性收费",
        &[("<p>0</p>", "<p>125000元</p>")],
    );
    let report = read_bytes(page.as_bytes(), "variants.html", &Options::default()).unwrap();
    let mut want = truth.clone();
    want["t2"]["fees"]["amount"] = serde_json::json!(12.5);
    assert_eq!(differences(&report, &want), Vec::<String>::new());
    let reading = |code: &str| report.value(code).map(|v| v.reading);
    assert_eq!(reading("t3.denied_internal.natural"), Some(Reading::Dash));
    assert_eq!(reading("t3.denied_internal.commercial"), Some(Reading::Dash));
    assert_eq!(reading("t3.denied_internal.research"), Some(Reading::Blank));
    assert_eq!(reading("t2.fees.amount"), Some(Reading::Number));
}

#[test]
fn three_tables_in_one_table_read_the_same() {
    let page = std::fs::read_to_string(dir().join("2024-pingtan-zrzj.html")).unwrap();
    let truth: Json =
        serde_json::from_str(&std::fs::read_to_string(dir().join("2024-pingtan-zrzj.truth.json")).unwrap()).unwrap();
    // Join the tables: drop everything from each table's end to the next table's first row.
    let mut joined = page.clone();
    for _ in 0..2 {
        let end = joined.find("</tbody></table>").unwrap();
        let next = end + joined[end..].find("<table").unwrap();
        let body = next + joined[next..].find("<tbody>").unwrap() + "<tbody>".len();
        joined.replace_range(end..body, "");
    }
    assert_eq!(joined.matches("<table").count(), 1);
    let report = read_bytes(joined.as_bytes(), "one-table.html", &Options::default()).unwrap();
    assert_eq!(differences(&report, &truth), Vec::<String>::new());
}

#[test]
fn web_page_text_saved_in_gbk_reads_the_same() {
    let seed = std::fs::read_to_string(dir().join("seed-2020-gongshu-approval.txt")).unwrap();
    let truth: Json =
        serde_json::from_str(&std::fs::read_to_string(dir().join("seed-2020-gongshu-approval.truth.json")).unwrap())
            .unwrap();
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&seed);
    assert!(!unmappable);
    let report = read_bytes(&gbk, "seed-gbk.txt", &Options::default()).unwrap();
    assert_eq!(report.source.kind, "text");
    assert_eq!(differences(&report, &truth), Vec::<String>::new());
}

#[test]
fn cut_or_damaged_inputs_never_panic() {
    // A panic inside nianbao is caught per file and becomes INTERNAL: that must never happen here.
    let never_internal = |name: &str, what: &str, k: usize, r: nianbao::Result<nianbao::model::Report>| {
        if let Err(e) = r {
            assert_ne!(e.code(), "INTERNAL", "{name} {what} at {k}/24: {e}");
        }
    };
    for name in [
        "seed-2020-gongshu-approval.txt",
        "2020-shanghai-city.html",
        "2024-pingtan-zone.html",
        "govnianbao-template-2021.docx",
    ] {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        for k in 1..24 {
            let cut = &bytes[..bytes.len() * k / 24];
            never_internal(name, "cut", k, read_bytes(cut, name, &Options::default()));
            let mut damaged = bytes.clone();
            let at = damaged.len() * k / 24;
            damaged[at..(at + 64).min(bytes.len())]
                .iter_mut()
                .for_each(|b| *b = b.wrapping_mul(31) ^ 0x5A);
            never_internal(name, "damaged", k, read_bytes(&damaged, name, &Options::default()));
        }
    }
}

#[test]
fn a_title_over_two_lines_names_the_agency() {
    let seed = std::fs::read_to_string(dir().join("seed-2020-gongshu-approval.txt")).unwrap();
    let split = seed.replacen(
        "拱墅区行政审批服务管理办公室2020年度政府信息公开工作年度报告",
        "拱墅区行政审批服务管理办公室\n2020 年度政府信息公开工作年度报告",
        1,
    );
    let report = read_bytes(split.as_bytes(), "年报.txt", &Options::default()).unwrap();
    assert_eq!(
        (report.agency.as_str(), report.year),
        ("拱墅区行政审批服务管理办公室", Some(2020))
    );
    assert_eq!(report.source.agency_from, Found::Title);
}

fn text_forms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("text-forms")
}

/// The text forms real pages come in, each holding the complete real numbers of one report.
const TEXT_FORMS: [&str; 5] = ["md", "pipe_line", "cell_pipe", "cell_blank", "tab"];

#[test]
fn text_forms_read_the_real_numbers() {
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(text_forms().join("2023-hongze-derived.expected.json")).unwrap())
            .unwrap();
    for form in TEXT_FORMS {
        for width in ["", "-fullwidth"] {
            let name = format!("2023-hongze-derived-{form}{width}.txt");
            let report =
                read_path(text_forms().join(&name), &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(report.source.kind, "text", "{name}");
            assert_eq!(differences(&report, &expected), Vec::<String>::new(), "{name}");
            // The cells a reader checks first, spelled out.
            assert_eq!(report.get("t3.new.total"), Some(21.0), "{name}");
            assert_eq!(report.get("t3.unable_not_held.natural"), Some(10.0), "{name}");
            assert_eq!(report.get("t3.results_total.total"), Some(21.0), "{name}");
            assert_eq!(report.get("t2.fees.amount"), Some(7730.28), "{name}");
            assert_eq!(report.get("t2.penalty.decisions"), Some(4119.0), "{name}");
            assert_eq!(report.get("t4.review_upheld"), Some(10.0), "{name}");
            assert_eq!(report.get("t4.suit_after_review_upheld"), Some(5.0), "{name}");
            // The six sections are still found around the tables.
            assert!(
                report.sections.iter().all(Option::is_some),
                "{name}: {:?}",
                report.sections
            );
            let s1 = report.sections[0].as_deref().unwrap_or_default();
            assert!(s1.starts_with("2023年"), "{name}: {s1}");
            assert_eq!(report.sections[5].as_deref(), Some("无。"), "{name}");
            // The report's own faults, and nothing else: 表四's 总计 printed 0.
            let mut errors: Vec<String> = check(&report)
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| format!("{} {}", f.rule, f.cell))
                .collect();
            errors.sort();
            assert_eq!(
                errors,
                ["T4_TOTAL t4.review_total", "T4_TOTAL t4.suit_after_review_total"],
                "{name}"
            );
        }
    }
}

/// The cells after the cell reading `label` in its row, as the text reader gives them.
fn after_label(doc: &nianbao::read::Document, label: &str) -> Vec<String> {
    for grid in &doc.grids {
        if let Some(cell) = grid.cells().iter().find(|c| c.text.trim() == label) {
            return grid
                .row(cell.row)
                .iter()
                .filter(|c| c.col > cell.col)
                .map(|c| c.text.trim().to_string())
                .collect();
        }
    }
    panic!("no cell {label}");
}

#[test]
fn text_forms_cut_short_pages_read_what_is_there() {
    use nianbao::read::text;
    let read = |name: &str| std::fs::read(text_forms().join(name)).unwrap();
    // Markdown rows, cut inside 表三: what is there reads, and the error says 表四 is missing.
    let changchun = read("2023-changchun-ju.txt");
    let doc = text::read(&changchun).unwrap();
    assert_eq!(after_label(&doc, "行政规范性文件"), ["0", "0", "0"]);
    assert_eq!(
        after_label(&doc, "一、本年新收政府信息公开申请数量"),
        ["3", "0", "0", "0", "0", "0", "3", "", ""]
    );
    let err = read_bytes(&changchun, "2023-changchun-ju.txt", &Options::default()).unwrap_err();
    assert_eq!(err.code(), "TABLE_MISSING");
    let message = err.to_string();
    assert!(
        message.contains("表四") && message.contains("文件可能不完整"),
        "{message}"
    );

    // One cell a line between `|` lines, cut inside 表三.
    let xjnlk = read("2023-xjnlk-zhen.txt");
    let doc = text::read(&xjnlk).unwrap();
    assert_eq!(after_label(&doc, "规章"), ["0", "0", "6"]);
    assert_eq!(after_label(&doc, "行政事业性收费"), ["0"]);
    assert_eq!(after_label(&doc, "5.属于三类内部事务信息"), ["0"; 7]);
    let err = read_bytes(&xjnlk, "2023-xjnlk-zhen.txt", &Options::default()).unwrap_err();
    assert_eq!(err.code(), "TABLE_MISSING");
    assert!(err.to_string().contains("表四"), "{err}");

    // One cell a line between blank lines, stray spaces; cut in the middle of a 表三 label, so the
    // last row has the cut-off `2` as an eighth value and only the grids can be checked.
    let doc = text::read(&read("2020-qianan-dawulizhen.txt")).unwrap();
    assert_eq!(after_label(&doc, "规章"), ["0", "0", "0"]);
    assert_eq!(after_label(&doc, "政府集中采购"), ["0", "0"]);
    assert_eq!(after_label(&doc, "二、上年结转政府信息公开申请数量"), ["0"; 7]);
    assert_eq!(
        after_label(&doc, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
        ["0"; 7]
    );
    assert!(
        doc.paragraphs.iter().any(|p| p == "一、总体情况"),
        "{:?}",
        doc.paragraphs
    );
}

#[test]
fn a_cell_a_line_tab_prefixed_with_blank_lines_reads_the_same() {
    // Each cell a browser-copy cell line (tab first) but with a blank line after every cell: no
    // row has a label and its values, and the column header 其他 stands alone like the row 3.其他.
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(text_forms().join("2023-hongze-derived.expected.json")).unwrap())
            .unwrap();
    let text = std::fs::read_to_string(text_forms().join("2023-hongze-derived-cell_blank.txt")).unwrap();
    let tabbed: String = text
        .lines()
        .map(|l| match l.strip_prefix(' ') {
            Some(cell) => format!("\t{cell}\n"),
            None => format!("{l}\n"),
        })
        .collect();
    assert!(tabbed.contains("\t其他\n\n\t一、本年新收"));
    let report = read_bytes(tabbed.as_bytes(), "tabbed.txt", &Options::default()).unwrap();
    assert_eq!(differences(&report, &expected), Vec::<String>::new());
    assert_eq!(report.get("t3.other_other.total"), Some(0.0));
}
