//! The leader's fleet: what it takes, what it refuses, how much it holds,
//! and what it keeps across a restart (a real SQLite store).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use kiosk_core::fleet::Level;
use kiosk_core::fleet::{Action, FleetLimits, Heartbeat, Received, Via, MAX_THUMBNAILS_BYTES};
use kiosk_core::store::Store;

use super::{at, heartbeat, inbox_at, jpeg};

const NOW: &str = "2020-02-26T15:20:00Z";
const PEER: Via = Via::Http(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)));

fn send(inbox: &kiosk_core::fleet::Inbox, h: &Heartbeat, via: Via) -> Result<(), String> {
    inbox
        .receive(&h.to_bytes(), via, Some(&h.screen_id), inbox.clock().now())
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

#[test]
fn a_heartbeat_is_taken_answered_and_listed() {
    let inbox = inbox_at(NOW, FleetLimits::default());
    let h = heartbeat("screen-1", 1);
    let reply = inbox
        .receive(&h.to_bytes(), PEER, Some("screen-1"), at(NOW))
        .unwrap()
        .expect("a reply");
    assert_eq!(
        (reply.t0_ms, reply.t1_ms),
        (h.sent_ms, at(NOW).as_millisecond())
    );
    assert_eq!(reply.screen_id, "screen-1");
    let view = inbox.view(None);
    assert_eq!(view.total, 1);
    let row = &view.rows[0];
    assert_eq!(
        (row.name.as_str(), row.role.as_str()),
        ("Screen screen-1", "Room: Main hall")
    );
    assert_eq!(row.showing, ["Now: Native Cloud Deployment (10:12–10:24)"]);
    assert_eq!(row.level, Level::Green, "{row:?}");
    assert_eq!(
        (row.last_seen.as_str(), row.version.as_str()),
        ("just now", "0.1.0")
    );
    // Reported at another screen's address: refused.
    let e = inbox
        .receive(&h.to_bytes(), PEER, Some("screen-2"), at(NOW))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("at the address of screen \"screen-2\""),
        "{e}"
    );
}

#[test]
fn replays_and_floods_from_one_screen_are_refused() {
    let inbox = inbox_at(NOW, FleetLimits::default());
    assert_eq!(send(&inbox, &heartbeat("s", 5), PEER), Ok(()));
    assert_eq!(
        send(&inbox, &heartbeat("s", 5), PEER),
        Err("report_replayed".into())
    );
    assert_eq!(
        send(&inbox, &heartbeat("s", 4), PEER),
        Err("report_replayed".into())
    );
    // A restart (another start time) counts from 1 again.
    let mut restarted = heartbeat("s", 1);
    restarted.started_ms = 2_000;
    assert_eq!(send(&inbox, &restarted, PEER), Ok(()));
    // Past its burst of 6, one screen is refused (1 every 2 s after that).
    let results: Vec<Result<(), String>> = (2..10)
        .map(|seq| {
            let mut h = heartbeat("s", seq);
            h.started_ms = 2_000;
            send(&inbox, &h, PEER)
        })
        .collect();
    // Its bucket of 6 paid for the first, the two replays and the restart.
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        2,
        "{results:?}"
    );
    assert!(results
        .iter()
        .skip(2)
        .all(|r| r == &Err("screen_rate_limited".to_string())));
    // A client past its burst is refused before its body is read.
    let burst = FleetLimits::default().client_burst as usize;
    let other = Via::Http(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 8)));
    let admitted = (0..burst + 30)
        .filter(|_| inbox.admit(other).is_ok())
        .count();
    assert_eq!(admitted, burst);
    assert!(
        inbox.admit(PEER).is_ok(),
        "another client is not slowed down"
    );
}

