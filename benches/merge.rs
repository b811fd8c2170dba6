//! The heavy job, measured: merging many returns against calamine alone reading them.
//!
//! Run with `cargo bench --bench merge` (optionally `-- 1000 10000` for the sizes). For each size N
//! it builds two sets of N returns once:
//!
//! * **foreign** (`target/bench-merge/foreign-N/`): copies of the 50 workbooks of `fixtures/agency`,
//!   which agencies' own software made (openpyxl, xlsxwriter, LibreOffice's xls and ods; three
//!   sheets, one sheet, a 序号 column, flat labels …) and which are read by their labels — the
//!   returns users really send, and the set the speed goal is about;
//! * **ours** (`target/bench-merge/N/`): our filled official layout with consistent random numbers
//!   and distinct agencies, mixed with copies of the messy 2024 fixture workbooks, so that the
//!   defined-name path is timed too;
//!
//! and for each set:
//!
//! * times calamine alone opening every workbook and reading every sheet, on one thread: the floor
//!   any reader pays;
//! * runs the release binary `nianbao merge DIR -o summary.xlsx --year 2024` and reports its wall
//!   time and, on Linux, its peak memory (the high-water mark of its resident set).
//!
//! Both timings start from a warm page cache and are the median of three runs; so is the peak memory.
//!
//! Goals (issue 18): merge(1000 foreign) ≤ 1.0 × calamine(1000 foreign) on 2 cores; peak memory
//! (10000) ≤ 1.5 × peak memory(1000) and under 64 MB.
//!
//! Where it stands (2026-12-06, seventh session, the shared 2-vCPU machine — slower than the
//! sixth session's: calamine alone 0.24 s for foreign 1000 against 0.19 — fuzzers stopped; each
//! line a run of the bench, each figure a median of three):
//!
//! | set | calamine | merge | ratio | peak memory | 10000 vs 1000 |
//! |---|---|---|---|---|---|
//! | foreign 1000 | 0.24–0.29 s | 0.23–0.25 s | 0.87–0.98 | 18.6–19.2 MiB | |
//! | foreign 10000 | 2.77–2.88 s | 2.55–2.82 s | 0.92–0.98 | 25.7–26.0 MiB | 1.36 × |
//! | ours 1000 | 0.41–0.42 s | 0.36–0.39 s | 0.86–0.96 | 19.1–19.4 MiB | |
//! | ours 10000 | 4.80 s | 4.58 s | 0.95 | 27.1 MiB | 1.40 × |
//!
//! Both goals are met. Before this session foreign 1000 was 1.03–1.18 on this machine (1.06–1.12
//! on the sixth session's): 分单位明细's 227,000 numbers went through rust_xlsxwriter one cell at a
//! time (a whole `Format` hashed per cell, a column name made, a float formatted), 38 ms on one
//! thread after the reading. They are now written straight into the saved workbook
//! (`write::xlsx::spliced`): in a profile of foreign 1000 the row writing is 0.4 % of the samples
//! and its deflate about 1.5 %. What is left after the reading is the merge's own pass over the
//! spill file and the other sheets, about a tenth of the run. Runs with a busy neighbour on the
//! machine spread from 0.86 to 1.14; the figures above are from quiet stretches.
//!
//! The sixth session's table, for the record: foreign 1000 0.19 s / 0.20–0.21 s (1.06–1.12),
//! foreign 10000 1.65–1.71 s / 1.88–1.98 s (1.10–1.20), ours 1000 1.00–1.10, ours 10000 0.92–0.95.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto_from_rs, Reader};
use nianbao::format::{Format, T3_COLUMNS};
use nianbao::model::Report;

/// Every fifth return is a copy of one of these fixture workbooks (made by openpyxl/LibreOffice).
const MESSY: &[&str] = &[
    "2024-pingtan-zone.xlsx",
    "2024-pingtan-zrzj-lo.ods",
    "huaian-city-2024-lo.xls",
    "hongze-district-2024-formulas.xlsx",
    "2024-pingtan-zrzj.xlsx",
];

