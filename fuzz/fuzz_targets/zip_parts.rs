//! One XML member of an xlsx, ods or docx (first byte: which), the rest of the container intact and
//! stored, so the mutations reach calamine's and our XML readers instead of the zip checksum.
//! Seeds: made by fuzz/seed.sh from the fixtures.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((file, extension)) = nianbao_fuzz::assemble(data) {
        nianbao_fuzz::exercise(&file, extension);
    }
});
