//! Is a screen fine? Green, amber or red, and why, in words for the
//! organizer: a pure function of what the leader knows of it and the time.
//!
//! - Amber: it missed [`MISSED_AMBER`] heartbeats; its display has not
//!   painted yet; its schedule source is offline (the badge is on it).
//! - Red: it missed [`MISSED_RED`]; its connection dropped (a last will);
//!   its display last painted more than [`RENDER_STALE`] ago (a frozen web
//!   process); its clock is off by more than [`CLOCK_TOLERANCE`]; it has
//!   shown an older schedule than the leader's for more than
//!   [`BEHIND_GRACE`].

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;

use super::{
    ClockOffset, SyncLevel, BEHIND_GRACE, CLOCK_TOLERANCE, MISSED_AMBER, MISSED_RED, RENDER_STALE,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ScreenLevel")]
pub enum Level {
    Green,
    Amber,
    Red,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: Level,
    /// Why it is not green, worst first (empty when green).
    pub reasons: Vec<String>,
}

/// A screen that shows an older schedule than the leader's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    pub revisions: u32,
    /// When the leader published the first version it lacks.
    pub since: Timestamp,
}

/// What the leader knows of a screen, at `now` (the leader's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInput {
    pub now: Timestamp,
    /// Its last heartbeat arrived then.
    pub last_seen: Timestamp,
    /// It reports this often.
    pub interval: Duration,
    /// Its connection dropped then (its last will, or a goodbye).
    pub offline_since: Option<Timestamp>,
    /// How long before its last heartbeat its display painted (`None`: never).
    pub render_age: Option<Duration>,
    pub clock: Option<ClockOffset>,
    pub behind: Option<Behind>,
    pub sync: SyncLevel,
}

pub fn status(input: &StatusInput) -> Status {
    let mut found: Vec<(Level, String)> = Vec::new();
    let silent = since(input.last_seen, input.now);
    if let Some(dropped) = input.offline_since {
        found.push((
            Level::Red,
            format!(
                "Offline: its connection dropped {} ago",
                span(since(dropped, input.now))
            ),
        ));
    } else {
        let interval = input.interval.max(Duration::from_secs(1));
        let missed = (silent.as_secs_f64() / interval.as_secs_f64()).floor() as u32;
        if missed >= MISSED_AMBER {
            let level = if missed >= MISSED_RED {
                Level::Red
            } else {
                Level::Amber
            };
            found.push((
                level,
                format!("No report for {} ({missed} missed)", span(silent)),
            ));
        }
    }
    match input.render_age {
        None => found.push((Level::Amber, "Its display has not painted yet".into())),
        Some(age) if age > RENDER_STALE => found.push((
            Level::Red,
            format!("Its display last painted {} ago (frozen?)", span(age)),
        )),
        Some(_) => {}
    }
    if let Some(clock) = input.clock {
        if clock.offset_ms.unsigned_abs() > CLOCK_TOLERANCE.as_millis() as u64 {
            found.push((Level::Red, format!("Its clock is {}", clock_text(&clock))));
        }
    }
    if let Some(behind) = input.behind {
        let late = since(behind.since, input.now);
        if late > BEHIND_GRACE {
            found.push((
                Level::Red,
                format!(
                    "It shows a schedule {} behind, for {}",
                    revisions_text(behind.revisions),
                    span(late)
                ),
            ));
        }
    }
    if input.sync == SyncLevel::Offline {
        found.push((
            Level::Amber,
            "Its schedule source is offline (the badge is on screen)".into(),
        ));
    }
    // Worst first; equal levels keep the order above.
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    Status {
        level: found.first().map_or(Level::Green, |(l, _)| *l),
        reasons: found.into_iter().map(|(_, r)| r).collect(),
    }
}

fn since(then: Timestamp, now: Timestamp) -> Duration {
    Duration::try_from(now.duration_since(then)).unwrap_or(Duration::ZERO)
}

/// `35 s`, `1 min 5 s`, `2 h 3 min`.
pub fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 if s % 60 == 0 => format!("{} min", s / 60),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ if s / 60 % 60 == 0 => format!("{} h", s / 3600),
        _ => format!("{} h {} min", s / 3600, s / 60 % 60),
    }
}

/// `30.0 s ahead of the leader's (± 3 ms)`, `in step (± 3 ms)`.
pub fn clock_text(clock: &ClockOffset) -> String {
    let seconds = clock.offset_ms.unsigned_abs() as f64 / 1000.0;
    let within = if clock.uncertainty_ms < 1000 {
        format!("± {} ms", clock.uncertainty_ms)
    } else {
        format!("± {:.1} s", clock.uncertainty_ms as f64 / 1000.0)
    };
    match clock.offset_ms {
        0 => format!("in step ({within})"),
        o if o.unsigned_abs() < 1000 => format!(
            "{} ms {} the leader's ({within})",
            o.unsigned_abs(),
            if o > 0 { "ahead of" } else { "behind" }
        ),
        o => format!(
            "{seconds:.1} s {} the leader's ({within})",
            if o > 0 { "ahead of" } else { "behind" }
        ),
    }
}

/// `1 revision`, `3 revisions`.
pub fn revisions_text(n: u32) -> String {
    if n == 1 {
        "1 revision".into()
    } else {
        format!("{n} revisions")
    }
}
