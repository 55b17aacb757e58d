//! The SQLite store: real files, migrations, revisions, atomic replacement.

use jiff::SignedDuration;
use kiosk_core::demo;
use kiosk_core::model::{LinkKind, Schedule, Session, SessionKind};
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
    assert_eq!(store.schema_version().unwrap(), 7);

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
        room: "no-such-room".into(),
        track: None,
        kind: SessionKind::Talk,
        start: good.sessions[0].start,
        end: good.sessions[0].end,
        speakers: vec![],
        cancelled: false,
        info: Default::default(),
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

/// Turn a current store file back into the layout of schema version 4
/// (sessions with a `slides_url` column; none of the tables of migrations
/// 5 and 7): what a kiosk installed before them holds.
pub(crate) fn as_version_4(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "ALTER TABLE sessions ADD COLUMN slides_url TEXT;
         UPDATE sessions SET slides_url = json_extract(info, '$.links[0].url')
             WHERE json_extract(info, '$.links[0].kind') = 'slides';
         ALTER TABLE sessions DROP COLUMN info;
         DROP TABLE room_status; DROP TABLE emergencies;
         DROP TABLE pin_backoff; DROP TABLE feed_published; DROP TABLE feed_accepted;
         DROP TABLE screen_identity; DROP TABLE fleet_screens;
         PRAGMA user_version = 4;",
    )
    .unwrap();
}

#[test]
fn a_version_4_store_keeps_its_slide_links_through_migration_7() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    let schedule = demo::demo().schedule;
    let with_slides = |s: &Schedule| {
        s.sessions
            .iter()
            .filter_map(|x| Some((x.id.clone(), x.info.link(LinkKind::Slides)?.to_string())))
            .collect::<Vec<_>>()
    };
    assert!(with_slides(&schedule).len() >= 17);
    Store::open(&path)
        .unwrap()
        .replace_schedule(&schedule, "demo")
        .unwrap();
    as_version_4(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM sessions WHERE slides_url LIKE 'http%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old as usize, with_slides(&schedule).len(), "the v4 layout");
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 7);
    let loaded = store.load().unwrap().unwrap();
    assert_eq!(with_slides(&loaded), with_slides(&schedule));
    assert!(store.room_statuses().unwrap().is_empty());
    assert!(store.emergencies().unwrap().is_empty());
}