/// A consistent report with small random numbers.
fn report(i: usize) -> Report {
    let mut seed = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |max: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % max) as f64
    };
    let format = Format::F2021;
    let mut r = Report::new(&format!("第{i:05}号单位"), 2024, format);
    for cell in format.cells() {
        r.set(&cell.code, next(4));
    }
    let layout = format.layout();
    for c in T3_COLUMNS.iter().filter(|c| c.code != "total") {
        let results: f64 = layout
            .t3_result_leaves()
            .filter_map(|row| r.get(&format!("t3.{}.{}", row.code, c.code)))
            .sum();
        r.set(&format!("t3.results_total.{}", c.code), results);
        let mut carried = r.get(&format!("t3.carried.{}", c.code)).unwrap_or(0.0);
        let forward = r.get(&format!("t3.carry_forward.{}", c.code)).unwrap_or(0.0);
        if carried > results + forward {
            carried = 0.0;
            r.set(&format!("t3.carried.{}", c.code), 0.0);
        }
        // new + carried = results + forward, the official balance.
        r.set(&format!("t3.new.{}", c.code), results + forward - carried);
    }
    for row in layout.t3_rows {
        let sum: f64 = T3_COLUMNS
            .iter()
            .filter(|c| c.code != "total")
            .filter_map(|c| r.get(&format!("t3.{}.{}", row.code, c.code)))
            .sum();
        r.set(&format!("t3.{}.total", row.code), sum);
    }
    r
}

/// The N returns of a size, made once.
fn dataset(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-merge").join(n.to_string());
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("bench folder");
    let fixtures = root.join("fixtures/workbooks");
    let messy: Vec<(String, Vec<u8>)> = MESSY
        .iter()
        .map(|name| (name.to_string(), std::fs::read(fixtures.join(name)).expect("fixture")))
        .collect();
    for i in 0..n {
        if i % 5 == 4 {
            let (name, bytes) = &messy[(i / 5) % messy.len()];
            std::fs::write(dir.join(format!("{i:05}-{name}")), bytes).expect("copy");
        } else {
            let bytes = nianbao::write::xlsx::filled(&report(i), &[], "").expect("filled");
            std::fs::write(dir.join(format!("{i:05}.xlsx")), bytes).expect("write");
        }
    }
    std::fs::write(&done, b"").expect("marker");
    dir
}

/// The foreign set of a size: the workbooks of `fixtures/agency` copied round and round.
fn foreign(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-merge").join(format!("foreign-{n}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("bench folder");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/agency"))
        .expect("fixtures/agency")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods"))
        .collect();
    sources.sort();
    for i in 0..n {
        let src = &sources[i % sources.len()];
        let name = src
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::copy(src, dir.join(format!("{i:05}-{name}"))).expect("copy");
    }
    std::fs::write(&done, b"").expect("marker");
    dir
}

/// The CPU time (user and system) a process has taken so far, from `/proc/PID/stat` (Linux only;
/// in clock ticks of 10 ms): on a shared machine this, unlike wall time, is the program's own cost.
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// calamine alone, one thread: open every workbook and read every sheet. Its wall time and CPU time.
fn calamine_alone(dir: &Path) -> (Duration, Option<Duration>) {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    let cpu = cpu_time("self");
    let start = Instant::now();
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("open");
        for name in wb.sheet_names() {
            std::hint::black_box(wb.worksheet_range(&name).ok());
        }
    }
    let wall = start.elapsed();
    (wall, cpu_time("self").zip(cpu).map(|(after, before)| after - before))
}

