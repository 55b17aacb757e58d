//! Issue 13, item 9, for `cargo xtask bench`:
//!
//! - `longrun`: the demo-sized 3-day event at --speed 600 (the feed of
//!   `mem_bench::event`: a delay and an announcement every 15 s), with the
//!   photo wall and a second source on a loopback HTTP server that goes down
//!   and comes back every [`FLAP`], supervised as the systemd unit would
//!   (`NOTIFY_SOCKET`, `WATCHDOG_USEC=10 s`, restart on exit or on a missed
//!   watchdog). PSS, open fds and threads of the whole process tree are
//!   sampled every 5 s; after the warm-up (the first fifth) none may grow
//!   by more than 5 % (median of the minute after the warm-up against
//!   median of the last minute), and no restart may be needed. Each
//!   process's anonymous, file-backed and shared memory is printed, so a
//!   growth names its process and kind.
//! - `killloop`: the app's kill -9 test (`tests/app/killloop.rs`) with 200
//!   rounds against the release binary.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::mem_bench::{event_inputs, log_text, spawn, wait_for};
use kiosk_rig::process::{proc_field, pss_kib, tree};

use crate::mem_bench::screen;
use crate::{cargo, run, Result};

/// The flapping source is up this long, then down as long.
const FLAP: Duration = Duration::from_secs(20);
/// How often the process tree is sampled, and how many samples make the
/// minute whose median is compared.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
const WINDOW: usize = 12;
/// As the unit sets it (`WatchdogSec=10`).
const WATCHDOG: Duration = Duration::from_secs(10);
const SPEED: u64 = 600;

/// `cargo xtask bench killloop`: 200 kills of the release binary.
pub fn killloop(kiosk: &Path) -> Result {
    run(cargo()
        .args([
            "test",
            "--workspace",
            "--locked",
            "--test",
            "app",
            "killloop::",
        ])
        .args(["--", "--nocapture"])
        .env("SUMMIT_KILLLOOP_ROUNDS", "200")
        .env("SUMMIT_KILLLOOP_BIN", kiosk))
}

/// A loopback HTTP server that serves `file` while `up`, and refuses
/// connections (its listener closed) while down.
fn flapping_server(file: PathBuf, up: Arc<AtomicBool>, stop: Arc<AtomicBool>) -> Result<u16> {
    let first = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let port = first.local_addr().map_err(|e| e.to_string())?.port();
    let mut listener = Some(first);
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match (&listener, up.load(Ordering::Relaxed)) {
                (Some(l), true) => {
                    l.set_nonblocking(true).ok();
                    match l.accept() {
                        Ok((conn, _)) => serve(conn, &file),
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
                (Some(_), false) => listener = None,
                (None, true) => listener = TcpListener::bind(("127.0.0.1", port)).ok(),
                (None, false) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    Ok(port)
}

fn serve(mut conn: TcpStream, file: &Path) {
    conn.set_nonblocking(false).ok();
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut head = [0u8; 8192];
    let _ = conn.read(&mut head);
    let body = std::fs::read(file).unwrap_or_default();
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(&body);
}

/// What systemd would have heard: (when, datagram).
type Heard = Arc<Mutex<Vec<(Instant, String)>>>;

fn notify_listener(path: &Path) -> Result<Heard> {
    let socket = UnixDatagram::bind(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let heard: Heard = Arc::default();
    let sink = heard.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = socket.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            if let Ok(mut all) = sink.lock() {
                all.push((Instant::now(), text));
            }
        }
    });
    Ok(heard)
}

fn last(heard: &Heard, line: &str, since: Instant) -> Option<Instant> {
    heard
        .lock()
        .ok()?
        .iter()
        .rev()
        .find(|(t, m)| *t >= since && m.lines().any(|l| l == line))
        .map(|(t, _)| *t)
}

/// Sums over the kiosk's process tree.
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    pss_kib: u64,
    fds: u64,
    threads: u64,
}

/// One process's share, to find which one grows and in what: its heap and
/// other private memory (anonymous), mapped files, or shared memory (the
/// painted buffers).
#[derive(Debug, Clone, Default)]
struct Part {
    name: String,
    anon_kib: u64,
    file_kib: u64,
    shmem_kib: u64,
    fds: u64,
    threads: u64,
}

