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
fn at(text: &str) -> Timestamp {
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
fn schedule(text: &str) -> Schedule {
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
            slides_url: None,
            room: room.clone(),
            track: None,
            kind: kind(words[1]),
            start,
            end,
            speakers: vec![],
            cancelled: false,
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

fn delay(room: &str, from: &str, minutes: i64) -> Edit {
    Edit::Delay {
        room: room.into(),
        from: at(from),
        minutes,
    }
}

fn id(s: &str) -> String {
    s.to_string()
}

const MORNING: &str = "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c";

#[test]
fn a_delay_shifts_until_a_break_absorbs_it() {
    let table: &[(&str, Vec<Edit>, &str)] = &[
        // The break absorbs: it starts later, ends as planned (5 min remain).
        (
            MORNING,
            vec![delay("R1", "10:05", 10)],
            "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c",
        ),
        // 4 minutes would remain: too short, the break moves whole and the
        // shift runs on to the end of the day.
        (
            MORNING,
            vec![delay("R1", "10:05", 11)],
            "R1 10:11-10:41 talk a; 10:41-10:56 break b; 10:56-11:26 talk c",
        ),
        // Delaying during a talk shifts that talk; the room's name works too.
        (
            MORNING,
            vec![delay("r1", "10:50", 5)],
            "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:50-11:20 talk c",
        ),
        // Between sessions: the next one is delayed; gaps are kept, not absorbed.
        (
            "R1 10:00-10:30 talk a; 10:40-11:00 talk b; 11:10-11:30 talk c",
            vec![delay("R1", "10:35", 10)],
            "R1 10:00-10:30 talk a; 10:50-11:10 talk b; 11:20-11:40 talk c",
        ),
        // A working session absorbs like a break.
        (
            "R1 13:00-13:30 talk a; 13:30-15:00 working w; 15:00-15:30 talk c",
            vec![delay("R1", "13:00", 20)],
            "R1 13:20-13:50 talk a; 13:50-15:00 working w; 15:00-15:30 talk c",
        ),
        // A social event does not absorb.
        (
            "R1 17:00-17:30 talk a; 17:30-19:00 social s",
            vec![delay("R1", "17:00", 15)],
            "R1 17:15-17:45 talk a; 17:45-19:15 social s",
        ),
        // Other rooms never move.
        (
            "R1 10:00-10:30 talk a; R2 10:00-10:30 talk x; 10:30-11:00 talk y",
            vec![delay("R1", "10:00", 10)],
            "R1 10:10-10:40 talk a; R2 10:00-10:30 talk x; 10:30-11:00 talk y",
        ),
        // The next day never moves.
        (
            "R1 17:00-18:00 talk a; d2 09:00-10:00 talk b",
            vec![delay("R1", "17:10", 30)],
            "R1 17:30-18:30 talk a; d2 09:00-10:00 talk b",
        ),
        // Two delays add up; the second is absorbed by what remains of the break.
        (
            "R1 10:00-10:30 talk a; 10:30-11:00 break b; 11:00-11:30 talk c",
            vec![delay("R1", "10:05", 10), delay("R1", "10:15", 10)],
            "R1 10:20-10:50 talk a; 10:50-11:00 break b; 11:00-11:30 talk c",
        ),
        // A cancelled session is not the one in progress: the next is delayed.
        (
            "R1 10:00-10:30 talk a; 10:30-11:00 talk b",
            vec![Edit::Cancel { session: id("a") }, delay("R1", "10:10", 10)],
            "R1 10:00-10:30 talk a cancelled; 10:40-11:10 talk b",
        ),
        // A shift that would run into the next day's first session is refused.
        (
            "R1 23:00-03:50 social a; d2 04:00-05:00 talk b",
            vec![delay("R1", "23:30", 20)],
            "error: session \"a\" (A, 23:20–04:10) would overlap \"b\" (B, 04:00–05:00) in R1",
        ),
        (
            MORNING,
            vec![delay("R1", "11:30", 10)],
            "error: nothing to delay in R1: no session is on at 11:30",
        ),
        (
            MORNING,
            vec![delay("R9", "10:00", 10)],
            "error: there is no room \"R9\"; the rooms are: R1, R2, R3",
        ),
        (
            MORNING,
            vec![delay("R1", "10:00", 0)],
            "error: a delay must be between 1 and 720 minutes, not 0",
        ),
        (
            MORNING,
            vec![delay("R1", "10:00", 721)],
            "error: between 1 and 720 minutes",
        ),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn started_late_extended_and_ended_early() {
    let table: &[(&str, Vec<Edit>, &str)] = &[
        // Started late: a delay by the difference.
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("a"),
                at: at("10:07"),
            }],
            "R1 10:07-10:37 talk a; 10:37-10:45 break b; 10:45-11:15 talk c",
        ),
        // Started early: only that session moves.
        (
            "R1 10:00-10:30 talk a; 10:40-11:10 talk c",
            vec![Edit::StartedAt {
                session: id("c"),
                at: at("10:35"),
            }],
            "R1 10:00-10:30 talk a; 10:35-11:05 talk c",
        ),
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("c"),
                at: at("10:40"),
            }],
            "error: session \"c\" (C, 10:40–11:10) would overlap \"b\" (B, 10:30–10:45) in R1",
        ),
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("a"),
                at: at("10:00"),
            }],
            MORNING,
        ),
        // Extended: later sessions shift by the same rule.
        (
            MORNING,
            vec![Edit::Extend {
                session: id("a"),
                minutes: 10,
            }],
            "R1 10:00-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("a"),
                minutes: 12,
            }],
            "R1 10:00-10:42 talk a; 10:42-10:57 break b; 10:57-11:27 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("c"),
                minutes: 15,
            }],
            "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:30 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("zz"),
                minutes: 15,
            }],
            "error: session \"zz\" is not in the schedule",
        ),
        // Ended now: nothing else moves.
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("10:20"),
            }],
            "R1 10:00-10:20 talk a; 10:30-10:45 break b; 10:45-11:15 talk c",
        ),
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("10:35"),
            }],
            "error: session \"a\" (A, 10:00–10:35) would overlap \"b\" (B, 10:30–10:45) in R1",
        ),
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("09:55"),
            }],
            "error: session \"a\": it would end (09:55) before it starts (10:00)",
        ),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn skip_cancel_move_change_and_add() {
    let new = |id: &str, room: &str, from: &str, to: &str| Session {
        id: id.into(),
        title: "New".into(),
        subtitle: None,
        abstract_text: None,
        slides_url: None,
        room: room.into(),
        track: None,
        kind: SessionKind::Talk,
        start: at(from),
        end: at(to),
        speakers: vec!["ann".into()],
        cancelled: false,
    };
    let table: &[(&str, Vec<Edit>, &str)] = &[
        (MORNING, vec![Edit::Skip { session: id("b") }], "R1 10:00-10:30 talk a; 10:45-11:15 talk c"),
        (MORNING, vec![Edit::Skip { session: id("b") }, Edit::Cancel { session: id("b") }],
         "error: session \"b\" is not in the schedule"),
        (MORNING, vec![Edit::Cancel { session: id("c") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c cancelled"),
        (MORNING, vec![Edit::Move { session: id("c"), room: id("R3") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; R3 10:45-11:15 talk c"),
        ("R1 10:00-10:30 talk a; R2 10:15-11:00 talk x", vec![Edit::Move { session: id("a"), room: id("R2") }],
         "error: session \"a\" (A, 10:00–10:30) would overlap \"x\" (X, 10:15–11:00) in R2"),
        // A cancelled session's slot is free.
        ("R1 10:00-10:30 talk a; R2 10:15-11:00 talk x",
         vec![Edit::Cancel { session: id("x") }, Edit::Move { session: id("a"), room: id("R2") }],
         "R2 10:00-10:30 talk a; 10:15-11:00 talk x cancelled"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: None, start: Some(at("10:50")), end: Some(at("11:30")), room: None }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:50-11:30 talk c"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: None, start: None, end: Some(at("10:40")), room: None }],
         "error: session \"c\": it would end (10:40) before it starts (10:45)"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: Some("  ".into()), speakers: None, start: None, end: None, room: None }],
         "error: session \"c\": a session needs a title"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: Some(vec!["eve".into()]), start: None, end: None, room: None }],
         "error: session \"c\": there is no speaker \"eve\""),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R1", "11:15", "11:45") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk local-1"),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R1", "11:00", "11:45") }],
         "error: session \"local-1\" (New, 11:00–11:45) would overlap \"c\" (C, 10:45–11:15) in R1"),
        (MORNING, vec![Edit::AddSession { session: new("a", "R2", "11:00", "11:45") }],
         "error: there is already a session with id \"a\""),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R7", "11:00", "11:45") }],
         "error: there is no room \"R7\""),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn titles_and_speakers_change_in_place() {
    let s = schedule(MORNING);
    let out = apply_edit(
        &s,
        &Edit::EditSession {
            session: id("a"),
            title: Some(" Keynote ".into()),
            speakers: Some(vec!["bob".into(), "ann".into()]),
            start: None,
            end: None,
            room: None,
        },
    )
    .unwrap();
    let a = out.session("a").unwrap();
    assert_eq!(a.title, "Keynote");
    assert_eq!(a.speakers, ["bob", "ann"]);
}

