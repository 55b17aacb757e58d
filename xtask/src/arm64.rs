//! `cargo xtask arm64 [--no-build]`: the Raspberry Pi build's headless
//! commands, run under qemu-user and compared with this machine's build of
//! the same sources. The release binaries are cross-compiled (as
//! `cargo xtask deb --arch arm64` ships them); the x86 side is the debug
//! build (the outputs compared do not depend on the profile).
//!
//! The suite's short replay (`cargo xtask arm64 --short`, run by `cargo
//! xtask test`) is in `arm64_replay.rs`: no WebKit, so no multiarch.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::cross::{self, cross_binary, qemu, worker_launcher};
use crate::{cargo, ensure_packages, root, run, scratch, target_dir, Result};

pub const WORKER: &str = "summit-kiosk-photo-worker";
/// A real conference's schedule (31C3, frab XML, 140+ talks).
pub const REAL_SCHEDULE: &str = "crates/core/tests/fixtures/frab/31c3-schedule.xml";
pub const REAL_SCHEDULE_AT: &str = "2014-12-28T14:10:00+01:00";
/// A schedule that must be refused (a talk that starts at no valid time).
pub const BAD_SCHEDULE: &str = "crates/core/tests/fixtures/bad/frab-bad-start.xml";
/// A real photo (2 MP-class JPEG from the demo's wall).
pub const PHOTO: &str = "assets/demo/photos/path.jpg";
/// The demo, re-based to this instant by both builds.
pub const DEMO_AT: &str = "2026-06-10T10:20:00+02:00";
pub const LONG_EDGE: &str = "1280";

/// How far the two builds' renditions may differ: the SIMD paths differ
/// (NEON vs SSE/AVX2 in libjpeg-turbo's IDCT and colour conversion, and in
/// fast_image_resize), so pixels are close, not equal. Mean absolute error
/// over all channels, and the largest single difference, in 8-bit levels.
const MAX_MEAN_DIFF: f64 = 1.0;
const MAX_PEAK_DIFF: f64 = 48.0;

/// The x86 and arm64 binaries of one build.
struct Pair {
    x86_kiosk: PathBuf,
    arm_kiosk: PathBuf,
    /// What the arm64 kiosk runs as its photo worker (under qemu).
    arm_worker: PathBuf,
}

pub struct Timed {
    pub out: Output,
    pub took: Duration,
}

pub fn timed(cmd: &mut Command) -> Result<Timed> {
    let started = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    Ok(Timed {
        out,
        took: started.elapsed(),
    })
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn arm64(args: &[String]) -> Result {
    let usage = "usage: cargo xtask arm64 [--no-build] [--x86-dir DIR] | --short";
    let (mut build, mut x86_dir) = (true, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--short" => {
                let outcomes = crate::arm64_replay::short_replay()?;
                return match outcomes.iter().filter(|o| o.result.is_err()).count() {
                    0 => Ok(()),
                    n => Err(format!("{n} arm64 replay check(s) failed")),
                };
            }
            "--no-build" => build = false,
            // Another build of the same sources to compare with (its
            // `summit-kiosk` and photo worker); default: target/debug.
            "--x86-dir" => x86_dir = Some(PathBuf::from(args.next().ok_or(usage)?)),
            _ => return Err(usage.into()),
        }
    }
    cross::ensure_app_toolchain()?;
    ensure_packages(&["imagemagick"])?;
    let started = Instant::now();
    if build {
        crate::deb::build_for_arm64(true)?;
    }
    if build && x86_dir.is_none() {
        run(cargo().args([
            "build",
            "--locked",
            "--workspace",
            "--bin",
            "summit-kiosk",
            "--bin",
            WORKER,
        ]))?;
    }
    let built = started.elapsed();
    let work = scratch("arm64")?;
    let pair = Pair {
        x86_kiosk: x86_dir
            .unwrap_or_else(|| target_dir().join("debug"))
            .join("summit-kiosk"),
        arm_kiosk: cross_binary("release", "summit-kiosk"),
        arm_worker: worker_launcher(&work, &cross_binary("release", WORKER), "/")?,
    };
    for p in [&pair.x86_kiosk, &pair.arm_kiosk] {
        if !p.is_file() {
            return Err(format!(
                "{} is missing: run without --no-build",
                p.display()
            ));
        }
    }
    let result = checks(&pair, &work);
    let _ = std::fs::remove_dir_all(&work);
    let lines = result?;
    println!(
        "arm64: build {:.0} s; each check: x86 debug build vs arm64 release build under qemu-aarch64",
        built.as_secs_f64()
    );
    for line in &lines {
        println!("  {line}");
    }
    println!("arm64: all {} checks passed", lines.len());
    Ok(())
}

