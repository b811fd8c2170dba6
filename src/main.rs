//! The `nianbao` command: a thin layer over the library. Each subcommand lives in `src/cli/` with
//! its help text on its argument struct; the work is done by the library.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 年报：政府信息公开工作年度报告的模板、读取、校验与汇总。
///
/// 常用：`nianbao template --year 2025 -o 模板.xlsx` 生成空白模板；
/// `nianbao check 收到的文件夹/` 检查勾稽关系；
/// `nianbao merge 收到的文件夹/ -o 汇总.xlsx --roster 名单.csv` 汇总全区。
#[derive(Parser)]
#[command(name = "nianbao", version, about, long_about = None, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成空白填报模板（可按名单为每个单位各生成一份）
    Template(cli::template::Args),
    /// 读取已填报的工作簿或已发布的报告，转换为 JSON、CSV 或规范的 XLSX
    Convert(cli::convert::Args),
    /// 校验勾稽关系和数值，指出具体的工作表和单元格
    Check(cli::check::Args),
    /// 比较同一单位的两份报告（同一年度或相邻年度）
    Compare(cli::compare::Args),
    /// 汇总各单位报表，生成全区汇总工作簿（含分单位明细、校验结果、报送情况）
    Merge(cli::merge::Args),
}

fn main() -> ExitCode {
    // The last line of defence: a fault nianbao did not catch where it happened ends the run with a
    // short Chinese note instead of a Rust backtrace (faults while reading a file are caught there
    // and reported as that file's error; the other files are still read).
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("错误：nianbao 程序内部出错，已停止（{what}，{at}）。请把该文件和所用的命令发给维护者");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = match cli.command {
        Command::Template(args) => cli::template::run(args),
        Command::Convert(args) => cli::convert::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Merge(args) => cli::merge::run(args),
        Command::Compare(args) => cli::compare::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(1)
        }
    }
}

/// A command-line mistake in Chinese, with clap's own wording after it; help and version as asked.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    let what = match e.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
        K::InvalidSubcommand => "没有这个子命令（可用：template、convert、check、compare、merge）",
        K::UnknownArgument => "无法识别的参数",
        K::MissingRequiredArgument => "缺少必需的参数",
        K::MissingSubcommand => "缺少子命令（template、convert、check、compare、merge）",
        K::InvalidValue | K::ValueValidation | K::InvalidUtf8 => "参数值无效",
        K::ArgumentConflict => "这些参数不能同时使用",
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => "参数值的个数不对",
        K::NoEquals => "参数值应以 = 连接",
        _ => "命令行参数有误",
    };
    let detail = e.render().to_string();
    let detail = detail.trim().trim_start_matches("error: ");
    let detail = detail
        .trim_end_matches("For more information, try '--help'.")
        .trim_end();
    eprintln!("错误：{what}。用 nianbao --help 或 nianbao <子命令> --help 查看用法");
    eprintln!("（{detail}）");
    ExitCode::from(2)
}
