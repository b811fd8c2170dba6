//! How long reading a workbook takes, split into calamine's parse and our own code on top of it.
//!
//! Run with `cargo bench --bench read`. For each workbook fixture it times (a) calamine alone:
//! open, every sheet's range and merged cells — what any reader must pay — and (b) nianbao's whole
//! `read_bytes` (detect, the same calamine work, the grid, the label matcher, value parsing).
//! The difference is our own code; the goal is well under a millisecond per workbook.

use std::hint::black_box;
use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use calamine::{open_workbook_auto_from_rs, Reader, Sheets};

mod common;
use common::median;

fn calamine_only(bytes: &[u8]) {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("fixture opens");
    for name in wb.sheet_names() {
        black_box(wb.worksheet_range(&name).ok());
        match &mut wb {
            Sheets::Xlsx(x) => black_box(x.merge_cells_by_sheet_name(&name).ok()),
            Sheets::Xls(x) => black_box(x.merge_cells_by_sheet_name(&name).ok()),
            _ => None,
        };
    }
}

fn main() {
    // `cargo test --all-targets` runs this binary too, without `--bench`; timing is for `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benches/read.rs: run with `cargo bench --bench read`");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/workbooks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods"))
        .collect();
    files.sort();
    println!(
        "{:<44} {:>12} {:>12} {:>12}",
        "workbook", "calamine", "nianbao", "our code"
    );
    let mut ours = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).expect("fixture reads");
        let options = nianbao::read::Options::default();
        let parse = median(|| calamine_only(&bytes));
        let whole = median(|| {
            black_box(nianbao::read::read_bytes(&bytes, &path, &options).ok());
        });
        let own = whole.saturating_sub(parse);
        ours.push(own);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{name:<44} {:>10.3}ms {:>10.3}ms {:>10.3}ms",
            ms(parse),
            ms(whole),
            ms(own)
        );
    }
    ours.sort();
    if let (Some(mid), Some(max)) = (ours.get(ours.len() / 2), ours.last()) {
        println!(
            "our own code per workbook: median {:.3} ms, max {:.3} ms",
            ms(*mid),
            ms(*max)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
