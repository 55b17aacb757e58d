//! Rates and floods, with the time given: a token bucket, and a log that
//! says a flood once a period per peer and reason, never per message.

use std::time::{Duration, Instant};

use kiosk_core::fleet::{open_sealed, seal, FloodLog, TokenBucket};
use kiosk_core::secret::Secret;

#[test]
fn a_bucket_gives_its_burst_then_its_rate() {
    let t0 = Instant::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let mut bucket = TokenBucket::new(3, 2.0);
    let taken: Vec<bool> = [0, 0, 0, 0, 499, 500, 500, 1_500, 1_500, 1_500]
        .into_iter()
        .map(|ms| bucket.take(at(ms)))
        .collect();
    // Three at once, none left; one more after half a second; then two a second.
    assert_eq!(
        taken,
        [true, true, true, false, false, true, false, true, true, false]
    );
    assert!(!bucket.is_full(at(1_500)));
    assert!(bucket.is_full(at(3_000)));
}

/// What the log says for each refusal: (ms since start, peer, code) → lines.
fn check(events: &[(u64, &str, &'static str)], expect: &[(usize, &str)]) {
    let t0 = Instant::now();
    let mut log = FloodLog::new(Duration::from_secs(60));
    let mut said = Vec::new();
    for (i, (ms, who, code)) in events.iter().enumerate() {
        for line in log.refused(
            t0 + Duration::from_millis(*ms),
            who,
            code,
            "too many reports",
        ) {
            said.push((i, line));
        }
    }
    let got: Vec<(usize, String)> = said;
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    for ((i, line), (j, fragment)) in got.iter().zip(expect) {
        assert_eq!(i, j, "{line}");
        assert!(line.contains(fragment), "{line:?} lacks {fragment:?}");
    }
}

#[test]
fn a_flood_is_said_once_a_minute() {
    // One refusal: said at once.
    check(
        &[(0, "10.0.0.7", "report_rate_limited")],
        &[(0, "refused a report from 10.0.0.7: too many reports")],
    );
    // 10,000 in ten seconds from one peer: one line.
    let flood: Vec<(u64, &str, &'static str)> = (0..10_000)
        .map(|i| (i, "10.0.0.7", "report_rate_limited"))
        .collect();
    check(&flood, &[(0, "from 10.0.0.7")]);
    // Into the next minute: the count of the last one, then the first of this one.
    let mut two = flood.clone();
    two.push((60_000, "10.0.0.7", "report_rate_limited"));
    check(
        &two,
        &[
            (0, "from 10.0.0.7"),
            (
                10_000,
                "refused 9999 more reports from 10.0.0.7 in the last 60 s",
            ),
            (10_000, "refused a report from 10.0.0.7"),
        ],
    );
    // Each peer and each reason is said once.
    check(
        &[
            (0, "a", "report_rate_limited"),
            (1, "a", "report_malformed"),
            (2, "b", "report_rate_limited"),
            (3, "a", "report_rate_limited"),
        ],
        &[(0, "from a"), (1, "from a"), (2, "from b")],
    );
}

#[test]
fn a_flood_from_many_peers_is_bounded_too() {
    let t0 = Instant::now();
    let mut log = FloodLog::new(Duration::from_secs(60));
    let mut lines = 0;
    for i in 0..5_000u64 {
        lines += log
            .refused(
                t0 + Duration::from_millis(i),
                &format!("10.0.{}.{}", i / 256, i % 256),
                "report_rate_limited",
                "x",
            )
            .len();
    }
    assert_eq!(lines, 64, "at most 64 peers are named a minute");
    let summary = log.tick(t0 + Duration::from_secs(61));
    assert_eq!(summary.len(), 1, "{summary:?}");
    assert!(
        summary[0].contains("refused 4936 reports from other peers"),
        "{summary:?}"
    );
}

#[test]
fn messages_on_a_broker_carry_the_tokens_mac() {
    let token = Secret::new("follower-token-123");
    let body = br#"{"format":"summit-kiosk-heartbeat/1","screen_id":"s"}"#;
    let sealed = seal(Some(&token), body);
    assert!(!String::from_utf8_lossy(&sealed).contains("follower-token-123"));
    assert_eq!(open_sealed(Some(&token), &sealed).unwrap().as_ref(), body);
    // Another token, a changed body, a raw body: refused when a token is required.
    let other = Secret::new("another-token-456");
    assert_eq!(
        open_sealed(Some(&other), &sealed).unwrap_err().code(),
        "report_unauthenticated"
    );
    let tampered = String::from_utf8(sealed.clone())
        .unwrap()
        .replace("\\\"s\\\"", "\\\"t\\\"");
    assert_ne!(tampered.as_bytes(), sealed.as_slice());
    assert_eq!(
        open_sealed(Some(&token), tampered.as_bytes())
            .unwrap_err()
            .code(),
        "report_unauthenticated"
    );
    assert_eq!(
        open_sealed(Some(&token), body).unwrap_err().code(),
        "report_unauthenticated"
    );
    // No token configured: either is taken.
    assert_eq!(open_sealed(None, body).unwrap().as_ref(), body);
    assert_eq!(open_sealed(None, &sealed).unwrap().as_ref(), body);
    assert_eq!(seal(None, body), body);
}
