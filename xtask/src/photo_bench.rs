//! The photo figures of `cargo xtask bench`: `summit-kiosk photo render` on a
//! 24-megapixel JPEG against `vipsthumbnail` (libvips) run in the same
//! command, one file at a time and as a batch of 100 on this machine's cores;
//! and the wall's memory over 5,000 photo changes under Xvfb.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// Runs per figure; the median is printed.
const RUNS: usize = 5;
const BATCH: usize = 100;

/// Peak memory of `pid` and its descendants: the largest sum of their
/// proportional set sizes (PSS) seen while polling. PSS splits pages shared
/// between processes (a forked worker shares its parent's), so the sum is
/// what the tree really holds; the largest single process's peak resident
/// size (VmHWM, what `/usr/bin/time` reports) is kept too.
struct TreePeak {
    pss_kib: u64,
    hwm_kib: u64,
}

impl TreePeak {
    fn new() -> TreePeak {
        TreePeak {
            pss_kib: 0,
            hwm_kib: 0,
        }
    }

    fn poll(&mut self, root: u32) {
        let tree = crate::process_tree(root);
        for pid in &tree {
            let hwm = crate::proc_kib(&format!("/proc/{pid}/status"), "VmHWM:");
            self.hwm_kib = self.hwm_kib.max(hwm.unwrap_or(0));
        }
        self.pss_kib = self.pss_kib.max(crate::pss_tree_kib(root));
    }
}

/// Run a command to its end: wall time, and the peak PSS of its process
/// tree and the peak RSS of its largest process (KiB).
fn measure(cmd: &mut Command) -> Result<(Duration, u64, u64)> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut peak = TreePeak::new();
    let status = loop {
        peak.poll(child.id());
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let elapsed = started.elapsed();
    if !status.success() {
        let mut err = String::new();
        use std::io::Read;
        let _ = child.stderr.take().map(|mut s| s.read_to_string(&mut err));
        return Err(format!("{cmd:?} failed ({status}): {err}"));
    }
    Ok((elapsed, peak.pss_kib, peak.hwm_kib))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    xs[xs.len() / 2]
}

/// A camera-like 24-megapixel JPEG (6000 × 4000, quality 92, with noise so
/// it compresses like a sensor's file), made from a demo photo.
fn make_24mp(dir: &Path) -> Result<PathBuf> {
    let out = dir.join("photo-24mp.jpg");
    let source = crate::root().join("assets/demo/photos/evening-glow.jpg");
    crate::run(
        Command::new("convert")
            .arg(&source)
            .args([
                "-resize",
                "6400x4000",
                "-gravity",
                "center",
                "-extent",
                "6000x4000",
                "-attenuate",
                "0.4",
                "+noise",
                "Gaussian",
                "-quality",
                "92",
            ])
            .arg(&out),
    )?;
    Ok(out)
}

/// `count` copies of a JPEG that differ only in a comment segment: the same
/// work to decode, a different content hash each.
fn distinct_copies(jpeg: &Path, dir: &Path, count: usize) -> Result<Vec<PathBuf>> {
    let bytes = std::fs::read(jpeg).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    (0..count)
        .map(|i| {
            let comment = format!("summit-kiosk bench copy {i}");
            let len = (comment.len() + 2) as u16;
            let mut out = Vec::with_capacity(bytes.len() + 64);
            out.extend_from_slice(&bytes[..2]);
            out.extend_from_slice(&[0xFF, 0xFE]);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(comment.as_bytes());
            out.extend_from_slice(&bytes[2..]);
            let path = dir.join(format!("photo-{i:03}.jpg"));
            std::fs::write(&path, out).map_err(|e| e.to_string())?;
            Ok(path)
        })
        .collect()
}

