//! Issue 11's attacks on the real kiosk with `--serve`, on its real display
//! under Xvfb, with `ulimit -n 1024`: after each one the process and its
//! window are alive, its memory is within 50 MB of where it started, and a
//! follower with the token is answered within a second.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{demo_file, kiosk_on, spawn, wait_until, with_file_limit, Group, Screen};

pub(crate) const TOKEN: &str = "attack-test-token-5f1c2a";
const T: &str = "2020-02-26T10:20:00-05:00";

/// A kiosk serving its feed, its stderr captured in its data folder.
pub(crate) struct Leader {
    pub child: Group,
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
}

/// Write `TOKEN` to a private file in `dir`.
pub(crate) fn token_file(dir: &Path) -> std::path::PathBuf {
    crate::support::private_token_file(dir, TOKEN)
}

/// Start the kiosk on `screen` serving the demo on a free port, with at
/// most `files` open files; wait until it serves and its window is up.
pub(crate) fn start_leader(screen: &Screen, files: u64) -> Leader {
    let data = tempfile::tempdir().unwrap();
    let token = token_file(data.path());
    let port = crate::support::free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let stderr = std::fs::File::create(data.path().join("stderr.log")).unwrap();
    let mut cmd = kiosk_on(screen);
    cmd.args(["--schedule", &demo_file(), "--room", "Main hall", "--at", T])
        .args(["--photo-wall", "off", "--serve", &addr.to_string()])
        .arg("--serve-token-file")
        .arg(&token)
        .arg("--data-dir")
        .arg(data.path().join("kiosk"))
        .stderr(stderr);
    with_file_limit(&mut cmd, files);
    let leader = Leader {
        child: spawn(&mut cmd),
        addr,
        data,
    };
    wait_until(
        Duration::from_secs(90),
        || follower_status(addr).as_deref() == Some("HTTP/1.1 200 OK"),
        "the kiosk to serve its feed",
    );
    wait_until(
        Duration::from_secs(60),
        || window_exists(screen),
        "the kiosk's window",
    );
    leader
}

