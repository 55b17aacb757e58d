//! The core's errors: every code listed once in `ALL_CODES`, every message
//! naming where and what, and the store's refusals keeping their own codes
//! (not flattened into `invalid` or `store`).

use std::path::PathBuf;

use jiff::Timestamp;
use kiosk_core::edits::{Edit, EditError, Overlap};
use kiosk_core::error::{Problem, ALL_CODES};
use kiosk_core::store::Store;
use kiosk_core::Error;

fn io_error() -> std::io::Error {
    std::io::Error::from(std::io::ErrorKind::PermissionDenied)
}

/// One error of each variant (and each edit refusal), with a part of its
/// message that says where and a part that says what.
fn samples() -> Vec<(Error, &'static str, &'static str)> {
    let edit = |e: EditError| Error::Edit(e);
    let mut samples = vec![
        (
            Error::Read {
                path: "/media/stick/schedule.xml".into(),
                source: io_error(),
            },
            "/media/stick/schedule.xml",
            "cannot read",
        ),
        (
            Error::Io {
                op: "write",
                path: PathBuf::from("/etc/summit/config.toml"),
                source: io_error(),
            },
            "/etc/summit/config.toml",
            "cannot write",
        ),
        (
            Error::TooLarge {
                origin: "big.json".into(),
                size: 40_000_000,
                limit: 33_554_432,
            },
            "big.json",
            "over the limit",
        ),
        (
            Error::Empty {
                origin: "empty.csv".into(),
            },
            "empty.csv",
            "empty",
        ),
        (
            Error::Syntax {
                origin: "s.xml".into(),
                line: 3,
                column: 7,
                message: "not well-formed XML".into(),
            },
            "s.xml: line 3, column 7",
            "not well-formed",
        ),
        (
            Error::Invalid {
                origin: "s.json".into(),
                problems: vec![Problem {
                    place: "sessions[2].end".into(),
                    message: "ends before it starts".into(),
                }],
            },
            "sessions[2].end",
            "ends before it starts",
        ),
        (
            Error::UnknownRoom {
                room: "Attic".into(),
                known: vec!["Main hall".into()],
            },
            "\"Attic\"",
            "no room named",
        ),
        (
            Error::NotFound {
                what: "source \"https://example.org/s.xml\"".into(),
            },
            "https://example.org/s.xml",
            "is not there",
        ),
        (
            edit(EditError::NoSession {
                session: "d1-x".into(),
            }),
            "\"d1-x\"",
            "is not in the schedule",
        ),
        (
            edit(EditError::NoRoom {
                room: "Attic".into(),
                known: vec!["Main hall".into()],
            }),
            "\"Attic\"",
            "there is no room",
        ),
        (
            edit(EditError::NothingToDelay {
                room: "Main hall".into(),
                from: "18:00".into(),
            }),
            "Main hall",
            "nothing to delay",
        ),
        (
            edit(EditError::Overlap(Box::new(Overlap {
                session: "a".into(),
                title: "A".into(),
                span: "10:00–10:35".into(),
                other: "b".into(),
                other_title: "B".into(),
                other_span: "10:30–11:00".into(),
                room: "Main hall".into(),
            }))),
            "\"a\"",
            "would overlap \"b\"",
        ),
        (
            edit(EditError::InvalidSession {
                session: "a".into(),
                message: "ends before it starts".into(),
            }),
            "\"a\"",
            "ends before it starts",
        ),
        (
            edit(EditError::DuplicateId {
                session: "a".into(),
            }),
            "\"a\"",
            "already a session",
        ),
        (
            edit(EditError::InvalidAnnouncement {
                id: "ann-1".into(),
                message: "the text is empty".into(),
            }),
            "\"ann-1\"",
            "the text is empty",
        ),
        (
            edit(EditError::InvalidRoomStatus {
                room: "Main hall".into(),
                message: "the overflow room is the room itself".into(),
            }),
            "\"Main hall\"",
            "overflow room is the room itself",
        ),
        (
            edit(EditError::InvalidEmergency {
                id: "emergency-1".into(),
                message: "the headline is empty".into(),
            }),
            "\"emergency-1\"",
            "the headline is empty",
        ),
        (
            edit(EditError::Invalid(
                "a delay of 0 minutes changes nothing".into(),
            )),
            "delay",
            "changes nothing",
        ),
        (
            Error::NoSchedule {
                path: "/data/store.db".into(),
            },
            "/data/store.db",
            "no schedule has been imported yet",
        ),
        (
            Error::NothingToRollBack {
                path: "/data/store.db".into(),
            },
            "/data/store.db",
            "no earlier imported schedule",
        ),
        (
            Error::ImporterPanicked {
                source_name: "https://example.org/s.xml".into(),
            },
            "https://example.org/s.xml",
            "crashed the importer",
        ),
        (
            Error::Store {
                path: "/data/store.db".into(),
                message: "this file is not a Summit Kiosk store".into(),
            },
            "/data/store.db",
            "not a Summit Kiosk store",
        ),
        (
            Error::Sqlite {
                path: "/data/store.db".into(),
                source: rusqlite::Error::InvalidQuery,
            },
            "/data/store.db",
            "Query",
        ),
        (
            Error::Config {
                path: "/etc/summit/config.toml".into(),
                message: "unknown field `colour`".into(),
            },
            "/etc/summit/config.toml",
            "unknown field",
        ),
        (
            kiosk_core::parse_instant("tomorrow").unwrap_err(),
            "\"tomorrow\"",
            "is not an instant",
        ),
        (
            Error::Fetch {
                url: "https://example.org/s.xml".into(),
                message: "HTTP 503".into(),
                retry_after: None,
            },
            "https://example.org/s.xml",
            "HTTP 503",
        ),
    ];
    use kiosk_core::feed::FeedError;
    let feed = |source: FeedError, what: &'static str| {
        (
            Error::Feed {
                origin: "http://leader:8787/feed.json".into(),
                source,
            },
            "http://leader:8787/feed.json",
            what,
        )
    };
    samples.extend([
        feed(FeedError::Unsigned, "not signed"),
        feed(
            FeedError::UntrustedKey {
                key_id: "ABCD".into(),
            },
            "does not trust",
        ),
        feed(
            FeedError::BadSignature {
                key_id: "ABCD".into(),
                message: "mismatch".into(),
            },
            "does not hold",
        ),
        feed(
            FeedError::Malformed {
                message: "not UTF-8".into(),
            },
            "not a feed envelope",
        ),
        feed(FeedError::NotAFeed, "must be a signed feed"),
        feed(
            FeedError::Replayed {
                version: 1,
                newest: 2,
            },
            "replay",
        ),
        feed(
            FeedError::Key {
                path: "organizer.key".into(),
                message: "cannot sign".into(),
            },
            "cannot sign",
        ),
    ]);
    use kiosk_core::fleet::FleetError;
    let fleet = |source: FleetError, what: &'static str| {
        (
            Error::Fleet {
                origin: "screen screen-0a1b2c3d4e5f".into(),
                source,
            },
            "screen screen-0a1b2c3d4e5f",
            what,
        )
    };
    samples.extend([
        fleet(
            FleetError::TooLarge {
                size: 70_000,
                limit: 65_536,
            },
            "over the limit of 65536",
        ),
        fleet(
            FleetError::Malformed {
                message: "line 1, column 2: EOF".into(),
            },
            "not a Summit Kiosk report",
        ),
        fleet(
            FleetError::Field {
                field: "screen_name".into(),
                message: "holds control characters".into(),
            },
            "screen_name: holds control characters",
        ),
        fleet(FleetError::Unauthenticated, "follower token"),
        fleet(
            FleetError::RateLimited {
                who: "10.0.0.7".into(),
            },
            "too many reports from 10.0.0.7",
        ),
        fleet(
            FleetError::ScreenRateLimited {
                screen: "s-9".into(),
            },
            "too many reports for screen \"s-9\"",
        ),
        fleet(
            FleetError::Full {
                screen: "s-2001".into(),
                limit: 2000,
            },
            "already lists 2000 screens",
        ),
        fleet(
            FleetError::Replayed {
                screen: "s-1".into(),
                seq: 4,
            },
            "not newer",
        ),
        fleet(
            FleetError::Command {
                message: "it is for screen \"s-2\"".into(),
            },
            "command refused",
        ),
        fleet(
            FleetError::UnknownScreen {
                screen: "s-3".into(),
            },
            "no screen \"s-3\"",
        ),
        fleet(
            FleetError::Transport {
                message: "mqtt://broker:1883/c: cannot reach the broker".into(),
            },
            "cannot reach the broker",
        ),
    ]);
    samples
}

