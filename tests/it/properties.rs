//! Property tests on stable, in CI (the fuzz targets in fuzz/ go further, on demand): mutated fixture
//! bytes through `read_bytes` and `check`, random cell texts through `read::value::parse`, random
//! numbers through `check` and the writers. Whatever the input: no panic, and either a report or a
//! Chinese error naming the file. Case counts are modest so the suite stays fast.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nianbao::check::check;
use nianbao::format::{Format, Kind};
use nianbao::model::{Reading, Report, Value};
use nianbao::read::value::parse;
use nianbao::read::{read_bytes, Options};
use proptest::prelude::*;

/// The fixtures mutated: workbooks of every kind, published reports of every kind, broken files.
fn fixtures() -> &'static [(String, Vec<u8>)] {
    static FIXTURES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let names = [
            "workbooks/2024-pingtan-zone.xlsx",
            "workbooks/2020-shanghai-city-lo.xls",
            "workbooks/2024-pingtan-zone-lo.ods",
            "workbooks/street-cover-sheet.xlsx",
            "published/seed-2020-gongshu-approval.txt",
            "published/2023-pingtan-haitan.html",
            "published/govnianbao-template-2021.docx",
            "broken/truncated.xlsx",
            "broken/html-as.xls",
        ];
        names
            .iter()
            .map(|n| {
                let path: PathBuf = root.join(n);
                (n.to_string(), std::fs::read(&path).unwrap())
            })
            .collect()
    })
}

/// Contains a CJK character.
fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Reads `bytes` as `name`: a report that checks and renders, or an error naming the file.
fn read_any(bytes: &[u8], name: &str) -> Result<(), TestCaseError> {
    match read_bytes(bytes, name, &Options::default()) {
        Ok(report) => {
            for f in check(&report) {
                prop_assert!(chinese(&f.message), "{}: {}", f.rule, f.message);
            }
            let _ = nianbao::write::json::report_json(&report, &[]);
            let _ = nianbao::write::csv::long_csv(&[&report], true);
            let _ = nianbao::write::md::report_md(&report);
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(message.starts_with(&format!("“{name}”：")), "{message}");
            prop_assert!(chinese(&message), "{message}");
            prop_assert_ne!(e.code(), "INTERNAL", "{}", message);
        }
    }
    Ok(())
}

