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
use kiosk_core::model::{Schedule, SessionKind};
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

#[test]
fn the_congress_as_the_screens_show_it() {
    for name in ["frab/wk24-schedule.xml", "frab/wk24-schedule.json"] {
        let s = load(name).schedule;
        let table = [
            ("2024-12-27T10:00:00+01:00", "Saal Zürich", "Saal Zürich | - | Eröffnung: Über Brücken gehen [Jana Müller, Zoë Ødegaard] 12-27T11:00 talk"),
            ("2024-12-27T11:20:00+01:00", "Saal Zürich", "Saal Zürich | Eröffnung: Über Brücken gehen [Jana Müller, Zoë Ødegaard] 12-27T11:00 talk | Offene Hardware für alle [Kai Nakamura] 12-27T12:00 talk"),
            // The half-open end: at 11:40 the opening is over.
            ("2024-12-27T11:40:00+01:00", "Saal Zürich", "Saal Zürich | - | Offene Hardware für alle [Kai Nakamura] 12-27T12:00 talk"),
            ("2024-12-27T13:30:00+01:00", "Saal Zürich", "Saal Zürich | Mittagspause [] 12-27T13:00 break | Funkmodule selbst gebaut [李明] 12-27T14:00 talk"),
            ("2024-12-27T18:10:00+01:00", "saal zürich", "Saal Zürich | Kaffeepause [] 12-27T18:00 break | Wahlcomputer: eine Bilanz [Ingrid Sørensen] 12-27T19:00 talk"),
            // The room is " Ada " in the XML: trimmed.
            ("2024-12-27T11:35:00+01:00", "Ada", "Ada | Satellitenempfang mit SDR [Maren Koch] 12-27T11:30 talk | Barrierefreiheit im Web [Sebastián Ruiz] 12-27T12:30 talk"),
            // Past midnight: day 1's night session, on the 28th.
            ("2024-12-27T23:00:00+01:00", "Ada", "Ada | - | Nachtschicht: Löten nach Mitternacht [Kai Nakamura] 12-28T00:30 talk"),
            ("2024-12-28T00:40:00+01:00", "Ada", "Ada | Nachtschicht: Löten nach Mitternacht [Kai Nakamura] 12-28T00:30 talk | Satellitenempfang mit SDR (Teil 2) [José Álvarez] 12-28T11:30 talk"),
            ("2024-12-28T14:10:00+01:00", "Hopper", "Hopper | 分散システムの設計と運用 [李明, Chen Wei] 12-28T14:00 talk | Bugs in Bluetooth (Teil 2) [Rafael Mendes, Leonie Schäfer] 12-28T15:00 talk"),
            ("2024-12-28T16:40:00+01:00", "Ada", "Ada | Lightning Talks [] 12-28T16:30 talk | Freie Software in Schulen (Teil 2) [Lukas Becker] 12-28T17:30 talk"),
            ("2024-12-28T15:00:00+01:00", "Workshop-Raum 3", "Workshop-Raum 3 | Meetup: Freifunk (Tag 2) [Lukas Becker] 12-28T14:30 working_session | Self-organized: Lockpicking-Ecke (Tag 2) [Chen Wei] 12-28T17:00 working_session"),
            ("2024-12-29T15:45:00+01:00", "Ada", "Ada | Rust 🦀 im Kernel [José Álvarez, Tomasz Wiśniewski] 12-29T15:30 talk | Fahrplandaten befreien (Teil 3) [Rafael Mendes] 12-29T16:30 talk"),
            ("2024-12-30T01:00:00+01:00", "Saal Zürich", "Saal Zürich | Chaos-Karaoke [Leonie Schäfer] 12-29T23:00 social | Open-Source-Landwirtschaft (Teil 3) [Ana Lúcia Costa] 12-30T11:00 talk"),
            ("2024-12-30T21:30:00+01:00", "Saal Zürich", "Saal Zürich | Abschlusskonzert: Chiptune Orchester [Émile Laurent] 12-30T21:00 social | -"),
            ("2024-12-30T23:00:00+01:00", "Workshop-Raum 3", "Workshop-Raum 3 | Assembly-Treffen (Tag 4) [Yuki Tanaka] 12-30T22:30 working_session | -"),
            ("2024-12-31T12:00:00+01:00", "Hopper", "Hopper | - | -"),
        ];
        for (when, room, expect) in table {
            check(&s, when, room, expect);
        }
    }
}