fn sample(pid: u32) -> (Sample, Vec<Part>) {
    let mut s = Sample::default();
    let mut parts: Vec<Part> = Vec::new();
    for p in tree(pid) {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        let part = Part {
            name: name.trim().to_string(),
            anon_kib: proc_field(p, "smaps_rollup", "Pss_Anon").unwrap_or(0),
            file_kib: proc_field(p, "smaps_rollup", "Pss_File").unwrap_or(0),
            shmem_kib: proc_field(p, "smaps_rollup", "Pss_Shmem").unwrap_or(0),
            fds: std::fs::read_dir(format!("/proc/{p}/fd"))
                .map(|d| d.count() as u64)
                .unwrap_or(0),
            threads: proc_field(p, "status", "Threads").unwrap_or(0),
        };
        s.pss_kib += pss_kib(p).unwrap_or(0);
        s.fds += part.fds;
        s.threads += part.threads;
        // Processes of one kind (two web processes) are summed.
        match parts.iter_mut().find(|q| q.name == part.name) {
            Some(q) => {
                q.anon_kib += part.anon_kib;
                q.file_kib += part.file_kib;
                q.shmem_kib += part.shmem_kib;
                q.fds += part.fds;
                q.threads += part.threads;
            }
            None => parts.push(part),
        }
    }
    (s, parts)
}

type Window = [(Sample, Vec<Part>)];

/// The median of some samples: the garbage collector, and the images the
/// wall decodes and drops, make the web process's PSS swing by tens of MiB
/// between two samples; a median over a minute is what a leak moves.
fn median(values: impl Iterator<Item = u64>) -> u64 {
    let mut all: Vec<u64> = values.collect();
    all.sort_unstable();
    all.get(all.len() / 2).copied().unwrap_or(0)
}

/// One process's medians over a window.
fn part_median(window: &Window, name: &str) -> Part {
    let of = |f: fn(&Part) -> u64| {
        median(
            window
                .iter()
                .filter_map(|(_, parts)| parts.iter().find(|p| p.name == name).map(f)),
        )
    };
    Part {
        name: name.to_string(),
        anon_kib: of(|p| p.anon_kib),
        file_kib: of(|p| p.file_kib),
        shmem_kib: of(|p| p.shmem_kib),
        fds: of(|p| p.fds),
        threads: of(|p| p.threads),
    }
}

