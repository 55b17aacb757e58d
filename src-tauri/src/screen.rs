//! The screen the kiosk shows on: waiting for a display to exist, keeping
//! it from blanking (X11 screensaver and DPMS) while the kiosk shows, and
//! reading its state for `doctor`. Core decides when the screen may blank
//! (`kiosk_core::blanking`); this file talks X11 (x11rb, pure Rust).
//!
//! Wayland without Xwayland is not handled here: there, run the kiosk in
//! `cage`, which does not blank while a client shows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

use kiosk_core::blanking::BlankingPolicy;

use crate::kiosk::Kiosk;

use serde::{Deserialize, Serialize};
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::dpms::{self, ConnectionExt as _, DPMSMode};
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::screensaver::ConnectionExt as _;
use x11rb::protocol::xproto::{Blanking, ConnectionExt as _, Exposures, ScreenSaver};
use x11rb::rust_connection::RustConnection;

/// Whether a display the web view can open exists now; why not if not.
pub fn probe_display() -> Result<String, String> {
    if let Some(wayland) = std::env::var_os("WAYLAND_DISPLAY") {
        let path = PathBuf::from(&wayland);
        let path = if path.is_absolute() {
            path
        } else {
            std::env::var_os("XDG_RUNTIME_DIR")
                .map(PathBuf::from)
                .unwrap_or_default()
                .join(path)
        };
        return match std::os::unix::net::UnixStream::connect(&path) {
            Ok(_) => Ok(format!("Wayland {}", path.display())),
            Err(e) => Err(format!("cannot reach Wayland at {}: {e}", path.display())),
        };
    }
    let Some(display) = std::env::var_os("DISPLAY") else {
        return Err(
            "DISPLAY and WAYLAND_DISPLAY are unset (under systemd, the session \
                    must run `systemctl --user import-environment DISPLAY XAUTHORITY`)"
                .into(),
        );
    };
    let name = display.to_string_lossy().into_owned();
    x11rb::connect(Some(&name))
        .map(|_| format!("X11 {name}"))
        .map_err(|e| format!("cannot open X display {name}: {e}"))
}

