//! Sizes: every size limit and every size in a message is in MiB (1 MiB = 1,048,576 bytes), on the
//! command line and on the page alike.

/// One MiB in bytes.
pub const MIB: u64 = 1 << 20;

/// `n` MiB in bytes (saturating).
pub fn mib(n: u64) -> u64 {
    n.saturating_mul(MIB)
}

/// A size as a message says it: `50 MiB`, `0.3 MiB`, `1.5 MiB`.
///
/// ```
/// use nianbao::size::{mib, mib_text};
/// assert_eq!(mib_text(mib(50)), "50 MiB");
/// assert_eq!(mib_text(mib(3) / 2), "1.5 MiB");
/// assert_eq!(mib_text(300_000), "0.3 MiB");
/// assert_eq!(mib_text(1), "0.1 MiB");
/// ```
pub fn mib_text(bytes: u64) -> String {
    let n = bytes as f64 / MIB as f64;
    if n >= 10.0 || n.fract() == 0.0 {
        format!("{} MiB", n.round())
    } else {
        format!("{:.1} MiB", n.max(0.1))
    }
}
