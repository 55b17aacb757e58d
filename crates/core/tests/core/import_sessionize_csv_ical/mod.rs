//! Sessionize, CSV and iCalendar: one conference (Alpine DevConf 2025,
//! Europe/Paris, 15–16 May 2025) in every format, what each room shows as
//! `check(...)` tables, the formats agreeing, and bad files refused with a
//! clear message.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use kiosk_core::import::{detect, load_file, parse_bytes, Format, ImportOptions};
use kiosk_core::model::{LinkKind, Schedule};
use kiosk_core::now_report::{now_report, Entry};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn paris() -> ImportOptions {
    ImportOptions {
        venue_timezone: Some("Europe/Paris".into()),
    }
}

const SESSIONIZE: &str = "sessionize/alpine-devconf-2025.json";
const CSV: &str = "csv/alpine-devconf-2025.csv";
const CSV_SEMICOLON: &str = "csv/alpine-devconf-2025-semicolon.csv";
const ICAL: &str = "ical/alpine-devconf-2025.ics";
const ALL: [&str; 4] = [SESSIONIZE, CSV, CSV_SEMICOLON, ICAL];

fn load(rel: &str) -> kiosk_core::draft::Validated {
    let path = fixtures().join(rel);
    match load_file(&path, &paris()) {
        Ok((_, v)) => v,
        Err(e) => panic!("{rel}: {e}"),
    }
}

fn parse_text(origin: &str, text: &str, options: &ImportOptions) -> kiosk_core::draft::Validated {
    match parse_bytes(origin, text.as_bytes(), options) {
        Ok((_, v)) => v,
        Err(e) => panic!("{e}"),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `title [speakers] YYYY-MM-DDTHH:MM–HH:MM`, or `-`.
fn describe(entry: &Option<Entry>) -> String {
    match entry {
        None => "-".into(),
        Some(e) => format!(
            "{} [{}] {}–{}",
            e.title,
            e.speakers.join(", "),
            &e.start[..16],
            &e.end[11..16]
        ),
    }
}

/// `expect` is "now | next".
#[track_caller]
fn check(schedule: &Schedule, when: &str, room: &str, expect: &str) {
    let report = now_report(schedule, at(when), Some(room)).expect("the room exists");
    let r = &report.rooms[0];
    let got = format!("{} | {}", describe(&r.now), describe(&r.next));
    assert_eq!(got, expect, "at {when} in {room}");
}

/// `expect` are fragments of the error message, which starts with the origin.
#[track_caller]
fn check_error(origin: &str, text: &str, options: &ImportOptions, expect: &[&str]) {
    let err = parse_bytes(origin, text.as_bytes(), options).expect_err("refused");
    let msg = err.to_string();
    assert!(msg.starts_with(origin), "names the source: {msg}");
    for fragment in expect {
        assert!(msg.contains(fragment), "{fragment:?} missing from: {msg}");
    }
}

mod bad;
mod csv;
mod formats;
mod ical;
mod sessionize;