#[test]
fn edits_that_no_longer_fit_a_new_import_are_reported_and_kept() {
    let edits = vec![
        Edit::Skip {
            session: id("gone"),
        },
        delay("R1", "10:05", 10),
        Edit::Cancel { session: id("c") },
    ];
    let applied = apply(&schedule(MORNING), &edits);
    assert_eq!(
        render(&applied.schedule),
        "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c cancelled"
    );
    assert_eq!(applied.skipped.len(), 1);
    assert_eq!(applied.skipped[0].0, 0);
    assert!(
        applied.skipped[0]
            .1
            .contains("\"gone\" is not in the schedule"),
        "{:?}",
        applied.skipped
    );
    // An edit that would now overlap is skipped, the rest still apply.
    let imported = schedule("R1 10:00-10:30 talk a; 10:30-10:45 talk b2; 10:45-11:15 talk c");
    let applied = apply(
        &imported,
        &[
            Edit::EndNow {
                session: id("a"),
                at: at("10:40"),
            },
            Edit::Cancel { session: id("c") },
        ],
    );
    assert_eq!(applied.skipped.len(), 1);
    assert!(applied.skipped[0].1.contains("would overlap"));
    assert!(applied.schedule.session("c").unwrap().cancelled);
}

#[test]
fn a_delay_plan_says_where_it_stops() {
    let s = schedule(MORNING);
    let plan = plan_delay(&s, "R1", at("10:05"), 10).unwrap();
    let moved: Vec<(&str, String, String)> = plan
        .shifted
        .iter()
        .map(|m| (m.session.as_str(), hm(m.old_start), hm(m.new_start)))
        .collect();
    assert_eq!(moved, [("a", "10:00".into(), "10:10".into())]);
    let absorbed = plan.absorbed_by.as_ref().unwrap();
    assert_eq!(
        (
            absorbed.session.as_str(),
            hm(absorbed.new_start),
            hm(absorbed.new_end)
        ),
        ("b", "10:40".into(), "10:45".into())
    );
    assert!(!plan.runs_to_day_end);
    assert_eq!(
        plan.summary(&s),
        "1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45)"
    );
    let plan = plan_delay(&s, "R1", at("10:05"), 20).unwrap();
    assert!(plan.absorbed_by.is_none() && plan.runs_to_day_end);
    assert_eq!(plan.shifted.len(), 3);
    assert_eq!(plan.day_end, at("d2 04:00"));
    assert!(plan
        .summary(&s)
        .ends_with("no break absorbs it: the shift runs to the end of the day"));
    // The edit's sentence for the audit log.
    assert_eq!(
        delay("R1", "10:05", 10).describe(&s),
        "Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))"
    );
}

