//! The same event in every format: now/next at the same instants, the
//! same schedule, each fixture detected.

use super::*;

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
