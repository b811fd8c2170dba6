//! One module per subcommand; each holds its arguments (whose doc comments are the help) and a
//! short `run` that calls the library.

pub mod check;
pub mod convert;
pub mod merge;
pub mod serve;
pub mod template;

use std::io::Write;
use std::path::{Path, PathBuf};

use nianbao::write::save;

/// Writes `bytes` to `out` (`-` or none: standard output), never over one of `inputs`.
pub fn emit(out: Option<&Path>, bytes: &[u8], inputs: &[PathBuf]) -> nianbao::Result<()> {
    match out {
        None => write_stdout(bytes),
        Some(p) if p.as_os_str() == "-" => write_stdout(bytes),
        Some(p) => save(p, bytes, inputs),
    }
}

/// The present time in Beijing (UTC+8), `2025-01-20 14:03`, for notes on outputs.
pub fn now_text() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
        + 8 * 3600;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02}（北京时间）",
        rest / 3600,
        rest % 3600 / 60
    )
}

fn write_stdout(bytes: &[u8]) -> nianbao::Result<()> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`nianbao … | head`) is not an error worth reporting.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    Ok(())
}