#[test]
fn the_congress_has_its_parts() {
    for name in ["frab/wk24-schedule.xml", "frab/wk24-schedule.json"] {
        let v = load(name);
        assert!(v.warnings.is_empty(), "{name}: {:?}", v.warnings);
        let s = v.schedule;
        assert_eq!(s.conference.id, "wk24");
        assert_eq!(s.conference.name, "Winterkongress 2024: Über Brücken");
        assert_eq!(s.conference.timezone, "Europe/Berlin");
        assert_eq!(
            s.room_names(),
            ["Saal Zürich", "Ada", "Hopper", "Workshop-Raum 3"]
        );
        assert_eq!(s.sessions.len(), 150, "{name}");
        assert_eq!(s.speakers.len(), 24, "{name}");
        assert_eq!(s.tracks.len(), 6, "{name}");
        let dates: Vec<String> = s.days.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(
            dates,
            ["2024-12-27", "2024-12-28", "2024-12-29", "2024-12-30"]
        );
        let kinds = |k| s.sessions.iter().filter(|x| x.kind == k).count();
        assert_eq!(
            [
                kinds(SessionKind::Talk),
                kinds(SessionKind::Break),
                kinds(SessionKind::WorkingSession),
                kinds(SessionKind::Social)
            ],
            [120, 8, 20, 2]
        );
        let by_title = |t: &str| s.sessions.iter().find(|x| x.title == t).unwrap();
        let opening = by_title("Eröffnung: Über Brücken gehen");
        assert_eq!(opening.id, "09828a1e-0582-5d8b-800b-871754305298");
        assert_eq!(
            opening.subtitle.as_deref(),
            Some("Willkommen zum Winterkongress")
        );
        assert_eq!(
            opening.abstract_text.as_deref(),
            Some("Die Eröffnung des Kongresses.")
        );
        assert_eq!(
            opening.slides_url.as_deref(),
            Some("https://media.example.org/wk24/slides/eroeffnung.pdf")
        );
        assert_eq!(opening.speakers, ["frab:101", "frab:103"]);
        assert_eq!(s.speaker("frab:102").unwrap().name, "Kai Nakamura");
        assert_eq!(
            by_title("Rust 🦀 im Kernel").slides_url.as_deref(),
            Some("https://cfp.example.org/media/wk24/submissions/RUST/resources/kernel-slides.pdf"),
            "an absolute attachment whose address names slides"
        );
        assert_eq!(
            by_title("Nachtschicht: Löten nach Mitternacht")
                .abstract_text
                .as_deref(),
            Some("Wir löten bis in die Nacht."),
            "CDATA in the XML"
        );
        // Relative attachment addresses are not slides the kiosk can show.
        assert!(s
            .sessions
            .iter()
            .filter(|x| x.room == "Ada")
            .all(|x| x.slides_url.is_none() || x.title.starts_with("Rust")));
        assert_eq!(
            s.track("Security").unwrap().colour.as_deref(),
            Some("#2ca02c")
        );
    }
}

