//! The fleet figures of `cargo xtask bench fleet` (issue 14): 1,000
//! simulated screens of a real leader (`summit-kiosk serve`), once through
//! a real mosquitto (`--publish mqtt://…`: the retained feed, heartbeats on
//! the screens' topics) and once through the HTTP feed (feed_bench's
//! long-polling followers, heartbeats by `POST /screens/<id>`). For each:
//! the time from an import's commit until each screen has the new feed
//! (p50/p99/max, goal p99 <= 1 s), and the leader's CPU (utime + stime from
//! /proc) and RSS while 1,000 screens send a heartbeat every 15 s, against
//! the same leader's CPU just before they start. The screens are the
//! `fleet_screens` example of kiosk-core (the kiosk's own MQTT follower and
//! heartbeat document; xtask stays free of network crates). Then the
//! Screens tab with 20 screens, some amber and red, at 1080p and 4K (its
//! screenshots), and a flood of reports through the app, with the minute's
//! flood count in the log: the app's end-to-end tests `e2e_fleet_tab` and
//! `e2e_fleet_flood`, which drive the real panel through WebDriver (xtask
//! has no WebDriver client), run here with their figures printed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kiosk_rig::Group;

use crate::feed_bench::{self as feed, Mode, FOLLOWERS};
use crate::Result;

/// Leader CPU is measured over two heartbeat periods.
const WINDOW: Duration = Duration::from_secs(30);
/// The leader alone, before the screens come.
const BASELINE: Duration = Duration::from_secs(10);
/// How long the screens run: connecting, the window, the change.
const SCREENS_SECS: u64 = 75;
/// Long enough for every screen to have the change (or to show it did not).
const DEADLINE: Duration = Duration::from_secs(10);

pub fn bench(kiosk: &Path) -> Result {
    feed::raise_file_limit()?;
    crate::run(crate::cargo().args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "kiosk-core",
        "--example",
        "fleet_screens",
    ]))?;
    let screens = crate::release_binary("examples/fleet_screens");
    let work =
        std::env::temp_dir().join(format!("summit-kiosk-fleet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = mqtt(kiosk, &screens, &work).and_then(|()| http(kiosk, &screens, &work));
    let _ = std::fs::remove_dir_all(&work);
    result.and_then(|()| panel())
}

/// The Screens tab with 20 screens (screenshots at 1080p and 4K, their
/// paths printed as `screenshot: …`) and the flood through the app, waiting
/// for the minute's count in its log (`SUMMIT_FLOOD_SUMMARY`).
fn panel() -> Result {
    let driver = crate::ensure_tauri_driver()?;
    crate::run(
        crate::cargo()
            .args(["test", "--workspace", "--test", "app", "--"])
            .args(["--nocapture", "--test-threads", "1"])
            .args(["e2e_fleet_tab::", "e2e_fleet_flood::"])
            .env("TAURI_DRIVER", &driver)
            .env("SUMMIT_FLOOD_SUMMARY", "1"),
    )
}

/// The simulated screens, their output read line by line.
struct Screens {
    group: Group,
    lines: mpsc::Receiver<String>,
}

impl Screens {
    fn start(screens: &Path, mode: &str, address: &str, token: &Path) -> Result<Screens> {
        let mut group = Group::spawn(
            Command::new(screens)
                .args([mode, &FOLLOWERS.to_string(), address])
                .arg(token)
                .arg(SCREENS_SECS.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )
        .map_err(|e| e.to_string())?;
        let out = group.child().stdout.take().ok_or("the screens' output")?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Screens { group, lines })
    }

    /// The next line starting with `word`, within `limit` (others are kept
    /// in `seen`).
    fn next(&self, word: &str, limit: Duration, seen: &mut Vec<String>) -> Option<String> {
        let until = Instant::now() + limit;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(word) => return Some(line),
                Ok(line) => seen.push(line),
                Err(_) => return None,
            }
        }
        None
    }

    /// `heartbeats SENT ANSWERED FAILED`, once the screens end.
    fn finish(&mut self, seen: &mut Vec<String>) -> Result<(u64, u64, u64)> {
        let limit = Duration::from_secs(SCREENS_SECS + 30);
        let line = self
            .next("heartbeats", limit, seen)
            .ok_or("the screens did not end")?;
        let n: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        let _ = self.group.exited();
        match n.as_slice() {
            [sent, answered, failed] => Ok((*sent, *answered, *failed)),
            _ => Err(format!("the screens said {line:?}")),
        }
    }
}

/// The leader's CPU in ms per second of `window`, and when it ended.
fn cpu_over(pid: u32, window: Duration) -> f64 {
    let (before, since) = (feed::cpu_secs(pid), Instant::now());
    std::thread::sleep(window);
    (feed::cpu_secs(pid) - before) * 1000.0 / since.elapsed().as_secs_f64()
}

