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
        let (tx, rx) = mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let _ = tx.send(outcome(&p));
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(_)) => {}
            Ok(Err(why)) => panic!("{}: {why}", path.display()),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{}: still reading after 60 s", path.display()),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{}: panicked", path.display()),
        }
    }
}

#[test]
fn a_billion_spaces_in_a_cell_never_closed_are_refused_before_calamine_reads_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/regressions/ods-billion-spaces-unclosed-cell.ods");
    let e = nianbao::read::read_path(&path, &nianbao::read::Options::default()).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
}
