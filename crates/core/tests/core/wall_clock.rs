//! The one rule every importer uses for a venue wall-clock time: a time the
//! clocks skip is refused naming the zone, a time that happens twice is the
//! earlier, any other is exact. Checked directly (a table and a property) and
//! through the two paths that use it: validation and iCalendar's TZIDs.

use jiff::{civil, tz::TimeZone, Timestamp};
use kiosk_core::draft::wall_clock_instant;
use kiosk_core::import::{parse_bytes, ImportOptions};
use proptest::prelude::*;

/// `(zone, wall-clock time, the instant or "error: …")`.
fn check(zone: &str, local: &str, expect: &str) {
    let tz = TimeZone::get(zone).unwrap();
    let dt: civil::DateTime = local.parse().unwrap();
    let got = match wall_clock_instant(&tz, dt) {
        Ok(ts) => ts.to_string(),
        Err(e) => format!("error: {e}"),
    };
    if let Some(fragment) = expect.strip_prefix("error: ") {
        assert!(got.contains(fragment), "{zone} {local}: {got}");
    } else {
        assert_eq!(got, expect, "{zone} {local}");
    }
}

#[test]
fn gaps_folds_and_ordinary_times() {
    let table = [
        ("Europe/Berlin", "2025-05-15T09:30", "2025-05-15T07:30:00Z"),
        // Spring forward: 02:00–03:00 does not happen.
        (
            "Europe/Berlin",
            "2025-03-30T02:30",
            "error: 2025-03-30T02:30:00 does not exist in Europe/Berlin (the clocks skip it)",
        ),
        ("Europe/Berlin", "2025-03-30T03:00", "2025-03-30T01:00:00Z"),
        // Fall back: 02:30 happens at +02:00 and again at +01:00.
        ("Europe/Berlin", "2025-10-26T02:30", "2025-10-26T00:30:00Z"),
        (
            "America/New_York",
            "2025-03-09T02:15",
            "error: does not exist in America/New_York",
        ),
        (
            "America/New_York",
            "2025-11-02T01:30",
            "2025-11-02T05:30:00Z",
        ),
        ("UTC", "2025-03-30T02:30", "2025-03-30T02:30:00Z"),
    ];
    for (zone, local, expect) in table {
        check(zone, local, expect);
    }
}

proptest! {
    /// Any minute of two years in Berlin: refused only in the gap, and
    /// otherwise an instant that shows as the same wall-clock time, the
    /// earlier one when it happens twice.
    #[test]
    fn a_wall_clock_time_round_trips_or_is_in_the_gap(minutes in 0i64..(2 * 366 * 24 * 60)) {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let start: civil::DateTime = "2024-01-01T00:00".parse().unwrap();
        let dt = start.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap();
        let ambiguous = tz.to_ambiguous_timestamp(dt);
        match wall_clock_instant(&tz, dt) {
            Err(e) => {
                prop_assert!(matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }), "{dt}: {e}");
            }
            Ok(ts) => {
                prop_assert_eq!(ts.to_zoned_datetime(tz.clone()).datetime(), dt);
                let earliest: Timestamp = ambiguous.earlier().unwrap();
                prop_assert_eq!(ts, earliest);
            }
        }
    }
}

#[test]
fn validation_and_icalendar_refuse_the_same_gap_alike() {
    let json = r#"{"format": "summit-kiosk/schedule", "version": 1,
        "conference": {"name": "Gap", "timezone": "Europe/Berlin"},
        "rooms": [{"id": "r", "name": "R"}],
        "sessions": [{"id": "s", "title": "T", "room": "r",
                      "start": "2025-03-30T02:30", "end": "2025-03-30T04:00"}]}"#;
    // The conference is in Berlin; the event's TZID is New York, so its
    // time becomes an instant through the same rule.
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe/Berlin\r\n\
               BEGIN:VEVENT\r\nUID:gap\r\nSUMMARY:T\r\nLOCATION:R\r\n\
               DTSTART;TZID=America/New_York:20250309T021500\r\n\
               DTEND;TZID=America/New_York:20250309T040000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    for (origin, text, place, zone) in [
        (
            "gap.json",
            json,
            "sessions[0] (\"s\").start",
            "Europe/Berlin",
        ),
        (
            "gap.ics",
            ics,
            "event at line 4 (\"gap\"), DTSTART (line 8)",
            "America/New_York",
        ),
    ] {
        let e = parse_bytes(origin, text.as_bytes(), &ImportOptions::default()).unwrap_err();
        assert_eq!(e.code(), "invalid", "{e}");
        let text = e.to_string();
        assert!(text.contains(place), "{text}");
        assert!(
            text.contains(&format!("does not exist in {zone} (the clocks skip it)")),
            "{text}"
        );
    }
}
