//! Reading a feed document: round trips and hostile documents.

use super::*;

#[test]
fn a_feed_round_trips_with_cancellations_and_announcements() {
    let original = feed(7, "Native Cloud Deployment with Dask-Cloudprovider");
    let bytes = original.to_bytes();
    assert!(Feed::sniff(&bytes));
    assert_eq!(import::detect(&bytes), Format::Feed);
    let (validated, notices) = feed::parse(ORIGIN, &bytes).unwrap();
    let announcements = notices.announcements;
    assert_eq!(validated.schedule, original.schedule);
    assert_eq!(announcements, original.notices.announcements);
    let cancelled: Vec<&str> = validated
        .schedule
        .sessions
        .iter()
        .filter(|s| s.cancelled)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(cancelled, ["d1-cloudprovider"]);
    assert_eq!(
        validated.schedule.conference.day_change,
        original.schedule.conference.day_change
    );
    // As any import: detected and parsed as a feed, the cancellation kept.
    let (format, imported) =
        import::parse_bytes(ORIGIN, &bytes, &ImportOptions::default()).unwrap();
    assert_eq!(format, Format::Feed);
    assert_eq!(imported.schedule, original.schedule);
    // And the document itself round-trips through serde.
    let again: Feed = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(again, original);
    // A plain schedule is not a feed.
    assert_ne!(
        import::detect(kiosk_core::demo::DEMO_JSON.as_bytes()),
        Format::Feed
    );
}

#[test]
fn a_feed_with_leading_whitespace_or_a_bom_is_still_a_feed() {
    let bytes = feed(1, "x").to_bytes();
    let mut spaced = b"\n\n   ".to_vec();
    spaced.extend_from_slice(&bytes);
    assert_eq!(import::detect(&spaced), Format::Feed);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&bytes);
    assert_eq!(import::detect(&bom), Format::Feed);
}

/// The feed as JSON, edited by `edit`, parsed: the error text.
fn refused(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc: Value = serde_json::from_slice(&feed(1, "x").to_bytes()).unwrap();
    edit(&mut doc);
    let bytes = serde_json::to_vec(&doc).unwrap();
    match feed::parse(ORIGIN, &bytes) {
        Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(&bytes[..200])),
        Err(e) => e.to_string(),
    }
}

fn session<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc["schedule"]["sessions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn expect(error: &str, fragments: &[&str]) {
    assert!(error.starts_with(ORIGIN), "names the origin: {error}");
    for f in fragments {
        assert!(error.contains(f), "{f:?} in {error}");
    }
    assert!(error.len() < 2000, "short enough to read: {}", error.len());
}

