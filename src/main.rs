//! The `nianbao` command: a thin layer over the library. Each subcommand lives in `src/cli/` with
//! its help text on its argument struct; the work is done by the library.

mod cli;

/// mimalloc instead of the system allocator: merging thousands of workbooks on several threads
/// fragments glibc's per-thread arenas, so peak memory crept up with the number of inputs; with
/// mimalloc it stays flat (see benches/merge.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// From here on, memory freed goes back to the system at once rather than after mimalloc's
/// purge delay (10 ms, 100 ms for arenas). Called once a merge has read its returns: the summary
/// is written by two threads whose freed pages would otherwise pile up until the end (at 10,000
/// returns, 3–4 MB of the peak); while reading, the delay saves time (reading with no delay
/// took 5 % longer).
pub(crate) fn return_freed_memory_at_once() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3 alike); the Rust
    /// bindings name no constant for it.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's option values; no thread is allocating at this point.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command as ClapCommand, CommandFactory, FromArgMatches, Parser, Subcommand};

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
    let cli = match chinese(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let double_click = cli.command.is_none();
    // Stopped by Ctrl+C or SIGTERM (the `termination` feature of ctrlc), a command removes the
    // temporary file it is writing before it exits, where it used to leave `.nianbao-*.tmp` beside
    // its output; `serve` sets its own handler, which stops the server and removes its folder.
    if !matches!(cli.command, None | Some(Command::Serve(_))) {
        let _ = ctrlc::set_handler(|| {
            nianbao::write::remove_pending();
            eprintln!("已中断，未写完的临时文件已删除。");
            std::process::exit(130);
        });
    }
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

/// The help in Chinese throughout: clap writes its own headings (`Usage:`, `Options:`), the help
/// and version flags' lines, defaults and possible values in English; here they are replaced, for
/// the command and each subcommand.
fn chinese(cmd: ClapCommand) -> ClapCommand {
    chinese_under(cmd, "")
}

/// The names that stand for an argument's value in the help (`--year <年度>`), by the field's
/// name clap would show.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("FILES", "文件或文件夹"),
    ("A", "文件甲"),
    ("B", "文件乙"),
    ("OUTPUT", "输出文件"),
    ("OUT_DIR", "输出文件夹"),
    ("XLSX", "工作簿"),
    ("JSON", "JSON文件"),
    ("CSV", "CSV文件"),
    ("ROSTER", "名单"),
    ("PREVIOUS", "上年报告"),
    ("DIR_OR_FILES", "上年报告"),
    ("AGENCY", "单位名称"),
    ("NAME", "单位名称"),
    ("YEAR", "年度"),
    ("FORMAT", "格式"),
    ("TO", "格式"),
    ("PORT", "端口"),
    ("MIB", "MiB"),
    ("N", "个数"),
    ("MAX_FILES", "个数"),
    ("MAX_FILE_MB", "MiB"),
    ("MAX_TOTAL_MB", "MiB"),
];

