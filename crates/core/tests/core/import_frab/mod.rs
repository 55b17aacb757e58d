//! frab / pretalx `schedule.xml` and `schedule.json` (c3voc schema): what the
//! screens show for the imported schedule, XML and JSON agreeing, the time
//! zone rules, sessions past midnight, and bad files.
//!
//! Fixtures (`tests/fixtures/frab/`): `wk24-schedule.{xml,json}` is one
//! four-day congress (Europe/Berlin, 27–30 December 2024, 150 sessions in
//! four rooms) in both formats; `khk12-old-schedule.xml` is an old-style
//! file with no `<date>` in its events and no time zone.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use kiosk_core::draft::Validated;
use kiosk_core::import::{detect, load_file, parse_bytes, Format, ImportOptions};
use kiosk_core::model::{LinkKind, Schedule, SessionKind};
use kiosk_core::now_report::{now_report, Entry};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn load(name: &str) -> Validated {
    load_file(&fixture(name), &ImportOptions::default())
        .unwrap()
        .1
}

fn berlin() -> ImportOptions {
    ImportOptions {
        venue_timezone: Some("Europe/Berlin".into()),
    }
}

fn parse_text(text: &str, options: &ImportOptions) -> kiosk_core::Result<Validated> {
    parse_bytes("input", text.as_bytes(), options).map(|(_, v)| v)
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn show(e: &Option<Entry>) -> String {
    match e {
        None => "-".into(),
        Some(e) => format!(
            "{} [{}] {} {}",
            e.title,
            e.speakers.join(", "),
            &e.start[5..16],
            e.kind
        ),
    }
}

/// One room's line of `now --json`: "room | now | next", each entry as
/// "title [speakers] MM-DDTHH:MM kind".
#[track_caller]
fn check(schedule: &Schedule, when: &str, room: &str, expect: &str) {
    let report = now_report(schedule, at(when), Some(room)).unwrap();
    let r = &report.rooms[0];
    let got = format!("{} | {} | {}", r.room, show(&r.now), show(&r.next));
    assert_eq!(got, expect, "at {when} in {room}");
}

mod bad;
mod congress;
mod zones;
