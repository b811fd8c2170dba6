//! `nianbao merge`: every agency's return in one folder → the district summary workbook.
//!
//! Reads all inputs in parallel, checks each, adds up the readable ones (one file per agency: the
//! newest), and writes the summary workbook plus, on request, its JSON and long CSV. Files that
//! cannot be read, or are in the wrong layout for the year, are listed with the reason and the
//! summary of the rest is still written; the exit status is then 1 so scripts notice.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::merge::{merge, MergeOptions, Status};
use nianbao::read::collect;
use nianbao::roster::Roster;
use nianbao::write::merged::{merged_json, write_merged_csv};
use nianbao::write::summary::write_summary;

/// 汇总各单位报表，生成全区汇总工作簿。
///
/// 把收到的文件（xlsx、xls、ods 等）放在一个文件夹里，指定该文件夹即可；子文件夹一并读取，
/// 忽略 Excel/WPS 的临时文件（~$ 开头）和隐藏文件；快捷方式（符号链接）按其指向的文件读取。
/// 同一单位报了多份时只计最新修改的一份。
/// 有文件无法读取、或报表格式与年度不符（如 2024 年度用了 2019 版格式）时，照常汇总其余文件，
/// 列出这些文件和原因，并以退出码 1 结束。
#[derive(clap::Args)]
pub struct Args {
    /// 各单位报表文件或文件夹
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// 汇总工作簿（xlsx）
    #[arg(short, long)]
    output: PathBuf,
    /// 应报送单位名单（CSV 或 xlsx，列：单位名称，可选 类别）
    #[arg(long)]
    roster: Option<PathBuf>,
    /// 汇总单位名称，如“某某区人民政府”
    #[arg(long, default_value = "全区汇总")]
    name: String,
    /// 只汇总该年度的报表（其他年度的文件列出但不计入）
    #[arg(long, value_parser = super::year_parser())]
    year: Option<i32>,
    /// 另存汇总结果 JSON
    #[arg(long)]
    json: Option<PathBuf>,
    /// 另存长表 CSV（各单位及合计）
    #[arg(long)]
    csv: Option<PathBuf>,
    /// CSV 不写 BOM
    #[arg(long)]
    no_bom: bool,
    /// 上一年度各单位的报表（文件或文件夹）：汇总表增加“年度对比”工作表
    #[arg(long, num_args = 1.., value_name = "DIR_OR_FILES")]
    previous: Vec<PathBuf>,
    #[command(flatten)]
    limits: super::LimitArgs,
}

