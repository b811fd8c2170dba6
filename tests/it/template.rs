//! The official-layout workbooks: the template's labels, merged headers, names, protection,
//! validation and formulas as another reader sees them; round trips through the reader; the CLI.

use nianbao::model::FormatFrom;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook_from_rs, Data, Dimensions, Reader, Xlsx};
use nianbao::check::FileCheck;
use nianbao::format::{
    Format, Kind, Table, T2_LABEL_HEADER, T3_COLUMNS, T3_COLUMN_GROUP, T3_CORNER_NOTE, T4_COLUMNS, T4_GROUPS, T4_SUIT,
};
use nianbao::model::{Reading, Report};
use nianbao::read::{read_bytes, read_path, Options};
use nianbao::rules::{equations, SUM_RULES};

use crate::bytes;
use nianbao::write::xlsx::{
    filled, findings_workbook, form, layout_sheet, layout_sheets, template, Mode, FINDINGS_SHEET, INCOMPLETE,
};

type Book = Xlsx<Cursor<Vec<u8>>>;

fn open(bytes: &[u8]) -> Book {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx calamine opens")
}

/// Every string cell of a sheet with its position.
fn strings(book: &mut Book, sheet: &str) -> HashMap<String, Vec<(u32, u32)>> {
    let range = book.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap();
    let mut out: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    for (r, row) in range.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if let Data::String(s) = v {
                out.entry(s.clone()).or_default().push((r0 + r as u32, c0 + c as u32));
            }
        }
    }
    out
}

/// The merged range starting at a cell: (rows, columns).
fn span(merges: &[Dimensions], at: (u32, u32)) -> (u32, u32) {
    merges
        .iter()
        .find(|m| m.start == at)
        .map_or((1, 1), |m| (m.end.0 - m.start.0 + 1, m.end.1 - m.start.1 + 1))
}

/// The span of the first cell holding `label`.
fn span_of(book: &mut Book, sheet: &str, label: &str) -> (u32, u32) {
    let texts = strings(book, sheet);
    let at = texts.get(label).unwrap_or_else(|| panic!("{label} not on {sheet}"))[0];
    let merges = book.merge_cells_by_sheet_name(sheet).unwrap();
    span(&merges, at)
}

/// The defined names of a workbook: name → (sheet, row, col).
fn names(book: &Book) -> HashMap<String, (String, u32, u32)> {
    book.defined_names()
        .iter()
        .filter_map(|(n, f)| {
            let (sheet, cell) = f.trim_start_matches('=').rsplit_once('!')?;
            let cell = cell.replace('$', "");
            let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
            let col = letters
                .chars()
                .fold(0, |a, c| a * 26 + (c as u32 - 'A' as u32 + 1))
                .checked_sub(1)?;
            let row: u32 = cell[letters.len()..].parse::<u32>().ok()? - 1;
            Some((n.clone(), (sheet.trim_matches('\'').to_string(), row, col)))
        })
        .collect()
}

/// The XML of one part of the zip.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Every cell note of the workbook, all sheets together.
fn notes(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let parts: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/comments"))
        .map(|n| n.into_owned())
        .collect();
    parts
        .iter()
        .map(|n| {
            let mut s = String::new();
            zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
            s
        })
        .collect()
}

/// The worksheet part of a sheet, by its position in the workbook (1-based).
fn sheet_xml(bytes: &[u8], n: usize) -> String {
    part(bytes, &format!("xl/worksheets/sheet{n}.xml"))
}

/// Cells covered by a `sqref` (`D5:I6 D7`).
fn sqref_cells(sqref: &str) -> usize {
    let cell = |s: &str| -> (u32, u32) {
        let letters: String = s.chars().take_while(char::is_ascii_alphabetic).collect();
        let col = letters.chars().fold(0, |a, c| a * 26 + (c as u32 - 'A' as u32 + 1));
        (s[letters.len()..].parse().unwrap(), col)
    };
    sqref
        .split_whitespace()
        .map(|r| match r.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (cell(a), cell(b));
                ((b.0 - a.0 + 1) * (b.1 - a.1 + 1)) as usize
            }
            None => 1,
        })
        .sum()
}

/// Every `<dataValidation …>` start tag of a sheet.
fn validations(xml: &str) -> Vec<String> {
    xml.split("<dataValidation ")
        .skip(1)
        .map(|s| format!(" {}", &s[..s.find('>').unwrap()]))
        .collect()
}

