//! The arm64 check in `cargo xtask test` (also `cargo xtask arm64 --short`):
//! short enough for the suite, because nothing in it links WebKit.
//!
//! - the photo worker, cross-compiled for aarch64 and run under
//!   `qemu-aarch64` against this machine's worker on a real photo: the same
//!   reading of the photo (hash, size, credit) and close pixels;
//! - the core behind `now --json` and `check` (kiosk-core's `headless`
//!   example, which prints through the same functions as the binary), on
//!   the embedded demo, a real schedule and a bad file: the same bytes on
//!   stdout, the same exit code, the same error message.
//!
//! What it does not run is the shipped binary (clap, logging, the Tauri
//! shell): `cargo xtask arm64` does, after the long cross build of WebKit's
//! stack. Only the cross gcc, the cross libc, qemu-user and the rust target
//! are needed ([`cross::ensure_worker_toolchain`]), no multiarch: qemu runs
//! the programs with the cross libc (`-L /usr/aarch64-linux-gnu`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::arm64::{
    compare_images, same, text, timed, Timed, BAD_SCHEDULE, DEMO_AT, LONG_EDGE, PHOTO,
    REAL_SCHEDULE, REAL_SCHEDULE_AT, WORKER,
};
use crate::cross::{self, cross_binary, cross_cargo, qemu, CROSS_LIBC_ROOT};
use crate::{cargo, ensure_packages, root, run, scratch, target_dir, Result};

/// kiosk-core's example that prints what `now --json` and `check` print.
const HEADLESS: &str = "headless";

/// Each check's name, and what it found or why it failed.
pub struct Outcome {
    pub name: &'static str,
    pub result: Result<String>,
}

/// Install, cross-build, run every check; print one line per check and the
/// times. An error here is a set-up failure (nothing was compared).
pub fn short_replay() -> Result<Vec<Outcome>> {
    let started = Instant::now();
    cross::ensure_worker_toolchain()?;
    ensure_packages(&["imagemagick"])?;
    let installed = started.elapsed();
    // One cross command: kiosk-core is built once for both programs.
    run(cross_cargo("build").args([
        "--locked",
        "-p",
        WORKER,
        "-p",
        "kiosk-core",
        // `--example` alone would build no binary (the first run's worker
        // check failed on the missing file).
        "--bin",
        WORKER,
        "--example",
        HEADLESS,
    ]))?;
    let cross_built = started.elapsed() - installed;
    // `--workspace`, as the suite's tests build them: the same features, so
    // these are the suite's own binaries (no rebuild after `cargo test`).
    run(cargo().args([
        "build",
        "--locked",
        "--workspace",
        "--bin",
        WORKER,
        "--example",
        HEADLESS,
    ]))?;
    let built = started.elapsed() - installed - cross_built;
    let work = scratch("arm64-replay")?;
    let ran = Instant::now();
    let outcomes = checks(&work);
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "arm64 replay: packages {:.0} s, cross build {:.0} s, x86 build {:.0} s, checks {:.0} s",
        installed.as_secs_f64(),
        cross_built.as_secs_f64(),
        built.as_secs_f64(),
        ran.elapsed().as_secs_f64()
    );
    for o in &outcomes {
        match &o.result {
            Ok(found) => println!("arm64 replay: {} ... ok\n    {found}", o.name),
            Err(why) => println!("arm64 replay: {} ... FAILED\n    {why}", o.name),
        }
    }
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    println!(
        "arm64 replay: {} passed, {failed} failed",
        outcomes.len() - failed
    );
    Ok(outcomes)
}

