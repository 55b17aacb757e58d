//! A flood of screen reports against a real `--control --serve` kiosk
//! under Xvfb: one client (127.0.0.2) sends `POST /screens/<id>` at
//! 10,000 a second for 10 s, on kept-alive and on new connections, while
//! five real screens (127.0.0.1) report as usual. Meanwhile the panel's
//! Screens tab answers (`control_state` timed from the panel itself), the
//! display keeps painting every second (its render heartbeats timed in the
//! display window), the screens' heartbeats land and they stay green, the
//! kiosk's PSS stays within a bound, and the flood is logged once, not per
//! report. `SUMMIT_FLOOD_SUMMARY=1` (the bench) also waits for the minute's
//! count to be logged, once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::{data_dir, switch_to_page, SERIAL};
use crate::e2e_fleet::rows;
use crate::e2e_fleet_tab::{leader, TOKEN};
use crate::fleet_sim::{name_of, Fleet, Kind};
use crate::support::E2e;

const RATE: u64 = 10_000;
const FLOOD_FOR: Duration = Duration::from_secs(10);
const FLOODER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

#[derive(Default)]
struct FloodCounts {
    sent: AtomicU64,
    /// Answers by status: 429, 401, 2xx, other.
    too_many: AtomicU64,
    unauthorised: AtomicU64,
    ok: AtomicU64,
    other: AtomicU64,
    /// The connection was closed or reset before an answer.
    dropped: AtomicU64,
    connections: AtomicU64,
    connect_failed: AtomicU64,
}

/// A status line and headers, then the body (by Content-Length); the status
/// and whether the server keeps the connection.
fn read_answer(reader: &mut BufReader<TcpStream>) -> std::io::Result<(u16, bool)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line: {line:?}")))?;
    let (mut length, mut keep) = (0usize, true);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("connection:") && lower.contains("close") {
            keep = false;
        }
    }
    let mut body = vec![0; length.min(64 * 1024)];
    reader.read_exact(&mut body)?;
    Ok((status, keep))
}

fn connect(to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((FLOODER, 0)).into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(2))?;
    let s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    Ok(s)
}

/// One flooding thread: `per_sec` reports a second until `stop`, on one
/// kept-alive connection as long as the server keeps it (`keep_alive`) or
/// a new connection each time.
fn flood(to: SocketAddr, keep_alive: bool, per_sec: u64, stop: &AtomicBool, counts: &FloodCounts) {
    let mut h = kiosk_core::fleet::Heartbeat::new("flood-screen", "Flood");
    h.interval_secs = 2;
    h.last_render_age_ms = Some(100);
    let body = h.to_bytes();
    let request = [
        format!(
            "POST /screens/flood-screen HTTP/1.1\r\nHost: kiosk\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n{}\r\n",
            body.len(),
            if keep_alive { "" } else { "Connection: close\r\n" }
        )
        .into_bytes(),
        body,
    ]
    .concat();
    let began = Instant::now();
    let mut mine = 0u64;
    let mut conn: Option<BufReader<TcpStream>> = None;
    while !stop.load(Ordering::Relaxed) {
        // Paced: ahead of the rate, wait a little.
        if mine as f64 > began.elapsed().as_secs_f64() * per_sec as f64 {
            std::thread::sleep(Duration::from_micros(200));
            continue;
        }
        if conn.is_none() {
            match connect(to) {
                Ok(s) => {
                    counts.connections.fetch_add(1, Ordering::Relaxed);
                    conn = Some(BufReader::new(s));
                }
                Err(_) => {
                    counts.connect_failed.fetch_add(1, Ordering::Relaxed);
                    mine += 1;
                    continue;
                }
            }
        }
        let reader = conn.as_mut().expect("connected above");
        mine += 1;
        counts.sent.fetch_add(1, Ordering::Relaxed);
        let answer = reader
            .get_mut()
            .write_all(&request)
            .and_then(|()| read_answer(reader));
        match answer {
            Ok((status, keep)) => {
                let slot = match status {
                    429 => &counts.too_many,
                    401 => &counts.unauthorised,
                    200..=299 => &counts.ok,
                    _ => &counts.other,
                };
                slot.fetch_add(1, Ordering::Relaxed);
                if !keep || !keep_alive {
                    conn = None;
                }
            }
            Err(_) => {
                counts.dropped.fetch_add(1, Ordering::Relaxed);
                conn = None;
            }
        }
    }
}

