//! Workbook bytes (xlsx, xls, ods and anything else) through `read_bytes`, then `check`.
//! Seeds: fixtures/workbooks, fixtures/broken, fixtures/regressions.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nianbao_fuzz::exercise(data, "xlsx");
});