#[test]
fn xml_and_json_give_the_same_schedule() {
    let xml = load("frab/wk24-schedule.xml").schedule;
    let json = load("frab/wk24-schedule.json").schedule;
    assert_eq!(xml.conference, json.conference);
    assert_eq!(xml.days, json.days);
    assert_eq!(xml.rooms, json.rooms);
    assert_eq!(xml.speakers, json.speakers);
    assert_eq!(xml.sessions, json.sessions);
    // Tracks differ only in colour: the XML names one colour, the JSON all.
    let names = |s: &Schedule| s.tracks.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&xml), names(&json));
    assert_eq!(
        json.track("Hardware & Making").unwrap().colour.as_deref(),
        Some("#1f77b4")
    );
    assert_eq!(xml.track("Hardware & Making").unwrap().colour, None);
    // Every room, every 10 minutes from the day before to the day after.
    let mut t = at("2024-12-26T12:00:00+01:00");
    let mut compared = 0;
    while t < at("2024-12-31T12:00:00+01:00") {
        assert_eq!(
            now_report(&xml, t, None).unwrap(),
            now_report(&json, t, None).unwrap(),
            "at {t}"
        );
        t += jiff::SignedDuration::from_mins(10);
        compared += 1;
    }
    assert_eq!(compared, 720);
}

#[test]
fn sessions_past_midnight_belong_to_their_conference_day() {
    let s = load("frab/wk24-schedule.xml").schedule;
    let night = s
        .sessions
        .iter()
        .find(|x| x.title == "Nachtschicht: Löten nach Mitternacht")
        .unwrap();
    assert_eq!(s.local_rfc3339(night.start), "2024-12-28T00:30:00+01:00");
    assert_eq!(s.conference_day(night.start).to_string(), "2024-12-27");
    check(
        &s,
        "2024-12-28T00:40:00+01:00",
        "Ada",
        "Ada | Nachtschicht: Löten nach Mitternacht [Kai Nakamura] 12-28T00:30 talk | Satellitenempfang mit SDR (Teil 2) [José Álvarez] 12-28T11:30 talk",
    );
    let karaoke = s
        .sessions
        .iter()
        .find(|x| x.title == "Chaos-Karaoke")
        .unwrap();
    assert_eq!(s.local_rfc3339(karaoke.end), "2024-12-30T02:00:00+01:00");
    assert_eq!(s.conference_day(karaoke.end).to_string(), "2024-12-29");
}

#[test]
fn an_old_file_without_dates() {
    let (_, v) = load_file(&fixture("frab/khk12-old-schedule.xml"), &berlin()).unwrap();
    assert_eq!(
        v.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["conference.time_zone_name: the schedule names no time zone; using the configured venue zone Europe/Berlin"]
    );
    let s = v.schedule;
    assert_eq!(s.conference.id, "khk12");
    assert_eq!(s.conference.name, "Kleine Hackerkonferenz 2012");
    assert_eq!(s.room_names(), ["Saal 1", "Saal 2"]);
    assert_eq!(s.sessions.len(), 9);
    let by_title = |t: &str| s.sessions.iter().find(|x| x.title == t).unwrap();
    // Summer time in October 2012: +02:00.
    let stars = by_title("Mitternachtsvortrag: Sterne beobachten");
    assert_eq!(s.local_rfc3339(stars.start), "2012-10-21T00:30:00+02:00");
    assert_eq!(s.local_rfc3339(stars.end), "2012-10-21T01:15:00+02:00");
    assert_eq!(s.conference_day(stars.start).to_string(), "2012-10-20");
    let party = by_title("Hackerparty");
    assert_eq!(s.local_rfc3339(party.start), "2012-10-20T23:30:00+02:00");
    assert_eq!(party.kind, SessionKind::Social);
    let sdr = by_title("Funk überall: SDR für Einsteiger");
    assert_eq!(
        s.local_rfc3339(sdr.end),
        "2012-10-20T12:00:00+02:00",
        "duration 1:00"
    );
    assert_eq!(
        sdr.slides_url.as_deref(),
        Some("http://khk12.example.org/slides/sdr.pdf")
    );
    assert_eq!(sdr.speakers, ["frab:8", "frab:9"]);
    assert_eq!(s.speaker("frab:9").unwrap().name, "Olga Iwanowa");
    assert_eq!(by_title("Eröffnung").id, "5001", "no guid: the id");
    assert_eq!(
        by_title("Eröffnung").abstract_text.as_deref(),
        Some("Begrüßung & Organisatorisches"),
        "no abstract: the description"
    );
    let closing = by_title("Abschluss");
    assert_eq!(
        closing.id, "2-Saal 1-16:00",
        "no guid, no id: day-room-start"
    );
    assert_eq!(closing.speakers, ["Das Orga-Team"], "a person with no id");
    assert_eq!(by_title("Mittagessen").kind, SessionKind::Break);
    assert_eq!(by_title("Kaffee und Kuchen").kind, SessionKind::Break);
    assert_eq!(
        by_title("Workshop: Löten für Anfänger").kind,
        SessionKind::WorkingSession
    );
    let table = [
        ("2012-10-20T11:30:00+02:00", "Saal 2", "Saal 2 | Workshop: Löten für Anfänger [Paul Richter] 10-20T11:00 working_session | Mitternachtsvortrag: Sterne beobachten [Lena Stern] 10-21T00:30 talk"),
        ("2012-10-21T00:40:00+02:00", "Saal 2", "Saal 2 | Mitternachtsvortrag: Sterne beobachten [Lena Stern] 10-21T00:30 talk | Kaffee und Kuchen [] 10-21T13:00 break"),
        ("2012-10-21T00:40:00+02:00", "Saal 1", "Saal 1 | Hackerparty [] 10-20T23:30 social | Datenschutz im Verein [Marta Kühn] 10-21T11:00 talk"),
    ];
    for (when, room, expect) in table {
        check(&s, when, room, expect);
    }
}

