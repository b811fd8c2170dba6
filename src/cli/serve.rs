//! `nianbao serve`: the whole job in the browser — templates, checking and merging, downloads —
//! on this computer only. Also what `nianbao` does when started with no arguments (a double-click
//! on nianbao.exe).

use std::process::ExitCode;

use nianbao::serve::{Limits, Server};

/// 在浏览器中完成全部工作：下发模板、检查与汇总、下载结果（只在本机，不需联网）
///
/// 在本机启动一个只有本机能访问的网页（127.0.0.1），并用默认浏览器打开。
///
/// 地址中带有本次运行的随机口令，没有口令、来自其他网站或其他主机名的访问一律拒绝。
///
/// 收到的文件存放在临时文件夹中，停止后自动删除，不会在原文件旁写入任何东西。关闭窗口或按 Ctrl+C 停止。
///
/// 上传限制：单个文件 50 MiB，合计 500 MiB，最多 5000 份；可用下列选项调高。
///
/// 不带任何参数运行 nianbao（如双击 nianbao.exe）等同于 `nianbao serve`。
#[derive(clap::Args)]
pub struct Args {
    /// 端口（默认由系统分配一个空闲端口）
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// 不自动打开浏览器（只在窗口中显示地址）
    #[arg(long)]
    no_open: bool,
    /// 单个文件的大小上限（MiB，1 MiB = 1048576 字节）
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_file_mb: u64,
    /// 所有上传文件的总大小上限（MiB）
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_total_mb: u64,
    /// 文件数量上限（份）
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_files: u64,
}

impl Default for Args {
    /// What `nianbao` with no arguments runs: the defaults above, opening the browser.
    fn default() -> Args {
        let limits = Limits::default();
        Args {
            port: 0,
            no_open: false,
            max_file_mb: limits.file_bytes >> 20,
            max_total_mb: limits.total_bytes >> 20,
            max_files: limits.files as u64,
        }
    }
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let limits = Limits {
        file_bytes: nianbao::size::mib(args.max_file_mb),
        total_bytes: nianbao::size::mib(args.max_total_mb),
        files: usize::try_from(args.max_files).unwrap_or(usize::MAX),
    };
    let server = Server::bind(args.port, limits)?;
    let url = server.url();
    println!("年报助手已启动。请在浏览器中打开（只有本机可以访问）：");
    println!();
    println!("    {url}");
    println!();
    if !args.no_open && open::that_detached(&url).is_err() {
        println!("未能自动打开浏览器，请把上面的地址复制到浏览器的地址栏中打开。");
    }
    println!("收到的文件存放在临时文件夹中，停止后自动删除。");
    println!("关闭此窗口或按 Ctrl+C 停止（停止前请先在网页中下载需要的结果）。");
    if cfg!(windows) {
        println!("{}", nianbao::platform::CONSOLE_PAUSE);
    }
    let stopper = server.stopper();
    if let Err(e) = ctrlc::set_handler(move || stopper.stop()) {
        eprintln!("警告：无法响应 Ctrl+C（{e}），请直接关闭窗口停止");
    }
    server.run();
    println!("已停止，临时文件已删除。");
    Ok(ExitCode::SUCCESS)
}
