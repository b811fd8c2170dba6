//! `nianbao compare`: two reports of one agency, side by side.
//!
//! Same year: every cell that differs, with where each value sits in its file (is what was published
//! what was reported?). Consecutive years: whether this year's 上年结转 follows last year's
//! 结转下年度继续办理, and every change, large swings flagged. Exit status: 0 when the two agree
//! (same year) or follow (consecutive years), 1 otherwise, 2 on wrong usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use nianbao::compare::{compare, Kind};
use nianbao::model::format_number;
use nianbao::read::{read_path, Options};

/// 比较同一单位的两份报告（同一年度，或相邻两个年度）。
///
/// 同一年度：列出每个不一致的单元格及其在两份文件中的位置（如工作簿与网上发布稿）。
/// 相邻年度：核对“上年结转”是否等于上一年的“结转下年度继续办理”，并列出变化较大的数字。
/// 退出码：0 一致（或衔接），1 不一致，2 用法错误。
#[derive(clap::Args)]
pub struct Args {
    /// 第一份报告
    a: PathBuf,
    /// 第二份报告
    b: PathBuf,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Output,
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    /// 便于阅读的文字
    Text,
    /// JSON
    Json,
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let a = read_path(&args.a, &Options::default())?;
    let b = read_path(&args.b, &Options::default())?;
    let Some(c) = compare(&a, &b) else {
        eprintln!(
            "错误：两份报告分别是{}和{}，只能比较同一年度或相邻两个年度的报告",
            a.year_text(),
            b.year_text()
        );
        return Ok(ExitCode::from(2));
    };
    let text = match args.format {
        Output::Json => serde_json::to_string_pretty(&c).unwrap_or_default() + "\n",
        Output::Text => {
            let mut out = format!(
                "A：{}（{} {}，{} 格式）\nB：{}（{} {}，{} 格式）\n",
                c.a.file,
                c.a.agency,
                year_text(c.a.year),
                c.a.format,
                c.b.file,
                c.b.agency,
                year_text(c.b.year),
                c.b.format
            );
            let title = match c.kind {
                Kind::SameYear => "同一年度，逐格比较",
                Kind::YearOverYear => "相邻年度，逐格变化",
            };
            out.push_str(&format!("{title}：{} 处不同\n", c.differences.len()));
            let shown = |n: Option<f64>| n.map_or_else(|| "（无）".to_string(), format_number);
            for d in &c.differences {
                out.push_str(&format!(
                    "  {}：A {}{}，B {}{}\n",
                    c.b.format.cell_name(&d.cell),
                    shown(d.a),
                    d.a_where.as_ref().map(|w| format!("（{w}）")).unwrap_or_default(),
                    shown(d.b),
                    d.b_where.as_ref().map(|w| format!("（{w}）")).unwrap_or_default(),
                ));
            }
            for f in &c.findings {
                out.push_str(&format!("  [{}] {} {}\n", f.severity.name(), f.rule, f.message));
            }
            out.push_str(if c.agrees() {
                "结论：一致\n"
            } else {
                "结论：不一致\n"
            });
            out
        }
    };
    super::emit(None, text.as_bytes(), &[])?;
    Ok(if c.agrees() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `2024年`, or `年度未知`.
fn year_text(year: Option<i32>) -> String {
    year.map_or_else(|| "年度未知".to_string(), |y| format!("{y}年"))
}
