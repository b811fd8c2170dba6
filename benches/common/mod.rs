//! What the benches share: how one input is timed.

use std::time::{Duration, Instant};

/// Median time of `f` over enough runs to take about half a second.
pub fn median(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_micros(1));
    let runs = (Duration::from_millis(500).as_nanos() / once.as_nanos()).clamp(5, 2000) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
