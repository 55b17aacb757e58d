//! `cargo xtask demo | test | bench | deb | fuzz`: the project's set-up and checks,
//! installing what a fresh Debian/Ubuntu machine lacks.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use kiosk_rig::{cargo_bin, which};

/// Building: WebKitGTK, and cmake + nasm for libjpeg-turbo (photo decoding).
const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "pkg-config",
    "cmake",
    "nasm",
    "fonts-noto-core",
    "fonts-noto-color-emoji",
];
/// End-to-end tests, besides the rig's screen and WebDriver packages
/// (`kiosk_rig::SCREEN_PACKAGES`, `DRIVER_PACKAGES`): CJK fonts for the
/// any-script screenshots.
const TEST_PACKAGES: &[&str] = &[
    "fonts-noto-cjk",
    // `zbarimg`: the QR codes on screen are decoded back from screenshots.
    "zbar-tools",
    // Node, to type-check the control panel's modules with TypeScript.
    "nodejs",
    // `xset q`: the screensaver while the kiosk runs; `systemd-analyze
    // verify` for the unit (no systemd as init needed).
    "x11-xserver-utils",
    "systemd",
    // The fleet's tests start a real broker on 127.0.0.1 (`-c`, a free port).
    "mosquitto",
    // The fleet's end-to-end test reads a follower's thumbnail back by OCR.
    "tesseract-ocr",
    // The German display is read back by OCR (`e2e_language`).
    "tesseract-ocr-deu",
];

/// The TypeScript the app's tests run (`tsc --checkJs` over `ui/control`),
/// installed into the build folder, never globally.
const TYPESCRIPT: &str = "typescript@5.9.3";

type Result<T = ()> = std::result::Result<T, String>;

