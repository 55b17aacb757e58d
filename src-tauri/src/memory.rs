//! The main process's heap on a small PC. glibc gives each thread that
//! allocates an arena of its own (up to 8 per core), and keeps what a
//! thread freed for that thread: with Tauri's runtime, the sync, photo,
//! USB and ticker threads, that is memory held for nothing once start-up
//! is over. So: two arenas, and the freed pages handed back to the kernel
//! after start-up and then every few minutes, with one log line each time
//! saying what the heap holds (the bench reads it).

use std::time::Duration;

/// How often the heap is trimmed after start-up.
const EVERY: Duration = Duration::from_secs(600);
/// Start-up's garbage (the embedded UI served, the first photo pass) is
/// freed by then.
const AFTER_START: Duration = Duration::from_secs(10);

/// Core's fixed mmap threshold (`kiosk_core::webview::MMAP_THRESHOLD`):
/// here too, the photo renditions the `photo:` scheme reads (up to a few
/// MiB each, many a minute at a rehearsal's speed) would otherwise
/// fragment the heap. WebKit's processes get it from `webkit::prepare`.
const MMAP_THRESHOLD: i32 = kiosk_core::webview::MMAP_THRESHOLD as i32;

/// At most two malloc arenas, and a fixed mmap threshold. Call before any
/// thread starts.
pub fn limit_arenas() {
    // SAFETY: mallopt only sets malloc parameters; no thread has
    // allocated in another arena yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// What malloc holds, in bytes: in use, and free but still held.
fn heap() -> (usize, usize) {
    // SAFETY: mallinfo2 reads malloc's counters into a struct it returns.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd, info.fordblks)
}

/// Give freed heap pages back to the kernel and log the heap.
fn trim() {
    let (_, free_before) = heap();
    // SAFETY: malloc_trim walks malloc's own structures under its locks.
    unsafe { libc::malloc_trim(0) };
    let (in_use, free) = heap();
    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    tracing::info!(
        "memory: heap in use {:.1} MiB, free but held {:.1} MiB (was {:.1} before trimming)",
        mib(in_use),
        mib(free),
        mib(free_before)
    );
}

/// Trim once start-up is over, then every [`EVERY`]. Call once.
pub fn start_trimming() {
    let spawned = std::thread::Builder::new()
        .name("heap-trim".into())
        .stack_size(64 * 1024)
        .spawn(|| {
            std::thread::sleep(AFTER_START);
            loop {
                trim();
                std::thread::sleep(EVERY);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the heap trimmer: {e}");
    }
}
