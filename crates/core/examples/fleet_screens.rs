//! Simulated screens for `cargo xtask bench fleet`: `N` screens that send
//! the real heartbeat document every 15 s (spread evenly over the period,
//! as screens started at random would), to a leader through a broker
//! (`mqtt`: the kiosk's own [`MqttFollower`], which also takes the retained
//! feed) or by `POST /screens/<id>` (`http`: each screen from its own
//! 127.0.0.x address, as a venue's screens each have one).
//!
//! `cargo run --release -p kiosk-core --example fleet_screens -- MODE N ADDRESS TOKEN_FILE SECS`
//!
//! It prints, for the bench to read: `ready` once every screen is connected
//! (mqtt: has the feed), `got <unix ms>` for each screen's first new
//! feed after that, and at the end `heartbeats <sent> <answered> <failed>`
//! (answered: the leader validated it and replied). It stops after `SECS`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kiosk_core::fleet::mqtt::{Broker, FollowerEvent, MqttFollower, Target};
use kiosk_core::fleet::{Heartbeat, Reply, Role};
use kiosk_core::secret::Secret;

const PERIOD: Duration = Duration::from_secs(15);

#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    answered: AtomicU64,
    failed: AtomicU64,
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Screen `i`'s heartbeat number `seq`, as a kiosk in a room sends it.
fn heartbeat(i: usize, seq: u64, started_ms: i64) -> Heartbeat {
    let id = format!("bench-screen-{i:04}");
    let mut h = Heartbeat::new(&id, &format!("Bench screen {i}"));
    h.seq = seq;
    h.started_ms = started_ms;
    h.interval_secs = PERIOD.as_secs() as u32;
    h.role = Role::Room {
        room: format!("room-{}", i % 20),
    };
    h.version = env!("CARGO_PKG_VERSION").into();
    h.uptime_secs = ((unix_ms() - started_ms) / 1000).max(0) as u64;
    h.last_render_age_ms = Some(250);
    h.sent_ms = unix_ms();
    h
}

/// Every screen's heartbeats for `secs`, each at its own phase of the
/// period; `send(i, heartbeat)` says whether it was answered (`None`: the
/// answer, if any, is counted where it arrives).
fn beat(
    n: usize,
    secs: u64,
    counts: &Counts,
    send: impl Fn(usize, Heartbeat) -> Option<bool> + Sync,
) {
    let started_ms = unix_ms();
    let began = Instant::now();
    let workers = 16;
    std::thread::scope(|scope| {
        for w in 0..workers {
            let send = &send;
            scope.spawn(move || {
                let mut seq = 0u64;
                loop {
                    seq += 1;
                    for i in (w..n).step_by(workers) {
                        let due = PERIOD * (seq as u32 - 1) + PERIOD * i as u32 / n as u32;
                        if due >= Duration::from_secs(secs) {
                            return;
                        }
                        std::thread::sleep(due.saturating_sub(began.elapsed()));
                        counts.sent.fetch_add(1, Ordering::Relaxed);
                        match send(i, heartbeat(i, seq, started_ms)) {
                            Some(true) => counts.answered.fetch_add(1, Ordering::Relaxed),
                            Some(false) => counts.failed.fetch_add(1, Ordering::Relaxed),
                            None => 0,
                        };
                    }
                }
            });
        }
    });
}