/// One kiosk command on both builds; `setup` adds what differs per build
/// (`arm` is true for the arm64 one).
fn both(
    pair: &Pair,
    work: &Path,
    args: &[&str],
    setup: impl Fn(&mut Command, bool),
) -> Result<(Timed, Timed)> {
    let mut results = Vec::new();
    for arm in [false, true] {
        let mut cmd = if arm {
            let mut c = qemu("/", &pair.arm_kiosk);
            c.env(kiosk_core_worker_env(), &pair.arm_worker);
            c
        } else {
            Command::new(&pair.x86_kiosk)
        };
        let home = work.join(if arm { "home-arm64" } else { "home-x86" });
        std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
        cmd.args(args)
            .current_dir(root())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", kiosk_rig::NO_CONFIG_HOME)
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("RUST_LOG");
        setup(&mut cmd, arm);
        results.push(timed(&mut cmd)?);
    }
    let arm = results.pop().expect("two runs");
    let x86 = results.pop().expect("two runs");
    Ok((x86, arm))
}

/// `kiosk_core::photos::worker::WORKER_ENV` (xtask links no kiosk crate).
fn kiosk_core_worker_env() -> &'static str {
    "SUMMIT_KIOSK_PHOTO_WORKER"
}

fn line(what: &str, x86: &Timed, arm: &Timed, detail: &str) -> String {
    format!(
        "{what:<44} x86 {:>6.2} s | arm64/qemu {:>6.2} s  {detail}",
        x86.took.as_secs_f64(),
        arm.took.as_secs_f64()
    )
}

/// Both exited as `code`, and their stdout is the same (JSON compared as
/// text: the same contract must give the same bytes).
pub fn same(what: &str, x86: &Timed, arm: &Timed, code: i32) -> Result {
    for (name, t) in [("x86", x86), ("arm64", arm)] {
        if t.out.status.code() != Some(code) {
            return Err(format!(
                "{what}: the {name} build exited {:?}, not {code}\nstdout: {}\nstderr: {}",
                t.out.status.code(),
                text(&t.out.stdout),
                text(&t.out.stderr)
            ));
        }
    }
    if x86.out.stdout != arm.out.stdout {
        return Err(format!(
            "{what}: the builds print different things\nx86:\n{}\narm64:\n{}",
            text(&x86.out.stdout),
            text(&arm.out.stdout)
        ));
    }
    Ok(())
}