/// [`chinese`] for a command under `parent` (`nianbao `), whose usage line names it in full.
fn chinese_under(cmd: ClapCommand, parent: &str) -> ClapCommand {
    let cmd = cmd.mut_args(|a| {
        let names: Vec<String> = a
            .get_value_names()
            .map(|names| names.iter().map(|n| n.to_string()).collect())
            .unwrap_or_else(|| vec![a.get_id().as_str().to_uppercase()]);
        let chinese: Vec<&str> = names
            .iter()
            .filter_map(|n| VALUE_NAMES.iter().find(|(en, _)| en == n).map(|(_, zh)| *zh))
            .collect();
        if a.get_action().takes_values() && chinese.len() == names.len() {
            a.value_names(chinese)
        } else {
            a
        }
    });
    let mut cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("子命令")
        .subcommand_value_name("子命令")
        .disable_help_flag(true)
        .arg(flag("help", 'h', ArgAction::Help, "显示帮助"));
    if cmd.get_version().is_some() {
        cmd = cmd
            .disable_version_flag(true)
            .arg(flag("version", 'V', ArgAction::Version, "显示版本"));
    }
    cmd = cmd.mut_args(|a| {
        let heading = if a.is_positional() { "参数" } else { "选项" };
        let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{}（{h}）", v.get_name()),
                None => v.get_name().to_string(),
            })
            .collect();
        if !values.is_empty() && a.get_action().takes_values() {
            help.push_str(&format!("。可选：{}", values.join("、")));
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
            help.push_str(&format!("。默认：{}", defaults.join(",")));
        }
        let a = a.help_heading(heading).help(help);
        if a.get_action().takes_values() {
            a.hide_possible_values(true).hide_default_value(true)
        } else {
            a
        }
    });
    let path = format!("{parent}{} ", cmd.get_name());
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .trim_start_matches("Usage:")
        .trim()
        .replacen(cmd.get_name(), path.trim_end(), 1)
        .replace("[OPTIONS]", "[选项]")
        .replace("[COMMAND]", "[子命令]");
    cmd = cmd.override_usage(usage);
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| chinese_under(sub, &path));
    }
    cmd
}

/// `-h, --help` or `-V, --version` with a Chinese line.
fn flag(name: &'static str, short: char, action: ArgAction, help: &'static str) -> Arg {
    Arg::new(name).short(short).long(name).action(action).help(help)
}

/// clap's `2000 is not in 2000..=2100` as `应在 2000 到 2100 之间`; other reasons as they are.
fn range_in_chinese(why: &str) -> String {
    match why.split_once(" is not in ").and_then(|(_, r)| r.split_once("..=")) {
        Some((low, high)) => format!("应在 {low} 到 {high} 之间"),
        None => why.to_string(),
    }
}

/// A command-line mistake in Chinese, naming the argument or value at fault; help and version as
/// asked.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    let what = match e.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
        K::InvalidSubcommand => "没有这个子命令（可用：template、convert、check、compare、merge、serve）",
        K::UnknownArgument => "无法识别的参数",
        K::MissingRequiredArgument => "缺少必需的参数",
        K::MissingSubcommand => "缺少子命令（template、convert、check、compare、merge、serve）",
        K::InvalidValue | K::ValueValidation | K::InvalidUtf8 => "参数值无效",
        K::ArgumentConflict => "这些参数不能同时使用",
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => "参数值的个数不对",
        K::NoEquals => "参数值应以 = 连接",
        _ => "命令行参数有误",
    };
    let text = |v: &ContextValue| match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        other => other.to_string(),
    };
    let context = |k: ContextKind| e.get(k).map(text);
    let mut line = format!("错误：{what}");
    if let Some(arg) = context(ContextKind::InvalidArg).or_else(|| context(ContextKind::InvalidSubcommand)) {
        line.push_str(&format!("：{arg}"));
    }
    if let Some(value) = context(ContextKind::InvalidValue).filter(|v| !v.is_empty()) {
        line.push_str(&format!("，值“{value}”"));
    }
    if let Some(valid) = context(ContextKind::ValidValue) {
        line.push_str(&format!("（可选：{valid}）"));
    }
    // Our own value checks say in Chinese what is wrong (`格式应为 2019 或 2021`); clap's range
    // checks say it in English, put in Chinese here.
    if let Some(why) = std::error::Error::source(&e).map(ToString::to_string) {
        line.push_str(&format!("：{}", range_in_chinese(&why)));
    }
    let like = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
        ContextKind::SuggestedSubcommand,
    ]
    .into_iter()
    .find_map(context);
    if let Some(like) = like {
        line.push_str(&format!("。是不是 {like}？"));
    } else {
        line.push('。');
    }
    eprintln!("{line}用 nianbao --help 或 nianbao <子命令> --help 查看用法");
    ExitCode::from(2)
}
