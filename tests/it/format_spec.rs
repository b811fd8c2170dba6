//! Our format tables match the reference `fixtures/spec/formats.json` (a copy of the shared spec)
//! code for code and label for label, so the two can never drift apart.

use nianbao::format::{Format, Kind, T3_COLUMNS, T3_COLUMN_GROUP, T3_CORNER_NOTE, T4_COLUMNS, T4_GROUPS};
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/spec/formats.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn pairs(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_string(),
                v["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `(code, label, parent-or-group)` of every entry of a spec list; `link` names the third key.
fn triples(list: &Value, link: &str) -> Vec<Triple> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().into(),
                v["label"].as_str().unwrap().into(),
                v[link].as_str().map(Into::into),
            )
        })
        .collect()
}

type Triple = (String, String, Option<String>);

#[test]
fn tables_match_the_reference() {
    let spec = spec();
    for format in Format::ALL {
        let s = &spec["formats"][format.code()];
        let layout = format.layout();
        let sections: Vec<&str> = s["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(layout.sections.to_vec(), sections, "{format} sections");
        let blocks = s["t2"]["blocks"].as_array().unwrap();
        assert_eq!(layout.t2.len(), blocks.len(), "{format} t2 blocks");
        for (ours, theirs) in layout.t2.iter().zip(blocks) {
            assert_eq!(ours.article, theirs["article"].as_str().unwrap());
            let rows: Vec<(String, String)> = ours.rows.iter().map(|r| (r.code.into(), r.label.into())).collect();
            assert_eq!(rows, pairs(&theirs["rows"]), "{format} {}", ours.article);
            let cols: Vec<(String, String)> = ours.columns.iter().map(|c| (c.code.into(), c.label.into())).collect();
            assert_eq!(cols, pairs(&theirs["columns"]), "{format} {}", ours.article);
        }
        // Amounts and signed columns.
        let amounts: Vec<String> = s["t2"]["amount_cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let signed: Vec<&str> = s["t2"]["signed_columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for b in layout.t2 {
            for r in b.rows {
                for c in b.columns {
                    let want = if amounts.contains(&format!("{}.{}", r.code, c.code)) {
                        Kind::Amount
                    } else if signed.contains(&c.code) {
                        Kind::Signed
                    } else {
                        Kind::Count
                    };
                    assert_eq!(c.kind, want, "{format} t2.{}.{}", r.code, c.code);
                }
            }
        }
        // 表三 rows with parents, groups, columns, notes.
        let t3 = &s["t3"];
        let rows: Vec<Triple> = layout
            .t3_rows
            .iter()
            .map(|r| (r.code.into(), r.label.into(), r.parent.map(Into::into)))
            .collect();
        let want = triples(&t3["rows"], "parent");
        assert_eq!(rows, want, "{format} t3 rows");
        let groups: Vec<Triple> = layout
            .t3_groups
            .iter()
            .map(|r| (r.code.into(), r.label.into(), r.parent.map(Into::into)))
            .collect();
        let want = triples(&t3["groups"], "parent");
        assert_eq!(groups, want, "{format} t3 groups");
        let cols: Vec<Triple> = T3_COLUMNS
            .iter()
            .map(|c| (c.code.into(), c.label.into(), c.group.map(Into::into)))
            .collect();
        let want = triples(&t3["columns"], "group");
        assert_eq!(cols, want, "{format} t3 columns");
        assert_eq!(T3_CORNER_NOTE, t3["corner_note"].as_str().unwrap());
        assert_eq!(T3_COLUMN_GROUP, t3["column_group"].as_str().unwrap());
        // 表四.
        let t4 = &s["t4"];
        let cols: Vec<Triple> = T4_COLUMNS
            .iter()
            .map(|c| (c.code.into(), c.label.into(), c.group.map(Into::into)))
            .collect();
        let want = triples(&t4["columns"], "group");
        assert_eq!(cols, want, "t4 columns");
        let groups: Vec<Triple> = T4_GROUPS
            .iter()
            .map(|g| (g.code.into(), g.label.into(), g.parent.map(Into::into)))
            .collect();
        let want = triples(&t4["groups"], "parent");
        assert_eq!(groups, want, "t4 groups");
    }
}

#[test]
fn cell_counts_are_the_official_ones() {
    // format-notes §3: 2019 has 22 表二 cells and 161 表三 cells, 2021 has 10 and 175; 表四 15.
    let count = |f: Format, t: &str| f.cells().iter().filter(|c| c.table.code() == t).count();
    assert_eq!(
        (
            count(Format::F2019, "t2"),
            count(Format::F2019, "t3"),
            count(Format::F2019, "t4")
        ),
        (22, 161, 15)
    );
    assert_eq!(
        (
            count(Format::F2021, "t2"),
            count(Format::F2021, "t3"),
            count(Format::F2021, "t4")
        ),
        (10, 175, 15)
    );
}

#[test]
fn result_leaves_are_the_rows_under_results() {
    let leaves = |f: Format| Format::layout(f).t3_result_leaves().count();
    assert_eq!(leaves(Format::F2019), 19);
    assert_eq!(leaves(Format::F2021), 21);
}

/// A revision of the official format is one table: a third layout made from the 2021 one with
/// one row renamed is drawn as a template and as a web page, read back from both, and checked,
/// with no other code touched.
#[test]
fn a_revision_of_the_format_is_one_table() {
    use nianbao::format::RowDef;
    use nianbao::model::Report;
    use nianbao::read::{read_bytes, Options};

    const RENAMED: &str = "（一）全部予以公开";
    let mut revision = Format::F2021.layout().revised("2031", 2031);
    let rows: Vec<RowDef> = revision
        .t3_rows
        .iter()
        .map(|r| {
            if r.code == "granted" {
                RowDef { label: RENAMED, ..*r }
            } else {
                *r
            }
        })
        .collect();
    revision.t3_rows = Box::leak(rows.into_boxed_slice());
    let format = Format::custom(Box::leak(Box::new(revision)));
    assert_eq!(
        format.cell_name("t3.granted.total"),
        format!("表三 “{RENAMED}”行 总计列")
    );

    // A filled report of it, every cell 0 but 2 applications granted, and one faulty total.
    let mut report = Report::new("某某局", 2031, format);
    for cell in format.cells() {
        report.set(&cell.code, 0.0);
    }
    for code in ["t3.new", "t3.granted", "t3.results_total"] {
        report.set(&format!("{code}.natural"), 2.0);
        report.set(&format!("{code}.total"), 2.0);
    }
    report.set("t4.review_upheld", 1.0);
    let options = Options {
        format: Some(format),
        ..Options::default()
    };
    let template = nianbao::write::xlsx::template(2031, format, Some("某某局")).unwrap();
    let blank = read_bytes(&template, "模板.xlsx", &options).unwrap();
    assert_eq!((blank.format, blank.year), (format, Some(2031)));
    let page = nianbao::write::html::report_html(&report);
    assert!(page.contains(RENAMED));
    let workbook = nianbao::write::xlsx::filled(&report, &[], "").unwrap();
    for (name, bytes) in [("年报.html", page.into_bytes()), ("年报.xlsx", workbook)] {
        let back = read_bytes(&bytes, name, &options).unwrap();
        assert_eq!(back.format, format, "{name}");
        for cell in format.cells() {
            assert_eq!(back.get(&cell.code), report.get(&cell.code), "{name} {}", cell.code);
        }
        let errors: Vec<(&str, String)> = nianbao::check::check(&back)
            .into_iter()
            .filter(|f| f.severity == nianbao::model::Severity::Error)
            .map(|f| (f.rule, f.cell))
            .collect();
        assert_eq!(errors, [("T4_TOTAL", "t4.review_total".to_string())], "{name}");
    }
}

/// The rules table of `fixtures/spec/README.md` is the rule catalogue, line for line.
#[test]
fn the_docs_list_every_rule_of_the_catalogue() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/spec/README.md")).unwrap();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| rule | severity |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want: Vec<String> = nianbao::rules::RULES
        .iter()
        .map(|r| format!("| `{}` | {} | {} | {} |", r.id, r.severity.code(), r.title, r.checks))
        .collect();
    assert_eq!(table, want, "\n{}\n", want.join("\n"));
}
