//! Signed feeds: only the organizer's key makes a feed a follower takes,
//! versions grow across leader restarts (and the same content keeps its
//! ETag), and an older signed feed replayed is refused.

use std::path::Path;

use kiosk_core::bundle;
use kiosk_core::feed::{
    self, Feed, FeedError, Notices, Published, Publisher, ServerLimits, SigningKey, Trust,
    SIGNED_FEED_FORMAT,
};
use kiosk_core::fetch::{FetchLimits, Validator};
use kiosk_core::import::{self, Format, ImportOptions};
use kiosk_core::model::Schedule;
use kiosk_core::store::Store;
use kiosk_core::sync::{check_with, Checked, FeedPolicy, Source, SyncState};

const TOKEN: &str = "sign-test-token-0123";

/// The organizer's key pair in `dir`: (secret key, public key text).
fn keys(dir: &Path, name: &str) -> (SigningKey, String) {
    let file = dir.join(name);
    let public = bundle::generate_keypair(&file).unwrap();
    (SigningKey::load(&file, None).unwrap(), public)
}

fn schedule(title: &str) -> Schedule {
    let mut s = kiosk_core::demo::demo().schedule;
    s.sessions[0].title = title.into();
    s
}

fn title_of(opened: &feed::Opened) -> &str {
    &opened.feed.schedule.sessions[0].title
}

/// Publish `title` through `publisher` over `store`; the served bytes.
fn publish(publisher: &Publisher, store: &mut Store, title: &str) -> (u64, String, Vec<u8>) {
    publisher
        .publish(store, schedule(title), Notices::default())
        .unwrap();
    let current = publisher.published().current().unwrap();
    (
        current.version,
        current.etag.clone(),
        current.bytes.to_vec(),
    )
}

fn code(e: kiosk_core::Error) -> &'static str {
    e.code()
}

#[test]
fn a_signed_feed_opens_only_for_the_organizers_key() {
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = keys(dir.path(), "organizer.key");
    let (_, other) = keys(dir.path(), "attacker.key");
    let mut store = Store::open_in_memory().unwrap();
    let publisher = Publisher::new(Published::new(), Some(key));
    let (version, _, signed) = publish(&publisher, &mut store, "Signed");
    assert!(String::from_utf8_lossy(&signed[..60]).contains(SIGNED_FEED_FORMAT));
    assert_eq!(import::detect(&signed), Format::Feed);
    let trust = Trust::from_keys(std::slice::from_ref(&public)).unwrap();
    let opened = feed::open("leader", &signed, &trust).unwrap();
    assert_eq!(title_of(&opened), "Signed");
    assert_eq!(opened.feed.version, version);
    assert!(opened.signed_by.is_some());
    // The base64 line alone is the same key.
    let line = public.lines().nth(1).unwrap().to_string();
    assert!(feed::open("leader", &signed, &Trust::from_keys(&[line]).unwrap()).is_ok());
    // Without keys it is taken, unverified.
    let opened = feed::open("leader", &signed, &Trust::none()).unwrap();
    assert_eq!(opened.signed_by, None);

    // Forgeries, each refused with a code and a sentence naming the origin.
    let envelope: feed::Envelope = serde_json::from_slice(&signed).unwrap();
    let tampered = serde_json::to_vec(&feed::Envelope {
        feed: envelope.feed.replace("Signed", "Forged"),
        ..envelope.clone()
    })
    .unwrap();
    let garbage = serde_json::to_vec(&feed::Envelope {
        signature: "untrusted comment: x\nnot base64\n".into(),
        ..envelope.clone()
    })
    .unwrap();
    let unsigned = Feed::new(version + 1, schedule("Unsigned"), Notices::default()).to_bytes();
    for (what, bytes, trust, expect) in [
        (
            "another key",
            &signed,
            Trust::from_keys(&[other]).unwrap(),
            "feed_untrusted_key",
        ),
        (
            "changed after signing",
            &tampered,
            trust.clone(),
            "feed_bad_signature",
        ),
        (
            "a signature that does not parse",
            &garbage,
            trust.clone(),
            "feed_bad_signature",
        ),
        ("no signature", &unsigned, trust.clone(), "feed_unsigned"),
    ] {
        let e = feed::open("http://leader/feed.json", bytes, &trust).unwrap_err();
        let text = e.to_string();
        assert_eq!(code(e), expect, "{what}: {text}");
        assert!(
            text.starts_with("http://leader/feed.json: "),
            "{what}: {text}"
        );
    }
}

