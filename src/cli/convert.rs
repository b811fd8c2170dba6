//! `nianbao convert`: read reports into the model and write them out normalized.
//!
//! Reads a filled template, any workbook an agency sent back, or a published report, and writes the
//! report as JSON (the data contract, with findings), the long CSV, the official workbook, the whole
//! report as a web page, Markdown or a Word document, or — with `--out-dir` — one output per input. An input that cannot be read is reported with its error; the others are still written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use nianbao::check::check;
use nianbao::format::Format;
use nianbao::read::{read_path, Options};
use nianbao::write::{
    csv::long_csv, docx::report_docx, html::report_html, json::report_json, md::report_md, save, xlsx::filled,
};

/// 读取报告并转换格式。
///
/// 输入可以是本工具的模板、各单位报回的工作簿（xlsx、xls、ods），或已发布的年报。
/// 单个文件默认输出到屏幕（标准输出）；多个文件请用 --out-dir 指定输出文件夹。
/// 输出 xlsx 或 docx 时须用 -o 或 --out-dir 指定保存位置。
#[derive(clap::Args)]
pub struct Args {
    /// 输入文件或文件夹
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "json")]
    to: To,
    /// 输出文件（`-` 为标准输出）
    #[arg(short, long, conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// 输出文件夹：每个输入一个输出文件，文件名同输入
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// 指定单位名称（覆盖文件中读到的）
    #[arg(long)]
    agency: Option<String>,
    /// 指定报告年度（覆盖文件中读到的）
    #[arg(long, value_parser = super::year_parser())]
    year: Option<i32>,
    /// 指定表格格式 2019 或 2021（默认按表格标签判断）
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// CSV 不写 BOM（默认写，便于 Excel/WPS 正确识别 UTF-8）
    #[arg(long)]
    no_bom: bool,
    #[command(flatten)]
    limits: super::LimitArgs,
}

/// Output formats of `convert`.
#[derive(Clone, Copy, ValueEnum)]
enum To {
    /// 报告 JSON（含校验结果）
    Json,
    /// 长表 CSV（每个单元格一行）
    Csv,
    /// 官方表格样式的 XLSX（封面、表二至表四，有问题的单元格标红并附说明；需 -o 或 --out-dir）
    Xlsx,
    /// 完整报告网页（标题、六部分正文、三张表格），可直接发布或打印
    Html,
    /// 完整报告 Markdown
    Md,
    /// 完整报告 Word 文档（公文格式：标题、六部分正文或待撰写提示、三张官方表格；需 -o 或 --out-dir）
    Docx,
}

impl To {
    /// The extensions an output of this kind may have (the first is the one written with
    /// `--out-dir`), and what it is called in messages.
    fn extensions(self) -> (&'static [&'static str], &'static str) {
        match self {
            To::Json => (&["json"], "JSON"),
            To::Csv => (&["csv"], "CSV"),
            To::Xlsx => (&["xlsx"], super::WORKBOOK),
            To::Html => (&["html", "htm"], "网页"),
            To::Md => (&["md", "markdown"], "Markdown"),
            To::Docx => (&["docx"], "Word 文档"),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            To::Json => "json",
            To::Csv => "csv",
            To::Xlsx => "xlsx",
            To::Html => "html",
            To::Md => "md",
            To::Docx => "docx",
        }
    }
}

/// Parses `--format`.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_code(s).ok_or_else(|| format!("格式应为 2019 或 2021，而不是“{s}”"))
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let (inputs, passed) = super::inputs(&args.files)?;
    super::passed_over(&passed);
    if let Some(out) = args.output.as_ref().filter(|o| o.as_os_str() != "-") {
        nianbao::write::refuse_inputs(out, &inputs)?;
        let (extensions, what) = args.to.extensions();
        super::output_extension(out, extensions, what)?;
    }
    if inputs.len() > 1 && args.out_dir.is_none() {
        eprintln!("错误：一次转换多个文件时，请用 --out-dir 指定输出文件夹");
        return Ok(ExitCode::from(2));
    }
    let to_stdout = args.output.as_ref().is_none_or(|o| o.as_os_str() == "-");
    if matches!(args.to, To::Xlsx | To::Docx) && args.out_dir.is_none() && to_stdout {
        eprintln!(
            "错误：输出 {} 时请用 -o 指定输出文件，或用 --out-dir 指定输出文件夹",
            args.to.extension()
        );
        return Ok(ExitCode::from(2));
    }
    let options = Options {
        agency: args.agency.clone(),
        year: args.year,
        format: args.format,
        limits: args.limits.limits(),
    };
    let mut failed = false;
    let mut written: Vec<String> = Vec::new();
    for input in &inputs {
        let report = match read_path(input, &options) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("错误：{e}");
                failed = true;
                continue;
            }
        };
        let bytes = match args.to {
            To::Json => report_json(&report, &check(&report)).into_bytes(),
            To::Csv => long_csv(&[&report], !args.no_bom),
            To::Xlsx => {
                let note = format!(
                    "来源文件：{}　读取时间：{}",
                    nianbao::platform::display_path(input),
                    super::now_text()
                );
                match filled(&report, &check(&report), &note) {
                    Ok(b) => b,
                    Err(kind) => {
                        eprintln!("错误：{}", nianbao::Error::new(input, kind));
                        failed = true;
                        continue;
                    }
                }
            }
            To::Html => report_html(&report).into_bytes(),
            To::Md => report_md(&report).into_bytes(),
            To::Docx => match report_docx(&report) {
                Ok(b) => b,
                Err(kind) => {
                    eprintln!("错误：{}", nianbao::Error::new(input, kind));
                    failed = true;
                    continue;
                }
            },
        };
        let result = match &args.out_dir {
            Some(dir) => {
                // Two inputs of one name (in different folders, or .xlsx and .ods) get two outputs.
                let stem = input.file_stem().unwrap_or_default().to_string_lossy();
                let name = (1..)
                    .map(|i| match i {
                        1 => format!("{stem}.{}", args.to.extension()),
                        i => format!("{stem}（{i}）.{}", args.to.extension()),
                    })
                    .find(|n| !written.contains(&n.to_lowercase()))
                    .unwrap_or_default();
                written.push(name.to_lowercase());
                save(&dir.join(name), &bytes, &inputs)
            }
            None => super::emit(args.output.as_deref(), &bytes, &inputs),
        };
        if let Err(e) = result {
            eprintln!("错误：{e}");
            failed = true;
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
