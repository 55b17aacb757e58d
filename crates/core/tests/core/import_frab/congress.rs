//! A real congress schedule as the screens show it, its parts, XML and
//! JSON alike, sessions past midnight, old files without dates.

use super::*;

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
            opening.info.link(LinkKind::Slides),
            Some("https://media.example.org/wk24/slides/eroeffnung.pdf")
        );
        assert_eq!(opening.speakers, ["frab:101", "frab:103"]);
        assert_eq!(s.speaker("frab:102").unwrap().name, "Kai Nakamura");
        assert_eq!(
            by_title("Rust 🦀 im Kernel").info.link(LinkKind::Slides),
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
        assert!(s.sessions.iter().filter(|x| x.room == "Ada").all(|x| x
            .info
            .link(LinkKind::Slides)
            .is_none()
            || x.title.starts_with("Rust")));
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
        sdr.info.link(LinkKind::Slides),
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
