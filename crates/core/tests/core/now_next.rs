//! What each room shows, as `check(at, room, expect)` tables over the demo on
//! its real dates (America/New_York, 26–28 February 2020).

use jiff::Timestamp;
use kiosk_core::demo;
use kiosk_core::model::{LinkKind, Schedule};
use kiosk_core::snapshot::{room_snapshot, RoomState};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn demo_schedule() -> Schedule {
    demo::demo().schedule
}

/// `expect` is "state | now title | next title" ("-" for none).
#[track_caller]
fn check(schedule: &Schedule, when: &str, room: &str, expect: &str) {
    let room_id = &schedule.room_by_name(room).expect("room").id;
    let snap = room_snapshot(schedule, room_id, at(when));
    let state = serde_json::to_value(snap.state).unwrap();
    let now = snap
        .current
        .as_ref()
        .map(|c| c.session.title.as_str())
        .unwrap_or("-");
    let next = snap.next.as_ref().map(|n| n.title.as_str()).unwrap_or("-");
    let got = format!("{} | {now} | {next}", state.as_str().unwrap());
    assert_eq!(got, expect, "at {when} in {room}");
}

#[test]
fn the_demo_day_in_the_main_hall() {
    let s = demo_schedule();
    let table = [
        ("2020-02-26T07:00:00-05:00", "not_started | - | Breakfast and registration"),
        ("2020-02-26T08:45:00-05:00", "break | Breakfast and registration | Welcome: why we are here"),
        ("2020-02-26T09:13:00-05:00", "in_session | ETL Pipelines for Machine Learning | Prefect + Dask: Parallel / Distributed Workflows"),
        // 09:25 exactly: the talk ending at 09:25 is over, the one starting is on.
        ("2020-02-26T09:25:00-05:00", "in_session | Prefect + Dask: Parallel / Distributed Workflows | Dask and Prefect for Data Science in Healthcare"),
        ("2020-02-26T10:30:00-05:00", "break | Coffee break | HPC Deployments with Dask-Jobqueue"),
        ("2020-02-26T12:15:00-05:00", "break | Lunch | Working session: simpler deployments"),
        ("2020-02-26T13:30:00-05:00", "working_session | Working session: simpler deployments | Coffee break"),
        ("2020-02-26T17:30:00-05:00", "between_sessions | - | Group dinner"),
        ("2020-02-26T19:00:00-05:00", "in_session | Group dinner | Breakfast"),
        ("2020-02-26T22:00:00-05:00", "day_over | - | Breakfast"),
        // After the day change (04:00) it is the next day, not yet started.
        ("2020-02-27T05:00:00-05:00", "not_started | - | Breakfast"),
        ("2020-02-28T15:45:00-05:00", "in_session | Closing remarks | -"),
        ("2020-02-28T16:00:00-05:00", "event_over | - | -"),
    ];
    for (when, expect) in table {
        check(&s, when, "Main hall", expect);
    }
}

#[test]
fn breakout_rooms_only_open_in_the_afternoon() {
    let s = demo_schedule();
    check(
        &s,
        "2020-02-26T10:00:00-05:00",
        "Breakout A",
        "not_started | - | Working session: imaging and large arrays",
    );
    check(&s, "2020-02-26T14:00:00-05:00", "Breakout A", "working_session | Working session: imaging and large arrays | Working session: Xarray and Pangeo");
    check(
        &s,
        "2020-02-26T18:00:00-05:00",
        "Breakout B",
        "day_over | - | Working session: HPC and job queues",
    );
    check(
        &s,
        "2020-02-27T10:00:00-05:00",
        "Breakout B",
        "not_started | - | Working session: HPC and job queues",
    );
}

#[test]
fn minutes_left_progress_and_warning() {
    let s = demo_schedule();
    let snap = room_snapshot(&s, "main", at("2020-02-26T09:13:30-05:00"));
    let cur = snap.current.unwrap();
    assert_eq!(cur.minutes_left, 12, "11.5 minutes left rounds up");
    assert!((cur.progress - 3.5 / 15.0).abs() < 1e-9);
    assert!(!cur.ending_soon);
    // The colour changes at five minutes left: that is the next change.
    assert_eq!(snap.next_change_at, Some(at("2020-02-26T09:20:00-05:00")));
    let soon = room_snapshot(&s, "main", at("2020-02-26T09:20:00-05:00"));
    assert!(soon.current.unwrap().ending_soon);
    assert_eq!(soon.next_change_at, Some(at("2020-02-26T09:25:00-05:00")));
}

