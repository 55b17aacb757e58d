//! Running unattended: when to tell the supervisor (systemd) that the kiosk
//! is ready and alive, and what to do when the web view's process dies. Pure
//! decisions over instants; the shell sends the datagrams and reloads pages.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What to tell the supervisor after a render heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Notices {
    /// `READY=1`: the first snapshot is on screen.
    pub ready: bool,
    /// `WATCHDOG=1`: the display rendered recently, so the kiosk is alive.
    pub ping: bool,
}

/// The watchdog's side of the render heartbeat. Pings are sent only when
/// the display reports a render, so a frozen web view (no renders) or a
/// frozen main loop (reports not handled) stops them, and the supervisor
/// restarts the kiosk.
#[derive(Debug, Clone)]
pub struct Watchdog {
    /// Between pings: a third of the supervisor's time-out, so one late
    /// render never costs a restart.
    interval: Option<Duration>,
    ready_sent: bool,
    last_ping: Option<Instant>,
    last_render: Option<Instant>,
}

impl Watchdog {
    /// `timeout`: the supervisor's watchdog time-out (`WATCHDOG_USEC`), if any.
    pub fn new(timeout: Option<Duration>) -> Watchdog {
        Watchdog {
            interval: timeout.filter(|t| !t.is_zero()).map(|t| t / 3),
            ready_sent: false,
            last_ping: None,
            last_render: None,
        }
    }

    /// How often pings go out while renders keep coming.
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    /// The display rendered at `now`.
    pub fn on_render(&mut self, now: Instant) -> Notices {
        self.last_render = Some(now);
        let ready = !self.ready_sent;
        self.ready_sent = true;
        let ping = match (self.interval, self.last_ping) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(every), Some(last)) => now.saturating_duration_since(last) >= every,
        };
        if ping {
            self.last_ping = Some(now);
        }
        Notices { ready, ping }
    }

    /// How long since the display last rendered (for `doctor` and logs).
    pub fn since_render(&self, now: Instant) -> Option<Duration> {
        self.last_render.map(|t| now.saturating_duration_since(t))
    }
}

/// What to do after the web view's process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Load the display again; it asks for the current snapshot.
    Reload,
    /// Too many crashes: load the simpler page (text only, no photo wall),
    /// which needs far less of the web process.
    Simple,
}

/// Crashes of the web process in a sliding window.
#[derive(Debug, Clone)]
pub struct CrashWatch {
    window: Duration,
    limit: usize,
    crashes: VecDeque<Instant>,
}

/// Three crashes within ten minutes: the full page is not surviving here.
pub const CRASH_LIMIT: usize = 3;
pub const CRASH_WINDOW: Duration = Duration::from_secs(600);

impl Default for CrashWatch {
    fn default() -> Self {
        CrashWatch::new(CRASH_LIMIT, CRASH_WINDOW)
    }
}

impl CrashWatch {
    pub fn new(limit: usize, window: Duration) -> CrashWatch {
        CrashWatch {
            window,
            limit: limit.max(1),
            crashes: VecDeque::new(),
        }
    }

    /// A crash at `now`: how to recover, and how many crashes the window holds.
    pub fn crashed(&mut self, now: Instant) -> (Recovery, usize) {
        while self
            .crashes
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            self.crashes.pop_front();
        }
        self.crashes.push_back(now);
        let count = self.crashes.len();
        let recovery = if count >= self.limit {
            Recovery::Simple
        } else {
            Recovery::Reload
        };
        (recovery, count)
    }
}
