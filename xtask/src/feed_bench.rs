//! The feed figures of `cargo xtask bench` (issue 11): one import reaching
//! 1,000 long-polling followers of the real leader (`summit-kiosk serve
//! --listen`), the leader's memory and threads while they are held, and the
//! same 1,000 polling a real nginx that serves `serve --write`'s file with
//! If-None-Match (what a 304 costs nginx per request). Followers behave as a
//! kiosk's sync thread does: a new connection per check, the token as a
//! bearer, one check per second at most (a held long-poll counts), back-off
//! on errors. Every step is bounded in seconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use kiosk_rig::Group;

use crate::Result;

pub(crate) const FOLLOWERS: usize = 1_000;
pub(crate) const TOKEN: &str = "bench-feed-token-0123456789";
const POLL: Duration = Duration::from_secs(1);
/// Long enough for every follower to have the change (or to show it did not).
const DEADLINE: Duration = Duration::from_secs(10);

/// What a follower does with the feed's address.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    /// The leader: bearer token, a held long-poll.
    Leader,
    /// nginx: a static file, polled with If-None-Match.
    Static,
}

struct Reply {
    status: u16,
    etag: Option<String>,
}

/// A request counted in `waiting` from when it is sent until its answer
/// starts: a long-poll the leader holds.
struct Waiting<'a>(&'a AtomicU64);

impl<'a> Waiting<'a> {
    fn start(count: &'a AtomicU64) -> Waiting<'a> {
        count.fetch_add(1, Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One GET, on a new connection: status and ETag, body read and dropped;
/// counted in `waiting` while it waits for its answer.
fn get(
    addr: SocketAddr,
    path: &str,
    mode: Mode,
    etag: Option<&str>,
    waiting: Option<&AtomicU64>,
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(15)))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n");
    if mode == Mode::Leader {
        request.push_str(&format!("Authorization: Bearer {TOKEN}\r\n"));
    }
    if let Some(tag) = etag {
        request.push_str(&format!("If-None-Match: {tag}\r\n"));
    }
    request.push_str("\r\n");
    s.write_all(request.as_bytes())?;
    let held = waiting.map(Waiting::start);
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    drop(held);
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {line:?}")))?;
    let (mut etag, mut length) = (None, 0usize);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.to_ascii_lowercase().as_str() {
            "etag" => etag = Some(value.trim().to_string()),
            "content-length" => length = value.trim().parse().unwrap_or(0),
            _ => {}
        }
    }
    std::io::copy(&mut reader.take(length as u64), &mut std::io::sink())?;
    Ok(Reply { status, etag })
}

/// The shared state of a run of followers.
pub(crate) struct Run {
    addr: SocketAddr,
    path: String,
    mode: Mode,
    /// Followers that have the first version and are polling.
    ready: AtomicU64,
    /// Followers that have had a 304 since: polling steadily.
    steady: AtomicU64,
    /// Requests sent and not answered yet (held by a long-polling leader).
    pub(crate) waiting: AtomicU64,
    /// When a follower got a new version (after its first).
    pub(crate) got: Mutex<Vec<SystemTime>>,
    requests: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) stop: AtomicBool,
}

fn follower(run: Arc<Run>) {
    let mut failures = 0u32;
    let mut have: Option<String> = None;
    let mut steady = false;
    while !run.stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        run.requests.fetch_add(1, Ordering::Relaxed);
        match get(
            run.addr,
            &run.path,
            run.mode,
            have.as_deref(),
            Some(&run.waiting),
        ) {
            Ok(r) if r.status == 200 || r.status == 304 => {
                failures = 0;
                if r.status == 304 && !steady {
                    steady = true;
                    run.steady.fetch_add(1, Ordering::Relaxed);
                }
                if r.status == 200 {
                    match &have {
                        None => {
                            run.ready.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(had) if r.etag.as_ref() != Some(had) => {
                            run.got.lock().unwrap().push(SystemTime::now());
                        }
                        Some(_) => {}
                    }
                    have = r.etag;
                }
                std::thread::sleep(POLL.saturating_sub(started.elapsed()));
            }
            _ => {
                run.errors.fetch_add(1, Ordering::Relaxed);
                failures += 1;
                // As the kiosk backs off: doubling from the poll interval.
                std::thread::sleep(POLL * (1 << failures.min(4)) / 2);
            }
        }
    }
}

