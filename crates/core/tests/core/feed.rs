//! The feed: serving (token, long-poll, read-only), parsing and following.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kiosk_core::edits::{Announcement, Priority};
use kiosk_core::feed::{self, etag_of, Feed, Published, ServerLimits, FEED_FORMAT, HOLD};
use kiosk_core::fetch::{fetch, FetchLimits, Fetched, Validator};
use kiosk_core::import::{self, Format, ImportOptions};
use kiosk_core::model::Schedule;
use kiosk_core::sync::{check, Checked, Source, SyncState};
use serde_json::Value;

const TOKEN: &str = "feed-token-for-tests";
const ORIGIN: &str = "http://127.0.0.1:9/feed.json";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn announcement(id: &str, text: &str) -> Announcement {
    Announcement {
        id: id.into(),
        text: text.into(),
        rooms: Some(vec!["main".into()]),
        priority: Priority::Urgent,
        starts: at("2020-02-26T15:00:00Z"),
        expires: Some(at("2020-02-26T16:00:00Z")),
    }
}

/// The demo with one session cancelled.
fn schedule() -> Schedule {
    let mut schedule = kiosk_core::demo::demo().schedule;
    schedule
        .sessions
        .iter_mut()
        .find(|s| s.id == "d1-cloudprovider")
        .expect("the demo has d1-cloudprovider")
        .cancelled = true;
    schedule
}

/// The demo with `title` for d1-cloudprovider, and one announcement.
fn feed(version: u64, title: &str) -> Feed {
    let mut schedule = schedule();
    schedule
        .sessions
        .iter_mut()
        .find(|s| s.id == "d1-cloudprovider")
        .unwrap()
        .title = title.into();
    Feed::new(
        version,
        schedule,
        vec![announcement("ann-1", "Lunch moves to the terrace")],
    )
}

fn bytes(version: u64, title: &str) -> Vec<u8> {
    feed(version, title).to_bytes()
}

/// The ETag the server gives `bytes(version, title)`.
fn tag(version: u64, title: &str) -> String {
    etag_of(&bytes(version, title))
}

/// Publish `bytes(version, title)` (unsigned), as the publisher would.
fn publish(published: &Published, version: u64, title: &str) -> bool {
    published.set(version, tag(version, title), bytes(version, title))
}

