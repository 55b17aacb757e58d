//! IPC commands, `verb_noun`, each a few lines over kiosk-core. Every command
//! is listed once in `src-tauri/commands.rs` (which build.rs gives to
//! `AppManifest::commands`) and granted per window in `src-tauri/capabilities/`.
//! Errors cross as `{code, message}` ([`crate::error`]).

pub mod control;
pub mod photos;
pub mod screens;

use tauri::State;

use crate::error::Result;
use crate::kiosk::Kiosk;
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

/// When the display last painted a snapshot (ms since start; 0: never).
pub static LAST_RENDER_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The display painted a snapshot: its heartbeat. Records the time and
/// writes nothing else; the first one is the start-up time in the log.
#[tauri::command]
pub fn report_render() {
    let since_start_ms = (crate::STARTED.elapsed().as_millis() as u64).max(1);
    let before = LAST_RENDER_MS.swap(since_start_ms, std::sync::atomic::Ordering::Relaxed);
    if before == 0 {
        tracing::info!(since_start_ms, "first snapshot rendered by the window");
        crate::memory::start_trimming();
    }
}

/// The photos the wall rotates through (names only: the window loads the
/// renditions from the `photo:` scheme). After this the shell pushes
/// `photos-changed`.
#[tauri::command(async)]
pub fn get_photos(kiosk: State<'_, Kiosk>) -> Result<Playlist> {
    Ok(kiosk.playlist())
}
