//! The organizer's control panel, headless: edits as `check(schedule, edits,
//! expect)` tables over a small schedule language, properties of delays, the
//! store's edits, announcements, undo, audit and rollback, and the PIN lock.
//!
//! The schedule language: sessions separated by `;`, each
//! `[ROOM] [d2] HH:MM-HH:MM KIND ID`, where a room name (`R1`) starts a
//! room and stays until the next, `d2` puts the session on the next day,
//! and KIND is `talk`, `break`, `working` or `social`. Times are local to
//! Europe/Berlin on 2024-05-14. The expected text is the schedule written
//! back in the same language (a cancelled session ends in ` cancelled`), or
//! `error: …` with a part of the refusal.

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};
use kiosk_core::edits::{
    self, apply, apply_edit, plan_delay, Announcement, Edit, Priority, MAX_ANNOUNCEMENT_CHARS,
};
use kiosk_core::model::{Conference, Room, Schedule, Session, SessionKind, Speaker};
use kiosk_core::snapshot::{display_snapshot, room_snapshot, set_announcements, Selection};
use kiosk_core::store::Store;
use proptest::prelude::*;

const ZONE: &str = "Europe/Berlin";

fn tz() -> TimeZone {
    TimeZone::get(ZONE).unwrap()
}

fn day1() -> civil::Date {
    civil::date(2024, 5, 14)
}

/// `HH:MM` (or `d2 HH:MM`) on the schedule's first day, in Berlin.
pub(crate) fn at(text: &str) -> Timestamp {
    let (date, hm) = match text.strip_prefix("d2 ") {
        Some(rest) => (day1().tomorrow().unwrap(), rest),
        None => (day1(), text),
    };
    let time: civil::Time = hm.parse().unwrap();
    tz().to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .unwrap()
}

fn kind(word: &str) -> SessionKind {
    match word {
        "talk" => SessionKind::Talk,
        "break" => SessionKind::Break,
        "working" => SessionKind::WorkingSession,
        "social" => SessionKind::Social,
        other => panic!("unknown kind {other:?}"),
    }
}

fn kind_word(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Talk => "talk",
        SessionKind::Break => "break",
        SessionKind::WorkingSession => "working",
        SessionKind::Social => "social",
    }
}

fn conference() -> Conference {
    Conference {
        id: "t".into(),
        name: "Test".into(),
        timezone: ZONE.into(),
        venue: None,
        day_change: kiosk_core::model::DEFAULT_DAY_CHANGE,
    }
}

/// Rooms R1..R3 always exist (so a move to an empty room can be written);
/// speakers `ann` and `bob`.
pub(crate) fn schedule(text: &str) -> Schedule {
    let rooms: Vec<Room> = (1..=3)
        .map(|i| Room {
            id: format!("R{i}"),
            name: format!("R{i}"),
        })
        .collect();
    let mut room = String::from("R1");
    let mut sessions = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        if words[0].starts_with('R') {
            room = words.remove(0).to_string();
        }
        let next_day = words[0] == "d2";
        if next_day {
            words.remove(0);
        }
        let (from, to) = words[0].split_once('-').expect("HH:MM-HH:MM");
        let day = |hm: &str| {
            if next_day {
                at(&format!("d2 {hm}"))
            } else {
                at(hm)
            }
        };
        let start = day(from);
        let mut end = day(to);
        if end <= start {
            end += SignedDuration::from_hours(24);
        }
        sessions.push(Session {
            id: words[2].to_string(),
            title: words[2].to_uppercase(),
            subtitle: None,
            abstract_text: None,
            room: room.clone(),
            track: None,
            kind: kind(words[1]),
            start,
            end,
            speakers: vec![],
            cancelled: false,
            info: Default::default(),
        });
    }
    Schedule::new(
        conference(),
        tz(),
        vec![],
        rooms,
        vec![],
        vec![
            Speaker {
                id: "ann".into(),
                name: "Ann".into(),
                affiliation: None,
            },
            Speaker {
                id: "bob".into(),
                name: "Bob".into(),
                affiliation: None,
            },
        ],
        sessions,
    )
}

fn hm(t: Timestamp) -> String {
    let z = t.to_zoned_datetime(tz());
    let prefix = if z.date() == day1() { "" } else { "d2 " };
    format!("{prefix}{}", z.strftime("%H:%M"))
}

/// The schedule in the test language, room by room.
fn render(s: &Schedule) -> String {
    let mut parts = Vec::new();
    for room in &s.rooms {
        for (i, x) in s.sessions.iter().filter(|x| x.room == room.id).enumerate() {
            let end = x.end.to_zoned_datetime(tz()).strftime("%H:%M").to_string();
            let mut text = format!(
                "{}{}-{} {} {}",
                if i == 0 {
                    format!("{} ", room.id)
                } else {
                    String::new()
                },
                hm(x.start),
                end,
                kind_word(x.kind),
                x.id
            );
            if x.cancelled {
                text.push_str(" cancelled");
            }
            parts.push(text);
        }
    }
    parts.join("; ")
}

#[track_caller]
fn check(input: &str, edits: &[Edit], expect: &str) {
    let s = schedule(input);
    let mut got = s.clone();
    let mut error = None;
    for e in edits {
        match apply_edit(&got, e) {
            Ok(next) => got = next,
            Err(err) => {
                error = Some(err.to_string());
                break;
            }
        }
    }
    match (error, expect.strip_prefix("error: ")) {
        (Some(err), Some(want)) => assert!(
            err.contains(want),
            "{input}\n{edits:?}\ngot error: {err}\nwanted: {want}"
        ),
        (Some(err), None) => panic!("{input}\n{edits:?}\nrefused: {err}\nwanted: {expect}"),
        (None, Some(want)) => panic!(
            "{input}\n{edits:?}\napplied: {}\nwanted an error: {want}",
            render(&got)
        ),
        (None, None) => {
            assert_eq!(render(&got), expect, "{input}\n{edits:?}");
            // The same edits through the lenient `apply` give the same.
            let applied = apply(&s, edits);
            assert!(applied.skipped.is_empty(), "{:?}", applied.skipped);
            assert_eq!(applied.schedule, got);
        }
    }
}

pub(crate) fn delay(room: &str, from: &str, minutes: i64) -> Edit {
    Edit::Delay {
        room: room.into(),
        from: at(from),
        minutes,
    }
}

pub(crate) fn id(s: &str) -> String {
    s.to_string()
}

pub(crate) const MORNING: &str = "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c";

pub(crate) const ORIGIN: &str = "control panel on kiosk-3";

pub(crate) fn store_with(text: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.apply(&schedule(text), "test.json").unwrap();
    store
}

fn announcement(
    id: &str,
    text: &str,
    rooms: Option<&[&str]>,
    priority: Priority,
    starts: &str,
    expires: Option<&str>,
) -> Announcement {
    Announcement {
        id: id.into(),
        text: text.into(),
        rooms: rooms.map(|r| r.iter().map(|x| x.to_string()).collect()),
        priority,
        starts: at(starts),
        expires: expires.map(at),
    }
}

mod properties;
mod screens;
mod store;
mod tables;
