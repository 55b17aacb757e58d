//! Running unattended, decided in core: the watchdog fed by renders, the
//! crash window, when the screen may blank, which log lines a technician
//! asked for, and the doctor's checks (real store files, a real HTTP server
//! on 127.0.0.1 for the clock).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use proptest::prelude::*;

use kiosk_core::blanking::{screen_plan, ScreenPlan};
use kiosk_core::doctor::{self, Level};
use kiosk_core::store::Store;
use kiosk_core::supervision::{CrashWatch, Notices, Recovery, Watchdog};
use kiosk_core::sync::SyncState;
use kiosk_core::{demo, logs};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `renders`: seconds after start at which the display reported a render;
/// `expect`: "R" ready, "P" ping, "-" neither, one per render.
#[track_caller]
fn check_watchdog(timeout_s: Option<u64>, renders: &[f64], expect: &str) {
    let t0 = Instant::now();
    let mut dog = Watchdog::new(timeout_s.map(Duration::from_secs));
    let got: Vec<String> = renders
        .iter()
        .map(|&s| {
            let Notices { ready, ping } = dog.on_render(t0 + Duration::from_secs_f64(s));
            match (ready, ping) {
                (true, true) => "RP".to_string(),
                (true, false) => "R".into(),
                (false, true) => "P".into(),
                (false, false) => "-".into(),
            }
        })
        .collect();
    assert_eq!(got.join(" "), expect, "renders at {renders:?}");
}

#[test]
fn the_watchdog_pings_only_as_renders_arrive() {
    // WatchdogSec=10: a ping at most every 10/3 s, only on a render.
    check_watchdog(
        Some(10),
        &[0.0, 1.0, 2.0, 3.0, 3.4, 4.0, 5.0, 6.8],
        "RP - - - P - - P",
    );
    // Renders stop after 2 s: no ping however long the wait; one comes with
    // the next render.
    check_watchdog(Some(10), &[0.0, 1.0, 2.0, 60.0], "RP - - P");
    // Not under a watchdog: ready once, never a ping.
    check_watchdog(None, &[0.0, 5.0, 50.0], "R - -");
    check_watchdog(Some(0), &[0.0, 5.0], "R -");
}

#[test]
fn renders_once_a_second_ping_within_half_the_timeout() {
    let t0 = Instant::now();
    let mut dog = Watchdog::new(Some(Duration::from_secs(10)));
    let mut last_ping = 0.0f64;
    let mut longest = 0.0f64;
    for i in 0..600 {
        let s = i as f64;
        if dog.on_render(t0 + Duration::from_secs_f64(s)).ping {
            longest = longest.max(s - last_ping);
            last_ping = s;
        }
    }
    assert!(longest <= 5.0, "longest gap between pings: {longest} s");
}

#[test]
fn three_crashes_in_ten_minutes_fall_back_to_the_simple_page() {
    let t0 = Instant::now();
    let table: [(&[u64], &[Recovery]); 3] = [
        (
            &[0, 60, 120],
            &[Recovery::Reload, Recovery::Reload, Recovery::Simple],
        ),
        // The first crash has left the window by the third.
        (
            &[0, 300, 601],
            &[Recovery::Reload, Recovery::Reload, Recovery::Reload],
        ),
        (
            &[0, 1, 2, 700],
            &[
                Recovery::Reload,
                Recovery::Reload,
                Recovery::Simple,
                Recovery::Reload,
            ],
        ),
    ];
    for (crashes, expect) in table {
        let mut watch = CrashWatch::default();
        let got: Vec<Recovery> = crashes
            .iter()
            .map(|&s| watch.crashed(t0 + Duration::from_secs(s)).0)
            .collect();
        assert_eq!(got, expect, "crashes at {crashes:?} s");
    }
}

/// The demo (America/New_York): 26 Feb 08:30–20:30, 27 Feb 08:30–17:00,
/// 28 Feb 08:30–16:00.
#[track_caller]
fn check_plan(when: &str, margin_min: u64, expect: &str) {
    let schedule = demo::demo().schedule;
    let plan = screen_plan(
        Some(&schedule),
        at(when),
        Duration::from_secs(margin_min * 60),
    );
    let until = plan
        .until
        .map(|t| {
            t.to_zoned_datetime(schedule.venue_tz.clone())
                .strftime("%d %H:%M")
                .to_string()
        })
        .unwrap_or("-".into());
    let got = format!("{} until {until}", if plan.on { "on" } else { "off" });
    assert_eq!(got, expect, "at {when}, margin {margin_min} min");
}

