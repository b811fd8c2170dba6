//! Word documents (docx) through `read_bytes`, then `check` and the writers. Seeds: the docx files
//! of fixtures/docpdf and fixtures/published. (`zip_parts` mutates `word/document.xml` inside an
//! intact container; this target mutates the whole file, zip structure included.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nianbao_fuzz::exercise(data, "docx");
});
