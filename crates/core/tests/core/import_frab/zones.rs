//! Time zones: IANA names, bare city names, fixed offsets, none at all.

use super::*;

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
