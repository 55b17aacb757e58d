//! A session's links, languages and access, as each source writes them:
//! the shared readers as tables, then every importer on real or
//! hand-written files, and the refusals naming the place.

use kiosk_core::draft::{classify_link, language_tag, read_tag};
use kiosk_core::import::{load_file, parse_bytes, ImportOptions};
use kiosk_core::model::{LinkKind, Recording, Schedule, SessionInfo};

use super::fixture;

#[test]
fn language_tags_from_codes_and_names() {
    let check = |input: &str, expect: Option<&str>| {
        assert_eq!(language_tag(input).as_deref(), expect, "{input:?}");
    };
    check("en", Some("en"));
    check(" DE ", Some("de"));
    check("pt-br", Some("pt-BR"));
    check("zh-hant-TW", Some("zh-Hant-TW"));
    check("English", Some("en"));
    check("Deutsch", Some("de"));
    check("français", Some("fr"));
    check("日本語", Some("ja"));
    check("Klingon", None);
    check("", None);
    check("e", None);
    check("en_US", None);
}

#[test]
fn links_by_title_and_address() {
    let check = |url: &str, title: &str, expect: LinkKind| {
        assert_eq!(classify_link(url, title), expect, "{url} {title:?}");
    };
    check("https://x.org/talk.pdf", "", LinkKind::Slides);
    check("https://x.org/a?b", "Folien", LinkKind::Slides);
    check("https://speakerdeck.com/a/b", "", LinkKind::Slides);
    check("https://slides.example.org/rust", "", LinkKind::Slides);
    check(
        "https://docs.google.com/presentation/d/e/x/embed",
        "",
        LinkKind::Slides,
    );
    check(
        "https://streaming.media.ccc.de/31c3/saal1",
        "",
        LinkKind::Stream,
    );
    check("https://x.org/a", "Livestream", LinkKind::Stream);
    check("https://media.ccc.de/v/31c3_-_6561", "", LinkKind::Video);
    check("https://youtu.be/abc", "", LinkKind::Video);
    check("https://wk24.example.org/", "Website", LinkKind::Other);
}

#[test]
fn tags_and_categories() {
    let check = |tags: &[(&str, &str)], expect: &str| {
        let mut info = SessionInfo::default();
        for (category, value) in tags {
            read_tag(&mut info, category, value);
        }
        let got = format!(
            "{:?} {} captions={} sign={:?}",
            info.languages,
            info.recording.as_str(),
            info.captions,
            info.sign_language
        );
        assert_eq!(got, expect, "{tags:?}");
    };
    check(
        &[("Language", "English"), ("Language", "Deutsch")],
        r#"["en", "de"] unknown captions=false sign=None"#,
    );
    check(
        &[("Recording", "Yes")],
        "[] recorded captions=false sign=None",
    );
    check(
        &[("Recorded", "no")],
        "[] not_recorded captions=false sign=None",
    );
    check(
        &[("", "Do not record")],
        "[] not_recorded captions=false sign=None",
    );
    check(
        &[("", "livestream"), ("", "recorded")],
        "[] streamed captions=false sign=None",
    );
    check(
        &[("", "Live captions")],
        "[] unknown captions=true sign=None",
    );
    check(
        &[("Live captions", "ja")],
        "[] unknown captions=true sign=None",
    );
    check(
        &[("", "DGS interpretation")],
        r#"[] unknown captions=false sign=Some("DGS")"#,
    );
    check(
        &[("Sign language", "yes")],
        r#"[] unknown captions=false sign=Some("Sign language")"#,
    );
    check(
        &[("Sign language", "no")],
        "[] unknown captions=false sign=None",
    );
    check(
        &[("Track", "Streaming infrastructure")],
        "[] unknown captions=false sign=None",
    );
    // An unknown language is said (the importer warns), not guessed.
    let mut info = SessionInfo::default();
    assert!(!read_tag(&mut info, "Language", "Klingonisch"));
    assert!(info.languages.is_empty());
}

fn by_title<'a>(s: &'a Schedule, title: &str) -> &'a kiosk_core::model::Session {
    s.sessions.iter().find(|x| x.title == title).unwrap()
}

