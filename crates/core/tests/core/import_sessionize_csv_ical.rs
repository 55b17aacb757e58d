//! Sessionize, CSV and iCalendar: one conference (Alpine DevConf 2025,
//! Europe/Paris, 15–16 May 2025) in every format, what each room shows as
//! `check(...)` tables, the formats agreeing, and bad files refused with a
//! clear message.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use kiosk_core::import::{detect, load_file, parse_bytes, Format, ImportOptions};
use kiosk_core::model::Schedule;
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

const NOW_NEXT: &[(&str, &str, &str)] = &[
    (
        "2025-05-15T09:10:00+02:00",
        "Main Hall",
        "Welcome & opening [Ana Souza, Jürgen Groß] 2025-05-15T09:00–09:30 | Rust at the edge [Léa Dubois] 2025-05-15T09:30–10:15",
    ),
    (
        "2025-05-15T08:20:00Z",
        "Main Hall",
        "Coffee break [] 2025-05-15T10:15–10:45 | Unicode: naïve façades, 日本語 and 🦀 [佐藤 健二] 2025-05-15T10:45–11:30",
    ),
    (
        "2025-05-15T11:45:00+02:00",
        "Main Hall",
        "Panel: the future of kiosks [Ana Souza, Léa Dubois, 佐藤 健二] 2025-05-15T11:30–12:15 | Lunch [] 2025-05-15T12:15–13:30",
    ),
    (
        "2025-05-15T13:45:00+02:00",
        "Main Hall",
        "Time zones are hard [Jürgen Groß] 2025-05-15T13:30–14:15 | Keynote: 未来のカンファレンス [佐藤 健二] 2025-05-16T09:00–09:45",
    ),
    (
        "2025-05-15T10:20:00+02:00",
        "Salle Lumière",
        "- | Hands-on: Rust from zero [Léa Dubois, Jürgen Groß] 2025-05-15T10:45–11:30",
    ),
    (
        "2025-05-15T14:30:00+02:00",
        "salle lumière",
        "Le futur du CSS ✨ [Élodie Martin, Jürgen Groß] 2025-05-15T14:00–15:00 | Typographie & ergonomie [Élodie Martin] 2025-05-16T09:00–10:00",
    ),
    (
        "2025-05-15T10:00:00+02:00",
        "Room 3",
        "Embedded Rust 🚀 [佐藤 健二] 2025-05-15T10:00–10:45 | Night owls: lightning talks [Ana Souza] 2025-05-15T22:00–23:15",
    ),
    // Past midnight: the 23:30 session runs into the 16th, the 00:30 one is on the 16th.
    (
        "2025-05-15T23:45:00+02:00",
        "Room 3",
        "Midnight hacking session [Léa Dubois, 佐藤 健二] 2025-05-15T23:30–00:30 | After-midnight Q&A [Ana Souza] 2025-05-16T00:30–01:00",
    ),
    (
        "2025-05-16T00:15:00+02:00",
        "Room 3",
        "Midnight hacking session [Léa Dubois, 佐藤 健二] 2025-05-15T23:30–00:30 | After-midnight Q&A [Ana Souza] 2025-05-16T00:30–01:00",
    ),
    (
        "2025-05-16T00:30:00+02:00",
        "Room 3",
        "After-midnight Q&A [Ana Souza] 2025-05-16T00:30–01:00 | Hallway track [] 2025-05-16T09:30–10:30",
    ),
    (
        "2025-05-16T09:50:00+02:00",
        "Main Hall",
        "Coffee break [] 2025-05-16T09:45–10:15 | Fuzzing parsers [Jürgen Groß] 2025-05-16T10:15–11:00",
    ),
    (
        "2025-05-16T10:30:00+02:00",
        "Salle Lumière",
        "Émojis 😀 in the wild [Léa Dubois] 2025-05-16T10:15–11:00 | -",
    ),
    (
        "2025-05-16T11:10:00+02:00",
        "Main Hall",
        "Closing remarks [Ana Souza] 2025-05-16T11:00–11:20 | -",
    ),
    ("2025-05-16T12:00:00+02:00", "Main Hall", "- | -"),
];

