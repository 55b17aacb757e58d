//! Start-up, timed and ordered. Each step the display waits on writes one
//! log line with the milliseconds since `main()` (`start-up: …`), so a slow
//! start says where its time went; `cargo xtask bench memory` reads them.
//! Work the first picture does not need (the photo library's first pass,
//! which starts photo workers on every core, the sync sources, the USB
//! scan) waits until the window has painted its first snapshot, or
//! [`AT_THE_LATEST`] if it never reports one.

use std::sync::Mutex;
use std::time::Duration;

type Task = Box<dyn FnOnce() + Send>;

/// Deferred work starts by then even if the page never reports a render
/// (a broken page, no window): the kiosk must still sync and ingest.
const AT_THE_LATEST: Duration = Duration::from_secs(10);

/// `Some` until the deferred work is released; then `None`, and whatever is
/// deferred after that runs at once.
static DEFERRED: Mutex<Option<Vec<Task>>> = Mutex::new(Some(Vec::new()));

/// Milliseconds since `main()`.
pub fn since_start_ms() -> u64 {
    crate::STARTED.elapsed().as_millis() as u64
}

/// One line in the log: this step of start-up is done.
pub fn mark(step: &str) {
    tracing::info!(since_start_ms = since_start_ms(), "start-up: {step}");
}

fn tasks() -> std::sync::MutexGuard<'static, Option<Vec<Task>>> {
    crate::locks::lock(&DEFERRED)
}

/// Run `task` once the first snapshot is on screen (at once if it already is).
pub fn after_first_render(task: impl FnOnce() + Send + 'static) {
    let mut deferred = tasks();
    match deferred.as_mut() {
        Some(list) => list.push(Box::new(task)),
        None => {
            drop(deferred);
            task();
        }
    }
}

/// Release the deferred work (the first render, or the time limit); only
/// the first call does anything. The work runs on a thread of its own so
/// the caller (the main loop, for the render heartbeat) is not held.
pub fn release(why: &'static str) {
    let Some(list) = tasks().take() else { return };
    let spawned = std::thread::Builder::new()
        .name("deferred-start".into())
        .spawn(move || {
            tracing::info!(
                since_start_ms = since_start_ms(),
                tasks = list.len(),
                "start-up: starting the background services ({why})"
            );
            for task in list {
                task();
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the background services: {e}");
    }
}

/// Release the deferred work after [`AT_THE_LATEST`] whatever happens.
pub fn release_at_the_latest() {
    let spawned = std::thread::Builder::new()
        .name("deferred-limit".into())
        .stack_size(64 * 1024)
        .spawn(|| {
            std::thread::sleep(AT_THE_LATEST);
            release("no render reported yet");
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot time the background services' start ({e}); starting them now");
        release("no timer");
    }
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