#[test]
fn the_31c3_schedule_gives_languages_and_pages() {
    let v = load_file(
        &fixture("frab/31c3-schedule.xml"),
        &ImportOptions::default(),
    )
    .unwrap()
    .1;
    let s = &v.schedule;
    assert_eq!(s.room_names(), ["Saal 1", "Saal 2", "Saal G", "Saal 6"]);
    let opening = by_title(s, "31C3 Opening Event");
    assert_eq!(opening.info.languages, ["en"]);
    let serenity = by_title(s, "Serenität – Anleitung zum Glücklichsein");
    assert_eq!(serenity.info.languages, ["de"]);
    // Two events opted out of recording (Citizenfour, the quiz); the rest
    // say nothing either way.
    let mut opted_out: Vec<&str> = s
        .sessions
        .iter()
        .filter(|x| x.info.recording == Recording::NotRecorded)
        .map(|x| x.title.as_str())
        .collect();
    opted_out.sort();
    assert_eq!(opted_out, ["Citizenfour", "Googlequiz – 2015er Edition"]);
    assert!(s.sessions.iter().all(|x| matches!(
        x.info.recording,
        Recording::Unknown | Recording::NotRecorded
    )));
    let languages: std::collections::BTreeSet<&str> = s
        .sessions
        .iter()
        .flat_map(|x| x.info.languages.iter().map(String::as_str))
        .collect();
    assert_eq!(languages.into_iter().collect::<Vec<_>>(), ["de", "en"]);
}

#[test]
fn frab_xml_and_json_read_page_links_language_and_opt_out_alike() {
    for name in ["frab/wk24-schedule.xml", "frab/wk24-schedule.json"] {
        let s = load_file(&fixture(name), &ImportOptions::default())
            .unwrap()
            .1
            .schedule;
        let opening = by_title(&s, "Eröffnung: Über Brücken gehen");
        assert_eq!(
            opening.info.link(LinkKind::Page),
            Some("https://fahrplan.example.org/wk24/talk/11001.html"),
            "{name}"
        );
        assert_eq!(
            opening.info.link(LinkKind::Slides),
            Some("https://media.example.org/wk24/slides/eroeffnung.pdf"),
            "{name}"
        );
        assert_eq!(
            opening.info.link(LinkKind::Other),
            Some("https://wk24.example.org/")
        );
        assert_eq!(opening.info.languages, ["de"], "{name}");
    }
    let xml = r#"<schedule><conference><title>T</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
      <day index="1" date="2024-12-27"><room name="A">
        <event guid="g1"><date>2024-12-27T11:00:00+01:00</date><duration>00:30</duration><title>One</title>
          <language>de, en</language><recording><optout>true</optout></recording>
          <links><link href="mailto:x@y">Mail</link><link href="https://x.org/live">Live stream</link></links></event>
        <event guid="g2"><date>2024-12-27T12:00:00+01:00</date><duration>00:30</duration><title>Two</title>
          <language>tlh-Latn-XX-fake-fake</language></event>
      </room></day></schedule>"#;
    let v = parse_bytes("t.xml", xml.as_bytes(), &ImportOptions::default())
        .unwrap()
        .1;
    let one = by_title(&v.schedule, "One");
    assert_eq!(one.info.languages, ["de", "en"], "a two-language talk");
    assert_eq!(one.info.recording, Recording::NotRecorded);
    assert_eq!(one.info.links.len(), 1, "the mailto link is left out");
    assert_eq!(one.info.link(LinkKind::Stream), Some("https://x.org/live"));
    let json = r#"{"schedule": {"conference": {"title": "T", "time_zone_name": "Europe/Berlin",
      "days": [{"index": 1, "date": "2024-12-27", "rooms": {"A": [
        {"guid": "g1", "date": "2024-12-27T11:00:00+01:00", "duration": "00:30", "title": "One",
         "language": "en", "do_not_record": true, "url": "https://x.org/talk/1",
         "tags": ["Live captions", {"tag": "DGS"}]}]}}]}}}"#;
    let v = parse_bytes("t.json", json.as_bytes(), &ImportOptions::default())
        .unwrap()
        .1;
    let one = by_title(&v.schedule, "One");
    assert_eq!(one.info.recording, Recording::NotRecorded);
    assert!(one.info.captions);
    assert_eq!(one.info.sign_language.as_deref(), Some("DGS"));
    assert_eq!(one.info.link(LinkKind::Page), Some("https://x.org/talk/1"));
}

