//! Workbooks as district agencies really send them back, made by other software than ours
//! (openpyxl, xlsxwriter, LibreOffice; generator `fixtures/agency/make.py`): tables stacked on one
//! sheet or spread over renamed sheets, inserted rows and columns, label variants, text and
//! full-width numbers, dashes, formulas with and without saved results, other file kinds under a
//! wrong extension. Each `NAME.intended.json` says what a careful clerk reads in the file: every
//! cell's number (`null` where none can be read), the agency and year, the findings that must be
//! reported; no other error may be.

use crate::common::Aspect;

use crate::common;

/// Files whose reading is still wrong, in which aspects and why: the test fails when one of them
/// reads right (then it leaves this list) as well as when any other file goes wrong. Both are
/// refused with 表三出现了两次 naming the two places: taking one of two 表三 by its year or
/// position would be a guess about which the agency means.
const KNOWN: &[(&str, &[Aspect], &str)] = &[
    (
        "f21-t3-with-lastyear-copy-to-right.xlsx",
        &[Aspect::Read],
        "last year's 表三 beside this year's",
    ),
    (
        "f26-visible-2023-sheet-after-2024.xlsx",
        &[Aspect::Read],
        "a visible 2023 sheet after 2024's",
    ),
];

#[test]
fn agencies_workbooks_read_as_a_clerk_reads_them() {
    let cases = common::intended_cases("agency", &["xlsx", "xls", "ods"]);
    assert!(cases.len() >= 50, "{} workbooks", cases.len());
    let wrong = common::compare_all(&cases, KNOWN);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