/// A `match` with no wildcard: a new variant does not compile here until
/// it has a sample above (and its code a place in `ALL_CODES`).
fn variant(e: &Error) -> &'static str {
    match e {
        Error::Read { .. } => "Read",
        Error::Io { .. } => "Io",
        Error::TooLarge { .. } => "TooLarge",
        Error::Empty { .. } => "Empty",
        Error::Syntax { .. } => "Syntax",
        Error::Invalid { .. } => "Invalid",
        Error::UnknownRoom { .. } => "UnknownRoom",
        Error::NotFound { .. } => "NotFound",
        Error::Edit(_) => "Edit",
        Error::NoSchedule { .. } => "NoSchedule",
        Error::NothingToRollBack { .. } => "NothingToRollBack",
        Error::ImporterPanicked { .. } => "ImporterPanicked",
        Error::Store { .. } => "Store",
        Error::Sqlite { .. } => "Sqlite",
        Error::Config { .. } => "Config",
        Error::Time(_) => "Time",
        Error::Fetch { .. } => "Fetch",
        Error::Feed { .. } => "Feed",
        Error::Fleet { .. } => "Fleet",
    }
}

#[test]
fn every_code_is_listed_once_and_every_listed_code_is_given() {
    let mut seen = std::collections::HashSet::new();
    for code in ALL_CODES {
        assert!(seen.insert(*code), "{code} is listed twice");
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{code} is not snake_case"
        );
    }
    let given: std::collections::HashSet<&str> =
        samples().iter().map(|(e, _, _)| e.code()).collect();
    for (e, _, _) in samples() {
        assert!(
            ALL_CODES.contains(&e.code()),
            "{} gives {:?}, which ALL_CODES lacks",
            variant(&e),
            e.code()
        );
    }
    for code in ALL_CODES {
        assert!(given.contains(code), "no error gives {code}");
    }
    assert_eq!(given.len(), ALL_CODES.len());
}

