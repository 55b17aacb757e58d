//! Screens that report to a real leader over HTTP with the kiosk's own
//! reporter ([`HttpReporter`]: `POST /screens/<id>`, the bearer token, the
//! clock exchange), each in a state the organizer must notice: fine, silent
//! for 2 or 4 heartbeats, never painted, its source offline, its display
//! frozen, its clock ahead. What they send is a real heartbeat; only what
//! it says of the screen is chosen.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use kiosk_core::clock::{AcceleratedClock, Clock, SystemClock};
use kiosk_core::fleet::heartbeat::{ScheduleReport, SyncReport};
use kiosk_core::fleet::report::HttpReporter;
use kiosk_core::fleet::{Heartbeat, Role, RoomShowing, ShownSession, SyncLevel};
use kiosk_core::sync::UrlSource;

/// What a simulated screen is like, and so how the leader should rate it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Reports every [`BEAT`], painted just now, clock right.
    Fine,
    /// Reports once (announcing a 10 s interval), then nothing: amber from
    /// 20 s (2 missed) to 40 s (4 missed).
    SilentAmber,
    /// Reports once (a 2 s interval), then nothing: red after 8 s.
    SilentRed,
    /// Its display has not painted yet: amber.
    NeverPainted,
    /// Its schedule source is offline: amber.
    SourceOffline,
    /// Its display last painted this many seconds ago: red over 10 s.
    Frozen(u64),
    /// Its clock runs this many seconds ahead of the leader's: red over 2 s.
    ClockAhead(i64),
}

/// The interval a reporting screen announces and keeps.
pub const BEAT: Duration = Duration::from_secs(3);

impl Kind {
    /// The level the leader's Screens tab should show, and a piece of the
    /// first reason it should give.
    pub fn expected(self) -> (&'static str, &'static str) {
        match self {
            Kind::Fine => ("green", ""),
            Kind::SilentAmber => ("amber", "missed"),
            Kind::SilentRed => ("red", "missed"),
            Kind::NeverPainted => ("amber", "has not painted yet"),
            Kind::SourceOffline => ("amber", "source is offline"),
            Kind::Frozen(_) => ("red", "last painted"),
            Kind::ClockAhead(_) => ("red", "clock is"),
        }
    }

    fn interval(self) -> Duration {
        match self {
            Kind::SilentAmber => Duration::from_secs(10),
            Kind::SilentRed => Duration::from_secs(2),
            _ => BEAT,
        }
    }

    fn reports_once(self) -> bool {
        matches!(self, Kind::SilentAmber | Kind::SilentRed)
    }
}

/// Heartbeats sent, answered with a valid reply, and failed, all screens together.
#[derive(Debug, Default)]
pub struct Counts {
    pub sent: AtomicU64,
    pub answered: AtomicU64,
    pub failed: AtomicU64,
}

/// The simulated screens, reporting until dropped.
pub struct Fleet {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    pub counts: Arc<Counts>,
}

/// Screen `i`'s name as the tab shows it.
pub fn name_of(i: usize, kind: Kind) -> String {
    let what = match kind {
        Kind::Fine => "",
        Kind::SilentAmber | Kind::SilentRed => " (unplugged)",
        Kind::NeverPainted => " (starting)",
        Kind::SourceOffline => " (no network)",
        Kind::Frozen(_) => " (frozen)",
        Kind::ClockAhead(_) => " (clock)",
    };
    format!("Screen {:02}{what}", i + 1)
}

impl Fleet {
    /// Start one reporting thread per screen in `kinds`, following the
    /// leader's feed at `feed` (`http://…/feed.json?token=…`).
    pub fn start(feed: &str, kinds: &[Kind]) -> Fleet {
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Counts::default());
        let source = UrlSource::parse(feed);
        let threads = kinds
            .iter()
            .enumerate()
            .map(|(i, &kind)| {
                let id = format!("sim-screen-{i:02}");
                let reporter = HttpReporter::for_feed(&source, &id).expect("a feed URL");
                let (stop, counts) = (stop.clone(), counts.clone());
                std::thread::spawn(move || report(i, &id, kind, &reporter, &stop, &counts))
            })
            .collect();
        Fleet {
            stop,
            threads,
            counts,
        }
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn session(i: usize, title: &str, start: &str, end: &str) -> ShownSession {
    ShownSession {
        id: format!("s{i}-{start}"),
        title: title.into(),
        start_local: start.into(),
        end_local: end.into(),
    }
}

/// Screen `i`'s heartbeats until `stop`.
fn report(
    i: usize,
    id: &str,
    kind: Kind,
    reporter: &HttpReporter,
    stop: &AtomicBool,
    counts: &Counts,
) {
    let clock: Box<dyn Clock> = match kind {
        Kind::ClockAhead(secs) => {
            let ahead = SystemClock.now() + jiff::SignedDuration::from_secs(secs);
            Box::new(AcceleratedClock::new(ahead, 1.0))
        }
        _ => Box::new(SystemClock),
    };
    let started_ms = clock.now().as_millisecond();
    let room = format!("Room {}", (b'A' + (i % 8) as u8) as char);
    let mut offset = None;
    let mut seq = 0;
    while !stop.load(Ordering::Relaxed) {
        seq += 1;
        let mut h = Heartbeat::new(id, &name_of(i, kind));
        h.seq = seq;
        h.started_ms = started_ms;
        h.interval_secs = kind.interval().as_secs() as u32;
        h.role = Role::Room { room: room.clone() };
        h.showing = vec![RoomShowing {
            room: room.clone(),
            now: Some(session(i, "Scaling Dask on a laptop", "10:20", "10:45")),
            next: Some(session(i, "Lightning talks", "10:45", "11:00")),
        }];
        h.schedule = ScheduleReport {
            conference: "dask-summit-2020".into(),
            revision: 3,
            feed_version: None,
        };
        h.sync = SyncReport {
            state: if kind == Kind::SourceOffline {
                SyncLevel::Offline
            } else {
                SyncLevel::Ok
            },
            source: Some("http://127.0.0.1/feed.json".into()),
            error: None,
        };
        h.version = env!("CARGO_PKG_VERSION").into();
        h.uptime_secs = seq * kind.interval().as_secs();
        h.memory_pss_bytes = Some(180_000_000 + i as u64 * 3_000_000);
        h.clock = offset;
        h.last_render_age_ms = match kind {
            Kind::NeverPainted => None,
            Kind::Frozen(secs) => Some(secs * 1000),
            _ => Some(300),
        };
        counts.sent.fetch_add(1, Ordering::Relaxed);
        match reporter.send(h, clock.as_ref()) {
            Ok(answered) => {
                counts.answered.fetch_add(1, Ordering::Relaxed);
                offset = answered.offset.or(offset);
                if kind.reports_once() {
                    return;
                }
            }
            Err(_) => {
                counts.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        // Sleep in small steps: a dropped fleet stops at once.
        let mut left = kind.interval();
        while !left.is_zero() && !stop.load(Ordering::Relaxed) {
            let step = left.min(Duration::from_millis(100));
            std::thread::sleep(step);
            left -= step;
        }
    }
}