#[test]
fn edits_are_tagged_json() {
    let e = delay("R1", "10:05", 10);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["kind"], "delay");
    assert_eq!(json["minutes"], 10);
    let back: Edit = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
    let e: Edit =
        serde_json::from_str(r#"{"kind":"edit_session","session":"a","title":"T"}"#).unwrap();
    assert!(matches!(
        e,
        Edit::EditSession {
            title: Some(_),
            start: None,
            ..
        }
    ));
    let s = schedule(MORNING);
    let json = serde_json::to_string(&s).unwrap();
    let back: Schedule = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

// ---------------------------------------------------------------- screens

#[test]
fn screens_show_shifted_times_and_cancelled_sessions() {
    let s = schedule(MORNING);
    let s = apply(
        &s,
        &[delay("R1", "10:05", 10), Edit::Cancel { session: id("c") }],
    )
    .schedule;
    let snap = room_snapshot(&s, "R1", at("10:05"));
    assert!(snap.current.is_none(), "a starts at 10:10 now");
    let next = snap.next.unwrap();
    assert_eq!(
        (next.id.as_str(), next.start_local.as_str()),
        ("a", "10:10")
    );
    // A cancelled session is shown, marked, but never "now".
    let snap = room_snapshot(&s, "R1", at("10:41"));
    let after = snap.next.unwrap();
    assert_eq!((after.id.as_str(), after.cancelled), ("c", true));
    let snap = room_snapshot(&s, "R1", at("10:50"));
    assert!(snap.current.is_none());
    let json = serde_json::to_value(room_snapshot(&s, "R1", at("10:41"))).unwrap();
    assert_eq!(json["next"]["cancelled"], true);
    assert_eq!(json["current"]["cancelled"], false);
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

#[test]
fn a_screen_shows_the_most_urgent_then_newest_announcement() {
    let s = schedule("R1 10:00-11:00 talk a; R2 10:00-11:00 talk b");
    let list = vec![
        announcement(
            "ann-1",
            "Lunch moves to 13:00",
            None,
            Priority::Normal,
            "09:00",
            None,
        ),
        announcement(
            "ann-2",
            "Room R2: talk b is in R3",
            Some(&["R2"]),
            Priority::Normal,
            "10:00",
            Some("10:30"),
        ),
        announcement(
            "ann-3",
            "Fire drill",
            None,
            Priority::Urgent,
            "10:40",
            Some("10:45"),
        ),
    ];
    // (at, room, expected announcement, expected next change)
    let table = [
        ("08:00", "R1", "-", "09:00"),
        ("09:30", "R1", "ann-1", "10:00"),
        ("10:05", "R1", "ann-1", "10:40"),
        ("10:05", "R2", "ann-2", "10:30"),
        ("10:35", "R2", "ann-1", "10:40"),
        ("10:40", "R1", "ann-3", "10:45"),
        ("10:45", "R1", "ann-1", "10:55"),
    ];
    for (when, room, want, change) in table {
        let mut snap = display_snapshot(
            Some(&s),
            &Selection::Room { room: room.into() },
            at(when),
            1,
            1.0,
        );
        set_announcements(&mut snap, &list);
        let got = snap
            .announcement
            .as_ref()
            .map(|a| a.id.as_str())
            .unwrap_or("-");
        assert_eq!(got, want, "at {when} in {room}");
        assert_eq!(
            snap.next_change_at.map(hm).as_deref(),
            Some(change),
            "at {when} in {room}"
        );
    }
    // The lobby lists every room, so it shows room announcements too.
    let mut snap = display_snapshot(Some(&s), &Selection::Lobby, at("10:05"), 1, 1.0);
    set_announcements(&mut snap, &list);
    assert_eq!(snap.announcement.unwrap().id, "ann-2");
    // With no schedule, announcements for every screen still show.
    let mut snap = display_snapshot(None, &Selection::Lobby, at("10:05"), 0, 1.0);
    set_announcements(&mut snap, &list);
    assert_eq!(snap.announcement.as_ref().unwrap().id, "ann-1");
    assert_eq!(snap.next_change_at, Some(at("10:40")));
    assert!(!snap.announcement.unwrap().urgent);
}

#[test]
fn announcements_are_validated() {
    let s = schedule(MORNING);
    let now = at("09:00");
    let ok = announcement(
        "",
        "  Coffee is in the hall  ",
        Some(&["r1", "R1"]),
        Priority::Normal,
        "09:00",
        None,
    )
    .validate(Some(&s), now)
    .unwrap();
    assert_eq!(ok.text, "Coffee is in the hall");
    assert_eq!(ok.rooms, Some(vec!["R1".to_string()]));
    let long = "é".repeat(MAX_ANNOUNCEMENT_CHARS + 1);
    let table = [
        (
            announcement("x", &long, None, Priority::Normal, "09:00", None),
            "is 281 characters long; at most 280 fit on a screen",
        ),
        (
            announcement("x", " ", None, Priority::Normal, "09:00", None),
            "the text is empty",
        ),
        (
            announcement("x", "a\u{7}b", None, Priority::Normal, "09:00", None),
            "control characters",
        ),
        (
            announcement("x", "hi", Some(&[]), Priority::Normal, "09:00", None),
            "no room chosen",
        ),
        (
            announcement("x", "hi", Some(&["R9"]), Priority::Normal, "09:00", None),
            "there is no room \"R9\"",
        ),
        (
            announcement("x", "hi", None, Priority::Normal, "10:00", Some("09:30")),
            "expire before it starts",
        ),
        (
            announcement("x", "hi", None, Priority::Normal, "08:00", Some("08:30")),
            "already have expired",
        ),
    ];
    for (a, want) in table {
        let err = a.validate(Some(&s), now).unwrap_err();
        assert!(err.to_string().contains(want), "{err}");
        assert!(err.to_string().starts_with("announcement \"x\": "), "{err}");
    }
    assert!(announcement(
        "x",
        &"é".repeat(MAX_ANNOUNCEMENT_CHARS),
        None,
        Priority::Normal,
        "09:00",
        None
    )
    .validate(Some(&s), now)
    .is_ok());
}

// ---------------------------------------------------------------- store

const ORIGIN: &str = "control panel on kiosk-3";

fn store_with(text: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.apply(&schedule(text), "test.json").unwrap();
    store
}

#[test]
fn a_delay_survives_a_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 4);
        store.apply(&schedule(MORNING), "feed").unwrap();
        let recorded = store
            .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
            .unwrap();
        assert_eq!(recorded.id, 1);
        assert_eq!(
            render(&recorded.schedule),
            "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c"
        );
    }
    let mut store = Store::open(&path).unwrap();
    // The source fixes a title and adds a talk: a new revision.
    let mut reimport = schedule(
        "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk d",
    );
    reimport.sessions[0].title = "A, retitled".into();
    let summary = store.apply(&reimport, "feed").unwrap();
    assert_eq!(summary.revision, Some(2));
    assert_eq!(
        store.load().unwrap().unwrap(),
        reimport,
        "the import itself is stored as it came"
    );
    assert_eq!(store.active_edits().unwrap().len(), 1, "the edit is kept");
    let effective = store.effective_schedule().unwrap().unwrap();
    assert_eq!(
        render(&effective),
        "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk d"
    );
    assert_eq!(effective.session("a").unwrap().title, "A, retitled");
    // The screen shows the delay.
    let snap = room_snapshot(&effective, "R1", at("10:05"));
    assert_eq!(snap.next.unwrap().start_local, "10:10");
    // An import that drops the session: the edit is reported, and kept.
    store
        .record_edit(Edit::Cancel { session: id("d") }, ORIGIN, at("10:06"))
        .unwrap();
    store.apply(&schedule(MORNING), "feed").unwrap();
    let applied = store.effective().unwrap().unwrap();
    assert_eq!(applied.skipped.len(), 1);
    assert_eq!(applied.skipped[0].0, 1);
    assert_eq!(store.active_edits().unwrap().len(), 2);
}

