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
    /// 为每个有错误或警告的单位另存一份可发回的校验结果（“单位-年度-校验结果.xlsx”），以及退回清单.xlsx，放在这个文件夹中
    #[arg(long, value_name = "文件夹")]
    report_dir: Option<PathBuf>,
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
    if let Some(dir) = &args.report_dir {
        if dir.exists() && !dir.is_dir() {
            return Err(nianbao::Error::new(
                dir,
                nianbao::ErrorKind::Write("--report-dir 应是一个文件夹（不存在时会新建），这里是一个文件".into()),
            ));
        }
    }
    let keep = args.report.is_some() || args.report_dir.is_some();
    let (checks, reports): (Vec<FileCheck>, Vec<Option<Report>>) = check_files(&inputs, &options, &previous, &|c| {
        let check = FileCheck::of_checked(&c);
        (check, c.outcome.ok().filter(|_| keep).map(|(r, _)| r))
    })
    .into_iter()
    .unzip();
    let reports_kept = reports;
    if let Some(path) = &args.report {
        let items: Vec<(FileCheck, Option<Report>)> =
            checks.iter().cloned().zip(reports_kept.iter().cloned()).collect();
        let bytes = findings_workbook(&items).map_err(|k| nianbao::Error::new(path, k))?;
        nianbao::write::save(path, &bytes, &protected)?;
    }
    if let Some(dir) = &args.report_dir {
        send_back(dir, &checks, &reports_kept, &protected)?;
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

/// `--report-dir`: a workbook per return to send back and the 退回清单, each saved atomically;
/// what was written is said on standard error.
fn send_back(
    dir: &std::path::Path,
    checks: &[FileCheck],
    reports: &[Option<Report>],
    protected: &[PathBuf],
) -> nianbao::Result<()> {
    use nianbao::write::returns::{list_workbook, return_workbook, to_send_back, LIST_NAME};
    let list = to_send_back(checks);
    for r in &list {
        let path = dir.join(&r.name);
        let bytes =
            return_workbook(&checks[r.index], reports[r.index].as_ref()).map_err(|k| nianbao::Error::new(&path, k))?;
        nianbao::write::save(&path, &bytes, protected)?;
    }
    let path = dir.join(LIST_NAME);
    let bytes = list_workbook(&list).map_err(|k| nianbao::Error::new(&path, k))?;
    nianbao::write::save(&path, &bytes, protected)?;
    let shown = nianbao::platform::display_path(dir);
    if list.is_empty() {
        eprintln!("没有需要退回的文件（{shown} 中只写了空的{LIST_NAME}）");
    } else {
        eprintln!("已写入 {} 份退回的校验结果和{LIST_NAME}：{shown}", list.len());
    }
    Ok(())
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
