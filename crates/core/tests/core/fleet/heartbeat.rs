//! A heartbeat is untrusted input: every way it can be wrong is refused
//! with the field and the limit named, before anything keeps it.

use kiosk_core::fleet::{Heartbeat, MAX_HEARTBEAT_BYTES};
use serde_json::{json, Value};

use super::{heartbeat, jpeg};

/// `mutate` applied to a good heartbeat's JSON, then parsed: `Ok(())` or
/// the error's code and a fragment of its message.
fn check(mutate: impl FnOnce(&mut Value), expect: Result<(), (&str, &str)>) {
    let mut doc = serde_json::to_value(heartbeat("screen-1", 1)).unwrap();
    mutate(&mut doc);
    let got = Heartbeat::parse(&serde_json::to_vec(&doc).unwrap());
    match (got, expect) {
        (Ok(_), Ok(())) => {}
        (Err(e), Err((code, fragment))) => {
            assert_eq!(e.code(), code, "{e}");
            assert!(e.to_string().contains(fragment), "{e:?} lacks {fragment:?}");
        }
        (got, expect) => panic!("{doc}: got {got:?}, expected {expect:?}"),
    }
}

#[test]
fn a_heartbeat_is_checked_field_by_field() {
    check(|_| {}, Ok(()));
    check(
        |d| d["format"] = json!("summit-kiosk-heartbeat/9"),
        Err(("report_invalid", "format")),
    );
    check(
        |d| d["screen_id"] = json!(""),
        Err(("report_invalid", "screen_id")),
    );
    check(
        |d| d["screen_id"] = json!("../etc"),
        Err(("report_invalid", "screen_id")),
    );
    check(
        |d| d["screen_id"] = json!("a/b"),
        Err(("report_invalid", "screen_id")),
    );
    check(
        |d| d["screen_id"] = json!("+"),
        Err(("report_invalid", "screen_id")),
    );
    check(
        |d| d["screen_id"] = json!("x".repeat(65)),
        Err(("report_invalid", "screen_id")),
    );
    check(|d| d["screen_id"] = json!("x".repeat(64)), Ok(()));
    check(
        |d| d["screen_name"] = json!("N".repeat(101)),
        Err((
            "report_invalid",
            "screen_name: is 101 characters long; at most 100",
        )),
    );
    check(
        |d| d["screen_name"] = json!("Main\u{7}hall"),
        Err(("report_invalid", "control characters")),
    );
    check(
        |d| d["screen_name"] = json!("قاعة المؤتمرات 会议室"),
        Ok(()),
    );
    check(
        |d| d["interval_secs"] = json!(0),
        Err(("report_invalid", "interval_secs")),
    );
    check(
        |d| d["interval_secs"] = json!(100_000),
        Err(("report_invalid", "interval_secs")),
    );
    check(
        |d| d["role"] = json!({"kind": "room", "room": "R".repeat(301)}),
        Err(("report_invalid", "role.room")),
    );
    check(
        |d| d["role"] = json!({"kind": "stage"}),
        Err(("report_malformed", "unknown variant")),
    );
    check(
        |d| d["showing"][0]["now"]["title"] = json!("T".repeat(1001)),
        Err(("report_invalid", "showing[0].now.title")),
    );
    check(
        |d| d["showing"] = json!(vec![json!({"room": "r"}); 17]),
        Err(("report_invalid", "17 rooms; at most 16")),
    );
    check(
        |d| d["sync"]["error"] = json!("e".repeat(501)),
        Err(("report_invalid", "sync.error")),
    );
    check(
        |d| d["version"] = json!("v".repeat(33)),
        Err(("report_invalid", "version")),
    );
    check(
        |d| d["seq"] = json!(-1),
        Err(("report_malformed", "line 1")),
    );
    check(
        |d| d["memory_pss_bytes"] = json!("lots"),
        Err(("report_malformed", "invalid type")),
    );
    // Fields a newer kiosk adds are ignored.
    check(|d| d["battery"] = json!(0.9), Ok(()));
}

