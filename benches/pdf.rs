//! How long reading a PDF report takes, split into the PDF library's work and our own.
//!
//! Run with `cargo bench --bench pdf`. For each PDF in `fixtures/published` and `fixtures/pdf` it
//! times (a) hayro-interpret alone: parse the file and interpret every page into a device that
//! keeps nothing — what any reader built on it must pay; (b) the PDF reader, bytes to grids and
//! paragraphs; (c) nianbao's whole `read_bytes` (detect, the reader, the label matcher, values).
//! The goal is a six-page report in well under 50 ms.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::kurbo::{Affine, Rect};
use hayro_interpret::{interpret_page, Context, DummyDevice, InterpreterCache, InterpreterSettings};

mod common;
use common::median;

fn hayro_only(bytes: &[u8]) -> usize {
    let pdf = Pdf::new(bytes.to_vec()).expect("fixture opens");
    let cache = InterpreterCache::new();
    for page in pdf.pages().iter() {
        let transform = Affine::new(page.initial_transform(true).as_coeffs());
        let (w, h) = page.render_dimensions();
        let bbox = Rect::new(0.0, 0.0, w as f64, h as f64);
        let mut ctx = Context::new(transform, bbox, &cache, pdf.xref(), InterpreterSettings::default());
        interpret_page(page, &mut ctx, &mut DummyDevice);
    }
    pdf.pages().len()
}

fn main() {
    // `cargo test --all-targets` runs this binary too, without `--bench`; timing is for `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benches/pdf.rs: run with `cargo bench --bench pdf`");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<_> = ["published", "pdf"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).expect("fixtures"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    println!(
        "{:<36} {:>5} {:>11} {:>11} {:>11}",
        "pdf", "pages", "hayro", "reader", "nianbao"
    );
    for path in files {
        let bytes = std::fs::read(&path).expect("fixture reads");
        let options = nianbao::read::Options::default();
        let pages = hayro_only(&bytes);
        let hayro = median(|| {
            black_box(hayro_only(&bytes));
        });
        let reader = median(|| {
            black_box(nianbao::read::read_document(&bytes, &options.limits).ok());
        });
        let whole = median(|| {
            black_box(nianbao::read::read_bytes(&bytes, &path, &options).ok());
        });
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{name:<36} {pages:>5} {:>9.2}ms {:>9.2}ms {:>9.2}ms",
            ms(hayro),
            ms(reader),
            ms(whole)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