#[test]
fn edits_are_stored_with_room_ids() {
    let mut store = store_with(MORNING);
    store
        .record_edit(delay("r1", "10:05", 5), ORIGIN, at("10:05"))
        .unwrap();
    let stored = store.active_edits().unwrap();
    assert!(matches!(&stored[0].edit, Edit::Delay { room, .. } if room == "R1"));
    assert_eq!(stored[0].origin, ORIGIN);
    assert_eq!(stored[0].created_at, at("10:05"));
    let plan = store.plan_delay("R1", at("10:20"), 6).unwrap();
    assert_eq!(plan.shifted[0].session, "a");
    assert!(
        plan.absorbed_by.is_none(),
        "4 of the break's 10 minutes would be left"
    );
}

#[test]
fn a_refused_edit_names_the_session_and_writes_nothing() {
    let mut store = store_with(MORNING);
    let err = store
        .record_edit(
            Edit::EndNow {
                session: id("a"),
                at: at("10:35"),
            },
            ORIGIN,
            at("10:20"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "overlap");
    let text = err.to_string();
    assert!(
        text.contains("session \"a\" (A, 10:00–10:35) would overlap \"b\""),
        "{text}"
    );
    assert!(store.edits().unwrap().is_empty());
    assert!(store.audit(10).unwrap().is_empty());
    let empty = Store::open_in_memory().unwrap().record_edit(
        Edit::Skip { session: id("a") },
        ORIGIN,
        at("10:00"),
    );
    assert!(empty
        .unwrap_err()
        .to_string()
        .contains("no schedule has been imported yet"));
}

#[test]
fn undo_walks_back_edits_and_announcements_exactly() {
    let mut store = store_with(MORNING);
    let before = store.effective_schedule().unwrap().unwrap();
    store
        .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
        .unwrap();
    let delayed = store.effective_schedule().unwrap().unwrap();
    store
        .record_edit(
            Edit::Cancel { session: id("c") },
            "control panel on laptop",
            at("10:06"),
        )
        .unwrap();
    let ann = store
        .add_announcement(
            announcement(
                "",
                "Talk C is cancelled",
                Some(&["R1"]),
                Priority::Urgent,
                "10:06",
                None,
            ),
            ORIGIN,
            at("10:06"),
        )
        .unwrap();
    assert_eq!(ann.id, "ann-1");
    assert!(store
        .remove_announcement("ann-1", ORIGIN, at("10:07"))
        .unwrap());
    assert!(!store
        .remove_announcement("ann-1", ORIGIN, at("10:07"))
        .unwrap());
    assert!(store.announcements().unwrap().is_empty());

    let audit = store.audit(10).unwrap();
    let whats: Vec<&str> = audit.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(
        whats,
        [
            "Took down the announcement “Talk C is cancelled”",
            "Announced “Talk C is cancelled” in R1",
            "Cancelled “C” (10:45)",
            "Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))",
        ]
    );
    assert_eq!(audit[1].origin, ORIGIN);
    assert_eq!(audit[2].origin, "control panel on laptop");
    assert!(audit.iter().all(|a| a.undoable && !a.undone));

    // Undo the removal: the announcement is back, exactly.
    let undone = store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert_eq!(
        undone.what,
        "Took down the announcement “Talk C is cancelled”"
    );
    assert_eq!(store.announcements().unwrap(), vec![ann.clone()]);
    // Undo the announcement, then the cancel, then the delay.
    store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert!(store.announcements().unwrap().is_empty());
    store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert_eq!(store.effective_schedule().unwrap().unwrap(), delayed);
    store.undo_last(ORIGIN, at("10:09")).unwrap().unwrap();
    assert_eq!(store.effective_schedule().unwrap().unwrap(), before);
    assert!(store.active_edits().unwrap().is_empty());
    assert_eq!(
        store.edits().unwrap().len(),
        2,
        "undone edits stay on record"
    );
    assert!(store.undo_last(ORIGIN, at("10:10")).unwrap().is_none());
    let audit = store.audit(100).unwrap();
    assert_eq!(audit.len(), 8);
    assert_eq!(audit[0].what, "Undid: Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))");
    assert!(audit.iter().all(|a| !a.undoable));
}

#[test]
fn added_sessions_get_local_ids_and_announcements_show_on_screens() {
    let mut store = store_with(MORNING);
    let added = store
        .record_edit(
            Edit::AddSession {
                session: Session {
                    id: String::new(),
                    title: "Lightning talks".into(),
                    subtitle: None,
                    abstract_text: None,
                    slides_url: None,
                    room: "R2".into(),
                    track: None,
                    kind: SessionKind::Talk,
                    start: at("11:00"),
                    end: at("11:30"),
                    speakers: vec![],
                    cancelled: false,
                },
            },
            ORIGIN,
            at("10:00"),
        )
        .unwrap();
    assert_eq!(added.edit.session_id(), Some("local-1"));
    assert_eq!(added.what, "Added “Lightning talks” in R2, 11:00–11:30");
    let effective = store.effective_schedule().unwrap().unwrap();
    assert!(effective.session("local-1").is_some());

    store
        .add_announcement(
            announcement(
                "",
                "Welcome!",
                None,
                Priority::Normal,
                "09:00",
                Some("12:00"),
            ),
            ORIGIN,
            at("09:00"),
        )
        .unwrap();
    let err = store
        .add_announcement(
            announcement("", "x", Some(&["R9"]), Priority::Normal, "09:00", None),
            ORIGIN,
            at("09:00"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_announcement");
    let mut snap = display_snapshot(
        Some(&effective),
        &Selection::Room { room: "R2".into() },
        at("10:00"),
        1,
        1.0,
    );
    set_announcements(&mut snap, &store.announcements().unwrap());
    assert_eq!(snap.announcement.unwrap().text, "Welcome!");
}

#[test]
fn rollback_restores_the_previous_import_as_a_new_revision() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(store.rollback_to_previous(ORIGIN, at("09:00")).is_err());
    let first = schedule(MORNING);
    let second = schedule("R1 10:00-10:30 talk a; 10:30-10:45 break b");
    store.apply(&first, "feed").unwrap();
    let err = store.rollback_to_previous(ORIGIN, at("09:00")).unwrap_err();
    assert!(
        err.to_string().contains("no earlier imported schedule"),
        "{err}"
    );
    store.apply(&second, "feed").unwrap();
    store
        .record_edit(delay("R1", "10:00", 5), ORIGIN, at("09:30"))
        .unwrap();

    assert_eq!(store.rollback_to_previous(ORIGIN, at("09:31")).unwrap(), 3);
    assert_eq!(store.load().unwrap().unwrap(), first);
    assert_eq!(
        render(&store.effective_schedule().unwrap().unwrap()),
        "R1 10:05-10:35 talk a; 10:35-10:45 break b; 10:45-11:15 talk c",
        "edits apply over the rolled-back schedule"
    );
    let revisions = store.revisions_list().unwrap();
    let listed: Vec<(i64, &str, bool, bool)> = revisions
        .iter()
        .map(|r| (r.revision, r.source.as_str(), r.restorable, r.current))
        .collect();
    assert_eq!(
        listed,
        [
            (3, "rollback to revision 1", true, true),
            (2, "feed", true, false),
            (1, "feed", true, false)
        ]
    );
    assert!(store.audit(1).unwrap()[0]
        .what
        .starts_with("Rolled the schedule back to revision 1"));
    // Rolling back again returns to the second import.
    assert_eq!(store.rollback_to_previous(ORIGIN, at("09:32")).unwrap(), 4);
    assert_eq!(store.load().unwrap().unwrap(), second);
}

#[test]
fn a_version_3_store_is_migrated_and_keeps_its_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        store.apply(&schedule(MORNING), "feed").unwrap();
    }
    // Make it look like a store written before migration 4.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE edits; DROP TABLE announcements; DROP TABLE audit; DROP TABLE revision_schedules;
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 4);
    assert_eq!(
        store.effective_schedule().unwrap().unwrap(),
        schedule(MORNING)
    );
    assert!(!store.revisions_list().unwrap()[0].restorable);
    store
        .record_edit(Edit::Skip { session: id("b") }, ORIGIN, at("09:00"))
        .unwrap();
    assert_eq!(store.active_edits().unwrap().len(), 1);
}

