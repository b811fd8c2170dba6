//! `nianbao template`: the blank official template of a year, for one agency or for every agency of
//! a roster.
//!
//! The template is the one the library draws ([`nianbao::write::xlsx::template`]): a cover with the
//! instructions, then 表二, 表三 and 表四 in the official layout, with only the input cells open,
//! validation on each, totals as formulas and live checks beside the tables.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao::format::Format;
use nianbao::roster::Roster;
use nianbao::write::save;
use nianbao::write::xlsx::template;
use nianbao::{Error, ErrorKind};

/// 生成空白填报模板：封面（含填报说明）、表二、表三、表四。
///
/// 模板按官方表格样式排版，只开放白色单元格供填写，每个单元格都有数据有效性检查；
/// 总计由公式计算，表格旁的黄色“校验”单元格实时显示勾稽关系是否正确。
/// 模板中的每个单元格都有名称，收回后 check、merge 能准确读取。
///
/// 例：`nianbao template --year 2025 -o 模板.xlsx`；
/// 按名单为每个单位各生成一份：`nianbao template --year 2025 --roster 名单.csv --out-dir 模板/`
#[derive(clap::Args)]
pub struct Args {
    /// 报告年度（所报告的年份，如 2025 年度报告填 2025）
    #[arg(long, value_parser = super::year_parser())]
    year: i32,
    /// 表格格式 2019 或 2021（默认按年度：2020 年度及以前为 2019 格式，2021 年度起为 2021 格式）
    #[arg(long, value_parser = super::convert::parse_format)]
    format: Option<Format>,
    /// 填报单位名称，写在封面上
    #[arg(long, conflicts_with = "roster")]
    agency: Option<String>,
    /// 输出文件（.xlsx）
    #[arg(short, long, required_unless_present = "roster", conflicts_with = "roster")]
    output: Option<PathBuf>,
    /// 单位名单（CSV 或工作簿，第一行需有“单位名称”列）：为名单上每个单位各生成一份模板
    #[arg(long, requires = "out_dir")]
    roster: Option<PathBuf>,
    /// 按名单生成时的输出文件夹，文件名为“单位名称.xlsx”
    #[arg(long, requires = "roster")]
    out_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let expected = Format::for_year(args.year);
    let format = args.format.unwrap_or(expected);
    if format != expected {
        eprintln!(
            "警告：{} 年度报告应使用 {} 格式（{}），现按要求生成 {} 格式",
            args.year,
            expected,
            expected.layout().issued_by,
            format
        );
    }
    if let Some(out) = &args.output {
        super::output_extension(out, &["xlsx"], super::WORKBOOK)?;
    }
    if let (Some(roster), Some(dir)) = (&args.roster, &args.out_dir) {
        return per_agency(args.year, format, roster, dir);
    }
    let Some(out) = &args.output else {
        eprintln!("错误：请用 -o 指定输出文件，或用 --roster 和 --out-dir 按名单生成");
        return Ok(ExitCode::from(2));
    };
    let bytes = template(args.year, format, args.agency.as_deref()).map_err(|k| Error::new(out, k))?;
    save(out, &bytes, &[])?;
    Ok(ExitCode::SUCCESS)
}

/// One template per roster member, `<单位名称>.xlsx` in `dir`.
fn per_agency(year: i32, format: Format, roster: &Path, dir: &Path) -> nianbao::Result<ExitCode> {
    let members = Roster::read(roster)?.members;
    if members.is_empty() {
        return Err(Error::new(
            roster,
            ErrorKind::Unrecognized("名单中没有单位（“单位名称”列为空）".into()),
        ));
    }
    let names = nianbao::write::unique_file_names(members.iter().map(|m| m.name.as_str()));
    for (m, name) in members.iter().zip(names) {
        let path = dir.join(format!("{name}.xlsx"));
        let bytes = template(year, format, Some(&m.name)).map_err(|k| Error::new(&path, k))?;
        save(&path, &bytes, &[roster.to_path_buf()])?;
    }
    eprintln!(
        "已生成 {} 份模板，保存在“{}”",
        members.len(),
        nianbao::platform::display_path(dir)
    );
    Ok(ExitCode::SUCCESS)
}
