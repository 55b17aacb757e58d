//! Bad files of every format, refused with the place and the problem; no
//! input panics.

use super::*;

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
