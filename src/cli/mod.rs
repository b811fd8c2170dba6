//! One module per subcommand; each holds its arguments (whose doc comments are the help) and a
//! short `run` that calls the library.

pub mod check;
pub mod compare;
pub mod convert;
pub mod merge;
pub mod serve;
pub mod template;

use std::io::Write;
use std::path::{Path, PathBuf};

use nianbao::read::Limits;
use nianbao::write::save;

/// Size limits, shared by every command that reads inputs.
#[derive(clap::Args, Clone, Copy)]
pub struct LimitArgs {
    /// 单个输入文件的大小上限（MiB，1 MiB = 1048576 字节）
    #[arg(long, default_value_t = 100, value_name = "MIB")]
    max_file_mb: u64,
    /// xlsx/ods/docx 解压后的大小上限（MiB），防止“压缩炸弹”
    #[arg(long, default_value_t = 500, value_name = "MIB")]
    max_unpacked_mb: u64,
    /// 每个工作表的非空单元格数上限（网页标签数、文本行数、Word 单元格和段落数同此；xls/ods 读入内存按每格 1 KB 计）
    #[arg(long, default_value_t = 200_000, value_name = "N")]
    max_cells: usize,
    /// 每个 PDF 的页数上限
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    max_pdf_pages: usize,
    /// PDF 每页的字符数上限
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    max_page_glyphs: usize,
    /// 每个 PDF 全部页面的字符数上限
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    max_glyphs: usize,
    /// 网页文本每行的单元格数上限（按制表符和“|”分隔计）
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    max_line_cells: usize,
    /// 每个网页文本文件的单元格总数上限
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    max_text_cells: usize,
}

impl LimitArgs {
    /// The limits as the library takes them.
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: nianbao::size::mib(self.max_file_mb),
            max_unpacked_bytes: nianbao::size::mib(self.max_unpacked_mb),
            max_cells: self.max_cells,
            max_pages: self.max_pdf_pages,
            max_page_glyphs: self.max_page_glyphs,
            max_glyphs: self.max_glyphs,
            max_line_cells: self.max_line_cells,
            max_text_cells: self.max_text_cells,
        }
    }
}

/// The parser of a report year on the command line: one of [`nianbao::format::YEARS`].
pub fn year_parser() -> clap::builder::RangedI64ValueParser<i32> {
    let years = nianbao::format::YEARS;
    clap::value_parser!(i32).range(i64::from(*years.start())..=i64::from(*years.end()))
}

/// Writes `bytes` to `out` (`-` or none: standard output), never over one of `inputs`.
pub fn emit(out: Option<&Path>, bytes: &[u8], inputs: &[PathBuf]) -> nianbao::Result<()> {
    match out {
        None => write_stdout(bytes),
        Some(p) if p.as_os_str() == "-" => write_stdout(bytes),
        Some(p) => save(p, bytes, inputs),
    }
}

/// The present time in Beijing (UTC+8), `2025-01-20 14:03`, for notes on outputs.
pub fn now_text() -> String {
    let (year, month, day, hour, minute, _) = nianbao::date::beijing_now();
    format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02}（北京时间）")
}

fn write_stdout(bytes: &[u8]) -> nianbao::Result<()> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`nianbao … | head`) is not an error worth reporting.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    Ok(())
}

/// The files and folders named on the command line, as `cmd.exe` should have handed them over
/// ([`nianbao::platform::argument_path`]).
pub fn arguments(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|p| match p.to_str() {
            Some(text) => PathBuf::from(nianbao::platform::argument_path(text, cfg!(windows))),
            None => p.clone(),
        })
        .collect()
}

/// The input files the arguments name (folders walked) and the files passed over in them; no
/// input at all is an error naming the folders and what was looked for, the same for every
/// command (`check` of an empty folder must not say 检查 0 份 and succeed while `merge` fails).
pub fn inputs(paths: &[PathBuf]) -> nianbao::Result<(Vec<PathBuf>, Vec<nianbao::read::PassedOver>)> {
    let paths = arguments(paths);
    let (inputs, passed) = nianbao::read::collect_noting(&paths)?;
    if inputs.is_empty() {
        let named: Vec<String> = paths.iter().map(|p| nianbao::platform::display_path(p)).collect();
        passed_over(&passed);
        return Err(nianbao::Error::new(
            named.join("、"),
            nianbao::ErrorKind::NoInputs(nianbao::read::kinds_text()),
        ));
    }
    Ok((inputs, passed))
}

/// An output file's name must end in what is written (`-`, standard output, passes).
pub fn output_extension(path: &Path, extensions: &[&'static str], what: &'static str) -> nianbao::Result<()> {
    nianbao::platform::expect_extension(path, extensions, what)
}

/// What an Excel output is called in messages.
pub const WORKBOOK: &str = "Excel 工作簿";

/// Says which files found in the folders were not taken, and why (grouped by reason): a return
/// zipped up, or saved in a kind nianbao does not read, must not vanish unseen.
pub fn passed_over(passed: &[(std::path::PathBuf, String)]) {
    let mut reasons: Vec<(&str, Vec<String>)> = Vec::new();
    for (path, why) in passed {
        let name = nianbao::platform::display_path(path);
        match reasons.iter_mut().find(|(w, _)| w == why) {
            Some((_, names)) => names.push(name),
            None => reasons.push((why, vec![name])),
        }
    }
    for (why, names) in reasons {
        eprintln!("跳过 {} 个文件（{why}）：{}", names.len(), names.join("、"));
    }
}
