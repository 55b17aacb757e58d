//! iCalendar: details, zones (TZID, X-WR-TIMEZONE, floating), errors.

use super::*;

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
        two.info.link(LinkKind::Slides),
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