/// A change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flip bit `bit` of the byte at `at` (a fraction of the length).
    Flip { at: f64, bit: u8 },
    /// Keep only the first part (a fraction of the length).
    Truncate(f64),
    /// Insert bytes at a place (a fraction of the length).
    Insert(f64, Vec<u8>),
    /// Overwrite bytes at a place with a run of one byte (lengths and counts become huge or zero).
    Smear(f64, u8, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (0.0..1.0f64, 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
        1 => (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => (0.0..1.0f64, prop_oneof![Just(0u8), Just(0xFF), Just(0x7F)], 1usize..16)
            .prop_map(|(at, b, n)| Mutation::Smear(at, b, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let place = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match m {
        Mutation::Flip { at, bit } => {
            if !bytes.is_empty() {
                let i = place(*at, bytes.len() - 1);
                bytes[i] ^= 1 << bit;
            }
        }
        Mutation::Truncate(f) => {
            let n = place(*f, bytes.len());
            bytes.truncate(n);
        }
        Mutation::Insert(f, extra) => {
            let i = place(*f, bytes.len());
            bytes.splice(i..i, extra.iter().copied());
        }
        Mutation::Smear(f, b, n) => {
            let i = place(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes[i..end].fill(*b);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_read_or_fail_cleanly(
        which in 0usize..9,
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let (name, original) = &fixtures()[which];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let ext = name.rsplit('.').next().unwrap_or("xlsx");
        read_any(&bytes, &format!("变异样本.{ext}"))?;
    }

    #[test]
    fn arbitrary_bytes_read_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_any(&bytes, "随机字节.xlsx")?;
    }

    #[test]
    fn arbitrary_rosters_parse_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Err(k) = nianbao::roster::Roster::from_bytes(&bytes) {
            prop_assert!(chinese(&k.to_string()), "{k}");
        }
    }
}

/// Cell texts as reports write them, and as they go wrong.
fn cell_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("0".to_string()),
        "[0-9]{1,6}",
        "[0-9]{1,3}(,[0-9]{3}){0,4}",
        "[0-9]{1,5}\\.[0-9]{1,6}",
        "[０-９]{1,4}",
        "[0-9]{20,400}",
        Just("\u{3000}".to_string()),
        Just("\u{a0}".to_string()),
        Just(" ".to_string()),
        Just("\t\n".to_string()),
        Just("\u{200b}\u{feff}".to_string()),
        Just("—".to_string()),
        Just("——".to_string()),
        Just("-".to_string()),
        Just("－".to_string()),
        Just("−".to_string()),
        Just("+".to_string()),
        Just("/".to_string()),
        Just("无".to_string()),
        Just("万元".to_string()),
        Just("元".to_string()),
        Just("件".to_string()),
        Just(".".to_string()),
        Just("，".to_string()),
        Just("NaN".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("Infinity".to_string()),
        Just("1e309".to_string()),
        Just("1E5".to_string()),
        Just("0x1F".to_string()),
        Just("若干".to_string()),
        Just("null".to_string()),
        Just("N/A".to_string()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|v| v.concat())
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Count), Just(Kind::Amount), Just(Kind::Signed)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn cell_texts_parse_to_a_finite_number_or_are_flagged(
        text in cell_text(),
        native in prop_oneof![
            4 => Just(None),
            1 => any::<f64>().prop_map(Some),
            1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)].prop_map(Some),
        ],
        kind in kind(),
        unit in any::<bool>(),
    ) {
        let (n, reading) = parse(&text, native, kind, unit);
        match n {
            Some(n) => {
                prop_assert!(n.is_finite() && n.abs() < 1e18, "{text:?} → {n}");
                prop_assert_ne!(reading, Reading::NotNumber);
            }
            None => prop_assert_eq!(reading, Reading::NotNumber),
        }
        if matches!(reading, Reading::Blank | Reading::Dash) {
            prop_assert_eq!(n, Some(0.0));
        }
    }
}

/// A report of one layout with random values (numbers of every size, texts that are not numbers,
/// blanks) in random cells.
fn report() -> impl Strategy<Value = Report> {
    let format = prop_oneof![Just(Format::F2019), Just(Format::F2021)];
    let year = prop_oneof![Just(2019), Just(2020), Just(2024), 2000..=2100];
    let agency = prop_oneof![
        3 => Just("某某区人民政府办公室".to_string()),
        1 => cell_text(),
        1 => Just("[表]:*?/\\'".to_string()),
        1 => Just("局".repeat(40_000)),
        1 => Just("\u{0}\u{1}\u{1f}\u{7f}".to_string()),
    ];
    (format, year, agency).prop_flat_map(|(format, year, agency)| {
        let n = format.cells().len();
        let value = prop_oneof![
            3 => Just(None),
            4 => (0u32..100).prop_map(|n| Some(Value::number(f64::from(n)))),
            // Large extremes a reader can give (value::parse reads nothing of 1e18 or more).
            1 => prop_oneof![
                Just(999_999_999_999_999.0), Just(-999_999_999_999_999.0), Just(f64::MIN_POSITIVE), Just(-0.0),
                Just(0.00005), Just(-3.5), Just(12_854_581.0),
            ]
            .prop_map(|n| Some(Value::number(n))),
            1 => (cell_text().prop_filter("echoed texts are the user's", |t| {
                let t = t.to_lowercase();
                !t.contains("inf") && !t.contains("nan")
            }), prop_oneof![
                Just(Reading::NotNumber), Just(Reading::Blank), Just(Reading::Dash), Just(Reading::UnitAssumed),
            ])
            .prop_map(|(raw, reading)| Some(Value {
                number: if reading == Reading::NotNumber { None } else { Some(0.0) },
                raw,
                reading,
                at: Some(nianbao::model::Location::sheet("表三", 3, 4)),
            })),
        ];
        prop::collection::vec(value, n).prop_map(move |cells| {
            let mut r = Report::new(&agency, year, format);
            r.cells = cells;
            r
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_report_checks_and_renders(report in report(), previous in report()) {
        for f in check(&report).iter().chain(&nianbao::check::cross_year(&report, &previous)) {
            prop_assert!(chinese(&f.message), "{}: {}", f.rule, f.message);
            prop_assert!(!f.message.contains("NaN") && !f.message.contains("inf"), "{}", f.message);
        }
        let findings = check(&report);
        let _ = nianbao::write::json::report_json(&report, &findings);
        let _ = nianbao::write::csv::long_csv(&[&report], true);
        let _ = nianbao::write::html::report_html(&report);
        let _ = nianbao::write::md::report_md(&report);
        // The official-layout workbook, with the cells' own texts as notes.
        if let Err(k) = nianbao::write::xlsx::filled(&report, &findings, "来源文件：随机报告.xlsx") {
            prop_assert!(chinese(&k.to_string()), "{k}");
        }
        // The findings workbook of `check --report`: one sheet per agency, named after it.
        let items = vec![
            (nianbao::check::FileCheck::of("甲.xlsx", &report, Some(&previous)), Some(report.clone())),
            (nianbao::check::FileCheck::of("乙.xlsx", &previous, None), Some(previous.clone())),
        ];
        if let Err(k) = nianbao::write::xlsx::findings_workbook(&items) {
            prop_assert!(chinese(&k.to_string()), "{k}");
        }
    }
}

/// The ways people number an item: `1.`, `1、`, `1．`, `（1）`, `①`, or not at all.
fn numbered(n: u32, style: u8) -> String {
    match style {
        0 => format!("{n}."),
        1 => format!("{n}、"),
        2 => format!("{n}．"),
        3 => format!("（{n}）"),
        4 => char::from_u32(0x2460 + n - 1).map(String::from).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A 表三 row label written with its groups before it in one cell, as workbooks and pages do
/// (`（五）不予处理2.重复申请`, `三、本年度办理结果 （一）予以公开`): `groups` of the row's groups
/// written (outermost kept out first), joined by nothing, a space or a line break, the groups
/// with or without their numbering, the item numbered in `style`.
fn combined(format: Format, code: &str, groups: usize, join: u8, group_numbers: bool, style: u8) -> String {
    let layout = format.layout();
    let row = layout.t3_row(code).unwrap();
    let chain = layout.t3_ancestors(code);
    let sep = ["", " ", "\n"][join as usize % 3];
    let mut parts: Vec<String> = chain[chain.len().saturating_sub(groups)..]
        .iter()
        .map(|g| {
            if group_numbers {
                g.label.to_string()
            } else {
                let folded = nianbao::label::normalize(g.label);
                nianbao::label::split_numbering(&folded).1.to_string()
            }
        })
        .collect();
    // The item: a numbered leaf (`1.属于国家秘密`) in the style drawn, others as they are.
    let item = match row.label.split_once('.') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => {
            format!("{}{rest}", numbered(n.parse().unwrap_or(1), style))
        }
        _ => row.label.to_string(),
    };
    parts.push(item);
    parts.join(sep)
}

/// A document with one 表三 whose row labels are `labels` (in official order) and whose cells hold
/// `row * 10 + column`.
fn table_three(format: Format, labels: &[String]) -> nianbao::read::Document {
    use nianbao::model::PlaceKind;
    use nianbao::read::{Grid, GridCell};
    let cell = |r: u32, c: u32, text: &str| GridCell::text("表3", PlaceKind::Sheet, r, c, text);
    let mut cells = vec![cell(0, 0, "项目")];
    for (j, col) in nianbao::format::T3_COLUMNS.iter().enumerate() {
        cells.push(cell(0, j as u32 + 1, col.label));
    }
    for (i, label) in labels.iter().enumerate() {
        let r = i as u32 + 1;
        cells.push(cell(r, 0, label));
        for j in 0..7u32 {
            cells.push(cell(r, j + 1, &(r * 10 + j).to_string()));
        }
    }
    let _ = format;
    nianbao::read::Document {
        grids: vec![Grid::new("表3", true, cells)],
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every 表三 row label of both formats, with its groups in the same cell in any of the forms
    /// people write, is read as its row.
    #[test]
    fn combined_labels_are_read_as_their_rows(
        forms in proptest::collection::vec((0usize..3, 0u8..3, any::<bool>(), 0u8..6), 25),
        which in 0usize..2,
    ) {
        let format = Format::ALL[which];
        let rows = format.layout().t3_rows;
        let labels: Vec<String> = rows
            .iter()
            .zip(&forms)
            .map(|(row, (groups, join, numbers, style))| combined(format, row.code, *groups, *join, *numbers, *style))
            .collect();
        let options = Options { format: Some(format), ..Options::default() };
        let report = nianbao::read::extract::extract(&table_three(format, &labels), "区民政局", &options)
            .map_err(|e| TestCaseError::fail(format!("{e} {labels:?}")))?;
        for (i, row) in rows.iter().enumerate() {
            for (j, col) in nianbao::format::T3_COLUMNS.iter().enumerate() {
                let want = ((i as u32 + 1) * 10 + j as u32) as f64;
                prop_assert_eq!(report.get(&format!("t3.{}.{}", row.code, col.code)), Some(want), "{:?}", labels[i]);
            }
        }
    }
}

#[test]
fn the_combined_forms_people_write_are_generated() {
    let f = Format::F2021;
    assert_eq!(
        combined(f, "denied_secret", 1, 0, true, 1),
        "（三）不予公开1、属于国家秘密"
    );
    assert_eq!(
        combined(f, "rejected_duplicate", 1, 2, true, 0),
        "（五）不予处理\n2.重复申请"
    );
    assert_eq!(
        combined(f, "granted", 1, 1, true, 0),
        "三、本年度办理结果 （一）予以公开"
    );
    assert_eq!(combined(f, "other_other", 1, 0, true, 3), "（六）其他处理（3）其他");
    assert_eq!(
        combined(f, "denied_inquiry", 2, 0, false, 4),
        "本年度办理结果不予公开⑧属于行政查询事项"
    );
    assert_eq!(combined(f, "new", 2, 0, true, 0), "一、本年新收政府信息公开申请数量");
}

/// Workbooks, pages and Word files made by other software (openpyxl, xlsxwriter, LibreOffice,
/// python-docx, hand-written pages; generator `fixtures/labels/make.py`) whose 表三 rows carry
/// their groups in the same cell, in every joiner, numbering and label-column layout: every cell
/// read as intended, no error.
#[test]
fn combined_label_files_read_as_intended() {
    let cases = crate::common::intended_cases("labels", &["xlsx", "xls", "ods", "html", "docx"]);
    assert!(cases.len() >= 25, "{} files", cases.len());
    let wrong = crate::common::compare_all(&cases, &[]);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