/// A server publishing version 1; its base address (`http://127.0.0.1:N`).
fn start() -> (Arc<Published>, String) {
    let published = Published::new();
    publish(&published, 1, "Version one");
    let server = feed::serve(
        "127.0.0.1:0",
        TOKEN,
        published.clone(),
        ServerLimits::default(),
    )
    .expect("serve the feed");
    assert!(server.addr.ip().is_loopback());
    assert_ne!(server.addr.port(), 0, "the bound port is reported");
    (published, format!("http://{}", server.addr))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

struct Reply {
    status: u16,
    etag: Option<String>,
    header: Vec<(String, String)>,
    body: Vec<u8>,
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let header = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect::<Vec<_>>();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.body_mut().read_to_vec().unwrap();
    Reply {
        status: response.status().as_u16(),
        etag,
        header,
        body,
    }
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    reply(request.call().expect("an HTTP answer"))
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn title_of(feed_bytes: &[u8]) -> String {
    let (validated, _) = feed::parse(ORIGIN, feed_bytes).expect("a valid feed");
    validated
        .schedule
        .sessions
        .iter()
        .find(|s| s.id == "d1-cloudprovider")
        .unwrap()
        .title
        .clone()
}

// --- serving ---------------------------------------------------------------

#[test]
fn a_token_shorter_than_8_characters_is_refused() {
    for token in ["", "short", "1234567", "   abc    ", "\t1234567\n"] {
        let published = Published::new();
        let err = match feed::serve("127.0.0.1:0", token, published, ServerLimits::default()) {
            Ok(server) => panic!("{token:?} was accepted; serving on {}", server.addr),
            Err(e) => e,
        };
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{token:?}");
        assert!(
            err.to_string().contains("at least 8 characters"),
            "{token:?}: {err}"
        );
    }
    // Eight is enough.
    feed::serve(
        "127.0.0.1:0",
        "12345678",
        Published::new(),
        ServerLimits::default(),
    )
    .expect("an 8-character token");
}

#[test]
fn the_feed_answers_only_holders_of_the_token() {
    let (_, base) = start();
    let url = format!("{base}/feed.json");
    for (what, url, headers) in [
        ("no token", url.clone(), vec![]),
        (
            "a wrong bearer token",
            url.clone(),
            vec![("Authorization", "Bearer not-the-token-at-all")],
        ),
        (
            "a prefix of the token",
            url.clone(),
            vec![("Authorization", "Bearer feed-token")],
        ),
        (
            "the token with more after it",
            url.clone(),
            vec![("Authorization", "Bearer feed-token-for-tests-and-more")],
        ),
        (
            "the token without the Bearer scheme",
            url.clone(),
            vec![("Authorization", TOKEN)],
        ),
        (
            "a wrong query token",
            format!("{url}?token=not-the-token-at-all"),
            vec![],
        ),
        ("an empty query token", format!("{url}?token="), vec![]),
    ] {
        let r = get(&url, &headers);
        assert_eq!(r.status, 401, "{what}");
        assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{what}");
        assert!(r.etag.is_none(), "{what}: no ETag leaks");
        assert!(
            !String::from_utf8_lossy(&r.body).contains(FEED_FORMAT),
            "{what}: no feed leaks"
        );
    }
    let auth = bearer();
    for (what, url, headers) in [
        (
            "the bearer token",
            url.clone(),
            vec![("Authorization", auth.as_str())],
        ),
        ("the query token", format!("{url}?token={TOKEN}"), vec![]),
        (
            "the query token among other parameters",
            format!("{url}?x=1&token={TOKEN}&y=2"),
            vec![],
        ),
        (
            "a wrong bearer token but the right query token",
            format!("{url}?token={TOKEN}"),
            vec![("Authorization", "Bearer wrong-wrong-wrong")],
        ),
    ] {
        let r = get(&url, &headers);
        assert_eq!(r.status, 200, "{what}");
        assert_eq!(r.etag, Some(tag(1, "Version one")), "{what}");
        assert_eq!(r.body, bytes(1, "Version one"), "{what}");
    }
}

#[test]
fn a_good_request_gets_the_json_with_an_etag() {
    let (_, base) = start();
    let r = get(
        &format!("{base}/feed.json"),
        &[("Authorization", &bearer())],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.etag, Some(tag(1, "Version one")));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let doc: Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(doc["format"], FEED_FORMAT);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["announcements"][0]["text"],
        "Lunch moves to the terrace"
    );
    assert_eq!(title_of(&r.body), "Version one");
}

#[test]
fn other_paths_are_404_and_other_methods_405() {
    let (_, base) = start();
    let auth = bearer();
    for path in [
        "/",
        "/feed",
        "/feed.json/",
        "/feed.jsonx",
        "/FEED.JSON",
        "/other.json",
    ] {
        let r = get(&format!("{base}{path}"), &[("Authorization", &auth)]);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.etag.is_none(), "{path}");
        assert!(
            String::from_utf8_lossy(&r.body).contains("/feed.json"),
            "{path}: says where the feed is"
        );
    }
    let url = format!("{base}/feed.json");
    let a = agent();
    // With a body: refused for the body, which is never read.
    let posted = reply(
        a.post(&url)
            .header("Authorization", &auth)
            .send("{}")
            .unwrap(),
    );
    assert_eq!(posted.status, 413);
    assert!(String::from_utf8_lossy(&posted.body).contains("no request body"));
    let put = reply(
        a.put(&url)
            .header("Authorization", &auth)
            .send("{}")
            .unwrap(),
    );
    assert_eq!(put.status, 413);
    let empty_post = reply(
        a.post(&url)
            .header("Authorization", &auth)
            .send_empty()
            .unwrap(),
    );
    assert_eq!(empty_post.status, 405);
    assert!(String::from_utf8_lossy(&empty_post.body).contains("read-only"));
    let deleted = reply(
        a.delete(&url)
            .header("Authorization", &auth)
            .call()
            .unwrap(),
    );
    assert_eq!(deleted.status, 405);
    // Without the token, a POST is refused all the same.
    let anonymous = reply(a.post(&url).send("{}").unwrap());
    assert!(
        [401, 405, 413].contains(&anonymous.status),
        "{}",
        anonymous.status
    );
    // The feed is still there, unchanged.
    let r = get(&url, &[("Authorization", &auth)]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, bytes(1, "Version one"));
}

