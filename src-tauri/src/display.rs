//! The display window: creating it (kiosk mode, monitor choice) and pushing
//! `snapshot-changed` exactly when the snapshot next changes, and once a
//! (clock) minute for the minute counters.

use std::sync::mpsc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp, Unit};
use serde::Serialize;
use tauri::{
    AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder,
};

use crate::kiosk::Kiosk;
use kiosk_core::config::Theme;

pub const LABEL: &str = "display";
pub const SNAPSHOT_EVENT: &str = "snapshot-changed";

/// At most this often for the periodic minute refresh (an accelerated clock
/// would otherwise push many times a second); change points are always pushed.
const MIN_REFRESH: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Serialize)]
pub struct WindowOptions {
    pub kiosk: bool,
    pub monitor: Option<String>,
    pub theme: Theme,
    /// The page's words before its first snapshot, in the screen's language.
    pub labels: kiosk_core::i18n::display::StartLabels,
}

pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    options: &WindowOptions,
) -> tauri::Result<WebviewWindow<R>> {
    // The theme's class on <html> before the page's own script runs, so its
    // first paint is already in the theme's colours.
    let init = format!(
        "window.__KIOSK_OPTIONS__ = Object.freeze({options});\n\
         document.documentElement.classList.add('theme-' + window.__KIOSK_OPTIONS__.theme);",
        options = serde_json::to_string(options).expect("window options serialize")
    );
    let (r, g, b) = options.theme.background_rgb();
    let builder = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html".into()))
        .title("Summit Kiosk")
        .inner_size(1280.0, 720.0)
        .min_inner_size(480.0, 270.0)
        .initialization_script(&init)
        // Painted before the page is (at start, and while a crashed web
        // process is replaced): the theme's background, never GTK's grey.
        .background_color(tauri::window::Color(r, g, b, 255))
        .visible(false);
    let builder = if options.kiosk {
        builder.decorations(false).always_on_top(true)
    } else {
        builder
    };
    let window = builder.build()?;
    if options.kiosk {
        place_on_monitor(&window, options.monitor.as_deref());
        cover_monitor(&window);
        window.set_fullscreen(true)?;
        window.set_cursor_visible(false)?;
    }
    window.show()?;
    window.set_focus()?;
    Ok(window)
}

/// Cover the window's monitor before asking for fullscreen: on an X server
/// without a window manager nobody grants fullscreen, and the kiosk would
/// sit in a corner at its first size.
fn cover_monitor<R: Runtime>(window: &WebviewWindow<R>) {
    let monitor = match window.current_monitor() {
        Ok(Some(m)) => Some(m),
        _ => window.primary_monitor().ok().flatten(),
    };
    let Some(m) = monitor else {
        tracing::warn!("no monitor to cover; fullscreen is left to the window manager");
        return;
    };
    if let Err(e) = window
        .set_position(*m.position())
        .and_then(|()| window.set_size(*m.size()))
    {
        tracing::warn!("cannot cover the monitor: {e}");
    }
}

/// Move the window to the chosen monitor (an index or a name) before it goes
/// fullscreen, so fullscreen happens there.
fn place_on_monitor<R: Runtime>(window: &WebviewWindow<R>, wanted: Option<&str>) {
    let monitors = match window.available_monitors() {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!("cannot list monitors: {e}");
            return;
        }
    };
    let names: Vec<String> = monitors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                "{i}: {}",
                m.name().map(String::as_str).unwrap_or("(unnamed)")
            )
        })
        .collect();
    tracing::info!(monitors = ?names, "monitors found");
    let Some(wanted) = wanted else { return };
    let chosen = match wanted.parse::<usize>() {
        Ok(i) => monitors.get(i),
        Err(_) => monitors
            .iter()
            .find(|m| m.name().is_some_and(|n| n == wanted)),
    };
    match chosen {
        Some(m) => {
            if let Err(e) = window.set_position(*m.position()) {
                tracing::warn!("cannot move to monitor {wanted}: {e}");
            }
        }
        None => tracing::warn!(
            "no monitor {wanted:?}; using the first. Monitors: {}",
            names.join(", ")
        ),
    }
}

/// The next whole clock minute after `at`.
fn next_minute(at: Timestamp) -> Timestamp {
    let floor = at
        .round(
            jiff::TimestampRound::new()
                .smallest(Unit::Minute)
                .mode(jiff::RoundMode::Trunc),
        )
        .unwrap_or(at);
    floor + SignedDuration::from_mins(1)
}

/// Push a snapshot now, then at each change point and once a clock minute,
/// and whenever the schedule changes. Runs until the app exits.
pub fn start_ticker<R: Runtime>(app: AppHandle<R>) {
    let (tx, rx) = mpsc::channel();
    app.state::<Kiosk>().set_waker(tx);
    std::thread::Builder::new()
        .name("snapshot-ticker".into())
        .spawn(move || loop {
            let kiosk = app.state::<Kiosk>();
            let snapshot = kiosk.snapshot();
            if let Err(e) = app.emit_to(LABEL, SNAPSHOT_EVENT, &snapshot) {
                tracing::warn!("cannot push the snapshot: {e}");
            }
            let clock = kiosk.clock();
            let minute = clock
                .real_duration_until(next_minute(snapshot.at))
                .max(MIN_REFRESH);
            // +1 ms: wake just after the change point, never just before it.
            let change = snapshot
                .next_change_at
                .map(|t| clock.real_duration_until(t) + Duration::from_millis(1))
                .unwrap_or(minute);
            match rx.recv_timeout(minute.min(change)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        })
        .expect("spawn the snapshot ticker");
}