#[test]
fn an_unknown_language_in_frab_is_a_warning_not_a_refusal() {
    let xml = r#"<schedule><conference><title>T</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
      <day index="1" date="2024-12-27"><room name="A">
        <event guid="g1"><date>2024-12-27T11:00:00+01:00</date><duration>00:30</duration><title>One</title>
          <language>Klingonisch</language></event></room></day></schedule>"#;
    let v = parse_bytes("t.xml", xml.as_bytes(), &ImportOptions::default())
        .unwrap()
        .1;
    assert!(v.schedule.sessions[0].info.languages.is_empty());
    let warnings: Vec<String> = v.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("event[1] \"g1\".language")
                && w.contains("\"Klingonisch\" is not a language")),
        "{warnings:?}"
    );
}

#[test]
fn sessionize_categories_and_links() {
    let json = r#"{"sessions": [{"id": "1", "title": "One", "startsAt": "2025-05-15T09:00:00",
        "endsAt": "2025-05-15T09:30:00", "roomId": 10, "categoryItems": [1, 21, 31, 41, 51],
        "liveUrl": "https://stream.example.org/hall", "recordingUrl": null}],
      "speakers": [], "rooms": [{"id": 10, "name": "Hall"}],
      "categories": [
        {"id": 0, "title": "Track", "items": [{"id": 1, "name": "Web"}]},
        {"id": 2, "title": "Language", "items": [{"id": 21, "name": "Deutsch"}, {"id": 22, "name": "Elbisch"}]},
        {"id": 3, "title": "Recording", "items": [{"id": 31, "name": "Yes"}]},
        {"id": 4, "title": "Accessibility", "items": [{"id": 41, "name": "Live captions"}]},
        {"id": 5, "title": "Sign language", "items": [{"id": 51, "name": "ÖGS"}]}]}"#;
    let options = ImportOptions {
        venue_timezone: Some("Europe/Vienna".into()),
    };
    let v = parse_bytes("s.json", json.as_bytes(), &options).unwrap().1;
    let one = &v.schedule.sessions[0];
    assert_eq!(one.track.as_deref(), Some("1"));
    assert_eq!(one.info.languages, ["de"]);
    assert_eq!(one.info.recording, Recording::Recorded);
    assert!(one.info.captions);
    assert_eq!(one.info.sign_language.as_deref(), Some("ÖGS"));
    assert_eq!(
        one.info.link(LinkKind::Stream),
        Some("https://stream.example.org/hall")
    );
    let bad = json.replace("[1, 21, 31, 41, 51]", "[22]");
    let v = parse_bytes("s.json", bad.as_bytes(), &options).unwrap().1;
    let warnings: Vec<String> = v.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("categoryItems") && w.contains("\"Elbisch\" is not a language")),
        "{warnings:?}"
    );
}

#[test]
fn csv_columns() {
    let options = ImportOptions {
        venue_timezone: Some("Europe/Berlin".into()),
    };
    let csv = "title,room,day,start,end,url,slides,stream,language,recording,captions,sign language\n\
               One,Hall,2025-05-15,09:00,10:00,https://x.org/1,https://x.org/1.pdf,https://live.x.org,EN / Deutsch,streamed,yes,DGS\n\
               Two,Hall,2025-05-15,10:00,11:00,,,,,no,perhaps,\n";
    let v = parse_bytes("t.csv", csv.as_bytes(), &options).unwrap().1;
    let one = by_title(&v.schedule, "One");
    assert_eq!(one.info.link(LinkKind::Page), Some("https://x.org/1"));
    assert_eq!(one.info.link(LinkKind::Slides), Some("https://x.org/1.pdf"));
    assert_eq!(one.info.link(LinkKind::Stream), Some("https://live.x.org"));
    assert_eq!(one.info.languages, ["en", "de"]);
    assert_eq!(one.info.recording, Recording::Streamed);
    assert!(one.info.captions);
    assert_eq!(one.info.sign_language.as_deref(), Some("DGS"));
    let two = by_title(&v.schedule, "Two");
    assert_eq!(two.info.recording, Recording::NotRecorded);
    let warnings: Vec<String> = v.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("row 3, column \"captions\"")
                && w.contains("\"perhaps\" is not understood")),
        "{warnings:?}"
    );
}

