//! systemd's notify protocol, fed by the display's render heartbeat: `READY=1`
//! once the first snapshot is on screen, `WATCHDOG=1` only as renders keep
//! arriving (core's `Watchdog` decides), so a frozen web view or main loop
//! stops the pings and systemd restarts the kiosk. Without `NOTIFY_SOCKET`
//! (not under systemd) nothing is sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use tauri::Runtime;

use sd_notify::NotifyState;

use kiosk_core::supervision::{CrashWatch, Recovery, Watchdog};

pub struct Supervisor {
    watchdog: Mutex<Watchdog>,
    crashes: Mutex<CrashWatch>,
    /// When the web process last died, until the page renders again.
    crashed_at: Mutex<Option<Instant>>,
    /// Under a supervisor that listens (`NOTIFY_SOCKET` set).
    supervised: bool,
}

/// A poisoned lock here only means a panic elsewhere mid-update of two
/// instants; the values are still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn send(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::warn!("cannot notify systemd: {e}");
    }
}

impl Supervisor {
    /// As systemd set the environment (`NOTIFY_SOCKET`, `WATCHDOG_USEC`,
    /// `WATCHDOG_PID`).
    pub fn from_env() -> Supervisor {
        let supervised = std::env::var_os("NOTIFY_SOCKET").is_some();
        let timeout = sd_notify::watchdog_enabled();
        if supervised {
            tracing::info!(
                watchdog_ms = timeout.map(|t| t.as_millis() as u64),
                "supervised by systemd: ready once the display renders, watchdog fed by its renders"
            );
        }
        Supervisor {
            watchdog: Mutex::new(Watchdog::new(timeout)),
            crashes: Mutex::new(CrashWatch::default()),
            crashed_at: Mutex::new(None),
            supervised,
        }
    }

    /// How long since the display last painted (`None`: not yet); the
    /// fleet's heartbeats report it.
    pub fn since_render(&self) -> Option<Duration> {
        lock(&self.watchdog).since_render(Instant::now())
    }

    /// The display rendered (its heartbeat): ready, and alive.
    pub fn rendered(&self) {
        let notices = lock(&self.watchdog).on_render(Instant::now());
        if let Some(crashed) = lock(&self.crashed_at).take() {
            tracing::info!(
                after_ms = crashed.elapsed().as_millis() as u64,
                "the display rendered again after the web process ended"
            );
        }
        if notices.ready {
            // `cargo xtask bench` reads the start-up time from this line.
            tracing::info!(
                since_start_ms = crate::STARTED.elapsed().as_millis() as u64,
                "first snapshot rendered by the window"
            );
            crate::memory::start_trimming();
        }
        if !self.supervised {
            return;
        }
        match (notices.ready, notices.ping) {
            (true, _) => send(&[
                NotifyState::Ready,
                NotifyState::Watchdog,
                NotifyState::Status("showing the schedule"),
            ]),
            (false, true) => send(&[NotifyState::Watchdog]),
            (false, false) => {}
        }
    }

    /// The web process ended: how to recover (core counts the crashes).
    pub fn web_process_crashed(&self) -> (Recovery, usize) {
        let now = Instant::now();
        *lock(&self.crashed_at) = Some(now);
        lock(&self.crashes).crashed(now)
    }
}

/// Still starting on purpose (waiting for a display): keep systemd's start
/// time-out and watchdog from ending us, and say why.
pub fn waiting(status: &str, for_at_least: Duration) {
    if std::env::var_os("NOTIFY_SOCKET").is_some() {
        let usec = u32::try_from(for_at_least.as_micros()).unwrap_or(u32::MAX);
        send(&[
            NotifyState::ExtendTimeoutUsec(usec),
            NotifyState::Watchdog,
            NotifyState::Status(status),
        ]);
    }
}

/// The kiosk is exiting on purpose.
pub fn stopping() {
    if std::env::var_os("NOTIFY_SOCKET").is_some() {
        send(&[NotifyState::Stopping]);
    }
}

/// Set by SIGTERM, SIGINT or SIGHUP before the app runs (while waiting for a
/// display), so a stop asked then is not lost.
static STOP_ASKED: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));
const STOP_SIGNALS: [i32; 3] = [SIGTERM, SIGINT, SIGHUP];

/// From the start: a stop signal only sets a flag (the wait for a display
/// checks it), instead of killing the process mid-way.
pub fn catch_stop_signals() {
    for signal in STOP_SIGNALS {
        if let Err(e) = signal_hook::flag::register(signal, STOP_ASKED.clone()) {
            tracing::warn!(signal, "cannot catch the stop signal: {e}");
        }
    }
}

pub fn stop_asked() -> bool {
    STOP_ASKED.load(Ordering::SeqCst)
}

/// Once the app runs: a stop signal ends it the orderly way, so the exit
/// path runs (blanking settings restored, STOPPING=1 sent).
pub fn stop_on_signals<R: Runtime>(app: tauri::AppHandle<R>) {
    let mut signals = match signal_hook::iterator::Signals::new(STOP_SIGNALS) {
        Ok(signals) => signals,
        Err(e) => {
            tracing::warn!("cannot watch for SIGTERM: {e}");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            // Asked before this listener existed: stop now.
            let signal = if stop_asked() {
                Some(SIGTERM)
            } else {
                signals.forever().next()
            };
            if let Some(signal) = signal {
                tracing::info!(signal, "asked to stop");
                app.exit(0);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot watch for SIGTERM: {e}");
    }
}
