//! Property tests of now/next over random schedules and instants.

use jiff::{tz::TimeZone, SignedDuration, Timestamp};
use kiosk_core::model::{Conference, Room, Schedule, Session, SessionKind};
use kiosk_core::snapshot::room_snapshot;
use proptest::prelude::*;

const KINDS: [SessionKind; 4] = [
    SessionKind::Talk,
    SessionKind::Break,
    SessionKind::WorkingSession,
    SessionKind::Social,
];

fn base() -> Timestamp {
    "2024-03-09T12:00:00Z".parse().unwrap()
}

/// Up to 3 rooms and 25 sessions over ~3 days in New York, across the DST
/// change of 10 March 2024; sessions may overlap and may touch end to start.
fn schedules() -> impl Strategy<Value = Schedule> {
    let session = (0usize..3, 0i64..4000, 1i64..180, 0usize..4);
    (1usize..=3, prop::collection::vec(session, 0..25)).prop_map(|(rooms, raw)| {
        let rooms: Vec<Room> = (0..rooms)
            .map(|i| Room {
                id: format!("r{i}"),
                name: format!("Room {i}"),
            })
            .collect();
        let mut sessions: Vec<Session> = Vec::new();
        for (i, (room, start, len, kind)) in raw.into_iter().enumerate() {
            // Every other session starts exactly where the previous one in its room ended.
            let room = room % rooms.len();
            let start = match sessions.iter().rev().find(|s| s.room == rooms[room].id) {
                Some(prev) if i % 2 == 0 => prev.end,
                _ => base() + SignedDuration::from_mins(start),
            };
            sessions.push(Session {
                id: format!("s{i}"),
                title: format!("Session {i}"),
                subtitle: None,
                abstract_text: None,
                room: rooms[room].id.clone(),
                track: None,
                kind: KINDS[kind],
                start,
                end: start + SignedDuration::from_mins(len),
                speakers: vec![],
                cancelled: false,
                info: Default::default(),
            });
        }
        Schedule::new(
            Conference {
                id: "p".into(),
                name: "P".into(),
                timezone: "America/New_York".into(),
                venue: None,
                day_change: kiosk_core::model::DEFAULT_DAY_CHANGE,
            },
            TimeZone::get("America/New_York").unwrap(),
            vec![],
            rooms,
            vec![],
            vec![],
            sessions,
        )
    })
}

/// An instant: anywhere, or exactly on some session's start or end.
fn instant_in(s: &Schedule, pick: (u8, i64, usize)) -> Timestamp {
    let (mode, offset, which) = pick;
    if mode % 2 == 0 && !s.sessions.is_empty() {
        let sess = &s.sessions[which % s.sessions.len()];
        if mode % 4 == 0 {
            sess.start
        } else {
            sess.end
        }
    } else {
        base() + SignedDuration::from_secs(offset)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn now_and_next_are_right(s in schedules(), pick in (any::<u8>(), -7200i64..280_000, any::<usize>())) {
        let t = instant_in(&s, pick);
        for room in &s.rooms {
            let snap = room_snapshot(&s, &room.id, t);
            let in_room: Vec<&Session> = s.sessions.iter().filter(|x| x.room == room.id).collect();
            // now holds the instant; if none is shown, none holds it.
            match &snap.current {
                Some(c) => {
                    prop_assert!(c.session.start <= t && t < c.session.end);
                    // The shown one is the latest to start of those holding t.
                    let latest = in_room.iter().filter(|x| x.contains(t)).map(|x| x.start).max().unwrap();
                    prop_assert_eq!(c.session.start, latest);
                    prop_assert!(c.minutes_left >= 1);
                    prop_assert!((0.0..=1.0).contains(&c.progress));
                }
                None => prop_assert!(in_room.iter().all(|x| !x.contains(t))),
            }
            // next and after are the first two to start after t: none skipped.
            let upcoming: Vec<&str> = in_room.iter().filter(|x| x.start > t).map(|x| x.id.as_str()).collect();
            prop_assert_eq!(snap.next.as_ref().map(|n| n.id.as_str()), upcoming.first().copied());
            prop_assert_eq!(snap.after.as_ref().map(|n| n.id.as_str()), upcoming.get(1).copied());
            if let Some(n) = &snap.next { prop_assert!(n.start > t); }
            // A session ending at t is never current at t.
            if let Some(c) = &snap.current {
                prop_assert!(!in_room.iter().any(|x| x.end == t && x.id == c.session.id));
            }
            // Nothing but the counters changes before next_change_at.
            if let Some(change) = snap.next_change_at {
                prop_assert!(change > t);
                let before = change - SignedDuration::from_millis(1);
                if before > t {
                    let later = room_snapshot(&s, &room.id, before);
                    prop_assert_eq!(later.state, snap.state);
                    prop_assert_eq!(later.current.as_ref().map(|c| (&c.session.id, c.ending_soon)), snap.current.as_ref().map(|c| (&c.session.id, c.ending_soon)));
                    prop_assert_eq!(later.next.as_ref().map(|n| &n.id), snap.next.as_ref().map(|n| &n.id));
                    prop_assert_eq!(later.after.as_ref().map(|n| &n.id), snap.after.as_ref().map(|n| &n.id));
                }
            } else {
                prop_assert!(snap.next.is_none(), "only a finished room has no next change");
            }
        }
    }

    #[test]
    fn every_session_is_shown_as_next_before_it_starts(s in schedules()) {
        for sess in &s.sessions {
            let just_before = sess.start - SignedDuration::from_millis(1);
            let snap = room_snapshot(&s, &sess.room, just_before);
            let next = snap.next.expect("a session starting later is next");
            prop_assert_eq!(next.start, sess.start);
        }
    }

    #[test]
    fn touching_sessions_are_never_both_current(s in schedules()) {
        for a in &s.sessions {
            for b in s.sessions.iter().filter(|b| b.room == a.room && b.start == a.end) {
                let snap = room_snapshot(&s, &a.room, a.end);
                let cur = snap.current.expect("b holds the instant");
                prop_assert_ne!(&cur.session.id, &a.id);
                prop_assert!(cur.session.start <= b.start);
            }
        }
    }
}
