//! Heartbeats over HTTP: a screen reports to its leader's real feed server
//! on 127.0.0.1 and gets its clock offset and commands back; hostile
//! reports are refused before their body is read or anything is kept; a
//! flood from one client is answered 429 cheaply while other screens and
//! the feed go on.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_core::clock::{AcceleratedClock, SystemClock};
use kiosk_core::feed::{self, Published, ServerLimits};
use kiosk_core::fleet::report::HttpReporter;
use kiosk_core::fleet::{Action, FleetLimits, Inbox};
use kiosk_core::sync::UrlSource;

use super::heartbeat;

const TOKEN: &str = "fleet-token-for-tests";

/// A leader on 127.0.0.1 that serves a feed and keeps a fleet.
fn leader(limits: FleetLimits) -> (Arc<Inbox>, SocketAddr) {
    let published = Published::new();
    published.set(
        1,
        "\"v1\"".into(),
        b"{\"format\":\"summit-kiosk-feed/1\"}".to_vec(),
    );
    let inbox = Inbox::new(Arc::new(SystemClock), limits, None, None);
    let server = feed::serve_with_fleet(
        "127.0.0.1:0",
        TOKEN,
        published,
        ServerLimits::default(),
        Some(inbox.clone()),
    )
    .expect("serve");
    (inbox, server.addr)
}

/// A TCP connection from `from` (another loopback address is another client).
fn connect(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from((from, 0)).into())
        .expect("bind a loopback address");
    socket.connect(&to.into()).expect("connect");
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    stream
}