fn checks(pair: &Pair, work: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let none = |_: &mut Command, _: bool| {};

    let what = "now --json, embedded demo";
    let (x, a) = both(
        pair,
        work,
        &["now", "--demo", "--json", "--at", DEMO_AT],
        none,
    )?;
    same(what, &x, &a, 0)?;
    lines.push(line(
        what,
        &x,
        &a,
        &format!("same JSON ({} bytes)", x.out.stdout.len()),
    ));

    let what = "import a real schedule (31C3) into a store";
    let data = |arm: bool| work.join(if arm { "data-arm64" } else { "data-x86" });
    let (x, a) = both(pair, work, &["import", REAL_SCHEDULE], |cmd, arm| {
        cmd.arg("--data-dir").arg(data(arm));
    })?;
    for (name, t) in [("x86", &x), ("arm64", &a)] {
        if !t.out.status.success() {
            return Err(format!(
                "{what}: the {name} build failed: {}",
                text(&t.out.stderr)
            ));
        }
    }
    lines.push(line(what, &x, &a, "both stored it"));

    let what = "now --json --data-dir (the imported store)";
    let (x, a) = both(
        pair,
        work,
        &["now", "--json", "--at", REAL_SCHEDULE_AT],
        |cmd, arm| {
            cmd.arg("--data-dir").arg(data(arm));
        },
    )?;
    same(what, &x, &a, 0)?;
    let shown = text(&x.out.stdout);
    if !shown.contains("Saal 1") {
        return Err(format!(
            "{what}: 31C3's Saal 1 is not in the report:\n{shown}"
        ));
    }
    lines.push(line(
        what,
        &x,
        &a,
        &format!("same JSON ({} bytes)", x.out.stdout.len()),
    ));

    let what = "check (a good file)";
    let (x, a) = both(pair, work, &["check", REAL_SCHEDULE], none)?;
    same(what, &x, &a, 0)?;
    lines.push(line(what, &x, &a, "exit 0, same summary"));

    let what = "check (a bad file)";
    let (x, a) = both(pair, work, &["check", BAD_SCHEDULE], none)?;
    let code = x.out.status.code().unwrap_or(-1);
    if code == 0 {
        return Err(format!("{what}: the x86 build took {BAD_SCHEDULE}"));
    }
    same(what, &x, &a, code)?;
    let (xe, ae) = (text(&x.out.stderr), text(&a.out.stderr));
    if xe != ae || !xe.contains("frab-bad-start.xml") {
        return Err(format!(
            "{what}: the messages differ or do not name the file\nx86: {xe}\narm64: {ae}"
        ));
    }
    lines.push(line(
        what,
        &x,
        &a,
        &format!(
            "exit {code}, same message: {}",
            xe.lines().next().unwrap_or("").trim()
        ),
    ));

    let what = "photo render (a real photo, the photo worker)";
    let out = |arm: bool| work.join(if arm { "arm64.jpg" } else { "x86.jpg" });
    let (x, a) = both(
        pair,
        work,
        &["photo", "render", PHOTO, "--long-edge", LONG_EDGE],
        |cmd, arm| {
            cmd.arg("-o").arg(out(arm));
        },
    )?;
    for (name, t) in [("x86", &x), ("arm64", &a)] {
        if !t.out.status.success() {
            return Err(format!(
                "{what}: the {name} build failed: {}",
                text(&t.out.stderr)
            ));
        }
    }
    let compared = compare_images(&out(false), &out(true))?;
    lines.push(line(what, &x, &a, &compared));
    Ok(lines)
}

/// The two renditions have the same size and close pixels; what was found.
pub fn compare_images(x86: &Path, arm: &Path) -> Result<String> {
    let size = |p: &Path| -> Result<String> {
        let out = Command::new("identify")
            .args(["-format", "%wx%h"])
            .arg(p)
            .output()
            .map_err(|e| format!("identify: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{} is not an image: {}",
                p.display(),
                text(&out.stderr)
            ));
        }
        Ok(text(&out.stdout).trim().to_string())
    };
    let (xs, as_) = (size(x86)?, size(arm)?);
    if xs != as_ {
        return Err(format!(
            "the renditions differ in size: x86 {xs}, arm64 {as_}"
        ));
    }
    // `compare` prints "ABS (NORMALISED)" on stderr; exit 1 means "differ".
    let metric = |name: &str| -> Result<f64> {
        let out = Command::new("compare")
            .args(["-metric", name])
            .arg(x86)
            .arg(arm)
            .arg("null:")
            .output()
            .map_err(|e| format!("compare: {e}"))?;
        let said = text(&out.stderr);
        said.split('(')
            .nth(1)
            .and_then(|r| r.split(')').next())
            .and_then(|n| n.trim().parse::<f64>().ok())
            .map(|normalised| normalised * 255.0)
            .ok_or_else(|| format!("compare -metric {name} said {said:?}"))
    };
    let (mean, peak) = (metric("MAE")?, metric("PAE")?);
    let found =
        format!("{xs} both; pixels differ by {mean:.2} on average, at most {peak:.0} (of 255)");
    if mean > MAX_MEAN_DIFF || peak > MAX_PEAK_DIFF {
        return Err(format!(
            "the renditions are not close: {found} (limits {MAX_MEAN_DIFF} and {MAX_PEAK_DIFF})"
        ));
    }
    Ok(found)
}
