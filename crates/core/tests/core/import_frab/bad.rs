//! Detection, loose real-world files accepted, and bad files refused
//! clearly; no cut or garbage input panics.

use super::*;

#[test]
fn the_fixtures_are_detected() {
    let table = [
        ("frab/wk24-schedule.xml", Format::FrabXml),
        ("frab/wk24-schedule.json", Format::FrabJson),
        ("frab/khk12-old-schedule.xml", Format::FrabXml),
    ];
    for (name, format) in table {
        let bytes = std::fs::read(fixture(name)).unwrap();
        assert_eq!(detect(&bytes), format, "{name}");
        let (got, _) = parse_bytes(name, &bytes, &berlin()).unwrap();
        assert_eq!(got, format, "{name}");
    }
}

#[test]
fn unknown_json_fields_and_loose_types_are_accepted() {
    // Ids as strings or numbers, nulls for lists and texts, extra fields.
    let json = r##"{"schedule": {"version": "x", "extra": {"a": [1, 2]}, "conference": {
        "acronym": "t", "title": " T ", "time_zone_name": "Europe/Berlin", "daysCount": 1,
        "rooms": null, "tracks": [{"name": "A", "color": "red"}], "colors": {},
        "days": [{"index": 1, "date": "2024-05-01", "day_start": "x", "rooms": {
          "Zeta": [{"id": "7", "guid": null, "date": "2024-05-01T10:00:00+02:00", "duration": "00:30",
                    "title": "Eins", "type": null, "track": "A", "persons": null, "links": null,
                    "answers": [{"q": 1}], "do_not_record": true}],
          "Alpha": [{"id": 8, "date": "2024-05-01T10:00:00+02:00", "duration": "00:30:00", "title": "Zwei",
                     "persons": [{"id": "p1", "name": "  Eve "}, {"public_name": "Mallory"}, {"name": ""}],
                     "links": [{"url": "ftp://x/slides.pdf", "title": "Slides"}, {"url": "https://x/SLIDES", "title": "Folien"}]}]
        }}]}}}"##;
    let s = parse_text(json, &ImportOptions::default())
        .unwrap()
        .schedule;
    assert_eq!(
        s.room_names(),
        ["Zeta", "Alpha"],
        "rooms in the order written"
    );
    assert_eq!(s.conference.name, "T");
    assert_eq!(s.track("A").unwrap().colour, None, "\"red\" is not #rrggbb");
    let ids: Vec<&str> = s.sessions.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["7", "8"]);
    let two = &s.sessions[1];
    assert_eq!(two.speakers, ["frab:p1", "Mallory"]);
    assert_eq!(two.info.link(LinkKind::Slides), Some("https://x/SLIDES"));
    assert_eq!(s.speaker("frab:p1").unwrap().name, "Eve");
}

#[test]
fn xml_entities_and_empty_elements() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE schedule SYSTEM "schedule.dtd">
<schedule><conference><title>T &amp; U</title><time_zone_name>UTC</time_zone_name></conference>
<day index="1" date="2024-05-01"><room name="R &#x2764;"/><room name="S"><event guid="e1"><date>2024-05-01T10:00:00Z</date>
<duration>00:30</duration><title>&lt;b&gt; &#169; &quot;x&quot;</title><type>Pause</type><persons/></event></room></day></schedule>"#;
    let s = parse_text(xml, &ImportOptions::default()).unwrap().schedule;
    assert_eq!(s.conference.name, "T & U");
    assert_eq!(s.conference.id, "T & U", "no acronym: the title");
    assert_eq!(
        s.room_names(),
        ["R ❤", "S"],
        "an empty room is still a room"
    );
    assert_eq!(s.sessions[0].title, "<b> © \"x\"");
    assert_eq!(s.sessions[0].kind, SessionKind::Break);
}

#[test]
fn no_cut_or_garbage_panics() {
    for name in [
        "frab/wk24-schedule.xml",
        "frab/wk24-schedule.json",
        "frab/khk12-old-schedule.xml",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let step = bytes.len() / 97 + 1;
        for cut in (0..bytes.len()).step_by(step) {
            let _ = parse_bytes(name, &bytes[..cut], &berlin());
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x55;
            let _ = parse_bytes(name, &flipped, &berlin());
        }
    }
    for garbage in [
        "<",
        "<schedule",
        "<schedule>",
        "<a></b>",
        "{\"schedule\": 1}",
        "{\"schedule\": {}}",
        "{\"schedule\": {\"conference\": []}}",
    ] {
        assert!(
            parse_bytes("g", garbage.as_bytes(), &berlin()).is_err(),
            "{garbage}"
        );
    }
}

