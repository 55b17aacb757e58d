//! The photo wall in the shell: a thread that keeps the library in step with
//! its folders (watched, and rescanned now and then in case an event was
//! missed), and the `photo:` URI scheme that serves renditions to the window.
//! Photo bytes never cross IPC (invariant 6): the window gets names only.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{AppHandle, Emitter, Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use kiosk_core::photos::is_rendition_name;
use kiosk_core::photos::library::Library;

use crate::display::LABEL;
use crate::kiosk::Kiosk;

/// The scheme the display loads renditions from: `photo://localhost/<name>`.
pub const SCHEME: &str = "photo";
/// Pushed to the display with the new [`kiosk_core::photos::Playlist`].
pub const PHOTOS_EVENT: &str = "photos-changed";
/// A rescan even without file events (a missed event, a remounted folder).
const RESCAN: Duration = Duration::from_secs(30);
const DEBOUNCE: Duration = Duration::from_millis(400);
/// The largest rendition file served (an 8K JPEG is well under this).
const MAX_RENDITION_BYTES: u64 = 40 * 1024 * 1024;

/// Where renditions are served from; counts what was served.
pub struct PhotoServer {
    pub renditions: PathBuf,
    pub served: AtomicU64,
}

/// Keep the library in step with its folders, and the display with the library.
pub fn start<R: Runtime>(app: AppHandle<R>, library: Library) {
    std::thread::Builder::new()
        .name("photos".into())
        .spawn(move || run(app, library))
        .expect("spawn the photo thread");
}

fn run<R: Runtime>(app: AppHandle<R>, library: Library) {
    let (tx, rx) = mpsc::channel();
    let _watcher = match new_debouncer(DEBOUNCE, move |_| {
        let _ = tx.send(());
    }) {
        Ok(mut debouncer) => {
            for folder in &library.folders {
                let _ = std::fs::create_dir_all(&folder.path);
                if let Err(e) = debouncer
                    .watcher()
                    .watch(&folder.path, RecursiveMode::Recursive)
                {
                    tracing::warn!(folder = %folder.path.display(), "cannot watch the photo folder ({e}); it is rescanned every {} s", RESCAN.as_secs());
                }
            }
            Some(debouncer)
        }
        Err(e) => {
            tracing::warn!(
                "cannot watch photo folders ({e}); rescanning every {} s",
                RESCAN.as_secs()
            );
            None
        }
    };
    let kiosk = app.state::<Kiosk>();
    loop {
        let wait = match library.pass(kiosk.store()) {
            Ok(report) => {
                if report.changed() {
                    tracing::info!(
                        added = report.added.len(),
                        quarantined = report.quarantined.len(),
                        forgotten = report.forgotten,
                        "photo library updated"
                    );
                }
                match kiosk.refresh_photos() {
                    Ok(wall_changed) => {
                        if wall_changed {
                            push_playlist(&app, &kiosk);
                        }
                        if wall_changed || report.changed() {
                            crate::control::changed(&app);
                        }
                    }
                    Err(e) => tracing::error!("cannot read the photos from the store: {e}"),
                }
                if report.unsettled > 0 {
                    library.settle
                } else {
                    RESCAN
                }
            }
            Err(e) => {
                tracing::error!("photo library pass failed: {e}");
                RESCAN
            }
        };
        match rx.recv_timeout(wait) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {
                // Let a burst of events settle into one pass.
                while rx.try_recv().is_ok() {}
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
}

/// Send the display the photos it rotates through now.
pub fn push_playlist<R: Runtime>(app: &AppHandle<R>, kiosk: &Kiosk) {
    if let Err(e) = app.emit_to(LABEL, PHOTOS_EVENT, kiosk.playlist()) {
        tracing::warn!("cannot push the photos to the display: {e}");
    }
}

/// The `photo:` scheme: a rendition by its file name, from the renditions
/// folder only; anything else is a 404. Read off the main thread.
pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let Some(server) = ctx.app_handle().try_state::<PhotoServer>() else {
        responder.respond(status(StatusCode::NOT_FOUND));
        return;
    };
    let name = request.uri().path().trim_start_matches('/').to_string();
    let dir = server.renditions.clone();
    let served = if is_rendition_name(&name) {
        server.served.fetch_add(1, Ordering::Relaxed) + 1
    } else {
        0
    };
    std::thread::spawn(move || {
        if served == 0 {
            tracing::warn!(name, "refused a photo request that is not a rendition name");
            return responder.respond(status(StatusCode::NOT_FOUND));
        }
        let path = dir.join(&name);
        let bytes = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= MAX_RENDITION_BYTES)
            .and_then(|_| std::fs::read(&path).ok());
        tracing::debug!(name, served, "photo served");
        match bytes {
            Some(bytes) => responder.respond(
                Response::builder()
                    .header(header::CONTENT_TYPE, "image/jpeg")
                    .header(header::CACHE_CONTROL, "no-store")
                    .body(bytes)
                    .expect("a valid response"),
            ),
            None => responder.respond(status(StatusCode::NOT_FOUND)),
        }
    });
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    Response::builder()
        .status(code)
        .body(Vec::new())
        .expect("a valid response")
}