#[test]
fn every_message_names_where_and_what() {
    for (e, place, what) in samples() {
        let text = e.to_string();
        assert!(
            text.contains(place),
            "{}: {text:?} lacks {place:?}",
            variant(&e)
        );
        assert!(
            text.contains(what),
            "{}: {text:?} lacks {what:?}",
            variant(&e)
        );
    }
}

fn now() -> Timestamp {
    "2020-02-26T15:00:00Z".parse().unwrap()
}

fn store_with_demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store
        .replace_schedule(&kiosk_core::demo::demo().schedule, "demo")
        .unwrap();
    store
}

/// The store's refusals, each with its own code: `(what was asked, code,
/// a part of the message)`.
#[test]
fn the_store_refuses_with_the_code_of_the_reason() {
    type Ask = Box<dyn Fn(&mut Store) -> kiosk_core::Result<()>>;
    let skip = |session: &str| Edit::Skip {
        session: session.into(),
    };
    let cases: Vec<(&str, Ask, &str, &str)> = vec![
        (
            "an edit before any import",
            Box::new(move |_| {
                let mut empty = Store::open_in_memory()?;
                empty.record_edit(skip("x"), "test", now()).map(drop)
            }),
            "no_schedule",
            "no schedule has been imported yet",
        ),
        (
            "a rollback with one import",
            Box::new(|s| s.rollback_to_previous("test", now()).map(drop)),
            "nothing_to_roll_back",
            "no earlier imported schedule",
        ),
        (
            "a skip of a session that is not there",
            Box::new(move |s| s.record_edit(skip("nope"), "test", now()).map(drop)),
            "no_session",
            "\"nope\" is not in the schedule",
        ),
        (
            "a delay of a room that is not there",
            Box::new(|s| s.plan_delay("attic", now(), 10).map(drop)),
            "no_room",
            "there is no room \"attic\"",
        ),
    ];
    for (what, ask, code, text) in cases {
        let mut store = store_with_demo();
        let revision = store.revision().unwrap();
        let e = ask(&mut store).expect_err(what);
        assert_eq!(e.code(), code, "{what}: {e}");
        assert!(e.to_string().contains(text), "{what}: {e}");
        assert_eq!(store.revision().unwrap(), revision, "{what}");
        assert!(store.edits().unwrap().is_empty(), "{what}");
    }
}

#[test]
fn a_store_whose_folder_cannot_be_made_is_an_io_error_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let e = match Store::open(&file.join("data").join("store.db")) {
        Ok(_) => panic!("a store under a file opened"),
        Err(e) => e,
    };
    assert_eq!(e.code(), "io", "{e}");
    let text = e.to_string();
    assert!(
        text.contains(&file.join("data").display().to_string()),
        "{text}"
    );
    assert!(text.contains("cannot create the store's folder"), "{text}");
}
