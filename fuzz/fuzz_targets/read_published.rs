//! Published reports (web-page text, HTML, docx) through `read_bytes`, then `check` and the writers.
//! Seeds: fixtures/published.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nianbao_fuzz::exercise(data, "html");
});
