//! PDF bytes through `read_bytes` (named `….pdf`), then `check` and the writers: the interpreter,
//! the glyph and page budgets, the table finder. Seeds: fixtures/pdf, fixtures/docpdf,
//! fixtures/published (the PDFs among them); dictionary: pdf.dict (content-stream operators and
//! object syntax), so mutations reach the interpreter instead of breaking the file's structure.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nianbao_fuzz::exercise(data, "pdf");
});
