//! Fetching from a real HTTP server on 127.0.0.1 that the test starts and
//! that misbehaves in every way a venue's network or web host can.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use kiosk_core::fetch::{backoff, check_content_type, fetch, FetchLimits, Fetched, Validator};

const SCHEDULE: &str = kiosk_core::demo::DEMO_JSON;

/// Every handler ends by itself within this, whatever the client does.
const HANDLER_LIFETIME: Duration = Duration::from_secs(20);

fn respond(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("if-none-match:") {
            if_none_match = Some(v.trim().to_string());
        }
    }
    let started = Instant::now();
    let ok = |stream: &mut TcpStream, extra: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match path.as_str() {
        "/schedule.json" => {
            if if_none_match.as_deref() == Some("\"v1\"") {
                let _ = stream.write_all(
                    b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n",
                );
            } else {
                ok(
                    &mut stream,
                    "Content-Type: application/json\r\nETag: \"v1\"\r\n",
                    SCHEDULE.as_bytes(),
                );
            }
        }
        "/changing-etag.json" => {
            let etag = format!(
                "\"{}\"",
                started.elapsed().as_nanos() ^ std::process::id() as u128 ^ rand_ish()
            );
            ok(
                &mut stream,
                &format!("Content-Type: application/json\r\nETag: {etag}\r\n"),
                SCHEDULE.as_bytes(),
            );
        }
        "/500" => {
            let _ = stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\nRetry-After: 7\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!");
        }
        "/never-ends" => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            let chunk = format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536));
            while started.elapsed() < HANDLER_LIFETIME {
                if stream.write_all(chunk.as_bytes()).is_err() {
                    break;
                }
            }
        }
        "/2gb" => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\nConnection: close\r\n\r\n");
            let zeros = vec![b' '; 65536];
            while started.elapsed() < HANDLER_LIFETIME {
                if stream.write_all(&zeros).is_err() {
                    break;
                }
            }
        }
        "/stall" => std::thread::sleep(HANDLER_LIFETIME),
        "/stall-body" => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{\"conference\"");
            std::thread::sleep(HANDLER_LIFETIME);
        }
        "/loop" => {
            let _ = stream.write_all(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
        "/page" => ok(
            &mut stream,
            "Content-Type: text/html; charset=utf-8\r\n",
            b"<!DOCTYPE html><html><body>Login</body></html>",
        ),
        "/picture" => ok(
            &mut stream,
            "Content-Type: image/png\r\n",
            SCHEDULE.as_bytes(),
        ),
        "/truncated" => {
            let body = &SCHEDULE.as_bytes()[..2000];
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                SCHEDULE.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
        _ => {
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    }
}

fn rand_ish() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// A server on 127.0.0.1; its threads end on their own.
pub fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream));
        }
    });
    format!("http://{addr}")
}

pub fn quick() -> FetchLimits {
    FetchLimits {
        response: Duration::from_millis(800),
        body: Duration::from_millis(800),
        total: Duration::from_secs(5),
        ..FetchLimits::default()
    }
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024
}

#[test]
fn a_good_feed_and_its_304() {
    let base = server();
    let url = format!("{base}/schedule.json");
    let Fetched::Body {
        bytes,
        validator,
        content_type,
    } = fetch(&url, &Validator::default(), &quick()).unwrap()
    else {
        panic!("a body");
    };
    assert_eq!(bytes, SCHEDULE.as_bytes());
    assert_eq!(validator.etag.as_deref(), Some("\"v1\""));
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert!(matches!(
        fetch(&url, &validator, &quick()).unwrap(),
        Fetched::NotModified
    ));
    let url = format!("{base}/changing-etag.json");
    let one = fetch(&url, &Validator::default(), &quick()).unwrap();
    let two = fetch(&url, &Validator::default(), &quick()).unwrap();
    let etag = |f: &Fetched| match f {
        Fetched::Body { validator, .. } => validator.etag.clone(),
        Fetched::NotModified => None,
    };
    assert_ne!(etag(&one), etag(&two));
}

#[test]
fn a_misbehaving_server_gives_clear_errors_in_bounded_time_and_memory() {
    let base = server();
    let cases = [
        ("/500", "HTTP 500 Internal Server Error"),
        ("/never-ends", "over the limit of 33554432 bytes"),
        (
            "/2gb",
            "the response is 2147483648 bytes, over the limit of 33554432 bytes",
        ),
        ("/stall", "timed out"),
        ("/stall-body", "timed out"),
        ("/loop", "more than 5 redirects"),
        ("/truncated", "truncated"),
        ("/missing", "HTTP 404 Not Found"),
    ];
    for (path, expect) in cases {
        let url = format!("{base}{path}");
        let started = Instant::now();
        let err = fetch(&url, &Validator::default(), &quick()).expect_err(path);
        let text = err.to_string();
        assert!(text.starts_with(&url), "{path}: names the address: {text}");
        assert!(
            text.contains(expect),
            "{path}: {expect:?} missing from {text}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{path}: took {:?}",
            started.elapsed()
        );
        assert_eq!(err.code(), "fetch");
    }
    let err = fetch(&format!("{base}/500"), &Validator::default(), &quick()).unwrap_err();
    let kiosk_core::Error::Fetch { retry_after, .. } = err else {
        panic!()
    };
    assert_eq!(retry_after, Some(Duration::from_secs(7)));
    assert!(
        peak_rss_mib() < 400,
        "memory stayed bounded: peak {} MiB",
        peak_rss_mib()
    );
}

#[test]
fn web_pages_and_pictures_are_not_schedules() {
    let base = server();
    for (path, expect) in [
        ("/page", "a web page (text/html), not a schedule"),
        ("/picture", "image/png, not a schedule"),
    ] {
        let url = format!("{base}{path}");
        let Fetched::Body {
            bytes,
            content_type,
            ..
        } = fetch(&url, &Validator::default(), &quick()).unwrap()
        else {
            panic!()
        };
        let err = check_content_type(&url, content_type.as_deref(), &bytes).unwrap_err();
        assert!(err.to_string().contains(expect), "{err}");
    }
    let err = fetch("ftp://127.0.0.1/x", &Validator::default(), &quick()).unwrap_err();
    assert!(
        err.to_string().contains("only http:// and https://"),
        "{err}"
    );
    let err = fetch("http://127.0.0.1:1/none", &Validator::default(), &quick()).unwrap_err();
    assert!(
        err.to_string().starts_with("http://127.0.0.1:1/none: "),
        "{err}"
    );
}

#[test]
fn backoff_doubles_with_jitter_and_honours_retry_after() {
    let base = Duration::from_secs(10);
    let max = Duration::from_secs(600);
    for failures in 0..10u32 {
        let d = backoff(failures, None, base, max);
        let full = (base * 2u32.pow(failures)).min(max);
        assert!(d >= full / 2 && d <= full, "{failures}: {d:?} vs {full:?}");
    }
    assert_eq!(
        backoff(0, Some(Duration::from_secs(120)), base, max),
        Duration::from_secs(120)
    );
}
