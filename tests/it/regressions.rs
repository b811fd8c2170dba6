//! Every input the fuzz targets found a fault with, kept in fixtures/regressions/ (see its
//! README.md): each is read, checked and rendered as `convert` would, within a time bound, and gives
//! a report or a Chinese error naming the file — never a panic, a hang or an internal error.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use nianbao::read::{read_bytes, Options};

fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// What reading one file came to: `Ok(None)` a report, `Ok(Some(code))` a proper error.
fn outcome(path: &Path) -> Result<Option<String>, String> {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    // As a roster too: the same readers behind another door.
    if let Err(k) = nianbao::roster::Roster::from_bytes(&bytes) {
        if !chinese(&k.to_string()) {
            return Err(format!("roster error not in Chinese: {k}"));
        }
    }
    match read_bytes(&bytes, &name, &Options::default()) {
        Ok(report) => {
            let findings = nianbao::check::check(&report);
            let _ = nianbao::write::json::report_json(&report, &findings);
            let _ = nianbao::write::csv::long_csv(&[&report], true);
            let _ = nianbao::write::html::report_html(&report);
            let _ = nianbao::write::md::report_md(&report);
            Ok(None)
        }
        Err(e) => {
            let message = e.to_string();
            if !message.starts_with(&format!("“{name}”：")) || !chinese(&message) {
                return Err(format!("not a proper error: {message}"));
            }
            if e.code() == "INTERNAL" {
                return Err(format!("a fault in nianbao: {message}"));
            }
            Ok(Some(e.code().to_string()))
        }
    }
}

/// `work`'s result, run on a thread of its own: or why there is none (it ran past `seconds`, or it
/// panicked).
fn within<T: Send + 'static>(seconds: u64, work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    rx.recv_timeout(Duration::from_secs(seconds)).map_err(|e| match e {
        mpsc::RecvTimeoutError::Timeout => format!("still reading after {seconds} s"),
        mpsc::RecvTimeoutError::Disconnected => "panicked".to_string(),
    })
}

#[test]
fn every_regression_input_is_read_or_refused_cleanly_and_quickly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let p = path.clone();
        match within(60, move || outcome(&p)) {
            Ok(Ok(_)) => {}
            Ok(Err(why)) | Err(why) => panic!("{}: {why}", path.display()),
        }
    }
}

#[test]
fn a_billion_spaces_in_a_cell_never_closed_are_refused_before_calamine_reads_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/regressions/ods-billion-spaces-unclosed-cell.ods");
    let e = nianbao::read::read_path(&path, &nianbao::read::Options::default()).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
}

/// A minimal ods around `content` (the body of `office:spreadsheet`), as LibreOffice lays it out.
fn ods_with(spreadsheet: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".to_string()),
        (
            "META-INF/manifest.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_string(),
        ),
        (
            "content.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{spreadsheet}</office:spreadsheet></office:body></office:document-content>"#
            ),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// calamine reads a named table until the first `</table:table>` and an annotation until
/// `</office:annotation>`, skipping whatever comes between; at the end of the file without that end
/// tag it loops for ever. Every way of leaving it there — the `zip_parts` find (an unnamed table
/// started inside a named one) and its relatives — is refused, quickly and in Chinese, and the same
/// tables with their end tags still read.
#[test]
fn a_table_or_annotation_calamine_never_leaves_is_refused_and_its_closed_forms_read() {
    const ROW: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>公开</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>"#;
    const NOTE: &str = r#"<table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>注"#;
    let hangs = [
        (
            "an unnamed table inside a named one",
            format!(r#"<table:table table:name="年报">{ROW}<table:table>{ROW}</table:table-row>"#),
        ),
        (
            "a named table inside a named one",
            format!(r#"<table:table table:name="年报">{ROW}<table:table table:name="二">{ROW}"#),
        ),
        (
            "a named table never closed",
            format!(r#"<table:table table:name="年报">{ROW}{ROW}"#),
        ),
        (
            "a misspelt end tag",
            format!(r#"<table:table table:name="年报">{ROW}</table:tabel>"#),
        ),
        (
            "an annotation never closed, the table closed inside it",
            format!(
                r#"<table:table table:name="年报">{NOTE}</text:p></table:table-cell></table:table-row></table:table>"#
            ),
        ),
        (
            "an annotation never closed, then a second table",
            format!(
                r#"<table:table table:name="年报">{NOTE}</table:table><table:table table:name="二">{ROW}</table:table>"#
            ),
        ),
        (
            "an error cell's annotation never closed",
            r#"<table:table table:name="年报"><table:table-row><table:table-cell office:string-value="" calcext:value-type="error" xmlns:calcext="x"><office:annotation></table:table-cell></table:table-row></table:table>"#.to_string(),
        ),
    ];
    for (what, body) in &hangs {
        let bytes = ods_with(body);
        let e = match within(30, move || {
            read_bytes(&bytes, "坏表.ods", &Options::default()).map(|_| ())
        }) {
            Ok(r) => r.expect_err(what),
            Err(why) => panic!("{what}: {why}"),
        };
        assert_eq!(e.code(), "CORRUPT", "{what}: {e}");
        assert!(
            e.to_string().contains("“坏表.ods”") && e.to_string().contains("没有结束标记"),
            "{what}: {e}"
        );
    }
    let closed = [
        (
            "a plain table",
            format!(r#"<table:table table:name="年报">{ROW}</table:table>"#),
        ),
        (
            "an unnamed table after a named one",
            format!(r#"<table:table table:name="年报">{ROW}</table:table><table:table>{ROW}"#),
        ),
        (
            "a closed annotation",
            format!(
                r#"<table:table table:name="年报">{NOTE}</text:p></office:annotation><text:p>公开</text:p></table:table-cell></table:table-row></table:table>"#
            ),
        ),
        (
            "a number cell holding a nested cell",
            r#"<table:table table:name="年报"><table:table-row><table:table-cell office:value-type="float" office:value="3"><table:table-cell></table:table-cell></table:table-cell></table:table-row></table:table>"#.to_string(),
        ),
    ];
    for (what, body) in &closed {
        let bytes = ods_with(body);
        match within(30, move || {
            read_bytes(&bytes, "表.ods", &Options::default()).map(|_| ())
        }) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => assert!(
                !e.to_string().contains("没有结束标记"),
                "{what}: refused a table calamine closes: {e}"
            ),
            Err(why) => panic!("{what}: {why}"),
        }
    }
}