#[test]
fn the_day_change_decides_the_calendar_date_of_an_old_start() {
    let base = read("frab/khk12-old-schedule.xml");
    // (day change, start of the session in Saal 2 on day 1, its local start)
    let table = [
        ("04:00", "00:30", "2012-10-21T00:30"),
        ("04:00", "03:59", "2012-10-21T03:59"),
        ("04:00", "04:00", "2012-10-20T04:00"),
        ("05:00", "04:30", "2012-10-21T04:30"),
        ("00:00", "00:30", "2012-10-20T00:30"),
        ("6:00", "05:59", "2012-10-21T05:59"),
    ];
    for (change, start, expect) in table {
        let text = base
            .replace(
                "<day_change>04:00</day_change>",
                &format!("<day_change>{change}</day_change>"),
            )
            .replace("<start>00:30</start>", &format!("<start>{start}</start>"));
        let s = parse_text(&text, &berlin()).unwrap().schedule;
        let (h, m) = change.split_once(':').unwrap();
        assert_eq!(
            s.conference.day_change.as_secs(),
            h.parse::<i64>().unwrap() * 3600 + m.parse::<i64>().unwrap() * 60
        );
        let stars = s
            .sessions
            .iter()
            .find(|x| x.title.starts_with("Mitternachtsvortrag"))
            .unwrap();
        assert_eq!(
            &s.local_rfc3339(stars.start)[..16],
            expect,
            "day change {change}, start {start}"
        );
        assert_eq!(
            s.conference_day(stars.start).to_string(),
            "2012-10-20",
            "day change {change}, start {start}"
        );
    }
}