#[test]
fn versions_grow_across_restarts_and_the_same_content_keeps_its_etag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let key_file = dir.path().join("organizer.key");
    bundle::generate_keypair(&key_file).unwrap();
    // Each "leader start": the store reopened, a new publisher and key.
    let start = || {
        (
            Store::open(&path).unwrap(),
            Publisher::new(
                Published::new(),
                Some(SigningKey::load(&key_file, None).unwrap()),
            ),
        )
    };
    let before = jiff::Timestamp::now().as_millisecond() as u64;
    let (mut store, publisher) = start();
    let (v1, tag1, bytes1) = publish(&publisher, &mut store, "A");
    assert!(v1 >= before, "versions are publish times in ms: {v1}");
    drop((store, publisher));
    let (mut store, publisher) = start();
    let (again, tag_again, bytes_again) = publish(&publisher, &mut store, "A");
    assert_eq!(
        (again, &tag_again),
        (v1, &tag1),
        "same content, same version and ETag"
    );
    assert_ne!(
        bytes_again, bytes1,
        "minisign signatures are randomised; the ETag is not"
    );
    let (v2, tag2, _) = publish(&publisher, &mut store, "B");
    assert!(v2 > v1);
    assert_ne!(tag2, tag1);
    drop((store, publisher));
    let (mut store, publisher) = start();
    let (v3, _, _) = publish(&publisher, &mut store, "A");
    assert!(v3 > v2, "back to A is a new version, never an old number");
    // Publishing the same thing again publishes nothing new.
    assert_eq!(
        publisher
            .publish(&mut store, schedule("A"), Notices::default())
            .unwrap(),
        None
    );
}

/// A server on a free port serving exactly `bytes` (what an attacker who
/// won the leader's address would send).
fn serve_bytes(bytes: Vec<u8>) -> String {
    let published = Published::new();
    published.set(1, feed::etag_of(&bytes), bytes);
    let server = feed::serve("127.0.0.1:0", TOKEN, published, ServerLimits::default()).unwrap();
    format!("http://{}/feed.json?token={TOKEN}", server.addr)
}

fn follow(url: &str, policy: &FeedPolicy) -> kiosk_core::Result<Checked> {
    check_with(
        &Source::parse(url),
        &SyncState::default(),
        &ImportOptions::default(),
        &FetchLimits::default(),
        policy,
    )
}

