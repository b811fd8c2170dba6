//! Tiny files that ask for huge memory are refused quickly and within bounded memory, naming the
//! file, the estimate and the option that raises the limit: xls sheets with cells or a declared
//! size at the far corner, ods rows and cells repeated a million times or a space repeated a
//! billion times, an xlsx shared-string table declaring billions of strings, merged ranges and
//! scattered columns that would make the grid huge. Without the guards in `src/read/guard.rs` each
//! of these aborts the process (an allocation of tens of gigabytes) or takes gigabytes and minutes.

use std::io::{Cursor, Write};
use std::path::Path;

use nianbao::read::{read_bytes, Limits, Options};

use crate::bytes;
use bytes::xls;

/// A zip of the given members (deflated).
fn zip(members: &[(&str, String)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in members {
        out.start_file(*name, opts).unwrap();
        out.write_all(content.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An ods workbook whose one table has the given rows (XML of `table:table-row` elements).
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="表三">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    out.start_file("content.xml", deflated).unwrap();
    out.write_all(content.as_bytes()).unwrap();
    out.start_file("META-INF/manifest.xml", deflated).unwrap();
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    out.finish().unwrap().into_inner()
}

/// A minimal xlsx: one sheet with the given `sheetData` rows and extra sheet XML after it, and the
/// given shared-string table.
fn xlsx(rows: &str, after: &str, shared: Option<String>) -> Vec<u8> {
    let mut members = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表三" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>{after}</worksheet>"#
            ),
        ),
    ];
    members.push((
        "xl/sharedStrings.xml",
        shared.unwrap_or_else(|| {
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>填报单位</t></si></sst>"#.to_string()
        }),
    ));
    zip(&members)
}

/// Reads `bytes` as `name` with the default limits; the error code and message.
fn refused(bytes: &[u8], name: &str) -> (String, String) {
    let started = std::time::Instant::now();
    let e = read_bytes(bytes, name, &Options::default()).unwrap_err();
    assert!(started.elapsed().as_secs() < 30, "{name} took {:?}", started.elapsed());
    (e.code().to_string(), e.to_string())
}

/// The peak memory of this test process stays far below what the bombs ask for.
fn assert_memory_bounded() {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let peak_kb: u64 = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap();
        assert!(peak_kb < 1_500_000, "peak memory {peak_kb} kB");
    }
}

