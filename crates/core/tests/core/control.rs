//! The control panel's view and intents, headless: wall-clock times resolved
//! within a conference day (tables and a property), the view's days, phases,
//! delays, thumbnails and limits, and the generated TypeScript kept current.

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};
use kiosk_core::control::{
    self, control_view, parse_clock, preview, resolve_in_day, EditIntent, PanelInput, Phase,
    PhotoRecords, Records,
};
use kiosk_core::edits::{self, Edit};
use kiosk_core::model::{Conference, Room, Schedule, Session, SessionKind, Speaker};
use proptest::prelude::*;

const ZONE: &str = "Europe/Berlin";

fn local(text: &str) -> Timestamp {
    let dt: civil::DateTime = text.parse().unwrap();
    TimeZone::get(ZONE)
        .unwrap()
        .to_ambiguous_timestamp(dt)
        .compatible()
        .unwrap()
}

fn hm(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::get(ZONE).unwrap())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A congress in Berlin (day change 04:00): `(id, room, local start, minutes, kind)`.
fn congress(sessions: &[(&str, &str, &str, i64, SessionKind)]) -> Schedule {
    let sessions = sessions
        .iter()
        .map(|(id, room, start, minutes, kind)| Session {
            id: id.to_string(),
            title: format!("Title of {id}"),
            subtitle: None,
            abstract_text: None,
            room: room.to_string(),
            track: None,
            kind: *kind,
            start: local(start),
            end: local(start) + SignedDuration::from_mins(*minutes),
            speakers: vec!["ada".into()],
            cancelled: false,
            info: Default::default(),
        })
        .collect();
    Schedule::new(
        Conference {
            id: "congress".into(),
            name: "Congress".into(),
            timezone: ZONE.into(),
            venue: None,
            day_change: kiosk_core::model::DEFAULT_DAY_CHANGE,
        },
        TimeZone::get(ZONE).unwrap(),
        Vec::new(),
        vec![
            Room {
                id: "saal1".into(),
                name: "Saal 1".into(),
            },
            Room {
                id: "saal2".into(),
                name: "Saal 2".into(),
            },
        ],
        Vec::new(),
        vec![Speaker {
            id: "ada".into(),
            name: "Ada Lovelace".into(),
            affiliation: None,
        }],
        sessions,
    )
}

use SessionKind::{Break, Talk};

fn evening() -> Schedule {
    congress(&[
        ("late", "saal1", "2025-12-27T23:50", 40, Talk),
        ("night", "saal1", "2025-12-28T00:30", 30, Talk),
        ("morning", "saal1", "2025-12-28T11:00", 30, Talk),
        ("pause", "saal1", "2025-12-28T11:30", 30, Break),
        ("other", "saal2", "2025-12-28T11:10", 30, Talk),
    ])
}

/// `(session, typed, expected local instant or error fragment)`.
fn check_started_at(cases: &[(&str, &str, &str)]) {
    let schedule = evening();
    for (session, typed, expect) in cases {
        let intent = EditIntent::StartedAt {
            session: session.to_string(),
            at: typed.to_string(),
        };
        let got = match intent.resolve(&schedule, local("2025-12-28T00:10")) {
            Ok(Edit::StartedAt { at, .. }) => hm(at),
            Ok(other) => panic!("{other:?}"),
            Err(e) => format!("error: {e}"),
        };
        assert!(
            got == *expect || (expect.starts_with("error") && got.contains(&expect[7..])),
            "{session} started at {typed:?}: got {got}, expected {expect}"
        );
    }
}

#[test]
fn started_at_is_resolved_within_the_sessions_conference_day() {
    check_started_at(&[
        // A 23:50 talk that started at 00:05 started on the night after.
        ("late", "00:05", "2025-12-28T00:05"),
        ("late", "23:55", "2025-12-27T23:55"),
        ("late", "23:45", "2025-12-27T23:45"),
        // The 00:30 talk belongs to the 27th's day; 03:59 is still that night.
        ("night", "0:35", "2025-12-28T00:35"),
        ("night", "03:59", "2025-12-28T03:59"),
        // 04:00 is the day change: the start of the 27th's day.
        ("night", "04:00", "2025-12-27T04:00"),
        ("morning", "11:07", "2025-12-28T11:07"),
        ("morning", "1107", "2025-12-28T11:07"),
        ("morning", "11h07", "2025-12-28T11:07"),
        ("morning", "25:00", "error: \"25:00\" is not a time"),
        ("morning", "eleven", "error: type it as HH:MM"),
        (
            "gone",
            "11:00",
            "error: session \"gone\" is not in the schedule",
        ),
    ]);
}