#[test]
fn now_and_next_in_every_format() {
    for rel in ALL {
        let v = load(rel);
        for (when, room, expect) in NOW_NEXT {
            check(&v.schedule, when, room, expect);
        }
    }
}

/// Everything but ids and affiliations, which not every format has.
fn projection(s: &Schedule) -> Vec<String> {
    let mut out: Vec<String> = s
        .sessions
        .iter()
        .map(|x| {
            let room = s.rooms.iter().find(|r| r.id == x.room).unwrap();
            let track = x.track.as_ref().map(|t| s.track(t).unwrap().name.clone());
            let speakers: Vec<&str> = x
                .speakers
                .iter()
                .map(|id| s.speaker(id).unwrap().name.as_str())
                .collect();
            format!(
                "{} | {} | {} | {} | {} | {:?} | {:?} | {}",
                s.local_rfc3339(x.start),
                s.local_hm(x.end),
                room.name,
                x.title,
                x.kind.as_str(),
                track,
                speakers,
                x.abstract_text.is_some()
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_formats_agree() {
    let reference = load(SESSIONIZE).schedule;
    let expected = projection(&reference);
    assert_eq!(expected.len(), 21);
    for rel in [CSV, CSV_SEMICOLON, ICAL] {
        let s = load(rel).schedule;
        assert_eq!(projection(&s), expected, "{rel}");
        assert_eq!(s.conference.timezone, "Europe/Paris", "{rel}");
        let mut names = s.room_names();
        names.sort();
        assert_eq!(names, ["Main Hall", "Room 3", "Salle Lumière"], "{rel}");
        assert_eq!(s.days.len(), 2, "{rel}");
    }
    // Sessionize, the comma CSV and iCalendar carry the same session ids.
    let ids = |s: &Schedule| {
        let mut ids: Vec<String> = s.sessions.iter().map(|x| x.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&load(CSV).schedule), ids(&reference));
    assert_eq!(ids(&load(ICAL).schedule), ids(&reference));
}

#[test]
fn detect_recognises_each_fixture() {
    for (rel, format) in [
        (SESSIONIZE, Format::Sessionize),
        (CSV, Format::Csv),
        (CSV_SEMICOLON, Format::Csv),
        (ICAL, Format::Ical),
    ] {
        let bytes = std::fs::read(fixtures().join(rel)).unwrap();
        assert_eq!(detect(&bytes), format, "{rel}");
        assert_eq!(
            parse_bytes(rel, &bytes, &paris()).unwrap().0,
            format,
            "{rel}"
        );
    }
}

#[test]
fn sessionize_details() {
    let v = load(SESSIONIZE);
    let s = &v.schedule;
    assert_eq!(s.conference.name, "alpine-devconf-2025");
    // Rooms by `sort`, not by the file's order; names trimmed.
    assert_eq!(s.room_names(), ["Main Hall", "Salle Lumière", "Room 3"]);
    // Tracks: the "Track" category, not the first one ("Level").
    let tracks: Vec<&str> = s.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tracks, ["Web", "Systems", "Community"]);
    let ana = s.speakers.iter().find(|x| x.name == "Ana Souza").unwrap();
    assert_eq!(ana.affiliation.as_deref(), Some("Kiosk Labs"));
    assert!(s.speakers.iter().any(|x| x.name == "Léa Dubois"));
    let breaks: Vec<&str> = s
        .sessions
        .iter()
        .filter(|x| x.kind == kiosk_core::model::SessionKind::Break)
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(breaks, ["103", "106", "116"]);
    let text: Vec<String> = v.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        text.iter()
            .any(|w| w.contains("sessions[5] (\"199\")") && w.contains("not scheduled")),
        "{text:?}"
    );
    let title = &s.sessions.iter().find(|x| x.id == "107").unwrap().title;
    assert_eq!(title, "Time zones are hard", "trimmed");
}

#[test]
fn sessionize_offsets_speaker_names_and_first_category() {
    let text = r#"{
      "sessions": [
        {"id": 7, "title": "With offset", "startsAt": "2025-05-15T07:00:00Z",
         "endsAt": "2025-05-15T10:00:00+02:00", "isServiceSession": false,
         "speakers": ["s1", {"id": "s2", "name": "Inline Person"}], "categoryItems": [41],
         "roomId": "r1", "extra": {"ignored": true}}
      ],
      "speakers": [{"id": "s1", "firstName": " Zoë ", "lastName": "Ng"}],
      "questions": [],
      "categories": [{"id": 4, "title": "Format", "items": [{"id": 41, "name": "Long"}]}],
      "rooms": [{"id": "r1", "name": "Hall"}]
    }"#;
    // Every time has an offset: no venue zone needed (UTC, with a warning).
    let v = parse_text("/x/offsets.json", text, &ImportOptions::default());
    let s = &v.schedule;
    assert_eq!(s.conference.timezone, "UTC");
    assert!(v
        .warnings
        .iter()
        .any(|w| w.message.contains("venue_timezone")));
    assert_eq!(s.sessions[0].id, "7");
    assert_eq!(s.sessions[0].start, at("2025-05-15T07:00:00Z"));
    assert_eq!(s.sessions[0].end, at("2025-05-15T08:00:00Z"));
    let names: Vec<&str> = s.speakers.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["Zoë Ng", "Inline Person"]);
    assert_eq!(
        s.track(s.sessions[0].track.as_deref().unwrap())
            .unwrap()
            .name,
        "Long"
    );
}

