//! The photo figures of `cargo xtask bench`, like for like, in one run:
//! the photo worker (what the kiosk runs per photo) and `summit-kiosk photo
//! render` against `vipsthumbnail` (libvips, `[Q=85,strip]`: the same
//! quality and no metadata, as ours) and against the decoder's floor (`djpeg
//! -scale M/8` to /dev/null at the DCT scale our pipeline decodes at: every
//! tool must entropy-decode the whole file). Real camera photos (Debian's
//! `mate-backgrounds`: an 18 MP Sony RX100 IV JPEG with its EXIF) and a
//! synthetic noisy 24 MP one. Every figure is a median of runs interleaved
//! tool by tool, so a busy machine slows all sides alike.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// Runs per single-photo figure; the median is printed.
const RUNS: usize = 7;
/// Runs per batch figure.
const BATCH_RUNS: usize = 5;
/// Distinct files in a batch (the same photo with a different comment each).
const BATCH: usize = 24;

/// The Debian package with real camera photos (GPL-2+, see its copyright).
pub const REAL_PHOTOS_PACKAGE: &str = "mate-backgrounds";
/// An 18-megapixel (5640 × 3172, 16 MB) photo from a Sony DSC-RX100M4, EXIF intact.
const REAL_PHOTO: &str = "/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg";
/// An 8-megapixel (3840 × 2160) version of it, also with its EXIF.
const REAL_PHOTO_8MP: &str = "/usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg";

/// Peak memory of `pid` and its descendants: the largest sum of their
/// proportional set sizes (PSS) seen while polling. PSS splits pages shared
/// between processes, so the sum is what the tree really holds.
fn poll_peak(root: u32, peak: &mut u64) {
    *peak = (*peak).max(crate::pss_tree_kib(root));
}

/// Run a command to its end: wall time and the peak PSS of its tree (KiB).
fn measure(cmd: &mut Command) -> Result<(f64, f64)> {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut peak = 0;
    let status = loop {
        poll_peak(child.id(), &mut peak);
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let elapsed = started.elapsed();
    let mut out = String::new();
    use std::io::Read;
    let _ = child.stdout.take().map(|mut s| s.read_to_string(&mut out));
    let _ = child.stderr.take().map(|mut s| s.read_to_string(&mut out));
    // The worker answers `{"error": …}` with status 0: that is a failure too.
    if !status.success() || out.contains("\"error\"") {
        return Err(format!("{cmd:?} failed ({status}): {out}"));
    }
    Ok((elapsed.as_secs_f64() * 1000.0, peak as f64 / 1024.0))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    xs[xs.len() / 2]
}

/// The DCT scale our pipeline decodes a JPEG of `long` pixels at for a
/// rendition of `edge`: the smallest n/8 that still covers it (as
/// `kiosk_core::photos::render` does).
fn eighths(long: u64, edge: u32) -> u64 {
    (1..=8u64)
        .find(|n| (long * n).div_ceil(8) >= u64::from(edge))
        .unwrap_or(8)
}

/// Width and height of a JPEG, from its SOF marker.
fn jpeg_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]);
            let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]);
            return Some((u64::from(w), u64::from(h)));
        }
        i += 2 + len;
    }
    None
}

/// Whether a JPEG carries metadata: an APP1..APP15 segment (EXIF, XMP,
/// ICC, …) or a comment.
fn has_metadata(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 3 < bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        if marker == 0xDA {
            return false;
        }
        if matches!(marker, 0xE1..=0xEF | 0xFE) {
            return true;
        }
        i += 2 + u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
    }
    false
}

/// A camera-like 24-megapixel JPEG (6000 × 4000, quality 92, with noise),
/// made from a demo photo: synthetic, kept to compare with earlier figures.
fn make_24mp(dir: &Path) -> Result<PathBuf> {
    let out = dir.join("synthetic-24mp.jpg");
    let source = crate::root().join("assets/demo/photos/evening-glow.jpg");
    crate::run(
        Command::new("convert")
            .arg(&source)
            .args(["-resize", "6400x4000", "-gravity", "center"])
            .args(["-extent", "6000x4000", "-attenuate", "0.4"])
            .args(["+noise", "Gaussian", "-quality", "92"])
            .arg(&out),
    )?;
    Ok(out)
}