/// An attribute of a start tag, `""` when absent.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    match tag.find(&key).map(|i| i + key.len()) {
        Some(start) => &tag[start..start + tag[start..].find('"').unwrap_or(0)],
        None => "",
    }
}

/// The cells that are totals: the target of a rule whose left side is that one cell.
fn totals(format: Format) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for eq in SUM_RULES.iter().flat_map(|r| equations(format, r)) {
        if eq.left.len() == 1 && eq.left[0] == eq.target {
            out.entry(eq.target).or_insert(eq.right);
        }
    }
    out
}

/// A report with a distinct known number in every input cell and consistent totals: negatives in
/// 2019's 本年增/减, four decimals in amounts.
fn known(format: Format) -> Report {
    let mut r = Report::new("某某区住房和城乡建设局", 2024, format);
    let sums = totals(format);
    for (i, cell) in format.cells().iter().enumerate() {
        let n = match cell.kind {
            Kind::Count => (i % 37 + 1) as f64,
            Kind::Signed => -((i % 9) as f64) - 1.0,
            Kind::Amount => 12.3456 + i as f64,
        };
        if !sums.contains_key(&cell.code) {
            r.set(&cell.code, n);
        }
    }
    for _ in 0..2 {
        for (target, cells) in &sums {
            let total: f64 = cells.iter().filter_map(|c| r.get(c)).sum();
            r.set(target, total);
        }
    }
    r
}

/// Every cell of two reports, as numbers.
fn assert_same(got: &Report, want: &Report, what: &str) {
    assert_eq!(got.format, want.format, "{what}: format");
    for (def, v) in want.iter() {
        let (a, b) = (got.get(&def.code), v.and_then(|v| v.number));
        assert!(
            matches!((a, b), (Some(x), Some(y)) if (x - y).abs() < 1e-9),
            "{what}: {} is {a:?}, want {b:?}",
            def.code
        );
    }
}

#[test]
fn every_official_label_is_on_its_sheet() {
    for format in Format::ALL {
        let bytes = template(2024, format, Some("某某局")).unwrap();
        let mut book = open(&bytes);
        assert_eq!(book.sheet_names(), ["封面", "表二", "表三", "表四"]);
        let layout = format.layout();
        let t2 = strings(&mut book, "表二");
        let t3 = strings(&mut book, "表三");
        let t4 = strings(&mut book, "表四");
        let mut want2: Vec<&str> = vec![T2_LABEL_HEADER, layout.sections[1]];
        for b in layout.t2 {
            want2.push(b.article);
            want2.extend(b.rows.iter().map(|r| r.label));
            want2.extend(b.columns.iter().map(|c| c.label));
        }
        let mut want3: Vec<&str> = vec![T3_CORNER_NOTE, T3_COLUMN_GROUP, layout.sections[2]];
        want3.extend(T3_COLUMNS.iter().flat_map(|c| [Some(c.label), c.group]).flatten());
        want3.extend(layout.t3_rows.iter().chain(layout.t3_groups).map(|r| r.label));
        let mut want4: Vec<&str> = vec![T4_SUIT, layout.sections[3]];
        want4.extend(T4_GROUPS.iter().map(|g| g.label));
        want4.extend(T4_COLUMNS.iter().map(|c| c.label));
        for (sheet, texts, want) in [("表二", &t2, want2), ("表三", &t3, want3), ("表四", &t4, want4)] {
            for label in want {
                assert!(texts.contains_key(label), "{format}: “{label}” missing on {sheet}");
            }
        }
        // 表四's leaf labels once per group.
        assert_eq!(t4["结果维持"].len(), 3);
        assert_eq!(t4["总计"].len(), 3);
        let cover = strings(&mut book, "封面");
        assert!(cover.contains_key("某某局"));
        assert!(cover
            .keys()
            .any(|t| t.contains("1 月 31 日前") && t.contains("2025 年")));
        assert!(cover.keys().any(|t| t.contains("只在白色单元格中填写")));
    }
}