/// Each process's share over the minute after the warm-up and the last
/// minute, and the change.
fn print_parts(first: &Window, last: &Window) {
    let mib = |k: u64| k as f64 / 1024.0;
    let change =
        |a: u64, b: u64| format!("{:.1} -> {:.1} ({:+.1})", mib(a), mib(b), mib(b) - mib(a));
    let mut names: Vec<&str> = Vec::new();
    for (_, parts) in first.iter().chain(last) {
        for p in parts {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
    }
    for name in names {
        let (w, e) = (part_median(first, name), part_median(last, name));
        println!(
            "longrun:   {name:<16} anon {}, files {}, shmem {}; fds {} -> {}, threads {} -> {}",
            change(w.anon_kib, e.anon_kib),
            change(w.file_kib, e.file_kib),
            change(w.shmem_kib, e.shmem_kib),
            w.fds,
            e.fds,
            w.threads,
            e.threads,
        );
    }
}

/// A line a minute: where the memory is, over time.
fn print_minute(at: Duration, s: &Sample, parts: &[Part]) {
    let mib = |k: u64| k as f64 / 1024.0;
    let each: Vec<String> = parts
        .iter()
        .map(|p| {
            format!(
                "{} {:.0}/{:.0}/{:.0}",
                p.name,
                mib(p.anon_kib),
                mib(p.file_kib),
                mib(p.shmem_kib)
            )
        })
        .collect();
    println!(
        "longrun: at {:3.0} s PSS {:.1} MiB (anon/files/shmem MiB: {})",
        at.as_secs_f64(),
        mib(s.pss_kib),
        each.join(", ")
    );
}

/// `cargo xtask bench longrun`.
pub fn longrun(kiosk_bin: &Path, work: &Path) -> Result {
    let secs = 3 * 24 * 3600 / SPEED;
    let (_leader, feed, photos, start) = event_inputs(work, SPEED, secs + 60)?;
    let (up, stop) = (
        Arc::new(AtomicBool::new(true)),
        Arc::new(AtomicBool::new(false)),
    );
    let port = flapping_server(feed.clone(), up.clone(), stop.clone())?;
    let heard = notify_listener(&work.join("notify.sock"))?;
    let screen = screen(1920, 1080)?;
    let data = work.join("data");
    let home = work.join("home");
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let launch = || {
        spawn(
            Command::new(kiosk_bin)
                .args(["--kiosk", "--room", "Main hall", "--source"])
                .arg(&feed)
                .arg("--source")
                .arg(format!("http://127.0.0.1:{port}/feed.json"))
                .args(["--poll-interval", "1", "--photos"])
                .arg(&photos)
                .args(["--at", &start, "--speed", &SPEED.to_string(), "--data-dir"])
                .arg(&data)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", &home)
                .env("DISPLAY", screen.display())
                .env("NOTIFY_SOCKET", work.join("notify.sock"))
                .env("WATCHDOG_USEC", WATCHDOG.as_micros().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let mut app = launch()?;
    let mut launched = Instant::now();
    wait_for(Duration::from_secs(60), "READY=1", || {
        last(&heard, "READY=1", launched).is_some()
    })?;

    let started = Instant::now();
    let total = Duration::from_secs(secs);
    // Every sample from the end of the warm-up (the first fifth) on.
    let mut after: Vec<(Sample, Vec<Part>)> = Vec::new();
    let mut samples = 0;
    let (mut restarts, mut flaps, mut longest_gap) = (Vec::new(), 0, Duration::ZERO);
    let mut next_sample = started;
    while started.elapsed() < total {
        std::thread::sleep(Duration::from_millis(250));
        let up_now = (started.elapsed().as_secs() / FLAP.as_secs()).is_multiple_of(2);
        if up.swap(up_now, Ordering::Relaxed) != up_now {
            flaps += 1;
        }
        // The supervisor: systemd restarts a unit that exits or whose
        // pings stop for WatchdogSec.
        let ping = last(&heard, "WATCHDOG=1", launched)
            .or_else(|| last(&heard, "READY=1", launched))
            .unwrap_or(launched);
        longest_gap = longest_gap.max(ping.elapsed());
        let exited = app.exited();
        if exited.is_some() || ping.elapsed() > WATCHDOG {
            let why = match exited {
                Some(status) => format!("exited ({status})"),
                None => format!("no WATCHDOG=1 for {:?}", ping.elapsed()),
            };
            eprintln!(
                "longrun: restart at {:.0} s: {why}",
                started.elapsed().as_secs_f64()
            );
            restarts.push(why);
            drop(app);
            app = launch()?;
            launched = Instant::now();
            continue;
        }
        if Instant::now() >= next_sample {
            next_sample += SAMPLE_EVERY;
            let (s, parts) = sample(app.pid());
            samples += 1;
            if samples % WINDOW == 0 {
                print_minute(started.elapsed(), &s, &parts);
            }
            if started.elapsed() >= total / 5 {
                after.push((s, parts));
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let log = log_text(&data);
    let stored = log.matches("schedule stored").count();
    let pings = heard
        .lock()
        .map(|h| h.iter().filter(|(_, m)| m.contains("WATCHDOG=1")).count())
        .unwrap_or(0);
    drop(app);
    if after.len() < 2 * WINDOW {
        return Err(format!(
            "only {} samples after the warm-up; two minutes are needed",
            after.len()
        ));
    }
    println!(
        "longrun: 3 days at --speed {SPEED} ({secs} s), supervised (WatchdogSec={}), {samples} samples, \
         {flaps} flaps of the HTTP source ({} s up / {} s down), {stored} schedule revisions stored, \
         {pings} watchdog pings, longest gap between pings {:.1} s, restarts: {}",
        WATCHDOG.as_secs(),
        FLAP.as_secs(),
        FLAP.as_secs(),
        longest_gap.as_secs_f64(),
        restarts.len()
    );
    let (first, last_window) = (&after[..WINDOW], &after[after.len() - WINDOW..]);
    let growth = |a: u64, b: u64| (b as f64 / a.max(1) as f64 - 1.0) * 100.0;
    let mut grown = Vec::new();
    type Field = fn(&Sample) -> u64;
    let fields: [(&str, Field); 3] = [
        ("PSS (KiB)", |s| s.pss_kib),
        ("open fds", |s| s.fds),
        ("threads", |s| s.threads),
    ];
    for (what, field) in fields {
        let (w, e) = (
            median(first.iter().map(|x| field(&x.0))),
            median(last_window.iter().map(|x| field(&x.0))),
        );
        let (one_w, one_e) = (field(&after[0].0), field(&after[after.len() - 1].0));
        let peak = after.iter().map(|x| field(&x.0)).max().unwrap_or(0);
        println!(
            "longrun: {what}: median of the minute after the warm-up {w}, of the last minute {e} ({:+.1}%; goal within 5%); \
             single samples: {one_w} -> {one_e} ({:+.1}%), peak {peak} ({:+.1}%)",
            growth(w, e),
            growth(one_w, one_e),
            growth(w, peak)
        );
        if growth(w, e) > 5.0 {
            grown.push(what);
        }
    }
    println!(
        "longrun: by process, medians of the minute after the warm-up -> of the last minute (MiB):"
    );
    print_parts(first, last_window);
    if !restarts.is_empty() {
        return Err(format!(
            "the supervisor had to restart the kiosk: {restarts:?}"
        ));
    }
    if !grown.is_empty() {
        return Err(format!(
            "grew by more than 5 % after the warm-up: {grown:?}"
        ));
    }
    Ok(())
}
