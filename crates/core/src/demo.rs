//! The embedded demo: the Dask Summit 2020 (`assets/demo/dask-summit-2020.json`).

use jiff::{SignedDuration, Timestamp, Unit};

use crate::draft::Validated;
use crate::model::{Schedule, SessionKind};

pub const DEMO_JSON: &str = include_str!("../../../assets/demo/dask-summit-2020.json");

/// How far into the first morning's second talk the demo's clock starts.
pub const REBASE_INTO_TALK: SignedDuration = SignedDuration::from_mins(3);

/// The demo as stored, on its real dates (26–28 February 2020).
pub fn demo() -> Validated {
    crate::schedule_json::parse("embedded demo", DEMO_JSON.as_bytes())
        .expect("the embedded demo is valid (tested)")
}

/// The demo moved in time so that `start` falls a few minutes into the first
/// morning's second talk: a newcomer sees a live screen at any hour.
pub fn rebased(start: Timestamp) -> Schedule {
    let schedule = demo().schedule;
    let second_talk = schedule
        .sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Talk)
        .nth(1)
        .expect("the demo has talks");
    let minute = start.round(Unit::Minute).unwrap_or(start);
    let minute = if minute > start {
        minute - SignedDuration::from_mins(1)
    } else {
        minute
    };
    let target = minute - REBASE_INTO_TALK;
    schedule.shifted(target.duration_since(second_talk.start))
}