/// `control_state` asked by the panel itself, one after another with
/// `pause_ms` between, for `secs`: each answer's time in ms.
async fn panel_answers(c: &Client, secs: u64, pause_ms: u64) -> Vec<f64> {
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
(async () => {{
  const times = [];
  const until = performance.now() + {secs} * 1000;
  while (performance.now() < until) {{
    const t = performance.now();
    await window.__TAURI__.core.invoke('control_state', {{ day: null }});
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, {pause_ms}));
  }}
  done(times);
}})().catch((e) => done(String(e && e.message || e)));"#
    );
    let got = c
        .execute_async(&script, vec![])
        .await
        .expect("timed control_state");
    serde_json::from_value(got.clone()).unwrap_or_else(|_| panic!("control_state: {got}"))
}

/// From now on, the display window notes when its 1 s tick reports a render.
async fn watch_renders(c: &Client) {
    switch_to_page(c, "/index.html").await;
    c.execute(
        // The tick's second animation frame calls `reportRender` once the
        // page has painted (Tauri's invoke cannot be wrapped: its module
        // object is read-only).
        r#"const raf = window.requestAnimationFrame.bind(window);
window.__renders = [];
window.requestAnimationFrame = (cb) => raf((t) => {
  if (cb.name === 'reportRender') window.__renders.push(performance.now());
  return cb(t);
});
return true;"#,
        vec![],
    )
    .await
    .expect("watch the display's renders");
    switch_to_page(c, "/control.html").await;
}

/// The render reports seen since [`watch_renders`] (ms, on the page's clock).
async fn renders(c: &Client) -> Vec<f64> {
    switch_to_page(c, "/index.html").await;
    let got = c.execute("return window.__renders", vec![]).await.unwrap();
    switch_to_page(c, "/control.html").await;
    serde_json::from_value(got).unwrap()
}

fn max_gap(times: &[f64]) -> f64 {
    times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max)
}

fn percentile(mut ms: Vec<f64>, q: f64) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1]
}

/// The kiosk started with data folder `data` (not its WebKit children).
fn kiosk_pid(data: &std::path::Path) -> u32 {
    let needle = data.to_str().unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd);
            cmd.contains(needle) && !cmd.contains("WebKit")
        })
        .expect("the kiosk's process")
}

