//! MQTT against a real mosquitto on 127.0.0.1: the feed as a retained
//! message, heartbeats answered with the clock's times, commands at once, a
//! last will that marks a screen offline when its connection drops, hostile
//! messages that change nothing, and TLS with a login.

use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_core::clock::SystemClock;
use kiosk_core::feed::{Published, Trust};
use kiosk_core::fleet::mqtt::{Broker, FollowerEvent, MqttFollower, MqttLeader, Target};
use kiosk_core::fleet::Level;
use kiosk_core::fleet::{Action, FleetLimits, Heartbeat, Inbox, Reply};
use kiosk_core::secret::Secret;
use kiosk_core::sync::{check_feed, FeedPolicy};
use kiosk_testkit::mqtt::{BrokerOptions, Mosquitto};

use super::heartbeat;

fn broker(mosquitto: &Mosquitto, token: Option<&str>) -> Broker {
    let mut b = Broker::new(Target::parse(&mosquitto.url("test-conf")).unwrap());
    b.token = token.map(Secret::new);
    b
}

/// The next event that `pick` takes, within `limit`.
fn next<T>(
    events: &Receiver<FollowerEvent>,
    limit: Duration,
    mut pick: impl FnMut(FollowerEvent) -> Option<T>,
) -> T {
    let until = Instant::now() + limit;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let event = events.recv_timeout(left).expect("an event in time");
        if let Some(found) = pick(event) {
            return found;
        }
    }
}

fn wait_for(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let since = Instant::now();
    while !ready() {
        assert!(since.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn published(version: u64, text: &str) -> Arc<Published> {
    let p = Published::new();
    p.set(version, format!("\"v{version}\""), text.as_bytes().to_vec());
    p
}

#[test]
fn the_feed_heartbeats_replies_and_commands_travel_over_a_broker() {
    let mosquitto = Mosquitto::start();
    let feed = published(1, "first feed");
    let inbox = Inbox::new(
        Arc::new(SystemClock),
        FleetLimits::default(),
        None,
        Some(Secret::new("token-1234")),
    );
    MqttLeader::start(
        broker(&mosquitto, Some("token-1234")),
        feed.clone(),
        Some(inbox.clone()),
    )
    .unwrap();
    let (follower, events) = MqttFollower::connect(
        broker(&mosquitto, Some("token-1234")),
        "screen-1",
        "Screen one",
        1_000,
    )
    .unwrap();
    next(&events, Duration::from_secs(10), |e| {
        matches!(e, FollowerEvent::Connected).then_some(())
    });
    let got = next(&events, Duration::from_secs(10), |e| match e {
        FollowerEvent::Feed(bytes) => Some(bytes),
        _ => None,
    });
    assert_eq!(got, b"first feed", "the retained feed comes first");
    // A heartbeat reaches the fleet; the reply says the clocks agree.
    let mut beat = heartbeat("screen-1", 1);
    beat.sent_ms = jiff::Timestamp::now().as_millisecond();
    follower.publish(&beat).unwrap();
    let reply = next(&events, Duration::from_secs(10), |e| match e {
        FollowerEvent::Reply(bytes) => Some(bytes),
        _ => None,
    });
    let reply = Reply::parse(&reply, "screen-1").unwrap();
    let offset = reply
        .offset(jiff::Timestamp::now().as_millisecond())
        .unwrap();
    assert!(
        offset.offset_ms.unsigned_abs() <= offset.uncertainty_ms + 2,
        "{offset:?}"
    );
    assert_eq!(inbox.view(None).rows[0].id, "screen-1");
    // A new version is published at once; a command too.
    feed.set(2, "\"v2\"".into(), b"second feed".to_vec());
    let got = next(&events, Duration::from_secs(10), |e| match e {
        FollowerEvent::Feed(bytes) => Some(bytes),
        _ => None,
    });
    assert_eq!(got, b"second feed");
    let sent = Instant::now();
    inbox.queue("screen-1", Action::Identify).unwrap();
    let command = next(&events, Duration::from_secs(10), |e| match e {
        FollowerEvent::Command(bytes) => Some(bytes),
        _ => None,
    });
    let command: kiosk_core::fleet::SignedCommand = serde_json::from_slice(&command).unwrap();
    assert_eq!(
        command.open(&Trust::none(), "screen-1").unwrap().action,
        Action::Identify
    );
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "a command arrives at once: {:?}",
        sent.elapsed()
    );
}

#[test]
fn a_dropped_connection_leaves_a_last_will_that_marks_the_screen_offline() {
    let mosquitto = Mosquitto::start();
    let inbox = Inbox::new(Arc::new(SystemClock), FleetLimits::default(), None, None);
    MqttLeader::start(
        broker(&mosquitto, None),
        published(1, "f"),
        Some(inbox.clone()),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // A screen whose process dies: its connection closes without a
    // DISCONNECT (a runtime dropped mid-connection, as kill -9 would).
    let target = Target::parse(&mosquitto.url("test-conf")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut options = rumqttc::MqttOptions::new("doomed", "127.0.0.1", mosquitto.port);
    options.set_last_will(rumqttc::LastWill::new(
        target.screen_topic("doomed"),
        Heartbeat::last_will("doomed", "Doomed", 1_000).to_bytes(),
        rumqttc::QoS::AtLeastOnce,
        false,
    ));
    let (client, mut eventloop) = rumqttc::AsyncClient::new(options, 10);
    runtime.block_on(async {
        let beat = heartbeat("doomed", 1).to_bytes();
        client
            .publish(
                target.screen_topic("doomed"),
                rumqttc::QoS::AtLeastOnce,
                false,
                beat,
            )
            .await
            .unwrap();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)))) =
                tokio::time::timeout(Duration::from_secs(1), eventloop.poll()).await
            {
                break;
            }
        }
    });
    wait_for(Duration::from_secs(5), "the screen listed", || {
        inbox.len() == 1
    });
    assert_eq!(inbox.view(None).rows[0].level, Level::Green);
    let dropped = Instant::now();
    drop(eventloop);
    drop(runtime);
    wait_for(Duration::from_secs(5), "the last will", || {
        inbox.view(None).rows[0].level == Level::Red
    });
    let row = &inbox.view(None).rows[0];
    assert!(row.reasons[0].starts_with("Offline"), "{row:?}");
    eprintln!(
        "offline {:?} after the connection dropped",
        dropped.elapsed()
    );
}

