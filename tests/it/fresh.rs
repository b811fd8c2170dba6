//! Forms the other fixture sets do not have (generator `fixtures/fresh/make.py`): agency names with
//! 挂牌 parentheses and 党政合署 names, covers with two fields in one cell, 填报部门/年份/统计期间
//! labels, years only in sheet names, titles as 关于…的报告 or with the year in brackets, titles only
//! in `<meta name="ArticleTitle">`, a page header or a department site's `<title>`, pages of other
//! page systems, signatures dated in Chinese numerals, Chromium prints at other papers and scales,
//! 表三 labels with group and item in one cell, numbers with commas and full-width digits. Each file
//! is read with the agency, year, layout, cells and findings intended, and the agency and year
//! from the place intended.

use nianbao::read::{read_path, Options};

use crate::common::{self, Aspect};

/// Files still read wrongly, in which aspects and why.
const KNOWN: &[(&str, &[Aspect], &str)] = &[(
    "fr55-pdf-lo-docx-title-in-header.pdf",
    &[Aspect::Read],
    "LibreOffice breaks 表三's header row inside the two-row 自然人 cell (自然 ends page 2, 人 starts \
     page 3) and draws a rule along the break on both pages, so nothing in the PDF says the two are \
     one cell; the Word file (fr46) reads right",
)];

const KINDS: &[&str] = &["xlsx", "xls", "ods", "docx", "html", "txt", "pdf"];

#[test]
fn fresh_forms_read_as_intended() {
    let cases = common::intended_cases("fresh", KINDS);
    assert!(cases.len() >= 55, "{} files", cases.len());
    let wrong = common::compare_all(&cases, KNOWN);
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn fresh_agency_and_year_come_from_the_place_intended() {
    let mut wrong = Vec::new();
    for (path, want) in common::intended_cases("fresh", KINDS) {
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if KNOWN.iter().any(|(k, _, _)| *k == name) {
            continue;
        }
        let Ok(report) = read_path(&path, &Options::default()) else {
            continue;
        };
        for (what, got, key) in [
            ("agency", report.source.agency_from.code(), "agency_from"),
            ("year", report.source.year_from.code(), "year_from"),
        ] {
            if got != want[key].as_str().unwrap_or_default() {
                wrong.push(format!("{name}: {what} from {got}, want {}", want[key]));
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}
