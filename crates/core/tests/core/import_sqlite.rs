//! The SQLite exchange file: a real file written as an organizer would, read
//! defensively; hostile files refused with a clear reason.

use std::path::{Path, PathBuf};

use kiosk_core::import::{load_file, Format, ImportOptions};
use kiosk_core::now_report::now_report;
use rusqlite::Connection;

/// The demo, written into an exchange file (its conference name padded with
/// spaces, as a hand-made file might have it); the connection stays open for
/// further edits.
fn write_demo(path: &Path) -> Connection {
    kiosk_core::import::sqlite::write_exchange(&kiosk_core::demo::demo().schedule, path).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.execute("UPDATE conference SET name = '  ' || name || '  '", [])
        .unwrap();
    conn
}

fn at(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

#[test]
fn an_exchange_file_reads_like_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schedule.sqlite");
    drop(write_demo(&path));
    let before = std::fs::read(&path).unwrap();
    let (format, validated) = load_file(&path, &ImportOptions::default()).unwrap();
    assert_eq!(format, Format::Sqlite);
    let from_sqlite = validated.schedule;
    let from_json = kiosk_core::demo::demo().schedule;
    assert_eq!(from_sqlite.conference.name, "Dask Summit 2020", "trimmed");
    for when in [
        "2020-02-26T10:20:00-05:00",
        "2020-02-26T12:15:00-05:00",
        "2020-02-27T14:00:00-05:00",
    ] {
        assert_eq!(
            now_report(&from_sqlite, at(when), None).unwrap(),
            now_report(&from_json, at(when), None).unwrap()
        );
    }
    assert_eq!(from_sqlite.sessions, from_json.sessions);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "reading changes nothing in the file"
    );
}

#[test]
fn a_change_still_in_the_wal_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite");
    let writer = write_demo(&path);
    writer
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    writer
        .execute(
            "UPDATE sessions SET title = 'Moved: ' || title WHERE id = 'd1-prefect'",
            [],
        )
        .unwrap();
    assert!(dir.path().join("live.sqlite-wal").exists());
    let (_, v) = load_file(&path, &ImportOptions::default()).unwrap();
    let s = v
        .schedule
        .sessions
        .iter()
        .find(|s| s.id == "d1-prefect")
        .unwrap();
    assert!(s.title.starts_with("Moved: "), "{}", s.title);
}

struct Case {
    name: &'static str,
    make: fn(&Path),
    expect: &'static str,
}

fn demo_then(path: &Path, sql: &str) {
    let conn = write_demo(path);
    conn.execute_batch(sql).unwrap();
}