#[test]
fn between_sessions_counts_down_to_the_next() {
    let s = demo_schedule();
    let snap = room_snapshot(&s, "main", at("2020-02-26T17:30:00-05:00"));
    assert_eq!(snap.state, RoomState::BetweenSessions);
    assert_eq!(snap.next_starts_in_minutes, Some(30));
    assert_eq!(snap.next_change_at, Some(at("2020-02-26T18:00:00-05:00")));
    let late = room_snapshot(&s, "main", at("2020-02-26T22:00:00-05:00"));
    assert_eq!(
        late.next.unwrap().weekday.as_deref(),
        Some("Thu"),
        "a next session on another day names its day"
    );
}

#[test]
fn local_times_are_the_venues_not_the_machines() {
    let s = demo_schedule();
    let snap = room_snapshot(&s, "main", at("2020-02-26T14:13:00Z"));
    let cur = snap.current.unwrap();
    assert_eq!(
        (
            cur.session.start_local.as_str(),
            cur.session.end_local.as_str()
        ),
        ("09:10", "09:25")
    );
    assert_eq!(
        s.local_rfc3339(at("2020-02-26T15:20:00Z")),
        "2020-02-26T10:20:00-05:00"
    );
}

#[test]
fn the_demo_rebases_into_the_first_mornings_second_talk() {
    for start in [
        "2026-11-28T07:41:17Z",
        "2031-06-30T23:59:59+02:00",
        "2020-02-26T10:20:00-05:00",
    ] {
        let t = at(start);
        let s = demo::rebased(t);
        let snap = room_snapshot(&s, "main", t);
        let cur = snap.current.expect("a talk is on");
        assert_eq!(cur.session.id, "d1-blue-yonder", "at {start}");
        let into = t.duration_since(cur.session.start);
        assert!(
            into >= jiff::SignedDuration::from_mins(3) && into < jiff::SignedDuration::from_mins(4),
            "{into:?}"
        );
        assert_eq!(s.sessions.len(), demo::demo().schedule.sessions.len());
    }
}

#[test]
fn the_demo_is_the_seed_event() {
    let v = demo::demo();
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    let s = v.schedule;
    assert_eq!(s.conference.timezone, "America/New_York");
    assert_eq!(s.days.len(), 3);
    let talks: Vec<_> = s
        .sessions
        .iter()
        .filter(|x| x.kind == kiosk_core::model::SessionKind::Talk)
        .collect();
    // 21 talks in the seed's six sections, plus welcome, recap and closing.
    assert_eq!(talks.len(), 24);
    for t in &talks {
        let mins = t.end.duration_since(t.start).as_mins();
        assert!((10..=30).contains(&mins), "{} lasts {mins} min", t.id);
    }
    let sections: Vec<&str> = s.tracks.iter().map(|t| t.name.as_str()).collect();
    for name in [
        "Workflow and pipelines",
        "Deployment",
        "Imaging",
        "General data analysis",
        "Performance and tooling",
        "Xarray",
    ] {
        assert!(sections.contains(&name), "{name}");
    }
    assert!(s.speakers.iter().any(|sp| sp.name == "Loïc Esteve"));
    assert!(
        s.sessions
            .iter()
            .filter(|x| x.info.link(LinkKind::Slides).is_some())
            .count()
            >= 17
    );
}

#[test]
fn a_rebased_demo_keeps_each_session_on_its_day() {
    // 03:15 in New York puts the first morning across the usual 04:00 day
    // change; the day change moves with the sessions.
    let t = at("2026-11-28T08:15:00Z");
    let s = demo::rebased(t);
    assert_eq!(s.days.len(), 3);
    let day_of = |id: &str| s.conference_day(s.sessions.iter().find(|x| x.id == id).unwrap().start);
    assert_eq!(day_of("d1-breakfast"), day_of("d1-dinner"));
    assert_ne!(day_of("d1-dinner"), day_of("d2-breakfast"));
    let a = room_snapshot(&s, "breakout-a", t);
    assert_eq!(a.state, RoomState::NotStarted);
    assert_eq!(
        a.next.unwrap().weekday,
        None,
        "the afternoon is today, not another day"
    );
}
