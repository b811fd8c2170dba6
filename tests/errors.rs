//! Broken inputs get a clear Chinese error naming the file — never a panic, never a guess.

use std::path::{Path, PathBuf};

use nianbao::read::{read_path, Options};

fn broken(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/broken").join(name)
}

fn error_of(name: &str) -> (String, String) {
    let e = read_path(broken(name), &Options::default()).unwrap_err();
    (e.code().to_string(), e.to_string())
}

#[test]
fn each_broken_file_has_its_error() {
    let cases = [
        ("empty.xlsx", "EMPTY", "文件是空的"),
        ("truncated.xlsx", "CORRUPT", "文件已损坏"),
        // Plain text named .xlsx is read by its content, as web-page text, and holds no report.
        ("text.xlsx", "NO_TABLES", "找不到年报的表格"),
        ("no-tables.xlsx", "NO_TABLES", "找不到年报的表格"),
        (
            "t3-twice.xlsx",
            "DUPLICATE",
            "表三（“自然人”列）出现了两次（工作表“表三” D3；工作表“表三（修改）” D3）",
        ),
    ];
    for (file, code, words) in cases {
        let (got_code, message) = error_of(file);
        assert_eq!(got_code, code, "{file}: {message}");
        assert!(
            message.starts_with(&format!("“{}”：", broken(file).display())),
            "{message}"
        );
        assert!(message.contains(words), "{file}: {message}");
    }
}

#[test]
fn a_missing_file_is_named() {
    let e = read_path("没有这个文件.xlsx", &Options::default()).unwrap_err();
    assert_eq!(e.to_string(), "“没有这个文件.xlsx”：无法读取文件：文件不存在");
}

#[test]
fn an_html_page_saved_as_xls_is_read_as_the_page_it_is() {
    // Web systems export HTML tables with an .xls name; the content decides, not the name.
    let report = read_path(broken("html-as.xls"), &Options::default()).unwrap();
    assert_eq!(report.source.kind, "html");
    assert_eq!(report.get("t2.fees.amount"), Some(18651.06));
    assert_eq!(report.get("t2.normative_docs.in_force"), Some(440.0));
}