/// Wait until a display exists, logging why not and retrying with a
/// growing pause (at most 10 s); under systemd, the start time-out is
/// extended each time. Never gives up: a kiosk PC's display may come late.
/// `None`: a stop signal came while waiting.
pub fn wait_for_display() -> Option<String> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(500);
    loop {
        if crate::supervise::stop_asked() {
            tracing::info!("asked to stop while waiting for a display");
            return None;
        }
        match probe_display() {
            Ok(what) => {
                if started.elapsed() > Duration::from_millis(100) {
                    tracing::info!(
                        waited_ms = started.elapsed().as_millis() as u64,
                        "the display is there: {what}"
                    );
                }
                return Some(what);
            }
            Err(why) => {
                tracing::warn!(
                    "no display yet: {why}; retrying in {:.1} s",
                    pause.as_secs_f64()
                );
                crate::supervise::waiting(&format!("waiting for a display: {why}"), pause * 3);
                // Short naps, so a stop signal is answered at once.
                let until = Instant::now() + pause;
                while Instant::now() < until && !crate::supervise::stop_asked() {
                    std::thread::sleep(Duration::from_millis(100));
                }
                pause = (pause * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// The screensaver and DPMS settings as found, to put back on exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Saved {
    timeout: i16,
    interval: i16,
    prefer_blanking: u8,
    allow_exposures: u8,
    /// `None`: the server has no DPMS.
    dpms: Option<SavedDpms>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SavedDpms {
    enabled: bool,
    standby: u16,
    suspend: u16,
    off: u16,
}

type XResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn has_extension(conn: &RustConnection, name: &'static str) -> bool {
    conn.extension_information(name).ok().flatten().is_some()
}

fn read_saved(conn: &RustConnection) -> XResult<Saved> {
    let ss = conn.get_screen_saver()?.reply()?;
    let dpms = if has_extension(conn, dpms::X11_EXTENSION_NAME) {
        let info = conn.dpms_info()?.reply()?;
        let t = conn.dpms_get_timeouts()?.reply()?;
        Some(SavedDpms {
            enabled: info.state,
            standby: t.standby_timeout,
            suspend: t.suspend_timeout,
            off: t.off_timeout,
        })
    } else {
        None
    };
    Ok(Saved {
        timeout: ss.timeout as i16,
        interval: ss.interval as i16,
        prefer_blanking: u8::from(ss.prefer_blanking),
        allow_exposures: u8::from(ss.allow_exposures),
        dpms,
    })
}

/// Keeps the screen from blanking while it lives; puts the settings it
/// found back when dropped. The settings found are also written to the
/// data folder first, so a kiosk killed with SIGKILL (whose screensaver
/// stays off) restores the true originals after its next run, not zeros.
pub struct Inhibitor {
    conn: RustConnection,
    saved: Saved,
    saved_file: PathBuf,
    on: bool,
}

impl Inhibitor {
    pub fn start(data_dir: &Path) -> XResult<Inhibitor> {
        let (conn, _) = x11rb::connect(None)?;
        let saved_file = data_dir.join("screen-settings.json");
        let saved = match std::fs::read(&saved_file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Saved>(&b).ok())
        {
            Some(saved) => {
                tracing::info!(
                    ?saved,
                    "screen settings left by a kiosk that did not exit cleanly"
                );
                saved
            }
            None => {
                let saved = read_saved(&conn)?;
                let json = serde_json::to_vec(&saved).expect("settings serialize");
                if let Err(e) = std::fs::write(&saved_file, json) {
                    tracing::warn!(
                        "cannot keep the screen settings in {}: {e}",
                        saved_file.display()
                    );
                }
                saved
            }
        };
        let mut inhibitor = Inhibitor {
            conn,
            saved,
            saved_file,
            on: false,
        };
        inhibitor.keep_on()?;
        Ok(inhibitor)
    }

    /// Screensaver off (and suspended: that lasts only while this
    /// connection is open, so even a SIGKILL gives it back), DPMS off, and
    /// the screen woken if it was dark.
    pub fn keep_on(&mut self) -> XResult<()> {
        let conn = &self.conn;
        if has_extension(conn, x11rb::protocol::screensaver::X11_EXTENSION_NAME) {
            conn.screensaver_suspend(1)?;
        }
        conn.set_screen_saver(0, 0, Blanking::DEFAULT, Exposures::DEFAULT)?
            .check()?;
        conn.force_screen_saver(ScreenSaver::RESET)?.check()?;
        if self.saved.dpms.is_some() {
            // Forcing a level needs DPMS enabled; then disable it.
            conn.dpms_enable()?.check()?;
            conn.dpms_force_level(DPMSMode::ON)?.check()?;
            conn.dpms_disable()?.check()?;
        }
        conn.flush()?;
        if !self.on {
            tracing::info!("screen blanking off while the kiosk shows (screensaver and DPMS)");
        }
        self.on = true;
        Ok(())
    }

    /// Outside event hours: switch the screen off (DPMS), if the server can.
    pub fn switch_off(&mut self) -> XResult<()> {
        let conn = &self.conn;
        if self.saved.dpms.is_none() {
            return Err("the X server has no DPMS: the screen cannot be switched off".into());
        }
        conn.dpms_enable()?.check()?;
        conn.dpms_force_level(DPMSMode::OFF)?.check()?;
        conn.flush()?;
        tracing::info!("outside event hours: screen switched off (DPMS)");
        self.on = false;
        Ok(())
    }

    fn restore(&self) -> XResult<()> {
        let conn = &self.conn;
        let s = self.saved;
        conn.set_screen_saver(
            s.timeout,
            s.interval,
            Blanking::from(s.prefer_blanking),
            Exposures::from(s.allow_exposures),
        )?
        .check()?;
        if let Some(d) = s.dpms {
            conn.dpms_set_timeouts(d.standby, d.suspend, d.off)?
                .check()?;
            if d.enabled {
                conn.dpms_enable()?.check()?;
            } else {
                conn.dpms_disable()?.check()?;
            }
        }
        if has_extension(conn, x11rb::protocol::screensaver::X11_EXTENSION_NAME) {
            conn.screensaver_suspend(0)?;
        }
        conn.flush()?;
        Ok(())
    }
}

impl Drop for Inhibitor {
    fn drop(&mut self) {
        match self.restore() {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.saved_file);
                tracing::info!("screen blanking settings restored");
            }
            Err(e) => tracing::warn!("cannot restore the screen blanking settings: {e}"),
        }
    }
}

/// For `doctor`: the screensaver time-out and DPMS state, and whether the
/// screen can blank.
pub struct BlankingState {
    pub screensaver_timeout: u16,
    pub dpms_enabled: Option<bool>,
}

impl BlankingState {
    pub fn can_blank(&self) -> bool {
        self.screensaver_timeout > 0 || self.dpms_enabled == Some(true)
    }

    pub fn describe(&self) -> String {
        let saver = match self.screensaver_timeout {
            0 => "screensaver off".to_string(),
            t => format!("screensaver after {t} s"),
        };
        let dpms = match self.dpms_enabled {
            Some(true) => "DPMS enabled",
            Some(false) => "DPMS disabled",
            None => "no DPMS",
        };
        format!("{saver}, {dpms}")
    }
}

pub fn blanking_state() -> XResult<BlankingState> {
    let (conn, _) = x11rb::connect(None)?;
    let saved = read_saved(&conn)?;
    Ok(BlankingState {
        screensaver_timeout: saved.timeout as u16,
        dpms_enabled: saved.dpms.map(|d| d.enabled),
    })
}

/// The monitors X knows (RandR 1.5 monitors, else the screens' sizes).
pub fn monitors() -> XResult<Vec<String>> {
    let (conn, _) = x11rb::connect(None)?;
    let mut found = Vec::new();
    for screen in &conn.setup().roots {
        let listed = conn
            .randr_get_monitors(screen.root, true)
            .ok()
            .and_then(|c| c.reply().ok());
        match listed {
            Some(reply) if !reply.monitors.is_empty() => {
                for m in reply.monitors {
                    let name = conn
                        .get_atom_name(m.name)?
                        .reply()
                        .map(|n| String::from_utf8_lossy(&n.name).into_owned())
                        .unwrap_or_else(|_| "?".into());
                    found.push(format!("{name} {}x{}+{}+{}", m.width, m.height, m.x, m.y));
                }
            }
            _ => found.push(format!(
                "screen {}x{}",
                screen.width_in_pixels, screen.height_in_pixels
            )),
        }
    }
    Ok(found)
}

/// The inhibitor while the app runs; taken (and so restored) on exit.
struct BlankingControl(Arc<Mutex<Option<Inhibitor>>>);

/// Re-assert the screen's state this often: a desktop component or a
/// technician's `xset` may have changed it.
const REASSERT: Duration = Duration::from_secs(60);

/// Keep the screen on while the kiosk shows, or, outside event hours when
/// the venue asked for it, switch it off (core's `screen_plan` decides).
pub fn start_blanking_control<R: Runtime>(
    app: AppHandle<R>,
    policy: BlankingPolicy,
    data_dir: PathBuf,
) {
    if policy == BlankingPolicy::Allow {
        tracing::info!("screen blanking left as the system has it (allow_blanking)");
        return;
    }
    let inhibitor = match Inhibitor::start(&data_dir) {
        Ok(inhibitor) => inhibitor,
        Err(e) => {
            tracing::warn!("cannot keep the screen from blanking (X11 screensaver/DPMS): {e}");
            return;
        }
    };
    let shared = Arc::new(Mutex::new(Some(inhibitor)));
    app.manage(BlankingControl(shared.clone()));
    let spawned = std::thread::Builder::new()
        .name("blanking".into())
        .spawn(move || {
            let mut was_on = true;
            loop {
                let (on, wait) = match policy {
                    BlankingPolicy::OutsideEventHours { margin } => {
                        let kiosk = app.state::<Kiosk>();
                        let plan = kiosk.screen_plan(margin);
                        let until = plan.until.map(|t| {
                            kiosk.clock().real_duration_until(t) + Duration::from_millis(10)
                        });
                        (plan.on, until.unwrap_or(REASSERT).min(REASSERT))
                    }
                    _ => (true, REASSERT),
                };
                {
                    let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(inhibitor) = guard.as_mut() else {
                        return;
                    };
                    let result = match (on, was_on) {
                        (true, _) => inhibitor.keep_on(),
                        // Switched off once at the change: someone who wakes
                        // the screen at night keeps it on until the next plan.
                        (false, true) => inhibitor.switch_off(),
                        (false, false) => Ok(()),
                    };
                    if let Err(e) = result {
                        tracing::warn!("cannot set the screen's blanking: {e}");
                    }
                }
                was_on = on;
                std::thread::sleep(wait);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the blanking control: {e}");
    }
}

/// On exit: the settings found at start go back.
pub fn stop_blanking_control<R: Runtime>(app: &AppHandle<R>) {
    if let Some(control) = app.try_state::<BlankingControl>() {
        let taken = control.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(taken);
    }
}