/// Start `n` followers of `addr`; return once all have the first version.
pub(crate) fn start_followers(
    n: usize,
    addr: SocketAddr,
    path: &str,
    mode: Mode,
) -> Result<Arc<Run>> {
    let run = Arc::new(Run {
        addr,
        path: path.to_string(),
        mode,
        ready: AtomicU64::new(0),
        steady: AtomicU64::new(0),
        waiting: AtomicU64::new(0),
        got: Mutex::new(Vec::new()),
        requests: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    for _ in 0..n {
        let run = run.clone();
        std::thread::Builder::new()
            .stack_size(128 << 10)
            .spawn(move || follower(run))
            .map_err(|e| format!("a follower thread: {e}"))?;
    }
    run.until(Duration::from_secs(30), "followers to get the feed", |r| {
        r.ready.load(Ordering::Relaxed) >= n as u64
    })?;
    Ok(run)
}

impl Run {
    pub(crate) fn until(
        &self,
        limit: Duration,
        what: &str,
        ready: impl Fn(&Run) -> bool,
    ) -> Result {
        kiosk_rig::wait_until(limit, what, || ready(self))
            .map(drop)
            .map_err(|e| {
                format!(
                    "{e} ({} ready, {} steady, {} waiting)",
                    self.ready.load(Ordering::Relaxed),
                    self.steady.load(Ordering::Relaxed),
                    self.waiting.load(Ordering::Relaxed)
                )
            })
    }

    /// Wait (at most `DEADLINE`) until `n` followers got a new version.
    pub(crate) fn until_got(&self, n: usize) {
        let _ = kiosk_rig::poll_until(DEADLINE, Duration::from_millis(2), "", || {
            self.got.lock().unwrap().len() >= n
        });
    }
}

/// Milliseconds from `t0` to each follower's receipt: p50, p99, max, count.
pub(crate) fn spread(run: &Run, t0: SystemTime) -> (f64, f64, f64, usize) {
    let mut ms: Vec<f64> = run
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|t| t.duration_since(t0).unwrap_or_default().as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    (
        at(0.5),
        at(0.99),
        ms.last().copied().unwrap_or(f64::NAN),
        ms.len(),
    )
}

/// The demo with one title changed, imported into `data`; the instant the
/// import committed (the store's WAL written last).
pub(crate) fn import(kiosk: &Path, work: &Path, data: &Path, n: usize) -> Result<SystemTime> {
    let demo = std::fs::read_to_string(crate::root().join("assets/demo/dask-summit-2020.json"))
        .map_err(|e| e.to_string())?;
    let changed = demo.replacen(
        "Native Cloud Deployment with Dask-Cloudprovider",
        &format!("Native Cloud Deployment, change {n}"),
        1,
    );
    let file = work.join(format!("change-{n}.json"));
    std::fs::write(&file, changed).map_err(|e| e.to_string())?;
    let status = Command::new(kiosk)
        .arg("import")
        .arg(&file)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("import {n} failed"));
    }
    // With the leader's connection open the commit stays in the WAL; with
    // none (the first import) it went into the file itself.
    ["store.sqlite-wal", "store.sqlite"]
        .iter()
        .find_map(|f| {
            std::fs::metadata(data.join(f))
                .and_then(|m| m.modified())
                .ok()
        })
        .ok_or_else(|| format!("no store in {}", data.display()))
}

/// Start `cmd` quietly, in a process group stopped when dropped.
pub(crate) fn spawn(cmd: &mut Command) -> Result<Group> {
    Group::spawn(cmd.stdout(Stdio::null()).stderr(Stdio::null())).map_err(|e| e.to_string())
}

pub(crate) fn free_addr() -> Result<SocketAddr> {
    kiosk_rig::free_port()
        .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
        .map_err(|e| e.to_string())
}

pub(crate) fn wait_for(addr: SocketAddr, path: &str, mode: Mode, what: &str) -> Result {
    kiosk_rig::wait_until(
        Duration::from_secs(30),
        &format!("{what} to serve {path}"),
        || get(addr, path, mode, None, None).is_ok_and(|r| r.status == 200),
    )
    .map(drop)
    .map_err(|e| e.to_string())
}

/// Seconds of CPU (user + system) a process has used.
pub(crate) fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

pub(crate) fn status_field(pid: u32, field: &str) -> u64 {
    kiosk_rig::process::proc_field(pid, "status", field).unwrap_or(0)
}