#[test]
fn a_cut_json_file_is_not_valid_json() {
    let bytes = std::fs::read(fixture("bad/frab-truncated.json")).unwrap();
    let err = kiosk_core::import::frab::json::parse("cut.json", &bytes, &ImportOptions::default())
        .expect_err("cut");
    assert_eq!(
        err.to_string(),
        "cut.json: line 41, column 21: not valid JSON: EOF while parsing a string"
    );
}

/// Every `frab-*` file in `tests/fixtures/bad/`: refused, the message
/// starting with the path and naming the place and the problem.
#[test]
fn bad_files_are_refused_clearly() {
    let table: &[(&str, &str, &[&str])] = &[
        ("frab-truncated.xml", "syntax", &["line 23, column 23", "the file ends before <duration> (line 23, column 9) is closed"]),
        // A cut JSON file is told by its first key and refused by this importer.
        ("frab-truncated.json", "syntax", &["line 41, column 21", "not valid JSON: EOF while parsing"]),
        ("frab-latin1.xml", "syntax", &["line 16, column 18", "not UTF-8"]),
        ("frab-entity-bomb.xml", "syntax", &["line 2, column 1", "the <!DOCTYPE> declares entities; they are refused"]),
        ("frab-bad-duration.xml", "invalid", &["day[1] room \"Ada\" event[2] \"g-bad\".duration: \"xx:yy\" is not a duration"]),
        ("frab-negative-duration.json", "invalid", &["day[1] room \"Ada\" event[2] \"g-neg\": ends (2024-12-27 11:30) before it starts (2024-12-27 12:00)"]),
        ("frab-unknown-zone.json", "invalid", &["conference.time_zone_name: unknown time zone \"Mars/Olympus_Mons\""]),
        ("frab-room-without-name.xml", "invalid", &["day[1] room[1]: the room has no name"]),
        ("frab-duplicate-guid.json", "invalid", &["day[1] room \"Ada\" event[2] \"g-1\": duplicate session id \"g-1\" (first used at day[1] room \"Ada\" event[1] \"g-1\")"]),
        ("frab-long-title.xml", "invalid", &["day[1] room \"Ada\" event[1] \"g-long\".title: is 5000 characters long; at most 1000"]),
        ("frab-bad-date.json", "invalid", &["day[1] room \"Ada\" event[2] \"g-date\".date: \"Freitag, 27. Dezember, 12 Uhr\" is not a date and time"]),
        ("frab-bad-day-date.xml", "invalid", &["day[1].date: \"27.12.2024\" is not a date"]),
        ("frab-bad-start.xml", "invalid", &["day[1] room \"Ada\" event[1] \"g-1\".start: \"25:99\" is not a time of day"]),
        ("frab-deep-nesting.xml", "syntax", &["line 2, column 370", "nested more than 64 deep"]),
        ("frab-empty-schedule.xml", "invalid", &["rooms: the schedule has no rooms", "conference.time_zone_name"]),
        ("frab-no-zone.xml", "invalid", &["conference.time_zone_name: the schedule names no time zone", "set `venue_timezone` in the config"]),
        ("frab-unknown-entity.xml", "syntax", &["line 16, column 19", "unknown entity &eacute;"]),
        ("frab-wrong-root.xml", "syntax", &["line 2, column 1", "the root element is <html>, not <schedule>"]),
        ("frab-bad-shape.json", "syntax", &["line 13, column 27", "not a frab/pretalx schedule: invalid type: string \"all of them\", expected a sequence"]),
    ];
    let dir = fixture("bad");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("frab-"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every bad frab file is in the table");
    for (name, code, fragments) in table {
        let path = dir.join(name);
        let result = std::panic::catch_unwind(|| load_file(&path, &ImportOptions::default()));
        let err = result
            .unwrap_or_else(|_| panic!("{name} panicked"))
            .expect_err(name);
        let text = err.to_string();
        assert_eq!(err.code(), *code, "{name}: {text}");
        assert!(
            text.starts_with(&path.display().to_string()),
            "{name}: names the file: {text}"
        );
        for fragment in *fragments {
            assert!(
                text.contains(fragment),
                "{name}: {fragment:?} missing from: {text}"
            );
        }
    }
}
