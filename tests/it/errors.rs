//! Broken inputs get a clear Chinese error naming the file — never a panic, never a guess.

use std::path::{Path, PathBuf};

use nianbao::read::{read_path, Options};

use crate::bytes;

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
        (
            "truncated.xlsx",
            "CORRUPT",
            "文件已损坏，无法作为 zip（xlsx/ods/docx） 读取：文件不完整，结尾缺失",
        ),
        // Saved with an open password: by msoffcrypto-tool as Excel does (an encrypted package in a
        // compound file), and by LibreOffice as an xls with a FILEPASS record.
        ("encrypted.xlsx", "ENCRYPTED", "Excel 文件已加密（设置了打开密码）"),
        ("encrypted.xls", "ENCRYPTED", "Excel 文件已加密（设置了打开密码）"),
        // Kinds recognised but not read say what to save them as.
        ("word-97.doc", "UNSUPPORTED", "这是旧版 Word 文档（.doc 或 .wps）"),
        ("opendocument.odt", "UNSUPPORTED", "请另存为 Word（docx）或 PDF 再试"),
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

#[test]
fn a_damaged_sheet_is_named_and_nothing_is_guessed() {
    // The xlsx of a fixture with its second sheet's XML cut off in the middle of the table: the
    // report must not be read without it (its rows would silently be missing).
    let source =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks/2024-pingtan-zrzj.xlsx")).unwrap();
    let bytes = bytes::rezip(&source, |name, mut bytes| {
        if name == "xl/worksheets/sheet2.xml" {
            bytes.truncate(bytes.len() / 2);
        }
        bytes
    });
    let e = nianbao::read::read_bytes(&bytes, "截断.xlsx", &Options::default()).unwrap_err();
    assert_eq!(e.code(), "CORRUPT");
    assert!(
        e.to_string()
            .starts_with("“截断.xlsx”：工作表“表3 依申请”已损坏，无法读取："),
        "{e}"
    );
}

#[test]
fn an_excel_binary_workbook_says_what_to_save_it_as() {
    // An .xlsb is a zip holding xl/workbook.bin (and binary sheets) instead of XML.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["[Content_Types].xml", "xl/workbook.bin", "xl/worksheets/sheet1.bin"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, b"\x83\x01\x00").unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let e = nianbao::read::read_bytes(&bytes, "报表.xlsb", &Options::default()).unwrap_err();
    assert_eq!(e.code(), "UNSUPPORTED");
    assert!(e.to_string().contains("Excel 二进制工作簿（.xlsb）"), "{e}");
}