#[test]
fn merged_headers_follow_the_official_layout() {
    for format in Format::ALL {
        let bytes = template(2024, format, None).unwrap();
        let mut book = open(&bytes);
        let layout = format.layout();
        let results = layout
            .t3_rows
            .iter()
            .filter(|r| layout.t3_is_under(r.code, "results"))
            .count() as u32;
        assert_eq!(span_of(&mut book, "表三", T3_CORNER_NOTE), (3, 3));
        assert_eq!(span_of(&mut book, "表三", T3_COLUMN_GROUP), (1, 7));
        assert_eq!(span_of(&mut book, "表三", "法人或其他组织"), (1, 5));
        assert_eq!(span_of(&mut book, "表三", "自然人"), (2, 1));
        assert_eq!(span_of(&mut book, "表三", "三、本年度办理结果"), (results, 1));
        assert_eq!(span_of(&mut book, "表三", "（三）不予公开"), (8, 1));
        assert_eq!(span_of(&mut book, "表三", "（四）无法提供"), (3, 1));
        assert_eq!(span_of(&mut book, "表三", "（五）不予处理"), (5, 1));
        assert_eq!(span_of(&mut book, "表三", "（一）予以公开"), (1, 2));
        assert_eq!(span_of(&mut book, "表三", "（七）总计"), (1, 2));
        assert_eq!(span_of(&mut book, "表三", "一、本年新收政府信息公开申请数量"), (1, 3));
        assert_eq!(span_of(&mut book, "表三", "四、结转下年度继续办理"), (1, 3));
        let other = if format == Format::F2019 { (1, 2) } else { (3, 1) };
        assert_eq!(span_of(&mut book, "表三", "（六）其他处理"), other);
        assert_eq!(span_of(&mut book, "表四", "行政复议"), (1, 5));
        assert_eq!(span_of(&mut book, "表四", T4_SUIT), (1, 10));
        assert_eq!(span_of(&mut book, "表四", "未经复议直接起诉"), (1, 5));
        assert_eq!(span_of(&mut book, "表四", "复议后起诉"), (1, 5));
        // 行政复议's leaves reach down both header rows, the others' do not.
        let t4 = strings(&mut book, "表四");
        let merges = book.merge_cells_by_sheet_name("表四").unwrap();
        let leaf_spans: Vec<(u32, u32)> = t4["结果维持"].iter().map(|&at| span(&merges, at)).collect();
        assert_eq!(leaf_spans, [(2, 1), (1, 1), (1, 1)]);
        // 表二: every block header across the table; single-value blocks' cells over 3 columns.
        let t2 = strings(&mut book, "表二");
        let merges = book.merge_cells_by_sheet_name("表二").unwrap();
        for block in layout.t2 {
            assert_eq!(span(&merges, t2[block.article][0]), (1, 4), "{}", block.article);
        }
        let named = names(&book);
        for block in layout.t2.iter().filter(|b| b.columns.len() == 1) {
            let code = format!("NB.t2.{}.{}", block.rows[0].code, block.columns[0].code);
            let (_, r, c) = &named[&code];
            assert_eq!(span(&merges, (*r, *c)), (1, 3), "{code}");
        }
    }
}

