//! Filled reports as agencies write them in Word, and the PDFs and web pages a word processor makes
//! of them (python-docx and LibreOffice Writer; generator `fixtures/docpdf/make.py`): 表三 split into two
//! Word tables with or without its header repeated and with or without `（续表）` between, header
//! rows marked 重复标题行 printed again on the next page, 表二 as four small tables, tracked
//! changes and hidden text. Each `NAME.intended.json` says what a careful reader of the printed
//! report sees: every cell's number, the agency and year, the findings that must be reported; no
//! other error may be.

use std::path::Path;

use nianbao::read::{read_path, Options};

use crate::common;

use crate::common::Aspect;

/// Files still read wrongly, in which aspects and why. The test fails when one of them reads right
/// in an aspect listed (then it leaves this list) as well as when any file goes wrong in another
/// aspect. Empty now: the last ones (a PDF title wrapped over two lines, a title broken after the
/// year, a tracked move and hidden text in Word) read right.
const KNOWN: &[(&str, &[Aspect], &str)] = &[];

#[test]
fn word_documents_and_their_pdfs_read_as_printed() {
    let cases = common::intended_cases("docpdf", &["docx", "pdf", "html"]);
    assert!(cases.len() >= 18, "{} files", cases.len());
    let wrong = common::compare_all(&cases, KNOWN);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The split and repeated-header files, which were refused (表三出现了两次) or lost the second part
/// of 表三, read 表三 whole: the very cells of its continued part.
#[test]
fn continued_tables_read_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docpdf");
    for name in [
        "w02_t3_split_repeat_header.docx",
        "w03_t3_split_no_header.docx",
        "w26_t3_split_plain.docx",
        "html_w02_t3_split_repeat_header.html",
        "html_w03_t3_split_no_header.html",
        "p02_split_repeat_header.pdf",
        "p03_split_no_header.pdf",
        "p11_break_repeat_header.pdf",
    ] {
        let report = read_path(dir.join(name), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.get("t3.unable_not_held.natural"), Some(2.0), "{name}");
        assert_eq!(report.get("t3.carry_forward.total"), Some(1.0), "{name}");
        assert_eq!(report.get("t3.new.total"), Some(13.0), "{name}");
    }
}

#[test]
fn a_menu_line_above_the_title_is_not_part_of_the_agency() {
    // Saved pages carry the site's breadcrumb and menu above the title; Word documents a document
    // number. None of it belongs to the agency's name.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docpdf/html_w03_t3_split_no_header.html");
    let page = std::fs::read_to_string(path).unwrap();
    let at = page.find("<body").unwrap();
    let at = page[at..].find('>').unwrap() + at + 1;
    for above in [
        "<p>政务公开</p>",
        "<p>首页 > 政务公开 > 年度报告</p>",
        "<p>鼓卫〔2025〕5号</p>",
    ] {
        let edited = format!("{}{above}{}", &page[..at], &page[at..]);
        let report = nianbao::read::read_bytes(edited.as_bytes(), "年报.html", &Options::default()).unwrap();
        assert_eq!(
            (report.agency.as_str(), report.year),
            ("福州市鼓楼区卫生健康局", Some(2024)),
            "{above}"
        );
    }
}
