//! The SQLite store: real files, migrations, revisions, atomic replacement.

use jiff::SignedDuration;
use kiosk_core::demo;
use kiosk_core::model::{Schedule, Session, SessionKind};
use kiosk_core::store::{Store, APPLICATION_ID};

#[test]
fn a_schedule_round_trips_through_a_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let schedule = demo::demo().schedule;
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.revision().unwrap(), 0);
        assert!(store.load().unwrap().is_none());
        assert_eq!(store.replace_schedule(&schedule, "test").unwrap(), 1);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.revision().unwrap(), 1);
    assert_eq!(store.load().unwrap().unwrap(), schedule);
    assert_eq!(store.schema_version().unwrap(), 6);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, APPLICATION_ID);
    assert_eq!(mode, "wal");
}

#[test]
fn each_replacement_is_a_new_revision() {
    let mut store = Store::open_in_memory().unwrap();
    let schedule = demo::demo().schedule;
    assert_eq!(store.replace_schedule(&schedule, "a").unwrap(), 1);
    let moved = schedule.shifted(SignedDuration::from_mins(10));
    assert_eq!(store.replace_schedule(&moved, "b").unwrap(), 2);
    assert_eq!(store.load().unwrap().unwrap(), moved);
}

#[test]
fn a_failed_replacement_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.sqlite")).unwrap();
    let good = demo::demo().schedule;
    store.replace_schedule(&good, "good").unwrap();
    // Built past validation: a session in a room that does not exist. The
    // foreign key fails half-way through the transaction.
    let mut sessions = good.sessions.clone();
    sessions.push(Session {
        id: "zz-orphan".into(),
        title: "Nowhere".into(),
        subtitle: None,
        abstract_text: None,
        slides_url: None,
        room: "no-such-room".into(),
        track: None,
        kind: SessionKind::Talk,
        start: good.sessions[0].start,
        end: good.sessions[0].end,
        speakers: vec![],
        cancelled: false,
    });
    let bad = Schedule::new(
        good.conference.clone(),
        good.venue_tz.clone(),
        vec![],
        good.rooms.clone(),
        good.tracks.clone(),
        good.speakers.clone(),
        sessions,
    );
    let err = store.replace_schedule(&bad, "bad").unwrap_err();
    assert_eq!(err.code(), "sqlite");
    assert_eq!(store.revision().unwrap(), 1);
    assert_eq!(store.load().unwrap().unwrap(), good);
}

#[test]
fn a_foreign_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE mine (x); INSERT INTO mine VALUES (42);")
        .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    let text = err.to_string();
    assert!(
        text.contains("not a Summit Kiosk store") && text.contains("other.sqlite"),
        "{text}"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let x: i64 = conn
        .query_row("SELECT x FROM mine", [], |r| r.get(0))
        .unwrap();
    assert_eq!(x, 42);
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let text = Store::open(&path).err().unwrap().to_string();
    assert!(text.contains("schema version 99"), "{text}");
}