/// Runs the merge binary; returns its wall time, peak resident memory in KiB and CPU time (Linux
/// only).
fn merge_binary(dir: &Path) -> (Duration, Option<u64>, Option<Duration>) {
    let exe = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/nianbao");
    let out = std::env::temp_dir().join(format!("nianbao-bench-{}.xlsx", std::process::id()));
    let start = Instant::now();
    let child = Command::new(&exe)
        .arg("merge")
        .arg(dir)
        .arg("-o")
        .arg(&out)
        .args(["--year", "2024"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run target/release/nianbao (cargo build --release first)");
    let (peak, cpu) = wait_peak(child);
    let took = start.elapsed();
    let _ = std::fs::remove_file(&out);
    (took, peak, cpu)
}

/// Waits for the child and returns its peak resident memory in KiB, read from
/// `/proc/PID/status` (`VmHWM`) while it runs (Linux only). Unlike the peak that `wait4` reports,
/// this is the merge's own: a child spawned from this process starts as a copy of it, and that
/// copy's memory would count too. Also its CPU time, as last read before it ended (short of the
/// last 5 ms at most).
fn wait_peak(mut child: std::process::Child) -> (Option<u64>, Option<Duration>) {
    let status = format!("/proc/{}/status", child.id());
    let pid = child.id().to_string();
    let (mut peak, mut cpu) = (None, None);
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = hwm.max(peak);
        }
        cpu = cpu_time(&pid).or(cpu);
        if child.try_wait().ok().flatten().is_some() {
            return (peak, cpu);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Each timing is the median of this many runs: one run on a shared 2-core machine varies by ±15 %.
const RUNS: usize = 3;

/// Reads every file once so that both timings start from the same (warm) page cache; otherwise
/// whichever runs first also pays for the disk.
fn warm(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        std::hint::black_box(std::fs::read(entry.path()).ok());
    }
}

/// The median of some measurements (times, or peak memory, which varies by ±20 % from run to run
/// with the order rayon's threads finish in).
fn median<T: Ord + Copy>(mut all: Vec<T>) -> T {
    all.sort_unstable();
    all[all.len() / 2]
}

fn main() {
    // Building a dataset fills this process's heap; a child spawned afterwards would start from it
    // (its peak memory would count ours), so datasets are built by a child of their own.
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, set, n] = args.as_slice() {
        if flag == "--generate" {
            let n = n.parse().expect("a size");
            match set.as_str() {
                "foreign" => foreign(n),
                _ => dataset(n),
            };
            return;
        }
    }
    // `cargo test --all-targets` runs this binary too, without `--bench`: building thousands of
    // workbooks and a release binary is a benchmark's job, not a test's.
    if !args.iter().any(|a| a == "--bench") {
        println!("benches/merge.rs: run with `cargo bench --bench merge`");
        return;
    }
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1000, 10000] } else { sizes };
    let build = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet"])
        .status();
    assert!(build.is_ok_and(|s| s.success()), "cargo build --release failed");
    println!(
        "{:>8} {:>7} {:>16} {:>14} {:>8} {:>14} {:>13} {:>10} {:>9}",
        "set",
        "returns",
        "calamine 1 thread",
        "nianbao merge",
        "ratio",
        "peak memory",
        "calamine CPU",
        "merge CPU",
        "CPU ratio"
    );
    let me = std::env::current_exe().expect("the bench binary");
    for set in ["foreign", "ours"] {
        let mut peaks = Vec::new();
        for &n in &sizes {
            let made = Command::new(&me).args(["--generate", set, &n.to_string()]).status();
            assert!(made.is_ok_and(|s| s.success()), "building the {set} set of {n} failed");
            let name = if set == "foreign" {
                format!("foreign-{n}")
            } else {
                n.to_string()
            };
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/bench-merge")
                .join(name);
            warm(&dir);
            let runs: Vec<(Duration, Option<u64>, Option<Duration>)> = (0..RUNS).map(|_| merge_binary(&dir)).collect();
            let merge = median(runs.iter().map(|r| r.0).collect());
            let peak = runs.iter().map(|r| r.1).collect::<Option<Vec<u64>>>().map(median);
            let merge_cpu = runs.iter().map(|r| r.2).collect::<Option<Vec<Duration>>>().map(median);
            let floors: Vec<(Duration, Option<Duration>)> = (0..RUNS).map(|_| calamine_alone(&dir)).collect();
            let floor = median(floors.iter().map(|f| f.0).collect());
            let floor_cpu = floors
                .iter()
                .map(|f| f.1)
                .collect::<Option<Vec<Duration>>>()
                .map(median);
            let ratio = merge.as_secs_f64() / floor.as_secs_f64();
            let peak_text = peak.map_or_else(|| "n/a".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
            let secs =
                |d: Option<Duration>| d.map_or_else(|| "n/a".to_string(), |d| format!("{:.2}s", d.as_secs_f64()));
            let cpu_ratio = floor_cpu.zip(merge_cpu).map_or_else(
                || "n/a".to_string(),
                |(f, m)| format!("{:.2}", m.as_secs_f64() / f.as_secs_f64()),
            );
            println!(
                "{set:>8} {n:>7} {:>15.2}s {:>13.2}s {ratio:>8.2} {peak_text:>14} {:>13} {:>10} {cpu_ratio:>9}",
                floor.as_secs_f64(),
                merge.as_secs_f64(),
                secs(floor_cpu),
                secs(merge_cpu)
            );
            peaks.push((n, peak));
        }
        if let [(a, Some(pa)), .., (b, Some(pb))] = peaks.as_slice() {
            println!("{set}: peak memory {b} vs {a} returns: {:.2}×", *pb as f64 / *pa as f64);
        }
    }
}
