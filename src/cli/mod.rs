//! One module per subcommand; each holds its arguments (whose doc comments are the help) and a
//! short `run` that calls the library.

pub mod check;
pub mod compare;
pub mod convert;
pub mod merge;

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

fn write_stdout(bytes: &[u8]) -> nianbao::Result<()> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`nianbao … | head`) is not an error worth reporting.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    Ok(())
}