#[test]
fn a_stale_etag_is_answered_at_once_with_the_current_version() {
    let (published, base) = start();
    publish(&published, 2, "Version two");
    let since = Instant::now();
    let r = get(
        &format!("{base}/feed.json"),
        &[
            ("Authorization", &bearer()),
            ("If-None-Match", &tag(1, "Version one")),
        ],
    );
    assert!(since.elapsed() < Duration::from_secs(2), "not held");
    assert_eq!(r.status, 200);
    assert_eq!(r.etag, Some(tag(2, "Version two")));
    assert_eq!(title_of(&r.body), "Version two");
}

#[test]
fn publishing_an_older_or_same_version_changes_nothing() {
    let published = Published::new();
    assert!(published.current().is_none(), "nothing before the first");
    assert!(publish(&published, 5, "Five"));
    assert!(!publish(&published, 4, "Four"));
    assert!(!publish(&published, 5, "Five again"));
    let current = published.current().unwrap();
    assert_eq!(current.version, 5);
    assert_eq!(title_of(&current.bytes), "Five");
    assert!(publish(&published, 6, "Six"));
    let current = published.current().unwrap();
    assert_eq!(current.version, 6);
    assert_eq!(current.etag, tag(6, "Six"));
    assert_eq!(title_of(&current.bytes), "Six");
}

#[test]
fn a_held_request_returns_the_new_version_within_a_second_of_publishing() {
    let (published, base) = start();
    let url = format!("{base}/feed.json");
    let auth = bearer();
    let held = std::thread::spawn(move || {
        let since = Instant::now();
        let r = get(
            &url,
            &[
                ("Authorization", &auth),
                ("If-None-Match", &tag(1, "Version one")),
            ],
        );
        (r, since.elapsed())
    });
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        !held.is_finished(),
        "the request is held while nothing changes"
    );
    let set_at = Instant::now();
    let publisher = {
        let published = published.clone();
        std::thread::spawn(move || publish(&published, 2, "Version two"))
    };
    publisher.join().unwrap();
    let (r, took) = held.join().unwrap();
    let after_set = set_at.elapsed();
    assert!(
        after_set < Duration::from_secs(1),
        "the change came within a second: {after_set:?}"
    );
    assert!(took >= Duration::from_millis(550), "it was held: {took:?}");
    assert_eq!(r.status, 200);
    assert_eq!(r.etag, Some(tag(2, "Version two")));
    assert_eq!(title_of(&r.body), "Version two");
}

#[test]
fn fetch_follows_the_feed_with_its_validator() {
    let (published, base) = start();
    let url = format!("{base}/feed.json?token={TOKEN}");
    let limits = FetchLimits::default();
    let Fetched::Body {
        bytes: first,
        content_type,
        validator,
    } = fetch(&url, &Validator::default(), &limits).unwrap()
    else {
        panic!("a first fetch gets the body")
    };
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(validator.etag, Some(tag(1, "Version one")));
    assert_eq!(title_of(&first), "Version one");
    let publisher = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        publish(&published, 3, "Version three");
        Instant::now()
    });
    let since = Instant::now();
    let second = fetch(&url, &validator, &limits).unwrap();
    let set_at = publisher.join().unwrap();
    assert!(since.elapsed() >= Duration::from_millis(450), "held");
    assert!(
        set_at.elapsed() < Duration::from_secs(1),
        "answered within a second of the change"
    );
    let Fetched::Body {
        bytes, validator, ..
    } = second
    else {
        panic!("the new version, not a 304")
    };
    assert_eq!(validator.etag, Some(tag(3, "Version three")));
    assert_eq!(title_of(&bytes), "Version three");
}

