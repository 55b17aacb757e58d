//! The organizer's room statuses and emergency messages in the store:
//! checked before anything is written, each refusal naming what is wrong.

use kiosk_core::edits::{Emergency, Occupancy, RoomStatusRequest};

use crate::edits::{at, store_with, ORIGIN};

#[test]
fn bad_room_statuses_are_refused_and_change_nothing() {
    let mut store = store_with("R1 10:00-10:30 talk a; R2 10:00-10:30 talk x");
    let request = |room: &str, overflow: Option<&str>, stream: Option<&str>| RoomStatusRequest {
        room: room.into(),
        occupancy: Occupancy::Full,
        overflow: overflow.map(Into::into),
        stream_url: stream.map(Into::into),
    };
    for (r, code, expect) in [
        (
            request("Kitchen", None, None),
            "no_room",
            "there is no room \"Kitchen\"; the rooms are: R1, R2, R3",
        ),
        (
            request("R1", Some("Attic"), None),
            "no_room",
            "there is no room \"Attic\"",
        ),
        (
            request("R1", Some("R1"), None),
            "invalid_room_status",
            "room status for \"R1\": the overflow room is the room itself",
        ),
        (
            request("R1", None, Some("rtmp://live")),
            "invalid_room_status",
            "\"rtmp://live\" is not an http(s) address",
        ),
    ] {
        let err = store.set_room_status(r, ORIGIN, at("10:05")).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(expect), "{err}");
    }
    assert!(store.room_statuses().unwrap().is_empty());
    assert!(store.audit(10).unwrap().is_empty());
    let set = store
        .set_room_status(
            request("r2", Some("R1"), Some(" https://live.x.org ")),
            ORIGIN,
            at("10:05"),
        )
        .unwrap();
    assert_eq!(
        (
            set.room.as_str(),
            set.overflow.as_deref(),
            set.stream_url.as_deref(),
            set.session.as_deref()
        ),
        ("R2", Some("R1"), Some("https://live.x.org"), Some("x"))
    );
    assert_eq!(
        store.audit(1).unwrap()[0].what,
        "R2: Full (overflow: R1) (stream: https://live.x.org)"
    );
}

#[test]
fn bad_emergencies_are_refused_and_change_nothing() {
    let mut store = store_with("R1 10:00-10:30 talk a");
    let e =
        |headline: &str, text: &str, rooms: Option<Vec<String>>, expires: Option<&str>| Emergency {
            id: String::new(),
            headline: headline.into(),
            text: text.into(),
            pictogram: None,
            rooms,
            starts: at("10:00"),
            expires: expires.map(at),
        };
    for (bad, expect) in [
        (e("  ", "", None, None), "the headline is empty"),
        (
            e(&"H".repeat(81), "", None, None),
            "the headline is 81 characters long; at most 80",
        ),
        (
            e("Leave", &"t".repeat(401), None, None),
            "the text is 401 characters long; at most 400",
        ),
        (e("Leave\u{7}", "", None, None), "control characters"),
        (e("Leave", "", Some(vec![]), None), "no room chosen"),
        (
            e("Leave", "", Some(vec!["Cellar".into()]), None),
            "there is no room \"Cellar\"",
        ),
        (
            e("Leave", "", None, Some("09:00")),
            "expire before it starts",
        ),
        (e("Leave", "", None, Some("10:02")), "already have expired"),
    ] {
        let err = store.add_emergency(bad, ORIGIN, at("10:05")).unwrap_err();
        assert_eq!(err.code(), "invalid_emergency");
        assert!(err.to_string().contains(expect), "{err}");
    }
    assert!(store.emergencies().unwrap().is_empty());
    assert!(store.audit(10).unwrap().is_empty());
    let ok = store
        .add_emergency(
            e(" Leave now ", "", Some(vec!["r1".into()]), None),
            ORIGIN,
            at("10:05"),
        )
        .unwrap();
    assert_eq!(
        (ok.headline.as_str(), ok.rooms),
        ("Leave now", Some(vec!["R1".to_string()]))
    );
    assert_eq!(
        store.audit(1).unwrap()[0].what,
        "Emergency message “Leave now” on R1"
    );
}

/// The organizer corrects a session's badges: recorded with the edit, kept
/// over a re-import, undone like any edit; a wrong language is refused.
#[test]
fn badges_are_edited_like_any_session_field() {
    use kiosk_core::edits::{Access, Edit};
    use kiosk_core::model::Recording;
    let mut store = store_with("R1 10:00-10:30 talk a; 10:30-10:45 break b");
    let access = |languages: &[&str], sign: Option<&str>| Access {
        languages: languages.iter().map(|l| l.to_string()).collect(),
        recording: Recording::NotRecorded,
        captions: true,
        sign_language: sign.map(Into::into),
    };
    let edit = |a: Access| Edit::EditSession {
        session: "a".into(),
        title: None,
        speakers: None,
        start: None,
        end: None,
        room: None,
        access: Some(a),
    };
    let err = store
        .record_edit(
            edit(access(&["en", "Klingonisch"], None)),
            ORIGIN,
            at("10:01"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_session");
    assert!(
        err.to_string()
            .contains("\"Klingonisch\" is not a language"),
        "{err}"
    );
    let recorded = store
        .record_edit(
            edit(access(&["German", "en"], Some("DGS"))),
            ORIGIN,
            at("10:02"),
        )
        .unwrap();
    assert_eq!(
        recorded.what,
        "Changed “A” (10:00): badges DE · EN, Not recorded, Live captions, Sign language: DGS"
    );
    let info = &store.effective_schedule().unwrap().unwrap().sessions[0].info;
    assert_eq!(
        (info.languages.clone(), info.captions),
        (vec!["de".to_string(), "en".to_string()], true)
    );
    // A re-import of the same schedule does not undo the organizer's badges.
    store
        .apply(
            &crate::edits::schedule("R1 10:00-10:30 talk a; 10:30-10:50 break b"),
            "test.json",
        )
        .unwrap();
    assert_eq!(
        store.effective_schedule().unwrap().unwrap().sessions[0]
            .info
            .sign_language
            .as_deref(),
        Some("DGS")
    );
    store.undo_last(ORIGIN, at("10:03")).unwrap().unwrap();
    assert!(store.effective_schedule().unwrap().unwrap().sessions[0]
        .info
        .languages
        .is_empty());
}
