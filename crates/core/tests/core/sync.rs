//! Sync: what changed on an import, the per-source state in the store, and
//! one check of a file source and of a URL source.

use jiff::Timestamp;
use kiosk_core::fetch::Validator;
use kiosk_core::import::ImportOptions;
use kiosk_core::store::Store;
use kiosk_core::sync::{check, Checked, Source, SyncState};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn an_import_says_what_changed_and_an_unchanged_one_makes_no_revision() {
    let mut store = Store::open_in_memory().unwrap();
    let demo = kiosk_core::demo::demo().schedule;
    let first = store.apply(&demo, "a").unwrap();
    assert_eq!(
        (first.revision, first.added, first.changed, first.removed),
        (Some(1), 49, 0, 0)
    );
    let again = store.apply(&demo, "a").unwrap();
    assert_eq!(
        (again.revision, again.added, again.changed, again.removed),
        (None, 0, 0, 0)
    );
    assert_eq!(store.revision().unwrap(), 1);

    let mut edited = demo.clone();
    edited.sessions.retain(|s| s.id != "d1-dinner");
    let prefect = edited
        .sessions
        .iter_mut()
        .find(|s| s.id == "d1-prefect")
        .unwrap();
    prefect.title = "Prefect + Dask (updated)".into();
    let mut extra = edited.sessions[0].clone();
    extra.id = "d1-extra".into();
    edited.sessions.push(extra);
    let third = store.apply(&edited, "a").unwrap();
    assert_eq!(
        (third.revision, third.added, third.changed, third.removed),
        (Some(2), 1, 1, 1)
    );
    assert_eq!(
        third.to_string(),
        "49 sessions: 1 added, 1 changed, 1 removed"
    );
}

#[test]
fn sync_state_is_kept_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let mut state = Store::open(&path)
        .unwrap()
        .sync_state("http://127.0.0.1/x")
        .unwrap();
    assert_eq!(
        state,
        SyncState {
            source: "http://127.0.0.1/x".into(),
            ..SyncState::default()
        }
    );
    state.succeeded(at("2020-02-26T14:00:00Z"));
    state.validator = Validator {
        etag: Some("\"v1\"".into()),
        last_modified: None,
    };
    state.failed(at("2020-02-26T14:05:00Z"), "HTTP 500");
    state.failed(at("2020-02-26T14:06:00Z"), "timed out");
    {
        let mut store = Store::open(&path).unwrap();
        store.save_sync_state(&state).unwrap();
    }
    let back = Store::open(&path)
        .unwrap()
        .sync_state("http://127.0.0.1/x")
        .unwrap();
    assert_eq!(back, state);
    assert_eq!(back.failures, 2);
    assert_eq!(back.failing_since, Some(at("2020-02-26T14:05:00Z")));
    assert_eq!(back.last_error.as_deref(), Some("timed out"));
    assert!(back.offline(
        at("2020-02-26T14:10:00Z"),
        std::time::Duration::from_secs(300)
    ));
    assert!(!back.offline(
        at("2020-02-26T14:09:59Z"),
        std::time::Duration::from_secs(300)
    ));
    let mut healed = back.clone();
    healed.succeeded(at("2020-02-26T14:11:00Z"));
    assert!(!healed.offline(
        at("2020-02-26T15:00:00Z"),
        std::time::Duration::from_secs(1)
    ));
}

#[test]
fn a_file_source_sees_a_change_in_the_wal_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schedule.json");
    std::fs::write(&path, kiosk_core::demo::DEMO_JSON).unwrap();
    let source = Source::parse(path.to_str().unwrap());
    let options = ImportOptions::default();
    let limits = kiosk_core::fetch::FetchLimits::default();
    let mut state = SyncState::default();
    let Checked::Changed {
        fingerprint,
        validated,
        ..
    } = check(&source, &state, &options, &limits).unwrap()
    else {
        panic!("first check reads the file")
    };
    assert_eq!(validated.schedule.sessions.len(), 49);
    state.fingerprint = fingerprint;
    assert!(matches!(
        check(&source, &state, &options, &limits).unwrap(),
        Checked::Unchanged
    ));
    // Replaced by rename, as editors and exporters do.
    let tmp = dir.path().join("schedule.json.tmp");
    std::fs::write(
        &tmp,
        kiosk_core::demo::DEMO_JSON.replace("Breakfast and registration", "Breakfast"),
    )
    .unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert!(matches!(
        check(&source, &state, &options, &limits).unwrap(),
        Checked::Changed { .. }
    ));
}

#[test]
fn a_url_source_costs_a_304_when_unchanged() {
    let url = format!("{}/schedule.json", crate::fetch::server());
    let source = Source::parse(&url);
    assert_eq!(source.name(), url, "no credentials: named as written");
    let options = ImportOptions::default();
    let mut state = SyncState::default();
    let Checked::Changed { validator, .. } =
        check(&source, &state, &options, &crate::fetch::quick()).unwrap()
    else {
        panic!("first check fetches")
    };
    state.validator = validator;
    assert!(matches!(
        check(&source, &state, &options, &crate::fetch::quick()).unwrap(),
        Checked::Unchanged
    ));
}