#[test]
fn every_cell_is_named_and_every_input_validated() {
    for format in Format::ALL {
        let bytes = template(2020, format, Some("某某局")).unwrap();
        let book = open(&bytes);
        let named = names(&book);
        for cell in format.cells() {
            let name = format!("NB.{}", cell.code);
            let (sheet, _, _) = named.get(&name).unwrap_or_else(|| panic!("{name} has no defined name"));
            let table = match cell.table {
                Table::T2 => "表二",
                Table::T3 => "表三",
                Table::T4 => "表四",
            };
            assert_eq!(sheet, table, "{name}");
        }
        assert_eq!(named["NB.agency"].0, "封面");
        assert_eq!(named["NB.year"].0, "封面");
        assert_eq!(named.len(), format.cells().len() + 2);

        // Sheets in order: 封面, 表二, 表三, 表四; all protected, without a password.
        for n in 1..=4 {
            let xml = sheet_xml(&bytes, n);
            let protection = xml.split("<sheetProtection").nth(1).expect("protected");
            assert!(
                !protection[..protection.find('>').unwrap()].contains("password"),
                "sheet {n}"
            );
        }
        // Validation covers exactly the input cells, by kind.
        let sums = totals(format);
        let inputs = |table: Table, kind: Kind| {
            format
                .cells()
                .iter()
                .filter(|c| c.table == table && c.kind == kind && !sums.contains_key(&c.code))
                .count()
        };
        for (n, table) in [(2, Table::T2), (3, Table::T3), (4, Table::T4)] {
            let tags = validations(&sheet_xml(&bytes, n));
            let mut covered = 0;
            for tag in &tags {
                let kind = match (attr(tag, "type"), attr(tag, "operator")) {
                    ("whole", "greaterThanOrEqual") => Kind::Count,
                    // `between` is the default operator, which Excel leaves out.
                    ("whole", "") => Kind::Signed,
                    ("decimal", "greaterThanOrEqual") => Kind::Amount,
                    other => panic!("unexpected validation {other:?}"),
                };
                assert!(
                    tag.contains("showErrorMessage=\"1\"") && tag.contains("promptTitle"),
                    "{tag}"
                );
                assert_eq!(
                    sqref_cells(attr(tag, "sqref")),
                    inputs(table, kind),
                    "{format} {table:?} {kind:?}"
                );
                covered += sqref_cells(attr(tag, "sqref"));
            }
            let kinds = [Kind::Count, Kind::Signed, Kind::Amount]
                .into_iter()
                .filter(|k| inputs(table, *k) > 0)
                .count();
            assert_eq!(tags.len(), kinds, "{format} {table:?}");
            assert_eq!(
                covered,
                [Kind::Count, Kind::Signed, Kind::Amount]
                    .map(|k| inputs(table, k))
                    .iter()
                    .sum::<usize>()
            );
        }
        // Only the input cells (and the cover's entries) are unlocked: the styles say so.
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("<protection locked=\"0\"/>"));
    }
}

