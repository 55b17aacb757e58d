//! IPC commands, `verb_noun`, each a few lines over kiosk-core. Every command
//! is listed in build.rs (`AppManifest::commands`) and granted per window in
//! `src-tauri/capabilities/`.

pub mod control;

use serde::Serialize;
use tauri::State;

use crate::kiosk::Kiosk;
use crate::supervise::Supervisor;
use kiosk_core::photos::Playlist;
use kiosk_core::snapshot::DisplaySnapshot;

/// Errors cross IPC as `{code, message}`: a sentence for people, a code for tests.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl From<kiosk_core::Error> for IpcError {
    fn from(e: kiosk_core::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What the display shows now. A window that (re)loads asks once; after that
/// the shell pushes `snapshot-changed`.
#[tauri::command]
pub fn get_snapshot(kiosk: State<'_, Kiosk>) -> Result<DisplaySnapshot, IpcError> {
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
#[tauri::command]
pub fn get_photos(kiosk: State<'_, Kiosk>) -> Playlist {
    kiosk.playlist()
}

/// The display's render heartbeat, after each render and once a second from
/// an animation frame. It records an instant for the watchdog and touches
/// nothing else (granted to the display: it writes nothing, invariant 5).
/// A plain (not async) command runs on the main thread, so a frozen main
/// loop stops the heartbeat as surely as a frozen page.
#[tauri::command]
pub fn report_render(supervisor: State<'_, Supervisor>) {
    supervisor.rendered();
}
