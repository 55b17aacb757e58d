//! Sessionize "All data" JSON.

use super::*;

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