#[test]
fn totals_and_checks_are_formulas() {
    for format in Format::ALL {
        let bytes = template(2024, format, None).unwrap();
        let mut book = open(&bytes);
        let named = names(&book);
        let formulas: HashMap<&str, calamine::Range<String>> = ["表三", "表四"]
            .into_iter()
            .map(|s| (s, book.worksheet_formula(s).unwrap()))
            .collect();
        let formula = |code: &str| -> String {
            let (sheet, r, c) = &named[&format!("NB.{code}")];
            formulas[sheet.as_str()]
                .get_value((*r, *c))
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(formula("t3.new.total"), "IF(COUNT(D5:I5)=0,\"\",SUM(D5:I5))");
        let leaves = format.layout().t3_result_leaves().count();
        let first = 7;
        assert_eq!(
            formula("t3.results_total.natural"),
            format!(
                "IF(COUNT(D{first}:D{l})=0,\"\",SUM(D{first}:D{l}))",
                l = first + leaves - 1
            )
        );
        assert_eq!(formula("t4.review_total"), "IF(COUNT(A5:D5)=0,\"\",SUM(A5:D5))");
        assert_eq!(
            formula("t4.suit_after_review_total"),
            "IF(COUNT(K5:N5)=0,\"\",SUM(K5:N5))"
        );
        assert_eq!(formula("t3.new.natural"), "");
        // Every rule instance has its check: 7 balance, 7 results-total, one per row, 3 in 表四.
        let checks: usize = formulas
            .values()
            .map(|r| r.used_cells().filter(|(_, _, f)| f.contains("\"正确\"")).count())
            .sum();
        assert_eq!(checks, 7 + 7 + format.layout().t3_rows.len() + 3);
        let balance = formulas["表三"]
            .used_cells()
            .map(|(_, _, f)| f.clone())
            .find(|f| f.contains("D5,D6") || f.contains("D5:D6"))
            .expect("a balance check on the 自然人 column");
        assert!(balance.contains("错误") && balance.contains("未填完"), "{balance}");
        // Blank, every check shows 未填完 and the cover says so.
        let values = book.worksheet_range("表三").unwrap();
        let shown: Vec<&Data> = values
            .used_cells()
            .map(|(_, _, v)| v)
            .filter(|v| matches!(v, Data::String(s) if s == INCOMPLETE))
            .collect();
        assert_eq!(shown.len(), 7 + 7 + format.layout().t3_rows.len());
        let cover = strings(&mut book, "封面");
        assert!(
            cover.keys().any(|t| t.starts_with("尚有") && t.contains("未填完")),
            "{:?}",
            cover.keys()
        );
        // Conditional formats turn 错误 red.
        let xml = sheet_xml(&bytes, 3);
        assert!(xml.contains("<conditionalFormatting") && xml.contains("<formula>\"错误\"</formula>"));
    }
}

#[test]
fn blank_template_reads_back_blank() {
    for format in Format::ALL {
        let bytes = template(2024, format, Some("某某镇人民政府")).unwrap();
        let r = read_bytes(&bytes, "模板.xlsx", &Options::default()).unwrap();
        assert_eq!(
            (r.agency.as_str(), r.year, r.format),
            ("某某镇人民政府", Some(2024), format)
        );
        assert_eq!(r.source.format_from, FormatFrom::Names);
        for (def, v) in r.iter() {
            assert!(v.is_none_or(|v| v.reading == Reading::Blank), "{}: {v:?}", def.code);
        }
    }
}

#[test]
fn filled_and_form_read_back_exactly() {
    for format in Format::ALL {
        let want = known(format);
        let bytes = filled(&want, &[], "来源文件：测试").unwrap();
        let got = read_bytes(&bytes, "x.xlsx", &Options::default()).unwrap();
        assert_eq!((got.agency.as_str(), got.year), ("某某区住房和城乡建设局", Some(2024)));
        assert_same(&got, &want, "filled");

        // The template with the inputs filled: totals come back as the formulas' results.
        let mut inputs = want.clone();
        for code in totals(format).keys() {
            let i = format.cell_index(code).unwrap();
            inputs.cells[i] = None;
        }
        let got = read_bytes(&form(&inputs).unwrap(), "x.xlsx", &Options::default()).unwrap();
        assert_same(&got, &want, "form");
    }
}

#[test]
fn the_layout_reads_back_by_its_labels_alone() {
    for format in Format::ALL {
        let want = known(format);
        // Three sheets, no defined names: the reader must find the tables by their labels.
        let mut wb = rust_xlsxwriter::Workbook::new();
        layout_sheets(&mut wb, &want, &[], Mode::Filled).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let got = read_bytes(&bytes, "某某区住房和城乡建设局2024年.xlsx", &Options::default()).unwrap();
        assert_eq!(got.source.format_from, FormatFrom::Labels);
        assert_same(&got, &want, "three sheets by labels");
        // All three tables on one sheet.
        let mut wb = rust_xlsxwriter::Workbook::new();
        layout_sheet(&mut wb, "汇总", &want, &[], Mode::Filled).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let got = read_bytes(&bytes, "汇总.xlsx", &Options::default()).unwrap();
        assert_same(&got, &want, "one sheet by labels");
        assert_eq!((got.agency.as_str(), got.year), ("某某区住房和城乡建设局", Some(2024)));
    }
}

#[test]
fn findings_are_marked_with_notes() {
    let mut r = known(Format::F2021);
    r.set("t3.results_total.natural", 999.0);
    let findings = nianbao::check::check(&r);
    assert!(findings.iter().any(|f| f.rule == "T3_RESULTS_TOTAL"));
    let bytes = filled(&r, &findings, "来源文件：测试").unwrap();
    let comments = notes(&bytes);
    assert!(comments.contains("T3_RESULTS_TOTAL") && comments.contains("999"));
    let mut book = open(&bytes);
    let cover = strings(&mut book, "封面");
    assert!(cover.contains_key("来源文件：测试"));
    assert!(cover.contains_key("T3_RESULTS_TOTAL"));
    assert!(cover.keys().any(|t| t.starts_with("有 ") && t.contains("勾稽关系错误")));
}

#[test]
fn same_input_same_bytes() {
    for format in Format::ALL {
        assert_eq!(
            template(2025, format, Some("某某局")).unwrap(),
            template(2025, format, Some("某某局")).unwrap()
        );
        let r = known(format);
        assert_eq!(filled(&r, &[], "n").unwrap(), filled(&r, &[], "n").unwrap());
    }
    assert_ne!(
        template(2025, Format::F2021, Some("甲局")).unwrap(),
        template(2025, Format::F2021, Some("乙局")).unwrap()
    );
}

#[test]
fn findings_workbook_lists_every_file() {
    let mut bad = known(Format::F2021);
    bad.agency = "城南区市场监督管理局".into();
    bad.set("t4.review_total", 0.0);
    let mut good = Report::new("某某区住房和城乡建设局", 2024, Format::F2021);
    for cell in Format::F2021.cells() {
        good.set(&cell.code, 0.0);
    }
    let mut nameless = known(Format::F2019);
    nameless.agency = "A/B:C*局[1]".into();
    let unreadable = nianbao::Error::new("坏文件.xlsx", nianbao::ErrorKind::Empty);
    let items = vec![
        (FileCheck::of("城南.xlsx", &bad, None), Some(bad.clone())),
        (FileCheck::of("好.xlsx", &good, None), Some(good.clone())),
        (FileCheck::unreadable(&unreadable), None),
        (FileCheck::of("怪名.xlsx", &nameless, None), Some(nameless.clone())),
    ];
    let bytes = findings_workbook(&items).unwrap();
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names(),
        [
            FINDINGS_SHEET,
            "城南区市场监督管理局",
            "某某区住房和城乡建设局",
            "A_B_C_局_1_"
        ]
    );
    let list = book.worksheet_range(FINDINGS_SHEET).unwrap();
    let rows: Vec<Vec<String>> = list.rows().map(|r| r.iter().map(|d| d.to_string()).collect()).collect();
    assert_eq!(
        rows[0],
        ["单位", "文件", "表", "单元格", "规则", "规则说明", "严重程度", "说明"]
    );
    let t4 = rows.iter().find(|r| r[4] == "T4_TOTAL").expect("the T4_TOTAL finding");
    assert_eq!(&t4[..3], ["城南区市场监督管理局", "城南.xlsx", "表四"]);
    assert_eq!(
        (t4[5].as_str(), t4[6].as_str()),
        ("总计等于结果维持、结果纠正、其他结果、尚未审结之和", "错误")
    );
    assert!(rows.iter().any(|r| r[1] == "好.xlsx" && r[7] == "未发现问题"));
    assert!(rows
        .iter()
        .any(|r| r[1] == "坏文件.xlsx" && r[4] == "UNREADABLE" && r[7].contains("空的")));
    let xml = sheet_xml(&bytes, 1);
    assert!(xml.contains("<autoFilter") && xml.contains("state=\"frozen\""));
    // The finding links to the faulty cell on the agency's sheet: 表四's first total, column H.
    assert!(xml.contains("location=\"城南区市场监督管理局!$H$"), "{xml}");
    // The agency sheet has the tables and the faulty cell's note.
    let sheet = strings(&mut book, "城南区市场监督管理局");
    assert!(sheet.contains_key(T3_CORNER_NOTE) && sheet.contains_key("行政复议"));
    assert!(notes(&bytes).contains("T4_TOTAL"));
}