#[test]
fn the_screen_is_on_during_event_hours_only() {
    let table = [
        ("2020-02-26T06:00:00-05:00", 30, "off until 26 08:00"),
        ("2020-02-26T08:00:00-05:00", 30, "on until 26 21:00"),
        ("2020-02-26T12:00:00-05:00", 30, "on until 26 21:00"),
        ("2020-02-26T20:59:00-05:00", 30, "on until 26 21:00"),
        ("2020-02-26T21:00:00-05:00", 30, "off until 27 08:00"),
        // Six hours each side: the first two days' hours touch at 02:30 and
        // the screen stays on across the night between them.
        ("2020-02-26T23:30:00-05:00", 360, "on until 27 23:00"),
        ("2020-02-27T23:30:00-05:00", 360, "off until 28 02:30"),
        // After the event: off for good.
        ("2020-03-01T12:00:00-05:00", 30, "off until -"),
    ];
    for (when, margin, expect) in table {
        check_plan(when, margin, expect);
    }
    // No schedule: on (the screen says there is none).
    assert_eq!(
        screen_plan(None, at("2020-02-26T03:00:00Z"), Duration::ZERO),
        ScreenPlan {
            on: true,
            until: None
        }
    );
}

proptest! {
    /// On exactly when a session of the same conference day is within the
    /// margin; and the plan holds until `until`.
    #[test]
    fn the_plan_agrees_with_the_sessions(minutes in 0i64..(6 * 24 * 60), margin_min in 0u64..240) {
        let schedule = demo::demo().schedule;
        let now = at("2020-02-25T00:00:00-05:00") + jiff::SignedDuration::from_mins(minutes);
        let margin = Duration::from_secs(margin_min * 60);
        let plan = screen_plan(Some(&schedule), now, margin);
        let m = jiff::SignedDuration::from_mins(margin_min as i64);
        let near_session_same_day = schedule.sessions.iter().any(|s| {
            s.start - m <= now && now < s.end + m
        });
        if near_session_same_day {
            prop_assert!(plan.on, "{now} near a session but off");
        }
        if let Some(until) = plan.until {
            prop_assert!(until > now);
            let later = screen_plan(Some(&schedule), until - jiff::SignedDuration::from_secs(1), margin);
            prop_assert_eq!(later.on, plan.on, "the plan changes before its until");
        }
    }
}

#[test]
fn since_reads_durations_and_instants_and_names_bad_input() {
    let now = at("2026-05-01T12:00:00Z");
    let table = [
        ("1h", "2026-05-01T11:00:00Z"),
        ("30m", "2026-05-01T11:30:00Z"),
        ("2h 30m", "2026-05-01T09:30:00Z"),
        ("2d", "2026-04-29T12:00:00Z"),
        ("90s", "2026-05-01T11:58:30Z"),
        ("2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z"),
        ("2026-05-01T10:00:00+02:00", "2026-05-01T08:00:00Z"),
    ];
    for (text, expect) in table {
        assert_eq!(
            logs::since(text, now).unwrap().to_string(),
            expect,
            "{text}"
        );
    }
    let err = logs::since("yesterday-ish", now).unwrap_err().to_string();
    assert!(
        err.contains("\"yesterday-ish\"") && err.contains("e.g. 1h"),
        "{err}"
    );
}

#[test]
fn log_lines_go_with_their_entry() {
    let text = "\
2026-05-01T09:00:00.000001Z  INFO kiosk: old
2026-05-01T11:30:00.5Z  WARN kiosk: a message
  on two lines
2026-05-01T10:59:59Z  INFO out of order, before the cutoff
  and its tail
2026-05-01T11:59:00Z ERROR kiosk: recent
";
    let mut since = logs::Since::new(at("2026-05-01T11:00:00Z"));
    let kept: Vec<&str> = text.lines().filter(|l| since.keep(l)).collect();
    assert_eq!(
        kept,
        [
            "2026-05-01T11:30:00.5Z  WARN kiosk: a message",
            "  on two lines",
            "2026-05-01T11:59:00Z ERROR kiosk: recent",
        ]
    );
}

#[test]
fn the_store_check_passes_a_good_store_and_fails_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let missing = doctor::store_integrity(&path);
    assert_eq!(missing.level, Level::Warn, "{missing:?}");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .replace_schedule(&demo::demo().schedule, "demo")
            .unwrap();
    }
    let good = doctor::store_integrity(&path);
    assert_eq!(good.level, Level::Ok, "{good:?}");
    assert!(good.detail.contains("quick_check ok"), "{good:?}");

    // Not a database at all.
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(&garbage, b"this is not SQLite\n".repeat(400)).unwrap();
    let bad = doctor::store_integrity(&garbage);
    assert_eq!(bad.level, Level::Fail, "{bad:?}");
    assert!(
        bad.detail.contains("garbage.sqlite") && bad.detail.contains("not a database"),
        "{bad:?}"
    );

    // A real store with a page overwritten: quick_check sees the damage.
    let damaged = dir.path().join("damaged.sqlite");
    std::fs::copy(&path, &damaged).unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page, "the demo store spans pages");
    for b in &mut bytes[2 * page..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let broken = doctor::store_integrity(&damaged);
    assert_eq!(broken.level, Level::Fail, "{broken:?}");
    assert!(broken.detail.contains("damaged.sqlite"), "{broken:?}");
}