#[test]
fn hostile_feeds_are_refused_naming_the_origin() {
    expect(
        &refused(|d| d["format"] = "summit-kiosk-feed/2".into()),
        &["feed format \"summit-kiosk-feed/2\" is not \"summit-kiosk-feed/1\""],
    );
    expect(
        &refused(|d| d["format"] = "".into()),
        &["feed format \"\" is not"],
    );
    expect(
        &refused(|d| {
            session(d, "d1-cloudprovider")["room"] = "kitchen".into();
        }),
        &["d1-cloudprovider", "unknown room \"kitchen\""],
    );
    expect(
        &refused(|d| {
            let s = session(d, "d1-cloudprovider");
            let (start, end) = (s["start"].clone(), s["end"].clone());
            s["start"] = end;
            s["end"] = start;
        }),
        &["d1-cloudprovider", "before it starts"],
    );
    expect(
        &refused(|d| {
            session(d, "d1-cloudprovider")["title"] = "T".repeat(100_000).into();
        }),
        &[
            "d1-cloudprovider",
            "is 100000 characters long; at most 1000 are allowed",
        ],
    );
    expect(
        &refused(|d| {
            let one = d["announcements"][0].clone();
            d["announcements"] = Value::Array(vec![one; 1001]);
        }),
        &["1001 announcements; at most 1000"],
    );
    expect(
        &refused(|d| d["schedule"]["conference"]["timezone"] = "Europe/Atlantis".into()),
        &["Europe/Atlantis"],
    );
    expect(
        &refused(|d| {
            d.as_object_mut().unwrap().remove("schedule");
        }),
        &["schedule"],
    );
    // Exactly 1000 announcements are fine.
    let mut doc: Value = serde_json::from_slice(&feed(1, "x").to_bytes()).unwrap();
    let one = doc["announcements"][0].clone();
    doc["announcements"] = Value::Array(vec![one; 1000]);
    let (_, notices) = feed::parse(ORIGIN, &serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_eq!(notices.announcements.len(), 1000);
}

#[test]
fn bytes_that_are_not_a_feed_are_refused_as_not_json() {
    for bad in [
        &b"<html><body>login</body></html>"[..],
        b"{ format: summit-kiosk-feed/1 }",
        b"",
        b"\xff\xfe\x00",
    ] {
        let e = feed::parse(ORIGIN, bad).unwrap_err().to_string();
        expect(&e, &["not valid JSON"]);
    }
    let cut = feed(1, "x").to_bytes();
    let e = feed::parse(ORIGIN, &cut[..cut.len() / 2])
        .unwrap_err()
        .to_string();
    expect(&e, &["not valid JSON"]);
    let e = feed::parse(ORIGIN, b"[1, 2]").unwrap_err().to_string();
    expect(&e, &["not a Summit Kiosk feed"]);
}

/// Announcements reach every follower's screen as published: they should be
/// held to what a local announcement may be (at most 280 characters, no
/// control characters), like every other part of an untrusted feed.
#[test]
fn an_announcement_too_long_for_a_screen_is_refused() {
    let e = refused(|d| d["announcements"][0]["text"] = "A".repeat(100_000).into());
    expect(&e, &["100000 characters"]);
    let e = refused(|d| d["announcements"][0]["text"] = "bell\u{7}ring".into());
    expect(&e, &["control characters"]);
}

/// The leader's room statuses, emergencies and planned times reach the
/// follower as published, and are held to the rules of local ones.
#[test]
fn room_statuses_emergencies_and_planned_times_travel_and_are_checked() {
    let mut doc: Value = serde_json::from_slice(&feed(1, "x").to_bytes()).unwrap();
    let status = serde_json::json!({"room": "main", "occupancy": "full", "overflow": "breakout-a",
        "stream_url": "https://live.example.org/main", "session": "d1-cloudprovider",
        "set_at": "2020-02-26T15:00:00Z"});
    let emergency = serde_json::json!({"id": "emergency-1", "headline": "Please leave the building now",
        "text": "Use the nearest exit.", "pictogram": "evacuate", "rooms": null,
        "starts": "2020-02-26T15:00:00Z", "expires": null});
    let moved = serde_json::json!({"session": "d1-cloudprovider",
        "start": "2020-02-26T15:00:00Z", "end": "2020-02-26T15:15:00Z"});
    doc["room_statuses"] = serde_json::json!([status]);
    doc["emergencies"] = serde_json::json!([emergency]);
    doc["moved"] = serde_json::json!([moved]);
    let (_, notices) = feed::parse(ORIGIN, &serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_eq!(
        notices.room_statuses[0].overflow.as_deref(),
        Some("breakout-a")
    );
    assert_eq!(
        notices.emergencies[0].headline,
        "Please leave the building now"
    );
    assert_eq!(notices.moved[0].session, "d1-cloudprovider");
    let with = |key: &'static str, value: Value| {
        let base = doc.clone();
        refused(move |d| {
            *d = base;
            d[key] = value;
        })
    };
    let mut bad_status = status.clone();
    bad_status["overflow"] = "cellar".into();
    expect(
        &with("room_statuses", serde_json::json!([bad_status])),
        &["room_statuses[0]: unknown room \"cellar\""],
    );
    let mut bad_status = status.clone();
    bad_status["stream_url"] = "javascript:alert(1)".into();
    expect(
        &with("room_statuses", serde_json::json!([bad_status])),
        &["is not an http(s) address"],
    );
    let four = serde_json::json!([status, status, status, status]);
    expect(
        &with("room_statuses", four),
        &["4 room_statuses; at most 3"],
    );
    let mut bad = emergency.clone();
    bad["headline"] = "H".repeat(10_000).into();
    expect(
        &with("emergencies", serde_json::json!([bad])),
        &["emergencies[0]", "10000 characters"],
    );
    expect(
        &with("emergencies", Value::Array(vec![emergency.clone(); 101])),
        &["101 emergencies; at most 100"],
    );
    let mut bad = moved.clone();
    bad["session"] = "nope".into();
    expect(
        &with("moved", serde_json::json!([bad])),
        &["moved[0]: session \"nope\" is not in the schedule"],
    );
}