fn refused_lines(data: &std::path::Path) -> Vec<String> {
    crate::e2e::log_text(data)
        .lines()
        .filter(|l| l.contains("refused") && l.contains(&FLOODER.to_string()))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_reports_leaves_the_panel_and_the_screens_alone() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let data = data_dir();
    let (c, feed) = leader(&rig, data.path()).await;
    let to: SocketAddr = feed
        .strip_prefix("http://")
        .and_then(|f| f.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let kinds = [Kind::Fine; 5];
    let fleet = Fleet::start(&feed, &kinds);
    let names: Vec<String> = (0..kinds.len()).map(|i| name_of(i, Kind::Fine)).collect();
    let all_green = |rows: &[Value]| {
        names.iter().all(|n| {
            rows.iter()
                .any(|r| r["name"] == n.as_str() && r["level"] == "green")
        })
    };
    let since = Instant::now();
    while !all_green(&rows(&c).await) {
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "{:#?}",
            rows(&c).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    watch_renders(&c).await;
    let pid = kiosk_pid(c.data());
    let quiet = panel_answers(&c, 3, 100).await;
    let pss_before = kiosk_rig::process::pss_tree_kib(pid);
    let answered_before = fleet.counts.answered.load(Ordering::Relaxed);
    let renders_before = renders(&c).await;

    // The flood: four threads, two on kept-alive connections, two on new ones.
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(FloodCounts::default());
    let flooders: Vec<_> = (0..4)
        .map(|n| {
            let (stop, counts) = (stop.clone(), counts.clone());
            std::thread::spawn(move || flood(to, n % 2 == 0, RATE / 4, &stop, &counts))
        })
        .collect();
    let flood_began = Instant::now();
    let during = panel_answers(&c, FLOOD_FOR.as_secs() - 2, 100).await;
    let mut green_throughout = all_green(&rows(&c).await);
    let pss_during = kiosk_rig::process::pss_tree_kib(pid);
    tokio::time::sleep(FLOOD_FOR.saturating_sub(flood_began.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.join().unwrap();
    }
    let flooded = flood_began.elapsed();
    green_throughout &= all_green(&rows(&c).await);
    let all_renders = renders(&c).await;
    let pss_after = kiosk_rig::process::pss_tree_kib(pid);
    let answered_during = fleet.counts.answered.load(Ordering::Relaxed) - answered_before;
    let failed = fleet.counts.failed.load(Ordering::Relaxed);

    let sent = counts.sent.load(Ordering::Relaxed);
    let c429 = counts.too_many.load(Ordering::Relaxed);
    eprintln!(
        "flood: {sent} reports in {flooded:?} ({:.0}/s) on {} connections ({} failed to connect): {c429} answered 429, {} 401, {} 2xx, {} other, {} closed or reset before an answer",
        sent as f64 / flooded.as_secs_f64(),
        counts.connections.load(Ordering::Relaxed),
        counts.connect_failed.load(Ordering::Relaxed),
        counts.unauthorised.load(Ordering::Relaxed),
        counts.ok.load(Ordering::Relaxed),
        counts.other.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
    );
    let (q50, q99, qmax) = (
        percentile(quiet.clone(), 0.5),
        percentile(quiet.clone(), 0.99),
        percentile(quiet.clone(), 1.0),
    );
    let (d50, d99, dmax) = (
        percentile(during.clone(), 0.5),
        percentile(during.clone(), 0.99),
        percentile(during.clone(), 1.0),
    );
    eprintln!(
        "control_state from the panel: quiet p50 {q50:.0} ms, p99 {q99:.0}, max {qmax:.0} ({} asks); during the flood p50 {d50:.0} ms, p99 {d99:.0}, max {dmax:.0} ({} asks)",
        quiet.len(),
        during.len()
    );
    let flood_renders: Vec<f64> = all_renders[renders_before.len().saturating_sub(1)..].to_vec();
    eprintln!(
        "display render reports: largest gap {:.0} ms before the flood, {:.0} ms over it ({} reports)",
        max_gap(&renders_before),
        max_gap(&flood_renders),
        flood_renders.len()
    );
    eprintln!(
        "kiosk PSS (process tree): {} MiB before, {} during, {} after",
        pss_before / 1024,
        pss_during / 1024,
        pss_after / 1024
    );
    eprintln!(
        "the 5 screens: {answered_during} heartbeats answered during the flood, {failed} failed in all; green throughout: {green_throughout}"
    );
    let lines = refused_lines(c.data());
    eprintln!("log lines about 127.0.0.2: {}: {lines:#?}", lines.len());

    assert!(
        sent as f64 >= RATE as f64 * flooded.as_secs_f64() * 0.5,
        "the flood ran at {:.0}/s, under half of {RATE}/s",
        sent as f64 / flooded.as_secs_f64()
    );
    assert!(c429 > sent / 2, "most of the flood is refused as too many");
    assert!(
        dmax < 1000.0,
        "control_state took {dmax:.0} ms during the flood"
    );
    assert!(
        flood_renders.len() as u64 >= FLOOD_FOR.as_secs() - 2,
        "the display reported {} renders over the flood",
        flood_renders.len()
    );
    assert!(
        max_gap(&flood_renders) < 2000.0,
        "the display skipped its 1 s tick during the flood"
    );
    assert!(
        pss_after.saturating_sub(pss_before) < 30 * 1024,
        "PSS grew by {} KiB",
        pss_after.saturating_sub(pss_before)
    );
    assert_eq!(failed, 0, "a screen's heartbeat failed during the flood");
    // Each screen reports every 3 s: at least 2 each in the 10 s.
    assert!(answered_during >= 10, "{answered_during} heartbeats landed");
    assert!(green_throughout, "a screen left green during the flood");
    // Per peer and reason, once a minute: one line for each of the flood's
    // three reasons (the address's limit, the screen's own, a replayed
    // report), not one per report.
    assert!(
        (1..=3).contains(&lines.len()),
        "the flood is said once, not per report: {lines:#?}"
    );
    if std::env::var_os("SUMMIT_FLOOD_SUMMARY").is_some() {
        // The minute's count, said once when the minute ends (the screens'
        // heartbeats tick the log).
        let since = Instant::now();
        while refused_lines(c.data()).len() == lines.len() {
            assert!(
                since.elapsed() < Duration::from_secs(75),
                "no count after a minute"
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        let later = refused_lines(c.data());
        eprintln!(
            "a minute later, {} lines in all: {:#?}",
            later.len(),
            &later[lines.len()..]
        );
        // One count per reason said at first, for the whole minute.
        let counted = &later[lines.len()..];
        assert!(
            counted.len() <= lines.len()
                && counted
                    .iter()
                    .all(|l| l.contains("more reports from 127.0.0.2 in the last 60 s")),
            "{counted:#?}"
        );
    }
    drop(fleet);
    c.close().await;
}
