//! A fault inside a reader — here calamine panicking on an xls whose MergeCells record claims more
//! ranges than it holds — is that file's error: a Chinese message naming the file, no Rust panic
//! text, and the other files of a parallel `merge` or `check` are still read and counted.

use std::path::Path;
use std::process::Command;

use nianbao::read::{read_bytes, Options};

use crate::bytes;

/// An xls that makes calamine index past the end of a record (a panic inside calamine).
fn panicking_xls() -> Vec<u8> {
    let merge_cells = (0x00E5u16, 100u16.to_le_bytes().to_vec());
    bytes::xls_records(&[(vec![(0, 0, 1.0)], vec![merge_cells])])
}

#[test]
fn a_panic_inside_calamine_is_an_error_about_the_file() {
    if let Some(dir) = std::env::var_os("NIANBAO_BOMBS") {
        std::fs::write(Path::new(&dir).join("区公安分局.xls"), panicking_xls()).unwrap();
    }
    let e = read_bytes(&panicking_xls(), "区公安分局.xls", &Options::default()).unwrap_err();
    assert_eq!(e.code(), "CORRUPT", "{e}");
    let message = e.to_string();
    assert!(
        message.starts_with("“区公安分局.xls”：文件已损坏，无法作为 xls 读取"),
        "{message}"
    );
    assert!(message.contains("calamine"), "{message}");
}

#[test]
fn merge_and_check_go_on_past_the_faulty_file() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("收到的报表");
    std::fs::create_dir(&inbox).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/district");
    for name in ["区教育局.xlsx", "区财政局.xlsx", "区卫生健康局.xlsx"] {
        std::fs::copy(fixtures.join(name), inbox.join(name)).unwrap();
    }
    std::fs::write(inbox.join("区公安分局.xls"), panicking_xls()).unwrap();
    let out = dir.path().join("汇总.xlsx");
    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["merge".as_ref(), inbox.as_os_str(), "-o".as_ref(), out.as_os_str()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("计入 3") && err.contains("无法读取 1"), "{err}");
    assert!(err.contains("区公安分局.xls”：文件已损坏"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    assert!(out.is_file());

    let run = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "check".as_ref(),
            inbox.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&run.stderr).contains("panicked"));
    let checks: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let readable: Vec<bool> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["readable"].as_bool().unwrap())
        .collect();
    assert_eq!(readable.iter().filter(|r| **r).count(), 3, "{checks}");
}

#[test]
fn a_parsers_long_message_is_cut_short() {
    let e = nianbao::Error::new(
        "报表.xlsx",
        nianbao::ErrorKind::Corrupt {
            kind: "xlsx",
            detail: "x".repeat(5000),
        },
    );
    let message = e.to_string();
    assert!(message.chars().count() < 300, "{message}");
    assert!(message.contains("读取：xxx") && message.contains("x…。"), "{message}");
}

#[test]
fn parser_messages_are_explained_by_what_they_mean() {
    let said = |detail: &str| {
        nianbao::ErrorKind::Corrupt {
            kind: "xlsx",
            detail: detail.into(),
        }
        .to_string()
    };
    // A part missing is not bad XML, though its name ends in .xml.
    assert!(said("File not found 'xl/worksheets/sheet2.xml'").contains("读取：文件中缺少必需的组成部分（技术信息："));
    assert!(said("Unexpected end of xml, expecting '</sheetData>'").contains("读取：文件不完整，结尾缺失"));
    // A quoted name is the file's, not the parser's: a sheet called “crc” explains nothing.
    assert!(said("Worksheet 'crc' not found").contains("读取：Worksheet 'crc' not found。"));
}
