//! The feed server against hostile peers, on 127.0.0.1: every limit is
//! tried as an attacker would, and after each a follower with the token is
//! still answered at once.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_core::feed::server::{connection_cap, raise_fd_limit, supervise, FD_HEADROOM};
use kiosk_core::feed::{self, etag_of, Published, Server, ServerLimits};

const TOKEN: &str = "server-test-token-0123";

/// A server with `limits`, publishing a small document.
fn start(limits: ServerLimits) -> (Arc<Published>, Server) {
    let published = Published::new();
    let body = br#"{"format":"summit-kiosk-feed/1","version":1}"#.to_vec();
    published.set(1, etag_of(&body), body);
    let server = feed::serve("127.0.0.1:0", TOKEN, published.clone(), limits).unwrap();
    (published, server)
}

fn quick() -> ServerLimits {
    ServerLimits {
        header_timeout: Duration::from_secs(1),
        hold: Duration::from_secs(3),
        write_stall: Duration::from_secs(1),
        ..ServerLimits::default()
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s
}

/// Send `request` and read the status line (or what ended the connection).
fn send(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = connect(addr);
    // The server may close as soon as it has seen enough: a failed write
    // is fine, the answer (if any) is still there to read.
    let _ = s.write_all(request);
    status_line(&mut s)
}

fn status_line(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match s.read(&mut byte) {
            Ok(0) => return format!("closed after {:?}", String::from_utf8_lossy(&head)),
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => head.push(byte[0]),
            Err(e) => return format!("error {e}"),
        }
    }
    String::from_utf8_lossy(&head).trim().to_string()
}