#[test]
fn a_late_start_after_midnight_delays_by_the_minutes_late() {
    let schedule = evening();
    let edit = EditIntent::StartedAt {
        session: "late".into(),
        at: "00:05".into(),
    }
    .resolve(&schedule, local("2025-12-28T00:10"))
    .unwrap();
    let after = edits::apply_edit(&schedule, &edit).unwrap();
    let moved = |id: &str| {
        after
            .session(id)
            .unwrap()
            .start
            .duration_since(schedule.session(id).unwrap().start)
    };
    assert_eq!(moved("late"), SignedDuration::from_mins(15));
    assert_eq!(
        moved("night"),
        SignedDuration::from_mins(15),
        "the next talk follows"
    );
    assert_eq!(
        moved("morning"),
        SignedDuration::ZERO,
        "another day does not move"
    );
    let shown = preview(
        &schedule,
        EditIntent::StartedAt {
            session: "late".into(),
            at: "00:05".into(),
        },
        local("2025-12-28T00:10"),
    )
    .unwrap();
    assert_eq!(shown.title, "“Title of late” started at 00:05 (+15 min)");
    assert_eq!(shown.shifted.len(), 2, "{shown:?}");
    assert!(shown.runs_to_day_end);
}

#[test]
fn parse_clock_reads_what_people_type() {
    for (typed, expect) in [
        ("9", Some("09:00")),
        ("905", Some("09:05")),
        ("0905", Some("09:05")),
        ("9:05", Some("09:05")),
        (" 9.05 ", Some("09:05")),
        ("09h05", Some("09:05")),
        ("23:59", Some("23:59")),
        ("24:00", None),
        ("9:5", None),
        ("12345", None),
        ("", None),
        ("é1", None),
        ("-1:00", None),
    ] {
        let got = parse_clock(typed).map(|t| t.strftime("%H:%M").to_string());
        assert_eq!(got.as_deref(), expect, "{typed:?}");
    }
}

fn records(schedule: &Schedule, edits: &[Edit]) -> Records {
    Records {
        effective: Some(edits::apply(schedule, edits).schedule),
        imported: Some(schedule.clone()),
        skipped: edits
            .iter()
            .filter_map(|e| match e {
                Edit::Skip { session } => Some(session.clone()),
                _ => None,
            })
            .collect(),
        revision: 1,
        ..Records::default()
    }
}

fn view_at(records: &Records, now: &str, day: Option<&str>) -> control::ControlView {
    control_view(&PanelInput {
        now: local(now),
        records,
        photos: &PhotoRecords::default(),
        approve_mode: false,
        sources: Vec::new(),
        photo_edges: &[1920, 3840],
        templates: &[],
        day,
        screens: Default::default(),
    })
}

#[test]
fn a_half_past_midnight_talk_is_on_the_previous_conference_days_tab() {
    let r = records(&evening(), &[]);
    let view = view_at(&r, "2025-12-28T00:10", None);
    let keys: Vec<&str> = view.days.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, ["2025-12-27", "2025-12-28"]);
    assert_eq!(
        view.day.as_deref(),
        Some("2025-12-27"),
        "00:10 is still the 27th's day"
    );
    assert!(view.days[0].today);
    assert_eq!(view.days[0].label, "Sat 27 Dec");
    let ids: Vec<&str> = view.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["late", "night"]);
    let other = view_at(&r, "2025-12-28T00:10", Some("2025-12-28"));
    let ids: Vec<&str> = other.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["morning", "other", "pause"]);
}

