//! What the screens show with edits and announcements, and which
//! announcements are refused.

use super::*;

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