#[test]
fn hostile_messages_on_the_broker_change_nothing() {
    let mosquitto = Mosquitto::start();
    let inbox = Inbox::new(
        Arc::new(SystemClock),
        FleetLimits::default(),
        None,
        Some(Secret::new("token-1234")),
    );
    MqttLeader::start(
        broker(&mosquitto, Some("token-1234")),
        published(1, "f"),
        Some(inbox.clone()),
    )
    .unwrap();
    // An attacker on the broker, without the token.
    let (attacker, events) =
        MqttFollower::connect(broker(&mosquitto, None), "screen-evil", "Evil", 1).unwrap();
    next(&events, Duration::from_secs(10), |e| {
        matches!(e, FollowerEvent::Connected).then_some(())
    });
    let target = Target::parse(&mosquitto.url("test-conf")).unwrap();
    let mut raw_options = rumqttc::MqttOptions::new("raw", "127.0.0.1", mosquitto.port);
    raw_options.set_max_packet_size(1 << 20, 1 << 20);
    let (raw, mut connection) = rumqttc::Client::new(raw_options, 10);
    std::thread::spawn(move || for _ in connection.iter() {});
    attacker.publish(&heartbeat("screen-evil", 1)).unwrap(); // no MAC
    for payload in [
        b"not json".to_vec(),
        vec![b'{'; 200_000],
        Heartbeat::last_will("screen-1", "x", 1_000).to_bytes(),
    ] {
        raw.publish(
            target.screen_topic("screen-1"),
            rumqttc::QoS::AtLeastOnce,
            false,
            payload,
        )
        .unwrap();
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(inbox.len(), 0, "nothing unauthenticated is kept");
    // A real screen with the token is still heard: the leader stayed connected.
    let (screen, screen_events) = MqttFollower::connect(
        broker(&mosquitto, Some("token-1234")),
        "screen-1",
        "One",
        1_000,
    )
    .unwrap();
    next(&screen_events, Duration::from_secs(10), |e| {
        matches!(e, FollowerEvent::Connected).then_some(())
    });
    screen.publish(&heartbeat("screen-1", 1)).unwrap();
    wait_for(Duration::from_secs(5), "the real screen", || {
        inbox.len() == 1
    });
    // A forged feed on the feed topic, retained: a follower that trusts the
    // organizer's key refuses it as it would over HTTP.
    let dir = tempfile::tempdir().unwrap();
    let public = kiosk_core::bundle::generate_keypair(&dir.path().join("k")).unwrap();
    let trust = Trust::from_keys(&[public.lines().nth(1).unwrap().into()]).unwrap();
    let forged = kiosk_core::feed::Feed::new(
        u64::MAX / 2,
        kiosk_core::demo::demo().schedule,
        kiosk_core::feed::Notices::default(),
    )
    .to_bytes();
    raw.publish(target.feed_topic(), rumqttc::QoS::AtLeastOnce, true, forged)
        .unwrap();
    let got = next(&screen_events, Duration::from_secs(10), |e| match e {
        FollowerEvent::Feed(bytes) if bytes != b"f" => Some(bytes),
        _ => None,
    });
    let policy = FeedPolicy {
        trust,
        newest: None,
    };
    let e = check_feed(&target.name(), &got, &policy).unwrap_err();
    assert_eq!(e.code(), "feed_unsigned", "{e}");
    for garbage in [b"{\"format\":".to_vec(), b"<html>".to_vec()] {
        assert!(check_feed(&target.name(), &garbage, &policy).is_err());
    }
}

#[test]
fn a_broker_with_tls_and_a_login() {
    let mosquitto = Mosquitto::start_with(BrokerOptions {
        tls: true,
        login: Some(("kiosk".into(), "broker-password-42".into())),
    });
    let url = format!("mqtts://kiosk@localhost:{}/test-conf", mosquitto.port);
    let login = |password: &str, ca: bool| {
        let mut b = Broker::new(Target::parse(&url).unwrap());
        b.password = Some(Secret::new(password));
        b.ca_file = ca.then(|| mosquitto.ca());
        b
    };
    assert!(!format!("{:?}", login("broker-password-42", true)).contains("broker-password-42"));
    // The venue's own CA, the right password: the feed arrives.
    let feed = published(1, "over tls");
    MqttLeader::start(login("broker-password-42", true), feed, None).unwrap();
    let (_ok, events) =
        MqttFollower::connect(login("broker-password-42", true), "s-ok", "ok", 1).unwrap();
    let got = next(&events, Duration::from_secs(15), |e| match e {
        FollowerEvent::Feed(bytes) => Some(bytes),
        _ => None,
    });
    assert_eq!(got, b"over tls");
    // A wrong password, or a broker whose CA is not trusted: said, not taken.
    for (broker, fragment) in [
        (login("wrong", true), "refused"),
        (login("broker-password-42", false), "TLS"),
    ] {
        let (_bad, events) = MqttFollower::connect(broker, "s-bad", "bad", 1).unwrap();
        let why = next(&events, Duration::from_secs(15), |e| match e {
            FollowerEvent::Lost(why) => Some(why),
            FollowerEvent::Feed(_) => panic!("a feed through a refused connection"),
            _ => None,
        });
        assert!(
            why.contains(fragment) && why.contains("mqtts://localhost"),
            "{why}"
        );
        assert!(
            !why.contains("broker-password-42") && !why.contains("kiosk@"),
            "{why}"
        );
    }
    // A password in the address is refused before anything connects.
    let e = Target::parse(&format!(
        "mqtts://kiosk:secret@localhost:{}/c",
        mosquitto.port
    ))
    .unwrap_err();
    assert!(e.contains("mqtt_password_file"), "{e}");
}

#[test]
fn broker_addresses_are_checked() {
    for (text, expect) in [
        (
            "mqtt://broker.local/dask",
            Ok(("broker.local", 1883, "dask", false)),
        ),
        (
            "mqtts://broker.local/dask",
            Ok(("broker.local", 8883, "dask", true)),
        ),
        (
            "mqtt://10.0.0.2:1884/dask-2020",
            Ok(("10.0.0.2", 1884, "dask-2020", false)),
        ),
        ("mqtt://broker.local/", Err("must name the conference")),
        ("mqtt://broker.local/a/b", Err("must name the conference")),
        ("mqtt://broker.local/+", Err("must name the conference")),
        ("mqtt://broker.local/#", Err("must name the conference")),
        ("mqtt://u:p@broker.local/c", Err("password in the address")),
        ("http://broker.local/c", Err("is not mqtt://")),
        ("mqtt://broker.local/c?x=1", Err("no query")),
    ] {
        match (Target::parse(text), expect) {
            (Ok(t), Ok((host, port, conf, tls))) => {
                assert_eq!(
                    (t.host.as_str(), t.port, t.conference.as_str(), t.tls),
                    (host, port, conf, tls),
                    "{text}"
                );
            }
            (Err(e), Err(fragment)) => assert!(e.contains(fragment), "{text}: {e}"),
            (got, expect) => panic!("{text}: {got:?} vs {expect:?}"),
        }
    }
    let t = Target::parse("mqtt://kiosk@broker.local:1883/dask").unwrap();
    assert_eq!(t.name(), "mqtt://broker.local:1883/dask");
    assert_eq!(t.feed_topic(), "summit-kiosk/dask/feed");
    assert_eq!(t.screen_of("summit-kiosk/dask/screens/s-1"), Some("s-1"));
    assert_eq!(t.screen_of("summit-kiosk/dask/screens/s-1/reply"), None);
    assert_eq!(t.screen_of("summit-kiosk/other/screens/s-1"), None);
}