#[test]
fn a_last_will_marks_its_screen_offline_and_the_next_heartbeat_back() {
    let inbox = inbox_at(NOW, FleetLimits::default());
    send(&inbox, &heartbeat("s", 1), Via::Mqtt).unwrap();
    // A will of an earlier run says nothing of this one.
    let old_will = Heartbeat::last_will("s", "Screen s", 999);
    assert_eq!(
        inbox
            .receive(&old_will.to_bytes(), Via::Mqtt, Some("s"), at(NOW))
            .unwrap(),
        None
    );
    assert_eq!(inbox.view(None).rows[0].level, Level::Green);
    let will = Heartbeat::last_will("s", "Screen s", 1_000);
    inbox
        .receive(&will.to_bytes(), Via::Mqtt, Some("s"), at(NOW))
        .unwrap();
    let row = &inbox.view(None).rows[0];
    assert_eq!(row.level, Level::Red);
    assert!(
        row.reasons[0].starts_with("Offline: its connection dropped"),
        "{row:?}"
    );
    assert!(!row.online);
    send(&inbox, &heartbeat("s", 2), Via::Mqtt).unwrap();
    assert_eq!(inbox.view(None).rows[0].level, Level::Green);
}

#[test]
fn the_fleet_is_bounded_and_pushes_out_the_longest_offline_screen() {
    let limits = FleetLimits {
        max_screens: 3,
        ..FleetLimits::default()
    };
    let inbox = inbox_at(NOW, limits);
    for id in ["a", "b", "c"] {
        send(&inbox, &heartbeat(id, 1), Via::Local).unwrap();
    }
    assert_eq!(
        send(&inbox, &heartbeat("d", 1), Via::Local),
        Err("fleet_full".into())
    );
    for id in ["a", "b"] {
        inbox
            .receive(
                &Heartbeat::last_will(id, id, 1_000).to_bytes(),
                Via::Mqtt,
                Some(id),
                at(NOW),
            )
            .unwrap();
    }
    assert_eq!(send(&inbox, &heartbeat("d", 1), Via::Local), Ok(()));
    let ids: Vec<String> = inbox.view(None).rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.contains(&"d".to_string()) && ids.contains(&"c".to_string()),
        "{ids:?}"
    );
    assert_eq!(inbox.len(), 3);
}

#[test]
fn thumbnails_are_kept_in_memory_within_a_total() {
    let picture = jpeg(320, 180);
    let per = picture.len();
    let limits = FleetLimits {
        thumbnails_bytes: per * 10,
        ..FleetLimits::default()
    };
    let inbox = inbox_at(NOW, limits);
    for i in 0..15 {
        inbox.receive_local(Received {
            heartbeat: heartbeat(&format!("s{i:02}"), 1),
            thumbnail: Some(picture.clone()),
        });
    }
    let view = inbox.view(None);
    let with: Vec<&str> = view
        .rows
        .iter()
        .filter(|r| r.thumbnail_url.is_some())
        .map(|r| r.id.as_str())
        .collect();
    // The newest ten are kept; the first five went.
    assert_eq!(
        with,
        ["s05", "s06", "s07", "s08", "s09", "s10", "s11", "s12", "s13", "s14"]
    );
    let url = view
        .rows
        .iter()
        .find(|r| r.id == "s14")
        .unwrap()
        .thumbnail_url
        .clone()
        .unwrap();
    let name = url.strip_prefix("screen://localhost/").unwrap();
    let (id, seq) = kiosk_core::fleet::view::parse_thumbnail_name(name).unwrap();
    assert_eq!(
        inbox.thumbnail(id, seq).unwrap().as_slice(),
        picture.as_slice()
    );
    assert!(
        inbox.thumbnail(id, seq + 1).is_none(),
        "only the name it holds now"
    );
    assert!(inbox.thumbnail("s00", 1).is_none());
    for bad in [
        "../store.sqlite",
        "s1.jpg",
        "s1-x.jpg",
        "-1.jpg",
        "a/b-1.jpg",
        "s1-1.png",
    ] {
        assert!(
            kiosk_core::fleet::view::parse_thumbnail_name(bad).is_none(),
            "{bad}"
        );
    }
    assert_eq!(kiosk_core::fleet::MAX_THUMBNAILS_BYTES, 16 * 1024 * 1024);
    let _ = MAX_THUMBNAILS_BYTES;
}