#[test]
fn icalendar_url_and_attach() {
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:One\r\n\
               DTSTART:20250515T070000Z\r\nDTEND:20250515T080000Z\r\nLOCATION:Hall\r\n\
               URL:https://conf.example.org/talk/1\r\n\
               ATTACH;FMTTYPE=application/pdf:https://files.example.org/one\r\n\
               ATTACH:https://files.example.org/recording-of-one.mp4\r\n\
               END:VEVENT\r\nEND:VCALENDAR\r\n";
    let v = parse_bytes("t.ics", ics.as_bytes(), &ImportOptions::default())
        .unwrap()
        .1;
    let one = &v.schedule.sessions[0];
    assert_eq!(
        one.info.link(LinkKind::Page),
        Some("https://conf.example.org/talk/1")
    );
    assert_eq!(
        one.info.link(LinkKind::Slides),
        Some("https://files.example.org/one")
    );
    assert_eq!(one.info.links.len(), 3);
}

/// The kiosk's own JSON: typed links, languages, access; the old
/// `slides_url` still read; every bad value refused naming its place.
#[test]
fn our_json_reads_and_refuses_by_place() {
    let file = |session_extra: &str| {
        format!(
            r#"{{"conference": {{"name": "T", "timezone": "Europe/Berlin"}},
              "rooms": [{{"id": "a", "name": "A"}}],
              "sessions": [{{"id": "s1", "title": "One", "room": "a",
                "start": "2025-05-01T10:00", "end": "2025-05-01T10:30"{session_extra}}}]}}"#
        )
    };
    let good = file(
        r#", "slides_url": "https://x.org/old.pdf",
        "links": [{"kind": "page", "url": "https://x.org/1"}, {"kind": "stream", "url": "https://live.x.org"}],
        "languages": ["de", "EN"], "recording": "streamed", "captions": true, "sign_language": "DGS""#,
    );
    let v = parse_bytes("t.json", good.as_bytes(), &ImportOptions::default())
        .unwrap()
        .1;
    let info = &v.schedule.sessions[0].info;
    assert_eq!(info.link(LinkKind::Slides), Some("https://x.org/old.pdf"));
    assert_eq!(info.link(LinkKind::Page), Some("https://x.org/1"));
    assert_eq!(info.languages, ["de", "en"]);
    assert_eq!(info.recording, Recording::Streamed);
    assert!(info.captions);
    let long = format!("https://x.org/{}", "a".repeat(2100));
    let links21 = (0..21)
        .map(|i| format!(r#"{{"kind": "other", "url": "https://x.org/{i}"}}"#))
        .collect::<Vec<_>>()
        .join(",");
    for (extra, expect) in [
        (
            r#", "links": [{"kind": "slides", "url": "ftp://x.org/a"}]"#.to_string(),
            r#"sessions[0] ("s1").links[0].url: "ftp://x.org/a" is not an http(s) address"#
                .to_string(),
        ),
        (
            format!(r#", "links": [{{"kind": "slides", "url": "{long}"}}]"#),
            "links[0].url: is 2114 characters long; at most 2000".to_string(),
        ),
        (
            format!(r#", "links": [{links21}]"#),
            "links: 21 links; at most 20".to_string(),
        ),
        (
            r#", "links": [{"kind": "poster", "url": "https://x.org"}]"#.to_string(),
            "unknown variant `poster`".to_string(),
        ),
        (
            r#", "languages": ["en", "Klingonisch"]"#.to_string(),
            r#"languages[1]: "Klingonisch" is not a language tag"#.to_string(),
        ),
        (
            r#", "languages": ["en", "de", "fr", "es", "it"]"#.to_string(),
            "languages: 5 languages; at most 4".to_string(),
        ),
        (
            r#", "recording": "maybe""#.to_string(),
            "unknown variant `maybe`".to_string(),
        ),
        (
            format!(r#", "sign_language": "{}""#, "S".repeat(41)),
            "sign_language: \"SSSS".to_string(),
        ),
    ] {
        let err = parse_bytes("t.json", file(&extra).as_bytes(), &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("t.json") && err.contains(&expect),
            "{extra}: {err}"
        );
    }
}