fn mqtt(
    n: usize,
    address: &str,
    token: Secret,
    secs: u64,
    counts: Arc<Counts>,
) -> Result<(), String> {
    let target = Target::parse(address)?;
    let (events, arrivals) = mpsc::channel::<(usize, FollowerEvent)>();
    let mut followers = Vec::new();
    for i in 0..n {
        let mut broker = Broker::new(target.clone());
        broker.token = Some(token.clone());
        let id = format!("bench-screen-{i:04}");
        let (follower, rx) = MqttFollower::connect(broker, &id, &id, unix_ms())
            .map_err(|e| format!("screen {i}: {e}"))?;
        followers.push(follower);
        let events = events.clone();
        std::thread::Builder::new()
            .stack_size(64 << 10)
            .spawn(move || {
                for e in rx {
                    if events.send((i, e)).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| e.to_string())?;
    }
    drop(events);
    let reader_counts = counts.clone();
    let reader = std::thread::spawn(move || {
        // Each screen's first feed, then whether it has had a second.
        let mut first: Vec<Option<Vec<u8>>> = vec![None; n];
        let mut changed = vec![false; n];
        let mut have = 0;
        let out = std::io::stdout();
        for (i, event) in arrivals {
            match event {
                FollowerEvent::Feed(bytes) => match &first[i] {
                    None => {
                        first[i] = Some(bytes);
                        have += 1;
                        if have == n {
                            let _ = writeln!(out.lock(), "ready");
                        }
                    }
                    Some(old) if *old != bytes && !changed[i] => {
                        changed[i] = true;
                        let _ = writeln!(out.lock(), "got {}", unix_ms());
                    }
                    Some(_) => {}
                },
                FollowerEvent::Reply(body)
                    if Reply::parse(&body, &format!("bench-screen-{i:04}")).is_ok() =>
                {
                    reader_counts.answered.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
        }
    });
    // The leader's reply comes back on the screen's channel and is
    // counted there (above).
    beat(n, secs, &counts, |i, h| {
        followers[i].publish(&h).is_err().then_some(false)
    });
    // Replies still on their way.
    std::thread::sleep(Duration::from_secs(2));
    report(&counts);
    // The connections' threads end with the process.
    drop(reader);
    Ok(())
}

/// One `POST /screens/<id>` from `from`, on a new connection, as the
/// kiosk's reporter sends it; whether the leader validated and replied.
fn post(from: Ipv4Addr, leader: SocketAddr, token: &str, i: usize, h: &Heartbeat) -> bool {
    let attempt = || -> std::io::Result<bool> {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
        socket.bind(&SocketAddr::from((from, 0)).into())?;
        socket.connect_timeout(&leader.into(), Duration::from_secs(5))?;
        let mut s: std::net::TcpStream = socket.into();
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        let body = h.to_bytes();
        write!(
            s,
            "POST /screens/{} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\nContent-Type: application/json\r\n\
             Authorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
            h.screen_id,
            body.len()
        )?;
        s.write_all(&body)?;
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status)?;
        let mut reply = Vec::new();
        reader.take(256 * 1024).read_to_end(&mut reply)?;
        let body = reply
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(&reply[..0], |at| &reply[at + 4..]);
        Ok(status.split_whitespace().nth(1) == Some("200")
            && Reply::parse(body, &format!("bench-screen-{i:04}")).is_ok())
    };
    attempt().unwrap_or(false)
}

fn http(
    n: usize,
    address: &str,
    token: Secret,
    secs: u64,
    counts: Arc<Counts>,
) -> Result<(), String> {
    let leader: SocketAddr = address.parse().map_err(|e| format!("{address}: {e}"))?;
    println!("ready");
    beat(n, secs, &counts, |i, h| {
        // 127.0.0.2 onwards: a screen per address.
        let from = Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 0, 0, 2)) + i as u32);
        Some(post(from, leader, token.expose(), i, &h))
    });
    report(&counts);
    Ok(())
}

fn report(counts: &Counts) {
    println!(
        "heartbeats {} {} {}",
        counts.sent.load(Ordering::Relaxed),
        counts.answered.load(Ordering::Relaxed),
        counts.failed.load(Ordering::Relaxed)
    );
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, n, address, token_file, secs] = args.as_slice() else {
        return Err("usage: fleet_screens mqtt|http N ADDRESS TOKEN_FILE SECS".into());
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let secs: u64 = secs.parse().map_err(|e| format!("SECS: {e}"))?;
    let token = std::fs::read_to_string(token_file).map_err(|e| format!("{token_file}: {e}"))?;
    let token = Secret::new(token.trim().to_string());
    let counts = Arc::new(Counts::default());
    match mode.as_str() {
        "mqtt" => mqtt(n, address, token, secs, counts),
        "http" => http(n, address, token, secs, counts),
        other => Err(format!("MODE: {other} is not mqtt or http")),
    }
}
