//! A venue's PC may run a bare X server with no window manager (the session
//! script starts matchbox only if it is installed): nobody grants
//! fullscreen there, so the kiosk covers its monitor itself.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kiosk_rig::{free_display, wait_for_log, Group, FIRST_RENDER_LOG, NO_CONFIG_HOME};

use crate::support::BIN;

/// The geometry xwininfo gives the top-level window named `title`:
/// `(width, height, x, y)` from a `… "title": (…)  WxH+X+Y  +X+Y` line.
fn window_geometry(display: &str, title: &str) -> Option<(u32, u32, i32, i32)> {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree", "-display", display])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains(&format!("\"{title}\"")))?;
    let geometry = line.split_whitespace().rev().nth(1)?;
    let (size, at) = geometry.split_once('+')?;
    let (w, h) = size.split_once('x')?;
    let (x, y) = at.split_once('+')?;
    Some((
        w.parse().ok()?,
        h.parse().ok()?,
        x.parse().ok()?,
        y.parse().ok()?,
    ))
}

fn covers_a_bare_screen(width: u32, height: u32) {
    let n = free_display().expect("a free display number");
    let display = format!(":{n}");
    let _x = Group::spawn(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", &format!("{width}x{height}x24")])
            .args(["-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("Xvfb");
    kiosk_rig::wait_until(Duration::from_secs(10), "the X server", || {
        Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
    })
    .expect("the X server");
    let data = tempfile::tempdir().unwrap();
    let _kiosk = Group::spawn(
        Command::new(BIN)
            .args(["--demo", "--kiosk", "--data-dir"])
            .arg(data.path())
            .env("DISPLAY", &display)
            .env("XDG_CONFIG_HOME", NO_CONFIG_HOME)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("the kiosk");
    wait_for_log(data.path(), FIRST_RENDER_LOG, Duration::from_secs(60)).expect("a first render");
    let mut seen = None;
    let covered = kiosk_rig::wait_until(
        Duration::from_secs(10),
        "the window to cover the screen",
        || {
            seen = window_geometry(&display, "Summit Kiosk");
            seen.is_some_and(|(w, h, x, y)| w == width && h == height && x == 0 && y == 0)
        },
    );
    assert!(
        covered.is_ok(),
        "no window manager at {width}x{height}: the kiosk's window is {seen:?} (width, height, x, y)"
    );
}

#[test]
fn without_a_window_manager_the_kiosk_covers_a_1080p_screen() {
    let _one = crate::e2e::SERIAL.blocking_lock();
    covers_a_bare_screen(1920, 1080);
}

#[test]
fn without_a_window_manager_the_kiosk_covers_a_4k_screen() {
    let _one = crate::e2e::SERIAL.blocking_lock();
    covers_a_bare_screen(3840, 2160);
}