/// Let this process open a socket per follower.
pub(crate) fn raise_file_limit() -> Result {
    let out = Command::new("sh")
        .args(["-c", "ulimit -Hn"])
        .output()
        .map_err(|e| e.to_string())?;
    let hard: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    if hard < 4 * FOLLOWERS as u64 {
        return Err(format!(
            "the open-file hard limit is {hard}; the feed bench needs {}",
            4 * FOLLOWERS
        ));
    }
    // No libc in xtask: ask the kernel through prlimit on our own pid.
    let status = Command::new("prlimit")
        .args([
            "--pid",
            &std::process::id().to_string(),
            &format!("--nofile={hard}:{hard}"),
        ])
        .status()
        .map_err(|e| format!("prlimit: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| "prlimit failed".into())
}

/// The follower token in a private file, as `serve --token-file` wants it.
fn token_file(work: &Path) -> Result<PathBuf> {
    let token = work.join("token");
    std::fs::write(&token, TOKEN).map_err(|e| e.to_string())?;
    Command::new("chmod")
        .arg("600")
        .arg(&token)
        .status()
        .map_err(|e| e.to_string())?;
    Ok(token)
}

pub fn bench(kiosk: &Path) -> Result {
    raise_file_limit()?;
    let work = std::env::temp_dir().join(format!("summit-kiosk-feed-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = run(kiosk, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A leader (`serve --listen` with the token, and `more`) on the demo
/// imported into `data`, serving its feed; where it listens and the token's file.
pub(crate) fn leader(
    kiosk: &Path,
    work: &Path,
    data: &Path,
    more: &[&str],
) -> Result<(Group, SocketAddr, PathBuf)> {
    import(kiosk, work, data, 0)?;
    let token = token_file(work)?;
    let addr = free_addr()?;
    let leader = spawn(
        Command::new(kiosk)
            .args(["serve", "--listen", &addr.to_string(), "--token-file"])
            .arg(&token)
            .arg("--data-dir")
            .arg(data)
            .args(more),
    )?;
    wait_for(addr, "/feed.json", Mode::Leader, "the leader")?;
    Ok((leader, addr, token))
}

fn run(kiosk: &Path, work: &Path) -> Result {
    let data = work.join("leader");
    let (leader, addr, _) = self::leader(kiosk, work, &data, &[])?;
    let pid = leader.pid();

    // One follower, twenty changes: what a single screen sees.
    let one = start_followers(1, addr, "/feed.json", Mode::Leader)?;
    let mut single = Vec::new();
    for n in 1..=20 {
        // Changes apart, as an organizer makes them: each once the follower
        // (one check a second) is waiting on the leader again.
        one.until(Duration::from_secs(10), "the follower to ask again", |r| {
            r.waiting.load(Ordering::Relaxed) == 1
        })?;
        let before = one.got.lock().unwrap().len();
        let t0 = import(kiosk, work, &data, 100 + n)?;
        one.until_got(before + 1);
        if let Some(at) = one.got.lock().unwrap().get(before) {
            single.push(at.duration_since(t0).unwrap_or_default().as_secs_f64() * 1000.0);
        }
    }
    one.stop.store(true, Ordering::Relaxed);
    single.sort_by(f64::total_cmp);

    // A thousand followers, one change.
    let run = start_followers(FOLLOWERS, addr, "/feed.json", Mode::Leader)?;
    // Every follower held (they re-ask at once after a held 304).
    run.until(Duration::from_secs(30), "every follower held", |r| {
        r.waiting.load(Ordering::Relaxed) == FOLLOWERS as u64
    })?;
    let (rss, threads) = (status_field(pid, "VmRSS"), status_field(pid, "Threads"));
    let cpu_before = cpu_secs(pid);
    let held_since = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    let held_cpu = cpu_secs(pid) - cpu_before;
    let held_for = held_since.elapsed().as_secs_f64();
    let t0 = import(kiosk, work, &data, 1)?;
    run.until_got(FOLLOWERS);
    let (p50, p99, max, got) = spread(&run, t0);
    let errors = run.errors.load(Ordering::Relaxed);
    run.stop.store(true, Ordering::Relaxed);
    drop(leader);

    println!("feed: issue 11's \"before\" (tiny_http, 64 at a time): 50 followers all had a change in 280 ms; 200: 77 had it after 10 s; 1,000: 139 after 10 s; one follower: 180 ms (p50 of 20)");
    println!(
        "feed: one follower, {} of 20 changes seen: p50 {:.0} ms, max {:.0} ms from the import's commit",
        single.len(),
        single.get(single.len() / 2).copied().unwrap_or(f64::NAN),
        single.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "feed: 1,000 long-polling followers of `serve --listen`, one change: {got} had it; p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms after the commit (goal p99 <= 1000 ms); {errors} failed requests"
    );
    println!(
        "feed: the leader while 1,000 are held: RSS {:.1} MiB, {threads} threads, CPU {:.1} ms per second",
        rss as f64 / 1024.0,
        held_cpu * 1000.0 / held_for
    );
    nginx(kiosk, work, &data)
}

/// The same 1,000 against nginx serving `serve --write`'s file.
fn nginx(kiosk: &Path, work: &Path, data: &Path) -> Result {
    let www = work.join("www");
    std::fs::create_dir_all(&www).map_err(|e| e.to_string())?;
    let writer = spawn(
        Command::new(kiosk)
            .args(["serve", "--write"])
            .arg(www.join("feed.json"))
            .arg("--data-dir")
            .arg(data),
    )?;
    let addr = free_addr()?;
    let conf = nginx_conf(work, &www, addr)?;
    let server = spawn(
        Command::new("nginx")
            .arg("-p")
            .arg(work)
            .arg("-c")
            .arg(&conf),
    )?;
    wait_for(addr, "/feed.json", Mode::Static, "nginx")?;
    let workers = kiosk_rig::process::descendants(server.pid());
    let run = start_followers(FOLLOWERS, addr, "/feed.json", Mode::Static)?;
    run.until(Duration::from_secs(30), "every follower polling", |r| {
        r.steady.load(Ordering::Relaxed) == FOLLOWERS as u64
    })?;
    let cpu = || workers.iter().map(|p| cpu_secs(*p)).sum::<f64>();
    let (cpu_before, requests_before) = (cpu(), run.requests.load(Ordering::Relaxed));
    let measured_since = Instant::now();
    let mut rtt = Vec::new();
    while measured_since.elapsed() < Duration::from_secs(5) {
        let tag = get(addr, "/feed.json", Mode::Static, None, None)
            .ok()
            .and_then(|r| r.etag);
        let since = Instant::now();
        if get(addr, "/feed.json", Mode::Static, tag.as_deref(), None)
            .is_ok_and(|r| r.status == 304)
        {
            rtt.push(since.elapsed().as_secs_f64() * 1e6);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let requests = run.requests.load(Ordering::Relaxed) - requests_before;
    let cpu_per_request = (cpu() - cpu_before) / requests.max(1) as f64;
    rtt.sort_by(f64::total_cmp);
    let t0 = import(kiosk, work, data, 2)?;
    run.until_got(FOLLOWERS);
    let (p50, p99, max, got) = spread(&run, t0);
    run.stop.store(true, Ordering::Relaxed);
    drop((server, writer));
    println!(
        "feed: 1,000 followers polling nginx (serve --write, If-None-Match, 1 s): {requests} requests in 5 s, nginx CPU {:.1} µs per request (mostly 304), a 304's round trip p50 {:.0} µs, p99 {:.0} µs",
        cpu_per_request * 1e6,
        rtt.get(rtt.len() / 2).copied().unwrap_or(f64::NAN),
        rtt.get(rtt.len() * 99 / 100).copied().unwrap_or(f64::NAN)
    );
    println!(
        "feed: through nginx, one change: {got} had it; p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms after the commit (polling every second)"
    );
    Ok(())
}

fn nginx_conf(work: &Path, www: &Path, addr: SocketAddr) -> Result<PathBuf> {
    let conf = work.join("nginx.conf");
    let text = format!(
        "daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {work}/tmp;\n  proxy_temp_path {work}/tmp;\n  \
         fastcgi_temp_path {work}/tmp;\n  uwsgi_temp_path {work}/tmp;\n  scgi_temp_path {work}/tmp;\n  \
         types {{ application/json json; }}\n  \
         server {{\n    listen {addr};\n    root {www};\n    etag on;\n    \
         location / {{ add_header Cache-Control no-cache; }}\n  }}\n}}\n",
        work = work.display(),
        www = www.display(),
    );
    std::fs::create_dir_all(work.join("tmp")).map_err(|e| e.to_string())?;
    std::fs::write(&conf, text).map_err(|e| e.to_string())?;
    Ok(conf)
}