fn assert_too_large(bytes: &[u8], name: &str) {
    // NIANBAO_BOMBS=<folder> keeps each bomb there, to measure the command on it by hand
    // (`/usr/bin/time -v nianbao convert <folder>/远角.xls`).
    if let Some(dir) = std::env::var_os("NIANBAO_BOMBS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
    let (code, message) = refused(bytes, name);
    assert_eq!(code, "TOO_LARGE", "{message}");
    assert!(message.starts_with(&format!("“{name}”：")), "{message}");
    assert!(message.contains("--max-cells"), "{message}");
    assert_memory_bounded();
}

#[test]
fn a_small_xls_is_read_as_before() {
    // The writer above makes files calamine reads: two numbers, no report.
    let bytes = xls(&[(vec![(0, 0, 1.0), (5, 3, 2.0)], None)]);
    let (code, message) = refused(&bytes, "小表.xls");
    assert_eq!(code, "NO_TABLES", "{message}");
}

#[test]
fn an_xls_cell_at_the_far_corner_is_refused() {
    // 16.7 million cells of a dense range: 537 MB for a file of a few hundred bytes.
    let bytes = xls(&[(vec![(0, 0, 1.0), (65535, 255, 2.0)], None)]);
    assert!(bytes.len() < 10_000);
    assert_too_large(&bytes, "远角.xls");
}

#[test]
fn an_xls_cell_past_the_last_column_is_refused() {
    // Column 65535 does not exist in BIFF8, but calamine takes it: 4 billion cells, 137 GB.
    let bytes = xls(&[(vec![(0, 0, 1.0), (65535, 65535, 2.0)], None)]);
    assert_too_large(&bytes, "越界列.xls");
}

#[test]
fn an_xls_declaring_a_huge_sheet_is_refused() {
    // DIMENSIONS: rows 0 to 2^32 - 1, columns 0 to 255; calamine reserves rows × cols cells up front.
    let mut d = Vec::new();
    d.extend(0u32.to_le_bytes());
    d.extend(u32::MAX.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(256u16.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    let bytes = xls(&[(vec![(0, 0, 1.0)], Some(d))]);
    assert_too_large(&bytes, "声明巨大.xls");
}

#[test]
fn many_xls_sheets_add_up() {
    // Each sheet alone fits the budget; together they do not.
    let sheet = (vec![(0, 0, 1.0), (4095, 255, 2.0)], None);
    let bytes = xls(&vec![sheet; 12]);
    assert_too_large(&bytes, "多表.xls");
}

#[test]
fn an_ods_cell_repeated_over_the_whole_sheet_is_refused() {
    let bytes = ods(
        r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
    );
    assert!(bytes.len() < 5_000);
    assert_too_large(&bytes, "重复.ods");
}

#[test]
fn an_ods_with_cells_at_two_far_corners_is_refused() {
    // 10,000 × 10,000 is within calamine's own cell limit (100 million), and takes 5.6 GB.
    let bytes = ods(
        r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="9998"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="9998"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#,
    );
    assert_too_large(&bytes, "两角.ods");
}

#[test]
fn an_ods_space_repeated_a_billion_times_is_refused() {
    // A gigabyte of spaces in one cell, the cell repeated 16 times.
    let bytes = ods(
        r#"<table:table-row><table:table-cell table:number-columns-repeated="16" office:value-type="string"><text:p>填<text:s text:c="1000000000"/>报</text:p></table:table-cell></table:table-row>"#,
    );
    assert_too_large(&bytes, "空格.ods");
}

#[test]
fn an_ods_row_of_long_text_repeated_is_refused() {
    let text = "年".repeat(10_000);
    let bytes = ods(&format!(
        r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
    ));
    assert_too_large(&bytes, "长文本.ods");
}

#[test]
fn an_xlsx_declaring_billions_of_shared_strings_is_refused() {
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>填报单位</t></si></sst>"#;
    let bytes = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        "",
        Some(shared.to_string()),
    );
    assert_too_large(&bytes, "共享字符串.xlsx");
}

#[test]
fn the_minimal_xlsx_is_read() {
    let bytes = xlsx(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "", None);
    let (code, message) = refused(&bytes, "最小.xlsx");
    assert_eq!(code, "NO_TABLES", "{message}");
}

#[test]
fn thousands_of_large_merged_ranges_stay_bounded() {
    // 5,000 ranges of 999 × 199 cells would be a billion covered cells.
    let mut merges = String::new();
    for i in 0..5000u32 {
        let row = (i / 80) * 1000 + 1;
        let col = (i % 80) * 200;
        let a = |r: u32, c: u32| {
            let mut name = String::new();
            let mut n = c + 1;
            while n > 0 {
                name.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
                n = (n - 1) / 26;
            }
            format!("{name}{r}")
        };
        merges.push_str(&format!(
            r#"<mergeCell ref="{}:{}"/>"#,
            a(row, col),
            a(row + 998, col + 198)
        ));
    }
    let bytes = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        &format!(r#"<mergeCells count="5000">{merges}</mergeCells>"#),
        None,
    );
    let (code, message) = refused(&bytes, "合并.xlsx");
    assert_eq!(code, "NO_TABLES", "{message}");
    assert_memory_bounded();
}

#[test]
fn rows_with_a_far_column_stay_bounded() {
    // 50,000 rows with a cell in A and in XFD: filling the blanks between would be 800 million cells.
    let mut rows = String::new();
    for r in 1..=50_000 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="XFD{r}"><v>2</v></c></row>"#
        ));
    }
    let bytes = xlsx(&rows, "", None);
    let (code, message) = refused(&bytes, "远列.xlsx");
    assert_eq!(code, "NO_TABLES", "{message}");
    assert_memory_bounded();
}

#[test]
fn the_budget_is_the_users_to_raise() {
    // 8 million cells (268 MB) are refused by default and read with --max-cells 400000 (400 MB).
    let bytes = xls(&[(vec![(0, 0, 1.0), (32767, 255, 2.0)], None)]);
    assert_eq!(refused(&bytes, "大表.xls").0, "TOO_LARGE");
    let options = Options {
        limits: Limits {
            max_cells: 400_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = read_bytes(&bytes, "大表.xls", &options).unwrap_err();
    assert_eq!(e.code(), "NO_TABLES", "{e}");
}

#[test]
fn a_web_page_of_millions_of_cells_is_refused() {
    // 25 MB of `<td>` would take 2 GB of parsed page.
    let page = format!("<html><body><table><tr>{}</table>", "<td>1".repeat(300_000));
    assert_too_large(page.as_bytes(), "单元格.html");
}

#[test]
fn a_web_page_nested_thousands_deep_is_refused_at_once() {
    // 190,000 nested `<div>`s keep the HTML parser busy for minutes (each looks through all the
    // open elements); browsers stop nesting at 512.
    let page = format!("<html><body>{}x", "<div>".repeat(190_000));
    let (code, message) = refused(page.as_bytes(), "嵌套.html");
    assert_eq!(code, "CORRUPT", "{message}");
    assert!(message.contains("嵌套超过 4096 层"), "{message}");
}

#[test]
fn web_page_text_of_millions_of_lines_is_refused() {
    let text = "\t规章\n".repeat(300_000);
    assert_too_large(text.as_bytes(), "文本.txt");
}

#[test]
fn a_word_document_of_millions_of_cells_is_refused() {
    let cells = "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>".repeat(150_000);
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr>{cells}</w:tr></w:tbl></w:body></w:document>"#
    );
    let bytes = zip(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
                .to_string(),
        ),
        ("word/document.xml", xml),
    ]);
    assert_too_large(&bytes, "单元格.docx");
}