/// A follower's request with the token: answered 200 within a second.
#[track_caller]
fn follower_is_served(addr: SocketAddr) {
    let since = Instant::now();
    let line = send(
        addr,
        format!("GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(line, "HTTP/1.1 200 OK");
    assert!(
        since.elapsed() < Duration::from_secs(1),
        "{:?}",
        since.elapsed()
    );
}

#[test]
fn request_heads_over_8_kib_are_431_and_under_are_served() {
    let (_, server) = start(quick());
    let with_header = |n: usize| {
        format!(
            "GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\nX-Pad: {}\r\n\r\n",
            "a".repeat(n)
        )
    };
    assert_eq!(
        send(server.addr, with_header(7000).as_bytes()),
        "HTTP/1.1 200 OK"
    );
    for n in [9000, 100_000, 4 << 20] {
        assert_eq!(
            send(server.addr, with_header(n).as_bytes()),
            "HTTP/1.1 431 Request Header Fields Too Large",
            "{n}"
        );
    }
    // Many small headers are capped too.
    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let line = send(
        server.addr,
        format!("GET /feed.json HTTP/1.1\r\n{many}\r\n").as_bytes(),
    );
    assert_eq!(line, "HTTP/1.1 431 Request Header Fields Too Large");
    follower_is_served(server.addr);
}

#[test]
fn request_bodies_are_refused_at_once_and_never_read() {
    let (_, server) = start(quick());
    let cases = [
        (
            "Content-Length: 1000000000000",
            "HTTP/1.1 413 Payload Too Large",
        ),
        ("Content-Length: 4096", "HTTP/1.1 413 Payload Too Large"),
        ("Content-Length: 1", "HTTP/1.1 413 Payload Too Large"),
        ("Transfer-Encoding: chunked", "HTTP/1.1 400 Bad Request"),
    ];
    for (header, expect) in cases {
        for auth in ["", "Authorization: Bearer wrong-token-123\r\n"] {
            let since = Instant::now();
            // The headers only: the body never comes, and is not waited for.
            let line = send(
                server.addr,
                format!("GET /feed.json HTTP/1.1\r\nHost: k\r\n{auth}{header}\r\n\r\n").as_bytes(),
            );
            assert_eq!(line, expect, "{header} {auth}");
            assert!(since.elapsed() < Duration::from_millis(500), "{header}");
        }
    }
    // Lengths that do not fit 64 bits are refused by the parser, not panicking.
    for _ in 0..100 {
        let line = send(
            server.addr,
            b"GET /feed.json HTTP/1.1\r\nHost: k\r\nContent-Length: 18446744073709551615\r\n\r\n",
        );
        assert!(line.starts_with("HTTP/1.1 4"), "{line}");
    }
    // The server lets go of each once its answer is written.
    let since = Instant::now();
    while server.open_connections() > 0 && since.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        server.open_connections(),
        0,
        "every refused connection is closed"
    );
    follower_is_served(server.addr);
}

#[test]
fn a_slow_head_and_an_idle_connection_are_cut_after_the_header_timeout() {
    let (_, server) = start(quick());
    // One byte every 300 ms: never a whole head within the 1 s allowed.
    let mut slow = connect(server.addr);
    let since = Instant::now();
    let mut cut = None;
    for &byte in b"GET /feed.json HTTP/1.1\r\nHost: k\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n" {
        if slow.write_all(&[byte]).is_err() {
            cut = Some(since.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let line = status_line(&mut slow);
    let cut = cut.unwrap_or_else(|| since.elapsed());
    assert!(!line.contains("200"), "{line}");
    assert!(cut < Duration::from_secs(4), "cut after {cut:?}");
    // A kept-alive connection that goes quiet after its answer is closed.
    let mut idle = connect(server.addr);
    idle.write_all(
        format!("GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    let since = Instant::now();
    let mut all = Vec::new();
    let _ = idle.read_to_end(&mut all);
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200 OK"));
    let closed = since.elapsed();
    assert!(
        closed >= Duration::from_millis(900) && closed < Duration::from_secs(4),
        "{closed:?}"
    );
    follower_is_served(server.addr);
}

#[test]
fn when_full_the_oldest_idle_connection_makes_room_for_a_follower() {
    let limits = ServerLimits {
        max_connections: 8,
        header_timeout: Duration::from_secs(30),
        ..quick()
    };
    let (_, server) = start(limits);
    let mut idle: Vec<TcpStream> = (0..20).map(|_| connect(server.addr)).collect();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.open_connections(), 8, "never more than the cap");
    follower_is_served(server.addr);
    // The oldest idle ones were pushed out (closed), the newest kept.
    let closed = |s: &mut TcpStream| {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        matches!(s.read(&mut [0u8; 1]), Ok(0))
    };
    assert!(closed(&mut idle[0]), "the oldest idle connection is gone");
    assert!(!closed(&mut idle[19]), "the newest is kept");
}

#[test]
fn when_every_connection_is_answered_a_new_one_gets_503_with_retry_after() {
    let limits = ServerLimits {
        max_connections: 4,
        ..quick()
    };
    let (published, server) = start(limits);
    let tag = published.current().unwrap().etag.clone();
    // Four long-polls for the version they have: held, counted, not evictable.
    let held: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = connect(server.addr);
            s.write_all(
                format!(
                    "GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\nIf-None-Match: {tag}\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = connect(server.addr);
    let _ = refused.write_all(b"GET /feed.json HTTP/1.1\r\nHost: k\r\n\r\n");
    let mut answer = String::new();
    let _ = refused.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After: 2"), "{answer}");
    // The held ones end with a 304 after the hold; then there is room again.
    for mut s in held {
        assert_eq!(status_line(&mut s), "HTTP/1.1 304 Not Modified");
    }
    follower_is_served(server.addr);
}

#[test]
fn held_long_polls_never_block_new_requests_and_all_wake_on_a_change() {
    let (published, server) = start(quick());
    let tag = published.current().unwrap().etag.clone();
    let polls: Vec<std::thread::JoinHandle<String>> = (0..200)
        .map(|_| {
            let (addr, tag) = (server.addr, tag.clone());
            std::thread::spawn(move || {
                let mut s = connect(addr);
                s.write_all(
                    format!(
                        "GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\nIf-None-Match: {tag}\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .unwrap();
                status_line(&mut s)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.open_connections() >= 190,
        "{}",
        server.open_connections()
    );
    follower_is_served(server.addr);
    let body = b"{\"format\":\"summit-kiosk-feed/1\",\"version\":2}".to_vec();
    let changed = Instant::now();
    published.set(2, etag_of(&body), body);
    for poll in polls {
        assert_eq!(poll.join().unwrap(), "HTTP/1.1 200 OK");
    }
    assert!(
        changed.elapsed() < Duration::from_secs(2),
        "{:?}",
        changed.elapsed()
    );
}

#[test]
fn a_peer_that_stops_reading_is_dropped_and_frees_its_place() {
    let (published, server) = start(quick());
    // A body larger than the socket buffers on both sides.
    let big = vec![b' '; 64 << 20];
    published.set(2, etag_of(&big), big);
    let mut s = connect(server.addr);
    s.write_all(
        format!("GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    // Read nothing: after the stall allowed the server lets go.
    let since = Instant::now();
    while server.open_connections() > 0 && since.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        server.open_connections(),
        0,
        "dropped after {:?}",
        since.elapsed()
    );
    assert!(since.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_connection_cap_leaves_file_descriptors_for_the_rest_of_the_app() {
    for (soft, cap) in [
        (1024, 1024 - FD_HEADROOM as usize),
        (300, 44),
        (100, 16),
        (0, 16),
        (4352, 4096),
        (1 << 20, 4096),
    ] {
        assert_eq!(connection_cap(soft), cap, "{soft}");
    }
    let (soft, hard) = raise_fd_limit().unwrap();
    assert_eq!(soft, hard, "the soft limit is raised to the hard one");
    assert_eq!(
        ServerLimits::for_this_process().max_connections,
        connection_cap(soft)
    );
}

#[test]
fn a_failing_server_is_started_again_with_back_off() {
    let runs = AtomicU32::new(0);
    let mut starts = Vec::new();
    let since = Instant::now();
    let failures = supervise(
        "a test server",
        Duration::from_millis(50),
        Duration::from_millis(150),
        || {
            starts.push(since.elapsed());
            match runs.fetch_add(1, Ordering::SeqCst) {
                0 => panic!("the accept loop panicked"),
                1 => Err(std::io::Error::other("the runtime failed")),
                2 => panic!("again"),
                _ => Ok(()),
            }
        },
    );
    assert_eq!(failures, 3);
    assert_eq!(runs.load(Ordering::SeqCst), 4);
    let gaps: Vec<Duration> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    // 50 ms, 100 ms, then capped at 150 ms.
    for (gap, least) in gaps.iter().zip([50, 100, 150]) {
        assert!(*gap >= Duration::from_millis(least), "{gaps:?}");
    }
}