pub fn run(args: Args) -> nianbao::Result<ExitCode> {
    let (inputs, passed) = super::inputs(&args.files)?;
    // Every output is checked against the inputs (and the roster) before anything is read or written.
    let roster_file: Vec<PathBuf> = args.roster.iter().cloned().collect();
    for out in std::iter::once(&args.output).chain(&args.json).chain(&args.csv) {
        nianbao::write::refuse_inputs(out, &inputs)?;
        nianbao::write::refuse_inputs(out, &roster_file)?;
    }
    super::output_extension(&args.output, &["xlsx"], super::WORKBOOK)?;
    for (out, ext, what) in [(&args.json, "json", "JSON"), (&args.csv, "csv", "CSV")] {
        if let Some(out) = out {
            super::output_extension(out, &[ext], what)?;
        }
    }
    let roster = args.roster.as_ref().map(Roster::read).transpose()?;
    let options = MergeOptions {
        roster,
        name: args.name.clone(),
        year: args.year,
        read: nianbao::read::Options {
            limits: args.limits.limits(),
            ..Default::default()
        },
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(inputs.len() as u64)
    } else {
        ProgressBar::with_draw_target(Some(inputs.len() as u64), ProgressDrawTarget::hidden())
    };
    if let Ok(style) = ProgressStyle::with_template("读取 {bar:40} {pos}/{len} 份 {elapsed}") {
        bar.set_style(style);
    }
    let mut merged = merge(&inputs, &options, &|| bar.inc(1))?;
    merged.passed_over = passed;
    bar.finish_and_clear();
    let mut outputs = vec![args.output.clone()];
    let previous = if args.previous.is_empty() {
        None
    } else {
        let last_inputs = collect(&super::arguments(&args.previous))?;
        let last_options = MergeOptions {
            year: merged.total.year.map(|y| y - 1),
            roster: None,
            ..options.clone()
        };
        Some(merge(&last_inputs, &last_options, &|| {})?)
    };
    // The inputs' paths, moved rather than copied: a merge of thousands of returns holds them
    // once here and once in its entries.
    let mut protected = inputs;
    protected.extend(roster_file);
    protected.extend(previous.iter().flat_map(|p| p.entries.iter().map(|e| e.file.clone())));
    // The returns are read; the summary is written by two threads.
    crate::return_freed_memory_at_once();
    write_summary(&merged, previous.as_ref(), &args.output, &protected)?;
    if let Some(path) = &args.json {
        nianbao::write::save(path, merged_json(&merged, previous.as_ref())?.as_bytes(), &protected)?;
        outputs.push(path.clone());
    }
    if let Some(path) = &args.csv {
        let mut bytes = Vec::new();
        write_merged_csv(&merged, &mut bytes, !args.no_bom)?;
        nianbao::write::save(path, &bytes, &protected)?;
        outputs.push(path.clone());
    }
    eprintln!("{}", merged.headline());
    for e in merged.entries.iter().filter(|e| e.error.is_some()) {
        eprintln!(
            "  无法读取：{}",
            e.error.as_ref().map(ToString::to_string).unwrap_or_default()
        );
    }
    // Files of another year are only counted in the headline: with --year they are set aside on
    // purpose, and a folder of last year's returns would bury the rest. A file the agency has to
    // send again (wrong layout, no year) is named.
    for e in merged
        .entries
        .iter()
        .filter(|e| e.needs_resending() && e.status != Status::Unreadable)
    {
        eprintln!(
            "  “{}”：{}",
            nianbao::platform::display_path(&e.file),
            e.reason.as_deref().unwrap_or_default()
        );
    }
    super::passed_over(&merged.passed_over);
    if !merged.missing.is_empty() {
        let names: Vec<&str> = merged.missing.iter().map(|m| m.name.as_str()).collect();
        eprintln!("  未报送（{} 个）：{}", names.len(), names.join("、"));
    }
    let outside: Vec<String> = merged
        .entries
        .iter()
        .filter(|e| merged.roster.is_some() && e.member.is_none() && e.status == Status::Counted)
        .map(|e| match merged.suggestion(e) {
            Some(m) => format!("{}（是否为“{m}”？）", e.name()),
            None => e.name(),
        })
        .collect();
    if !outside.is_empty() {
        eprintln!("  名单外（已计入）：{}", outside.join("、"));
    }
    for d in &merged.duplicates {
        eprintln!("  重复：{} 报送了 {} 份，计入 {}", d.agency, d.files.len(), d.counted);
    }
    // As the page lists them: the agencies whose counted return has errors, to be sent back.
    let faulty: Vec<&nianbao::model::district::Entry> = merged
        .entries
        .iter()
        .filter(|e| e.status == Status::Counted && e.errors > 0)
        .collect();
    if !faulty.is_empty() {
        eprintln!("  有错误的单位（{} 个，已计入，请核对后发回修改）：", faulty.len());
        for e in faulty {
            eprintln!(
                "    {}：错误 {} 处，警告 {} 处（{}）",
                e.name(),
                e.errors,
                e.warnings,
                nianbao::platform::display_path(&e.file)
            );
        }
    }
    let written: Vec<String> = outputs.iter().map(|p| nianbao::platform::display_path(p)).collect();
    eprintln!("已写入：{}", written.join("、"));
    Ok(if merged.incomplete() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