#[test]
fn time_zone_names_and_cities() {
    let base = read("frab/khk12-old-schedule.xml");
    let table = [
        ("Europe/Berlin", Ok("Europe/Berlin")),
        ("Berlin", Ok("Europe/Berlin")),
        (" Berlin ", Ok("Europe/Berlin")),
        ("Vienna", Ok("Europe/Vienna")),
        ("New York", Ok("America/New_York")),
        ("UTC", Ok("UTC")),
        ("+02:00", Ok("+02:00")),
        ("Atlantis", Err("unknown time zone \"Atlantis\"")),
        (
            "Mars/Olympus_Mons",
            Err("unknown time zone \"Mars/Olympus_Mons\""),
        ),
    ];
    for (name, expect) in table {
        let text = base.replace(
            "<day_change>",
            &format!("<time_zone_name>{name}</time_zone_name><day_change>"),
        );
        // The file's zone wins over the configured one.
        let got = parse_text(&text, &berlin());
        match expect {
            Ok(zone) => {
                let v = got.unwrap();
                assert_eq!(v.schedule.conference.timezone, zone, "{name}");
                assert!(v.warnings.is_empty(), "{name}: {:?}", v.warnings);
            }
            Err(fragment) => {
                let text = got.expect_err(name).to_string();
                assert!(text.contains("conference.time_zone_name"), "{text}");
                assert!(text.contains(fragment), "{text}");
            }
        }
    }
    let json = read("frab/wk24-schedule.json").replace(
        "\"time_zone_name\": \"Europe/Berlin\"",
        "\"time_zone_name\": \"Berlin\"",
    );
    let s = parse_text(&json, &ImportOptions::default())
        .unwrap()
        .schedule;
    assert_eq!(s.conference.timezone, "Europe/Berlin");
}

#[test]
fn a_schedule_with_only_fixed_offsets() {
    let xml = read("frab/wk24-schedule.xml")
        .replace("<time_zone_name>Europe/Berlin</time_zone_name>", "");
    let json = read("frab/wk24-schedule.json").replace(
        "\"time_zone_name\": \"Europe/Berlin\"",
        "\"time_zone_name\": null",
    );
    let reference = load("frab/wk24-schedule.xml").schedule;
    for text in [xml, json] {
        // The offsets win over the configured zone.
        for options in [ImportOptions::default(), berlin()] {
            let v = parse_text(&text, &options).unwrap();
            assert_eq!(v.schedule.conference.timezone, "+01:00");
            assert_eq!(v.warnings.len(), 1);
            assert!(
                v.warnings[0]
                    .message
                    .contains("using the fixed offset +01:00"),
                "{:?}",
                v.warnings
            );
            assert_eq!(v.schedule.sessions, reference.sessions);
            check(
                &v.schedule,
                "2024-12-28T00:40:00+01:00",
                "Ada",
                "Ada | Nachtschicht: Löten nach Mitternacht [Kai Nakamura] 12-28T00:30 talk | Satellitenempfang mit SDR (Teil 2) [José Álvarez] 12-28T11:30 talk",
            );
            assert_eq!(
                now_report(&v.schedule, at("2024-12-28T00:40:00Z"), Some("Ada"))
                    .unwrap()
                    .at,
                "2024-12-28T01:40:00+01:00"
            );
        }
    }
}

#[test]
fn a_schedule_with_no_zone_at_all() {
    let path = fixture("frab/khk12-old-schedule.xml");
    let err = load_file(&path, &ImportOptions::default()).expect_err("no zone");
    let text = err.to_string();
    assert_eq!(err.code(), "invalid");
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    for fragment in [
        "conference.time_zone_name",
        "names no time zone",
        "set `venue_timezone` in the config",
    ] {
        assert!(text.contains(fragment), "{fragment:?} missing from: {text}");
    }
    // JSON whose times carry no offset either.
    let json = read("frab/wk24-schedule.json")
        .replace("\"time_zone_name\": \"Europe/Berlin\",", "")
        .replace("+01:00\"", "\"");
    let err = parse_text(&json, &ImportOptions::default()).expect_err("no zone");
    assert!(err.to_string().contains("set `venue_timezone`"), "{err}");
    let v = parse_text(
        &json,
        &ImportOptions {
            venue_timezone: Some("Europe/Zurich".into()),
        },
    )
    .unwrap();
    assert_eq!(v.schedule.conference.timezone, "Europe/Zurich");
    assert_eq!(
        v.warnings[0].message,
        "the schedule names no time zone; using the configured venue zone Europe/Zurich"
    );
    assert_eq!(v.schedule.sessions.len(), 150);
}

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
    assert_eq!(two.slides_url.as_deref(), Some("https://x/SLIDES"));
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
