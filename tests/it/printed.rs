//! Published pages and Word reports printed to PDF by a browser or a word processor (headless
//! Chromium at A4 and Letter, 65 % to 130 %, with and without its running head and foot; LibreOffice
//! at B5 and Letter; generator `fixtures/printed/make.py`), so that page breaks fall inside rows,
//! inside multi-line labels and inside the merged cells of 表三, with the page furniture between
//! the parts. Each `NAME.intended.json` holds every cell as published: each physical row is read
//! once wherever the page breaks, and the publisher's own faults are found.

use crate::common::{self, Aspect};

/// Files still read wrongly, in which aspects and why.
const KNOWN: &[(&str, &[Aspect], &str)] = &[];

/// Prints that lost part of a table: wider than the page, its right columns were cut off (the
/// last column shown lost a digit: `19` printed as `1`). Refused, naming the page, never read.
const CUT: &[(&str, &str)] = &[("2020-shanghai-city-a4-105-noto.pdf", "第6页的表格比页面宽")];

#[test]
fn printed_reports_read_as_published() {
    let cases: Vec<_> = common::intended_cases("printed", &["pdf"])
        .into_iter()
        .filter(|(p, _)| !CUT.iter().any(|(name, _)| p.ends_with(name)))
        .collect();
    assert!(cases.len() >= 30, "{} files", cases.len());
    let wrong = common::compare_all(&cases, KNOWN);
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_print_that_cut_a_table_off_is_refused() {
    for (name, says) in CUT {
        let e = nianbao::read::read_path(common::fixture(&format!("printed/{name}")), &Default::default()).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED", "{e}");
        assert!(e.to_string().contains(says) && e.to_string().contains("缩放"), "{e}");
    }
}