/// `count` copies of a JPEG that differ only in a comment segment: the same
/// work to decode, a different content hash each.
pub fn distinct_copies(jpeg: &Path, dir: &Path, count: usize) -> Result<Vec<PathBuf>> {
    let bytes = std::fs::read(jpeg).map_err(|e| format!("{}: {e}", jpeg.display()))?;
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

/// Run `jobs` commands, `parallel` at a time; the wall time of all (ms).
fn run_parallel(mut jobs: Vec<Command>, parallel: usize) -> Result<f64> {
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
                    .map_err(|e| format!("{cmd:?}: {e}"))?,
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
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

fn vips(input: &Path, edge: u32, output: &Path) -> Command {
    let mut cmd = Command::new("vipsthumbnail");
    cmd.arg(input)
        .args(["-s", &edge.to_string(), "-o"])
        .arg(format!("{}[Q=85,strip]", output.display()));
    cmd
}

fn djpeg(input: &Path, eighths: u64) -> Command {
    let mut cmd = Command::new("djpeg");
    cmd.args(["-scale", &format!("{eighths}/8"), "-outfile", "/dev/null"])
        .arg(input);
    cmd
}

fn worker(worker: &Path, input: &Path, edges: &[u32]) -> Command {
    let mut cmd = Command::new(worker);
    cmd.arg("--input").arg(input);
    for edge in edges {
        cmd.args(["--long-edge", &edge.to_string()]);
    }
    cmd
}

pub fn bench(kiosk: &Path, worker_bin: &Path, work: &Path) -> Result {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let real = PathBuf::from(REAL_PHOTO);
    let inputs = [
        ("real 18 MP camera photo", real.clone()),
        ("real 8 MP camera photo", PathBuf::from(REAL_PHOTO_8MP)),
        ("synthetic noisy 24 MP", make_24mp(work)?),
    ];
    for (what, photo) in &inputs {
        single(kiosk, worker_bin, work, what, photo)?;
    }
    let copies = distinct_copies(&real, &work.join("batch"), BATCH)?;
    for edges in [vec![1920u32], vec![1920, 3840]] {
        batch(kiosk, work, &copies, &edges)?;
    }
    Ok(())
}

/// One photo at a time: time and tree PSS of each tool, median of [`RUNS`].
fn single(kiosk: &Path, worker_bin: &Path, work: &Path, what: &str, photo: &Path) -> Result {
    let bytes = std::fs::read(photo).map_err(|e| format!("{}: {e}", photo.display()))?;
    let (w, h) = jpeg_size(&bytes).ok_or(format!("{}: not a JPEG", photo.display()))?;
    println!(
        "photos: {what}: {} ({w} × {h}, {:.1} MB, metadata: {}); median of {RUNS} interleaved runs",
        photo.display(),
        bytes.len() as f64 / 1e6,
        if has_metadata(&bytes) { "yes" } else { "none" }
    );
    for edge in [1920u32, 3840] {
        let n = eighths(w.max(h), edge);
        let ours_out = work.join(format!("ours-{edge}.jpg"));
        let cli_out = work.join(format!("cli-{edge}.jpg"));
        let vips_out = work.join(format!("vips-{edge}.jpg"));
        let mut figures: [(Vec<f64>, Vec<f64>); 4] = Default::default();
        for _ in 0..RUNS {
            let runs = [
                measure(
                    worker(worker_bin, photo, &[edge])
                        .arg("--output")
                        .arg(&ours_out),
                )?,
                measure(
                    Command::new(kiosk)
                        .args(["photo", "render"])
                        .arg(photo)
                        .arg("-o")
                        .arg(&cli_out)
                        .args(["--long-edge", &edge.to_string()])
                        .env("XDG_CONFIG_HOME", work),
                )?,
                measure(&mut vips(photo, edge, &vips_out))?,
                measure(&mut djpeg(photo, n))?,
            ];
            for (i, (t, m)) in runs.into_iter().enumerate() {
                figures[i].0.push(t);
                figures[i].1.push(m);
            }
        }
        let [(wt, wm), (ct, cm), (vt, vm), (ft, fm)] = figures.map(|(t, m)| (median(t), median(m)));
        let size = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let (ours_jpeg, vips_jpeg) = (size(&ours_out)?, size(&vips_out)?);
        let dims = |b: &[u8]| jpeg_size(b).map_or("?".into(), |(w, h)| format!("{w} × {h}"));
        println!(
            "photos:   long edge {edge}: worker {wt:.0} ms, peak PSS {wm:.1} MiB | summit-kiosk photo render {ct:.0} ms, {cm:.1} MiB (CLI + worker) | vipsthumbnail [Q=85,strip] {vt:.0} ms, {vm:.1} MiB | djpeg -scale {n}/8 (floor) {ft:.0} ms, {fm:.1} MiB"
        );
        println!(
            "photos:   long edge {edge}: worker/floor time {:.2} (goal <= 1.10); worker/vips time {:.2}, tree PSS {:.2} (goal <= 1.50); photo render/vips time {:.2}, PSS {:.2}",
            wt / ft,
            wt / vt,
            wm / vm,
            ct / vt,
            cm / vm
        );
        println!(
            "photos:   long edge {edge}: output ours {} {:.0} KB (metadata: {}), vips {} {:.0} KB (metadata: {}), size ratio {:.2}",
            dims(&ours_jpeg),
            ours_jpeg.len() as f64 / 1e3,
            if has_metadata(&ours_jpeg) { "yes" } else { "none" },
            dims(&vips_jpeg),
            vips_jpeg.len() as f64 / 1e3,
            if has_metadata(&vips_jpeg) { "yes" } else { "none" },
            ours_jpeg.len() as f64 / vips_jpeg.len() as f64
        );
    }
    Ok(())
}

/// [`BATCH`] distinct photos on this machine's cores: `photos ingest` (the
/// kiosk's own ingest, its workers two at a time on two cores) against
/// vipsthumbnail and the floor, each as many at a time as there are cores
/// (vips with `VIPS_CONCURRENCY=1`, so N processes use N cores, not N²
/// threads). Median of [`BATCH_RUNS`] interleaved runs.
fn batch(kiosk: &Path, work: &Path, copies: &[PathBuf], edges: &[u32]) -> Result {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let list: Vec<String> = edges.iter().map(|e| e.to_string()).collect();
    let config = work.join(format!("batch-{}.toml", edges.len()));
    std::fs::write(
        &config,
        format!("photo_long_edges = [{}]\n", list.join(", ")),
    )
    .map_err(|e| e.to_string())?;
    let first = std::fs::read(&copies[0]).map_err(|e| e.to_string())?;
    let (w, h) = jpeg_size(&first).ok_or("the batch photo is not a JPEG")?;
    let n = eighths(w.max(h), *edges.iter().max().expect("an edge"));
    let folder = copies[0].parent().expect("in a folder");
    let (mut ours, mut vips_ms, mut floor) = (vec![], vec![], vec![]);
    for run in 0..BATCH_RUNS {
        let data = work.join(format!("batch-data-{}-{run}", edges.len()));
        let _ = std::fs::remove_dir_all(&data);
        let started = Instant::now();
        crate::run(
            Command::new(kiosk)
                .args(["photos", "ingest"])
                .arg(folder)
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .stdout(Stdio::null()),
        )?;
        ours.push(started.elapsed().as_secs_f64() * 1000.0);
        let _ = std::fs::remove_dir_all(&data);
        let out = work.join("vips-batch");
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        let jobs = copies
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                let out = &out;
                edges.iter().map(move |&edge| {
                    let mut cmd = vips(p, edge, &out.join(format!("{i}-{edge}.jpg")));
                    cmd.env("VIPS_CONCURRENCY", "1");
                    cmd
                })
            })
            .collect();
        vips_ms.push(run_parallel(jobs, cores)?);
        floor.push(run_parallel(
            copies.iter().map(|p| djpeg(p, n)).collect(),
            cores,
        )?);
    }
    let rate = |ms: f64| copies.len() as f64 / (ms / 1000.0);
    let (o, v, f) = (
        rate(median(ours)),
        rate(median(vips_ms)),
        rate(median(floor)),
    );
    println!(
        "photos: batch of {} real 18 MP photos, long edges {list:?}, {cores} cores, median of {BATCH_RUNS}: photos ingest {o:.2} photos/s; vipsthumbnail {cores} at a time {v:.2}/s; djpeg -scale {n}/8 {cores} at a time (floor) {f:.2}/s",
        copies.len()
    );
    println!(
        "photos:   batch {list:?}: ours/floor throughput {:.2} (goal >= 0.95); ours/vips {:.2}",
        o / f,
        o / v
    );
    Ok(())
}