#[test]
fn csv_details() {
    let v = load(CSV);
    let s = &v.schedule;
    assert_eq!(s.conference.name, "alpine-devconf-2025");
    assert_eq!(s.room_names(), ["Main Hall", "Salle Lumière", "Room 3"]);
    let lea = s.speakers.iter().find(|x| x.name == "Léa Dubois").unwrap();
    assert_eq!(lea.affiliation.as_deref(), Some("Université de Lyon"));
    // Ids generated from day, room and start in the file without an id column.
    let semi = load(CSV_SEMICOLON).schedule;
    assert!(
        semi.sessions
            .iter()
            .any(|x| x.id == "2025-05-15-salle-lumière-0930"),
        "{:?}",
        semi.sessions.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    assert!(semi
        .sessions
        .iter()
        .any(|x| x.id == "2025-05-16-room-3-0030"));
}

/// `id | title | room | start–end | kind | speakers` of every session of a CSV.
fn csv_rows(text: &str) -> Vec<String> {
    let v = parse_text("/tmp/t.csv", text, &paris());
    let s = &v.schedule;
    s.sessions
        .iter()
        .map(|x| {
            format!(
                "{} | {} | {} | {}–{} | {} | {}",
                x.id,
                x.title,
                s.rooms.iter().find(|r| r.id == x.room).unwrap().name,
                &s.local_rfc3339(x.start)[..16],
                s.local_hm(x.end),
                x.kind.as_str(),
                x.speakers.join("+")
            )
        })
        .collect()
}

#[track_caller]
fn check_csv(text: &str, expect: &[&str]) {
    assert_eq!(csv_rows(text), expect, "{text}");
}

#[test]
fn csv_table() {
    // Durations in minutes and H:MM; blank day and room repeat the row above.
    check_csv(
        "id,title,room,day,start,duration\n\
         a,One,Hall,2025-05-15,09:00,45\n\
         b,Two,,,10:00,1:30\n\
         c,Three,Annex,,10:00,90 min\n",
        &[
            "a | One | Hall | 2025-05-15T09:00–09:45 | talk | ",
            "b | Two | Hall | 2025-05-15T10:00–11:30 | talk | ",
            "c | Three | Annex | 2025-05-15T10:00–11:30 | talk | ",
        ],
    );
    // Past midnight: the end 00:30 and the next rows' early starts are on the 16th.
    check_csv(
        "id,title,room,day,start,end\n\
         a,Late,Hall,2025-05-15,23:30,00:30\n\
         b,Later,Hall,2025-05-15,00:30,01:00\n\
         c,Latest,Hall,2025-05-15,01:00,02:00\n\
         d,Morning,Hall,2025-05-16,09:00,10:00\n",
        &[
            "a | Late | Hall | 2025-05-15T23:30–00:30 | talk | ",
            "b | Later | Hall | 2025-05-16T00:30–01:00 | talk | ",
            "c | Latest | Hall | 2025-05-16T01:00–02:00 | talk | ",
            "d | Morning | Hall | 2025-05-16T09:00–10:00 | talk | ",
        ],
    );
    // Full dates, RFC 3339 with an offset, aliases, kinds, and no id column.
    check_csv(
        "Talk,Hall,Starts,Ends,Type,Presenter\n\
         Hack,A,2025-05-15 09:00,2025-05-15T10:00,Workshop,Kim; Lee\n\
         Eat,A,2025-05-15T10:00:00+02:00,2025-05-15T09:00:00Z,Dinner,\n\
         Nap,A,2025-05-15T11:00,2025-05-15T11:30,Coffee break,\n",
        &[
            "2025-05-15-a-0900 | Hack | A | 2025-05-15T09:00–10:00 | working_session | Kim+Lee",
            "2025-05-15-a-1000 | Eat | A | 2025-05-15T10:00–11:00 | social | ",
            "2025-05-15-a-1100 | Nap | A | 2025-05-15T11:00–11:30 | break | ",
        ],
    );
    // `;` with a BOM: speakers are separated by `,`; quoted fields; header
    // names in any case, with stray spaces and underscores.
    check_csv(
        "\u{feff} ID ; Session ; Location;Date;Start_Time;End Time;Speakers\r\n\
         x1;\"Semi; colon\";Hall;2025-05-15;9:00;9:30;Kim, Lee\r\n",
        &["x1 | Semi; colon | Hall | 2025-05-15T09:00–09:30 | talk | Kim+Lee"],
    );
    // Tabs; unknown columns ignored.
    check_csv(
        "title\troom\tday\tstart\tend\tcolour\nTabbed\tHall\t2025-05-15\t14:00\t15:00\tred\n",
        &["2025-05-15-hall-1400 | Tabbed | Hall | 2025-05-15T14:00–15:00 | talk | "],
    );
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

#[test]
fn csv_errors() {
    let p = paris();
    check_error(
        "t.csv",
        "title,room,start,end\nOne,Hall,09:00,10:00\n",
        &p,
        &[
            "row 2, column \"start\"",
            "a time of day but the row has no day",
        ],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,,2025-05-15,09:00,10:00\n",
        &p,
        &["row 2, column \"room\"", "no room"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,Hall,15/05/2025,09:00,10:00\n",
        &p,
        &["row 2, column \"day\"", "\"15/05/2025\" is not a date"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,Hall,2025-05-15,09:00,10:00\n",
        &ImportOptions::default(),
        &["row 2", "set `venue_timezone`"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\n",
        &p,
        &["row 1 (the header)", "no sessions"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end,slides\nOne,Hall,2025-05-15,09:00,10:00,ftp://x\n",
        &p,
        &[
            "row 2 (\"2025-05-15-hall-0900\").slides_url",
            "not an http(s) address",
        ],
    );
}

#[test]
fn ical_details() {
    let v = load(ICAL);
    let s = &v.schedule;
    assert_eq!(s.conference.name, "Alpine DevConf 2025");
    let warnings: Vec<String> = v.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.contains("all-day event")),
        "{warnings:?}"
    );
    let one = s.sessions.iter().find(|x| x.id == "101").unwrap();
    assert_eq!(
        one.abstract_text.as_deref(),
        Some("About “Welcome & opening”.\nSee you there; bring a laptop, or not."),
        "unfolded and unescaped"
    );
    let two = s.sessions.iter().find(|x| x.id == "102").unwrap();
    assert_eq!(
        two.slides_url.as_deref(),
        Some("https://slides.example.org/rust-at-the-edge")
    );
    // ATTENDEE CNs are speakers, not the non-participant or the organizer.
    let panel = s.sessions.iter().find(|x| x.id == "105").unwrap();
    assert_eq!(panel.speakers, ["Ana Souza", "Léa Dubois", "佐藤 健二"]);
}

const ICS_HEAD: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n";

fn ics(calendar: &str, events: &[&str]) -> String {
    let mut out = format!("{ICS_HEAD}{calendar}");
    for e in events {
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(e);
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// `zone | start–end (venue time) per session | warnings that match`.
#[track_caller]
fn check_ical(text: &str, options: &ImportOptions, expect: &str) {
    let v = parse_text("/x/cal.ics", text, options);
    let s = &v.schedule;
    let sessions: Vec<String> = s
        .sessions
        .iter()
        .map(|x| format!("{}–{}", &s.local_rfc3339(x.start)[..16], s.local_hm(x.end)))
        .collect();
    let got = format!(
        "{} | {} | {} warnings",
        s.conference.timezone,
        sessions.join(", "),
        v.warnings.len()
    );
    assert_eq!(got, expect, "{text}");
}

#[test]
fn ical_zones() {
    let p = paris();
    let none = ImportOptions::default();
    let utc_event = "UID:u\r\nSUMMARY:Opening\r\nDTSTART:20250515T070000Z\r\nDTEND:20250515T080000Z\r\nLOCATION:Hall\r\n";
    // UTC only: the configured zone, else UTC; a warning either way.
    check_ical(
        &ics("", &[utc_event]),
        &p,
        "Europe/Paris | 2025-05-15T09:00–10:00 | 1 warnings",
    );
    check_ical(
        &ics("", &[utc_event]),
        &none,
        "UTC | 2025-05-15T07:00–08:00 | 1 warnings",
    );
    // X-WR-TIMEZONE wins, and floating times are in it.
    check_ical(
        &ics(
            "X-WR-TIMEZONE:America/New_York\r\n",
            &[utc_event, "UID:f\r\nSUMMARY:T\r\nDTSTART:20250515T090000\r\nDURATION:PT1H30M\r\nLOCATION:Hall\r\n"],
        ),
        &p,
        "America/New_York | 2025-05-15T03:00–04:00, 2025-05-15T09:00–10:30 | 0 warnings",
    );
    // The most used TZID is the conference zone; others are converted.
    check_ical(
        &ics(
            "",
            &[
                "UID:a\r\nSUMMARY:T\r\nDTSTART;TZID=Europe/Berlin:20250515T090000\r\nDURATION:PT45M\r\nLOCATION:Hall\r\n",
                "UID:b\r\nSUMMARY:T\r\nDTSTART;TZID=Europe/London:20250515T090000\r\nDURATION:PT45M\r\nLOCATION:Hall\r\n",
                "UID:c\r\nSUMMARY:T\r\nDTSTART;TZID=Europe/Berlin:20250515T120000\r\nDTEND;TZID=Europe/Berlin:20250515T130000\r\nLOCATION:Hall\r\n",
            ],
        ),
        &none,
        "Europe/Berlin | 2025-05-15T09:00–09:45, 2025-05-15T10:00–10:45, 2025-05-15T12:00–13:00 | 0 warnings",
    );
    // A TZID that is no IANA name stands for X-WR-TIMEZONE, with a warning.
    check_ical(
        &ics(
            "X-WR-TIMEZONE:Europe/Paris\r\n",
            &["UID:w\r\nSUMMARY:T\r\nDTSTART;TZID=\"Romance Standard Time\":20250515T090000\r\nDURATION:P0DT1H\r\nLOCATION:Hall\r\n"],
        ),
        &none,
        "Europe/Paris | 2025-05-15T09:00–10:00 | 1 warnings",
    );
    // Recurring events are not expanded: one session and a warning naming it.
    let text = ics(
        "X-WR-TIMEZONE:Europe/Paris\r\n",
        &["UID:r\r\nSUMMARY:Daily stand-up\r\nRRULE:FREQ=DAILY;COUNT=3\r\nDTSTART:20250515T090000\r\nDURATION:PT15M\r\nLOCATION:Hall\r\n"],
    );
    check_ical(
        &text,
        &none,
        "Europe/Paris | 2025-05-15T09:00–09:15 | 1 warnings",
    );
    let v = parse_text("/x/cal.ics", &text, &none);
    assert!(
        v.warnings[0].to_string().contains("\"Daily stand-up\""),
        "{}",
        v.warnings[0]
    );
    assert!(v.warnings[0].to_string().contains("not expanded"));
}

#[test]
fn ical_errors() {
    let p = paris();
    check_error(
        "c.ics",
        &ics(
            "",
            &["UID:x\r\nDTSTART;TZID=Europe/Paris:20250515T090000\r\nLOCATION:Hall\r\n"],
        ),
        &p,
        &["event at line 4 (\"x\")", "no DTEND and no DURATION"],
    );
    check_error(
        "c.ics",
        &ics("", &["UID:x\r\nDTSTART;TZID=Europe/Paris:2025-05-15T09:00\r\nDURATION:PT1H\r\nLOCATION:Hall\r\n"]),
        &p,
        &["DTSTART (line 6)", "is not an iCalendar date-time"],
    );
    check_error(
        "c.ics",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n",
        &p,
        &[
            "line 3",
            "END:VCALENDAR, but BEGIN:VEVENT (line 2) is still open",
        ],
    );
    check_error(
        "c.ics",
        "BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n",
        &p,
        &["line 2", "not an iCalendar content line"],
    );
}

/// A bad file, whether to load it with the venue zone, and fragments of the
/// message (which also starts with the file's path).
const BAD: &[(&str, bool, &[&str])] = &[
    // A cut-off file is told by its start (`"startsAt"`), so the Sessionize
    // reader says where it breaks.
    (
        "sessionize-truncated.json",
        true,
        &[
            "line 207, column 38",
            "not valid JSON: EOF while parsing a string",
        ],
    ),
    // Cut before any `"startsAt"`: read as the kiosk's own JSON, still at the cut.
    (
        "sessionize-truncated-early.json",
        true,
        &["line 5, column 6", "not valid JSON", "EOF"],
    ),
    (
        "sessionize-unknown-room.json",
        true,
        &[
            "sessions[0] (\"1\").room",
            "unknown room \"9999\"",
            "the rooms are: 10",
        ],
    ),
    (
        "sessionize-no-venue-zone.json",
        false,
        &["sessions[0] (\"1\")", "set `venue_timezone` in the config"],
    ),
    (
        "sessionize-bad-time.json",
        true,
        &[
            "sessions[0] (\"1\").startsAt",
            "\"next Tuesday\" is not a time",
        ],
    ),
    (
        "sessionize-wrong-type.json",
        true,
        &[
            "line 3, column 25",
            "not a Sessionize \"All data\" export",
            "invalid type: sequence, expected a string",
        ],
    ),
    (
        "csv-truncated.csv",
        true,
        &["row 5, column \"end\"", "no end time and no duration"],
    ),
    ("csv-latin1.csv", true, &["line 3, column 13", "not UTF-8"]),
    (
        "csv-no-title.csv",
        true,
        &[
            "row 1 (the header)",
            "no \"title\" column",
            "the columns are: \"Speaker\", \"Room\"",
        ],
    ),
    (
        "csv-bad-time.csv",
        true,
        &["row 3, column \"start\"", "\"9h30\" is not a time"],
    ),
    (
        "csv-end-before-start.csv",
        true,
        &[
            "row 2 (\"s1\")",
            "ends (2025-05-15 09:00) before it starts (2025-05-15 10:00)",
        ],
    ),
    (
        "csv-long-title.csv",
        true,
        &[
            "row 2 (\"s1\").title",
            "is 5000 characters long; at most 1000",
        ],
    ),
    (
        "csv-duplicate-ids.csv",
        true,
        &[
            "row 3 (\"s1\")",
            "duplicate session id \"s1\" (first used at row 2 (\"s1\"))",
        ],
    ),
    (
        "csv-no-end.csv",
        true,
        &["row 1 (the header)", "no \"end\" or \"duration\" column"],
    ),
    (
        "csv-bad-duration.csv",
        true,
        &["row 2, column \"duration\"", "\"forty\" is not a duration"],
    ),
    ("csv-binary.csv", true, &["line 1, column 1", "not UTF-8"]),
    (
        "ical-truncated.ics",
        true,
        &["the file ends inside BEGIN:VEVENT", "cut short"],
    ),
    (
        "ical-no-dtstart.ics",
        true,
        &["event at line 12 (\"e2\")", "no DTSTART"],
    ),
    (
        "ical-unknown-tzid.ics",
        true,
        &[
            "event at line 12 (\"e2\"), DTSTART (line 14)",
            "unknown time zone TZID \"Mars Standard Time\"",
        ],
    ),
    (
        "ical-no-location.ics",
        true,
        &[
            "event at line 12 (\"e2\")",
            "no LOCATION: a session needs a room",
        ],
    ),
    (
        "ical-bad-duration.ics",
        true,
        &[
            "event at line 12 (\"e2\"), DURATION (line 15)",
            "\"PT1X\" is not a duration",
        ],
    ),
    (
        "ical-floating-no-zone.ics",
        false,
        &["DTSTART (line 14)", "floating time", "venue_timezone"],
    ),
    (
        "ical-bad-date.ics",
        true,
        &[
            "DTSTART (line 14)",
            "\"20250231T093000\" is not an iCalendar date-time",
        ],
    ),
];

#[test]
fn bad_files_are_refused_with_the_place_and_the_problem() {
    let dir = fixtures().join("bad");
    for (name, with_zone, expect) in BAD {
        let path = dir.join(name);
        assert!(path.exists(), "{name}");
        let options = if *with_zone {
            paris()
        } else {
            ImportOptions::default()
        };
        let err = match load_file(&path, &options) {
            Ok(_) => panic!("{name} was accepted"),
            Err(e) => e,
        };
        let msg = err.to_string();
        assert!(
            msg.starts_with(&path.display().to_string()),
            "{name}: names the file: {msg}"
        );
        for fragment in *expect {
            assert!(
                msg.contains(fragment),
                "{name}: {fragment:?} missing from: {msg}"
            );
        }
    }
    // Every sessionize-/csv-/ical- file in bad/ is in the table.
    let mut listed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().to_string();
        if ["sessionize-", "csv-", "ical-"]
            .iter()
            .any(|p| file.starts_with(p))
        {
            assert!(
                BAD.iter().any(|(n, _, _)| *n == file),
                "{file} is not tested"
            );
            listed += 1;
        }
    }
    assert!(listed >= 14);
}

#[test]
fn no_input_panics() {
    // Every cut and a flipped byte of each fixture: an answer, never a panic.
    for rel in ALL {
        let bytes = std::fs::read(fixtures().join(rel)).unwrap();
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = parse_bytes(rel, &bytes[..cut], &paris());
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x55;
            let _ = parse_bytes(rel, &flipped, &paris());
            let _ = parse_bytes(rel, &bytes[..cut], &ImportOptions::default());
        }
    }
    for text in [
        "BEGIN:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"unterminated:20250101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99991231T235959Z\r\nDURATION:P999999999W\r\nLOCATION:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2025\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "title,room,day,start,duration\nx,y,9999-12-31,23:59,999999\n",
        "title,room,day,start,end\nx,y,9999-12-31,23:00,01:00\n",
        "\"",
        ";;;\n;;;",
        "{\"sessions\": [{\"startsAt\": \"x\"}], \"questions\": 1}",
    ] {
        let _ = parse_bytes("x", text.as_bytes(), &paris());
    }
    let deep = format!("BEGIN:VCALENDAR\r\n{}", "BEGIN:X\r\n".repeat(200_000));
    assert!(parse_bytes("deep.ics", deep.as_bytes(), &paris()).is_err());
}