/// The status line a follower with the token gets.
pub(crate) fn follower_status(addr: SocketAddr) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(
        format!("GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    )
    .ok()?;
    Some(status_line(&mut s))
}

fn status_line(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while let Ok(1) = s.read(&mut byte) {
        if byte[0] == b'\n' {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).trim().to_string()
}

/// Whether the kiosk's window is on the X screen.
pub(crate) fn window_exists(screen: &Screen) -> bool {
    screen
        .has_window("Summit Kiosk")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rss_kib(pid: u32) -> u64 {
    kiosk_rig::process::rss_kib(pid).unwrap_or(0)
}

impl Leader {
    fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// After `attack`: alive, window up, memory within 50 MB of
    /// `baseline_kib`, a follower answered 200 within a second.
    fn still_fine(&mut self, screen: &Screen, baseline_kib: u64, attack: &str) {
        assert!(
            self.child.exited().is_none(),
            "{attack}: the kiosk died; its stderr:\n{}",
            self.stderr()
        );
        assert!(window_exists(screen), "{attack}: the window is gone");
        let since = Instant::now();
        assert_eq!(
            follower_status(self.addr).as_deref(),
            Some("HTTP/1.1 200 OK"),
            "{attack}"
        );
        let answered = since.elapsed();
        let rss = rss_kib(self.pid());
        eprintln!(
            "after {attack}: follower answered in {} ms, RSS {} MiB (started at {} MiB)",
            answered.as_millis(),
            rss / 1024,
            baseline_kib / 1024
        );
        assert!(answered < Duration::from_secs(1), "{attack}: {answered:?}");
        assert!(
            rss < baseline_kib + 50 * 1024,
            "{attack}: RSS {rss} KiB, from {baseline_kib} KiB"
        );
    }

    /// Its RSS once it has painted its first snapshot and stopped growing
    /// (two readings half a second apart within 1 MiB).
    fn settled_rss(&self) -> u64 {
        kiosk_rig::wait_for_log(
            &self.data.path().join("kiosk"),
            kiosk_rig::FIRST_RENDER_LOG,
            Duration::from_secs(60),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut last = rss_kib(self.pid());
        kiosk_rig::poll_until(
            Duration::from_secs(30),
            Duration::from_millis(500),
            "the kiosk's memory to settle",
            || {
                let now = rss_kib(self.pid());
                let steady = now.abs_diff(last) < 1024;
                last = now;
                steady
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        last
    }

    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(self.data.path().join("stderr.log")).unwrap_or_default()
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Send the head of a request and read the answer's status line.
fn head_only(addr: SocketAddr, headers: &str) -> String {
    let mut s = connect(addr);
    let _ = s.write_all(format!("GET /feed.json HTTP/1.1\r\nHost: k\r\n{headers}\r\n").as_bytes());
    status_line(&mut s)
}

/// Raise this test process's own open-file limit to its hard limit (the
/// attacker needs 2,000 sockets).
fn raise_own_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a struct we own.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    assert!(
        limit.rlim_cur >= 2_100,
        "the test needs 2,100 files: {}",
        limit.rlim_cur
    );
}

#[test]
fn every_attack_of_issue_11_leaves_the_kiosk_serving_and_on_screen() {
    let screen = Screen::start(1920, 1080);
    let mut leader = start_leader(&screen, 1024);
    let addr = leader.addr;
    let baseline = leader.settled_rss();

    // A huge Content-Length, without the token: 413 at once, nothing allocated.
    assert_eq!(
        head_only(addr, "Content-Length: 1000000000000\r\n"),
        "HTTP/1.1 413 Payload Too Large"
    );
    leader.still_fine(&screen, baseline, "Content-Length: 10^12");

    // Content-Length: 2^64-1, a hundred times (64 used to wedge the feed).
    for _ in 0..100 {
        let line = head_only(addr, "Content-Length: 18446744073709551615\r\n");
        assert!(line.starts_with("HTTP/1.1 4"), "{line}");
    }
    leader.still_fine(&screen, baseline, "100 × Content-Length: 2^64-1");

    // 200 connections that announce a body and never send it, kept open.
    let stalled: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = connect(addr);
            s.write_all(
                format!(
                    "GET /feed.json HTTP/1.1\r\nHost: k\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 4096\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
            s
        })
        .collect();
    leader.still_fine(&screen, baseline, "200 stalled bodies");
    drop(stalled);

    // 2,000 idle connections against ulimit -n 1024, kept open.
    raise_own_file_limit();
    let since = Instant::now();
    let idle: Vec<TcpStream> = (0..2000).map(|_| connect(addr)).collect();
    eprintln!(
        "2,000 idle connections opened in {} ms",
        since.elapsed().as_millis()
    );
    leader.still_fine(
        &screen,
        baseline,
        "2,000 idle connections under ulimit -n 1024",
    );
    drop(idle);

    // A 256 MiB header line: cut at 8 KiB with a 431, never buffered.
    let mut s = connect(addr);
    let _ = s.write_all(b"GET /feed.json HTTP/1.1\r\nHost: k\r\nX-Huge: ");
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0usize;
    while sent < 256 << 20 {
        if s.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    eprintln!("256 MiB header: the server stopped taking it after {sent} bytes");
    assert!(sent < 256 << 20, "the whole 256 MiB was taken");
    assert_eq!(
        status_line(&mut s),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    leader.still_fine(&screen, baseline, "a 256 MiB header");

    // Slowloris: 50 connections sending their heads at one byte a second.
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let slow: Vec<std::thread::JoinHandle<Option<Duration>>> = (0..50)
        .map(|_| {
            let sent = sent.clone();
            std::thread::spawn(move || {
                let mut s = connect(addr);
                let since = Instant::now();
                for &b in b"GET /feed.json HTTP/1.1\r\nHost: k\r\nX-Slow: aaaaaaaaaaaa\r\n" {
                    if s.write_all(&[b]).is_err() {
                        return Some(since.elapsed());
                    }
                    sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    std::thread::sleep(Duration::from_secs(1));
                }
                None
            })
        })
        .collect();
    // Checked while every one of them is two bytes in.
    wait_until(
        Duration::from_secs(30),
        || sent.load(std::sync::atomic::Ordering::Relaxed) >= 100,
        "the slow heads to start",
    );
    leader.still_fine(&screen, baseline, "slowloris (during)");
    for s in slow {
        let cut = s.join().unwrap().expect("a slow head is cut");
        assert!(cut < Duration::from_secs(10), "cut after {cut:?}");
    }
    leader.still_fine(&screen, baseline, "slowloris (after)");
    assert!(!leader.stderr().contains("panicked"), "{}", leader.stderr());
}
