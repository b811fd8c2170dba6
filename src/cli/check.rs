//! `nianbao check`: validate the arithmetic (勾稽关系) and the values of many returns at once.
//!
//! Every finding names the rule, the sheet and cell in the agency's own file, and says in Chinese what
//! is wrong with the numbers. A file that cannot be read is reported and the others are still checked.
//! Exit status: 0 no errors (warnings allowed), 1 an error or an unreadable file, 2 wrong usage.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use nianbao::batch::{check_files, Previous};
use nianbao::check::{summary, FileCheck};
use nianbao::model::{Report, Severity};
use nianbao::read::{collect, Options};
use nianbao::write::xlsx::findings_workbook;

/// 校验勾稽关系和数值。
///
/// 可一次检查多个文件或整个文件夹；无法读取的文件会单独列出，其余文件照常检查。
/// 退出码：0 无错误（可有警告），1 有错误或有文件无法读取，2 用法错误。
#[derive(clap::Args)]
pub struct Args {
    /// 要检查的文件或文件夹
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Output,
    /// 上一年度的报告（文件或文件夹），按单位名称对应，核对“上年结转”
    #[arg(long, num_args = 1..)]
    previous: Vec<PathBuf>,
    /// 另存校验结果工作簿（问题清单，以及每个单位一张表、有问题的单元格标红并附说明），可发回各单位
    #[arg(long, value_name = "XLSX")]
    report: Option<PathBuf>,
    #[command(flatten)]
    limits: super::LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    /// 便于阅读的文字
    Text,
    /// JSON（每个文件一个对象）
    Json,
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let (inputs, passed) = super::inputs(&args.files)?;
    super::passed_over(&passed);
    let previous_paths = super::arguments(&args.previous);
    // The findings workbook never replaces a file read, this year's or last year's.
    let protected: Vec<PathBuf> = inputs.iter().cloned().chain(collect(&previous_paths)?).collect();
    if let Some(path) = &args.report {
        nianbao::write::refuse_inputs(path, &protected)?;
        super::output_extension(path, &["xlsx"], super::WORKBOOK)?;
    }
    let options = Options {
        limits: args.limits.limits(),
        ..Options::default()
    };
    let previous = Previous::read(&previous_paths, &options)?;
    for e in &previous.unreadable {
        eprintln!("警告：{e}（上一年度的报告，未用于核对上年结转）");
    }
    let keep = args.report.is_some();
    let (checks, reports): (Vec<FileCheck>, Vec<Option<Report>>) = check_files(&inputs, &options, &previous, &|c| {
        let check = FileCheck::of_checked(&c);
        (check, c.outcome.ok().filter(|_| keep).map(|(r, _)| r))
    })
    .into_iter()
    .unzip();
    if let Some(path) = &args.report {
        let items: Vec<(FileCheck, Option<Report>)> = checks.iter().cloned().zip(reports).collect();
        let bytes = findings_workbook(&items).map_err(|k| nianbao::Error::new(path, k))?;
        nianbao::write::save(path, &bytes, &protected)?;
    }
    let text = match args.format {
        Output::Json => serde_json::to_string_pretty(&checks).unwrap_or_default() + "\n",
        Output::Text => text(
            &checks,
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ),
    };
    super::emit(None, text.as_bytes(), &[])?;
    Ok(if checks.iter().any(FileCheck::failed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Findings grouped by file, errors first, then the summary line.
fn text(checks: &[FileCheck], colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for c in checks {
        if !c.readable {
            out.push_str(&format!(
                "{} {}\n",
                paint("1;31", "无法读取"),
                c.error.as_deref().unwrap_or_default()
            ));
            continue;
        }
        out.push_str(&format!(
            "{}  {} {}（{} 格式）\n",
            paint("1", &c.file),
            c.agency.as_deref().unwrap_or_default(),
            c.year.map_or_else(|| "年度未知".to_string(), |y| format!("{y} 年")),
            c.format.map(|f| f.code()).unwrap_or_default()
        ));
        if c.findings.is_empty() {
            out.push_str("  未发现问题\n");
        }
        for f in &c.findings {
            let tag = match f.severity {
                Severity::Error => paint("31", "[错误]"),
                Severity::Warning => paint("33", "[警告]"),
                Severity::Info => paint("36", "[提示]"),
            };
            out.push_str(&format!("  {tag} {} {}\n", f.rule, f.message));
        }
    }
    out.push_str(&summary(checks));
    out.push('\n');
    out
}
