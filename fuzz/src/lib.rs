//! What every fuzz target does with an input, and the zip templates of `zip_parts`.
//!
//! The property checked is the one users rely on: whatever the bytes, reading returns either a
//! report (which `check` and the text writers then handle) or an error whose message names the file
//! in Chinese — never a panic, an abort, an out-of-memory or a hang.

use std::io::{Cursor, Read, Write};

use nianbao::read::{read_bytes, Options};

/// The name every fuzz input is read under; every error message must contain it.
pub const NAME: &str = "模糊测试输入";

/// Reads `bytes` as `nianbao convert` would, then checks and renders the report.
pub fn exercise(bytes: &[u8], extension: &str) {
    let name = format!("{NAME}.{extension}");
    match read_bytes(bytes, &name, &Options::default()) {
        Ok(report) => {
            let findings = nianbao::check::check(&report);
            let _ = nianbao::write::json::report_json(&report, &findings);
            let _ = nianbao::write::csv::long_csv(&[&report], true);
            let _ = nianbao::write::html::report_html(&report);
            let _ = nianbao::write::md::report_md(&report);
        }
        Err(e) => assert_message(&e.to_string()),
    }
}

/// An error message names the input and says what went wrong in Chinese.
pub fn assert_message(message: &str) {
    assert!(message.contains(NAME), "error does not name the file: {message}");
    assert!(
        message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "error without Chinese: {message}"
    );
}

/// A zip container and the member of it that a `zip_parts` input replaces.
pub struct Part {
    /// The container, a fixture.
    pub template: &'static [u8],
    /// The member replaced.
    pub member: &'static str,
    /// The file name ending used for the input.
    pub extension: &'static str,
}

/// The parts `zip_parts` fuzzes, chosen by the input's first byte.
pub const PARTS: &[Part] = &[
    Part {
        template: include_bytes!("../../fixtures/workbooks/xlsxwriter-styled-2022.xlsx"),
        member: "xl/worksheets/sheet1.xml",
        extension: "xlsx",
    },
    Part {
        template: include_bytes!("../../fixtures/workbooks/xlsxwriter-styled-2022.xlsx"),
        member: "xl/sharedStrings.xml",
        extension: "xlsx",
    },
    Part {
        template: include_bytes!("../../fixtures/workbooks/xlsxwriter-styled-2022.xlsx"),
        member: "xl/workbook.xml",
        extension: "xlsx",
    },
    Part {
        template: include_bytes!("../../fixtures/workbooks/xlsxwriter-styled-2022.xlsx"),
        member: "xl/styles.xml",
        extension: "xlsx",
    },
    Part {
        template: include_bytes!("../../fixtures/workbooks/xlsxwriter-styled-2022.xlsx"),
        member: "xl/_rels/workbook.xml.rels",
        extension: "xlsx",
    },
    Part {
        template: include_bytes!("../../fixtures/workbooks/2024-pingtan-zone-lo.ods"),
        member: "content.xml",
        extension: "ods",
    },
    Part {
        template: include_bytes!("../../fixtures/published/govnianbao-template-2021.docx"),
        member: "word/document.xml",
        extension: "docx",
    },
];

/// The whole file a `zip_parts` input stands for: the template chosen by the first byte with the
/// chosen member's bytes replaced by the rest of the input (stored, so no checksum hides them).
pub fn assemble(data: &[u8]) -> Option<(Vec<u8>, &'static str)> {
    let (&which, content) = data.split_first()?;
    let part = &PARTS[which as usize % PARTS.len()];
    let mut template = zip::ZipArchive::new(Cursor::new(part.template)).ok()?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..template.len() {
        let mut entry = template.by_index(i).ok()?;
        let name = entry.name().ok()?.to_string();
        let mut bytes = Vec::new();
        if name == part.member {
            bytes.extend_from_slice(content);
        } else {
            entry.read_to_end(&mut bytes).ok()?;
        }
        if entry.is_dir() {
            out.add_directory(name, stored).ok()?;
        } else {
            out.start_file(name, stored).ok()?;
            out.write_all(&bytes).ok()?;
        }
    }
    Some((out.finish().ok()?.into_inner(), part.extension))
}