/// Send `head` and `body` from 127.0.0.1; the status code and the text.
fn exchange(to: SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let mut s = connect([127, 0, 0, 1], to);
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn post(path: &str, token: Option<&str>, extra: &str, body: &[u8]) -> String {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nHost: leader\r\nConnection: close\r\n{auth}{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
}

#[test]
fn a_screen_reports_and_learns_its_clock_offset_and_commands() {
    let (inbox, addr) = leader(FleetLimits::default());
    let feed = UrlSource::parse(&format!("http://{addr}/feed.json?token={TOKEN}"));
    let reporter = HttpReporter::for_feed(&feed, "screen-ahead").expect("a feed URL");
    assert_eq!(
        reporter.url(),
        format!("http://{addr}/screens/screen-ahead")
    );
    assert!(
        HttpReporter::for_feed(&UrlSource::parse("https://example.org/schedule.xml"), "s")
            .is_none()
    );
    // This screen's clock runs 30 s ahead of the leader's.
    let ahead = AcceleratedClock::new(
        jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30),
        1.0,
    );
    let answered = reporter
        .send(heartbeat("screen-ahead", 1), &ahead)
        .expect("the leader answers");
    let offset = answered.offset.expect("an offset");
    assert!(
        (offset.offset_ms - 30_000).unsigned_abs() <= offset.uncertainty_ms + 5,
        "{offset:?}"
    );
    assert!(offset.uncertainty_ms < 1_000, "{offset:?}");
    assert!(answered.reply.commands.is_empty());
    assert_eq!(inbox.view(None).rows[0].id, "screen-ahead");
    // The organizer asks it to identify itself: it comes with the next reply.
    inbox.queue("screen-ahead", Action::Identify).unwrap();
    let answered = reporter.send(heartbeat("screen-ahead", 2), &ahead).unwrap();
    assert_eq!(answered.reply.commands.len(), 1);
    // With the wrong token, a screen is told so (and nothing is kept).
    let wrong = HttpReporter::for_feed(
        &UrlSource::parse(&format!("http://{addr}/feed.json?token=not-the-token")),
        "intruder",
    )
    .unwrap();
    let e = wrong
        .send(heartbeat("intruder", 1), &SystemClock)
        .unwrap_err();
    assert!(e.to_string().contains("HTTP 401"), "{e}");
    assert_eq!(inbox.len(), 1);
}

#[test]
fn hostile_reports_are_refused_before_anything_is_kept() {
    let (inbox, addr) = leader(FleetLimits::default());
    let good = heartbeat("screen-1", 1).to_bytes();
    let cases: Vec<(&str, String, Vec<u8>, u16, &str)> = vec![
        // Refused before the body is read: only the head is sent (a peer
        // that sends its body anyway may see the connection reset).
        ("no token", post("/screens/screen-1", None, "", &good), Vec::new(), 401, "bearer token"),
        ("a wrong token", post("/screens/screen-1", Some("wrong-token-000"), "", &good), Vec::new(), 401, "bearer token"),
        (
            "a huge body, announced",
            format!("POST /screens/screen-1 HTTP/1.1\r\nHost: l\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 1000000000000\r\n\r\n"),
            Vec::new(),
            413,
            "over the limit of 65536",
        ),
        (
            "no length",
            format!("POST /screens/screen-1 HTTP/1.1\r\nHost: l\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"),
            Vec::new(),
            411,
            "Content-Length",
        ),
        (
            "a chunked body",
            format!("POST /screens/screen-1 HTTP/1.1\r\nHost: l\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Vec::new(),
            411,
            "no chunked bodies",
        ),
        ("not JSON", post("/screens/screen-1", Some(TOKEN), "", b"<html>"), b"<html>".to_vec(), 400, "not a Summit Kiosk report"),
        ("another screen's address", post("/screens/screen-2", Some(TOKEN), "", &good), good.clone(), 400, "at the address of screen"),
        ("a bad path", post("/screens/..", Some(TOKEN), "", &good), Vec::new(), 404, "/screens/<its id>"),
        ("a path too deep", post("/screens/a/b", Some(TOKEN), "", &good), Vec::new(), 404, "/screens/<its id>"),
        (
            "a GET",
            format!("GET /screens/screen-1 HTTP/1.1\r\nHost: l\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"),
            Vec::new(),
            405,
            "POST",
        ),
    ];
    for (what, head, body, status, fragment) in cases {
        let (got, text) = exchange(addr, &head, &body);
        assert_eq!(got, status, "{what}: {text}");
        assert!(
            text.contains(fragment),
            "{what}: {text:?} lacks {fragment:?}"
        );
    }
    assert_eq!(inbox.len(), 0, "nothing was kept");
    // A body sent too slowly is cut after the time-out.
    let started = Instant::now();
    let mut slow = connect([127, 0, 0, 1], addr);
    slow.write_all(post("/screens/screen-1", Some(TOKEN), "", &good).as_bytes())
        .unwrap();
    slow.write_all(&good[..10]).unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_secs(5) && started.elapsed() < Duration::from_secs(8)
    );
    assert_eq!(inbox.len(), 0);
    // The good one is taken.
    let (got, text) = exchange(
        addr,
        &post("/screens/screen-1", Some(TOKEN), "", &good),
        &good,
    );
    assert_eq!(got, 200, "{text}");
    assert!(text.contains("summit-kiosk-heartbeat-reply/1"));
    assert_eq!(inbox.len(), 1);
}

#[test]
fn without_a_fleet_the_server_takes_no_body_as_before() {
    let published = Published::new();
    published.set(1, "\"v1\"".into(), b"{}".to_vec());
    let server = feed::serve("127.0.0.1:0", TOKEN, published, ServerLimits::default()).unwrap();
    let good = heartbeat("screen-1", 1).to_bytes();
    let (status, _) = exchange(
        server.addr,
        &post("/screens/screen-1", Some(TOKEN), "", &good),
        &good,
    );
    assert_eq!(status, 413);
}

#[test]
fn a_flood_from_one_client_is_refused_cheaply_while_screens_and_the_feed_go_on() {
    let (inbox, addr) = leader(FleetLimits::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (sent, accepted) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let flooders: Vec<_> = (0..4)
        .map(|t| {
            let (stop, sent, accepted) = (stop.clone(), sent.clone(), accepted.clone());
            std::thread::spawn(move || {
                let mut seq = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    seq += 1;
                    let body = heartbeat(&format!("flood-{t}-{seq}"), 1).to_bytes();
                    let head = post(&format!("/screens/flood-{t}-{seq}"), Some(TOKEN), "", &body);
                    let mut s = connect([127, 0, 0, 2], addr);
                    if s.write_all(head.as_bytes())
                        .and_then(|()| s.write_all(&body))
                        .is_err()
                    {
                        continue;
                    }
                    sent.fetch_add(1, Ordering::Relaxed);
                    // A refusal closes with the body unread (the reset may
                    // come before the 429 is read); only a 200 counts.
                    let mut status = [0u8; 12];
                    if s.read_exact(&mut status).is_ok() && &status[9..12] == b"200" {
                        accepted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    // Meanwhile a real screen (another address) reports, and the feed is served.
    let screen = UrlSource::parse(&format!("http://{addr}/feed.json?token={TOKEN}"));
    let mut worst = Duration::ZERO;
    let mut seq = 0;
    while started.elapsed() < Duration::from_secs(4) {
        seq += 1;
        let t = Instant::now();
        let mut s = connect([127, 0, 0, 3], addr);
        let body = heartbeat("real-screen", seq).to_bytes();
        s.write_all(post("/screens/real-screen", Some(TOKEN), "", &body).as_bytes())
            .unwrap();
        s.write_all(&body).unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "the real screen: {answer}"
        );
        let fetched =
            kiosk_core::fetch::fetch_source(&screen, &Default::default(), &Default::default());
        assert!(fetched.is_ok(), "{fetched:?}");
        worst = worst.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(1_000));
    }
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.join().unwrap();
    }
    let (sent, accepted) = (
        sent.load(Ordering::Relaxed),
        accepted.load(Ordering::Relaxed),
    );
    let rate = sent as f64 / started.elapsed().as_secs_f64();
    eprintln!("flood: {sent} reports in {:?} ({rate:.0}/s), {accepted} taken; the real screen's worst exchange {worst:?}", started.elapsed());
    assert!(sent > 1_000, "the flood ran ({sent})");
    // A burst, then 10 a second, from the flooding address; the rest refused.
    let allowed =
        FleetLimits::default().client_burst as f64 + 10.0 * started.elapsed().as_secs_f64() + 10.0;
    assert!(accepted as f64 <= allowed, "{accepted} taken of {sent}");
    assert!(inbox.len() as f64 <= allowed + 1.0);
    assert!(
        worst < Duration::from_secs(1),
        "the real screen and the feed waited {worst:?}"
    );
}