fn checks(work: &Path) -> Vec<Outcome> {
    let same_output = |name: &'static str, args: &[&str], must_show: &str| -> Outcome {
        let result = on_both(args).and_then(|(x, a)| {
            same(name, &x, &a, 0)?;
            let shown = text(&x.out.stdout);
            if !shown.contains(must_show) {
                return Err(format!("{must_show:?} is not in the output:\n{shown}"));
            }
            Ok(times(
                &x,
                &a,
                &format!("same output ({} bytes)", x.out.stdout.len()),
            ))
        });
        Outcome { name, result }
    };
    vec![
        photo_worker(work),
        same_output(
            "now --json, the embedded demo",
            &["now", DEMO_AT, "demo"],
            "\"rooms\"",
        ),
        same_output(
            "now --json, a real schedule (31C3)",
            &["now", REAL_SCHEDULE_AT, REAL_SCHEDULE],
            "Saal 1",
        ),
        same_output(
            "check, a real schedule (31C3)",
            &["check", REAL_SCHEDULE],
            "a valid schedule",
        ),
        bad_file(),
    ]
}

/// The `headless` example with `args`, on this machine, then on arm64
/// under qemu, from the repository root (relative paths: both name the
/// files alike).
fn on_both(args: &[&str]) -> Result<(Timed, Timed)> {
    let x86 = timed(
        Command::new(target_dir().join("debug/examples").join(HEADLESS))
            .args(args)
            .current_dir(root()),
    )?;
    let example = cross_binary("debug", &format!("examples/{HEADLESS}"));
    let arm = timed(
        qemu(CROSS_LIBC_ROOT, &example)
            .args(args)
            .current_dir(root()),
    )?;
    Ok((x86, arm))
}

fn times(x86: &Timed, arm: &Timed, detail: &str) -> String {
    format!(
        "x86 {:.2} s, arm64 under qemu {:.2} s; {detail}",
        x86.took.as_secs_f64(),
        arm.took.as_secs_f64()
    )
}

/// `check` refuses a bad file on both builds with the same message, which
/// names the file.
fn bad_file() -> Outcome {
    let name = "check, a bad file";
    let result = on_both(&["check", BAD_SCHEDULE]).and_then(|(x, a)| {
        same(name, &x, &a, 1)?;
        let (xe, ae) = (text(&x.out.stderr), text(&a.out.stderr));
        let file = Path::new(BAD_SCHEDULE)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(BAD_SCHEDULE);
        if xe != ae || !xe.contains(file) {
            return Err(format!(
                "the messages differ or do not name {file}\nx86: {xe}\narm64: {ae}"
            ));
        }
        Ok(times(
            &x,
            &a,
            &format!("exit 1, same message: {}", xe.trim()),
        ))
    });
    Outcome { name, result }
}

/// Both workers on a real photo: the same reading, close pixels.
fn photo_worker(work: &Path) -> Outcome {
    let what = "photo worker, a real photo at 1280 px";
    let result = (|| {
        let mut runs = Vec::new();
        for arm in [false, true] {
            let name = if arm { "arm64.jpg" } else { "x86.jpg" };
            let mut cmd = if arm {
                qemu(CROSS_LIBC_ROOT, &cross_binary("debug", WORKER))
            } else {
                Command::new(target_dir().join("debug").join(WORKER))
            };
            cmd.arg("--input")
                .arg(root().join(PHOTO))
                .args(["--long-edge", LONG_EDGE, "--output"])
                .arg(work.join(name));
            let t = timed(&mut cmd)?;
            let reply = text(&t.out.stdout);
            if !t.out.status.success() || !reply.starts_with("{\"ok\":") {
                return Err(format!(
                    "the {} photo worker failed: {reply} {}",
                    if arm { "arm64" } else { "x86" },
                    text(&t.out.stderr)
                ));
            }
            // The photo's hash, upright size and credit come first.
            let head = reply
                .split("\"renditions\"")
                .next()
                .unwrap_or("")
                .to_string();
            runs.push((t, head));
        }
        if runs[0].1 != runs[1].1 {
            return Err(format!(
                "the workers read the photo differently: x86 {}, arm64 {}",
                runs[0].1, runs[1].1
            ));
        }
        let compared = compare_images(&work.join("x86.jpg"), &work.join("arm64.jpg"))?;
        Ok(times(&runs[0].0, &runs[1].0, &compared))
    })();
    Outcome { name: what, result }
}
