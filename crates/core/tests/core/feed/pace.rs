//! How often a follower asks its leader: at once after a held long-poll,
//! whatever the poll interval; never in a tight loop, whatever a server
//! says; backing off from a leader that is down.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use kiosk_core::fetch::{parse_hold, HOLD_HEADER};
use kiosk_core::sync::{check_polled, next_check_in, FeedPolicy, Held, MIN_CHECK_GAP};

/// The default `poll_interval`.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `(held, took, failures, least, most)` → the next check's wait at the
/// default interval.
type PaceCase = (Option<Held>, Duration, u32, Duration, Duration);

fn check_pace(cases: &[PaceCase]) {
    let down = kiosk_core::Error::Fetch {
        url: "http://leader/feed.json".into(),
        message: "connection refused".into(),
        retry_after: None,
    };
    for &(held, took, failures, least, most) in cases {
        let error = (failures > 0).then_some(&down);
        let wait = next_check_in(failures, error, took, held, DEFAULT_INTERVAL);
        assert!(
            wait >= least && wait <= most,
            "held {held:?}, took {took:?}, {failures} failures: waits {wait:?}, not {least:?}..={most:?}"
        );
    }
}

#[test]
fn a_held_request_is_asked_again_at_once_and_no_faster() {
    let held = |hold: u64, changed| {
        Some(Held {
            hold: Duration::from_secs(hold),
            changed,
        })
    };
    check_pace(&[
        // The leader held it the full 8 s and nothing changed: again at once.
        (held(8, false), ms(8_000), 0, ms(0), ms(0)),
        (held(8, false), ms(8_900), 0, ms(0), ms(0)),
        // A change ended the hold: again at once.
        (held(8, true), ms(3_000), 0, ms(0), ms(0)),
        // A change answered within the gap (the first check, or two
        // changes in a row): the gap is kept from the last start.
        (held(8, true), ms(40), 0, ms(210), ms(210)),
        (held(8, true), ms(0), 0, MIN_CHECK_GAP, MIN_CHECK_GAP),
        // "Held" said, but a 304 came at once: it was not held; the poll
        // interval, as for any server.
        (held(8, false), ms(5), 0, ms(59_995), ms(59_995)),
        (held(8, false), ms(3_999), 0, ms(56_001), ms(56_001)),
        (held(8, false), ms(4_000), 0, ms(0), ms(0)),
        // No hold said: the interval, the check's time included.
        (None, ms(300), 0, ms(59_700), ms(59_700)),
        (None, ms(8_000), 0, ms(52_000), ms(52_000)),
        // A leader that is down backs off, held or not before.
        (held(8, false), ms(5), 1, ms(30_000), ms(60_000)),
        (held(8, true), ms(5), 3, ms(120_000), ms(240_000)),
        (None, ms(5), 9, ms(300_000), ms(600_000)),
    ]);
}

#[test]
fn a_hold_header_is_whole_seconds_within_bounds() {
    for (value, expect) in [
        ("8", Some(Duration::from_secs(8))),
        (" 1 ", Some(Duration::from_secs(1))),
        ("3600", Some(Duration::from_secs(60))),
        ("0", None),
        ("-1", None),
        ("8.5", None),
        ("soon", None),
        ("", None),
        ("99999999999999999999999", None),
    ] {
        assert_eq!(parse_hold(value), expect, "{value:?}");
    }
}

/// A follower's loop, as the shell runs it, for `run`: each check, the
/// state it leaves, and the wait [`next_check_in`] gives. Calls `seen` with
/// each changed schedule's d1-cloudprovider title.
fn follow(url: &str, run: Duration, mut seen: impl FnMut(&str)) {
    let source = Source::parse(url);
    let mut state = SyncState::default();
    let since = Instant::now();
    while since.elapsed() < run {
        let start = Instant::now();
        let polled = check_polled(
            &source,
            &state,
            &ImportOptions::default(),
            &FetchLimits::default(),
            &FeedPolicy::default(),
        );
        let took = start.elapsed();
        let held = polled.as_ref().ok().and_then(|p| p.held());
        let mut error = None;
        match polled {
            Ok(p) => {
                state.failures = 0;
                if let Checked::Changed {
                    validated,
                    validator,
                    ..
                } = p.checked
                {
                    state.validator = validator;
                    if let Some(s) = validated
                        .schedule
                        .sessions
                        .iter()
                        .find(|s| s.id == "d1-cloudprovider")
                    {
                        seen(&s.title);
                    }
                }
            }
            Err(e) => {
                state.failures += 1;
                error = Some(e);
            }
        }
        let wait = next_check_in(state.failures, error.as_ref(), took, held, DEFAULT_INTERVAL);
        std::thread::sleep(wait.min(run.saturating_sub(since.elapsed())));
    }
}