#[test]
fn disk_photos_zone_and_room_checks() {
    let dir = tempfile::tempdir().unwrap();
    let disk = doctor::disk_free(&dir.path().join("not/yet/made"));
    assert_ne!(disk.level, Level::Fail, "{disk:?}");
    assert!(disk.detail.contains("free on"), "{disk:?}");

    let renditions = dir.path().join("renditions");
    std::fs::create_dir_all(&renditions).unwrap();
    std::fs::write(renditions.join("a-1920.jpg"), vec![0u8; 2048]).unwrap();
    let photos = doctor::photo_cache(&renditions);
    assert_eq!(photos.level, Level::Ok);
    assert!(photos.detail.starts_with("1 renditions"), "{photos:?}");

    let schedule = demo::demo().schedule;
    let zone = doctor::venue_zone(Some(&schedule), at("2020-02-26T15:20:00Z"));
    assert_eq!(
        zone.detail,
        "America/New_York (-05): venue time 2020-02-26 10:20:00"
    );
    let room = doctor::room(Some(&schedule), Some("Main hall")).unwrap();
    assert_eq!(room.level, Level::Ok);
    let typo = doctor::room(Some(&schedule), Some("Main hal")).unwrap();
    assert_eq!(typo.level, Level::Fail);
    assert!(
        typo.detail.contains("\"Main hal\" is not in the schedule")
            && typo.detail.contains("Main hall"),
        "{typo:?}"
    );
}

#[test]
fn a_source_failing_past_offline_after_warns_with_its_error() {
    let now = at("2026-05-01T12:00:00Z");
    let after = Duration::from_secs(300);
    let mut state = SyncState {
        source: "https://example.org/s.xml".into(),
        ..SyncState::default()
    };
    assert_eq!(
        doctor::source(&state, now, after).level,
        Level::Warn,
        "never checked"
    );
    state.succeeded(at("2026-05-01T11:58:00Z"));
    let ok = doctor::source(&state, now, after);
    assert_eq!(
        (ok.level, ok.detail.as_str()),
        (
            Level::Ok,
            "https://example.org/s.xml: synced 2 min ago (2026-05-01T11:58:00Z)"
        )
    );
    state.failed(at("2026-05-01T11:59:00Z"), "connection refused");
    assert_eq!(
        doctor::source(&state, now, after).level,
        Level::Ok,
        "a minute of failure is not offline yet"
    );
    let late = doctor::source(&state, at("2026-05-01T12:10:00Z"), after);
    assert_eq!(late.level, Level::Warn);
    assert!(
        late.detail.contains("connection refused")
            && late.detail.contains("last good sync 12 min ago"),
        "{late:?}"
    );
}

/// An HTTP server on 127.0.0.1 whose `Date` header is `skew` away from now.
fn date_server(skew: jiff::SignedDuration) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/schedule.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 2048];
        let _ = stream.read(&mut request);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&(Timestamp::now() + skew))
            .unwrap();
        let response = format!(
            "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(response.as_bytes()).unwrap();
    });
    (url, handle)
}

#[test]
fn the_clock_is_compared_with_a_servers_date_header() {
    let limits = kiosk_core::fetch::FetchLimits::default();
    for (skew_s, expect) in [(0, Level::Ok), (-10, Level::Warn), (10, Level::Warn)] {
        let (url, server) = date_server(jiff::SignedDuration::from_secs(skew_s));
        let date = kiosk_core::fetch::server_date(&url, &limits);
        let check = doctor::clock(&url, Timestamp::now(), date);
        server.join().unwrap();
        assert_eq!(check.level, expect, "skew {skew_s} s: {check:?}");
        if skew_s < 0 {
            assert!(
                check.detail.contains("ahead of") && check.detail.contains("over 2 s"),
                "{check:?}"
            );
        }
    }
    // Nobody listens: a warning naming the address, not a failure.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let check = doctor::clock(
        &url,
        Timestamp::now(),
        kiosk_core::fetch::server_date(&url, &limits),
    );
    assert_eq!(check.level, Level::Warn);
    assert!(check.detail.contains(&url), "{check:?}");
}

#[test]
fn a_report_fails_only_on_a_failed_check() {
    let ok = doctor::Check::new("a", Level::Ok, "fine");
    let warn = doctor::Check::new("b", Level::Warn, "hmm");
    let fail = doctor::Check::new("c", Level::Fail, "broken");
    assert!(doctor::Report::new(vec![ok.clone(), warn.clone()]).ok);
    assert!(!doctor::Report::new(vec![ok, warn, fail.clone()]).ok);
    assert_eq!(fail.line(), "FAIL  c            broken");
}