// ---------------------------------------------------------------- properties

/// Up to 3 rooms, each a day of back-to-back or gapped sessions from 08:00.
fn schedules() -> impl Strategy<Value = Schedule> {
    let session = (0usize..3, 0i64..3, 5i64..60, 0usize..4);
    prop::collection::vec(session, 1..24).prop_map(|raw| {
        let kinds = ["talk", "break", "working", "social"];
        let mut ends = [at("08:00"); 3];
        let mut text = String::new();
        for (i, (room, gap, len, k)) in raw.into_iter().enumerate() {
            let start = ends[room] + SignedDuration::from_mins(gap * 5);
            let end = start + SignedDuration::from_mins(len);
            ends[room] = end;
            text.push_str(&format!(
                "R{} {}-{} {} s{i}; ",
                room + 1,
                hm(start),
                hm(end).trim_start_matches("d2 "),
                kinds[k]
            ));
        }
        schedule(&text)
    })
}

fn overlapping_pairs(s: &Schedule) -> std::collections::BTreeSet<(String, String)> {
    let mut pairs = std::collections::BTreeSet::new();
    for a in &s.sessions {
        for b in &s.sessions {
            if a.id < b.id
                && a.room == b.room
                && !a.cancelled
                && !b.cancelled
                && a.start < b.end
                && b.start < a.end
            {
                pairs.insert((a.id.clone(), b.id.clone()));
            }
        }
    }
    pairs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn delays_create_no_overlaps_and_stop_at_the_absorbing_break(
        s in schedules(),
        room in 1usize..=3,
        from_min in 0i64..600,
        minutes in 1i64..120,
    ) {
        let room = format!("R{room}");
        let from = at("08:00") + SignedDuration::from_mins(from_min);
        let edit = Edit::Delay { room: room.clone(), from, minutes };
        let by = SignedDuration::from_mins(minutes);
        let Ok(plan) = plan_delay(&s, &room, from, minutes) else { return Ok(()); };
        match apply_edit(&s, &edit) {
            Err(e) => prop_assert_eq!(e.code(), "overlap", "{}", e),
            Ok(out) => {
                // No overlap is created.
                prop_assert!(overlapping_pairs(&out).is_subset(&overlapping_pairs(&s)));
                prop_assert_eq!(out.sessions.len(), s.sessions.len());
                let pivot_start = plan.shifted[0].old_start;
                for old in &s.sessions {
                    let new = out.session(&old.id).unwrap();
                    let moved = new != old;
                    // Other rooms, and what started before the delay's first
                    // session, do not move.
                    if old.room != room || old.start < pivot_start {
                        prop_assert!(!moved, "{} moved", old.id);
                        continue;
                    }
                    // Nothing ending by `from` moves.
                    if old.end <= from {
                        prop_assert!(!moved, "{} ended before the delay", old.id);
                    }
                    let whole = plan.shifted.iter().any(|m| m.session == old.id);
                    let absorber = plan.absorbed_by.as_ref().is_some_and(|a| a.session == old.id);
                    if whole {
                        prop_assert_eq!(new.start, old.start + by);
                        prop_assert_eq!(new.end, old.end + by);
                    } else if absorber {
                        // A break absorbs: starts later, ends as planned, keeps 5 minutes.
                        prop_assert!(edits::absorbs(old.kind));
                        prop_assert_eq!(new.start, old.start + by);
                        prop_assert_eq!(new.end, old.end);
                        prop_assert!(new.end.duration_since(new.start) >= SignedDuration::from_mins(5));
                    } else {
                        prop_assert!(!moved, "{} moved but is not in the plan", old.id);
                    }
                }
                // After the absorbing break nothing in the room moves.
                if let Some(a) = &plan.absorbed_by {
                    for old in s.sessions.iter().filter(|x| x.room == room && x.start > a.old_start) {
                        prop_assert_eq!(out.session(&old.id).unwrap(), old);
                    }
                } else {
                    prop_assert!(plan.runs_to_day_end);
                }
                // Every whole-moved session but the first could not absorb.
                for m in plan.shifted.iter().skip(1) {
                    let old = s.session(&m.session).unwrap();
                    prop_assert!(!edits::absorbs(old.kind) || old.end.duration_since(old.start + by) < SignedDuration::from_mins(5));
                }
            }
        }
    }

    #[test]
    fn apply_agrees_with_edits_one_by_one(
        s in schedules(),
        picks in prop::collection::vec((0usize..6, any::<usize>(), 1i64..40), 0..6),
    ) {
        // A mix of edits; strict application of each (skipping refused ones)
        // gives what `apply` gives, with the refused ones reported.
        let edits: Vec<Edit> = picks.iter().map(|(k, which, m)| {
            let target = s.sessions[which % s.sessions.len()].id.clone();
            match k {
                0 => Edit::Delay { room: s.sessions[which % s.sessions.len()].room.clone(), from: s.sessions[which % s.sessions.len()].start, minutes: *m },
                1 => Edit::Extend { session: target, minutes: *m },
                2 => Edit::Cancel { session: target },
                3 => Edit::Skip { session: target },
                4 => Edit::Move { session: target, room: "R3".into() },
                _ => Edit::StartedAt { session: target.clone(), at: s.session(&target).unwrap().start + SignedDuration::from_mins(*m) },
            }
        }).collect();
        let mut strict = s.clone();
        let mut refused = Vec::new();
        for (i, e) in edits.iter().enumerate() {
            match apply_edit(&strict, e) {
                Ok(next) => strict = next,
                Err(_) => refused.push(i),
            }
        }
        let applied = apply(&s, &edits);
        prop_assert_eq!(&applied.schedule, &strict);
        prop_assert_eq!(applied.skipped.iter().map(|(i, _)| *i).collect::<Vec<_>>(), refused);
        prop_assert!(overlapping_pairs(&applied.schedule).is_subset(&overlapping_pairs(&s)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn a_delay_then_undo_restores_exactly(
        s in schedules(),
        which in any::<usize>(),
        offset in 0i64..30,
        minutes in 1i64..60,
    ) {
        let mut store = Store::open_in_memory().unwrap();
        store.apply(&s, "feed").unwrap();
        let before = store.effective_schedule().unwrap().unwrap();
        let pivot = &s.sessions[which % s.sessions.len()];
        let edit = Edit::Delay { room: pivot.room.clone(), from: pivot.start + SignedDuration::from_mins(offset), minutes };
        if store.record_edit(edit, ORIGIN, at("08:00")).is_ok() {
            prop_assert_ne!(&store.effective_schedule().unwrap().unwrap(), &before);
            store.undo_last(ORIGIN, at("08:01")).unwrap().unwrap();
        }
        prop_assert_eq!(store.effective_schedule().unwrap().unwrap(), before);
    }
}

// ---------------------------------------------------------------- PIN

mod pin {
    use super::at;
    use argon2::Params;
    use jiff::SignedDuration;
    use kiosk_core::pin::{
        check_hash, hash_pin, hash_pin_with, verify_pin, Lock, LockPolicy, PinError, UnlockError,
    };

    /// A cheap cost so the tests are fast; verification reads it from the hash.
    fn cheap(pin: &str) -> String {
        hash_pin_with(pin, Params::new(64, 1, 1, None).unwrap()).unwrap()
    }

    #[test]
    fn pins_are_hashed_with_argon2id_and_verified() {
        let hash = hash_pin("2468").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_pin("2468", &hash).unwrap());
        assert!(!verify_pin("2469", &hash).unwrap());
        let h1 = cheap("correct horse");
        assert_ne!(h1, cheap("correct horse"), "salted");
        assert!(verify_pin("correct horse", &h1).unwrap());
        assert_eq!(hash_pin("123").unwrap_err(), PinError::TooShort);
        assert_eq!(check_hash("1234").unwrap_err().code(), "bad_pin_hash");
        assert!(verify_pin("1234", "$2b$12$abcdefghijklmnopqrstuv").is_err());
    }

    #[test]
    fn ten_wrong_pins_keep_it_locked_with_a_growing_wait() {
        let mut lock = Lock::new(Some(cheap("2468")), LockPolicy::default());
        let mut now = at("09:00");
        let mut waits = Vec::new();
        for i in 1..=10 {
            match lock.unlock("0000", now) {
                Err(UnlockError::WrongPin {
                    failures,
                    retry_after,
                }) => {
                    assert_eq!(failures, i);
                    let wait = retry_after
                        .map(|t| t.duration_since(now).as_secs())
                        .unwrap_or(0);
                    waits.push(wait);
                    if let Some(t) = retry_after {
                        // The right PIN is refused, unchecked, until then.
                        let half = now
                            + SignedDuration::from_millis(
                                t.duration_since(now).as_millis() as i64 / 2,
                            );
                        assert_eq!(
                            lock.unlock("2468", half),
                            Err(UnlockError::TooSoon { retry_after: t })
                        );
                        now = t;
                    }
                }
                other => panic!("try {i}: {other:?}"),
            }
            assert!(!lock.is_unlocked(now));
        }
        assert_eq!(waits, [0, 0, 1, 2, 4, 8, 16, 32, 64, 128]);
        assert_eq!(lock.failures(), 10);
        // The wait is capped at 5 minutes.
        let policy = LockPolicy::default();
        assert_eq!(policy.backoff(30), SignedDuration::from_mins(5));
        // Once the wait is over, the right PIN unlocks and the count resets.
        lock.unlock("2468", now).unwrap();
        assert!(lock.is_unlocked(now));
        assert_eq!(lock.failures(), 0);
    }

    #[test]
    fn it_locks_itself_after_five_idle_minutes() {
        let mut lock = Lock::new(Some(cheap("2468")), LockPolicy::default());
        let t0 = at("09:00");
        lock.unlock("2468", t0).unwrap();
        assert_eq!(lock.locks_at(t0), Some(at("09:05")));
        assert!(lock.touch(at("09:04")));
        assert!(lock.is_unlocked(at("09:08")));
        assert!(!lock.is_unlocked(at("09:09")));
        assert!(!lock.touch(at("09:09")));
        assert!(!lock.is_unlocked(at("09:09:01")));
        lock.unlock("2468", at("09:10")).unwrap();
        lock.lock();
        assert!(!lock.is_unlocked(at("09:10")));
        // No PIN configured: it cannot be unlocked.
        let mut none = Lock::new(None, LockPolicy::default());
        assert_eq!(none.unlock("2468", t0).unwrap_err().code(), "no_pin");
    }
}
