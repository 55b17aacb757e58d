//! Whether the screen may blank. By default never while the kiosk shows; a
//! venue may let the screensaver run (`allow_blanking`) or switch screens
//! off outside each conference day's hours (`blank_outside_event_hours`).

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{civil, SignedDuration, Timestamp};

use crate::model::Schedule;

/// What the venue asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankingPolicy {
    /// Screensaver and power saving off while the kiosk runs (the default).
    Inhibit,
    /// Leave the screensaver and power saving as the system has them.
    Allow,
    /// On from `margin` before a conference day's first session until
    /// `margin` after its last one ends; off (power saving) otherwise.
    OutsideEventHours { margin: Duration },
}

/// What the screen should do now, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenPlan {
    /// Keep the screen on (blanking inhibited); `false`: switch it off.
    pub on: bool,
    /// When to decide again (`None`: nothing in the schedule changes it).
    pub until: Option<Timestamp>,
}

/// Each conference day's `[first start - margin, last end + margin)`.
fn event_hours(schedule: &Schedule, margin: Duration) -> Vec<(Timestamp, Timestamp)> {
    let margin = SignedDuration::try_from(margin).unwrap_or(SignedDuration::MAX);
    let mut days: BTreeMap<civil::Date, (Timestamp, Timestamp)> = BTreeMap::new();
    for s in schedule.sessions.iter().filter(|s| !s.cancelled) {
        let day = days
            .entry(schedule.conference_day(s.start))
            .or_insert((s.start, s.end));
        day.0 = day.0.min(s.start);
        day.1 = day.1.max(s.end);
    }
    days.into_values()
        .map(|(first, last)| {
            // Saturating by a fixed duration cannot fail (only calendar spans can).
            (
                first.saturating_sub(margin).unwrap_or(Timestamp::MIN),
                last.saturating_add(margin).unwrap_or(Timestamp::MAX),
            )
        })
        .collect()
}

/// Under [`BlankingPolicy::OutsideEventHours`]: on during event hours, off
/// outside them. Without a schedule the screen stays on (it says there is
/// none, which someone should see).
pub fn screen_plan(schedule: Option<&Schedule>, now: Timestamp, margin: Duration) -> ScreenPlan {
    let Some(schedule) = schedule.filter(|s| !s.sessions.is_empty()) else {
        return ScreenPlan {
            on: true,
            until: None,
        };
    };
    let hours = event_hours(schedule, margin);
    // Day spans may overlap when margins are wide: the screen stays on
    // until the last overlapping span ends.
    let mut on_until: Option<Timestamp> = None;
    for &(from, to) in &hours {
        let reaches = on_until.map_or(from <= now, |until| from <= until);
        if reaches && to > now {
            on_until = Some(on_until.map_or(to, |u| u.max(to)));
        }
    }
    match on_until {
        Some(until) => ScreenPlan {
            on: true,
            until: Some(until),
        },
        None => ScreenPlan {
            on: false,
            until: hours.iter().map(|h| h.0).find(|&from| from > now),
        },
    }
}
