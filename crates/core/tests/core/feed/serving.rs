//! Serving (token, long-poll, read-only) and following with `fetch` and
//! `sync::check`.

use super::*;

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
        notices,
        accepted_version,
        feed_version,
    } = check(&source, &known, &options, &limits).unwrap()
    else {
        panic!("the first check brings the feed")
    };
    assert_eq!(format, Format::Feed);
    assert_eq!(feed_version, Some(1), "any feed's version is reported");
    assert_eq!(fingerprint, None);
    assert_eq!(validator.etag, Some(tag(1, "Version one")));
    assert_eq!(
        accepted_version, None,
        "no key is trusted: nothing to hold it to"
    );
    assert_eq!(
        notices.map(|n| n.announcements),
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
        newer.notices.announcements.clear();
        let document = newer.to_bytes();
        published.set(2, etag_of(&document), document);
    });
    let Checked::Changed {
        validated,
        validator,
        notices,
        ..
    } = check(&source, &known, &options, &limits).unwrap()
    else {
        panic!("the newer version")
    };
    publisher.join().unwrap();
    assert_eq!(validator.etag.as_deref().map(str::len), Some(34));
    assert_ne!(validator.etag, Some(tag(1, "Version one")));
    assert_eq!(
        notices.map(|n| n.announcements),
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