#[test]
fn cli_template_per_roster_member() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("名单.csv");
    std::fs::write(
        &roster,
        "单位名称,类别\n区财政局,部门\n城关街道办事处,街道\n区教育局/体育局,部门\n",
    )
    .unwrap();
    let out = dir.path().join("模板");
    let status = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["template", "--year", "2025", "--roster"])
        .arg(&roster)
        .arg("--out-dir")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["区教育局_体育局.xlsx", "区财政局.xlsx", "城关街道办事处.xlsx"]);
    for (file, agency) in [
        ("区财政局.xlsx", "区财政局"),
        ("城关街道办事处.xlsx", "城关街道办事处"),
        ("区教育局_体育局.xlsx", "区教育局/体育局"),
    ] {
        let r = read_path(out.join(file), &Options::default()).unwrap();
        assert_eq!(
            (r.agency.as_str(), r.year, r.format),
            (agency, Some(2025), Format::F2021)
        );
    }
}

#[test]
fn cli_template_warns_when_format_contradicts_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.xlsx");
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "template", "--year", "2025", "--format", "2019", "--agency", "某局", "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("应使用 2021 格式"));
    let r = read_path(&out, &Options::default()).unwrap();
    assert_eq!((r.agency.as_str(), r.format), ("某局", Format::F2019));
}