/// Run `jobs` commands, `parallel` at a time; the wall time of all.
fn run_parallel(mut jobs: Vec<Command>, parallel: usize) -> Result<Duration> {
    let started = Instant::now();
    let mut running: Vec<Child> = Vec::new();
    jobs.reverse();
    while !jobs.is_empty() || !running.is_empty() {
        while running.len() < parallel {
            let Some(mut cmd) = jobs.pop() else { break };
            running.push(
                cmd.stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|e| e.to_string())?,
            );
        }
        let mut i = 0;
        while i < running.len() {
            if let Some(status) = running[i].try_wait().map_err(|e| e.to_string())? {
                if !status.success() {
                    return Err(format!("a batch job failed ({status})"));
                }
                let _ = running.remove(i).wait();
            } else {
                i += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(started.elapsed())
}

pub fn bench(kiosk: &Path, work: &Path) -> Result {
    let photo = make_24mp(work)?;
    let size = std::fs::metadata(&photo).map_err(|e| e.to_string())?.len();
    println!(
        "photos: input {} (6000 × 4000, {:.1} MB); median of {RUNS} runs each",
        photo.display(),
        size as f64 / 1e6
    );
    for edge in [1920u32, 3840] {
        let (mut ours_t, mut ours_m, mut vips_t, mut vips_m) = (vec![], vec![], vec![], vec![]);
        let (mut ours_r, mut vips_r) = (vec![], vec![]);
        for run in 0..RUNS {
            let out = work.join(format!("ours-{edge}-{run}.jpg"));
            let (t, m, r) = measure(
                Command::new(kiosk)
                    .args(["photo", "render"])
                    .arg(&photo)
                    .arg("-o")
                    .arg(&out)
                    .args(["--long-edge", &edge.to_string()])
                    .env("XDG_CONFIG_HOME", work),
            )?;
            ours_t.push(t.as_secs_f64() * 1000.0);
            ours_m.push(m as f64 / 1024.0);
            ours_r.push(r as f64 / 1024.0);
            let out = work.join(format!("vips-{edge}-{run}.jpg"));
            let (t, m, r) = measure(
                Command::new("vipsthumbnail")
                    .arg(&photo)
                    .args(["-s", &edge.to_string(), "-o"])
                    .arg(&out),
            )?;
            vips_t.push(t.as_secs_f64() * 1000.0);
            vips_m.push(m as f64 / 1024.0);
            vips_r.push(r as f64 / 1024.0);
        }
        let (ot, om, vt, vm) = (
            median(ours_t),
            median(ours_m),
            median(vips_t),
            median(vips_m),
        );
        println!(
            "photos: one file, long edge {edge}: summit-kiosk photo render {ot:.0} ms, peak {om:.1} MiB (CLI + worker); vipsthumbnail {vt:.0} ms, peak {vm:.1} MiB"
        );
        println!(
            "photos: one file, long edge {edge}: time ratio {:.2} (target <= 1.0), memory ratio {:.2} (target <= 1.5)",
            ot / vt,
            om / vm
        );
    }

    // Batch: 100 distinct 24 MP photos, both sides using this machine's cores.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let copies = distinct_copies(&photo, &work.join("batch"), BATCH)?;
    for edges in [vec![1920u32], vec![1920, 3840]] {
        let data = work.join(format!("batch-data-{}", edges.len()));
        let _ = std::fs::remove_dir_all(&data);
        let config = work.join(format!("batch-{}.toml", edges.len()));
        let list: Vec<String> = edges.iter().map(|e| e.to_string()).collect();
        std::fs::write(
            &config,
            format!("photo_long_edges = [{}]\n", list.join(", ")),
        )
        .map_err(|e| e.to_string())?;
        let started = Instant::now();
        crate::run(
            Command::new(kiosk)
                .args(["photos", "ingest"])
                .arg(work.join("batch"))
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .stdout(Stdio::null()),
        )?;
        let ours = started.elapsed();
        let vips_out = work.join("vips-batch");
        std::fs::create_dir_all(&vips_out).map_err(|e| e.to_string())?;
        let vips_out = &vips_out;
        let jobs: Vec<Command> = copies
            .iter()
            .flat_map(|p| {
                edges.iter().map(move |edge| {
                    let mut cmd = Command::new("vipsthumbnail");
                    cmd.arg(p)
                        .args(["-s", &edge.to_string(), "-o"])
                        .arg(vips_out.join(format!("%s-{edge}.jpg")));
                    cmd
                })
            })
            .collect();
        let vips = run_parallel(jobs, cores)?;
        let rate = |d: Duration| BATCH as f64 / d.as_secs_f64();
        println!(
            "photos: batch of {BATCH}, long edges {list:?}: summit-kiosk photos ingest {:.2} photos/s ({:.1} s, {cores} workers); vipsthumbnail {cores} at a time {:.2} photos/s ({:.1} s); throughput ratio {:.2} (target >= 1.0)",
            rate(ours),
            ours.as_secs_f64(),
            rate(vips),
            vips.as_secs_f64(),
            rate(ours) / rate(vips)
        );
    }
    Ok(())
}

/// Start the kiosk on a wall of `photos` and let it run `changes` photo
/// changes; PSS of the app and WebKit after the first 200 and at the end.
pub fn soak(kiosk: &Path, work: &Path, display: &str, changes: u64) -> Result {
    let folder = work.join("soak-photos");
    let mut sources = Vec::new();
    for entry in
        std::fs::read_dir(crate::root().join("assets/demo/photos")).map_err(|e| e.to_string())?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "jpg") {
            sources.push(path);
        }
    }
    sources.sort();
    // 48 distinct photos: the demo's six, eight copies each.
    for (i, source) in sources.iter().enumerate() {
        let copies = distinct_copies(source, &folder.join(format!("set-{i}")), 8)?;
        drop(copies);
    }
    let data = work.join("soak-data");
    let log = work.join("soak.log");
    let speed = 20;
    let mut app = Command::new(kiosk)
        .args([
            "--demo",
            "--kiosk",
            "--photo-interval",
            "2",
            "--speed",
            &speed.to_string(),
        ])
        .arg("--photos")
        .arg(&folder)
        .arg("--data-dir")
        .arg(&data)
        .args(["--log-level", "info,summit_kiosk::photos=debug"])
        .env("DISPLAY", display)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("XDG_CONFIG_HOME", work)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("summit-kiosk: {e}"))?;
    // From the log file (no colour codes, unlike stderr).
    let logs = data.join("logs");
    let shown = || -> u64 {
        let text: String = std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect();
        // A change is a request for another photo than the last one: WebKit
        // may fetch the same rendition twice (to decode it, then to paint it).
        let mut changes = 0;
        let mut last = "";
        for line in text.lines().filter(|l| l.contains("photo served")) {
            let name = line
                .split("name=")
                .nth(1)
                .and_then(|v| v.split_whitespace().next())
                .unwrap_or("");
            if name != last {
                changes += 1;
                last = name;
            }
        }
        changes
    };
    let started = Instant::now();
    let wait_for = |n: u64, limit: Duration| -> Result<u64> {
        while started.elapsed() < limit {
            let s = shown();
            if s >= n {
                return Ok(s);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "only {} photo changes after {} s",
            shown(),
            limit.as_secs()
        ))
    };
    let result = (|| {
        wait_for(200, Duration::from_secs(300))?;
        let early = crate::pss_tree_kib(app.id());
        let early_at = started.elapsed();
        wait_for(changes, Duration::from_secs(3600))?;
        let late = crate::pss_tree_kib(app.id());
        let secs = (started.elapsed() - early_at).as_secs_f64();
        println!(
            "photos: soak at --speed {speed}, 2 s interval: PSS of the app and WebKit after 200 photo changes {:.1} MiB, after {changes} {:.1} MiB: {:+.1}% (target within 10%); {:.1} changes/s",
            early as f64 / 1024.0,
            late as f64 / 1024.0,
            (late as f64 / early as f64 - 1.0) * 100.0,
            (changes - 200) as f64 / secs
        );
        Ok(())
    })();
    let _ = app.kill();
    let _ = app.wait();
    result
}
