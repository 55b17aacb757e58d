//! The status rules as a table: what the leader knows of a screen, and the
//! colour and reasons the organizer reads.

use std::time::Duration;

use kiosk_core::fleet::status::{status, Behind, Level, StatusInput};
use kiosk_core::fleet::{ClockOffset, SyncLevel};

use super::at;

const NOW: &str = "2020-02-26T15:20:00Z";

/// A healthy screen heard from 5 s ago, reporting every 15 s.
fn fine() -> StatusInput {
    StatusInput {
        now: at(NOW),
        last_seen: at("2020-02-26T15:19:55Z"),
        interval: Duration::from_secs(15),
        offline_since: None,
        render_age: Some(Duration::from_millis(700)),
        clock: Some(ClockOffset {
            offset_ms: 12,
            uncertainty_ms: 3,
        }),
        behind: None,
        sync: SyncLevel::Ok,
    }
}

fn check(change: impl FnOnce(&mut StatusInput), level: Level, reasons: &[&str]) {
    let mut input = fine();
    change(&mut input);
    let got = status(&input);
    assert_eq!(got.level, level, "{input:?}: {got:?}");
    assert_eq!(got.reasons.len(), reasons.len(), "{got:?}");
    for (reason, fragment) in got.reasons.iter().zip(reasons) {
        assert!(reason.contains(fragment), "{reason:?} lacks {fragment:?}");
    }
}

#[test]
fn status_rules() {
    check(|_| {}, Level::Green, &[]);
    // Missed heartbeats: 1 is nothing, 2 amber, 4 red.
    check(
        |i| i.last_seen = at("2020-02-26T15:19:40Z"),
        Level::Green,
        &[],
    );
    check(
        |i| i.last_seen = at("2020-02-26T15:19:30Z"),
        Level::Amber,
        &["No report for 30 s (2 missed)"],
    );
    check(
        |i| i.last_seen = at("2020-02-26T15:19:15Z"),
        Level::Amber,
        &["45 s (3 missed)"],
    );
    check(
        |i| i.last_seen = at("2020-02-26T15:19:00Z"),
        Level::Red,
        &["No report for 1 min (4 missed)"],
    );
    check(
        |i| {
            i.last_seen = at("2020-02-26T15:19:00Z");
            i.interval = Duration::from_secs(60);
        },
        Level::Green,
        &[],
    );
    // Its connection dropped (a last will): red at once, whatever else.
    check(
        |i| i.offline_since = Some(at("2020-02-26T15:19:58Z")),
        Level::Red,
        &["Offline: its connection dropped 2 s ago"],
    );
    // The display: painted 10 s ago is fine, 11 s is frozen; never yet is amber.
    check(
        |i| i.render_age = Some(Duration::from_secs(10)),
        Level::Green,
        &[],
    );
    check(
        |i| i.render_age = Some(Duration::from_secs(11)),
        Level::Red,
        &["Its display last painted 11 s ago"],
    );
    check(
        |i| i.render_age = None,
        Level::Amber,
        &["has not painted yet"],
    );
    // The clock: 2 s is fine, past that red, either way.
    check(
        |i| {
            i.clock = Some(ClockOffset {
                offset_ms: 2_000,
                uncertainty_ms: 5,
            })
        },
        Level::Green,
        &[],
    );
    check(
        |i| {
            i.clock = Some(ClockOffset {
                offset_ms: 30_012,
                uncertainty_ms: 4,
            })
        },
        Level::Red,
        &["30.0 s ahead of the leader's (± 4 ms)"],
    );
    check(
        |i| {
            i.clock = Some(ClockOffset {
                offset_ms: -2_500,
                uncertainty_ms: 1_200,
            })
        },
        Level::Red,
        &["2.5 s behind the leader's (± 1.2 s)"],
    );
    check(|i| i.clock = None, Level::Green, &[]);
    // An old schedule: a minute to catch up, then red.
    check(
        |i| {
            i.behind = Some(Behind {
                revisions: 1,
                since: at("2020-02-26T15:19:10Z"),
            })
        },
        Level::Green,
        &[],
    );
    check(
        |i| {
            i.behind = Some(Behind {
                revisions: 2,
                since: at("2020-02-26T15:18:55Z"),
            })
        },
        Level::Red,
        &["a schedule 2 revisions behind, for 1 min 5 s"],
    );
    // Its source offline: the badge is on it.
    check(
        |i| i.sync = SyncLevel::Offline,
        Level::Amber,
        &["source is offline"],
    );
    check(|i| i.sync = SyncLevel::Failing, Level::Green, &[]);
    // Everything at once: worst first.
    check(
        |i| {
            i.last_seen = at("2020-02-26T15:19:30Z");
            i.render_age = Some(Duration::from_secs(20));
            i.sync = SyncLevel::Offline;
        },
        Level::Red,
        &[
            "display last painted 20 s ago",
            "2 missed",
            "source is offline",
        ],
    );
}

#[test]
fn durations_and_clocks_in_words() {
    use kiosk_core::fleet::status::{clock_text, span};
    for (secs, text) in [
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (65, "1 min 5 s"),
        (3_600, "1 h"),
        (7_380, "2 h 3 min"),
    ] {
        assert_eq!(span(Duration::from_secs(secs)), text);
    }
    assert_eq!(
        clock_text(&ClockOffset {
            offset_ms: 0,
            uncertainty_ms: 2
        }),
        "in step (± 2 ms)"
    );
    assert_eq!(
        clock_text(&ClockOffset {
            offset_ms: -340,
            uncertainty_ms: 2
        }),
        "340 ms behind the leader's (± 2 ms)"
    );
}
