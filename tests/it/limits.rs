//! Hostile or broken workbooks are refused within bounded memory, with the limit and the option
//! that raises it named: a sheet with a cell at XFD1048576, a million rows, a file over the size
//! limit, a zip bomb.

use std::io::Write;

use nianbao::read::{read_bytes, read_path, Limits, Options};
use rust_xlsxwriter::Workbook;

fn workbook(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    fill(wb.add_worksheet());
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_far_away_cell_does_not_allocate_the_whole_sheet() {
    // calamine's dense range for this 5 KB file would be 17 billion cells (half a terabyte).
    let bytes = workbook(|ws| {
        ws.write(0, 0, "填报单位").unwrap();
        ws.write(1_048_575, 16_383, 2).unwrap();
    });
    let e = read_bytes(&bytes, "远处的单元格.xlsx", &Options::default()).unwrap_err();
    assert_eq!(e.code(), "NO_TABLES", "{e}");
}

#[test]
fn a_million_rows_are_refused() {
    let bytes = workbook(|ws| {
        for r in 0..250_000u32 {
            ws.write(r, 0, r).unwrap();
        }
    });
    let e = read_bytes(&bytes, "百万行.xlsx", &Options::default()).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(e.to_string().contains("--max-cells"), "{e}");
    // The limit is the user's to raise.
    let options = Options {
        limits: Limits {
            max_cells: 300_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(
        read_bytes(&bytes, "百万行.xlsx", &options).unwrap_err().code(),
        "NO_TABLES"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("大文件.xlsx");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(&vec![0u8; 2 << 20]).unwrap();
    let options = Options {
        limits: Limits {
            max_file_bytes: 1 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = read_path(&path, &options).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(
        e.to_string().contains("2 MiB") && e.to_string().contains("--max-file-mb"),
        "{e}"
    );
}

#[test]
fn a_zip_bomb_is_refused_by_its_declared_size() {
    // An "xlsx" whose one entry inflates to 200 MB of zeros (200 KB on disk).
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/workbook.xml", opts).unwrap();
        let zeros = vec![0u8; 1_000_000];
        for _ in 0..200 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 1_000_000);
    let options = Options {
        limits: Limits {
            max_unpacked_bytes: 100_000_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = read_bytes(&bytes, "炸弹.xlsx", &options).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(e.to_string().contains("--max-unpacked-mb"), "{e}");
}