#[test]
fn phases_follow_the_displays_rule_and_delays_are_against_the_import() {
    // Two overlapping talks in one room: the later-starting one is on screen.
    let schedule = congress(&[
        ("a", "saal1", "2025-12-28T11:00", 60, Talk),
        ("b", "saal1", "2025-12-28T11:30", 20, Talk),
        ("c", "saal1", "2025-12-28T12:00", 30, Talk),
        ("d", "saal1", "2025-12-28T12:30", 30, Talk),
        ("e", "saal1", "2025-12-28T10:00", 30, Talk),
    ]);
    let edits = [
        Edit::Skip {
            session: "d".into(),
        },
        Edit::Cancel {
            session: "e".into(),
        },
    ];
    let r = records(&schedule, &edits);
    let view = view_at(&r, "2025-12-28T11:40", None);
    let phase = |id: &str| view.sessions.iter().find(|s| s.id == id).unwrap().phase;
    assert_eq!(phase("b"), Phase::Now);
    assert_eq!(phase("a"), Phase::Overlapped);
    assert_eq!(phase("c"), Phase::Upcoming);
    assert_eq!(
        phase("d"),
        Phase::Skipped,
        "a skipped session is still listed"
    );
    assert_eq!(phase("e"), Phase::Cancelled);
    assert_eq!(view.rooms[0].current.as_ref().unwrap().id, "b");

    let delayed = records(
        &schedule,
        &[Edit::Delay {
            room: "saal1".into(),
            from: local("2025-12-28T12:00"),
            minutes: 10,
        }],
    );
    let view = view_at(&delayed, "2025-12-28T11:40", None);
    let late = |id: &str| {
        view.sessions
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .delay_minutes
    };
    assert_eq!((late("b"), late("c"), late("d")), (0, 10, 10));
    assert_eq!(
        view.rooms[0].late_minutes, 0,
        "the current session is on time"
    );
}

#[test]
fn limits_and_thumbnails_come_from_the_core() {
    let l = control::limits();
    assert_eq!(l.title_chars as usize, kiosk_core::limits::MAX_TITLE_CHARS);
    assert_eq!(l.name_chars as usize, kiosk_core::limits::MAX_NAME_CHARS);
    assert_eq!(
        l.speakers_per_session as usize,
        kiosk_core::limits::MAX_SPEAKERS_PER_SESSION
    );
    assert_eq!(i64::from(l.delay_minutes), edits::MAX_DELAY_MINUTES);
    assert_eq!(l.announcement_chars as usize, edits::MAX_ANNOUNCEMENT_CHARS);
    assert!(l
        .quick_delays
        .iter()
        .all(|m| i64::from(*m) <= edits::MAX_DELAY_MINUTES));

    let photo = kiosk_core::store::Photo {
        hash: "ab".repeat(32),
        width: 10,
        height: 10,
        credit: None,
        origin: "folder".into(),
        added_at: local("2025-12-28T10:00"),
        hidden: false,
        approved: false,
        path: None,
    };
    let photos = PhotoRecords {
        photos: vec![photo],
        quarantined: Vec::new(),
    };
    let r = records(&evening(), &[]);
    let view = control_view(&PanelInput {
        now: local("2025-12-28T11:00"),
        records: &r,
        photos: &photos,
        approve_mode: true,
        sources: Vec::new(),
        photo_edges: &[2560, 1280],
        templates: &[],
        day: None,
        screens: Default::default(),
    });
    assert_eq!(
        view.photos[0].thumb_url,
        format!("photo://localhost/{}-1280.jpg", "ab".repeat(32))
    );
    assert_eq!(
        view.photos[0].status,
        control::PhotoStatus::AwaitingApproval
    );
    assert_eq!((view.counts.photos, view.counts.photos_alert), (1, true));
}

