//! The display's figures for `cargo xtask bench`, as shipped (no
//! environment variable set for the kiosk): memory at 1080p and 4K against
//! Chromium `--kiosk` on an equivalent static page on the same virtual
//! screen, where the main process's memory goes, start-up to the first
//! rendered snapshot, the 5,000-photo soak and a 3-day event at --speed 600
//! with delays and announcements.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) use kiosk_rig::kiosk_log as log_text;
use kiosk_rig::process::{pss_kib, pss_tree_kib, tree};
use kiosk_rig::{Group, Screen, FIRST_RENDER_LOG as RENDERED};

use crate::Result;

/// How long a display runs before its memory is read.
const SETTLE: Duration = Duration::from_secs(60);
/// Start-ups timed; the first (cold caches) is left out of the median.
const STARTS: usize = 6;

pub(crate) fn spawn(cmd: &mut Command) -> Result<Group> {
    Group::spawn(cmd).map_err(|e| e.to_string())
}

pub(crate) fn screen(width: u32, height: u32) -> Result<Screen> {
    Screen::start(width, height).map_err(|e| e.to_string())
}

/// The kiosk on `screen`, as shipped: a fresh data folder and HOME, no
/// config, no WebKit variables.
fn kiosk(binary: &Path, screen: &Screen, work: &Path, args: &[&str]) -> Result<Group> {
    let home = work.join("home");
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    spawn(
        Command::new(binary)
            .args(args)
            .arg("--data-dir")
            .arg(work.join("data"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("DISPLAY", screen.display())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

pub(crate) fn wait_for(
    limit: Duration,
    what: &str,
    ready: impl FnMut() -> bool,
) -> Result<Duration> {
    kiosk_rig::wait_until(limit, what, ready).map_err(|e| e.to_string())
}

/// [`wait_for`], looking every 5 ms: start-up is timed with it.
fn time_until(limit: Duration, what: &str, ready: impl FnMut() -> bool) -> Result<Duration> {
    kiosk_rig::poll_until(limit, Duration::from_millis(5), what, ready).map_err(|e| e.to_string())
}

/// PSS (MiB) of each process of a tree, by name, and the total.
fn pss_by_process(root: u32) -> (Vec<(String, f64)>, f64) {
    let mut parts = Vec::new();
    for pid in tree(root) {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if let Some(kib) = pss_kib(pid) {
            parts.push((name.trim().to_string(), kib as f64 / 1024.0));
        }
    }
    let total = parts.iter().map(|p| p.1).sum();
    (parts, total)
}

fn describe(parts: &[(String, f64)]) -> String {
    let mut merged: Vec<(String, f64, usize)> = Vec::new();
    for (name, mib) in parts {
        match merged.iter_mut().find(|m| &m.0 == name) {
            Some(m) => {
                m.1 += mib;
                m.2 += 1;
            }
            None => merged.push((name.clone(), *mib, 1)),
        }
    }
    merged.sort_by(|a, b| b.1.partial_cmp(&a.1).expect("no NaN"));
    merged
        .iter()
        .map(|(n, m, c)| match c {
            1 => format!("{n} {m:.0}"),
            _ => format!("{n} ×{c} {m:.0}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a process's PSS goes, by kind of mapping (from /proc/PID/smaps).
fn breakdown(pid: u32) -> Vec<(&'static str, f64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
    let mut kinds: Vec<(&'static str, f64)> = Vec::new();
    let mut current = "";
    for line in text.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let perms = fields.get(1).copied().unwrap_or("");
            let path = fields.get(5..).map(|p| p.join(" ")).unwrap_or_default();
            current = match path.as_str() {
                "" => "anonymous: malloc arenas, thread stacks, GTK/WebKit data",
                "[heap]" => "[heap]: the main malloc arena",
                "[stack]" => "main thread's stack",
                p if p.starts_with('[') => "kernel ([vdso], …)",
                p if p.starts_with("/memfd:")
                    || p.starts_with("/dev/shm")
                    || p.starts_with("/SYSV") =>
                {
                    "shared memory: painted buffers of the page and window (X SHM, memfd)"
                }
                p if Path::new(p) == exe => "summit-kiosk's own code and data",
                p if p.contains("/photos/renditions/") => "mapped photo renditions",
                p if p.contains(".so") && perms.contains('x') => "shared libraries: code",
                p if p.contains(".so") => "shared libraries: data and relocations",
                p if p.contains("/fonts/") || p.ends_with(".ttf") || p.ends_with(".otf") => "fonts",
                _ => "other mapped files (caches, locales, icons)",
            };
        } else if let Some(v) = line.strip_prefix("Pss:") {
            let kib: f64 = v
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0.0);
            match kinds.iter_mut().find(|k| k.0 == current) {
                Some(k) => k.1 += kib / 1024.0,
                None => kinds.push((current, kib / 1024.0)),
            }
        }
    }
    kinds.sort_by(|a, b| b.1.partial_cmp(&a.1).expect("no NaN"));
    kinds
}

/// The static page Chromium shows: the display's own markup and style,
/// filled with the demo's room screen as the kiosk shows it at start, and
/// two 1920 renditions crossfading beside it every 8 s (1 s fade), as the
/// wall does. Served from a file: nothing goes over a network.
fn chromium_page(kiosk: &Path, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let ui = crate::root().join("ui");
    std::fs::copy(ui.join("display.css"), dir.join("display.css")).map_err(|e| e.to_string())?;
    let worker = kiosk.with_file_name("summit-kiosk-photo-worker");
    for (i, name) in ["evening-glow.jpg", "mountain.jpg"].iter().enumerate() {
        let mut source = crate::root().join("assets/demo/photos").join(name);
        if !source.is_file() {
            source = first_demo_photo(i)?;
        }
        crate::run(
            Command::new(&worker)
                .arg("--input")
                .arg(&source)
                .args(["--long-edge", "1920", "--output"])
                .arg(dir.join(format!("photo-{i}.jpg")))
                .stdout(Stdio::null()),
        )?;
    }
    let markup = std::fs::read_to_string(ui.join("index.html")).map_err(|e| e.to_string())?;
    let script = r#"<script>
const $ = (s) => document.querySelector(s);
const app = $('#app');
app.dataset.state = 'ready'; app.dataset.wall = 'side';
$('#splash').hidden = true; $('#room-view').hidden = false; $('#wall').hidden = false;
$('#place').textContent = 'Main hall';
$('#event').textContent = 'Wednesday 26 February · Dask Summit 2020';
$('#hero-label').textContent = 'Now'; $('#hero-time').textContent = '10:15–10:30';
const title = $('#now-title'); title.classList.add('len-m');
title.textContent = 'Dask at the Department of Energy: scaling out scientific workflows';
$('#now-speakers').textContent = 'Anderson Banihirwe, Matthew Rocklin';
$('#progress').hidden = false; $('#progress .left').textContent = '9 min left';
for (const [id, time, t, who] of [['#next', '10:30', 'Dask-ML and the scikit-learn ecosystem', 'Tom Augspurger'],
    ['#after', '10:45', 'Coffee break', '']]) {
  const card = $(id); card.hidden = false;
  card.querySelector('.time').textContent = time;
  card.querySelector('.card-title').textContent = t;
  card.querySelector('.speakers').textContent = who;
}
const clock = () => { $('#clock').textContent = new Date().toTimeString().slice(0, 5);
  $('#progress .fill').style.width = `${(Date.now() / 1000) % 100}%`; };
clock(); setInterval(clock, 1000);
const imgs = [...document.querySelectorAll('#wall img.photo')];
let front = 0; imgs[0].src = 'photo-0.jpg'; imgs[0].classList.add('shown');
setInterval(async () => {
  const back = imgs[1 - front]; back.src = `photo-${1 - front}.jpg`;
  await back.decode().catch(() => {});
  back.classList.add('shown'); imgs[front].classList.remove('shown'); front = 1 - front;
}, 8000);
</script>"#;
    let page = markup
        .replace(r#"<script type="module" src="display.js"></script>"#, "") // the app's script needs the shell
        .replace("</body>", &format!("{script}\n</body>"));
    let path = dir.join("room.html");
    std::fs::write(&path, page).map_err(|e| e.to_string())?;
    Ok(path)
}

fn first_demo_photo(i: usize) -> Result<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(crate::root().join("assets/demo/photos"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    all.sort();
    all.get(i).cloned().ok_or("no demo photos".into())
}

/// Chromium in kiosk mode on `page`, kept off the network, with a fresh profile.
fn chromium(screen: &Screen, page: &Path, profile: &Path) -> Result<Group> {
    spawn(
        Command::new("chromium")
            .args([
                "--kiosk",
                "--no-sandbox",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--disable-features=Translate,MediaRouter",
                "--password-store=basic",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("file://{}", page.display()))
            .env("DISPLAY", screen.display())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

/// Memory at 1080p and 4K against Chromium, the main process's breakdown,
/// and start-up.
pub fn memory(kiosk_bin: &Path, work: &Path) -> Result {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let page = chromium_page(kiosk_bin, &work.join("page"))?;
    for (w, h, goal) in [(1920u32, 1080u32, 205.0), (3840, 2160, 300.0)] {
        let screen = screen(w, h)?;
        let run = work.join(format!("kiosk-{w}"));
        let app = kiosk(kiosk_bin, &screen, &run, &["--demo", "--kiosk"])?;
        let data = run.join("data");
        wait_for(Duration::from_secs(60), "the kiosk's first render", || {
            log_text(&data).contains(RENDERED)
        })?;
        std::thread::sleep(SETTLE);
        let (parts, ours) = pss_by_process(app.pid());
        let main = breakdown(app.pid());
        let engine = log_text(&data)
            .lines()
            .find(|l| l.contains("web engine:"))
            .map(|l| {
                l.split("web engine:")
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        drop(app);
        let browser = chromium(&screen, &page, &work.join(format!("chromium-{w}")))?;
        std::thread::sleep(SETTLE);
        let (cparts, theirs) = pss_by_process(browser.pid());
        drop(browser);
        println!("memory: {w}x{h}, 60 s after start, PSS of each process tree:");
        println!(
            "memory:   summit-kiosk --demo --kiosk {ours:.1} MiB ({})",
            describe(&parts)
        );
        println!("memory:   web engine as chosen by the kiosk: {engine}");
        println!(
            "memory:   chromium --kiosk, equivalent page {theirs:.1} MiB ({})",
            describe(&cparts)
        );
        println!(
            "memory:   ratio {:.2} (goal <= 0.50); {ours:.1} MiB against {goal:.0} MiB ({})",
            ours / theirs,
            if ours <= goal { "met" } else { "NOT met" }
        );
        let total: f64 = main.iter().map(|k| k.1).sum();
        println!("memory:   where the kiosk's main process's {total:.1} MiB go:");
        for (kind, mib) in &main {
            println!("memory:     {mib:6.1} MiB  {kind}");
        }
        if w == 1920 {
            startup(kiosk_bin, &screen, work)?;
        }
    }
    Ok(())
}

/// Launch → first rendered snapshot (the page reports its first paint),
/// timed from outside: [`STARTS`] launches, the first left out (cold).
fn startup(kiosk_bin: &Path, screen: &Screen, work: &Path) -> Result {
    let mut times = Vec::new();
    let mut inside = Vec::new();
    for i in 0..STARTS {
        let run = work.join(format!("start-{i}"));
        let data = run.join("data");
        let started = Instant::now();
        let app = kiosk(kiosk_bin, screen, &run, &["--demo", "--kiosk"])?;
        time_until(Duration::from_secs(60), "the first render", || {
            log_text(&data).contains(RENDERED)
        })?;
        // From before the spawn: launching is part of starting.
        let took = started.elapsed();
        let ms = log_text(&data)
            .lines()
            .find(|l| l.contains(RENDERED))
            .and_then(|l| l.split("since_start_ms=").nth(1))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok());
        drop(app);
        if i > 0 {
            times.push(took.as_secs_f64() * 1000.0);
            inside.extend(ms);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    inside.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let median = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "startup: launch to first rendered snapshot at 1920x1080, warm, median of {}: {:.0} ms from outside (min {:.0}, max {:.0}), {:.0} ms from main() (goal <= 300 ms: {})",
        times.len(),
        median(&times),
        times.first().copied().unwrap_or(f64::NAN),
        times.last().copied().unwrap_or(f64::NAN),
        median(&inside),
        if median(&times) <= 300.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

/// Photo changes the wall made, from the log: a change is a request for
/// another rendition than the last one.
fn photo_changes(data: &Path) -> u64 {
    let mut changes = 0;
    let mut last = String::new();
    for line in log_text(data)
        .lines()
        .filter(|l| l.contains("photo served"))
    {
        let name = line
            .split("name=")
            .nth(1)
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("");
        if name != last {
            changes += 1;
            last = name.to_string();
        }
    }
    changes
}

/// The wall's 5,000 changes at 1080p: PSS after a 200-change warm-up and at the end.
pub fn soak(kiosk_bin: &Path, work: &Path, changes: u64) -> Result {
    let folder = work.join("photos");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(crate::root().join("assets/demo/photos"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    sources.sort();
    // 48 distinct photos: the demo's six, eight copies each.
    for (i, source) in sources.iter().enumerate() {
        crate::photo_bench::distinct_copies(source, &folder.join(format!("set-{i}")), 8)?;
    }
    let screen = screen(1920, 1080)?;
    let speed = "20";
    let folder_arg = folder.display().to_string();
    let app = kiosk(
        kiosk_bin,
        &screen,
        work,
        &[
            "--demo",
            "--kiosk",
            "--photo-interval",
            "2",
            "--speed",
            speed,
            "--photos",
            &folder_arg,
            "--log-level",
            "info,summit_kiosk::photos=debug",
        ],
    )?;
    let data = work.join("data");
    let started = Instant::now();
    let wait = |n: u64, limit: Duration| {
        wait_for(limit, &format!("{n} photo changes"), || {
            photo_changes(&data) >= n
        })
    };
    wait(200, Duration::from_secs(300))?;
    let early = pss_tree_kib(app.pid());
    let early_at = started.elapsed();
    let mut peak = early;
    let limit = Duration::from_secs(3600);
    while photo_changes(&data) < changes {
        if started.elapsed() > limit {
            return Err(format!(
                "only {} photo changes after an hour",
                photo_changes(&data)
            ));
        }
        peak = peak.max(pss_tree_kib(app.pid()));
        std::thread::sleep(Duration::from_secs(2));
    }
    let late = pss_tree_kib(app.pid());
    let secs = (started.elapsed() - early_at).as_secs_f64();
    println!(
        "soak: {changes} photo changes at 1920x1080 (--speed {speed}, 2 s interval): PSS after 200 {:.1} MiB, at the end {:.1} MiB ({:+.1}%, goal within 5%), peak {:.1} MiB; {:.1} changes/s",
        early as f64 / 1024.0,
        late as f64 / 1024.0,
        (late as f64 / early as f64 - 1.0) * 100.0,
        peak as f64 / 1024.0,
        (changes - 200) as f64 / secs
    );
    Ok(())
}

/// The demo's three days at --speed 600 (about 7 minutes), following a
/// feed that adds a delay and an announcement every 15 s, with the photo
/// wall: PSS after the first fifth (warm-up) against the end and the peak.
pub fn event(kiosk_bin: &Path, work: &Path) -> Result {
    let speed = 600.0;
    let secs = (3.0 * 24.0 * 3600.0 / speed) as u64;
    let (leader, feed, photos, start) = event_inputs(work, speed as u64, secs + 30)?;
    let screen = screen(1920, 1080)?;
    let (feed_arg, photos_arg) = (feed.display().to_string(), photos.display().to_string());
    let app = kiosk(
        kiosk_bin,
        &screen,
        work,
        &[
            "--kiosk",
            "--room",
            "Main hall",
            "--source",
            &feed_arg,
            "--poll-interval",
            "1",
            "--photos",
            &photos_arg,
            "--at",
            &start,
            "--speed",
            "600",
        ],
    )?;
    let data = work.join("data");
    wait_for(Duration::from_secs(60), "the kiosk's first render", || {
        log_text(&data).contains(RENDERED)
    })?;
    let started = Instant::now();
    let total = Duration::from_secs(secs);
    let (mut warm, mut peak, mut samples) = (None, 0u64, 0);
    while started.elapsed() < total {
        std::thread::sleep(Duration::from_secs(5));
        let pss = pss_tree_kib(app.pid());
        samples += 1;
        if started.elapsed() >= total / 5 && warm.is_none() {
            warm = Some(pss);
        }
        if warm.is_some() {
            peak = peak.max(pss);
        }
    }
    let end = pss_tree_kib(app.pid());
    let applied = log_text(&data).matches("schedule stored").count();
    drop(app);
    drop(leader);
    let warm = warm.ok_or("no warm-up sample")?;
    let growth = |x: u64| (x as f64 / warm as f64 - 1.0) * 100.0;
    println!(
        "event: 3 days at --speed 600 ({} s, {samples} samples, {applied} schedule revisions stored from the feed): PSS after warm-up {:.1} MiB, at the end {:.1} MiB ({:+.1}%), peak {:.1} MiB ({:+.1}%; goal within 5%)",
        secs,
        warm as f64 / 1024.0,
        end as f64 / 1024.0,
        growth(end),
        peak as f64 / 1024.0,
        growth(peak)
    );
    Ok(())
}

/// The event's inputs, shared with `longrun`: the feed a leader writes
/// (a delay and an announcement every 15 s, for `run_secs`), started now at
/// `speed`, and 12 distinct photos. (leader, feed file, photo folder, start)
pub(crate) fn event_inputs(
    work: &Path,
    speed: u64,
    run_secs: u64,
) -> Result<(Group, PathBuf, PathBuf, String)> {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let feed = work.join("feed.json");
    let start = now_rfc3339()?;
    let leader = spawn(
        crate::cargo()
            .args(["run", "--quiet", "--release", "-p", "kiosk-core"])
            .args(["--example", "event_feed", "--"])
            .arg(&feed)
            .args([&start, &speed.to_string(), &run_secs.to_string()])
            .stdout(Stdio::null()),
    )?;
    wait_for(Duration::from_secs(600), "the event's feed", || {
        feed.is_file()
    })?;
    let photos = work.join("photos");
    for i in 0..3 {
        crate::photo_bench::distinct_copies(
            &first_demo_photo(i)?,
            &photos.join(format!("set-{i}")),
            4,
        )?;
    }
    Ok((leader, feed, photos, start))
}

fn now_rfc3339() -> Result<String> {
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map_err(|e| format!("date: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
