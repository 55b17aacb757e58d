//! IPC commands, `verb_noun`, each a few lines over kiosk-core. Every command
//! is listed once in `src-tauri/commands.rs` (which build.rs gives to
//! `AppManifest::commands`) and granted per window in `src-tauri/capabilities/`.
//! Errors cross as `{code, message}` ([`crate::error`]).

pub mod control;
pub mod photos;
pub mod screens;
mod unlocked;

pub use unlocked::Unlocked;

use tauri::State;

use crate::error::Result;
use crate::kiosk::Kiosk;
use crate::supervise::Supervisor;
use kiosk_core::photos::Playlist;
use kiosk_core::snapshot::DisplaySnapshot;

/// What the display shows now. A window that (re)loads asks once; after that
/// the shell pushes `snapshot-changed`.
#[tauri::command(async)]
pub fn get_snapshot(kiosk: State<'_, Kiosk>) -> Result<DisplaySnapshot> {
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| {
        tracing::info!(
            since_start_ms = crate::STARTED.elapsed().as_millis() as u64,
            "first snapshot served to the window"
        )
    });
    Ok(kiosk.snapshot())
}

/// The photos the wall rotates through (names only: the window loads the
/// renditions from the `photo:` scheme). After this the shell pushes
/// `photos-changed`.
#[tauri::command(async)]
pub fn get_photos(kiosk: State<'_, Kiosk>) -> Result<Playlist> {
    Ok(kiosk.playlist())
}

/// The display's render heartbeat, after each painted render and once a
/// second. It records an instant (the first is the start-up time in the
/// log) and feeds the systemd watchdog; it writes nothing (granted to the
/// display, invariant 5).
/// A plain (not async) command runs on the main thread, so a frozen main
/// loop stops the heartbeat as surely as a frozen page.
#[tauri::command]
pub fn report_render(supervisor: State<'_, Supervisor>) {
    supervisor.rendered();
}