#[test]
fn an_added_session_ends_after_midnight_within_its_day() {
    let schedule = evening();
    let edit = EditIntent::AddSession {
        room: "saal2".into(),
        title: "Night owls".into(),
        speakers: vec!["ada lovelace".into()],
        session_kind: Talk,
        day: "2025-12-27".into(),
        start: "23:30".into(),
        end: "00:15".into(),
    }
    .resolve(&schedule, local("2025-12-27T20:00"))
    .unwrap();
    let Edit::AddSession { session } = &edit else {
        panic!("{edit:?}")
    };
    assert_eq!(hm(session.start), "2025-12-27T23:30");
    assert_eq!(hm(session.end), "2025-12-28T00:15");
    assert_eq!(session.speakers, ["ada"], "speakers by name, any case");
    // The store names it (`local-<n>`) when it records it.
    let named = Edit::AddSession {
        session: Session {
            id: "local-1".into(),
            ..session.clone()
        },
    };
    edits::apply_edit(&schedule, &named).expect("a valid session");
    let err = EditIntent::EditSession {
        session: "morning".into(),
        title: None,
        speakers: Some(vec!["Nobody Known".into()]),
        start: None,
        end: None,
        room: None,
        access: None,
    }
    .resolve(&schedule, local("2025-12-28T10:00"))
    .unwrap_err();
    assert!(err.to_string().contains("\"Nobody Known\""), "{err}");
}

proptest! {
    /// Whatever the session's start and the time typed, the instant lies in
    /// the session's conference day and reads as the time typed (unless a
    /// DST change skipped that wall time).
    #[test]
    fn resolved_times_stay_in_the_sessions_conference_day(
        start_min in 0i64..(60 * 24 * 400),
        hour in 0i8..24,
        minute in 0i8..60,
        day_change_min in 0i64..(24 * 60),
    ) {
        let mut schedule = evening();
        schedule.conference.day_change = SignedDuration::from_mins(day_change_min);
        let start = local("2025-01-01T00:00") + SignedDuration::from_mins(start_min);
        let day = schedule.conference_day(start);
        let time = civil::time(hour, minute, 0, 0);
        let at = resolve_in_day(&schedule, day, time).unwrap();
        let zoned = at.to_zoned_datetime(schedule.venue_tz.clone());
        if zoned.time() == time {
            prop_assert_eq!(schedule.conference_day(at), day);
        } else {
            // A DST gap: the next instant that exists, an hour on at most.
            prop_assert!(zoned.time() > time || zoned.time() < civil::time(1, 0, 0, 0));
        }
        prop_assert!(at.duration_since(start).abs() < SignedDuration::from_hours(26));
    }
}

#[test]
fn the_typescript_declarations_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(control::TYPESCRIPT_FILE);
    let generated = control::typescript();
    if std::env::var_os("SUMMIT_UPDATE_VIEW_TYPES").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} is not what the core's types generate: run \
         `SUMMIT_UPDATE_VIEW_TYPES=1 cargo test --workspace --test core control` and commit it",
        path.display()
    );
    for name in [
        "ControlState",
        "ControlView",
        "EditIntent",
        "Preview",
        "Phase",
        "RoomState",
    ] {
        assert!(
            generated.contains(&format!("export type {name} =")),
            "{name}"
        );
    }
}

/// `(day, start, end, room, a fragment of the refusal)`: an added session
/// the panel sends wrong is refused with what and where, nothing stored.
#[test]
fn a_wrong_new_session_is_refused_saying_why() {
    let schedule = evening();
    for (day, start, end, room, expect) in [
        (
            "27 Dec",
            "10:00",
            "11:00",
            "saal1",
            "\"27 Dec\" is not a day of this event",
        ),
        (
            "2025-12-27",
            "ten",
            "11:00",
            "saal1",
            "start: \"ten\" is not a time",
        ),
        (
            "2025-12-27",
            "10:00",
            "25:99",
            "saal1",
            "end: \"25:99\" is not a time",
        ),
        (
            "2025-12-27",
            "14:00",
            "13:00",
            "saal1",
            "would end (13:00) before it starts (14:00)",
        ),
        (
            "2025-12-27",
            "10:00",
            "11:00",
            "Kitchen",
            "there is no room \"Kitchen\"",
        ),
        (
            "2025-12-27",
            "23:40",
            "23:55",
            "saal1",
            "would overlap \"late\"",
        ),
    ] {
        let intent = EditIntent::AddSession {
            room: room.into(),
            title: "New".into(),
            speakers: Vec::new(),
            session_kind: Talk,
            day: day.into(),
            start: start.into(),
            end: end.into(),
        };
        let err = intent
            .resolve_checked(&schedule, local("2025-12-27T20:00"))
            .expect_err(expect);
        assert!(err.to_string().contains(expect), "{expect}: {err}");
    }
}
