//! End-to-end: the real window under Xvfb, driven through tauri-driver,
//! checked against what `summit-kiosk now --json` prints, with screenshots
//! saved in target/e2e-screenshots for a person to look at.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::support::{demo_file, fixture, png_size, screenshot_dir, E2e, Launch, Screen, BIN};

mod control;
mod engine;
mod follow;
mod lifecycle;
mod room;
mod sources;
mod wall;

/// One automation session at a time.
pub(crate) static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) const T: &str = "2020-02-26T10:20:00-05:00";

const READ: &str = r#"
const q = (s) => document.querySelector(s);
const texts = (s) => [...document.querySelectorAll(s)].map((e) => e.textContent);
return {
  state: q('#app').dataset.state,
  view: q('#room-view').hidden ? 'lobby' : 'room',
  place: q('#place').textContent,
  hero_state: q('#hero').dataset.state || null,
  session: q('#hero').dataset.sessionId || null,
  label: q('#hero-label').textContent,
  title: q('#now-title').textContent,
  speakers: texts('#now-speakers .speaker-name'),
  next_title: q('#next .card-title').textContent,
  clock: q('#clock').textContent,
  imgs: document.querySelectorAll('img:not(.photo)').length,
  lobby_rooms: texts('#lobby-view .room-name'),
  width: window.innerWidth,
  height: window.innerHeight,
  kiosk: document.body.classList.contains('kiosk'),
};
"#;

pub(crate) async fn read(c: &Client) -> Value {
    c.execute(READ, vec![]).await.expect("read the screen")
}

/// Wait until the screen's current title is `title`; how long it took.
pub(crate) async fn wait_for_title(
    c: &Client,
    title: &str,
    limit: Duration,
    what: &str,
) -> Duration {
    let since = Instant::now();
    loop {
        let s = read(c).await;
        if s["title"] == title {
            return since.elapsed();
        }
        assert!(since.elapsed() < limit, "{what}: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait for the first rendered snapshot; returns the screen and how long it took.
pub(crate) async fn first_render(c: &Client, since: Instant) -> (Value, Duration) {
    loop {
        let s = read(c).await;
        if s["state"] == "ready" || s["state"] == "empty" {
            return (s, since.elapsed());
        }
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "no snapshot rendered: {s}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the X screen shows, as a person would see it, and a check that the
/// page fills it. (Taken from X, not through WebDriver: WebKit's WebDriver
/// waits for the page's next paint, and a quiet screen paints once a minute.)
pub(crate) async fn save_screenshot(c: &Client, screen: &Screen, name: &str, size: (u32, u32)) {
    let inner: Value = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    assert_eq!(
        inner,
        serde_json::json!([size.0, size.1]),
        "{name}: the page fills the screen"
    );
    let path = screenshot_dir().join(name);
    screen
        .capture(&path)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(png_size(&std::fs::read(&path).unwrap()), size, "{name}");
    eprintln!("screenshot: {}", path.display());
}

fn now_json(args: &[&str]) -> Value {
    let out = std::process::Command::new(BIN)
        .arg("now")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(crate) fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The organizer's PIN in the end-to-end tests.
pub(crate) const PANEL_PIN: &str = "246813";

/// A config in `dir` that sets the control panel's PIN (hashed as
/// `set-pin` stores it), then `extra` lines; its path.
pub(crate) fn panel_config(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    let hash = kiosk_core::pin::hash_pin(PANEL_PIN).unwrap();
    std::fs::write(&config, format!("control_pin_hash = \"{hash}\"\n{extra}")).unwrap();
    config
}

pub(crate) use kiosk_rig::kiosk_log as log_text;

/// WebKit web processes started by `pid`.
pub(crate) fn web_processes(pid: u32) -> Vec<u32> {
    crate::support::descendants(pid)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                .is_ok_and(|cmd| cmd.contains("WebKitWebProcess"))
        })
        .collect()
}

/// Switch the WebDriver session to the window whose page is `page`.
pub(crate) async fn switch_to_page(c: &Client, page: &str) {
    let since = Instant::now();
    loop {
        let mut seen = Vec::new();
        for handle in c.windows().await.unwrap() {
            c.switch_to_window(handle).await.unwrap();
            let path: Value = c.execute("return location.href", vec![]).await.unwrap();
            let path = path.as_str().unwrap_or("").to_string();
            if path.ends_with(page) || (page == "/index.html" && !path.contains("control")) {
                return;
            }
            seen.push(path);
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "no window shows {page}: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect(script)
}

/// Poll `script` until it returns true.
pub(crate) async fn wait_js(c: &Client, script: &str, limit: Duration, what: &str) -> Duration {
    let since = Instant::now();
    loop {
        if js(c, script).await == Value::Bool(true) {
            return since.elapsed();
        }
        assert!(since.elapsed() < limit, "{what}: {script}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Open the control panel's tab whose label contains `label`.
pub(crate) async fn open_tab(c: &Client, label: &str) {
    for tab in c
        .find_all(fantoccini::Locator::Css("#tabs [data-tab], #tabs button"))
        .await
        .unwrap()
    {
        if tab.text().await.unwrap().contains(label) {
            tab.click().await.unwrap();
            return;
        }
    }
    panic!("no tab {label:?}");
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Unlock the control panel of session `c` with `pin`.
pub(crate) async fn unlock_panel(c: &Client, pin: &str) {
    switch_to_page(c, "/control.html").await;
    wait_js(
        c,
        "return !document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "locked",
    )
    .await;
    c.find(fantoccini::Locator::Css("#pin"))
        .await
        .unwrap()
        .send_keys(pin)
        .await
        .unwrap();
    click(c, "#unlock").await;
    wait_js(
        c,
        "return document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "unlocked",
    )
    .await;
}

/// Delay the main hall by `minutes` on the panel's Schedule tab: the room,
/// the delay, its preview, confirmed.
pub(crate) async fn delay_main_hall(c: &Client, minutes: u32) {
    click(c, "#rooms [data-room-id=\"main\"]").await;
    click(c, &format!("#delay-room [data-delay=\"{minutes}\"]")).await;
    wait_js(
        c,
        "return !document.querySelector('#delay-preview').hidden",
        Duration::from_secs(10),
        "the preview",
    )
    .await;
    click(c, "#delay-confirm").await;
}

/// Confirm the panel's dialog once it is open (the confirm step).
pub(crate) async fn confirm_dialog(c: &Client) {
    wait_js(
        c,
        "return document.querySelector('#dialog').open",
        Duration::from_secs(10),
        "the confirm step",
    )
    .await;
    click(c, "#dialog-confirm").await;
}