fn mosquitto(work: &Path, port: u16) -> Result<Group> {
    // Started as root, mosquitto would drop to its own user; it stays as
    // whoever runs the bench.
    let me = Command::new("id")
        .arg("-un")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map_err(|e| e.to_string())?;
    let conf = work.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "per_listener_settings false\npersistence false\nlog_dest none\nuser {me}\n\
             listener {port} 127.0.0.1\nallow_anonymous true\nmax_connections -1\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let program = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("mosquitto");
    let broker = feed::spawn(Command::new(program).arg("-c").arg(&conf))?;
    kiosk_rig::wait_until(Duration::from_secs(10), "mosquitto to listen", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
    .map_err(|e| e.to_string())?;
    Ok(broker)
}

fn unix(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

fn percentiles(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99), ms.last().copied().unwrap_or(f64::NAN))
}

fn heartbeat_line(
    via: &str,
    idle: f64,
    busy: f64,
    pid: u32,
    (sent, answered, failed): (u64, u64, u64),
) {
    println!(
        "fleet: {via}: leader CPU with 1,000 screens reporting every 15 s: {:.1} % of a core ({:.1} % before they came: {:.1} % for the heartbeats); RSS {:.1} MiB, {} threads; heartbeats: {sent} sent, {answered} validated and answered, {failed} failed",
        busy / 10.0,
        idle / 10.0,
        (busy - idle) / 10.0,
        feed::status_field(pid, "VmRSS") as f64 / 1024.0,
        feed::status_field(pid, "Threads"),
    );
}

fn mqtt(kiosk: &Path, screens: &Path, work: &Path) -> Result {
    let data = work.join("mqtt-leader");
    let port = kiosk_rig::free_port().map_err(|e| e.to_string())?;
    let _broker = mosquitto(work, port)?;
    let url = format!("mqtt://127.0.0.1:{port}/bench");
    // With --listen too: the follower token (which MACs heartbeats on the
    // broker) is the HTTP feed's.
    let (leader, _, token) = feed::leader(kiosk, work, &data, &["--publish", &url])?;
    let pid = leader.pid();
    let idle = cpu_over(pid, BASELINE);
    let mut screens = Screens::start(screens, "mqtt", &url, &token)?;
    let mut seen = Vec::new();
    let connecting = Instant::now();
    screens
        .next("ready", Duration::from_secs(60), &mut seen)
        .ok_or_else(|| {
            format!("1,000 screens did not all get the retained feed in 60 s: {seen:?}")
        })?;
    let connected = connecting.elapsed();
    let busy = cpu_over(pid, WINDOW);
    let t0 = unix(feed::import(kiosk, work, &data, 1)?);
    let mut arrivals = Vec::new();
    let until = Instant::now() + DEADLINE;
    while arrivals.len() < FOLLOWERS {
        let Some(left) = until.checked_duration_since(Instant::now()) else {
            break;
        };
        let Some(line) = screens.next("got", left, &mut seen) else {
            break;
        };
        if let Some(ms) = line
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse::<f64>().ok())
        {
            arrivals.push(ms - t0);
        }
    }
    let got = arrivals.len();
    let (p50, p99, max) = percentiles(arrivals);
    let counts = screens.finish(&mut seen)?;
    println!(
        "fleet: mosquitto: 1,000 screens subscribed to the retained feed (all had it {:.1} s after starting); one change: {got} had it; p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms after the commit (goal p99 <= 1000 ms)",
        connected.as_secs_f64()
    );
    heartbeat_line("mosquitto", idle, busy, pid, counts);
    drop(leader);
    Ok(())
}

fn http(kiosk: &Path, screens: &Path, work: &Path) -> Result {
    let data = work.join("http-leader");
    let (leader, addr, token) = feed::leader(kiosk, work, &data, &[])?;
    let pid = leader.pid();
    let run = feed::start_followers(FOLLOWERS, addr, "/feed.json", Mode::Leader)?;
    run.until(Duration::from_secs(30), "every follower held", |r| {
        r.waiting.load(Ordering::Relaxed) == FOLLOWERS as u64
    })?;
    // The followers held, no heartbeats yet.
    let idle = cpu_over(pid, BASELINE);
    let mut screens = Screens::start(screens, "http", &addr.to_string(), &token)?;
    let mut seen = Vec::new();
    screens
        .next("ready", Duration::from_secs(30), &mut seen)
        .ok_or("the screens did not start")?;
    let busy = cpu_over(pid, WINDOW);
    let t0 = feed::import(kiosk, work, &data, 1)?;
    run.until_got(FOLLOWERS);
    let (p50, p99, max, got) = feed::spread(&run, t0);
    let errors = run.errors.load(Ordering::Relaxed);
    run.stop.store(true, Ordering::Relaxed);
    let counts = screens.finish(&mut seen)?;
    println!(
        "fleet: HTTP feed: 1,000 long-polling followers while 1,000 screens POST heartbeats; one change: {got} had it; p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms after the commit (goal p99 <= 1000 ms); {errors} failed polls"
    );
    heartbeat_line(
        "HTTP feed (baseline: the 1,000 followers held)",
        idle,
        busy,
        pid,
        counts,
    );
    drop(leader);
    Ok(())
}