const CASES: &[Case] = &[
    Case {
        name: "no-sessions-table.sqlite",
        make: |p| demo_then(p, "DROP TABLE session_speakers; DROP TABLE sessions;"),
        expect: "table sessions: is missing",
    },
    Case {
        name: "view-not-table.sqlite",
        make: |p| {
            demo_then(
                p,
                "ALTER TABLE sessions RENAME TO s2; CREATE VIEW sessions AS SELECT * FROM s2;",
            )
        },
        expect: "table sessions: is missing",
    },
    Case {
        name: "missing-column.sqlite",
        make: |p| demo_then(p, "ALTER TABLE sessions DROP COLUMN title;"),
        expect: "table sessions: has no column \"title\"",
    },
    Case {
        name: "blob-title.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET title = x'00ff00' WHERE id = 'd1-prefect';",
            )
        },
        expect: "holds binary data, not text",
    },
    Case {
        name: "bad-utf8.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET title = CAST(x'43616ff9' AS TEXT) WHERE id = 'd1-prefect';",
            )
        },
        expect: "is not UTF-8 text",
    },
    Case {
        name: "huge-value.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET abstract = zeroblob(900000) || 'x' WHERE id = 'd1-prefect';",
            )
        },
        expect: "abstract: is 900001 characters long",
    },
    Case {
        name: "too-many-rows.sqlite",
        make: |p| {
            demo_then(p, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20001) INSERT INTO sessions (id, title, room_id, start, \"end\") SELECT 'x' || i, 't', 'main', '2020-02-26T09:00', '2020-02-26T09:10' FROM n;")
        },
        expect: "rows; at most 20000 are allowed",
    },
    Case {
        name: "no-conference-row.sqlite",
        make: |p| demo_then(p, "DELETE FROM conference;"),
        expect: "table conference: has no row",
    },
    Case {
        name: "unknown-zone.sqlite",
        make: |p| demo_then(p, "UPDATE conference SET timezone = 'Mars/Base';"),
        expect: "unknown time zone \"Mars/Base\"",
    },
    Case {
        name: "end-before-start.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET \"end\" = '2020-02-26T09:00' WHERE id = 'd1-prefect';",
            )
        },
        expect: "before it starts",
    },
    Case {
        name: "bad-kind.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET kind = 'keynote' WHERE id = 'd1-prefect';",
            )
        },
        expect: "\"keynote\" is not one of",
    },
    Case {
        name: "unknown-room.sqlite",
        make: |p| {
            demo_then(
                p,
                "UPDATE sessions SET room_id = 'attic' WHERE id = 'd1-prefect';",
            )
        },
        expect: "unknown room \"attic\"",
    },
    Case {
        name: "duplicate-id.sqlite",
        make: |p| {
            demo_then(p, "CREATE TABLE s2 AS SELECT * FROM sessions; DROP TABLE sessions; CREATE TABLE sessions AS SELECT * FROM s2; INSERT INTO sessions SELECT * FROM s2 WHERE id = 'd1-prefect';")
        },
        expect: "duplicate session id \"d1-prefect\"",
    },
    Case {
        name: "generated-bomb.sqlite",
        make: |p| {
            demo_then(p, "ALTER TABLE sessions ADD COLUMN subtitle2 TEXT; DROP TABLE session_speakers; ALTER TABLE sessions DROP COLUMN subtitle; ALTER TABLE sessions ADD COLUMN subtitle TEXT GENERATED ALWAYS AS (hex(zeroblob(100000000))) VIRTUAL;")
        },
        expect: "larger than 1,000,000 bytes",
    },
    Case {
        name: "damaged.sqlite",
        make: |p| {
            drop(write_demo(p));
            let mut bytes = std::fs::read(p).unwrap();
            let len = bytes.len();
            for b in &mut bytes[4096..len] {
                *b = b.wrapping_mul(31).wrapping_add(7);
            }
            std::fs::write(p, bytes).unwrap();
        },
        expect: "damaged",
    },
    Case {
        name: "truncated.sqlite",
        make: |p| {
            drop(write_demo(p));
            let bytes = std::fs::read(p).unwrap();
            std::fs::write(p, &bytes[..bytes.len() / 3]).unwrap();
        },
        expect: "sqlite",
    },
    Case {
        name: "header-only.sqlite",
        make: |p| std::fs::write(p, b"SQLite format 3\0").unwrap(),
        expect: "header-only.sqlite",
    },
];

#[test]
fn hostile_exchange_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let path: PathBuf = dir.path().join(case.name);
        (case.make)(&path);
        let before = std::fs::read(&path).unwrap();
        let err = load_file(&path, &ImportOptions::default()).expect_err(case.name);
        let text = err.to_string();
        assert!(
            text.starts_with(&path.display().to_string()) || text.contains(case.name),
            "{}: names the file: {text}",
            case.name
        );
        assert!(
            text.to_lowercase().contains(&case.expect.to_lowercase()),
            "{}: {:?} missing from: {text}",
            case.name,
            case.expect
        );
        assert!(
            text.len() < 2000,
            "{}: short message ({} bytes)",
            case.name,
            text.len()
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{}: the file is untouched",
            case.name
        );
    }
}