#[test]
fn a_thumbnail_must_be_a_small_whole_jpeg() {
    use base64::Engine;
    let b64 = |bytes: &[u8]| json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    let good = jpeg(320, 180);
    check(|d| d["thumbnail"] = b64(&good), Ok(()));
    check(
        |d| d["thumbnail"] = json!("not base64 at all!"),
        Err(("report_invalid", "thumbnail: not base64")),
    );
    check(
        |d| d["thumbnail"] = b64(b"GIF89a not a jpeg"),
        Err(("report_invalid", "start or end marker")),
    );
    check(
        |d| d["thumbnail"] = b64(&good[..good.len() / 2]),
        Err(("report_invalid", "start or end marker")),
    );
    check(
        |d| d["thumbnail"] = b64(&jpeg(640, 360)),
        Err(("report_invalid", "640x360 pixels")),
    );
    // A JPEG header on garbage: the header does not read.
    let mut fake = vec![0xFF, 0xD8];
    fake.extend(std::iter::repeat_n(0x41, 1000));
    fake.extend([0xFF, 0xD9]);
    check(
        |d| d["thumbnail"] = b64(&fake),
        Err(("report_invalid", "not a JPEG")),
    );
    let big = vec![0u8; 25 * 1024];
    check(
        |d| d["thumbnail"] = b64(&big),
        Err(("report_invalid", "over the limit of 24576 bytes")),
    );
    // Taken: decoded and kept apart from the heartbeat.
    let mut with = heartbeat("screen-1", 1).with_thumbnail(Some(&good));
    let received = Heartbeat::parse(&with.to_bytes()).unwrap();
    assert_eq!(received.thumbnail.as_deref(), Some(good.as_slice()));
    assert_eq!(received.heartbeat.thumbnail, None);
    with.thumbnail = None;
    assert_eq!(received.heartbeat, with);
}

#[test]
fn bytes_that_are_not_a_heartbeat_are_refused_before_and_while_parsing() {
    for (bytes, code, fragment) in [
        (
            vec![b' '; MAX_HEARTBEAT_BYTES + 1],
            "report_too_large",
            "65537 bytes, over the limit of 65536",
        ),
        (b"".to_vec(), "report_malformed", "EOF"),
        (b"{\"format\": ".to_vec(), "report_malformed", "line 1"),
        (b"[1, 2, 3]".to_vec(), "report_malformed", "invalid type"),
        (
            b"{\"screen_id\": \"a\"}".to_vec(),
            "report_malformed",
            "missing field `format`",
        ),
        // Deep nesting costs no stack: a known field refuses it at the
        // first level that is not its type, an unknown one is skipped flat.
        (
            [
                br#"{"format":"summit-kiosk-heartbeat/1","screen_id":"a","showing":"#.as_slice(),
                &[b'['; 10_000],
            ]
            .concat(),
            "report_malformed",
            "column 65: invalid type: sequence",
        ),
        (
            [
                br#"{"format":"summit-kiosk-heartbeat/1","screen_id":"a","x":"#.as_slice(),
                &[b'['; 60_000],
            ]
            .concat(),
            "report_malformed",
            "EOF while parsing a list",
        ),
        (
            "{\"format\":\"summit-kiosk-heartbeat/1\",\"screen_id\":\"\u{e9}\"}"
                .as_bytes()
                .to_vec(),
            "report_invalid",
            "screen_id",
        ),
    ] {
        let e = Heartbeat::parse(&bytes).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(fragment), "{e} lacks {fragment:?}");
    }
}

#[test]
fn a_last_will_is_a_heartbeat_that_says_offline() {
    let will = Heartbeat::last_will("screen-9", "Lobby left", 42);
    let taken = Heartbeat::parse(&will.to_bytes()).unwrap().heartbeat;
    assert!(!taken.online);
    assert_eq!(
        (taken.screen_id.as_str(), taken.started_ms),
        ("screen-9", 42)
    );
    // The smallest will another implementation might leave.
    let minimal = br#"{"format":"summit-kiosk-heartbeat/1","screen_id":"screen-9","online":false}"#;
    assert!(!Heartbeat::parse(minimal).unwrap().heartbeat.online);
}

#[test]
fn what_a_room_and_a_lobby_screen_show_is_reported() {
    use kiosk_core::snapshot::{display_snapshot, Selection};
    let schedule = kiosk_core::demo::demo().schedule;
    let now = super::at("2020-02-26T15:20:00Z");
    let room = display_snapshot(
        Some(&schedule),
        &Selection::Room {
            room: "Main hall".into(),
        },
        now,
        1,
        1.0,
    );
    let (role, showing) = kiosk_core::fleet::heartbeat::showing_of(&room);
    assert_eq!(
        role,
        kiosk_core::fleet::Role::Room {
            room: "Main hall".into()
        }
    );
    assert_eq!(showing.len(), 1);
    let current = room.rooms[0].current.as_ref().unwrap();
    assert_eq!(
        showing[0].now.as_ref().unwrap().title,
        current.session.title
    );
    assert_eq!(
        showing[0].now.as_ref().unwrap().start_local,
        current.session.start_local
    );
    let lobby = display_snapshot(Some(&schedule), &Selection::Lobby, now, 1, 1.0);
    let (role, showing) = kiosk_core::fleet::heartbeat::showing_of(&lobby);
    assert_eq!(role, kiosk_core::fleet::Role::Lobby);
    assert_eq!(showing.len(), lobby.rooms.len().min(16));
}