#[test]
fn how_far_behind_a_screen_is_comes_from_the_versions_published() {
    let inbox = inbox_at(NOW, FleetLimits::default());
    for version in [5, 6, 7, 9] {
        inbox.note_published(version);
    }
    let mut on_6 = heartbeat("on-6", 1);
    on_6.schedule.feed_version = Some(6);
    let mut on_9 = heartbeat("on-9", 1);
    on_9.schedule.feed_version = Some(9);
    let mut none = heartbeat("none", 1);
    none.schedule.feed_version = None;
    for h in [&on_6, &on_9, &none] {
        send(&inbox, h, Via::Local).unwrap();
    }
    let view = inbox.view(None);
    let schedule = |id: &str| {
        view.rows
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .schedule
            .clone()
    };
    assert_eq!(schedule("on-6"), "Behind by 2 revisions");
    assert_eq!(schedule("on-9"), "Up to date");
    assert_eq!(schedule("none"), "—");
}

#[test]
fn commands_wait_for_their_screens_reply_and_are_signed() {
    let dir = tempfile::tempdir().unwrap();
    let public = kiosk_core::bundle::generate_keypair(&dir.path().join("k")).unwrap();
    let key = kiosk_core::feed::SigningKey::load(&dir.path().join("k"), None).unwrap();
    let trust =
        kiosk_core::feed::Trust::from_keys(&[public.lines().nth(1).unwrap().into()]).unwrap();
    let clock = std::sync::Arc::new(kiosk_core::clock::FixedClock(at(NOW)));
    let inbox = kiosk_core::fleet::Inbox::new(clock, FleetLimits::default(), Some(key), None);
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heard.clone();
    inbox.on_command(move |screen, _| seen.lock().unwrap().push(screen.to_string()));
    assert_eq!(
        inbox.queue("nobody", Action::Identify).unwrap_err().code(),
        "unknown_screen"
    );
    send(&inbox, &heartbeat("s", 1), PEER).unwrap();
    let first = inbox.queue("s", Action::Identify).unwrap();
    let second = inbox.queue("s", Action::Reload).unwrap();
    assert!(second.id > first.id);
    assert_eq!(
        *heard.lock().unwrap(),
        ["s", "s"],
        "a broker publishes at once"
    );
    let reply = inbox
        .receive(&heartbeat("s", 2).to_bytes(), PEER, Some("s"), at(NOW))
        .unwrap()
        .unwrap();
    let taken: Vec<Action> = reply
        .commands
        .iter()
        .map(|c| c.open(&trust, "s").unwrap().action)
        .collect();
    assert_eq!(taken, [Action::Identify, Action::Reload]);
    let again = inbox
        .receive(&heartbeat("s", 3).to_bytes(), PEER, Some("s"), at(NOW))
        .unwrap()
        .unwrap();
    assert!(again.commands.is_empty(), "delivered once");
}

#[test]
fn the_fleet_is_kept_across_a_restart_without_its_thumbnails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        let first = store.screen_id(|| Ok("screen-made-once".into())).unwrap();
        let again = store.screen_id(|| panic!("made once only")).unwrap();
        assert_eq!(
            (first.as_str(), again.as_str()),
            ("screen-made-once", "screen-made-once")
        );
        let inbox = inbox_at(NOW, FleetLimits::default());
        inbox.receive_local(Received {
            heartbeat: heartbeat("kept", 1),
            thumbnail: Some(jpeg(320, 180)),
        });
        store.save_fleet(&inbox.take_dirty()).unwrap();
        assert!(inbox.take_dirty().is_empty(), "saved once");
    }
    let store = Store::open(&path).unwrap();
    let records = store.fleet_screens(10).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].name, "Screen kept");
    // The leader restarted ten minutes later: the screen is listed, red,
    // and said to be unheard of since.
    let later = inbox_at("2020-02-26T15:30:00Z", FleetLimits::default());
    later.restore(records);
    let row = &later.view(None).rows[0];
    assert_eq!(row.level, Level::Red, "{row:?}");
    assert!(
        row.last_seen.contains("before this kiosk started"),
        "{row:?}"
    );
    assert!(row.thumbnail_url.is_none());
    let blob: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM fleet_screens WHERE role LIKE '%jpeg%' OR name LIKE '%/9j/%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(blob, 0);
    // When it reports again it is green, and the store keeps it current.
    later.receive_local(Received {
        heartbeat: heartbeat("kept", 1),
        thumbnail: None,
    });
    assert_eq!(later.view(None).rows[0].level, Level::Green);
    let _ = Duration::ZERO;
}