#[test]
fn cli_convert_to_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks/bad-cells-2021.xlsx");
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let refused = Command::new(bin)
        .arg("convert")
        .arg(&input)
        .args(["--to", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let out = dir.path().join("规范.xlsx");
    let run = Command::new(bin)
        .arg("convert")
        .arg(&input)
        .args(["--to", "xlsx", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(run.success());
    let original = read_path(&input, &Options::default()).unwrap();
    let copy = read_path(&out, &Options::default()).unwrap();
    assert_eq!(copy.agency, original.agency);
    for (def, v) in original.iter() {
        let (a, b) = (copy.value(&def.code), v);
        assert_eq!(
            a.map(|x| (x.number, x.reading)),
            b.map(|x| (x.number, x.reading)),
            "{}",
            def.code
        );
    }
    let mut book = open(&std::fs::read(&out).unwrap());
    let cover = strings(&mut book, "封面");
    assert!(cover
        .keys()
        .any(|t| t.starts_with("来源文件：") && t.contains("bad-cells-2021.xlsx") && t.contains("读取时间：")));
}

#[test]
fn a_template_whose_names_were_broken_by_hand_is_read_by_its_labels() {
    // A row deleted in Excel turns its cells' names into #REF!: the values must still be read
    // (by the labels), not silently left out.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks/2024-pingtan-zone.xlsx");
    let report = read_path(&path, &Options::default()).unwrap();
    let filled = nianbao::write::xlsx::filled(&report, &[], "").unwrap();
    // `#REF!` when the row was deleted; `#REF!$D$5` when the sheet was.
    for target in ["#REF!", "#REF!$D$5"] {
        let broken = bytes::rezip(&filled, |name, bytes| {
            if name != "xl/workbook.xml" {
                return bytes;
            }
            let xml = String::from_utf8(bytes).unwrap();
            let at = xml.find(r#"<definedName name="NB.t3.new.natural">"#).unwrap();
            let start = xml[at..].find('>').unwrap() + at + 1;
            let end = xml[start..].find('<').unwrap() + start;
            format!("{}{target}{}", &xml[..start], &xml[end..]).into_bytes()
        });
        let again = read_bytes(&broken, "改过的模板.xlsx", &Options::default()).unwrap();
        assert_eq!(again.source.format_from, FormatFrom::Labels, "{target}");
        assert!(report.get("t3.new.natural").is_some());
        for cell in Format::F2021.cells() {
            assert_eq!(again.get(&cell.code), report.get(&cell.code), "{target} {}", cell.code);
        }
    }
}

#[test]
fn a_template_filled_by_a_program_with_formulas_saved_without_results_reads_them() {
    // A script fills our template's totals with =SUM(…) and saves no results (openpyxl does so):
    // the total is worked out, not read as blank.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks/2024-pingtan-zone.xlsx");
    let report = read_path(&path, &Options::default()).unwrap();
    let filled = nianbao::write::xlsx::filled(&report, &[], "").unwrap();
    let at = Format::F2021.cell_index("t3.new.total").unwrap();
    assert!(report.cells[at].is_some());
    let edited = bytes::rezip(&filled, |name, bytes| {
        let xml = String::from_utf8(bytes).unwrap();
        if !xml.contains(r#"<c r="J5" s="12"><v>"#) || !name.starts_with("xl/worksheets/") {
            return xml.into_bytes();
        }
        let start = xml.find(r#"<c r="J5" s="12"><v>"#).unwrap();
        let end = xml[start..].find("</c>").unwrap() + start + 4;
        format!(
            "{}<c r=\"J5\" s=\"12\"><f>SUM(D5:I5)</f></c>{}",
            &xml[..start],
            &xml[end..]
        )
        .into_bytes()
    });
    let again = read_bytes(&edited, "程序填的模板.xlsx", &Options::default()).unwrap();
    assert_eq!(again.source.format_from, FormatFrom::Names);
    assert_eq!(again.get("t3.new.total"), report.get("t3.new.total"));
}

/// Our template of each layout, filled by openpyxl (`fixtures/filled-by-program/make.py`), which
/// keeps the formulas and drops their results: every total and check formula is worked out, every
/// cell reads right, and only the agency's own mistake is reported (no 公式没有保存计算结果).
#[test]
fn a_template_filled_by_a_program_that_does_not_recalculate() {
    let cases = crate::common::intended_cases("filled-by-program", &["xlsx"]);
    assert_eq!(cases.len(), 2);
    let wrong = crate::common::compare_all(&cases, &[]);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (path, _) in &cases {
        let report = read_path(path, &Options::default()).unwrap();
        let errors: Vec<&str> = nianbao::check::check(&report)
            .iter()
            .filter(|f| f.severity == nianbao::model::Severity::Error)
            .map(|f| f.rule)
            .collect();
        assert_eq!(errors, ["T3_BALANCE", "T3_BALANCE"], "{}", path.display());
    }
}