/// Every misbehaviour of a URL source: an error in the source's state, and
/// the stored schedule exactly as it was.
#[test]
fn a_misbehaving_feed_is_an_error_in_the_sync_state_and_nothing_else() {
    let base = crate::fetch::server();
    let mut store = Store::open_in_memory().unwrap();
    let demo = kiosk_core::demo::demo().schedule;
    store.apply(&demo, "good").unwrap();
    let options = ImportOptions::default();
    for (path, expect) in [
        ("/500", "HTTP 500"),
        ("/never-ends", "over the limit"),
        ("/2gb", "over the limit"),
        ("/stall", "timed out"),
        ("/stall-body", "timed out"),
        ("/loop", "more than 5 redirects"),
        ("/truncated", "truncated"),
        ("/page", "a web page"),
        ("/picture", "image/png"),
    ] {
        let url = format!("{base}{path}");
        let source = Source::parse(&url);
        let mut state = store.sync_state(&url).unwrap();
        let err = check(&source, &state, &options, &crate::fetch::quick()).expect_err(path);
        state.failed(at("2020-02-26T15:00:00Z"), &err.to_string());
        store.save_sync_state(&state).unwrap();
        let kept = store.sync_state(&url).unwrap();
        let text = kept.last_error.unwrap();
        assert!(
            text.starts_with(&url) && text.contains(expect),
            "{path}: {text}"
        );
        assert_eq!(kept.failures, 1);
        assert_eq!(store.revision().unwrap(), 1, "{path}");
        assert_eq!(store.load().unwrap().unwrap(), demo, "{path}");
    }
}

/// When a source is checked next: (failures, last error, time the check
/// took) → the least and most wait, for a one-second interval.
#[test]
fn the_next_check_waits_by_what_happened() {
    use kiosk_core::sync::{next_check_in, MAX_BACKOFF};
    use kiosk_core::Error;
    use std::time::Duration;
    let ms = Duration::from_millis;
    let fetch = |retry_after| Error::Fetch {
        url: "http://leader/feed.json".into(),
        message: "HTTP 503".into(),
        retry_after,
    };
    let forged = || Error::Feed {
        origin: "http://leader/feed.json".into(),
        source: kiosk_core::feed::FeedError::Unsigned,
    };
    let table: Vec<(u32, Option<Error>, Duration, Duration, Duration)> = vec![
        // Working: one check a second, the check's own time included.
        (0, None, ms(300), ms(700), ms(700)),
        (0, None, ms(8_000), ms(0), ms(0)),
        // A refused feed: again after the interval, however many in a row.
        (1, Some(forged()), ms(5), ms(1_000), ms(1_000)),
        (9, Some(forged()), ms(5), ms(1_000), ms(1_000)),
        // Other failures back off (50-100 % of 1 s doubling), or as asked.
        (1, Some(fetch(None)), ms(5), ms(500), ms(1_000)),
        (3, Some(fetch(None)), ms(5), ms(2_000), ms(4_000)),
        (
            1,
            Some(fetch(Some(Duration::from_secs(30)))),
            ms(5),
            ms(30_000),
            ms(30_000),
        ),
        (40, Some(fetch(None)), ms(5), MAX_BACKOFF / 2, MAX_BACKOFF),
    ];
    for (failures, error, took, least, most) in table {
        let wait = next_check_in(failures, error.as_ref(), took, None, Duration::from_secs(1));
        assert!(
            wait >= least && wait <= most,
            "{failures} failures, {error:?}, took {took:?}: waits {wait:?}"
        );
    }
}
/// `(source, active, preferred, active works, may replace)`.
type PriorityCase = (usize, Option<usize>, Option<usize>, bool, bool);

fn check_priority(cases: &[PriorityCase]) {
    for &(index, active, preferred, works, expect) in cases {
        assert_eq!(
            kiosk_core::sync::may_replace(index, active, preferred, works),
            expect,
            "source {index}, active {active:?}, preferred {preferred:?}, works {works}"
        );
    }
}

#[test]
fn a_source_replaces_the_shown_schedule_by_priority() {
    check_priority(&[
        // Nothing shown yet: any source.
        (1, None, None, true, true),
        // The same source, or a higher one, always.
        (0, Some(0), None, true, true),
        (0, Some(1), None, true, true),
        // A lower one only while the active one fails.
        (1, Some(0), None, true, false),
        (1, Some(0), None, false, true),
        (2, Some(1), None, true, false),
        // The organizer's choice ranks first, whatever its place.
        (2, Some(0), Some(2), true, true),
        (0, Some(2), Some(2), true, false),
        (0, Some(2), Some(2), false, true),
        (1, Some(0), Some(2), true, false),
    ]);
}
