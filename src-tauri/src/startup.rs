//! Start-up, timed and ordered. Each step the display waits on writes one
//! log line with the milliseconds since `main()` (`start-up: …`), so a slow
//! start says where its time went; `cargo xtask bench memory` reads them.

/// Milliseconds since `main()`.
pub fn since_start_ms() -> u64 {
    crate::STARTED.elapsed().as_millis() as u64
}

/// One line in the log: this step of start-up is done.
pub fn mark(step: &str) {
    tracing::info!(since_start_ms = since_start_ms(), "start-up: {step}");
}

/// How long the process ran before `main()` (the loader mapping and
/// relocating ~170 libraries), from the kernel's start time of this
/// process and the uptime clock: both in 10 ms ticks, so ±10 ms.
pub fn before_main_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 22 (starttime), counted after the parenthesised command name.
    let after_name = stat.rsplit_once(')')?.1;
    let start_ticks: f64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // SAFETY: sysconf only reads a constant of the system.
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let now_since_start_ms = (uptime - start_ticks / ticks_per_s) * 1000.0;
    Some((now_since_start_ms - since_start_ms() as f64).max(0.0) as u64)
}
