//! The `nianbao` command: a thin layer over the library. Each subcommand lives in `src/cli/` with
//! its help text on its argument struct; the work is done by the library.

mod cli;

/// mimalloc instead of the system allocator: merging thousands of workbooks on several threads
/// fragments glibc's per-thread arenas, so peak memory crept up with the number of inputs; with
/// mimalloc it stays flat (see benches/merge.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 年报：政府信息公开工作年度报告的模板、读取、校验与汇总。
///
/// 常用：`nianbao template --year 2025 -o 模板.xlsx` 生成空白模板；
/// `nianbao check 收到的文件夹/` 检查勾稽关系；
/// `nianbao merge 收到的文件夹/ -o 汇总.xlsx --roster 名单.csv` 汇总全区；
/// 不带参数运行 `nianbao`（或双击 nianbao.exe）在浏览器中完成以上全部工作。
#[derive(Parser)]
#[command(name = "nianbao", version, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Template(cli::template::Args),
    Convert(cli::convert::Args),
    Check(cli::check::Args),
    Compare(cli::compare::Args),
    Merge(cli::merge::Args),
    Serve(cli::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let double_click = cli.command.is_none();
    let result = match cli.command {
        None => cli::serve::run(cli::serve::Args::default()),
        Some(Command::Template(args)) => cli::template::run(args),
        Some(Command::Convert(args)) => cli::convert::run(args),
        Some(Command::Check(args)) => cli::check::run(args),
        Some(Command::Merge(args)) => cli::merge::run(args),
        Some(Command::Serve(args)) => cli::serve::run(args),
        Some(Command::Compare(args)) => cli::compare::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            // Started by a double-click, the window would close before the message is read.
            if double_click && std::io::stdin().is_terminal() {
                eprintln!("按回车键关闭此窗口。");
                let _ = std::io::stdin().read_line(&mut String::new());
            }
            ExitCode::from(1)
        }
    }
}
