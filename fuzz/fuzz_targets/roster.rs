//! The roster parser (`Roster::from_bytes`): CSV in UTF-8 or GBK, or a workbook.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = nianbao::roster::Roster::from_bytes(data);
});