#[test]
fn a_follower_with_the_key_refuses_forgeries_replays_and_plain_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = keys(dir.path(), "organizer.key");
    let (attacker_key, _) = keys(dir.path(), "attacker.key");
    let trust = Trust::from_keys(&[public]).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let publisher = Publisher::new(Published::new(), Some(key));
    let (old_version, _, old) = publish(&publisher, &mut store, "Old");
    let (new_version, _, new) = publish(&publisher, &mut store, "New");

    // The genuine newest feed: taken, its version reported for the store.
    let policy = FeedPolicy {
        trust: trust.clone(),
        newest: Some(old_version),
    };
    match follow(&serve_bytes(new.clone()), &policy).unwrap() {
        Checked::Changed {
            accepted_version,
            validated,
            ..
        } => {
            assert_eq!(accepted_version, Some(new_version));
            assert_eq!(validated.schedule.sessions[0].title, "New");
        }
        other => panic!("{other:?}"),
    }
    let after = FeedPolicy {
        trust: trust.clone(),
        newest: Some(new_version),
    };
    let mut attacker_store = Store::open_in_memory().unwrap();
    let attacker = Publisher::new(Published::new(), Some(attacker_key));
    let (_, _, by_attacker) = publish(&attacker, &mut attacker_store, "Attack");
    let plain_feed =
        Feed::new(new_version + 1, schedule("Unsigned"), Notices::default()).to_bytes();
    for (what, bytes, expect) in [
        ("the older signed feed, replayed", old, "feed_replayed"),
        ("signed by another key", by_attacker, "feed_untrusted_key"),
        ("an unsigned feed", plain_feed, "feed_unsigned"),
        (
            "a plain schedule over http",
            kiosk_core::demo::DEMO_JSON.as_bytes().to_vec(),
            "feed_expected",
        ),
    ] {
        let url = serve_bytes(bytes);
        let e = follow(&url, &after).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.code(), expect, "{what}: {text}");
        assert!(!text.contains(TOKEN), "{what}: no token in {text}");
        assert!(
            text.contains("/feed.json"),
            "{what}: names the source: {text}"
        );
    }
    // The replay's message says which versions.
    let e = follow(
        &serve_bytes(publish(&publisher, &mut store, "Old").2),
        &FeedPolicy {
            trust,
            newest: Some(u64::MAX),
        },
    )
    .unwrap_err();
    assert!(matches!(
        e,
        kiosk_core::Error::Feed {
            source: FeedError::Replayed { .. },
            ..
        }
    ));
    assert!(e.to_string().contains("refused as a replay"), "{e}");
}

/// A follower holding the ETag of what a leader served before it restarted
/// gets the new content at once (a counter ETag restarting at 0 would have
/// answered 304), and a 304 when the content is the same.
#[test]
fn after_a_leader_restart_a_follower_with_the_old_etag_gets_the_new_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leader.sqlite");
    let leader = |title: &str| {
        let mut store = Store::open(&path).unwrap();
        let published = Published::new();
        Publisher::new(published.clone(), None)
            .publish(&mut store, schedule(title), Notices::default())
            .unwrap();
        let server = feed::serve("127.0.0.1:0", TOKEN, published, ServerLimits::default()).unwrap();
        (server, ())
    };
    let (first, _) = leader("Before the restart");
    let url = format!("http://{}/feed.json?token={TOKEN}", first.addr);
    let Checked::Changed { validator, .. } = follow(&url, &FeedPolicy::default()).unwrap() else {
        panic!("the first check brings the feed")
    };
    let known = SyncState {
        validator: Validator {
            etag: validator.etag.clone(),
            last_modified: None,
        },
        ..SyncState::default()
    };
    let check_at = |url: &str| {
        check_with(
            &Source::parse(url),
            &known,
            &ImportOptions::default(),
            &FetchLimits::default(),
            &FeedPolicy::default(),
        )
        .unwrap()
    };
    // Restarted with other content: the held ETag is not the current one.
    let (changed, _) = leader("After the restart");
    let since = std::time::Instant::now();
    match check_at(&format!("http://{}/feed.json?token={TOKEN}", changed.addr)) {
        Checked::Changed { validated, .. } => {
            assert_eq!(validated.schedule.sessions[0].title, "After the restart")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        since.elapsed() < std::time::Duration::from_secs(2),
        "not held"
    );
    // Restarted again with the same content: the same ETag, so a follower
    // that has it is answered 304 (after the hold) and keeps its schedule.
    let (again, _) = leader("After the restart");
    let etag_of_served = |server: &feed::Server| {
        let url = format!("http://{}/feed.json?token={TOKEN}", server.addr);
        match kiosk_core::fetch::fetch(&url, &Validator::default(), &FetchLimits::default()) {
            Ok(kiosk_core::fetch::Fetched::Body { validator, .. }) => validator.etag,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(etag_of_served(&again), etag_of_served(&changed));
    assert_ne!(etag_of_served(&again), validator.etag);
}
