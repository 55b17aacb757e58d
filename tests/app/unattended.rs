//! Running unattended, end to end: the real kiosk under Xvfb with this test
//! playing systemd's part (a `NOTIFY_SOCKET` datagram listener and
//! `WATCHDOG_USEC`), the X screen read back as a person would see it, and
//! `xset q` for the screensaver. Figures are printed for the report.

use std::process::Command;
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::screensaver::ConnectionExt as _;

use crate::e2e::SERIAL;
use crate::support::{wait_until, Screen, BIN};

#[path = "unattended/camera.rs"]
mod camera;
#[path = "unattended/systemd.rs"]
mod systemd;
use camera::luma;
pub(crate) use camera::{showing, Camera};
pub(crate) use systemd::Notify;
use systemd::{free_display, start};

const T: &str = "2020-02-26T10:20:00-05:00";
/// The dark theme's background, as the page paints it.
const DARK_BG: (u8, u8, u8) = (0x0a, 0x11, 0x20);

#[test]
fn ready_within_2_s_of_the_first_render_pings_every_5_s_and_none_once_the_web_process_stops() {
    let _one = SERIAL.blocking_lock();
    let screen = Screen::start(1280, 720);
    let dir = tempfile::tempdir().unwrap();
    let notify = Notify::listen(dir.path());
    let spawned = Instant::now();
    let mut kiosk = start(
        Some(&screen.display),
        &notify,
        &dir.path().join("data"),
        &[],
    );
    let camera = Camera::on(&screen.display);
    let first_render = loop {
        let frame = camera.frame();
        if showing(&frame) {
            break frame.at;
        }
        assert!(
            spawned.elapsed() < Duration::from_secs(90),
            "nothing rendered: {}",
            kiosk.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let ready = notify.wait_for("READY=1", Duration::from_secs(30));
    let since_spawn = |t: Instant| t.duration_since(spawned).as_millis() as i64;
    let latency = since_spawn(ready) - since_spawn(first_render);
    eprintln!(
        "FIGURE READY: {} ms after start, {latency} ms after the first frame showing the talk",
        ready.duration_since(spawned).as_millis()
    );
    assert!(latency <= 2000, "READY {latency} ms after the first render");

    // Renders keep coming: pings at most 5 s apart.
    std::thread::sleep(Duration::from_secs(16));
    let pings = notify.pings_between(ready, Instant::now());
    let gaps: Vec<u128> = pings
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis())
        .collect();
    eprintln!(
        "FIGURE watchdog: {} pings in 16 s, gaps {gaps:?} ms",
        pings.len()
    );
    assert!(pings.len() >= 4, "pings: {gaps:?}");
    assert!(gaps.iter().all(|&g| g <= 5000), "a gap over 5 s: {gaps:?}");

    // A frozen web view: no renders, so no pings (one report may be in
    // flight when the signal lands).
    let web = kiosk.web_process();
    kiosk.signal(web, "-STOP");
    let stopped = Instant::now();
    std::thread::sleep(Duration::from_secs(9));
    let during = notify.pings_between(stopped + Duration::from_millis(500), Instant::now());
    assert!(
        during.is_empty(),
        "{} pings while the web process was stopped",
        during.len()
    );
    eprintln!("FIGURE watchdog: no ping in the 8.5 s after SIGSTOP of the web process");
    // Back before systemd's 10 s: pings resume.
    kiosk.signal(web, "-CONT");
    let resumed = Instant::now();
    wait_until(
        Duration::from_secs(6),
        || !notify.pings_between(resumed, Instant::now()).is_empty(),
        "pings after SIGCONT",
    );

    let status = kiosk.stop();
    assert!(status.success(), "{status:?}: {}", kiosk.stderr());
    notify.wait_for("STOPPING=1", Duration::from_secs(5));
    assert!(!kiosk.stderr().contains("panicked"), "{}", kiosk.stderr());

    // A technician's view of the same run.
    let logs = Command::new(BIN)
        .args(["logs", "--since", "10m", "--data-dir"])
        .arg(&kiosk.data)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&logs.stdout);
    assert!(
        logs.status.success() && text.contains("first snapshot rendered by the window"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour codes in the log file");
    assert!(
        !kiosk.stderr().contains('\u{1b}'),
        "no colour codes when stderr is a file"
    );
}

fn xset_q(display: &str) -> String {
    let out = Command::new("xset")
        .args(["-display", display, "q"])
        .output()
        .expect("xset (x11-xserver-utils): run `cargo xtask test`, which installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn saver_timeout(display: &str) -> u32 {
    let q = xset_q(display);
    let line = q
        .lines()
        .find(|l| l.trim_start().starts_with("timeout:"))
        .expect("a timeout line");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The X screensaver is showing (the screen blanked) right now.
fn blanked(display: &str) -> bool {
    let (conn, n) = x11rb::connect(Some(display)).unwrap();
    let root = conn.setup().roots[n].root;
    let info = conn.screensaver_query_info(root).unwrap().reply().unwrap();
    info.state == u8::from(x11rb::protocol::screensaver::State::ON)
}

#[test]
fn the_screen_never_blanks_while_the_kiosk_shows_and_settings_come_back_after() {
    let _one = SERIAL.blocking_lock();
    let screen = Screen::start(1280, 720);
    let d = screen.display.as_str();
    assert!(Command::new("xset")
        .args(["-display", d, "s", "5", "5"])
        .status()
        .unwrap()
        .success());
    // The control: with nothing stopping it, the screen blanks after 5 s.
    wait_until(
        Duration::from_secs(12),
        || blanked(d),
        "the screensaver to blank an idle screen",
    );

    let dir = tempfile::tempdir().unwrap();
    let notify = Notify::listen(dir.path());
    let data = dir.path().join("data");
    let mut kiosk = start(Some(d), &notify, &data, &[]);
    notify.wait_for("READY=1", Duration::from_secs(90));
    let q = xset_q(d);
    eprintln!("FIGURE xset q while the kiosk runs:\n{q}");
    assert_eq!(saver_timeout(d), 0, "{q}");
    // Xvfb has no DPMS; on a real screen it would read "DPMS is Disabled".
    assert!(
        q.contains("Server does not have the DPMS Extension") || q.contains("DPMS is Disabled"),
        "{q}"
    );
    assert!(!blanked(d), "the kiosk wakes a blanked screen");
    std::thread::sleep(Duration::from_secs(8));
    assert!(!blanked(d), "blanked while the kiosk shows");

    assert!(kiosk.stop().success());
    assert_eq!(saver_timeout(d), 5, "restored on exit: {}", xset_q(d));

    // Killed outright, the kiosk cannot restore; its next clean exit puts
    // back the true original, not the zeros it left.
    let mut kiosk = start(Some(d), &notify, &data, &[]);
    wait_until(
        Duration::from_secs(60),
        || saver_timeout(d) == 0,
        "the kiosk to turn the screensaver off",
    );
    kiosk.signal(kiosk.guard.0.id(), "-KILL");
    let _ = kiosk.guard.0.wait();
    assert_eq!(saver_timeout(d), 0, "left off by the killed kiosk");
    assert!(data.join("screen-settings.json").is_file());
    let mut kiosk = start(Some(d), &notify, &data, &[]);
    wait_until(
        Duration::from_secs(60),
        || kiosk.stderr().contains("did not exit cleanly"),
        "the settings left behind to be read",
    );
    assert!(kiosk.stop().success());
    assert_eq!(
        saver_timeout(d),
        5,
        "the original restored after a SIGKILL and a restart"
    );
    assert!(!data.join("screen-settings.json").exists());

    // --allow-blanking leaves the screensaver alone.
    let mut kiosk = start(Some(d), &notify, &data, &["--allow-blanking"]);
    wait_until(
        Duration::from_secs(60),
        || kiosk.stderr().contains("allow_blanking"),
        "the kiosk to start",
    );
    assert_eq!(saver_timeout(d), 5);
    assert!(kiosk.stop().success());
}

#[test]
fn a_web_process_kill_never_flashes_brighter_than_the_dark_background() {
    let _one = SERIAL.blocking_lock();
    let screen = Screen::start(1280, 720);
    let dir = tempfile::tempdir().unwrap();
    let notify = Notify::listen(dir.path());
    let kiosk = start(
        Some(&screen.display),
        &notify,
        &dir.path().join("data"),
        &[],
    );
    notify.wait_for("READY=1", Duration::from_secs(90));
    let camera = Camera::on(&screen.display);
    wait_until(
        Duration::from_secs(30),
        || showing(&camera.frame()),
        "the talk on screen",
    );
    std::thread::sleep(Duration::from_secs(2));
    let bg = luma(DARK_BG.0, DARK_BG.1, DARK_BG.2);
    let before = camera.film(Duration::from_secs(1));
    let steady_mean = before.iter().map(|f| f.mean).fold(0.0, f64::max);
    for f in &before {
        assert!(
            (f.median - bg).abs() < 3.0,
            "the screen is mostly background: {f:?}"
        );
    }

    let mut brightest = (0.0f64, 0.0f64);
    for crash in 1..=3 {
        let web = kiosk.web_process();
        kiosk.signal(web, "-KILL");
        let killed = Instant::now();
        let frames = camera.film(Duration::from_secs(4));
        for f in &frames {
            brightest = (brightest.0.max(f.median), brightest.1.max(f.mean));
            assert!(
                f.median <= bg + 3.0 && f.mean <= steady_mean + 5.0,
                "crash {crash}: a frame {} ms after the kill is brighter than the page (median {:.1}, mean {:.1}; background {bg:.1}, steady mean {steady_mean:.1})",
                f.at.duration_since(killed).as_millis(),
                f.median,
                f.mean
            );
        }
        let gone = frames.iter().position(|f| !showing(f));
        let back = frames.iter().skip(gone.unwrap_or(0)).find(|f| showing(f));
        let back_ms = back.map(|f| f.at.duration_since(killed).as_millis());
        eprintln!(
            "FIGURE crash {crash}: {} frames in 4 s (one per {} ms), talk gone from the screen: {}, back after {back_ms:?} ms",
            frames.len(),
            4000 / frames.len().max(1),
            gone.is_some()
        );
        if crash < 3 {
            // Measured 0.45–0.73 s on a quiet machine (issue 13); allow for
            // five builds sharing two cores.
            let back_ms = back_ms.expect("the talk came back on screen");
            assert!(back_ms <= 3000, "re-rendered {back_ms} ms after the kill");
        }
    }
    eprintln!(
        "FIGURE brightest frame around 3 kills: median luma {:.1}, mean {:.1} (background {bg:.1}, steady mean {steady_mean:.1})",
        brightest.0, brightest.1
    );
    let shell: Vec<String> = kiosk
        .stderr()
        .lines()
        .filter(|l| l.contains("rendered again"))
        .map(|l| l.rsplit("after_ms=").next().unwrap_or("").to_string())
        .collect();
    eprintln!(
        "FIGURE the shell's own measure, web process ended → page rendered again: {shell:?} ms"
    );
    // The third crash in ten minutes: the simpler page, which still renders.
    wait_until(
        Duration::from_secs(20),
        || kiosk.stderr().contains("showing the simpler page"),
        "the fallback",
    );
    let after = Instant::now();
    wait_until(
        Duration::from_secs(15),
        || !notify.pings_between(after, Instant::now()).is_empty(),
        "the simpler page's heartbeat",
    );
    let text = camera.film(Duration::from_millis(200));
    assert!(
        text.iter().any(|f| f.mean > bg + 1.0),
        "the simpler page shows text: {text:?}"
    );
}

#[test]
fn without_a_display_it_waits_and_logs_then_starts_when_one_appears() {
    let _one = SERIAL.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let notify = Notify::listen(dir.path());

    // No display at all: it waits, says why, and does not panic.
    let mut unset = start(None, &notify, &dir.path().join("a"), &[]);
    wait_until(
        Duration::from_secs(30),
        || {
            unset
                .stderr()
                .contains("no display yet: DISPLAY and WAYLAND_DISPLAY are unset")
        },
        "the wait to be logged",
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        unset.guard.0.try_wait().unwrap().is_none(),
        "still waiting: {}",
        unset.stderr()
    );
    assert!(!unset.stderr().contains("panicked"));
    assert!(notify
        .messages()
        .iter()
        .any(|(_, m)| m.contains("EXTEND_TIMEOUT_USEC=")
            && m.contains("STATUS=waiting for a display")));
    assert!(unset.stop().success(), "a waiting kiosk stops cleanly");

    // A display that comes later: it starts on it.
    let n = free_display();
    let display = format!(":{n}");
    let late = start(Some(&display), &notify, &dir.path().join("b"), &[]);
    wait_until(
        Duration::from_secs(30),
        || {
            late.stderr()
                .contains(&format!("cannot open X display {display}"))
        },
        "the wait for the display",
    );
    std::thread::sleep(Duration::from_secs(1));
    let _screen = Screen::start_on(n, 1280, 720);
    let appeared = Instant::now();
    notify.wait_for("READY=1", Duration::from_secs(90));
    eprintln!(
        "FIGURE a display appearing: READY {} ms later",
        appeared.elapsed().as_millis()
    );
    assert!(
        late.stderr().contains("the display is there"),
        "{}",
        late.stderr()
    );
    assert!(!late.stderr().contains("panicked"));
}
