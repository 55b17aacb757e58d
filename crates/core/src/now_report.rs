//! The `summit-kiosk now --json` contract: what each room's screen shows at an
//! instant, computed by the same [`crate::snapshot`] code the display uses.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Schedule;
use crate::snapshot::{room_snapshot, SessionView};
use crate::store::Store;

#[derive(Debug, Serialize, PartialEq)]
pub struct NowReport {
    pub at: String,
    pub timezone: String,
    pub rooms: Vec<RoomNow>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct RoomNow {
    pub room: String,
    pub now: Option<Entry>,
    pub next: Option<Entry>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Entry {
    pub title: String,
    pub speakers: Vec<String>,
    pub start: String,
    pub end: String,
    pub kind: String,
}

fn entry(schedule: &Schedule, s: &SessionView) -> Entry {
    Entry {
        title: s.title.clone(),
        speakers: s.speakers.iter().map(|sp| sp.name.clone()).collect(),
        start: schedule.local_rfc3339(s.start),
        end: schedule.local_rfc3339(s.end),
        kind: s.kind.as_str().to_string(),
    }
}

/// Every room in schedule order, or just `room` (by name or id).
pub fn now_report(schedule: &Schedule, at: Timestamp, room: Option<&str>) -> Result<NowReport> {
    let rooms: Vec<&crate::model::Room> = match room {
        Some(name) => vec![schedule
            .room_by_name(name)
            .ok_or_else(|| Error::UnknownRoom {
                room: name.to_string(),
                known: schedule.room_names(),
            })?],
        None => schedule.rooms.iter().collect(),
    };
    Ok(NowReport {
        at: schedule.local_rfc3339(at),
        timezone: schedule.conference.timezone.clone(),
        rooms: rooms
            .into_iter()
            .map(|r| {
                let snap = room_snapshot(schedule, &r.id, at);
                RoomNow {
                    room: r.name.clone(),
                    now: snap.current.as_ref().map(|c| entry(schedule, &c.session)),
                    next: snap.next.as_ref().map(|n| entry(schedule, n)),
                }
            })
            .collect(),
    })
}

/// `schedule` written into a store in memory and read back: `now --schedule`
/// and `now --demo` report what the display would read from its store, not
/// the importer's draft.
pub fn through_store(schedule: &Schedule) -> Result<Schedule> {
    let mut store = Store::open_in_memory()?;
    store.replace_schedule(schedule, "now")?;
    store.load()?.ok_or_else(|| Error::Store {
        path: ":memory:".into(),
        message: "the schedule just stored reads back as none".into(),
    })
}

/// The report as `now --json` prints it (pretty, two-space indent).
pub fn to_json(report: &NowReport) -> String {
    // Strings and options of strings only: serializing cannot fail.
    serde_json::to_string_pretty(report).expect("a report of strings serializes")
}