/// The real leader's server (a 1 s hold here, 8 s in a kiosk): with the
/// default interval a change made seconds after the first sync, between
/// holds, reaches the follower within a second.
#[test]
fn at_the_default_interval_a_change_reaches_the_follower_within_a_second() {
    let published = Published::new();
    publish(&published, 1, "Version one");
    let limits = ServerLimits {
        hold: Duration::from_secs(1),
        ..ServerLimits::default()
    };
    let server = feed::serve("127.0.0.1:0", TOKEN, published.clone(), limits).unwrap();
    let url = format!("http://{}/feed.json?token={TOKEN}", server.addr);
    let first = get(&url, &[]);
    assert_eq!(
        first.header(HOLD_HEADER),
        Some("1"),
        "the leader says it holds"
    );
    let publisher = std::thread::spawn(move || {
        // Past several holds, off their edges.
        std::thread::sleep(ms(3_400));
        publish(&published, 2, "Version two");
        Instant::now()
    });
    let arrived = std::sync::Mutex::new(None);
    follow(&url, Duration::from_secs(5), |title| {
        if title == "Version two" {
            arrived.lock().unwrap().get_or_insert_with(Instant::now);
        }
    });
    let set = publisher.join().unwrap();
    let arrived = arrived
        .into_inner()
        .unwrap()
        .expect("the change reached the follower");
    let took = arrived.duration_since(set);
    eprintln!(
        "leader → follower at the default interval: {} ms",
        took.as_millis()
    );
    assert!(took < Duration::from_secs(1), "{took:?}");
}

/// A server on 127.0.0.1 that answers every request at once with `answer`
/// (given the request's number), closing each connection; how many it got.
fn hostile(answer: impl Fn(usize) -> Vec<u8> + Send + 'static) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed.json", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(&answer(n));
        }
    });
    (url, count)
}

#[test]
fn a_server_that_says_held_but_answers_at_once_is_not_asked_in_a_loop() {
    // 304 at once, "held 8 s": polled at the interval, so once in 2 s.
    let (url, count) = hostile(|_| {
        format!("HTTP/1.1 304 Not Modified\r\n{HOLD_HEADER}: 8\r\nETag: \"x\"\r\nConnection: close\r\n\r\n")
            .into_bytes()
    });
    follow(&url, Duration::from_secs(2), |_| {});
    assert_eq!(count.load(Ordering::SeqCst), 1, "304s at once");

    // A new version at once, every time: at most one check per gap.
    let body = bytes(1, "Version one");
    let (url, count) = hostile(move |n| {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\n{HOLD_HEADER}: 8\r\nETag: \"v{n}\"\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(&body);
        r
    });
    let run = Duration::from_secs(2);
    let mut changes = 0;
    follow(&url, run, |_| changes += 1);
    let asked = count.load(Ordering::SeqCst);
    let most = (run.as_millis() / MIN_CHECK_GAP.as_millis()) as usize + 1;
    eprintln!("a server changing at once: {asked} checks in {run:?} (at most {most})");
    assert!(asked <= most, "{asked} checks in {run:?}");
    assert!(asked >= 2, "a real change is taken at once: {asked}");
    assert_eq!(changes, asked);
}

#[test]
fn a_leader_that_is_down_is_not_hammered() {
    // A port with nothing listening: refused at once, every time.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/feed.json");
    let mut polled = 0;
    let source = Source::parse(&url);
    let mut waits = Vec::new();
    for failures in 1..=4 {
        polled += 1;
        let err = check_polled(
            &source,
            &SyncState::default(),
            &ImportOptions::default(),
            &FetchLimits::default(),
            &FeedPolicy::default(),
        )
        .expect_err("nothing listens");
        waits.push(next_check_in(
            failures,
            Some(&err),
            ms(1),
            None,
            DEFAULT_INTERVAL,
        ));
    }
    assert_eq!(polled, 4);
    assert!(waits[0] >= Duration::from_secs(30), "{waits:?}");
    assert!(waits[3] >= Duration::from_secs(240), "{waits:?}");
}