mod arm64;
mod arm64_replay;
mod cross;
mod deb;
mod feed_bench;
mod fleet_bench;
mod fuzz;
mod longrun;
mod mem_bench;
mod photo_bench;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(rest),
        Some("test") => test(rest),
        Some("bench") => bench(rest),
        Some("soak") => soak(),
        Some("deb") => deb::deb(rest),
        Some("arm64") => arm64::arm64(rest),
        Some("fuzz") => fuzz::fuzz(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  demo [ARGS]  install what is missing, open the kiosk on the embedded demo\n  \
                 test [ARGS]  install the test tools, run every test (core, integration, end-to-end)\n  \
                 bench [PART] measure, against baselines run in the same command: sync; feed (1,000 followers, direct and via nginx); fleet (1,000 screens via mosquitto and HTTP); photos (vs vipsthumbnail and djpeg);\n  \
                 \x20            memory (vs Chromium) and start-up; soak (5,000 photo changes); event (3 days at --speed 600);\n  \
                 \x20            longrun (the event supervised as systemd would, a source flapping); killloop (200 kill -9 during imports).\n  \
                 \x20            PART is one of sync, feed, fleet, photos, memory, soak, event, longrun, killloop (default: all, about an hour);\n  \
                 \x20            --no-build measures the release binaries as they are\n  \
                 soak         only the photo wall's 5,000-change memory soak\n  \
                 deb [--arch arm64]  build the Debian package (arm64: cross-compiled for the Raspberry Pi)\n  \
                 arm64 [--no-build|--short]  cross-build for the Pi, run now/check/photo render under qemu-aarch64 against the x86 build\n  \
                 \x20            (--short: the photo worker and the core behind now/check, no WebKit: the check `test` runs)\n  \
                 fuzz [--secs N] [--jobs J] [TARGET...]  fuzz every parser of untrusted bytes (10 min each), minimise the corpus into fuzz/corpus/"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// A release binary (`summit-kiosk`, the photo worker), in
/// `CARGO_TARGET_DIR` if set.
fn release_binary(name: &str) -> PathBuf {
    target_dir().join("release").join(name)
}

/// Build the kiosk and its photo worker, as shipped.
fn build_release() -> Result {
    run(cargo().args([
        "build",
        "--release",
        "--bin",
        "summit-kiosk",
        "--bin",
        "summit-kiosk-photo-worker",
    ]))
}

fn run(cmd: &mut Command) -> Result {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

/// Run `cargo test`, echoing its output, and add up its "test result" lines.
fn run_counting(cmd: &mut Command) -> Result<(u64, u64, std::process::ExitStatus)> {
    use std::io::{BufRead, BufReader, Write};
    eprintln!("xtask: running {cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let (mut passed, mut failed) = (0, 0);
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        let _ = std::io::stdout().flush();
        if let Some(rest) = line.strip_prefix("test result: ") {
            let count = |word: &str| {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .trim_start_matches("ok. ")
                            .trim_start_matches("FAILED. ")
                            .strip_suffix(word)
                    })
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            passed += count(" passed");
            failed += count(" failed");
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((passed, failed, status))
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// apt-get install what is missing: directly as root, else with a
/// password-less sudo, else print the exact command and stop.
fn ensure_packages(packages: &[&str]) -> Result {
    if which("apt-get").is_none() {
        eprintln!(
            "xtask: no apt-get here; make sure these are installed: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let missing_text = missing.join(" ");
    let apt = |args: &[&str]| -> Result<Command> {
        let mut cmd = as_root("apt-get").map_err(|why| {
            format!(
                "these packages are missing: {missing_text}\n{why}\nInstall them with:\n\n    sudo apt-get update && sudo apt-get install -y {missing_text}\n"
            )
        })?;
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        Ok(cmd)
    };
    run(&mut apt(&["update", "-q"])?)?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"])?;
    install.args(&missing);
    run(&mut install)
}

/// `program` as root: directly when we are root, else through a
/// password-less sudo; else why not.
fn as_root(program: &str) -> Result<Command> {
    if is_root() {
        return Ok(Command::new(program));
    }
    let sudo = Command::new("sudo")
        .args(["-n", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !sudo {
        return Err(format!(
            "{program} needs root, and there is no password-less sudo"
        ));
    }
    let mut cmd = Command::new("sudo");
    cmd.arg(program);
    Ok(cmd)
}

fn ensure_tauri_driver() -> Result<PathBuf> {
    if let Some(found) = kiosk_rig::tauri_driver() {
        return Ok(found);
    }
    run(cargo().args(["install", "tauri-driver", "--locked", "--version", "^2"]))?;
    Ok(cargo_bin("tauri-driver"))
}

/// `target/ui-check/node_modules/.bin/tsc`, where the app's tests look for it.
fn ensure_typescript() -> Result {
    let prefix = root().join("target/ui-check");
    if prefix.join("node_modules/typescript/bin/tsc").is_file() {
        return Ok(());
    }
    if which("npm").is_none() {
        // Debian ships npm apart from nodejs (other builds of nodejs bring it).
        ensure_packages(&["npm"])?;
    }
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(TYPESCRIPT))
}

fn demo(args: &[String]) -> Result {
    ensure_packages(BUILD_PACKAGES)?;
    // The kiosk and the photo worker it runs from its own folder.
    run(cargo().args(["build"]))?;
    if env::var_os("DISPLAY").is_none() && env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err("built, but there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).\n\
             Run it from a desktop session, or on a headless machine: xvfb-run -s '-screen 0 1920x1080x24' cargo xtask demo"
            .into());
    }
    let mut cmd = Command::new(root().join("target/debug/summit-kiosk"));
    cmd.arg("--demo").args(args);
    run(&mut cmd)
}

fn test(args: &[String]) -> Result {
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(kiosk_rig::SCREEN_PACKAGES);
    packages.extend_from_slice(kiosk_rig::DRIVER_PACKAGES);
    packages.extend_from_slice(TEST_PACKAGES);
    ensure_packages(&packages)?;
    let driver = ensure_tauri_driver()?;
    ensure_typescript()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The end-to-end tests start their own Xvfb, window manager and
    // tauri-driver; they share the machine's two cores with the build, so the
    // test binaries run one at a time.
    let mut cmd = cargo();
    // No WebKit variables: the app chooses its renderer itself.
    cmd.args(["test", "--workspace", "--locked"])
        .args(args)
        .env("TAURI_DRIVER", &driver);
    let (mut passed, mut failed, status) = run_counting(&mut cmd)?;
    // The Raspberry Pi's build: the photo worker and the core behind `now`
    // and `check` cross-built for aarch64, run under qemu against these
    // builds (a few minutes; the whole app's cross build is `xtask arm64`).
    let replay = arm64_replay::short_replay().map_err(|e| {
        println!("tests: {passed} passed, {failed} failed; the arm64 replay could not run");
        format!("the arm64 replay could not run: {e}")
    })?;
    let replay_failed = replay.iter().filter(|o| o.result.is_err()).count() as u64;
    passed += replay.len() as u64 - replay_failed;
    failed += replay_failed;
    println!(
        "tests: {passed} passed, {failed} failed ({} of them the arm64 replay under qemu)",
        replay.len()
    );
    if !status.success() || failed > 0 {
        return Err(format!("cargo test failed ({status}), or the arm64 replay"));
    }
    eprintln!(
        "xtask: screenshots from the end-to-end tests are in {}",
        root().join("target/e2e-screenshots").display()
    );
    Ok(())
}

/// The photo wall's soak alone (also part of `bench`).
fn soak() -> Result {
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(kiosk_rig::SCREEN_PACKAGES);
    ensure_packages(&packages)?;
    build_release()?;
    let work = scratch("soak")?;
    let result = mem_bench::soak(&release_binary("summit-kiosk"), &work, 5_000);
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A fresh scratch folder for a bench.
fn scratch(what: &str) -> Result<PathBuf> {
    let dir = env::temp_dir().join(format!("summit-kiosk-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// Every figure of issue 16 (and the sync figures), each against its
/// baseline run in the same command, for the build that ships: no
/// environment variable is set for the kiosk.
fn bench(parts: &[String]) -> Result {
    const PARTS: [&str; 9] = [
        "sync", "feed", "fleet", "photos", "memory", "soak", "event", "longrun", "killloop",
    ];
    // `--no-build`: measure the release binaries already built (re-runs).
    let build = !parts.iter().any(|p| p == "--no-build");
    let parts: Vec<&String> = parts.iter().filter(|p| *p != "--no-build").collect();
    if let Some(bad) = parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
        return Err(format!(
            "no bench part {bad:?}; parts: {}",
            PARTS.join(", ")
        ));
    }
    let wanted = |part: &str| parts.is_empty() || parts.iter().any(|p| *p == part);
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(kiosk_rig::SCREEN_PACKAGES);
    // The fleet part drives the control panel through WebDriver.
    packages.extend_from_slice(kiosk_rig::DRIVER_PACKAGES);
    packages.extend_from_slice(&[
        "libvips-tools",
        // djpeg: the decoder floor.
        "libjpeg-turbo-progs",
        // Real camera photos with their EXIF (see photo_bench::real_photos).
        photo_bench::REAL_PHOTOS_PACKAGE,
        // `convert` makes the synthetic 24 MP photo.
        "imagemagick",
        // The baseline for memory.
        "chromium",
        // The feed bench serves `serve --write`'s file with it.
        "nginx",
        // The fleet bench's broker.
        "mosquitto",
    ]);
    ensure_packages(&packages)?;
    let started = Instant::now();
    if wanted("sync") {
        // Import of a 5,000-session congress against its 200 ms target, a
        // re-import, and a 304 poll against a full fetch.
        run(cargo().args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "kiosk-core",
            "--example",
            "sync_bench",
        ]))?;
    }
    if build {
        build_release()?;
    }
    let kiosk = release_binary("summit-kiosk");
    let worker = release_binary("summit-kiosk-photo-worker");
    let work = scratch("bench")?;
    let result = (|| {
        if wanted("feed") {
            feed_bench::bench(&kiosk)?;
        }
        if wanted("fleet") {
            fleet_bench::bench(&kiosk)?;
        }
        if wanted("photos") {
            photo_bench::bench(&kiosk, &worker, &work.join("photos"))?;
        }
        if wanted("memory") {
            mem_bench::memory(&kiosk, &work.join("memory"))?;
        }
        if wanted("soak") {
            mem_bench::soak(&kiosk, &work.join("soak"), 5_000)?;
        }
        if wanted("event") {
            mem_bench::event(&kiosk, &work.join("event"))?;
        }
        if wanted("longrun") {
            longrun::longrun(&kiosk, &work.join("longrun"))?;
        }
        if wanted("killloop") {
            longrun::killloop(&kiosk)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "bench: done in {:.1} min (ratios measured side by side; on a busy machine re-run for quiet figures)",
        started.elapsed().as_secs_f64() / 60.0
    );
    result
}