#[test]
fn sync_check_of_a_feed_url_brings_the_schedule_and_announcements() {
    let (published, base) = start();
    let source = Source::parse(&format!("{base}/feed.json?token={TOKEN}"));
    let options = ImportOptions::default();
    let limits = FetchLimits::default();
    let mut known = SyncState::default();
    let Checked::Changed {
        format,
        validated,
        validator,
        fingerprint,
        announcements,
        accepted_version,
    } = check(&source, &known, &options, &limits).unwrap()
    else {
        panic!("the first check brings the feed")
    };
    assert_eq!(format, Format::Feed);
    assert_eq!(fingerprint, None);
    assert_eq!(validator.etag, Some(tag(1, "Version one")));
    assert_eq!(
        accepted_version, None,
        "no key is trusted: nothing to hold it to"
    );
    assert_eq!(
        announcements,
        Some(vec![announcement("ann-1", "Lunch moves to the terrace")])
    );
    let session = validated
        .schedule
        .sessions
        .iter()
        .find(|s| s.id == "d1-cloudprovider")
        .unwrap();
    assert_eq!(session.title, "Version one");
    assert!(session.cancelled, "the publisher's cancellation is kept");
    known.validator = validator;

    // Polled with the validator: held, then the newer version.
    let publisher = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        let mut newer = feed(2, "Version two");
        newer.announcements.clear();
        let document = newer.to_bytes();
        published.set(2, etag_of(&document), document);
    });
    let Checked::Changed {
        validated,
        validator,
        announcements,
        ..
    } = check(&source, &known, &options, &limits).unwrap()
    else {
        panic!("the newer version")
    };
    publisher.join().unwrap();
    assert_eq!(validator.etag.as_deref().map(str::len), Some(34));
    assert_ne!(validator.etag, Some(tag(1, "Version one")));
    assert_eq!(
        announcements,
        Some(vec![]),
        "a feed with no announcements clears them"
    );
    assert!(validated
        .schedule
        .sessions
        .iter()
        .any(|s| s.title == "Version two"));
}

/// The one slow test: nothing changes for [`HOLD`]; a raw client gets a 304,
/// and a follower's check (at the same time) says Unchanged.
#[test]
fn with_nothing_new_a_held_request_ends_in_304_after_the_hold() {
    let (published, base) = start();
    let url = format!("{base}/feed.json?token={TOKEN}");
    let raw = {
        let url = url.clone();
        std::thread::spawn(move || {
            let since = Instant::now();
            let r = get(&url, &[("If-None-Match", &tag(1, "Version one"))]);
            (r, since.elapsed())
        })
    };
    let known = SyncState {
        validator: Validator {
            etag: Some(tag(1, "Version one")),
            last_modified: None,
        },
        ..SyncState::default()
    };
    let since = Instant::now();
    let checked = check(
        &Source::parse(&url),
        &known,
        &ImportOptions::default(),
        &FetchLimits::default(),
    )
    .unwrap();
    let took = since.elapsed();
    assert!(matches!(checked, Checked::Unchanged), "{checked:?}");
    let (r, raw_took) = raw.join().unwrap();
    assert_eq!(r.status, 304);
    assert_eq!(r.etag, Some(tag(1, "Version one")));
    assert!(r.body.is_empty());
    for t in [took, raw_took] {
        assert!(
            t >= HOLD - Duration::from_millis(100) && t < HOLD + Duration::from_secs(3),
            "held for about {HOLD:?}: {t:?}"
        );
    }
    assert_eq!(published.current().unwrap().version, 1);
}

// --- parsing ---------------------------------------------------------------

#[test]
fn a_feed_round_trips_with_cancellations_and_announcements() {
    let original = feed(7, "Native Cloud Deployment with Dask-Cloudprovider");
    let bytes = original.to_bytes();
    assert!(Feed::sniff(&bytes));
    assert_eq!(import::detect(&bytes), Format::Feed);
    let (validated, announcements) = feed::parse(ORIGIN, &bytes).unwrap();
    assert_eq!(validated.schedule, original.schedule);
    assert_eq!(announcements, original.announcements);
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
    let (_, announcements) = feed::parse(ORIGIN, &serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_eq!(announcements.len(), 1000);
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
